/* The values of cgijail.conf, one parser per kind of value. Each returns
 * 0, or -1 with the reason in WHY; none keeps state. */
#include "config_values.h"
#include "strutil.h"
#include "tnames.h"

#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int cv_bool(const char *v, bool *out, char *why, size_t len)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0")) {
		*out = false;
		return 0;
	}
	snprintf(why, len, "'%s' is not yes or no", v);
	return -1;
}

int cv_string(const char *v, char *out, size_t outlen, char *why, size_t len)
{
	if (has_control_char(v)) {
		snprintf(why, len, "value has control characters");
		return -1;
	}
	if (format_checked(out, outlen, "%s", v) < 0) {
		snprintf(why, len, "value is longer than %zu bytes", outlen - 1);
		return -1;
	}
	return 0;
}

/* An absolute path pattern; %u and %U must expand. */
int cv_path_pattern(const char *v, char *out, size_t outlen, char *why, size_t len)
{
	char probe[PATH_MAX];

	if (cv_string(v, out, outlen, why, len) < 0)
		return -1;
	if (v[0] != '/') {
		snprintf(why, len, "'%s' is not an absolute path", v);
		return -1;
	}
	if (has_dot_component(v)) {
		snprintf(why, len, "'%s' has a '.' or '..' component", v);
		return -1;
	}
	if (expand_user_pattern(v, "user", 65534, probe, sizeof probe) < 0) {
		snprintf(why, len, "'%s': only %%u, %%U and %%%% may follow '%%'", v);
		return -1;
	}
	return 0;
}

int cv_optional_path(const char *v, char *out, size_t outlen, char *why, size_t len)
{
	if (!strcmp(v, "") || !strcmp(v, "none")) {
		out[0] = '\0';
		return 0;
	}
	return cv_path_pattern(v, out, outlen, why, len);
}

int cv_userdir(const char *v, char *out, size_t outlen, char *why, size_t len)
{
	if (cv_string(v, out, outlen, why, len) < 0)
		return -1;
	if (v[0] == '\0' || v[0] == '/' || has_dot_component(v)) {
		snprintf(why, len, "'%s' must be a relative path without '..'", v);
		return -1;
	}
	return 0;
}

int cv_safe_path(const char *v, char *out, size_t outlen, char *why, size_t len)
{
	const char *p = v;

	if (cv_string(v, out, outlen, why, len) < 0)
		return -1;
	/* An empty element ("a::b", a leading or trailing ':') means the cwd. */
	for (;;) {
		if (*p != '/') {
			snprintf(why, len, "'%s': every directory must be absolute", v);
			return -1;
		}
		p = strchr(p, ':');
		if (!p)
			return 0;
		p++;
	}
}

int cv_number(const char *v, unsigned long long max, unsigned long long *out,
			char *why, size_t len)
{
	if (!parse_decimal(v, max, out)) {
		snprintf(why, len, "'%s' is not a whole number up to %llu", v, max);
		return -1;
	}
	return 0;
}

int cv_umask(const char *v, mode_t *out, char *why, size_t len)
{
	unsigned long m = 0;

	if (!*v || strlen(v) > 4)
		goto bad;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '7')
			goto bad;
		m = m * 8 + (unsigned long)(*p - '0');
	}
	if (m > 0777)
		goto bad;
	*out = (mode_t)m;
	return 0;
bad:
	snprintf(why, len, "'%s' is not an octal umask such as 022", v);
	return -1;
}

int cv_nice(const char *v, struct cj_policy *p, char *why, size_t len)
{
	unsigned long long n;
	bool negative = v[0] == '-';

	if (!strcmp(v, "inherit")) {
		p->nice_set = false;
		return 0;
	}
	if (!parse_decimal(v + negative, 20, &n) || (!negative && n > 19)) {
		snprintf(why, len, "'%s' is not a nice value from -20 to 19, or inherit", v);
		return -1;
	}
	p->nice = negative ? -(int)n : (int)n;
	p->nice_set = true;
	return 0;
}

int cv_bind(const char *v, bool *now, char *why, size_t len)
{
	if (!strcmp(v, "now") || !strcmp(v, "lazy")) {
		*now = !strcmp(v, "now");
		return 0;
	}
	snprintf(why, len, "'%s' is not now or lazy", v);
	return -1;
}

int cv_choice(const char *v, const char *yes, const char *no, bool *out,
			const char *key, char *why, size_t len)
{
	if (!strcmp(v, yes) || !strcmp(v, no)) {
		*out = !strcmp(v, yes);
		return 0;
	}
	snprintf(why, len, "%s '%s' is not %s or %s", key, v, yes, no);
	return -1;
}

static const struct {
	const char *name;
	int flag;
} ns_names[] = {
	{ "pid", CLONE_NEWPID }, { "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET },
	{ "uts", CLONE_NEWUTS }, { "mount", CLONE_NEWNS },
};

#define N_NS (sizeof ns_names / sizeof ns_names[0])

/* "none" or a comma-separated list of pid, ipc, net, uts, mount */
int cv_namespaces(const char *v, int *out, char *why, size_t len)
{
	char list[64], *rest = list, *w;

	*out = 0;
	if (!strcmp(v, "none"))
		return 0;
	if (format_checked(list, sizeof list, "%s", v) < 0 || !list[0])
		goto bad;
	while ((w = strsep(&rest, ","))) {
		size_t i = 0;
		while (i < N_NS && strcmp(w, ns_names[i].name) != 0)
			i++;
		if (i == N_NS)
			goto bad;
		*out |= ns_names[i].flag;
	}
	return 0;
bad:
	snprintf(why, len, "'%s' is not none or a list of pid, ipc, net, uts, mount", v);
	return -1;
}

void cj_namespaces_names(int flags, const char *sep, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < N_NS; i++)
		if (flags & ns_names[i].flag)
			used += (size_t)snprintf(out + used, len - used, "%s%s", used ? sep : "",
						 ns_names[i].name);
	if (!used)
		snprintf(out, len, "none");
}

/* "off", "0" or a number of seconds up to a day */
int cv_timeout(const char *v, unsigned *out, char *why, size_t len)
{
	unsigned long long n;

	if (!strcmp(v, "off")) {
		*out = 0;
		return 0;
	}
	if (!parse_decimal(v, 86400, &n)) {
		snprintf(why, len, "'%s' is not off or a number of seconds (at most 86400)", v);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

int cv_check(const char *v, enum cj_check_level *out, char *why, size_t len)
{
	static const char *const names[] = { "off", "files", "full" };

	for (int i = 0; i < 3; i++) {
		if (!strcmp(v, names[i])) {
			*out = (enum cj_check_level)i;
			return 0;
		}
	}
	snprintf(why, len, "'%s' is not full, files or off", v);
	return -1;
}

/* "unlimited", "N", "NK", "NM", "NG" */
static int cv_rlim_value(const char *v, rlim_t *out)
{
	char digits[32];
	unsigned long long n, mult = 1;
	size_t l = strlen(v);

	if (!strcmp(v, "unlimited")) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (l == 0 || l >= sizeof digits)
		return -1;
	memcpy(digits, v, l + 1);
	switch (digits[l - 1]) {
	case 'K': case 'k': mult = 1ULL << 10; break;
	case 'M': case 'm': mult = 1ULL << 20; break;
	case 'G': case 'g': mult = 1ULL << 30; break;
	default: break;
	}
	if (mult != 1)
		digits[l - 1] = '\0';
	if (!parse_decimal(digits, UINT64_MAX / mult, &n) || n * mult >= RLIM_INFINITY)
		return -1;
	*out = (rlim_t)(n * mult);
	return 0;
}

/* "SOFT" (hard = soft) or "SOFT:HARD" */
int cv_limit(const char *v, struct cj_limit *out, char *why, size_t len)
{
	char soft[64];
	const char *colon = strchr(v, ':');

	if (format_checked(soft, sizeof soft, "%s", v) < 0)
		goto bad;
	if (colon)
		soft[colon - v] = '\0';
	if (cv_rlim_value(soft, &out->soft) < 0 ||
	    cv_rlim_value(colon ? colon + 1 : soft, &out->hard) < 0)
		goto bad;
	if (out->soft > out->hard) {
		snprintf(why, len, "'%s': soft limit above hard limit", v);
		return -1;
	}
	out->set = true;
	return 0;
bad:
	snprintf(why, len, "'%s' is not a limit such as 100, 64M, unlimited or 50:100", v);
	return -1;
}

int cv_template(const char *v, char *out, size_t outlen, char *why, size_t len)
{
	size_t n = strlen(v);

	if (!strcmp(v, "none")) {
		out[0] = '\0';
		return 0;
	}
	if (cj_template_name_ok(v) && n < outlen) {
		memcpy(out, v, n + 1);
		return 0;
	}
	snprintf(why, len, "'%s' is not none or a template name (a-z, 0-9, '.', '_', '-'; at most 63)", v);
	return -1;
}

/* ---- resource limits ---- */

static const char *const limit_names[LIM_COUNT] = {
	"cpu", "as", "data", "stack", "nproc", "nofile", "fsize", "core",
};
static const int limit_resources[LIM_COUNT] = {
	RLIMIT_CPU, RLIMIT_AS, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_NPROC, RLIMIT_NOFILE,
	RLIMIT_FSIZE, RLIMIT_CORE,
};

const char *cj_limit_name(enum cj_limit_id id) { return limit_names[id]; }
int cj_limit_resource(enum cj_limit_id id) { return limit_resources[id]; }

int cv_find_limit(const char *key)
{
	for (int i = 0; i < LIM_COUNT; i++)
		if (!strcmp(key, limit_names[i]))
			return i;
	return -1;
}
