/* The refusal that the jail library check's findings make: cgijail refuses
 * with it (src/cgijail/closure.c), cgijailctl lint predicts it. Compiled
 * into both programs (it needs the checker's report, which src/common
 * does not link). */
#ifndef CJ_CLOSURE_VERDICT_H
#define CJ_CLOSURE_VERDICT_H

#include <stddef.h>

#include "closure.h"

/* The exit code of a kind of problem. */
int cj_closure_exit_code(enum cl_kind kind);

/* CJ_OK when REP has no problem; else the exit code of its first problem,
 * with the reason's detail in WHY (PROG: the program's path in the jail,
 * named when the problem is about the program itself). */
int cj_closure_verdict(const struct cl_report *rep, const char *prog, char *why, size_t len);

#endif
