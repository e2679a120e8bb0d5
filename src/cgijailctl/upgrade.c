/* cgijailctl upgrade: after a host upgrade, bring a jail's libraries along. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgijailctl.h"
#include "checkas.h"
#include "closure.h"
#include "ctl_out.h"
#include "jailfs.h"
#include "jails.h"
#include "populate.h"
#include "programs.h"
#include "strutil.h"
#include "thin.h"

struct upgrade_args {
	const char *root, *config, *user;
	bool all, apply, json;
};

struct stale {
	struct strlist paths, reasons;
};

static void upgrade_usage(FILE *out)
{
	fprintf(out,
		"usage: cgijailctl upgrade (--root JAIL [--user NAME] | --all) [--config FILE] [--apply]\n"
		"                          [--json]\n"
		"\n"
		"Find every object of the jail's programs (their libraries, loaders, NSS and\n"
		"extension modules, found as \"check --deep --host\" finds them) that differs\n"
		"from the file at the same path on the host: another soname, build-id, set of\n"
		"symbol versions, or other bytes. Without --apply, only list them. With\n"
		"--apply, re-copy each one atomically, copy what the host's programs now need,\n"
		"rebuild the jail's ld.so.cache, and check every program of the jail again.\n"
		"Run as root, it reads each jail with the rights of its customer (see check).\n"
		"\n"
		"  -r, --root JAIL       the jail\n"
		"  -u, --user NAME       read JAIL as user NAME (not root)\n"
		"  -a, --all             every jail of the config: jail_root expanded for each\n"
		"                        user with uid >= min_uid whose jail exists\n"
		"  -c, --config FILE     the config for --all, and where a jail's customer is\n"
		"                        found (default %s)\n"
		"  -A, --apply           change the files (default: dry run)\n"
		"  -j, --json            print the result as JSON\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: without --apply, 0 nothing differs, 1 something does; with\n"
		"--apply, 0 repaired and every program loads, 1 a program still would not\n"
		"load; 2 usage or I/O error.\n",
		jails_default_config());
}

static int parse_args(int argc, char **argv, struct upgrade_args *a)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "user", required_argument, NULL, 'u' },
		{ "all", no_argument, NULL, 'a' },
		{ "config", required_argument, NULL, 'c' },
		{ "apply", no_argument, NULL, 'A' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+r:u:ac:Ajh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': a->root = optarg; break;
		case 'u': a->user = optarg; break;
		case 'a': a->all = true; break;
		case 'c': a->config = optarg; break;
		case 'A': a->apply = true; break;
		case 'j': a->json = true; break;
		case 'h': upgrade_usage(stdout); return 1;
		default: upgrade_usage(stderr); return -1;
		}
	}
	if (!a->root == !a->all || optind != argc || (a->user && a->all)) {
		fprintf(stderr, "cgijailctl upgrade: %s\n", optind != argc ? "unexpected argument" :
			a->user && a->all ? "--user goes with --root; --all reads each jail as its customer" :
			"give either --root JAIL or --all");
		upgrade_usage(stderr);
		return -1;
	}
	return 0;
}

static void add_stale(struct stale *s, const char *path, const char *reason)
{
	if (strlist_has(&s->paths, path))
		return;
	if (strlist_add(&s->paths, path) == 0 && strlist_add(&s->reasons, reason) < 0)
		free(s->paths.v[--s->paths.n]);
}

/* The jail's copy of PATH has other bytes than the host's. */
static bool bytes_differ(int jfd, const char *path)
{
	struct stat js, hs;
	int hfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	bool differ = false;

	if (hfd >= 0 && fstat(jfd, &js) == 0 && fstat(hfd, &hs) == 0 && S_ISREG(hs.st_mode))
		differ = js.st_size != hs.st_size || !jfs_same_content(jfd, hfd);
	if (hfd >= 0)
		close(hfd);
	return differ;
}

/* PATH, named by the check, is stale for REASON (NULL: when its bytes
 * differ), if the jail holds a regular file there; it is re-copied only
 * from a file on the host that only root can change. */
static void consider(struct copier *c, struct stale *s, const char *path, const char *reason)
{
	struct stat st;
	int jfd = jfs_open_regular(c->rootfd, path, &st);
	bool stale = jfd >= 0 && (reason || bytes_differ(jfd, path));

	if (jfd >= 0)
		close(jfd);
	if (!stale)
		return;
	if (checkas_trusted_host_file(path))
		add_stale(s, path, reason ? reason : "content differs from the host's copy");
	else
		copier_error(c, path, "differs from the host's, but not re-copied: the host's is not a "
			     "file that only root can change");
}

/* Every object of the jail's programs that differs from the host's, found
 * by a check as c->as. */
static int find_stale(struct copier *c, const struct strlist *programs, struct stale *s)
{
	int *errs = calloc(programs->n ? programs->n : 1, sizeof *errs);
	struct cl_options opt;
	struct checkas_job job = { .opt = &opt, .paths = programs->v, .n = programs->n,
				   .shared = true };
	struct cl_report rep;
	char why[1536];
	int rc = -1;

	cl_options_init(&opt);
	opt.root_fd = c->rootfd;
	opt.symbols = false;
	opt.deep = true;
	opt.host_root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cl_report_init(&rep);
	if (!errs || opt.host_root_fd < 0) {
		fprintf(stderr, "cgijailctl upgrade: %s: %s\n", c->jail, strerror(errno));
	} else if (checkas_run(c->as, &job, errs, &rep, why, sizeof why) < 0) {
		fprintf(stderr, "cgijailctl upgrade: %s: %s\n", c->jail, why);
	} else {
		for (size_t i = 0; i < rep.n_problems; i++)
			if (rep.problems[i].kind == CL_HOST_MISMATCH)
				consider(c, s, rep.problems[i].object, rep.problems[i].detail);
		for (size_t i = 0; i < rep.n_checked; i++)
			consider(c, s, rep.checked[i], NULL);
		rc = 0;
	}
	cl_report_free(&rep);
	if (opt.host_root_fd >= 0)
		close(opt.host_root_fd);
	free(errs);
	return rc;
}

/* What --apply would copy that the jail lacks: the closure of the host's
 * copy of each program (root's files, read in this process), path by path. */
static void find_missing(struct copier *c, const struct strlist *programs, struct stale *s)
{
	struct cl_options opt;
	struct cl_report rep;

	cl_options_init(&opt);
	opt.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	opt.symbols = false;
	/* The host's nsswitch.conf is not the jail's: its modules are the jail's
	 * own check's business (copier_nss), not the host programs' closure. */
	opt.nss = false;
	opt.deep = c->deep;
	cl_report_init(&rep);
	for (size_t i = 0; opt.root_fd >= 0 && i < programs->n; i++)
		if (checkas_trusted_host_file(programs->v[i]))
			(void)cl_check(&opt, programs->v[i], -1, &rep);
	for (size_t i = 0; i < rep.n_checked; i++) {
		int fd = jfs_open(c->rootfd, rep.checked[i], O_PATH);

		if (fd >= 0)
			close(fd);
		else if (checkas_trusted_host_file(rep.checked[i]))
			add_stale(s, rep.checked[i], "missing in the jail; the host's programs need it");
	}
	cl_report_free(&rep);
	if (opt.root_fd >= 0)
		close(opt.root_fd);
}

/* Re-copy the stale objects, then each program's closure from the host
 * (what a newer program needs), the cache, and a check of every program. */
static int apply(struct copier *c, const struct strlist *programs, const struct stale *s,
		 struct strlist *problems)
{
	for (size_t i = 0; i < s->paths.n; i++)
		(void)copier_path(c, s->paths.v[i]);
	for (size_t i = 0; i < programs->n; i++) {
		if (access(programs->v[i], F_OK) == 0)
			(void)copier_closure(c, programs->v[i]);
		else
			(void)strlist_add_unique(&c->programs, programs->v[i]);
	}
	return populate_finish(c, problems);
}

static void print_jail(const struct upgrade_args *a, const char *jail, const struct stale *s,
		       const struct copier *c, const struct strlist *problems, bool first)
{
	if (a->json) {
		printf("%s{\"jail\": ", first ? "" : ", ");
		json_print_string(stdout, jail);
		printf(", \"applied\": %s, \"stale\": [", a->apply ? "true" : "false");
		for (size_t i = 0; i < s->paths.n; i++) {
			printf("%s{\"path\": ", i ? ", " : "");
			json_print_string(stdout, s->paths.v[i]);
			fputs(", \"reason\": ", stdout);
			json_print_string(stdout, s->reasons.v[i]);
			fputc('}', stdout);
		}
		fputs("]", stdout);
		if (a->apply) {
			fputs(", ", stdout);
			out_copier(stdout, true, c, problems);
		}
		fputc('}', stdout);
		return;
	}
	for (size_t i = 0; i < s->paths.n; i++)
		printf("%s %s%s: %s\n", a->apply ? "stale" : "would re-copy", jail, s->paths.v[i],
		       s->reasons.v[i]);
	if (a->apply)
		out_copier(stdout, false, c, problems);
	printf("upgrade: %s: %zu stale%s\n", jail, s->paths.n,
	       a->apply ? "" : s->paths.n ? " (dry run; --apply to re-copy)" : "");
}

/* Whom to read the jail as: USER (its customer, --all), or as check does. */
static int choose_user(const struct upgrade_args *a, struct copier *c, const char *user,
		       struct unpriv_user *u)
{
	char why[1536];
	int rc = user ? checkas_customer(user, u, &c->as, why, sizeof why) :
			checkas_choose(c->rootfd, a->user, a->config, u, &c->as, why, sizeof why);

	if (rc < 0)
		fprintf(stderr, "cgijailctl upgrade: %s: %s\n", c->jail, why);
	return rc;
}

/* Print what the dry run could not do (--apply prints them with the rest). */
static void print_errors(const struct copier *c)
{
	for (size_t i = 0; i < c->errors.n; i++)
		fprintf(stderr, "cgijailctl upgrade: %s: %s\n", c->jail, c->errors.v[i]);
}

static int upgrade_jail(const struct upgrade_args *a, const char *jail, const char *user, bool first)
{
	struct strlist programs = { 0 }, problems = { 0 };
	struct stale s = { 0 };
	struct copier c = { .rootfd = -1 };
	struct unpriv_user u;
	int status = CTL_ERROR;

	if (copier_init(&c, jail) < 0)
		return CTL_ERROR;
	if (thin_is_thin(c.rootfd)) {
		/* Its system files are the template's: template refresh. */
		if (!a->json)
			printf("upgrade: %s: a thin jail: its template is refreshed with cgijailctl template "
			       "refresh\n", jail);
		copier_free(&c);
		return CTL_OK;
	}
	if (jail_programs(c.rootfd, &programs) < 0) {
		fprintf(stderr, "cgijailctl upgrade: %s: %s\n", jail, strerror(errno));
	} else if (choose_user(a, &c, user, &u) == 0 && find_stale(&c, &programs, &s) == 0) {
		find_missing(&c, &programs, &s);
		if (!a->apply)
			print_errors(&c);
		if (a->apply)
			status = apply(&c, &programs, &s, &problems);
		else
			status = s.paths.n ? CTL_PROBLEMS : CTL_OK;
		if (c.errors.n)
			status = CTL_ERROR;
		print_jail(a, jail, &s, &c, &problems, first);
	}
	copier_free(&c);
	strlist_free(&programs);
	strlist_free(&problems);
	strlist_free(&s.paths);
	strlist_free(&s.reasons);
	return status;
}

static int worst(int a, int b)
{
	return a > b ? a : b;
}

int ctl_upgrade(int argc, char **argv)
{
	struct upgrade_args a = { 0 };
	struct strlist jails = { 0 }, users = { 0 };
	char why[1024];
	int rc = parse_args(argc, argv, &a), status = CTL_OK;

	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_ERROR;
	if (a.apply && !out_require_root("upgrade --apply"))
		return CTL_ERROR;
	umask(022);
	if (a.all) {
		if (jails_from_config(a.config ? a.config : jails_default_config(), &jails, &users,
				      why, sizeof why) < 0) {
			fprintf(stderr, "cgijailctl upgrade: %s\n", why);
			return CTL_ERROR;
		}
	} else if (strlist_add(&jails, a.root) < 0) {
		return CTL_ERROR;
	}
	if (a.json)
		fputs("{\"jails\": [", stdout);
	for (size_t i = 0; i < jails.n; i++)
		status = worst(status, upgrade_jail(&a, jails.v[i], a.all ? users.v[i] : NULL, i == 0));
	if (a.json)
		printf("], \"ok\": %s}\n", status == CTL_OK ? "true" : "false");
	if (fflush(stdout) != 0)
		status = CTL_ERROR;
	strlist_free(&jails);
	strlist_free(&users);
	return status;
}
