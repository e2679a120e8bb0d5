/* A hardened reader for the parts of an ELF file the dynamic loader uses.
 *
 * The input is controlled by a customer: every offset, size, count and
 * string is checked against the buffer, all tables are reached through
 * PT_LOAD (as the loader reaches them, section headers are never read), and
 * every loop is bounded. A malformed file yields an error string, never a
 * crash. Nothing here allocates more than a small multiple of the file size.
 */
#ifndef CL_ELF_H
#define CL_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CL_ELF_MAX_FILE    (1ULL << 30) /* largest file we map */
#define CL_ELF_MAX_SYMS    (1U << 22)   /* dynamic symbols per object */
#define CL_ELF_MAX_VERS    65536        /* verdef + vernaux records per object */
#define CL_ELF_MAX_NEEDED  65536        /* DT_NEEDED entries per object */

enum cl_hash_kind { CL_HASH_NONE, CL_HASH_SYSV, CL_HASH_GNU };

/* One symbol, widened to 64 bits and to host byte order. */
struct cl_sym {
	uint32_t name;
	uint8_t info;
	uint8_t other;
	uint16_t shndx;
	uint64_t value;
};

/* A version this object defines (DT_VERDEF) or needs (DT_VERNEED). */
struct cl_version {
	const char *name;
	const char *file;   /* the needed file (verneed); NULL for a definition */
	uint32_t hash;
	uint16_t ndx;       /* index used in DT_VERSYM, without the hidden bit */
	uint16_t flags;     /* VER_FLG_* */
	bool hidden;        /* vna_other had 0x8000 */
};

/* A DT_FILTER or DT_AUXILIARY entry. */
struct cl_filter {
	uint32_t name;      /* strtab offset */
	bool aux;           /* DT_AUXILIARY: may be missing */
};

struct cl_elf {
	const unsigned char *data;
	size_t size;
	uint64_t file_size;        /* of the whole file: more than size after cl_elf_parse_head */
	bool cut;                  /* a note the check reads lies beyond data */

	/* Identification, valid once ident_ok (even if the rest is bad). */
	bool ident_ok;
	bool is64;
	bool big_endian;
	uint8_t osabi;
	uint16_t type;
	uint16_t machine;

	const char *interp;        /* PT_INTERP, NUL-terminated, or NULL */
	bool has_dynamic;

	/* Parsed PT_LOAD segments (private to elf.c). */
	struct cl_load *loads;
	size_t n_loads;

	const char *strtab;
	size_t strsz;              /* every offset below this is a terminated string */
	uint32_t *needed;          /* strtab offsets */
	size_t n_needed;
	struct cl_filter *filters; /* in dynamic-section order */
	size_t n_filters;
	const char *soname;
	const char *rpath;         /* NULL when there is a DT_RUNPATH (as the loader) */
	const char *runpath;
	uint64_t flags_1;

	/* Dynamic symbols: table validated for nsyms entries. */
	size_t sym_off;
	size_t nsyms;
	size_t versym_off;
	bool has_versym;

	enum cl_hash_kind hash_kind;
	uint32_t nbuckets;         /* both kinds */
	size_t buckets_off;
	size_t chain_off;          /* sysv: chain[]; gnu: chain[symoffset...] */
	uint32_t nchain;           /* sysv */
	uint32_t symoffset;        /* gnu */
	uint32_t bloom_words;      /* gnu, a power of two */
	uint32_t bloom_shift;
	size_t bloom_off;

	bool has_verdef;
	struct cl_version *versions; /* defined and needed, sorted by ndx */
	size_t n_versions;
	int32_t *version_at;       /* ndx -> the index in versions cl_elf_version gives, -1: none */
	size_t n_version_at;       /* 0: no table (an ndx above CL_ELF_VERSION_TABLE_MAX) */
	struct cl_version *verneed;  /* needed only, in file order */
	size_t n_verneed;
	struct cl_version *verdef;   /* defined only (including base), in file order */
	size_t n_verdef;

	/* Relocation tables (DT_RELA, DT_REL, DT_JMPREL), validated. */
	struct cl_reltab {
		size_t off;
		size_t count;
		bool rela;
	} reltabs[3];
	size_t n_reltabs;

	const unsigned char *build_id;
	size_t build_id_len;

	char err[160];
};

/* Parse BUF (SIZE bytes, which must outlive E). Returns 0, or -1 with a
 * reason in e->err (errno ENOMEM when that is the reason). Call
 * cl_elf_free afterwards in both cases. */
int cl_elf_parse_buffer(struct cl_elf *e, const void *buf, size_t size);

/* The first SIZE bytes of a file of FILE_SIZE bytes. Returns 0 when they
 * hold all the check needs -- a static program: no PT_DYNAMIC, no
 * PT_INTERP, headers and notes inside SIZE -- and E is then what
 * cl_elf_parse_buffer() would make of the whole file. Else 1, E freed:
 * parse the whole file. */
int cl_elf_parse_head(struct cl_elf *e, const void *buf, size_t size, uint64_t file_size);
void cl_elf_free(struct cl_elf *e);

/* Symbol IDX (< e->nsyms). */
void cl_elf_sym(const struct cl_elf *e, size_t idx, struct cl_sym *s);
/* The first symbol index from FROM on that is undefined (SHN_UNDEF) or set
 * in the bitmap MARKS (NULL: none); nsyms when there is none. */
size_t cl_elf_next_undefined(const struct cl_elf *e, size_t from, const unsigned char *marks);
/* The symbol's name, or NULL when its offset is outside the string table. */
const char *cl_elf_str(const struct cl_elf *e, uint32_t off);
/* DT_VERSYM entry of symbol IDX (0 when there is no DT_VERSYM). */
uint16_t cl_elf_versym(const struct cl_elf *e, size_t idx);
/* The version with index NDX (hidden bit stripped), or NULL. */
const struct cl_version *cl_elf_version(const struct cl_elf *e, uint16_t ndx);

/* Walk the hash chain of a name: zero-initialise IT, then call
 * cl_elf_hash_next until it returns 0. Each returned index (< nsyms) is a
 * candidate whose name the caller compares. IT->steps counts the work. */
struct cl_hash_iter {
	size_t idx;
	uint64_t steps;
	bool started;
	bool done;
};
size_t cl_elf_hash_next(const struct cl_elf *e, struct cl_hash_iter *it,
			uint32_t gnu_hash, uint32_t sysv_hash);

/* Call FN(symbol index, ARG) for each relocation of type TYPE. */
void cl_elf_each_reloc(const struct cl_elf *e, uint32_t type,
		       void (*fn)(size_t sym, void *arg), void *arg);

uint32_t cl_gnu_hash(const char *s);
uint32_t cl_sysv_hash(const char *s);

const char *cl_elf_machine_name(uint16_t machine);

#endif
