/* The seccomp filter: system calls an ordinary CGI never needs, denied.
 *
 * Built before chroot (libseccomp may need nothing from the jail, and a
 * failure is cheaper to report early) and loaded last, right before exec,
 * when no_new_privs is already set. Calls are grouped; the groups are what
 * cgijail -V, --dry-run and the man page show. */
#include "cgijail.h"
#include "seccomp_policy.h"

#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* One denial: a call, and optionally "argument ARG, masked, equals VALUE",
 * or (ONLY_0_OR_QUERY) "argument ARG is neither 0 nor 0xffffffff". */
struct denial {
	const char *name;
	unsigned arg;
	enum { ANY, MASKED, ONLY_0_OR_QUERY } how;
	scmp_datum_t mask, value;
};

struct deny_group {
	const char *why;
	struct denial calls[24];
};

#define CALL(n) { n, 0, ANY, 0, 0 }
#define FLAG(n, a, f) { n, a, MASKED, f, f }
#define EQ32(n, a, v) { n, a, MASKED, 0xffffffffU, v }

/* Indexed by the groups of src/common/seccomp_groups.def. */
static const struct deny_group groups[SG_COUNT] = {
	[SG_DEBUG] = { "reading or steering another process, even one of the same customer",
	  { CALL("ptrace"), CALL("process_vm_readv"), CALL("process_vm_writev") } },
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

static uint32_t deny_action(const struct request *rq)
{
	return rq->pol.seccomp_kill ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ERRNO(EPERM);
}

/* libseccomp takes one comparison per argument and rule, so "neither 0 nor
 * 0xffffffff" is spelt bit by bit: deny when the top bit is clear and some
 * other bit set, or when the top bit is set and some other bit clear. */
static int add_only_0_or_query(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned arg)
{
	const scmp_datum_t top = 0x80000000U;

	for (scmp_datum_t bit = 1; bit < top; bit <<= 1) {
		if (seccomp_rule_add(ctx, action, nr, 1, SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, top | bit, bit)) < 0 ||
		    seccomp_rule_add(ctx, action, nr, 1, SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, top | bit, top)) < 0)
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

static unsigned count_groups(uint32_t mask)
{
	return (unsigned)__builtin_popcount(mask);
}

void build_seccomp_filter(struct request *rq)
{
	scmp_filter_ctx ctx;
	uint32_t action = deny_action(rq), deny = rq->pol.seccomp_deny;

	if (!deny) {
		passed(rq, "seccomp", "off (seccomp = off)");
		return;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx || add_fixed_rules(ctx, action) < 0)
		refuse(rq, CJ_SECCOMP, "cannot set up the filter");
	for (int g = 0; g < SG_COUNT; g++) {
		if (!(deny & SG_BIT(g)))
			continue;
		for (const struct denial *d = groups[g].calls; d->name; d++)
			if (add_denial(ctx, action, d) < 0)
				refuse(rq, CJ_SECCOMP, "cannot add a rule for %s", d->name);
	}
	rq->seccomp = ctx;
	passed(rq, "seccomp", "%s: %u groups denied with %s", rq->pol.seccomp_name,
	       count_groups(deny), rq->pol.seccomp_kill ? "kill" : "EPERM");
}

void load_seccomp_filter(struct request *rq)
{
	int rc;

	if (!rq->seccomp)
		return;
	rc = seccomp_load(rq->seccomp);
	if (rc < 0)
		refuse(rq, CJ_SECCOMP, "cannot load the filter: %s", strerror(-rc));
}

void print_seccomp_policy(FILE *out, const struct cj_policy *pol)
{
	if (!pol->seccomp_deny) {
		fprintf(out, "seccomp = off\n");
		return;
	}
	fprintf(out, "seccomp = %s, denied with %s; clone3 answers ENOSYS; i386 and x32 calls denied\n",
		pol->seccomp_name, pol->seccomp_kill ? "kill" : "EPERM");
	for (int g = 0; g < SG_COUNT; g++) {
		fprintf(out, "seccomp.%s = %s", cj_seccomp_group_name(g),
			pol->seccomp_deny & SG_BIT(g) ? "denied:" : "allowed:");
		for (const struct denial *d = groups[g].calls; d->name; d++)
			if (d == groups[g].calls || strcmp(d->name, d[-1].name) != 0)
				fprintf(out, " %s", d->name);
		fprintf(out, "  (%s)\n", groups[g].why);
	}
}
