/* cgijailctl check: will these programs load inside this jail? */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgijailctl.h"
#include "closure.h"

struct check_args {
	const char *root;
	bool json;
	bool host;
	struct cl_options opt;
};

static void check_usage(FILE *out)
{
	fprintf(out,
		"usage: cgijailctl check --root JAIL [--json] [--deep] [--host] [--no-symbols]\n"
		"                        [--no-nss] [--safe-path PATH] PROGRAM...\n"
		"       cgijailctl check --all [--config FILE] [--host]\n"
		"                        [--format text|json|prometheus] [--output FILE]\n"
		"\n"
		"Check that each PROGRAM (a path inside JAIL) would load there: its #!\n"
		"interpreters, its loader, its libraries (found as glibc's loader finds them),\n"
		"their symbol versions and symbols, and the NSS modules of the jail's\n"
		"/etc/nsswitch.conf.\n"
		"\n"
		"  -r, --root JAIL       the jail's root directory (required)\n"
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
		"Exit status: 0 all programs load, 1 problems were found, 2 usage or I/O error.\n");
}

static int parse_args(int argc, char **argv, struct check_args *a)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
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
	while ((c = getopt_long(argc, argv, "+r:jdHSNp:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			a->root = optarg;
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

static int check_programs(struct check_args *a, char **paths, int n, struct cl_report *rep)
{
	int status = CTL_OK;

	for (int i = 0; i < n; i++) {
		if (paths[i][0] != '/') {
			fprintf(stderr, "cgijailctl check: %s: not an absolute path inside the jail\n",
				paths[i]);
			status = CTL_ERROR;
			continue;
		}
		if (cl_check(&a->opt, paths[i], -1, rep) < 0) {
			fprintf(stderr, "cgijailctl check: %s: %s\n", paths[i],
				errno == ENOENT ? "no such file in the jail" :
				errno == EINVAL ? "path climbs above the jail's root" : strerror(errno));
			status = CTL_ERROR;
		}
	}
	return status;
}

int ctl_check(int argc, char **argv)
{
	struct check_args a = { 0 };
	struct cl_report rep;
	int rc, status;

	/* check --all has its own options (check_all.c). */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--all") == 0)
			return ctl_check_all(argc, argv);
	cl_options_init(&a.opt);
	rc = parse_args(argc, argv, &a);
	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_ERROR;
	a.opt.root_fd = open_dir(a.root);
	if (a.opt.root_fd < 0)
		return CTL_ERROR;
	if (a.host && (a.opt.host_root_fd = open_dir("/")) < 0) {
		close(a.opt.root_fd);
		return CTL_ERROR;
	}
	cl_report_init(&rep);
	status = check_programs(&a, argv + optind, argc - optind, &rep);
	if (a.json)
		cl_report_print_json(stdout, &rep);
	else
		cl_report_print_text(stdout, &rep);
	if (status == CTL_OK && rep.n_problems)
		status = CTL_PROBLEMS;
	if (fflush(stdout) != 0)
		status = CTL_ERROR;
	cl_report_free(&rep);
	close(a.opt.root_fd);
	if (a.opt.host_root_fd >= 0)
		close(a.opt.host_root_fd);
	return status;
}
