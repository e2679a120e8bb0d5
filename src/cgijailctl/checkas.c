#include "checkas.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cl_wire.h"
#include "jails.h"
#include "safepath.h"

/* ---- whom to check as ---- */

static int choose_as_root(int rootfd, const char *user, const char *config, struct unpriv_user *u,
			  char *why, size_t whylen)
{
	char customer[256], reason[1024];
	int found;

	if (user)
		return unpriv_user_by_name(user, u, why, whylen);
	found = jails_user_of(rootfd, config, customer, sizeof customer, reason, sizeof reason);
	if (found < 0) {
		snprintf(why, whylen, "%s (fix it, or name the user to check as with --user)", reason);
		return -1;
	}
	if (found) {
		if (unpriv_user_by_name(customer, u, reason, sizeof reason) < 0) {
			snprintf(why, whylen, "the jail's customer: %s", reason);
			return -1;
		}
		return 0;
	}
	if (unpriv_user_by_name("nobody", u, reason, sizeof reason) < 0) {
		snprintf(why, whylen, "no configured customer has this jail, and %s: name the user to "
			 "check as with --user (never root)", reason);
		return -1;
	}
	return 0;
}

int checkas_choose(int rootfd, const char *user, const char *config, struct unpriv_user *u,
		   const struct unpriv_user **as, char *why, size_t whylen)
{
	*as = NULL;
	if (geteuid() == 0) {
		if (choose_as_root(rootfd, user, config, u, why, whylen) < 0)
			return -1;
		*as = u;
		return 0;
	}
	/* Without root there is no one to switch to, and nothing to protect. */
	if (user && unpriv_user_by_name(user, u, why, whylen) < 0)
		return -1;
	if (user && u->uid != geteuid()) {
		snprintf(why, whylen, "--user %s: only root can check as another user", user);
		return -1;
	}
	return 0;
}

bool checkas_trusted_host_file(const char *path)
{
	char *real = realpath(path, NULL), why[512];
	struct stat st;
	bool trusted = false;
	int fd;

	if (!real)
		return false;
	fd = open_root_owned_path(real, O_PATH | O_NOFOLLOW, why, sizeof why);
	if (fd >= 0) {
		trusted = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
		close(fd);
	}
	free(real);
	return trusted;
}

int checkas_customer(const char *name, struct unpriv_user *u, const struct unpriv_user **as,
		     char *why, size_t whylen)
{
	*as = NULL;
	if (geteuid() != 0)
		return 0;
	if (unpriv_user_by_name(name, u, why, whylen) < 0)
		return -1;
	*as = u;
	return 0;
}

const char *checkas_who(const struct unpriv_user *as, char *buf, size_t len)
{
	if (!as)
		snprintf(buf, len, "cgijailctl's own user (uid %lu)", (unsigned long)geteuid());
	else
		snprintf(buf, len, "%s (uid %lu)", as->name, (unsigned long)as->uid);
	return buf;
}

/* ---- the checks ---- */

static int check_one(const struct checkas_job *job, size_t i, struct cl_report *rep)
{
	if (cl_check(job->opt, job->paths[i], job->prog_fds ? job->prog_fds[i] : -1, rep) == 0)
		return 0;
	return errno ? errno : EIO;
}

static void in_process(const struct checkas_job *job, int *errs, struct cl_report *reps)
{
	for (size_t i = 0; i < job->n; i++)
		errs[i] = check_one(job, i, &reps[job->shared ? 0 : i]);
}

/* What REP holds from index C0 and P0 on (a view, not a copy). */
static struct cl_report added_since(const struct cl_report *rep, size_t c0, size_t p0)
{
	struct cl_report v = { 0 };

	if (rep->n_checked > c0) {
		v.checked = rep->checked + c0;
		v.n_checked = rep->n_checked - c0;
	}
	if (rep->n_problems > p0) {
		v.problems = rep->problems + p0;
		v.n_problems = rep->n_problems - p0;
	}
	return v;
}

/* The child: one result per program, each with what its check added. */
static int work(void *arg, FILE *out)
{
	const struct checkas_job *job = arg;
	const struct cl_report none = { 0 };
	struct cl_report rep;
	int rc = cl_wire_put_header(out);

	cl_report_init(&rep);
	for (size_t i = 0; i < job->n && rc == 0; i++) {
		size_t c0 = rep.n_checked, p0 = rep.n_problems;
		int err = check_one(job, i, &rep);
		struct cl_report added = added_since(&rep, c0, p0);

		rc = cl_wire_put_result(out, err, &added);
		if (rc < 0 && errno == EOVERFLOW)
			rc = cl_wire_put_result(out, EOVERFLOW, &none);
		if (!job->shared)
			cl_report_free(&rep);
	}
	cl_report_free(&rep);
	return rc;
}

static int decode(const char *buf, size_t len, const struct checkas_job *job, int *errs,
		  struct cl_report *reps, char *why, size_t whylen)
{
	char reason[512];
	size_t pos = 0;

	if (cl_wire_get_header(buf, len, &pos, reason, sizeof reason) < 0)
		goto bad;
	for (size_t i = 0; i < job->n; i++) {
		int rc = cl_wire_get_result(buf, len, &pos, &errs[i], &reps[job->shared ? 0 : i],
					    reason, sizeof reason);

		if (rc < 0)
			goto bad;
		if (rc == 0) {
			snprintf(reason, sizeof reason, "%zu results for %zu programs", i, job->n);
			goto bad;
		}
	}
	if (pos == len)
		return 0;
	snprintf(reason, sizeof reason, "%zu bytes after the last result", len - pos);
bad:
	snprintf(why, whylen, "sent a malformed report: %s", reason);
	return -1;
}

/* The descriptors the child needs: the roots and the programs'. */
static int *child_fds(const struct checkas_job *job, size_t *n)
{
	int *fds = malloc((job->n + 3) * sizeof *fds);

	*n = 0;
	if (!fds)
		return NULL;
	fds[(*n)++] = job->opt->root_fd;
	if (job->opt->host_root_fd >= 0)
		fds[(*n)++] = job->opt->host_root_fd;
	if (job->view && job->view->tree >= 0)
		fds[(*n)++] = job->view->tree;
	for (size_t i = 0; job->prog_fds && i < job->n; i++)
		if (job->prog_fds[i] >= 0)
			fds[(*n)++] = job->prog_fds[i];
	return fds;
}

/* In the child, before the drop: the thin jail's template in place. */
static int mount_view(void *arg)
{
	const struct checkas_job *job = arg;
	char why[PATH_MAX + 128];

	if (!job->view || job->view->tree < 0 || thinview_enter(job->view, job->opt->root_fd, why,
								 sizeof why) == 0)
		return 0;
	fprintf(stderr, "cgijailctl: %s\n", why);
	return -1;
}

int checkas_run(const struct unpriv_user *as, const struct checkas_job *job, int *errs,
		struct cl_report *reps, char *why, size_t whylen)
{
	char reason[1024], who[300];
	char *buf = NULL;
	size_t len = 0, nfds;
	int *fds, rc;

	if (!as) {
		in_process(job, errs, reps);
		return 0;
	}
	fds = child_fds(job, &nfds);
	if (!fds) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	rc = unpriv_run_prepared(as, mount_view, work, (void *)job, fds, nfds, CL_WIRE_MAX_BYTES, &buf,
				 &len, reason, sizeof reason);
	if (rc == 0)
		rc = decode(buf, len, job, errs, reps, reason, sizeof reason);
	if (rc < 0)
		snprintf(why, whylen, "the check as %s %s", checkas_who(as, who, sizeof who), reason);
	free(buf);
	free(fds);
	return rc;
}
