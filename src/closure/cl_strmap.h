/* A string-keyed hash map (open addressing; keys are copied). */
#ifndef CL_STRMAP_H
#define CL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct cl_strmap_slot {
	char *key;
	uint64_t hash;
	void *val;
};

struct cl_strmap {
	struct cl_strmap_slot *slots;
	size_t cap;
	size_t n;
};

/* The value stored under KEY, or NULL. */
void *cl_strmap_get(const struct cl_strmap *m, const char *key);
/* Store VAL under KEY unless KEY is present. Returns 1 if added, 0 if it
 * was present, -1 with errno ENOMEM. */
int cl_strmap_add(struct cl_strmap *m, const char *key, void *val);
void cl_strmap_free(struct cl_strmap *m);

#endif
