#!/usr/bin/env bash
# Root integration tests of cgijail's seccomp filter: a static probe CGI
# (tests/integration/probes/seccomp_probe.c) tries every denied call with
# harmless arguments inside a real jail, run by the setuid binary as Apache
# would. The same probe with seccomp = off is the control: it shows which
# calls the kernel itself would have let through. The i386 and x32 ABIs and
# clone3 are first probed outside the jail (tests/lib/kernel.sh): their
# denials are tested where the kernel has them, and skipped with the reason
# where it does not; a kernel without IA32 emulation is also emulated (an
# outer seccomp filter, tests/integration/probes/noabi.c). TAP on stdout;
# exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/kernel.sh"

POLICY=$CJ_CONF_DIR/seccomp-test.policy

write_conf() {
	{ cj_conf_head; cat <<EOF; } | cj_conf
$1

[user:cjtsecoff]
seccomp = off
namespaces = pid

[user:cjtseckill]
seccomp_action = kill

[user:cjtsecstrict]
seccomp = strict

[user:cjtsecfile]
seccomp = $POLICY
namespaces = pid
EOF
}

setup() {
	cj_install || return 2
	# A policy file: the default set, ptrace allowed (a debugging customer),
	# io_uring denied. Root-owned like the config, every directory above too.
	cj_atexit 'rm -f -- "$POLICY"'
	printf '# test policy\nallow debug\ndeny io_uring   # comment\n\n' >"$POLICY"
	chmod 0644 "$POLICY"
	cj_probe_sites "$CJ_TOP/tests/integration/probes/seccomp_probe.c" \
		cjtsec cjtsecoff cjtseckill cjtsecstrict cjtsecfile || return 2
	gcc -O1 -Wall -o "$CJ_WORK/noabi" "$CJ_TOP/tests/integration/probes/noabi.c" -lseccomp || return 2
	write_conf ""
}

if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

# result NAME: what the probe printed for NAME.
result() { cj_val "$1"; }
# kval NAME: what the probe printed for NAME outside the jail, without cgijail.
kval() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$KERNEL"; }

# What this kernel does with an i386 call (int $0x80 getpid), an x32 call
# and clone3: "ok", an errno name, or the signal that killed the probe.
# (To see the whole suite on a kernel without IA32 emulation, run it under
# the noabi wrapper: noabi i386 bash tests/integration/12-cgijail-seccomp.sh.)
KERNEL=$("$CJ_WORK/probe" kernel 2>&1)
K_I386=$(kval i386_abi) K_X32=$(kval x32_abi) K_CLONE3=$(kval clone3)
diag "this kernel ($(uname -r)): i386 $K_I386, x32 $K_X32, clone3 $K_CLONE3"

# Calls the filter denies, and the result each must get under it.
DENIED="ptrace process_vm_readv pidfd_getfd unshare_user unshare_mount unshare_net setns clone_user
	bpf perf_event_open userfaultfd keyctl add_key request_key settimeofday clock_settime
	adjtimex iopl ioperm personality_rie personality_top personality_others tiocsti mount acct"
ALLOWED="getpid unshare_none clone_plain personality_query personality_linux"

# abi_denied LABEL: the i386 and x32 tests of the last run under a filter.
abi_denied() {
	abi_check "$1: i386 system calls (int \$0x80) fail with EPERM" i386 "$K_I386" '[ "$(result i386_abi)" = EPERM ]'
	abi_check "$1: x32 system calls fail with EPERM" x32 "$K_X32" '[ "$(result x32_abi)" = EPERM ]'
}

# ---- the decision, from the kernel probe's result (unit checks) ----

check "kernel probe: a call that returned (ok) is tested" [ "$(abi_verdict i386 ok)" = test ]
check "kernel probe: a call the kernel answered ENOSYS (x32 off) is tested: the filter answers first" \
	[ "$(abi_verdict x32 ENOSYS)" = test ]
check "kernel probe: a probe killed by SIGSEGV (no IA32 emulation) is a skip with that reason" \
	[ "$(abi_verdict i386 SIGSEGV)" = "skip kernel has no IA32 emulation (int \$0x80) (the probe died of SIGSEGV outside the jail)" ]
check "kernel probe: no answer at all is a failure, never a skip" \
	eval '[[ "$(abi_verdict i386 "")" == fail* ]] && [[ "$(abi_verdict x32 garbage)" == fail* ]]'
check "kernel probe: this kernel's answers are usable (i386 $K_I386, x32 $K_X32, clone3 $K_CLONE3)" \
	eval '[[ "$(abi_verdict i386 "$K_I386")" != fail* ]] && [[ "$(abi_verdict x32 "$K_X32")" != fail* ]] && [[ "$K_CLONE3" == E* ]]'

all_are() {
	local want=$1 name bad=0; shift
	for name in "$@"; do
		[ "$(result "$name")" = "$want" ] || { diag "$name: got '$(result "$name")', want $want"; bad=1; }
	done
	return $bad
}

# ---- default filter, deny with EPERM ----

cj_probe cjtsec
cj_expect "seccomp default: the probe ran to its end inside the jail" \
	'[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && [ -n "$(result i386_abi)" ] && [ -n "$(result x32_abi)" ]'
# shellcheck disable=SC2086
cj_expect "seccomp default: every denied call fails with EPERM" 'all_are EPERM $DENIED'
abi_denied "seccomp default"
# shellcheck disable=SC2086
cj_expect "seccomp default: ordinary calls (getpid, fork, unshare(0), personality query/default) still work" \
	'all_are ok $ALLOWED'
cj_expect "seccomp default: clone3 fails with ENOSYS (libc falls back to clone, whose flags are filtered)" \
	'[ "$(result clone3)" = ENOSYS ]'

# ---- the control: seccomp = off (with the pid namespace it requires) ----

cj_probe cjtsecoff
OFF_OUT=$CJ_OUT
off() { CJ_OUT=$OFF_OUT cj_val "$1"; }
cj_expect "seccomp = off: the probe ran to its end" \
	'[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && [ -n "$(result x32_abi)" ]'
cj_expect "seccomp = off: what the kernel alone allows the customer is allowed (ptrace ESRCH, personality, adjtimex, process_vm_readv)" \
	'[ "$(result ptrace)" = ESRCH ] && [ "$(result personality_rie)" = ok ] && [ "$(result personality_others)" = ok ] && [ "$(result adjtimex)" = ok ] && [ "$(result process_vm_readv)" = ok ]'
cj_expect "seccomp = off: i386, x32 and clone3 answer as outside the jail (i386 $K_I386, x32 $K_X32, clone3 $K_CLONE3)" \
	'[ "$(result i386_abi)" = "$K_I386" ] && [ "$(result x32_abi)" = "$K_X32" ] && [ "$(result clone3)" = "$K_CLONE3" ]'
# shellcheck disable=SC2086
cj_expect "seccomp = off: ordinary calls work" 'all_are ok $ALLOWED'

# ---- seccomp_action = kill ----

cj_probe cjtseckill ptrace
cj_expect "seccomp_action = kill: the CGI's first denied call kills it with SIGSYS (exit 159), the log has exec" \
	'[ "$CJ_RC" = 159 ] && grep -q "decision=exec" <<<"$CJ_LOGNEW" && grep -q "^MARK $CJ_MARK" <<<"$CJ_OUT" && ! grep -q "^ptrace" <<<"$CJ_OUT"'
cj_probe cjtseckill
cj_expect "seccomp_action = kill: calls the filter allows run normally before it" \
	'[ "$CJ_RC" = 159 ] && [ "$(result getpid)" = ok ] && [ -z "$(result ptrace)" ]'

# ---- seccomp = strict and a policy file ----

cj_probe cjtsecstrict
# shellcheck disable=SC2086
cj_expect "seccomp = strict: the default denials hold" 'all_are EPERM $DENIED'
abi_denied "seccomp = strict"
cj_expect "seccomp = strict: io_uring, obsolete calls and unused socket families (netlink, packet) are denied too" \
	'all_are EPERM io_uring_setup ustat socket_netlink socket_packet'
cj_expect "seccomp = strict: AF_UNIX and AF_INET sockets still work" 'all_are ok socket_unix socket_inet'
cj_probe cjtsec
cj_expect "seccomp = default: netlink sockets are not filtered" \
	'[ "$(result socket_netlink)" = ok ] && all_are ok socket_unix socket_inet'
# kernel.io_uring_disabled (Linux 6.6) makes the kernel itself answer EPERM.
if [ "$(off io_uring_setup)" = EPERM ]; then
	ok "seccomp = default: io_uring is not filtered # SKIP the kernel refuses io_uring to the customer itself (kernel.io_uring_disabled = $(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo ?))"
else
	cj_expect "seccomp = default: io_uring is not filtered (answers as with seccomp = off: $(off io_uring_setup))" \
		'[ "$(result io_uring_setup)" = "$(off io_uring_setup)" ]'
fi
cj_probe cjtsecfile
cj_expect "seccomp = FILE (allow debug, deny io_uring): ptrace reaches the kernel, io_uring is denied, the rest of the default holds" \
	'[ "$(result ptrace)" = ESRCH ] && all_are EPERM io_uring_setup unshare_user mount keyctl && [ "$(result socket_netlink)" = ok ]'
chmod 0666 "$POLICY"
cj_probe cjtsecfile
cj_assert_refused "seccomp = FILE writable by others: CJ_CONFIG_VALUE, naming the file" CJ_CONFIG_VALUE 'seccomp-test.policy is writable by group or others'
chmod 0644 "$POLICY"
echo "deny nosuchgroup" >>"$POLICY"
cj_probe cjtsecfile
cj_assert_refused "seccomp = FILE naming an unknown group: CJ_CONFIG_VALUE with file and line" CJ_CONFIG_VALUE 'seccomp-test.policy:5: unknown group .nosuchgroup.'
sed -i '$d' "$POLICY"

# ---- a kernel without IA32 emulation, emulated ----

# noabi i386: an outer filter kills int $0x80 like such a kernel's fault
# (with SIGSYS, not SIGSEGV). It is loaded by root without no_new_privs, so
# the setuid cgijail below it still starts as root.
NOIA32="no IA32 emulation, emulated"
if "$CJ_WORK/noabi" i386 true 2>/dev/null; then
	KERNEL_EMU=$("$CJ_WORK/noabi" i386 "$CJ_WORK/probe" kernel 2>&1)
	EMU_I386=$(awk '$1 == "i386_abi" { print $2 }' <<<"$KERNEL_EMU")
	check "$NOIA32: the kernel probe sees int \$0x80 kill the probe, and the i386 tests become skips" \
		eval '[ "$EMU_I386" = SIGSYS ] && [[ "$(abi_verdict i386 "$EMU_I386")" == skip* ]]'
	cj_reset_run; CJ_WRAP=("$CJ_WORK/noabi" i386)
	cj_run "$(cj_bin cjtsec)" cjtsec cjtsec probe.cgi
	# shellcheck disable=SC2086
	cj_expect "$NOIA32, seccomp default: the probe survives the dead i386 call and reports every other denial" \
		'[ "$CJ_RC" = 0 ] && [ "$(result i386_abi)" = SIGSYS ] && [ "$(result x32_abi)" = EPERM ] && all_are EPERM $DENIED'
	cj_reset_run; CJ_WRAP=("$CJ_WORK/noabi" i386)
	cj_run "$(cj_bin cjtsecoff)" cjtsecoff cjtsecoff probe.cgi
	cj_expect "$NOIA32, seccomp = off: the probe survives and answers as outside the jail" \
		'[ "$CJ_RC" = 0 ] && [ "$(result i386_abi)" = SIGSYS ] && [ "$(result x32_abi)" = "$K_X32" ]'
	cj_reset_run
else
	for _ in 1 2 3; do ok "$NOIA32 # SKIP cannot load a seccomp filter without no_new_privs here (no CAP_SYS_ADMIN)"; done
fi

# ---- -V and --dry-run show the policy ----

cj_reset_run
cj_run "$(cj_bin cjtsec)" -V
cj_expect "-V lists the seccomp groups" \
	'[ "$CJ_RC" = 0 ] && grep -q "^seccomp = default, denied with EPERM" <<<"$CJ_OUT" && grep -q "^seccomp.namespaces = denied: unshare setns clone" <<<"$CJ_OUT" && grep -q "^seccomp.debug = denied: ptrace" <<<"$CJ_OUT" && grep -q "^seccomp.io_uring = allowed: io_uring_setup" <<<"$CJ_OUT"'
CJ_AS=root
cj_run "$(cj_bin cjtsec)" --dry-run cjtsec cjtsec probe.cgi
cj_expect "--dry-run reports the seccomp step" \
	'[ "$CJ_RC" = 0 ] && grep -qE "^  ok +seccomp +default: 14 groups denied with EPERM" <<<"$CJ_OUT"'
cj_run "$(cj_bin cjtsecoff)" --dry-run cjtsecoff cjtsecoff probe.cgi
cj_expect "--dry-run for a user with seccomp = off says so" \
	'[ "$CJ_RC" = 0 ] && grep -qE "^  ok +seccomp +off" <<<"$CJ_OUT"'

# ---- config errors ----

write_conf "seccomp = paranoid"
cj_probe cjtsec
cj_assert_refused "seccomp = paranoid (no such value): CJ_CONFIG_VALUE" CJ_CONFIG_VALUE 'seccomp.*paranoid.*not default, strict, off or an absolute file name'
write_conf "seccomp = etc/policy"
cj_probe cjtsec
cj_assert_refused "seccomp = a relative file name: CJ_CONFIG_VALUE" CJ_CONFIG_VALUE 'seccomp.*etc/policy'
write_conf "seccomp_action = trap"
cj_probe cjtsec
cj_assert_refused "seccomp_action = trap (no such value): CJ_CONFIG_VALUE" CJ_CONFIG_VALUE 'seccomp_action'
write_conf ""

tap_end
