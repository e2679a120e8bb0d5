#include "rmtree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "strutil.h"

#define MAX_NOTES 200
/* Passes over one directory while entries keep appearing in it. */
#define MAX_PASSES 4

static void add_line(struct strlist *l, size_t *dropped, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_line(struct strlist *l, size_t *dropped, const char *fmt, ...)
{
	char line[17000];
	va_list ap;

	if (dropped && l->n >= MAX_NOTES) {
		(*dropped)++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	(void)strlist_add(l, line);
}

#define note(rt, ...) add_line(&(rt)->notes, &(rt)->notes_dropped, __VA_ARGS__)
#define error(rt, ...) add_line(&(rt)->errors, NULL, __VA_ARGS__)

/* The current path as printed: the customer chose its bytes, and no
 * control character reaches the admin's terminal. */
static const char *shown(struct rmtree *rt)
{
	escape_for_log(rt->shown, sizeof rt->shown, rt->path);
	return rt->shown;
}

/* Append "/NAME" to the current path; returns the length to go back to. */
static size_t push(struct rmtree *rt, const char *name)
{
	size_t old = rt->pathlen;
	int n = snprintf(rt->path + old, sizeof rt->path - old, "/%s", name);

	rt->pathlen = n < 0 || (size_t)n >= sizeof rt->path - old ? sizeof rt->path - 1 : old + (size_t)n;
	return old;
}

static void pop(struct rmtree *rt, size_t old)
{
	rt->pathlen = old;
	rt->path[old] = '\0';
}

static int remove_entry(int dirfd, const char *name, int flags, struct rmtree *rt)
{
	if (rt->dry_run)
		return 0;
	if (unlinkat(dirfd, name, flags) < 0) {
		error(rt, "%s: cannot remove: %s", shown(rt), strerror(errno));
		return -1;
	}
	if (rt->verbose)
		fprintf(rt->verbose, "removed %s\n", shown(rt));
	return 0;
}

/* The subdirectory NAME of DIRFD, opened without following a symlink or
 * crossing into another mount (EXDEV: a mount point, bind mounts too). */
static int open_subdir(int dirfd, const char *name, struct rmtree *rt)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;
	int fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof how);

	if (fd < 0) {
		error(rt, "%s: %s", shown(rt), errno == EXDEV ? "a mount point: not crossed"
							  : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || st.st_dev != rt->dev) {
		error(rt, "%s: on another file system: not crossed", shown(rt));
		close(fd);
		return -1;
	}
	return fd;
}

static int walk(int fd, struct rmtree *rt, int depth);

static int directory(int dirfd, const char *name, struct rmtree *rt, int depth)
{
	int fd, rc;

	if (depth >= RMT_MAX_DEPTH) {
		error(rt, "%s: more than %d levels deep: not walked", shown(rt), RMT_MAX_DEPTH);
		return -1;
	}
	fd = open_subdir(dirfd, name, rt);
	if (fd < 0)
		return -1;
	rc = walk(fd, rt, depth + 1);
	rt->dirs++;
	if (rc < 0)
		return -1;
	return remove_entry(dirfd, name, AT_REMOVEDIR, rt);
}

static void symlink_note(int dirfd, const char *name, struct rmtree *rt)
{
	char target[4096], shown_target[4 * sizeof target];
	ssize_t n = readlinkat(dirfd, name, target, sizeof target - 1);

	if (n < 0)
		return;
	target[n] = '\0';
	escape_for_log(shown_target, sizeof shown_target, target);
	/* The ones an admin would worry about: leading out by name. */
	if (target[0] == '/' || strstr(target, ".."))
		note(rt, "symlink %s -> %s: the link itself, not followed", shown(rt), shown_target);
}

static bool skipped(const struct rmtree *rt, const struct stat *st)
{
	for (size_t i = 0; i < rt->nskip; i++)
		if (st->st_dev == rt->skip_dev[i] && st->st_ino == rt->skip_ino[i])
			return true;
	return false;
}

static int entry(int dirfd, const char *name, struct rmtree *rt, int depth)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		error(rt, "%s: %s", shown(rt), strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode) && skipped(rt, &st))
		return 0;
	if (S_ISDIR(st.st_mode))
		return directory(dirfd, name, rt, depth);
	if (S_ISLNK(st.st_mode)) {
		rt->symlinks++;
		symlink_note(dirfd, name, rt);
	} else if (S_ISREG(st.st_mode)) {
		rt->files++;
		if (st.st_nlink > 1)
			note(rt, "hard link %s (%lu names): this name only, the file stays under the others",
			     shown(rt), (unsigned long)st.st_nlink);
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		rt->devices++;
		note(rt, "device %s (%s %u,%u): the node only", shown(rt), S_ISCHR(st.st_mode) ? "char" : "block",
		     major(st.st_rdev), minor(st.st_rdev));
	} else {
		rt->others++;
	}
	return remove_entry(dirfd, name, 0, rt);
}

/* Everything in the directory FD (which this closes): one descriptor per level. */
static int walk(int fd, struct rmtree *rt, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		error(rt, "%s: cannot read the directory: %s", shown(rt), strerror(errno));
		close(fd);
		return -1;
	}
	/* Removing while reading, readdir may skip an entry: read again until
	 * a pass finds nothing. A dry run reads once. */
	for (int pass = 0; rc == 0; pass++) {
		bool any = false;

		if (pass == MAX_PASSES) {
			error(rt, "%s: entries keep appearing in it: is something writing there?", shown(rt));
			rc = -1;
			break;
		}
		while ((de = readdir(d))) {
			size_t old;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			old = push(rt, de->d_name);
			any = true;
			rc |= entry(fd, de->d_name, rt, depth);
			pop(rt, old);
		}
		if (rt->dry_run || !any)
			break;
		rewinddir(d);
	}
	closedir(d);
	return rc;
}

int rmtree_contents(int dirfd, const char *path, struct rmtree *rt)
{
	struct stat st;
	int fd;

	if (fstat(dirfd, &st) < 0)
		return -1;
	rt->dev = st.st_dev;
	snprintf(rt->path, sizeof rt->path, "%s", strcmp(path, "/") != 0 ? path : "");
	rt->pathlen = strlen(rt->path);
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		error(rt, "%s: cannot read the directory: %s", shown(rt), strerror(errno));
		return -1;
	}
	return walk(fd, rt, 0);
}

void rmtree_free(struct rmtree *rt)
{
	strlist_free(&rt->notes);
	strlist_free(&rt->errors);
}
