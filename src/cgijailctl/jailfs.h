/* Writing inside a jail without ever following a symlink out of it.
 *
 * Every path inside the jail is opened with openat2(RESOLVE_IN_ROOT) from
 * the jail's root fd: symlinks are followed as the chrooted CGI would see
 * them, ".." stops at the root. The last component is then created or
 * replaced relative to its parent directory's fd, never by name from "/".
 * Files are replaced atomically: a temporary file in the same directory,
 * fsync, rename. */
#ifndef CTL_JAILFS_H
#define CTL_JAILFS_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* O_RDONLY|O_DIRECTORY fd of JAIL; -1 with errno. */
int jfs_open_root(const char *jail);

/* Open PATH (absolute, inside the jail) with FLAGS, resolved in the jail. */
int jfs_open(int rootfd, const char *path, int flags);

/* PATH inside the jail opened for reading, only when it is a regular file
 * (a device or FIFO is never opened); its status in *ST. -1 otherwise. */
int jfs_open_regular(int rootfd, const char *path, struct stat *st);

/* O_RDONLY|O_DIRECTORY fd of directory PATH inside the jail, creating it
 * (and missing parents as root 0755) when absent. A directory made here
 * gets MODE, UID and GID; *CREATED (may be NULL) says so. */
int jfs_mkdirs(int rootfd, const char *path, mode_t mode, uid_t uid, gid_t gid, bool *created);

/* The same, but no symlink at all may be on the way (RESOLVE_NO_SYMLINKS):
 * for directories handed to the customer, who could otherwise point a
 * symlink of theirs at a system directory and have it chowned to them. */
int jfs_mkdirs_nolinks(int rootfd, const char *path, mode_t mode, uid_t uid, gid_t gid,
		       bool *created);

/* Directory PATH in the jail with exactly MODE, UID and GID, made (with
 * missing parents, root 0755) or fixed. One given to a user (UID not 0)
 * may have no symlink on its way (jfs_mkdirs_nolinks). Returns 1 when
 * made, 2 when fixed, 0 when it already was right, -1 with errno. */
int jfs_ensure_dir(int rootfd, const char *path, mode_t mode, uid_t uid, gid_t gid);

/* Set the owner and mode of the open FD when they differ; 1 when changed,
 * 0 when not, -1 on error. */
int jfs_fix_attrs(int fd, mode_t mode, uid_t uid, gid_t gid);

/* What to install: the bytes of FD, or BUF/LEN. */
struct jfs_src {
	int fd;                 /* >= 0: copy this regular file */
	const void *buf;        /* else these bytes */
	size_t len;
	const struct timespec *mtime; /* NULL: leave the new file's mtime */
};

/* Make NAME in the directory PFD a regular file with the content of SRC,
 * MODE, UID, GID. Returns 0 when it already was (nothing written), 1 when
 * it was replaced atomically, -1 with errno. */
int jfs_install(int pfd, const char *name, const struct jfs_src *src, mode_t mode,
		uid_t uid, gid_t gid);

/* Make NAME in PFD a symlink to TARGET: 0 already, 1 made, -1 error. */
int jfs_symlink(int pfd, const char *name, const char *target);

/* Split absolute PATH into its parent ("/" for "/x") and last component.
 * Returns -1 when PATH is "/" or too long. */
int jfs_split(const char *path, char *parent, size_t plen, const char **last);

/* Remove from the directory DIRFD the temporary files that an interrupted
 * jfs_install() left (".NAME.cjctl-PID-N" of a process that is gone).
 * Returns how many were removed. */
int jfs_sweep_temps(int dirfd);

/* A readdir(3) stream of the directory DIRFD (O_PATH will do), on a
 * descriptor of its own: DIRFD stays open. NULL with errno. */
DIR *jfs_opendir(int dirfd);

/* True when the two open regular files hold the same bytes. */
bool jfs_same_content(int a, int b);

#endif
