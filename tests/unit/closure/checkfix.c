/* See checkfix.h. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checkfix.h"

int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f || tj_create(&f->j) < 0 || tj_base(&f->j) < 0)
		return -1;
	cl_options_init(&f->opt);
	cl_report_init(&f->rep);
	*state = f;
	return 0;
}

int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	cl_report_free(&f->rep);
	tj_destroy(&f->j);
	free(f);
	return 0;
}

struct cl_report *check(struct fixture *f, const char *path)
{
	cl_report_free(&f->rep);
	if (tj_check(&f->j, &f->opt, path, &f->rep) < 0)
		fail_msg("cl_check(%s): %s", path, strerror(errno));
	return &f->rep;
}

void expect_ok(struct fixture *f, const char *path)
{
	struct cl_report *rep = check(f, path);

	if (rep->n_problems)
		tj_dump(rep);
	assert_int_equal(rep->n_problems, 0);
}

void expect(struct fixture *f, const char *path, enum cl_kind kind, const char *object,
		   const char *detail)
{
	struct cl_report *rep = check(f, path);

	if (!tj_has(rep, kind, object, detail)) {
		tj_dump(rep);
		fail_msg("no %s problem about %s (%s)", cl_kind_name(kind), object ? object : "-",
			 detail ? detail : "-");
	}
}

void put(struct fixture *f, const char *name, const char *path, unsigned mode)
{
	assert_int_equal(tj_copy(&f->j, tj_fixture(name), path, mode), 0);
}
