#!/usr/bin/env bash
# End to end: where the reason of a refusal goes. cgijail writes it to its
# log and one line to stderr; what Apache does with that line depends on
# the module that ran cgijail. Measured with a real Apache, twice: mpm_event
# with mod_cgid (Debian's default: the line lands in the server's
# error.log, raw, because Debian builds mod_cgid without fd passing), then
# mod_cgi (the line lands in the virtual host's ErrorLog with time stamp and
# client, as README.md documents). mod_fcgid starts its processes with the
# server's error.log as their stderr. The client sees a bare 500 always.
# TAP on stdout; always exits 0.
# shellcheck disable=SC2016,SC2034 # the expect conditions are eval'd (they read these variables)
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/e2e/apache-lib.sh"

A=cjelalice B=cjelbob

bail() { not_ok "$1"; diag "${@:2}"; tap_end; exit 0; }

# put DEST OWNER MODE: a file from stdin.
put() { cat >"$1" && chown "$2:$2" "$1" && chmod "$3" "$1"; }

# Alice: a CGI that writes to stderr and answers; one group-writable (refused,
# CJ_PROG_WRITABLE); PHP through an Action whose #!/usr/bin/php-cgi is not in
# her jail (refused, CJ_MISSING_INTERPRETER); a FastCGI wrapper that is
# group-writable. Bob: the group-writable CGI in his UserDir.
make_sites() {
	local c=$JA/var/www/cgi-bin u=$JB/home/$B/public_html/cgi-bin
	jail_copy_prog "$JA" /bin/sh && jail_copy_prog "$JB" /bin/sh || return 2
	put "$c/stderr.sh" "$A" 0755 <<'EOF'
#!/bin/sh
echo "a line on the CGI's stderr" >&2
printf 'Content-Type: text/plain\n\nok\n'
EOF
	put "$c/writable.sh" "$A" 0775 <"$c/stderr.sh" &&
		put "$c/php.cgi" "$A" 0755 <<<'#!/usr/bin/php-cgi' &&
		cj_dir "$JA/var/www/html" "$A:$A" && put "$JA/var/www/html/page.php" "$A" 0644 <<<'<?php echo 1;' &&
		cj_dir "$JA/var/www/fcgi" "$A:$A" && put "$JA/var/www/fcgi/starter" "$A" 0775 <"$c/stderr.sh" &&
		put "$JA/var/www/fcgi/x.fcgi" "$A" 0644 </dev/null || return 2
	cj_dir "$JB/home/$B/public_html" "$B:$B" && cj_dir "$u" "$B:$B" &&
		put "$u/writable.sh" "$B" 0775 <"$c/stderr.sh"
}

write_site() {
	{ ap_userdir_cgi; cat <<EOF; } | ap_conf
<VirtualHost 127.0.0.1:$AP_PORT>
    ServerName alice.test
    DocumentRoot $JA/var/www/html
    SuexecUserGroup $A $A
    ErrorLog $AP_ROOT/alice-error.log
    ScriptAlias /cgi-bin/ $JA/var/www/cgi-bin/
    Action application/x-httpd-php /cgi-bin/php.cgi
    Alias /fcgi/ $JA/var/www/fcgi/
    <Directory $JA/var/www>
        Require all granted
        AddHandler application/x-httpd-php .php
    </Directory>
$(ap_fcgid_dir "$JA/var/www/fcgi" "$JA/var/www/fcgi/starter" .fcgi)
</VirtualHost>
EOF
}

# ---- checks ----

expect() { ap_expect "$@"; }
has() { grep -qF -- "$2" <<<"$1"; }

# The line cgijail writes to stderr for a refusal with CODE (a name).
refusal() { echo "cgijail: refused (exit $(cj_code "$1")): $(cj_text "$1"): "; }

# An Apache error log line: "[Www Mmm dd hh:mm:ss.uuuuuu yyyy] [MODULE:error]
# [pid N(:tid N)] [client 127.0.0.1:PORT] " -- the time stamp and the client.
STAMP='^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} [0-9]{4}\] '
CLIENT=' \[pid [0-9]+(:tid [0-9]+)?\] \[client 127\.0\.0\.1:[0-9]+\] '

# log_line FILE TEXT: the line of FILE that holds TEXT.
log_line() { grep -F -- "$2" "$1" 2>/dev/null | head -n 1; }

# refused NAME URL CODE-NAME: a request cgijail refuses: HTTP 500, and the
# client's body says nothing of the reason.
refused() {
	R_WHY=$(refusal "$3") R_TEXT=$(cj_text "$3")
	ap_get alice.test "$2"
	expect "$1: $2 is refused ($3): HTTP 500, the reason not in the body" \
		'[ "$AP_CODE" = 500 ] && ! has "$AP_BODY" "cgijail" && ! has "$AP_BODY" "$R_TEXT"'
}

# ---- set-up ----

cj_install || bail "install the setuid cgijail" "see stderr"
cj_user "$A"; UA=$CJ_LAST_UID
cj_user "$B"; UB=$CJ_LAST_UID
cj_atexit "ap_kill_uid $UA $UB; ap_forget_cache $UA $UB"
JA=$(cj_jail "$A") && JB=$(cj_jail "$B") && cj_site "$A" && cj_site "$B" || bail "make the jails"
{ cj_conf_head; cat <<EOF; } | cj_conf
userdir = public_html
check = full
EOF
make_sites || bail "write the CGIs"
ap_init || bail "prepare the Apache instance"
VLOG=$AP_ROOT/alice-error.log AP_DIAG_LOGS=$AP_ROOT/alice-error.log
write_site

# ---- mod_cgid ----

# Built with fd passing (--enable-cgid-fdpassing), mod_cgid would hand the
# daemon a pipe for the CGI's stderr (sendmsg, SCM_RIGHTS) and log its lines
# with the request. Debian's is built without: its daemon gives every CGI
# its own stderr, the server's error.log.
# (The name of an imported symbol is in the file's string table: grep finds
# mod_proxy_fdpass.so's sendmsg so.)
fdpass=no
LC_ALL=C grep -aqw sendmsg "$AP_MODS/mod_cgid.so" && fdpass=yes
ap_start "$CJ_BIN" || bail "Apache (mpm_event, mod_cgid) starts" "$(ap_error_log)"
refused "mod_cgid" /cgi-bin/writable.sh CJ_PROG_WRITABLE
if [ "$fdpass" = no ]; then
	line=$(ap_error_log | grep -F -- "$R_WHY")
	expect "mod_cgid without fd passing: the reason is in the server's error.log, raw (no time stamp, no client): $line" \
		'[[ $line == "$R_WHY"*"writable.sh (mode 0775)" ]]'
	expect "... and not in the virtual host's ErrorLog, which says only \"End of script output before headers\"" \
		'! grep -qF "$(cj_text CJ_PROG_WRITABLE)" "$VLOG" &&
		 [[ $(log_line "$VLOG" "End of script output before headers: writable.sh") =~ $STAMP\[cgid:error\]$CLIENT ]]'
else
	expect "mod_cgid with fd passing: the reason is in the virtual host's ErrorLog" 'grep -qF "$R_WHY" "$VLOG"'
	ok "... # SKIP this mod_cgid passes the CGI's stderr (sendmsg): nothing to measure in error.log"
fi

# mod_fcgid starts its processes with the server's error.log as stderr.
ap_get alice.test /fcgi/x.fcgi
line=$(ap_error_log | grep -F -- "$(refusal CJ_PROG_WRITABLE)starter" | head -n 1)
expect "mod_fcgid: a refused wrapper: HTTP 500, the reason in the server's error.log, raw: $line" \
	'[ "$AP_CODE" = 500 ] && [ -n "$line" ] && ! grep -qF "$(cj_text CJ_PROG_WRITABLE)" "$VLOG"'
expect "... the virtual host's ErrorLog says \"error reading data from FastCGI server\"" \
	'[[ $(log_line "$VLOG" "mod_fcgid: error reading data from FastCGI server") =~ $STAMP\[fcgid:warn\] ]]'
ap_stop

# ---- mod_cgi ----

for mpm in prefork event; do
	: >"$VLOG"
	AP_MPM=$mpm AP_CGI=cgi ap_start "$CJ_BIN" || bail "Apache (mpm_$mpm, mod_cgi) starts" "$(ap_error_log)"
	refused "mpm_$mpm, mod_cgi" /cgi-bin/writable.sh CJ_PROG_WRITABLE
	line=$(log_line "$VLOG" "$R_WHY")
	expect "mpm_$mpm, mod_cgi: the reason is in the virtual host's ErrorLog, with time stamp and client: $line" \
		'[[ $line =~ $STAMP\[cgi:error\]${CLIENT}AH01215:\ stderr\ from\ $JA/var/www/cgi-bin/writable.sh:\ cgijail: ]] &&
		 [[ $line == *"$R_WHY"*"writable.sh (mode 0775)" ]]'
	expect "... and not in the server's error.log" '! ap_error_log | grep -qF "$R_WHY"'
	[ "$mpm" = prefork ] || { ap_stop; break; }

	refused "mpm_$mpm, mod_cgi, PHP by Action" /page.php CJ_MISSING_INTERPRETER
	expect "... the reason names php-cgi, missing in the jail, in the virtual host's ErrorLog" \
		'[[ $(log_line "$VLOG" "$R_WHY") =~ $STAMP\[cgi:error\]$CLIENT.*/usr/bin/php-cgi\ needed\ by\ /var/www/cgi-bin/php.cgi ]]'
	# A UserDir request's errors go to the virtual host that served it.
	refused "mpm_$mpm, mod_cgi, UserDir" "/~$B/cgi-bin/writable.sh" CJ_PROG_WRITABLE
	expect "... the reason is in the ErrorLog of the virtual host the request came through, with time stamp and client" \
		'[[ $(log_line "$VLOG" "stderr from $JB/home/$B/public_html/cgi-bin/writable.sh: $R_WHY") =~ $STAMP\[cgi:error\]${CLIENT}AH01215: ]]'
	ap_get alice.test /cgi-bin/stderr.sh
	expect "... so are the lines an accepted CGI writes to stderr" \
		'[ "$AP_CODE" = 200 ] && [[ $(log_line "$VLOG" "a line on the CGI") =~ $STAMP\[cgi:error\]${CLIENT}AH01215: ]]'
	ap_stop
done
tap_end
