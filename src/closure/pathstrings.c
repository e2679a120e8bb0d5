/* The paths compiled into a program, found in its bytes: see cl_modules.h.
 * Used for what an interpreter's program names and nothing else tells:
 * Perl's @INC, PHP's ini, scan and extension directories. */
#include <string.h>

#include "cl_modules.h"

static bool path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '+' || c == '/' || c == '-';
}

static bool path_like(const char *s, const char *e)
{
	if (s == e || *s != '/')
		return false;
	for (const char *c = s; c < e; c++)
		if (!path_char(*c))
			return false;
	return true;
}

size_t cl_path_strings(const void *buf, size_t len, const char *needle, cl_string_fn fn,
		       void *arg)
{
	const char *b = buf, *end = b + len, *p = b;
	size_t nl = strlen(needle), n = 0;

	if (nl == 0)
		return 0;
	while (n < CL_PATH_STRINGS_MAX && p < end &&
	       (p = memmem(p, (size_t)(end - p), needle, nl))) {
		const char *s = p, *e = p;

		while (s > b && s[-1] != '\0' && p - s < CL_PATH_STRING_MAX)
			s--;
		while (e < end && *e != '\0' && e - s < CL_PATH_STRING_MAX)
			e++;
		if (e < end && *e == '\0' && (s == b || s[-1] == '\0') && path_like(s, e)) {
			fn(s, (size_t)(e - s), arg);
			n++;
		}
		p = e > p + nl ? e : p + nl;
	}
	return n;
}
