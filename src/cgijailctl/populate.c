/* cgijailctl populate: copy host programs and their closures into a jail. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cgijailctl.h"
#include "checkas.h"
#include "ctl_out.h"
#include "jails.h"
#include "populate.h"

struct populate_args {
	const char *root, *profiles_dir, *user, *config;
	struct strlist profiles, libs_for;
	bool json, deep;
};

static void populate_usage(FILE *out)
{
	fprintf(out,
		"usage: cgijailctl populate --root JAIL [--user NAME | --config FILE] [--profile P]...\n"
		"                           [--libs-for PATH]... [--no-deep] [--profiles DIR] [--json]\n"
		"                           [PATH]...\n"
		"\n"
		"Copy each host PATH into JAIL at the same path, with its closure: #!\n"
		"interpreters, loader, libraries, the interpreter's extension modules, and the\n"
		"NSS modules the jail's nsswitch.conf names; then rebuild the jail's\n"
		"ld.so.cache (ldconfig -X -r JAIL) and check that each program loads there.\n"
		"Symlinks on the way are recreated as symlinks. Identical files are skipped;\n"
		"the others are replaced atomically, root-owned, with the host's mode bits\n"
		"(setuid and setgid dropped) and mtime. What is read inside the jail (the\n"
		"programs of --libs-for, the checks) is read with the rights of USER, or of the\n"
		"customer whose jail it is in the config, or else of \"nobody\"; never as root.\n"
		"\n"
		"  -r, --root JAIL       the jail's root directory\n"
		"  -u, --user NAME       read the jail as user NAME (not root)\n"
		"  -c, --config FILE     find the jail's customer in FILE\n"
		"                        (default %s)\n"
		"  -p, --profile P       also copy P's programs, files and trees (repeatable)\n"
		"  -l, --libs-for PATH   copy the host libraries PATH, a program already in the\n"
		"                        jail (a compiled CGI), needs (repeatable)\n"
		"  -D, --no-deep         leave out the interpreters' extension modules\n"
		"  -P, --profiles DIR    read profiles from DIR (default %s)\n"
		"  -j, --json            print the result as JSON\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 copied and every program loads, 1 a program would not load,\n"
		"2 usage or I/O error (a path missing on the host, a file not written).\n",
		jails_default_config(), profile_default_dir());
}

static int parse_args(int argc, char **argv, struct populate_args *a)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "user", required_argument, NULL, 'u' },
		{ "config", required_argument, NULL, 'c' },
		{ "profile", required_argument, NULL, 'p' },
		{ "libs-for", required_argument, NULL, 'l' },
		{ "no-deep", no_argument, NULL, 'D' },
		{ "profiles", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	a->deep = true;
	while ((ch = getopt_long(argc, argv, "r:u:c:p:l:DP:jh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': a->root = optarg; break;
		case 'u': a->user = optarg; break;
		case 'c': a->config = optarg; break;
		case 'p':
			if (strlist_add(&a->profiles, optarg) < 0)
				return -1;
			break;
		case 'l':
			if (strlist_add(&a->libs_for, optarg) < 0)
				return -1;
			break;
		case 'D': a->deep = false; break;
		case 'P': a->profiles_dir = optarg; break;
		case 'j': a->json = true; break;
		case 'h': populate_usage(stdout); return 1;
		default: populate_usage(stderr); return -1;
		}
	}
	if (!a->root || (optind == argc && !a->profiles.n && !a->libs_for.n) || (a->user && a->config)) {
		fprintf(stderr, "cgijailctl populate: %s\n",
			!a->root ? "--root JAIL is required" : a->user && a->config ?
			"give --user or --config, not both" : "nothing to copy: give PATH, --profile or --libs-for");
		populate_usage(stderr);
		return -1;
	}
	for (int i = optind; i < argc; i++) {
		if (argv[i][0] != '/') {
			fprintf(stderr, "cgijailctl populate: %s: not an absolute path\n", argv[i]);
			return -1;
		}
	}
	return 0;
}

int populate_profile_set(struct copier *c, const struct profile_set *set)
{
	int rc = 0;

	for (size_t i = 0; i < set->list[PROF_FILES].n; i++)
		rc |= copier_glob(c, set->list[PROF_FILES].v[i], false);
	for (size_t i = 0; i < set->list[PROF_PROGRAMS].n; i++)
		rc |= copier_closure(c, set->list[PROF_PROGRAMS].v[i]);
	for (size_t i = 0; i < set->list[PROF_TREES].n; i++)
		rc |= copier_glob(c, set->list[PROF_TREES].v[i], true);
	return rc ? -1 : 0;
}

int populate_finish(struct copier *c, struct strlist *problems)
{
	(void)copier_nss(c);
	(void)copier_sweep_temps(c);
	if (copier_ldconfig(c) < 0)
		return CTL_ERROR;
	if (copier_verify(c, problems) != 0)
		return CTL_PROBLEMS;
	return CTL_OK;
}

static int load_profiles(const struct populate_args *a, struct profile_set *set)
{
	const char *dir = a->profiles_dir ? a->profiles_dir : profile_default_dir();
	char why[1024];

	for (size_t i = 0; i < a->profiles.n; i++) {
		if (profile_add(set, dir, a->profiles.v[i], why, sizeof why) < 0) {
			fprintf(stderr, "cgijailctl populate: %s\n", why);
			return -1;
		}
	}
	return 0;
}

static int run_populate(struct populate_args *a, char **paths, int n, struct copier *c,
			struct profile_set *set, struct strlist *problems)
{
	int status;

	c->deep = a->deep;
	c->exclude = &set->list[PROF_EXCLUDE];
	(void)populate_profile_set(c, set);
	for (int i = 0; i < n; i++)
		(void)copier_closure(c, paths[i]);
	for (size_t i = 0; i < a->libs_for.n; i++)
		(void)copier_libs_for(c, a->libs_for.v[i]);
	status = populate_finish(c, problems);
	if (a->json) {
		printf("{\"ok\": %s, ", status == CTL_OK && !c->errors.n ? "true" : "false");
		out_copier(stdout, true, c, problems);
		fputs("}\n", stdout);
	} else {
		out_copier(stdout, false, c, problems);
	}
	return c->errors.n ? CTL_ERROR : status;
}

static int choose_user(const struct populate_args *a, struct copier *c, struct unpriv_user *u)
{
	char why[1536];

	if (checkas_choose(c->rootfd, a->user, a->config, u, &c->as, why, sizeof why) == 0)
		return 0;
	fprintf(stderr, "cgijailctl populate: %s\n", why);
	return -1;
}

int ctl_populate(int argc, char **argv)
{
	struct populate_args a = { 0 };
	struct profile_set set = { 0 };
	struct strlist problems = { 0 };
	struct copier c = { .rootfd = -1 };
	struct unpriv_user u;
	int rc = parse_args(argc, argv, &a), status = CTL_ERROR;

	if (rc == 0) {
		umask(022);
		if (out_require_root("populate") && load_profiles(&a, &set) == 0 &&
		    copier_init(&c, a.root) == 0 && choose_user(&a, &c, &u) == 0)
			status = run_populate(&a, argv + optind, argc - optind, &c, &set, &problems);
		if (fflush(stdout) != 0)
			status = CTL_ERROR;
	} else {
		status = rc > 0 ? CTL_OK : CTL_ERROR;
	}
	copier_free(&c);
	strlist_free(&problems);
	profile_set_free(&set);
	strlist_free(&a.profiles);
	strlist_free(&a.libs_for);
	return status;
}
