/* Build small, valid ELF shared objects and programs in memory, of either
 * class, so that tests can load them or corrupt one field at a time. One
 * PT_LOAD maps the whole file at address 0, so a virtual address equals its
 * file offset. */
#ifndef ELFGEN_H
#define ELFGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elfgen {
	bool is32;
	uint16_t machine;        /* 0: EM_X86_64 (EM_386 when is32) */
	bool exec;               /* ET_EXEC instead of ET_DYN */
	const char *interp;      /* PT_INTERP */
	const char *soname;
	const char *rpath;
	const char *runpath;
	const char *const *needed;
	size_t n_needed;
	bool no_dynamic;         /* no PT_DYNAMIC (a static program) */
};

/* Where the interesting parts landed, for tests that corrupt them. */
struct elfgen_layout {
	size_t phoff;
	size_t dynamic;          /* offset of the dynamic array */
	size_t n_dyn;
	size_t strtab;
	size_t strsz;
	size_t symtab;
	size_t gnu_hash;
	size_t size;
};

/* A malloc'd image; *LEN its size. NULL on ENOMEM. */
unsigned char *elfgen_build(const struct elfgen *g, size_t *len, struct elfgen_layout *lay);
/* Write it to PATH with MODE; 0 or -1. */
int elfgen_write(const struct elfgen *g, const char *path, unsigned mode);

#endif
