#include "config.h"
#include "cj_build.h"
#include "cj_exit.h"
#include "safepath.h"
#include "seccomp_policy.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <iniparser.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- value parsers: each returns 0, or -1 with a reason ---- */

static int parse_bool(const char *v, bool *out, char *why, size_t len)
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

static int parse_string(const char *v, char *out, size_t outlen, char *why, size_t len)
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
static int parse_path_pattern(const char *v, char *out, size_t outlen, char *why, size_t len)
{
	char probe[PATH_MAX];

	if (parse_string(v, out, outlen, why, len) < 0)
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

static int parse_optional_path(const char *v, char *out, size_t outlen, char *why, size_t len)
{
	if (!strcmp(v, "") || !strcmp(v, "none")) {
		out[0] = '\0';
		return 0;
	}
	return parse_path_pattern(v, out, outlen, why, len);
}

static int parse_userdir(const char *v, char *out, size_t outlen, char *why, size_t len)
{
	if (parse_string(v, out, outlen, why, len) < 0)
		return -1;
	if (v[0] == '\0' || v[0] == '/' || has_dot_component(v)) {
		snprintf(why, len, "'%s' must be a relative path without '..'", v);
		return -1;
	}
	return 0;
}

static int parse_safe_path(const char *v, char *out, size_t outlen, char *why, size_t len)
{
	const char *p = v;

	if (parse_string(v, out, outlen, why, len) < 0)
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

static int parse_number(const char *v, unsigned long long max, unsigned long long *out,
			char *why, size_t len)
{
	if (!parse_decimal(v, max, out)) {
		snprintf(why, len, "'%s' is not a whole number up to %llu", v, max);
		return -1;
	}
	return 0;
}

static int parse_umask(const char *v, mode_t *out, char *why, size_t len)
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

static int parse_nice(const char *v, struct cj_policy *p, char *why, size_t len)
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

static int parse_bind(const char *v, bool *now, char *why, size_t len)
{
	if (!strcmp(v, "now") || !strcmp(v, "lazy")) {
		*now = !strcmp(v, "now");
		return 0;
	}
	snprintf(why, len, "'%s' is not now or lazy", v);
	return -1;
}

static int parse_choice(const char *v, const char *yes, const char *no, bool *out,
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
static int parse_namespaces(const char *v, int *out, char *why, size_t len)
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
static int parse_timeout(const char *v, unsigned *out, char *why, size_t len)
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

static int parse_check(const char *v, enum cj_check_level *out, char *why, size_t len)
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
static int parse_rlim_value(const char *v, rlim_t *out)
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
static int parse_limit(const char *v, struct cj_limit *out, char *why, size_t len)
{
	char soft[64];
	const char *colon = strchr(v, ':');

	if (format_checked(soft, sizeof soft, "%s", v) < 0)
		goto bad;
	if (colon)
		soft[colon - v] = '\0';
	if (parse_rlim_value(soft, &out->soft) < 0 ||
	    parse_rlim_value(colon ? colon + 1 : soft, &out->hard) < 0)
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

/* ---- the keys ---- */

static const char *const limit_names[LIM_COUNT] = {
	"cpu", "as", "data", "stack", "nproc", "nofile", "fsize", "core",
};
static const int limit_resources[LIM_COUNT] = {
	RLIMIT_CPU, RLIMIT_AS, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_NPROC, RLIMIT_NOFILE,
	RLIMIT_FSIZE, RLIMIT_CORE,
};

const char *cj_limit_name(enum cj_limit_id id) { return limit_names[id]; }
int cj_limit_resource(enum cj_limit_id id) { return limit_resources[id]; }

static int find_limit(const char *key)
{
	for (int i = 0; i < LIM_COUNT; i++)
		if (!strcmp(key, limit_names[i]))
			return i;
	return -1;
}

/* A key allowed in [cgijail] and in [user:NAME]. Returns 1 when KEY is not
 * a policy key, 0 when set, -1 on a bad value. */
static int set_policy_key(struct cj_policy *p, const char *key, const char *v,
			  char *why, size_t len)
{
	if (!strcmp(key, "jail_root"))
		return parse_optional_path(v, p->jail_root, sizeof p->jail_root, why, len);
	if (!strcmp(key, "require_jail"))
		return parse_bool(v, &p->require_jail, why, len);
	if (!strcmp(key, "docroot"))
		return parse_path_pattern(v, p->docroot, sizeof p->docroot, why, len);
	if (!strcmp(key, "userdir"))
		return parse_userdir(v, p->userdir, sizeof p->userdir, why, len);
	if (!strcmp(key, "safe_path"))
		return parse_safe_path(v, p->safe_path, sizeof p->safe_path, why, len);
	if (!strcmp(key, "umask"))
		return parse_umask(v, &p->umask, why, len);
	if (!strcmp(key, "nice"))
		return parse_nice(v, p, why, len);
	if (!strcmp(key, "bind"))
		return parse_bind(v, &p->bind_now, why, len);
	if (!strcmp(key, "check"))
		return parse_check(v, &p->check, why, len);
	if (!strcmp(key, "check_cache"))
		return parse_bool(v, &p->check_cache, why, len);
	if (!strcmp(key, "seccomp"))
		return cj_seccomp_policy_parse(v, &p->seccomp_deny, p->seccomp_name,
					       sizeof p->seccomp_name, why, len);
	if (!strcmp(key, "seccomp_action"))
		return parse_choice(v, "kill", "errno", &p->seccomp_kill, key, why, len);
	if (!strcmp(key, "namespaces"))
		return parse_namespaces(v, &p->namespaces, why, len);
	if (!strcmp(key, "timeout"))
		return parse_timeout(v, &p->timeout, why, len);
	if (!strcmp(key, "supplementary_groups"))
		return parse_bool(v, &p->supplementary_groups, why, len);
	if (!strcmp(key, "script_exec"))
		return parse_choice(v, "fd", "name", &p->script_exec_fd, key, why, len);
	return 1;
}

static int set_global_key(struct cj_config *cfg, const char *key, const char *v,
			  char *why, size_t len)
{
	unsigned long long n;

	if (!strcmp(key, "caller"))
		return v[0] ? parse_string(v, cfg->caller, sizeof cfg->caller, why, len)
			    : (snprintf(why, len, "caller is empty"), -1);
	if (!strcmp(key, "min_uid") || !strcmp(key, "min_gid")) {
		if (parse_number(v, UINT32_MAX - 1, &n, why, len) < 0)
			return -1;
		if (n == 0) {
			snprintf(why, len, "%s must be at least 1", key);
			return -1;
		}
		*(key[4] == 'u' ? &cfg->min_uid : &cfg->min_gid) = (unsigned long)n;
		return 0;
	}
	if (!strcmp(key, "log"))
		return parse_optional_path(v, cfg->log, sizeof cfg->log, why, len);
	if (!strcmp(key, "syslog"))
		return parse_bool(v, &cfg->syslog, why, len);
	return set_policy_key(&cfg->defaults, key, v, why, len);
}

static void set_defaults(struct cj_config *cfg)
{
	struct cj_policy *p = &cfg->defaults;

	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->caller, sizeof cfg->caller, "%s", CJ_CALLER);
	cfg->min_uid = 1000;
	cfg->min_gid = 1000;
	snprintf(cfg->log, sizeof cfg->log, "%s", CJ_LOG_PATH);
	cfg->syslog = true;
	p->require_jail = true;
	snprintf(p->docroot, sizeof p->docroot, "/var/www");
	snprintf(p->userdir, sizeof p->userdir, "public_html");
	snprintf(p->safe_path, sizeof p->safe_path, "/usr/local/bin:/usr/bin:/bin");
	p->umask = 022;
	p->bind_now = true;
	p->check = CHECK_FULL;
	p->check_cache = true;
	p->supplementary_groups = true;
	cj_seccomp_policy_parse("default", &p->seccomp_deny, p->seccomp_name,
				sizeof p->seccomp_name, NULL, 0);
	p->limits[LIM_CORE] = (struct cj_limit){ true, 0, 0 };
}

/* ---- reading the dictionary ---- */

static char syntax_error[512];

/* iniparser reports syntax errors (with the line number) through this. */
__attribute__((format(printf, 1, 2)))
static int capture_syntax_error(const char *fmt, ...)
{
	va_list ap;
	size_t used = strlen(syntax_error);

	if (used >= sizeof syntax_error - 1)
		return 0;
	va_start(ap, fmt);
	vsnprintf(syntax_error + used, sizeof syntax_error - used, fmt, ap);
	va_end(ap);
	return 0;
}

enum section_kind { SEC_MAIN, SEC_LIMITS, SEC_USER, SEC_UNKNOWN };

static enum section_kind section_kind(const char *name)
{
	if (!strcmp(name, "cgijail"))
		return SEC_MAIN;
	if (!strcmp(name, "limits"))
		return SEC_LIMITS;
	if (!strncmp(name, "user:", 5) && name[5])
		return SEC_USER;
	return SEC_UNKNOWN;
}

/* Apply one "section:key = value"; SEC_USER keys are only validated here. */
static int apply_key(struct cj_config *cfg, enum section_kind kind, const char *sec,
		     const char *key, const char *v, char *why, size_t len)
{
	char reason[256] = "";
	int rc = 1;
	int lim = find_limit(key);

	if (kind == SEC_MAIN) {
		rc = set_global_key(cfg, key, v, reason, sizeof reason);
	} else if (kind == SEC_LIMITS && lim >= 0) {
		rc = parse_limit(v, &cfg->defaults.limits[lim], reason, sizeof reason);
	} else if (kind == SEC_USER) {
		struct cj_policy scratch = cfg->defaults;
		rc = lim >= 0 ? parse_limit(v, &scratch.limits[lim], reason, sizeof reason)
			      : set_policy_key(&scratch, key, v, reason, sizeof reason);
	}
	if (rc == 1)
		snprintf(why, len, "unknown key '%s' in [%s]", key, sec);
	else if (rc < 0)
		snprintf(why, len, "[%s] %s: %s", sec, key, reason);
	return rc ? -1 : 0;
}

static int apply_section(struct cj_config *cfg, dictionary *d, const char *sec,
			 char *why, size_t len)
{
	enum section_kind kind = section_kind(sec);
	int nkeys = iniparser_getsecnkeys(d, sec);
	const char **keys;
	int rc = 0;

	if (kind == SEC_UNKNOWN) {
		snprintf(why, len, "unknown section [%s]", sec);
		return -1;
	}
	if (nkeys <= 0)
		return 0;
	keys = calloc((size_t)nkeys, sizeof *keys);
	if (!keys) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	iniparser_getseckeys(d, sec, keys);
	for (int i = 0; i < nkeys && rc == 0; i++) {
		const char *v = iniparser_getstring(d, keys[i], "");
		/* A section [limits:cpu] is an entry "limits:cpu" without a value:
		 * iniparser lists it among the keys of [limits]. */
		if (!v) {
			snprintf(why, len, "section [%s] has the name of a key of [%s]", keys[i], sec);
			rc = -1;
			break;
		}
		rc = apply_key(cfg, kind, sec, keys[i] + strlen(sec) + 1, v, why, len);
	}
	free(keys);
	return rc;
}

/* iniparser keeps a section as an entry without a value and its keys as
 * "section:key"; keys above any section become ":key". Every key must
 * belong to a section that apply_section() checked. */
static int refuse_sectionless_keys(dictionary *d, int keys_checked, char *why, size_t len)
{
	int keys = 0;

	for (int i = 0; i < d->size; i++)
		if (d->key[i] && d->val[i])
			keys++;
	if (keys == keys_checked)
		return 0;
	for (int i = 0; i < d->size; i++) {
		if (d->key[i] && d->val[i] && d->key[i][0] == ':') {
			snprintf(why, len, "key '%s' is outside any section", d->key[i] + 1);
			return -1;
		}
	}
	snprintf(why, len, "a key is outside any known section");
	return -1;
}

static int apply_all_sections(struct cj_config *cfg, dictionary *d, char *why, size_t len)
{
	int keys_checked = 0;

	for (int i = 0; i < d->size; i++) {
		if (!d->key[i] || d->val[i])
			continue;
		if (apply_section(cfg, d, d->key[i], why, len) < 0)
			return -1;
		keys_checked += iniparser_getsecnkeys(d, d->key[i]);
	}
	return refuse_sectionless_keys(d, keys_checked, why, len);
}

int cj_config_parse(struct cj_config *cfg, const char *path, char *why, size_t whylen)
{
	dictionary *d;

	set_defaults(cfg);
	syntax_error[0] = '\0';
	iniparser_set_error_callback(capture_syntax_error);
	d = iniparser_load(path);
	if (!d) {
		char *nl;
		while ((nl = strchr(syntax_error, '\n')))
			*nl = ' ';
		snprintf(why, whylen, "%s", syntax_error[0] ? syntax_error : "cannot be parsed");
		return CJ_CONFIG_SYNTAX;
	}
	cfg->dict = d;
	if (apply_all_sections(cfg, d, why, whylen) < 0)
		return CJ_CONFIG_VALUE;
	return CJ_OK;
}

int cj_config_load(struct cj_config *cfg, const char *path, char *why, size_t whylen)
{
	char reason[512];
	struct stat st;
	int fd;

	set_defaults(cfg);
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return CJ_CONFIG_OPEN;
	}
	/* Every component only root can change, so iniparser may open it by name. */
	fd = open_root_owned_path(path, O_RDONLY | O_NONBLOCK, reason, sizeof reason);
	if (fd < 0) {
		snprintf(why, whylen, "%s", reason);
		return CJ_CONFIG_UNSAFE;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s is not a regular file", path);
		close(fd);
		return CJ_CONFIG_UNSAFE;
	}
	close(fd);
	return cj_config_parse(cfg, path, why, whylen);
}

void cj_policy_for_user(const struct cj_config *cfg, const char *user, struct cj_policy *out)
{
	char sec[300], why[256];
	dictionary *d = cfg->dict;

	*out = cfg->defaults;
	if (!d || format_checked(sec, sizeof sec, "user:%s", user) < 0)
		return;
	/* iniparser folds names to lower case; so does the lookup. */
	for (char *c = sec; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	int nkeys = iniparser_getsecnkeys(d, sec);
	if (nkeys <= 0)
		return;
	const char **keys = calloc((size_t)nkeys, sizeof *keys);
	if (!keys)
		return;
	iniparser_getseckeys(d, sec, keys);
	for (int i = 0; i < nkeys; i++) {
		const char *key = keys[i] + strlen(sec) + 1;
		const char *v = iniparser_getstring(d, keys[i], "");
		int lim = find_limit(key);
		/* Values were validated when the file was loaded. */
		if (!v)
			continue;
		if (lim >= 0)
			(void)parse_limit(v, &out->limits[lim], why, sizeof why);
		else
			(void)set_policy_key(out, key, v, why, sizeof why);
	}
	free(keys);
}

void cj_config_free(struct cj_config *cfg)
{
	if (cfg->dict)
		iniparser_freedict(cfg->dict);
	cfg->dict = NULL;
}

static void print_limit(FILE *out, const char *name, const struct cj_limit *l)
{
	char s[32], h[32];

	if (!l->set) {
		fprintf(out, "limits.%s = inherited\n", name);
		return;
	}
	if (l->soft == RLIM_INFINITY)
		snprintf(s, sizeof s, "unlimited");
	else
		snprintf(s, sizeof s, "%llu", (unsigned long long)l->soft);
	if (l->hard == RLIM_INFINITY)
		snprintf(h, sizeof h, "unlimited");
	else
		snprintf(h, sizeof h, "%llu", (unsigned long long)l->hard);
	fprintf(out, "limits.%s = %s:%s\n", name, s, h);
}

void cj_config_print(FILE *out, const struct cj_config *cfg)
{
	static const char *const checks[] = { "off", "files", "full" };
	char ns[64];
	const struct cj_policy *p = &cfg->defaults;

	fprintf(out, "caller = %s\nmin_uid = %lu\nmin_gid = %lu\n", cfg->caller,
		cfg->min_uid, cfg->min_gid);
	fprintf(out, "log = %s\nsyslog = %s\n", cfg->log[0] ? cfg->log : "none",
		cfg->syslog ? "yes" : "no");
	fprintf(out, "jail_root = %s\nrequire_jail = %s\n", p->jail_root[0] ? p->jail_root : "none",
		p->require_jail ? "yes" : "no");
	fprintf(out, "docroot = %s\nuserdir = %s\nsafe_path = %s\n", p->docroot, p->userdir,
		p->safe_path);
	fprintf(out, "umask = %03o\n", (unsigned)p->umask);
	if (p->nice_set)
		fprintf(out, "nice = %d\n", p->nice);
	else
		fprintf(out, "nice = inherit\n");
	fprintf(out, "bind = %s\ncheck = %s\n", p->bind_now ? "now" : "lazy", checks[p->check]);
	fprintf(out, "check_cache = %s\n", p->check_cache ? "yes" : "no");
	cj_namespaces_names(p->namespaces, ",", ns, sizeof ns);
	fprintf(out, "namespaces = %s\n", ns);
	if (p->timeout)
		fprintf(out, "timeout = %u\n", p->timeout);
	else
		fprintf(out, "timeout = off\n");
	fprintf(out, "supplementary_groups = %s\n", p->supplementary_groups ? "yes" : "no");
	fprintf(out, "script_exec = %s\n", p->script_exec_fd ? "fd" : "name");
	for (int i = 0; i < LIM_COUNT; i++)
		print_limit(out, limit_names[i], &p->limits[i]);
}
