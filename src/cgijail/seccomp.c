/* The seccomp filter: system calls an ordinary CGI never needs, denied.
 *
 * Chosen (or, for a policy file, built with libseccomp) before chroot, and
 * loaded last, right before exec, when no_new_privs is already set. The
 * standard policies come compiled from the build (seccomp_gen): loading
 * them is one system call. The rules are in seccomp_rules.c. */
#include "cgijail.h"
#include "seccomp_rules.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct cj_prebuilt_filter *find_prebuilt(uint32_t deny, bool kill)
{
	for (unsigned i = 0; i < cj_prebuilt_count; i++)
		if (cj_prebuilt_filters[i].deny == deny && cj_prebuilt_filters[i].kill == kill)
			return &cj_prebuilt_filters[i];
	return NULL;
}

static unsigned count_groups(uint32_t mask)
{
	return (unsigned)__builtin_popcount(mask);
}

void build_seccomp_filter(struct request *rq)
{
	uint32_t deny = rq->pol->seccomp_deny;
	bool kill = rq->pol->seccomp_kill;

	if (!deny) {
		passed(rq, "seccomp", "off (seccomp = off)");
		return;
	}
	rq->seccomp_prebuilt = find_prebuilt(deny, kill);
	if (!rq->seccomp_prebuilt) {
		rq->seccomp = seccomp_rules_build(deny, kill);
		if (!rq->seccomp)
			refuse(rq, CJ_SECCOMP, "cannot build the filter for %s", rq->pol->seccomp_name);
	}
	passed(rq, "seccomp", "%s: %u groups denied with %s%s", rq->pol->seccomp_name,
	       count_groups(deny), kill ? "kill" : "EPERM",
	       rq->seccomp_prebuilt ? " (prebuilt)" : "");
}

static int load_prebuilt(const struct cj_prebuilt_filter *f)
{
	/* The kernel only reads the program. */
	struct sock_fprog prog = { f->len, (struct sock_filter *)f->insns };

	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0 ? -errno : 0;
}

void load_seccomp_filter(struct request *rq)
{
	int rc;

	if (rq->seccomp_prebuilt)
		rc = load_prebuilt(rq->seccomp_prebuilt);
	else if (rq->seccomp)
		rc = seccomp_load(rq->seccomp);
	else
		return;
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
	seccomp_rules_print(out, pol->seccomp_deny);
}
