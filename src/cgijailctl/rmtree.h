/* Removing a directory tree that others may have written into (a jail,
 * with its customer's files), relative to open descriptors only: every
 * directory is opened from its parent's descriptor with openat2(2) and
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV, so a symlink is
 * never followed (it is removed as a link) and no mount point is ever
 * crossed; every entry is removed with unlinkat(2) relative to its
 * directory's descriptor, never by a path resolved again from "/". */
#ifndef CTL_RMTREE_H
#define CTL_RMTREE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "strlist.h"

/* The deepest directory level walked: each level holds a descriptor. */
#define RMT_MAX_DEPTH 512

struct rmtree {
	bool dry_run;           /* walk and count only: nothing is removed */
	FILE *verbose;          /* non-NULL: one "removed PATH" line per entry */
	dev_t dev;              /* the tree's file system */
	const dev_t *skip_dev;  /* directories left alone (device, inode), not counted */
	const ino_t *skip_ino;
	size_t nskip;
	size_t files, dirs, symlinks, devices, others;
	struct strlist notes;   /* what an admin should know: links out, hard links, devices */
	struct strlist errors;  /* what could not be walked or removed, and why */
	size_t notes_dropped;
	char path[16384];       /* the current path, from the tree's top */
	size_t pathlen;
	char shown[4 * 16384];  /* the same, escaped for printing */
};

/* Walk (and unless dry_run, remove) everything inside the directory DIRFD,
 * whose path is shown as PATH. DIRFD itself stays. Returns 0 when nothing
 * went wrong, -1 when anything is in RT->errors (a mount point, a level too
 * deep, an entry that could not be removed); the rest is still done. */
int rmtree_contents(int dirfd, const char *path, struct rmtree *rt);

void rmtree_free(struct rmtree *rt);

#endif
