#!/usr/bin/env bash
# Root integration tests of the cgijail launcher: requests that must run.
# A static, a dynamically linked and a #!/bin/sh CGI print what they see
# inside the jail (ids, groups, cwd, environment, umask, rlimits...), run by
# the setuid binary exactly as Apache runs suexec. Also -V, --dry-run, and a
# jail full of libraries that abort when loaded (cgijail must never load
# anything from a jail). TAP on stdout; always exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"

SAFE_PATH=/usr/local/bin:/usr/bin:/bin:/opt/cjt/bin

write_conf() {
	local nofile=${1-nofile = 100:200}
	{ cj_conf_head; cat <<EOF; } | cj_conf
userdir = public_html
umask = 027
safe_path = $SAFE_PATH

[limits]
$nofile
cpu = 30:60

[user:cjtbob]
nofile = 50:60
umask = 077
nice = 5
bind = lazy

[user:cjtdave]
jail_root = none
require_jail = no
docroot = $CJ_SRV/nojail/%u/www
EOF
}

# The trap jail: every library the loader or NSS could look for is a shared
# object whose constructor calls abort().
build_trap_libs() {
	local d=$CJ_WORK/trap
	mkdir -p "$d"
	cat >"$d/nss.c" <<'EOF'
#include <stdlib.h>
__attribute__((constructor)) static void cjt_boom(void) { abort(); }
int _nss_compat_getpwnam_r(void) { abort(); }
int _nss_compat_initgroups_dyn(void) { abort(); }
int _nss_files_getpwnam_r(void) { abort(); }
int _nss_systemd_getpwnam_r(void) { abort(); }
EOF
	# The fake libc has no libc to call: abort() is kill(getpid(), SIGABRT).
	cat >"$d/libc.c" <<'EOF'
void abort(void)
{
	long pid;
	__asm__ volatile("syscall" : "=a"(pid) : "a"(39L) : "rcx", "r11", "memory");
	__asm__ volatile("syscall" : : "a"(62L), "D"(pid), "S"(6L) : "rcx", "r11", "memory");
	for (;;)
		__asm__ volatile("syscall" : : "a"(60L), "D"(134L) : "rcx", "r11", "memory");
}
__attribute__((constructor)) static void cjt_boom(void) { abort(); }
int getpwnam(void) { abort(); return 0; }
EOF
	# The probe that proves the trap is armed: dlopen a file, report.
	cat >"$d/probe.c" <<'EOF'
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv) { void *h = dlopen(argv[1], RTLD_NOW); printf("%s\n", h ? "loaded" : dlerror()); return h ? 0 : 1; }
EOF
	gcc -w -shared -fPIC -o "$d/libnss_trap.so" "$d/nss.c" -Wl,-soname,libnss_compat.so.2 &&
		gcc -w -shared -fPIC -nostdlib -o "$d/libc_trap.so" "$d/libc.c" -Wl,-soname,libc.so.6 &&
		gcc -w -o "$d/probe" "$d/probe.c" -ldl
}

setup_trap_jail() {
	local j=$1 dir n
	for dir in /lib /lib64 /lib/x86_64-linux-gnu /usr/lib /usr/lib64 /usr/lib/x86_64-linux-gnu /usr/local/lib; do
		mkdir -p -m 0755 "$j$dir" || return 2
		cp "$CJ_WORK/trap/libc_trap.so" "$j$dir/libc.so.6" || return 2
		cp "$CJ_WORK/trap/libc_trap.so" "$j$dir/libgcc_s.so.1" || return 2
		for n in compat files systemd dns db nis myhostname mymachines resolve; do
			cp "$CJ_WORK/trap/libnss_trap.so" "$j$dir/libnss_$n.so.2" || return 2
		done
	done
	cp "$CJ_WORK/trap/libc_trap.so" "$j/lib64/ld-linux-x86-64.so.2"
	cp /etc/ld.so.cache "$j/etc/ld.so.cache"
	cat >"$j/etc/nsswitch.conf" <<'EOF'
passwd:         compat systemd
group:          compat systemd
shadow:         compat systemd
gshadow:        compat
hosts:          files dns
services:       db files
EOF
	getent passwd cjtcarol >"$j/etc/passwd"
	getent group cjtcarol >"$j/etc/group"
	echo '+::::::' >>"$j/etc/passwd"
	chmod 0644 "$j/etc/"*
}

setup() {
	cj_install || return 2
	cj_build_cgis || return 2
	build_trap_libs || return 2

	cj_group cjtsup && SUP_GID=$CJ_LAST_GID || return 2
	cj_group cjtcallerg && CALLERG_GID=$CJ_LAST_GID || return 2
	cj_user cjtalice && ALICE=$CJ_LAST_UID || return 2
	cj_add_to_group cjtalice cjtsup || return 2
	cj_user cjtbob "$CJ_SRV/homes/cjtbob" && BOB=$CJ_LAST_UID || return 2
	cj_user cjtcarol && CAROL=$CJ_LAST_UID || return 2
	cj_user cjtdave "$CJ_SRV/nojail/cjtdave" && DAVE=$CJ_LAST_UID || return 2
	cj_user cjtother && OTHER=$CJ_LAST_UID || return 2

	# alice: static, dynamic and shell CGIs, and a userdir.
	JA=$(cj_jail cjtalice) && cj_site cjtalice || return 2
	jail_copy_closure "$JA" "$CJ_WORK/dump-dynamic" || return 2
	cj_jail_tools "$JA" || return 2
	A_BIN=$JA/var/www/cgi-bin
	cj_cgi "$CJ_WORK/dump-static" "$A_BIN/s.cgi" cjtalice:cjtalice &&
		cj_cgi "$CJ_WORK/dump-dynamic" "$A_BIN/d.cgi" cjtalice:cjtalice &&
		cj_cgi "$CJ_WORK/dump.sh" "$A_BIN/sh.cgi" cjtalice:cjtalice || return 2
	A_UD=$JA/home/cjtalice/public_html/cgi-bin
	cj_dir "$JA/home/cjtalice/public_html" cjtalice:cjtalice && cj_dir "$A_UD" cjtalice:cjtalice &&
		cj_cgi "$CJ_WORK/dump-static" "$A_UD/s.cgi" cjtalice:cjtalice || return 2

	# bob: home outside his jail, [user:cjtbob] overrides.
	JB=$(cj_jail cjtbob) && cj_site cjtbob && cj_dir "$CJ_SRV/homes/cjtbob" cjtbob:cjtbob || return 2
	cj_cgi "$CJ_WORK/dump-static" "$JB/var/www/cgi-bin/s.cgi" cjtbob:cjtbob || return 2

	# carol: the trap jail.
	JC=$(cj_jail cjtcarol) && cj_site cjtcarol && setup_trap_jail "$JC" || return 2
	cj_cgi "$CJ_WORK/dump-static" "$JC/var/www/cgi-bin/s.cgi" cjtcarol:cjtcarol || return 2

	# dave: no jail (require_jail = no).
	D_BIN=$CJ_SRV/nojail/cjtdave/www/cgi-bin
	cj_dir "$CJ_SRV/nojail/cjtdave/www" root:root && cj_dir "$D_BIN" cjtdave:cjtdave &&
		cj_cgi "$CJ_WORK/dump-static" "$D_BIN/s.cgi" cjtdave:cjtdave || return 2

	write_conf
}

if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

# ---- helpers ----

# ids_are UID GID: real, effective and saved uid and gid of the CGI.
ids_are() { [ "$(cj_val uids)" = "$1 $1 $1" ] && [ "$(cj_val gids)" = "$2 $2 $2" ]; }
# groups_are GID...: the CGI's supplementary groups, as a set.
groups_are() {
	local got want
	got=$(cj_val groups | tr ' ' '\n' | sed '/^$/d' | sort -n -u | xargs)
	want=$(printf '%s\n' "$@" | sort -n -u | xargs)
	[ "$got" = "$want" ] || { diag "groups: got '$got', want '$want'"; return 1; }
}
env_is() { [ "$(cj_env "$1")" = "$2" ] || { diag "$1: got '$(cj_env "$1")', want '$2'"; return 1; }; }
env_absent() { ! cj_env "$1" >/dev/null || { diag "$1 is present: '$(cj_env "$1")'"; return 1; }; }

reset_run() { CJ_AS=www-data; CJ_AS_GROUPS=; CJ_ENV=(); CJ_PRE=; CJ_WANT_UID=; CJ_STDIN=; }

# ---- the static CGI, with a hostile caller environment ----

reset_run
CJ_AS_GROUPS="www-data,$CALLERG_GID"
CJ_ENV=(
	"DOCUMENT_ROOT=$JA/var/www" "CONTEXT_DOCUMENT_ROOT=$JA/var/www"
	"SCRIPT_FILENAME=$A_BIN/s.cgi" "REDIRECT_SCRIPT_FILENAME=$A_BIN/s.cgi"
	"PATH_TRANSLATED=$CJ_SRV/elsewhere/info"
	HTTP_PROXY=http://evil.example:3128 'HTTP_X=() { :; }' HTTP_ACCEPT=text/plain
	LD_PRELOAD=/nonexistent/cjt-preload.so LD_LIBRARY_PATH=/tmp 'IFS=:'
	HOME=/root USER=root LOGNAME=root LD_BIND_NOW=0 FOO=bar
	SSL_PROTOCOL=TLSv1.3 TZ=Europe/Paris http_proxy=http://evil.example:3128
	'BASH_FUNC_cjt%%=() { :; }'
)
CJ_WANT_UID=$ALICE
CJ_PRE='umask 000'
cj_run "$A_BIN" cjtalice cjtalice s.cgi first 'second arg'
cj_assert_exec "static CGI: runs (exit 0, empty stderr, one decision=exec log line)"
cj_expect "static CGI: real, effective and saved uid/gid are the target's" ids_are "$ALICE" "$ALICE"
cj_expect "static CGI: groups are the target's (own + supplementary), not the caller's (www-data, $CALLERG_GID)" \
	groups_are "$ALICE" "$SUP_GID"
cj_expect "static CGI: chrooted into the target's jail, cwd /var/www/cgi-bin" \
	'[ "$(cj_val jail_id)" = cjtalice ] && [ "$(cj_val cwd)" = /var/www/cgi-bin ]'
cj_expect "static CGI: PATH = safe_path, HOME/USER/LOGNAME the target's, LD_BIND_NOW=1" \
	'env_is PATH "$SAFE_PATH" && env_is HOME /home/cjtalice && env_is USER cjtalice && env_is LOGNAME cjtalice && env_is LD_BIND_NOW 1'
cj_expect "static CGI: DOCUMENT_ROOT, CONTEXT_DOCUMENT_ROOT, SCRIPT_FILENAME, REDIRECT_SCRIPT_FILENAME rewritten into the jail" \
	'env_is DOCUMENT_ROOT /var/www && env_is CONTEXT_DOCUMENT_ROOT /var/www && env_is SCRIPT_FILENAME /var/www/cgi-bin/s.cgi && env_is REDIRECT_SCRIPT_FILENAME /var/www/cgi-bin/s.cgi'
cj_expect "static CGI: PATH_TRANSLATED outside the jail is dropped" 'env_absent PATH_TRANSLATED'
cj_expect "static CGI: HTTP_PROXY and a '() { :; }' value are dropped" 'env_absent HTTP_PROXY && env_absent HTTP_X && env_absent http_proxy'
cj_expect "static CGI: the caller's LD_PRELOAD, LD_LIBRARY_PATH, IFS, FOO, BASH_FUNC_* are dropped" \
	'env_absent LD_PRELOAD && env_absent LD_LIBRARY_PATH && env_absent IFS && env_absent FOO && ! grep -q "^env BASH_FUNC" <<<"$CJ_OUT"'
want_names="CONTEXT_DOCUMENT_ROOT DOCUMENT_ROOT GATEWAY_INTERFACE HOME HTTP_ACCEPT HTTP_HOST HTTP_USER_AGENT
LD_BIND_NOW LOGNAME PATH QUERY_STRING REDIRECT_SCRIPT_FILENAME REMOTE_ADDR REMOTE_PORT REQUEST_METHOD
REQUEST_SCHEME REQUEST_URI SCRIPT_FILENAME SCRIPT_NAME SERVER_ADDR SERVER_NAME SERVER_PORT
SERVER_PROTOCOL SERVER_SOFTWARE SSL_PROTOCOL TZ USER"
cj_expect "static CGI: the environment holds exactly the whitelisted names, values unchanged" \
	'[ "$(cj_env_names | xargs)" = "$(xargs <<<"$want_names")" ] && env_is HTTP_HOST localhost && env_is QUERY_STRING a=1 && env_is TZ Europe/Paris && env_is SSL_PROTOCOL TLSv1.3 && [ "$(cj_env_names | uniq -d)" = "" ]'
cj_expect "static CGI: umask from the config (027), not the caller's (000)" '[ "$(cj_val umask)" = 0027 ]'
cj_expect "static CGI: nice 0 (config default)" '[ "$(cj_val nice)" = 0 ]'
cj_expect "static CGI: rlimits from [limits] (nofile 100:200, cpu 30:60) and the default core 0:0" \
	'[ "$(cj_val rlimit_nofile)" = 100:200 ] && [ "$(cj_val rlimit_cpu)" = 30:60 ] && [ "$(cj_val rlimit_core)" = 0:0 ]'
cj_expect "static CGI: no descriptor above 2 (log, program, cwd, jail fds closed)" '[ "$(cj_val fds)" = "" ]'
cj_expect "static CGI: no capabilities, no_new_privs set" \
	'[ "$(cj_val caps)" = "0 0 0 0 0 0" ] && [ "$(cj_val no_new_privs)" = 1 ]'
cj_expect "static CGI: argv is CMD and its arguments, untouched" \
	'[ "$(cj_val argc)" = 3 ] && [ "$(cj_val argv0)" = s.cgi ] && [ "$(cj_val argv1)" = first ] && [ "$(cj_val argv2)" = "second arg" ]'
cj_expect "static CGI: the log line names caller, target, host cwd and cmd" \
	'grep -qF "caller=www-data($(id -u www-data)) uid=$ALICE(cjtalice) gid=$ALICE(cjtalice) cwd=\"$A_BIN\" cmd=\"s.cgi\" decision=exec code=0" <<<"$CJ_LOGNEW"'

# Path variables: a sibling of the jail sharing its name as a prefix is
# outside it; the jail root itself is "/".
reset_run
CJ_ENV=("DOCUMENT_ROOT=${JA}2/var/www" "SCRIPT_FILENAME=$JA" "CONTEXT_DOCUMENT_ROOT=$JA/" "PATH_TRANSLATED=$JA/var/www/info")
cj_run "$A_BIN" cjtalice cjtalice s.cgi
cj_expect "static CGI: DOCUMENT_ROOT in a sibling of the jail (jail path + '2') is dropped; the jail root becomes /" \
	'[ "$CJ_RC" = 0 ] && env_absent DOCUMENT_ROOT && env_is SCRIPT_FILENAME / && env_is CONTEXT_DOCUMENT_ROOT /'
cj_expect "static CGI: PATH_TRANSLATED inside the jail is rewritten" 'env_is PATH_TRANSLATED /var/www/info'

# What else the caller (Apache) leaves in the process: ignored signals, a
# tiny RLIMIT_NOFILE, the request body on stdin, closed descriptors.
reset_run
printf 'name=value&x=1\n' >"$CJ_WORK/body"
CJ_STDIN=$CJ_WORK/body
CJ_PRE='trap "" TERM INT HUP PIPE USR1 XFSZ; ulimit -S -n 8; exec 5</etc/hostname 7>/dev/null'
CJ_WANT_UID=$ALICE
cj_run "$A_BIN" cjtalice cjtalice s.cgi
cj_assert_exec "caller ignoring signals, with a soft RLIMIT_NOFILE of 8, fds 5 and 7 open, a body on stdin: runs"
cj_expect "caller state: the caller's descriptors 5 and 7 do not reach the CGI" '[ "$(cj_val fds)" = "" ]'
cj_expect "caller state: no signal ignored or blocked in the CGI, the body reaches its stdin" \
	'[ "$(cj_val sigign)" = "" ] && [ "$(cj_val sigblk)" = "" ] && [ "$(cj_val stdin)" = "name=value&x=1" ]'
# A hard limit of 8 can only be raised with CAP_SYS_RESOURCE, which some
# containers drop from the bounding set.
if (( 0x$(awk '/^CapBnd:/ { print $2 }' /proc/self/status) >> 24 & 1 )); then
	reset_run
	CJ_PRE='ulimit -n 8'
	cj_run "$A_BIN" cjtalice cjtalice s.cgi
	cj_expect "caller with RLIMIT_NOFILE 8:8 (hard): runs" '[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ]'
else
	ok "caller with RLIMIT_NOFILE 8:8 (hard): runs # SKIP no CAP_SYS_RESOURCE in the bounding set: cgijail cannot raise a hard limit here"
fi
reset_run
CJ_PRE='exec 0<&- 2>&-'
CJ_WANT_UID=$ALICE
cj_run "$A_BIN" cjtalice cjtalice s.cgi
cj_assert_exec "caller with stdin and stderr closed: runs"
cj_expect "caller with stdin and stderr closed: the CGI gets descriptors 0-2 (/dev/null), no other" \
	'[ "$(cj_val stdfds)" = "0 1 2" ] && [ "$(cj_val fds)" = "" ]'
cj_run "$A_BIN" cjtalice cjtalice nosuch.cgi
cj_expect "caller with stdin and stderr closed, refused request: exit $(cj_code CJ_PROG_OPEN), one clean log line, nothing else in the log" \
	'[ "$CJ_RC" = "$(cj_code CJ_PROG_OPEN)" ] && [ "$CJ_LOGALL" = "$CJ_LOGNEW" ] && [ "$(grep -c . <<<"$CJ_LOGALL")" = 1 ] && grep -q "decision=refused code=$(cj_code CJ_PROG_OPEN) " <<<"$CJ_LOGNEW"'

# A cwd whose name holds a quote and a newline: one log line, escaped.
reset_run
WEIRD=$JA/var/www/$'we"ird\nname'
cj_dir "$WEIRD" cjtalice:cjtalice && cj_cgi "$CJ_WORK/dump-static" "$WEIRD/s.cgi" cjtalice:cjtalice
CJ_WANT_UID=$ALICE
cj_run "$WEIRD" cjtalice cjtalice s.cgi
cj_assert_exec "cwd named with a quote and a newline: runs, one log line"
cj_expect "cwd named with a quote and a newline: escaped as \\x22 and \\x0a in the log line" \
	'grep -qF "cwd=\"$JA/var/www/we\\x22ird\\x0aname\"" <<<"$CJ_LOGNEW"'

# TZ naming a file outside the zoneinfo tree is dropped, in every spelling
# glibc accepts (":/path" is a file name too).
reset_run
CJ_ENV=(TZ=/etc/passwd)
cj_run "$A_BIN" cjtalice cjtalice s.cgi
cj_expect "static CGI: TZ=/etc/passwd is dropped" '[ "$CJ_RC" = 0 ] && env_absent TZ'
CJ_ENV=(TZ=../../../etc/passwd)
cj_run "$A_BIN" cjtalice cjtalice s.cgi
cj_expect "static CGI: TZ=../../../etc/passwd is dropped" '[ "$CJ_RC" = 0 ] && env_absent TZ'
CJ_ENV=(TZ=:/etc/passwd)
cj_run "$A_BIN" cjtalice cjtalice s.cgi
cj_expect "static CGI: TZ=:/etc/passwd (glibc's ':file' form) is dropped" '[ "$CJ_RC" = 0 ] && env_absent TZ'

# ---- dynamically linked and #!/bin/sh CGIs ----

reset_run
CJ_WANT_UID=$ALICE
cj_run "$A_BIN" cjtalice cjtalice d.cgi
cj_assert_exec "dynamic CGI (libc + loader copied into the jail): runs, one decision=exec log line"
cj_expect "dynamic CGI: ids, groups, cwd, jail, PATH, LD_BIND_NOW, umask" \
	'ids_are "$ALICE" "$ALICE" && groups_are "$ALICE" "$SUP_GID" && [ "$(cj_val cwd)" = /var/www/cgi-bin ] && [ "$(cj_val jail_id)" = cjtalice ] && env_is PATH "$SAFE_PATH" && env_is LD_BIND_NOW 1 && [ "$(cj_val umask)" = 0027 ]'

reset_run
CJ_WANT_UID=$ALICE
CJ_ENV=("SCRIPT_FILENAME=$A_BIN/sh.cgi" 'HTTP_X=() { :; }' HTTP_PROXY=x)
cj_run "$A_BIN" cjtalice cjtalice sh.cgi
cj_assert_exec "#!/bin/sh CGI (dash in the jail): runs, one decision=exec log line"
cj_expect "#!/bin/sh CGI: id -u/-g/-G, pwd, umask, PATH, HOME, SCRIPT_FILENAME as inside the jail" \
	'[ "$(cj_val uids)" = "$ALICE $ALICE" ] && [ "$(cj_val gids)" = "$ALICE $ALICE" ] && groups_are "$ALICE" "$SUP_GID" && [ "$(cj_val cwd)" = /var/www/cgi-bin ] && [ "$(cj_val umask)" = 0027 ] && env_is PATH "$SAFE_PATH" && env_is HOME /home/cjtalice && env_is SCRIPT_FILENAME /var/www/cgi-bin/sh.cgi && env_absent HTTP_X && env_absent HTTP_PROXY'

# A program only its owner may read and run (0700; the checks run as the target).
cj_cgi "$CJ_WORK/dump-static" "$A_BIN/private.cgi" cjtalice:cjtalice 0700
reset_run
CJ_WANT_UID=$ALICE
cj_run "$A_BIN" cjtalice cjtalice private.cgi
cj_assert_exec "program mode 0700 (only the owner may read and run it): runs"

# ---- the ways of naming the target ----

reset_run
CJ_WANT_UID=$ALICE
CJ_ENV=("DOCUMENT_ROOT=$CJ_SRV/server-docroot")
cj_run "$A_UD" '~cjtalice' cjtalice s.cgi
cj_assert_exec "~user (UserDir): runs from public_html in the home inside the jail"
cj_expect "~user (UserDir): cwd /home/cjtalice/public_html/cgi-bin in the jail, server DOCUMENT_ROOT outside the jail dropped" \
	'ids_are "$ALICE" "$ALICE" && [ "$(cj_val cwd)" = /home/cjtalice/public_html/cgi-bin ] && [ "$(cj_val jail_id)" = cjtalice ] && env_absent DOCUMENT_ROOT'

reset_run
CJ_WANT_UID=$ALICE
cj_run "$A_BIN" "$ALICE" "$ALICE" s.cgi
cj_assert_exec "numeric UID and GID: runs"
cj_expect "numeric UID and GID: the target's ids and names (USER, log)" \
	'ids_are "$ALICE" "$ALICE" && env_is USER cjtalice && grep -qF "uid=$ALICE(cjtalice) gid=$ALICE(cjtalice)" <<<"$CJ_LOGNEW"'
cj_run "$A_BIN" cjtalice "$ALICE" s.cgi
cj_expect "named UID, numeric GID: runs as the target" '[ "$CJ_RC" = 0 ] && ids_are "$ALICE" "$ALICE"'
cj_run "$A_BIN" "$ALICE" cjtalice s.cgi
cj_expect "numeric UID, named GID: runs as the target" '[ "$CJ_RC" = 0 ] && ids_are "$ALICE" "$ALICE"'

# ---- per-user policy ----

reset_run
CJ_WANT_UID=$BOB
cj_run "$JB/var/www/cgi-bin" cjtbob cjtbob s.cgi
cj_assert_exec "[user:cjtbob]: runs in bob's jail"
cj_expect "[user:cjtbob]: nofile 50:60, umask 077, nice 5 override; cpu 30:60 from [limits]; own groups only" \
	'[ "$(cj_val rlimit_nofile)" = 50:60 ] && [ "$(cj_val umask)" = 0077 ] && [ "$(cj_val nice)" = 5 ] && [ "$(cj_val rlimit_cpu)" = 30:60 ] && [ "$(cj_val jail_id)" = cjtbob ] && groups_are "$BOB"'
cj_expect "[user:cjtbob] bind = lazy: no LD_BIND_NOW" 'env_absent LD_BIND_NOW'
cj_expect "home outside the jail: HOME=/" 'env_is HOME /'
cj_run "$JB/var/www/cgi-bin" "$BOB" "$BOB" s.cgi
cj_expect "[user:cjtbob] applies when the target is given by number" \
	'[ "$CJ_RC" = 0 ] && [ "$(cj_val rlimit_nofile)" = 50:60 ] && [ "$(cj_val umask)" = 0077 ]'

reset_run
CJ_WANT_UID=$DAVE
cj_run "$D_BIN" cjtdave cjtdave s.cgi
cj_assert_exec "require_jail = no and jail_root = none: runs without a jail"
cj_expect "no jail: cwd is the host path, HOME the host home, not chrooted" \
	'ids_are "$DAVE" "$DAVE" && [ "$(cj_val cwd)" = "$D_BIN" ] && [ "$(cj_val jail_id)" = "(none)" ] && env_is HOME "$CJ_SRV/nojail/cjtdave"'

# ---- the caller's own limits ----

# Without nofile in [limits] the CGI gets the caller's RLIMIT_NOFILE back
# (cgijail raised its own to 256 meanwhile).
write_conf ""
reset_run
CJ_PRE='ulimit -n 64'
cj_run "$A_BIN" cjtalice cjtalice s.cgi
cj_expect "no nofile in [limits]: the CGI gets the caller's RLIMIT_NOFILE (64:64)" \
	'[ "$CJ_RC" = 0 ] && [ "$(cj_val rlimit_nofile)" = 64:64 ]'
write_conf

# The request's log line must be written whatever RLIMIT_FSIZE the CGI is
# to get: here the log is larger than the limit. A log of our own, padded.
BIGLOG=$CJ_PREFIX/big.log
: >"$BIGLOG"; chmod 0600 "$BIGLOG"
for i in $(seq 1 700); do printf '# padding line %04d of the cgijail test log, before the requests\n' "$i"; done >>"$BIGLOG"
sed -i "s|^syslog = no|syslog = no\nlog = $BIGLOG|" "$CJ_CONF"
saved_log=$CJ_LOG; CJ_LOG=$BIGLOG
reset_run
CJ_WANT_UID=$ALICE
cj_run "$A_BIN" cjtalice cjtalice s.cgi
cj_assert_exec "log = FILE from the config: the request is logged there (control for the two fsize cases)"
reset_run
CJ_PRE='ulimit -S -f 16'
CJ_WANT_UID=$ALICE
cj_run "$A_BIN" cjtalice cjtalice s.cgi
cj_assert_exec "caller's soft RLIMIT_FSIZE (16K) below the log's size: the request is still logged"
cj_expect "caller's soft RLIMIT_FSIZE reaches the CGI (16384:unlimited)" '[ "$(cj_val rlimit_fsize)" = 16384:unlimited ]'
sed -i 's/^cpu = 30:60$/cpu = 30:60\nfsize = 16K/' "$CJ_CONF"
reset_run
CJ_WANT_UID=$ALICE
cj_run "$A_BIN" cjtalice cjtalice s.cgi
cj_assert_exec "[limits] fsize = 16K below the log's size: the request is still logged"
cj_expect "[limits] fsize = 16K reaches the CGI" '[ "$(cj_val rlimit_fsize)" = 16384:16384 ]'
CJ_LOG=$saved_log

# A log file cgijail creates itself: root's, and the caller cannot read it.
NEWLOG=$CJ_PREFIX/new.log
write_conf
sed -i "s|^syslog = no|syslog = no\nlog = $NEWLOG|" "$CJ_CONF"
reset_run
cj_run "$A_BIN" cjtalice cjtalice s.cgi
cj_expect "a log file cgijail creates is root's, not group/other-writable, unreadable for the caller (www-data)" \
	'[ "$CJ_RC" = 0 ] && [ "$(stat -c %u "$NEWLOG")" = 0 ] && [ $(( 0$(stat -c %a "$NEWLOG") & 022 )) = 0 ] && grep -q "decision=exec" "$NEWLOG" && ! setpriv --reuid=www-data --regid=www-data --clear-groups cat "$NEWLOG" >/dev/null 2>&1'
write_conf

# ---- -V ----

reset_run
cj_run "$A_BIN" -V
cj_expect "-V as www-data: exit 0, prints the version and the effective settings" \
	'[ "$CJ_RC" = 0 ] && [ -z "$CJ_ERR" ] && grep -q "^cgijail [0-9]" <<<"$CJ_OUT" && grep -qx "config = $CJ_CONF" <<<"$CJ_OUT" && grep -qx "caller = www-data" <<<"$CJ_OUT" && grep -qx "min_uid = $CJ_UID_MIN" <<<"$CJ_OUT" && grep -qx "jail_root = $CJ_SRV/jails/%u" <<<"$CJ_OUT" && grep -qx "umask = 027" <<<"$CJ_OUT" && grep -qx "safe_path = $SAFE_PATH" <<<"$CJ_OUT" && grep -qx "limits.nofile = 100:200" <<<"$CJ_OUT" && grep -qx "limits.core = 0:0" <<<"$CJ_OUT" && [ "$CJ_RAN" = 0 ]'
CJ_AS=root
cj_run "$A_BIN" -V
cj_expect "-V as root: exit 0, prints the settings" '[ "$CJ_RC" = 0 ] && grep -qx "caller = www-data" <<<"$CJ_OUT"'
CJ_AS=cjtother CJ_AS_GROUPS=www-data
cj_run "$A_BIN" -V
cj_assert_refused "-V as another user (member of www-data): CJ_NOT_PERMITTED" CJ_NOT_PERMITTED '-V is for root and www-data, not cjtother'
cj_expect "-V refused: nothing printed on stdout" '[ -z "$CJ_OUT" ]'

# ---- --dry-run ----

reset_run
CJ_AS=root
cj_run "$A_BIN" --dry-run cjtalice cjtalice s.cgi
cj_expect "--dry-run as root: exit 0, a report of passed checks, the CGI does not run, nothing logged" \
	'[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 0 ] && grep -q "^cgijail dry run: cjtalice s.cgi $A_BIN" <<<"$CJ_OUT" && grep -qx "result: would exec /var/www/cgi-bin/s.cgi as cjtalice in jail $JA" <<<"$CJ_OUT" && grep -qE "^  ok +program " <<<"$CJ_OUT" && grep -qE "^  ok +drop " <<<"$CJ_OUT" && ! grep -q FAIL <<<"$CJ_OUT" && [ -z "$CJ_LOGALL" ]'
cj_run "$A_BIN" --dry-run --json cjtalice cjtalice s.cgi
cj_expect "--dry-run --json as root: valid JSON, \"ok\": true, exit 0, every check ok" \
	'[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 0 ] && /usr/bin/python3 -c "import json,sys; r=json.loads(sys.stdin.read()); assert r[\"ok\"] is True and r[\"exit\"] == 0 and r[\"checks\"] and all(c[\"ok\"] for c in r[\"checks\"])" <<<"$CJ_OUT"'
cj_run "$A_BIN" --dry-run cjtalice cjtalice nosuch.cgi
cj_expect "--dry-run of a request that would be refused: exit $(cj_code CJ_PROG_OPEN), the report names the refusal" \
	'[ "$CJ_RC" = "$(cj_code CJ_PROG_OPEN)" ] && grep -qE "^  FAIL CJ_PROG_OPEN" <<<"$CJ_OUT" && grep -qx "result: refused, exit $(cj_code CJ_PROG_OPEN) ($(cj_text CJ_PROG_OPEN))" <<<"$CJ_OUT"'
cj_run "$A_BIN" --dry-run --json cjtalice cjtalice nosuch.cgi
cj_expect "--dry-run --json of a refused request: valid JSON, \"ok\": false" \
	'[ "$CJ_RC" = "$(cj_code CJ_PROG_OPEN)" ] && /usr/bin/python3 -c "import json,sys; r=json.loads(sys.stdin.read()); assert r[\"ok\"] is False and r[\"exit\"] == $(cj_code CJ_PROG_OPEN)" <<<"$CJ_OUT"'

# ---- supplementary_groups = no: the target group only ----

reset_run
write_conf
printf '\n[user:cjtalice]\nsupplementary_groups = no\n' >>"$CJ_CONF"
CJ_WANT_UID=$ALICE
cj_run "$A_BIN" cjtalice cjtalice s.cgi
cj_assert_exec "supplementary_groups = no: the CGI runs"
cj_expect "supplementary_groups = no: the CGI has the target group only, not $SUP_GID" groups_are "$ALICE"
CJ_AS=root
cj_run "$A_BIN" -V
cj_expect "-V shows supplementary_groups = yes for the defaults" \
	'[ "$CJ_RC" = 0 ] && grep -qx "supplementary_groups = yes" <<<"$CJ_OUT"'
write_conf

# ---- the trap jail: cgijail never loads anything from a jail ----

reset_run
out=$("$CJ_WORK/trap/probe" "$JC/usr/lib/x86_64-linux-gnu/libnss_compat.so.2" 2>&1); rc1=$?
out=$("$CJ_WORK/trap/probe" "$JC/lib/x86_64-linux-gnu/libc.so.6" 2>&1); rc2=$?
cj_expect "trap jail is armed: dlopen of its libnss_compat.so.2 or libc.so.6 aborts (SIGABRT)" \
	'[ "$rc1" = 134 ] && [ "$rc2" = 134 ] || { diag "dlopen exit statuses: $rc1 $rc2"; false; }'
CJ_WANT_UID=$CAROL
cj_run "$JC/var/www/cgi-bin" cjtcarol cjtcarol s.cgi
cj_assert_exec "trap jail (abort()ing libc.so.6, libnss_*.so.2 in every lib dir, nsswitch compat+systemd): a static CGI runs"
cj_expect "trap jail: the CGI ran as carol inside her jail" \
	'ids_are "$CAROL" "$CAROL" && [ "$(cj_val jail_id)" = cjtcarol ] && [ "$(cj_val cwd)" = /var/www/cgi-bin ]'
cj_run "$JC/var/www/cgi-bin" "~cjtcarol" "$CAROL" s.cgi
cj_expect "trap jail: a refused request (~user without userdir) is refused cleanly, not aborted" \
	'[ "$CJ_RC" = "$(cj_code CJ_USERDIR)" ] && grep -q "decision=refused code=$(cj_code CJ_USERDIR)" <<<"$CJ_LOGNEW"'
CJ_AS=root
cj_run "$JC/var/www/cgi-bin" --dry-run cjtcarol cjtcarol s.cgi
cj_expect "trap jail: --dry-run as root (closure check inside the jail) exits 0" '[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 0 ]'

tap_end
exit 0
