/* The ELF reader's symbol versions (DT_VERDEF, DT_VERNEED, indexed by
 * their DT_VERSYM numbers) and relocation tables: see cl_elf.h. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "elf_read.h"

/* Append to one of the version arrays (bounded by CL_ELF_MAX_VERS). */
static int push_version(struct cl_elf *e, struct cl_version **arr, size_t *n, size_t *cap,
			const struct cl_version *v)
{
	if (e->n_verdef + e->n_verneed >= CL_ELF_MAX_VERS)
		return cl_elf_fail(e, "too many symbol version records");
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct cl_version *p = realloc(*arr, ncap * sizeof *p);

		if (!p)
			return cl_elf_oom(e);
		*arr = p;
		*cap = ncap;
	}
	(*arr)[(*n)++] = *v;
	return 0;
}

/* Records are chained by forward offsets: a chain cannot loop, and
 * CL_ELF_MAX_VERS bounds its length. */
static int next_record(struct cl_elf *e, uint64_t *vaddr, uint32_t next, const char *what)
{
	if (__builtin_add_overflow(*vaddr, next, vaddr))
		return cl_elf_fail(e, "%s chain overflows", what);
	return 0;
}

static int parse_verdef(struct cl_elf *e, uint64_t vaddr)
{
	size_t cap = 0;

	e->has_verdef = true;
	for (;;) {
		size_t off, aux;
		uint64_t auxaddr = vaddr;
		struct cl_version v = { 0 };

		if (!cl_elf_table_at(e, vaddr, 20, &off))
			return cl_elf_fail(e, "Verdef record outside its segment");
		if (rd(e, off, 2) != 1)
			return cl_elf_fail(e, "unsupported version %u of Verdef record",
				    (unsigned)rd(e, off, 2));
		v.flags = (uint16_t)rd(e, off + 2, 2);
		v.ndx = (uint16_t)rd(e, off + 4, 2) & 0x7fff;
		v.hash = rd32(e, off + 8);
		if (next_record(e, &auxaddr, rd32(e, off + 12), "Verdef"))
			return -1;
		if (!cl_elf_table_at(e, auxaddr, 8, &aux))
			return cl_elf_fail(e, "Verdaux record outside its segment");
		v.name = cl_elf_str(e, rd32(e, aux));
		if (!v.name)
			return cl_elf_fail(e, "Verdef name outside the string table");
		if (push_version(e, &e->verdef, &e->n_verdef, &cap, &v))
			return -1;
		if (rd32(e, off + 16) == 0)
			return 0;
		if (next_record(e, &vaddr, rd32(e, off + 16), "Verdef"))
			return -1;
	}
}

static int parse_vernaux(struct cl_elf *e, uint64_t vaddr, const char *file, size_t *cap)
{
	for (;;) {
		size_t off;
		uint16_t other;
		struct cl_version v = { .file = file };

		if (!cl_elf_table_at(e, vaddr, 16, &off))
			return cl_elf_fail(e, "Vernaux record outside its segment");
		v.hash = rd32(e, off);
		v.flags = (uint16_t)rd(e, off + 4, 2);
		other = (uint16_t)rd(e, off + 6, 2);
		v.ndx = other & 0x7fff;
		v.hidden = (other & 0x8000) != 0;
		v.name = cl_elf_str(e, rd32(e, off + 8));
		if (!v.name)
			return cl_elf_fail(e, "Vernaux name outside the string table");
		if (push_version(e, &e->verneed, &e->n_verneed, cap, &v))
			return -1;
		if (rd32(e, off + 12) == 0)
			return 0;
		if (next_record(e, &vaddr, rd32(e, off + 12), "Vernaux"))
			return -1;
	}
}

static int parse_verneed(struct cl_elf *e, uint64_t vaddr)
{
	size_t cap = 0;

	for (;;) {
		size_t off;
		uint64_t auxaddr = vaddr;
		const char *file;

		if (!cl_elf_table_at(e, vaddr, 16, &off))
			return cl_elf_fail(e, "Verneed record outside its segment");
		if (rd(e, off, 2) != 1)
			return cl_elf_fail(e, "unsupported version %u of Verneed record",
				    (unsigned)rd(e, off, 2));
		file = cl_elf_str(e, rd32(e, off + 4));
		if (!file)
			return cl_elf_fail(e, "Verneed file name outside the string table");
		if (next_record(e, &auxaddr, rd32(e, off + 8), "Verneed") ||
		    parse_vernaux(e, auxaddr, file, &cap))
			return -1;
		if (rd32(e, off + 12) == 0)
			return 0;
		if (next_record(e, &vaddr, rd32(e, off + 12), "Verneed"))
			return -1;
	}
}

static int cmp_ndx(const void *a, const void *b)
{
	const struct cl_version *x = a, *y = b;

	if (x->ndx != y->ndx)
		return x->ndx < y->ndx ? -1 : 1;
	/* Definitions after needs: the loader fills them in last. */
	return (x->file == NULL) - (y->file == NULL);
}

/* Every symbol's version is looked up: a table by ndx (ndx are small in
 * every real object; above CL_ELF_VERSION_TABLE_MAX the binary search of
 * cl_elf_version stays). As there, an entry whose ndx has the hidden bit
 * is never found, and the last of equal indexes wins. */
static int table_versions(struct cl_elf *e)
{
	uint16_t max = 0;

	for (size_t i = 0; i < e->n_versions; i++)
		if (e->versions[i].ndx > max)
			max = e->versions[i].ndx;
	if (e->n_versions == 0 || max > CL_ELF_VERSION_TABLE_MAX)
		return 0;
	e->version_at = malloc(((size_t)max + 1) * sizeof *e->version_at);
	if (!e->version_at)
		return cl_elf_oom(e);
	e->n_version_at = (size_t)max + 1;
	for (size_t i = 0; i <= max; i++)
		e->version_at[i] = -1;
	for (size_t i = 0; i < e->n_versions; i++)
		e->version_at[e->versions[i].ndx] = (int32_t)i;
	return 0;
}

/* The index table the loader builds (l_versions): needs and non-base
 * definitions, sorted by index for binary search. */
static int index_versions(struct cl_elf *e)
{
	size_t n = 0;

	if (e->n_verdef + e->n_verneed == 0)
		return 0;
	e->versions = calloc(e->n_verdef + e->n_verneed, sizeof *e->versions);
	if (!e->versions)
		return cl_elf_oom(e);
	for (size_t i = 0; i < e->n_verneed; i++)
		e->versions[n++] = e->verneed[i];
	for (size_t i = 0; i < e->n_verdef; i++)
		if (!(e->verdef[i].flags & VER_FLG_BASE))
			e->versions[n++] = e->verdef[i];
	qsort(e->versions, n, sizeof *e->versions, cmp_ndx);
	e->n_versions = n;
	return table_versions(e);
}

static int add_reltab(struct cl_elf *e, uint64_t vaddr, uint64_t size, bool rela)
{
	size_t entsz = rela ? SZ(e, Rela) : SZ(e, Rel), off;
	struct cl_reltab *t = &e->reltabs[e->n_reltabs];

	if (size == 0)
		return 0;
	if (!cl_elf_table_at(e, vaddr, size, &off))
		return cl_elf_fail(e, "relocation table outside its segment");
	t->off = off;
	t->count = (size_t)(size / entsz);
	t->rela = rela;
	e->n_reltabs++;
	return 0;
}

/* The relocation tables, as the loader walks them (we only look at their
 * types and symbol indexes). */
int cl_elf_parse_relocs(struct cl_elf *e, const struct dyn_info *d)
{
	if (d->has_rela && d->has_relasz && add_reltab(e, d->rela, d->relasz, true))
		return -1;
	if (d->has_rel && d->has_relsz && add_reltab(e, d->rel, d->relsz, false))
		return -1;
	if (d->has_jmprel && d->has_pltrelsz &&
	    add_reltab(e, d->jmprel, d->pltrelsz, d->has_pltrel && d->pltrel == DT_RELA))
		return -1;
	return 0;
}

int cl_elf_parse_versions(struct cl_elf *e, const struct dyn_info *d)
{
	if (d->has_verdef && parse_verdef(e, d->verdef))
		return -1;
	if (d->has_verneed && parse_verneed(e, d->verneed))
		return -1;
	return index_versions(e);
}
