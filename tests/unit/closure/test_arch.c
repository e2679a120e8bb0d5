/* The host's hardware capabilities as the checker sees them
 * (cl_hw_init) against what this host's loader says it searches
 * ("ld.so --help"): the glibc-hwcaps subdirectories, the platform and the
 * legacy hwcap names, each "supported" or not. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cl_arch.h"

#define LDSO "/lib64/ld-linux-x86-64.so.2"

struct loader_view {
	char hwcaps[4][32];      /* "supported" glibc-hwcaps subdirectories, in order */
	size_t n_hwcaps;
	char platform[32];       /* the AT_PLATFORM line */
	char legacy[8][32];      /* supported legacy names other than the platform and tls */
	size_t n_legacy;
};

static void note_line(struct loader_view *v, bool legacy, const char *line)
{
	char name[32];

	if (sscanf(line, " %31s", name) != 1)
		return;
	if (!legacy) {
		if (strstr(line, "(supported") && v->n_hwcaps < 4)
			snprintf(v->hwcaps[v->n_hwcaps++], sizeof v->hwcaps[0], "%s", name);
		return;
	}
	if (strstr(line, "AT_PLATFORM"))
		snprintf(v->platform, sizeof v->platform, "%s", name);
	else if (strstr(line, "supported") && strcmp(name, "tls") != 0 && v->n_legacy < 8)
		snprintf(v->legacy[v->n_legacy++], sizeof v->legacy[0], "%s", name);
}

/* false: this host has no such loader or it does not print these lists. */
static bool read_loader_view(struct loader_view *v)
{
	char line[256];
	int section = 0;
	FILE *p;

	memset(v, 0, sizeof *v);
	if (access(LDSO, X_OK) != 0 || !(p = popen(LDSO " --help", "r")))
		return false;
	while (fgets(line, sizeof line, p)) {
		if (strstr(line, "Subdirectories of glibc-hwcaps directories"))
			section = 1;
		else if (strstr(line, "Legacy HWCAP subdirectories"))
			section = 2;
		else if (section && line[0] == ' ')
			note_line(v, section == 2, line);
		else if (section && line[0] != '\n')
			section = 0;
	}
	return pclose(p) == 0 && v->platform[0];
}

static bool in_subdirs(const struct cl_hw *hw, const char *sub)
{
	for (size_t i = 0; i < hw->n_subdirs; i++)
		if (strcmp(hw->subdirs[i], sub) == 0)
			return true;
	return false;
}

static bool loader_supports(const struct loader_view *v, const char *name)
{
	for (size_t i = 0; i < v->n_legacy; i++)
		if (strcmp(v->legacy[i], name) == 0)
			return true;
	return false;
}

static void test_host_matches_loader(void **state)
{
	const struct cl_arch *arch = cl_arch_find(EM_X86_64, true, false);
	struct loader_view v;
	struct cl_hw hw;
	char sub[64];

	(void)state;
	if (!arch || !read_loader_view(&v)) {
		print_message("skipped: this host has no " LDSO " that lists what it searches (--help)\n");
		skip();
	}
	cl_hw_init(&hw, arch);
	assert_int_equal(hw.n_hwcaps, v.n_hwcaps);
	for (size_t i = 0; i < v.n_hwcaps; i++)
		assert_string_equal(hw.hwcaps[i], v.hwcaps[i]);
	assert_string_equal(hw.platform, v.platform);
	for (size_t i = 0; i < v.n_legacy; i++) {
		snprintf(sub, sizeof sub, "%s/", v.legacy[i]);
		assert_true(in_subdirs(&hw, sub));
	}
	/* ... and a name the loader does not support is not searched. */
	assert_int_equal(in_subdirs(&hw, "avx512_1/"), loader_supports(&v, "avx512_1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_matches_loader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
