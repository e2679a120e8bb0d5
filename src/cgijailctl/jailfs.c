#include "jailfs.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int jfs_open_root(const char *jail)
{
	return open(jail, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int open_how(int rootfd, const char *path, int flags, bool nolinks)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | (nolinks ? RESOLVE_NO_SYMLINKS : 0),
	};

	while (*path == '/')
		path++;
	return (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof how);
}

int jfs_open(int rootfd, const char *path, int flags)
{
	return open_how(rootfd, path, flags, false);
}

int jfs_open_regular(int rootfd, const char *path, struct stat *st)
{
	int pfd = jfs_open(rootfd, path, O_PATH), fd = -1;
	char proc[64];

	if (pfd < 0)
		return -1;
	if (fstat(pfd, st) == 0 && S_ISREG(st->st_mode)) {
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", pfd);
		fd = open(proc, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	}
	close(pfd);
	return fd;
}

int jfs_split(const char *path, char *parent, size_t plen, const char **last)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash || slash[1] == '\0' || path[0] != '/')
		return -1;
	n = (size_t)(slash - path);
	if (n + 2 > plen)
		return -1;
	if (n == 0) {
		snprintf(parent, plen, "/");
	} else {
		memcpy(parent, path, n);
		parent[n] = '\0';
	}
	*last = slash + 1;
	return 0;
}

int jfs_fix_attrs(int fd, mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;
	int changed = 0;

	if (fstat(fd, &st) < 0)
		return -1;
	if (st.st_uid != uid || st.st_gid != gid) {
		if (fchown(fd, uid, gid) < 0)
			return -1;
		changed = 1;
	}
	/* chown clears setuid bits: compare again after it. */
	if ((st.st_mode & 07777) != mode || changed) {
		if (fchmod(fd, mode) < 0)
			return -1;
		changed |= (st.st_mode & 07777) != mode;
	}
	return changed;
}

static int mkdirs(int rootfd, const char *path, mode_t mode, uid_t uid, gid_t gid, bool *created,
		  bool nolinks)
{
	char parent[4096];
	const char *last;
	int pfd, fd;

	if (created)
		*created = false;
	fd = open_how(rootfd, path, O_RDONLY | O_DIRECTORY, nolinks);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	if (jfs_split(path, parent, sizeof parent, &last) < 0 || strcmp(last, "..") == 0 ||
	    strcmp(last, ".") == 0) {
		errno = EINVAL;
		return -1;
	}
	pfd = mkdirs(rootfd, parent, 0755, 0, 0, NULL, nolinks);
	if (pfd < 0)
		return -1;
	if (mkdirat(pfd, last, 0700) < 0 && errno != EEXIST) {
		close(pfd);
		return -1;
	}
	fd = openat(pfd, last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(pfd);
	if (fd < 0)
		return -1;
	if (jfs_fix_attrs(fd, mode, uid, gid) < 0) {
		close(fd);
		return -1;
	}
	if (created)
		*created = true;
	return fd;
}

int jfs_mkdirs(int rootfd, const char *path, mode_t mode, uid_t uid, gid_t gid, bool *created)
{
	return mkdirs(rootfd, path, mode, uid, gid, created, false);
}

int jfs_mkdirs_nolinks(int rootfd, const char *path, mode_t mode, uid_t uid, gid_t gid,
		       bool *created)
{
	return mkdirs(rootfd, path, mode, uid, gid, created, true);
}

int jfs_ensure_dir(int rootfd, const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	bool created;
	int fd = uid ? jfs_mkdirs_nolinks(rootfd, path, mode, uid, gid, &created)
		     : jfs_mkdirs(rootfd, path, mode, uid, gid, &created), rc, saved;

	if (fd < 0)
		return -1;
	rc = created ? 1 : jfs_fix_attrs(fd, mode, uid, gid);
	saved = errno;
	close(fd);
	errno = saved;
	return rc == 1 && !created ? 2 : rc;
}

bool jfs_same_content(int a, int b)
{
	static char ba[65536], bb[65536];
	off_t off = 0;

	for (;;) {
		ssize_t na = pread(a, ba, sizeof ba, off), nb;

		if (na < 0)
			return false;
		nb = pread(b, bb, (size_t)na ? (size_t)na : 1, off);
		if (nb != na)
			return false;
		if (na == 0)
			return true;
		if (memcmp(ba, bb, (size_t)na) != 0)
			return false;
		off += na;
	}
}

static bool same_as_buf(int fd, const void *buf, size_t len)
{
	char tmp[65536];
	size_t off = 0;

	while (off < len) {
		size_t want = len - off < sizeof tmp ? len - off : sizeof tmp;
		ssize_t n = pread(fd, tmp, want, (off_t)off);

		if (n != (ssize_t)want || memcmp(tmp, (const char *)buf + off, want) != 0)
			return false;
		off += want;
	}
	return pread(fd, tmp, 1, (off_t)len) == 0;
}

/* The existing NAME is a regular file with this content, mode and owner. */
static bool already_installed(int pfd, const char *name, const struct jfs_src *src,
			      mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st, sst;
	bool same = false;
	int fd = openat(pfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == mode &&
	    st.st_uid == uid && st.st_gid == gid) {
		if (src->fd >= 0)
			same = fstat(src->fd, &sst) == 0 && sst.st_size == st.st_size &&
			       jfs_same_content(fd, src->fd);
		else
			same = (size_t)st.st_size == src->len && same_as_buf(fd, src->buf, src->len);
	}
	close(fd);
	return same;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int copy_bytes(int dst, int src)
{
	char buf[65536];
	off_t off = 0;

	for (;;) {
		ssize_t n = pread(src, buf, sizeof buf, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (write_all(dst, buf, (size_t)n) < 0)
			return -1;
		off += n;
	}
}

/* A new, empty file in PFD with a name no one else uses; its name in TMP. */
static int make_temp(int pfd, const char *name, char *tmp, size_t tmplen)
{
	static unsigned counter;

	for (int tries = 0; tries < 100; tries++) {
		int fd;

		if (snprintf(tmp, tmplen, ".%.200s.cjctl-%ld-%u", name, (long)getpid(), counter++) >=
		    (int)tmplen) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

static int fill_temp(int fd, const struct jfs_src *src, mode_t mode, uid_t uid, gid_t gid)
{
	if (src->fd >= 0 ? copy_bytes(fd, src->fd) : write_all(fd, src->buf, src->len))
		return -1;
	if (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0)
		return -1;
	if (src->mtime) {
		struct timespec ts[2] = { *src->mtime, *src->mtime };
		if (futimens(fd, ts) < 0)
			return -1;
	}
	return fsync(fd);
}

int jfs_install(int pfd, const char *name, const struct jfs_src *src, mode_t mode,
		uid_t uid, gid_t gid)
{
	char tmp[300];
	int fd, saved;

	if (already_installed(pfd, name, src, mode, uid, gid))
		return 0;
	fd = make_temp(pfd, name, tmp, sizeof tmp);
	if (fd < 0)
		return -1;
	if (fill_temp(fd, src, mode, uid, gid) < 0 || renameat(pfd, tmp, pfd, name) < 0) {
		saved = errno;
		close(fd);
		unlinkat(pfd, tmp, 0);
		errno = saved;
		return -1;
	}
	close(fd);
	/* The rename itself is durable once the directory is. */
	if (fsync(pfd) < 0 && errno != EBADF && errno != EINVAL)
		return -1;
	return 1;
}

int jfs_symlink(int pfd, const char *name, const char *target)
{
	char old[4096], tmp[300];
	ssize_t n = readlinkat(pfd, name, old, sizeof old - 1);
	static unsigned counter;

	if (n >= 0) {
		old[n] = '\0';
		if (strcmp(old, target) == 0)
			return 0;
	}
	if (n < 0 && errno == ENOENT)
		return symlinkat(target, pfd, name) < 0 ? -1 : 1;
	snprintf(tmp, sizeof tmp, ".%.200s.cjctl-%ld-%u", name, (long)getpid(), counter++);
	if (symlinkat(target, pfd, tmp) < 0)
		return -1;
	if (renameat(pfd, tmp, pfd, name) < 0) {
		int saved = errno;
		unlinkat(pfd, tmp, 0);
		errno = saved;
		return -1;
	}
	return 1;
}

/* ".NAME.cjctl-PID-N": the pid, or 0 when NAME is not such a name. */
static pid_t temp_owner(const char *name)
{
	const char *tag = strstr(name, ".cjctl-");
	char *end;
	long pid;

	if (name[0] != '.' || !tag)
		return 0;
	while (strstr(tag + 1, ".cjctl-"))
		tag = strstr(tag + 1, ".cjctl-");
	pid = strtol(tag + 7, &end, 10);
	if (pid <= 0 || *end != '-' || end[1] < '0' || end[1] > '9')
		return 0;
	return (pid_t)pid;
}

DIR *jfs_opendir(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	if (!d && fd >= 0) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return d;
}

int jfs_sweep_temps(int dirfd)
{
	DIR *d = jfs_opendir(dirfd);
	struct dirent *de;
	int removed = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		pid_t pid = temp_owner(de->d_name);

		if (pid > 0 && pid != getpid() && kill(pid, 0) < 0 && errno == ESRCH &&
		    unlinkat(dirfd, de->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
