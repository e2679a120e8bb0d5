/* libFuzzer target: the hardened ELF reader on arbitrary bytes, through
 * its in-memory entry point, then every accessor on what it accepts. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cl_elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reading every string makes ASan check that it is inside the input. */
static volatile size_t sink;

static void lookup(const struct cl_elf *e, const char *name)
{
	struct cl_hash_iter it = { 0 };
	size_t idx;

	while ((idx = cl_elf_hash_next(e, &it, cl_gnu_hash(name), cl_sysv_hash(name))) != 0) {
		struct cl_sym s;

		cl_elf_sym(e, idx, &s);
		if (cl_elf_str(e, s.name))
			sink += strlen(cl_elf_str(e, s.name));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cl_elf e;

	if (cl_elf_parse_buffer(&e, data, size) == 0) {
		for (size_t i = 0; i < e.n_needed; i++)
			sink += strlen(cl_elf_str(&e, e.needed[i]));
		for (size_t i = 0; i < e.nsyms && i < 4096; i++) {
			struct cl_sym s;
			const char *name;

			cl_elf_sym(&e, i, &s);
			cl_elf_version(&e, cl_elf_versym(&e, i));
			name = cl_elf_str(&e, s.name);
			if (name)
				lookup(&e, name);
		}
		lookup(&e, "main");
		for (size_t i = 0; i < e.n_verneed; i++)
			sink += strlen(e.verneed[i].file) + strlen(e.verneed[i].name);
	}
	cl_elf_free(&e);
	return 0;
}
