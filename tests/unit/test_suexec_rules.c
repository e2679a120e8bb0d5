/* suexec's checks as predicates (src/common/suexec_rules.c): each verdict,
 * its order (the first that applies), and the reason cgijail logs. No
 * files: stat results are made up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "cj_exit.h"
#include "suexec_rules.h"

static char why[4096];
static const struct cj_target cust = { 3999999990, 3999999990, "cust", "custg" };

static struct stat st_of(mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;

	memset(&st, 0, sizeof st);
	st.st_mode = mode;
	st.st_uid = uid;
	st.st_gid = gid;
	return st;
}

static void command(void **state)
{
	char longcmd[8192];

	(void)state;
	assert_int_equal(cj_command_verdict("prog.cgi", why, sizeof why), CJ_OK);
	assert_int_equal(cj_command_verdict("sub/prog.cgi", why, sizeof why), CJ_OK);
	assert_int_equal(cj_command_verdict("", why, sizeof why), CJ_BAD_COMMAND);
	assert_string_equal(why, "empty command");
	assert_int_equal(cj_command_verdict("a\nb", why, sizeof why), CJ_BAD_COMMAND);
	assert_string_equal(why, "command has control characters");
	assert_int_equal(cj_command_verdict("/abs", why, sizeof why), CJ_BAD_COMMAND);
	assert_int_equal(cj_command_verdict("../x", why, sizeof why), CJ_BAD_COMMAND);
	assert_string_equal(why, "../x has a '.' or '..' component");
	memset(longcmd, 'a', sizeof longcmd - 1);
	longcmd[sizeof longcmd - 1] = '\0';
	assert_int_equal(cj_command_verdict(longcmd, why, sizeof why), CJ_BAD_COMMAND);
}

static void directory(void **state)
{
	struct stat d = st_of(S_IFDIR | 0755, 3999999990, 3999999990);

	(void)state;
	assert_int_equal(cj_dir_verdict(&d, "/w", &cust, why, sizeof why), CJ_OK);
	d.st_mode = S_IFDIR | 0775;
	assert_int_equal(cj_dir_verdict(&d, "/w", &cust, why, sizeof why), CJ_DIR_WRITABLE);
	assert_string_equal(why, "/w (mode 0775)");
	d = st_of(S_IFDIR | 0755, 3999999990, 3999999991);
	assert_int_equal(cj_dir_verdict(&d, "/w", &cust, why, sizeof why), CJ_OWNER_MISMATCH);
	assert_string_equal(why, "target cust/custg (3999999990/3999999990), "
				 "directory owned by ?/? (3999999990/3999999991)");
}

static void program(void **state)
{
	struct stat d = st_of(S_IFDIR | 0755, 3999999990, 3999999990);
	struct stat p = st_of(S_IFREG | 0755, 3999999990, 3999999990);

	(void)state;
	assert_int_equal(cj_program_verdict(&p, &d, "x", &cust, why, sizeof why), CJ_OK);
	p.st_mode = S_IFLNK | 0777;
	assert_int_equal(cj_program_verdict(&p, &d, "x", &cust, why, sizeof why), CJ_PROG_OPEN);
	assert_string_equal(why, "x is a symlink");
	p.st_mode = S_IFIFO | 0755;
	assert_int_equal(cj_program_verdict(&p, &d, "x", &cust, why, sizeof why), CJ_PROG_NOT_FILE);
	assert_string_equal(why, "x (mode 010755)");
	/* First that applies: writable before setid before owner before mode. */
	p = st_of(S_IFREG | 06666, 0, 0);
	assert_int_equal(cj_program_verdict(&p, &d, "x", &cust, why, sizeof why), CJ_PROG_WRITABLE);
	assert_string_equal(why, "x (mode 6666)");
	p.st_mode = S_IFREG | 04644;
	assert_int_equal(cj_program_verdict(&p, &d, "x", &cust, why, sizeof why), CJ_PROG_SETID);
	p.st_mode = S_IFREG | 0644;
	assert_int_equal(cj_program_verdict(&p, &d, "x", &cust, why, sizeof why), CJ_OWNER_MISMATCH);
	assert_string_equal(why, "target cust/custg (3999999990/3999999990), "
				 "program owned by root/root (0/0)");
	d.st_uid = 0;
	assert_int_equal(cj_program_verdict(&p, &d, "x", &cust, why, sizeof why), CJ_OWNER_MISMATCH);
	assert_string_equal(why, "target cust/custg (3999999990/3999999990), "
				 "directory owned by root/? (0/3999999990)");
	d.st_uid = 3999999990;
	p = st_of(S_IFREG | 0644, 3999999990, 3999999990);
	assert_int_equal(cj_program_verdict(&p, &d, "x", &cust, why, sizeof why), CJ_PROG_NOEXEC);
	assert_string_equal(why, "x (mode 0644)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(command),
		cmocka_unit_test(directory),
		cmocka_unit_test(program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
