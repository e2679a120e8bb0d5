/* libFuzzer target: the repeat-check cache reader. A scratch root with the
 * host's /bin/true, libc and loader is checked once, which stores a good
 * entry; each input is then stored, with a valid hash, under that entry's
 * key (as a compromised checker could write it) and the check is repeated:
 * the reader must take it apart within bounds and, whatever it holds,
 * either serve a hit or check in full. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cl_cachefile.h"
#include "cl_ctx.h"
#include "fuzzroot.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int root_fd = -1, cache_fd = -1;
static struct cl_cache_head head;
static struct cl_cache_slot slot;

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
	(void)argc;
	(void)argv;
	root_fd = fuzz_root_make();
	fuzz_root_copy("/bin/true", "bin/true");
	cache_fd = memfd_create("cl-fuzz-cache", MFD_CLOEXEC);
	if (cache_fd < 0 || check() != CL_CACHE_STORED || check() != CL_CACHE_HIT)
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
