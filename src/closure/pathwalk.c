/* Root-confined path resolution: see cl_walk.h. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cl_trace.h"
#include "cl_walk.h"

#define REST_MAX ((size_t)2 * PATH_MAX)

/* A symlink being expanded: its target's components are those that start
 * while more than TAIL characters of the remaining path are left. */
struct frame {
	size_t tail;
	char *link;
	char *target;
};

struct walker {
	int root_fd;
	struct cl_trace *trace;  /* NULL: nothing recorded */
	int cur;
	bool cur_owned;
	size_t clen;
	int which;
	const char *p;
	int nframes;
	int nlinks;
	int flags;
	/* The buffers last: a walk sets what it reads of them, and only the
	 * fields above are zeroed (a walk is made for every file looked up). */
	char canon[PATH_MAX];
	char rest[2][REST_MAX];
	struct frame frames[CL_WALK_MAXLINKS + 1];
};

static void set_cur(struct walker *k, int fd, bool owned)
{
	if (k->cur_owned)
		close(k->cur);
	k->cur = fd;
	k->cur_owned = owned;
}

/* For the cache: the directory we are about to look into, before we do. */
static void note_cur(struct walker *k)
{
	if (k->trace)
		cl_trace_note_fd(k->trace, k->clen ? k->canon : "/", k->cur);
}

/* For the cache: the entry COMP of the current directory, as lstat saw it. */
static void note_child(struct walker *k, const char *comp, const struct stat *st)
{
	char path[PATH_MAX];

	if (!k->trace)
		return;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", k->canon, comp) >= sizeof path)
		k->trace->broken = true;
	else
		cl_trace_note(k->trace, path, st);
}

static void pop_frames(struct walker *k, size_t remaining)
{
	while (k->nframes && remaining <= k->frames[k->nframes - 1].tail) {
		struct frame *f = &k->frames[--k->nframes];

		free(f->link);
		free(f->target);
	}
}

static enum cl_walk_status set_error(struct cl_walk *w, int err)
{
	w->err = err;
	return w->status = CL_WALK_ERROR;
}

/* Report a failure caused by the innermost symlink being expanded, or by
 * the path itself when no symlink is involved. */
static enum cl_walk_status blame(struct walker *k, struct cl_walk *w,
				 enum cl_walk_status by_link, enum cl_walk_status by_path)
{
	const struct frame *f;

	if (k->nframes == 0)
		return w->status = by_path;
	f = &k->frames[k->nframes - 1];
	snprintf(w->link, sizeof w->link, "%s", f->link);
	snprintf(w->target, sizeof w->target, "%s", f->target);
	return w->status = by_link;
}

static bool append_canon(struct walker *k, const char *comp)
{
	size_t n = strlen(comp);

	if (k->clen + 1 + n >= sizeof k->canon)
		return false;
	k->canon[k->clen++] = '/';
	memcpy(k->canon + k->clen, comp, n + 1);
	k->clen += n;
	return true;
}

/* Re-open the canonical directory path from the root: it has no symlinks,
 * so each component must be a real directory. */
static int reopen_canon(struct walker *k)
{
	char buf[PATH_MAX], *save = NULL, *comp;
	int fd = -1, dir = k->root_fd;

	memcpy(buf, k->canon, k->clen + 1);
	for (comp = strtok_r(buf, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		int next;

		if (k->trace) {
			/* buf up to COMP is the path of DIR ("/" for the root). */
			char was = comp[-1];

			comp[-1] = '\0';
			cl_trace_note_fd(k->trace, buf[0] ? buf : "/", dir);
			comp[-1] = was;
		}
		next = openat(dir, comp, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);

		if (fd >= 0)
			close(fd);
		if (next < 0)
			return -1;
		dir = fd = next;
	}
	return fd >= 0 ? fd : fcntl(k->root_fd, F_DUPFD_CLOEXEC, 0);
}

static enum cl_walk_status go_up(struct walker *k, struct cl_walk *w)
{
	int fd;

	if (k->clen == 0 && k->nframes == 0 && (k->flags & CL_WALK_CLAMP))
		return CL_WALK_OK;
	if (k->clen == 0)
		return blame(k, w, CL_WALK_ESCAPE, CL_WALK_ABOVE_ROOT);
	while (k->clen > 0 && k->canon[k->clen - 1] != '/')
		k->clen--;
	if (k->clen > 0)
		k->clen--;
	k->canon[k->clen] = '\0';
	fd = k->clen ? reopen_canon(k) : -1;
	if (k->clen && fd < 0)
		return set_error(w, errno);
	if (fd < 0)
		set_cur(k, k->root_fd, false);
	else
		set_cur(k, fd, true);
	return CL_WALK_OK;
}

static enum cl_walk_status expand_link(struct walker *k, struct cl_walk *w, const char *comp)
{
	char target[PATH_MAX];
	char *dst = k->rest[!k->which];
	ssize_t n;
	size_t restlen = strlen(k->p);
	struct frame *f;

	if (++k->nlinks > CL_WALK_MAXLINKS)
		return w->status = CL_WALK_LOOP;
	n = readlinkat(k->cur, comp, target, sizeof target);
	if (n < 0)
		return set_error(w, errno);
	if ((size_t)n >= sizeof target || (size_t)n + 1 + restlen >= REST_MAX)
		return set_error(w, ENAMETOOLONG);
	target[n] = '\0';
	f = &k->frames[k->nframes];
	f->tail = restlen;
	f->link = malloc(k->clen + 2 + strlen(comp));
	f->target = strdup(target);
	if (!f->link || !f->target) {
		free(f->link);
		free(f->target);
		return set_error(w, ENOMEM);
	}
	memcpy(f->link, k->canon, k->clen);
	f->link[k->clen] = '/';
	memcpy(f->link + k->clen + 1, comp, strlen(comp) + 1);
	k->nframes++;
	if (n == 0)
		return blame(k, w, CL_WALK_DANGLING, CL_WALK_NOENT);
	memcpy(dst, target, (size_t)n);
	memcpy(dst + n, k->p, restlen + 1);
	k->which = !k->which;
	k->p = dst;
	if (target[0] == '/') {
		set_cur(k, k->root_fd, false);
		k->clen = 0;
		k->canon[0] = '\0';
	}
	return CL_WALK_OK;
}

static bool only_slashes(const char *s)
{
	while (*s == '/')
		s++;
	return *s == '\0';
}

/* Open the final component: a regular file for reading (checking that it
 * is still the file we stat()ed: never a device or FIFO, whose open may
 * act), anything else O_PATH. */
static enum cl_walk_status finish_file(struct walker *k, struct cl_walk *w, const char *comp,
				       int flags)
{
	bool read = (flags & CL_WALK_READ) && S_ISREG(w->st.st_mode);
	struct stat st;
	int fd;

	if (!append_canon(k, comp))
		return set_error(w, ENAMETOOLONG);
	memcpy(w->path, k->canon, k->clen + 1);
	if (k->trace)
		cl_trace_note(k->trace, w->path, &w->st);
	fd = openat(k->cur, comp, read ? O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK
				       : O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return set_error(w, errno);
	w->fd = fd;
	if (fstat(fd, &st) < 0 || st.st_dev != w->st.st_dev || st.st_ino != w->st.st_ino)
		return set_error(w, ESTALE);
	return w->status = CL_WALK_OK;
}

static enum cl_walk_status finish_dir(struct walker *k, struct cl_walk *w)
{
	int fd = k->cur_owned ? k->cur : fcntl(k->cur, F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		return set_error(w, errno);
	k->cur_owned = false;
	w->fd = fd;
	if (fstat(fd, &w->st) < 0)
		return set_error(w, errno);
	if (k->clen == 0)
		memcpy(w->path, "/", 2);
	else
		memcpy(w->path, k->canon, k->clen + 1);
	if (k->trace)
		cl_trace_note(k->trace, w->path, &w->st);
	return w->status = CL_WALK_OK;
}

static enum cl_walk_status enter_dir(struct walker *k, struct cl_walk *w, int fd,
				     const char *comp)
{
	if (!append_canon(k, comp)) {
		close(fd);
		return set_error(w, ENAMETOOLONG);
	}
	set_cur(k, fd, true);
	return CL_WALK_OK;
}

/* One step: the component COMP, LAST when nothing follows it. Most steps
 * are directories, opened at once; anything else is classified first. */
static enum cl_walk_status step(struct walker *k, struct cl_walk *w, const char *comp,
				bool last, int flags, bool *done)
{
	int fd;

	if (strcmp(comp, ".") == 0)
		return CL_WALK_OK;
	if (strcmp(comp, "..") == 0)
		return go_up(k, w);
	note_cur(k);
	if (!last) {
		fd = openat(k->cur, comp, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			return enter_dir(k, w, fd, comp);
		if (errno == ENOENT)
			return blame(k, w, CL_WALK_DANGLING, CL_WALK_NOENT);
		if (errno != ENOTDIR && errno != ELOOP)
			return set_error(w, errno);
	}
	if (fstatat(k->cur, comp, &w->st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return blame(k, w, CL_WALK_DANGLING, CL_WALK_NOENT);
		return set_error(w, errno);
	}
	if (S_ISLNK(w->st.st_mode)) {
		note_child(k, comp, &w->st);
		return expand_link(k, w, comp);
	}
	if (S_ISDIR(w->st.st_mode)) {
		fd = openat(k->cur, comp, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		return fd < 0 ? set_error(w, errno) : enter_dir(k, w, fd, comp);
	}
	if (!last)
		return blame(k, w, CL_WALK_DANGLING, CL_WALK_NOENT);
	*done = true;
	return finish_file(k, w, comp, flags);
}

static enum cl_walk_status run(struct walker *k, struct cl_walk *w, int flags)
{
	char comp[NAME_MAX + 1];

	for (;;) {
		const char *end;
		size_t len;
		bool done = false;
		enum cl_walk_status s;

		while (*k->p == '/')
			k->p++;
		if (*k->p == '\0')
			return finish_dir(k, w);
		pop_frames(k, strlen(k->p));
		end = strchrnul(k->p, '/');
		len = (size_t)(end - k->p);
		if (len > NAME_MAX)
			return set_error(w, ENAMETOOLONG);
		memcpy(comp, k->p, len);
		comp[len] = '\0';
		k->p = end;
		s = step(k, w, comp, only_slashes(end), flags, &done);
		if (s != CL_WALK_OK || done)
			return s;
	}
}

static void walker_free(struct walker *k)
{
	set_cur(k, -1, false);
	pop_frames(k, 0);
	free(k);
}

enum cl_walk_status cl_walk(int root_fd, int dir_fd, const char *dir_path,
			    const char *path, int flags, struct cl_walk *w)
{
	return cl_walk_traced(NULL, root_fd, dir_fd, dir_path, path, flags, w);
}

enum cl_walk_status cl_walk_traced(struct cl_trace *trace, int root_fd, int dir_fd,
				   const char *dir_path, const char *path, int flags,
				   struct cl_walk *w)
{
	struct walker *k;
	enum cl_walk_status s;

	w->fd = -1;
	w->err = 0;
	w->link[0] = w->target[0] = w->path[0] = '\0';
	if (strlen(path) >= REST_MAX)
		return set_error(w, ENAMETOOLONG);
	k = malloc(sizeof *k);
	if (!k)
		return set_error(w, ENOMEM);
	memset(k, 0, offsetof(struct walker, canon));
	k->canon[0] = '\0';
	k->root_fd = root_fd;
	k->trace = trace;
	k->flags = flags;
	k->cur = root_fd;
	if (path[0] != '/' && dir_fd >= 0 && strlen(dir_path) < sizeof k->canon) {
		k->cur = dir_fd;
		k->clen = strcmp(dir_path, "/") == 0 ? 0 : strlen(dir_path);
		memcpy(k->canon, dir_path, k->clen);
		k->canon[k->clen] = '\0';
	}
	memcpy(k->rest[0], path, strlen(path) + 1);
	k->p = k->rest[0];
	s = run(k, w, flags);
	if (s != CL_WALK_OK && w->fd >= 0) {
		close(w->fd);
		w->fd = -1;
	}
	walker_free(k);
	return s;
}

const char *cl_walk_strerror(const struct cl_walk *w)
{
	switch (w->status) {
	case CL_WALK_OK:
		return "found";
	case CL_WALK_NOENT:
		return "no such file or directory";
	case CL_WALK_DANGLING:
		return "symlink target does not exist";
	case CL_WALK_ESCAPE:
		return "symlink target climbs above the root";
	case CL_WALK_ABOVE_ROOT:
		return "path climbs above the root";
	case CL_WALK_LOOP:
		return "too many levels of symbolic links";
	case CL_WALK_ERROR:
		return strerror(w->err);
	}
	return "unknown error";
}
