#!/usr/bin/env bash
# Root integration tests of cgijail's resource limits and wall-clock timeout:
# a static probe CGI (tests/integration/probes/limits_probe.c) runs into each
# limit of [limits] inside a real jail, run by the setuid binary as Apache
# would; the timeout's supervisor kills a sleeping CGI and its child, passes
# on exit statuses and Apache's SIGTERM, and takes the CGI with it when it is
# killed itself. The refusals of privileged steps that only a failing system
# call reaches (setgroups, setresuid, chroot, the drop's proof, seccomp, the
# supervisor's fork) are provoked with strace's fault injection. TAP on
# stdout; exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"

write_conf() {
	{ cj_conf_head; cat <<EOF; } | cj_conf

[user:cjtlim]
cpu = 1:2
as = 512M
data = 64M
stack = 256K
nproc = 4
nofile = 20
fsize = 64K
core = 0
nice = 7

[user:cjttime]
timeout = 1

[user:cjtlong]
timeout = 30
EOF
}

setup() {
	cj_install || return 2
	cj_probe_sites "$CJ_TOP/tests/integration/probes/limits_probe.c" cjtlim cjtfree cjttime cjtlong || return 2
	write_conf
}

if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

result() { cj_val "$1"; }

# ---- each limit, hit ----

cj_probe cjtlim cpu
cj_expect "cpu = 1:2: a CGI in an endless loop dies of SIGXCPU after a second of CPU (exit 152)" \
	'[ "$CJ_RC" = 152 ] && [ "$CJ_RAN" = 1 ]'
cj_probe cjtlim as
cj_expect "as = 512M: allocating 1 GiB fails with ENOMEM" '[ "$(result as)" = ENOMEM ]'
cj_probe cjtfree as
cj_expect "control, no limits: allocating 1 GiB works" '[ "$(result as)" = ok ]'
cj_probe cjtlim data
cj_expect "data = 64M: allocating 128 MiB fails with ENOMEM" '[ "$(result data)" = ENOMEM ]'
cj_probe cjtfree data
cj_expect "control: allocating 128 MiB works" '[ "$(result data)" = ok ]'
cj_probe cjtlim stack
cj_expect "stack = 256K: deep recursion dies of SIGSEGV (exit 139)" '[ "$CJ_RC" = 139 ] && [ "$CJ_RAN" = 1 ]'
cj_probe cjtlim nproc
cj_expect "nproc = 4: the CGI's fork fails with EAGAIN before a fourth process" \
	'[[ "$(result nproc)" =~ ^EAGAIN\ after\ [1-3]$ ]]'
cj_probe cjtfree nproc
cj_expect "control: 64 forks work" '[ "$(result nproc)" = "none after 64" ]'
cj_probe cjtlim nofile
cj_expect "nofile = 20: the 18th open fails with EMFILE (0-2 are stdio)" '[ "$(result nofile)" = "EMFILE after 17" ]'
cj_probe cjtlim fsize
cj_expect "fsize = 64K: a file stops at 65536 bytes, the next write fails with EFBIG" \
	'[ "$(result fsize)" = "65536 EFBIG" ] && [ ! -e "$(cj_bin cjtlim)/fsize.out" ]'
cj_probe cjtfree fsize
cj_expect "control: 2 MiB are written" '[ "$(result fsize)" = "1048576 ok" ]'
cj_probe cjtlim core
cj_expect "core = 0: the CGI cannot raise its core limit (hard limit 0: EPERM)" '[ "$(result core)" = EPERM ]'
cj_probe cjtlim nice
cj_expect "nice = 7: the CGI runs at nice 7" '[ "$(result nice)" = 7 ]'

# ---- the timeout and its supervisor ----

# pids_gone USER [N]: the pids the sleeping probe wrote (the CGI, its child;
# only the first N) are no longer running.
pids_gone() {
	local p
	for p in $(head -c 1000 "$(cj_bin "$1")/pids" 2>/dev/null | tr ' ' '\n' | head -n "${2:-2}"); do
		[ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && { diag "pid $p still runs"; return 1; }
	done
	[ -s "$(cj_bin "$1")/pids" ] || { diag "no pids file"; return 1; }
}

cj_probe cjttime sleep 30
cj_expect "timeout = 1: a CGI sleeping 30 s is killed; exit $(cj_code CJ_TIMEOUT)" \
	'[ "$CJ_RC" = "$(cj_code CJ_TIMEOUT)" ] && grep -q "^sleeping" <<<"$CJ_OUT" && ! grep -q "^woke" <<<"$CJ_OUT"'
cj_expect "timeout: the log has the exec line, then decision=timeout with the reason; one line on stderr" \
	'[ "$(grep -c . <<<"$CJ_LOGNEW")" = 2 ] && grep -q "decision=exec" <<<"$(head -1 <<<"$CJ_LOGNEW")" && grep -q "decision=timeout code=$(cj_code CJ_TIMEOUT) reason=\"$(cj_text CJ_TIMEOUT): after 1 s\"" <<<"$(tail -1 <<<"$CJ_LOGNEW")" && [ "$CJ_ERR" = "cgijail: $(cj_text CJ_TIMEOUT): after 1 s" ]'
cj_expect "timeout: the CGI's child (same process group) is killed too" 'pids_gone cjttime'
cj_probe cjttime nice
cj_expect "timeout = 1: a CGI that finishes in time exits 0 and is logged once" \
	'[ "$CJ_RC" = 0 ] && [ "$(result nice)" = 0 ] && [ "$(grep -c . <<<"$CJ_LOGNEW")" = 1 ]'
cj_probe cjttime stack
cj_expect "supervised: a CGI killed by a signal (SIGSEGV) is reported to Apache as killed by it (exit 139)" \
	'[ "$CJ_RC" = 139 ]'
cj_probe cjttime nosuchmode
cj_expect "supervised: the CGI's exit status passes through" '[ "$CJ_RC" = 0 ]'

# run_bg USER ARGS...: start cgijail as www-data in the background; BG_PID.
run_bg() {
	local u=$1; shift
	rm -f "$(cj_bin "$u")/pids" "$(cj_bin "$u")/pids.new"
	(cd "$(cj_bin "$u")" && exec setpriv --reuid=www-data --regid=www-data --clear-groups -- \
		env -i PATH=/usr/bin:/bin "$CJ_BIN" "$u" "$u" probe.cgi "$@") >"$CJ_WORK/bg.out" 2>"$CJ_WORK/bg.err" </dev/null &
	BG_PID=$!
	for _ in $(seq 50); do [ -s "$(cj_bin "$u")/pids" ] && return 0; sleep 0.1; done
	return 1
}

if run_bg cjtlong sleep 30; then
	kill -TERM "$BG_PID"; wait "$BG_PID"; rc=$?
	sleep 0.2
	cj_expect "root's SIGTERM to cgijail (the supervisor) reaches the CGI's process group; cgijail reports SIGTERM (exit 143)" \
		'[ "$rc" = 143 ] && pids_gone cjtlong'
else
	not_ok "SIGTERM forwarding: the CGI did not start"; diag "$(cat "$CJ_WORK/bg.err")"
fi
if run_bg cjtlong sleep 30; then
	kill -KILL "$BG_PID"; wait "$BG_PID" 2>/dev/null
	for _ in $(seq 20); do pids_gone cjtlong 1 >/dev/null 2>&1 && break; sleep 0.1; done
	cj_expect "cgijail (the supervisor) killed with SIGKILL: the CGI dies with it (PR_SET_PDEATHSIG)" \
		'pids_gone cjtlong 1'
	# Its child was not bound to the supervisor: kill it ourselves, by pid.
	for p in $(cat "$(cj_bin cjtlong)/pids" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
else
	not_ok "SIGKILL: the CGI did not start"; diag "$(cat "$CJ_WORK/bg.err")"
fi

# ---- a CGI cannot ptrace a sibling CGI of the same customer ----

sibling_attach() {
	local cgi
	run_bg cjtlong sleep 30 || { echo "no sibling"; return; }
	cgi=$(cut -d' ' -f1 "$(cj_bin cjtlong)/pids")
	cj_probe cjtlong attach "$cgi"
	kill -TERM "$BG_PID"; wait "$BG_PID" 2>/dev/null
}
sibling_attach
cj_expect "default seccomp: PTRACE_ATTACH to a running sibling CGI of the same customer fails with EPERM" \
	'[ "$(result attach)" = EPERM ]'
# seccomp = off lets the kernel alone decide: it would allow the attach,
# so a config without a pid namespace to hide the sibling is refused...
write_conf
sed -i 's/^timeout = 30$/timeout = 30\nseccomp = off/' "$CJ_CONF"
cj_probe cjtlong attach 1
cj_assert_refused "seccomp = off without namespaces = pid (ptrace of the customer's other processes): CJ_CONFIG_ESCAPE" \
	CJ_CONFIG_ESCAPE '\[user:cjtlong\] seccomp = off allows ptrace \(group debug\) without a pid namespace'
# ...and with one, the sibling (started before, outside it) is out of reach.
write_conf
if run_bg cjtlong sleep 30; then
	sed -i 's/^timeout = 30$/timeout = 30\nseccomp = off\nnamespaces = pid/' "$CJ_CONF"
	cj_probe cjtlong attach "$(cut -d' ' -f1 "$(cj_bin cjtlong)/pids")"
	kill -TERM "$BG_PID"; wait "$BG_PID" 2>/dev/null
	cj_expect "seccomp = off with namespaces = pid: PTRACE_ATTACH to the sibling CGI finds no such process (ESRCH)" \
		'[ "$(result attach)" = ESRCH ]'
else
	not_ok "seccomp = off with namespaces = pid: the sibling did not start"; diag "$(cat "$CJ_WORK/bg.err")"
fi
write_conf

# ---- refusals only a failing system call reaches (strace's fault injection) ----

# inject USER RULE [STRACE-OPTION...]: run USER's probe through cgijail as
# www-data under a root strace that makes RULE's system call fail; strace
# exits with cgijail's status. Its pid is not cgijail's: this is the
# suite's only run, so all new log lines are this one's.
inject() {
	local user=$1 rule=$2; shift 2
	cj_reset_run
	printf '#!/bin/sh\nexec %s -qq -f -o /dev/null -u www-data %s -e inject=%s %s "$@"\n' \
		"$(command -v strace)" "$*" "$rule" "$CJ_BIN" >"$CJ_WORK/inject.sh"
	chmod 0755 "$CJ_WORK/inject.sh"
	CJ_AS=root CJ_BIN_RUN=$CJ_WORK/inject.sh
	cj_run "$(cj_bin "$user")" "$user" "$user" probe.cgi nice
	CJ_LOGNEW=$CJ_LOGALL CJ_BIN_RUN=
}
# refused_by_fault NAME CODE PATTERN [--exec-logged]: as cj_assert_refused, and the CGI did not run.
refused_by_fault() {
	cj_assert_refused "$@"
	cj_expect "... and the CGI did not run" '[ "$CJ_RAN" = 0 ]'
}
if command -v strace >/dev/null; then
	inject cjtfree setgroups:error=EPERM
	refused_by_fault "setgroups failing (EPERM injected): CJ_SETGID" CJ_SETGID 'for the file checks: Operation not permitted'
	inject cjtfree setresuid:error=EPERM:when=1
	refused_by_fault "setresuid failing (EPERM injected): CJ_SETUID" CJ_SETUID 'for the file checks: Operation not permitted'
	inject cjtfree chroot:error=EPERM
	refused_by_fault "chroot failing (EPERM injected): CJ_CHROOT" CJ_CHROOT 'Operation not permitted'
	inject cjtfree getresuid:error=EPERM
	refused_by_fault "the ids cannot be read back after the drop (getresuid EPERM injected): CJ_DROP" CJ_DROP 'uids are not all'
	inject cjtfree capget:error=EPERM
	refused_by_fault "the capability sets cannot be read back after the drop (capget EPERM injected): CJ_CAPS" \
		CJ_CAPS 'capabilities remain after the uid change'
	inject cjtfree seccomp:error=EINVAL
	refused_by_fault "the kernel refusing the seccomp filter (EINVAL injected): CJ_SECCOMP after the exec line" \
		CJ_SECCOMP 'cannot load the filter: Invalid argument' --exec-logged
	inject cjtlong clone,clone3,fork,vfork:error=EAGAIN
	refused_by_fault "timeout = 30, fork failing (EAGAIN injected): CJ_SUPERVISOR" \
		CJ_SUPERVISOR 'fork: Resource temporarily unavailable'
	# Started without stdin, and /dev/null cannot be opened for it: nowhere
	# to report, so only the exit code says it. Run by root, not through its
	# setuid bit: for a setuid program glibc itself fills fds 0-2 before
	# main (from /dev/full and /dev/null, or stops). A sh in between closes
	# fd 0 (strace's own -o file would take it).
	cj_reset_run
	printf '#!/bin/sh\nexec %s -qq -f -o /dev/null -P /dev/null -e inject=openat:error=ENFILE sh -c %s sh %s "$@"\n' \
		"$(command -v strace)" "'exec 0<&- \"\$@\"'" "$CJ_BIN" >"$CJ_WORK/inject.sh"
	CJ_AS=root CJ_BIN_RUN=$CJ_WORK/inject.sh
	cj_run "$(cj_bin cjtfree)" cjtfree cjtfree probe.cgi nice
	CJ_BIN_RUN=
	cj_expect "run by root without stdin, /dev/null not openable (ENFILE injected): CJ_STDIO, no log line, nothing ran" \
		'[ "$CJ_RC" = "$(cj_code CJ_STDIO)" ] && [ -z "$CJ_LOGALL" ] && [ "$CJ_RAN" = 0 ]'
else
	for _ in 1 2 3 4 5 6 7; do ok "fault injection # SKIP no strace"; ok "# SKIP no strace"; done
	ok "# SKIP no strace"
fi

# ---- -V, --dry-run and config errors ----

cj_reset_run
CJ_AS=root
cj_run "$(cj_bin cjttime)" --dry-run cjttime cjttime probe.cgi
cj_expect "--dry-run shows the supervisor with the timeout" \
	'[ "$CJ_RC" = 0 ] && grep -qE "^  ok +supervisor +timeout 1 s" <<<"$CJ_OUT"'
cj_run "$(cj_bin cjttime)" -V
cj_expect "-V shows timeout = off for the defaults" '[ "$CJ_RC" = 0 ] && grep -qx "timeout = off" <<<"$CJ_OUT"'
write_conf
sed -i 's/^timeout = 1$/timeout = soon/' "$CJ_CONF"
cj_probe cjttime nice
cj_assert_refused "timeout = soon: CJ_CONFIG_VALUE" CJ_CONFIG_VALUE 'timeout.*soon.*not off or a number of seconds'
write_conf

tap_end
