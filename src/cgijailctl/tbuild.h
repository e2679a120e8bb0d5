/* Building a template generation: copy, record, check, and only then make
 * it current (tstore.h). */
#ifndef CTL_TBUILD_H
#define CTL_TBUILD_H

#include <stdbool.h>

#include "strlist.h"
#include "tstore.h"

struct tbuild_opts {
	const char *name;               /* the template */
	const struct strlist *profiles; /* applied in order (base first, always) */
	const char *profiles_dir;       /* NULL: the compiled-in one */
	bool deep;                      /* check (and copy) the interpreters' modules */
};

struct tbuild_result {
	char gen[TSTORE_GEN_MAX];       /* the generation built ("" when none) */
	bool current;                   /* it passed and is now current */
	size_t copied, programs;
	struct strlist problems;        /* why it did not pass */
	struct strlist errors;          /* what could not be done */
};

/* Build a new generation of O->name in S. CTL_OK: built, checked and
 * current; CTL_PROBLEMS: a check failed (removed, current unchanged);
 * CTL_ERROR: it could not be built (removed, current unchanged). */
int tbuild_generation(const struct tstore *s, const struct tbuild_opts *o, struct tbuild_result *r);

/* The profiles and deep flag a generation was built with (its spec). 0, or
 * -1 when the spec is missing or malformed. */
int tbuild_read_spec(int tfd, const char *gen, struct strlist *profiles, bool *deep);

/* Whether the host files GEN was copied from are all as they were (its
 * manifest): 1 unchanged, 0 changed (the first change in WHAT), -1 no
 * manifest. */
int tbuild_host_unchanged(int tfd, const char *gen, char *what, size_t len);

void tbuild_result_free(struct tbuild_result *r);

#endif
