/* The consulted-path recorder: see cl_trace.h. */
#include <stdlib.h>
#include <string.h>

#include "cl_trace.h"

void cl_trace_rec_set(struct cl_trace_rec *r, const struct stat *st)
{
	memset(r, 0, sizeof *r);
	r->dev = (uint64_t)st->st_dev;
	r->ino = (uint64_t)st->st_ino;
	r->size = (uint64_t)st->st_size;
	r->mtime_s = (int64_t)st->st_mtim.tv_sec;
	r->mtime_ns = (int64_t)st->st_mtim.tv_nsec;
	r->ctime_s = (int64_t)st->st_ctim.tv_sec;
	r->ctime_ns = (int64_t)st->st_ctim.tv_nsec;
	r->mode = (uint32_t)st->st_mode;
}

static bool grow(struct cl_trace *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	char **p;
	struct cl_trace_rec *r;

	p = realloc(t->paths, ncap * sizeof *p);
	if (!p)
		return false;
	t->paths = p;
	r = realloc(t->recs, ncap * sizeof *r);
	if (!r)
		return false;
	t->recs = r;
	t->cap = ncap;
	return true;
}

/* Add PATH; false when it was there already or cannot be added. */
static bool add_path(struct cl_trace *t, const char *path)
{
	int added;

	if (t->broken)
		return false;
	added = cl_strmap_add(&t->seen, path, NULL);
	if (added == 0)
		return false;
	if (added < 0 || t->n >= CL_TRACE_MAX || (t->n == t->cap && !grow(t)) ||
	    !(t->paths[t->n] = strdup(path))) {
		t->broken = true;
		return false;
	}
	return true;
}

void cl_trace_note(struct cl_trace *t, const char *path, const struct stat *st)
{
	if (t && add_path(t, path))
		cl_trace_rec_set(&t->recs[t->n++], st);
}

void cl_trace_note_fd(struct cl_trace *t, const char *path, int fd)
{
	struct stat st;

	if (!t || !add_path(t, path))
		return;
	if (fstat(fd, &st) < 0) {
		free(t->paths[t->n]);
		t->broken = true;
		return;
	}
	cl_trace_rec_set(&t->recs[t->n++], &st);
}

void cl_trace_free(struct cl_trace *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->paths[i]);
	free(t->paths);
	free(t->recs);
	cl_strmap_free(&t->seen);
	memset(t, 0, sizeof *t);
}
