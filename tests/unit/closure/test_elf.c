/* The hardened ELF reader: valid images of both classes, and hostile ones
 * (truncated, huge counts, tables out of their segment, looping chains,
 * random corruption). Any crash, hang or leak fails the test run. */
#include <elf.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cl_elf.h"
#include "elfgen.h"
#include "testjail.h"

static unsigned char *build(const struct elfgen *g, size_t *len, struct elfgen_layout *lay)
{
	unsigned char *img = elfgen_build(g, len, lay);

	assert_non_null(img);
	return img;
}

static int parse(struct cl_elf *e, const void *buf, size_t len)
{
	int rc = cl_elf_parse_buffer(e, buf, len);

	if (rc)
		assert_true(e->err[0] != '\0');
	return rc;
}

static unsigned char *read_file(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

/* The file offset of dynamic tag TAG in an elfgen image. */
static size_t dyn_entry(const unsigned char *img, const struct elfgen_layout *lay, bool is32,
			int64_t tag)
{
	size_t sz = is32 ? sizeof(Elf32_Dyn) : sizeof(Elf64_Dyn);

	for (size_t i = 0; i < lay->n_dyn; i++) {
		size_t off = lay->dynamic + i * sz;
		int64_t t = 0;

		memcpy(&t, img + off, is32 ? 4 : 8);
		if (is32)
			t = (int32_t)t;
		if (t == tag)
			return off;
	}
	fail_msg("tag %lld not found", (long long)tag);
	return 0;
}

static void set_dyn(unsigned char *img, const struct elfgen_layout *lay, int64_t tag,
		    int64_t newtag, uint64_t val)
{
	size_t off = dyn_entry(img, lay, false, tag);
	Elf64_Dyn d = { .d_tag = newtag, .d_un.d_val = val };

	memcpy(img + off, &d, sizeof d);
}

static void test_valid_64(void **state)
{
	static const char *const needed[] = { "libc.so.6", "libfoo.so.1" };
	struct elfgen g = { .interp = "/lib64/ld-linux-x86-64.so.2", .soname = "libme.so",
			    .runpath = "$ORIGIN/../lib", .rpath = "/ignored", .needed = needed,
			    .n_needed = 2 };
	struct cl_elf e;
	size_t len;
	unsigned char *img = build(&g, &len, NULL);

	(void)state;
	assert_int_equal(parse(&e, img, len), 0);
	assert_true(e.is64);
	assert_int_equal(e.machine, EM_X86_64);
	assert_string_equal(e.interp, "/lib64/ld-linux-x86-64.so.2");
	assert_int_equal(e.n_needed, 2);
	assert_string_equal(cl_elf_str(&e, e.needed[1]), "libfoo.so.1");
	assert_string_equal(e.soname, "libme.so");
	assert_string_equal(e.runpath, "$ORIGIN/../lib");
	assert_null(e.rpath); /* DT_RUNPATH present: DT_RPATH ignored */
	assert_int_equal(e.nsyms, 1);
	cl_elf_free(&e);
	free(img);
}

static void test_valid_32(void **state)
{
	static const char *const needed[] = { "libc.so.6" };
	struct elfgen g = { .is32 = true, .soname = "libthirty.so.2", .rpath = "/opt/lib",
			    .needed = needed, .n_needed = 1 };
	struct cl_elf e;
	size_t len;
	unsigned char *img = build(&g, &len, NULL);

	(void)state;
	assert_int_equal(parse(&e, img, len), 0);
	assert_false(e.is64);
	assert_int_equal(e.machine, EM_386);
	assert_string_equal(e.soname, "libthirty.so.2");
	assert_string_equal(e.rpath, "/opt/lib");
	cl_elf_free(&e);
	free(img);
}

static void test_bad_ident(void **state)
{
	struct elfgen g = { .soname = "x" };
	struct cl_elf e;
	size_t len;
	unsigned char *img = build(&g, &len, NULL);

	(void)state;
	img[0] = 'X';
	assert_int_equal(parse(&e, img, len), -1);
	assert_false(e.ident_ok);
	assert_non_null(strstr(e.err, "invalid ELF header"));
	cl_elf_free(&e);
	img[0] = ELFMAG0;
	img[EI_CLASS] = 3;
	assert_int_equal(parse(&e, img, len), -1);
	cl_elf_free(&e);
	img[EI_CLASS] = ELFCLASS64;
	img[EI_DATA] = 0;
	assert_int_equal(parse(&e, img, len), -1);
	cl_elf_free(&e);
	img[EI_DATA] = ELFDATA2LSB;
	img[EI_PAD + 2] = 1;
	assert_int_equal(parse(&e, img, len), -1);
	assert_true(e.ident_ok);
	assert_non_null(strstr(e.err, "padding"));
	cl_elf_free(&e);
	img[EI_PAD + 2] = 0;
	img[16] = ET_REL;
	assert_int_equal(parse(&e, img, len), -1);
	cl_elf_free(&e);
	assert_int_equal(parse(&e, "", 0), -1);
	assert_non_null(strstr(e.err, "too short"));
	cl_elf_free(&e);
	free(img);
}

/* Every prefix of a file is either parsed or refused with a reason. */
static void truncate_all(const unsigned char *img, size_t len, bool must_fail)
{
	for (size_t n = 0; n < len; n++) {
		struct cl_elf e;
		unsigned char *copy = malloc(n ? n : 1);

		assert_non_null(copy);
		memcpy(copy, img, n);
		if (must_fail)
			assert_int_equal(parse(&e, copy, n), -1);
		else
			parse(&e, copy, n);
		cl_elf_free(&e);
		free(copy);
	}
}

static void test_truncated(void **state)
{
	static const char *const needed[] = { "libc.so.6" };
	struct elfgen g = { .interp = "/lib/ld.so", .needed = needed, .n_needed = 1 };
	size_t len;
	unsigned char *img = build(&g, &len, NULL);

	(void)state;
	truncate_all(img, len, true);
	free(img);
	img = read_file(tj_fixture("libvers-new.so.1"), &len);
	truncate_all(img, len, false);
	free(img);
}

static void test_huge_phnum(void **state)
{
	struct elfgen g = { .soname = "x" };
	struct cl_elf e;
	size_t len;
	unsigned char *img = build(&g, &len, NULL);
	uint16_t phnum = 0xffff;
	uint64_t phoff = UINT64_MAX - 8;

	(void)state;
	memcpy(img + offsetof(Elf64_Ehdr, e_phnum), &phnum, 2);
	assert_int_equal(parse(&e, img, len), -1);
	cl_elf_free(&e);
	memcpy(img + offsetof(Elf64_Ehdr, e_phoff), &phoff, 8);
	assert_int_equal(parse(&e, img, len), -1);
	cl_elf_free(&e);
	free(img);
}

static void test_segment_beyond_file(void **state)
{
	struct elfgen g = { .soname = "x" };
	struct elfgen_layout lay;
	struct cl_elf e;
	size_t len;
	unsigned char *img = build(&g, &len, &lay);
	uint64_t big = UINT64_MAX;

	(void)state;
	memcpy(img + lay.phoff + offsetof(Elf64_Phdr, p_filesz), &big, 8);
	memcpy(img + lay.phoff + offsetof(Elf64_Phdr, p_memsz), &big, 8);
	assert_int_equal(parse(&e, img, len), -1);
	assert_non_null(strstr(e.err, "beyond the end"));
	cl_elf_free(&e);
	free(img);
}

static void test_bad_strings(void **state)
{
	static const char *const needed[] = { "libc.so.6" };
	struct elfgen g = { .soname = "x", .needed = needed, .n_needed = 1 };
	struct elfgen_layout lay;
	struct cl_elf e;
	size_t len;
	unsigned char *img = build(&g, &len, &lay);

	(void)state;
	/* DT_NEEDED beyond DT_STRSZ */
	set_dyn(img, &lay, DT_NEEDED, DT_NEEDED, lay.strsz + 5);
	assert_int_equal(parse(&e, img, len), -1);
	assert_non_null(strstr(e.err, "DT_NEEDED"));
	cl_elf_free(&e);
	free(img);

	/* DT_STRSZ larger than the segment */
	img = build(&g, &len, &lay);
	set_dyn(img, &lay, DT_STRSZ, DT_STRSZ, 1ULL << 40);
	assert_int_equal(parse(&e, img, len), -1);
	cl_elf_free(&e);
	free(img);

	/* A string table that does not end with NUL: its last string is cut. */
	img = build(&g, &len, &lay);
	set_dyn(img, &lay, DT_STRSZ, DT_STRSZ, lay.strsz - 1);
	assert_int_equal(parse(&e, img, len), -1); /* the soname "x" is the last string */
	cl_elf_free(&e);
	free(img);

	/* DT_STRTAB at an address no segment maps */
	img = build(&g, &len, &lay);
	set_dyn(img, &lay, DT_STRTAB, DT_STRTAB, 1ULL << 50);
	assert_int_equal(parse(&e, img, len), -1);
	cl_elf_free(&e);
	free(img);
}

static void test_gnu_hash_hostile(void **state)
{
	struct elfgen g = { .soname = "x" };
	struct elfgen_layout lay;
	struct cl_elf e;
	size_t len;
	unsigned char *img;
	uint32_t v;

	(void)state;
	img = build(&g, &len, &lay);
	v = 3; /* bloom words not a power of two */
	memcpy(img + lay.gnu_hash + 8, &v, 4);
	assert_int_equal(parse(&e, img, len), -1);
	cl_elf_free(&e);
	free(img);

	img = build(&g, &len, &lay);
	v = 0x40000000; /* nbuckets far beyond the file */
	memcpy(img + lay.gnu_hash, &v, 4);
	assert_int_equal(parse(&e, img, len), -1);
	cl_elf_free(&e);
	free(img);

	img = build(&g, &len, &lay);
	v = 0xfffffff0; /* bucket pointing far past the chains */
	memcpy(img + lay.gnu_hash + 16 + 8, &v, 4);
	assert_int_equal(parse(&e, img, len), -1);
	cl_elf_free(&e);
	free(img);

	img = build(&g, &len, &lay);
	v = 0xffffffff; /* symoffset above every bucket */
	memcpy(img + lay.gnu_hash + 4, &v, 4);
	assert_int_equal(parse(&e, img, len), -1);
	cl_elf_free(&e);
	free(img);
}

/* A DT_HASH chain that loops on itself ends, as the table is bounded. */
static void test_sysv_hash_loop(void **state)
{
	struct elfgen g = { .soname = "x" };
	struct elfgen_layout lay;
	struct cl_elf e;
	struct cl_hash_iter it = { 0 };
	size_t len, n = 0;
	unsigned char *img = build(&g, &len, &lay);
	uint32_t table[5] = { 1, 2, 1, 0, 1 }; /* nbucket nchain bucket[0] chain[0] chain[1] */

	(void)state;
	memcpy(img + lay.gnu_hash, table, sizeof table);
	set_dyn(img, &lay, DT_GNU_HASH, DT_HASH, lay.gnu_hash);
	assert_int_equal(parse(&e, img, len), 0);
	assert_int_equal(e.hash_kind, CL_HASH_SYSV);
	while (cl_elf_hash_next(&e, &it, 0, 0) != 0)
		assert_true(++n <= 2);
	cl_elf_free(&e);
	free(img);
}

static void test_many_needed(void **state)
{
	enum { N = 10000 };
	char (*names)[32] = calloc(N, sizeof *names);
	const char **needed = calloc(N, sizeof *needed);
	struct elfgen g = { .needed = needed, .n_needed = N };
	struct cl_elf e;
	size_t len;
	unsigned char *img;

	(void)state;
	assert_non_null(names);
	assert_non_null(needed);
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof names[i], "libn%d.so", i);
		needed[i] = names[i];
	}
	img = build(&g, &len, NULL);
	assert_int_equal(parse(&e, img, len), 0);
	assert_int_equal(e.n_needed, N);
	assert_string_equal(cl_elf_str(&e, e.needed[N - 1]), "libn9999.so");
	cl_elf_free(&e);
	free(img);
	free(names);
	free(needed);
}

/* Verneed records chained far outside the file, or to themselves. */
static void test_verneed_hostile(void **state)
{
	struct elfgen g = { .soname = "x" };
	struct elfgen_layout lay;
	struct cl_elf e;
	size_t len;
	unsigned char *img = build(&g, &len, &lay);
	/* Use the symbol table's 24 bytes for one Verneed and its Vernaux. */
	struct {
		Elf64_Verneed vn;
		Elf64_Vernaux vna;
	} __attribute__((packed)) rec = {
		{ .vn_version = 1, .vn_cnt = 1, .vn_file = 1, .vn_aux = 16, .vn_next = 0 },
		{ .vna_hash = 0, .vna_flags = 0, .vna_other = 2, .vna_name = 1, .vna_next = 0xfffffff0 },
	};

	(void)state;
	memcpy(img + lay.symtab, &rec, sizeof rec); /* over the unused hash table */
	set_dyn(img, &lay, DT_SYMTAB, DT_VERNEED, lay.symtab);
	assert_int_equal(parse(&e, img, len), -1);
	assert_non_null(strstr(e.err, "Vernaux"));
	cl_elf_free(&e);
	free(img);

	img = build(&g, &len, &lay);
	rec.vn.vn_version = 7;
	memcpy(img + lay.symtab, &rec, sizeof rec);
	set_dyn(img, &lay, DT_SYMTAB, DT_VERNEED, lay.symtab);
	assert_int_equal(parse(&e, img, len), -1);
	assert_non_null(strstr(e.err, "unsupported version"));
	cl_elf_free(&e);
	free(img);
}

/* A real library: its symbols are found through its own GNU hash table,
 * with their versions. */
static void test_real_symbols(void **state)
{
	size_t len, idx, found = 0;
	unsigned char *img = read_file(tj_fixture("libvers-new.so.1"), &len);
	struct cl_hash_iter it = { 0 };
	struct cl_elf e;

	(void)state;
	assert_int_equal(parse(&e, img, len), 0);
	assert_int_equal(e.hash_kind, CL_HASH_GNU);
	assert_true(e.has_verdef);
	while ((idx = cl_elf_hash_next(&e, &it, cl_gnu_hash("vfunc2"), cl_sysv_hash("vfunc2"))) != 0) {
		struct cl_sym s;

		cl_elf_sym(&e, idx, &s);
		if (strcmp(cl_elf_str(&e, s.name), "vfunc2") == 0)
			found = idx;
	}
	assert_true(found != 0);
	assert_string_equal(cl_elf_version(&e, cl_elf_versym(&e, found))->name, "VERS_2");
	assert_non_null(e.build_id);
	cl_elf_free(&e);
	free(img);
}

/* The head of a static program is enough, and says what the whole says;
 * anything that needs more of the file is handed back (1). */
static void test_head_of_static(void **state)
{
	static const char *const needed[] = { "libc.so.6" };
	struct elfgen stat_g = { .exec = true, .no_dynamic = true };
	struct elfgen dyn_g = { .exec = true, .needed = needed, .n_needed = 1 };
	struct elfgen interp_g = { .exec = true, .no_dynamic = true, .interp = "/lib/ld.so" };
	struct elfgen_layout lay;
	struct cl_elf head, whole;
	size_t len, dlen, ilen;
	unsigned char *img = build(&stat_g, &len, &lay);
	unsigned char *dyn = build(&dyn_g, &dlen, NULL);
	unsigned char *interp = build(&interp_g, &ilen, NULL);

	(void)state;
	/* The file goes on beyond what we read: its PT_LOAD still fits. */
	assert_int_equal(cl_elf_parse_head(&head, img, len, (uint64_t)len + 1000000), 0);
	assert_int_equal(parse(&whole, img, len), 0);
	assert_int_equal(head.is64, whole.is64);
	assert_int_equal(head.machine, whole.machine);
	assert_int_equal(head.type, whole.type);
	assert_int_equal(head.n_loads, whole.n_loads);
	assert_false(head.has_dynamic);
	assert_null(head.interp);
	cl_elf_free(&head);
	cl_elf_free(&whole);
	/* Program headers beyond the bytes read. */
	assert_int_equal(cl_elf_parse_head(&head, img, lay.phoff, len), 1);
	/* A PT_LOAD beyond the end of the whole file. */
	assert_int_equal(cl_elf_parse_head(&head, img, len, len - 1), 1);
	assert_int_equal(parse(&whole, img, len - 1), -1);
	cl_elf_free(&whole);
	/* Dynamic, or with an interpreter: the whole file is needed. */
	assert_int_equal(cl_elf_parse_head(&head, dyn, dlen, dlen), 1);
	assert_int_equal(cl_elf_parse_head(&head, interp, ilen, ilen), 1);
	free(img);
	free(dyn);
	free(interp);
}

/* Random corruption of a real library never crashes the reader, and what
 * it accepts can be walked. */
static void test_random_corruption(void **state)
{
	size_t len;
	unsigned char *orig = read_file(tj_fixture("libvers-new.so.1"), &len);
	unsigned char *img = malloc(len);
	uint32_t seed = 12345;

	(void)state;
	assert_non_null(img);
	for (int round = 0; round < 20000; round++) {
		struct cl_elf e;
		int flips = 1 + round % 8;

		memcpy(img, orig, len);
		for (int i = 0; i < flips; i++) {
			seed = seed * 1103515245 + 12345;
			/* Mostly in the headers and dynamic tables, where damage matters. */
			size_t pos = (seed >> 8) % (round % 2 ? len : (len < 4096 ? len : 4096));

			img[pos] ^= (unsigned char)(1u << ((seed >> 4) % 8));
		}
		if (cl_elf_parse_buffer(&e, img, len) == 0) {
			for (size_t i = 0; i < e.nsyms; i++) {
				struct cl_sym s;

				cl_elf_sym(&e, i, &s);
				cl_elf_str(&e, s.name);
				cl_elf_version(&e, cl_elf_versym(&e, i));
			}
			for (const char *const *n = (const char *const[]){ "vfunc", "vfunc2", "x", NULL }; *n; n++) {
				struct cl_hash_iter it = { 0 };

				while (cl_elf_hash_next(&e, &it, cl_gnu_hash(*n), cl_sysv_hash(*n)) != 0)
					assert_true(it.steps <= e.nsyms + 1);
			}
		}
		cl_elf_free(&e);
	}
	free(img);
	free(orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_64),
		cmocka_unit_test(test_valid_32),
		cmocka_unit_test(test_bad_ident),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_huge_phnum),
		cmocka_unit_test(test_segment_beyond_file),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_gnu_hash_hostile),
		cmocka_unit_test(test_sysv_hash_loop),
		cmocka_unit_test(test_many_needed),
		cmocka_unit_test(test_verneed_hostile),
		cmocka_unit_test(test_real_symbols),
		cmocka_unit_test(test_head_of_static),
		cmocka_unit_test(test_random_corruption),
	};

	return cmocka_run_group_tests_name("closure_elf", tests, NULL, NULL);
}
