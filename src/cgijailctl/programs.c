#include "programs.h"

#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailfs.h"

static const char *const bin_dirs[] = {
	"/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin", "/bin", "/sbin",
};
#define N_DIRS (sizeof bin_dirs / sizeof bin_dirs[0])

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int scan(int fd, const char *dir, struct strlist *out)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) && rc == 0) {
		struct stat st;
		char path[4096];

		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		rc = strlist_add(out, path);
	}
	closedir(d);
	return rc;
}

int jail_programs(int rootfd, struct strlist *out)
{
	struct stat seen[N_DIRS];
	size_t n_seen = 0;

	for (size_t i = 0; i < N_DIRS; i++) {
		struct stat st;
		bool dup = false;
		int fd = jfs_open(rootfd, bin_dirs[i], O_RDONLY | O_DIRECTORY);

		if (fd < 0)
			continue;
		if (fstat(fd, &st) < 0) {
			close(fd);
			continue;
		}
		/* /bin -> usr/bin: one directory, listed under its first name. */
		for (size_t j = 0; j < n_seen; j++)
			dup |= seen[j].st_dev == st.st_dev && seen[j].st_ino == st.st_ino;
		if (dup) {
			close(fd);
			continue;
		}
		seen[n_seen++] = st;
		if (scan(fd, bin_dirs[i], out) < 0)
			return -1;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof *out->v, cmp_str);
	return 0;
}
