/* The fixture of the checker's tests that check programs in a fresh jail
 * holding libc and the loader (test_check, test_loader, test_modules):
 * the jail, the options and the last report. */
#ifndef CHECKFIX_H
#define CHECKFIX_H

#include "closure.h"
#include "testjail.h"

struct fixture {
	struct tjail j;
	struct cl_options opt;
	struct cl_report rep;
};

/* cmocka's setup and teardown: a fresh jail, default options. */
int fixture_setup(void **state);
int fixture_teardown(void **state);
/* Copy the compiled fixture NAME to PATH in the jail. */
void put(struct fixture *f, const char *name, const char *path, unsigned mode);
/* Check PATH afresh; the report stays in f->rep. */
struct cl_report *check(struct fixture *f, const char *path);
/* No problem; or a problem of KIND whose object and detail contain the
 * strings given (NULL: anything). The report is printed when not. */
void expect_ok(struct fixture *f, const char *path);
void expect(struct fixture *f, const char *path, enum cl_kind kind, const char *object,
	    const char *detail);

#endif
