/* cgijailctl template check, refresh and gc. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgijailctl.h"
#include "checkas.h"
#include "closure.h"
#include "jails.h"
#include "programs.h"
#include "template.h"
#include "thin.h"


/* The names given, or every template of the store. */
static int names_of(const struct template_args *a, const struct tstore *s, struct strlist *out)
{
	for (size_t i = 0; i < a->names.n; i++)
		if (strlist_add(out, a->names.v[i]) < 0)
			return -1;
	return a->names.n ? 0 : tstore_templates(s, out);
}

static int lock_template(int tfd)
{
	int lock = openat(tfd, ".lock", O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (lock >= 0 && flock(lock, LOCK_EX) < 0) {
		close(lock);
		return -1;
	}
	return lock;
}

/* ---- check ---- */

/* Every program of GEN's bin directories, as "nobody", as at its build. */
static int check_generation(const struct tstore *s, const char *name, const char *gen, bool deep,
			    struct template_report *rep)
{
	struct strlist programs = { 0 };
	struct unpriv_user u;
	const struct unpriv_user *as;
	struct cl_options opt;
	struct cl_report creport;
	struct checkas_job job = { .opt = &opt, .shared = true };
	char root[8192], why[1536];
	int rootfd, *errs = NULL, rc = -1;

	snprintf(root, sizeof root, "%s/%s/%s/root", s->path, name, gen);
	cl_options_init(&opt);
	cl_report_init(&creport);
	opt.deep = deep;
	opt.root_fd = rootfd = open(root, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0 || jail_programs(rootfd, &programs) < 0 ||
	    checkas_customer("nobody", &u, &as, why, sizeof why) < 0 ||
	    !(errs = calloc(programs.n + 1, sizeof *errs))) {
		(void)strlist_addf(&rep->errors, "%s: %s", root,
				   rootfd < 0 ? strerror(errno) : "cannot list its programs");
		goto out;
	}
	job.paths = programs.v;
	job.n = programs.n;
	if (checkas_run(as, &job, errs, &creport, why, sizeof why) < 0) {
		(void)strlist_addf(&rep->errors, "%s: %s", root, why);
		goto out;
	}
	for (size_t i = 0; i < creport.n_problems; i++) {
		const struct cl_problem *p = &creport.problems[i];
		char what[4200];

		snprintf(what, sizeof what, "%s: %s%s%s", cl_kind_name(p->kind), p->object,
			 p->needed_by[0] ? " needed by " : "", p->needed_by);
		(void)strlist_addf(&rep->errors, "%s/%s: %s", name, gen, what);
	}
	(void)strlist_addf(&rep->lines, "%s/%s: %s programs checked", name, gen,
			   creport.n_problems ? "not all" : "all");
	rc = creport.n_problems ? 1 : 0;
out:
	free(errs);
	cl_report_free(&creport);
	strlist_free(&programs);
	if (rootfd >= 0)
		close(rootfd);
	return rc;
}

int template_check(struct template_args *a, const struct tstore *s)
{
	struct strlist names = { 0 }, profiles = { 0 };
	struct template_report rep = { 0 };
	int status = names_of(a, s, &names) < 0 ? CTL_ERROR : CTL_OK;

	for (size_t i = 0; i < names.n; i++) {
		char why[512], gen[TSTORE_GEN_MAX];
		bool deep = true;
		int tfd = tstore_template(s, names.v[i], false, why, sizeof why), rc;

		if (tfd < 0 || tstore_current(tfd, gen, sizeof gen, why, sizeof why) != 1) {
			(void)strlist_addf(&rep.errors, "%s: %s", names.v[i], tfd < 0 ? why : "no current generation");
			status = CTL_ERROR;
		} else if (!tstore_verified(tfd, gen)) {
			(void)strlist_addf(&rep.errors, "%s: the current generation %s has no verdict",
					   names.v[i], gen);
			status = CTL_PROBLEMS;
		} else {
			(void)tbuild_read_spec(tfd, gen, &profiles, &deep);
			rc = check_generation(s, names.v[i], gen, deep, &rep);
			if (rc != 0 && status != CTL_ERROR)
				status = rc < 0 ? CTL_ERROR : CTL_PROBLEMS;
		}
		strlist_free(&profiles);
		if (tfd >= 0)
			close(tfd);
	}
	template_print_report(a, "template check", &rep, status);
	template_report_free(&rep);
	strlist_free(&names);
	return status;
}

/* ---- refresh ---- */

static int refresh_one(struct template_args *a, const struct tstore *s, const char *name,
		       struct template_report *rep)
{
	struct strlist profiles = { 0 };
	struct tbuild_result r = { 0 };
	char why[4200], gen[TSTORE_GEN_MAX];
	bool deep = true;
	int tfd = tstore_template(s, name, false, why, sizeof why), rc = CTL_OK, same;

	if (tfd < 0 || tstore_current(tfd, gen, sizeof gen, why, sizeof why) != 1) {
		(void)strlist_addf(&rep->errors, "%s: %s", name,
				   tfd < 0 ? why : "no current generation to refresh");
		rc = CTL_ERROR;
		goto out;
	}
	same = tbuild_host_unchanged(tfd, gen, why, sizeof why);
	if (same == 1) {
		(void)strlist_addf(&rep->lines, "%s: %s is as the host's files%s", name, gen, "");
		if (!a->dry_run && template_switch_jails(a, s, name, gen, rep) < 0)
			rc = CTL_ERROR;
		goto out;
	}
	if (same < 0)
		snprintf(why, sizeof why, "%s has no manifest", gen);
	if (a->dry_run || tbuild_read_spec(tfd, gen, &profiles, &deep) < 0) {
		(void)strlist_addf(a->dry_run ? &rep->lines : &rep->errors, "%s: %s: %s", name, why,
		     a->dry_run ? "a new generation would be built" : "its spec cannot be read");
		rc = a->dry_run ? CTL_PROBLEMS : CTL_ERROR;
		goto out;
	}
	close(tfd);
	tfd = -1;
	struct tbuild_opts o = { name, &profiles, a->profiles_dir, deep };
	rc = tbuild_generation(s, &o, &r);
	if (rc == CTL_OK) {
		(void)strlist_addf(&rep->lines, "%s: %s, so %s was built and is current", name, why, r.gen);
		if (template_switch_jails(a, s, name, r.gen, rep) < 0)
			rc = CTL_ERROR;
	} else {
		(void)strlist_addf(&rep->errors, "%s: %s; the new generation did not pass, %s stays current",
				   name, why, gen);
		for (size_t i = 0; i < r.problems.n; i++)
			(void)strlist_addf(&rep->errors, "%s: %s", name, r.problems.v[i]);
		for (size_t i = 0; i < r.errors.n; i++)
			(void)strlist_addf(&rep->errors, "%s: %s", name, r.errors.v[i]);
	}
out:
	tbuild_result_free(&r);
	strlist_free(&profiles);
	if (tfd >= 0)
		close(tfd);
	return rc;
}

int template_refresh(struct template_args *a, const struct tstore *s)
{
	struct strlist names = { 0 };
	struct template_report rep = { 0 };
	int status = CTL_OK;

	if (!a->all && !a->names.n) {
		fprintf(stderr, "cgijailctl template refresh: give NAME... or --all\n");
		return CTL_ERROR;
	}
	if (names_of(a, s, &names) < 0)
		status = CTL_ERROR;
	for (size_t i = 0; i < names.n; i++) {
		int rc = refresh_one(a, s, names.v[i], &rep);

		if (rc > status)
			status = rc;
	}
	template_print_report(a, "template refresh", &rep, status);
	template_report_free(&rep);
	strlist_free(&names);
	return status;
}

/* ---- gc ---- */

/* A running CGI mounted GEN: some process's mountinfo has a mount whose
 * root is .../NAME/GEN/root. */
static bool mounted_somewhere(const char *name, const char *gen)
{
	char want[256], path[64], buf[8192];
	DIR *proc = opendir("/proc");
	struct dirent *e;
	bool found = false;

	snprintf(want, sizeof want, "/%s/%s/root ", name, gen);
	while (proc && !found && (e = readdir(proc))) {
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/mountinfo", e->d_name);
		f = fopen(path, "re");
		while (f && !found && fgets(buf, sizeof buf, f))
			found = strstr(buf, want) != NULL;
		if (f)
			fclose(f);
	}
	if (proc)
		closedir(proc);
	return found;
}

/* A jail of the config on NAME (link mode) has its farm of GEN. */
static bool linked_by_a_jail(const struct template_args *a, const char *name, const char *gen)
{
	struct strlist paths = { 0 }, users = { 0 }, modes = { 0 };
	char why[512], g[TSTORE_GEN_MAX];
	bool found = false;

	if (jails_of_template(a->config, name, &paths, &users, &modes, why, sizeof why) < 0)
		return true;
	for (size_t i = 0; i < paths.n && !found; i++) {
		int jfd = open(paths.v[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		found = jfd >= 0 && thin_linked_gen(jfd, g, sizeof g) == 1 && !strcmp(g, gen);
		if (jfd >= 0)
			close(jfd);
	}
	strlist_free(&paths);
	strlist_free(&users);
	strlist_free(&modes);
	return found;
}

/* A request may have read "current" just before a switch and mount the
 * old generation just after it: what was current a minute ago stays. */
static bool switched_just_now(int tfd)
{
	struct stat st;

	return fstatat(tfd, "current", &st, AT_SYMLINK_NOFOLLOW) == 0 && time(NULL) - st.st_mtime < 60;
}

static int gc_one(struct template_args *a, const struct tstore *s, const char *name,
		  struct template_report *rep)
{
	struct strlist gens = { 0 };
	char why[512], cur[TSTORE_GEN_MAX] = "";
	int tfd = tstore_template(s, name, false, why, sizeof why), lock = -1, rc = CTL_OK;

	if (tfd < 0 || (lock = lock_template(tfd)) < 0 || tstore_current(tfd, cur, sizeof cur, why, sizeof why) < 0 ||
	    tstore_generations(tfd, &gens) < 0) {
		(void)strlist_addf(&rep->errors, "%s: %s", name, tfd < 0 ? why : strerror(errno));
		rc = CTL_ERROR;
	}
	for (size_t i = 0; rc == CTL_OK && i < gens.n; i++) {
		const char *g = gens.v[i];

		if (!strcmp(g, cur))
			continue;
		if (switched_just_now(tfd) || linked_by_a_jail(a, name, g) || mounted_somewhere(name, g)) {
			(void)strlist_addf(&rep->lines, "%s/%s: kept (in use)%s", name, g, "");
			continue;
		}
		if (!a->dry_run && tstore_remove_tree(tfd, g) < 0) {
			(void)strlist_addf(&rep->errors, "%s/%s: %s", name, g, strerror(errno));
			rc = CTL_ERROR;
		} else {
			(void)strlist_addf(&rep->lines, "%s/%s: %s", name, g, a->dry_run ? "would be removed" : "removed");
		}
	}
	strlist_free(&gens);
	if (lock >= 0)
		close(lock);
	if (tfd >= 0)
		close(tfd);
	return rc;
}

int template_gc(struct template_args *a, const struct tstore *s)
{
	struct strlist names = { 0 };
	struct template_report rep = { 0 };
	int status = names_of(a, s, &names) < 0 ? CTL_ERROR : CTL_OK;

	for (size_t i = 0; i < names.n; i++)
		if (gc_one(a, s, names.v[i], &rep) != CTL_OK)
			status = CTL_ERROR;
	template_print_report(a, "template gc", &rep, status);
	template_report_free(&rep);
	strlist_free(&names);
	return status;
}
