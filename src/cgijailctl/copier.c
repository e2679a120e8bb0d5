#include "copier.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jailfs.h"

#define MAX_LINKS 40   /* symlinks followed for one path, as the kernel's limit */
#define MAX_DEPTH 64   /* directory levels copied by copier_tree */

extern char **environ;

void copier_error(struct copier *c, const char *path, const char *fmt, ...)
{
	char reason[512], line[5000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	snprintf(line, sizeof line, "%s: %s", path, reason);
	if (strlist_add(&c->errors, line) < 0)
		fprintf(stderr, "cgijailctl: out of memory\n");
}

int copier_init(struct copier *c, const char *jail)
{
	memset(c, 0, sizeof *c);
	c->jail = jail;
	c->deep = true;
	c->rootfd = jfs_open_root(jail);
	if (c->rootfd < 0) {
		fprintf(stderr, "cgijailctl: %s: %s\n", jail, strerror(errno));
		return -1;
	}
	return 0;
}

void copier_free(struct copier *c)
{
	if (c->rootfd >= 0)
		close(c->rootfd);
	strlist_free(&c->copied);
	strlist_free(&c->errors);
	strlist_free(&c->programs);
	strlist_free(&c->seen);
}

/* Lexically clean absolute PATH into OUT: no "//", ".", "..". The prefix
 * before any ".." has been walked already and holds no symlinks. */
static int clean_path(const char *path, char *out, size_t outlen)
{
	size_t len = 0;
	const char *p = path;

	if (path[0] != '/' || strlen(path) >= outlen)
		return -1;
	out[0] = '\0';
	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = '\0';
		} else {
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
			out[len] = '\0';
		}
		p += n;
	}
	if (len == 0)
		snprintf(out, outlen, "/");
	return 0;
}

static void note_written(struct copier *c, const char *path, int rc)
{
	if (rc == 0)
		c->identical++;
	else if (rc > 0)
		(void)strlist_add(&c->copied, path);
}

/* Make directory PATH exist in the jail with the host directory's mode. */
static int ensure_dir(struct copier *c, const char *path, int *fdp)
{
	struct stat st;
	mode_t mode = 0755;
	int fd;

	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
		mode = st.st_mode & 01777;
	fd = jfs_mkdirs(c->rootfd, path, mode, 0, 0, NULL);
	if (fd < 0) {
		copier_error(c, path, "cannot create the directory in the jail: %s", strerror(errno));
		return -1;
	}
	if (fdp)
		*fdp = fd;
	else
		close(fd);
	return 0;
}

/* Install the host regular file PATH as NAME in the jail directory PFD. */
static int install_file(struct copier *c, int pfd, const char *name, const char *path)
{
	struct stat st;
	int src = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), rc;

	if (src < 0 || fstat(src, &st) < 0 || !S_ISREG(st.st_mode)) {
		copier_error(c, path, src < 0 ? "cannot open on the host: %s" : "not a regular file%s",
			     src < 0 ? strerror(errno) : "");
		if (src >= 0)
			close(src);
		return -1;
	}
	struct jfs_src s = { .fd = src, .mtime = &st.st_mtim };
	rc = jfs_install(pfd, name, &s, st.st_mode & 0777, 0, 0);
	close(src);
	if (rc < 0) {
		copier_error(c, path, "cannot write it in the jail: %s", strerror(errno));
		return -1;
	}
	note_written(c, path, rc);
	return 0;
}

/* The jail's entry at PATH is a directory (then a host symlink there is not
 * mirrored: the jail has its own layout). */
static bool jail_has_dir(struct copier *c, const char *path)
{
	int fd = jfs_open(c->rootfd, path, O_PATH | O_DIRECTORY | O_NOFOLLOW);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int mirror_link(struct copier *c, const char *parent, const char *name,
		       const char *path, const char *target)
{
	int pfd, rc;

	if (jail_has_dir(c, path))
		return 0;
	if (ensure_dir(c, parent, &pfd) < 0)
		return -1;
	rc = jfs_symlink(pfd, name, target);
	close(pfd);
	if (rc < 0) {
		copier_error(c, path, "cannot make the symlink in the jail: %s", strerror(errno));
		return -1;
	}
	note_written(c, path, rc);
	return 0;
}

static int copy_path_depth(struct copier *c, const char *path, int links);

/* PATH's component ending at CUT is a symlink to TARGET: mirror it, then
 * copy what it leads to, followed by the rest of PATH. */
static int follow_link(struct copier *c, const char *path, size_t cut, const char *target,
		       int links)
{
	char cur[4096], parent[4096], next[8192];
	const char *name;

	snprintf(cur, sizeof cur, "%.*s", (int)cut, path);
	if (jfs_split(cur, parent, sizeof parent, &name) < 0)
		return -1;
	if (mirror_link(c, parent, name, cur, target) < 0)
		return -1;
	/* clean_path() folds the "//" and the ".." this may make. */
	if (snprintf(next, sizeof next, "%s/%s%s", target[0] == '/' ? "" : parent, target,
		     path + cut) >= (int)sizeof next) {
		copier_error(c, path, "path too long");
		return -1;
	}
	return copy_path_depth(c, next, links + 1);
}

static int copy_path_depth(struct copier *c, const char *raw, int links)
{
	char path[4096], parent[4096], target[4096];
	const char *name;
	struct stat st;
	size_t cut = 0;

	if (links > MAX_LINKS || clean_path(raw, path, sizeof path) < 0) {
		copier_error(c, raw, links > MAX_LINKS ? "too many symlinks" : "not an absolute path");
		return -1;
	}
	if (strcmp(path, "/") == 0)
		return 0;
	for (;;) {
		cut += 1 + strcspn(path + cut + 1, "/");
		snprintf(parent, sizeof parent, "%.*s", (int)cut, path);
		if (lstat(parent, &st) < 0) {
			copier_error(c, parent, "not on the host: %s", strerror(errno));
			return -1;
		}
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(parent, target, sizeof target - 1);

			if (n <= 0) {
				copier_error(c, parent, "unreadable symlink");
				return -1;
			}
			target[n] = '\0';
			return follow_link(c, path, cut, target, links);
		}
		if (path[cut] == '\0')
			break;
		if (!S_ISDIR(st.st_mode)) {
			copier_error(c, parent, "not a directory on the host");
			return -1;
		}
	}
	if (S_ISDIR(st.st_mode))
		return ensure_dir(c, path, NULL);
	if (!S_ISREG(st.st_mode)) {
		copier_error(c, path, "neither a regular file, a directory nor a symlink");
		return -1;
	}
	int pfd, rc;
	if (jfs_split(path, parent, sizeof parent, &name) < 0 || ensure_dir(c, parent, &pfd) < 0)
		return -1;
	rc = install_file(c, pfd, name, path);
	close(pfd);
	return rc;
}

int copier_path(struct copier *c, const char *path)
{
	if (strlist_has(&c->seen, path))
		return 0;
	(void)strlist_add(&c->seen, path);
	return copy_path_depth(c, path, 0);
}

static bool excluded(const struct copier *c, const char *path)
{
	if (!c->exclude)
		return false;
	for (size_t i = 0; i < c->exclude->n; i++)
		if (fnmatch(c->exclude->v[i], path, 0) == 0)
			return true;
	return false;
}

/* Copy the content of host directory DIR (fd HOSTFD, consumed) into the
 * jail directory JFD. */
static int copy_dir_content(struct copier *c, const char *dir, int hostfd, int jfd, int depth)
{
	DIR *d = fdopendir(hostfd);
	struct dirent *de;
	int status = 0;

	if (!d) {
		close(hostfd);
		copier_error(c, dir, "cannot read the directory: %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		char path[4096];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", strcmp(dir, "/") ? dir : "", de->d_name);
		if (excluded(c, path) || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISREG(st.st_mode)) {
			status |= install_file(c, jfd, de->d_name, path);
		} else if (S_ISLNK(st.st_mode)) {
			status |= copier_path(c, path);
		} else if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
			bool made;
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int jsub = jfs_mkdirs(c->rootfd, path, st.st_mode & 01777, 0, 0, &made);

			if (sub < 0 || jsub < 0) {
				copier_error(c, path, "cannot copy the directory: %s", strerror(errno));
				status = -1;
				if (sub >= 0)
					close(sub);
			} else {
				status |= copy_dir_content(c, path, sub, jsub, depth + 1);
			}
			if (jsub >= 0)
				close(jsub);
		}
	}
	closedir(d);
	return status ? -1 : 0;
}

int copier_tree(struct copier *c, const char *path)
{
	char *real;
	int hostfd, jfd, rc;

	if (copier_path(c, path) < 0)
		return -1;
	real = realpath(path, NULL);
	if (!real) {
		copier_error(c, path, "cannot resolve on the host: %s", strerror(errno));
		return -1;
	}
	/* Two globs may name one tree ("5.36" -> "5.36.0"): copy it once. */
	char key[4200];
	snprintf(key, sizeof key, "tree:%s", real);
	if (strlist_has(&c->seen, key)) {
		free(real);
		return 0;
	}
	(void)strlist_add(&c->seen, key);
	hostfd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (hostfd < 0 || ensure_dir(c, real, &jfd) < 0) {
		if (hostfd >= 0)
			close(hostfd);
		else
			copier_error(c, real, "not a directory on the host");
		free(real);
		return -1;
	}
	rc = copy_dir_content(c, real, hostfd, jfd, 0);
	close(jfd);
	free(real);
	return rc;
}

int copier_glob(struct copier *c, const char *pattern, bool tree)
{
	glob_t g;
	int status = 0;

	if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; i < g.gl_pathc; i++)
		status |= tree ? copier_tree(c, g.gl_pathv[i]) : copier_path(c, g.gl_pathv[i]);
	globfree(&g);
	return status ? -1 : 0;
}

static bool has_ldcache(struct copier *c)
{
	int fd = jfs_open(c->rootfd, "/etc/ld.so.cache", O_PATH);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int copier_ldconfig(struct copier *c)
{
	static const char *const tools[] = { "/sbin/ldconfig", "/usr/sbin/ldconfig" };
	const char *tool = NULL;
	pid_t pid;
	int st;

	if (c->copied.n == 0 && has_ldcache(c))
		return 0;
	for (size_t i = 0; i < 2 && !tool; i++)
		if (access(tools[i], X_OK) == 0)
			tool = tools[i];
	if (!tool) {
		copier_error(c, "ldconfig", "not found in /sbin or /usr/sbin");
		return -1;
	}
	/* -X: only the cache; the soname links are the host's, copied as they are. */
	char *argv[] = { (char *)"ldconfig", (char *)"-X", (char *)"-r", (char *)c->jail, NULL };
	if (posix_spawn(&pid, tool, NULL, NULL, argv, environ) != 0 || waitpid(pid, &st, 0) < 0) {
		copier_error(c, tool, "cannot run it");
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		copier_error(c, c->jail, "%s -X -r failed (status %d)", tool, st);
		return -1;
	}
	return 0;
}

int copier_sweep_temps(struct copier *c)
{
	struct strlist dirs = { 0 };
	char parent[4096];
	const char *name;
	int removed = 0;

	for (size_t i = 0; i < c->copied.n; i++)
		if (jfs_split(c->copied.v[i], parent, sizeof parent, &name) == 0)
			(void)strlist_add_unique(&dirs, parent);
	for (size_t i = 0; i < dirs.n; i++) {
		int fd = jfs_open(c->rootfd, dirs.v[i], O_RDONLY | O_DIRECTORY);

		if (fd >= 0) {
			removed += jfs_sweep_temps(fd);
			close(fd);
		}
	}
	strlist_free(&dirs);
	return removed;
}
