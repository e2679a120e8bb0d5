/* What elf.c, elf_versions.c and elf_sym.c share: reading a field of an
 * ELF structure of either class and byte order, and the parser's internal
 * steps. Not part of the closure library's interface (cl_elf.h is). */
#ifndef CL_ELF_READ_H
#define CL_ELF_READ_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cl_elf.h"

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

static inline uint64_t rd(const struct cl_elf *e, size_t off, size_t n)
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

static inline uint32_t rd32(const struct cl_elf *e, size_t off)
{
	return (uint32_t)rd(e, off, 4);
}

struct dyn_info {
	uint64_t strtab, strsz, symtab, syment, hash, gnu_hash, versym;
	uint64_t verneed, verdef, soname, rpath, runpath, flags_1;
	uint64_t rela, relasz, rel, relsz, jmprel, pltrelsz, pltrel;
	bool has_strtab, has_strsz, has_symtab, has_syment, has_hash, has_gnu_hash;
	bool has_versym, has_verneed, has_verdef, has_soname, has_rpath, has_runpath;
	bool has_rela, has_relasz, has_rel, has_relsz, has_jmprel, has_pltrelsz, has_pltrel;
};

/* The highest version index given a table (elf_versions.c). */
#define CL_ELF_VERSION_TABLE_MAX 1024

/* elf.c: the reason into E->err (errno EINVAL; ENOMEM), always -1. */
int cl_elf_fail(struct cl_elf *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cl_elf_oom(struct cl_elf *e);
/* A table of LEN bytes at VADDR, wholly in one segment's file image: its
 * file offset into *OFF. */
bool cl_elf_table_at(const struct cl_elf *e, uint64_t vaddr, uint64_t len, size_t *off);

/* elf_versions.c: the version definitions and needs, and the relocation
 * tables, of the dynamic section D. 0, or -1 with E->err. */
int cl_elf_parse_versions(struct cl_elf *e, const struct dyn_info *d);
int cl_elf_parse_relocs(struct cl_elf *e, const struct dyn_info *d);

#endif
