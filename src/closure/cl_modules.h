/* What decides which extension modules an interpreter loads, read from
 * bytes the check does not trust: the directory names compiled into the
 * interpreter's program (Perl's @INC, PHP's ini and extension directories)
 * and PHP's ini files. Pure functions, fuzzed (tests/fuzz/fuzz_modules.c). */
#ifndef CL_MODULES_H
#define CL_MODULES_H

#include <stdbool.h>
#include <stddef.h>

#define CL_PATH_STRING_MAX 256   /* longest compiled-in path taken */
#define CL_PATH_STRINGS_MAX 64   /* paths taken from one file */
#define CL_PHPINI_MAX_MODULES 512
#define CL_PHPINI_MAX_VALUE 1024

/* Called with each string found (not NUL-terminated: LEN bytes). */
typedef void (*cl_string_fn)(const char *s, size_t len, void *arg);

/* Each string of BUF that a NUL precedes and ends, that starts with '/',
 * holds only [A-Za-z0-9._+/-], is shorter than CL_PATH_STRING_MAX and
 * contains NEEDLE: how a program's compiled-in paths look in its
 * read-only data. At most CL_PATH_STRINGS_MAX; returns how many. */
size_t cl_path_strings(const void *buf, size_t len, const char *needle, cl_string_fn fn,
		       void *arg);

/* An "extension=" or "zend_extension=" line of a php.ini. */
struct cl_php_module {
	char *name;     /* the value: a file name or a path */
	bool zend;      /* zend_extension */
	char *ini;      /* the file it was read from */
};

struct cl_phpini {
	struct cl_php_module *mods; /* in the order read */
	size_t n, cap;
	char *extension_dir;        /* the last one read, or NULL */
};

/* Read one ini file's text (LEN bytes, not NUL-terminated) as php's
 * php_ini_parser_cb sees it, appending to INI: "extension" and
 * "zend_extension" entries outside [PATH=...] and [HOST=...] sections,
 * and "extension_dir". Values are taken unquoted (to ';' or the end of the
 * line, trimmed), "double-" or 'single-quoted'; a value that needs the
 * scanner's expansions (${...}, constants, expressions) is left out.
 * Returns 0, or -1 on ENOMEM. */
int cl_phpini_parse(struct cl_phpini *ini, const char *text, size_t len, const char *file);
void cl_phpini_free(struct cl_phpini *ini);

#endif
