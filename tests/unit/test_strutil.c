#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "strutil.h"

static void within_by_whole_components(void **state)
{
	(void)state;
	assert_true(path_is_within("/var/www", "/var/www"));
	assert_true(path_is_within("/var/www/cgi-bin", "/var/www"));
	assert_true(path_is_within("/var/www/cgi-bin", "/var/www/"));
	assert_false(path_is_within("/var/www2", "/var/www"));
	assert_false(path_is_within("/var/ww", "/var/www"));
	assert_false(path_is_within("/var", "/var/www"));
	assert_true(path_is_within("/anything", "/"));
	assert_false(path_is_within("relative/www", "/"));
}

static void inside_strips_the_root(void **state)
{
	(void)state;
	assert_string_equal(path_inside("/srv/j/var/www", "/srv/j"), "/var/www");
	assert_string_equal(path_inside("/srv/j", "/srv/j"), "/");
	assert_string_equal(path_inside("/srv/j/x", "/srv/j/"), "/x");
	assert_string_equal(path_inside("/x/y", "/"), "/x/y");
	assert_null(path_inside("/srv/jail2/x", "/srv/jail"));
}

static void dot_components(void **state)
{
	(void)state;
	assert_true(has_dot_component(".."));
	assert_true(has_dot_component("../x"));
	assert_true(has_dot_component("a/../x"));
	assert_true(has_dot_component("a/.."));
	assert_true(has_dot_component("./x"));
	assert_true(has_dot_component("/a/./b"));
	assert_false(has_dot_component("a/..b/c"));
	assert_false(has_dot_component("..x"));
	assert_false(has_dot_component(".htaccess"));
	assert_false(has_dot_component("a//b"));
}

static void user_patterns(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(expand_user_pattern("/srv/%u/%U/%%", "alice", 1001, out, sizeof out), 0);
	assert_string_equal(out, "/srv/alice/1001/%");
	assert_int_equal(expand_user_pattern("/srv/%x", "alice", 1, out, sizeof out), -1);
	assert_int_equal(expand_user_pattern("/srv/%", "alice", 1, out, sizeof out), -1);
	assert_int_equal(expand_user_pattern("/%u%u%u%u%u%u%u%u%u%u%u%u%u", "abcdefgh", 1, out, sizeof out), -1);
	assert_int_equal(expand_user_pattern("/1234567", "a", 1, out, 8), -1);
	assert_int_equal(expand_user_pattern("/123456", "a", 1, out, 8), 0);
}

static void decimals_are_strict(void **state)
{
	unsigned long long v;

	(void)state;
	assert_true(parse_decimal("0", 10, &v));
	assert_int_equal(v, 0);
	assert_true(parse_decimal("4294967294", 4294967294ULL, &v));
	assert_false(parse_decimal("4294967295", 4294967294ULL, &v));
	assert_false(parse_decimal("", 10, &v));
	assert_false(parse_decimal("-1", 10, &v));
	assert_false(parse_decimal("+1", 10, &v));
	assert_false(parse_decimal(" 1", 10, &v));
	assert_false(parse_decimal("1 ", 10, &v));
	assert_false(parse_decimal("0x10", 100, &v));
	assert_false(parse_decimal("99999999999999999999999", UINT64_MAX, &v));
}

static void log_escaping(void **state)
{
	char out[64];

	(void)state;
	escape_for_log(out, sizeof out, "a\nb\"c\\d\x7f");
	assert_string_equal(out, "a\\x0ab\\x22c\\x5cd\\x7f");
	escape_for_log(out, 6, "abcdefgh");
	assert_string_equal(out, "abcde");
	escape_for_log(out, 6, "abc\n");
	assert_string_equal(out, "abc");
}

static char *json_of(const char *s)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof buf, "w");

	json_print_string(f, s);
	fclose(f);
	return buf;
}

static void json_strings(void **state)
{
	(void)state;
	assert_string_equal(json_of("plain"), "\"plain\"");
	assert_string_equal(json_of("q\"b\\"), "\"q\\\"b\\\\\"");
	assert_string_equal(json_of("nl\n\x01"), "\"nl\\u000a\\u0001\"");
	assert_string_equal(json_of("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
	assert_string_equal(json_of("bad\xff\xc3"), "\"bad\\u00ff\\u00c3\"");
}

static void control_chars(void **state)
{
	(void)state;
	assert_true(has_control_char("a\tb"));
	assert_true(has_control_char("a\x7f"));
	assert_false(has_control_char("a b\xc3\xa9"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(within_by_whole_components),
		cmocka_unit_test(inside_strips_the_root),
		cmocka_unit_test(dot_components),
		cmocka_unit_test(user_patterns),
		cmocka_unit_test(decimals_are_strict),
		cmocka_unit_test(log_escaping),
		cmocka_unit_test(json_strings),
		cmocka_unit_test(control_chars),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
