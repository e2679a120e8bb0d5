/* Root-confined path resolution: every component is opened with
 * openat(O_PATH|O_NOFOLLOW) and every symlink is read and expanded by us,
 * absolute targets restarting at the root as inside a chroot. Nothing is
 * ever followed above the root, and ".." is never passed to the kernel.
 */
#ifndef CL_WALK_H
#define CL_WALK_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>

#define CL_WALK_MAXLINKS 40  /* as the kernel's MAXSYMLINKS */
#define CL_WALK_READ 1       /* open a final regular file O_RDONLY */
/* The path's own ".." stop at the root, as the kernel's do in a chroot
 * (a search directory the loader opens by name); a symlink's still
 * escape (CL_WALK_ESCAPE). Without it either is refused. */
#define CL_WALK_CLAMP 2

enum cl_walk_status {
	CL_WALK_OK,
	CL_WALK_NOENT,      /* a component of the path itself does not exist */
	CL_WALK_DANGLING,   /* a component a symlink target names does not exist */
	CL_WALK_ESCAPE,     /* a symlink target climbs above the root */
	CL_WALK_ABOVE_ROOT, /* the path itself climbs above the root */
	CL_WALK_LOOP,       /* more than CL_WALK_MAXLINKS symlinks */
	CL_WALK_ERROR,      /* see err (EACCES, ENAMETOOLONG, ENOMEM...) */
};

struct cl_walk {
	enum cl_walk_status status;
	int fd;                 /* OK: owned by the caller; O_PATH unless READ */
	struct stat st;         /* OK: of fd */
	char path[PATH_MAX];    /* OK: canonical path inside the root */
	char link[PATH_MAX];    /* DANGLING, ESCAPE: the symlink at fault */
	char target[PATH_MAX];  /* and its target */
	int err;                /* ERROR: errno */
};

/* Resolve PATH beneath ROOT_FD. A relative PATH starts at DIR_FD, whose
 * canonical path inside the root is DIR_PATH; DIR_FD -1 means the root.
 * Returns w->status; w->fd is -1 unless the status is CL_WALK_OK. */
enum cl_walk_status cl_walk(int root_fd, int dir_fd, const char *dir_path,
			    const char *path, int flags, struct cl_walk *w);

/* As cl_walk, recording in TRACE (when not NULL) every directory looked
 * into, every symlink read and the file or directory found. */
struct cl_trace;
enum cl_walk_status cl_walk_traced(struct cl_trace *trace, int root_fd, int dir_fd,
				   const char *dir_path, const char *path, int flags,
				   struct cl_walk *w);

/* A short human description of a failed walk ("no such file"...). */
const char *cl_walk_strerror(const struct cl_walk *w);

#endif
