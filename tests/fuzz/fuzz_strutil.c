/* libFuzzer target: the string and path helpers that judge argv and paths
 * (src/common/strutil.c), each against a property it promises:
 *  - has_dot_component and has_control_char agree with plain re-statements;
 *  - parse_decimal agrees with strtoull on digit-only strings;
 *  - path_inside(P, R) is either NULL or the part of P below R, and
 *    path_is_within agrees with it;
 *  - expand_user_pattern never writes past its buffer and expands %u/%U/%%;
 *  - escape_for_log yields one printable line without '"' or a bare '\';
 *  - json_print_string yields a quoted string of valid UTF-8.
 * The input is split at the first two NUL bytes into A, B and C. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool ref_has_dot_component(const char *s)
{
	char *copy = strdup(s), *save = NULL;
	bool found = false;

	if (!copy)
		abort();
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save))
		if (!strcmp(c, ".") || !strcmp(c, ".."))
			found = true;
	free(copy);
	return found;
}

static void check_decimal(const char *s)
{
	unsigned long long got = 0, max = 4294967294ULL;
	bool ok = parse_decimal(s, max, &got);
	bool digits = s[0] != '\0' && strspn(s, "0123456789") == strlen(s);

	if (!digits) {
		if (ok)
			abort();
		return;
	}
	errno = 0;
	unsigned long long want = strtoull(s, NULL, 10);
	bool fits = errno == 0 && want <= max;
	if (ok != fits || (ok && got != want))
		abort();
}

static void check_paths(const char *path, const char *root)
{
	const char *in = path_inside(path, root);

	if (path_is_within(path, root) != (in != NULL))
		abort();
	if (!in)
		return;
	if (in[0] != '/')
		abort();
	/* ROOT (without a trailing '/') followed by IN is PATH again. */
	size_t n = strlen(root);
	if (n == 1) {
		if (strcmp(in, path) != 0)
			abort();
		return;
	}
	if (root[n - 1] == '/')
		n--;
	if (strncmp(path, root, n) != 0 || strcmp(in, path[n] ? path + n : "/") != 0)
		abort();
}

static void check_expand(const char *pattern, const char *user)
{
	char out[64];

	memset(out, 'X', sizeof out);
	if (expand_user_pattern(pattern, user, 42001, out, sizeof out - 8) == 0) {
		if (strlen(out) >= sizeof out - 8)
			abort();
		if (strstr(pattern, "%u") == NULL && strstr(pattern, "%U") == NULL &&
		    strstr(pattern, "%%") == NULL && strcmp(out, pattern) != 0)
			abort();
	}
	for (size_t i = sizeof out - 8; i < sizeof out; i++)
		if (out[i] != 'X')
			abort();
}

static void check_escape(const char *s)
{
	char out[256];

	escape_for_log(out, sizeof out, s);
	for (const char *p = out; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c >= 0x7f || c == '"')
			abort();
		if (c == '\\' && p[1] != 'x')
			abort();
	}
}

/* Strict RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t len;
		unsigned char lo = 0x80, hi = 0xbf;

		if (c < 0x80) { i++; continue; }
		if (c >= 0xc2 && c <= 0xdf) len = 2;
		else if (c >= 0xe0 && c <= 0xef) len = 3;
		else if (c >= 0xf0 && c <= 0xf4) len = 4;
		else return false;
		if (c == 0xe0) lo = 0xa0;
		if (c == 0xed) hi = 0x9f;
		if (c == 0xf0) lo = 0x90;
		if (c == 0xf4) hi = 0x8f;
		if (i + len > n || s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

static void check_json(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	json_print_string(f, s);
	fclose(f);
	if (len < 2 || buf[0] != '"' || buf[len - 1] != '"' || !valid_utf8((unsigned char *)buf, len))
		abort();
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 3);
	const char *a, *b, *c;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = in[size + 1] = in[size + 2] = '\0';
	a = in;
	b = a + strlen(a) + 1;
	if (b > in + size)
		b = in + size + 1;
	c = b + strlen(b) + 1;
	if (c > in + size + 1)
		c = in + size + 2;

	if (has_dot_component(a) != ref_has_dot_component(a))
		abort();
	bool ctl = false;
	for (const char *p = a; *p; p++)
		ctl |= (unsigned char)*p < 0x20 || *p == 0x7f;
	if (has_control_char(a) != ctl)
		abort();
	check_decimal(a);
	check_paths(a, b);
	check_expand(a, b);
	check_escape(a);
	check_json(a);
	(void)c;
	free(in);
	return 0;
}
