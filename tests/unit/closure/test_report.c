/* The report: kind names, text lines, and JSON that stays valid whatever
 * bytes a path holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cl_ctx.h"

static char *render(const struct cl_report *rep, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (json)
		cl_report_print_json(f, rep);
	else
		cl_report_print_text(f, rep);
	fclose(f);
	return buf;
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(cl_kind_name(CL_MISSING_LIBRARY), "missing-library");
	assert_string_equal(cl_kind_name(CL_MISSING_SYMBOL_VERSION), "missing-symbol-version");
	assert_string_equal(cl_kind_name(CL_BAD_ELF), "bad-elf");
	assert_string_equal(cl_kind_name(CL_KIND_COUNT), "unknown");
	for (int k = 0; k < CL_KIND_COUNT; k++)
		assert_non_null(cl_kind_name((enum cl_kind)k));
}

static void test_text(void **state)
{
	struct cl_report rep;
	char *out;

	(void)state;
	cl_report_init(&rep);
	assert_int_equal(cl_report_push_checked(&rep, "/usr/bin/x"), 0);
	assert_int_equal(cl_report_push_problem(&rep, CL_MISSING_LIBRARY, "libfoo.so.1",
						"/usr/bin/x", "not found"), 0);
	out = render(&rep, false);
	assert_string_equal(out, "missing-library: libfoo.so.1 needed by /usr/bin/x: not found\n"
				 "checked 1 object, 1 problem\n");
	free(out);
	cl_report_free(&rep);
	assert_int_equal(rep.n_checked, 0);
	out = render(&rep, false);
	assert_string_equal(out, "checked 0 objects, 0 problems\n");
	free(out);
}

static void test_json_escaping(void **state)
{
	struct cl_report rep;
	char *out;

	(void)state;
	cl_report_init(&rep);
	/* quote, backslash, newline, tab, a control byte, DEL, valid UTF-8,
	 * a lone continuation byte, an overlong NUL, a surrogate */
	cl_report_push_checked(&rep, "/a\"b\\c\nd\te\001f\177g/\xc3\xa9/\x80/\xc0\x80/\xed\xa0\x80");
	cl_report_push_problem(&rep, CL_UNDEFINED_SYMBOL, "o", "", "\xf4\x90\x80\x80 \xe2\x82\xac");
	out = render(&rep, true);
	assert_string_equal(out,
		"{\"ok\": false, \"checked\": [\"/a\\\"b\\\\c\\nd\\te\\u0001f\\u007fg/\xc3\xa9/\\u0080/"
		"\\u00c0\\u0080/\\u00ed\\u00a0\\u0080\"], \"problems\": [{\"kind\": \"undefined-symbol\", "
		"\"object\": \"o\", \"needed_by\": \"\", \"detail\": \"\\u00f4\\u0090\\u0080\\u0080 "
		"\xe2\x82\xac\"}]}\n");
	free(out);
	cl_report_free(&rep);
	out = render(&rep, true);
	assert_string_equal(out, "{\"ok\": true, \"checked\": [], \"problems\": []}\n");
	free(out);
}

static void test_growth(void **state)
{
	struct cl_report rep;
	char name[32];

	(void)state;
	cl_report_init(&rep);
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "/lib/l%d", i);
		assert_int_equal(cl_report_push_checked(&rep, name), 0);
		assert_int_equal(cl_report_push_problem(&rep, CL_BAD_ELF, name, "", "x"), 0);
	}
	assert_string_equal(rep.checked[4999], "/lib/l4999");
	assert_string_equal(rep.problems[1234].object, "/lib/l1234");
	cl_report_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_growth),
	};

	return cmocka_run_group_tests_name("closure_report", tests, NULL, NULL);
}
