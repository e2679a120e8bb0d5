/* The value parsers of cgijail.conf (config_values.c), shared by the key
 * tables of config.c. Each returns 0, or -1 with the reason in WHY. */
#ifndef CJ_CONFIG_VALUES_H
#define CJ_CONFIG_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

int cv_bool(const char *v, bool *out, char *why, size_t len);
/* a value without control characters that fits OUTLEN */
int cv_string(const char *v, char *out, size_t outlen, char *why, size_t len);
/* an absolute path without '.'/'..' in which only %u, %U and %% follow '%' */
int cv_path_pattern(const char *v, char *out, size_t outlen, char *why, size_t len);
/* the same, or "" / "none" for no path */
int cv_optional_path(const char *v, char *out, size_t outlen, char *why, size_t len);
int cv_userdir(const char *v, char *out, size_t outlen, char *why, size_t len);
int cv_safe_path(const char *v, char *out, size_t outlen, char *why, size_t len);
int cv_number(const char *v, unsigned long long max, unsigned long long *out,
	      char *why, size_t len);
int cv_umask(const char *v, mode_t *out, char *why, size_t len);
int cv_nice(const char *v, struct cj_policy *p, char *why, size_t len);
int cv_bind(const char *v, bool *now, char *why, size_t len);
/* YES or NO, for KEY */
int cv_choice(const char *v, const char *yes, const char *no, bool *out,
	      const char *key, char *why, size_t len);
int cv_namespaces(const char *v, int *out, char *why, size_t len);
int cv_timeout(const char *v, unsigned *out, char *why, size_t len);
int cv_check(const char *v, enum cj_check_level *out, char *why, size_t len);
int cv_limit(const char *v, struct cj_limit *out, char *why, size_t len);

/* "none", or a template name: [a-z0-9][a-z0-9._-]*, at most 63 bytes. */
int cv_template(const char *v, char *out, size_t outlen, char *why, size_t len);

/* The cj_limit_id of a [limits] key, or -1. */
int cv_find_limit(const char *key);

#endif
