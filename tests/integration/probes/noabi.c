/* noabi ABI CMD [ARG...]: run CMD as a kernel without that ABI would.
 *   i386  int $0x80 kills the process (SIGSYS here; a kernel without IA32
 *         emulation has no gate for it, and the trap gives SIGSEGV)
 *   x32   x32 system calls answer ENOSYS (a kernel without the x32 ABI)
 * A seccomp filter, inherited by everything CMD runs. It is loaded without
 * no_new_privs, which needs CAP_SYS_ADMIN (root), so that a setuid program
 * below (cgijail) still starts with its privileges. Exit 125 when the
 * filter cannot be loaded, 127 when CMD cannot be run. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int load(const char *abi)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = -1;

	/* Every architecture but native and the one added is a bad one. */
	if (!ctx)
		return -1;
	if (!strcmp(abi, "i386"))
		rc = seccomp_arch_add(ctx, SCMP_ARCH_X32) ?:
		     seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	else if (!strcmp(abi, "x32"))
		rc = seccomp_arch_add(ctx, SCMP_ARCH_X86) ?:
		     seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) ?: seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: noabi i386|x32 CMD [ARG...]\n");
		return 125;
	}
	if (load(argv[1]) < 0) {
		fprintf(stderr, "noabi: cannot load the filter for %s\n", argv[1]);
		return 125;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "noabi: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
