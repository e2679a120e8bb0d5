/* cgijailctl template: what its subcommands share (template.c, tops.c,
 * tprint.c). */
#ifndef CTL_TEMPLATE_H
#define CTL_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "strlist.h"
#include "tbuild.h"
#include "tstore.h"

int ctl_template(int argc, char **argv);

struct template_args {
	struct strlist names, profiles;
	const char *profiles_dir, *config;
	bool deep, all, dry_run, json;
};

/* What switching the jails, a refresh or a gc did. */
struct template_report {
	size_t jails;             /* thin jails pointed at the new generation */
	size_t linked;            /* files hard-linked for them (link mode) */
	double switch_ms;         /* how long pointing them at it took */
	struct strlist lines;     /* what was done, or would be (dry run) */
	struct strlist errors;
};

/* Point every jail on template NAME at GEN (template.c). */
int template_switch_jails(const struct template_args *a, const struct tstore *s, const char *name,
			  const char *gen, struct template_report *rep);

/* tops.c: the subcommands that look at what exists. */
int template_check(struct template_args *a, const struct tstore *s);
int template_refresh(struct template_args *a, const struct tstore *s);
int template_gc(struct template_args *a, const struct tstore *s);

/* tprint.c: output. */
void template_print_build(const struct template_args *a, const char *name,
			  const struct tbuild_result *r, const struct template_report *rep);
/* One template, for list (FIRST: no separating comma in JSON). -1 when it
 * cannot be read. */
int template_print_one(const struct template_args *a, const struct tstore *s, const char *name,
		       bool first);
void template_print_report(const struct template_args *a, const char *what,
			   const struct template_report *rep, int status);
void template_report_free(struct template_report *rep);

#endif
