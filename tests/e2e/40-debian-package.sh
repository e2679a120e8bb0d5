#!/usr/bin/env bash
# End to end: the Debian package, for real on this machine. It is built once
# from a clean copy of the tree (dpkg-buildpackage -us -uc -b) and linted;
# then installed with apt, a private Apache whose suexec is the package's
# (through the suexec alternative) serves a jailed CGI, the e2e suites run
# against the installed package (debian/tests/e2e), the dpkg trigger is
# proven by dpkg -i of throwaway packages that change a library a jail
# uses (reported, then refreshed), the package is upgraded to a newer
# build (the admin's conffile edits kept), removed (the alternative goes
# back to suexec-pristine) and purged, and the machine is compared with how
# it was. At exit the machine is as it was: the packages purged, the
# alternative as before, no user and no file left. TAP on stdout; always
# exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/e2e/apache-lib.sh"
. "$CJ_TOP/tests/e2e/deb-lib.sh"

U=cjwdeb
LAUNCHER=/usr/lib/cgijail/cgijail
CONF=/etc/cgijail/cgijail.conf
DEFAULTS=/etc/default/cgijail
CTL=/usr/sbin/cgijailctl
PRISTINE=/usr/lib/apache2/suexec-pristine
# A run in progress (its pid), and what it changed that the package does
# not undo: found by the next run when this one was killed.
MARK=/var/lib/cgijail-test-deb
WHY=()

bail() { not_ok "$1"; diag "${@:2}"; tap_end; exit 0; }
skip_all() { ok "the Debian package # SKIP $1"; tap_end; exit 0; }
expect() {
	local name=$1; shift
	if eval "$*"; then ok "$name"; else not_ok "$name"; diag "failed: $*" "${WHY[@]}"; fi
}
pkg_present() {
	local s
	s=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	case $s in *not-installed) return 1 ;; esac
}
alt_query() { update-alternatives --query suexec 2>&1; }
alt_field() { alt_query | sed -n "s/^$1: //p"; }
alt_has() { update-alternatives --list suexec 2>/dev/null | grep -qxF -- "$1"; }
mode_of() { stat -c '%a %U:%G' -- "$1" 2>/dev/null; }
# jail_sum: the customers' jails, names, owners, modes and bytes.
jail_sum() { (cd "$CJ_SRV" && find . -path ./.cgijail-test-pid -prune -o -printf '%p %m %u:%g %s\n' | sort &&
	find . -type f -exec md5sum {} + | sort) | md5sum; }

# deb_undo: put back what a run changed: the packages purged, the
# statoverride it added removed, the alternative's mode as it was.
deb_undo() {
	local p
	for p in cgijail cgijail-hook-probe; do
		pkg_present "$p" && pkg_run "$CJ_WORK/undo.log" dpkg --purge "$p"
	done
	[ ! -f "$MARK/statoverride" ] || dpkg-statoverride --remove "$LAUNCHER" >/dev/null 2>&1
	if [ -d /var/lib/cgijail/templates/cjtest-template ]; then
		rmdir /var/lib/cgijail/templates/cjtest-template /var/lib/cgijail/templates /var/lib/cgijail 2>/dev/null
	fi
	if [ "$(cat "$MARK/alt-status" 2>/dev/null)" = auto ] && [ "$(alt_field Status)" = manual ]; then
		update-alternatives --auto suexec >/dev/null 2>&1
	fi
	rm -rf -- "$MARK"
}

# ---- may this run install the package here? ----

[ "$CJ_CONF_DIR" != /etc/cgijail ] || skip_all "CJ_CONF_DIR is the package's own /etc/cgijail"
if [ -d "$MARK" ]; then
	pid=$(cat "$MARK/pid" 2>/dev/null)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then skip_all "another run (pid $pid) has the package installed"; fi
	deb_undo
fi
for c in dpkg-buildpackage lintian git; do
	command -v "$c" >/dev/null || bail "$c is installed (scripts/deps deb)"
done
pkg_present cgijail && skip_all "cgijail is installed on this machine; this suite installs and purges its own"
pkg_present cgijail-hook-probe && skip_all "a package cgijail-hook-probe is installed on this machine"
for p in /etc/cgijail /usr/lib/cgijail /var/cache/cgijail /var/log/cgijail.log /var/lib/cgijail "$DEB_PROBE_DIR"; do
	[ ! -e "$p" ] || skip_all "$p exists (a cgijail installed without the package?)"
done
! dpkg-statoverride --list "$LAUNCHER" >/dev/null || skip_all "an admin's dpkg-statoverride for $LAUNCHER"
alt_has "$PRISTINE" || bail "apache2-suexec-pristine is installed (scripts/deps test)"
git -c safe.directory="*" -C "$CJ_TOP" rev-parse --git-dir >/dev/null 2>&1 || skip_all "$CJ_TOP is not a git checkout (the build copies its files)"

# ---- build once ----

W=$(cj_tmpdir) || bail "make a work directory"
t0=$SECONDS
if deb_build "$CJ_TOP" "$W/build"; then
	ok "dpkg-buildpackage -us -uc -b in a clean copy of the tree builds ${DEB_FILE##*/} ($((SECONDS - t0))s)"
else
	bail "dpkg-buildpackage -us -uc -b builds the package" "$(tail -n 40 "$W/build/build.log")"
fi
# Its temporary files (it leaves some: mldbm-elf-*) in the work directory.
install -d -m 0700 -o nobody "$W/lintian-tmp"
TMPDIR=$W/lintian-tmp runuser -u nobody -- lintian --pedantic --show-overrides "$DEB_CHANGES" >"$W/lintian.txt" 2>&1
WHY=("$(cat "$W/lintian.txt")")
expect "lintian: no error, no warning" '! grep -qE "^[EW]: " "$W/lintian.txt"'
expect "... its $(grep -c '^O: ' "$W/lintian.txt") overrides each carry a comment saying why" \
	'awk '\''/^#/ { c = 1; next } /^$/ { c = 0; next } !c { bad = 1 } END { exit bad }'\'' "$CJ_TOP/debian/cgijail.lintian-overrides"'
dpkg-deb -c "$DEB_FILE" >"$W/contents.txt"
WHY=("$(cat "$W/contents.txt")")
expect "the package ships the launcher 4750 root:www-data at $LAUNCHER" \
	'grep -qE "^-rwsr-x--- root/www-data .* \.$LAUNCHER\$" "$W/contents.txt"'
expect "... cgijailctl, the man pages, the Apache examples, the trigger's script, the timer" \
	'(for f in /usr/sbin/cgijailctl /usr/share/man/man8/cgijail.8.gz /usr/share/man/man5/cgijail.conf.5.gz /usr/share/man/man8/cgijailctl.8.gz /usr/share/doc/cgijail/examples/apache2/cgijail-vhost.conf /usr/lib/cgijail/after-dpkg /lib/systemd/system/cgijail-check.timer /lib/systemd/system/cgijail-check.service; do grep -q " \.$f\$" "$W/contents.txt" || exit 1; done)'
conffiles=$(dpkg-deb -I "$DEB_FILE" conffiles)
WHY=("$conffiles")
expect "... and as conffiles cgijail.conf, the six profiles, /etc/default/cgijail, the logrotate snippet" \
	'(for f in $CONF /etc/cgijail/profiles/{base,basic,sh,perl,python3,php-cgi}.ini $DEFAULTS /etc/logrotate.d/cgijail; do grep -qxF "$f" <<<"$conffiles" || exit 1; done)'
V1=$(dpkg-deb -f "$DEB_FILE" Version)
V2=$V1+cjtest2
DEB2=$W/cgijail_${V2}.deb
deb_repack "$DEB_FILE" "$V2" "$DEB2" "; (the next release's example line)" || bail "repack the package as $V2"
for v in 1 2 3; do deb_probe_lib "$W/probe$v.deb" "$v" || bail "build the throwaway package cgijail-hook-probe $v"; done

# ---- install ----

deb_snapshot >"$W/before.txt"
alt_before=$(alt_query)
had_user=0; getent passwd _cgijail >/dev/null && had_user=1
mkdir -m 0700 "$MARK" && echo $$ >"$MARK/pid" && alt_field Status >"$MARK/alt-status" || bail "make $MARK"
_cj_atexit_cmds=("deb_undo" "${_cj_atexit_cmds[@]}")
# An admin's statoverride: dpkg puts it in place of the package's mode.
dpkg-statoverride --add root www-data 4710 "$LAUNCHER" && : >"$MARK/statoverride"
aptget=(apt-get -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confold)
pkg_run "$W/install.log" "${aptget[@]}" install "$DEB_FILE"
rc=$?
WHY=("$(tail -n 20 "$W/install.log")")
expect "apt-get install ./${DEB_FILE##*/} succeeds" '[ "$rc" = 0 ] && [ "$(dpkg-query -W -f="\${Status} \${Version}" cgijail)" = "install ok installed $V1" ]'
WHY=("$(mode_of "$LAUNCHER")")
expect "... the launcher has the admin's dpkg-statoverride mode (4710 root:www-data)" '[ "$(mode_of "$LAUNCHER")" = "4710 root:www-data" ]'
dpkg-statoverride --remove "$LAUNCHER" && rm -f "$MARK/statoverride"
WHY=("$(alt_query)")
expect "... cgijail is the suexec alternative, in automatic mode (priority 50, above pristine)" \
	'[ "$(alt_field Value)" = "$LAUNCHER" ] && [ "$(alt_field Status)" = auto ] && alt_has "$PRISTINE"'
expect "... with suexec(8) as its slave: cgijail(8)" '[ "$(readlink -f /usr/share/man/man8/suexec.8.gz)" = /usr/share/man/man8/cgijail.8.gz ]'
WHY=("$(getent passwd _cgijail)")
expect "... the supervisor's system user _cgijail exists (uid < 1000, nologin, home /nonexistent)" \
	'IFS=: read -r _ _ uid _ _ home shell < <(getent passwd _cgijail) && [ "$uid" -lt 1000 ] && [ "$home" = /nonexistent ] && [ "$shell" = /usr/sbin/nologin ]'
WHY=("$(mode_of /var/cache/cgijail)" "$(mode_of /var/lib/cgijail/templates)")
expect "... the check cache /var/cache/cgijail is root's, 0700; the template store root's, 0755" \
	'[ "$(mode_of /var/cache/cgijail)" = "700 root:root" ] && [ "$(mode_of /var/lib/cgijail/templates)" = "755 root:root" ]'
WHY=("$(grep cgijail /var/lib/dpkg/triggers/File)")
expect "... the dpkg trigger watches /lib, /lib64, /usr/lib, /usr/lib64" \
	'(for d in /lib /lib64 /usr/lib /usr/lib64; do grep -qxF "$d cgijail/noawait" /var/lib/dpkg/triggers/File || exit 1; done)'
expect "... the timer is enabled" '[ -L /etc/systemd/system/timers.target.wants/cgijail-check.timer ]'
if command -v systemd-analyze >/dev/null; then
	out=$(systemd-analyze verify --man=no /lib/systemd/system/cgijail-check.timer /lib/systemd/system/cgijail-check.service 2>&1); rc=$?
	WHY=("$out")
	expect "... the timer and its service pass systemd-analyze verify" '[ "$rc" = 0 ]'
else
	ok "... the timer and its service pass systemd-analyze verify # SKIP no systemd-analyze (systemd) here"
fi
out=$(logrotate -d -s "$W/logrotate.state" /etc/logrotate.d/cgijail 2>&1); rc=$?
WHY=("$out")
expect "... logrotate reads its snippet (/var/log/cgijail.log)" '[ "$rc" = 0 ] && grep -q "/var/log/cgijail.log" <<<"$out"'
out=$(runuser -u www-data -- "$LAUNCHER" -V 2>&1); rc=$?
WHY=("$out")
expect "... the packaged config is valid as it is: cgijail -V as www-data" '[ "$rc" = 0 ] && grep -q "$CONF" <<<"$out"'

# ---- a CGI through Apache, with the package's cgijail as its suexec ----

cj_user "$U"; UID_U=$CJ_LAST_UID
cj_atexit "ap_kill_uid $UID_U; ap_forget_cache $UID_U"
J=$(cj_jail "$U") && cj_site "$U" && jail_copy_prog "$J" /bin/sh && jail_copy_prog "$J" /usr/bin/id &&
	jail_copy_prog "$J" /usr/bin/cat || bail "make the jail"
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\necho "uid $(id -u) jail $(cat /jail-id 2>&1)"\n' >"$W/who.sh"
cj_cgi "$W/who.sh" "$J/var/www/cgi-bin/who.sh" "$U:$U"
# The admin's config: this run's users, jails and supervisor.
{ echo "; edited by the admin (tests/e2e/40-debian-package.sh)"; cj_conf_head; } >"$CONF"
cp -p "$CONF" "$W/conf.admin"
ap_init || bail "prepare Apache"
ap_jail_vhost deb.test "$U" "$J" | ap_conf
ap_start_plain || bail "Apache starts with the host's suexec"
WHY=("$(ap_error_log)")
expect "Apache enables suEXEC with /usr/lib/apache2/suexec" 'grep -q "suEXEC mechanism enabled (wrapper: /usr/lib/apache2/suexec)" "$AP_ROOT/error.log"'
ap_get deb.test /cgi-bin/who.sh
WHY=("HTTP $AP_CODE" "$AP_BODY" "$(ap_error_log | tail -n 5)" "$(tail -n 3 /var/log/cgijail.log 2>&1)")
expect "a CGI runs through the package's cgijail as the customer ($UID_U), in the jail" \
	'[ "$AP_CODE" = 200 ] && [ "$AP_BODY" = "uid $UID_U jail $U" ]'
expect "... logged in the package's log, /var/log/cgijail.log" 'grep -q "uid=$UID_U($U).*decision=exec code=0" /var/log/cgijail.log'

# ---- the e2e suites against the installed package (autopkgtest) ----

nested_min=$((43000 + ($(printf %s /etc/cgijail | cksum | cut -d' ' -f1) % 40) * 1000))
if [ "$nested_min" = "$CJ_UID_MIN" ]; then
	ok "debian/tests/e2e against the installed package # SKIP its uid range is this run's ($CJ_UID_MIN)"
else
	out=$(bash "$CJ_TOP/debian/tests/e2e" 2>&1); rc=$?
	sed -n -E 's/^((not )?ok |#)/    &/p' <<<"$out"
	WHY=("$(grep -E '^(not ok|#)' <<<"$out" | head -n 40)")
	expect "debian/tests/e2e: the e2e suites pass against the installed package ($(grep -c '^ok ' <<<"$out") passed)" '[ "$rc" = 0 ]'
	expect "... and put the admin's config back" 'cmp -s "$CONF" "$W/conf.admin"'
fi

# ---- the dpkg trigger: a host library a jail uses changes ----

pkg_run "$W/probe1.log" dpkg -i "$W/probe1.deb" || bail "dpkg -i cgijail-hook-probe 1" "$(cat "$W/probe1.log")"
cp "$DEB_PROBE_LIB" "$W/lib1"
cc_prog "$W/hookprobe" -L"$DEB_PROBE_DIR" -l:libcjhook.so.1 "-Wl,-rpath,$DEB_PROBE_DIR" <<'EOF' || bail "build hookprobe"
#include <stdio.h>
const char *cjhook_version(void);
int main(void) { printf("Content-Type: text/plain\n\n%s\n", cjhook_version()); return 0; }
EOF
mkdir -p -m 0755 "$J/usr/bin" && install -m 0755 "$W/hookprobe" "$J/usr/bin/hookprobe" &&
	jail_copy_closure "$J" "$W/hookprobe" && cj_cgi "$W/hookprobe" "$J/var/www/cgi-bin/hook.cgi" "$U:$U" ||
	bail "put hookprobe and its library into the jail"
ap_get deb.test /cgi-bin/hook.cgi
WHY=("HTTP $AP_CODE" "$AP_BODY")
expect "a jailed CGI uses the jail's copy of the probe library (lib 1)" '[ "$AP_CODE" = 200 ] && [ "$AP_BODY" = "lib 1" ]'
mkdir -m 0755 "$W/prom"
sed -i "s|^CGIJAIL_PROM=.*|CGIJAIL_PROM=$W/prom/cgijail.prom|" "$DEFAULTS"

# probe_install N: dpkg -i of cgijail-hook-probe N, syslog caught in
# $W/syslogN (rc: dpkg's status); WHY: dpkg's output, syslog, the textfile.
probe_install() {
	pkg_run "$W/probe$1.log" with_syslog "$W/syslog$1" dpkg -i "$W/probe$1.deb"; rc=$?
	WHY=("dpkg -i: exit $rc" "$(cat "$W/probe$1.log")" "syslog:" "$(cat "$W/syslog$1")"
		"textfile:" "$(cat "$W/prom/cgijail.prom" 2>&1)")
}

# report (the default): checked, reported, the jail left as it is
probe_install 2
if [ "$rc" = 3 ]; then
	ok "dpkg -i of a changed library: reported # SKIP no mount namespace with an overlay /dev here"
else
	expect "dpkg -i of a package that changes the jail's library runs cgijail's trigger" \
		'[ "$rc" = 0 ] && grep -q "Processing triggers for cgijail" "$W/probe2.log"'
	expect "... report: syslog says the check found the jail behind the host" \
		'grep -qF "cgijail: after-dpkg: check (cgijailctl check --all --host): exit 1" "$W/syslog2" && grep -F "$J" "$W/syslog2" | grep -q "libcjhook.so.1"'
	expect "... and so does node_exporter's textfile (cgijail_jail_ok 0 for the jail)" \
		'grep -qE "^cgijail_jail_ok\{.*jail=\"$J\".*\} 0$" "$W/prom/cgijail.prom"'
	ap_get deb.test /cgi-bin/hook.cgi
	WHY=("HTTP $AP_CODE" "$AP_BODY")
	expect "... the jail is left as it was (its copy is lib 1, the CGI says so)" \
		'cmp -s "$J$DEB_PROBE_LIB" "$W/lib1" && [ "$AP_BODY" = "lib 1" ]'

	# refresh: the jail brought in line with the host, then checked
	sed -i 's/^CGIJAIL_AFTER_DPKG=.*/CGIJAIL_AFTER_DPKG=refresh/' "$DEFAULTS"
	probe_install 3
	expect "refresh: dpkg -i of the next library refreshes the templates and the copied jails (syslog)" \
		'[ "$rc" = 0 ] && grep -qF "cgijail: after-dpkg: refresh (cgijailctl upgrade --all --apply): exit 0" "$W/syslog3" &&
		{ ! "$CTL" template --help >/dev/null 2>&1 || grep -qF "cgijail: after-dpkg: refresh (cgijailctl template refresh --all): exit 0" "$W/syslog3"; }'
	expect "... then the check finds nothing (syslog)" \
		'grep -qF "cgijail: after-dpkg: check (cgijailctl check --all --host): exit 0" "$W/syslog3"'
	expect "... textfile: cgijail_jail_ok 1" 'grep -qE "^cgijail_jail_ok\{.*jail=\"$J\".*\} 1$" "$W/prom/cgijail.prom"'
	ap_get deb.test /cgi-bin/hook.cgi
	WHY=("HTTP $AP_CODE" "$AP_BODY")
	expect "... the jail's copy is the host's new library, and the CGI uses it (lib 3)" \
		'cmp -s "$J$DEB_PROBE_LIB" "$DEB_PROBE_LIB" && [ "$AP_BODY" = "lib 3" ]'
fi

# ---- upgrade to a newer build ----

echo "; the admin's note" >>/etc/cgijail/profiles/sh.ini
cp -p /etc/cgijail/profiles/sh.ini "$DEFAULTS" "$W/"
update-alternatives --set suexec "$PRISTINE" >/dev/null
sum_before=$(jail_sum)
pkg_run "$W/upgrade.log" "${aptget[@]}" install "$DEB2"; rc=$?
WHY=("$(tail -n 20 "$W/upgrade.log")")
expect "apt-get install of $V2 upgrades the package" '[ "$rc" = 0 ] && [ "$(dpkg-query -W -f="\${Version}" cgijail)" = "$V2" ]'
expect "... cgijail.conf keeps the admin's edit (--force-confold); the new one is cgijail.conf.dpkg-dist" \
	'cmp -s "$CONF" "$W/conf.admin" && [ "$(tail -n 1 "$CONF.dpkg-dist")" = "; (the next release'\''s example line)" ]'
expect "... an edited profile and /etc/default/cgijail that the release did not change are kept as they are" \
	'cmp -s /etc/cgijail/profiles/sh.ini "$W/sh.ini" && cmp -s "$DEFAULTS" "$W/cgijail" && [ ! -e /etc/cgijail/profiles/sh.ini.dpkg-dist ]'
WHY=("$(mode_of "$LAUNCHER")")
expect "... the launcher is 4750 root:www-data again (no statoverride now)" '[ "$(mode_of "$LAUNCHER")" = "4750 root:www-data" ]'
WHY=("$(alt_query)")
expect "... the admin's manual choice of suexec-pristine stays" '[ "$(alt_field Value)" = "$PRISTINE" ] && [ "$(alt_field Status)" = manual ]'
expect "... the jails are untouched" '[ "$(jail_sum)" = "$sum_before" ]'
update-alternatives --auto suexec >/dev/null
ap_get deb.test /cgi-bin/who.sh
WHY=("HTTP $AP_CODE" "$AP_BODY" "$(alt_query)")
expect "back in automatic mode, the upgraded cgijail serves the CGI" \
	'[ "$(alt_field Value)" = "$LAUNCHER" ] && [ "$AP_CODE" = 200 ] && [ "$AP_BODY" = "uid $UID_U jail $U" ]'

# ---- remove, purge ----

# Templates an admin built: purge leaves them, thin jails are made of them.
FAKE_TEMPLATE=/var/lib/cgijail/templates/cjtest-template
mkdir -m 0755 "$FAKE_TEMPLATE"

ap_stop
pkg_run "$W/remove.log" "${aptget[@]}" remove cgijail; rc=$?
WHY=("$(tail -n 20 "$W/remove.log")" "$(alt_query)")
expect "apt-get remove cgijail: its config stays (config-files)" \
	'[ "$rc" = 0 ] && [ "$(dpkg-query -W -f="\${Status}" cgijail)" = "deinstall ok config-files" ] && [ ! -e "$LAUNCHER" ] && cmp -s "$CONF" "$W/conf.admin"'
expect "... the suexec alternative is back to suexec-pristine, automatic" \
	'[ "$(alt_field Value)" = "$PRISTINE" ] && [ "$(alt_field Status)" = auto ] && ! alt_has "$LAUNCHER"'
expect "... the jails are untouched" '[ "$(jail_sum)" = "$sum_before" ]'
pkg_run "$W/purge.log" "${aptget[@]}" purge cgijail; rc=$?
WHY=("$(tail -n 20 "$W/purge.log")")
expect "apt-get purge cgijail" '[ "$rc" = 0 ] && ! pkg_present cgijail'
left=()
for p in /etc/cgijail "$DEFAULTS" /etc/logrotate.d/cgijail /var/cache/cgijail /var/log/cgijail.log \
	/var/lib/cgijail/created-user /var/lib/cgijail/textfiles \
	"$W/prom/cgijail.prom" /etc/systemd/system/timers.target.wants/cgijail-check.timer /usr/lib/cgijail; do
	[ ! -e "$p" ] && [ ! -L "$p" ] || left+=("$p")
done
WHY=("left: ${left[*]}")
expect "... removes the config, the cache, the log, the textfile the trigger wrote, the timer's link" '[ ${#left[@]} = 0 ]'
expect "... and leaves the template store, which holds a template" '[ -d "$FAKE_TEMPLATE" ]'
rmdir "$FAKE_TEMPLATE" /var/lib/cgijail/templates /var/lib/cgijail
if [ "$had_user" = 1 ]; then
	expect "... keeps the user _cgijail, which it did not create" 'getent passwd _cgijail >/dev/null'
else
	expect "... removes the user and group _cgijail it created" '! getent passwd _cgijail >/dev/null && ! getent group _cgijail >/dev/null'
fi
WHY=("before:" "$alt_before" "after:" "$(alt_query)")
expect "... the suexec alternative is as before the install" '[ "$(alt_query)" = "$alt_before" ]'
expect "... the jails are untouched" '[ "$(jail_sum)" = "$sum_before" ]'
pkg_run "$W/probe-purge.log" dpkg --purge cgijail-hook-probe
deb_undo
deb_snapshot >"$W/after.txt"
# What the package (or the probe) could have made: its names and the suexec
# alternative's links. Other sessions' test runs come and go meanwhile
# (their /etc/cgijail-NAME, /var/cache/cgijail-NAME, /var/log/cgijail-NAME.log).
leftover=$(diff "$W/before.txt" "$W/after.txt" | grep -E '^[<>] ' |
	grep -E 'cgijail|cjhook|/etc/alternatives/suexec|/usr/lib/apache2/suexec$|/man8/suexec\.8\.gz$' |
	grep -vE '^[<>] (/etc/cgijail-[^/]+|/var/cache/cgijail-[^/]+|/var/log/cgijail-[^/]+\.log|/var/lib/cgijail-test-saved)' || true)
WHY=("$leftover")
expect "the machine holds no file the package (or the probe) made, and lacks none it had" '[ -z "$leftover" ]'
expect "no statoverride is left for $LAUNCHER" '! dpkg-statoverride --list "$LAUNCHER" >/dev/null'
tap_end
