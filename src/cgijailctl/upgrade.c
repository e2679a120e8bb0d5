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
#include "closure.h"
#include "ctl_out.h"
#include "jailfs.h"
#include "jails.h"
#include "populate.h"
#include "programs.h"
#include "strutil.h"

struct upgrade_args {
	const char *root, *config;
	bool all, apply, json;
};

struct stale {
	struct strlist paths, reasons;
};

static void upgrade_usage(FILE *out)
{
	fprintf(out,
		"usage: cgijailctl upgrade (--root JAIL | --all [--config FILE]) [--apply] [--json]\n"
		"\n"
		"Find every object of the jail's programs (their libraries, loaders, NSS and\n"
		"extension modules, found as \"check --deep --host\" finds them) that differs\n"
		"from the file at the same path on the host: another soname, build-id, set of\n"
		"symbol versions, or other bytes. Without --apply, only list them. With\n"
		"--apply, re-copy each one atomically, copy what the host's programs now need,\n"
		"rebuild the jail's ld.so.cache, and check every program of the jail again.\n"
		"\n"
		"  -r, --root JAIL       the jail\n"
		"  -a, --all             every jail of the config: jail_root expanded for each\n"
		"                        user with uid >= min_uid whose jail exists\n"
		"  -c, --config FILE     the config for --all (default %s)\n"
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
		{ "all", no_argument, NULL, 'a' },
		{ "config", required_argument, NULL, 'c' },
		{ "apply", no_argument, NULL, 'A' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+r:ac:Ajh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': a->root = optarg; break;
		case 'a': a->all = true; break;
		case 'c': a->config = optarg; break;
		case 'A': a->apply = true; break;
		case 'j': a->json = true; break;
		case 'h': upgrade_usage(stdout); return 1;
		default: upgrade_usage(stderr); return -1;
		}
	}
	if (!a->root == !a->all || optind != argc) {
		fprintf(stderr, "cgijailctl upgrade: %s\n", optind != argc ? "unexpected argument" :
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

/* The jail's copy of PATH has other bytes than the host's (both regular). */
static bool bytes_differ(int rootfd, const char *path)
{
	struct stat js, hs;
	int jfd = jfs_open(rootfd, path, O_RDONLY | O_NONBLOCK), hfd;
	bool differ = false;

	if (jfd < 0)
		return false;
	hfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (hfd >= 0 && fstat(jfd, &js) == 0 && fstat(hfd, &hs) == 0 && S_ISREG(js.st_mode) &&
	    S_ISREG(hs.st_mode))
		differ = js.st_size != hs.st_size || !jfs_same_content(jfd, hfd);
	close(jfd);
	if (hfd >= 0)
		close(hfd);
	return differ;
}

/* Every object of the jail's programs that differs from the host's. */
static int find_stale(int rootfd, const struct strlist *programs, struct stale *s)
{
	struct cl_options opt;
	struct cl_report rep;

	cl_options_init(&opt);
	opt.root_fd = rootfd;
	opt.symbols = false;
	opt.deep = true;
	opt.host_root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (opt.host_root_fd < 0)
		return -1;
	cl_report_init(&rep);
	for (size_t i = 0; i < programs->n; i++)
		(void)cl_check(&opt, programs->v[i], -1, &rep);
	for (size_t i = 0; i < rep.n_problems; i++)
		if (rep.problems[i].kind == CL_HOST_MISMATCH)
			add_stale(s, rep.problems[i].object, rep.problems[i].detail);
	for (size_t i = 0; i < rep.n_checked; i++)
		if (bytes_differ(rootfd, rep.checked[i]))
			add_stale(s, rep.checked[i], "content differs from the host's copy");
	cl_report_free(&rep);
	close(opt.host_root_fd);
	return 0;
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

static int upgrade_jail(const struct upgrade_args *a, const char *jail, bool first)
{
	struct strlist programs = { 0 }, problems = { 0 };
	struct stale s = { 0 };
	struct copier c = { .rootfd = -1 };
	int status = CTL_ERROR;

	if (copier_init(&c, jail) < 0)
		return CTL_ERROR;
	if (jail_programs(c.rootfd, &programs) < 0 || find_stale(c.rootfd, &programs, &s) < 0) {
		fprintf(stderr, "cgijailctl upgrade: %s: %s\n", jail, strerror(errno));
	} else {
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
		status = worst(status, upgrade_jail(&a, jails.v[i], i == 0));
	if (a.json)
		printf("], \"ok\": %s}\n", status == CTL_OK ? "true" : "false");
	if (fflush(stdout) != 0)
		status = CTL_ERROR;
	strlist_free(&jails);
	strlist_free(&users);
	return status;
}
