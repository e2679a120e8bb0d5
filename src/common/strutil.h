/* Small string and path helpers shared by cgijail and cgijailctl. */
#ifndef CJ_STRUTIL_H
#define CJ_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* True when absolute PATH is ROOT or lies below it, compared by whole
 * components: "/var/www2" is not within "/var/www". */
bool path_is_within(const char *path, const char *root);

/* PATH seen from inside ROOT ("/srv/j/var/www" in "/srv/j" -> "/var/www",
 * ROOT itself -> "/"); NULL when PATH is not within ROOT. */
const char *path_inside(const char *path, const char *root);

/* Expand %u (user name), %U (uid) and %% in PATTERN into OUT.
 * Returns -1 on an unknown %-sequence or when OUT is too small. */
int expand_user_pattern(const char *pattern, const char *user, uid_t uid,
			char *out, size_t outlen);

/* Strict decimal parse: digits only, no sign, no spaces, value <= MAX. */
bool parse_decimal(const char *s, unsigned long long max, unsigned long long *out);

/* True when PATH has a "." or ".." component ("a/../b", "..", "./x"). */
bool has_dot_component(const char *path);

/* True when S holds a byte below 0x20 or 0x7f. */
bool has_control_char(const char *s);

/* Copy S into DST (size DSTLEN) replacing bytes that are not printable
 * ASCII, and '"' and '\\', by \xNN: safe for one log line. */
void escape_for_log(char *dst, size_t dstlen, const char *s);

/* Print S as a JSON string literal: quotes, backslash and control bytes
 * escaped; bytes >= 0x80 pass through unchanged if they form valid UTF-8,
 * else each becomes \u00XX. */
void json_print_string(FILE *out, const char *s);

/* snprintf that reports truncation: returns -1 when OUT was too small. */
int format_checked(char *out, size_t outlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
