#!/usr/bin/env bash
# End to end: a real Apache (a private instance on 127.0.0.1, mod_cgid,
# mod_suexec, mod_userdir, mod_fcgid) runs two customers' CGIs through the
# built setuid cgijail as its suexec, each customer in its own jail. Every
# request goes over HTTP with curl. TAP on stdout; always exits 0.
# See tests/e2e/apache-lib.sh for how the server is started and stopped.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/e2e/apache-lib.sh"

A=cjwalice B=cjwbob
NPROC=16
MISSING=libcjwmissing.so

bail() { not_ok "$1"; diag "${@:2}"; tap_end; exit 0; }

# ---- the CGIs ----

# write_cgi DEST OWNER: a CGI from stdin.
write_cgi() { cat >"$1" && chown "$2:$2" "$1" && chmod 0755 "$1"; }

build_c_cgis() {
	local w=$CJ_WORK/cgi
	mkdir -p "$w"
	cc_prog "$w/hello.cgi" <<'EOF'
#include <stdio.h>
int main(void) { printf("Content-Type: text/plain\n\nhello from C\n"); return 0; }
EOF
	# Headers and a line, then a busy loop: SIGXCPU at the soft CPU limit
	# (said in the body), SIGKILL at the hard one. "done" is never printed.
	cc_prog "$w/cpu.cgi" -static <<'EOF'
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
static void xcpu(int sig) { (void)sig; write(1, "SIGXCPU\n", 8); }
int main(void)
{
	signal(SIGXCPU, xcpu);
	printf("Content-Type: text/plain\n\nlooping\n");
	fflush(stdout);
	for (volatile unsigned long i = 0;; i++)
		;
	printf("done\n");
	return 0;
}
EOF
	# A fork bomb: every process forks until fork fails, then sleeps 3 s.
	# The first one reports how many children it got and why it stopped.
	cc_prog "$w/bomb.cgi" -static <<'EOF'
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
	int n = 0, err = 0;
	pid_t first = getpid();
	printf("Content-Type: text/plain\n\n");
	fflush(stdout);
	for (int tries = 0; tries < 10000; tries++) {
		pid_t p = fork();
		if (p == 0) {
			close(0); close(1); close(2);
			continue;  /* the child bombs on */
		}
		if (p < 0) { err = errno; break; }
		n++;
	}
	if (getpid() == first)
		printf("forked %d stopped errno %d %s\n", n, err, strerror(err));
	fflush(stdout);
	close(1);
	sleep(3);
	return 0;
}
EOF
	cc_lib "$w/$MISSING" "$MISSING" <<<'int cjw_missing(void) { return 42; }' &&
		cc_prog "$w/needslib.cgi" -L"$w" -l:"$MISSING" <<'EOF'
#include <stdio.h>
int cjw_missing(void);
int main(void) { printf("Content-Type: text/plain\n\n%d\n", cjw_missing()); return 0; }
EOF
	gcc -O2 -static -o "$w/fcgi-count" "$CJ_TOP/tests/e2e/fcgi-count.c"
}

# Alice: sh, C, fork bomb, CPU loop, POST, FastCGI, and a missing library.
make_alice() {
	local j=$JA c=$JA/var/www/cgi-bin p w=$CJ_WORK/cgi
	for p in /bin/sh /usr/bin/id /usr/bin/cat /usr/bin/sha256sum; do jail_copy_prog "$j" "$p" || return 2; done
	jail_copy_closure "$j" "$w/hello.cgi" || return 2
	write_cgi "$c/hello.sh" "$A" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\n\nhello from sh\n'
EOF
	write_cgi "$c/whoami.sh" "$A" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\n\n'
echo "uid $(id -u)"
echo "pwd $(pwd)"
echo "jail $(cat /jail-id)"
EOF
	# Reads the file named by the query string.
	write_cgi "$c/snoop.sh" "$A" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\n\n'
cat -- "$QUERY_STRING" || echo "cannot read $QUERY_STRING"
EOF
	write_cgi "$c/post.sh" "$A" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\n\n'
echo "query $QUERY_STRING"
echo "length $CONTENT_LENGTH"
set -- $(sha256sum)
echo "sha $1"
EOF
	for p in hello.cgi cpu.cgi bomb.cgi needslib.cgi; do cj_cgi "$w/$p" "$c/$p" "$A:$A" || return 2; done
	# FastCGI: a #!/bin/sh wrapper (as for php-cgi) execs the responder.
	install -D -m 0755 -o root -g root "$w/fcgi-count" "$j/usr/local/bin/fcgi-count" || return 2
	cj_dir "$j/var/www/fcgi" "$A:$A" || return 2
	write_cgi "$j/var/www/fcgi/starter" "$A" <<'EOF'
#!/bin/sh
exec /usr/local/bin/fcgi-count
EOF
	: >"$j/var/www/fcgi/count.fcgi"; chown "$A:$A" "$j/var/www/fcgi/count.fcgi"
}

# Bob: python3, a secret, and a UserDir site.
make_bob() {
	local j=$JB c=$JB/var/www/cgi-bin u=$JB/home/$B/public_html/cgi-bin p
	for p in /bin/sh /usr/bin/id /usr/bin/cat /usr/bin/python3; do jail_copy_prog "$j" "$p" || return 2; done
	write_cgi "$c/hello.py" "$B" <<'EOF'
#!/usr/bin/python3
import sys
print("Content-Type: text/plain\n")
print("hello from python%d.%d" % sys.version_info[:2])
EOF
	printf 'bob-secret-%s\n' "$RANDOM$RANDOM" >"$j/home/$B/secret.txt"
	chown "$B:$B" "$j/home/$B/secret.txt" && chmod 0600 "$j/home/$B/secret.txt"
	cj_dir "$j/home/$B/public_html" "$B:$B" && cj_dir "$u" "$B:$B" || return 2
	cp -p "$JA/var/www/cgi-bin/whoami.sh" "$u/" && chown "$B:$B" "$u/whoami.sh"
	cj_cgi "$CJ_WORK/cgi/needslib.cgi" "$u/needslib.cgi" "$B:$B"
}

write_site() {
	{ ap_userdir_cgi; cat <<EOF; } | ap_conf
FcgidMaxProcessesPerClass 1
FcgidMaxRequestsPerProcess 0

<VirtualHost 127.0.0.1:$AP_PORT>
    ServerName alice.test
    DocumentRoot $JA/var/www
    SuexecUserGroup $A $A
    ScriptAlias /cgi-bin/ $JA/var/www/cgi-bin/
    Alias /fcgi/ $JA/var/www/fcgi/
    <Directory $JA/var/www>
        Require all granted
    </Directory>
$(ap_fcgid_dir "$JA/var/www/fcgi" "$JA/var/www/fcgi/starter" .fcgi)
</VirtualHost>
EOF
	ap_jail_vhost bob.test "$B" "$JB" >>"$AP_ROOT/site.conf"
}

# ---- the cgijail log: the lines of the requests since the last mark ----

log_mark() { LOG_AT=$(stat -c %s "$CJ_LOG" 2>/dev/null || echo 0); }
log_new() { tail -c +$((LOG_AT + 1)) "$CJ_LOG" 2>/dev/null; }

# expect NAME COND...: like check, with the last response shown on failure.
expect() {
	local name=$1; shift
	if eval "$*"; then ok "$name"; else
		not_ok "$name"; diag "failed: $*" "HTTP $AP_CODE" "body:" "$(head -c 2000 <<<"$AP_BODY")" \
			"cgijail log:" "$(log_new | tail -n 5)" "error.log:" "$(ap_error_log | tail -n 5)"
	fi
}
has() { grep -qF -- "$2" <<<"$1"; }

# ---- set-up ----

cj_install || bail "install the setuid cgijail" "see stderr"
cj_user "$A"; UA=$CJ_LAST_UID
cj_user "$B"; UB=$CJ_LAST_UID
cj_atexit "ap_kill_uid $UA $UB; ap_forget_cache $UA $UB"
JA=$(cj_jail "$A") && JB=$(cj_jail "$B") && cj_site "$A" && cj_site "$B" ||
	bail "make the jails"
{ cj_conf_head; cat <<EOF; } | cj_conf
userdir = public_html
check = full

[limits]
cpu = 1:2
nproc = $NPROC:$NPROC
EOF
build_c_cgis || bail "compile the test CGIs"
make_alice || bail "fill alice's jail"
make_bob || bail "fill bob's jail"
ap_init || bail "prepare the Apache instance"
write_site
if ap_start "$CJ_BIN"; then ok "a private Apache starts with the built cgijail as its suexec"
else bail "a private Apache starts with the built cgijail as its suexec" "$(ap_error_log)"; fi
expect "Apache reports suEXEC enabled" 'has "$(ap_error_log; cat "$AP_ROOT/stdout.log")" "suEXEC mechanism enabled"'

# ---- output over HTTP ----

log_mark
ap_get alice.test /cgi-bin/hello.sh
expect "#!/bin/sh CGI answers over HTTP" '[ "$AP_CODE" = 200 ] && [ "$AP_BODY" = "hello from sh" ]'
expect "... and cgijail logged it as $A's exec" 'has "$(log_new)" " uid=$UA(" && has "$(log_new)" "decision=exec code=0"'
ap_get alice.test /cgi-bin/hello.cgi
expect "compiled C CGI (dynamically linked) answers over HTTP" '[ "$AP_CODE" = 200 ] && [ "$AP_BODY" = "hello from C" ]'
ap_get bob.test /cgi-bin/hello.py
expect "python3 CGI answers over HTTP" '[ "$AP_CODE" = 200 ] && [[ $AP_BODY == "hello from python3."* ]]'

ap_get alice.test /cgi-bin/whoami.sh
expect "id -u in the CGI is the customer's uid ($UA)" 'has "$AP_BODY" "uid $UA"'
expect "pwd in the CGI is inside the jail (/var/www/cgi-bin)" 'has "$AP_BODY" "pwd /var/www/cgi-bin" && has "$AP_BODY" "jail $A"'

# ---- isolation ----

secret=$JB/home/$B/secret.txt
ap_get alice.test "/cgi-bin/snoop.sh?$secret"
expect "$A's CGI cannot read $B's file by its host path" \
	'[ "$AP_CODE" = 200 ] && has "$AP_BODY" "cannot read" && ! has "$AP_BODY" "$(cat "$secret")"'
ap_get alice.test "/cgi-bin/snoop.sh?../../../../$B/home/$B/secret.txt"
expect "... nor by a relative path out of its jail" 'has "$AP_BODY" "cannot read" && ! has "$AP_BODY" "bob-secret"'
ap_get alice.test "/cgi-bin/snoop.sh?/jail-id"
expect "... while its own jail's files are readable" '[ "$AP_BODY" = "$A" ]'

# ---- a missing library ----

log_mark
ap_get alice.test /cgi-bin/needslib.cgi
expect "a CGI whose jail misses a library gets HTTP 500" '[ "$AP_CODE" = 500 ]'
expect "... and the cgijail log names the missing file" \
	'has "$(log_new)" "decision=refused code=$(cj_code CJ_MISSING_LIBRARY)" && has "$(log_new)" "$MISSING"'
expect "... and so does Apache's error log" 'has "$(ap_error_log)" "$MISSING"'

log_mark
ap_get alice.test "/~$B/cgi-bin/whoami.sh"
expect "UserDir: /~$B/ runs as $B ($UB) inside $B's jail" \
	'[ "$AP_CODE" = 200 ] && has "$AP_BODY" "uid $UB" && has "$AP_BODY" "pwd /home/$B/public_html/cgi-bin" && has "$AP_BODY" "jail $B"'
log_mark
ap_get alice.test "/~$B/cgi-bin/needslib.cgi"
expect "UserDir: a missing library gets HTTP 500" '[ "$AP_CODE" = 500 ]'
expect "... and the cgijail log names the missing file (userdir request)" \
	'has "$(log_new)" "code=$(cj_code CJ_MISSING_LIBRARY)" && has "$(log_new)" "$MISSING" && has "$(log_new)" "uid=$UB("'

# ---- request data ----

q='a=1&b=%20x%2Fy&c=%E2%82%AC&d=~!*()'
ap_get alice.test "/cgi-bin/post.sh?$q"
expect "the query string reaches the CGI intact" 'has "$AP_BODY" "query $q"'
body=$CJ_WORK/body
head -c $((10 * 1024 * 1024)) /dev/urandom >"$body"
want=$(sha256sum <"$body" | cut -c1-64)
ap_get alice.test "/cgi-bin/post.sh?big=1" --data-binary "@$body" -H 'Content-Type: application/octet-stream'
expect "a 10 MiB POST body reaches the CGI intact (sha256)" \
	'[ "$AP_CODE" = 200 ] && has "$AP_BODY" "length 10485760" && has "$AP_BODY" "sha $want"'

# ---- limits ----

t0=$(date +%s%N)
curl -s --max-time 20 -H "Host: alice.test" -o "$CJ_WORK/cpu.out" "http://127.0.0.1:$AP_PORT/cgi-bin/cpu.cgi" &
cpu_job=$!
sleep 0.3
ap_get bob.test /cgi-bin/hello.py
expect "Apache serves other requests while a CGI loops" '[ "$AP_CODE" = 200 ]'
wait "$cpu_job"
cpu_ms=$((($(date +%s%N) - t0) / 1000000))
AP_BODY=$(cat "$CJ_WORK/cpu.out") AP_CODE=-
expect "a looping CGI gets SIGXCPU at the soft CPU limit (1 s)" 'has "$AP_BODY" "looping" && has "$AP_BODY" "SIGXCPU"'
expect "... and is killed at the hard one (2 s; ended after ${cpu_ms} ms)" '! has "$AP_BODY" "done" && [ "$cpu_ms" -lt 10000 ]'

ap_get alice.test /cgi-bin/bomb.cgi
bomb=$AP_BODY
peak=$(ap_count_uid "$UA")
expect "a fork bomb stops at the nproc limit ($NPROC): fork fails with EAGAIN" \
	'[ "$AP_CODE" = 200 ] && has "$bomb" "errno 11 "'
expect "... with at most $NPROC processes of $A ($peak while it sleeps)" '[ "$peak" -le "$NPROC" ] && [ "$peak" -gt 1 ]'
ap_get bob.test /cgi-bin/hello.py
expect "Apache serves another customer during the fork bomb" '[ "$AP_CODE" = 200 ] && [[ $AP_BODY == hello* ]]'
for ((i = 0; i < 100; i++)); do [ "$(ap_count_uid "$UA")" = 0 ] && break; sleep 0.1; done
expect "... and the bomb's processes are gone after their 3 s" '[ "$(ap_count_uid "$UA")" = 0 ]'

# ---- FastCGI ----

log_mark
# One curl for all (its --max-time is per URL: timeout bounds the whole),
# in the background: a TERM to the suite must not wait for it to end. When
# the first request fails there is no point in 999 more.
ap_get alice.test "/fcgi/count.fcgi?n=0"
out=
if [ "$AP_CODE" = 200 ]; then
	timeout -k 5 60 curl -s --max-time 10 -H "Host: alice.test" \
		"http://127.0.0.1:$AP_PORT/fcgi/count.fcgi?n=[1-1000]" >"$CJ_WORK/fcgi.out" &
	wait $!
	out=$(cat "$CJ_WORK/fcgi.out")
fi
n=$(grep -c '^pid ' <<<"$out")
pids=$(awk '/^pid / { print $2 }' <<<"$out" | sort -u | wc -l)
counts=$(awk '/^pid / { print $4 }' <<<"$out" | sort -un | wc -l)
AP_BODY=$(head -n 3 <<<"$out") AP_CODE=-
expect "mod_fcgid through cgijail answers 1000 requests" '[ "$n" = 1000 ]'
expect "... all from one FastCGI process (request counts 2..1001 after a first request)" '[ "$pids" = 1 ] && [ "$counts" = 1000 ] && has "$out" " count 1001 "'
expect "... running as $A inside $A's jail" 'has "$out" "uid $UA jail $A query n=1"'
expect "... started once through cgijail" \
	'[ "$(log_new | grep -c "decision=exec code=0")" = 1 ] && has "$(log_new)" "starter"'

pid=$AP_PID
ap_stop
expect "Apache stops by its pid ($pid)" '! kill -0 "$pid" 2>/dev/null'
tap_end
