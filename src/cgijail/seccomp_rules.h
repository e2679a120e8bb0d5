/* The seccomp rules of each group (src/common/seccomp_groups.def). */
#ifndef CJ_SECCOMP_RULES_H
#define CJ_SECCOMP_RULES_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "seccomp_policy.h"

/* A filter that allows everything but the groups in DENY (EPERM, or
 * SIGSYS when KILL), clone3 (ENOSYS) and other ABIs. NULL on failure. */
scmp_filter_ctx seccomp_rules_build(uint32_t deny, bool kill);

/* One "seccomp.GROUP = denied|allowed: calls  (why)" line per group. */
void seccomp_rules_print(FILE *out, uint32_t deny);

/* The standard policies, compiled to BPF at build time (seccomp_gen). */
struct cj_prebuilt_filter {
	uint32_t deny;
	bool kill;
	unsigned short len;
	const struct sock_filter *insns;
};

extern const struct cj_prebuilt_filter cj_prebuilt_filters[];
extern const unsigned cj_prebuilt_count;

#endif
