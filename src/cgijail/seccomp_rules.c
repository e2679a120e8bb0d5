/* The seccomp filter's rules, by group: what cgijail denies, and why.
 * Shared by cgijail (policy files, built at run time) and seccomp_gen
 * (the standard policies, compiled to BPF at build time). */
#include "seccomp_rules.h"

#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* One denial: a call, and optionally "argument ARG, masked, equals VALUE",
 * or (ONLY_0_OR_QUERY) "argument ARG is neither 0 nor 0xffffffff". The
 * names are held, not pointed to: a table of pointers is relocated, so
 * written, when every request starts; this one is read-only data that a
 * request loading a prebuilt filter never touches. */
struct denial {
	char name[24];
	unsigned arg;
	enum { ANY, MASKED, ONLY_0_OR_QUERY } how;
	scmp_datum_t mask, value;
};

struct deny_group {
	char why[96];
	struct denial calls[24];
};

#define CALL(n) { n, 0, ANY, 0, 0 }
#define FLAG(n, a, f) { n, a, MASKED, f, f }
#define EQ32(n, a, v) { n, a, MASKED, 0xffffffffU, v }

/* Indexed by the groups of src/common/seccomp_groups.def. */
static const struct deny_group groups[SG_COUNT] = {
	[SG_DEBUG] = { "reading or steering another process, even one of the same customer",
	  { CALL("ptrace"), CALL("process_vm_readv"), CALL("process_vm_writev"),
	    CALL("pidfd_getfd") } },
	[SG_KEXEC] = { "loading a new kernel",
	  { CALL("kexec_load"), CALL("kexec_file_load") } },
	[SG_MODULES] = { "loading kernel code",
	  { CALL("init_module"), CALL("finit_module"), CALL("delete_module") } },
	[SG_MOUNT] = { "changing what the jail sees",
	  { CALL("mount"), CALL("umount2"), CALL("pivot_root"), CALL("move_mount"),
	    CALL("fsopen"), CALL("fsconfig"), CALL("fsmount"), CALL("fspick"),
	    CALL("open_tree"), CALL("mount_setattr") } },
	[SG_NAMESPACES] = { "new namespaces, above all user namespaces: the way out of a chroot and into kernel bugs",
	  { FLAG("unshare", 0, CLONE_NEWUSER), FLAG("unshare", 0, CLONE_NEWNS),
	    FLAG("unshare", 0, CLONE_NEWNET), FLAG("unshare", 0, CLONE_NEWPID),
	    FLAG("unshare", 0, CLONE_NEWIPC), FLAG("unshare", 0, CLONE_NEWUTS),
	    FLAG("unshare", 0, CLONE_NEWCGROUP), FLAG("unshare", 0, CLONE_NEWTIME),
	    CALL("setns"), FLAG("clone", 0, CLONE_NEWUSER) } },
	[SG_BPF] = { "loading programs into the kernel", { CALL("bpf") } },
	[SG_PERF] = { "performance counters: side channels, kernel bugs", { CALL("perf_event_open") } },
	[SG_USERFAULTFD] = { "a favourite tool of kernel exploits", { CALL("userfaultfd") } },
	[SG_KEYRING] = { "the kernel keyring, shared beyond the jail",
	  { CALL("keyctl"), CALL("add_key"), CALL("request_key") } },
	[SG_SYSTEM] = { "whole-system switches",
	  { CALL("acct"), CALL("swapon"), CALL("swapoff"), CALL("reboot") } },
	[SG_CLOCK] = { "setting the system clock",
	  { CALL("settimeofday"), CALL("clock_settime"), CALL("adjtimex"), CALL("clock_adjtime") } },
	[SG_IOPORT] = { "raw I/O ports", { CALL("iopl"), CALL("ioperm") } },
	[SG_PERSONALITY] = { "execution domains other than the default, such as READ_IMPLIES_EXEC",
	  { { "personality", 0, ONLY_0_OR_QUERY, 0, 0 } } },
	[SG_TTY] = { "pushing input into the terminal of another process",
	  { EQ32("ioctl", 1, TIOCSTI), EQ32("ioctl", 1, TIOCLINUX) } },
	[SG_IO_URING] = { "asynchronous I/O that a filter cannot see into; many kernel bugs",
	  { CALL("io_uring_setup"), CALL("io_uring_enter"), CALL("io_uring_register") } },
	[SG_OBSOLETE] = { "old interfaces no CGI uses",
	  { CALL("uselib"), CALL("ustat"), CALL("sysfs"), CALL("lookup_dcookie"),
	    CALL("quotactl"), CALL("nfsservctl"), CALL("vhangup") } },
	[SG_SOCKETS] = { "address families a CGI does not use (getaddrinfo copes without netlink)",
	  { EQ32("socket", 0, AF_NETLINK), EQ32("socket", 0, AF_PACKET), EQ32("socket", 0, AF_KEY),
	    EQ32("socket", 0, AF_ALG), EQ32("socket", 0, AF_VSOCK), EQ32("socket", 0, AF_XDP),
	    EQ32("socket", 0, AF_BLUETOOTH), EQ32("socket", 0, AF_CAN), EQ32("socket", 0, AF_TIPC),
	    EQ32("socket", 0, AF_RDS), EQ32("socket", 0, AF_X25), EQ32("socket", 0, AF_AX25),
	    EQ32("socket", 0, AF_APPLETALK), EQ32("socket", 0, AF_IPX), EQ32("socket", 0, AF_LLC),
	    EQ32("socket", 0, AF_NFC), EQ32("socket", 0, AF_KCM), EQ32("socket", 0, AF_QIPCRTR),
	    EQ32("socket", 0, AF_SMC), EQ32("socket", 0, AF_MCTP) } },
};


/* libseccomp takes one comparison per argument and rule, so "neither 0 nor
 * 0xffffffff" (in the low 32 bits, all the kernel reads) is spelt with
 * pairs of bits: a value that is not all zeros or all ones has, going round
 * its 32 bits, some bit set whose next bit is clear. 32 rules; every rule
 * costs each request a few instructions to load and JIT-compile. */
static int add_only_0_or_query(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned arg)
{
	for (unsigned i = 0; i < 32; i++) {
		scmp_datum_t bit = (scmp_datum_t)1 << i, next = (scmp_datum_t)1 << ((i + 1) % 32);

		if (seccomp_rule_add(ctx, action, nr, 1, SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, bit | next, bit)) < 0)
			return -1;
	}
	return 0;
}

static int add_denial(scmp_filter_ctx ctx, uint32_t action, const struct denial *d)
{
	int nr = seccomp_syscall_resolve_name(d->name);

	/* A call this kernel's architecture does not have needs no rule. */
	if (nr == __NR_SCMP_ERROR)
		return 0;
	switch (d->how) {
	case MASKED:
		return seccomp_rule_add(ctx, action, nr, 1,
					SCMP_CMP(d->arg, SCMP_CMP_MASKED_EQ, d->mask, d->value));
	case ONLY_0_OR_QUERY:
		return add_only_0_or_query(ctx, action, nr, d->arg);
	default:
		return seccomp_rule_add(ctx, action, nr, 0);
	}
}

/* clone3 passes its flags in memory, out of a filter's reach: answer ENOSYS
 * so that libc falls back to clone, whose flags are filtered. Other ABIs
 * (i386, x32) get the deny action for every call. */
static int add_fixed_rules(scmp_filter_ctx ctx, uint32_t action)
{
	int nr = seccomp_syscall_resolve_name("clone3");

	if (nr != __NR_SCMP_ERROR && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0) < 0)
		return -1;
	return seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, action);
}

scmp_filter_ctx seccomp_rules_build(uint32_t deny, bool kill)
{
	uint32_t action = kill ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ERRNO(EPERM);
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	/* A binary search over the call numbers, not a chain of comparisons:
	 * the kernel runs the filter for every call number when it is loaded
	 * (its per-call cache), and the CGI for every call it makes. */
	if (!ctx || seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0 ||
	    add_fixed_rules(ctx, action) < 0)
		goto fail;
	for (int g = 0; g < SG_COUNT; g++) {
		if (!(deny & SG_BIT(g)))
			continue;
		for (const struct denial *d = groups[g].calls; d->name[0]; d++)
			if (add_denial(ctx, action, d) < 0)
				goto fail;
	}
	return ctx;
fail:
	seccomp_release(ctx);
	return NULL;
}

void seccomp_rules_print(FILE *out, uint32_t deny)
{
	for (int g = 0; g < SG_COUNT; g++) {
		fprintf(out, "seccomp.%s = %s", cj_seccomp_group_name(g),
			deny & SG_BIT(g) ? "denied:" : "allowed:");
		for (const struct denial *d = groups[g].calls; d->name[0]; d++)
			if (d == groups[g].calls || strcmp(d->name, d[-1].name) != 0)
				fprintf(out, " %s", d->name);
		fprintf(out, "  (%s)\n", groups[g].why);
	}
}
