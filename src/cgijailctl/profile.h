/* Jail profiles: ini files NAME.ini in the profile directory, one
 * [profile] section:
 *
 *   description = one line
 *   requires    = other profiles applied first (base always is)
 *   dirs        = directories made root-owned 0755
 *   user_dirs   = directories made owned by the customer, 0755
 *   sticky_dirs = directories made root-owned 1777
 *   private_dirs = directories made owned by the customer, 0700 (its /tmp)
 *   files       = host files copied (globs)
 *   programs    = host programs copied with their closure
 *   trees       = host directories copied whole (globs)
 *   exclude     = fnmatch(3) patterns of paths trees leave out
 *
 * Every list is separated by white space; paths are absolute. */
#ifndef CTL_PROFILE_H
#define CTL_PROFILE_H

#include <stddef.h>

#include "strlist.h"

enum { PROF_DIRS, PROF_USER_DIRS, PROF_STICKY_DIRS, PROF_FILES, PROF_PROGRAMS,
       PROF_TREES, PROF_EXCLUDE, PROF_REQUIRES, PROF_PRIVATE_DIRS, PROF_NLISTS };

/* The union of one or more profiles, in the order they apply. */
struct profile_set {
	struct strlist names;            /* the profiles applied */
	struct strlist list[PROF_NLISTS];
};

/* The directory compiled in (meson: sysconfdir/cgijail/profiles). */
const char *profile_default_dir(void);

/* Add profile NAME (and what it requires, first) from DIR to SET.
 * Returns 0, or -1 with the reason (naming the file) in WHY. */
int profile_add(struct profile_set *set, const char *dir, const char *name,
		char *why, size_t whylen);

/* Parse one profile file PATH into SET (requires are only listed). */
int profile_parse_file(struct profile_set *set, const char *path, char *why, size_t whylen);

void profile_set_free(struct profile_set *set);

#endif
