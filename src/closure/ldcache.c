/* The ld.so.cache reader: see cl_ldcache.h. The lookup follows glibc
 * 2.36's search_cache() step by step, including its handling of entries
 * with the same name (glibc-hwcaps variants first, then legacy hwcaps). */
#include <stdint.h>
#include <string.h>

#include "cl_ldcache.h"

#define MAGIC_NEW "glibc-ld.so.cache1.1"
#define MAGIC_OLD "ld.so-1.7.0"
#define HDR_NEW 48
#define ENT_NEW 24
#define HDR_OLD 16
#define ENT_OLD 12
#define EXT_MAGIC 0xeaa42174u
#define EXT_TAG_HWCAPS 1
#define HWCAP_EXTENSION (1ULL << 62)
#define ISA_LEVEL_MASK 0x3ffULL

/* The cache is written by ldconfig in the host's byte order; ours. */
static uint32_t get32(const struct cl_ldcache *c, size_t off)
{
	uint32_t v;

	memcpy(&v, c->data + off, sizeof v);
	return v;
}

static uint64_t get64(const struct cl_ldcache *c, size_t off)
{
	uint64_t v;

	memcpy(&v, c->data + off, sizeof v);
	return v;
}

static bool endian_ok(const struct cl_ldcache *c)
{
	uint8_t flags = c->data[c->base + 28];
	uint8_t ours = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 2 : 3;

	return flags == 0 || (flags & 3) == ours;
}

static bool is_new_at(const struct cl_ldcache *c, size_t off)
{
	return c->size > off && c->size - off > HDR_NEW &&
	       memcmp(c->data + off, MAGIC_NEW, sizeof MAGIC_NEW - 1) == 0;
}

/* Find the new-format header: at the start, or after an old table. */
static int find_new(struct cl_ldcache *c)
{
	uint32_t old_n;
	uint64_t off;

	if (is_new_at(c, 0))
		return 0;
	if (c->size <= HDR_OLD || memcmp(c->data, MAGIC_OLD, sizeof MAGIC_OLD - 1) != 0)
		return -1;
	old_n = get32(c, 12);
	if ((c->size - HDR_OLD) / ENT_OLD < old_n)
		return -1;
	off = (HDR_OLD + (uint64_t)old_n * ENT_OLD + 7) & ~7ULL;
	if (!is_new_at(c, (size_t)off))
		return -1;
	c->base = (size_t)off;
	return 0;
}

static void find_hwcaps(struct cl_ldcache *c)
{
	uint32_t ext = get32(c, c->base + 32), count;

	if (ext == 0 || ext % 4 != 0 || ext > c->size || c->size - ext < 8)
		return;
	if (get32(c, ext) != EXT_MAGIC)
		return;
	count = get32(c, ext + 4);
	if ((c->size - ext - 8) / 16 < count)
		return;
	for (uint32_t i = 0; i < count; i++) {
		size_t sec = ext + 8 + (size_t)i * 16;
		uint32_t tag = get32(c, sec), off = get32(c, sec + 8), sz = get32(c, sec + 12);

		if ((uint64_t)off + sz > c->size)
			return;
		if (tag != EXT_TAG_HWCAPS || sz == 0 || sz % 4 != 0 || off % 4 != 0)
			continue;
		c->hwcaps_off = off;
		c->n_hwcaps = sz / 4;
	}
}

int cl_ldcache_parse(struct cl_ldcache *c, const void *buf, size_t size)
{
	const unsigned char *nul;

	memset(c, 0, sizeof *c);
	c->data = buf;
	c->size = size;
	if (find_new(c) || !endian_ok(c))
		return -1;
	c->nlibs = get32(c, c->base + 20);
	if ((c->size - c->base - HDR_NEW) / ENT_NEW < c->nlibs)
		return -1;
	nul = memrchr(c->data, '\0', c->size);
	c->last_nul = nul ? (size_t)(nul - c->data) : 0;
	find_hwcaps(c);
	return 0;
}

/* A string at OFFSET from BASE, or NULL if it is not terminated inside. */
static const char *str_at(const struct cl_ldcache *c, size_t base, uint32_t offset)
{
	uint64_t abs = (uint64_t)base + offset;

	return abs < c->last_nul ? (const char *)c->data + abs : NULL;
}

int cl_ldcache_libcmp(const char *p1, const char *p2)
{
	while (*p1 != '\0') {
		if (*p1 >= '0' && *p1 <= '9') {
			unsigned long v1, v2;

			if (*p2 < '0' || *p2 > '9')
				return 1;
			/* Unsigned: long digit runs in a hostile cache wrap, not overflow. */
			v1 = (unsigned long)(*p1++ - '0');
			v2 = (unsigned long)(*p2++ - '0');
			while (*p1 >= '0' && *p1 <= '9')
				v1 = v1 * 10 + (unsigned long)(*p1++ - '0');
			while (*p2 >= '0' && *p2 <= '9')
				v2 = v2 * 10 + (unsigned long)(*p2++ - '0');
			if (v1 != v2)
				return v1 < v2 ? -1 : 1;
		} else if (*p2 >= '0' && *p2 <= '9') {
			return -1;
		} else if (*p1 != *p2) {
			return (unsigned char)*p1 - (unsigned char)*p2;
		} else {
			p1++;
			p2++;
		}
	}
	return (unsigned char)*p1 - (unsigned char)*p2;
}

struct entry {
	int32_t flags;
	const char *key;
	const char *value;
	uint64_t hwcap;
};

static bool get_entry(const struct cl_ldcache *c, size_t i, struct entry *e)
{
	size_t off = c->base + HDR_NEW + i * ENT_NEW;

	e->flags = (int32_t)get32(c, off);
	e->key = str_at(c, c->base, get32(c, off + 4));
	e->value = str_at(c, c->base, get32(c, off + 8));
	e->hwcap = get64(c, off + 16);
	return e->key != NULL;
}

static bool is_named_hwcap(uint64_t hwcap)
{
	return ((hwcap >> 32) & ~ISA_LEVEL_MASK) == (HWCAP_EXTENSION >> 32);
}

/* Priority of a glibc-hwcaps entry: 0 unusable, lower is better. */
static uint32_t hwcap_priority(const struct cl_ldcache *c, uint64_t hwcap,
			       const struct cl_ldcache_want *want)
{
	uint32_t index = (uint32_t)hwcap;
	const char *name;

	if (index >= c->n_hwcaps)
		return 0;
	name = str_at(c, 0, get32(c, c->hwcaps_off + (size_t)index * 4));
	if (!name)
		return 0;
	for (size_t i = 0; i < want->n_hwcaps; i++)
		if (strcmp(name, want->hwcaps[i]) == 0)
			return (uint32_t)i + 1;
	return 0;
}

struct pick {
	const char *best;
	uint32_t best_priority;
};

/* Consider one entry with the right name; false ends the scan. */
static bool consider(const struct cl_ldcache *c, const struct entry *e,
		     const struct cl_ldcache_want *want, struct pick *p)
{
	bool named;

	if (e->flags != want->flags || !e->value)
		return true;
	named = is_named_hwcap(e->hwcap);
	/* Named hwcaps entries come first: once they are exhausted, a match
	 * found among them wins. */
	if (!named && p->best)
		return false;
	if (!named && (e->hwcap & ~want->hwcap_allowed))
		return true;
	if ((e->hwcap & want->platform_mask) && (e->hwcap & want->platform_mask) != want->platform)
		return true;
	if (named) {
		uint32_t prio = hwcap_priority(c, e->hwcap, want);

		if (prio == 0 || (p->best && prio >= p->best_priority))
			return true;
		p->best_priority = prio;
	}
	p->best = e->value;
	return named;
}

static const char *scan_equal(const struct cl_ldcache *c, const char *name, int64_t middle,
			      int64_t right, const struct cl_ldcache_want *want)
{
	int64_t left = middle;
	struct entry e;
	struct pick p = { 0 };

	while (middle > 0 && get_entry(c, (size_t)middle - 1, &e) &&
	       cl_ldcache_libcmp(name, e.key) == 0)
		middle--;
	for (; middle <= right; middle++) {
		if (!get_entry(c, (size_t)middle, &e) ||
		    (middle > left && cl_ldcache_libcmp(name, e.key) != 0))
			break;
		if (!consider(c, &e, want, &p))
			break;
	}
	return p.best;
}

const char *cl_ldcache_lookup(const struct cl_ldcache *c, const char *name,
			      const struct cl_ldcache_want *want)
{
	int64_t left = 0, right = (int64_t)c->nlibs - 1;

	while (left <= right) {
		int64_t middle = (left + right) / 2;
		struct entry e;
		int cmp;

		if (!get_entry(c, (size_t)middle, &e))
			return NULL;
		cmp = cl_ldcache_libcmp(name, e.key);
		if (cmp == 0)
			return scan_equal(c, name, middle, right, want);
		if (cmp < 0)
			left = middle + 1;
		else
			right = middle - 1;
	}
	return NULL;
}

size_t cl_ldcache_count(const struct cl_ldcache *c)
{
	return c->nlibs;
}

bool cl_ldcache_entry(const struct cl_ldcache *c, size_t i, const char **key,
		      const char **value, int32_t *flags, uint64_t *hwcap)
{
	struct entry e;

	if (i >= c->nlibs || !get_entry(c, i, &e))
		return false;
	*key = e.key;
	*value = e.value;
	*flags = e.flags;
	*hwcap = e.hwcap;
	return true;
}
