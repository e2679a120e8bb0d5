/* exits.def is the one table: codes unique, and cgijail.8 lists each one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cj_exit.h"

struct row { int code; const char *name; const char *text; };

static const struct row rows[] = {
#define X(name, code, text) { code, #name, text },
#include "exits.def"
#undef X
};
#define NROWS (sizeof rows / sizeof rows[0])

static void codes_are_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROWS; i++)
		for (size_t j = i + 1; j < NROWS; j++)
			if (rows[i].code == rows[j].code)
				fail_msg("%s and %s share exit code %d", rows[i].name, rows[j].name, rows[i].code);
}

static void codes_avoid_shell_meanings(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROWS; i++) {
		assert_int_not_equal(rows[i].code, 126);
		assert_int_not_equal(rows[i].code, 127);
		/* A shell reports death by signal N as 128+N. */
		if (rows[i].code > 128 && rows[i].code < 160)
			fail_msg("%s uses %d, which a shell reads as a signal", rows[i].name, rows[i].code);
		assert_true(rows[i].code >= 0 && rows[i].code <= 255);
	}
}

static void lookups_agree(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROWS; i++) {
		assert_string_equal(cj_exit_text(rows[i].code), rows[i].text);
		assert_string_equal(cj_exit_name(rows[i].code), rows[i].name);
	}
	assert_string_equal(cj_exit_name(99), "CJ_UNKNOWN");
}

static char *read_man_page(void)
{
	static char buf[1 << 17];
	FILE *f = fopen(CJ_MAN_PAGE, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The man page has one ".It <code>" entry per row, followed by the text. */
static void man_page_lists_every_code(void **state)
{
	const char *man = read_man_page();
	char needle[512];

	(void)state;
	assert_non_null(man);
	for (size_t i = 0; i < NROWS; i++) {
		snprintf(needle, sizeof needle, ".It %d\n%s", rows[i].code, rows[i].text);
		if (!strstr(man, needle))
			fail_msg("cgijail.8 lacks exit %d (%s): expected \".It %d\" then \"%s\"",
				 rows[i].code, rows[i].name, rows[i].code, rows[i].text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codes_are_unique),
		cmocka_unit_test(codes_avoid_shell_meanings),
		cmocka_unit_test(lookups_agree),
		cmocka_unit_test(man_page_lists_every_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
