/* The GNU build ID of cgijail's own image: what it keeps between requests
 * in its own memory layout (keptconfig.c) is only read back by the very
 * build that wrote it. Read from the program headers in memory. */
#include "cgijail.h"

#include <elf.h>
#include <link.h>
#include <string.h>

struct found {
	unsigned char *out;
	size_t max, len;
};

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void scan_notes(const char *p, size_t size, struct found *f)
{
	while (size >= sizeof(ElfW(Nhdr))) {
		const ElfW(Nhdr) *n = (const void *)p;
		size_t body = sizeof *n + align4(n->n_namesz) + align4(n->n_descsz);

		if (body > size)
			return;
		if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && !memcmp(p + sizeof *n, "GNU", 4) &&
		    n->n_descsz && n->n_descsz <= f->max) {
			memcpy(f->out, p + sizeof *n + 4, n->n_descsz);
			f->len = n->n_descsz;
			return;
		}
		p += body;
		size -= body;
	}
}

/* The first object dl_iterate_phdr() reports is the program itself. */
static int from_program(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct found *f = arg;

	(void)size;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum && !f->len; i++)
		if (info->dlpi_phdr[i].p_type == PT_NOTE)
			scan_notes((const char *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr),
				   info->dlpi_phdr[i].p_memsz, f);
	return 1;
}

size_t own_build_id(unsigned char *out, size_t max)
{
	struct found f = { out, max, 0 };

	dl_iterate_phdr(from_program, &f);
	return f.len;
}
