/* Which seccomp groups a policy denies: seccomp = default | strict | off | FILE. */
#ifndef CJ_SECCOMP_POLICY_H
#define CJ_SECCOMP_POLICY_H

#include <stddef.h>
#include <stdint.h>

enum cj_seccomp_group {
#define X(id, name, set) id,
#include "seccomp_groups.def"
#undef X
	SG_COUNT
};

#define SG_BIT(g) (UINT32_C(1) << (g))

const char *cj_seccomp_group_name(enum cj_seccomp_group g);

/* Parse the value of "seccomp": "default", "strict", "off", or an absolute
 * path of a root-owned file of "allow GROUP" / "deny GROUP" lines applied to
 * the default set. Sets *DENY to the denied groups (0: no filter) and NAME
 * to what -V shows. Returns 0, or -1 with WHY. */
int cj_seccomp_policy_parse(const char *value, uint32_t *deny, char *name, size_t namelen,
			    char *why, size_t whylen);

#endif
