/* libFuzzer target: the ld.so.cache reader on arbitrary bytes, looking up
 * every key it holds and a few other names, with and without hwcaps. */
#include <stddef.h>
#include <stdint.h>

#include "cl_ldcache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hwcaps[] = { "x86-64-v3", "x86-64-v2" };
	struct cl_ldcache_want want = {
		.flags = 0x0303, .hwcaps = hwcaps, .n_hwcaps = 2,
		.hwcap_allowed = (1ULL << 63) | (0xfULL << 48) | 2, .platform_mask = 0xfULL << 48,
		.platform = ~0ULL,
	};
	struct cl_ldcache c;

	if (cl_ldcache_parse(&c, data, size) != 0)
		return 0;
	for (size_t i = 0; i < cl_ldcache_count(&c) && i < 1024; i++) {
		const char *key, *value;
		int32_t flags;
		uint64_t hwcap;

		if (cl_ldcache_entry(&c, i, &key, &value, &flags, &hwcap))
			cl_ldcache_lookup(&c, key, &want);
	}
	cl_ldcache_lookup(&c, "libc.so.6", &want);
	cl_ldcache_lookup(&c, "", &want);
	want.n_hwcaps = 0;
	cl_ldcache_lookup(&c, "libvers.so.1", &want);
	return 0;
}
