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

/* Differential: whatever cl_elf_parse_head() accepts from a prefix, the
 * whole file must give the same verdict and the same identity. */
static void head_agrees(const uint8_t *data, size_t size)
{
	struct cl_elf head, whole;
	size_t cut = size > 64 ? 64 + data[size - 1] * (size - 64) / 255 : size;

	if (cl_elf_parse_head(&head, data, cut, size) != 0)
		return;
	if (cl_elf_parse_buffer(&whole, data, size) != 0 || whole.has_dynamic || whole.interp ||
	    head.is64 != whole.is64 || head.machine != whole.machine || head.type != whole.type ||
	    head.n_loads != whole.n_loads || head.build_id_len != whole.build_id_len ||
	    (head.build_id_len && memcmp(head.build_id, whole.build_id, head.build_id_len) != 0))
		__builtin_trap();
	cl_elf_free(&head);
	cl_elf_free(&whole);
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
	head_agrees(data, size);
	return 0;
}
