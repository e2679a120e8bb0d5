#!/usr/bin/env bash
# Root integration tests of cgijailctl's jail management: jails built with
# init + populate for a #!/bin/sh CGI, a Python CGI (import
# xml.parsers.expat) and a compiled C CGI, each run through the installed
# setuid cgijail exactly as Apache runs it; audit passing on them and
# flagging each planted fault; init and populate run twice change nothing;
# upgrade finding and repairing a jail whose libc is another build; check
# --all writing a Prometheus textfile. TAP on stdout; always exits 0.
# shellcheck disable=SC2034 # variables read by the eval'd conditions of expect
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/ctl.sh"

LIBDIR=/usr/lib/x86_64-linux-gnu

write_conf() {
	{ cj_conf_head; cat <<EOF; } | cj_conf
EOF
}

# snapshot JAIL: every entry with its type, mode, owner, size, mtime and inode.
snapshot() { find "$1" -printf '%p %y %m %u:%g %s %T@ %i %l\n' | sort; }

setup() {
	local u
	cj_install || return 2
	for u in cjmsh cjmpy cjmc; do cj_user "$u" || return 2; done
	write_conf
	JS=$CJ_SRV/jails/cjmsh JP=$CJ_SRV/jails/cjmpy JC=$CJ_SRV/jails/cjmc
	cat >"$CJ_WORK/hello.sh" <<'EOF'
#!/bin/sh
echo "Content-Type: text/plain"
echo
n=0
while read -r line; do n=$((n + 1)); done </etc/passwd
echo "MARK CJT-CGI-RAN sh $n users"
EOF
	cat >"$CJ_WORK/app.py" <<'EOF'
#!/usr/bin/python3
import xml.parsers.expat
seen = []
p = xml.parsers.expat.ParserCreate()
p.StartElementHandler = lambda name, attrs: seen.append(name)
p.Parse("<page><title>x</title></page>", True)
print("Content-Type: text/plain\n\nMARK CJT-CGI-RAN py " + ",".join(seen))
EOF
	cat >"$CJ_WORK/hello.c" <<'EOF'
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
int main(void)
{
	printf("Content-Type: text/plain\n\nMARK CJT-CGI-RAN c %.0f\n", sqrt(atof("1764")));
	return 0;
}
EOF
	gcc -O1 -o "$CJ_WORK/hello.cgi" "$CJ_WORK/hello.c" -lm || return 2
}

if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

# ---- building the jails ----

ctl init --root "$JS" --user cjmsh --profile sh --profiles "$PROFILES"
expect "init --profile sh: exit 0, /bin/sh and its libraries copied" \
	'[ "$CTL_RC" = 0 ] && [ -x "$JS/usr/bin/dash" ] && [ -L "$JS/bin" ] && [ -f "$JS/etc/ld.so.cache" ]'
expect "init: /etc/passwd holds only root and the customer, /etc/group only root and its group" \
	'[ "$(cut -d: -f1 "$JS/etc/passwd" | xargs)" = "root cjmsh" ] && [ "$(cut -d: -f1 "$JS/etc/group" | xargs)" = "root cjmsh" ] &&
	 grep -q "^cjmsh:x:$(id -u cjmsh):$(id -g cjmsh)::/home/cjmsh:" "$JS/etc/passwd"'
expect "init: nsswitch.conf names only built-in services (files, dns)" \
	'! grep -v "^#" "$JS/etc/nsswitch.conf" | cut -d: -f2 | tr " " "\n" | grep -v -x -e "" -e files -e dns | grep -q .'
expect "init: /dev holds exactly fd, null, urandom, zero; null, zero, urandom as character devices 1,3 1,5 1,9 (0666 root)" \
	'[ "$(ls "$JS/dev" | xargs)" = "fd null urandom zero" ] &&
	 [ "$(stat -c "%F %t,%T %a %U" "$JS/dev/null" "$JS/dev/zero" "$JS/dev/urandom" | sort -u | xargs)" = "character special file 1,3 666 root character special file 1,5 666 root character special file 1,9 666 root" ]'
expect "init: /dev/fd is a root-owned symlink to /proc/self/fd (for script_exec = fd), reported as made" \
	'[ "$(stat -c "%F %U:%G" "$JS/dev/fd")" = "symbolic link root:root" ] && [ "$(readlink "$JS/dev/fd")" = /proc/self/fd ] &&
	 grep -qx "made /dev/fd" <<<"$CTL_OUT"'
expect "init: /tmp and /var/tmp are the customer's (0700), home and cgi-bin belong to the customer, the rest to root" \
	'[ "$(stat -c "%a %U" "$JS/tmp" "$JS/var/tmp" | xargs)" = "700 cjmsh 700 cjmsh" ] && [ "$(stat -c %U "$JS/home/cjmsh" "$JS/var/www/cgi-bin" | xargs)" = "cjmsh cjmsh" ] &&
	 [ -z "$(find "$JS" ! -user root ! -path "$JS/home/*" ! -path "$JS/home/cjmsh" ! -path "$JS/var/www/*" ! -path "$JS/tmp" ! -path "$JS/var/tmp")" ]'
# The host-path alias: $JS/$JS -> ../../.. (one ".." per directory above it).
alias_target=$(realpath -m --relative-to="$(dirname "$JS")" /)
expect "init: the jail's host path inside it is a root-owned symlink to its / ($alias_target), reported as made" \
	'[ "$(stat -c "%F %U:%G" "$JS$JS")" = "symbolic link root:root" ] && [ "$(readlink "$JS$JS")" = "$alias_target" ] &&
	 [ "$(stat -c %U "$JS$(dirname "$JS")")" = root ] && grep -qx "made the host-path alias $JS" <<<"$CTL_OUT"'
expect "... which on the host leads to the jail itself, not to the host's /" '[ "$(realpath "$JS$JS")" = "$(realpath "$JS")" ]'
expect "init: the web server cannot create a file in the jail's /tmp" \
	'! setpriv --reuid=www-data --regid=www-data --clear-groups touch "$JS/tmp/planted" 2>/dev/null && [ ! -e "$JS/tmp/planted" ]'

ctl init --root "$JP" --user cjmpy --profile python3 --profiles "$PROFILES"
expect "init --profile python3: exit 0, the standard library and lib-dynload copied, tests left out" \
	'[ "$CTL_RC" = 0 ] && [ -f "$JP/usr/lib/python3.11/xml/parsers/expat.py" ] &&
	 ls "$JP"/usr/lib/python3.11/lib-dynload/_bz2.*.so >/dev/null && [ -e "$JP$LIBDIR/libbz2.so.1.0" ] && [ -e "$JP$LIBDIR/libexpat.so.1" ] &&
	 [ ! -e "$JP/usr/lib/python3.11/test" ] && [ -z "$(find "$JP/usr/lib/python3.11" -name __pycache__)" ]'

ctl init --root "$JC" --user cjmc --profiles "$PROFILES"
cj_cgi "$CJ_WORK/hello.cgi" "$JC/var/www/cgi-bin/hello.cgi" cjmc:cjmc
ctl populate --root "$JC" --libs-for /var/www/cgi-bin/hello.cgi
expect "init (base) + populate --libs-for a compiled CGI: exit 0, its libm, libc and loader copied" \
	'[ "$CTL_RC" = 0 ] && [ -e "$JC$LIBDIR/libm.so.6" ] && [ -e "$JC$LIBDIR/libc.so.6" ] && [ -e "$JC/lib64/ld-linux-x86-64.so.2" ]'

# ---- the CGIs, through the setuid cgijail ----

cj_cgi "$CJ_WORK/hello.sh" "$JS/var/www/cgi-bin/hello.sh" cjmsh:cjmsh
cj_cgi "$CJ_WORK/app.py" "$JP/var/www/cgi-bin/app.py" cjmpy:cjmpy
run_all() {
	cj_run "$JS/var/www/cgi-bin" cjmsh cjmsh hello.sh
	cj_assert_exec "$1: the #!/bin/sh CGI runs through cgijail"
	cj_expect "$1: the #!/bin/sh CGI prints what it read in its jail" 'grep -q "^MARK CJT-CGI-RAN sh 2 users$" <<<"$CJ_OUT"'
	cj_run "$JP/var/www/cgi-bin" cjmpy cjmpy app.py
	cj_assert_exec "$1: the Python CGI (import xml.parsers.expat) runs through cgijail"
	cj_expect "$1: the Python CGI parsed XML with pyexpat" 'grep -q "^MARK CJT-CGI-RAN py page,title$" <<<"$CJ_OUT"'
	cj_run "$JC/var/www/cgi-bin" cjmc cjmc hello.cgi
	cj_assert_exec "$1: the compiled C CGI runs through cgijail"
	cj_expect "$1: the compiled C CGI computed with libm" 'grep -q "^MARK CJT-CGI-RAN c 42$" <<<"$CJ_OUT"'
}
run_all "new jails"
ctl check --root "$JS" "$JS/var/www/cgi-bin/hello.sh"
expect "check --root: the CGI named by its host path (through the alias, as FastCGI names it) loads in the jail" \
	'[ "$CTL_RC" = 0 ]'

# ---- audit ----

for j in "$JS" "$JP" "$JC"; do
	ctl audit --root "$j"
	expect "audit passes on the jail built by init + populate (${j##*/})" '[ "$CTL_RC" = 0 ] && grep -q ", 0 findings$" <<<"$CTL_OUT"'
done

# plant NAME RULE PATH PLANT REVERT: audit flags RULE at PATH (exit 1, JSON
# finding with a fix) after PLANT, and nothing after REVERT.
plant() {
	local name=$1 rule=$2 path=$3
	eval "$4"
	ctl audit --root "$JS" --json
	expect "audit flags $name" \
		'[ "$CTL_RC" = 1 ] && python3 -c "import json, sys; d = json.loads(sys.argv[1]); sys.exit(not any(f[\"rule\"] == sys.argv[2] and f[\"path\"] == sys.argv[3] and f[\"fix\"] for f in d[\"findings\"]))" "$CTL_OUT" "$rule" "$path"'
	eval "$5"
}
plant "a jail root writable by its group (root-path)" root-path "$JS" 'chmod g+w "$JS"' 'chmod g-w "$JS"'
plant "a system file owned by the customer (customer-writable)" customer-writable "$JS/usr/bin/cat" \
	'chown cjmsh "$JS/usr/bin/cat"' 'chown root "$JS/usr/bin/cat"'
plant "a system directory writable by the customer's group (customer-writable)" customer-writable "$JS/etc" \
	'chgrp cjmsh "$JS/etc"; chmod g+w "$JS/etc"' 'chgrp root "$JS/etc"; chmod g-w "$JS/etc"'
plant "a setuid file (setid)" setid "$JS/usr/bin/cat" 'chmod u+s "$JS/usr/bin/cat"' 'chmod u-s "$JS/usr/bin/cat"'
plant "a block device node (device)" device "$JS/dev/sda" 'mknod "$JS/dev/sda" b 8 0' 'rm -f "$JS/dev/sda"'
plant "a /dev/null that is another device (device)" device "$JS/dev/null" \
	'mv "$JS/dev/null" "$CJ_WORK/null.saved"; mknod -m 0666 "$JS/dev/null" c 1 2' 'rm -f "$JS/dev/null"; mv "$CJ_WORK/null.saved" "$JS/dev/null"'
plant "a hard link to a file outside the jail (hardlink)" hardlink "$JS/etc/outside" \
	'echo secret >"$CJ_SRV/outside"; ln "$CJ_SRV/outside" "$JS/etc/outside"' 'rm -f "$JS/etc/outside" "$CJ_SRV/outside"'
plant "a symlink climbing above the jail's root (escaping-symlink)" escaping-symlink "$JS/etc/evil" \
	'ln -s ../../../../etc/shadow "$JS/etc/evil"' 'rm -f "$JS/etc/evil"'
plant "a world-writable directory without the sticky bit (no-sticky)" no-sticky "$JS/var/www/cgi-bin/up" \
	'mkdir -m 0777 "$JS/var/www/cgi-bin/up"' 'rmdir "$JS/var/www/cgi-bin/up"'
ctl audit --root "$JS"
expect "audit passes again once every planted fault is removed" '[ "$CTL_RC" = 0 ]'

# ---- running init and populate twice ----

before=$(snapshot "$JS")
ctl init --root "$JS" --user cjmsh --profile sh --profiles "$PROFILES"
expect "init run twice: exit 0, reports 0 changed and 0 copied" \
	'[ "$CTL_RC" = 0 ] && grep -q "^init: 0 changed" <<<"$CTL_OUT" && grep -q "^populate: 0 copied" <<<"$CTL_OUT"'
expect "init run twice: no file, directory, mode, owner, mtime or inode of the jail changed" \
	'[ "$before" = "$(snapshot "$JS")" ] || { diff <(echo "$before") <(snapshot "$JS") | head -n 10 | while read -r l; do diag "$l"; done; false; }'
before=$(snapshot "$JP")
ctl populate --root "$JP" --profile python3 --profiles "$PROFILES" /usr/bin/python3
expect "populate run twice: exit 0, 0 copied, the rest identical" \
	'[ "$CTL_RC" = 0 ] && grep -q "^populate: 0 copied, [1-9][0-9]* identical, 0 errors" <<<"$CTL_OUT"'
expect "populate run twice: nothing in the jail changed (not even ld.so.cache)" '[ "$before" = "$(snapshot "$JP")" ]'

# A customer directory replaced by a symlink to a system directory: init
# must not hand the system directory to the customer.
rm -rf "$JS/var/www/html" && ln -s /etc "$JS/var/www/html"
ctl init --root "$JS" --user cjmsh --profile sh --profiles "$PROFILES"
expect "init refuses a customer directory that is a symlink (exit 2), the jail's /etc stays root's" \
	'[ "$CTL_RC" = 2 ] && grep -q "/var/www/html: a symlink is on its way" <<<"$CTL_ERR" && [ "$(stat -c %U "$JS/etc")" = root ]'
rm -f "$JS/var/www/html"
ctl init --root "$JS" --user cjmsh --profile sh --profiles "$PROFILES"
expect "init run again makes the customer directory back (1 changed)" \
	'[ "$CTL_RC" = 0 ] && grep -q "^init: 1 changed" <<<"$CTL_OUT" && [ "$(stat -c %U "$JS/var/www/html")" = cjmsh ]'

# ---- upgrade ----

LIBC=$JP$LIBDIR/libc.so.6
objcopy --remove-section .note.gnu.build-id "$LIBDIR/libc.so.6" "$CJ_WORK/libc-other.so.6"
cp "$CJ_WORK/libc-other.so.6" "$LIBC.new" && mv -f "$LIBC.new" "$LIBC"
ino=$(stat -c %i "$LIBC")
ctl upgrade --root "$JP"
expect "upgrade (dry run) finds the jail's libc that is another build than the host's (exit 1)" \
	'[ "$CTL_RC" = 1 ] && grep -q "^would re-copy $JP\(/usr\)\?/lib/x86_64-linux-gnu/libc.so.6: .*build-id differs" <<<"$CTL_OUT"'
expect "upgrade (dry run) changes nothing" 'cmp -s "$LIBC" "$CJ_WORK/libc-other.so.6"'
ctl upgrade --root "$JP" --apply
expect "upgrade --apply re-copies libc: exit 0, the jail's libc is the host's again" \
	'[ "$CTL_RC" = 0 ] && cmp -s "$LIBC" "$LIBDIR/libc.so.6" && grep -q "^copied $LIBDIR/libc.so.6$" <<<"$CTL_OUT"'
expect "upgrade --apply replaced libc by rename (a new inode), root-owned, mode kept, no temporary file left" \
	'[ "$(stat -c %i "$LIBC")" != "$ino" ] && [ "$(stat -c "%U %a" "$LIBC")" = "root $(stat -L -c %a "$LIBDIR/libc.so.6")" ] &&
	 [ -z "$(find "$JP" -name "*.cjctl-*")" ]'
ctl upgrade --root "$JP"
expect "upgrade after --apply: nothing differs (exit 0)" '[ "$CTL_RC" = 0 ] && grep -q ": 0 stale$" <<<"$CTL_OUT"'

# Interrupted: SIGKILL at the first rename(2) of upgrade --apply.
if command -v strace >/dev/null; then
	cp "$CJ_WORK/libc-other.so.6" "$LIBC.new" && mv -f "$LIBC.new" "$LIBC"
	strace -f -o /dev/null -e trace=rename,renameat,renameat2 \
		-e inject=rename,renameat,renameat2:signal=KILL:when=1 "$CTL" upgrade --root "$JP" --apply >/dev/null 2>&1
	killed=$?
	temps=$(find "$JP" -name ".libc.so.6.cjctl-*" -size "$(stat -c %s "$LIBDIR/libc.so.6")c" | wc -l)
	expect "upgrade --apply killed before its rename: the jail's libc is whole and old, the new copy whole in a temporary file" \
		'[ "$killed" = 137 ] && cmp -s "$LIBC" "$CJ_WORK/libc-other.so.6" && [ "$temps" = 1 ]'
	ctl upgrade --root "$JP" --apply
	expect "upgrade --apply after the interruption: the new libc, the temporary file removed" \
		'[ "$CTL_RC" = 0 ] && cmp -s "$LIBC" "$LIBDIR/libc.so.6" && [ -z "$(find "$JP" -name "*.cjctl-*")" ]'
else
	ok "# SKIP interrupted upgrade: no strace"
fi

# ---- check --all ----

PROM=$CJ_WORK/textfile/cgijail.prom
mkdir -p "$CJ_WORK/textfile"
prom_valid() {
	python3 - "$PROM" <<'EOF'
import re, sys
name = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
label = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
sample = re.compile(r"^(%s)(\{%s(?:,%s)*\})? (-?[0-9.e+]+|NaN|[+-]Inf)$" % (name, label, label))
types = {}
for line in open(sys.argv[1]).read().splitlines():
    if line.startswith("# HELP "):
        continue
    if line.startswith("# TYPE "):
        _, _, n, t = line.split(" ")
        assert t in ("gauge", "counter", "untyped"), line
        types[n] = t
        continue
    m = sample.match(line)
    assert m, "bad sample line: " + line
    assert m.group(1) in types, "no TYPE for " + line
EOF
}
prom_value() { awk -v m="$1" -v u="user=\"$2\"" '$1 ~ "^" m "[{]" && index($1, u) { print $2 }' "$PROM"; }
ctl check --all --config "$CJ_CONF" --format=prometheus --output "$PROM"
expect "check --all --format=prometheus: exit 0, a textfile that parses, 3 jails, 0 broken programs each" \
	'[ "$CTL_RC" = 0 ] && prom_valid && grep -q "^cgijail_jails 3$" "$PROM" &&
	 [ "$(prom_value cgijail_jail_broken_programs cjmpy)" = 0 ] && [ "$(prom_value cgijail_jail_ok cjmsh)" = 1 ] &&
	 [ "$(prom_value cgijail_jail_last_check_timestamp_seconds cjmc)" -ge "$(($(date +%s) - 120))" ]'
mv "$JP$LIBDIR/libexpat.so.1.8.10" "$CJ_WORK/libexpat.saved" 2>/dev/null || rm -f "$(readlink -f "$JP$LIBDIR/libexpat.so.1")"
ctl check --all --config "$CJ_CONF" --format=prometheus --output "$PROM"
expect "check --all: a jail without libexpat has a broken program (exit 1, cgijail_jail_broken_programs >= 1)" \
	'[ "$CTL_RC" = 1 ] && prom_valid && [ "$(prom_value cgijail_jail_broken_programs cjmpy)" -ge 1 ] &&
	 [ "$(prom_value cgijail_jail_ok cjmpy)" = 0 ] && [ "$(prom_value cgijail_jail_broken_programs cjmsh)" = 0 ]'
ctl check --all --config "$CJ_CONF" --json
expect "check --all --json: valid JSON naming python3 as broken in the Python jail" \
	'[ "$CTL_RC" = 1 ] && python3 -c "import json, sys; d = json.loads(sys.argv[1]); j = [x for x in d[\"jails\"] if x[\"user\"] == \"cjmpy\"][0]; sys.exit(not any(\"python3\" in b for b in j[\"broken\"]))" "$CTL_OUT"'
ctl upgrade --all --config "$CJ_CONF" --apply
expect "upgrade --all --apply brings back the missing library (exit 0)" '[ "$CTL_RC" = 0 ] && [ -e "$JP$LIBDIR/libexpat.so.1" ]'
ctl check --all --config "$CJ_CONF"
expect "check --all after the upgrade: every program of every jail loads" '[ "$CTL_RC" = 0 ]'

run_all "after upgrade"

tap_end
exit 0
