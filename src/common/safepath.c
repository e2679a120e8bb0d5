#include "safepath.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int component_is_root_owned(int fd, const char *upto, char *why, size_t whylen)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		snprintf(why, whylen, "%s: %s", upto, strerror(errno));
		return -1;
	}
	if (st.st_uid != 0) {
		snprintf(why, whylen, "%s is owned by uid %lu, not root", upto,
			 (unsigned long)st.st_uid);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, whylen, "%s is writable by group or others (mode %04o)", upto,
			 (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

static int open_component(int dirfd, const char *name, int flags, const char *upto,
			  char *why, size_t whylen)
{
	int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR) {
			struct stat st;
			if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
				snprintf(why, whylen, "%s is a symlink; name the real path", upto);
				return -1;
			}
		}
		snprintf(why, whylen, "%s: %s", upto, strerror(errno));
	}
	return fd;
}

int open_root_owned_below(int dirfd, const char *name, const char *shown, int flags, char *why,
			  size_t whylen)
{
	int fd = open_component(dirfd, name, flags, shown, why, whylen);

	if (fd >= 0 && component_is_root_owned(fd, shown, why, whylen) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int open_root_owned_path(const char *path, int last_flags, char *why, size_t whylen)
{
	char copy[PATH_MAX], upto[PATH_MAX] = "";
	char *save = NULL;
	int dirfd;

	if (path[0] != '/' || format_checked(copy, sizeof copy, "%s", path) < 0) {
		snprintf(why, whylen, "%s is not an absolute path", path);
		return -1;
	}
	dirfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 || component_is_root_owned(dirfd, "/", why, whylen) < 0)
		goto fail;

	char *name = strtok_r(copy, "/", &save);
	while (name) {
		char *next = strtok_r(NULL, "/", &save);
		size_t len = strlen(upto);
		snprintf(upto + len, sizeof upto - len, "/%s", name);
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			snprintf(why, whylen, "%s: '.' and '..' are not allowed", path);
			goto fail;
		}
		int flags = next ? O_PATH | O_DIRECTORY : last_flags;
		int fd = open_component(dirfd, name, flags, upto, why, whylen);
		close(dirfd);
		dirfd = fd;
		if (dirfd < 0 || component_is_root_owned(dirfd, upto, why, whylen) < 0)
			goto fail;
		name = next;
	}
	return dirfd;
fail:
	if (dirfd >= 0)
		close(dirfd);
	return -1;
}
