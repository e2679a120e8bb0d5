/* The host-path alias: its name and target, made in a jail, and what it
 * resolves to inside the jail and on the host. Making it needs root (the
 * directories on its way are root's) and is skipped otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_rules.h"
#include "hostalias.h"
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

static void expect_paths(const char *jailpath, const char *link, const char *target)
{
	char l[256], t[256];

	assert_int_equal(hostalias_paths(jailpath, l, sizeof l, t, sizeof t), 0);
	assert_string_equal(l, link);
	assert_string_equal(t, target);
	/* cgijailctl audit must never take it for an escaping symlink. */
	assert_false(audit_link_escapes(l, t));
}

static void expect_invalid(const char *jailpath, int err)
{
	char l[256], t[256];

	errno = 0;
	assert_int_equal(hostalias_paths(jailpath, l, sizeof l, t, sizeof t), -1);
	assert_int_equal(errno, err);
}

static void test_paths(void **state)
{
	(void)state;
	expect_paths("/srv/jails/alice", "/srv/jails/alice", "../..");
	expect_paths("/x", "/x", ".");
	expect_paths("/a/b", "/a/b", "..");
	expect_paths("//srv/./jails//alice/", "/srv/jails/alice", "../..");
	expect_paths("/srv/jails/alice/.", "/srv/jails/alice", "../..");
	expect_invalid("/", EINVAL);
	expect_invalid("/./", EINVAL);
	expect_invalid("srv/jails/alice", EINVAL);
	expect_invalid("/srv/../etc", EINVAL);
	expect_invalid("/srv/jails/..", EINVAL);
}

static void test_paths_too_long(void **state)
{
	char l[8], t[8];

	(void)state;
	errno = 0;
	assert_int_equal(hostalias_paths("/srv/jails/alice", l, sizeof l, t, sizeof t), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	errno = 0;
	assert_int_equal(hostalias_paths("/a/b/c/d", l, sizeof l, t, 4), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

/* JAIL + the alias's name, on the host. */
static const char *alias_on_host(void)
{
	static char buf[8400];

	snprintf(buf, sizeof buf, "%s%s", jail, jail);
	return buf;
}

static void test_make(void **state)
{
	char target[4096], want[4096], resolved[PATH_MAX], realjail[PATH_MAX];
	char lk[4096];
	ssize_t n;
	int fd;
	struct stat st, rootst;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(hostalias_make(rootfd, jail), 1);
	assert_int_equal(hostalias_paths(jail, lk, sizeof lk, want, sizeof want), 0);
	n = readlink(alias_on_host(), target, sizeof target - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, want);
	/* On the host it leads to the jail itself, never to the host's root. */
	assert_non_null(realpath(alias_on_host(), resolved));
	assert_non_null(realpath(jail, realjail));
	assert_string_equal(resolved, realjail);
	/* Inside the jail, JAIL/etc is /etc. */
	snprintf(lk, sizeof lk, "%s/etc", jail);
	tmptree_dir(jail, "etc", 0755);
	fd = jfs_open(rootfd, lk, O_PATH | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	fd = jfs_open(rootfd, "/etc", O_PATH | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &rootst), 0);
	close(fd);
	assert_true(st.st_ino == rootst.st_ino && st.st_dev == rootst.st_dev);
	/* Again: nothing to do. */
	assert_int_equal(hostalias_make(rootfd, jail), 0);
}

static void test_make_corrects_target(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_true(hostalias_make(rootfd, jail) >= 0);
	assert_int_equal(unlink(alias_on_host()), 0);
	assert_int_equal(symlink("/etc", alias_on_host()), 0);
	assert_int_equal(hostalias_make(rootfd, jail), 1);
	assert_int_equal(hostalias_make(rootfd, jail), 0);
}

static void test_make_refuses_a_directory(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_true(hostalias_make(rootfd, jail) >= 0);
	assert_int_equal(unlink(alias_on_host()), 0);
	assert_int_equal(mkdir(alias_on_host(), 0755), 0);
	errno = 0;
	assert_int_equal(hostalias_make(rootfd, jail), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(rmdir(alias_on_host()), 0);
}

/* A symlink on the way would move the link away from where its relative
 * target counts from. */
static void test_make_no_symlink_on_the_way(void **state)
{
	char other[4096], first[8400], *slash;
	char moved[8400];

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_true(hostalias_make(rootfd, jail) >= 0);
	/* JAIL/<first component of JAIL> becomes a symlink to a directory. */
	snprintf(other, sizeof other, "%s", jail + 1);
	slash = strchr(other, '/');
	assert_non_null(slash);
	*slash = '\0';
	snprintf(first, sizeof first, "%s/%s", jail, other);
	snprintf(moved, sizeof moved, "%s/moved", jail);
	assert_int_equal(rename(first, moved), 0);
	assert_int_equal(symlink("moved", first), 0);
	errno = 0;
	assert_int_equal(hostalias_make(rootfd, jail), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(unlink(first), 0);
	assert_int_equal(rename(moved, first), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_paths_too_long),
		cmocka_unit_test(test_make),
		cmocka_unit_test(test_make_corrects_target),
		cmocka_unit_test(test_make_refuses_a_directory),
		cmocka_unit_test(test_make_no_symlink_on_the_way),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
