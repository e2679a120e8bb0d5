#!/usr/bin/env bash
# The outside security review's findings (issue 12), as hostile cases:
#  1. no namespace combination cgijail accepts lets a CGI see or reach (its
#     /proc/PID/root and /mem, ptrace, process_vm_readv, pidfd_getfd) a
#     process its customer runs on the host; the ones that would are refused;
#  2. neither the CGI nor another process of its customer (nor www-data) can
#     stop, signal or ptrace the timeout supervisor: the CGI dies on time;
#  3. a caller's tiny RLIMIT_STACK crashes no refusal: each is logged with
#     its code, and the CGI gets the configured (or the caller's) limits;
#  4. hundreds of concurrent requests with multi-KB names: every log line whole;
#  5. [user:NAME] applies to NAME exactly, not to a name differing in case;
#  6. the caller's SSL_CERT_FILE / SSL_CERT_DIR never reach the CGI.
# (7, the policy that cannot be built, is tests/unit/test_config.c.)
# TAP on stdout; exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/hostile.sh"
. "$CJ_TOP/tests/lib/kernel.sh"

# conf [SECTIONS]: the suite's config, with SECTIONS after the head.
conf() { { cj_conf_head; printf '\n%s\n' "${1-}"; } | cj_conf; }

setup() {
	cj_install || return 2
	cj_build_cgis || return 2
	cj_probe_sites "$CJ_TOP/tests/integration/probes/review_probe.c" \
		cjrns cjrsv cjrlim cjrcase cjrenv || return 2
	# The mount points namespaces = pid,mount needs (cgijailctl init makes
	# them: a thin jail has them).
	[ -d "$CJ_SRV/jails/cjrns/proc" ] || { mkdir -m 0555 "$CJ_SRV/jails/cjrns/proc" &&
		mkdir -m 0700 "$CJ_SRV/jails/cjrns/tmp" && chown cjrns:cjrns "$CJ_SRV/jails/cjrns/tmp"; } || return 2
	cj_cgi "$CJ_WORK/dump-static" "$(cj_bin cjrenv)/dump.cgi" cjrenv:cjrenv || return 2
	# A dynamic program in a jail without its loader: refused after the
	# check. (Its own loader's name: a thin jail has the host's.)
	gcc -O1 -w -Wl,--dynamic-linker=/lib64/ld-linux-cjt-none.so.2 -o "$CJ_WORK/dump-noloader" "$CJ_WORK/dump.c" &&
		cj_cgi "$CJ_WORK/dump-noloader" "$(cj_bin cjrenv)/dyn.cgi" cjrenv:cjrenv || return 2
	conf
}

if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

result() { cj_val "$1"; }

# ---- 1. /proc, ptrace and the like: a process of the customer on the host ----

setpriv --reuid=cjrns --regid=cjrns --clear-groups -- sleep 600 </dev/null >/dev/null 2>&1 &
HOST_PID=$!
cj_atexit "kill -KILL $HOST_PID 2>/dev/null; wait $HOST_PID 2>/dev/null"
for _ in $(seq 50); do
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$HOST_PID/status" 2>/dev/null)" = "$(cj_uid cjrns)" ] && break
	sleep 0.05
done

unreachable() {
	local k
	[ "$CJ_RC" = 0 ] && [ "$(result listed)" = no ] || return 1
	for k in stat root mem cwd ptrace vmread pidfd_getfd; do
		case $(result "$k") in ''|ok) diag "$k: '$(result "$k")'"; return 1 ;; esac
	done
}

NS_MISSING=$(kernel_ns_missing)
for mask in $(seq 0 31); do
	ns=""
	for bit in 0 1 2 3 4; do
		((mask & (1 << bit))) || continue
		n=(pid ipc net uts mount); ns=${ns:+$ns,}${n[$bit]}
	done
	missing=""
	for n in $NS_MISSING; do case ,$ns, in *,$n,*) missing="$missing $n" ;; esac; done
	if [ -n "$missing" ]; then
		for sec in default off; do ok "namespaces = $ns, seccomp = $sec # SKIP root cannot create${missing} namespaces here"; done
		continue
	fi
	for sec in default off; do
		conf "[user:cjrns]
namespaces = ${ns:-none}
seccomp = $sec"
		cj_probe cjrns reach "$HOST_PID"
		# A bind-mode thin jail's template is mounted in the CGI's own
		# mount namespace: a config without one serves nothing.
		if [ "${CJ_THIN-}" = bind ] && [[ ,$ns, != *,mount,* ]] && { [[ ,$ns, == *,pid,* ]] || [ "$sec" = default ]; }; then
			h_refused "namespaces = ${ns:-none}, seccomp = $sec, a bind-mode thin jail (no mount namespace for the template): refused" \
				CJ_CONFIG_VALUE 'template_mode = bind needs namespaces = pid,mount'
			continue
		fi
		case ,$ns, in
		*,pid,*) h_safe "namespaces = ${ns:-none}, seccomp = $sec: the customer's host process is neither in /proc nor reachable (root, mem, cwd, ptrace, process_vm_readv, pidfd_getfd)" unreachable ;;
		*,mount,*)
			h_refused "namespaces = $ns, seccomp = $sec (mount without pid): refused, CJ_CONFIG_ESCAPE" \
				CJ_CONFIG_ESCAPE 'namespaces = mount without pid' ;;
		*)
			if [ "$sec" = off ]; then
				h_refused "namespaces = ${ns:-none}, seccomp = off (ptrace without pid): refused, CJ_CONFIG_ESCAPE" \
					CJ_CONFIG_ESCAPE 'seccomp = off allows ptrace'
			else
				h_safe "namespaces = ${ns:-none}, seccomp = default: the customer's host process is neither in /proc nor reachable" unreachable
			fi ;;
		esac
	done
done
conf

# ---- 2. the timeout supervisor ----

conf "[user:cjrsv]
timeout = 1"
cj_probe cjrsv stopsv
h_safe "timeout = 1, the CGI stops its parent (kill -STOP \$PPID): EPERM (in a pid namespace: no parent to name, ESRCH), and the CGI is killed on time (exit $(cj_code CJ_TIMEOUT))" \
	'{ [ "$(result stopsv)" = EPERM ] || { [ "$(result ppid)" = 0 ] && [ "$(result stopsv)" = ESRCH ]; }; } &&
	 [ "$CJ_RC" = "$(cj_code CJ_TIMEOUT)" ] && ! grep -q survived <<<"$CJ_OUT"'

conf "[user:cjrsv]
timeout = 3"
BIN=$(cj_bin cjrsv)
(cd "$BIN" && exec setpriv --reuid=www-data --regid=www-data --clear-groups -- \
	env -i PATH=/usr/bin:/bin "$CJ_BIN" cjrsv cjrsv probe.cgi sleep 30) >"$CJ_WORK/sv.out" 2>"$CJ_WORK/sv.err" </dev/null &
SV=$!
t0=$SECONDS
for _ in $(seq 100); do grep -q '^sleeping' "$CJ_WORK/sv.out" && break; sleep 0.03; done
as_customer() { setpriv --reuid=cjrsv --regid=cjrsv --clear-groups -- "$@"; }
as_www() { setpriv --reuid=www-data --regid=www-data --clear-groups -- "$@"; }
SV_UIDS=$(awk '/^Uid:/ { print $2, $3, $4 }' "/proc/$SV/status" 2>/dev/null)
h_safe "the supervisor runs as supervisor_user (real, saved) with the customer's effective uid" \
	'[ "$SV_UIDS" = "$(cj_uid "$CJ_SV_USER") $(cj_uid cjrsv) $(cj_uid "$CJ_SV_USER")" ] || { diag "uids: $SV_UIDS"; false; }'
h_safe "another process of the customer cannot stop the supervisor (kill -STOP: EPERM)" \
	'! as_customer kill -STOP "$SV" 2>/dev/null'
h_safe "www-data cannot stop or signal the supervisor" \
	'! as_www kill -STOP "$SV" 2>/dev/null && ! as_www kill -TERM "$SV" 2>/dev/null'
as_customer "$BIN/probe.cgi" reach "$SV" >"$CJ_WORK/sv.reach" 2>&1
h_safe "another process of the customer cannot ptrace the supervisor, nor open its /proc/PID/mem" \
	'grep -qx "ptrace EPERM" "$CJ_WORK/sv.reach" && grep -qx "mem EACCES" "$CJ_WORK/sv.reach" && grep -qx "vmread EPERM" "$CJ_WORK/sv.reach"'
# Stopped (state T), it would never end: note it, and let it go on.
SV_STATE=$(awk '{ print $3 }' "/proc/$SV/stat" 2>/dev/null)
kill -CONT "$SV" 2>/dev/null
wait "$SV"; rc=$?
h_safe "after all that, the supervisor was never stopped and killed the CGI at its timeout (exit $(cj_code CJ_TIMEOUT), within a few seconds)" \
	'[ "$SV_STATE" != T ] && [ "$rc" = "$(cj_code CJ_TIMEOUT)" ] && [ $((SECONDS - t0)) -lt 10 ] && ! grep -q survived "$CJ_WORK/sv.out"'
conf "supervisor_user = nosuchsupervisor
[user:cjrsv]
timeout = 1"
cj_probe cjrsv sleep 0
h_refused "supervisor_user that does not exist: refused before anything runs, naming it" CJ_SUPERVISOR \
	'no user nosuchsupervisor for the supervisor'
# (A bind-mode thin jail needs the mount namespace too.)
SV_NS=pid; [ "${CJ_THIN-}" != bind ] || SV_NS=pid,mount
conf "supervisor_user = www-data
[user:cjrsv]
namespaces = $SV_NS"
cj_probe cjrsv sleep 0
h_refused "supervisor_user = www-data (the caller could signal it): refused" CJ_SUPERVISOR \
	'supervisor_user www-data .* must be a system user of its own'
conf

# ---- 3. a caller's small RLIMIT_STACK ----

# Raising a hard limit needs CAP_SYS_RESOURCE, which some containers drop
# from the bounding set: cgijail then runs on a stack of its own, and a
# configured limit above the caller's hard one cannot be given (CJ_LIMITS).
if (( 0x$(awk '/^CapBnd:/ { print $2 }' /proc/self/status) >> 24 & 1 )); then RAISE=1; else RAISE=0; fi
configured_stack_given() {
	if [ "$RAISE" = 1 ]; then
		[ "$CJ_RC" = 0 ] && [ "$(result rlimit_stack)" = 1048576:1048576 ]
	else
		[ "$CJ_RC" = "$(cj_code CJ_LIMITS)" ] && grep -q "limit stack: Operation not permitted" <<<"$CJ_ERR" &&
			grep -q "decision=refused code=$(cj_code CJ_LIMITS) " <<<"$CJ_LOGNEW"
	fi
}
# stack_run KIB [soft] ARG...: cj_run ARG... with cgijail (alone: not the
# tools that start it) under RLIMIT_STACK KIB, soft and hard (or soft only).
stack_run() {
	local kib=$1 lim w; shift
	if [ "$1" = soft ]; then lim="$((kib * 1024)):unlimited"; shift; else lim=$((kib * 1024)); fi
	w=$CJ_PREFIX/bin/stack-$kib-${lim#*:}
	printf '#!/bin/sh\nexec prlimit --stack=%s -- %s "$@"\n' "$lim" "$CJ_BIN" >"$w" && chmod 0755 "$w"
	CJ_BIN_RUN=$w cj_run "$@"
}
conf "[user:cjrlim]
stack = 1M"
for kib in 16 32 48 64 80; do
	cj_reset_run; CJ_AS=nobody; CJ_AS_GROUPS=www-data
	stack_run "$kib" "$(cj_bin cjrenv)" cjrenv cjrenv probe.cgi
	h_refused "stack $kib KiB (soft and hard): a caller other than www-data is refused and logged" \
		CJ_CALLER_MISMATCH 'nobody instead of www-data'
	cj_reset_run
	stack_run "$kib" "$(cj_bin cjrenv)" cjrenv cjrenv missing.cgi
	h_refused "stack $kib KiB: a missing program is refused and logged" CJ_PROG_OPEN 'missing.cgi: No such file'
	stack_run "$kib" "$(cj_bin cjrenv)" cjrenv cjrenv dyn.cgi
	h_refused "stack $kib KiB: a program whose loader the jail lacks is refused after the check and logged" \
		CJ_MISSING_INTERPRETER 'ld-linux'
	stack_run "$kib" "$(cj_bin cjrlim)" cjrlim cjrlim probe.cgi limits
	if [ "$RAISE" = 1 ]; then what="the CGI runs with 1M"; else what="refused and logged (CJ_LIMITS: no CAP_SYS_RESOURCE here to raise the caller's hard limit)"; fi
	h_safe "stack $kib KiB, stack = 1M configured: $what" configured_stack_given
done
cj_reset_run
stack_run 80 "$(cj_bin cjrenv)" cjrenv cjrenv probe.cgi limits
h_safe "stack 80 KiB, nothing configured: the CGI runs and gets the caller's stack limit back" \
	'[ "$CJ_RC" = 0 ] && [ "$(result rlimit_stack)" = 81920:81920 ]'
stack_run 16 soft "$(cj_bin cjrenv)" cjrenv cjrenv probe.cgi limits
h_safe "stack 16 KiB soft (hard unlimited), nothing configured: the CGI runs and gets 16 KiB back" \
	'[ "$CJ_RC" = 0 ] && [ "$(result rlimit_stack)" = 16384:18446744073709551615 ]'
cj_reset_run
conf

# ---- 4. concurrent requests, long names: every log line whole ----

N=300
size=$(stat -c %s "$CJ_LOG" 2>/dev/null || echo 0)
long=$(printf '%*s' 1900 '' | tr ' ' '"')
pids=()
for i in $(seq "$N"); do
	(cd "$(cj_bin cjrlim)" && exec setpriv --reuid=www-data --regid=www-data --clear-groups -- \
		env -i "$CJ_BIN" cjrlim cjrlim "$long-$i.cgi") >/dev/null 2>&1 </dev/null &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
tail -c +$((size + 1)) "$CJ_LOG" >"$CJ_WORK/concurrent.log"
whole='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z cgijail\[[0-9]+\]: caller=www-data\([0-9]+\) uid=[0-9]+\(cjrlim\) gid=[0-9]+\(cjrlim\) cwd="[^"]*" cmd="(\\x22){1900}-[0-9]+\.cgi" decision=refused code=117 reason="[^"]*"$'
h_safe "$N concurrent requests with names of 1900 quotes (7.6 KB escaped): $N log lines, each whole" \
	'[ "$(grep -c "" "$CJ_WORK/concurrent.log")" = "$N" ] && [ "$(grep -cE "$whole" "$CJ_WORK/concurrent.log")" = "$N" ] &&
	 [ "$(sed -E "s/^[^[]*\[([0-9]+)\].*/\1/" "$CJ_WORK/concurrent.log" | sort -u | wc -l)" = "$N" ]'

# ---- 5. [user:NAME] sections match NAME exactly ----

conf "[user:CJRCASE]
require_jail = no
jail_root = none
stack = 2M"
cj_probe cjrcase limits
h_safe "[user:CJRCASE] (no jail, stack 2M) does not apply to user cjrcase" \
	'[ "$CJ_RC" = 0 ] && [ "$(result rlimit_stack)" != 2097152:2097152 ] && grep -q " uid=[0-9]*(cjrcase) " <<<"$CJ_LOGNEW"'
if cj_user CJRUPPER 2>/dev/null; then
	j=$(cj_jail CJRUPPER) && cj_site CJRUPPER && cj_cgi "$CJ_WORK/probe" "$j/var/www/cgi-bin/probe.cgi" CJRUPPER:CJRUPPER
	conf "[user:CJRUPPER]
stack = 3M"
	cj_probe CJRUPPER limits
	h_safe "a user named in upper case gets its own [user:CJRUPPER] section" \
		'[ "$CJ_RC" = 0 ] && [ "$(result rlimit_stack)" = 3145728:3145728 ]'
else
	ok "users named only in case apart # SKIP this system's useradd refuses upper-case names"
fi
conf "[user:Cjrcase]
stack = 2M
[user:cjrcase]
stack = 3M"
cj_probe cjrcase limits
h_refused "[user:Cjrcase] and [user:cjrcase] in one file: refused, saying why" CJ_CONFIG_VALUE \
	'\[user:Cjrcase\] and \[user:cjrcase\] differ only in case'
conf

# ---- 6. variables that configure the CGI's libraries ----

cj_reset_run
CJ_ENV=(SSL_CERT_FILE=/tmp/planted-ca.pem SSL_CERT_DIR=/tmp SSL_CLIENT_S_DN_CN=client
	SSL_PROTOCOL=TLSv1.3 HTTP_PROXY_HOST=evil.example HTTP_PROXY=http://evil.example)
cj_run "$(cj_bin cjrenv)" cjrenv cjrenv dump.cgi
h_safe "SSL_CERT_FILE, SSL_CERT_DIR, HTTP_PROXY and HTTP_PROXY_* from the caller never reach the CGI; mod_ssl's SSL_* do" \
	'[ "$CJ_RC" = 0 ] && ! cj_env SSL_CERT_FILE >/dev/null && ! cj_env SSL_CERT_DIR >/dev/null &&
	 ! cj_env HTTP_PROXY_HOST >/dev/null && ! cj_env HTTP_PROXY >/dev/null &&
	 [ "$(cj_env SSL_CLIENT_S_DN_CN)" = client ] && [ "$(cj_env SSL_PROTOCOL)" = TLSv1.3 ]'

h_report
tap_end
