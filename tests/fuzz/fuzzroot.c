/* A scratch root for the checker's fuzz targets: see fuzzroot.h. */
#include "fuzzroot.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

void fuzz_root_copy(const char *src, const char *rel)
{
	char dst[256], buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	snprintf(dst, sizeof dst, "%s/%s", root, rel);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (in < 0 || out < 0)
		abort();
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			abort();
	close(in);
	close(out);
}

void fuzz_root_put(const char *rel, const uint8_t *data, size_t size)
{
	char path[256];
	int fd;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_root(void)
{
	nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int fuzz_root_make(void)
{
	static const char *const dirs[] = { "lib", "lib/x86_64-linux-gnu", "lib64", "bin" };
	char path[256];
	int fd;

	snprintf(root, sizeof root, "/tmp/cl-fuzz-XXXXXX");
	if (!mkdtemp(root))
		abort();
	atexit(remove_root);
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", root, dirs[i]);
		mkdir(path, 0755);
	}
	fuzz_root_copy("/lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libc.so.6");
	fuzz_root_copy("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
		       "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
	snprintf(path, sizeof path, "%s/lib64/ld-linux-x86-64.so.2", root);
	if (symlink("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", path) < 0)
		abort();
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		abort();
	return fd;
}
