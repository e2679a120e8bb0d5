/* cl_check on a jail with a customer's rights (unpriv.h), never root's:
 * the reports come back through cl_wire.h and are decoded strictly. */
#ifndef CTL_CHECKAS_H
#define CTL_CHECKAS_H

#include <stdbool.h>
#include <stddef.h>

#include "closure.h"
#include "thinview.h"
#include "unpriv.h"

struct checkas_job {
	const struct cl_options *opt;  /* its root_fd and host_root_fd are handed to the child */
	char *const *paths;            /* the programs, absolute paths inside the root */
	const int *prog_fds;           /* NULL, or each program's fd (cl_check's PROG_FD) */
	size_t n;
	/* One report for all programs, each check leaving out what the earlier
	 * ones found (cl_check appending to one report); else one per program. */
	bool shared;
	/* NULL, or a bind-mode thin jail's template, mounted in the checking
	 * child first (thinview.h; only when the check runs as a customer). */
	const struct thinview *view;
};

/* Whom to check the jail ROOTFD as, into *U, with *AS pointing to U; or,
 * when we are not root, *AS = NULL: the check runs in this process, with
 * the rights we have. As root: USER (--user) when given; else the customer
 * whose jail it is (the same directory, by device and inode) in CONFIG
 * (NULL: the compiled-in config, when there is one); else "nobody". Never
 * uid or gid 0. 0, or -1 with the reason in WHY. */
int checkas_choose(int rootfd, const char *user, const char *config, struct unpriv_user *u,
		   const struct unpriv_user **as, char *why, size_t whylen);

/* The same for a jail whose customer NAME is known (check --all, upgrade
 * --all): NAME as root, else NULL. */
int checkas_customer(const char *name, struct unpriv_user *u, const struct unpriv_user **as,
		     char *why, size_t whylen);

/* Run the job as AS (NULL: in this process). ERRS[i] is the errno of
 * program i's check (0: it ran); REPS is one report when job->shared,
 * else job->n. 0 when every result came back; -1 when the checking
 * process failed (killed, stopped, timed out, could not drop, sent a
 * malformed stream), with the reason in WHY. */
int checkas_run(const struct unpriv_user *as, const struct checkas_job *job, int *errs,
		struct cl_report *reps, char *why, size_t whylen);

/* Whether PATH, a name a check in the jail gave, is a regular file on the
 * host that only root can change (itself and every directory above its
 * real path root-owned, not writable by group or others): root may then
 * copy it into the jail, or read it, without reading a customer's bytes. */
bool checkas_trusted_host_file(const char *path);

/* "alice (uid 1001)", or "cgijailctl's own user" for AS NULL. */
const char *checkas_who(const struct unpriv_user *as, char *buf, size_t len);

#endif
