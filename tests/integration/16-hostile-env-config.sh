#!/usr/bin/env bash
# Adversarial tests, the request's environment and the config file. The
# environment Apache hands over carries the client's headers (HTTP_*): only
# the whitelist may reach the CGI, and no amount of it may push out the
# variables the server and cgijail set. The config is the admin's, but a
# config that is damaged or unsafe must give a clear refusal, never a
# default that is less safe. The cases 10-cgijail-run.sh (HTTP_PROXY,
# "() { :; }", LD_*, TZ files) and 11-cgijail-refusals.sh (config missing,
# g+w, o+w, not root's, a symlink, a directory, a line without '=', unknown
# keys and sections, bad values) hold are not repeated.
# TAP on stdout; always exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/hostile.sh"

setup() {
	cj_install || return 2
	h_tools || return 2
	cj_build_cgis || return 2
	cj_user cjhenv && U=$CJ_LAST_UID || return 2
	J=$(cj_jail cjhenv) && cj_site cjhenv && cj_jail_tools "$J" || return 2
	D=$J/var/www/cgi-bin
	cj_cgi "$CJ_WORK/dump-static" "$D/s.cgi" cjhenv:cjhenv && cj_cgi "$CJ_WORK/dump.sh" "$D/sh.cgi" cjhenv:cjhenv || return 2
	h_conf_reset && h_conf
}
if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

reset_run() { CJ_AS=www-data; CJ_AS_GROUPS=; CJ_ENV=(); CJ_PRE=; CJ_BIN_RUN=; CJ_STDIN=; CJ_WANT_UID=$U; }
req() { cj_run "$D" cjhenv cjhenv "${1:-s.cgi}"; }
ran() { [ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && [ "$(cj_val uids)" = "$U $U $U" ]; }
absent() { local n; for n; do cj_env "$n" >/dev/null && { diag "$n reached the CGI"; return 1; }; done; return 0; }
# The variables the server (CJ_BASE_ENV) and cgijail set, as the CGI must see them.
own_intact() {
	[ "$(cj_env PATH)" = /usr/local/bin:/usr/bin:/bin ] && [ "$(cj_env HOME)" = /home/cjhenv ] &&
		[ "$(cj_env USER)" = cjhenv ] && [ "$(cj_env REQUEST_METHOD)" = GET ] &&
		[ "$(cj_env QUERY_STRING)" = a=1 ] && [ "$(cj_env SCRIPT_NAME)" = /cgi-bin/x ] &&
		[ "$(cj_env SERVER_PROTOCOL)" = HTTP/1.1 ] ||
		{ diag "own or server variables changed or missing"; return 1; }
}
reset_run

req
cj_assert_exec "control: the plain request runs"

# ---- the request's environment ----

reset_run; CJ_ENV=("HTTP_PROXY =http://evil.example:3128" "Http_Proxy=http://evil.example:3128" "HTTP_PROXY_=x" "PROXY=x" "ALL_PROXY=x" "HTTPS_PROXY=x" "NO_PROXY=*"); req
h_safe "httpoxy spellings ('HTTP_PROXY ', Http_Proxy, ALL_PROXY, HTTPS_PROXY, NO_PROXY): none reaches the CGI as a proxy setting" \
	'ran && ! grep -qiE "^env (http_proxy|https_proxy|all_proxy|no_proxy|proxy)=" <<<"$CJ_OUT" && ! grep -q "^env HTTP_PROXY " <<<"$CJ_OUT"'
reset_run; CJ_ENV=('QUERY_STRING=() { :; }; echo CJH-SHELLSHOCK' 'HTTP_COOKIE=() { _; } >_[$($())] { echo CJH-SHELLSHOCK; }' 'REMOTE_USER=() { :;}; echo CJH-SHELLSHOCK'); req sh.cgi
h_safe "Shellshock values in QUERY_STRING, HTTP_COOKIE, REMOTE_USER (whitelisted names): dropped, nothing echoed" \
	'[ "$CJ_RC" = 0 ] && ! grep -q CJH-SHELLSHOCK <<<"$CJ_OUT$CJ_ERR" && absent HTTP_COOKIE REMOTE_USER && [ -z "$(cj_env QUERY_STRING)" ] && ! grep -q "() {" <<<"$CJ_OUT"'
reset_run; CJ_ENV=('HTTP_X= () { :; }' 'HTTP_Y=(){ :; }'); req sh.cgi
h_safe "near-Shellshock values (' () {', '(){'): the #!/bin/sh CGI runs them as data, nothing executed" \
	'[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && ! grep -q CJH-SHELLSHOCK <<<"$CJ_OUT$CJ_ERR"'
reset_run; CJ_ENV=("HTTP_X=a=b=c" "HTTP_Y==" "HTTP_Z=="); req
h_safe "names with '=' after them: the first '=' ends the name, the value keeps the rest" \
	'ran && [ "$(cj_env HTTP_X)" = "a=b=c" ] && [ "$(cj_env HTTP_Y)" = "=" ]'
reset_run
via() { local opts=(); while [ "$1" != -- ]; do opts+=("$1"); shift; done; shift; CJ_BIN_RUN=$CJ_PREFIX/bin/cjh-exec; cj_run "$D" "${opts[@]}" "$CJ_BIN" "$@"; CJ_BIN_RUN=; }
via -e "=HTTP_X" -e "HTTP-X=1" -e "HTTP X=1" -e "1HTTP=1" -e $'HTTP_\x01=1' -e $'HTTP_\xc3\xa9=1' -e "HTTP_=1" -- cjhenv cjhenv s.cgi
h_safe "malformed names (empty, '-', ' ', leading digit, control byte, non-ASCII): dropped; the bare prefix HTTP_ alone is harmless" \
	'ran && ! grep -qE "^env (=|HTTP-|HTTP |1HTTP|HTTP_\x01|HTTP_\xc3)" <<<"$CJ_OUT"'
BIG=$(head -c 65536 /dev/zero | tr '\0' 'v')
reset_run; CJ_ENV=("HTTP_BIG=$BIG" "QUERY_STRING=$BIG"); req
h_safe "64 KiB values (a header, QUERY_STRING): passed whole, not logged" \
	'ran && [ "$(cj_env HTTP_BIG | wc -c)" = 65537 ] && [ "$(cj_env QUERY_STRING | wc -c)" = 65537 ] && [ "$(wc -c <<<"$CJ_LOGNEW")" -lt 2000 ]'
reset_run; CJ_ENV=(); for i in $(seq 1 5000); do CJ_ENV+=("LD_CJH_$i=/x" "CJH_$i=y"); done; req
h_safe "10,000 variables outside the whitelist: all dropped" \
	'ran && own_intact && ! grep -q "^env \(LD_\)\?CJH_" <<<"$CJ_OUT"'
# Apache puts the client's headers (HTTP_*) before its own variables. A
# client sending thousands of headers must not push REQUEST_METHOD,
# QUERY_STRING, SCRIPT_NAME... out of the CGI's environment.
reset_run; hdr=(); for i in $(seq 1 3000); do hdr+=(-e "HTTP_X_CJH_$i=$i"); done
via "${hdr[@]}" -- cjhenv cjhenv s.cgi
h_safe "3000 client headers ahead of the server's variables: the server's and cgijail's variables all reach the CGI" \
	'ran && own_intact && [ "$(cj_env SERVER_NAME)" = localhost ] && [ "$(cj_env GATEWAY_INTERFACE)" = CGI/1.1 ]'
h_safe "3000 client headers: the CGI's environment stays bounded (at most 256 variables)" \
	'[ "$(grep -c "^env " <<<"$CJ_OUT")" -le 256 ]'
reset_run; CJ_ENV=($'HTTP_X=\xff\xfe\x80bytes' $'QUERY_STRING=a=\xc3\x28'); req
h_safe "non-UTF-8 bytes in values: passed unchanged (the CGI's to decode), never logged" \
	'ran && [ "$(LC_ALL=C sed -n "s/^env HTTP_X=//p" <<<"$CJ_OUT")" = $'"'"'\xff\xfe\x80bytes'"'"' ] && ! grep -q "bytes" <<<"$CJ_LOGNEW"'
reset_run; CJ_ENV=("DOCUMENT_ROOT=$J/../cjhother/var/www" "SCRIPT_FILENAME=$J/./var/www/cgi-bin/s.cgi" "PATH_TRANSLATED=${J}x/y"); req
h_safe "path variables spelled to leave the jail ('..', '.', a sibling): never a host path in the CGI" \
	'ran && ! grep -q "^env [A-Z_]*=.*$CJ_SRV" <<<"$CJ_OUT" && absent PATH_TRANSLATED'
reset_run; CJ_ENV=("HTTP_X=$(printf 'line1\nLD_PRELOAD=/evil.so')"); req
h_safe "a value holding a newline and 'LD_PRELOAD=': stays one value, no LD_PRELOAD in the CGI" \
	'ran && absent LD_PRELOAD && [ "$(cj_env HTTP_X)" = line1 ]'

# ---- the config file ----

cfg_refused() { # NAME CODE PATTERN: run the plain request with the config as it is
	reset_run; req
	h_refused "config: $1" "$2" "$3"
	h_conf_reset; h_conf
}
cfg_write() { cat >"$CJ_CONF"; chown root:root "$CJ_CONF"; chmod 0644 "$CJ_CONF"; }

dmode=$(stat -c '%u:%g %a' "$CJ_CONF_DIR")
chown "$U" "$CJ_CONF_DIR"
reset_run; req
chown root:root "$CJ_CONF_DIR"; chmod "${dmode#* }" "$CJ_CONF_DIR"
h_refused "config: its directory owned by the customer" CJ_CONFIG_UNSAFE "$CJ_CONF_DIR is owned by uid $U, not root"
rm -f "$CJ_CONF"; mkfifo -m 0644 "$CJ_CONF"
CJ_TIMEOUT=5 cfg_refused "a FIFO (opened without blocking, refused)" CJ_CONFIG_UNSAFE "$CJ_CONF is not a regular file"
rm -f "$CJ_CONF"; mknod -m 0644 "$CJ_CONF" c 1 5
cfg_refused "a character device (/dev/zero's numbers)" CJ_CONFIG_UNSAFE "$CJ_CONF is not a regular file"
rm -f "$CJ_CONF"; h_conf
chmod 0600 "$CJ_CONF"
reset_run; req
h_safe "config: mode 0600 (not readable by the caller): still read, as root" 'ran'
h_conf_reset; h_conf

printf '[cgijail\ncaller = www-data\n' | cfg_write
cfg_refused "an unterminated section header" CJ_CONFIG_SYNTAX "$CJ_CONF"
head -c 4096 /dev/urandom | cfg_write
reset_run; req
h_safe "config: 4 KiB of random bytes: refused as malformed or invalid, nothing runs" \
	'[ "$CJ_RAN" = 0 ] && { [ "$CJ_RC" = "$(cj_code CJ_CONFIG_SYNTAX)" ] || [ "$CJ_RC" = "$(cj_code CJ_CONFIG_VALUE)" ]; }'
h_conf
{ printf '\xef\xbb\xbf'; cat "$CJ_CONF"; } | cfg_write
reset_run; req
h_safe "config: a UTF-8 byte order mark before [cgijail]: refused (the section is not recognised), nothing runs" \
	'[ "$CJ_RAN" = 0 ] && [ "$CJ_RC" = "$(cj_code CJ_CONFIG_VALUE)" ] || [ "$CJ_RC" = "$(cj_code CJ_CONFIG_SYNTAX)" ]'
h_conf; sed -i 's/$/\r/' "$CJ_CONF"
reset_run; req
h_safe "config: CRLF line ends: refused (control characters in values) or read the same, never a half-read config" \
	'{ [ "$CJ_RAN" = 0 ] && grep -q "decision=refused code=18[01] " <<<"$CJ_LOGNEW"; } || { ran && [ "$(cj_env PATH)" = /usr/local/bin:/usr/bin:/bin ]; }'
h_conf_reset; H_EXTRA=""; h_conf; sed -i '/^caller = /d' "$CJ_CONF"
printf '[cgijail]\ncaller = www-data\x00root\n' >>"$CJ_CONF"
reset_run; req
h_safe "config: 'caller = www-data<NUL>root': the caller is never root (refused, or www-data)" \
	'{ [ "$CJ_RAN" = 0 ] && [ "$CJ_RC" -ge 124 ]; } || { ran && CJ_AS=root cj_run "$D" -V && grep -qx "caller = www-data" <<<"$CJ_OUT"; }'
h_conf_reset
LONGV=$CJ_SRV/$(printf 'j%.0s' $(seq 1 5000))/%u
H_JAIL="jail_root = $LONGV" h_conf
reset_run; req
h_safe "config: a 5000-character jail_root: refused (syntax or value), never cut into a shorter path" \
	'[ "$CJ_RAN" = 0 ] && { [ "$CJ_RC" = "$(cj_code CJ_CONFIG_SYNTAX)" ] || [ "$CJ_RC" = "$(cj_code CJ_CONFIG_VALUE)" ]; }'
h_conf_reset; H_EXTRA="caller = $(printf 'w%.0s' $(seq 1 100))" h_conf
cfg_refused "a 100-character caller (longer than any user name)" CJ_CONFIG_VALUE 'caller: value is longer than'
H_SECTIONS=$'[limits]\ncpu = 30:60\n[limits:cpu]' h_conf
cfg_refused "a section named like a key ([limits:cpu] beside [limits] cpu; found by fuzz_config)" CJ_CONFIG_VALUE \
	'section \[limits:cpu\] has the name of a key of \[limits\]'
H_SECTIONS=$'[user:cjhenv]\numask = 077\n[user:cjhenv:umask]' h_conf
cfg_refused "a section named like a key of [user:NAME]" CJ_CONFIG_VALUE \
	'section \[user:cjhenv:umask\] has the name of a key of \[user:cjhenv\]'
H_EXTRA="min_uid = 99999999999999999999999" h_conf
cfg_refused "min_uid above 2^64" CJ_CONFIG_VALUE "min_uid: '99999999999999999999999' is not a whole number"
H_EXTRA="min_uid = 4294967295" h_conf
cfg_refused "min_uid = 4294967295 (-1 as a uid_t)" CJ_CONFIG_VALUE "min_uid: '4294967295' is not a whole number"
H_EXTRA="min_uid =" h_conf
cfg_refused "min_uid empty" CJ_CONFIG_VALUE "min_uid: '' is not a whole number"
H_EXTRA="caller =" h_conf
cfg_refused "caller empty (never 'any caller')" CJ_CONFIG_VALUE 'caller is empty'
H_JAIL="jail_root =" h_conf
cfg_refused "jail_root empty means no jail, never the host's /: refused by require_jail" CJ_NO_JAIL 'no jail_root for cjhenv'
# (Both above the supervisor's system uid: a bind-mode thin jail has one.)
H_EXTRA=$'min_uid = 1000\nmin_uid = 2000' h_conf
reset_run; req
h_safe "config: a key given twice (min_uid 1000, then 2000): the run uses one of them and -V shows which" \
	'ran && CJ_AS=root cj_run "$D" -V && grep -qE "^min_uid = (1000|2000)$" <<<"$CJ_OUT"'
h_conf_reset
h_report
tap_end
exit 0
