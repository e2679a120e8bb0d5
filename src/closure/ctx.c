/* What every step of a check calls (cl_ctx.h): allocation that marks the
 * context out of memory, how findings reach the report (each problem
 * once, at most CL_MAX_PROBLEMS of them), the work budget, the traced walk. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_ctx.h"

char *cl_strdup(struct cl_ctx *ctx, const char *s)
{
	char *d = strdup(s);

	if (!d)
		ctx->oom = true;
	return d;
}

char *cl_printf(struct cl_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		ctx->oom = true;
		return NULL;
	}
	return s;
}

int cl_objvec_push(struct cl_ctx *ctx, struct cl_objvec *v, struct cl_obj *o)
{
	if (v->n == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 16;
		struct cl_obj **p = realloc(v->v, ncap * sizeof(struct cl_obj *));

		if (!p) {
			ctx->oom = true;
			return -1;
		}
		v->v = p;
		v->cap = ncap;
	}
	v->v[v->n++] = o;
	return 0;
}

void cl_problem(struct cl_ctx *ctx, enum cl_kind kind, const char *object,
		const char *needed_by, const char *fmt, ...)
{
	char detail[1024];
	char *key;
	va_list ap;
	int added;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	key = cl_printf(ctx, "%d\x1f%s\x1f%s\x1f%s", (int)kind, object, needed_by, detail);
	if (!key)
		return;
	added = cl_strmap_add(&ctx->seen_problems, key, NULL);
	free(key);
	if (added < 0)
		ctx->oom = true;
	if (added != 1)
		return;
	if (ctx->n_problems >= CL_MAX_PROBLEMS) {
		if (ctx->n_suppressed++ == 0)
			ctx->first_suppressed = kind;
		return;
	}
	ctx->n_problems++;
	if (cl_report_push_problem(ctx->rep, kind, object, needed_by, detail) < 0)
		ctx->oom = true;
}

void cl_checked(struct cl_ctx *ctx, const char *path)
{
	int added = cl_strmap_add(&ctx->seen_checked, path, NULL);

	if (added < 0 || (added == 1 && cl_report_push_checked(ctx->rep, path) < 0))
		ctx->oom = true;
}

bool cl_ctx_work(struct cl_ctx *ctx, uint64_t steps, const char *object)
{
	ctx->work += steps;
	if (ctx->work <= CL_MAX_WORK)
		return true;
	if (!ctx->work_reported) {
		ctx->work_reported = true;
		cl_problem(ctx, CL_BAD_ELF, object, "",
			   "symbol lookups exceed %llu steps: symbol check stopped here",
			   (unsigned long long)CL_MAX_WORK);
	}
	return false;
}

void cl_report_walk_problem(struct cl_ctx *ctx, const struct cl_walk *w, enum cl_kind missing,
			    const char *object, const char *needed_by, const char *what)
{
	if (w->status == CL_WALK_DANGLING)
		cl_problem(ctx, CL_DANGLING_SYMLINK, w->link, needed_by,
			   "%s: symlink %s -> %s: target does not exist in the root",
			   what, w->link, w->target);
	else if (w->status == CL_WALK_ESCAPE)
		cl_problem(ctx, CL_ESCAPING_SYMLINK, w->link, needed_by,
			   "%s: symlink %s -> %s climbs above the root", what, w->link, w->target);
	else
		cl_problem(ctx, missing, object, needed_by, "%s: %s", what, cl_walk_strerror(w));
}

enum cl_walk_status cl_ctx_walk(struct cl_ctx *ctx, int dir_fd, const char *dir_path,
				const char *path, int flags, struct cl_walk *w)
{
	return cl_walk_traced(ctx->trace, ctx->root_fd, dir_fd, dir_path, path, flags, w);
}
