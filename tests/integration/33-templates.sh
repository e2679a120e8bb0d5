#!/usr/bin/env bash
# Root integration tests of template generations and thin jails (issue 13):
# cgijailctl template build/list/check/refresh/gc, init --template in bind
# and link mode, CGIs (sh, python3, perl, C, php-cgi) served through the setuid
# cgijail from thin jails, a new generation reaching every jail on the next
# request while a running CGI keeps its files, a failed build never becoming
# current, customers unable to write the template or see each other, and
# cgijail's refusals for a broken template (CJ_TEMPLATE). TAP on stdout;
# always exits 0.
# shellcheck disable=SC2034 # variables read by the eval'd conditions of expect
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/ctl.sh"
. "$CJ_TOP/tests/lib/hostile.sh"

STORE=$CJ_SRV/templates
A=cjtpa B=cjtpb C=cjtpc

write_conf() {
	{ cj_conf_head; cat <<EOF; } | cj_conf
template_dir = $STORE
template = t1
namespaces = pid,mount
$1

[user:$B]
template_mode = link
namespaces = none

[user:$C]
template = none
namespaces = none
EOF
}

setup() {
	cj_install || return 2
	cj_build_cgis || return 2
	cj_user "$A" && cj_user "$B" && cj_user "$C" || return 2
	gcc -static -O1 -o "$CJ_WORK/thin_probe" "$CJ_TOP/tests/integration/probes/thin_probe.c" || return 2
	write_conf ""
	# A host file of our own in the template (refresh sees it change).
	mkdir -m 0755 "$CJ_SRV/host" && echo one >"$CJ_SRV/host/marker" && chmod 0644 "$CJ_SRV/host/marker"
	mkdir -m 0755 "$CJ_WORK/profiles" && cp "$PROFILES"/*.ini "$CJ_WORK/profiles/" &&
		printf '[profile]\ndescription = a host file of the tests\nfiles = %s\n' \
			"$CJ_SRV/host/marker" >"$CJ_WORK/profiles/marker.ini" &&
		printf '[profile]\ndescription = broken\nprograms = %s\n' "$CJ_SRV/host/broken.sh" \
			>"$CJ_WORK/profiles/broken.ini" || return 2
	printf '#!/nonexistent/interpreter\n' >"$CJ_SRV/host/broken.sh" && chmod 0755 "$CJ_SRV/host/broken.sh"
	cat >"$CJ_WORK/py.cgi" <<'EOF'
#!/usr/bin/python3
import os, sys, json, time
print("Content-Type: text/plain\n")
print("MARK CJT-CGI-RAN python3", json.dumps([os.getuid(), sys.version_info[0]]))
print("python_ino", os.stat("/usr/bin/python3").st_ino)
print("root", " ".join(sorted(os.listdir("/"))))
for p in ("/usr/bin/planted", "/.template/planted", "/etc/planted"):
    try:
        open(p, "w").close(); print("wrote", p)
    except OSError as e:
        print("nowrite", p, e.errno)
if len(sys.argv) > 1:
    for _ in range(600):  # until the test says go (a file in our directory)
        if os.path.exists("go"):
            break
        time.sleep(0.1)
    import decimal, fractions  # first imported now, after the switch
    print("late-import ok", decimal.Decimal(1) + fractions.Fraction(1, 2).numerator)
EOF
	cat >"$CJ_WORK/sh.cgi" <<'EOF'
#!/bin/sh
echo "Content-Type: text/plain"; echo
echo "MARK CJT-CGI-RAN sh"
EOF
	cat >"$CJ_WORK/hello.php" <<'EOF'
#!/usr/bin/php-cgi
<?php
header("Content-Type: text/plain");
echo "MARK CJT-CGI-RAN php ", json_encode(["sum" => array_sum([40, 2])]), " ", ini_get("cgi.force_redirect"), "\n";
EOF
	cat >"$CJ_WORK/pl.cgi" <<'EOF'
#!/usr/bin/perl
use POSIX qw(floor);
print "Content-Type: text/plain\n\nMARK CJT-CGI-RAN perl ", floor(42.5), "\n";
EOF
}

if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

cur() { readlink "$STORE/t1/current"; }
tctl() { ctl template "$@" --config "$CJ_CONF" --profiles "$CJ_WORK/profiles"; }

# ---- build ----

# The first generation also carries php-cgi when the host has it: PHP's
# ini files and extension modules, checked (check_modules) and run from a
# thin jail in both modes.
PHP=(); [ -x /usr/bin/php-cgi ] && PHP=(--profile php-cgi)
tctl build t1 --profile sh --profile python3 --profile perl --profile marker "${PHP[@]}"
G1=$(cur)
expect "template build: exit 0, a generation made current" '[ "$CTL_RC" = 0 ] && [ -n "$G1" ] && grep -q "is current" <<<"$CTL_OUT"'
expect "the generation: root-owned, nothing group/other-writable, no setuid file; verdict ok, spec, manifest" \
	'[ -z "$(find "$STORE" \( ! -user root -o -perm /022 -a ! -type l -o -perm /6000 \) -print -quit)" ] &&
	 [ "$(head -n 1 "$STORE/t1/$G1/verdict")" = ok ] && grep -qx "profile python3" "$STORE/t1/$G1/spec" &&
	 grep -q " $CJ_SRV/host/marker\$" "$STORE/t1/$G1/manifest" && [ -x "$STORE/t1/$G1/root/usr/bin/python3" ]'
tctl list --json
expect "template list --json: t1, its generation current and verified" \
	'[ "$CTL_RC" = 0 ] && grep -q "\"name\": \"t1\", \"current\": \"$G1\"" <<<"$CTL_OUT" && grep -q "\"verified\": true" <<<"$CTL_OUT"'
tctl check t1
expect "template check t1: every program of the current generation loads" '[ "$CTL_RC" = 0 ]'

# ---- thin jails ----

JA=$CJ_SRV/jails/$A JB=$CJ_SRV/jails/$B
ctl init --root "$JA" --user "$A" --template t1 --config "$CJ_CONF" --profiles "$CJ_WORK/profiles"
expect "init --template t1 (bind): exit 0; /.template is an empty mount point, /usr a symlink into it" \
	'[ "$CTL_RC" = 0 ] && [ -d "$JA/.template" ] && [ -z "$(ls -A "$JA/.template")" ] &&
	 [ "$(readlink "$JA/usr")" = /.template/usr ] && [ "$(readlink "$JA/etc/ld.so.cache")" = /.template/etc/ld.so.cache ] &&
	 [ "$(stat -c %U "$JA/etc/passwd")" = root ] && [ "$(stat -c "%a %U" "$JA/tmp")" = "700 $A" ]'
expect "a bind-mode thin jail holds only the customer's files: under 300 KB" '[ "$(du -sk "$JA" | cut -f1)" -lt 300 ]'
ctl init --root "$JB" --user "$B" --template t1 --template-mode link --config "$CJ_CONF" --profiles "$CJ_WORK/profiles"
expect "init --template t1 --template-mode link: /.template -> .gens/GEN, its files hard links into the store" \
	'[ "$CTL_RC" = 0 ] && [ "$(readlink "$JB/.template")" = ".gens/$G1" ] &&
	 [ "$(stat -L -c %i "$JB/.gens/$G1/usr/bin/python3")" = "$(stat -L -c %i "$STORE/t1/$G1/root/usr/bin/python3")" ]'
ctl init --root "$JB" --user "$B" --template t1 --template-mode link --config "$CJ_CONF" --profiles "$CJ_WORK/profiles"
expect "init --template again: nothing to change" '[ "$CTL_RC" = 0 ] && grep -q "^init: 0 changed" <<<"$CTL_OUT"'

for u in "$A" "$B"; do
	j=$CJ_SRV/jails/$u
	for c in py sh pl; do cj_cgi "$CJ_WORK/$c.cgi" "$j/var/www/cgi-bin/$c.cgi" "$u:$u"; done
	cj_cgi "$CJ_WORK/hello.php" "$j/var/www/cgi-bin/hello.php" "$u:$u"
	cj_cgi "$CJ_WORK/dump-dynamic" "$j/var/www/cgi-bin/c.cgi" "$u:$u"
done

run() { cj_reset_run; cj_run "$CJ_SRV/jails/$1/var/www/cgi-bin" "$1" "$1" "${@:2}"; }
for mode in bind link; do
	u=$A; [ "$mode" = link ] && u=$B
	run "$u" py.cgi
	cj_assert_exec "$mode mode: a python3 CGI runs from the thin jail"
	cj_expect "$mode mode: it ran as the customer, inside its jail, and could write nothing of the template" \
		'grep -q "^MARK CJT-CGI-RAN python3 \[$(cj_uid "$u"), 3\]" <<<"$CJ_OUT" && ! grep -q "^wrote" <<<"$CJ_OUT" &&
		 [ "$(grep -c "^nowrite" <<<"$CJ_OUT")" = 3 ] && ! grep -q "jails" <<<"$(cj_val root)"'
	run "$u" sh.cgi
	cj_assert_exec "$mode mode: a #!/bin/sh CGI runs"
	run "$u" pl.cgi
	cj_assert_exec "$mode mode: a perl CGI (POSIX, an XS module) runs"
	cj_expect "$mode mode: perl printed its result" 'grep -qx "MARK CJT-CGI-RAN perl 42" <<<"$CJ_OUT"'
	run "$u" c.cgi
	cj_assert_exec "$mode mode: a dynamically linked C CGI (the customer's own ELF, checked in full) runs"
	if [ ${#PHP[@]} = 0 ]; then
		ok "$mode mode: a PHP CGI # SKIP php-cgi is not installed (scripts/deps test installs it)"
		continue
	fi
	# php-cgi reads the script named by SCRIPT_FILENAME (cgijail rewrites
	# it into the jail) and wants REDIRECT_STATUS, as under Apache.
	cj_reset_run
	CJ_ENV=("SCRIPT_FILENAME=$CJ_SRV/jails/$u/var/www/cgi-bin/hello.php" REDIRECT_STATUS=200)
	cj_run "$CJ_SRV/jails/$u/var/www/cgi-bin" "$u" "$u" hello.php
	cj_assert_exec "$mode mode: a #!/usr/bin/php-cgi CGI runs, its extension modules checked in the template"
	cj_expect "$mode mode: PHP read its ini files and ran json_encode from the template" \
		'grep -qx "MARK CJT-CGI-RAN php {\"sum\":42} 1" <<<"$CJ_OUT"'
done
expect "nothing of the template is left in the host's mount table" '! grep -qF "$STORE" /proc/self/mountinfo'
# The later generations are built without php-cgi.
rm -f "$JA/var/www/cgi-bin/hello.php" "$JB/var/www/cgi-bin/hello.php"

# ---- a new generation reaches every jail on its next request ----

run "$A" py.cgi; INO_A1=$(cj_val python_ino)
tctl build t1 --profile sh --profile python3 --profile perl --profile marker
G2=$(cur)
expect "a second build: a new generation is current, the link-mode jail re-pointed, its old farm gone" \
	'[ "$CTL_RC" = 0 ] && [ "$G2" != "$G1" ] && [ "$(readlink "$JB/.template")" = ".gens/$G2" ] &&
	 [ ! -e "$JB/.gens/$G1" ] && grep -q "2 jails re-pointed" <<<"$CTL_OUT"'
run "$A" py.cgi
cj_expect "bind mode: the next request runs python3 from the new generation" \
	'[ "$CJ_RC" = 0 ] && [ "$(cj_val python_ino)" = "$(stat -L -c %i "$STORE/t1/$G2/root/usr/bin/python3")" ] && [ "$(cj_val python_ino)" != "$INO_A1" ]'
run "$B" py.cgi
cj_expect "link mode: the next request runs python3 from the new generation" \
	'[ "$CJ_RC" = 0 ] && [ "$(cj_val python_ino)" = "$(stat -L -c %i "$STORE/t1/$G2/root/usr/bin/python3")" ]'

# A CGI already running keeps the files of its generation, and gc keeps
# that generation while it runs.
(cd "$JA/var/www/cgi-bin" && exec setpriv --reuid=www-data --regid=www-data --clear-groups -- \
	env -i "$CJ_BIN" "$A" "$A" py.cgi wait) >"$CJ_WORK/long.out" 2>&1 </dev/null &
LONG=$!
for _ in $(seq 100); do grep -q "^root" "$CJ_WORK/long.out" && break; sleep 0.05; done
tctl build t1 --profile sh --profile python3 --profile perl --profile marker
G3=$(cur)
touch -h -d '2 minutes ago' "$STORE/t1/current"
tctl gc t1
expect "gc while a CGI of the old generation runs: that generation is kept (in use), the unused one removed" \
	'[ "$CTL_RC" = 0 ] && grep -q "$G2: kept (in use)" <<<"$CTL_OUT" && [ -d "$STORE/t1/$G2" ] && [ ! -e "$STORE/t1/$G1" ] && [ -d "$STORE/t1/$G3" ]'
touch "$JA/var/www/cgi-bin/go"
wait "$LONG"; rc=$?
rm -f "$JA/var/www/cgi-bin/go"
cj_expect "the running CGI finished with its generation's files (a module imported after the switch)" \
	'[ "$rc" = 0 ] && grep -q "^late-import ok 2" "$CJ_WORK/long.out"'
tctl gc t1
expect "gc after it ended: only the current generation is left" \
	'[ "$CTL_RC" = 0 ] && [ "$(ls "$STORE/t1" | grep -c "^g")" = 1 ] && [ -d "$STORE/t1/$G3" ]'

# ---- a failed build never becomes current ----

tctl build t1 --profile sh --profile broken
expect "a build that fails: exit non-zero, the current generation unchanged, nothing half-built left" \
	'[ "$CTL_RC" != 0 ] && [ "$(cur)" = "$G3" ] && [ -z "$(ls -A "$STORE/t1" | grep "^\.build-")" ] &&
	 [ "$(ls "$STORE/t1" | grep -c "^g")" = 1 ] && grep -q "current generation is unchanged" <<<"$CTL_OUT"'
run "$A" py.cgi
cj_assert_exec "after the failed build, the jails still run from the current generation"

# ---- refresh after a host upgrade ----

tctl refresh t1
expect "refresh with nothing changed on the host: nothing built" \
	'[ "$CTL_RC" = 0 ] && [ "$(cur)" = "$G3" ] && grep -q "is as the host" <<<"$CTL_OUT"'
echo two >"$CJ_SRV/host/marker.new" && chmod 0644 "$CJ_SRV/host/marker.new" && mv "$CJ_SRV/host/marker.new" "$CJ_SRV/host/marker"
tctl refresh --dry-run --all
expect "refresh --dry-run after a host file changed: says so, builds nothing" \
	'[ "$CTL_RC" = 1 ] && [ "$(cur)" = "$G3" ] && grep -q "marker changed on the host" <<<"$CTL_OUT"'
tctl refresh --all
G4=$(cur)
expect "refresh --all: a new generation with the host's new file, current, link-mode jail re-pointed" \
	'[ "$CTL_RC" = 0 ] && [ "$G4" != "$G3" ] && [ "$(cat "$STORE/t1/$G4/root$CJ_SRV/host/marker")" = two ] &&
	 [ "$(readlink "$JB/.template")" = ".gens/$G4" ]'

# ---- cgijail's refusals for a broken template ----

mv "$STORE/t1/$G4/verdict" "$STORE/t1/$G4/verdict.away"
run "$A" sh.cgi
cj_assert_refused "a current generation without a verdict: CJ_TEMPLATE" CJ_TEMPLATE "t1/$G4 is not a verified generation"
run "$B" sh.cgi
cj_assert_refused "link mode, the farm's generation without a verdict: CJ_TEMPLATE" CJ_TEMPLATE "is not a verified generation"
mv "$STORE/t1/$G4/verdict.away" "$STORE/t1/$G4/verdict"
write_conf "[user:$A]
template = nosuch"
run "$A" sh.cgi
cj_assert_refused "a template that does not exist: CJ_TEMPLATE" CJ_TEMPLATE "templates/nosuch: No such file or directory"
write_conf ""
rmdir "$JA/.template"
run "$A" sh.cgi
cj_assert_refused "a bind-mode jail without its mount point: CJ_TEMPLATE, naming init" CJ_TEMPLATE "not a root-owned directory to mount the template on"
mkdir -m 0755 "$JA/.template"
run "$A" sh.cgi
cj_assert_exec "mount point back: runs again"
cj_reset_run; CJ_AS=root
cj_run "$JA/var/www/cgi-bin" --dry-run "$A" "$A" py.cgi
cj_expect "--dry-run of a thin jail: names the template and its generation, and checks in the jail" \
	'[ "$CJ_RC" = 0 ] && grep -qE "^  ok +template +t1, generation $G4, verified" <<<"$CJ_OUT" && ! grep -qF "$STORE" /proc/self/mountinfo'

# ---- audit, check --all, upgrade ----

ctl audit --root "$JA"
expect "audit of the bind-mode thin jail: no findings" '[ "$CTL_RC" = 0 ] && grep -q ", 0 findings$" <<<"$CTL_OUT"'
ctl audit --root "$JB"
expect "audit of the link-mode thin jail: its hard links into the store are accepted, no findings" \
	'[ "$CTL_RC" = 0 ] && grep -q ", 0 findings$" <<<"$CTL_OUT"'
echo secret >"$CJ_SRV/host/outside" && ln "$CJ_SRV/host/outside" "$JB/.gens/$G4/usr/bin/outside" &&
	ln "$STORE/t1/$G4/root/usr/bin/python3.11" "$JB/.gens/$G4/usr/bin/renamed"
ctl audit --root "$JB"
expect "audit: a hard link to a file outside the store, and one into the store at another path, are findings" \
	'[ "$CTL_RC" = 1 ] && grep -q "^hardlink: $JB/.gens/$G4/usr/bin/outside" <<<"$CTL_OUT" &&
	 grep -q "^hardlink: $JB/.gens/$G4/usr/bin/renamed" <<<"$CTL_OUT" && [ "$(grep -c "^hardlink:" <<<"$CTL_OUT")" = 2 ]'
rm -f "$JB/.gens/$G4/usr/bin/outside" "$JB/.gens/$G4/usr/bin/renamed"
ctl check --all --config "$CJ_CONF" --format json
expect "check --all: the template once (a row of its own), the thin jails by their own files only, all ok" \
	'[ "$CTL_RC" = 0 ] && grep -q "\"user\": \"template:t1\"" <<<"$CTL_OUT" && grep -q "\"jail\": \"$JB\"" <<<"$CTL_OUT"'
ctl upgrade --root "$JA"
expect "upgrade of a thin jail: says its template is refreshed instead, changes nothing" \
	'[ "$CTL_RC" = 0 ] && grep -q "a thin jail" <<<"$CTL_OUT"'

# ---- a copied jail: upgrade's dry run, then migrate ----

JC=$CJ_SRV/jails/$C
ctl init --root "$JC" --user "$C" --profile sh --profiles "$CJ_WORK/profiles"
cj_cgi "$CJ_WORK/sh.cgi" "$JC/var/www/cgi-bin/sh.cgi" "$C:$C"
mkdir -p "$JC/home/$C" && echo precious >"$JC/home/$C/data" && chown -R "$C:$C" "$JC/home/$C"
LIBC=$(find "$JC/usr/lib" -name 'libc.so.6' -print -quit)
[ -n "$LIBC" ] && rm -f -- "$LIBC"
ctl upgrade --root "$JC"
expect "upgrade's dry run of a copied jail without its libc: reports it (exit 1), as --apply would restore it" \
	'[ -n "$LIBC" ] && [ "$CTL_RC" = 1 ] && grep -q "would re-copy $JC.*libc.so.6: missing in the jail" <<<"$CTL_OUT"'
ctl upgrade --root "$JC" --apply
ctl upgrade --root "$JC"
expect "after upgrade --apply, the dry run finds nothing" '[ "$CTL_RC" = 0 ] && grep -q ": 0 stale" <<<"$CTL_OUT" && [ -f "$LIBC" ]'
ctl migrate --root "$JC" --template t1 --template-mode link --config "$CJ_CONF"
MIG=$(ls -d "$JC"/.cgijail-migrated-* 2>/dev/null | head -n 1)
expect "migrate --template-mode link: the copied system files moved aside, the jail thin, the customer's file kept" \
	'[ "$CTL_RC" = 0 ] && [ "$(readlink "$JC/usr")" = /.template/usr ] && [ "$(readlink "$JC/.template")" = ".gens/$G4" ] &&
	 [ "$(cat "$JC/home/$C/data")" = precious ] && [ -n "$MIG" ] && [ -d "$MIG/usr/bin" ] && [ "$(stat -c %a "$MIG")" = 700 ]'
run "$C" sh.cgi
cj_assert_exec "the migrated jail serves its CGI (link mode works before the config names the template)"

# ---- hostile: a customer against the template (counted) ----

for u in "$A" "$B"; do
	mode=bind; [ "$u" = "$B" ] && mode=link
	j=$CJ_SRV/jails/$u
	cj_cgi "$CJ_WORK/thin_probe" "$j/var/www/cgi-bin/probe.cgi" "$u:$u"
	run "$u" probe.cgi
	h_safe "$mode mode: the CGI cannot remount, unmount, write, replace, chmod or hard-link the template, nor plant /etc/ld.so.preload" \
		'[ "$CJ_RC" = 0 ] && for k in remount umount write create unlink_usr rename_template hardlink chmod symlink_etc; do
			case $(cj_val "$k") in ""|ok) diag "$k: $(cj_val "$k")"; false; break ;; esac; done'
	ln -sf /usr/bin/python3 "$j/var/www/cgi-bin/link.cgi" && chown -h "$u:$u" "$j/var/www/cgi-bin/link.cgi"
	run "$u" link.cgi
	h_refused "$mode mode: a symlink to a template program as the CGI: refused" CJ_PROG_OPEN 'link.cgi is a symlink'
	# A directory of the customer's named like the template: never trusted.
	mkdir -p "$j/var/www/cgi-bin/.template/usr/bin" && chown -R "$u:$u" "$j/var/www/cgi-bin/.template"
	printf '#!/var/www/cgi-bin/.template/usr/bin/nonexistent\n' >"$CJ_WORK/fake.cgi"
	cj_cgi "$CJ_WORK/fake.cgi" "$j/var/www/cgi-bin/fake.cgi" "$u:$u"
	run "$u" fake.cgi
	h_refused "$mode mode: a #! into the customer's own .template directory is checked, not trusted" \
		CJ_MISSING_INTERPRETER '/var/www/cgi-bin/.template/usr/bin/nonexistent'
done
if [ "$(cat /proc/sys/fs/protected_hardlinks 2>/dev/null)" = 1 ]; then
	h_safe "link mode: the customer cannot hard-link a template file into its own directory (fs.protected_hardlinks)" \
		'! setpriv --reuid="$B" --regid="$B" --clear-groups ln "$JB/.gens/$G4/usr/bin/python3.11" "$JB/var/www/cgi-bin/mine" 2>/dev/null'
else
	ok "link mode: hard links of the customer into the template # SKIP fs.protected_hardlinks is off on this host"
fi

# ---- the docroot linter sees thin jails as cgijail does ----

mounts_before=$(grep -c "\.template" /proc/self/mountinfo)
for u in "$A" "$B"; do
	ctl lint --user "$u" --config "$CJ_CONF"
	expect "lint of $u's thin jail ($([ "$u" = "$B" ] && echo link || echo bind) mode): the two planted CGIs refused as cgijail refused them, the other five would run" \
		'[ "$CTL_RC" = 1 ] && grep -q "fake.cgi: CJ_MISSING_INTERPRETER" <<<"$CTL_OUT" &&
		 grep -q "link.cgi: CJ_PROG_OPEN" <<<"$CTL_OUT" && grep -q ": 7 CGIs, 2 refused;" <<<"$CTL_OUT"'
done
ctl check --root "$JA" --config "$CJ_CONF" /usr/bin/python3 /var/www/cgi-bin/py.cgi
expect "check --root of the bind-mode thin jail: python3 and the CGI found through the template, as the customer sees it" \
	'[ "$CTL_RC" = 0 ]'
expect "... the bind-mode template was mounted only in the checking process's own mount namespace" \
	'[ "$(grep -c "\.template" /proc/self/mountinfo)" = "$mounts_before" ]'

# ---- removing thin jails: the jail goes, the shared template stays ----

ctl remove --root "$JB" --user "$B" --config "$CJ_CONF"
expect "remove of the link-mode thin jail: the jail and its copies are gone" '[ "$CTL_RC" = 0 ] && [ ! -e "$JB" ]'
ctl remove --root "$JA" --user "$A" --config "$CJ_CONF"
expect "remove of the bind-mode thin jail: the jail is gone" '[ "$CTL_RC" = 0 ] && [ ! -e "$JA" ]'
tctl check t1
expect "... and the template's current generation still checks clean (nothing of the store removed)" '[ "$CTL_RC" = 0 ]'
run "$C" sh.cgi
cj_assert_exec "... and the other thin jail still serves its CGI"

h_report
tap_end
