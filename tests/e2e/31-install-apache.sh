#!/usr/bin/env bash
# End to end: the install path. "meson install" (into a DESTDIR) lays out
# cgijail, cgijailctl, the man pages and the example config, never replacing
# an existing config; scripts/install-apache then makes that cgijail Debian's
# suexec through update-alternatives, a real Apache runs a jailed CGI
# through it, and --remove goes back to suexec-pristine.
# install-apache runs for real, but in the Apache's own mount namespace,
# over copies of the alternatives' state (/etc/alternatives, dpkg's admin
# dir, the suexec link's directory, the man8 slave links, the log): the
# host's alternatives are never changed. TAP on stdout; always exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/e2e/apache-lib.sh"

U=cjwinst
bail() { not_ok "$1"; diag "${@:2}"; tap_end; exit 0; }
expect() {
	local name=$1; shift
	if eval "$*"; then ok "$name"; else not_ok "$name"; diag "failed: $*" "${WHY[@]}"; fi
}
WHY=()

# Against an installed package (debian/tests/e2e) there is no build to install.
if [ ! -f "$CJ_BUILD/build.ninja" ]; then
	ok "meson install and scripts/install-apache # SKIP no meson build in $CJ_BUILD (an installed cgijail is tested)"
	tap_end; exit 0
fi
cj_install || bail "make a suid-capable prefix"
D=$CJ_PREFIX/dest
# ---- meson install ----

meson install -C "$CJ_BUILD" --no-rebuild --destdir "$D" >"$CJ_WORK/install.log" 2>&1
rc=$?
WHY=("$(tail -n 20 "$CJ_WORK/install.log")")
expect "meson install (DESTDIR) succeeds" '[ "$rc" = 0 ]'
bin=$(find "$D" -path '*/lib/cgijail/cgijail' -type f | head -n 1)
prefix=${bin%/lib/cgijail/cgijail}
WHY=("$(cd "$D" && find . ! -type d | sort)")
expect "cgijail is in PREFIX/lib/cgijail/ (${prefix#"$D"})" '[ -n "$bin" ]'
expect "... mode 4750, root:www-data" '[ "$(stat -c "%a %U:%G" "$bin")" = "4750 root:www-data" ]'
expect "cgijailctl is in PREFIX/sbin" '[ -x "$prefix/sbin/cgijailctl" ]'
expect "man pages: cgijail(8), cgijail.conf(5), cgijailctl(8)" \
	'[ -f "$prefix/share/man/man8/cgijail.8" ] && [ -f "$prefix/share/man/man5/cgijail.conf.5" ] && [ -f "$prefix/share/man/man8/cgijailctl.8" ]'
ex=$prefix/share/doc/cgijail/examples
expect "the example config and the Apache snippets are in PREFIX/share/doc/cgijail/examples" \
	'cmp -s "$ex/cgijail.conf" "$CJ_TOP/etc/cgijail.conf" && [ -f "$ex/apache2/cgijail-vhost.conf" ] && [ -f "$ex/apache2/cgijail-userdir.conf" ] && [ -f "$ex/apache2/cgijail-fcgid.conf" ]'
expect "with no config yet, the example is installed at the compiled-in path, root 0644" \
	'cmp -s "$D$CJ_CONF" "$CJ_TOP/etc/cgijail.conf" && [ "$(stat -c "%a %U" "$D$CJ_CONF")" = "644 root" ]'
# What "ninja uninstall" removes: the files the install log lists.
ILOG=$CJ_BUILD/meson-logs/install-log.txt
logged_files() { grep -v '^#' "$ILOG" | while IFS= read -r f; do [ -d "$f" ] || echo "$f"; done | sort; }
WHY=("$(diff <(find "$D" ! -type d | sort) <(logged_files))")
expect "meson's install log lists every file the install wrote, the config install-config wrote too" \
	'[ "$(find "$D" ! -type d | sort)" = "$(logged_files)" ] && grep -qxF "$D$CJ_CONF" "$ILOG"'
lr=$prefix/etc/logrotate.d/cgijail
WHY=("$(cat "$lr" 2>&1)")
expect "the logrotate snippet is in SYSCONFDIR/logrotate.d/cgijail (root 0644), for the compiled-in log, without a postrotate" \
	'[ "$(stat -c "%a %U" "$lr")" = "644 root" ] && grep -qx "${CJ_LOG//./\\.} {" "$lr" && grep -qx "	create 0640 root root" "$lr" && ! grep -q postrotate "$lr"'
if command -v logrotate >/dev/null; then
	out=$(logrotate -d -s "$CJ_WORK/logrotate.state" "$lr" 2>&1); rc=$?
	WHY=("$out")
	expect "logrotate -d reads the snippet without an error" '[ "$rc" = 0 ] && grep -qF "rotating pattern: $CJ_LOG " <<<"$out" && ! grep -qi error <<<"$out"'
else
	ok "logrotate -d reads the snippet # SKIP no logrotate (scripts/deps test installs it)"
fi
echo "; edited by the admin" >>"$D$CJ_CONF"
meson install -C "$CJ_BUILD" --no-rebuild --destdir "$D" >"$CJ_WORK/install2.log" 2>&1
WHY=("$(tail -n 5 "$CJ_WORK/install2.log")")
expect "a second meson install leaves an existing config as it is, and does not list it (it is the admin's)" \
	'[ "$(tail -n 1 "$D$CJ_CONF")" = "; edited by the admin" ] && ! grep -qxF "$D$CJ_CONF" "$ILOG"'

# ---- scripts/install-apache, in the server's namespace ----

cj_user "$U"; UID_U=$CJ_LAST_UID
cj_atexit "ap_kill_uid $UID_U; ap_forget_cache $UID_U"
J=$(cj_jail "$U") && cj_site "$U" && jail_copy_prog "$J" /bin/sh && jail_copy_prog "$J" /usr/bin/id ||
	bail "make the jail"
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\necho "uid $(id -u) jail $(cat /jail-id 2>&1)"\n' >"$CJ_WORK/who.sh"
jail_copy_prog "$J" /usr/bin/cat
cj_cgi "$CJ_WORK/who.sh" "$J/var/www/cgi-bin/who.sh" "$U:$U"
{ cj_conf_head; cat <<EOF; } | cj_conf
EOF

# ---- the log, rotated by logrotate with the installed snippet ----

if command -v logrotate >/dev/null; then
	R=$CJ_PREFIX/rot
	mkdir -m 0700 "$R" && sed "s|^${CJ_LOG//./\\.} {|$R/cgijail.log {|" "$lr" >"$R/logrotate.conf"
	{ cj_conf_head; echo "log = $R/cgijail.log"; } | cj_conf
	rot_request() { cj_reset_run; cj_run "$J/var/www/cgi-bin" "$U" "$U" who.sh; }
	logged() { grep -qF "cgijail[$2]: " "$1" 2>/dev/null; }
	rot_request; P1=$CJ_PID
	logrotate -f -s "$R/state" "$R/logrotate.conf" >"$CJ_WORK/rot.out" 2>&1; rc=$?
	WHY=("$(cat "$CJ_WORK/rot.out")" "$(ls -l "$R")")
	expect "a forced rotation: the request's line is in cgijail.log.1, a new empty cgijail.log is root's, 0640" \
		'[ "$rc" = 0 ] && logged "$R/cgijail.log.1" "$P1" && [ ! -s "$R/cgijail.log" ] && [ "$(stat -c "%a %U:%G" "$R/cgijail.log")" = "640 root:root" ]'
	rot_request; P2=$CJ_PID
	expect "the next request writes to the new file, with no signal (cgijail opens the log per request)" \
		'logged "$R/cgijail.log" "$P2" && ! logged "$R/cgijail.log.1" "$P2"'
	logrotate -f -s "$R/state" "$R/logrotate.conf" >"$CJ_WORK/rot.out" 2>&1
	WHY=("$(cat "$CJ_WORK/rot.out")" "$(ls -l "$R")")
	expect "a second rotation compresses the older file (delaycompress): cgijail.log.2.gz, cgijail.log.1" \
		'zcat "$R/cgijail.log.2.gz" | grep -qF "cgijail[$P1]: " && logged "$R/cgijail.log.1" "$P2"'
	{ cj_conf_head; } | cj_conf
else
	for _ in 1 2 3; do ok "log rotation # SKIP no logrotate (scripts/deps test installs it)"; done
fi

host_before=$(update-alternatives --query suexec 2>&1; readlink /etc/alternatives/suexec)
ap_init || bail "prepare Apache"
T=$AP_ROOT/ns
mkdir -m 0755 "$T"
ap_jail_vhost inst.test "$U" "$J" | ap_conf
export IA_T=$T IA_CGIJAIL=$bin CJ_TOP
# Private copies of everything update-alternatives reads or writes, then
# install-apache itself; the server starts whatever it did.
AP_PRELUDE='
T=$IA_T
cp -a /etc/alternatives "$T/alternatives" && mount --bind "$T/alternatives" /etc/alternatives || exit 2
cp -a /var/lib/dpkg/alternatives "$T/admindir" && mount --bind "$T/admindir" /var/lib/dpkg/alternatives || exit 2
: >"$T/alternatives.log"
[ ! -f /var/log/alternatives.log ] || mount --bind "$T/alternatives.log" /var/log/alternatives.log || exit 2
mkdir -m 0755 "$T/man8" && cp -a /usr/share/man/man8/suexec.8.gz "$T/man8/" 2>/dev/null
mount --bind "$T/man8" /usr/share/man/man8 || exit 2
mkdir -m 0755 "$T/lib" "$T/lib/modules" && cp -a /usr/lib/apache2/suexec "$T/lib/" || exit 2
: >"$T/lib/suexec-pristine"
mount --bind /usr/lib/apache2/suexec-pristine "$T/lib/suexec-pristine" || exit 2
mount --bind /usr/lib/apache2/modules "$T/lib/modules" && mount --rbind "$T/lib" /usr/lib/apache2 || exit 2
"$CJ_TOP/scripts/install-apache" --cgijail "$IA_CGIJAIL" >"$T/install.out" 2>&1
echo $? >"$T/install.rc"
update-alternatives --query suexec >"$T/query.out" 2>&1
'
if ap_start_plain; then ok "Apache starts after scripts/install-apache (in its own namespace)"
else bail "Apache starts after scripts/install-apache (in its own namespace)" "$(cat "$T/install.out" 2>/dev/null)"; fi
WHY=("$(cat "$T/install.out")")
expect "install-apache succeeds" '[ "$(cat "$T/install.rc")" = 0 ]'
WHY=("$(cat "$T/query.out")")
expect "... the suexec alternative is the installed cgijail, chosen by hand" \
	'grep -qxF "Value: $bin" "$T/query.out" && grep -qx "Status: manual" "$T/query.out"'
expect "... and suexec-pristine stays registered" 'grep -qxF "Alternative: /usr/lib/apache2/suexec-pristine" "$T/query.out"'
WHY=("$(ap_error_log)")
expect "Apache enables suEXEC with it" 'grep -q "suEXEC mechanism enabled" "$AP_ROOT/error.log"'
ap_get inst.test /cgi-bin/who.sh
WHY=("HTTP $AP_CODE" "$AP_BODY" "$(ap_error_log | tail -n 5)")
expect "a CGI runs through it as the customer ($UID_U), in the jail" '[ "$AP_CODE" = 200 ] && [ "$AP_BODY" = "uid $UID_U jail $U" ]'

out=$(nsenter -t "$AP_PID" -m -- "$CJ_TOP/scripts/install-apache" --remove --cgijail "$bin" 2>&1); rc=$?
q=$(nsenter -t "$AP_PID" -m -- update-alternatives --query suexec 2>&1)
WHY=("$out" "$q")
expect "install-apache --remove goes back to suexec-pristine (automatic mode)" \
	'[ "$rc" = 0 ] && grep -qx "Value: /usr/lib/apache2/suexec-pristine" <<<"$q" && grep -qx "Status: auto" <<<"$q" && ! grep -qF "$bin" <<<"$q"'
pid=$AP_PID
ap_stop
host_after=$(update-alternatives --query suexec 2>&1; readlink /etc/alternatives/suexec)
WHY=("before:" "$host_before" "after:" "$host_after")
expect "the host's suexec alternative is untouched" '[ "$host_before" = "$host_after" ]'
expect "Apache stops by its pid ($pid)" '! kill -0 "$pid" 2>/dev/null'
tap_end
