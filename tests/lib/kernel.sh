# shellcheck shell=bash
# What the running kernel supports, for suites that must pass on any kernel
# a Debian 12 host may run. Probes run outside any jail and without cgijail;
# a suite tests what the kernel has and prints "ok N - NAME # SKIP REASON"
# for what it lacks.

# kernel_abi_name ABI: how a skip line names a missing ABI.
kernel_abi_name() {
	case $1 in
	i386) echo "IA32 emulation (int \$0x80)" ;;
	x32) echo "x32 ABI" ;;
	*) echo "$1" ;;
	esac
}

# abi_verdict ABI RESULT: how the seccomp filter's denial of ABI (i386,
# x32) can be tested, given RESULT, what a static probe's call of that ABI
# got outside the jail: "ok", an errno name, or the signal that killed it.
#   test           the call reached the kernel's system call entry, where
#                  seccomp runs before the kernel looks the number up: the
#                  filter's EPERM is seen even when the kernel itself would
#                  answer ENOSYS (x32 disabled, as Debian's kernels have it);
#   skip REASON    the call never became a system call (no IA32 emulation:
#                  int $0x80 is a fault, the process dies), nothing to filter;
#   fail REASON    the probe said nothing usable: never a silent skip.
abi_verdict() {
	case $2 in
	ok|E[A-Z0-9]*) echo test ;;
	SIG[A-Z0-9]*) echo "skip kernel has no $(kernel_abi_name "$1") (the probe died of $2 outside the jail)" ;;
	*) echo "fail the kernel probe said '$2' for the $1 ABI" ;;
	esac
}

# abi_check NAME ABI RESULT COND: one test of the denial of ABI: COND
# (eval'd) when abi_verdict says test, else a skip line or a failure.
abi_check() {
	local name=$1 v
	v=$(abi_verdict "$2" "$3")
	case $v in
	test) cj_expect "$name" "$4" ;;
	skip\ *) ok "$name # SKIP ${v#skip }" ;;
	*) not_ok "$name"; diag "${v#fail }" ;;
	esac
}

# kernel_ns_missing [NS...]: the namespaces among NS (default: the five
# cgijail offers: pid ipc net uts mount) that root cannot create here (a
# kernel built without them, or a container that forbids unshare), one
# line; empty when all can be.
kernel_ns_missing() {
	local ns missing=() opt
	# shellcheck disable=SC2048 # the default list is split on purpose
	for ns in ${*:-pid ipc net uts mount}; do
		case $ns in pid) opt=(--pid --fork) ;; *) opt=("--$ns") ;; esac
		unshare "${opt[@]}" true 2>/dev/null || missing+=("$ns")
	done
	echo "${missing[*]}"
}
