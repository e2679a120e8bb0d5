/* cgijailctl template: output, as text lines or one JSON object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgijailctl.h"
#include "ctl_out.h"
#include "strutil.h"
#include "template.h"

void template_report_free(struct template_report *rep)
{
	strlist_free(&rep->lines);
	strlist_free(&rep->errors);
}

void template_print_build(const struct template_args *a, const char *name,
			  const struct tbuild_result *r, const struct template_report *rep)
{
	if (a->json) {
		printf("{\"ok\": %s, \"template\": ", r->current && !rep->errors.n ? "true" : "false");
		json_print_string(stdout, name);
		printf(", \"generation\": ");
		json_print_string(stdout, r->gen);
		printf(", \"current\": %s, \"copied\": %zu, \"programs\": %zu, \"jails\": %zu, "
		       "\"linked\": %zu, \"switch_ms\": %.1f, ", r->current ? "true" : "false", r->copied,
		       r->programs, rep->jails, rep->linked, rep->switch_ms);
		out_json_list(stdout, "problems", &r->problems);
		fputs(", ", stdout);
		out_json_list(stdout, "errors", &r->errors);
		fputs(", ", stdout);
		out_json_list(stdout, "jail_errors", &rep->errors);
		fputs("}\n", stdout);
		return;
	}
	for (size_t i = 0; i < r->errors.n; i++)
		printf("error: %s\n", r->errors.v[i]);
	for (size_t i = 0; i < r->problems.n; i++)
		printf("problem: %s\n", r->problems.v[i]);
	for (size_t i = 0; i < rep->errors.n; i++)
		printf("error: %s\n", rep->errors.v[i]);
	if (r->current)
		printf("template %s: generation %s is current (%zu files, %zu programs checked; %zu jails "
		       "re-pointed in %.0f ms, %zu files linked)\n", name, r->gen, r->copied, r->programs,
		       rep->jails, rep->switch_ms, rep->linked);
	else
		printf("template %s: the new generation %s did not pass (%zu problems, %zu errors); the "
		       "current generation is unchanged\n", name, r->gen, r->problems.n, r->errors.n);
}

int template_print_one(const struct template_args *a, const struct tstore *s, const char *name,
		       bool first)
{
	struct strlist gens = { 0 };
	char why[512], cur[TSTORE_GEN_MAX] = "";
	int tfd = tstore_template(s, name, false, why, sizeof why);

	if (tfd < 0 || tstore_current(tfd, cur, sizeof cur, why, sizeof why) < 0 ||
	    tstore_generations(tfd, &gens) < 0) {
		fprintf(stderr, "cgijailctl template list: %s\n", why);
		if (tfd >= 0)
			close(tfd);
		return -1;
	}
	if (a->json) {
		printf("%s{\"name\": ", first ? "" : ", ");
		json_print_string(stdout, name);
		printf(", \"current\": ");
		if (cur[0])
			json_print_string(stdout, cur);
		else
			printf("null");
		printf(", \"generations\": [");
		for (size_t i = 0; i < gens.n; i++)
			printf("%s{\"name\": \"%s\", \"verified\": %s}", i ? ", " : "", gens.v[i],
			       tstore_verified(tfd, gens.v[i]) ? "true" : "false");
		printf("]}");
	} else {
		printf("%s: current %s\n", name, cur[0] ? cur : "(none)");
		for (size_t i = 0; i < gens.n; i++)
			printf("  %s %s%s\n", gens.v[i], tstore_verified(tfd, gens.v[i]) ? "verified" : "unverified",
			       strcmp(gens.v[i], cur) ? "" : " (current)");
	}
	strlist_free(&gens);
	close(tfd);
	return 0;
}

void template_print_report(const struct template_args *a, const char *what,
			   const struct template_report *rep, int status)
{
	if (a->json) {
		printf("{\"ok\": %s, \"dry_run\": %s, \"jails\": %zu, \"linked\": %zu, \"switch_ms\": %.1f, ",
		       status == CTL_OK ? "true" : "false", a->dry_run ? "true" : "false", rep->jails,
		       rep->linked, rep->switch_ms);
		out_json_list(stdout, "done", &rep->lines);
		fputs(", ", stdout);
		out_json_list(stdout, "errors", &rep->errors);
		fputs("}\n", stdout);
		return;
	}
	for (size_t i = 0; i < rep->lines.n; i++)
		printf("%s\n", rep->lines.v[i]);
	for (size_t i = 0; i < rep->errors.n; i++)
		printf("error: %s\n", rep->errors.v[i]);
	printf("%s: %zu lines, %zu errors%s\n", what, rep->lines.n, rep->errors.n,
	       a->dry_run ? " (dry run: nothing changed)" : "");
}
