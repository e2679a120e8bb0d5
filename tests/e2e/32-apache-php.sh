#!/usr/bin/env bash
# End to end: PHP through a real Apache and a real php-cgi, jailed by the
# built setuid cgijail, in the setups etc/apache2/ documents: php-cgi as a
# plain CGI (Action to a wrapper in cgi-bin, cgijail-php-cgi.conf) and
# under mod_fcgid (FcgidWrapper, cgijail-fcgid.conf), each for a
# virtual host with SuexecUserGroup and for a UserDir. The jails are made
# by cgijailctl init --profile php-cgi, whose host-path alias lets the
# FastCGI responder open the paths mod_fcgid hands it. Pages print their own
# path, keep a session, and include by DOCUMENT_ROOT under open_basedir.
# TAP on stdout; always exits 0.
# shellcheck disable=SC2016,SC2034 # the expect conditions are eval'd (they read these variables)
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/ctl.sh"
. "$CJ_TOP/tests/e2e/apache-lib.sh"

A=cjphalice B=cjphbob

bail() { not_ok "$1"; diag "${@:2}"; tap_end; exit 0; }

if [ ! -x /usr/bin/php-cgi ]; then
	ok "PHP through Apache # SKIP php-cgi is not installed (scripts/deps test installs it)"
	tap_end; exit 0
fi

# ---- the sites ----

# put DEST OWNER [MODE]: a file from stdin.
put() { cat >"$1" && chown "$2:$2" "$1" && chmod "${3:-0644}" "$1"; }

# php_pages DIR OWNER: the test pages in DIR.
php_pages() {
	put "$1/path.php" "$2" <<'EOF'
<?php
header("Content-Type: text/plain");
echo "file ", __FILE__, "\n";
foreach (["SCRIPT_FILENAME", "DOCUMENT_ROOT", "CONTEXT_DOCUMENT_ROOT"] as $v)
	echo strtolower($v), " ", $_SERVER[$v] ?? "", "\n";
echo "uid ", posix_getuid(), "\n";
echo "ini doc_root ", ini_get("doc_root"), "\n";
EOF
	put "$1/session.php" "$2" <<'EOF'
<?php
session_start();
$_SESSION["n"] = ($_SESSION["n"] ?? 0) + 1;
header("Content-Type: text/plain");
echo "n ", $_SESSION["n"], " id ", session_id(), " path ", session_save_path(), "\n";
EOF
	# Included by the name Apache gave the docroot; then a file outside
	# the open_basedir of .user.ini.
	put "$1/include.php" "$2" <<'EOF'
<?php
header("Content-Type: text/plain");
include $_SERVER["DOCUMENT_ROOT"] . "/lib.inc";
echo "open_basedir ", ini_get("open_basedir"), "\n";
echo "passwd ", @file_get_contents("/etc/passwd") === false ? "denied" : "read", "\n";
EOF
	put "$1/lib.inc" "$2" <<<'<?php echo "included ", __FILE__, "\n";'
	put "$1/.user.ini" "$2" <<<'open_basedir = /var/www:/home:/var/lib/php/sessions:/tmp'
}

# wrappers CGIDIR FCGIDIR OWNER FORM: CGIDIR/php.cgi (the Action's CGI) and
# FCGIDIR/php-starter (the FcgidWrapper) as the snippets show them: FORM php, the one line
# "#!/usr/bin/php-cgi" (cgijail then checks php-cgi's closure before it
# starts it; php-cgi reads the page's path from the environment, not its
# argv); FORM sh, a shell script that sets php-cgi's variables and execs it.
wrappers() {
	if [ "$4" = php ]; then
		put "$1/php.cgi" "$3" 0755 <<<'#!/usr/bin/php-cgi'
	else
		put "$1/php.cgi" "$3" 0755 <<'EOF'
#!/bin/sh
PHP_FCGI_MAX_REQUESTS=500
export PHP_FCGI_MAX_REQUESTS
exec /usr/bin/php-cgi
EOF
	fi
	cp -p "$1/php.cgi" "$2/php-starter"
}

make_sites() {
	local home=$JB/home/$B
	cj_dir "$JA/var/www/fcgi" "$A:$A" && php_pages "$JA/var/www/html" "$A" &&
		wrappers "$JA/var/www/cgi-bin" "$JA/var/www/fcgi" "$A" php || return 2
	cj_dir "$home/public_html" "$B:$B" && cj_dir "$home/public_html/cgi-bin" "$B:$B" &&
		cj_dir "$home/public_html/fcgi" "$B:$B" || return 2
	php_pages "$home/public_html" "$B" && php_pages "$home/public_html/fcgi" "$B" &&
		wrappers "$home/public_html/cgi-bin" "$home/public_html/cgi-bin" "$B" sh
}

write_site() {
	local ub=$JB/home/$B/public_html
	ap_conf <<EOF
UserDir public_html
UserDir disabled root
FcgidMaxProcessesPerClass 2
<Directory "$CJ_SRV/jails/*/home/*/public_html">
    Options +ExecCGI
    Require all granted
    AddHandler application/x-httpd-php .php
</Directory>
<Directory "$CJ_SRV/jails/*/home/*/public_html/cgi-bin">
    SetHandler cgi-script
</Directory>
<Directory $ub>
    Action application/x-httpd-php /~$B/cgi-bin/php.cgi
</Directory>
<Directory $ub/fcgi>
    AddHandler fcgid-script .php
    FcgidWrapper $ub/cgi-bin/php-starter .php
</Directory>

# alice over FastCGI...
<VirtualHost 127.0.0.1:$AP_PORT>
    ServerName alice.test
    DocumentRoot $JA/var/www/html
    SuexecUserGroup $A $A
    <Directory $JA/var/www/html>
        Options +ExecCGI
        Require all granted
        AddHandler fcgid-script .php
        FcgidWrapper $JA/var/www/fcgi/php-starter .php
    </Directory>
    FcgidMaxRequestsPerProcess 500
</VirtualHost>
# ... and as a plain CGI, the same pages.
<VirtualHost 127.0.0.1:$AP_PORT>
    ServerName alice-cgi.test
    DocumentRoot $JA/var/www/html
    SuexecUserGroup $A $A
    ScriptAlias /cgi-bin/ $JA/var/www/cgi-bin/
    Action application/x-httpd-php /cgi-bin/php.cgi
    <Directory $JA/var/www/html>
        Require all granted
        AddHandler application/x-httpd-php .php
    </Directory>
    <Directory $JA/var/www/cgi-bin>
        Require all granted
    </Directory>
</VirtualHost>
EOF
}

# ---- checks ----

expect() { ap_expect "$@"; }
has() { grep -qxF -- "$2" <<<"$1"; }

# page_paths LABEL HOST URL UID FILE SCRIPT_FILENAME DOCUMENT_ROOT CONTEXT_DOCUMENT_ROOT
# (expect's conditions are eval'd there: they read these globals).
page_paths() {
	P_UID=$4 P_FILE=$5 P_SF=$6 P_DR=$7 P_CDR=$8
	ap_get "$2" "$3"
	expect "$1: $3 answers 200 as uid $P_UID" '[ "$AP_CODE" = 200 ] && has "$AP_BODY" "uid $P_UID"'
	expect "$1: __FILE__ is its path in the jail ($P_FILE)" 'has "$AP_BODY" "file $P_FILE"'
	expect "$1: SCRIPT_FILENAME ${P_SF:-unset}, DOCUMENT_ROOT ${P_DR:-unset}, CONTEXT_DOCUMENT_ROOT ${P_CDR:-unset}" \
		'has "$AP_BODY" "script_filename $P_SF" && has "$AP_BODY" "document_root $P_DR" &&
		 has "$AP_BODY" "context_document_root $P_CDR"'
}

# session LABEL HOST URL UID JAIL: two requests with one cookie jar; the
# second sees the first's count; the file is the customer's, 0600.
session() {
	local jar=$CJ_WORK/jar.$RANDOM
	P_UID=$4
	ap_get "$2" "$3" -c "$jar" -b "$jar"
	ap_get "$2" "$3" -c "$jar" -b "$jar"
	P_ID=$(sed -n 's/^n 2 id \([A-Za-z0-9,-]*\) path .*/\1/p' <<<"$AP_BODY")
	P_SESS=$5/var/lib/php/sessions/sess_$P_ID
	expect "$1: a session survives between two requests (n 2), in /var/lib/php/sessions" \
		'[ "$AP_CODE" = 200 ] && [ -n "$P_ID" ] && has "$AP_BODY" "n 2 id $P_ID path /var/lib/php/sessions"'
	expect "$1: ... its file is the customer's (uid $P_UID), 0600, in the jail's session directory" \
		'[ "$(stat -c "%u %a" "$P_SESS" 2>/dev/null)" = "$P_UID 600" ]'
}

# include LABEL HOST URL INC: include by DOCUMENT_ROOT under .user.ini's open_basedir.
include() {
	P_INC=$4
	ap_get "$2" "$3"
	expect "$1: include by DOCUMENT_ROOT works under .user.ini's open_basedir ($P_INC), /etc/passwd is denied" \
		'[ "$AP_CODE" = 200 ] && has "$AP_BODY" "included $P_INC" &&
		 has "$AP_BODY" "open_basedir /var/www:/home:/var/lib/php/sessions:/tmp" && has "$AP_BODY" "passwd denied"'
}

# php_runs_in UID JAIL: a php-cgi of the jail runs as UID, chrooted there.
php_runs_in() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(stat -c %u "$p" 2>/dev/null)" = "$1" ] || continue
		case $(readlink "$p/exe") in "$2"/usr/bin/php-cgi*) ;; *) continue ;; esac
		[ "$(readlink "$p/root")" = "$2" ] && return 0
	done
	return 1
}

# ---- set-up ----

cj_install || bail "install the setuid cgijail" "see stderr"
cj_user "$A"; UA=$CJ_LAST_UID
cj_user "$B"; UB=$CJ_LAST_UID
cj_atexit "ap_kill_uid $UA $UB; ap_forget_cache $UA $UB"
JA=$(cj_jail "$A") && JB=$(cj_jail "$B") || bail "make the jails"
for u in "$A" "$B"; do
	ctl init --root "$CJ_SRV/jails/$u" --user "$u" --profile php-cgi --profile sh --profiles "$PROFILES"
	[ "$CTL_RC" = 0 ] || bail "cgijailctl init --profile php-cgi --profile sh for $u" "$(ctl_diag)"
done
ok "cgijailctl init --profile php-cgi --profile sh makes both jails"
expect "... with the host-path alias and a session directory of the customer's own (0700)" \
	'[ "$(readlink "$JA$JA")" = "$(realpath -m --relative-to="$(dirname "$JA")" /)" ] &&
	 [ "$(stat -c "%U %a" "$JA/var/lib/php/sessions")" = "$A 700" ]'
{ cj_conf_head; cat <<EOF; } | cj_conf
userdir = public_html
check = full
EOF
make_sites || bail "write the PHP pages"
ap_init || bail "prepare the Apache instance"
write_site
ap_start "$CJ_BIN" || bail "a private Apache starts with the built cgijail as its suexec" "$(ap_error_log)"

# ---- a virtual host with SuexecUserGroup ----

# mod_fcgid passes the host's paths: they lead inside the jail by its
# alias. Without it, the failure of issue 14; init puts it back.
rm -- "$JA$JA"
ap_get alice.test /path.php
expect "vhost, FastCGI, without the host-path alias: 404 \"No input file specified.\"" \
	'[ "$AP_CODE" = 404 ] && [ "$AP_BODY" = "No input file specified." ]'
ctl init --root "$JA" --user "$A" --profile php-cgi --profile sh --profiles "$PROFILES"
expect "cgijailctl init again: exit 0, the alias made again, nothing else changed" \
	'[ "$CTL_RC" = 0 ] && [ "$(grep -v "^populate:\|^init:" <<<"$CTL_OUT")" = "made the host-path alias $JA" ]'
page_paths "vhost, FastCGI" alice.test /path.php "$UA" /var/www/html/path.php \
	"$JA/var/www/html/path.php" "$JA/var/www/html" "$JA/var/www/html"
expect "vhost, FastCGI: the php-cgi serving it runs on as $A, chrooted in $A's jail" 'php_runs_in "$UA" "$JA"'
session "vhost, FastCGI" alice.test /session.php "$UA" "$JA"
include "vhost, FastCGI" alice.test /include.php /var/www/html/lib.inc

# A plain CGI's environment holds the paths inside the jail (cgijail
# rewrites them); php-cgi reads PATH_TRANSLATED after the Action's redirect.
page_paths "vhost, CGI" alice-cgi.test /path.php "$UA" /var/www/html/path.php \
	/var/www/html/path.php /var/www/html /var/www/cgi-bin/
session "vhost, CGI" alice-cgi.test /session.php "$UA" "$JA"
include "vhost, CGI" alice-cgi.test /include.php /var/www/html/lib.inc
ap_get alice-cgi.test /cgi-bin/php.cgi/etc/passwd
expect "vhost, CGI: the Action's wrapper called by its URL is refused by php-cgi (cgi.force_redirect): HTTP 500" \
	'[ "$AP_CODE" = 500 ] && ! grep -q "^root:" <<<"$AP_BODY"'
# php.ini's doc_root as Apache names the docroot: php-cgi then opens
# doc_root + SCRIPT_NAME, a host path that leads in through the alias.
docroot_ini=$(echo "$JA"/etc/php/*/cgi/conf.d)/99-cjtest-doc-root.ini
echo "doc_root = \"$JA/var/www/html\"" >"$docroot_ini"
ap_get alice-cgi.test /path.php
expect "vhost, CGI: with doc_root = $JA/var/www/html in php.ini, the page is found (__FILE__ /var/www/html/path.php)" \
	'[ "$AP_CODE" = 200 ] && has "$AP_BODY" "ini doc_root $JA/var/www/html" && has "$AP_BODY" "file /var/www/html/path.php"'
rm -f -- "$docroot_ini"

# ---- UserDir ----

# DOCUMENT_ROOT is the virtual host's (alice's), outside bob's jail: cgijail
# drops it from a CGI's environment, mod_fcgid passes it on.
ub=$JB/home/$B/public_html
page_paths "UserDir, CGI" alice.test "/~$B/path.php" "$UB" "/home/$B/public_html/path.php" \
	"/home/$B/public_html/path.php" "" "/home/$B/public_html"
session "UserDir, CGI" alice.test "/~$B/session.php" "$UB" "$JB"
page_paths "UserDir, FastCGI" alice.test "/~$B/fcgi/path.php" "$UB" "/home/$B/public_html/fcgi/path.php" \
	"$ub/fcgi/path.php" "$JA/var/www/html" "$ub"
expect "UserDir, FastCGI: the php-cgi serving it runs on as $B, chrooted in $B's jail" 'php_runs_in "$UB" "$JB"'
session "UserDir, FastCGI" alice.test "/~$B/fcgi/session.php" "$UB" "$JB"

pid=$AP_PID
ap_stop
expect "Apache stops by its pid ($pid)" '! kill -0 "$pid" 2>/dev/null'
tap_end
