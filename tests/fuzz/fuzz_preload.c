/* libFuzzer target: /etc/ld.so.preload read as glibc's loader reads it
 * (cl_preload_parse), on arbitrary bytes: every name it gives is non-empty
 * and holds no separator, and there are no more names than the limit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cl_preload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	size_t n;
	size_t with_sep;
};

static int name(const char *s, void *arg)
{
	struct seen *sn = arg;

	if (s[0] == '\0')
		abort();
	sn->with_sep += strpbrk(s, ": \t\n") != NULL;
	sn->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen sn = { 0, 0 };
	size_t n = cl_preload_parse((const char *)data, size, name, &sn);

	if (n != sn.n || n > CL_PRELOAD_MAX_NAMES || sn.with_sep > 0)
		abort();
	return 0;
}
