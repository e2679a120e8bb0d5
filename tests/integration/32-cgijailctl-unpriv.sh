#!/usr/bin/env bash
# Root integration tests: cgijailctl reads a jail with its customer's rights
# (or nobody's), never as root. Two customers' jails built by init; files
# only root can read (a #! interpreter, a library, a program) and files only
# the customer can read; check --root as the customer found in the config,
# as --user, as nobody; --user root refused; check --all with each jail
# checked as its own user; strace showing that the process that opens the
# jail's files is the one that became the customer; a checking process
# killed mid-check or unable to drop (strace fault injection); audit not
# believing a passwd the customer can write; upgrade, populate and init
# reading the jail as the customer, and upgrade never copying a host file
# others can change. TAP on stdout; always exits 0.
# shellcheck disable=SC2034 # variables read by the eval'd conditions of expect
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/ctl.sh"

LIBDIR=/usr/lib/x86_64-linux-gnu
CGI=/var/www/cgi-bin

setup() {
	cj_user cjupa && UA=$CJ_LAST_UID || return 2
	cj_user cjupb && UB=$CJ_LAST_UID || return 2
	cj_user cjupz || return 2
	usermod -g root cjupz || return 2
	cj_conf_head | cj_conf
	JA=$CJ_SRV/jails/cjupa JB=$CJ_SRV/jails/cjupb
	ctl init --root "$JA" --user cjupa --profile sh --profiles "$PROFILES" || return 2
	[ "$CTL_RC" = 0 ] || { ctl_diag; return 2; }
	ctl init --root "$JB" --user cjupb --profile sh --profiles "$PROFILES"
	[ "$CTL_RC" = 0 ] || { ctl_diag; return 2; }
	# A #! interpreter only root can read, and a customer's own 0700 script.
	mkdir -p "$JA/opt/secret" && cp /bin/dash "$JA/opt/secret/interp" && chmod 0700 "$JA/opt/secret/interp"
	printf '#!/opt/secret/interp\necho hi\n' >"$CJ_WORK/s.cgi"
	cj_cgi "$CJ_WORK/s.cgi" "$JA$CGI/s.cgi" cjupa:cjupa
	printf '#!/bin/sh\necho hi\n' >"$CJ_WORK/mine.cgi"
	cj_cgi "$CJ_WORK/mine.cgi" "$JA$CGI/mine.cgi" cjupa:cjupa 0700
	# A customer's 0700 program that needs a library only root can read.
	echo 'int cj_secret(void) { return 42; }' | cc_lib "$JA/usr/lib/libcjsecret.so.1" libcjsecret.so.1 || return 2
	chmod 0600 "$JA/usr/lib/libcjsecret.so.1"
	echo 'int cj_secret(void); int main(void) { return cj_secret() != 42; }' |
		cc_prog "$CJ_WORK/lib.cgi" -L"$JA/usr/lib" -l:libcjsecret.so.1 || return 2
	cj_cgi "$CJ_WORK/lib.cgi" "$JA$CGI/lib.cgi" cjupa:cjupa 0700
	echo '#include <math.h>
#include <stdlib.h>
int main(int c, char **v) { return (int)sqrt(atof(v[c - 1])); }' | cc_prog "$CJ_WORK/m.cgi" -lm || return 2
	cj_cgi "$CJ_WORK/m.cgi" "$JA$CGI/m.cgi" cjupa:cjupa 0700
	# In each jail's /usr/local/bin: an interpreter only its customer can
	# read, a script using it, and a program only root can read.
	local j u
	for j in "$JA" "$JB"; do
		u=${j##*/}
		mkdir -p "$j/usr/local/bin"
		cp /bin/dash "$j/usr/local/bin/ownsh" && chown "$u:$u" "$j/usr/local/bin/ownsh" && chmod 0700 "$j/usr/local/bin/ownsh"
		printf '#!/usr/local/bin/ownsh\necho hi\n' >"$j/usr/local/bin/tool" && chmod 0755 "$j/usr/local/bin/tool"
		cp /bin/dash "$j/usr/local/bin/rootonly" && chmod 0700 "$j/usr/local/bin/rootonly"
	done
}

if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

# json_has PY-EXPR: the last cgijailctl stdout, parsed as JSON into d, makes PY-EXPR true.
json_has() { python3 -c "import json, sys; d = json.loads(sys.argv[1]); sys.exit(not ($1))" "$CTL_OUT" 2>/dev/null; }

# traced LOG ARGS...: ctl ARGS under strace -f (setresuid and openat), log in LOG.
traced() { local log=$1; shift; CTL_STRACE=(strace -f -qq -o "$log" -e trace=setresuid,openat "${CTL_STRACE_MORE[@]}"); ctl_strace "$@"; }
# ctl_strace ARGS...: ctl ARGS run by the command in CTL_STRACE (LeakSanitizer,
# in a sanitizer build, cannot work under ptrace).
ctl_strace() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		"${CTL_STRACE[@]}" "$CTL" "$@" >"$CJ_WORK/ctl.out" 2>"$CJ_WORK/ctl.err"; CTL_RC=$?
	CTL_OUT=$(cat "$CJ_WORK/ctl.out"); CTL_ERR=$(cat "$CJ_WORK/ctl.err")
}
# dropped_pid LOG UID: the process that set all its uids to UID.
dropped_pid() { awk -v u="$2" '$2 == "setresuid(" u "," && $3 == u "," && $4 == u ")" && $6 == "0" { print $1; exit }' "$1"; }
# opened_only_by LOG PID NAME: NAME was opened, and only by PID.
opened_only_by() {
	local pids
	pids=$(awk -v n="\"$3\"" '$2 ~ /^openat\(/ && index($0, n) { print $1 }' "$1" | sort -u | xargs)
	[ -n "$2" ] && [ "$pids" = "$2" ]
}

# ---- check --root: as the customer the config names ----

ctl check --root "$JA" --config "$CJ_CONF" --json "$CGI/s.cgi"
expect "a #! interpreter only root can read: missing-interpreter, Permission denied (exit 1)" \
	'[ "$CTL_RC" = 1 ] && json_has "any(p[\"kind\"] == \"missing-interpreter\" and p[\"object\"] == \"/opt/secret/interp\" and \"Permission denied\" in p[\"detail\"] for p in d[\"problems\"])"'
ctl check --root "$JA" --config "$CJ_CONF" "$CGI/mine.cgi"
expect "the customer's own mode 0700 script checks fine as the customer (exit 0)" '[ "$CTL_RC" = 0 ]'
ctl check --root "$JA" --config "$CJ_CONF" --json "$CGI/lib.cgi"
expect "a customer's 0700 program needing a library only root can read: a problem about that library (exit 1)" \
	'[ "$CTL_RC" = 1 ] && json_has "any(\"libcjsecret.so.1\" in p[\"object\"] for p in d[\"problems\"]) and \"/var/www/cgi-bin/lib.cgi\" in d[\"checked\"]"'
if "$CTL" check --help | grep -qF "(default $CJ_CONF)"; then
	ctl check --root "$JA" "$CGI/mine.cgi"
	expect "without --config, the compiled-in config names the customer (exit 0)" '[ "$CTL_RC" = 0 ]'
else
	ok "# SKIP the compiled-in config is not $CJ_CONF (another build)"
fi

if command -v strace >/dev/null; then
	traced "$CJ_WORK/st1" check --root "$JA" --config "$CJ_CONF" "$CGI/mine.cgi" "$CGI/s.cgi"
	pid=$(dropped_pid "$CJ_WORK/st1" "$UA")
	expect "strace: the jail's files (mine.cgi, s.cgi, the #! interpreters) are opened only by the process that set all its uids to the customer's" \
		'[ -n "$pid" ] && opened_only_by "$CJ_WORK/st1" "$pid" mine.cgi && opened_only_by "$CJ_WORK/st1" "$pid" s.cgi &&
		 opened_only_by "$CJ_WORK/st1" "$pid" interp && opened_only_by "$CJ_WORK/st1" "$pid" dash'
else
	ok "# SKIP strace: not installed"
fi

# ---- --user ----

ctl check --root "$JA" --user cjupb "$CGI/mine.cgi"
expect "--user cjupb: cjupa's 0700 script cannot be read (exit 2, Permission denied)" \
	'[ "$CTL_RC" = 2 ] && grep -q "mine.cgi: Permission denied" <<<"$CTL_ERR"'
ctl check --root "$JA" --user root "$CGI/mine.cgi"
expect "--user root is refused (exit 2, a reason, no report)" \
	'[ "$CTL_RC" = 2 ] && grep -q "root: uid 0, gid 0: refusing to check as root" <<<"$CTL_ERR" && [ -z "$CTL_OUT" ]'
ctl check --root "$JA" --user cjupz "$CGI/mine.cgi"
expect "--user NAME whose group is 0 is refused (exit 2)" \
	'[ "$CTL_RC" = 2 ] && grep -q "cjupz: uid [0-9]*, gid 0: refusing" <<<"$CTL_ERR" && [ -z "$CTL_OUT" ]'
ctl check --root "$JA" --user cjup-nosuch "$CGI/mine.cgi"
expect "--user of no such user is refused (exit 2)" '[ "$CTL_RC" = 2 ] && grep -q "cjup-nosuch: no such user" <<<"$CTL_ERR"'
printf '[cgijail]\nno_such_key = 1\n' >"$CJ_WORK/bad.conf"
ctl check --root "$JA" --config "$CJ_WORK/bad.conf" "$CGI/mine.cgi"
expect "a config that cannot be read: refused, saying why and asking to fix it or give --user (exit 2)" \
	'[ "$CTL_RC" = 2 ] && grep -q "bad.conf: .*(fix it, or name the user to check as with --user)" <<<"$CTL_ERR" && [ -z "$CTL_OUT" ]'
ctl check --root "$JA" --user cjupa --config "$CJ_CONF" "$CGI/mine.cgi"
expect "--user and --config together: a usage error (exit 2)" '[ "$CTL_RC" = 2 ] && grep -q "not both" <<<"$CTL_ERR"'

# Not root: nothing to switch to; the check runs as the caller.
if command -v setpriv >/dev/null; then
	as_a=(setpriv --reuid=cjupa --regid=cjupa --clear-groups)
	CTL_STRACE=("${as_a[@]}"); ctl_strace check --root "$JA" "$CGI/mine.cgi"
	expect "run as the customer itself: checked in process, its 0700 script loads (exit 0)" '[ "$CTL_RC" = 0 ]'
	ctl_strace check --root "$JA" --user cjupb "$CGI/mine.cgi"
	expect "run as the customer, --user another: refused (exit 2)" \
		'[ "$CTL_RC" = 2 ] && grep -q "only root can check as another user" <<<"$CTL_ERR"'
else
	ok "# SKIP not root: no setpriv"; ok "# SKIP not root: no setpriv"
fi

# ---- a jail no customer has: nobody ----

JN=$(jail_new) && jail_copy_prog "$JN" /bin/sh >/dev/null
mkdir -p "$JN/cgi" "$JN/opt/rootonly" "$JN/opt/nobodys"
cp /bin/dash "$JN/opt/rootonly/sh" && chmod 0700 "$JN/opt/rootonly/sh"
cp /bin/dash "$JN/opt/nobodys/sh" && chown nobody "$JN/opt/nobodys/sh" && chmod 0700 "$JN/opt/nobodys/sh"
printf '#!/opt/rootonly/sh\n' >"$JN/cgi/root.sh"; printf '#!/opt/nobodys/sh\n' >"$JN/cgi/nobody.sh"
chmod 0755 "$JN/cgi/root.sh" "$JN/cgi/nobody.sh"
ctl check --root "$JN" --config "$CJ_CONF" /cgi/nobody.sh
expect "no customer has the jail: checked as nobody, an interpreter only nobody can read loads (exit 0)" '[ "$CTL_RC" = 0 ]'
ctl check --root "$JN" --config "$CJ_CONF" --json /cgi/root.sh
expect "no customer has the jail: checked as nobody, an interpreter only root can read does not (exit 1)" \
	'[ "$CTL_RC" = 1 ] && json_has "d[\"problems\"][0][\"object\"] == \"/opt/rootonly/sh\""'
if unshare -m true 2>/dev/null; then
	grep -v '^nobody:' /etc/passwd >"$CJ_WORK/passwd"
	printf 'passwd: files\ngroup: files\n' >"$CJ_WORK/nsswitch.conf"
	unshare -m sh -c 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/nsswitch.conf && exec "$3" check --root "$4" --config "$5" /cgi/nobody.sh' \
		sh "$CJ_WORK/passwd" "$CJ_WORK/nsswitch.conf" "$CTL" "$JN" "$CJ_CONF" >"$CJ_WORK/ctl.out" 2>"$CJ_WORK/ctl.err"
	CTL_RC=$?; CTL_OUT=$(cat "$CJ_WORK/ctl.out"); CTL_ERR=$(cat "$CJ_WORK/ctl.err")
	expect "no customer has the jail and there is no user nobody: refused, asking for --user (exit 2)" \
		'[ "$CTL_RC" = 2 ] && grep -q "nobody: no such user: name the user to check as with --user" <<<"$CTL_ERR" && [ -z "$CTL_OUT" ]'
else
	ok "# SKIP no user nobody: no mount namespaces here (unshare -m)"
fi

# ---- check --all: each jail as its own customer ----

all_broken() { json_has "[j[\"broken\"] for j in sorted(d[\"jails\"], key=lambda j: j[\"user\"])] == [[\"/usr/local/bin/rootonly\"], [\"/usr/local/bin/rootonly\"]] and all(j[\"readable\"] for j in d[\"jails\"])"; }
ctl check --all --config "$CJ_CONF" --json
expect "check --all: in each jail only the program only root can read is broken; the interpreter only its customer can read loads (exit 1)" \
	'[ "$CTL_RC" = 1 ] && all_broken'
if command -v strace >/dev/null; then
	traced "$CJ_WORK/st2" check --all --config "$CJ_CONF" --json
	pa=$(dropped_pid "$CJ_WORK/st2" "$UA") pb=$(dropped_pid "$CJ_WORK/st2" "$UB")
	expect "strace: check --all checks each jail in its own process, as its own customer" \
		'[ "$CTL_RC" = 1 ] && [ -n "$pa" ] && [ -n "$pb" ] && [ "$pa" != "$pb" ] && all_broken &&
		 opened_only_by "$CJ_WORK/st2" "$(printf "%s\n" "$pa" "$pb" | sort | xargs)" ownsh'
else
	ok "# SKIP strace: not installed"
fi

# ---- the checking process dies, or cannot drop ----

if command -v strace >/dev/null; then
	# Killed at its first openat(2) in a directory of the jail only it
	# reads: after it read the script, before the interpreter.
	CTL_STRACE=(strace -f -qq -o /dev/null -P "$JA/opt/secret" -e trace=openat -e inject=openat:signal=KILL:when=1)
	ctl_strace check --root "$JA" --config "$CJ_CONF" "$CGI/s.cgi"
	expect "the checking process killed mid-check: exit 2, said so, no report" \
		'[ "$CTL_RC" = 2 ] && grep -q "the check as cjupa (uid $UA) was killed by signal 9" <<<"$CTL_ERR" && [ -z "$CTL_OUT" ]'
	CTL_STRACE=(strace -f -qq -o /dev/null -P "$JA/usr/local/bin" -e trace=openat -e inject=openat:signal=KILL:when=1)
	ctl_strace check --all --config "$CJ_CONF" --json
	expect "check --all, one jail's checking process killed: exit 2, that jail not readable, said so; the other checked" \
		'[ "$CTL_RC" = 2 ] && json_has "[(j[\"user\"], j[\"readable\"]) for j in sorted(d[\"jails\"], key=lambda j: j[\"user\"])] == [(\"cjupa\", False), (\"cjupb\", True)]" &&
		 grep -q "cjupa: the check as cjupa (uid $UA) was killed by signal 9" <<<"$CTL_ERR"'
	CTL_STRACE=(strace -f -qq -o /dev/null -e trace=setresuid -e inject=setresuid:error=EPERM:when=1)
	ctl_strace check --root "$JA" --config "$CJ_CONF" "$CGI/mine.cgi"
	expect "the checking process cannot become the customer: exit 2, said so, nothing checked as root" \
		'[ "$CTL_RC" = 2 ] && grep -q "cannot become cjupa to check: uid $UA: Operation not permitted" <<<"$CTL_ERR" &&
		 grep -q "could not drop to the user" <<<"$CTL_ERR" && [ -z "$CTL_OUT" ]'
else
	for _ in 1 2 3; do ok "# SKIP a checking process killed: no strace"; done
fi

# ---- audit believes only a passwd that is root's alone ----

cp -p "$JA/etc/passwd" "$CJ_WORK/passwd.saved"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\ncjupa:x:%s:%s::/etc:/usr/sbin/nologin\n' "$UA" "$UA" >"$JA/etc/passwd"
chown cjupa "$JA/etc/passwd"
ctl audit --root "$JA" --json
expect "audit: a jail passwd the customer owns (naming /etc its home) is reported, not believed" \
	'[ "$CTL_RC" = 1 ] && json_has "any(f[\"rule\"] == \"customer-writable\" and f[\"path\"] == \"$JA/etc/passwd\" for f in d[\"findings\"])"'
cp -p "$CJ_WORK/passwd.saved" "$JA/etc/passwd"

# ---- upgrade, populate, init ----

if command -v strace >/dev/null; then
	traced "$CJ_WORK/st4" upgrade --root "$JA" --config "$CJ_CONF"
	pid=$(dropped_pid "$CJ_WORK/st4" "$UA")
	expect "upgrade --root reads the jail's programs as the customer (strace)" \
		'[ "$CTL_RC" = 0 ] && [ -n "$pid" ] && opened_only_by "$CJ_WORK/st4" "$pid" ownsh'
	traced "$CJ_WORK/st5" populate --root "$JA" --config "$CJ_CONF" --libs-for "$CGI/m.cgi"
	pid=$(dropped_pid "$CJ_WORK/st5" "$UA")
	expect "populate --libs-for reads the customer's 0700 CGI as the customer and copies its libm (strace)" \
		'[ "$CTL_RC" = 0 ] && [ -n "$pid" ] && [ -e "$JA$LIBDIR/libm.so.6" ]'
	traced "$CJ_WORK/st6" init --root "$JB" --user cjupb --profile sh --profiles "$PROFILES"
	expect "init checks the jail's programs as the customer (strace)" \
		'[ "$CTL_RC" = 0 ] && [ -n "$(dropped_pid "$CJ_WORK/st6" "$UB")" ]'
else
	for _ in 1 2 3; do ok "# SKIP upgrade, populate, init: no strace"; done
fi

# A library whose host copy is not root's alone (below the world-writable
# /tmp): upgrade lists it, but never copies it into the jail.
H=$CJ_WORK/hostlib
echo 'int cj_up(void) { return 1; }' | cc_lib "$H/libcjup.so.1" libcjup.so.1
mkdir -p "$JB$H" && echo 'int cj_up(void) { return 2; }' | cc_lib "$JB$H/libcjup.so.1" libcjup.so.1
echo 'int cj_up(void); int main(void) { return cj_up(); }' | cc_prog "$JB/usr/local/bin/runp" -L"$H" -l:libcjup.so.1 "-Wl,-rpath,$H"
ctl upgrade --root "$JB" --config "$CJ_CONF"
expect "upgrade: a differing library whose host copy others can change is not re-copied (exit 2, said so)" \
	'[ "$CTL_RC" = 2 ] && grep -q "libcjup.so.1: differs from the host.s, but not re-copied: the host.s is not a file that only root can change" <<<"$CTL_ERR" &&
	 ! grep -q "libcjup" <<<"$CTL_OUT"'
ctl upgrade --root "$JB" --config "$CJ_CONF" --apply
expect "upgrade --apply leaves the jail's copy as it was" \
	'[ "$CTL_RC" = 2 ] && ! cmp -s "$H/libcjup.so.1" "$JB$H/libcjup.so.1"'
rm -f "$JB/usr/local/bin/runp"

tap_end
exit 0
