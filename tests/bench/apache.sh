#!/usr/bin/env bash
# Benchmark through a real Apache (called by scripts/bench; runs alone too):
#   sudo bash tests/bench/apache.sh [SECONDS]     (per case, default 5)
# wrk on loopback, bounded in time, against a private Apache (mod_cgid,
# event MPM; tests/e2e/apache-lib.sh) serving a static C CGI and a #!/bin/sh
# CGI under
#   (a) mod_cgid without suexec (the CGI runs as www-data, unjailed),
#   (b) Debian's suexec-pristine (as the customer, unjailed),
#   (c) cgijail, check = full (as the customer, in the jail), served from
#       its check cache where cgijail has one (check_cache = yes),
#   (e) cgijail, check = full, check_cache = no: the cold check, every time
#       (only where cgijail has the cache),
#   (d) cgijail, check = off,
#   (f), (g) (c) under mod_cgi, with mpm_prefork and mpm_event;
# prints requests/s, latency p50/p99, and the ratios between the cases
# measured in this one run; (a), (b) and (c) are medians of
# $CJ_BENCH_ROUNDS (3) rounds, the two servers taking turns. Not a test:
# nothing here passes or fails.
# Uses the cgijail of $CJ_BUILD (default build-bench, as scripts/bench builds
# it, with its config /etc/cgijail-bench/cgijail.conf).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-5}
conns=${CJ_BENCH_CONNS:-4}
rounds=${CJ_BENCH_ROUNDS:-3}
: "${CJ_BUILD:=$top/build-bench}" "${CJ_CONF_DIR:=/etc/cgijail-bench}" "${CJ_LOG:=/var/log/cgijail-bench.log}"
export CJ_BUILD CJ_CONF_DIR CJ_LOG CJ_TOP=$top
[ "$(id -u)" = 0 ] || { echo "tests/bench/apache.sh: run as root" >&2; exit 2; }
command -v wrk >/dev/null || { echo "tests/bench/apache.sh: no wrk (scripts/deps bench)" >&2; exit 2; }
if [ ! -x "$CJ_BUILD/src/cgijail/cgijail" ]; then
	[ -f "$CJ_BUILD/build.ninja" ] || meson setup "$CJ_BUILD" -Dtests=disabled -Dbuildtype=release \
		-Dconfig="$CJ_CONF_DIR/cgijail.conf" -Dlog="$CJ_LOG" >/dev/null || exit 2
	ninja -C "$CJ_BUILD" >/dev/null || exit 2
fi
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/cgijail.sh"
. "$top/tests/e2e/apache-lib.sh"

U=cjwbench
fail() { echo "tests/bench/apache.sh: $*" >&2; exit 2; }

cj_install || fail "cannot install the setuid cgijail"
# A uid below the test suites' ranges (42000 and up), which their start-up
# sweeps: a suite started meanwhile must not delete our user.
userdel "$U" 2>/dev/null; groupdel "$U" 2>/dev/null
for ((UID_BENCH = 41990; UID_BENCH > 41900; UID_BENCH--)); do
	getent passwd "$UID_BENCH" >/dev/null || getent group "$UID_BENCH" >/dev/null || break
done
groupadd -g "$UID_BENCH" "$U" && useradd -M -N -u "$UID_BENCH" -g "$UID_BENCH" -d /nonexistent -s /usr/sbin/nologin "$U" ||
	fail "cannot create the user $U ($UID_BENCH)"
cj_atexit "ap_kill_uid $UID_BENCH; ap_forget_cache $UID_BENCH; userdel $U; groupdel $U 2>/dev/null"
J=$(cj_jail "$U") && cj_site "$U" || fail "cannot make the jail"
jail_copy_prog "$J" /bin/sh || fail "cannot fill the jail"
cgi=$J/var/www/cgi-bin
printf '#include <stdio.h>\nint main(void){puts("Content-Type: text/plain\\n\\nhello");return 0;}\n' |
	cc_prog "$CJ_WORK/hello.cgi" -O2 -static || fail "cannot compile the CGI"
cj_cgi "$CJ_WORK/hello.cgi" "$cgi/hello.cgi" "$U:$U"
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nhello\\n"\n' >"$CJ_WORK/hello.sh"
cj_cgi "$CJ_WORK/hello.sh" "$cgi/hello.sh" "$U:$U"

# Whether this cgijail has the check cache (its build defines the directory).
has_cache=0
grep -q '^#define CJ_CACHE_DIR ' "$CJ_BUILD/cj_build.h" 2>/dev/null && has_cache=1

# write_cgijail_conf CHECK [CACHE]: then two seconds without a change, as an
# admin's config has: cgijail parses it once and keeps it (keptconfig.c).
write_cgijail_conf() {
	cj_conf <<EOF
[cgijail]
caller = www-data
min_uid = 1000
min_gid = 1000
syslog = no
jail_root = $CJ_SRV/jails/%u
docroot = $CJ_SRV/jails/%u/var/www
check = $1
$([ "$has_cache" = 0 ] || echo "check_cache = ${2:-yes}")
EOF
	sleep 2.1
}

vhost() { # NAME DOCROOT [SuexecUserGroup line]
	cat <<EOF
<VirtualHost 127.0.0.1:$AP_PORT>
    ServerName $1
    DocumentRoot $2
    ${3-}
    ScriptAlias /cgi-bin/ $2/cgi-bin/
    <Directory $2>
        Require all granted
    </Directory>
</VirtualHost>
EOF
}

# ms VALUE-WITH-UNIT: wrk's 850.00us / 1.23ms / 1.01s in milliseconds.
ms() { awk -v v="$1" 'BEGIN { u = v; sub(/^[0-9.]+/, "", u); n = v + 0;
	printf "%.2f", u == "us" ? n / 1000 : u == "s" ? n * 1000 : u == "m" ? n * 60000 : n }'; }

# run KEY HOST PATH: wrk for $secs seconds, one round of case KEY: adds to
# ALL_RPS_KEY, ALL_P50_KEY, ALL_P99_KEY and BAD_KEY (settle takes medians).
run() {
	local key=$1 host=$2 path=$3 out bad
	out=$(wrk -t1 -c"$conns" -d"${secs}s" --latency -H "Host: $host" "http://127.0.0.1:$AP_PORT$path" 2>&1)
	add_round "RPS_$key" "$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
	add_round "P50_$key" "$(ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
	add_round "P99_$key" "$(ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
	bad=$(awk '/Non-2xx or 3xx responses:/ { n = $NF } /Socket errors/ { e = 1 } END { print n + 0 }' <<<"$out")
	local b="BAD_$key"
	printf -v "$b" '%s' "$(( ${!b:-0} + bad ))"
}
add_round() { local n="ALL_$1"; printf -v "$n" '%s %s' "${!n-}" "$2"; }
# settle KEY: RPS_KEY, P50_KEY and P99_KEY, the medians of its rounds.
settle() {
	local m n
	for m in RPS P50 P99; do
		n="ALL_${m}_$1"
		printf -v "${m}_$1" '%s' "$(tr ' ' '\n' <<<"${!n-}" | grep -v '^$' | sort -n |
			awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : 0 }')"
	done
}

# sanity HOST PATH: one request must be answered "hello" (else the case is broken).
sanity() {
	ap_get "$1" "$2"
	[ "$AP_CODE" = 200 ] && [ "$AP_BODY" = hello ] || {
		echo "tests/bench/apache.sh: $1$2 answered $AP_CODE: $AP_BODY" >&2; ap_error_log | tail -n 5 >&2; return 1; }
}

warm() { wrk -t1 -c"$conns" -d1s -H "Host: $1" "http://127.0.0.1:$AP_PORT$2" >/dev/null 2>&1; }

ap_init || fail "cannot prepare Apache"
mkdir -m 0755 "$AP_ROOT/apache-log"

# (a) and (b): one server; suexec-pristine only takes CGIs below /var/www,
# so the jail's var/www is bind-mounted there (in the server's namespace
# only), and suexec's log directory too. The CGIs are the same files.
pristine=/usr/lib/apache2/suexec-pristine
[ -u "$pristine" ] || fail "$pristine is missing (apt-get install apache2-suexec-pristine)"
# Cases (a), (b) and (c) in $rounds rounds, the two servers taking turns
# (which goes first alternates): the VM's speed drifts over minutes, so
# each is the median of its rounds, measured side by side.
pristine_round() {
	{ vhost plain.test /var/www; vhost pristine.test /var/www "SuexecUserGroup $U $U"; } | ap_conf
	ap_start "$pristine" "$J/var/www" /var/www "$AP_ROOT/apache-log" /var/log/apache2 ||
		fail "cannot start Apache (a, b)"
	for k in cgi:hello.cgi sh:hello.sh; do
		sanity plain.test "/cgi-bin/${k#*:}" && sanity pristine.test "/cgi-bin/${k#*:}" || exit 2
		warm plain.test "/cgi-bin/${k#*:}"
		run "a_${k%%:*}" plain.test "/cgi-bin/${k#*:}"
		run "b_${k%%:*}" pristine.test "/cgi-bin/${k#*:}"
	done
	ap_stop
}
# jail_cases CASE: each CGI of jail.test answered, warmed up, one round.
jail_cases() {
	for k in cgi:hello.cgi sh:hello.sh; do
		sanity jail.test "/cgi-bin/${k#*:}" || exit 2
		warm jail.test "/cgi-bin/${k#*:}"
		run "$1_${k%%:*}" jail.test "/cgi-bin/${k#*:}"
	done
}
cgijail_round() {
	vhost jail.test "$J/var/www" "SuexecUserGroup $U $U" | ap_conf
	ap_start "$CJ_BIN" || fail "cannot start Apache (c)"
	jail_cases c
	ap_stop
}
write_cgijail_conf full yes
for ((r = 0; r < rounds; r++)); do
	if ((r % 2 == 0)); then pristine_round; cgijail_round; else cgijail_round; pristine_round; fi
done

# (e) and (d), once each: cgijail with the cold check, and with none.
vhost jail.test "$J/var/www" "SuexecUserGroup $U $U" | ap_conf
ap_start "$CJ_BIN" || fail "cannot start Apache (e, d)"
for k in cgi:hello.cgi sh:hello.sh; do
	if [ "$has_cache" = 1 ]; then
		write_cgijail_conf full no
		sanity jail.test "/cgi-bin/${k#*:}" || exit 2
		run "e_${k%%:*}" jail.test "/cgi-bin/${k#*:}"
	fi
	write_cgijail_conf off
	sanity jail.test "/cgi-bin/${k#*:}" || exit 2
	run "d_${k%%:*}" jail.test "/cgi-bin/${k#*:}"
done
ap_stop

# (f) and (g): (c) under mod_cgi, mpm_prefork then mpm_event: mod_cgi logs a
# CGI's stderr (cgijail's reasons) with its request, in the virtual host's
# ErrorLog (README.md, "Where the reasons go"); mod_cgid forks from its
# daemon, mod_cgi from the worker that took the request.
write_cgijail_conf full yes
for m in prefork:f event:g; do
	AP_MPM=${m%%:*} AP_CGI=cgi ap_start "$CJ_BIN" || fail "cannot start Apache (${m#*:})"
	jail_cases "${m#*:}"
	ap_stop
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# added X A: what case X adds per request over case A, in microseconds of the
# whole server (1/throughput; $conns connections on $(nproc) cores).
added() { awk -v x="$1" -v a="$2" 'BEGIN { printf "%.0f", (x > 0 && a > 0) ? 1e6 / x - 1e6 / a : 0 }'; }
v() { local n="$1_$2"; echo "${!n}"; }

for c in a b c e d f g; do for kind in cgi sh; do settle "${c}_$kind"; done; done
echo
echo "Through Apache $("$AP_BIN" -v | sed -n 's/^Server version: //p') (event MPM, mod_cgid; (f) (g) mod_cgi): wrk, ${secs} s per case, $conns connections, loopback;" \
	"(a) (b) (c): medians of $rounds interleaved rounds"
for kind in cgi sh; do
	[ "$kind" = cgi ] && echo "  static C CGI" || echo "  #!/bin/sh CGI"
	printf '    %-34s %9s %8s %8s %9s %12s\n' case "req/s" "p50 ms" "p99 ms" "vs (a)" "added us/req"
	cases="a b c d f g"; [ "$has_cache" = 0 ] || cases="a b c e d f g"
	for c in $cases; do
		case $c in
		a) name="(a) mod_cgid, no suexec" ;;
		b) name="(b) suexec-pristine" ;;
		c) name="(c) cgijail, check = full"; [ "$has_cache" = 0 ] || name="$name, cached" ;;
		e) name="(e) cgijail, full, no cache" ;;
		d) name="(d) cgijail, check = off" ;;
		f) name="(f) (c) under mod_cgi, prefork" ;;
		g) name="(g) (c) under mod_cgi, event" ;;
		esac
		bad=$(v "BAD_$c" "$kind")
		printf '    %-34s %9s %8s %8s %9s %12s%s\n' "$name" "$(v "RPS_$c" "$kind")" "$(v "P50_$c" "$kind")" \
			"$(v "P99_$c" "$kind")" "$(ratio "$(v "RPS_$c" "$kind")" "$(v RPS_a "$kind")")" \
			"$(added "$(v "RPS_$c" "$kind")" "$(v RPS_a "$kind")")" "$([ "$bad" = 0 ] || echo "  ($bad non-2xx!)")"
	done
	echo "    req/s ratios: cgijail full / pristine $(ratio "$(v RPS_c "$kind")" "$(v RPS_b "$kind")")," \
		"cgijail off / pristine $(ratio "$(v RPS_d "$kind")" "$(v RPS_b "$kind")")," \
		"cgijail full / off $(ratio "$(v RPS_c "$kind")" "$(v RPS_d "$kind")")"
	echo "    req/s ratios: cgijail under mod_cgi / mod_cgid: prefork $(ratio "$(v RPS_f "$kind")" "$(v RPS_c "$kind")")," \
		"event $(ratio "$(v RPS_g "$kind")" "$(v RPS_c "$kind")")"
	[ "$has_cache" = 0 ] || echo "    cached / cold check: $(ratio "$(v RPS_c "$kind")" "$(v RPS_e "$kind")")," \
		"cold check / pristine $(ratio "$(v RPS_e "$kind")" "$(v RPS_b "$kind")")"
done
