/* open_root_owned_path() on real directories (root is needed to chown). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "safepath.h"

static char top[64];
static char why[512];

static int make_tree(void **state)
{
	char p[128];

	(void)state;
	/* Under a root-owned 0755 parent: /tmp itself is 1777 and would fail. */
	mkdir("/run/cj-safepath-test", 0755);
	chmod("/run/cj-safepath-test", 0755);
	snprintf(top, sizeof top, "/run/cj-safepath-test/t%d", (int)getpid());
	assert_int_equal(mkdir(top, 0755), 0);
	snprintf(p, sizeof p, "%s/good", top);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/good/file", top);
	close(open(p, O_CREAT | O_WRONLY, 0644));
	snprintf(p, sizeof p, "%s/gw", top);
	assert_int_equal(mkdir(p, 0755), 0);
	chmod(p, 0775);
	snprintf(p, sizeof p, "%s/user", top);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(chown(p, 65534, 65534), 0);
	snprintf(p, sizeof p, "%s/link", top);
	assert_int_equal(symlink("good", p), 0);
	return 0;
}

static int remove_tree(void **state)
{
	static const char *const parts[] = { "/link", "/good/file", "/good", "/gw", "/user", "" };
	char p[128];
	int rc = 0;

	(void)state;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		snprintf(p, sizeof p, "%s%s", top, parts[i]);
		if (remove(p) < 0)
			rc = -1;
	}
	return rc;
}

static int try_open(const char *sub, int flags)
{
	char p[128];
	int fd;

	snprintf(p, sizeof p, "%s%s", top, sub);
	why[0] = '\0';
	fd = open_root_owned_path(p, flags, why, sizeof why);
	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 0 : -1;
}

static void root_owned_tree_opens(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(try_open("/good", O_PATH | O_DIRECTORY), 0);
	assert_int_equal(try_open("/good/file", O_RDONLY), 0);
}

static void group_writable_component_is_refused(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(try_open("/gw", O_PATH | O_DIRECTORY), -1);
	assert_non_null(strstr(why, "writable by group or others"));
}

static void user_owned_component_is_refused(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(try_open("/user", O_PATH | O_DIRECTORY), -1);
	assert_non_null(strstr(why, "owned by uid 65534"));
}

static void symlink_component_is_refused(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(try_open("/link", O_PATH | O_DIRECTORY), -1);
	assert_non_null(strstr(why, "symlink"));
	assert_int_equal(try_open("/link/file", O_RDONLY), -1);
	assert_non_null(strstr(why, "symlink"));
}

static void dot_dot_and_relative_are_refused(void **state)
{
	(void)state;
	assert_int_equal(try_open("/good/../good", O_PATH | O_DIRECTORY), -1);
	why[0] = '\0';
	assert_int_equal(open_root_owned_path("relative", O_PATH, why, sizeof why), -1);
	assert_non_null(strstr(why, "absolute"));
}

static void sticky_tmp_is_refused(void **state)
{
	(void)state;
	assert_int_equal(open_root_owned_path("/tmp", O_PATH | O_DIRECTORY, why, sizeof why), -1);
	assert_non_null(strstr(why, "/tmp is writable by group or others"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(root_owned_tree_opens),
		cmocka_unit_test(group_writable_component_is_refused),
		cmocka_unit_test(user_owned_component_is_refused),
		cmocka_unit_test(symlink_component_is_refused),
		cmocka_unit_test(dot_dot_and_relative_are_refused),
		cmocka_unit_test(sticky_tmp_is_refused),
	};
	return cmocka_run_group_tests(tests, make_tree, remove_tree);
}
