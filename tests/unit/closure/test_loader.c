/* What glibc 2.36's loader loads besides DT_NEEDED: filtees (DT_FILTER must
 * load, DT_AUXILIARY may be missing) and /etc/ld.so.preload (an object it
 * cannot map is ignored, the dependencies of one it mapped must load), and
 * the preload file read exactly as dl_main reads it. */
#include <errno.h>
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

#include "cl_preload.h"
#include "checkfix.h"

#define LIBDIR "/lib/x86_64-linux-gnu"

/* DT_FILTER: the filtee must load, like a DT_NEEDED entry. */
static void test_filter(void **state)
{
	struct fixture *f = *state;

	put(f, "libfilter.so.1", LIBDIR "/libfilter.so.1", 0644);
	expect(f, LIBDIR "/libfilter.so.1", CL_MISSING_LIBRARY, "libfiltee.so.1", "not found");
	assert_string_equal(f->rep.problems[0].needed_by, LIBDIR "/libfilter.so.1");
	put(f, "libfiltee.so.1", LIBDIR "/libfiltee.so.1", 0644);
	expect_ok(f, LIBDIR "/libfilter.so.1");
	assert_true(tj_checked(&f->rep, LIBDIR "/libfiltee.so.1"));
}

/* DT_AUXILIARY: loaded when there, ignored when not. */
static void test_auxiliary(void **state)
{
	struct fixture *f = *state;

	put(f, "libaux.so.1", LIBDIR "/libaux.so.1", 0644);
	expect_ok(f, LIBDIR "/libaux.so.1");
	assert_false(tj_checked(&f->rep, LIBDIR "/libauxee.so.1"));
	put(f, "libfiltee.so.1", LIBDIR "/libauxee.so.1", 0644);
	expect_ok(f, LIBDIR "/libaux.so.1");
	assert_true(tj_checked(&f->rep, LIBDIR "/libauxee.so.1"));
}

static void preload(struct fixture *f, const char *text)
{
	assert_int_equal(tj_write(&f->j, "/etc/ld.so.preload", text, 0644), 0);
}

static void test_preload(void **state)
{
	struct fixture *f = *state;
	char fifo[512];

	put(f, "hello", "/bin/hello", 0755);
	put(f, "libnss_fake.so.2", "/opt/pre/libnss_fake.so.2", 0644);
	/* By path and by name; what cannot be mapped is ignored. */
	preload(f, "# preloads\n/opt/pre/libnss_fake.so.2 libnosuch.so.1:/opt/nosuch.so\n");
	expect_ok(f, "/bin/hello");
	assert_true(tj_checked(&f->rep, "/opt/pre/libnss_fake.so.2"));
	preload(f, "/opt/pre/libnss_fake.so.2 # libcyca.so\n");
	expect_ok(f, "/bin/hello");
	/* A preloaded object's own dependencies must load. */
	put(f, "libcyca.so", LIBDIR "/libcyca.so", 0644);
	preload(f, "libcyca.so");
	expect(f, "/bin/hello", CL_MISSING_LIBRARY, "libcycb.so", "not found");
	assert_string_equal(f->rep.problems[0].needed_by, LIBDIR "/libcyca.so");
	/* Unreadable to the checking user: the loader skips it (as root we can
	 * only test the other way: readable). A FIFO would hang the loader. */
	assert_int_equal(tj_unlink(&f->j, "/etc/ld.so.preload"), 0);
	snprintf(fifo, sizeof fifo, "%s/etc/ld.so.preload", f->j.root);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	expect(f, "/bin/hello", CL_BAD_ELF, "/etc/ld.so.preload", "FIFO");
	assert_int_equal(tj_unlink(&f->j, "/etc/ld.so.preload"), 0);
	expect_ok(f, "/bin/hello");
}

/* Preloaded objects come before the program's dependencies: one whose
 * soname is a DT_NEEDED name is what that name loads. */
static void test_preload_first(void **state)
{
	struct fixture *f = *state;

	put(f, "prog_undef", "/bin/p", 0755);
	put(f, "libundef-part.so.1", LIBDIR "/libundef.so.1", 0644);
	expect(f, "/bin/p", CL_UNDEFINED_SYMBOL, "/bin/p", NULL);
	put(f, "libundef-full.so.1", "/opt/full/libundef.so.1", 0644);
	preload(f, "/opt/full/libundef.so.1\n");
	expect_ok(f, "/bin/p");
	assert_true(tj_checked(&f->rep, "/opt/full/libundef.so.1"));
	assert_false(tj_checked(&f->rep, LIBDIR "/libundef.so.1"));
}

struct names {
	char v[16][64];
	size_t n;
};

static int collect(const char *name, void *arg)
{
	struct names *ns = arg;

	if (ns->n < 16)
		snprintf(ns->v[ns->n++], sizeof ns->v[0], "%s", name);
	return 0;
}

static void parse(struct names *ns, const char *text, size_t len)
{
	size_t n;

	memset(ns, 0, sizeof *ns);
	n = cl_preload_parse(text, len, collect, ns);
	assert_int_equal(n, ns->n);
}

#define PARSE(ns, s) parse(ns, s, sizeof s - 1)

static void test_preload_parse(void **state)
{
	struct names ns;

	(void)state;
	PARSE(&ns, "a.so b.so\tc.so:d.so\n\n  e.so");
	assert_int_equal(ns.n, 5);
	assert_string_equal(ns.v[0], "a.so");
	assert_string_equal(ns.v[3], "d.so");
	assert_string_equal(ns.v[4], "e.so");
	PARSE(&ns, "a.so # b.so\nc.so\n");
	assert_int_equal(ns.n, 2);
	assert_string_equal(ns.v[1], "c.so");
	/* dl_main searches for the next '#' from the start of the file, over
	 * what is left after the last comment: a late one stays in a name. */
	PARSE(&ns, "a #x\nb #y\n");
	assert_int_equal(ns.n, 3);
	assert_string_equal(ns.v[2], "#y");
	/* strsep stops at a NUL; the name at the very end is read on its own. */
	PARSE(&ns, "a.so\0b.so c.so");
	assert_int_equal(ns.n, 2);
	assert_string_equal(ns.v[0], "a.so");
	assert_string_equal(ns.v[1], "c.so");
	PARSE(&ns, "only.so");
	assert_int_equal(ns.n, 1);
	PARSE(&ns, "# nothing\n");
	assert_int_equal(ns.n, 0);
	parse(&ns, "", 0);
	assert_int_equal(ns.n, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(test_filter), T(test_auxiliary), T(test_preload), T(test_preload_first),
		cmocka_unit_test(test_preload_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
