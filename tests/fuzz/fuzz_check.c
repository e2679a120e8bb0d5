/* libFuzzer target: a whole cl_check() where the input is both the
 * program and a library it may need, in a scratch root that also holds
 * the host's libc and loader. This reaches the search order, the version
 * checks and the symbol lookups with hostile tables on one side. */
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "closure.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64];
static int root_fd = -1;

static void copy(const char *src, const char *rel)
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

static void put(const char *rel, const uint8_t *data, size_t size)
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

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[256];

	(void)argc;
	(void)argv;
	snprintf(root, sizeof root, "/tmp/cl-fuzz-XXXXXX");
	if (!mkdtemp(root))
		abort();
	atexit(remove_root);
	snprintf(path, sizeof path, "%s/lib", root);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/lib/x86_64-linux-gnu", root);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/lib64", root);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/bin", root);
	mkdir(path, 0755);
	copy("/lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libc.so.6");
	copy("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
	snprintf(path, sizeof path, "%s/lib64/ld-linux-x86-64.so.2", root);
	if (symlink("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", path) < 0)
		abort();
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return root_fd < 0 ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cl_options opt;
	struct cl_report rep;

	put("bin/p", data, size);
	put("lib/x86_64-linux-gnu/libvers.so.1", data, size);
	cl_options_init(&opt);
	opt.root_fd = root_fd;
	cl_report_init(&rep);
	cl_check(&opt, "/bin/p", -1, &rep);
	cl_report_free(&rep);
	return 0;
}
