/* The repeat-check cache (cache.c, cachefile.c): a hit when nothing
 * changed; a miss on each kind of change to a consulted file, symlink or
 * directory, and on other inputs; only "ok" verdicts stored; a corrupt file
 * read as empty; the LRU bound.
 *
 * Most tests call cl_check_cached_racy with no racy window, and wait
 * SETTLE_US (longer than a tick of the file system's clock) after changing
 * the jail before a verdict that must be stored: the change then has a
 * ctime of its own. test_racy covers the real window. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cl_cachefile.h"
#include "cl_ctx.h"
#include "testjail.h"

#define LIBDIR "/lib/x86_64-linux-gnu"
#define SETTLE_US 30000

struct fixture {
	struct tjail j;
	struct cl_options opt;
	char cache_path[64];
	int cache;
	size_t n_problems;
	size_t n_checked;
	char first_problem[64];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f || tj_create(&f->j) < 0 || tj_base(&f->j) < 0)
		return -1;
	cl_options_init(&f->opt);
	f->opt.root_fd = f->j.fd;
	snprintf(f->cache_path, sizeof f->cache_path, "/tmp/cl-cache-XXXXXX");
	f->cache = mkstemp(f->cache_path);
	if (f->cache < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	close(f->cache);
	unlink(f->cache_path);
	tj_destroy(&f->j);
	free(f);
	return 0;
}

static void put(struct fixture *f, const char *fixture, const char *path, unsigned mode)
{
	assert_int_equal(tj_copy(&f->j, tj_fixture(fixture), path, mode), 0);
}

static void host(const struct fixture *f, const char *path, char *out, size_t len)
{
	snprintf(out, len, "%s%s", f->j.root, path);
}

static void settle(void)
{
	usleep(SETTLE_US);
}

/* Check PATH through the cache; the status, and what was found in F. */
static enum cl_cache_status run(struct fixture *f, const char *path)
{
	struct cl_report rep;
	enum cl_cache_status st;

	cl_report_init(&rep);
	if (cl_check_cached_racy(&f->opt, path, -1, f->cache, &rep, &st, 0) < 0)
		fail_msg("cl_check_cached(%s): %s", path, strerror(errno));
	f->n_problems = rep.n_problems;
	f->n_checked = rep.n_checked;
	snprintf(f->first_problem, sizeof f->first_problem, "%s",
		 rep.n_problems ? cl_kind_name(rep.problems[0].kind) : "");
	cl_report_free(&rep);
	return st;
}

#define assert_status(f, path, want) assert_int_equal(run(f, path), want)

/* A cached, passing /bin/p (prog_rpath: DT_RPATH /opt/wrong:/opt/right,
 * libvers.so.1 in /opt/right). */
static void cached_rpath_prog(struct fixture *f)
{
	put(f, "prog_rpath", "/bin/p", 0755);
	put(f, "libvers-old.so.1", "/opt/right/libvers.so.1", 0644);
	settle();
	assert_status(f, "/bin/p", CL_CACHE_STORED);
	assert_int_equal(f->n_problems, 0);
	assert_status(f, "/bin/p", CL_CACHE_HIT);
}

static void test_hit(void **state)
{
	struct fixture *f = *state;
	struct cl_report full, hit;
	enum cl_cache_status st;

	put(f, "hello", "/bin/hello", 0755);
	settle();
	cl_report_init(&full);
	cl_report_init(&hit);
	assert_int_equal(cl_check_cached_racy(&f->opt, "/bin/hello", -1, f->cache, &full, &st, 0), 0);
	assert_int_equal(st, CL_CACHE_STORED);
	assert_int_equal(cl_check_cached_racy(&f->opt, "/bin/hello", -1, f->cache, &hit, &st, 0), 0);
	assert_int_equal(st, CL_CACHE_HIT);
	/* A hit reports what the full check found. */
	assert_int_equal(hit.n_problems, 0);
	assert_int_equal(hit.n_checked, full.n_checked);
	for (size_t i = 0; i < full.n_checked; i++)
		assert_string_equal(hit.checked[i], full.checked[i]);
	cl_report_free(&full);
	cl_report_free(&hit);
	assert_status(f, "/bin/hello", CL_CACHE_HIT);
}

/* Each kind of change to a library the closure uses is a miss. */
static void test_changed_file(void **state)
{
	struct fixture *f = *state;
	const char *lib = "/opt/right/libvers.so.1";
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	char path[512], tmp[520];
	int fd;

	cached_rpath_prog(f);
	host(f, lib, path, sizeof path);

	/* Rewritten in place: same inode, same size, new mtime and ctime. */
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "\177", 1, 0), 1);
	close(fd);
	assert_status(f, "/bin/p", CL_CACHE_STORED);
	assert_status(f, "/bin/p", CL_CACHE_HIT);

	/* chmod: mode and ctime. */
	settle();
	assert_int_equal(chmod(path, 0755), 0);
	assert_status(f, "/bin/p", CL_CACHE_STORED);
	assert_status(f, "/bin/p", CL_CACHE_HIT);

	/* mtime set back (the size and content as they were): ctime changes. */
	settle();
	assert_int_equal(utimensat(AT_FDCWD, path, old, AT_SYMLINK_NOFOLLOW), 0);
	assert_status(f, "/bin/p", CL_CACHE_STORED);
	assert_status(f, "/bin/p", CL_CACHE_HIT);

	/* Grown by a byte. */
	settle();
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "", 1), 1);
	close(fd);
	assert_status(f, "/bin/p", CL_CACHE_STORED);
	assert_status(f, "/bin/p", CL_CACHE_HIT);

	/* Replaced by another file (rename): a new inode. */
	settle();
	snprintf(tmp, sizeof tmp, "%s.new", path);
	put(f, "libvers-old.so.1", "/opt/right/libvers.so.1.new", 0644);
	assert_int_equal(rename(tmp, path), 0);
	assert_status(f, "/bin/p", CL_CACHE_STORED);
	assert_status(f, "/bin/p", CL_CACHE_HIT);

	/* The program itself. */
	settle();
	host(f, "/bin/p", path, sizeof path);
	assert_int_equal(chmod(path, 0700), 0);
	assert_status(f, "/bin/p", CL_CACHE_STORED);
	/* The loader, the libc. */
	settle();
	host(f, LIBDIR "/ld-linux-x86-64.so.2", path, sizeof path);
	assert_int_equal(utimensat(AT_FDCWD, path, old, AT_SYMLINK_NOFOLLOW), 0);
	assert_status(f, "/bin/p", CL_CACHE_STORED);
	/* The symlink to it (its own times: never follow it out of the jail). */
	settle();
	host(f, "/lib64/ld-linux-x86-64.so.2", path, sizeof path);
	assert_int_equal(utimensat(AT_FDCWD, path, old, AT_SYMLINK_NOFOLLOW), 0);
	assert_status(f, "/bin/p", CL_CACHE_STORED);
	settle();
	host(f, LIBDIR "/libc.so.6", path, sizeof path);
	assert_int_equal(chmod(path, 0555), 0);
	assert_status(f, "/bin/p", CL_CACHE_STORED);
	assert_status(f, "/bin/p", CL_CACHE_HIT);
}

/* A library added to a directory searched before the one it came from. */
static void test_new_file_in_searched_dir(void **state)
{
	struct fixture *f = *state;

	cached_rpath_prog(f);
	assert_int_equal(tj_write(&f->j, "/opt/wrong/libvers.so.1", "not an ELF file", 0644), 0);
	assert_int_not_equal(run(f, "/bin/p"), CL_CACHE_HIT);
	assert_string_equal(f->first_problem, "bad-elf");
	/* A broken verdict is never stored. */
	assert_status(f, "/bin/p", CL_CACHE_NOT_STORED);
	assert_int_equal(tj_unlink(&f->j, "/opt/wrong/libvers.so.1"), 0);
	settle();
	assert_status(f, "/bin/p", CL_CACHE_STORED);
	assert_int_equal(f->n_problems, 0);
	assert_status(f, "/bin/p", CL_CACHE_HIT);

	/* A library in a hwcaps subdirectory of the directory it came from. */
	assert_int_equal(tj_write(&f->j, "/opt/right/tls/libvers.so.1", "junk", 0644), 0);
	assert_int_not_equal(run(f, "/bin/p"), CL_CACHE_HIT);
	assert_int_equal(f->n_problems, 1);
}

/* A directory that did not exist when the check looked for it. */
static void test_new_directory(void **state)
{
	struct fixture *f = *state;

	cached_rpath_prog(f);
	assert_int_equal(tj_write(&f->j, "/opt/wrong/libvers.so.1", "junk", 0644), 0);
	assert_int_not_equal(run(f, "/bin/p"), CL_CACHE_HIT);
	assert_string_equal(f->first_problem, "bad-elf");
}

/* A symlink pointed elsewhere; an ld.so.cache and nsswitch.conf appearing. */
static void test_symlink_and_config(void **state)
{
	struct fixture *f = *state;

	put(f, "prog_vers1", "/bin/p", 0755);
	put(f, "libvers-old.so.1", LIBDIR "/libvers-a.so", 0644);
	put(f, "libvers-old.so.1", LIBDIR "/libvers-b.so", 0644);
	assert_int_equal(tj_symlink(&f->j, "libvers-a.so", LIBDIR "/libvers.so.1"), 0);
	settle();
	assert_status(f, "/bin/p", CL_CACHE_STORED);
	assert_status(f, "/bin/p", CL_CACHE_HIT);
	assert_int_equal(tj_unlink(&f->j, LIBDIR "/libvers.so.1"), 0);
	assert_int_equal(tj_symlink(&f->j, "libvers-b.so", LIBDIR "/libvers.so.1"), 0);
	assert_status(f, "/bin/p", CL_CACHE_STORED);
	assert_status(f, "/bin/p", CL_CACHE_HIT);

	settle();
	assert_int_equal(tj_write(&f->j, "/etc/nsswitch.conf", "passwd: files ldap\n", 0644), 0);
	assert_int_not_equal(run(f, "/bin/p"), CL_CACHE_HIT);
	assert_string_equal(f->first_problem, "missing-nss-module");
}

/* The other inputs: options, the path, the root. */
static void test_inputs(void **state)
{
	struct fixture *f = *state;
	struct tjail other;

	put(f, "hello", "/bin/hello", 0755);
	assert_int_equal(tj_symlink(&f->j, "hello", "/bin/hello2"), 0);
	settle();
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	f->opt.symbols = false;
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	assert_status(f, "/bin/hello", CL_CACHE_HIT);
	f->opt.symbols = true;
	assert_status(f, "/bin/hello", CL_CACHE_HIT);
	f->opt.safe_path = "/bin";
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	f->opt.safe_path = NULL;
	assert_status(f, "/bin/hello", CL_CACHE_HIT);
	assert_status(f, "/bin/hello2", CL_CACHE_STORED);
	/* Another root with the same files is another jail. */
	assert_int_equal(tj_create(&other), 0);
	assert_int_equal(tj_base(&other), 0);
	assert_int_equal(tj_copy(&other, tj_fixture("hello"), "/bin/hello", 0755), 0);
	settle();
	f->opt.root_fd = other.fd;
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	f->opt.root_fd = f->j.fd;
	assert_status(f, "/bin/hello", CL_CACHE_HIT);
	tj_destroy(&other);
	/* --deep is an input of its own. */
	f->opt.deep = true;
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	assert_status(f, "/bin/hello", CL_CACHE_HIT);
	f->opt.deep = false;
	assert_status(f, "/bin/hello", CL_CACHE_HIT);
	/* Not cached: --host, no cache fd. */
	f->cache = -f->cache - 1;
	assert_status(f, "/bin/hello", CL_CACHE_UNUSED);
	f->cache = -f->cache - 1;
}

/* --deep: a module added to (or removed from) a module directory, at any
 * depth the check read, is a miss; so is a module's own library. */
static void test_deep_modules(void **state)
{
	struct fixture *f = *state;
	const char *dyn = "/usr/lib/python3.99/lib-dynload";
	char mod[128], path[512];

	snprintf(mod, sizeof mod, "%s/good.cpython-399-x86_64-linux-gnu.so", dyn);
	put(f, "pyfake", "/usr/bin/python3.99", 0755);
	put(f, "goodmod.so", mod, 0644);
	assert_int_equal(tj_mkdirs(&f->j, "/usr/lib/python3/dist-packages/pkg/sub"), 0);
	f->opt.deep = true;
	settle();
	assert_status(f, "/usr/bin/python3.99", CL_CACHE_STORED);
	assert_status(f, "/usr/bin/python3.99", CL_CACHE_HIT);
	put(f, "badmod.so", "/usr/lib/python3/dist-packages/pkg/sub/bad.so", 0644);
	settle();
	assert_status(f, "/usr/bin/python3.99", CL_CACHE_NOT_STORED);
	assert_string_equal(f->first_problem, "undefined-symbol");
	assert_int_equal(tj_unlink(&f->j, "/usr/lib/python3/dist-packages/pkg/sub/bad.so"), 0);
	settle();
	assert_status(f, "/usr/bin/python3.99", CL_CACHE_STORED);
	assert_status(f, "/usr/bin/python3.99", CL_CACHE_HIT);
	/* The module itself rewritten. */
	host(f, mod, path, sizeof path);
	assert_int_equal(chmod(path, 0755), 0);
	settle();
	assert_status(f, "/usr/bin/python3.99", CL_CACHE_STORED);
	assert_status(f, "/usr/bin/python3.99", CL_CACHE_HIT);
	/* Without --deep the module directories are not consulted at all. */
	f->opt.deep = false;
	assert_status(f, "/usr/bin/python3.99", CL_CACHE_STORED);
	put(f, "badmod.so", "/usr/lib/python3/dist-packages/pkg/bad.so", 0644);
	assert_status(f, "/usr/bin/python3.99", CL_CACHE_HIT);
}

static void test_problems_not_stored(void **state)
{
	struct fixture *f = *state;

	put(f, "prog_vers1", "/bin/p", 0755);
	settle();
	assert_status(f, "/bin/p", CL_CACHE_NOT_STORED);
	assert_string_equal(f->first_problem, "missing-library");
	assert_status(f, "/bin/p", CL_CACHE_NOT_STORED);
	assert_int_equal(f->n_problems, 1);
}

static void write_at(int fd, off_t off, const void *data, size_t len)
{
	assert_int_equal(pwrite(fd, data, len, off), (ssize_t)len);
}

static void test_corrupt_file(void **state)
{
	struct fixture *f = *state;
	const uint8_t other_version = CL_CACHE_VERSION + 1;
	struct cl_cache_slot slot;
	char junk[9000];
	struct stat st;

	put(f, "hello", "/bin/hello", 0755);
	settle();
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 7 + 3);

	/* Garbage throughout. */
	write_at(f->cache, 0, junk, sizeof junk);
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	assert_status(f, "/bin/hello", CL_CACHE_HIT);
	/* A byte of the entry flipped: its hash fails. */
	assert_int_equal(fstat(f->cache, &st), 0);
	write_at(f->cache, st.st_size - 3, "\xff", 1);
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	assert_status(f, "/bin/hello", CL_CACHE_HIT);
	/* Truncated inside the index, then inside the entry. */
	assert_int_equal(ftruncate(f->cache, 100), 0);
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	assert_int_equal(fstat(f->cache, &st), 0);
	assert_int_equal(ftruncate(f->cache, st.st_size - 10), 0);
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	/* A slot pointing out of bounds, or into the index. */
	assert_int_equal(pread(f->cache, &slot, sizeof slot, sizeof(struct cl_cache_head)),
			 (ssize_t)sizeof slot);
	slot.len = UINT32_MAX;
	write_at(f->cache, sizeof(struct cl_cache_head), &slot, sizeof slot);
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	assert_int_equal(pread(f->cache, &slot, sizeof slot, sizeof(struct cl_cache_head)),
			 (ssize_t)sizeof slot);
	slot.off = 0;
	write_at(f->cache, sizeof(struct cl_cache_head), &slot, sizeof slot);
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	/* Another format version, another checker. */
	write_at(f->cache, 8, &other_version, 1);
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	write_at(f->cache, 16, "\x5a", 1);
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	assert_status(f, "/bin/hello", CL_CACHE_HIT);
}

/* Entries with a valid hash whose contents lie (as a compromised checker
 * could write them): each is read as a miss, then replaced. */
static void test_hostile_entry(void **state)
{
	struct fixture *f = *state;
	struct cl_cache_head head;
	struct cl_cache_slot slot;
	uint8_t *real, *e;
	uint32_t in_len;

	put(f, "hello", "/bin/hello", 0755);
	settle();
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	assert_int_equal(pread(f->cache, &head, sizeof head, 0), (ssize_t)sizeof head);
	assert_int_equal(pread(f->cache, &slot, sizeof slot, sizeof head), (ssize_t)sizeof slot);
	real = malloc(slot.len + 1);
	e = malloc(slot.len + 1);
	assert_non_null(real);
	assert_non_null(e);
	assert_int_equal(pread(f->cache, real, slot.len, slot.off), (ssize_t)slot.len);
	memcpy(&in_len, real, sizeof in_len);
	for (int how = 0; how < 7; how++) {
		static const uint32_t lies[] = { 0, 0x7fffffff, 0xffffffff };
		size_t len = slot.len;

		memcpy(e, real, slot.len);
		if (how < 3) {            /* the length of the inputs */
			memcpy(e, &lies[how], sizeof lies[how]);
		} else if (how == 3) {    /* the number of checked paths */
			memcpy(e + 4 + in_len, &lies[2], sizeof lies[2]);
		} else if (how == 4) {    /* the last record cut short */
			len--;
		} else if (how == 5) {    /* a byte too many */
			e[len++] = 0;
		} else {                  /* the first checked path loses its NUL */
			uint32_t n;

			memcpy(&n, e + 4 + in_len + 4, sizeof n);
			e[4 + in_len + 8 + n - 1] = 'x';
		}
		assert_int_equal(cl_cachefile_store(f->cache, head.checker, slot.key, e, len), 0);
		assert_status(f, "/bin/hello", CL_CACHE_STORED);
		assert_status(f, "/bin/hello", CL_CACHE_HIT);
	}
	free(real);
	free(e);
}

/* At most CL_CACHE_SLOTS programs; the least recently used go first. */
static void test_lru(void **state)
{
	struct fixture *f = *state;
	char name[32];
	struct stat st;
	int n = CL_CACHE_SLOTS + 10;

	put(f, "hello", "/bin/hello", 0755);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "/bin/p%d", i);
		assert_int_equal(tj_symlink(&f->j, "hello", name), 0);
	}
	settle();
	for (int i = 0; i < CL_CACHE_SLOTS; i++) {
		snprintf(name, sizeof name, "/bin/p%d", i);
		assert_status(f, name, CL_CACHE_STORED);
	}
	/* A use is recorded at most once a second. */
	sleep(1);
	assert_status(f, "/bin/p0", CL_CACHE_HIT);
	for (int i = CL_CACHE_SLOTS; i < n; i++) {
		snprintf(name, sizeof name, "/bin/p%d", i);
		assert_status(f, name, CL_CACHE_STORED);
	}
	assert_status(f, "/bin/p0", CL_CACHE_HIT);
	assert_status(f, "/bin/p1", CL_CACHE_STORED);
	snprintf(name, sizeof name, "/bin/p%d", n - 1);
	assert_status(f, name, CL_CACHE_HIT);
	assert_int_equal(fstat(f->cache, &st), 0);
	assert_true(st.st_size <= CL_CACHE_MAX_FILE);
}

/* A file another request holds locked (its user could stop that request)
 * costs a full check, never a wait. */
static void test_locked(void **state)
{
	struct fixture *f = *state;
	int other;

	put(f, "hello", "/bin/hello", 0755);
	settle();
	assert_status(f, "/bin/hello", CL_CACHE_STORED);
	other = open(f->cache_path, O_RDWR | O_CLOEXEC);
	assert_true(other >= 0);
	assert_int_equal(flock(other, LOCK_EX), 0);
	assert_status(f, "/bin/hello", CL_CACHE_NOT_STORED);
	assert_int_equal(flock(other, LOCK_SH), 0);
	assert_status(f, "/bin/hello", CL_CACHE_HIT);
	close(other);
	assert_status(f, "/bin/hello", CL_CACHE_HIT);
}

/* The real window: a jail changed just now is checked, not cached. */
static void test_racy(void **state)
{
	struct fixture *f = *state;
	struct cl_report rep;
	enum cl_cache_status st;

	put(f, "hello", "/bin/hello", 0755);
	for (int i = 0; i < 2; i++) {
		cl_report_init(&rep);
		assert_int_equal(cl_check_cached(&f->opt, "/bin/hello", -1, f->cache, &rep, &st), 0);
		assert_int_equal(st, CL_CACHE_RACY);
		assert_int_equal(rep.n_problems, 0);
		cl_report_free(&rep);
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_hit), T(test_changed_file), T(test_new_file_in_searched_dir),
		T(test_new_directory), T(test_symlink_and_config), T(test_inputs),
		T(test_deep_modules), T(test_problems_not_stored), T(test_corrupt_file),
		T(test_hostile_entry),
		T(test_lru), T(test_locked), T(test_racy),
	};

	return cmocka_run_group_tests_name("closure_cache", tests, NULL, NULL);
}
