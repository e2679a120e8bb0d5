#!/usr/bin/env bash
# Root integration tests of cgijailctl lint: two customers with real jails,
# a docroot and a userdir holding good CGIs and broken ones of every kind
# cgijail refuses (owner, group, modes, setuid, symlink, FIFO, a directory
# writable by others or owned by another, a control character in the name,
# a #! line with CR, a missing interpreter or library, a program its owner
# cannot read, an unsafe jail), and files that are no CGIs. Every CGI is
# run through the real setuid cgijail as Apache runs it: the linter must
# flag exactly the CGIs cgijail refuses, with the same exit code and the
# same reason. Then the formats, the exit statuses, --all, and audit's
# foreign-owner rule. TAP on stdout; always exits 0.
# shellcheck disable=SC2034 # variables read by the eval'd conditions of expect
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/ctl.sh"

A=cjtlinta B=cjtlintb C=cjtlintc

# cgi DEST MODE OWNER SRC: install a CGI.
cgi() { cp -- "$4" "$1" && chown -h "$3" "$1" && chmod "$2" "$1"; }

setup() {
	cj_install || return 2
	cj_build_cgis || return 2
	cj_user "$A" || return 2
	cj_user "$B" || return 2
	cj_user "$C" || return 2
	cj_conf_head | cj_conf
	JA=$(cj_jail "$A") && cj_site "$A" && cj_jail_tools "$JA" || return 2
	JB=$(cj_jail "$B") && cj_site "$B" && cj_jail_tools "$JB" || return 2
	JC=$(cj_jail "$C") && cj_site "$C" || return 2
	WA=$JA/var/www CA=$JA/var/www/cgi-bin HA=$JA/home/$A/public_html
	local w=$CJ_WORK
	# Good ones: a static and a dynamic program, a #!/bin/sh script, one in a
	# subdirectory of cgi-bin, one by extension outside cgi-bin, two in the
	# userdir.
	cgi "$CA/good.cgi" 0755 "$A:$A" "$w/dump-static"
	cgi "$CA/dyn.cgi" 0755 "$A:$A" "$w/dump-dynamic"
	cgi "$CA/good.sh" 0755 "$A:$A" "$w/dump.sh"
	cj_dir "$CA/sub" "$A:$A" && cgi "$CA/sub/deep.cgi" 0750 "$A:$A" "$w/dump-static"
	cj_dir "$WA/html" "$A:$A" && cgi "$WA/html/page.cgi" 0700 "$A:$A" "$w/dump-static"
	cj_dir "$HA" "$A:$A" && cj_dir "$HA/cgi-bin" "$A:$A" &&
		cgi "$HA/cgi-bin/u.cgi" 0755 "$A:$A" "$w/dump-static" &&
		cgi "$HA/home.pl" 0755 "$A:$A" "$w/dump.sh" || return 2
	# Broken ones, each refused for one reason.
	cgi "$CA/gw.cgi" 0775 "$A:$A" "$w/dump-static"
	cgi "$CA/setuid.cgi" 4755 "$A:$A" "$w/dump-static"
	cgi "$CA/noexec.cgi" 0644 "$A:$A" "$w/dump-static"
	cgi "$CA/owner.cgi" 0755 "$B:$A" "$w/dump-static"
	cgi "$CA/group.cgi" 0755 "$A:$B" "$w/dump-static"
	ln -s good.cgi "$CA/link.cgi" && chown -h "$A:$A" "$CA/link.cgi"
	mkfifo -m 0755 "$CA/fifo.cgi" && chown "$A:$A" "$CA/fifo.cgi"
	cgi "$CA/unreadable.cgi" 0311 "$A:$A" "$w/dump-static"
	printf '#!/bin/sh\r\necho hi\r\n' >"$w/crlf.sh" && cgi "$CA/crlf.sh" 0755 "$A:$A" "$w/crlf.sh"
	printf '#!/usr/bin/perl\nprint "hi\\n";\n' >"$w/x.pl" && cgi "$CA/nointerp.pl" 0755 "$A:$A" "$w/x.pl"
	echo 'int cjt_lint(void) { return 0; }' | cc_lib "$w/libcjtlint.so.1" libcjtlint.so.1 || return 2
	echo 'int cjt_lint(void); int main(void) { return cjt_lint(); }' |
		cc_prog "$w/needslib" -L"$w" -l:libcjtlint.so.1 || return 2
	cgi "$CA/needslib.cgi" 0755 "$A:$A" "$w/needslib"
	cgi "$CA/bad"$'\n'"name.cgi" 0755 "$A:$A" "$w/dump-static"
	cj_dir "$CA/gwdir" "$A:$A" 0775 && cgi "$CA/gwdir/x.cgi" 0755 "$A:$A" "$w/dump-static"
	cj_dir "$CA/othdir" "$B:$B" && cgi "$CA/othdir/y.cgi" 0755 "$A:$A" "$w/dump-static"
	printf '#!/usr/bin/php-cgi\n<?php echo 1;\n' >"$w/run.php" && cgi "$WA/html/run.php" 0755 "$A:$A" "$w/run.php"
	cgi "$HA/cgi-bin/uw.cgi" 0757 "$A:$A" "$w/dump-static"
	# No CGIs: data files outside cgi-bin, a PHP page, Apache's .htaccess.
	printf 'text\n' >"$WA/html/readme.txt"; printf '<?php echo 1;\n' >"$WA/html/index.php"
	printf 'Options +ExecCGI\n' >"$CA/.htaccess"
	chown "$A:$A" "$WA/html/readme.txt" "$WA/html/index.php" "$CA/.htaccess"
	# B: a good CGI in a jail whose root is writable by its group (unsafe).
	cgi "$JB/var/www/cgi-bin/b.cgi" 0755 "$B:$B" "$w/dump-static"
	chmod 0775 "$JB"
	# C: nothing broken.
	cgi "$JC/var/www/cgi-bin/c.cgi" 0755 "$C:$C" "$w/dump-static"
}

if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

# ---- what cgijail says of each CGI ----

# run_cgi PATH [USERDIR]: cgijail as Apache runs it for PATH (for a userdir
# CGI, the "~user" form); sets GOT_CODE and GOT_REASON (from its log line).
run_cgi() {
	local path=$1 user=$2 u
	u=$user; [ "${3-}" = userdir ] && u="~$user"
	cj_reset_run
	cj_run "${path%/*}" "$u" "$user" "${path##*/}"
	GOT_CODE=$CJ_RC
	GOT_REASON=$(sed -n 's/.* reason="\(.*\)"$/\1/p' <<<"$CJ_LOGNEW" | tail -n 1)
	[ "$CJ_RC" != 0 ] || GOT_REASON=""
}

ctl lint --config "$CJ_CONF" --user "$A" --json
LINT_A=$CTL_OUT LINT_A_RC=$CTL_RC
expect "lint --user $A: exit 1 (CGIs cgijail would refuse)" '[ "$LINT_A_RC" = 1 ]'

# lint_says REPORT PATH: "EXIT<TAB>REASON" of PATH in the JSON REPORT, the
# reason escaped as cgijail's log line escapes it.
lint_says() {
	python3 -c '
import json, sys
def esc(s):
    return "".join(c if 0x20 <= ord(c) < 0x7f and c not in "\"\\" else "\\x%02x" % ord(c) for c in s)
d = json.loads(sys.argv[1])
for u in d["customers"]:
    for r in u["results"]:
        if r["path"] == sys.argv[2]:
            print("%d\t%s" % (r["exit"], esc(r["reason"]) if r["exit"] else "")); sys.exit(0)
sys.exit(1)' "$1" "$2"
}

# same PATH USER [userdir] WANT: cgijail and lint agree on PATH, and it is WANT
# (an exit code name, or CJ_OK).
same() {
	local path=$1 user=$2 site=$3 want=$4 name lcode lreason out
	name="${want}: ${path#"$CJ_SRV"/}"
	name=${name//$'\n'/\\n}
	run_cgi "$path" "$user" "$site"
	if ! out=$(lint_says "$LINT" "$path"); then
		not_ok "$name"; diag "lint did not report $path"; return
	fi
	lcode=${out%%$'\t'*} lreason=${out#*$'\t'}
	if [ "$GOT_CODE" = "$(cj_code "$want")" ] && [ "$lcode" = "$GOT_CODE" ] &&
		[ "$lreason" = "$GOT_REASON" ] && { [ "$want" != CJ_OK ] || [ "$CJ_RAN" = 1 ]; }; then
		ok "$name: cgijail and lint agree"
	else
		not_ok "$name: cgijail and lint agree"
		diag "cgijail: exit $GOT_CODE, ran $CJ_RAN, reason: $GOT_REASON" "lint:    exit $lcode, reason: $lreason"
	fi
}

LINT=$LINT_A
while IFS='|' read -r rel site want; do
	case $site in userdir) p=$HA/$rel ;; *) p=$JA/var/www/$rel ;; esac
	same "$p" "$A" "$site" "$want"
done <<'EOF'
cgi-bin/good.cgi|docroot|CJ_OK
cgi-bin/dyn.cgi|docroot|CJ_OK
cgi-bin/good.sh|docroot|CJ_OK
cgi-bin/sub/deep.cgi|docroot|CJ_OK
html/page.cgi|docroot|CJ_OK
cgi-bin/u.cgi|userdir|CJ_OK
home.pl|userdir|CJ_OK
cgi-bin/gw.cgi|docroot|CJ_PROG_WRITABLE
cgi-bin/setuid.cgi|docroot|CJ_PROG_SETID
cgi-bin/noexec.cgi|docroot|CJ_PROG_NOEXEC
cgi-bin/owner.cgi|docroot|CJ_OWNER_MISMATCH
cgi-bin/group.cgi|docroot|CJ_OWNER_MISMATCH
cgi-bin/link.cgi|docroot|CJ_PROG_OPEN
cgi-bin/fifo.cgi|docroot|CJ_PROG_NOT_FILE
cgi-bin/unreadable.cgi|docroot|CJ_PROG_OPEN
cgi-bin/crlf.sh|docroot|CJ_MISSING_INTERPRETER
cgi-bin/nointerp.pl|docroot|CJ_MISSING_INTERPRETER
cgi-bin/needslib.cgi|docroot|CJ_MISSING_LIBRARY
cgi-bin/gwdir/x.cgi|docroot|CJ_DIR_WRITABLE
cgi-bin/othdir/y.cgi|docroot|CJ_OWNER_MISMATCH
html/run.php|docroot|CJ_MISSING_INTERPRETER
cgi-bin/uw.cgi|userdir|CJ_PROG_WRITABLE
EOF
same "$CA/bad"$'\n'"name.cgi" "$A" docroot CJ_BAD_COMMAND
expect "lint: the #! line with a CR is named as such" \
	'lint_says "$LINT_A" "$CA/crlf.sh" | grep -q "carriage return"'

# Exactly the CGIs: every file above, nothing else.
N_A=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(sum(len(u["results"]) for u in d["customers"]))' "$LINT_A")
expect "lint: exactly the 23 CGIs of $A, no data file, PHP page or .htaccess" '[ "$N_A" = 23 ]'
REFUSED_A=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["customers"][0]["refused"], d["ok"])' "$LINT_A")
expect "lint: 16 of them refused, ok false" '[ "$REFUSED_A" = "16 False" ]'

# B: its jail is unsafe: every CGI is refused for it, as cgijail refuses it.
ctl lint --config "$CJ_CONF" --user "$B" --json
LINT=$CTL_OUT
expect "lint --user $B: exit 1" '[ "$CTL_RC" = 1 ]'
same "$JB/var/www/cgi-bin/b.cgi" "$B" docroot CJ_JAIL_UNSAFE
chmod 0755 "$JB"
ctl lint --config "$CJ_CONF" --user "$B"
expect "lint --user $B: exit 0 once the jail root is safe" '[ "$CTL_RC" = 0 ]'
run_cgi "$JB/var/www/cgi-bin/b.cgi" "$B"
expect "cgijail runs b.cgi too" '[ "$GOT_CODE" = 0 ] && [ "$CJ_RAN" = 1 ]'

# ---- formats, exit statuses, --all ----

ctl lint --config "$CJ_CONF" --user "$A"
expect "text: a line per refused CGI with its path, code and reason, then a summary" \
	'grep -qF "$CA/gw.cgi: CJ_PROG_WRITABLE (exit 118): $(cj_text CJ_PROG_WRITABLE): gw.cgi (mode 0775)" <<<"$CTL_OUT" &&
	 grep -q "^$A (uid [0-9]*): 23 CGIs, 16 refused" <<<"$CTL_OUT" && grep -q "^lint: 1 customers, 23 CGIs, 16 refused" <<<"$CTL_OUT"'
expect "text: no line for a CGI cgijail runs" '! grep -q "good.cgi" <<<"$CTL_OUT"'
ctl lint --config "$CJ_CONF" --user "$A" --user "$C" --format prometheus --output "$CJ_WORK/lint.prom"
PROM=$(cat "$CJ_WORK/lint.prom" 2>/dev/null)
expect "prometheus --output: per customer CGIs, refused, by code, ok; exit 1" \
	'[ "$CTL_RC" = 1 ] && [ -z "$CTL_OUT" ] && grep -qx "cgijail_lint_cgis{user=\"$A\"} 23" <<<"$PROM" &&
	 grep -qx "cgijail_lint_refused{user=\"$A\"} 16" <<<"$PROM" && grep -qx "cgijail_lint_refused{user=\"$C\"} 0" <<<"$PROM" &&
	 grep -qx "cgijail_lint_refused_by_code{user=\"$A\",code=\"CJ_OWNER_MISMATCH\"} 3" <<<"$PROM" &&
	 grep -qx "cgijail_lint_ok{user=\"$C\"} 1" <<<"$PROM" && grep -q "^cgijail_lint_last_run_timestamp_seconds [0-9]" <<<"$PROM"'
ctl lint --config "$CJ_CONF" --user "$C" --json
expect "lint --user $C (nothing broken): exit 0, ok true" '[ "$CTL_RC" = 0 ] && grep -q "\"ok\": true" <<<"$CTL_OUT"'
ctl lint --config "$CJ_CONF" --all --json
expect "lint --all: every customer with a site, each checked" \
	'[ "$CTL_RC" = 1 ] && python3 -c "import json,sys; d=json.loads(sys.argv[1]); n={u[\"user\"]: u[\"checked\"] for u in d[\"customers\"]}; sys.exit(not all(n.get(x) for x in sys.argv[2:]))" "$CTL_OUT" "$A" "$B" "$C"'
ctl lint --config "$CJ_CONF" --user cjt-no-such-user
expect "lint --user UNKNOWN: exit 2, the reason on stderr" '[ "$CTL_RC" = 2 ] && grep -q "cjt-no-such-user: no such user" <<<"$CTL_ERR"'
ctl lint --config "$CJ_CONF" --user "$A" --all
expect "lint --user with --all: usage error, exit 2" '[ "$CTL_RC" = 2 ]'
ctl lint --config "$CJ_CONF" --format yaml
expect "lint --format yaml: usage error, exit 2" '[ "$CTL_RC" = 2 ]'
chmod 0666 "$CJ_CONF"
ctl lint --config "$CJ_CONF" --user "$C"
expect "lint with a config cgijail would refuse: exit 2, says so" '[ "$CTL_RC" = 2 ] && grep -q "refuses every request" <<<"$CTL_ERR"'
chmod 0644 "$CJ_CONF"

# check_modules and check = off are the customer's settings, as in cgijail.
cj_conf_head | cat - <(printf '\n[user:%s]\ncheck = off\n' "$A") | cj_conf
ctl lint --config "$CJ_CONF" --user "$A" --json
LINT=$CTL_OUT
run_cgi "$CA/needslib.cgi" "$A"
expect "check = off for $A: cgijail runs needslib.cgi (which then fails on its own), lint does not flag it" \
	'grep -q " decision=exec code=0 " <<<"$CJ_LOGNEW" && [ "$(lint_says "$LINT" "$CA/needslib.cgi")" = "0	" ]'
cj_conf_head | cj_conf

# ---- audit: a file of another customer inside a jail ----

# foreign PATH...: the foreign-owner findings of the last audit are exactly PATHs.
foreign() {
	python3 -c 'import json, sys
d = json.loads(sys.argv[1])
got = sorted(x["path"] for x in d["findings"] if x["rule"] == "foreign-owner")
sys.exit(got != sorted(sys.argv[2:]))' "$CTL_OUT" "$@"
}
cgi "$JA/usr/bin/planted" 0755 "$B:$B" "$CJ_WORK/dump-static"
cgi "$JA/var/www/html/by-c.cgi" 0755 "$C:$C" "$CJ_WORK/dump-static"
ctl audit --root "$JA" --config "$CJ_CONF" --json
expect "audit: files owned by other customers ($B, $C) in $A's jail are foreign-owner findings" \
	'[ "$CTL_RC" = 1 ] && foreign "$JA/usr/bin/planted" "$JA/var/www/html/by-c.cgi" "$CA/othdir" "$CA/owner.cgi"'
expect "audit: the finding names the other customer" 'grep -q "owned by uid $(id -u "$B") ($B)" <<<"$CTL_OUT"'
rm -f "$JA/usr/bin/planted" "$JA/var/www/html/by-c.cgi"
ctl audit --root "$JA" --config "$CJ_CONF" --json
expect "audit: $A's own files are not findings" 'foreign "$CA/othdir" "$CA/owner.cgi"'
printf '[cgijail]\nmin_uid = %d\n' $((CJ_UID_MAX + 1)) >"$CJ_WORK/high.conf"
ctl audit --root "$JA" --config "$CJ_WORK/high.conf" --json
expect "audit: with min_uid above every test user, no one is another customer" '[ "$CTL_RC" != 2 ] && foreign'

tap_end
exit 0
