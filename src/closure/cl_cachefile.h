/* The repeat-check cache file: a fixed header, a table of CL_CACHE_SLOTS
 * slots, then the entries the slots point to. Native byte order (the file
 * never leaves the host). Each slot holds the key of an entry (a hash of the
 * check's inputs), the hash of the entry's bytes, where they are, and when
 * the entry was last used. Anything out of bounds or failing its hash is
 * treated as absent, so a torn or corrupt file reads as (partly) empty.
 *
 * Readers take a shared flock, writers an exclusive one; a writer rewrites
 * the whole file (compacted, least recently used entries dropped). Neither
 * waits for the lock: a file locked by another request (which its user
 * could stop with a signal) costs a full check, never a hang. */
#ifndef CL_CACHEFILE_H
#define CL_CACHEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CL_CACHE_MAGIC "cjclcach"          /* 8 bytes, no NUL */
#define CL_CACHE_VERSION 2
#define CL_CACHE_SLOTS 256                 /* programs per cache file */
#define CL_CACHE_MAX_ENTRY (1u << 20)      /* bytes of one entry */
#define CL_CACHE_MAX_FILE (8u << 20)       /* bytes of the whole file */
#define CL_CACHE_ID_LEN 32                 /* checker identity (build id) */

/* The running program's GNU build ID (its first CL_CACHE_ID_LEN bytes) into
 * ID, zeros after it; false when it has none. */
bool cl_checker_id(uint8_t id[CL_CACHE_ID_LEN]);

struct cl_cache_head {
	char magic[8];
	uint32_t version;
	uint32_t n_slots;
	uint8_t checker[CL_CACHE_ID_LEN];  /* who wrote it: another checker's verdicts are void */
	uint8_t reserved[16];
};

struct cl_cache_slot {
	uint64_t key;   /* 0: empty */
	uint64_t sum;   /* cl_cache_hash of the entry */
	uint64_t used;  /* nanoseconds since the epoch of the last store or hit */
	uint32_t off, len;
};

#define CL_CACHE_INDEX \
	(sizeof(struct cl_cache_head) + CL_CACHE_SLOTS * sizeof(struct cl_cache_slot))

/* A 64-bit hash of DATA, continuing from H (start with CL_CACHE_HASH_INIT);
 * not cryptographic: a stored entry is compared with its inputs in full. */
#define CL_CACHE_HASH_INIT 0xcbf29ce484222325ULL
uint64_t cl_cache_hash(uint64_t h, const void *data, size_t len);

/* The entry stored under KEY by CHECKER, in a malloc()ed *BUF of *LEN bytes.
 * Returns 1 when found (and its use is recorded), 0 when not, -1 on error. */
int cl_cachefile_find(int fd, const uint8_t checker[CL_CACHE_ID_LEN], uint64_t key,
		      uint8_t **buf, size_t *len);
/* Store ENTRY under KEY, replacing the entry of that key. 0, or -1. */
int cl_cachefile_store(int fd, const uint8_t checker[CL_CACHE_ID_LEN], uint64_t key,
		       const uint8_t *entry, size_t len);

#endif
