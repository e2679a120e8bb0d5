/* What the loader of each architecture does differently: its system
 * directories, $LIB, ld.so.cache flags, and the hardware-capability
 * subdirectories it searches on this host. */
#ifndef CL_ARCH_H
#define CL_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cl_ldcache.h"

struct cl_arch {
	uint16_t machine;
	bool is64;
	const char *triplet;             /* "x86_64-linux-gnu" */
	int32_t cache_flags;             /* _DL_CACHE_DEFAULT_ID */
	const char *const *system_dirs;  /* each ends with '/', NULL-terminated */
	const char *lib;                 /* $LIB */
	const char *platform;            /* $PLATFORM on another host */
	const char *const *hwcap_names;  /* legacy hwcap bit names, by bit */
	size_t n_hwcap_names;
	const char *const *platforms;    /* legacy platform names */
	size_t n_platforms;
	unsigned first_platform_bit;
	uint32_t copy_reloc;             /* R_*_COPY */
};

#define CL_HW_MAX_SUBDIRS 40

/* The loader of one architecture as it would run on this host. */
struct cl_hw {
	const struct cl_arch *arch;
	char platform[32];
	const char *hwcaps[4];           /* active glibc-hwcaps names, best first */
	size_t n_hwcaps;
	/* Subdirectories tried under every search directory, in order, each
	 * ending with '/'; the last is "". */
	char subdirs[CL_HW_MAX_SUBDIRS][64];
	size_t n_subdirs;
	struct cl_ldcache_want want;
};

/* The architecture of a program, or NULL if we do not know its loader. */
const struct cl_arch *cl_arch_find(uint16_t machine, bool is64, bool big_endian);
void cl_hw_init(struct cl_hw *hw, const struct cl_arch *arch);
/* The same, made once per process and kept; NULL past four architectures. */
const struct cl_hw *cl_hw_for(const struct cl_arch *arch);

#endif
