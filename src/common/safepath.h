/* Opening a path whose every component only root can change. */
#ifndef CJ_SAFEPATH_H
#define CJ_SAFEPATH_H

#include <stddef.h>

/* Open absolute PATH one component at a time from "/", never following a
 * symlink, and require every component (the last included) to be owned by
 * root and not writable by group or others -- OpenSSH's ChrootDirectory
 * rule. The last component is opened with LAST_FLAGS (e.g. O_PATH|O_DIRECTORY,
 * or O_RDONLY for a regular file). Returns the fd, or -1 with a reason in WHY
 * ("/srv/jails is writable by group or others"). */
int open_root_owned_path(const char *path, int last_flags, char *why, size_t whylen);

/* The same rule for one more component: NAME below DIRFD (a directory
 * open_root_owned_path opened), shown as SHOWN in WHY. */
int open_root_owned_below(int dirfd, const char *name, const char *shown, int flags, char *why,
			  size_t whylen);

#endif
