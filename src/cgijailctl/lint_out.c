/* cgijailctl lint's report: text, JSON, a node_exporter textfile. */
#include <stdio.h>
#include <time.h>

#include "cj_exit.h"
#include "lint.h"
#include "promfile.h"
#include "strutil.h"

static void print_text(FILE *out, const struct lint_user *u, size_t n)
{
	size_t cgis = 0, broken = 0;

	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < u[i].n; k++) {
			const struct lint_cgi *c = &u[i].cgis[k];

			if (c->code == CJ_OK)
				continue;
			fprintf(out, "%s: %s (exit %d): %s\n", c->path, cj_exit_name(c->code), c->code,
				c->reason ? c->reason : cj_exit_text(c->code));
			for (size_t p = 1; p < c->problems.n; p++)
				fprintf(out, "    %s\n", c->problems.v[p]);
		}
		fprintf(out, "%s (uid %lu): %s%zu CGIs, %zu refused%s%s%s%s\n", u[i].name,
			(unsigned long)u[i].uid, u[i].error[0] ? "NOT CHECKED, " : "", u[i].n,
			u[i].broken, u[i].docroot[0] ? "; docroot " : "", u[i].docroot,
			u[i].userdir[0] ? "; userdir " : "", u[i].userdir);
		cgis += u[i].n;
		broken += u[i].broken;
	}
	fprintf(out, "lint: %zu customers, %zu CGIs, %zu refused\n", n, cgis, broken);
}

static void json_member(FILE *out, const char *key, const char *value, bool first)
{
	fprintf(out, "%s\"%s\": ", first ? "" : ", ", key);
	json_print_string(out, value);
}

static void json_cgi(FILE *out, const struct lint_cgi *c)
{
	json_member(out, "path", c->path, true);
	json_member(out, "site", c->site, false);
	fprintf(out, ", \"exit\": %d", c->code);
	json_member(out, "name", cj_exit_name(c->code), false);
	json_member(out, "reason", c->reason ? c->reason : cj_exit_text(c->code), false);
	fputs(", \"problems\": [", out);
	for (size_t p = 0; p < c->problems.n; p++) {
		fputs(p ? ", " : "", out);
		json_print_string(out, c->problems.v[p]);
	}
	fputs("]", out);
}

static void json_user(FILE *out, const struct lint_user *u)
{

	json_member(out, "user", u->name, true);
	fprintf(out, ", \"uid\": %lu, \"checked\": %s", (unsigned long)u->uid, u->error[0] ? "false" : "true");
	json_member(out, "error", u->error, false);
	json_member(out, "jail", u->jail, false);
	json_member(out, "docroot", u->docroot, false);
	json_member(out, "userdir", u->userdir, false);
	fprintf(out, ", \"cgis\": %zu, \"refused\": %zu, \"results\": [", u->n, u->broken);
	for (size_t k = 0; k < u->n; k++) {
		fputs(k ? ", {" : "{", out);
		json_cgi(out, &u->cgis[k]);
		fputs("}", out);
	}
	fputs("]", out);
}

static void print_json(FILE *out, const struct lint_user *u, size_t n)
{
	bool ok = true;

	for (size_t i = 0; i < n; i++)
		ok &= !u[i].broken && !u[i].error[0];
	fprintf(out, "{\"ok\": %s, \"time\": %lld, \"customers\": [", ok ? "true" : "false",
		(long long)time(NULL));
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", {" : "{", out);
		json_user(out, &u[i]);
		fputs("}", out);
	}
	fputs("]}\n", out);
}

static void prom_head(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void prom_user(FILE *out, const char *name, const struct lint_user *u, size_t value)
{
	fprintf(out, "%s{user=\"", name);
	prom_label_value(out, u->name);
	fprintf(out, "\"} %zu\n", value);
}

/* Refused CGIs per customer and exit code (one series per code seen). */
static void prom_by_code(FILE *out, const struct lint_user *u)
{
	for (size_t k = 0; k < u->n; k++) {
		int code = u->cgis[k].code;
		size_t count = 0;
		bool seen = false;

		for (size_t j = 0; j < u->n && !seen; j++)
			seen = j < k && u->cgis[j].code == code;
		if (code == CJ_OK || seen)
			continue;
		for (size_t j = k; j < u->n; j++)
			count += u->cgis[j].code == code;
		fputs("cgijail_lint_refused_by_code{user=\"", out);
		prom_label_value(out, u->name);
		fprintf(out, "\",code=\"%s\"} %zu\n", cj_exit_name(code), count);
	}
}

static void print_prom(FILE *out, const struct lint_user *u, size_t n)
{
	prom_head(out, "cgijail_lint_cgis", "CGIs found below the customer's docroot and userdir.");
	for (size_t i = 0; i < n; i++)
		prom_user(out, "cgijail_lint_cgis", &u[i], u[i].n);
	prom_head(out, "cgijail_lint_refused", "CGIs cgijail would refuse (cgijailctl lint).");
	for (size_t i = 0; i < n; i++)
		prom_user(out, "cgijail_lint_refused", &u[i], u[i].broken);
	prom_head(out, "cgijail_lint_refused_by_code", "CGIs cgijail would refuse, by exit code.");
	for (size_t i = 0; i < n; i++)
		prom_by_code(out, &u[i]);
	prom_head(out, "cgijail_lint_ok", "1 when the customer was checked and no CGI is refused.");
	for (size_t i = 0; i < n; i++)
		prom_user(out, "cgijail_lint_ok", &u[i], !u[i].error[0] && !u[i].broken);
	prom_head(out, "cgijail_lint_last_run_timestamp_seconds", "When lint ran (unix time).");
	fprintf(out, "cgijail_lint_last_run_timestamp_seconds %lld\n", (long long)time(NULL));
}

void lint_print(FILE *out, enum lint_format format, const struct lint_user *users, size_t n)
{
	if (format == LINT_PROM)
		print_prom(out, users, n);
	else if (format == LINT_JSON)
		print_json(out, users, n);
	else
		print_text(out, users, n);
}
