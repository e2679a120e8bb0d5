#include "closure_verdict.h"

#include <stdio.h>

#include "cj_exit.h"

static const int code_of_kind[CL_KIND_COUNT] = {
	[CL_MISSING_INTERPRETER] = CJ_MISSING_INTERPRETER,
	[CL_MISSING_LIBRARY] = CJ_MISSING_LIBRARY,
	[CL_WRONG_CLASS] = CJ_WRONG_CLASS,
	[CL_MISSING_SYMBOL_VERSION] = CJ_MISSING_SYMBOL_VERSION,
	[CL_UNDEFINED_SYMBOL] = CJ_UNDEFINED_SYMBOL,
	[CL_MISSING_NSS_MODULE] = CJ_MISSING_NSS_MODULE,
	[CL_ESCAPING_SYMLINK] = CJ_ESCAPING_SYMLINK,
	[CL_DANGLING_SYMLINK] = CJ_DANGLING_SYMLINK,
	[CL_HOST_MISMATCH] = CJ_CLOSURE_ERROR,
	[CL_NOT_EXECUTABLE] = CJ_NOT_EXECUTABLE,
	[CL_BAD_ELF] = CJ_BAD_ELF,
};

int cj_closure_exit_code(enum cl_kind kind)
{
	return (unsigned)kind < CL_KIND_COUNT ? code_of_kind[kind] : CJ_CLOSURE_ERROR;
}

int cj_closure_verdict(const struct cl_report *rep, const char *prog, char *why, size_t len)
{
	const struct cl_problem *p;

	if (rep->n_problems == 0)
		return CJ_OK;
	p = &rep->problems[0];
	snprintf(why, len, "%s: %s needed by %s: %s%s", cl_kind_name(p->kind), p->object,
		 p->needed_by[0] ? p->needed_by : prog, p->detail,
		 rep->n_problems > 1 ? " (and more: cgijailctl check)" : "");
	return cj_closure_exit_code(p->kind);
}
