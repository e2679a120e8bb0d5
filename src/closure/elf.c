/* The hardened ELF reader: see cl_elf.h. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_elf.h"
#include "elf_read.h"

/* The loader checks segments against this; it is the smallest page size of
 * the machines we know, so we never reject what a kernel would map. */
#define MIN_PAGE 4096

int cl_elf_fail(struct cl_elf *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->err, sizeof e->err, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return -1;
}

int cl_elf_oom(struct cl_elf *e)
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
bool cl_elf_table_at(const struct cl_elf *e, uint64_t vaddr, uint64_t len, size_t *off)
{
	size_t avail;

	return vaddr_to_off(e, vaddr, off, &avail) && len <= avail;
}

static int parse_ident(struct cl_elf *e)
{
	const unsigned char *id = e->data;

	if (e->size < EI_NIDENT)
		return cl_elf_fail(e, "file too short (%zu bytes)", e->size);
	if (memcmp(id, ELFMAG, SELFMAG) != 0)
		return cl_elf_fail(e, "invalid ELF header (not an ELF file)");
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
		return cl_elf_fail(e, "invalid ELF class %u", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB)
		return cl_elf_fail(e, "invalid ELF data encoding %u", id[EI_DATA]);
	e->is64 = id[EI_CLASS] == ELFCLASS64;
	e->big_endian = id[EI_DATA] == ELFDATA2MSB;
	e->osabi = id[EI_OSABI];
	if (e->size < SZ(e, Ehdr))
		return cl_elf_fail(e, "file too short (%zu bytes)", e->size);
	e->type = (uint16_t)RD(e, 0, Ehdr, e_type);
	e->machine = (uint16_t)RD(e, 0, Ehdr, e_machine);
	e->ident_ok = true;

	if (id[EI_VERSION] != EV_CURRENT || RD(e, 0, Ehdr, e_version) != EV_CURRENT)
		return cl_elf_fail(e, "ELF file version does not match current one");
	if (e->osabi != ELFOSABI_SYSV && e->osabi != ELFOSABI_GNU)
		return cl_elf_fail(e, "ELF file OS ABI invalid (%u)", e->osabi);
	if (e->osabi == ELFOSABI_SYSV && id[EI_ABIVERSION] != 0)
		return cl_elf_fail(e, "ELF file ABI version invalid");
	for (int i = EI_PAD; i < EI_NIDENT; i++)
		if (id[i] != 0)
			return cl_elf_fail(e, "nonzero padding in e_ident");
	if (e->type != ET_EXEC && e->type != ET_DYN)
		return cl_elf_fail(e, "only ET_DYN and ET_EXEC can be loaded (e_type %u)", e->type);
	if (RD(e, 0, Ehdr, e_phentsize) != SZ(e, Phdr))
		return cl_elf_fail(e, "ELF file's phentsize not the expected size");
	return 0;
}

static int check_load(struct cl_elf *e, const struct cl_load *l, uint64_t memsz)
{
	if (!in_whole_file(e, l->offset, l->filesz))
		return cl_elf_fail(e, "PT_LOAD segment extends beyond the end of the file (truncated?)");
	if (l->filesz > memsz)
		return cl_elf_fail(e, "PT_LOAD segment's file size exceeds its memory size");
	if (((l->vaddr - l->offset) & (MIN_PAGE - 1)) != 0)
		return cl_elf_fail(e, "ELF load command address/offset not page-aligned");
	return 0;
}

static int note_interp(struct cl_elf *e, uint64_t off, uint64_t len)
{
	if (e->interp)
		return 0;
	if (len < 2 || !in_file(e, off, len))
		return cl_elf_fail(e, "PT_INTERP outside the file");
	if (e->data[off + len - 1] != '\0')
		return cl_elf_fail(e, "PT_INTERP is not NUL-terminated");
	e->interp = (const char *)e->data + off;
	if (e->interp[0] == '\0')
		return cl_elf_fail(e, "PT_INTERP is empty");
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
		return cl_elf_fail(e, "object file has no loadable segments");
	if (!in_file(e, phoff, (uint64_t)phnum * phsz))
		return cl_elf_fail(e, "program headers outside the file");
	e->loads = calloc(phnum, sizeof *e->loads);
	if (!e->loads)
		return cl_elf_oom(e);
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
		return cl_elf_fail(e, "object file has no loadable segments");
	return 0;
}

/* The dynamic tags we use; the last entry of a tag wins, as in the loader. */

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
		return cl_elf_fail(e, "%s name outside the string table", what);
	return 0;
}

static int parse_strtab(struct cl_elf *e, const struct dyn_info *d)
{
	size_t off, avail;
	const unsigned char *nul;

	if (!d->has_strtab)
		return cl_elf_fail(e, "dynamic section has no DT_STRTAB");
	if (!vaddr_to_off(e, d->strtab, &off, &avail))
		return cl_elf_fail(e, "DT_STRTAB is not inside a loaded segment");
	if (d->has_strsz && d->strsz > avail)
		return cl_elf_fail(e, "string table extends beyond its segment");
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
		return cl_elf_fail(e, "too many DT_NEEDED or filter entries (%zu)", count + filters);
	if (count && !(e->needed = calloc(count, sizeof *e->needed)))
		return cl_elf_oom(e);
	if (filters && !(e->filters = calloc(filters, sizeof *e->filters)))
		return cl_elf_oom(e);
	for (size_t i = 0; i < n && e->n_needed + e->n_filters < count + filters; i++) {
		size_t ent = dyn + i * dsz;
		uint64_t tag = RD(e, ent, Dyn, d_tag), val = RD(e, ent, Dyn, d_un.d_val);
		const char *s;

		if (tag != DT_NEEDED && !is_filter(tag))
			continue;
		if (dyn_string(e, val, tag == DT_NEEDED ? "DT_NEEDED" : "filter", &s))
			return -1;
		if (tag == DT_NEEDED && *s == '\0')
			return cl_elf_fail(e, "empty DT_NEEDED name");
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
		return cl_elf_fail(e, "object file has no dynamic section");
	if (!vaddr_to_off(e, dyn_vaddr, &off, &avail))
		return cl_elf_fail(e, "PT_DYNAMIC is not inside a loaded segment");
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
		return cl_elf_fail(e, "GNU hash bucket below symoffset");
	for (i = maxb;; i++) {
		uint64_t ci = i - e->symoffset;

		if (ci >= chain_avail / 4)
			return cl_elf_fail(e, "GNU hash chain runs off its segment");
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
		return cl_elf_fail(e, "DT_GNU_HASH is not inside a loaded segment");
	e->hash_kind = CL_HASH_GNU;
	e->nbuckets = rd32(e, off);
	e->symoffset = rd32(e, off + 4);
	e->bloom_words = rd32(e, off + 8);
	e->bloom_shift = rd32(e, off + 12);
	if (e->bloom_words == 0 || (e->bloom_words & (e->bloom_words - 1)) != 0)
		return cl_elf_fail(e, "GNU hash bloom filter size is not a power of two");
	need = 16 + (uint64_t)e->bloom_words * wsz + (uint64_t)e->nbuckets * 4;
	if (need > avail)
		return cl_elf_fail(e, "GNU hash table extends beyond its segment");
	e->bloom_off = off + 16;
	e->buckets_off = e->bloom_off + (size_t)e->bloom_words * wsz;
	e->chain_off = e->buckets_off + (size_t)e->nbuckets * 4;
	return count_gnu_syms(e, avail - (size_t)need);
}

static int parse_sysv_hash(struct cl_elf *e, uint64_t vaddr)
{
	size_t off, avail;

	if (!vaddr_to_off(e, vaddr, &off, &avail) || avail < 8)
		return cl_elf_fail(e, "DT_HASH is not inside a loaded segment");
	e->hash_kind = CL_HASH_SYSV;
	e->nbuckets = rd32(e, off);
	e->nchain = rd32(e, off + 4);
	if (8 + ((uint64_t)e->nbuckets + e->nchain) * 4 > avail)
		return cl_elf_fail(e, "DT_HASH table extends beyond its segment");
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
		return cl_elf_fail(e, "unsupported DT_SYMENT %llu", (unsigned long long)d->syment);
	/* Without a hash table the loader finds no definitions here, and the
	 * number of symbols is unknown: we then check nothing in it. */
	if (d->has_gnu_hash)
		rc = parse_gnu_hash(e, d->gnu_hash);
	else if (d->has_hash)
		rc = parse_sysv_hash(e, d->hash);
	if (rc)
		return rc;
	if (e->nsyms > CL_ELF_MAX_SYMS)
		return cl_elf_fail(e, "too many dynamic symbols (%zu)", e->nsyms);
	if (e->nsyms && !cl_elf_table_at(e, d->symtab, (uint64_t)e->nsyms * SZ(e, Sym), &e->sym_off))
		return cl_elf_fail(e, "symbol table extends beyond its segment");
	if (d->has_versym && e->nsyms) {
		if (!cl_elf_table_at(e, d->versym, (uint64_t)e->nsyms * 2, &e->versym_off))
			return cl_elf_fail(e, "DT_VERSYM table extends beyond its segment");
		e->has_versym = true;
	}
	return 0;
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
		return cl_elf_fail(e, "file larger than %llu bytes", (unsigned long long)CL_ELF_MAX_FILE);
	if (parse_ident(e) || parse_phdrs(e, &dyn_vaddr, &dyn_filesz))
		return -1;
	if (!e->has_dynamic)
		return 0;
	if (parse_dynamic(e, &d, dyn_vaddr, dyn_filesz) || parse_symbols(e, &d) ||
	    cl_elf_parse_versions(e, &d) || cl_elf_parse_relocs(e, &d))
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
	free(e->version_at);
	free(e->verneed);
	free(e->verdef);
	e->loads = NULL;
	e->needed = NULL;
	e->filters = NULL;
	e->versions = e->verneed = e->verdef = NULL;
	e->version_at = NULL;
	e->n_version_at = 0;
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
