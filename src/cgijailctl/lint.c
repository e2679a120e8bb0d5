/* cgijailctl lint: see lint.h for what counts as a CGI. */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgijailctl.h"
#include "jails.h"
#include "lint.h"
#include "promfile.h"
#include "strutil.h"

struct lint_args {
	const char *config, *output;
	enum lint_format format;
	struct strlist users;
	bool all;
};

static void lint_usage(FILE *out)
{
	fprintf(out,
		"usage: cgijailctl lint [--user NAME]... | --all  [--config FILE]\n"
		"                       [--format text|json|prometheus] [--json] [--output FILE]\n"
		"\n"
		"Find every CGI below the docroot and the userdir of a customer (or of every\n"
		"customer: users with uid >= min_uid), as the config expands them, and report\n"
		"what cgijail would refuse for each: the command, the customer's ids, the\n"
		"jail, the owner, group and modes of the directory and the program, a\n"
		"symlink, a program its owner cannot read, and the jail library check (#!\n"
		"line, interpreter, libraries, modules) as cgijail makes it inside the jail.\n"
		"A CGI is a file in or below a cgi-bin directory, or a *.cgi, *.pl, *.py,\n"
		"*.rb, *.sh, *.fcgi file, or an executable *.php file elsewhere. The jail is\n"
		"read with the customer's rights, in a process of its own.\n"
		"\n"
		"  -u, --user NAME       this customer (repeatable)\n"
		"  -a, --all             every customer (the default without --user)\n"
		"  -c, --config FILE     the config (default %s)\n"
		"  -f, --format F        text (default), json, or prometheus: a node_exporter\n"
		"                        textfile (CGIs and refused CGIs per customer)\n"
		"  -j, --json            same as --format json\n"
		"  -o, --output FILE     write to FILE, replaced atomically, not stdout\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 cgijail would run every CGI, 1 it would refuse some,\n"
		"2 usage or I/O error, or a customer that could not be checked.\n",
		jails_default_config());
}

static int parse_format(const char *s, enum lint_format *f)
{
	static const char *const names[] = { "text", "json", "prometheus" };

	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*f = (enum lint_format)i;
			return 0;
		}
	fprintf(stderr, "cgijailctl lint: --format %s: not text, json or prometheus\n", s);
	return -1;
}

static int parse_args(int argc, char **argv, struct lint_args *a)
{
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "all", no_argument, NULL, 'a' },
		{ "config", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+u:ac:f:jo:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			if (strlist_add_unique(&a->users, optarg) < 0)
				return -1;
			break;
		case 'a': a->all = true; break;
		case 'c': a->config = optarg; break;
		case 'f':
			if (parse_format(optarg, &a->format) < 0)
				return -1;
			break;
		case 'j': a->format = LINT_JSON; break;
		case 'o': a->output = optarg; break;
		case 'h': lint_usage(stdout); return 1;
		default: lint_usage(stderr); return -1;
		}
	}
	if (optind != argc || (a->all && a->users.n)) {
		fprintf(stderr, "cgijailctl lint: %s\n", optind != argc ? "takes no argument"
				: "--user and --all exclude each other");
		return -1;
	}
	return 0;
}

static bool dir_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A customer: a user cgijail would serve whose docroot or userdir exists. */
static bool has_site(const struct cj_config *cfg, const struct passwd *pw)
{
	char path[PATH_MAX * 2];
	struct cj_policy pol;

	if (cj_policy_for_user(cfg, pw->pw_name, &pol) < 0)
		return true;  /* reported when it is checked */
	if (expand_user_pattern(pol.docroot, pw->pw_name, pw->pw_uid, path, sizeof path) == 0 &&
	    dir_exists(path))
		return true;
	snprintf(path, sizeof path, "%s/%s", pw->pw_dir ? pw->pw_dir : "", pol.userdir);
	return pw->pw_dir && pw->pw_dir[0] == '/' && pw->pw_dir[1] && dir_exists(path);
}

static void all_customers(const struct cj_config *cfg, struct strlist *users)
{
	struct passwd *pw;

	setpwent();
	while ((pw = getpwent()))
		if (pw->pw_uid != 0 && pw->pw_uid >= cfg->min_uid && has_site(cfg, pw))
			(void)strlist_add_unique(users, pw->pw_name);
	endpwent();
}

static int emit(const struct lint_args *a, const struct lint_user *u, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = a->output ? open_memstream(&buf, &len) : stdout;
	int rc;

	if (!out)
		return -1;
	lint_print(out, a->format, u, n);
	if (!a->output)
		return fflush(stdout) != 0 ? -1 : 0;
	if (fclose(out) != 0) {
		free(buf);
		return -1;
	}
	rc = write_file_atomic(a->output, buf, len);
	if (rc < 0)
		fprintf(stderr, "cgijailctl lint: %s: %s\n", a->output, strerror(errno));
	free(buf);
	return rc;
}

static int run(struct lint_args *a, const struct cj_config *cfg)
{
	struct lint_user *u;
	int status = CTL_OK;

	if (!a->users.n)
		all_customers(cfg, &a->users);
	u = calloc(a->users.n ? a->users.n : 1, sizeof *u);
	if (!u)
		return CTL_ERROR;
	for (size_t i = 0; i < a->users.n; i++) {
		snprintf(u[i].name, sizeof u[i].name, "%s", a->users.v[i]);
		if (lint_check_user(&u[i], cfg) < 0) {
			fprintf(stderr, "cgijailctl lint: %s: %s\n", u[i].name, u[i].error);
			status = CTL_ERROR;
		} else if (u[i].broken && status == CTL_OK) {
			status = CTL_PROBLEMS;
		}
	}
	if (emit(a, u, a->users.n) < 0)
		status = CTL_ERROR;
	for (size_t i = 0; i < a->users.n; i++)
		lint_user_free(&u[i]);
	free(u);
	return status;
}

int ctl_lint(int argc, char **argv)
{
	struct lint_args a = { 0 };
	struct cj_config cfg;
	char why[1024];
	int rc = parse_args(argc, argv, &a), status;

	if (rc != 0) {
		strlist_free(&a.users);
		return rc > 0 ? CTL_OK : CTL_ERROR;
	}
	if (!a.config)
		a.config = jails_default_config();
	/* As cgijail reads it: a config it would refuse refuses every CGI. */
	rc = cj_config_load(&cfg, a.config, why, sizeof why);
	if (rc != 0) {
		fprintf(stderr, "cgijailctl lint: %s: %s (cgijail refuses every request, exit %d)\n",
			a.config, why, rc);
		cj_config_free(&cfg);
		strlist_free(&a.users);
		return CTL_ERROR;
	}
	status = run(&a, &cfg);
	cj_config_free(&cfg);
	strlist_free(&a.users);
	return status;
}
