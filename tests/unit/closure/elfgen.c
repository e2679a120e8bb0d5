/* Build small ELF images: see elfgen.h. */
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfgen.h"

struct buf {
	unsigned char *p;
	size_t len;
	size_t cap;
	bool oom;
};

static size_t put(struct buf *b, const void *data, size_t n)
{
	size_t at = b->len;

	if (b->len + n > b->cap) {
		size_t ncap = (b->len + n) * 2 + 256;
		unsigned char *p = realloc(b->p, ncap);

		if (!p) {
			b->oom = true;
			return at;
		}
		b->p = p;
		b->cap = ncap;
	}
	if (data)
		memcpy(b->p + at, data, n);
	else
		memset(b->p + at, 0, n);
	b->len += n;
	return at;
}

static void align8(struct buf *b)
{
	put(b, NULL, (8 - b->len % 8) % 8);
}

static void put_dyn(struct buf *b, bool is32, uint64_t tag, uint64_t val)
{
	if (is32) {
		Elf32_Dyn d = { .d_tag = (Elf32_Sword)tag, .d_un.d_val = (Elf32_Word)val };

		put(b, &d, sizeof d);
	} else {
		Elf64_Dyn d = { .d_tag = (Elf64_Sxword)tag, .d_un.d_val = val };

		put(b, &d, sizeof d);
	}
}

static size_t put_str(struct buf *strtab, const char *s)
{
	return s ? put(strtab, s, strlen(s) + 1) : 0;
}

struct parts {
	size_t interp, interp_len;
	size_t strtab, strsz, symtab, gnu_hash, dynamic, n_dyn;
};

static void put_tables(const struct elfgen *g, struct buf *b, struct parts *pt)
{
	struct buf str = { 0 };
	size_t *needed = calloc(g->n_needed + 1, sizeof *needed);
	size_t soname, rpath, runpath;
	uint32_t hash[4] = { 1, 1, 1, 6 }; /* nbuckets, symoffset, bloom words, shift */

	put(&str, "", 1);
	for (size_t i = 0; needed && i < g->n_needed; i++)
		needed[i] = put_str(&str, g->needed[i]);
	soname = put_str(&str, g->soname);
	rpath = put_str(&str, g->rpath);
	runpath = put_str(&str, g->runpath);
	if (g->interp) {
		pt->interp_len = strlen(g->interp) + 1;
		pt->interp = put(b, g->interp, pt->interp_len);
	}
	pt->strtab = put(b, str.p, str.len);
	pt->strsz = str.len;
	align8(b);
	pt->symtab = put(b, NULL, g->is32 ? sizeof(Elf32_Sym) : sizeof(Elf64_Sym));
	pt->gnu_hash = put(b, hash, sizeof hash);
	put(b, NULL, g->is32 ? 4 : 8);  /* bloom word */
	put(b, NULL, 4);                /* bucket 0: empty */
	align8(b);
	pt->dynamic = b->len;
	for (size_t i = 0; needed && i < g->n_needed; i++)
		put_dyn(b, g->is32, DT_NEEDED, needed[i]);
	if (g->soname)
		put_dyn(b, g->is32, DT_SONAME, soname);
	if (g->rpath)
		put_dyn(b, g->is32, DT_RPATH, rpath);
	if (g->runpath)
		put_dyn(b, g->is32, DT_RUNPATH, runpath);
	put_dyn(b, g->is32, DT_STRTAB, pt->strtab);
	put_dyn(b, g->is32, DT_STRSZ, pt->strsz);
	put_dyn(b, g->is32, DT_SYMTAB, pt->symtab);
	put_dyn(b, g->is32, DT_SYMENT, g->is32 ? sizeof(Elf32_Sym) : sizeof(Elf64_Sym));
	put_dyn(b, g->is32, DT_GNU_HASH, pt->gnu_hash);
	put_dyn(b, g->is32, DT_NULL, 0);
	pt->n_dyn = g->n_needed + !!g->soname + !!g->rpath + !!g->runpath + 6;
	b->oom |= str.oom || !needed;
	free(str.p);
	free(needed);
}

/* The program headers of either class: LOAD, then DYNAMIC, then INTERP. */
static void put_phdr(struct buf *b, size_t at, bool is32, uint32_t type, uint64_t off, uint64_t size)
{
	if (is32) {
		Elf32_Phdr ph = { .p_type = type, .p_offset = (Elf32_Off)off, .p_vaddr = (Elf32_Addr)off,
				  .p_filesz = (Elf32_Word)size, .p_memsz = (Elf32_Word)size,
				  .p_flags = PF_R, .p_align = type == PT_LOAD ? 0x1000 : 4 };

		memcpy(b->p + at, &ph, sizeof ph);
	} else {
		Elf64_Phdr ph = { .p_type = type, .p_offset = off, .p_vaddr = off, .p_filesz = size,
				  .p_memsz = size, .p_flags = PF_R,
				  .p_align = type == PT_LOAD ? 0x1000 : 8 };

		memcpy(b->p + at, &ph, sizeof ph);
	}
}

static void put_ehdr(const struct elfgen *g, struct buf *b, uint16_t phnum)
{
	uint16_t machine = g->machine ? g->machine : g->is32 ? EM_386 : EM_X86_64;
	uint16_t type = g->exec ? ET_EXEC : ET_DYN;
	unsigned char ident[EI_NIDENT] = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3,
					   g->is32 ? ELFCLASS32 : ELFCLASS64, ELFDATA2LSB,
					   EV_CURRENT };

	if (g->is32) {
		Elf32_Ehdr eh = { .e_type = type, .e_machine = machine, .e_version = EV_CURRENT,
				  .e_phoff = sizeof eh, .e_ehsize = sizeof eh,
				  .e_phentsize = sizeof(Elf32_Phdr), .e_phnum = phnum };

		memcpy(eh.e_ident, ident, EI_NIDENT);
		memcpy(b->p, &eh, sizeof eh);
	} else {
		Elf64_Ehdr eh = { .e_type = type, .e_machine = machine, .e_version = EV_CURRENT,
				  .e_phoff = sizeof eh, .e_ehsize = sizeof eh,
				  .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = phnum };

		memcpy(eh.e_ident, ident, EI_NIDENT);
		memcpy(b->p, &eh, sizeof eh);
	}
}

unsigned char *elfgen_build(const struct elfgen *g, size_t *len, struct elfgen_layout *lay)
{
	struct buf b = { 0 };
	struct parts pt = { 0 };
	size_t ehsz = g->is32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
	size_t phsz = g->is32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
	uint16_t phnum = 1 + !g->no_dynamic + !!g->interp;
	size_t ph;

	put(&b, NULL, ehsz + phnum * phsz);
	put_tables(g, &b, &pt);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	put_ehdr(g, &b, phnum);
	ph = ehsz;
	put_phdr(&b, ph, g->is32, PT_LOAD, 0, b.len);
	if (!g->no_dynamic) {
		ph += phsz;
		put_phdr(&b, ph, g->is32, PT_DYNAMIC, pt.dynamic,
			 pt.n_dyn * (g->is32 ? sizeof(Elf32_Dyn) : sizeof(Elf64_Dyn)));
	}
	if (g->interp)
		put_phdr(&b, ph + phsz, g->is32, PT_INTERP, pt.interp, pt.interp_len);
	if (lay)
		*lay = (struct elfgen_layout){ ehsz, pt.dynamic, pt.n_dyn, pt.strtab, pt.strsz,
					       pt.symtab, pt.gnu_hash, b.len };
	*len = b.len;
	return b.p;
}

int elfgen_write(const struct elfgen *g, const char *path, unsigned mode)
{
	size_t len;
	unsigned char *img = elfgen_build(g, &len, NULL);
	int fd, rc = -1;

	if (!img)
		return -1;
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd >= 0) {
		rc = write(fd, img, len) == (ssize_t)len ? 0 : -1;
		if (fchmod(fd, mode) < 0)
			rc = -1;
		close(fd);
	}
	free(img);
	return rc;
}
