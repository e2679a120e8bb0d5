/* cl_check() on small jails built from compiled fixtures, the host's libc
 * and loader, and generated ELF files: one test per kind of problem, and
 * the cases that must not be problems. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cl_arch.h"
#include "cl_ctx.h"
#include "checkfix.h"
#include "testjail.h"

#define LIBDIR "/lib/x86_64-linux-gnu"

static void test_ok_program(void **state)
{
	struct fixture *f = *state;

	put(f, "hello", "/bin/hello", 0755);
	expect_ok(f, "/bin/hello");
	assert_true(tj_checked(&f->rep, "/bin/hello"));
	assert_true(tj_checked(&f->rep, LIBDIR "/libc.so.6"));
	assert_true(tj_checked(&f->rep, "/lib64/ld-linux-x86-64.so.2"));
	assert_int_equal(f->rep.n_checked, 3);
}

static void test_missing_library(void **state)
{
	struct fixture *f = *state;

	put(f, "prog_vers1", "/bin/p", 0755);
	expect(f, "/bin/p", CL_MISSING_LIBRARY, "libvers.so.1", "not found");
	assert_string_equal(f->rep.problems[0].needed_by, "/bin/p");
}

static void test_missing_version(void **state)
{
	struct fixture *f = *state;

	put(f, "prog_vers2", "/bin/p", 0755);
	put(f, "libvers-old.so.1", LIBDIR "/libvers.so.1", 0644);
	expect(f, "/bin/p", CL_MISSING_SYMBOL_VERSION, LIBDIR "/libvers.so.1",
	       "version VERS_2 not defined in file libvers.so.1");
	assert_string_equal(f->rep.problems[0].needed_by, "/bin/p");
	/* Only the version is reported, not each symbol that needs it. */
	assert_int_equal(f->rep.n_problems, 1);
	put(f, "libvers-new.so.1", LIBDIR "/libvers.so.1", 0644);
	expect_ok(f, "/bin/p");
}

static void test_undefined_symbol(void **state)
{
	struct fixture *f = *state;

	put(f, "prog_undef", "/bin/p", 0755);
	put(f, "libundef-part.so.1", LIBDIR "/libundef.so.1", 0644);
	expect(f, "/bin/p", CL_UNDEFINED_SYMBOL, "/bin/p", "undefined symbol: ub");
	assert_int_equal(f->rep.n_problems, 1);
	f->opt.symbols = false;
	expect_ok(f, "/bin/p");
	f->opt.symbols = true;
	put(f, "libundef-full.so.1", LIBDIR "/libundef.so.1", 0644);
	expect_ok(f, "/bin/p");
}

static void test_wrong_class(void **state)
{
	struct fixture *f = *state;
	struct elfgen g32 = { .is32 = true, .soname = "libvers.so.1" };

	/* prog_rpath has DT_RPATH /opt/wrong:/opt/right */
	put(f, "prog_rpath", "/bin/p", 0755);
	assert_int_equal(tj_elf(&f->j, "/opt/wrong/libvers.so.1", &g32, 0644), 0);
	put(f, "libvers-old.so.1", "/opt/right/libvers.so.1", 0644);
	expect_ok(f, "/bin/p");
	assert_true(tj_checked(&f->rep, "/opt/right/libvers.so.1"));
	assert_int_equal(tj_unlink(&f->j, "/opt/right/libvers.so.1"), 0);
	expect(f, "/bin/p", CL_WRONG_CLASS, "/opt/wrong/libvers.so.1", "ELFCLASS32");
}

static void test_origin(void **state)
{
	struct fixture *f = *state;

	/* RUNPATH $ORIGIN/../lib, run through a symlink in another directory:
	 * $ORIGIN is where the program really is. */
	put(f, "prog_origin", "/app/bin/p", 0755);
	put(f, "libvers-old.so.1", "/app/lib/libvers.so.1", 0644);
	assert_int_equal(tj_symlink(&f->j, "/app/bin/p", "/usr/bin/p"), 0);
	/* The loader reads the program's $ORIGIN from /proc/self/exe. */
	f->opt.origin = CL_ORIGIN_KNOWN;
	expect_ok(f, "/usr/bin/p");
	assert_true(tj_checked(&f->rep, "/app/bin/../lib/libvers.so.1"));
	/* Without a proc file system on /proc in the root, it is unknown. */
	f->opt.origin = CL_ORIGIN_PROBE;
	expect(f, "/usr/bin/p", CL_MISSING_LIBRARY, "libvers.so.1",
	       "$ORIGIN/../lib was not searched: the loader takes the program's $ORIGIN from "
	       "/proc/self/exe, and the root has no /proc");
	assert_int_equal(tj_mkdirs(&f->j, "/proc/self/"), 0);
	expect(f, "/usr/bin/p", CL_MISSING_LIBRARY, "libvers.so.1", "root has no /proc");
	/* Or unknown for the caller's reason. */
	f->opt.origin = CL_ORIGIN_UNKNOWN;
	f->opt.origin_why = "REASON";
	expect(f, "/usr/bin/p", CL_MISSING_LIBRARY, "libvers.so.1", "/proc/self/exe, and REASON");
}

static void test_cycle_and_tls(void **state)
{
	struct fixture *f = *state;
	size_t n = 0;

	put(f, "prog_cyc", "/bin/cyc", 0755);
	put(f, "libcyca.so", LIBDIR "/libcyca.so", 0644);
	put(f, "libcycb.so", LIBDIR "/libcycb.so", 0644);
	expect_ok(f, "/bin/cyc");
	for (size_t i = 0; i < f->rep.n_checked; i++)
		n += strstr(f->rep.checked[i], "libcyc") != NULL;
	assert_int_equal(n, 2);
	put(f, "prog_tls", "/bin/tls", 0755);
	put(f, "libtls.so.1", LIBDIR "/libtls.so.1", 0644);
	expect_ok(f, "/bin/tls");
}

static void test_interpreter(void **state)
{
	struct fixture *f = *state;
	char path[512];

	put(f, "hello", "/bin/hello", 0755);
	snprintf(path, sizeof path, "%s" LIBDIR "/ld-linux-x86-64.so.2", f->j.root);
	assert_int_equal(chmod(path, 0644), 0);
	expect(f, "/bin/hello", CL_NOT_EXECUTABLE, "/lib64/ld-linux-x86-64.so.2", NULL);
	assert_int_equal(chmod(path, 0755), 0);
	assert_int_equal(tj_unlink(&f->j, "/lib64/ld-linux-x86-64.so.2"), 0);
	assert_int_equal(tj_symlink(&f->j, "/lib/x86_64-linux-gnu/ld-gone.so",
				    "/lib64/ld-linux-x86-64.so.2"), 0);
	expect(f, "/bin/hello", CL_DANGLING_SYMLINK, "/lib64/ld-linux-x86-64.so.2",
	       "ld-gone.so");
	assert_int_equal(tj_unlink(&f->j, "/lib64/ld-linux-x86-64.so.2"), 0);
	assert_int_equal(tj_symlink(&f->j, "../../../../../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
				    "/lib64/ld-linux-x86-64.so.2"), 0);
	expect(f, "/bin/hello", CL_ESCAPING_SYMLINK, "/lib64/ld-linux-x86-64.so.2", NULL);
	assert_int_equal(tj_unlink(&f->j, "/lib64/ld-linux-x86-64.so.2"), 0);
	expect(f, "/bin/hello", CL_MISSING_INTERPRETER, "/lib64/ld-linux-x86-64.so.2", NULL);
}

static void test_program_itself(void **state)
{
	struct fixture *f = *state;
	struct cl_report rep;

	put(f, "hello", "/bin/hello", 0644);
	expect(f, "/bin/hello", CL_NOT_EXECUTABLE, "/bin/hello", NULL);
	cl_report_init(&rep);
	f->opt.root_fd = f->j.fd;
	assert_int_equal(cl_check(&f->opt, "/bin/nothing", -1, &rep), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(cl_check(&f->opt, "/../bin/hello", -1, &rep), -1);
	assert_int_equal(tj_write(&f->j, "/bin/text", "just text\n", 0755), 0);
	expect(f, "/bin/text", CL_BAD_ELF, "/bin/text", "neither an ELF program nor a #! script");
	cl_report_free(&rep);
}

static void test_scripts(void **state)
{
	struct fixture *f = *state;
	char name[32], line[64];

	put(f, "hello", "/bin/hello", 0755);
	assert_int_equal(tj_write(&f->j, "/cgi/s0", "#!/bin/hello\n", 0755), 0);
	expect_ok(f, "/cgi/s0");
	assert_true(tj_checked(&f->rep, "/cgi/s0"));
	assert_true(tj_checked(&f->rep, "/bin/hello"));
	/* s5 -> s4 -> ... -> s0 -> hello: six scripts, one too many. */
	for (int i = 1; i <= 5; i++) {
		snprintf(name, sizeof name, "/cgi/s%d", i);
		snprintf(line, sizeof line, "#!/cgi/s%d -x\n", i - 1);
		assert_int_equal(tj_write(&f->j, name, line, 0755), 0);
	}
	expect_ok(f, "/cgi/s4");
	expect(f, "/cgi/s5", CL_MISSING_INTERPRETER, "/cgi/s0", "nested #! scripts");
	assert_int_equal(tj_write(&f->j, "/cgi/la", "#!/cgi/lb\n", 0755), 0);
	assert_int_equal(tj_write(&f->j, "/cgi/lb", "#!/cgi/la\n", 0755), 0);
	expect(f, "/cgi/la", CL_MISSING_INTERPRETER, NULL, "loop");
	assert_int_equal(tj_write(&f->j, "/cgi/gone", "#!/usr/bin/perl -w\n", 0755), 0);
	expect(f, "/cgi/gone", CL_MISSING_INTERPRETER, "/usr/bin/perl", "#! interpreter");
	assert_int_equal(tj_write(&f->j, "/cgi/dos", "#!/bin/hello\r\n", 0755), 0);
	expect(f, "/cgi/dos", CL_MISSING_INTERPRETER, NULL, "carriage return");
	assert_int_equal(tj_write(&f->j, "/cgi/blank", "#!  \n", 0755), 0);
	expect(f, "/cgi/blank", CL_MISSING_INTERPRETER, "/cgi/blank", "names no interpreter");
	assert_int_equal(tj_write(&f->j, "/cgi/rel", "#!../bin/hello\n", 0755), 0);
	expect_ok(f, "/cgi/rel");
}

static void test_env(void **state)
{
	struct fixture *f = *state;

	put(f, "hello", "/usr/bin/env", 0755);
	put(f, "hello", "/usr/local/bin/tool", 0755);
	assert_int_equal(tj_write(&f->j, "/cgi/e", "#!/usr/bin/env tool\n", 0755), 0);
	expect_ok(f, "/cgi/e");
	assert_true(tj_checked(&f->rep, "/usr/local/bin/tool"));
	assert_int_equal(tj_write(&f->j, "/cgi/e2", "#!/usr/bin/env tool -x\n", 0755), 0);
	expect(f, "/cgi/e2", CL_MISSING_INTERPRETER, "tool -x", "not found in PATH");
	assert_int_equal(tj_write(&f->j, "/cgi/e3", "#!/usr/bin/env -S tool -x\n", 0755), 0);
	expect_ok(f, "/cgi/e3");
	f->opt.safe_path = "/usr/bin:/bin";
	expect(f, "/cgi/e", CL_MISSING_INTERPRETER, "tool", "not found in PATH /usr/bin:/bin");
	f->opt.safe_path = NULL;
}

static void test_nss(void **state)
{
	struct fixture *f = *state;

	put(f, "hello", "/bin/hello", 0755);
	expect_ok(f, "/bin/hello"); /* no nsswitch.conf: all built in */
	assert_int_equal(tj_write(&f->j, "/etc/nsswitch.conf",
				  "# comment\npasswd: files fake\ngroup:\tfiles [SUCCESS=merge] fake\n"
				  "hosts: files dns\nnetgroup: nis\n", 0644), 0);
	expect(f, "/bin/hello", CL_MISSING_NSS_MODULE, "libnss_fake.so.2", "passwd, group");
	assert_string_equal(f->rep.problems[0].needed_by, "/etc/nsswitch.conf");
	assert_int_equal(f->rep.n_problems, 1);
	f->opt.nss = false;
	expect_ok(f, "/bin/hello");
	f->opt.nss = true;
	put(f, "libnss_fake.so.2", LIBDIR "/libnss_fake.so.2", 0644);
	expect_ok(f, "/bin/hello");
	assert_true(tj_checked(&f->rep, LIBDIR "/libnss_fake.so.2"));
}

static void test_deep(void **state)
{
	struct fixture *f = *state;
	const char *dyn = "/usr/lib/python3.99/lib-dynload";

	put(f, "pyfake", "/usr/bin/python3.99", 0755);
	assert_int_equal(tj_symlink(&f->j, "python3.99", "/usr/bin/python3"), 0);
	assert_int_equal(tj_mkdirs(&f->j, dyn), 0);
	put(f, "goodmod.so", "/usr/lib/python3.99/lib-dynload/good.cpython-399-x86_64-linux-gnu.so", 0644);
	put(f, "badmod.so", "/usr/lib/python3.99/lib-dynload/bad.cpython-399-x86_64-linux-gnu.so", 0644);
	put(f, "badmod.so", "/usr/lib/python3/dist-packages/pkg/sub/bad2.so", 0644);
	/* For another Python: this one would never import it. */
	put(f, "badmod.so", "/usr/lib/python3/dist-packages/other.cpython-312-x86_64-linux-gnu.so", 0644);
	expect_ok(f, "/usr/bin/python3");
	f->opt.deep = true;
	expect(f, "/usr/bin/python3", CL_UNDEFINED_SYMBOL,
	       "/usr/lib/python3.99/lib-dynload/bad.cpython-399-x86_64-linux-gnu.so",
	       "undefined symbol: PyFake_Missing");
	assert_true(tj_has(&f->rep, CL_UNDEFINED_SYMBOL, "/usr/lib/python3/dist-packages/pkg/sub/bad2.so", NULL));
	assert_false(tj_has(&f->rep, CL_UNDEFINED_SYMBOL, "good", NULL));
	assert_false(tj_has(&f->rep, CL_UNDEFINED_SYMBOL, "other", NULL));
	assert_int_equal(f->rep.n_problems, 2);
	assert_string_equal(f->rep.problems[0].needed_by, "/usr/bin/python3");
	f->opt.deep = false;
}

static void test_host_mismatch(void **state)
{
	struct fixture *f = *state;
	struct tjail host;

	assert_int_equal(tj_create(&host), 0);
	put(f, "prog_host", "/bin/p", 0755);
	put(f, "libhost-a.so.1", LIBDIR "/libhostcmp.so.1", 0644);
	f->opt.host_root_fd = host.fd;
	expect_ok(f, "/bin/p"); /* nothing on the host: no mismatch */
	assert_int_equal(tj_copy(&host, tj_fixture("libhost-a.so.1"), LIBDIR "/libhostcmp.so.1", 0644), 0);
	expect_ok(f, "/bin/p"); /* the same build */
	assert_int_equal(tj_copy(&host, tj_fixture("libhost-b.so.1"), LIBDIR "/libhostcmp.so.1", 0644), 0);
	expect(f, "/bin/p", CL_HOST_MISMATCH, LIBDIR "/libhostcmp.so.1", "build-id differs");
	assert_true(tj_has(&f->rep, CL_HOST_MISMATCH, NULL, "the jail lacks VERS_2"));
	f->opt.host_root_fd = -1;
	tj_destroy(&host);
}

static bool cpu_has_v2(void)
{
	struct cl_hw hw;

	cl_hw_init(&hw, cl_arch_find(62 /* EM_X86_64 */, true, false));
	return hw.n_hwcaps > 0;
}

static void test_jail_ldcache(void **state)
{
	struct fixture *f = *state;
	char cmd[512];

	put(f, "prog_vers2", "/bin/p", 0755);
	put(f, "libvers-old.so.1", "/opt/custom/libvers.so.1", 0644);
	put(f, "libvers-new.so.1", "/opt/custom/glibc-hwcaps/x86-64-v2/libvers.so.1", 0644);
	expect(f, "/bin/p", CL_MISSING_LIBRARY, "libvers.so.1", NULL);
	assert_int_equal(tj_write(&f->j, "/etc/ld.so.conf", "/opt/custom\n", 0644), 0);
	snprintf(cmd, sizeof cmd, "ldconfig -X -r %s 2>/dev/null", f->j.root);
	assert_int_equal(system(cmd), 0);
	/* The cache names both; the loader takes the x86-64-v2 one if this
	 * CPU has it, the old one (without VERS_2) otherwise. */
	if (cpu_has_v2()) {
		expect_ok(f, "/bin/p");
		assert_true(tj_checked(&f->rep, "/opt/custom/glibc-hwcaps/x86-64-v2/libvers.so.1"));
	} else {
		expect(f, "/bin/p", CL_MISSING_SYMBOL_VERSION, "/opt/custom/libvers.so.1", NULL);
	}
}

/* A verified template generation: what lies in opt.trusted is not checked
 * again, however broken it looks; the customer's own files still are. */
static void test_trusted_template(void **state)
{
	struct fixture *f = *state;

	put(f, "prog_vers1", "/.template/usr/bin/interp", 0755);
	assert_int_equal(tj_symlink(&f->j, "/.template/usr", "/usr"), 0);
	assert_int_equal(tj_write(&f->j, "/cgi/s", "#!/usr/bin/interp\n", 0755), 0);
	expect(f, "/cgi/s", CL_MISSING_LIBRARY, "libvers.so.1", "not found");
	f->opt.trusted = "/.template";
	expect_ok(f, "/cgi/s");
	assert_true(tj_checked(&f->rep, "/cgi/s"));
	assert_true(tj_checked(&f->rep, "/usr/bin/interp"));
	assert_int_equal(f->rep.n_checked, 2);
	/* Only whole components: /.template2 is not /.template. */
	put(f, "prog_vers1", "/.template2/bin/x", 0755);
	assert_int_equal(tj_write(&f->j, "/cgi/t", "#!/.template2/bin/x\n", 0755), 0);
	expect(f, "/cgi/t", CL_MISSING_LIBRARY, "libvers.so.1", "not found");
	/* The customer's own ELF program is checked in full. */
	put(f, "prog_vers1", "/cgi/own", 0755);
	expect(f, "/cgi/own", CL_MISSING_LIBRARY, "libvers.so.1", "not found");
	/* env in the template, the command it runs outside: checked. */
	put(f, "hello", "/.template/usr/bin/env", 0755);
	put(f, "prog_vers1", "/tools/tool", 0755);
	assert_int_equal(tj_write(&f->j, "/cgi/e", "#!/usr/bin/env tool\n", 0755), 0);
	f->opt.safe_path = "/tools:/usr/bin";
	expect(f, "/cgi/e", CL_MISSING_LIBRARY, "libvers.so.1", "not found");
	f->opt.safe_path = NULL;
	f->opt.trusted = NULL;
}

static void test_many_needed(void **state)
{
	enum { N = 10000 };
	struct fixture *f = *state;
	char (*names)[32] = calloc(N, sizeof *names);
	const char **needed = calloc(N, sizeof *needed);
	struct elfgen g = { .interp = "/lib64/ld-linux-x86-64.so.2", .needed = needed, .n_needed = N };
	char path[64];
	clock_t t0;

	assert_non_null(names);
	assert_non_null(needed);
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof names[i], "libn%d.so", i);
		needed[i] = names[i];
	}
	assert_int_equal(tj_elf(&f->j, "/bin/many", &g, 0755), 0);
	/* All missing: 4096 problems, then one saying how many more. */
	t0 = clock();
	check(f, "/bin/many");
	assert_int_equal(f->rep.n_problems, CL_MAX_PROBLEMS + 1);
	assert_non_null(strstr(f->rep.problems[CL_MAX_PROBLEMS].detail, "5904 more problems"));
	/* All the same library under other names: one object. */
	put(f, "libvers-old.so.1", LIBDIR "/libvers.so.1", 0644);
	for (int i = 0; i < N; i++) {
		snprintf(path, sizeof path, LIBDIR "/%s", names[i]);
		assert_int_equal(tj_symlink(&f->j, "libvers.so.1", path), 0);
	}
	expect_ok(f, "/bin/many");
	assert_int_equal(f->rep.n_checked, 4);
	assert_true((clock() - t0) / CLOCKS_PER_SEC < 20);
	free(names);
	free(needed);
}

static void test_bad_library(void **state)
{
	struct fixture *f = *state;
	char path[512];

	put(f, "prog_vers1", "/bin/p", 0755);
	put(f, "libvers-old.so.1", LIBDIR "/libvers.so.1", 0644);
	snprintf(path, sizeof path, "%s" LIBDIR "/libvers.so.1", f->j.root);
	assert_int_equal(truncate(path, 1000), 0);
	expect(f, "/bin/p", CL_BAD_ELF, LIBDIR "/libvers.so.1", "libvers.so.1:");
	assert_int_equal(tj_unlink(&f->j, LIBDIR "/libvers.so.1"), 0);
	assert_int_equal(tj_symlink(&f->j, "libvers.so.1.0.0", LIBDIR "/libvers.so.1"), 0);
	expect(f, "/bin/p", CL_DANGLING_SYMLINK, LIBDIR "/libvers.so.1", "libvers.so.1.0.0");
}

static void test_needed_paths(void **state)
{
	static const char *const needed[] = { "../../../etc/x.so", "/opt/abs/libvers.so.1" };
	struct fixture *f = *state;
	struct elfgen g = { .interp = "/lib64/ld-linux-x86-64.so.2", .needed = needed, .n_needed = 2 };

	assert_int_equal(tj_elf(&f->j, "/bin/g", &g, 0755), 0);
	put(f, "libvers-old.so.1", "/opt/abs/libvers.so.1", 0644);
	expect(f, "/bin/g", CL_MISSING_LIBRARY, "../../../etc/x.so", NULL);
	assert_int_equal(f->rep.n_problems, 1);
	assert_true(tj_checked(&f->rep, "/opt/abs/libvers.so.1"));
}

/* Several programs into one report: each object and problem once. */
static void test_one_report(void **state)
{
	struct fixture *f = *state;
	size_t libc = 0;

	put(f, "hello", "/bin/hello", 0755);
	put(f, "prog_vers1", "/bin/p", 0755);
	cl_report_free(&f->rep);
	f->opt.root_fd = f->j.fd;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(cl_check(&f->opt, "/bin/hello", -1, &f->rep), 0);
		assert_int_equal(cl_check(&f->opt, "/bin/p", -1, &f->rep), 0);
	}
	for (size_t i = 0; i < f->rep.n_checked; i++)
		libc += strcmp(f->rep.checked[i], LIBDIR "/libc.so.6") == 0;
	assert_int_equal(libc, 1);
	assert_int_equal(f->rep.n_problems, 1);
}

static void test_prog_fd(void **state)
{
	struct fixture *f = *state;
	char path[512];
	int fd;

	put(f, "hello", "/bin/hello", 0755);
	snprintf(path, sizeof path, "%s/bin/hello", f->j.root);
	f->opt.root_fd = f->j.fd;
	cl_report_free(&f->rep);
	fd = open(path, O_PATH | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(cl_check(&f->opt, "/bin/hello", fd, &f->rep), 0);
	assert_int_equal(f->rep.n_problems, 0);
	close(fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	/* The fd is what is checked, whatever PATH names. */
	assert_int_equal(cl_check(&f->opt, "/bin/renamed", fd, &f->rep), 0);
	assert_true(tj_checked(&f->rep, "/bin/renamed"));
	close(fd);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(test_ok_program), T(test_missing_library), T(test_missing_version),
		T(test_undefined_symbol), T(test_wrong_class), T(test_origin),
		T(test_cycle_and_tls), T(test_interpreter), T(test_program_itself),
		T(test_scripts), T(test_env), T(test_nss), T(test_deep),
		T(test_host_mismatch), T(test_jail_ldcache), T(test_trusted_template), T(test_many_needed),
		T(test_bad_library), T(test_needed_paths), T(test_one_report),
		T(test_prog_fd),
	};

	return cmocka_run_group_tests_name("closure_check", tests, NULL, NULL);
}
