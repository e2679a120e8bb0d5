#!/usr/bin/env bash
# Root integration tests of the basic, perl and php-cgi profiles: a jail
# built by cgijailctl init --profile for each, a CGI that needs more than the
# interpreter (basic: a #!/bin/sh CGI using id, ls, tr, grep, sed, date,
# gzip, tar, bash...; Perl: POSIX and List::Util, both XS; PHP: its ini
# files and an extension, json) run through the installed setuid cgijail exactly as
# Apache runs it, audit and check passing on the jail. TAP on stdout;
# always exits 0.
# shellcheck disable=SC2034 # variables read by the eval'd conditions of expect
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/ctl.sh"

setup() {
	cj_install || return 2
	cj_user cjmpl && cj_user cjmphp && cj_user cjmbas || return 2
	{ cj_conf_head; echo; } | cj_conf
	JL=$CJ_SRV/jails/cjmpl JH=$CJ_SRV/jails/cjmphp JB=$CJ_SRV/jails/cjmbas
	cat >"$CJ_WORK/basic.sh" <<'EOF'
#!/bin/sh
echo "Content-Type: text/plain"
echo
tools=$(ls /usr/bin | grep -c -x -e sed -e tr -e id -e date)
up=$(echo marked | tr a-z A-Z)
t=$(mktemp) && echo "x-y" >"$t" && s=$(sed 's/-/+/' "$t") && rm -f "$t"
z=$(echo gz | gzip | zcat)
tarred=$(tar cf - /etc/hosts 2>/dev/null | tar tf -)
b=$(bash -c 'echo $((6 * 7))')
echo "MARK CJT-CGI-RAN basic $tools $up $(id -un) $(date -u -d @0 +%Y) $s $z $tarred $b"
EOF
	cat >"$CJ_WORK/hello.pl" <<'EOF'
#!/usr/bin/perl
use strict;
use warnings;
use POSIX qw(floor);
use List::Util qw(sum);
print "Content-Type: text/plain\n\n";
print "MARK CJT-CGI-RAN perl ", floor(sum(40, 2.5)), "\n";
EOF
	# php-cgi reads the script named by SCRIPT_FILENAME (cgijail rewrites it
	# into the jail) and skips its #! line.
	cat >"$CJ_WORK/hello.php" <<'EOF'
#!/usr/bin/php-cgi
<?php
header("Content-Type: text/plain");
echo "MARK CJT-CGI-RAN php ", json_encode(["sum" => array_sum([40, 2])]), " ", ini_get("cgi.force_redirect"), "\n";
EOF
}

if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

# all_in JAIL DIR PROG...: each PROG is an executable in JAIL/DIR.
all_in() {
	local j=$1 d=$2 p; shift 2
	for p; do [ -x "$j$d/$p" ] || { diag "no $d/$p"; return 1; }; done
}

# ---- basic ----

ctl init --root "$JB" --user cjmbas --profile basic --profiles "$PROFILES"
expect "init --profile basic: exit 0, sh's programs and jailkit's basicshell ones (bash, grep, sed, tar...), id and tr copied" \
	'[ "$CTL_RC" = 0 ] && grep -q "(profiles: base sh basic)" <<<"$CTL_OUT" && all_in "$JB" /usr/bin sh env cat bash ls grep sed date tar gzip zcat id tr'
cj_cgi "$CJ_WORK/basic.sh" "$JB/var/www/cgi-bin/basic.sh" cjmbas:cjmbas
cj_run "$JB/var/www/cgi-bin" cjmbas cjmbas basic.sh
cj_assert_exec "basic jail: the #!/bin/sh CGI runs through cgijail"
cj_expect "basic jail: the CGI used ls, grep, tr, mktemp, sed, rm, gzip, zcat, tar, bash, id and date inside its jail" \
	'grep -qx "MARK CJT-CGI-RAN basic 4 MARKED cjmbas 1970 x+y gz etc/hosts 42" <<<"$CJ_OUT"'
ctl audit --root "$JB"
expect "audit passes on the basic jail" '[ "$CTL_RC" = 0 ] && grep -q ", 0 findings$" <<<"$CTL_OUT"'

# ---- perl ----

ctl init --root "$JL" --user cjmpl --profile perl --profiles "$PROFILES"
expect "init --profile perl: exit 0, perl, its core library and POSIX's shared object copied" \
	'[ "$CTL_RC" = 0 ] && [ -x "$JL/usr/bin/perl" ] && [ -n "$(find "$JL/usr/lib" -path "*auto/POSIX/POSIX.so" -print -quit)" ] &&
	 [ -n "$(find "$JL/usr/share/perl" "$JL/usr/lib" -name strict.pm -print -quit)" ]'
cj_cgi "$CJ_WORK/hello.pl" "$JL/var/www/cgi-bin/hello.pl" cjmpl:cjmpl
cj_run "$JL/var/www/cgi-bin" cjmpl cjmpl hello.pl
cj_assert_exec "perl jail: the #!/usr/bin/perl CGI runs through cgijail"
cj_expect "perl jail: the CGI used POSIX and List::Util (XS) inside its jail" 'grep -qx "MARK CJT-CGI-RAN perl 42" <<<"$CJ_OUT"'
ctl audit --root "$JL"
expect "audit passes on the perl jail" '[ "$CTL_RC" = 0 ] && grep -q ", 0 findings$" <<<"$CTL_OUT"'
ctl check --root "$JL" --deep /usr/bin/perl
expect "check --deep: /usr/bin/perl and its XS modules load in the perl jail" '[ "$CTL_RC" = 0 ]'

# ---- php-cgi ----

if [ -x /usr/bin/php-cgi ]; then
	ctl init --root "$JH" --user cjmphp --profile php-cgi --profiles "$PROFILES"
	expect "init --profile php-cgi: exit 0, php-cgi, its ini files and extensions copied" \
		'[ "$CTL_RC" = 0 ] && [ -e "$JH/usr/bin/php-cgi" ] && [ -d "$JH/etc/php" ] &&
		 [ -n "$(find "$JH/usr/lib/php" -name "*.so" -print -quit)" ]'
	cj_cgi "$CJ_WORK/hello.php" "$JH/var/www/cgi-bin/hello.php" cjmphp:cjmphp
	CJ_ENV=("SCRIPT_FILENAME=$JH/var/www/cgi-bin/hello.php" REDIRECT_STATUS=200)
	cj_run "$JH/var/www/cgi-bin" cjmphp cjmphp hello.php
	CJ_ENV=()
	cj_assert_exec "php-cgi jail: the #!/usr/bin/php-cgi CGI runs through cgijail"
	cj_expect "php-cgi jail: PHP read its ini files and ran json_encode inside the jail" \
		'grep -qx "MARK CJT-CGI-RAN php {\"sum\":42} 1" <<<"$CJ_OUT"'
	ctl audit --root "$JH"
	expect "audit passes on the php-cgi jail" '[ "$CTL_RC" = 0 ] && grep -q ", 0 findings$" <<<"$CTL_OUT"'
	# --deep reads each directory below /usr/lib/php: never "." or ".."
	# (which once made it check every module of /usr/lib, Apache's too).
	ctl check --root "$JH" --deep --json /usr/bin/php-cgi
	expect "check --deep: /usr/bin/php-cgi and its extensions load in the php-cgi jail, nothing outside /usr/lib/php checked as a module" \
		'[ "$CTL_RC" = 0 ] && ! grep -q "apache2" <<<"$CTL_OUT" && grep -q "/usr/lib/php/[0-9]*/ctype.so" <<<"$CTL_OUT"'
else
	ok "php-cgi profile # SKIP php-cgi is not installed (scripts/deps test installs it)"
fi

tap_end
exit 0
