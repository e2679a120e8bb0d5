/* cgijailctl template: build, list, check, refresh and gc the template
 * generations thin jails share (tstore.h, thin.h). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgijailctl.h"
#include "ctl_out.h"
#include "jails.h"
#include "profile.h"
#include "strutil.h"
#include "tbuild.h"
#include "template.h"
#include "thin.h"
#include "tstore.h"

static void template_usage(FILE *out)
{
	fprintf(out,
		"usage: cgijailctl template build NAME --profile P... [--profiles DIR] [--no-deep]\n"
		"       cgijailctl template list [NAME...]\n"
		"       cgijailctl template check [NAME...]\n"
		"       cgijailctl template refresh [--dry-run] [NAME... | --all]\n"
		"       cgijailctl template gc [--dry-run] [NAME...]\n"
		"       (each also: [--config FILE] [--json])\n"
		"\n"
		"A template is a read-only system tree (programs, their libraries and modules)\n"
		"that thin jails share (init --template). Each build makes a new generation in\n"
		"the config's template_dir, checks every program in it as cgijail would, and\n"
		"only then makes it current, in one rename; jails in link mode are re-pointed,\n"
		"bind-mode jails get it on their next request. A generation is never changed.\n"
		"\n"
		"  build NAME      a new generation from the profiles (base always)\n"
		"  list            templates, their generations, which is current\n"
		"  check           check the current generations again\n"
		"  refresh         after a host upgrade: rebuild the templates whose host files\n"
		"                  changed, switch to them if they pass, re-point the jails\n"
		"  gc              remove generations that are not current and that no jail or\n"
		"                  running CGI uses\n"
		"\n"
		"  -p, --profile P       apply profile P (repeatable)\n"
		"  -P, --profiles DIR    read profiles from DIR (default %s)\n"
		"  -D, --no-deep         leave out the interpreters' extension modules\n"
		"  -a, --all             refresh: every template of the store\n"
		"  -n, --dry-run         say what would be done, do nothing\n"
		"  -c, --config FILE     the config (default %s)\n"
		"  -j, --json            print the result as JSON\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 done, 1 a generation did not pass its check (nothing switched)\n"
		"or something is stale, 2 usage or I/O error.\n",
		profile_default_dir(), jails_default_config());
}

static int parse_args(int argc, char **argv, struct template_args *a)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "profiles", required_argument, NULL, 'P' },
		{ "no-deep", no_argument, NULL, 'D' },
		{ "all", no_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	a->deep = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:P:Danc:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (strlist_add(&a->profiles, optarg) < 0)
				return -1;
			break;
		case 'P': a->profiles_dir = optarg; break;
		case 'D': a->deep = false; break;
		case 'a': a->all = true; break;
		case 'n': a->dry_run = true; break;
		case 'c': a->config = optarg; break;
		case 'j': a->json = true; break;
		case 'h': template_usage(stdout); return 1;
		default: template_usage(stderr); return -1;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (!cj_template_name_ok(argv[i])) {
			fprintf(stderr, "cgijailctl template: '%s' is not a template name\n", argv[i]);
			return -1;
		}
		if (strlist_add(&a->names, argv[i]) < 0)
			return -1;
	}
	return 0;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void jail_error(struct template_report *rep, const char *jail, const char *why)
{
	char line[8400];

	snprintf(line, sizeof line, "%s: %s", jail, why);
	(void)strlist_add(&rep->errors, line);
}

/* Point the jail PATH at GEN; its old farm stays until every jail is done. */
static int switch_one(const char *path, int genroot, const char *gen, bool link,
		      struct template_report *rep)
{
	struct thin_result r = { 0 };
	char why[2048];
	int jfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), rc = 0;

	if (jfd >= 0 && thin_is_thin(jfd)) {
		rc = thin_attach(jfd, genroot, gen, link, &r, why, sizeof why);
		if (rc < 0) {
			jail_error(rep, path, why);
		} else {
			rep->jails++;
			rep->linked += r.linked;
		}
	}
	if (jfd >= 0)
		close(jfd);
	thin_result_free(&r);
	return rc;
}

static void drop_old_farms(const char *path, struct template_report *rep)
{
	struct thin_result r = { 0 };
	int jfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (jfd >= 0 && thin_drop_old_farms(jfd, &r) < 0)
		jail_error(rep, path, "removing its old copies of the template failed");
	if (jfd >= 0)
		close(jfd);
	thin_result_free(&r);
}

/* Every jail on template NAME now points at GEN: link-mode farms built and
 * switched, every jail wired again (metadata only); then, every jail on
 * the new generation, the old farms go. */
int template_switch_jails(const struct template_args *a, const struct tstore *s, const char *name,
			  const char *gen, struct template_report *rep)
{
	struct strlist paths = { 0 }, users = { 0 }, modes = { 0 };
	char why[2048], root[8192];
	int genroot, rc = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (jails_of_template(a->config, name, &paths, &users, &modes, why, sizeof why) < 0) {
		(void)strlist_add(&rep->errors, why);
		return -1;
	}
	snprintf(root, sizeof root, "%s/%s/%s/root", s->path, name, gen);
	genroot = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (genroot < 0) {
		jail_error(rep, root, strerror(errno));
		rc = -1;
	}
	for (size_t i = 0; genroot >= 0 && i < paths.n; i++)
		if (switch_one(paths.v[i], genroot, gen, !strcmp(modes.v[i], "link"), rep) < 0)
			rc = -1;
	rep->switch_ms += ms_since(&t0);
	for (size_t i = 0; genroot >= 0 && i < paths.n; i++)
		if (!strcmp(modes.v[i], "link"))
			drop_old_farms(paths.v[i], rep);
	if (genroot >= 0)
		close(genroot);
	strlist_free(&paths);
	strlist_free(&users);
	strlist_free(&modes);
	return rc;
}

static int cmd_build(struct template_args *a, const struct tstore *s)
{
	struct tbuild_opts o = { a->names.v[0], &a->profiles, a->profiles_dir, a->deep };
	struct tbuild_result r = { 0 };
	struct template_report rep = { 0 };
	int status = tbuild_generation(s, &o, &r);

	if (status == CTL_OK && template_switch_jails(a, s, o.name, r.gen, &rep) < 0)
		status = CTL_ERROR;
	template_print_build(a, o.name, &r, &rep);
	tbuild_result_free(&r);
	template_report_free(&rep);
	return status;
}

static int cmd_list(struct template_args *a, const struct tstore *s)
{
	struct strlist names = { 0 };
	const struct strlist *which = a->names.n ? &a->names : &names;
	int status = CTL_OK;

	if (!a->names.n && tstore_templates(s, &names) < 0)
		return CTL_ERROR;
	if (a->json)
		printf("{\"templates\": [");
	for (size_t i = 0; i < which->n; i++)
		if (template_print_one(a, s, which->v[i], i == 0) < 0)
			status = CTL_ERROR;
	if (a->json)
		printf("]}\n");
	strlist_free(&names);
	return status;
}

static const struct {
	const char *name;
	int (*run)(struct template_args *, const struct tstore *);
	bool needs_name;
} subcommands[] = {
	{ "build", cmd_build, true },
	{ "list", cmd_list, false },
	{ "check", template_check, false },
	{ "refresh", template_refresh, false },
	{ "gc", template_gc, false },
};

int ctl_template(int argc, char **argv)
{
	struct template_args a = { 0 };
	struct tstore s = { .fd = -1 };
	char why[1024];
	int status = CTL_ERROR, rc;
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		template_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CTL_ERROR : CTL_OK;
	}
	for (i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		if (!strcmp(argv[1], subcommands[i].name))
			break;
	if (i == sizeof subcommands / sizeof subcommands[0]) {
		fprintf(stderr, "cgijailctl template: unknown command \"%s\"\n", argv[1]);
		template_usage(stderr);
		return CTL_ERROR;
	}
	rc = parse_args(argc - 1, argv + 1, &a);
	if (rc == 0 && subcommands[i].needs_name && (a.names.n != 1 || !a.profiles.n)) {
		fprintf(stderr, "cgijailctl template %s: give one NAME and at least one --profile\n",
			argv[1]);
		rc = -1;
	}
	if (rc == 0 && out_require_root("template")) {
		umask(022);
		if (tstore_open(&s, a.config, !strcmp(argv[1], "build"), why, sizeof why) < 0)
			fprintf(stderr, "cgijailctl template: %s\n", why);
		else
			status = subcommands[i].run(&a, &s);
	}
	if (rc > 0)
		status = CTL_OK;
	if (fflush(stdout) != 0)
		status = CTL_ERROR;
	tstore_close(&s);
	strlist_free(&a.profiles);
	strlist_free(&a.names);
	return status;
}
