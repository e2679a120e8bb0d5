/* libFuzzer target: a whole cl_check() where the input is both the
 * program and a library it may need, in a scratch root that also holds
 * the host's libc and loader. This reaches the search order, the version
 * checks and the symbol lookups with hostile tables on one side. */
#include <stdint.h>

#include "closure.h"
#include "fuzzroot.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int root_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	root_fd = fuzz_root_make();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cl_options opt;
	struct cl_report rep;

	fuzz_root_put("bin/p", data, size);
	fuzz_root_put("lib/x86_64-linux-gnu/libvers.so.1", data, size);
	cl_options_init(&opt);
	opt.root_fd = root_fd;
	cl_report_init(&rep);
	cl_check(&opt, "/bin/p", -1, &rep);
	cl_report_free(&rep);
	return 0;
}
