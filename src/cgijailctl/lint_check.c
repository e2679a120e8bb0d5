/* What cgijail would refuse for each CGI of a customer, in cgijail's order:
 * the command, the customer's ids, the jail root, the directory inside the
 * jail, suexec's checks on the directory and the program (the shared
 * predicates of src/common/suexec_rules.h), then -- as the customer, in a
 * process of its own (checkas.h) -- whether its owner can read it and the
 * jail library check with the customer's settings. The request's group is
 * the customer's primary group. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkas.h"
#include "cj_exit.h"
#include "closure_verdict.h"
#include "lint.h"
#include "safepath.h"
#include "strutil.h"
#include "suexec_rules.h"
#include "thin.h"

__attribute__((format(printf, 3, 4)))
static int set_reason(char **out, int code, const char *fmt, ...)
{
	char detail[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	free(*out);
	if (asprintf(out, "%s: %s", cj_exit_text(code), detail) < 0)
		*out = NULL;
	return code;
}

static void refuse(struct lint_cgi *c, int code, const char *detail)
{
	c->code = set_reason(&c->reason, code, "%s", detail);
}

/* ---- the customer ---- */

static int user_refusal(struct lint_user *u, int code, const char *detail)
{
	u->code = code;
	snprintf(u->reason, sizeof u->reason, "%s", detail);
	return code;
}

/* check_target_ids(), then open_jail_root(): as cgijail refuses them. */
static int check_user(struct lint_user *u, const struct cj_config *cfg, int *jail_fd)
{
	char why[PATH_MAX + 128];

	*jail_fd = -1;
	if (u->uid == 0 || u->uid < cfg->min_uid) {
		snprintf(why, sizeof why, "uid %lu (min_uid %lu)", (unsigned long)u->uid, cfg->min_uid);
		return user_refusal(u, CJ_FORBIDDEN_UID, why);
	}
	if (u->gid == 0 || u->gid < cfg->min_gid) {
		snprintf(why, sizeof why, "gid %lu (min_gid %lu)", (unsigned long)u->gid, cfg->min_gid);
		return user_refusal(u, CJ_FORBIDDEN_GID, why);
	}
	if (!u->pol.jail_root[0]) {
		snprintf(why, sizeof why, "no jail_root for %s and require_jail = yes", u->name);
		return u->pol.require_jail ? user_refusal(u, CJ_NO_JAIL, why) : CJ_OK;
	}
	if (expand_user_pattern(u->pol.jail_root, u->name, u->uid, u->jail, sizeof u->jail) < 0) {
		snprintf(why, sizeof why, "jail_root %s does not expand for %s", u->pol.jail_root, u->name);
		return user_refusal(u, CJ_NO_JAIL, why);
	}
	*jail_fd = open_root_owned_path(u->jail, O_PATH | O_DIRECTORY, why, sizeof why);
	return *jail_fd < 0 ? user_refusal(u, CJ_JAIL_UNSAFE, why) : CJ_OK;
}

/* The docroot and the userdir, as resolve_docroot() finds them. */
static void find_sites(struct lint_user *u)
{
	char wanted[PATH_MAX * 2];

	if (expand_user_pattern(u->pol.docroot, u->name, u->uid, wanted, sizeof wanted) == 0 &&
	    !realpath(wanted, u->docroot))
		u->docroot[0] = '\0';
	if (u->home[0] && strcmp(u->home, "/") != 0) {
		snprintf(wanted, sizeof wanted, "%s/%s", u->home, u->pol.userdir);
		if (!realpath(wanted, u->userdir))
			u->userdir[0] = '\0';
	}
	if (u->docroot[0] && u->userdir[0] &&
	    (path_is_within(u->userdir, u->docroot) || path_is_within(u->docroot, u->userdir)))
		u->userdir[0] = '\0';   /* one walk finds the CGIs of both */
}

/* ---- each CGI, on the host ---- */

static void check_files(struct lint_user *u, struct lint_cgi *c)
{
	char why[PATH_MAX * 2 + 128], *dir = strdup(c->path), *slash;
	const struct cj_target t = { u->uid, u->gid, u->name, u->group };
	int code = cj_command_verdict(c->name, why, sizeof why);

	if (code == CJ_OK && u->code != CJ_OK) {
		code = u->code;
		snprintf(why, sizeof why, "%s", u->reason);
	}
	slash = dir ? strrchr(dir, '/') : NULL;
	if (slash)
		*slash = '\0';
	if (code == CJ_OK && dir && u->jail[0] && !path_inside(dir, u->jail)) {
		code = CJ_NOT_IN_JAIL;
		snprintf(why, sizeof why, "%s is not inside %s", dir, u->jail);
	}
	if (code == CJ_OK && dir)
		code = cj_dir_verdict(&c->dir_st, dir, &t, why, sizeof why);
	if (code == CJ_OK)
		code = cj_program_verdict(&c->st, &c->dir_st, c->name, &t, why, sizeof why);
	if (code != CJ_OK)
		refuse(c, code, why);
	free(dir);
}

/* ---- as the customer: readable, and the jail library check ---- */

static void closure_options(const struct lint_user *u, int root_fd, struct cl_options *opt)
{
	cl_options_init(opt);
	opt->root_fd = root_fd;
	opt->safe_path = u->pol.safe_path;
	opt->symbols = u->pol.check == CHECK_FULL;
	opt->deep = u->pol.check_modules;
	if (u->pol.namespaces & CLONE_NEWNS)
		opt->origin = CL_ORIGIN_KNOWN;
	/* A thin jail's template generation was checked when it was built. */
	opt->trusted = u->trusted[0] ? u->trusted : NULL;
}

static void take_result(const struct lint_user *u, struct lint_cgi *c, const char *in_jail,
			int err, const struct cl_report *rep)
{
	char why[4096];
	int code;

	if (err == EACCES || err == EPERM) {
		snprintf(why, sizeof why, "%s is not readable by its owner: %s", c->name, strerror(err));
		refuse(c, CJ_PROG_OPEN, why);
		return;
	}
	if (err) {
		snprintf(why, sizeof why, "%s: %s", in_jail, strerror(err));
		refuse(c, CJ_CLOSURE_ERROR, why);
		return;
	}
	if (u->pol.check == CHECK_OFF)
		return;
	for (size_t i = 0; i < rep->n_problems; i++) {
		const struct cl_problem *p = &rep->problems[i];

		snprintf(why, sizeof why, "%s: %s%s%s: %s", cl_kind_name(p->kind), p->object,
			 p->needed_by[0] ? " needed by " : "", p->needed_by, p->detail);
		(void)strlist_add(&c->problems, why);
	}
	code = cj_closure_verdict(rep, in_jail, why, sizeof why);
	if (code != CJ_OK)
		refuse(c, code, why);
}

/* The CGIs that passed so far, in one checking process as the customer
 * (who sees a bind-mode thin jail's template mounted, as its CGIs do). */
static int check_closures(struct lint_user *u, const struct cj_config *cfg, int jail_fd)
{
	size_t n = 0, *idx = calloc(u->n ? u->n : 1, sizeof *idx);
	char **paths = calloc(u->n ? u->n : 1, sizeof *paths), why[1536];
	const struct unpriv_user *as;
	struct unpriv_user uu;
	struct cl_options opt;
	struct cl_report *reps = NULL;
	struct thinview view = { .tree = -1 };
	int *errs = NULL, rc = -1, root_fd = jail_fd >= 0 ? jail_fd : open("/", O_PATH | O_CLOEXEC);

	for (size_t i = 0; idx && paths && i < u->n; i++) {
		const char *in = u->jail[0] ? path_inside(u->cgis[i].path, u->jail) : u->cgis[i].path;

		if (u->cgis[i].code == CJ_OK && in && (paths[n] = strdup(in)))
			idx[n++] = i;
	}
	reps = calloc(n ? n : 1, sizeof *reps);
	errs = calloc(n ? n : 1, sizeof *errs);
	closure_options(u, root_fd, &opt);
	if (!idx || !paths || !reps || !errs || root_fd < 0) {
		snprintf(u->error, sizeof u->error, "%s", strerror(errno ? errno : ENOMEM));
	} else if (n == 0) {
		rc = 0;
	} else if (checkas_customer(u->name, &uu, &as, why, sizeof why) < 0 ||
		   (jail_fd >= 0 && !u->pol.template_link &&
		    thinview_open(&view, jail_fd, u->jail, cfg->template_dir, u->pol.template_name,
				  why, sizeof why) < 0) ||
		   checkas_run(as, &(struct checkas_job){ .opt = &opt, .paths = paths, .n = n,
							  .view = &view },
			       errs, reps, why, sizeof why) < 0) {
		snprintf(u->error, sizeof u->error, "%s", why);
	} else {
		for (size_t k = 0; k < n; k++)
			take_result(u, &u->cgis[idx[k]], paths[k], errs[k], &reps[k]);
		rc = 0;
	}
	for (size_t k = 0; k < n; k++) {
		free(paths[k]);
		if (reps)
			cl_report_free(&reps[k]);
	}
	if (root_fd >= 0 && root_fd != jail_fd)
		close(root_fd);
	thinview_close(&view);
	free(idx);
	free(paths);
	free(reps);
	free(errs);
	return rc;
}

static int lookup(struct lint_user *u, const struct cj_config *cfg)
{
	struct passwd *pw = getpwnam(u->name);
	struct group *gr;

	if (!pw) {
		snprintf(u->error, sizeof u->error, "no such user");
		return -1;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	snprintf(u->home, sizeof u->home, "%s", pw->pw_dir ? pw->pw_dir : "");
	gr = getgrgid(u->gid);
	if (!gr) {
		snprintf(u->error, sizeof u->error, "its group %lu has no entry", (unsigned long)u->gid);
		return -1;
	}
	snprintf(u->group, sizeof u->group, "%s", gr->gr_name);
	if (cj_policy_for_user(cfg, u->name, &u->pol) < 0) {
		snprintf(u->error, sizeof u->error, "its policy ([user:%s]) cannot be built", u->name);
		return -1;
	}
	return 0;
}

int lint_check_user(struct lint_user *u, const struct cj_config *cfg)
{
	int jail_fd = -1, rc = 0;

	u->code = CJ_OK;
	if (lookup(u, cfg) < 0)
		return -1;
	check_user(u, cfg, &jail_fd);
	find_sites(u);
	if ((u->docroot[0] && lint_walk_site(u, u->docroot, "docroot") < 0) ||
	    (u->userdir[0] && lint_walk_site(u, u->userdir, "userdir") < 0))
		rc = -1;
	for (size_t i = 0; rc == 0 && i < u->n; i++)
		check_files(u, &u->cgis[i]);
	if (jail_fd >= 0)
		thin_trusted(jail_fd, u->trusted, sizeof u->trusted);
	if (rc == 0)
		rc = check_closures(u, cfg, jail_fd);
	for (size_t i = 0; i < u->n; i++)
		u->broken += u->cgis[i].code != CJ_OK;
	if (jail_fd >= 0)
		close(jail_fd);
	return rc;
}
