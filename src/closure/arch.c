/* The architecture table and the host's hardware capabilities, as glibc
 * 2.36's loader computes them (dl-hwcaps.c, sysdeps/x86/cpu-features.c).
 * Verify on a host with "ld.so --help" and "LD_DEBUG=libs". */
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <sys/platform/x86.h>
#define HOST_X86 1
#else
#define HOST_X86 0
#endif

#include "cl_arch.h"

#define TLS_BIT (1ULL << 63)

static const char *const x86_64_dirs[] = {
	"/lib/x86_64-linux-gnu/", "/usr/lib/x86_64-linux-gnu/", "/lib/", "/usr/lib/", NULL
};
static const char *const i386_dirs[] = {
	"/lib/i386-linux-gnu/", "/usr/lib/i386-linux-gnu/", "/lib/", "/usr/lib/", NULL
};
static const char *const aarch64_dirs[] = {
	"/lib/aarch64-linux-gnu/", "/usr/lib/aarch64-linux-gnu/", "/lib/", "/usr/lib/", NULL
};
static const char *const x86_hwcap_names[] = { "sse2", "x86_64", "avx512_1" };
static const char *const x86_platforms[] = { "i586", "i686", "haswell", "xeon_phi" };

static const struct cl_arch arches[] = {
	{ EM_X86_64, true, "x86_64-linux-gnu", 0x0303, x86_64_dirs, "lib/x86_64-linux-gnu",
	  "x86_64", x86_hwcap_names, 3, x86_platforms, 4, 48, R_X86_64_COPY },
	{ EM_386, false, "i386-linux-gnu", 0x0003, i386_dirs, "lib/i386-linux-gnu",
	  "i686", x86_hwcap_names, 3, x86_platforms, 4, 48, R_386_COPY },
	{ EM_AARCH64, true, "aarch64-linux-gnu", 0x0a03, aarch64_dirs, "lib/aarch64-linux-gnu",
	  "aarch64", NULL, 0, NULL, 0, 0, R_AARCH64_COPY },
};

const struct cl_arch *cl_arch_find(uint16_t machine, bool is64, bool big_endian)
{
	if (big_endian)
		return NULL;
	for (size_t i = 0; i < sizeof arches / sizeof arches[0]; i++)
		if (arches[i].machine == machine && arches[i].is64 == is64)
			return &arches[i];
	return NULL;
}

/* What the x86 loader derives from CPUID. */
struct x86_caps {
	bool v2, v3, v4;
	uint64_t hwcap;         /* legacy bits, by x86_hwcap_names */
	const char *platform;   /* NULL: AT_PLATFORM */
};

#if HOST_X86
/* glibc's loader has run CPUID already, and folded in what the kernel
 * lets a process use (XCR0): its answer costs no CPUID instruction, each
 * of which is a VM exit on a virtual machine (about 4 us here). The
 * vendor is not in that answer: one CPUID. */
static bool is_intel(void)
{
	unsigned max, b, c, d;

	__cpuid(0, max, b, c, d);
	(void)max;
	return b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e;
}

/* CPU_FEATURE_ACTIVE, but with an unsigned shift: glibc 2.36's header
 * shifts a signed 1 by up to 31 (undefined; UBSan stops there). */
static bool feature_active(unsigned index)
{
	const unsigned bits = 8 * sizeof(unsigned);
	const struct cpuid_feature *f = __x86_get_cpuid_feature_leaf(index / (bits * 4));
	unsigned reg = (index % (bits * 4)) / bits;

	return (f->active_array[reg] >> (index % bits)) & 1u;
}

#define ACTIVE(f) feature_active(x86_cpu_##f)

static void x86_detect(bool x86_64, struct x86_caps *c)
{
	bool avx512 = ACTIVE(AVX512F);

	c->v2 = x86_64 && ACTIVE(CMPXCHG16B) && ACTIVE(LAHF64_SAHF64) && ACTIVE(POPCNT) &&
		ACTIVE(SSE3) && ACTIVE(SSE4_1) && ACTIVE(SSE4_2) && ACTIVE(SSSE3);
	c->v3 = c->v2 && ACTIVE(AVX) && ACTIVE(AVX2) && ACTIVE(BMI1) && ACTIVE(BMI2) &&
		ACTIVE(F16C) && ACTIVE(FMA) && ACTIVE(LZCNT) && ACTIVE(MOVBE) && ACTIVE(OSXSAVE);
	c->v4 = c->v3 && avx512 && ACTIVE(AVX512BW) && ACTIVE(AVX512CD) && ACTIVE(AVX512DQ) &&
		ACTIVE(AVX512VL);
	if (!x86_64) {
		c->hwcap = ACTIVE(SSE2) ? 1 : 0;
		c->platform = "i686";
		return;
	}
	c->hwcap = 1 << 1;
	if (!is_intel())
		return;
	if (ACTIVE(AVX512CD)) {
		if (ACTIVE(AVX512ER)) {
			if (ACTIVE(AVX512PF))
				c->platform = "xeon_phi";
		} else if (ACTIVE(AVX512BW) && ACTIVE(AVX512DQ) && ACTIVE(AVX512VL)) {
			c->hwcap |= 1 << 2;
		}
	}
	if (!c->platform && ACTIVE(AVX2) && ACTIVE(FMA) && ACTIVE(BMI1) && ACTIVE(BMI2) &&
	    ACTIVE(LZCNT) && ACTIVE(MOVBE) && ACTIVE(POPCNT))
		c->platform = "haswell";
}
#endif

/* The legacy power set of (hwcap names, platform, "tls"), most specific
 * first, exactly in the order of glibc's _dl_important_hwcaps. */
static void add_legacy_subdirs(struct cl_hw *hw, const char *const *names, size_t n)
{
	for (size_t k = (1u << n); k-- > 0 && hw->n_subdirs < CL_HW_MAX_SUBDIRS;) {
		char *out = hw->subdirs[hw->n_subdirs++];
		size_t len = 0;

		out[0] = '\0';
		for (size_t j = n; j-- > 0;) {
			if (!(k & (1u << j)))
				continue;
			len += (size_t)snprintf(out + len, sizeof hw->subdirs[0] - len, "%s/", names[j]);
			if (len >= sizeof hw->subdirs[0])
				break;
		}
	}
}

static uint64_t platform_bit(const struct cl_arch *arch, const char *platform)
{
	for (size_t i = 0; i < arch->n_platforms; i++)
		if (strcmp(arch->platforms[i], platform) == 0)
			return 1ULL << (arch->first_platform_bit + i);
	return ~0ULL;
}

static bool runs_on_host(const struct cl_arch *arch)
{
#if defined(__x86_64__) || defined(__i386__)
	return arch->machine == EM_X86_64 || arch->machine == EM_386;
#elif defined(__aarch64__)
	return arch->machine == EM_AARCH64;
#else
	(void)arch;
	return false;
#endif
}

void cl_hw_init(struct cl_hw *hw, const struct cl_arch *arch)
{
	const char *names[8];
	size_t n = 0;
	uint64_t hwcap = 0;
	const char *platform = arch->platform;

	memset(hw, 0, sizeof *hw);
	hw->arch = arch;
	if (runs_on_host(arch)) {
		/* getauxval() returns the string's address as an integer. */
		/* NOLINTNEXTLINE(performance-no-int-to-ptr) */
		const char *at = (const char *)getauxval(AT_PLATFORM);

		if (at && arch->machine != EM_386)
			platform = at;
#if HOST_X86
		static const char *const v[] = { "x86-64-v4", "x86-64-v3", "x86-64-v2" };
		struct x86_caps c = { 0 };

		x86_detect(arch->machine == EM_X86_64, &c);
		hw->n_hwcaps = c.v4 ? 3 : c.v3 ? 2 : c.v2 ? 1 : 0;
		for (size_t i = 0; i < hw->n_hwcaps; i++)
			hw->hwcaps[i] = v[3 - hw->n_hwcaps + i];
		hwcap = c.hwcap;
		if (c.platform)
			platform = c.platform;
#endif
	}
	snprintf(hw->platform, sizeof hw->platform, "%s", platform);
	for (size_t i = 0; i < hw->n_hwcaps; i++)
		snprintf(hw->subdirs[hw->n_subdirs++], sizeof hw->subdirs[0],
			 "glibc-hwcaps/%s/", hw->hwcaps[i]);
	for (size_t i = 0; i < arch->n_hwcap_names && n < 6; i++)
		if (hwcap & (1ULL << i))
			names[n++] = arch->hwcap_names[i];
	names[n++] = hw->platform;
	names[n++] = "tls";
	add_legacy_subdirs(hw, names, n);

	hw->want.flags = arch->cache_flags;
	hw->want.hwcaps = hw->hwcaps;
	hw->want.n_hwcaps = hw->n_hwcaps;
	hw->want.platform_mask = arch->n_platforms ?
		((1ULL << arch->n_platforms) - 1) << arch->first_platform_bit : 0;
	hw->want.hwcap_allowed = hwcap | hw->want.platform_mask | TLS_BIT;
	hw->want.platform = platform_bit(arch, hw->platform);
}

/* What the loader searches depends on the architecture and the CPU only,
 * the same for every check a process makes: each description is made once
 * (cl_hw_init asks the CPU for its vendor: a VM exit on a virtual machine). */
const struct cl_hw *cl_hw_for(const struct cl_arch *arch)
{
	static struct cl_hw known[4];
	static size_t n_known;

	for (size_t i = 0; i < n_known; i++)
		if (known[i].arch == arch)
			return &known[i];
	if (n_known == sizeof known / sizeof known[0])
		return NULL;
	cl_hw_init(&known[n_known], arch);
	return &known[n_known++];
}
