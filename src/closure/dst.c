/* Dynamic string tokens and search paths: $ORIGIN, $PLATFORM and $LIB
 * expanded as glibc's _dl_dst_substitute(), and DT_RPATH / DT_RUNPATH split
 * into directories as its fillin_rpath() does. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cl_ctx.h"

#define MAX_SEARCH_DIRS 256 /* per DT_RPATH or DT_RUNPATH */

void cl_free_dirs(char **dirs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
}

/* Length of the dynamic string token REF at S ("$" already skipped), as
 * glibc's is_dst(): "NAME" not followed by [A-Za-z0-9_], or "{NAME}". */
static size_t is_dst(const char *s, const char *ref)
{
	size_t n = strlen(ref);

	if (s[0] == '{')
		return strncmp(s + 1, ref, n) == 0 && s[n + 1] == '}' ? n + 2 : 0;
	if (strncmp(s, ref, n) != 0 || isalnum((unsigned char)s[n]) || s[n] == '_')
		return 0;
	return n;
}

/* The value of the token at P (just after a '$'), its length in *LEN;
 * NULL with *LEN 0 if it is no token. An unknown $ORIGIN is "" with
 * *UNKNOWN set. */
static const char *dst_value(const char *p, const char *origin, const struct cl_hw *hw,
			     size_t *len, bool *unknown)
{
	if ((*len = is_dst(p, "ORIGIN")) != 0) {
		*unknown = !origin;
		return origin ? origin : "";
	}
	if ((*len = is_dst(p, "PLATFORM")) != 0)
		return hw->platform;
	if ((*len = is_dst(p, "LIB")) != 0)
		return hw->arch->lib;
	return NULL;
}

int cl_expand_dst(struct cl_ctx *ctx, const char *in, const char *origin,
		  const struct cl_hw *hw, char **out)
{
	size_t ndollar = 0, longest = strlen(hw->platform), cap;
	bool unknown = false;
	char *w;

	for (const char *p = in; *p; p++)
		ndollar += *p == '$';
	if (strlen(hw->arch->lib) > longest)
		longest = strlen(hw->arch->lib);
	if (origin && strlen(origin) > longest)
		longest = strlen(origin);
	cap = strlen(in) + 1 + ndollar * longest;
	*out = w = malloc(cap);
	if (!w) {
		ctx->oom = true;
		return -1;
	}
	for (const char *p = in; *p && !unknown;) {
		size_t len = 0;
		const char *repl = *p == '$' ? dst_value(p + 1, origin, hw, &len, &unknown) : NULL;

		if (repl) {
			w = stpcpy(w, repl);
			p += 1 + len;
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
	if (!unknown)
		return 1;
	free(*out);
	*out = NULL;
	return 0;
}

/* One search directory: expanded, absolute (relative means from the root,
 * which stands in for the working directory), with one trailing '/'. */
static char *search_dir(struct cl_map *m, struct cl_obj *o, const char *elem)
{
	char *exp, *dir;
	const char *p;
	size_t len;

	if (cl_expand_dst(m->ctx, elem, o->origin, m->hw, &exp) <= 0)
		return NULL;
	p = exp;
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	len = strlen(p);
	while (len > 1 && p[len - 1] == '/')
		len--;
	if (len == 0 || (len == 1 && p[0] == '.'))
		dir = cl_strdup(m->ctx, "/");
	else
		dir = cl_printf(m->ctx, "%s%.*s%s", p[0] == '/' ? "" : "/", (int)len, p,
				len == 1 && p[0] == '/' ? "" : "/");
	free(exp);
	return dir;
}

static void decompose(struct cl_map *m, struct cl_obj *o, const char *list,
		      const char *tag, char ***out, size_t *n)
{
	char *copy, *save = NULL, *elem;
	size_t max = 1;

	for (const char *p = list; *p; p++)
		max += *p == ':';
	if (max > MAX_SEARCH_DIRS) {
		cl_problem(m->ctx, CL_BAD_ELF, o->path, "",
			   "%s has %zu directories; only the first %d are searched", tag, max,
			   MAX_SEARCH_DIRS);
		max = MAX_SEARCH_DIRS;
	}
	copy = cl_strdup(m->ctx, list);
	*out = calloc(max, sizeof **out);
	if (!copy || !*out) {
		m->ctx->oom = true;
		free(copy);
		return;
	}
	for (elem = strtok_r(copy, ":", &save); elem && *n < max; elem = strtok_r(NULL, ":", &save)) {
		char *dir = search_dir(m, o, elem);

		if (dir)
			(*out)[(*n)++] = dir;
		else if (!o->origin && !o->origin_dropped && strstr(elem, "ORIGIN"))
			o->origin_dropped = cl_strdup(m->ctx, elem);
	}
	free(copy);
}

char **cl_search_dirs(struct cl_map *m, struct cl_obj *o, bool runpath, size_t *n)
{
	if (runpath && !o->runpath_done) {
		o->runpath_done = true;
		if (o->elf->runpath)
			decompose(m, o, o->elf->runpath, "DT_RUNPATH", &o->runpath, &o->n_runpath);
	} else if (!runpath && !o->rpath_done) {
		o->rpath_done = true;
		if (o->elf->rpath)
			decompose(m, o, o->elf->rpath, "DT_RPATH", &o->rpath, &o->n_rpath);
	}
	*n = runpath ? o->n_runpath : o->n_rpath;
	return runpath ? o->runpath : o->rpath;
}
