/* libFuzzer target: what decides an interpreter's modules (cl_modules.h),
 * on arbitrary bytes. The first byte chooses: a php.ini read by
 * cl_phpini_parse; the compiled-in paths of a program (cl_path_strings);
 * or a whole --deep check of a php-cgi whose php.ini (in its program's
 * directory, where php-cgi looks) is the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "closure.h"
#include "cl_modules.h"
#include "fuzzroot.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int root_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	root_fd = fuzz_root_make();
	fuzz_root_copy("/bin/true", "bin/php-cgi");
	return 0;
}

static void path_ok(const char *s, size_t len, void *arg)
{
	(void)arg;
	if (len == 0 || len >= CL_PATH_STRING_MAX || s[0] != '/' || memchr(s, '\0', len))
		abort();
}

static void php_ini(const uint8_t *data, size_t size)
{
	struct cl_phpini ini = { 0 };

	if (cl_phpini_parse(&ini, (const char *)data, size, "/f.ini") == 0) {
		if (ini.n > CL_PHPINI_MAX_MODULES)
			abort();
		for (size_t i = 0; i < ini.n; i++)
			if (strlen(ini.mods[i].name) >= CL_PHPINI_MAX_VALUE)
				abort();
	}
	cl_phpini_free(&ini);
}

static void deep_php(const uint8_t *data, size_t size)
{
	struct cl_options opt;
	struct cl_report rep;

	fuzz_root_put("bin/php.ini", data, size);
	cl_options_init(&opt);
	opt.root_fd = root_fd;
	opt.deep = true;
	cl_report_init(&rep);
	cl_check(&opt, "/bin/php-cgi", -1, &rep);
	cl_report_free(&rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		php_ini(data + 1, size - 1);
		break;
	case 1:
		if (cl_path_strings(data + 1, size - 1, data[0] & 4 ? "perl" : "php", path_ok,
				    NULL) > CL_PATH_STRINGS_MAX)
			abort();
		break;
	default:
		deep_php(data + 1, size - 1);
		break;
	}
	return 0;
}
