/* libFuzzer target: the repeat-check cache reader. A scratch root with the
 * host's /bin/true, libc and loader is checked once, which stores a good
 * entry; each input is then stored, with a valid hash, under that entry's
 * key (as a compromised checker could write it) and the check is repeated:
 * the reader must take it apart within bounds and, whatever it holds,
 * either serve a hit or check in full. */
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cl_cachefile.h"
#include "cl_ctx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64];
static int root_fd = -1, cache_fd = -1;
static struct cl_cache_head head;
static struct cl_cache_slot slot;

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

static enum cl_cache_status check(void)
{
	struct cl_options opt;
	struct cl_report rep;
	enum cl_cache_status st;

	cl_options_init(&opt);
	opt.root_fd = root_fd;
	cl_report_init(&rep);
	if (cl_check_cached_racy(&opt, "/bin/true", -1, cache_fd, &rep, &st, 0) < 0 ||
	    rep.n_problems)
		abort();
	cl_report_free(&rep);
	return st;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const dirs[] = { "lib", "lib/x86_64-linux-gnu", "lib64", "bin" };
	char path[256];

	(void)argc;
	(void)argv;
	snprintf(root, sizeof root, "/tmp/cl-fuzz-XXXXXX");
	if (!mkdtemp(root))
		abort();
	atexit(remove_root);
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", root, dirs[i]);
		mkdir(path, 0755);
	}
	copy("/lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libc.so.6");
	copy("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
	copy("/bin/true", "bin/true");
	snprintf(path, sizeof path, "%s/lib64/ld-linux-x86-64.so.2", root);
	if (symlink("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", path) < 0)
		abort();
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cache_fd = memfd_create("cl-fuzz-cache", MFD_CLOEXEC);
	if (root_fd < 0 || cache_fd < 0 || check() != CL_CACHE_STORED || check() != CL_CACHE_HIT)
		abort();
	if (pread(cache_fd, &head, sizeof head, 0) != (ssize_t)sizeof head ||
	    pread(cache_fd, &slot, sizeof slot, sizeof head) != (ssize_t)sizeof slot)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > CL_CACHE_MAX_ENTRY)
		return 0;
	if (cl_cachefile_store(cache_fd, head.checker, slot.key, data, size) < 0)
		abort();
	check();
	return 0;
}
