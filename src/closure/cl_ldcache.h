/* A reader for glibc's /etc/ld.so.cache, new format ("glibc-ld.so.cache1.1",
 * alone or after an old-format table), with the glibc-hwcaps extension.
 * The file is as hostile as an ELF file: every offset is checked.
 */
#ifndef CL_LDCACHE_H
#define CL_LDCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cl_ldcache {
	const unsigned char *data;
	size_t size;
	size_t base;          /* offset of the new-format header */
	uint32_t nlibs;
	size_t last_nul;      /* a string offset (absolute) below this is terminated */
	size_t hwcaps_off;    /* the glibc-hwcaps extension section */
	uint32_t n_hwcaps;
};

/* What the loader of one architecture accepts. */
struct cl_ldcache_want {
	int32_t flags;                  /* _DL_CACHE_DEFAULT_ID */
	const char *const *hwcaps;      /* active glibc-hwcaps subdirectories, best first */
	size_t n_hwcaps;
	uint64_t hwcap_allowed;         /* legacy hwcap bits that may be set */
	uint64_t platform_mask;         /* legacy platform bits */
	uint64_t platform;              /* this platform's bit, or ~0 */
};

/* 0 when BUF (which must outlive C) holds a usable new-format cache. */
int cl_ldcache_parse(struct cl_ldcache *c, const void *buf, size_t size);

/* The path the loader would take from the cache for NAME, or NULL. The
 * string points into the cache buffer. */
const char *cl_ldcache_lookup(const struct cl_ldcache *c, const char *name,
			      const struct cl_ldcache_want *want);

/* Number of entries and the key/value of entry I (NULL when invalid). */
size_t cl_ldcache_count(const struct cl_ldcache *c);
bool cl_ldcache_entry(const struct cl_ldcache *c, size_t i, const char **key,
		      const char **value, int32_t *flags, uint64_t *hwcap);

/* glibc's _dl_cache_libcmp: digit runs compare numerically. */
int cl_ldcache_libcmp(const char *p1, const char *p2);

#endif
