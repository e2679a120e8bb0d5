/* cgijailctl remove: what the command and its safety checks share. */
#ifndef CTL_REMOVE_H
#define CTL_REMOVE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "strlist.h"

struct remove_args {
	const char *root, *user, *config, *keep;
	bool dry_run, force_path, verbose, json;
};

/* A customer area moved aside with --keep-home: FROM in the jail, to NAME in the keep directory. */
struct keep_area {
	char from[PATH_MAX];
	char name[300];
};

#define MAX_KEEP 2

struct remove_run {
	const struct remove_args *a;
	int rootfd;             /* the jail, O_RDONLY | O_DIRECTORY */
	struct stat st;
	char real[PATH_MAX];    /* its real path on the host */
	char user[256];         /* its customer; "" for --force-path without --user */
	int keepfd;             /* --keep-home's directory, or -1 */
	struct keep_area keep[MAX_KEEP];
	dev_t keep_dev[MAX_KEEP];   /* the areas, left out of the walk */
	ino_t keep_ino[MAX_KEEP];
	int nkeep;
	bool walked;            /* past the checks: the tree was walked */
	bool removing;          /* and things are being moved and removed */
};

/* remove_guard.c: each refuses with a line on stderr and returns -1. */
int guard_open(struct remove_run *r);        /* the path, the directory, never a system one */
int guard_customer(struct remove_run *r);    /* a configured jail, or --force-path's rules */
int guard_mounts(const struct remove_run *r);    /* nothing mounted at or below it */
int guard_processes(const struct remove_run *r); /* nothing runs in it, nor as its customer */

/* remove_keep.c, --keep-home DIR: which customer areas are moved aside
 * (checked, with a refusal on stderr), then the moves themselves (renames
 * into DIR, never replacing anything there), each "KEPT -> DEST" in KEPT. */
int guard_keep(struct remove_run *r);
int keep_areas(const struct remove_run *r, struct strlist *kept, struct strlist *errors);

#endif
