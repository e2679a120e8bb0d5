/* cgijailctl check --all: every program of every configured jail, for
 * people (text, JSON) and for monitoring (a node_exporter textfile). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgijailctl.h"
#include "checkas.h"
#include "closure.h"
#include "jailfs.h"
#include "jails.h"
#include "programs.h"
#include "promfile.h"
#include "strutil.h"
#include "thin.h"
#include "tstore.h"

enum format { FMT_TEXT, FMT_JSON, FMT_PROM };

struct all_args {
	const char *config, *output;
	enum format format;
	bool host;
};

struct jail_result {
	const char *jail, *user;     /* a template's row: its generation's root, "template:NAME" */
	char trusted[64];            /* a thin jail: where its template lies (cl_options.trusted) */
	bool readable;
	size_t programs;
	struct strlist broken;    /* programs that would not load */
	struct strlist problems;  /* "PROGRAM: kind: object...: detail" */
};

static void all_usage(FILE *out)
{
	fprintf(out,
		"usage: cgijailctl check --all [--config FILE] [--host] [--json]\n"
		"                        [--format text|json|prometheus] [--output FILE]\n"
		"\n"
		"Check every program in the bin directories of every configured jail (as\n"
		"check --deep does): jail_root of the config expanded for each user with\n"
		"uid >= min_uid whose jail exists. Run as root, each jail is checked with the\n"
		"rights of its user, in a process of its own.\n"
		"\n"
		"  -c, --config FILE     the config (default %s)\n"
		"  -H, --host            also report objects that differ from the host's\n"
		"  -j, --json            same as --format json\n"
		"  -f, --format F        text (default), json, or prometheus: a node_exporter\n"
		"                        textfile (broken programs per jail, last check time)\n"
		"  -o, --output FILE     write to FILE, replaced atomically, not stdout\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 every program loads, 1 some do not, 2 usage or I/O error.\n",
		jails_default_config());
}

static int parse_args(int argc, char **argv, struct all_args *a)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "config", required_argument, NULL, 'c' },
		{ "host", no_argument, NULL, 'H' },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+ac:Hjf:o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': break;
		case 'c': a->config = optarg; break;
		case 'H': a->host = true; break;
		case 'j': a->format = FMT_JSON; break;
		case 'f':
			if (!strcmp(optarg, "text")) {
				a->format = FMT_TEXT;
			} else if (!strcmp(optarg, "json")) {
				a->format = FMT_JSON;
			} else if (!strcmp(optarg, "prometheus")) {
				a->format = FMT_PROM;
			} else {
				fprintf(stderr, "cgijailctl check: --format %s: not text, json or prometheus\n", optarg);
				return -1;
			}
			break;
		case 'o': a->output = optarg; break;
		case 'h': all_usage(stdout); return 1;
		default: all_usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "cgijailctl check --all: takes no PROGRAM\n");
		return -1;
	}
	return 0;
}

static void note_problems(struct jail_result *j, const char *prog, const struct cl_report *rep)
{
	char line[5000];

	(void)strlist_add(&j->broken, prog);
	for (size_t i = 0; i < rep->n_problems; i++) {
		const struct cl_problem *p = &rep->problems[i];

		snprintf(line, sizeof line, "%s: %s: %s%s%s: %s", prog, cl_kind_name(p->kind), p->object,
			 p->needed_by[0] ? " needed by " : "", p->needed_by, p->detail);
		(void)strlist_add(&j->problems, line);
	}
}

static void note_results(struct jail_result *j, const struct strlist *programs, const int *errs,
			 const struct cl_report *reps)
{
	for (size_t i = 0; i < programs->n; i++) {
		char line[4200];

		if (errs[i]) {
			snprintf(line, sizeof line, "%s: cannot check it: %s", programs->v[i], strerror(errs[i]));
			(void)strlist_add(&j->broken, programs->v[i]);
			(void)strlist_add(&j->problems, line);
		} else if (reps[i].n_problems) {
			note_problems(j, programs->v[i], &reps[i]);
		}
	}
}

/* Every program of J, in one process running as the jail's customer. */
static void check_programs(const struct all_args *a, struct jail_result *j, int rootfd,
			   const struct strlist *programs, const struct unpriv_user *as)
{
	size_t n = programs->n ? programs->n : 1;
	struct cl_report *reps = calloc(n, sizeof *reps);
	int *errs = calloc(n, sizeof *errs);
	struct cl_options opt;
	struct checkas_job job = { .opt = &opt, .paths = programs->v, .n = programs->n };
	char why[1536];

	cl_options_init(&opt);
	opt.root_fd = rootfd;
	opt.deep = true;
	/* A thin jail's template is checked once, in its own row. */
	opt.trusted = j->trusted[0] ? j->trusted : NULL;
	if (a->host)
		opt.host_root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	j->programs = programs->n;
	if (!reps || !errs) {
		fprintf(stderr, "cgijailctl check: %s: %s\n", j->jail, strerror(ENOMEM));
	} else if (checkas_run(as, &job, errs, reps, why, sizeof why) < 0) {
		fprintf(stderr, "cgijailctl check: %s: %s\n", j->jail, why);
	} else {
		j->readable = true;
		note_results(j, programs, errs, reps);
	}
	for (size_t i = 0; reps && i < programs->n; i++)
		cl_report_free(&reps[i]);
	free(reps);
	free(errs);
	if (opt.host_root_fd >= 0)
		close(opt.host_root_fd);
}

static void check_jail(const struct all_args *a, struct jail_result *j)
{
	struct strlist programs = { 0 };
	const struct unpriv_user *as;
	struct unpriv_user u;
	char why[512];
	int rootfd = jfs_open_root(j->jail);

	bool template_row = !strncmp(j->user, "template:", 9);

	/* Listing the bin directories reads no file: only names and modes. */
	if (rootfd < 0 || jail_programs(rootfd, &programs) < 0) {
		fprintf(stderr, "cgijailctl check: %s: %s\n", j->jail, strerror(errno));
	} else if (checkas_customer(template_row ? "nobody" : j->user, &u, &as, why, sizeof why) < 0) {
		fprintf(stderr, "cgijailctl check: %s: %s\n", j->jail, why);
	} else {
		thin_trusted(rootfd, j->trusted, sizeof j->trusted);
		check_programs(a, j, rootfd, &programs, as);
	}
	if (rootfd >= 0)
		close(rootfd);
	strlist_free(&programs);
}

/* Each template's current generation, once: rows after the jails'. */
static int add_template_rows(const struct all_args *a, struct strlist *jails, struct strlist *users)
{
	struct strlist names = { 0 };
	struct tstore s;
	char why[1024], gen[TSTORE_GEN_MAX], path[8192], label[TSTORE_NAME_MAX + 16];

	if (tstore_open(&s, a->config, false, why, sizeof why) < 0)
		return 0;
	(void)tstore_templates(&s, &names);
	for (size_t i = 0; i < names.n; i++) {
		int tfd = tstore_template(&s, names.v[i], false, why, sizeof why);

		if (tfd >= 0 && tstore_current(tfd, gen, sizeof gen, why, sizeof why) == 1) {
			snprintf(path, sizeof path, "%s/%s/%s/root", s.path, names.v[i], gen);
			snprintf(label, sizeof label, "template:%s", names.v[i]);
			if (strlist_add(jails, path) == 0 && strlist_add(users, label) < 0)
				free(jails->v[--jails->n]);
		}
		if (tfd >= 0)
			close(tfd);
	}
	strlist_free(&names);
	tstore_close(&s);
	return 0;
}

static void print_text(FILE *out, const struct jail_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < r[i].problems.n; k++)
			fprintf(out, "%s: %s\n", r[i].jail, r[i].problems.v[k]);
		fprintf(out, "%s (%s): %s%zu programs, %zu broken\n", r[i].jail, r[i].user,
			r[i].readable ? "" : "unreadable, ", r[i].programs, r[i].broken.n);
	}
	fprintf(out, "check: %zu jails\n", n);
}

static void print_json(FILE *out, const struct jail_result *r, size_t n, time_t now, bool ok)
{
	fprintf(out, "{\"ok\": %s, \"time\": %lld, \"jails\": [", ok ? "true" : "false", (long long)now);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s{\"jail\": ", i ? ", " : "");
		json_print_string(out, r[i].jail);
		fputs(", \"user\": ", out);
		json_print_string(out, r[i].user);
		fprintf(out, ", \"readable\": %s, \"programs\": %zu, \"broken\": [",
			r[i].readable ? "true" : "false", r[i].programs);
		for (size_t k = 0; k < r[i].broken.n; k++) {
			fputs(k ? ", " : "", out);
			json_print_string(out, r[i].broken.v[k]);
		}
		fputs("], \"problems\": [", out);
		for (size_t k = 0; k < r[i].problems.n; k++) {
			fputs(k ? ", " : "", out);
			json_print_string(out, r[i].problems.v[k]);
		}
		fputs("]}", out);
	}
	fputs("]}\n", out);
}

static void prom_metric(FILE *out, const char *name, const char *type, const char *help,
			const struct jail_result *r, size_t n, int which, time_t now)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s{jail=\"", name);
		prom_label_value(out, r[i].jail);
		fputs("\",user=\"", out);
		prom_label_value(out, r[i].user);
		fputs("\"} ", out);
		switch (which) {
		case 0: fprintf(out, "%zu\n", r[i].broken.n); break;
		case 1: fprintf(out, "%zu\n", r[i].programs); break;
		case 2: fprintf(out, "%d\n", r[i].readable && !r[i].broken.n); break;
		default: fprintf(out, "%lld\n", (long long)now); break;
		}
	}
}

static void print_prom(FILE *out, const struct jail_result *r, size_t n, time_t now)
{
	prom_metric(out, "cgijail_jail_broken_programs", "gauge",
		    "Programs of the jail that would not load (cgijailctl check --all).", r, n, 0, now);
	prom_metric(out, "cgijail_jail_programs", "gauge",
		    "Programs found in the jail's bin directories.", r, n, 1, now);
	prom_metric(out, "cgijail_jail_ok", "gauge",
		    "1 when the jail was readable and every program loads.", r, n, 2, now);
	prom_metric(out, "cgijail_jail_last_check_timestamp_seconds", "gauge",
		    "When the jail was last checked (unix time).", r, n, 3, now);
	fprintf(out, "# HELP cgijail_jails Jails checked.\n# TYPE cgijail_jails gauge\n"
		"cgijail_jails %zu\n", n);
}

static int emit(const struct all_args *a, const struct jail_result *r, size_t n, bool ok)
{
	char *buf = NULL;
	size_t len = 0;
	time_t now = time(NULL);
	FILE *out = a->output ? open_memstream(&buf, &len) : stdout;

	if (!out)
		return -1;
	if (a->format == FMT_PROM)
		print_prom(out, r, n, now);
	else if (a->format == FMT_JSON)
		print_json(out, r, n, now, ok);
	else
		print_text(out, r, n);
	if (!a->output)
		return fflush(stdout) != 0 ? -1 : 0;
	if (fclose(out) != 0) {
		free(buf);
		return -1;
	}
	int rc = write_file_atomic(a->output, buf, len);
	if (rc < 0)
		fprintf(stderr, "cgijailctl check: %s: %s\n", a->output, strerror(errno));
	free(buf);
	return rc;
}

int ctl_check_all(int argc, char **argv)
{
	struct all_args a = { 0 };
	struct strlist jails = { 0 }, users = { 0 };
	struct jail_result *r;
	char why[1024];
	int rc = parse_args(argc, argv, &a), status = CTL_OK;

	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_ERROR;
	if (jails_from_config(a.config ? a.config : jails_default_config(), &jails, &users, why,
			      sizeof why) < 0) {
		fprintf(stderr, "cgijailctl check: %s\n", why);
		return CTL_ERROR;
	}
	(void)add_template_rows(&a, &jails, &users);
	r = calloc(jails.n ? jails.n : 1, sizeof *r);
	if (!r)
		return CTL_ERROR;
	for (size_t i = 0; i < jails.n; i++) {
		r[i].jail = jails.v[i];
		r[i].user = users.v[i];
		check_jail(&a, &r[i]);
		if (!r[i].readable)
			status = CTL_ERROR;
		else if (r[i].broken.n && status == CTL_OK)
			status = CTL_PROBLEMS;
	}
	if (emit(&a, r, jails.n, status == CTL_OK) < 0)
		status = CTL_ERROR;
	for (size_t i = 0; i < jails.n; i++) {
		strlist_free(&r[i].broken);
		strlist_free(&r[i].problems);
	}
	free(r);
	strlist_free(&jails);
	strlist_free(&users);
	return status;
}
