/* The repeat-check cache file: see cl_cachefile.h. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "cl_cachefile.h"

struct cache_index {
	struct cl_cache_head head;
	struct cl_cache_slot slots[CL_CACHE_SLOTS];
};

_Static_assert(sizeof(struct cache_index) == CL_CACHE_INDEX, "the index has no padding");

/* Eight bytes per multiplication: FNV-1a's byte at a time took 9 us for an
 * 8 KiB entry, and every cache hit hashes its entry. */
uint64_t cl_cache_hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t w;

	for (; len >= sizeof w; p += sizeof w, len -= sizeof w) {
		memcpy(&w, p, sizeof w);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	for (; len > 0; p++, len--)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h ^ (h >> 32);
}

#define NS 1000000000ULL

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

/* 0 when all LEN bytes at OFF were read. */
static int read_full(int fd, void *buf, size_t len, off_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, off + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* The file's index; an empty one when the file is empty, corrupt, of
 * another format or written by another checker. */
static void read_index(int fd, const uint8_t checker[CL_CACHE_ID_LEN], struct cache_index *ix)
{
	if (read_full(fd, ix, sizeof *ix, 0) < 0 ||
	    memcmp(ix->head.magic, CL_CACHE_MAGIC, sizeof ix->head.magic) != 0 ||
	    ix->head.version != CL_CACHE_VERSION || ix->head.n_slots != CL_CACHE_SLOTS ||
	    memcmp(ix->head.checker, checker, CL_CACHE_ID_LEN) != 0)
		memset(ix, 0, sizeof *ix);
}

static bool slot_in_bounds(const struct cl_cache_slot *s)
{
	return s->key != 0 && s->off >= CL_CACHE_INDEX && s->len > 0 &&
	       s->len <= CL_CACHE_MAX_ENTRY && (uint64_t)s->off + s->len <= CL_CACHE_MAX_FILE;
}

/* Read S's entry to DST; false when it is out of bounds, short or fails its hash. */
static bool read_entry(int fd, const struct cl_cache_slot *s, uint8_t *dst)
{
	return slot_in_bounds(s) && read_full(fd, dst, s->len, (off_t)s->off) == 0 &&
	       cl_cache_hash(CL_CACHE_HASH_INIT, dst, s->len) == s->sum;
}

/* Record a use for the LRU order: at most one write per entry and second.
 * Concurrent readers may both write it; either value will do. */
static void touch(int fd, struct cache_index *ix, size_t i)
{
	uint64_t now = now_ns();
	off_t at = (off_t)(offsetof(struct cache_index, slots) + i * sizeof(struct cl_cache_slot) +
			   offsetof(struct cl_cache_slot, used));

	if (now - ix->slots[i].used < NS)
		return;
	ix->slots[i].used = now;
	if (pwrite(fd, &now, sizeof now, at) != (ssize_t)sizeof now) {
		/* Only the eviction order suffers. */
	}
}

int cl_cachefile_find(int fd, const uint8_t checker[CL_CACHE_ID_LEN], uint64_t key,
		      uint8_t **buf, size_t *len)
{
	struct cache_index ix;
	int found = 0;

	*buf = NULL;
	*len = 0;
	if (key == 0 || flock(fd, LOCK_SH | LOCK_NB) < 0)
		return -1;
	read_index(fd, checker, &ix);
	for (size_t i = 0; i < CL_CACHE_SLOTS && !found; i++) {
		uint8_t *b;

		if (ix.slots[i].key != key || !slot_in_bounds(&ix.slots[i]))
			continue;
		b = malloc(ix.slots[i].len);
		if (b && read_entry(fd, &ix.slots[i], b)) {
			*buf = b;
			*len = ix.slots[i].len;
			touch(fd, &ix, i);
			found = 1;
		} else {
			free(b);
		}
	}
	flock(fd, LOCK_UN);
	return found;
}

static int by_recent_use(const void *a, const void *b)
{
	const struct cl_cache_slot *x = a, *y = b;

	return (x->used < y->used) - (x->used > y->used);
}

/* The old entries worth keeping beside a new one of NEW_LEN bytes, most
 * recently used first, into KEEP; returns how many. */
static size_t choose_kept(const struct cache_index *old, uint64_t key, size_t new_len,
			  struct cl_cache_slot *keep)
{
	size_t n = 0, kept = 0;
	uint64_t size = CL_CACHE_INDEX + new_len;

	for (size_t i = 0; i < CL_CACHE_SLOTS; i++)
		if (old->slots[i].key != key && slot_in_bounds(&old->slots[i]))
			keep[n++] = old->slots[i];
	qsort(keep, n, sizeof *keep, by_recent_use);
	for (size_t i = 0; i < n && kept < CL_CACHE_SLOTS - 1; i++) {
		if (size + keep[i].len > CL_CACHE_MAX_FILE)
			continue;
		size += keep[i].len;
		keep[kept++] = keep[i];
	}
	return kept;
}

/* The new file: index, the new entry, then each kept entry still intact. */
static uint8_t *build_image(int fd, const uint8_t checker[CL_CACHE_ID_LEN], uint64_t key,
			    const uint8_t *entry, size_t len, const struct cl_cache_slot *keep,
			    size_t n_keep, size_t *size)
{
	size_t cap = CL_CACHE_INDEX + len, at, used = 1;
	struct cache_index ix;
	uint8_t *image;

	for (size_t i = 0; i < n_keep; i++)
		cap += keep[i].len;
	image = malloc(cap);
	if (!image)
		return NULL;
	memset(&ix, 0, sizeof ix);
	memcpy(ix.head.magic, CL_CACHE_MAGIC, sizeof ix.head.magic);
	ix.head.version = CL_CACHE_VERSION;
	ix.head.n_slots = CL_CACHE_SLOTS;
	memcpy(ix.head.checker, checker, CL_CACHE_ID_LEN);
	ix.slots[0] = (struct cl_cache_slot){ key, cl_cache_hash(CL_CACHE_HASH_INIT, entry, len),
					      now_ns(), (uint32_t)CL_CACHE_INDEX, (uint32_t)len };
	memcpy(image + CL_CACHE_INDEX, entry, len);
	at = CL_CACHE_INDEX + len;
	for (size_t i = 0; i < n_keep; i++) {
		if (!read_entry(fd, &keep[i], image + at))
			continue;
		ix.slots[used] = keep[i];
		ix.slots[used++].off = (uint32_t)at;
		at += keep[i].len;
	}
	memcpy(image, &ix, sizeof ix);
	*size = at;
	return image;
}

int cl_cachefile_store(int fd, const uint8_t checker[CL_CACHE_ID_LEN], uint64_t key,
		       const uint8_t *entry, size_t len)
{
	struct cache_index old;
	struct cl_cache_slot keep[CL_CACHE_SLOTS];
	uint8_t *image;
	size_t n_keep, size = 0;
	int rc = -1;

	if (key == 0 || len == 0 || len > CL_CACHE_MAX_ENTRY) {
		errno = EINVAL;
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return -1;
	read_index(fd, checker, &old);
	n_keep = choose_kept(&old, key, len, keep);
	image = build_image(fd, checker, key, entry, len, keep, n_keep, &size);
	if (image && write_full(fd, image, size) == 0 && ftruncate(fd, (off_t)size) == 0)
		rc = 0;
	free(image);
	flock(fd, LOCK_UN);
	return rc;
}
