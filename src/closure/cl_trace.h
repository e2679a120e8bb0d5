/* What one check consulted, for the repeat-check cache: every directory it
 * looked into (a lookup that failed included: a file added there later
 * changes the directory's mtime and ctime), every symlink on the way and
 * every file it found, each with its identity as the check saw it. */
#ifndef CL_TRACE_H
#define CL_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "cl_strmap.h"

#define CL_TRACE_MAX 8192 /* paths one check may consult and still be cached */

/* The fields of a stat that a change to the file or directory changes. */
struct cl_trace_rec {
	uint64_t dev, ino, size;
	int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
	uint32_t mode;
	uint32_t zero;   /* padding, always 0, so records compare with memcmp */
};

struct cl_trace {
	struct cl_strmap seen;      /* path -> nothing: each path once */
	char **paths;               /* canonical, inside the root ("/" for the root) */
	struct cl_trace_rec *recs;
	size_t n, cap;
	bool broken;                /* out of memory or too many paths: not cacheable */
};

void cl_trace_rec_set(struct cl_trace_rec *r, const struct stat *st);
/* Record PATH (a directory name without trailing '/', or "/") with ST. */
void cl_trace_note(struct cl_trace *t, const char *path, const struct stat *st);
/* Record PATH, stat()ing FD only when PATH is new to the trace. */
void cl_trace_note_fd(struct cl_trace *t, const char *path, int fd);
void cl_trace_free(struct cl_trace *t);

#endif
