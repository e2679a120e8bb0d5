#include "strutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool path_is_within(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (path[0] != '/' || root[0] != '/')
		return false;
	if (n == 1)
		return true;
	if (root[n - 1] == '/')
		n--;
	return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const char *path_inside(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (!path_is_within(path, root))
		return NULL;
	if (n == 1)
		return path;
	if (root[n - 1] == '/')
		n--;
	return path[n] == '\0' ? "/" : path + n;
}

int expand_user_pattern(const char *pattern, const char *user, uid_t uid,
			char *out, size_t outlen)
{
	size_t len = 0;
	char num[24];

	for (const char *p = pattern; *p; p++) {
		const char *piece;
		char one[2] = { *p, '\0' };

		if (*p != '%') {
			piece = one;
		} else {
			p++;
			if (*p == 'u') {
				piece = user;
			} else if (*p == 'U') {
				snprintf(num, sizeof num, "%lu", (unsigned long)uid);
				piece = num;
			} else if (*p == '%') {
				piece = "%";
			} else {
				return -1;
			}
		}
		size_t plen = strlen(piece);
		if (len + plen >= outlen)
			return -1;
		memcpy(out + len, piece, plen);
		len += plen;
	}
	if (len >= outlen)
		return -1;
	out[len] = '\0';
	return 0;
}

bool parse_decimal(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (__builtin_mul_overflow(v, 10ULL, &v) ||
		    __builtin_add_overflow(v, (unsigned long long)(*s - '0'), &v))
			return false;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

bool has_dot_component(const char *path)
{
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, "/");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return true;
		p += n;
		while (*p == '/')
			p++;
	}
	return false;
}

bool has_control_char(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return true;
	return false;
}

void escape_for_log(char *dst, size_t dstlen, const char *s)
{
	size_t n = 0;

	if (dstlen == 0)
		return;
	for (; *s && n + 1 < dstlen; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			dst[n++] = (char)c;
		} else {
			if (n + 5 > dstlen)
				break;
			snprintf(dst + n, 5, "\\x%02x", c);
			n += 4;
		}
	}
	dst[n] = '\0';
}

int format_checked(char *out, size_t outlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, outlen, fmt, ap);
	va_end(ap);
	return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

/* Length of the valid UTF-8 sequence at S, or 0. Strict (RFC 3629): no
 * overlong forms, no surrogates, nothing above U+10FFFF -- which a JSON
 * reader would reject, and the whole report with it. */
static size_t utf8_sequence_length(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

void json_print_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', out);
	while (*s) {
		size_t n;
		if (*s == '"' || *s == '\\') {
			fprintf(out, "\\%c", *s++);
		} else if (*s >= 0x20 && *s < 0x7f) {
			fputc(*s++, out);
		} else if (*s >= 0x80 && (n = utf8_sequence_length(s)) != 0) {
			fwrite(s, 1, n, out);
			s += n;
		} else {
			fprintf(out, "\\u%04x", *s++);
		}
	}
	fputc('"', out);
}
