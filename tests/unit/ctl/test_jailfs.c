/* The jail writer: atomic install, idempotence, symlinks resolved inside
 * the jail only. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailfs.h"
#include "tmptree.h"

static char top[4096], jail[4200];
static int rootfd = -1;

static int setup(void **state)
{
	(void)state;
	rootfd = tmptree_jail(top, sizeof top, jail, sizeof jail);
	return rootfd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	close(rootfd);
	tmptree_remove(top);
	return 0;
}

static int install(const char *dir, const char *name, const char *content, mode_t mode)
{
	struct jfs_src src = { .fd = -1, .buf = content, .len = strlen(content) };
	int pfd = jfs_mkdirs(rootfd, dir, 0755, getuid(), getgid(), NULL), rc;

	assert_true(pfd >= 0);
	rc = jfs_install(pfd, name, &src, mode, getuid(), getgid());
	close(pfd);
	return rc;
}

static ino_t inode(const char *rel)
{
	char path[8400];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", jail, rel);
	assert_int_equal(lstat(path, &st), 0);
	return st.st_ino;
}

static void test_install_is_idempotent(void **state)
{
	ino_t first;

	(void)state;
	assert_int_equal(install("/etc", "passwd", "root:x:0:0\n", 0644), 1);
	first = inode("etc/passwd");
	assert_int_equal(install("/etc", "passwd", "root:x:0:0\n", 0644), 0);
	assert_int_equal(inode("etc/passwd"), first);
	/* Other bytes, or another mode: replaced by rename, a new inode. */
	assert_int_equal(install("/etc", "passwd", "root:x:0:0\nx:x:1:1\n", 0644), 1);
	assert_true(inode("etc/passwd") != first);
	first = inode("etc/passwd");
	assert_int_equal(install("/etc", "passwd", "root:x:0:0\nx:x:1:1\n", 0600), 1);
	assert_true(inode("etc/passwd") != first);
}

static void test_install_from_fd(void **state)
{
	char path[8400];
	struct stat st;
	int src, pfd;

	(void)state;
	tmptree_file(top, "host-file", "host bytes\n", 0755);
	snprintf(path, sizeof path, "%s/host-file", top);
	src = open(path, O_RDONLY);
	assert_true(src >= 0);
	assert_int_equal(fstat(src, &st), 0);
	/* Missing parents would be made root-owned: make them here (non-root runs). */
	tmptree_dir(jail, "usr/bin", 0755);
	pfd = jfs_mkdirs(rootfd, "/usr/bin", 0755, getuid(), getgid(), NULL);
	struct jfs_src s = { .fd = src, .mtime = &st.st_mtim };
	assert_int_equal(jfs_install(pfd, "prog", &s, 0755, getuid(), getgid()), 1);
	assert_int_equal(jfs_install(pfd, "prog", &s, 0755, getuid(), getgid()), 0);
	close(pfd);
	close(src);
	snprintf(path, sizeof path, "%s/usr/bin/prog", jail);
	struct stat got;
	assert_int_equal(stat(path, &got), 0);
	assert_int_equal(got.st_mtim.tv_sec, st.st_mtim.tv_sec);
	assert_int_equal(got.st_mode & 07777, 0755);
}

/* A symlink of the jail that climbs out leads back into the jail. */
static void test_symlinks_stay_inside(void **state)
{
	char path[8400];
	int fd;

	(void)state;
	snprintf(path, sizeof path, "%s/evil", jail);
	assert_int_equal(symlink("../../../../escape", path), 0);
	/* Dangling: refused rather than created through the link. */
	assert_true(jfs_mkdirs(rootfd, "/evil/sub", 0755, getuid(), getgid(), NULL) < 0);
	snprintf(path, sizeof path, "%s/escape", top);
	assert_int_equal(access(path, F_OK), -1);
	/* Once the target exists in the jail, the link leads there. */
	tmptree_dir(jail, "escape", 0755);
	fd = jfs_mkdirs(rootfd, "/evil/sub", 0755, getuid(), getgid(), NULL);
	assert_true(fd >= 0);
	close(fd);
	snprintf(path, sizeof path, "%s/escape/sub", jail);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/escape", top);
	assert_int_equal(access(path, F_OK), -1);
	/* An absolute target means the jail's root too. */
	snprintf(path, sizeof path, "%s/abs", jail);
	assert_int_equal(symlink("/etc", path), 0);
	assert_int_equal(install("/abs", "hosts", "127.0.0.1 localhost\n", 0644), 1);
	snprintf(path, sizeof path, "%s/etc/hosts", jail);
	assert_int_equal(access(path, F_OK), 0);
}

/* A directory for the customer: no symlink at all on the way. */
static void test_nolinks(void **state)
{
	char path[8400];
	int fd;

	(void)state;
	tmptree_dir(jail, "sys", 0755);
	snprintf(path, sizeof path, "%s/cust", jail);
	assert_int_equal(symlink("sys", path), 0);
	assert_true(jfs_mkdirs_nolinks(rootfd, "/cust", 0755, getuid(), getgid(), NULL) < 0);
	assert_int_equal(errno, ELOOP);
	assert_true(jfs_mkdirs_nolinks(rootfd, "/cust/sub", 0755, getuid(), getgid(), NULL) < 0);
	snprintf(path, sizeof path, "%s/sys/sub", jail);
	assert_int_equal(access(path, F_OK), -1);
	fd = jfs_mkdirs_nolinks(rootfd, "/real/sub", 0755, getuid(), getgid(), NULL);
	assert_true(fd >= 0);
	close(fd);
}

/* Made (1), already right (0), fixed (2): what init reports. */
static void test_ensure_dir(void **state)
{
	char path[8400];
	struct stat st;

	(void)state;
	assert_int_equal(jfs_ensure_dir(rootfd, "/web/cgi-bin", 0750, getuid(), getgid()), 1);
	assert_int_equal(jfs_ensure_dir(rootfd, "/web/cgi-bin", 0750, getuid(), getgid()), 0);
	snprintf(path, sizeof path, "%s/web/cgi-bin", jail);
	assert_int_equal(chmod(path, 0775), 0);
	assert_int_equal(jfs_ensure_dir(rootfd, "/web/cgi-bin", 0750, getuid(), getgid()), 2);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	snprintf(path, sizeof path, "%s/web", jail);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
}

static void test_install_does_not_follow_last_symlink(void **state)
{
	char path[8400], outside[8400];

	(void)state;
	snprintf(outside, sizeof outside, "%s/outside-target", top);
	tmptree_file(top, "outside-target", "keep\n", 0644);
	snprintf(path, sizeof path, "%s/etc/group", jail);
	assert_int_equal(symlink(outside, path), 0);
	assert_int_equal(install("/etc", "group", "root:x:0:\n", 0644), 1);
	/* The symlink was replaced; its target is untouched. */
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(stat(outside, &st), 0);
	assert_int_equal(st.st_size, 5);
}

static void test_symlink(void **state)
{
	int pfd;
	char buf[64];
	ssize_t n;

	(void)state;
	pfd = jfs_mkdirs(rootfd, "/", 0755, getuid(), getgid(), NULL);
	assert_true(pfd >= 0);
	assert_int_equal(jfs_symlink(pfd, "lib", "usr/lib"), 1);
	assert_int_equal(jfs_symlink(pfd, "lib", "usr/lib"), 0);
	assert_int_equal(jfs_symlink(pfd, "lib", "usr/lib64"), 1);
	n = readlinkat(pfd, "lib", buf, sizeof buf - 1);
	assert_int_equal(n, 9);
	buf[n] = '\0';
	assert_string_equal(buf, "usr/lib64");
	close(pfd);
}

/* Temporary files of a process that is gone are removed; others stay. */
static void test_sweep_temps(void **state)
{
	char own[64], path[8400];
	int fd;

	(void)state;
	tmptree_dir(jail, "sweep", 0755);
	tmptree_file(jail, "sweep/.libc.so.6.cjctl-2147483600-0", "half", 0600);
	snprintf(own, sizeof own, "sweep/.libm.so.6.cjctl-%ld-3", (long)getpid());
	tmptree_file(jail, own, "mine", 0600);
	tmptree_file(jail, "sweep/.keep.cjctl-12x-0", "", 0600);
	tmptree_file(jail, "sweep/libc.so.6", "", 0644);
	fd = jfs_open(rootfd, "/sweep", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(jfs_sweep_temps(fd), 1);
	close(fd);
	snprintf(path, sizeof path, "%s/sweep/.libc.so.6.cjctl-2147483600-0", jail);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof path, "%s/%s", jail, own);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/sweep/.keep.cjctl-12x-0", jail);
	assert_int_equal(access(path, F_OK), 0);
}

static void test_split(void **state)
{
	char parent[64];
	const char *last;

	(void)state;
	assert_int_equal(jfs_split("/etc/passwd", parent, sizeof parent, &last), 0);
	assert_string_equal(parent, "/etc");
	assert_string_equal(last, "passwd");
	assert_int_equal(jfs_split("/x", parent, sizeof parent, &last), 0);
	assert_string_equal(parent, "/");
	assert_string_equal(last, "x");
	assert_int_equal(jfs_split("/", parent, sizeof parent, &last), -1);
	assert_int_equal(jfs_split("relative", parent, sizeof parent, &last), -1);
	assert_int_equal(jfs_split("/dir/", parent, sizeof parent, &last), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_install_is_idempotent),
		cmocka_unit_test(test_install_from_fd),
		cmocka_unit_test(test_symlinks_stay_inside),
		cmocka_unit_test(test_nolinks),
		cmocka_unit_test(test_ensure_dir),
		cmocka_unit_test(test_install_does_not_follow_last_symlink),
		cmocka_unit_test(test_symlink),
		cmocka_unit_test(test_sweep_temps),
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
