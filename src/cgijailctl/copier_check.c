/* The copier's closures: what a program needs, found on the host or in the
 * jail. The host's files are root's, so a host program's closure is found
 * here, as root. Anything read inside the jail (a compiled CGI for
 * --libs-for, the programs and nsswitch.conf of the jail) may be the
 * customer's: it is read as c->as (checkas.h). What such a check names is
 * used only when it is a file on the host that only root can change. */
#include "copier.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkas.h"
#include "closure.h"
#include "jailfs.h"

static void problems_as_errors(struct copier *c, const char *prog, const struct cl_report *rep)
{
	for (size_t i = 0; i < rep->n_problems; i++) {
		const struct cl_problem *p = &rep->problems[i];
		copier_error(c, prog, "on the host already: %s: %s%s%s: %s", cl_kind_name(p->kind),
			     p->object, p->needed_by[0] ? " needed by " : "", p->needed_by, p->detail);
	}
}

/* Check PATH resolved on the host into REP: the host's file, as root; or,
 * with PROG_FD >= 0, the jail's file PROG_FD, as c->as. 0 when the check
 * ran, else -1 (an error noted). */
static int check_on_host(struct copier *c, const char *path, int prog_fd, struct cl_report *rep)
{
	struct cl_options opt;
	struct checkas_job job = { .opt = &opt, .paths = (char *const *)&path, .prog_fds = &prog_fd,
				   .n = 1, .shared = true };
	char why[1536];
	int err = 0;

	cl_options_init(&opt);
	opt.symbols = false;
	opt.nss = false;
	opt.deep = c->deep;
	opt.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (opt.root_fd < 0)
		return -1;
	if (prog_fd < 0) {
		err = cl_check(&opt, path, -1, rep) < 0 ? errno : 0;
	} else if (checkas_run(c->as, &job, &err, rep, why, sizeof why) < 0) {
		copier_error(c, path, "%s", why);
		close(opt.root_fd);
		return -1;
	}
	close(opt.root_fd);
	if (err)
		copier_error(c, path, "%s", err == ENOENT ? "not on the host" : strerror(err));
	return err ? -1 : 0;
}

/* Copy what REP found but the first object when SKIP_FIRST. FROM_JAIL: the
 * list came from a check of a jail file: only files that only root can
 * change on the host are copied. */
static int copy_found(struct copier *c, const struct cl_report *rep, bool skip_first, bool from_jail)
{
	int status = 0;

	for (size_t i = skip_first ? 1 : 0; i < rep->n_checked; i++) {
		if (from_jail && !checkas_trusted_host_file(rep->checked[i])) {
			copier_error(c, rep->checked[i], "not copied: not a file on the host that only root can change");
			status = -1;
			continue;
		}
		status |= copier_path(c, rep->checked[i]);
	}
	return status;
}

/* The closure of PATH resolved on the host (read from PROG_FD when >= 0). */
static int copy_host_closure(struct copier *c, const char *path, int prog_fd, bool skip_first)
{
	struct cl_report rep;
	int status;

	cl_report_init(&rep);
	status = check_on_host(c, path, prog_fd, &rep);
	if (status == 0) {
		problems_as_errors(c, path, &rep);
		status = rep.n_problems ? -1 : 0;
		status |= copy_found(c, &rep, skip_first, prog_fd >= 0);
	}
	cl_report_free(&rep);
	return status;
}

int copier_closure(struct copier *c, const char *path)
{
	/* What is not on the host is an error already, not also a problem. */
	if (access(path, F_OK) == 0)
		(void)strlist_add_unique(&c->programs, path);
	return copy_host_closure(c, path, -1, false);
}

int copier_libs_for(struct copier *c, const char *path)
{
	int fd = jfs_open(c->rootfd, path, O_PATH);
	int rc;

	if (fd < 0) {
		copier_error(c, path, "not in the jail: %s", strerror(errno));
		return -1;
	}
	(void)strlist_add_unique(&c->programs, path);
	rc = copy_host_closure(c, path, fd, true);
	close(fd);
	return rc;
}

/* The directory of libc in REP (where glibc looks for NSS modules first). */
static const char *libc_dir(const struct cl_report *rep, char *out, size_t outlen)
{
	for (size_t i = 0; i < rep->n_checked; i++) {
		const char *slash = strrchr(rep->checked[i], '/');

		if (slash && strncmp(slash + 1, "libc.so.", 8) == 0) {
			snprintf(out, outlen, "%.*s", (int)(slash - rep->checked[i]), rep->checked[i]);
			return out;
		}
	}
	return NULL;
}

/* MODULE and DIR come from a check of the jail: the module is copied (and
 * its closure found, as root) only from a file only root can change. */
static int copy_nss_module(struct copier *c, const char *dir, const char *module)
{
	static const char *const fallback[] = { "/lib", "/usr/lib" };
	char path[4096];

	if (strncmp(module, "libnss_", 7) != 0 || strchr(module, '/')) {
		copier_error(c, module, "not the name of an NSS module");
		return -1;
	}
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", i ? fallback[i - 1] : dir, module);
		if (access(path, F_OK) != 0)
			continue;
		if (checkas_trusted_host_file(path))
			return copy_host_closure(c, path, -1, false);
		copier_error(c, path, "not copied: not a file on the host that only root can change");
		return -1;
	}
	copier_error(c, module, "the jail's nsswitch.conf needs it, and the host has none in %s", dir);
	return -1;
}

/* Check the programs copied so far inside the jail, as c->as, into REP.
 * ERRS (may be NULL) gets each program's errno. 0, or -1 (an error noted). */
static int check_in_jail(struct copier *c, const struct cl_options *opt, struct cl_report *rep,
			 int *errs)
{
	struct checkas_job job = { .opt = opt, .paths = c->programs.v, .n = c->programs.n,
				   .shared = true };
	int *e = errs ? errs : calloc(c->programs.n ? c->programs.n : 1, sizeof *e);
	char why[1536];
	int rc = 0;

	if (!e || checkas_run(c->as, &job, e, rep, why, sizeof why) < 0) {
		copier_error(c, c->jail, "%s", e ? why : strerror(ENOMEM));
		rc = -1;
	}
	if (!errs)
		free(e);
	return rc;
}

int copier_nss(struct copier *c)
{
	struct cl_options opt;
	struct cl_report rep;
	char dir[4096];
	int status;

	cl_options_init(&opt);
	opt.symbols = false;
	opt.root_fd = c->rootfd;
	cl_report_init(&rep);
	status = check_in_jail(c, &opt, &rep, NULL);
	for (size_t i = 0; status == 0 && i < rep.n_problems; i++)
		if (rep.problems[i].kind == CL_MISSING_NSS_MODULE)
			status |= copy_nss_module(c, libc_dir(&rep, dir, sizeof dir) ? dir : "/lib",
						  rep.problems[i].object);
	cl_report_free(&rep);
	return status;
}

int copier_verify(struct copier *c, struct strlist *problems)
{
	struct cl_options opt;
	struct cl_report rep;
	char line[5000];
	int *errs = calloc(c->programs.n ? c->programs.n : 1, sizeof *errs);

	cl_options_init(&opt);
	opt.root_fd = c->rootfd;
	opt.deep = c->deep;
	cl_report_init(&rep);
	if (!errs || check_in_jail(c, &opt, &rep, errs) < 0) {
		if (!errs)
			copier_error(c, c->jail, "%s", strerror(ENOMEM));
		free(errs);
		cl_report_free(&rep);
		return -1;
	}
	for (size_t i = 0; i < c->programs.n; i++) {
		if (errs[i]) {
			snprintf(line, sizeof line, "%s: cannot check it in the jail: %s", c->programs.v[i],
				 strerror(errs[i]));
			(void)strlist_add(problems, line);
		}
	}
	for (size_t i = 0; i < rep.n_problems; i++) {
		const struct cl_problem *p = &rep.problems[i];

		snprintf(line, sizeof line, "%s: %s%s%s: %s", cl_kind_name(p->kind), p->object,
			 p->needed_by[0] ? " needed by " : "", p->needed_by, p->detail);
		(void)strlist_add(problems, line);
	}
	free(errs);
	cl_report_free(&rep);
	return problems->n ? 1 : 0;
}
