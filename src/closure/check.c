/* cl_check(), the entry: one check's context set up, the program checked
 * (exec.c), the context freed. The helpers every step calls are in ctx.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cl_ctx.h"

void cl_options_init(struct cl_options *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->root_fd = -1;
	opt->safe_path = NULL;
	opt->symbols = true;
	opt->nss = true;
	opt->deep = false;
	opt->host_root_fd = -1;
}

static int ctx_init(struct cl_ctx *ctx, const struct cl_options *opt, struct cl_report *rep)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->opt = opt;
	ctx->rep = rep;
	ctx->root_fd = opt->root_fd;
	/* Earlier calls' findings are not repeated. */
	for (size_t i = 0; i < rep->n_checked; i++)
		if (cl_strmap_add(&ctx->seen_checked, rep->checked[i], NULL) < 0)
			return -1;
	for (size_t i = 0; i < rep->n_problems; i++) {
		const struct cl_problem *p = &rep->problems[i];
		char *key = cl_printf(ctx, "%d\x1f%s\x1f%s\x1f%s", (int)p->kind, p->object,
				      p->needed_by, p->detail);

		if (!key || cl_strmap_add(&ctx->seen_problems, key, NULL) < 0) {
			free(key);
			return -1;
		}
		free(key);
	}
	return 0;
}

static void ctx_free(struct cl_ctx *ctx)
{
	cl_dirs_free(ctx);
	cl_files_free(ctx);
	cl_strmap_free(&ctx->seen_checked);
	cl_strmap_free(&ctx->seen_problems);
}

static void report_suppressed(struct cl_ctx *ctx)
{
	char detail[128];

	if (!ctx->n_suppressed)
		return;
	snprintf(detail, sizeof detail, "%zu more problems not listed (limit %d per check)",
		 ctx->n_suppressed, CL_MAX_PROBLEMS);
	if (cl_report_push_problem(ctx->rep, ctx->first_suppressed, "", "", detail) < 0)
		ctx->oom = true;
}

int cl_check(const struct cl_options *opt, const char *path, int prog_fd,
	     struct cl_report *rep)
{
	return cl_check_traced(opt, path, prog_fd, rep, NULL);
}

int cl_check_traced(const struct cl_options *opt, const char *path, int prog_fd,
		    struct cl_report *rep, struct cl_trace *trace)
{
	struct cl_ctx ctx;
	int rc, err = 0;

	if (!opt || !path || !rep || opt->root_fd < 0) {
		errno = EINVAL;
		return -1;
	}
	rc = ctx_init(&ctx, opt, rep);
	ctx.trace = trace;
	if (rc == 0) {
		rc = cl_check_exec(&ctx, path, prog_fd);
		err = errno;
		report_suppressed(&ctx);
	}
	if (ctx.oom) {
		rc = -1;
		err = ENOMEM;
	}
	ctx_free(&ctx);
	if (rc < 0)
		errno = err ? err : ENOMEM;
	return rc;
}
