/* The ld.so.cache reader: this host's cache, caches that ldconfig -r
 * builds in a temporary root (with glibc-hwcaps subdirectories and a
 * 32-bit library), the compat format, and corrupted caches. */
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

#include "cl_ldcache.h"
#include "testjail.h"

static const struct cl_ldcache_want want64 = {
	.flags = 0x0303, .hwcap_allowed = ~0ULL & ~(1ULL << 62), .platform = ~0ULL,
};

static unsigned char *slurp(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !(buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return NULL;
	}
	*len = (size_t)read(fd, buf, (size_t)st.st_size);
	close(fd);
	return buf;
}

static void test_libcmp(void **state)
{
	(void)state;
	assert_int_equal(cl_ldcache_libcmp("libfoo.so.1", "libfoo.so.1"), 0);
	assert_true(cl_ldcache_libcmp("libfoo.so.10", "libfoo.so.9") > 0);
	assert_true(cl_ldcache_libcmp("libfoo.so.9", "libfoo.so.10") < 0);
	assert_true(cl_ldcache_libcmp("liba.so", "libb.so") < 0);
	assert_true(cl_ldcache_libcmp("libx.so.99999999999999999999999", "libx.so.1") != 0);
}

static void test_host_cache(void **state)
{
	size_t len;
	unsigned char *buf = slurp("/etc/ld.so.cache", &len);
	struct cl_ldcache c;
	const char *hit;

	(void)state;
	if (!buf)
		skip();
	assert_int_equal(cl_ldcache_parse(&c, buf, len), 0);
	assert_true(cl_ldcache_count(&c) > 10);
	hit = cl_ldcache_lookup(&c, "libc.so.6", &want64);
	assert_non_null(hit);
	assert_non_null(strstr(hit, "/libc.so.6"));
	assert_null(cl_ldcache_lookup(&c, "libdoes-not-exist.so.77", &want64));
	free(buf);
}

struct built {
	struct tjail j;
	unsigned char *buf;
	size_t len;
};

static int run_ldconfig(struct tjail *j, const char *format)
{
	char cmd[512];

	snprintf(cmd, sizeof cmd, "ldconfig -X -c %s -r %s 2>/dev/null", format, j->root);
	return system(cmd);
}

/* A root with /opt/a in ld.so.conf, holding an old and (in the x86-64-v2
 * glibc-hwcaps subdirectory) a new libvers.so.1, and a 32-bit library. */
static int build_cache(void **state, const char *format)
{
	static const char *const libc[] = { "libc.so.6" };
	struct built *b = calloc(1, sizeof *b);
	/* Needing libc.so.6 makes ldconfig tag it "libc6" (flags 3). */
	struct elfgen g32 = { .is32 = true, .soname = "libthirty.so.1", .needed = libc, .n_needed = 1 };
	char path[512];

	if (!b || tj_create(&b->j) < 0)
		return -1;
	if (tj_write(&b->j, "/etc/ld.so.conf", "/opt/a\n", 0644) ||
	    tj_copy(&b->j, tj_fixture("libvers-old.so.1"), "/opt/a/libvers.so.1", 0755) ||
	    tj_copy(&b->j, tj_fixture("libvers-new.so.1"),
		    "/opt/a/glibc-hwcaps/x86-64-v2/libvers.so.1", 0755) ||
	    tj_elf(&b->j, "/opt/a/libthirty.so.1", &g32, 0755) || run_ldconfig(&b->j, format))
		return -1;
	snprintf(path, sizeof path, "%s/etc/ld.so.cache", b->j.root);
	b->buf = slurp(path, &b->len);
	*state = b;
	return b->buf ? 0 : -1;
}

static int setup_new(void **state)
{
	return build_cache(state, "new");
}

static int setup_compat(void **state)
{
	return build_cache(state, "compat");
}

static int teardown(void **state)
{
	struct built *b = *state;

	if (b) {
		tj_destroy(&b->j);
		free(b->buf);
		free(b);
	}
	return 0;
}

/* With COMPAT, glibc reads the glibc-hwcaps names at the wrong offset
 * (ldconfig -p shows them as garbage) and so never picks those entries:
 * we must do the same. */
static void check_built_cache(struct built *b, bool compat)
{
	static const char *const v2[] = { "x86-64-v2" };
	static const char *const v3v2[] = { "x86-64-v3", "x86-64-v2" };
	struct cl_ldcache_want w = want64, w32 = want64;
	struct cl_ldcache c;
	const char *hit;

	assert_int_equal(cl_ldcache_parse(&c, b->buf, b->len), 0);
	/* No glibc-hwcaps support: the plain directory. */
	hit = cl_ldcache_lookup(&c, "libvers.so.1", &w);
	assert_non_null(hit);
	assert_string_equal(hit, "/opt/a/libvers.so.1");
	/* With x86-64-v2 active, its subdirectory wins. */
	w.hwcaps = v2;
	w.n_hwcaps = 1;
	hit = cl_ldcache_lookup(&c, "libvers.so.1", &w);
	assert_non_null(hit);
	assert_string_equal(hit, compat ? "/opt/a/libvers.so.1"
					: "/opt/a/glibc-hwcaps/x86-64-v2/libvers.so.1");
	w.hwcaps = v3v2;
	w.n_hwcaps = 2;
	hit = cl_ldcache_lookup(&c, "libvers.so.1", &w);
	assert_non_null(hit);
	assert_string_equal(hit, compat ? "/opt/a/libvers.so.1"
					: "/opt/a/glibc-hwcaps/x86-64-v2/libvers.so.1");
	/* The 32-bit library is only for a 32-bit loader. */
	assert_null(cl_ldcache_lookup(&c, "libthirty.so.1", &want64));
	w32.flags = 0x0003;
	hit = cl_ldcache_lookup(&c, "libthirty.so.1", &w32);
	assert_non_null(hit);
	assert_string_equal(hit, "/opt/a/libthirty.so.1");
}

static void test_new_cache(void **state)
{
	check_built_cache(*state, false);
}

static void test_compat_cache(void **state)
{
	check_built_cache(*state, true);
}

/* Every prefix and many corruptions of a real cache: parse and look up
 * without a crash. */
static void test_hostile_cache(void **state)
{
	struct built *b = *state;
	static const char *const v2[] = { "x86-64-v2" };
	struct cl_ldcache_want w = want64;
	unsigned char *img = malloc(b->len);
	uint32_t seed = 777;

	assert_non_null(img);
	w.hwcaps = v2;
	w.n_hwcaps = 1;
	for (size_t n = 0; n <= b->len; n++) {
		struct cl_ldcache c;

		memcpy(img, b->buf, n);
		if (cl_ldcache_parse(&c, img, n) == 0) {
			cl_ldcache_lookup(&c, "libvers.so.1", &w);
			cl_ldcache_lookup(&c, "libthirty.so.1", &w);
		}
	}
	for (int round = 0; round < 20000; round++) {
		struct cl_ldcache c;

		memcpy(img, b->buf, b->len);
		for (int i = 0; i < 1 + round % 6; i++) {
			seed = seed * 1103515245 + 12345;
			img[(seed >> 8) % b->len] = (unsigned char)(seed >> 3);
		}
		if (cl_ldcache_parse(&c, img, b->len) == 0) {
			cl_ldcache_lookup(&c, "libvers.so.1", &w);
			cl_ldcache_lookup(&c, "libthirty.so.1", &want64);
			cl_ldcache_lookup(&c, "", &w);
		}
	}
	free(img);
}

static void test_garbage(void **state)
{
	struct cl_ldcache c;
	unsigned char buf[100] = "glibc-ld.so.cache1.1";

	(void)state;
	assert_int_equal(cl_ldcache_parse(&c, "", 0), -1);
	assert_int_equal(cl_ldcache_parse(&c, "ld.so-1.7.0", 11), -1);
	buf[20] = 0xff; /* nlibs far beyond the file */
	buf[21] = 0xff;
	assert_int_equal(cl_ldcache_parse(&c, buf, sizeof buf), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libcmp),
		cmocka_unit_test(test_host_cache),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test_setup_teardown(test_new_cache, setup_new, teardown),
		cmocka_unit_test_setup_teardown(test_compat_cache, setup_compat, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_cache, setup_new, teardown),
	};

	return cmocka_run_group_tests_name("closure_ldcache", tests, NULL, NULL);
}
