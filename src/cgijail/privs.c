/* Identity switches and process limits.
 *
 * The temporary switch keeps uid 0 as the saved uid so the file checks run
 * with the target's rights; drop_privileges() then sets all three uids and
 * gids, and proves that none of them can be regained. */
#include "cgijail.h"

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

void become_target_temporarily(struct request *rq)
{
	if (setgroups((size_t)rq->ngroups, rq->groups) < 0 || setresgid(-1, rq->gid, -1) < 0)
		refuse(rq, CJ_SETGID, "for the file checks: %s", strerror(errno));
	if (setresuid(-1, rq->uid, -1) < 0)
		refuse(rq, CJ_SETUID, "for the file checks: %s", strerror(errno));
}

void return_to_root(struct request *rq)
{
	if (setresuid(-1, 0, -1) < 0)
		refuse(rq, CJ_SETUID, "back to root after the file checks: %s", strerror(errno));
	if (setresgid(-1, 0, -1) < 0)
		refuse(rq, CJ_SETGID, "back to root after the file checks: %s", strerror(errno));
}

static void set_limit(struct request *rq, enum cj_limit_id id, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };

	if (setrlimit(cj_limit_resource(id), &rl) < 0)
		refuse(rq, CJ_LIMITS, "limit %s: %s", cj_limit_name(id), strerror(errno));
}

/* Room for a configured hard limit above the current one, which only root
 * may make; the soft limit, cgijail's own room, stays until exec. */
static void raise_hard_limit(struct request *rq, enum cj_limit_id id, rlim_t hard)
{
	struct rlimit now;

	if (getrlimit(cj_limit_resource(id), &now) < 0)
		refuse(rq, CJ_LIMITS, "limit %s: %s", cj_limit_name(id), strerror(errno));
	if (now.rlim_max < hard)
		set_limit(rq, id, now.rlim_cur < hard ? now.rlim_cur : hard, hard);
}

/* While still root: hard limits may be raised, and nice may be negative.
 * Soft limits wait until our own work is done (set_soft_limits), and so do
 * the limits that could break cgijail itself (start.c, lift_own_limits):
 * with a small stack, address space or file size it could not check or log
 * the request. */
void set_hard_limits(struct request *rq)
{
	for (int id = 0; id < LIM_COUNT; id++) {
		const struct cj_limit *l = &rq->pol->limits[id];

		if (!l->set)
			continue;
		if (rq->own_limit[id])
			raise_hard_limit(rq, (enum cj_limit_id)id, l->hard);
		else
			set_limit(rq, (enum cj_limit_id)id, l->hard, l->hard);
	}
	if (rq->pol->nice_set && setpriority(PRIO_PROCESS, 0, rq->pol->nice) < 0)
		refuse(rq, CJ_LIMITS, "nice %d: %s", rq->pol->nice, strerror(errno));
	passed(rq, "limits", "hard limits%s set; soft limits and umask %03o follow just before exec",
	       rq->pol->nice_set ? " and nice" : "", (unsigned)rq->pol->umask);
}

/* Last, as the target: the configured limits, and the caller's own back
 * where cgijail lifted them and nothing is configured. */
void set_soft_limits(struct request *rq)
{
	for (int id = 0; id < LIM_COUNT; id++) {
		const struct cj_limit *l = &rq->pol->limits[id];

		if (l->set)
			set_limit(rq, (enum cj_limit_id)id, l->soft, l->hard);
		else if (rq->lifted[id])
			set_limit(rq, (enum cj_limit_id)id, rq->caller_limits[id].rlim_cur,
				  rq->caller_limits[id].rlim_max);
	}
	umask(rq->pol->umask);
}

/* Needs CAP_SETPCAP, so it runs before the uid changes. */
static void drop_bounding_set(struct request *rq)
{
	/* cap_max_bits() is what this kernel supports: every one can be dropped. */
	for (cap_value_t cap = 0; cap < cap_max_bits(); cap++)
		if (cap_drop_bound(cap) < 0)
			refuse(rq, CJ_CAPS, "cannot drop capability %d from the bounding set: %s", cap,
			       strerror(errno));
	/* One call; libcap's cap_reset_ambient() first asks about every capability. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		refuse(rq, CJ_CAPS, "cannot clear the ambient set: %s", strerror(errno));
}

static void require_no_capabilities(struct request *rq)
{
	cap_t now = cap_get_proc(), none = cap_init();
	bool clear = now && none && cap_compare(now, none) == 0;

	cap_free(now);
	cap_free(none);
	if (!clear)
		refuse(rq, CJ_CAPS, "capabilities remain after the uid change");
}

/* Prove the drop is permanent: all ids are the target's and root is not
 * reachable again through any of them. */
static void require_permanent_drop(struct request *rq)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) < 0 || ru != rq->uid || eu != rq->uid || su != rq->uid)
		refuse(rq, CJ_DROP, "uids are not all %lu", (unsigned long)rq->uid);
	if (getresgid(&rg, &eg, &sg) < 0 || rg != rq->gid || eg != rq->gid || sg != rq->gid)
		refuse(rq, CJ_DROP, "gids are not all %lu", (unsigned long)rq->gid);
	if (setresuid(0, 0, 0) == 0 || setresuid(-1, 0, -1) == 0 || setresgid(0, 0, 0) == 0)
		refuse(rq, CJ_DROP, "root could be regained after the drop");
	if (setgroups(0, NULL) == 0)
		refuse(rq, CJ_DROP, "the group list could still be changed after the drop");
}

static void set_no_new_privs(struct request *rq)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		refuse(rq, CJ_CAPS, "no_new_privs: %s", strerror(errno));
}

/* kill(2) lets a process signal another whose real or saved uid is its
 * real or effective uid. The supervisor's effective uid is the target's,
 * so it can kill the CGI; its real and saved uids are its own system
 * user's, which no customer process and not the web server has, so none of
 * them can signal it -- nor ptrace it (that needs all three uids equal to
 * the tracer's, and a dumpable process). */
void drop_to_supervisor(struct request *rq)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	drop_bounding_set(rq);
	if (setgroups(0, NULL) < 0 || setresgid(rq->sv_gid, rq->sv_gid, rq->sv_gid) < 0)
		refuse(rq, CJ_SETGID, "supervisor %lu: %s", (unsigned long)rq->sv_gid, strerror(errno));
	if (setresuid(rq->sv_uid, rq->uid, rq->sv_uid) < 0)
		refuse(rq, CJ_SETUID, "supervisor %lu/%lu: %s", (unsigned long)rq->sv_uid,
		       (unsigned long)rq->uid, strerror(errno));
	if (getresuid(&ru, &eu, &su) < 0 || ru != rq->sv_uid || eu != rq->uid || su != rq->sv_uid ||
	    getresgid(&rg, &eg, &sg) < 0 || rg != rq->sv_gid || eg != rq->sv_gid || sg != rq->sv_gid)
		refuse(rq, CJ_DROP, "the supervisor's ids are not %lu/%lu", (unsigned long)rq->sv_uid,
		       (unsigned long)rq->uid);
	if (setresuid(0, 0, 0) == 0 || setresuid(-1, 0, -1) == 0 || setresgid(0, 0, 0) == 0 ||
	    setgroups(0, NULL) == 0)
		refuse(rq, CJ_DROP, "root could be regained by the supervisor");
	require_no_capabilities(rq);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		refuse(rq, CJ_CAPS, "the supervisor's dumpable flag: %s", strerror(errno));
	set_no_new_privs(rq);
}

void drop_privileges(struct request *rq)
{
	drop_bounding_set(rq);
	if (setgroups((size_t)rq->ngroups, rq->groups) < 0 ||
	    setresgid(rq->gid, rq->gid, rq->gid) < 0)
		refuse(rq, CJ_SETGID, "%lu: %s", (unsigned long)rq->gid, strerror(errno));
	if (setresuid(rq->uid, rq->uid, rq->uid) < 0)
		refuse(rq, CJ_SETUID, "%lu: %s", (unsigned long)rq->uid, strerror(errno));
	require_permanent_drop(rq);
	require_no_capabilities(rq);
	set_no_new_privs(rq);
	passed(rq, "drop", "uid %lu, gid %lu, %d groups, no capabilities, no_new_privs",
	       (unsigned long)rq->uid, (unsigned long)rq->gid, rq->ngroups);
}
