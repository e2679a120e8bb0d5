/* /etc/ld.so.preload: the loader (glibc 2.36's dl_main) reads it when the
 * process may read it, and maps each object it names before the program's
 * own dependencies, right after the program in the search list. An object
 * it cannot map is ignored ("cannot be preloaded ... ignored" on stderr,
 * and the program runs); the dependencies of one it mapped must load like
 * any other. The loader opens the file without O_NONBLOCK: a FIFO there
 * would hang every program.
 *
 * The names are read exactly as dl_main reads them: comments ('#' to the
 * end of its line) are blanked out, the names are separated by any
 * of ": \t\n" and end at the first NUL (strsep on the file's bytes), and a
 * name at the very end of the file without a separator after it is loaded
 * too, read up to a NUL. (An empty name, which the loader tries and
 * fails to map, is left out.)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cl_ctx.h"
#include "cl_preload.h"

#define PRELOAD_PATH "/etc/ld.so.preload"

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ':';
}

/* dl_main's loop as it is: each search starts at the beginning of the file
 * again, over a length that shrinks with what was blanked, so a '#' late
 * in the file may stay (and be part of a name). */
static void blank_comments(char *file, size_t len)
{
	const char *runp = file;
	size_t rest = len;

	while (rest > 0) {
		char *comment = memchr(runp, '#', rest);

		if (!comment)
			break;
		rest -= (size_t)(comment - runp);
		do
			*comment = ' ';
		while (--rest > 0 && *++comment != '\n');
	}
}

/* Each name of strsep(&runp, ": \t\n") from FILE up to its first NUL. */
static size_t each_token(char *file, cl_preload_fn fn, void *arg, size_t n, size_t max)
{
	char *p, *runp = file;

	while (n < max && (p = strsep(&runp, ": \t\n")))
		if (p[0] != '\0' && fn(p, arg) == 0)
			n++;
	return n;
}

size_t cl_preload_parse(const char *buf, size_t len, cl_preload_fn fn, void *arg)
{
	char *file, *problem = NULL;
	size_t n = 0;

	if (len == 0 || len > CL_PRELOAD_MAX_FILE)
		return 0;
	/* The loader's private mapping: one byte more, as the page's zero fill. */
	file = calloc(1, len + 1);
	if (!file)
		return 0;
	memcpy(file, buf, len);
	blank_comments(file, len);
	if (!is_sep(file[len - 1])) {
		problem = file + len;
		while (problem > file && !is_sep(problem[-1]))
			problem--;
		if (problem > file)
			problem[-1] = '\0';
	} else {
		file[len - 1] = '\0';
	}
	if (file != problem)
		n = each_token(file, fn, arg, n, CL_PRELOAD_MAX_NAMES);
	/* strndupa(problem, ...): up to its first NUL, which the copy has. An
	 * empty name maps nothing. */
	if (problem && problem[0] && n < CL_PRELOAD_MAX_NAMES && fn(problem, arg) == 0)
		n++;
	free(file);
	return n;
}

struct preload_run {
	struct cl_map *m;
	struct cl_objvec *pre;
};

/* do_preload(): _dl_map_object(main_map, NAME, ..., __RTLD_SECURE), whose
 * failure is ignored; an object already loaded adds nothing. */
static int preload_one(const char *name, void *arg)
{
	struct preload_run *r = arg;
	struct cl_map *m = r->m;
	size_t before = m->all.n;
	struct cl_need need = {
		.name = name,
		.loader = m->main,
		.needed_by = PRELOAD_PATH,
		.missing_kind = CL_MISSING_LIBRARY,
		.optional = true,
	};
	struct cl_obj *o = cl_map_need(m, &need);

	if (o && m->all.n != before && cl_objvec_push(m->ctx, r->pre, o) < 0)
		return -1;
	return 0;
}

void cl_load_preloads(struct cl_map *m, struct cl_objvec *pre)
{
	struct cl_ctx *ctx = m->ctx;
	struct preload_run run = { m, pre };
	struct cl_walk *w = malloc(sizeof *w);
	struct cl_file *f;

	if (!w) {
		ctx->oom = true;
		return;
	}
	f = cl_file_open(ctx, ctx->root_fd, PRELOAD_PATH, w);
	if (!f && w->status == CL_WALK_ERROR && w->err == ENOEXEC && S_ISFIFO(w->st.st_mode))
		cl_problem(ctx, CL_BAD_ELF, PRELOAD_PATH, "",
			   "a FIFO: the loader opens it without O_NONBLOCK and would block");
	else if (f && f->len > CL_PRELOAD_MAX_FILE)
		cl_problem(ctx, CL_BAD_ELF, PRELOAD_PATH, "", "larger than %d bytes: not read",
			   CL_PRELOAD_MAX_FILE);
	else if (f && f->buf)
		cl_preload_parse(f->buf, f->len, preload_one, &run);
	free(w);
}
