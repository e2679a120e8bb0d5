#!/usr/bin/env bash
# Root integration tests of the web directories cgijailctl init makes from
# cgijail.conf: the docroot's cgi-bin and public_html/cgi-bin (the userdir)
# in the customer's home, the customer's (0755), each only when it lies in
# the jail; a CGI in each runs through the setuid cgijail; [user:NAME]
# docroot and userdir; a symlink on the way is refused; a broken config is
# refused. TAP on stdout; always exits 0.
# shellcheck disable=SC2034 # variables read by the eval'd conditions of expect
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/ctl.sh"

write_conf() {
	{ cj_conf_head; cat <<EOF; } | cj_conf

[user:cjwb]
docroot = $CJ_SRV/jails/%u/srv/site
userdir = www

[user:cjwc]
docroot = /var/www/cjwc
EOF
}

setup() {
	cj_install || return 2
	cj_user cjwa && cj_user cjwb && cj_user cjwc "$CJ_SRV/homes/cjwc" || return 2
	write_conf
	JA=$CJ_SRV/jails/cjwa JB=$CJ_SRV/jails/cjwb JC=$CJ_SRV/jails/cjwc
	printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\necho "MARK CJT-CGI-RAN $(pwd)"\n' >"$CJ_WORK/pwd.sh"
}

if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

# dir_is PATH OWNER MODE: PATH is a directory (no symlink) with that owner and mode.
dir_is() { [ -d "$1" ] && [ ! -L "$1" ] && [ "$(stat -c "%U %a" "$1")" = "$2 $3" ] || { diag "$1: $(stat -c "%F %U %a" "$1" 2>&1)"; false; }; }

# ---- the defaults: docroot .../var/www, userdir public_html ----

ctl init --root "$JA" --user cjwa --profile sh --profiles "$PROFILES"
expect "init: exit 0, the docroot's cgi-bin and public_html/cgi-bin in the home are the customer's, 0755" \
	'[ "$CTL_RC" = 0 ] && dir_is "$JA/var/www/cgi-bin" cjwa 755 && dir_is "$JA/home/cjwa/public_html" cjwa 755 &&
	 dir_is "$JA/home/cjwa/public_html/cgi-bin" cjwa 755'
expect "init: says what it made" \
	'grep -qx "created /home/cjwa/public_html" <<<"$CTL_OUT" && grep -qx "created /home/cjwa/public_html/cgi-bin" <<<"$CTL_OUT"'
cj_cgi "$CJ_WORK/pwd.sh" "$JA/home/cjwa/public_html/cgi-bin/pwd.sh" cjwa:cjwa
cj_reset_run
cj_run "$JA/home/cjwa/public_html/cgi-bin" '~cjwa' cjwa pwd.sh
cj_assert_exec "a CGI in the public_html/cgi-bin init made runs as a UserDir request (~cjwa)"
cj_expect "... from /home/cjwa/public_html/cgi-bin inside the jail" \
	'grep -qx "MARK CJT-CGI-RAN /home/cjwa/public_html/cgi-bin" <<<"$CJ_OUT"'
cj_cgi "$CJ_WORK/pwd.sh" "$JA/var/www/cgi-bin/pwd.sh" cjwa:cjwa
cj_run "$JA/var/www/cgi-bin" cjwa cjwa pwd.sh
cj_assert_exec "a CGI in the docroot's cgi-bin runs (a virtual host's request)"

chmod 0775 "$JA/home/cjwa/public_html/cgi-bin"; chown root:root "$JA/home/cjwa/public_html"
ctl init --root "$JA" --user cjwa --profile sh --profiles "$PROFILES"
expect "init run again fixes a web directory's owner and mode (2 fixed)" \
	'[ "$CTL_RC" = 0 ] && grep -q "^init: 2 changed" <<<"$CTL_OUT" && grep -qx "fixed /home/cjwa/public_html/cgi-bin" <<<"$CTL_OUT" &&
	 dir_is "$JA/home/cjwa/public_html" cjwa 755 && dir_is "$JA/home/cjwa/public_html/cgi-bin" cjwa 755'
ctl init --root "$JA" --user cjwa --profile sh --profiles "$PROFILES"
expect "init run a third time: 0 changed" '[ "$CTL_RC" = 0 ] && grep -q "^init: 0 changed" <<<"$CTL_OUT"'

# The customer's public_html swapped for a symlink to the jail's /etc.
rm -rf "$JA/home/cjwa/public_html" && ln -s /etc "$JA/home/cjwa/public_html" && chown -h cjwa:cjwa "$JA/home/cjwa/public_html"
ctl init --root "$JA" --user cjwa --profile sh --profiles "$PROFILES"
expect "init refuses a public_html that is a symlink (exit 2, naming it), /etc stays root's and gets no cgi-bin" \
	'[ "$CTL_RC" = 2 ] && grep -q "/home/cjwa/public_html: a symlink is on its way" <<<"$CTL_ERR" &&
	 dir_is "$JA/etc" root 755 && [ ! -e "$JA/etc/cgi-bin" ]'
rm -f "$JA/home/cjwa/public_html"

# ---- [user:NAME] docroot and userdir ----

ctl init --root "$JB" --user cjwb --profiles "$PROFILES"
expect "[user:cjwb] docroot .../srv/site: init makes /srv/site (root's, 0755) and /srv/site/cgi-bin (the customer's)" \
	'[ "$CTL_RC" = 0 ] && dir_is "$JB/srv/site" root 755 && dir_is "$JB/srv/site/cgi-bin" cjwb 755'
expect "[user:cjwb] userdir www: init makes www/cgi-bin in the home, not public_html" \
	'dir_is "$JB/home/cjwb/www/cgi-bin" cjwb 755 && [ ! -e "$JB/home/cjwb/public_html" ]'
jail_copy_prog "$JB" /bin/sh
cj_cgi "$CJ_WORK/pwd.sh" "$JB/srv/site/cgi-bin/pwd.sh" cjwb:cjwb
cj_run "$JB/srv/site/cgi-bin" cjwb cjwb pwd.sh
cj_assert_exec "a CGI in the configured docroot's cgi-bin runs through cgijail"

# ---- outside the jail: nothing made there ----

ctl init --root "$JC" --user cjwc --profiles "$PROFILES"
expect "a docroot and a home outside the jail: init exits 0, notes both, makes nothing outside the jail" \
	'[ "$CTL_RC" = 0 ] && grep -q "note: the docroot /var/www/cjwc of cjwc is not inside $JC" <<<"$CTL_ERR" &&
	 grep -q "note: the home $CJ_SRV/homes/cjwc of cjwc is not inside $JC" <<<"$CTL_ERR" &&
	 [ ! -e /var/www/cjwc ] && [ ! -e "$CJ_SRV/homes" ]'

# ---- a config that cannot be read ----

echo "this is not ini" >>"$CJ_CONF"
ctl init --root "$JA" --user cjwa --profiles "$PROFILES"
expect "a broken config: init exits 2, naming the config, the web directories not made" \
	'[ "$CTL_RC" = 2 ] && grep -qF "$CJ_CONF: " <<<"$CTL_ERR" && grep -q "the web directories were not made" <<<"$CTL_ERR"'
write_conf

tap_end
exit 0
