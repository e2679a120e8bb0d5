/* cgijailctl check: will these programs load inside this jail? */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgijailctl.h"
#include "checkas.h"
#include "closure.h"
#include "jails.h"

struct check_args {
	const char *root, *user, *config;
	bool json;
	bool host;
	struct cl_options opt;
	struct thinview view;  /* a bind-mode thin jail's template, for the check */
};

static void check_usage(FILE *out)
{
	fprintf(out,
		"usage: cgijailctl check --root JAIL [--user NAME | --config FILE] [--json] [--deep]\n"
		"                        [--host] [--no-symbols] [--no-nss] [--safe-path PATH] PROGRAM...\n"
		"       cgijailctl check --all [--config FILE] [--host]\n"
		"                        [--format text|json|prometheus] [--output FILE]\n"
		"\n"
		"Check that each PROGRAM (a path inside JAIL) would load there: its #!\n"
		"interpreters, its loader, its libraries (found as glibc's loader finds them),\n"
		"their symbol versions and symbols, and the NSS modules of the jail's\n"
		"/etc/nsswitch.conf. Run as root, it reads the jail with the rights of USER, or\n"
		"of the customer whose jail it is in the config, or else of \"nobody\"; never\n"
		"as root.\n"
		"\n"
		"  -r, --root JAIL       the jail's root directory (required)\n"
		"  -u, --user NAME       check as user NAME (not root)\n"
		"  -c, --config FILE     find the jail's customer in FILE\n"
		"                        (default %s)\n"
		"  -j, --json            print the report as JSON\n"
		"  -d, --deep            also check the interpreter's extension modules\n"
		"                        (Python, Perl, PHP)\n"
		"  -H, --host            report libraries that differ from the host's copy\n"
		"  -S, --no-symbols      do not check symbol versions and undefined symbols\n"
		"  -N, --no-nss          do not check NSS modules\n"
		"  -p, --safe-path PATH  PATH for \"#!/usr/bin/env NAME\"\n"
		"                        (default /usr/local/bin:/usr/bin:/bin)\n"
		"  -h, --help            show this help\n"
		"\n"
		"With --all, check every program of every configured jail (see --all --help).\n"
		"\n"
		"Exit status: 0 all programs load, 1 problems were found, 2 usage or I/O error\n"
		"(or the check could not run as the user).\n",
		jails_default_config());
}

static int parse_args(int argc, char **argv, struct check_args *a)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "user", required_argument, NULL, 'u' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "deep", no_argument, NULL, 'd' },
		{ "host", no_argument, NULL, 'H' },
		{ "no-symbols", no_argument, NULL, 'S' },
		{ "no-nss", no_argument, NULL, 'N' },
		{ "safe-path", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+r:u:c:jdHSNp:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			a->root = optarg;
			break;
		case 'u':
			a->user = optarg;
			break;
		case 'c':
			a->config = optarg;
			break;
		case 'j':
			a->json = true;
			break;
		case 'd':
			a->opt.deep = true;
			break;
		case 'H':
			a->host = true;
			break;
		case 'S':
			a->opt.symbols = false;
			break;
		case 'N':
			a->opt.nss = false;
			break;
		case 'p':
			a->opt.safe_path = optarg;
			break;
		case 'h':
			check_usage(stdout);
			return 1;
		default:
			check_usage(stderr);
			return -1;
		}
	}
	if (a->user && a->config) {
		fprintf(stderr, "cgijailctl check: give --user or --config, not both\n");
		return -1;
	}
	if (!a->root || optind >= argc) {
		fprintf(stderr, "cgijailctl check: %s\n",
			a->root ? "no PROGRAM to check" : "--root JAIL is required");
		check_usage(stderr);
		return -1;
	}
	return 0;
}

static int open_dir(const char *path)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "cgijailctl check: %s: %s\n", path, strerror(errno));
	return fd;
}

static const char *check_error(int err)
{
	return err == ENOENT ? "no such file in the jail" :
	       err == EINVAL ? "path climbs above the jail's root" : strerror(err);
}

/* Check the absolute PATHS as AS, into REP; report the others, and each
 * program that could not be checked, on stderr. -1 when the checking
 * process failed (nothing to print). */
static int check_programs(struct check_args *a, const struct unpriv_user *as, char **paths, int n,
			  struct cl_report *rep)
{
	char **valid = calloc((size_t)n, sizeof *valid), why[1536];
	int *errs = calloc((size_t)n, sizeof *errs), status = CTL_OK;
	struct checkas_job job = { .opt = &a->opt, .paths = valid, .shared = true, .view = &a->view };
	size_t k = 0;

	if (!valid || !errs) {
		free(valid);
		free(errs);
		return CTL_ERROR;
	}
	for (int i = 0; i < n; i++)
		if (paths[i][0] == '/')
			valid[job.n++] = paths[i];
	if (checkas_run(as, &job, errs, rep, why, sizeof why) < 0) {
		fprintf(stderr, "cgijailctl check: %s\n", why);
		status = -1;
		job.n = 0;
	}
	for (int i = 0; i < n; i++) {
		if (paths[i][0] != '/') {
			fprintf(stderr, "cgijailctl check: %s: not an absolute path inside the jail\n",
				paths[i]);
			status = status < 0 ? status : CTL_ERROR;
		} else if (k < job.n && errs[k++]) {
			fprintf(stderr, "cgijailctl check: %s: %s\n", paths[i], check_error(errs[k - 1]));
			status = CTL_ERROR;
		}
	}
	free(valid);
	free(errs);
	return status;
}

static void close_roots(struct check_args *a)
{
	thinview_close(&a->view);
	if (a->opt.root_fd >= 0)
		close(a->opt.root_fd);
	if (a->opt.host_root_fd >= 0)
		close(a->opt.host_root_fd);
}

int ctl_check(int argc, char **argv)
{
	struct check_args a = { 0 };
	const struct unpriv_user *as;
	struct unpriv_user who;
	struct cl_report rep;
	char why[1536];
	int rc, status;

	/* check --all has its own options (check_all.c). */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--all") == 0)
			return ctl_check_all(argc, argv);
	cl_options_init(&a.opt);
	a.view.tree = -1;
	rc = parse_args(argc, argv, &a);
	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_ERROR;
	a.opt.root_fd = open_dir(a.root);
	if (a.opt.root_fd < 0)
		return CTL_ERROR;
	if (a.host && (a.opt.host_root_fd = open_dir("/")) < 0) {
		close_roots(&a);
		return CTL_ERROR;
	}
	if (checkas_choose(a.opt.root_fd, a.user, a.config, &who, &as, why, sizeof why) < 0) {
		fprintf(stderr, "cgijailctl check: %s\n", why);
		close_roots(&a);
		return CTL_ERROR;
	}
	if (as && thinview_for_jail(&a.view, a.opt.root_fd, a.root, a.config, a.user, why, sizeof why) < 0) {
		fprintf(stderr, "cgijailctl check: %s\n", why);
		close_roots(&a);
		return CTL_ERROR;
	}
	cl_report_init(&rep);
	status = check_programs(&a, as, argv + optind, argc - optind, &rep);
	if (status < 0)
		status = CTL_ERROR;
	else if (a.json)
		cl_report_print_json(stdout, &rep);
	else
		cl_report_print_text(stdout, &rep);
	if (status == CTL_OK && rep.n_problems)
		status = CTL_PROBLEMS;
	if (fflush(stdout) != 0)
		status = CTL_ERROR;
	cl_report_free(&rep);
	close_roots(&a);
	return status;
}
