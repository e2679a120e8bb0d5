/* Profiles: parsing, requires, errors that name the file and the key. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "tmptree.h"

static char dir[4096];

static int setup(void **state)
{
	(void)state;
	tmptree_new(dir, sizeof dir);
	tmptree_file(dir, "base.ini", "[profile]\ndescription = the base\ndirs = /etc /usr/bin\n"
		     "sticky_dirs = /tmp\nuser_dirs = /var/www/cgi-bin\n", 0644);
	tmptree_file(dir, "sh.ini", "; comment\n[profile]\nprograms = /bin/sh  /usr/bin/env\n", 0644);
	tmptree_file(dir, "py.ini", "[profile]\nrequires = sh\nprograms = /usr/bin/python3\n"
		     "trees = /usr/lib/python3.[0-9]*\nexclude = */__pycache__ */test\n", 0644);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmptree_remove(dir);
	return 0;
}

static int add(struct profile_set *set, const char *name, char *why, size_t len)
{
	why[0] = '\0';
	return profile_add(set, dir, name, why, len);
}

static void test_base_is_always_first(void **state)
{
	struct profile_set set = { 0 };
	char why[512];

	(void)state;
	assert_int_equal(add(&set, "sh", why, sizeof why), 0);
	assert_int_equal(set.names.n, 2);
	assert_string_equal(set.names.v[0], "base");
	assert_string_equal(set.names.v[1], "sh");
	assert_int_equal(set.list[PROF_DIRS].n, 2);
	assert_string_equal(set.list[PROF_DIRS].v[1], "/usr/bin");
	assert_int_equal(set.list[PROF_PROGRAMS].n, 2);
	assert_string_equal(set.list[PROF_PROGRAMS].v[1], "/usr/bin/env");
	assert_string_equal(set.list[PROF_STICKY_DIRS].v[0], "/tmp");
	profile_set_free(&set);
}

static void test_requires_come_first_and_once(void **state)
{
	struct profile_set set = { 0 };
	char why[512];

	(void)state;
	assert_int_equal(add(&set, "py", why, sizeof why), 0);
	assert_int_equal(add(&set, "sh", why, sizeof why), 0);
	assert_int_equal(set.names.n, 3);
	assert_string_equal(set.names.v[1], "sh");
	assert_string_equal(set.names.v[2], "py");
	/* /bin/sh, /usr/bin/env, /usr/bin/python3: no duplicates. */
	assert_int_equal(set.list[PROF_PROGRAMS].n, 3);
	assert_int_equal(set.list[PROF_EXCLUDE].n, 2);
	assert_string_equal(set.list[PROF_TREES].v[0], "/usr/lib/python3.[0-9]*");
	profile_set_free(&set);
}

static void expect_error(const char *file, const char *content, const char *name,
			 const char *want1, const char *want2)
{
	struct profile_set set = { 0 };
	char why[512];

	tmptree_file(dir, file, content, 0644);
	assert_int_equal(add(&set, name, why, sizeof why), -1);
	if (!strstr(why, want1) || !strstr(why, want2))
		fail_msg("error '%s' lacks '%s' or '%s'", why, want1, want2);
	profile_set_free(&set);
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_error("k.ini", "[profile]\nprogram = /bin/sh\n", "k", "k.ini", "unknown key 'program'");
}

static void test_unknown_section(void **state)
{
	(void)state;
	expect_error("s.ini", "[profile]\ndirs = /x\n[other]\na = b\n", "s", "s.ini", "[other]");
}

static void test_relative_path(void **state)
{
	(void)state;
	expect_error("r.ini", "[profile]\nfiles = etc/passwd\n", "r", "r.ini", "not an absolute path");
	expect_error("d.ini", "[profile]\ntrees = /usr/../etc\n", "d", "d.ini", "'..'");
}

static void test_bad_requires(void **state)
{
	(void)state;
	expect_error("q.ini", "[profile]\nrequires = ../evil\n", "q", "q.ini", "not a profile name");
	tmptree_file(dir, "loop2.ini", "[profile]\nrequires = loop1\n", 0644);
	expect_error("loop1.ini", "[profile]\nrequires = loop2\n", "loop1", "deeper", "");
}

static void test_bad_names(void **state)
{
	struct profile_set set = { 0 };
	char why[512];

	(void)state;
	assert_int_equal(add(&set, "../base", why, sizeof why), -1);
	assert_non_null(strstr(why, "not a profile name"));
	assert_int_equal(add(&set, ".hidden", why, sizeof why), -1);
	assert_int_equal(add(&set, "missing", why, sizeof why), -1);
	assert_non_null(strstr(why, "missing.ini"));
	profile_set_free(&set);
}

/* Every profile shipped in etc/profiles parses. */
static void test_shipped_profiles(void **state)
{
	DIR *d = opendir(CTL_PROFILES_SRC);
	struct dirent *de;
	int n = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		struct profile_set set = { 0 };
		char name[256], why[512] = "";
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".ini") != 0)
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(len - 4), de->d_name);
		if (profile_add(&set, CTL_PROFILES_SRC, name, why, sizeof why) != 0)
			fail_msg("%s: %s", name, why);
		assert_string_equal(set.names.v[0], "base");
		profile_set_free(&set);
		n++;
	}
	closedir(d);
	assert_true(n >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_is_always_first),
		cmocka_unit_test(test_requires_come_first_and_once),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_relative_path),
		cmocka_unit_test(test_bad_requires),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_shipped_profiles),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
