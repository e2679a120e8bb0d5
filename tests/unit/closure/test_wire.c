/* cl_report on the wire: round trips, and every kind of malformed stream
 * refused with its reason (never a crash, never a partial "ok"). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cl_ctx.h"
#include "cl_wire.h"

struct stream {
	char *buf;
	size_t len;
};

/* A report with N_CHECKED objects and N_PROBLEMS problems of every kind. */
static void sample(struct cl_report *rep, size_t n_checked, size_t n_problems)
{
	char s[64];

	cl_report_init(rep);
	for (size_t i = 0; i < n_checked; i++) {
		snprintf(s, sizeof s, "/usr/lib/libx%zu.so.1", i);
		assert_int_equal(cl_report_push_checked(rep, s), 0);
	}
	for (size_t i = 0; i < n_problems; i++) {
		snprintf(s, sizeof s, "detail %zu", i);
		assert_int_equal(cl_report_push_problem(rep, (enum cl_kind)(i % CL_KIND_COUNT),
							i % 2 ? "" : "/lib/libfoo.so.1",
							i % 3 ? "/usr/bin/x" : "", s), 0);
	}
}

static struct stream encode(const int *errs, const struct cl_report *reps, size_t n)
{
	struct stream st = { 0 };
	FILE *f = open_memstream(&st.buf, &st.len);

	assert_non_null(f);
	assert_int_equal(cl_wire_put_header(f), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(cl_wire_put_result(f, errs[i], &reps[i]), 0);
	assert_int_equal(fclose(f), 0);
	return st;
}

/* Decode every result of BUF into its own report; how many, or -1. */
static int decode_all(const void *buf, size_t len, int *errs, struct cl_report *reps, size_t max,
		      char *why, size_t whylen)
{
	size_t pos = 0, n = 0;
	int rc;

	if (cl_wire_get_header(buf, len, &pos, why, whylen) < 0)
		return -1;
	while (n < max && (rc = cl_wire_get_result(buf, len, &pos, &errs[n], &reps[n], why, whylen)) > 0)
		n++;
	return rc < 0 ? -1 : (int)n;
}

static void assert_same_report(const struct cl_report *a, const struct cl_report *b)
{
	assert_int_equal(a->n_checked, b->n_checked);
	assert_int_equal(a->n_problems, b->n_problems);
	for (size_t i = 0; i < a->n_checked; i++)
		assert_string_equal(a->checked[i], b->checked[i]);
	for (size_t i = 0; i < a->n_problems; i++) {
		assert_int_equal(a->problems[i].kind, b->problems[i].kind);
		assert_string_equal(a->problems[i].object, b->problems[i].object);
		assert_string_equal(a->problems[i].needed_by, b->problems[i].needed_by);
		assert_string_equal(a->problems[i].detail, b->problems[i].detail);
	}
}

static void free_reports(struct cl_report *reps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cl_report_free(&reps[i]);
}

static void test_round_trip(void **state)
{
	struct cl_report in[3], out[4];
	int errs_in[3] = { 0, 2, 0 }, errs_out[4] = { 0 };
	char why[512];
	struct stream st, again;

	(void)state;
	sample(&in[0], 3, 2 * CL_KIND_COUNT);
	sample(&in[1], 0, 0);
	sample(&in[2], 1, 1);
	st = encode(errs_in, in, 3);
	memset(out, 0, sizeof out);
	assert_int_equal(decode_all(st.buf, st.len, errs_out, out, 4, why, sizeof why), 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(errs_out[i], errs_in[i]);
		assert_same_report(&in[i], &out[i]);
	}
	again = encode(errs_out, out, 3);
	assert_int_equal(again.len, st.len);
	assert_memory_equal(again.buf, st.buf, st.len);
	free(st.buf);
	free(again.buf);
	free_reports(in, 3);
	free_reports(out, 4);
}

/* Results decoded into one report append, as cl_check appends. */
static void test_results_append(void **state)
{
	struct cl_report in[2], out;
	int errs[2] = { 0, 0 }, err = -1;
	char why[512];
	size_t pos = 0;
	struct stream st;

	(void)state;
	sample(&in[0], 2, 1);
	sample(&in[1], 1, 0);
	st = encode(errs, in, 2);
	cl_report_init(&out);
	assert_int_equal(cl_wire_get_header(st.buf, st.len, &pos, why, sizeof why), 0);
	assert_int_equal(cl_wire_get_result(st.buf, st.len, &pos, &err, &out, why, sizeof why), 1);
	assert_int_equal(cl_wire_get_result(st.buf, st.len, &pos, &err, &out, why, sizeof why), 1);
	assert_int_equal(cl_wire_get_result(st.buf, st.len, &pos, &err, &out, why, sizeof why), 0);
	assert_int_equal(out.n_checked, 3);
	assert_int_equal(out.n_problems, 1);
	assert_string_equal(out.checked[2], "/usr/lib/libx0.so.1");
	free(st.buf);
	free_reports(in, 2);
	cl_report_free(&out);
}

static void test_errno_is_one_byte(void **state)
{
	struct cl_report empty, out[2] = { 0 };
	int errs[2] = { 1000, -1 }, got[2];
	char why[512];
	struct stream st;

	(void)state;
	cl_report_init(&empty);
	struct cl_report in[2] = { empty, empty };
	st = encode(errs, in, 2);
	assert_int_equal(decode_all(st.buf, st.len, got, out, 2, why, sizeof why), 2);
	assert_int_equal(got[0], EIO);
	assert_int_equal(got[1], EIO);
	free(st.buf);
}

/* Every prefix of a stream is refused or holds fewer results. */
static void test_truncated(void **state)
{
	struct cl_report in[2], out[2];
	int errs[2] = { 0, 0 }, got[2];
	char why[512];
	struct stream st;

	(void)state;
	sample(&in[0], 2, 3);
	sample(&in[1], 1, 1);
	st = encode(errs, in, 2);
	for (size_t len = 0; len < st.len; len++) {
		memset(out, 0, sizeof out);
		why[0] = '\0';
		int n = decode_all(st.buf, len, got, out, 2, why, sizeof why);

		assert_true(n < 2);
		assert_true(n >= 0 || why[0]);
		free_reports(out, 2);
	}
	free(st.buf);
	free_reports(in, 2);
}

static void assert_refused(const void *buf, size_t len, const char *reason)
{
	struct cl_report out[4] = { 0 };
	int errs[4];
	char why[512] = "";

	assert_int_equal(decode_all(buf, len, errs, out, 4, why, sizeof why), -1);
	if (!strstr(why, reason))
		fail_msg("expected \"%s\" in \"%s\"", reason, why);
	free_reports(out, 4);
}

static void test_bad_header(void **state)
{
	(void)state;
	assert_refused("", 0, "ends where the header was due");
	assert_refused("V", 1, "ends where the version was due");
	assert_refused("X\x01", 2, "no header");
	assert_refused("V\x02", 2, "version 2, expected 1");
}

static void test_bad_records(void **state)
{
	static const char bad_kind[] = "V\x01R\x00P\x0b" "a\0b\0c\0E";
	static const char no_nul[] = "V\x01R\x00" "C/usr/lib/libc.so.6";
	static const char unknown_tag[] = "V\x01R\x00X";
	static const char no_result[] = "V\x01Q";
	static const char after_end[] = "V\x01R\x00" "EE";
	static const char no_end[] = "V\x01R\x00" "C/x\0";
	static const char out_of_order[] = "V\x01R\x00P\x01" "a\0b\0c\0" "C/x\0E";

	(void)state;
	_Static_assert(CL_KIND_COUNT == 11, "bad_kind above must be the first unknown kind");
	assert_refused(bad_kind, sizeof bad_kind - 1, "unknown kind 11");
	assert_refused(no_nul, sizeof no_nul - 1, "without its terminating NUL");
	assert_refused(unknown_tag, sizeof unknown_tag - 1, "unknown tag 0x58");
	assert_refused(no_result, sizeof no_result - 1, "where a result was due");
	assert_refused(after_end, sizeof after_end - 1, "where a result was due");
	assert_refused(no_end, sizeof no_end - 1, "ends where a record or the end");
	assert_refused(out_of_order, sizeof out_of_order - 1, "a checked object after a problem");
}

static void test_oversized(void **state)
{
	size_t n = CL_WIRE_MAX_STRING + 16;
	char *buf = malloc(n + 8);
	struct cl_report out[1] = { 0 };
	int errs[1];
	char why[512];

	(void)state;
	assert_non_null(buf);
	/* A string of the limit's length, NUL included, is one too many. */
	memcpy(buf, "V\x01R\x00" "C", 5);
	memset(buf + 5, 'a', n);
	buf[5 + CL_WIRE_MAX_STRING] = '\0';
	assert_refused(buf, n + 5, "longer than the limit");
	buf[5 + CL_WIRE_MAX_STRING - 1] = '\0';
	buf[5 + CL_WIRE_MAX_STRING] = 'E';
	assert_int_equal(decode_all(buf, 5 + CL_WIRE_MAX_STRING + 1, errs, out, 1, why, sizeof why), 1);
	assert_int_equal(strlen(out[0].checked[0]), CL_WIRE_MAX_STRING - 1);
	free_reports(out, 1);
	free(buf);
	/* Lengths over the stream limit are refused before any byte is read. */
	assert_refused("V\x01", CL_WIRE_MAX_BYTES + 1, "more than the limit");
}

static void test_too_many_problems(void **state)
{
	size_t n = CL_WIRE_MAX_PROBLEMS + 1, len = 4 + n * 5 + 1;
	char *buf = malloc(len);
	char *p = buf;

	(void)state;
	assert_non_null(buf);
	memcpy(p, "V\x01R\x00", 4);
	p += 4;
	for (size_t i = 0; i < n; i++, p += 5)
		memcpy(p, "P\x01\0\0\0", 5);
	*p = 'E';
	assert_refused(buf, len, "more than 4097 problems");
	free(buf);
}

static void test_encoder_limits(void **state)
{
	struct cl_report rep;
	char *buf = NULL, *big = malloc(CL_WIRE_MAX_STRING + 100);
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_non_null(big);
	sample(&rep, 0, CL_WIRE_MAX_PROBLEMS + 1);
	assert_int_equal(cl_wire_put_result(f, 0, &rep), -1);
	assert_int_equal(errno, EOVERFLOW);
	fflush(f);
	assert_int_equal(len, 0);
	cl_report_free(&rep);
	/* An overlong string is cut to the limit, and decodes. */
	memset(big, 'b', CL_WIRE_MAX_STRING + 99);
	big[0] = '/';
	big[CL_WIRE_MAX_STRING + 99] = '\0';
	cl_report_init(&rep);
	assert_int_equal(cl_report_push_checked(&rep, big), 0);
	assert_int_equal(cl_wire_put_header(f), 0);
	assert_int_equal(cl_wire_put_result(f, 0, &rep), 0);
	assert_int_equal(fclose(f), 0);
	struct cl_report out[1] = { 0 };
	int errs[1];
	char why[512];
	assert_int_equal(decode_all(buf, len, errs, out, 1, why, sizeof why), 1);
	assert_int_equal(strlen(out[0].checked[0]), CL_WIRE_MAX_STRING - 1);
	free_reports(out, 1);
	cl_report_free(&rep);
	free(big);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_results_append),
		cmocka_unit_test(test_errno_is_one_byte),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_too_many_problems),
		cmocka_unit_test(test_encoder_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
