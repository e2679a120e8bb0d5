/* The hardened ELF reader: see cl_elf.h. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_elf.h"

/* The loader checks segments against this; it is the smallest page size of
 * the machines we know, so we never reject what a kernel would map. */
#define MIN_PAGE 4096

struct cl_load {
	uint64_t vaddr;
	uint64_t offset;
	uint64_t filesz;
};

/* Read a field of an ELF structure of either class at byte offset BASE.
 * The caller has checked that the whole structure is inside the file. */
#define FOFF(e, T, f) ((e)->is64 ? offsetof(Elf64_##T, f) : offsetof(Elf32_##T, f))
#define FSIZE(e, T, f) ((e)->is64 ? sizeof(((Elf64_##T *)0)->f) : sizeof(((Elf32_##T *)0)->f))
#define RD(e, base, T, f) rd((e), (base) + FOFF(e, T, f), FSIZE(e, T, f))
#define SZ(e, T) ((e)->is64 ? sizeof(Elf64_##T) : sizeof(Elf32_##T))

static uint64_t rd(const struct cl_elf *e, size_t off, size_t n)
{
	bool swap = e->big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	switch (n) {
	case 1:
		return e->data[off];
	case 2:
		memcpy(&v16, e->data + off, 2);
		return swap ? __builtin_bswap16(v16) : v16;
	case 4:
		memcpy(&v32, e->data + off, 4);
		return swap ? __builtin_bswap32(v32) : v32;
	default:
		memcpy(&v64, e->data + off, 8);
		return swap ? __builtin_bswap64(v64) : v64;
	}
}

static uint32_t rd32(const struct cl_elf *e, size_t off)
{
	return (uint32_t)rd(e, off, 4);
}

static int fail(struct cl_elf *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct cl_elf *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->err, sizeof e->err, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return -1;
}

static int oom(struct cl_elf *e)
{
	snprintf(e->err, sizeof e->err, "out of memory");
	errno = ENOMEM;
	return -1;
}

static bool fits(uint64_t off, uint64_t len, uint64_t size)
{
	uint64_t end;

	return !__builtin_add_overflow(off, len, &end) && end <= size;
}

/* Inside the bytes we have of the file. */
static bool in_file(const struct cl_elf *e, uint64_t off, uint64_t len)
{
	return fits(off, len, e->size);
}

/* Inside the file, whether or not inside the bytes we have of it. */
static bool in_whole_file(const struct cl_elf *e, uint64_t off, uint64_t len)
{
	return fits(off, len, e->file_size);
}

/* Translate a virtual address to a file offset through PT_LOAD, as the
 * loader reaches it; *AVAIL is the number of file bytes from there to the
 * end of that segment's file image. */
static bool vaddr_to_off(const struct cl_elf *e, uint64_t vaddr, size_t *off, size_t *avail)
{
	for (size_t i = 0; i < e->n_loads; i++) {
		const struct cl_load *l = &e->loads[i];

		if (vaddr < l->vaddr || vaddr - l->vaddr >= l->filesz)
			continue;
		*off = (size_t)(l->offset + (vaddr - l->vaddr));
		*avail = (size_t)(l->filesz - (vaddr - l->vaddr));
		return true;
	}
	return false;
}

/* Translate a table of LEN bytes at VADDR; false if it is not wholly in
 * one segment's file image. */
static bool table_at(const struct cl_elf *e, uint64_t vaddr, uint64_t len, size_t *off)
{
	size_t avail;

	return vaddr_to_off(e, vaddr, off, &avail) && len <= avail;
}

static int parse_ident(struct cl_elf *e)
{
	const unsigned char *id = e->data;

	if (e->size < EI_NIDENT)
		return fail(e, "file too short (%zu bytes)", e->size);
	if (memcmp(id, ELFMAG, SELFMAG) != 0)
		return fail(e, "invalid ELF header (not an ELF file)");
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
		return fail(e, "invalid ELF class %u", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB)
		return fail(e, "invalid ELF data encoding %u", id[EI_DATA]);
	e->is64 = id[EI_CLASS] == ELFCLASS64;
	e->big_endian = id[EI_DATA] == ELFDATA2MSB;
	e->osabi = id[EI_OSABI];
	if (e->size < SZ(e, Ehdr))
		return fail(e, "file too short (%zu bytes)", e->size);
	e->type = (uint16_t)RD(e, 0, Ehdr, e_type);
	e->machine = (uint16_t)RD(e, 0, Ehdr, e_machine);
	e->ident_ok = true;

	if (id[EI_VERSION] != EV_CURRENT || RD(e, 0, Ehdr, e_version) != EV_CURRENT)
		return fail(e, "ELF file version does not match current one");
	if (e->osabi != ELFOSABI_SYSV && e->osabi != ELFOSABI_GNU)
		return fail(e, "ELF file OS ABI invalid (%u)", e->osabi);
	if (e->osabi == ELFOSABI_SYSV && id[EI_ABIVERSION] != 0)
		return fail(e, "ELF file ABI version invalid");
	for (int i = EI_PAD; i < EI_NIDENT; i++)
		if (id[i] != 0)
			return fail(e, "nonzero padding in e_ident");
	if (e->type != ET_EXEC && e->type != ET_DYN)
		return fail(e, "only ET_DYN and ET_EXEC can be loaded (e_type %u)", e->type);
	if (RD(e, 0, Ehdr, e_phentsize) != SZ(e, Phdr))
		return fail(e, "ELF file's phentsize not the expected size");
	return 0;
}

static int check_load(struct cl_elf *e, const struct cl_load *l, uint64_t memsz)
{
	if (!in_whole_file(e, l->offset, l->filesz))
		return fail(e, "PT_LOAD segment extends beyond the end of the file (truncated?)");
	if (l->filesz > memsz)
		return fail(e, "PT_LOAD segment's file size exceeds its memory size");
	if (((l->vaddr - l->offset) & (MIN_PAGE - 1)) != 0)
		return fail(e, "ELF load command address/offset not page-aligned");
	return 0;
}

static int note_interp(struct cl_elf *e, uint64_t off, uint64_t len)
{
	if (e->interp)
		return 0;
	if (len < 2 || !in_file(e, off, len))
		return fail(e, "PT_INTERP outside the file");
	if (e->data[off + len - 1] != '\0')
		return fail(e, "PT_INTERP is not NUL-terminated");
	e->interp = (const char *)e->data + off;
	if (e->interp[0] == '\0')
		return fail(e, "PT_INTERP is empty");
	return 0;
}

static void parse_notes(struct cl_elf *e, uint64_t off, uint64_t len, uint64_t align)
{
	size_t step = align == 8 ? 8 : 4;

	if (e->build_id)
		return;
	if (!in_file(e, off, len)) {
		e->cut = e->cut || in_whole_file(e, off, len);
		return;
	}
	while (len >= 12) {
		uint64_t namesz = rd32(e, off), descsz = rd32(e, off + 4);
		uint32_t type = rd32(e, off + 8);
		uint64_t name_pad = (namesz + step - 1) & ~(uint64_t)(step - 1);
		uint64_t desc_pad = (descsz + step - 1) & ~(uint64_t)(step - 1);

		if (name_pad > len - 12 || desc_pad > len - 12 - name_pad)
			return;
		if (type == NT_GNU_BUILD_ID && namesz == 4 &&
		    memcmp(e->data + off + 12, "GNU", 4) == 0 && descsz > 0) {
			e->build_id = e->data + off + 12 + name_pad;
			e->build_id_len = descsz;
			return;
		}
		off += 12 + name_pad + desc_pad;
		len -= 12 + name_pad + desc_pad;
	}
}

static int parse_phdrs(struct cl_elf *e, uint64_t *dyn_vaddr, uint64_t *dyn_filesz)
{
	uint64_t phoff = RD(e, 0, Ehdr, e_phoff);
	size_t phnum = (size_t)RD(e, 0, Ehdr, e_phnum), phsz = SZ(e, Phdr);

	if (phnum == 0)
		return fail(e, "object file has no loadable segments");
	if (!in_file(e, phoff, (uint64_t)phnum * phsz))
		return fail(e, "program headers outside the file");
	e->loads = calloc(phnum, sizeof *e->loads);
	if (!e->loads)
		return oom(e);
	for (size_t i = 0; i < phnum; i++) {
		size_t ph = (size_t)phoff + i * phsz;
		uint32_t type = (uint32_t)RD(e, ph, Phdr, p_type);
		uint64_t off = RD(e, ph, Phdr, p_offset), filesz = RD(e, ph, Phdr, p_filesz);

		if (type == PT_LOAD) {
			struct cl_load *l = &e->loads[e->n_loads];

			l->vaddr = RD(e, ph, Phdr, p_vaddr);
			l->offset = off;
			l->filesz = filesz;
			if (check_load(e, l, RD(e, ph, Phdr, p_memsz)))
				return -1;
			e->n_loads++;
		} else if (type == PT_DYNAMIC && !e->has_dynamic) {
			e->has_dynamic = true;
			*dyn_vaddr = RD(e, ph, Phdr, p_vaddr);
			*dyn_filesz = filesz;
		} else if (type == PT_INTERP) {
			if (note_interp(e, off, filesz))
				return -1;
		} else if (type == PT_NOTE) {
			parse_notes(e, off, filesz, RD(e, ph, Phdr, p_align));
		}
	}
	if (e->n_loads == 0)
		return fail(e, "object file has no loadable segments");
	return 0;
}

/* The dynamic tags we use; the last entry of a tag wins, as in the loader. */
struct dyn_info {
	uint64_t strtab, strsz, symtab, syment, hash, gnu_hash, versym;
	uint64_t verneed, verdef, soname, rpath, runpath, flags_1;
	uint64_t rela, relasz, rel, relsz, jmprel, pltrelsz, pltrel;
	bool has_strtab, has_strsz, has_symtab, has_syment, has_hash, has_gnu_hash;
	bool has_versym, has_verneed, has_verdef, has_soname, has_rpath, has_runpath;
	bool has_rela, has_relasz, has_rel, has_relsz, has_jmprel, has_pltrelsz, has_pltrel;
};

static void dyn_record(struct dyn_info *d, uint64_t tag, uint64_t val)
{
#define REC(T, f) case T: d->f = val; d->has_##f = true; break
	switch (tag) {
	REC(DT_STRTAB, strtab);
	REC(DT_STRSZ, strsz);
	REC(DT_SYMTAB, symtab);
	REC(DT_SYMENT, syment);
	REC(DT_HASH, hash);
	REC(DT_GNU_HASH, gnu_hash);
	REC(DT_VERSYM, versym);
	REC(DT_VERNEED, verneed);
	REC(DT_VERDEF, verdef);
	REC(DT_SONAME, soname);
	REC(DT_RPATH, rpath);
	REC(DT_RUNPATH, runpath);
	REC(DT_RELA, rela);
	REC(DT_RELASZ, relasz);
	REC(DT_REL, rel);
	REC(DT_RELSZ, relsz);
	REC(DT_JMPREL, jmprel);
	REC(DT_PLTRELSZ, pltrelsz);
	REC(DT_PLTREL, pltrel);
	case DT_FLAGS_1:
		d->flags_1 = val;
		break;
	default:
		break;
	}
#undef REC
}

static int dyn_string(struct cl_elf *e, uint64_t off, const char *what, const char **out)
{
	*out = cl_elf_str(e, (uint32_t)off);
	if (off > UINT32_MAX || !*out)
		return fail(e, "%s name outside the string table", what);
	return 0;
}

static int parse_strtab(struct cl_elf *e, const struct dyn_info *d)
{
	size_t off, avail;
	const unsigned char *nul;

	if (!d->has_strtab)
		return fail(e, "dynamic section has no DT_STRTAB");
	if (!vaddr_to_off(e, d->strtab, &off, &avail))
		return fail(e, "DT_STRTAB is not inside a loaded segment");
	if (d->has_strsz && d->strsz > avail)
		return fail(e, "string table extends beyond its segment");
	if (d->has_strsz)
		avail = (size_t)d->strsz;
	e->strtab = (const char *)e->data + off;
	/* Every string starting before the last NUL is terminated. */
	nul = avail ? memrchr(e->strtab, '\0', avail) : NULL;
	e->strsz = nul ? (size_t)(nul - (const unsigned char *)e->strtab) + 1 : 0;
	return 0;
}

static bool is_filter(uint64_t tag)
{
	return tag == DT_FILTER || tag == DT_AUXILIARY;
}

/* DT_NEEDED, DT_FILTER and DT_AUXILIARY: the loader loads every one of
 * them (dl-deps.c); a filtee (DT_FILTER) must be found, an auxiliary one
 * (DT_AUXILIARY) may be missing. */
static int parse_needed(struct cl_elf *e, size_t dyn, size_t n, size_t dsz)
{
	size_t count = 0, filters = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t tag = RD(e, dyn + i * dsz, Dyn, d_tag);

		if (tag == DT_NULL)
			break;
		count += tag == DT_NEEDED;
		filters += is_filter(tag);
	}
	if (count > CL_ELF_MAX_NEEDED || filters > CL_ELF_MAX_NEEDED)
		return fail(e, "too many DT_NEEDED or filter entries (%zu)", count + filters);
	if (count && !(e->needed = calloc(count, sizeof *e->needed)))
		return oom(e);
	if (filters && !(e->filters = calloc(filters, sizeof *e->filters)))
		return oom(e);
	for (size_t i = 0; i < n && e->n_needed + e->n_filters < count + filters; i++) {
		size_t ent = dyn + i * dsz;
		uint64_t tag = RD(e, ent, Dyn, d_tag), val = RD(e, ent, Dyn, d_un.d_val);
		const char *s;

		if (tag != DT_NEEDED && !is_filter(tag))
			continue;
		if (dyn_string(e, val, tag == DT_NEEDED ? "DT_NEEDED" : "filter", &s))
			return -1;
		if (tag == DT_NEEDED && *s == '\0')
			return fail(e, "empty DT_NEEDED name");
		if (tag == DT_NEEDED)
			e->needed[e->n_needed++] = (uint32_t)val;
		else
			e->filters[e->n_filters++] = (struct cl_filter){ (uint32_t)val, tag == DT_AUXILIARY };
	}
	return 0;
}

static int parse_dynamic(struct cl_elf *e, struct dyn_info *d, uint64_t dyn_vaddr, uint64_t dyn_filesz)
{
	size_t off, avail, dsz = SZ(e, Dyn), n;

	if (dyn_filesz == 0)
		return fail(e, "object file has no dynamic section");
	if (!vaddr_to_off(e, dyn_vaddr, &off, &avail))
		return fail(e, "PT_DYNAMIC is not inside a loaded segment");
	n = avail / dsz;
	for (size_t i = 0; i < n; i++) {
		uint64_t tag = RD(e, off + i * dsz, Dyn, d_tag);

		if (tag == DT_NULL)
			break;
		dyn_record(d, tag, RD(e, off + i * dsz, Dyn, d_un.d_val));
	}
	/* As the loader: with both, DT_RPATH is ignored. */
	if (d->has_runpath)
		d->has_rpath = false;
	e->flags_1 = d->flags_1;
	if (parse_strtab(e, d) || parse_needed(e, off, n, dsz))
		return -1;
	if (d->has_soname && dyn_string(e, d->soname, "DT_SONAME", &e->soname))
		return -1;
	if (d->has_rpath && dyn_string(e, d->rpath, "DT_RPATH", &e->rpath))
		return -1;
	if (d->has_runpath && dyn_string(e, d->runpath, "DT_RUNPATH", &e->runpath))
		return -1;
	return 0;
}

static int count_gnu_syms(struct cl_elf *e, size_t chain_avail)
{
	uint32_t maxb = 0;
	uint64_t i;

	for (uint32_t b = 0; b < e->nbuckets; b++) {
		uint32_t v = rd32(e, e->buckets_off + (size_t)b * 4);

		if (v > maxb)
			maxb = v;
	}
	if (maxb == 0) {
		e->nsyms = e->symoffset;
		return 0;
	}
	if (maxb < e->symoffset)
		return fail(e, "GNU hash bucket below symoffset");
	for (i = maxb;; i++) {
		uint64_t ci = i - e->symoffset;

		if (ci >= chain_avail / 4)
			return fail(e, "GNU hash chain runs off its segment");
		if (rd32(e, e->chain_off + (size_t)ci * 4) & 1)
			break;
	}
	e->nsyms = (size_t)i + 1;
	return 0;
}

static int parse_gnu_hash(struct cl_elf *e, uint64_t vaddr)
{
	size_t off, avail, wsz = e->is64 ? 8 : 4;
	uint64_t need;

	if (!vaddr_to_off(e, vaddr, &off, &avail) || avail < 16)
		return fail(e, "DT_GNU_HASH is not inside a loaded segment");
	e->hash_kind = CL_HASH_GNU;
	e->nbuckets = rd32(e, off);
	e->symoffset = rd32(e, off + 4);
	e->bloom_words = rd32(e, off + 8);
	e->bloom_shift = rd32(e, off + 12);
	if (e->bloom_words == 0 || (e->bloom_words & (e->bloom_words - 1)) != 0)
		return fail(e, "GNU hash bloom filter size is not a power of two");
	need = 16 + (uint64_t)e->bloom_words * wsz + (uint64_t)e->nbuckets * 4;
	if (need > avail)
		return fail(e, "GNU hash table extends beyond its segment");
	e->bloom_off = off + 16;
	e->buckets_off = e->bloom_off + (size_t)e->bloom_words * wsz;
	e->chain_off = e->buckets_off + (size_t)e->nbuckets * 4;
	return count_gnu_syms(e, avail - (size_t)need);
}

static int parse_sysv_hash(struct cl_elf *e, uint64_t vaddr)
{
	size_t off, avail;

	if (!vaddr_to_off(e, vaddr, &off, &avail) || avail < 8)
		return fail(e, "DT_HASH is not inside a loaded segment");
	e->hash_kind = CL_HASH_SYSV;
	e->nbuckets = rd32(e, off);
	e->nchain = rd32(e, off + 4);
	if (8 + ((uint64_t)e->nbuckets + e->nchain) * 4 > avail)
		return fail(e, "DT_HASH table extends beyond its segment");
	e->buckets_off = off + 8;
	e->chain_off = e->buckets_off + (size_t)e->nbuckets * 4;
	e->nsyms = e->nchain;
	return 0;
}

static int parse_symbols(struct cl_elf *e, const struct dyn_info *d)
{
	int rc = 0;

	if (!d->has_symtab)
		return 0;
	if (d->has_syment && d->syment != SZ(e, Sym))
		return fail(e, "unsupported DT_SYMENT %llu", (unsigned long long)d->syment);
	/* Without a hash table the loader finds no definitions here, and the
	 * number of symbols is unknown: we then check nothing in it. */
	if (d->has_gnu_hash)
		rc = parse_gnu_hash(e, d->gnu_hash);
	else if (d->has_hash)
		rc = parse_sysv_hash(e, d->hash);
	if (rc)
		return rc;
	if (e->nsyms > CL_ELF_MAX_SYMS)
		return fail(e, "too many dynamic symbols (%zu)", e->nsyms);
	if (e->nsyms && !table_at(e, d->symtab, (uint64_t)e->nsyms * SZ(e, Sym), &e->sym_off))
		return fail(e, "symbol table extends beyond its segment");
	if (d->has_versym && e->nsyms) {
		if (!table_at(e, d->versym, (uint64_t)e->nsyms * 2, &e->versym_off))
			return fail(e, "DT_VERSYM table extends beyond its segment");
		e->has_versym = true;
	}
	return 0;
}

/* Append to one of the version arrays (bounded by CL_ELF_MAX_VERS). */
static int push_version(struct cl_elf *e, struct cl_version **arr, size_t *n, size_t *cap,
			const struct cl_version *v)
{
	if (e->n_verdef + e->n_verneed >= CL_ELF_MAX_VERS)
		return fail(e, "too many symbol version records");
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct cl_version *p = realloc(*arr, ncap * sizeof *p);

		if (!p)
			return oom(e);
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
		return fail(e, "%s chain overflows", what);
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

		if (!table_at(e, vaddr, 20, &off))
			return fail(e, "Verdef record outside its segment");
		if (rd(e, off, 2) != 1)
			return fail(e, "unsupported version %u of Verdef record",
				    (unsigned)rd(e, off, 2));
		v.flags = (uint16_t)rd(e, off + 2, 2);
		v.ndx = (uint16_t)rd(e, off + 4, 2) & 0x7fff;
		v.hash = rd32(e, off + 8);
		if (next_record(e, &auxaddr, rd32(e, off + 12), "Verdef"))
			return -1;
		if (!table_at(e, auxaddr, 8, &aux))
			return fail(e, "Verdaux record outside its segment");
		v.name = cl_elf_str(e, rd32(e, aux));
		if (!v.name)
			return fail(e, "Verdef name outside the string table");
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

		if (!table_at(e, vaddr, 16, &off))
			return fail(e, "Vernaux record outside its segment");
		v.hash = rd32(e, off);
		v.flags = (uint16_t)rd(e, off + 4, 2);
		other = (uint16_t)rd(e, off + 6, 2);
		v.ndx = other & 0x7fff;
		v.hidden = (other & 0x8000) != 0;
		v.name = cl_elf_str(e, rd32(e, off + 8));
		if (!v.name)
			return fail(e, "Vernaux name outside the string table");
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

		if (!table_at(e, vaddr, 16, &off))
			return fail(e, "Verneed record outside its segment");
		if (rd(e, off, 2) != 1)
			return fail(e, "unsupported version %u of Verneed record",
				    (unsigned)rd(e, off, 2));
		file = cl_elf_str(e, rd32(e, off + 4));
		if (!file)
			return fail(e, "Verneed file name outside the string table");
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

/* The index table the loader builds (l_versions): needs and non-base
 * definitions, sorted by index for binary search. */
static int index_versions(struct cl_elf *e)
{
	size_t n = 0;

	if (e->n_verdef + e->n_verneed == 0)
		return 0;
	e->versions = calloc(e->n_verdef + e->n_verneed, sizeof *e->versions);
	if (!e->versions)
		return oom(e);
	for (size_t i = 0; i < e->n_verneed; i++)
		e->versions[n++] = e->verneed[i];
	for (size_t i = 0; i < e->n_verdef; i++)
		if (!(e->verdef[i].flags & VER_FLG_BASE))
			e->versions[n++] = e->verdef[i];
	qsort(e->versions, n, sizeof *e->versions, cmp_ndx);
	e->n_versions = n;
	return 0;
}

static int add_reltab(struct cl_elf *e, uint64_t vaddr, uint64_t size, bool rela)
{
	size_t entsz = rela ? SZ(e, Rela) : SZ(e, Rel), off;
	struct cl_reltab *t = &e->reltabs[e->n_reltabs];

	if (size == 0)
		return 0;
	if (!table_at(e, vaddr, size, &off))
		return fail(e, "relocation table outside its segment");
	t->off = off;
	t->count = (size_t)(size / entsz);
	t->rela = rela;
	e->n_reltabs++;
	return 0;
}

/* The relocation tables, as the loader walks them (we only look at their
 * types and symbol indexes). */
static int parse_relocs(struct cl_elf *e, const struct dyn_info *d)
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

static int parse_versions(struct cl_elf *e, const struct dyn_info *d)
{
	if (d->has_verdef && parse_verdef(e, d->verdef))
		return -1;
	if (d->has_verneed && parse_verneed(e, d->verneed))
		return -1;
	return index_versions(e);
}

int cl_elf_parse_buffer(struct cl_elf *e, const void *buf, size_t size)
{
	struct dyn_info d = { 0 };
	uint64_t dyn_vaddr = 0, dyn_filesz = 0;

	memset(e, 0, sizeof *e);
	e->data = buf;
	e->size = size;
	e->file_size = size;
	if (size > CL_ELF_MAX_FILE)
		return fail(e, "file larger than %llu bytes", (unsigned long long)CL_ELF_MAX_FILE);
	if (parse_ident(e) || parse_phdrs(e, &dyn_vaddr, &dyn_filesz))
		return -1;
	if (!e->has_dynamic)
		return 0;
	if (parse_dynamic(e, &d, dyn_vaddr, dyn_filesz) || parse_symbols(e, &d) ||
	    parse_versions(e, &d) || parse_relocs(e, &d))
		return -1;
	return 0;
}

int cl_elf_parse_head(struct cl_elf *e, const void *buf, size_t size, uint64_t file_size)
{
	uint64_t dyn_vaddr = 0, dyn_filesz = 0;

	memset(e, 0, sizeof *e);
	e->data = buf;
	e->size = size;
	e->file_size = file_size;
	if (file_size < size || file_size > CL_ELF_MAX_FILE || parse_ident(e) ||
	    parse_phdrs(e, &dyn_vaddr, &dyn_filesz) || e->has_dynamic || e->interp || e->cut) {
		cl_elf_free(e);
		return 1;
	}
	return 0;
}

void cl_elf_free(struct cl_elf *e)
{
	free(e->loads);
	free(e->needed);
	free(e->filters);
	free(e->versions);
	free(e->verneed);
	free(e->verdef);
	e->loads = NULL;
	e->needed = NULL;
	e->filters = NULL;
	e->versions = e->verneed = e->verdef = NULL;
}

void cl_elf_sym(const struct cl_elf *e, size_t idx, struct cl_sym *s)
{
	size_t off = e->sym_off + idx * SZ(e, Sym);

	s->name = (uint32_t)RD(e, off, Sym, st_name);
	s->info = (uint8_t)RD(e, off, Sym, st_info);
	s->other = (uint8_t)RD(e, off, Sym, st_other);
	s->shndx = (uint16_t)RD(e, off, Sym, st_shndx);
	s->value = RD(e, off, Sym, st_value);
}

const char *cl_elf_str(const struct cl_elf *e, uint32_t off)
{
	return off < e->strsz ? e->strtab + off : NULL;
}

uint16_t cl_elf_versym(const struct cl_elf *e, size_t idx)
{
	return e->has_versym ? (uint16_t)rd(e, e->versym_off + idx * 2, 2) : 0;
}

const struct cl_version *cl_elf_version(const struct cl_elf *e, uint16_t ndx)
{
	size_t lo = 0, hi = e->n_versions;
	const struct cl_version *found = NULL;

	ndx &= 0x7fff;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->versions[mid].ndx < ndx) {
			lo = mid + 1;
		} else {
			if (e->versions[mid].ndx == ndx)
				found = &e->versions[mid];
			hi = mid;
		}
	}
	/* The last of equal indexes wins, as the loader overwrites. */
	while (found && found + 1 < e->versions + e->n_versions && found[1].ndx == ndx)
		found++;
	return found;
}

static size_t gnu_next(const struct cl_elf *e, struct cl_hash_iter *it, uint32_t h)
{
	if (!it->started) {
		size_t wbits = e->is64 ? 64 : 32, wsz = wbits / 8;
		uint64_t word, mask;
		uint32_t b;

		it->started = true;
		word = rd(e, e->bloom_off + ((h / wbits) & (e->bloom_words - 1)) * wsz, wsz);
		/* The loader shifts a 64-bit value; x86 masks the count. */
		mask = (1ULL << (h % wbits)) |
		       (1ULL << (((uint64_t)h >> (e->bloom_shift & 63)) % wbits));
		b = rd32(e, e->buckets_off + (size_t)(h % e->nbuckets) * 4);
		if ((word & mask) != mask || b == 0 || b < e->symoffset) {
			it->done = true;
			return 0;
		}
		it->idx = b;
	}
	while (!it->done && it->idx < e->nsyms) {
		size_t i = it->idx++;
		uint32_t ch = rd32(e, e->chain_off + (i - e->symoffset) * 4);

		it->steps++;
		if (ch & 1)
			it->done = true;
		if (((ch ^ h) >> 1) == 0)
			return i;
	}
	it->done = true;
	return 0;
}

static size_t sysv_next(const struct cl_elf *e, struct cl_hash_iter *it, uint32_t h)
{
	size_t i;

	if (!it->started) {
		it->started = true;
		i = rd32(e, e->buckets_off + (size_t)(h % e->nbuckets) * 4);
	} else {
		i = rd32(e, e->chain_off + it->idx * 4);
	}
	/* A corrupt chain may loop: no chain is longer than the table. */
	if (i == 0 || i >= e->nsyms || ++it->steps > e->nchain) {
		it->done = true;
		return 0;
	}
	it->idx = i;
	return i;
}

size_t cl_elf_hash_next(const struct cl_elf *e, struct cl_hash_iter *it,
			uint32_t gnu_hash, uint32_t sysv_hash)
{
	if (it->done || e->nbuckets == 0 || e->nsyms == 0)
		return 0;
	if (e->hash_kind == CL_HASH_GNU)
		return gnu_next(e, it, gnu_hash);
	if (e->hash_kind == CL_HASH_SYSV)
		return sysv_next(e, it, sysv_hash);
	return 0;
}

void cl_elf_each_reloc(const struct cl_elf *e, uint32_t type,
		       void (*fn)(size_t sym, void *arg), void *arg)
{
	for (size_t t = 0; t < e->n_reltabs; t++) {
		const struct cl_reltab *rt = &e->reltabs[t];
		size_t entsz = rt->rela ? SZ(e, Rela) : SZ(e, Rel);

		for (size_t i = 0; i < rt->count; i++) {
			uint64_t info = rt->rela ? RD(e, rt->off + i * entsz, Rela, r_info)
						 : RD(e, rt->off + i * entsz, Rel, r_info);
			uint64_t rtype = e->is64 ? ELF64_R_TYPE(info) : ELF32_R_TYPE(info);
			uint64_t sym = e->is64 ? ELF64_R_SYM(info) : ELF32_R_SYM(info);

			if (rtype == type && sym != 0 && sym < e->nsyms)
				fn((size_t)sym, arg);
		}
	}
}

uint32_t cl_gnu_hash(const char *s)
{
	uint32_t h = 5381;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = h * 33 + *p;
	return h;
}

uint32_t cl_sysv_hash(const char *s)
{
	uint32_t h = 0, g;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h = (h << 4) + *p;
		g = h & 0xf0000000;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

const char *cl_elf_machine_name(uint16_t machine)
{
	switch (machine) {
	case EM_386:
		return "i386";
	case EM_X86_64:
		return "x86-64";
	case EM_AARCH64:
		return "AArch64";
	case EM_ARM:
		return "ARM";
	case EM_RISCV:
		return "RISC-V";
	case EM_PPC64:
		return "PowerPC64";
	case EM_S390:
		return "S/390";
	default:
		return "unknown machine";
	}
}
