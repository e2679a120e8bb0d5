#include "config.h"
#include "config_values.h"
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

/* ---- the keys ---- */

/* A key allowed in [cgijail] and in [user:NAME]. Returns 1 when KEY is not
 * a policy key, 0 when set, -1 on a bad value. */
static int set_policy_key(struct cj_policy *p, const char *key, const char *v,
			  char *why, size_t len)
{
	if (!strcmp(key, "jail_root"))
		return cv_optional_path(v, p->jail_root, sizeof p->jail_root, why, len);
	if (!strcmp(key, "require_jail"))
		return cv_bool(v, &p->require_jail, why, len);
	if (!strcmp(key, "docroot"))
		return cv_path_pattern(v, p->docroot, sizeof p->docroot, why, len);
	if (!strcmp(key, "userdir"))
		return cv_userdir(v, p->userdir, sizeof p->userdir, why, len);
	if (!strcmp(key, "safe_path"))
		return cv_safe_path(v, p->safe_path, sizeof p->safe_path, why, len);
	if (!strcmp(key, "umask"))
		return cv_umask(v, &p->umask, why, len);
	if (!strcmp(key, "nice"))
		return cv_nice(v, p, why, len);
	if (!strcmp(key, "bind"))
		return cv_bind(v, &p->bind_now, why, len);
	if (!strcmp(key, "check"))
		return cv_check(v, &p->check, why, len);
	if (!strcmp(key, "check_cache"))
		return cv_bool(v, &p->check_cache, why, len);
	if (!strcmp(key, "check_modules"))
		return cv_bool(v, &p->check_modules, why, len);
	if (!strcmp(key, "seccomp"))
		return cj_seccomp_policy_parse(v, &p->seccomp_deny, p->seccomp_name,
					       sizeof p->seccomp_name, why, len);
	if (!strcmp(key, "seccomp_action"))
		return cv_choice(v, "kill", "errno", &p->seccomp_kill, key, why, len);
	if (!strcmp(key, "namespaces"))
		return cv_namespaces(v, &p->namespaces, why, len);
	if (!strcmp(key, "timeout"))
		return cv_timeout(v, &p->timeout, why, len);
	if (!strcmp(key, "supplementary_groups"))
		return cv_bool(v, &p->supplementary_groups, why, len);
	if (!strcmp(key, "script_exec"))
		return cv_choice(v, "fd", "name", &p->script_exec_fd, key, why, len);
	if (!strcmp(key, "template"))
		return cv_template(v, p->template_name, sizeof p->template_name, why, len);
	if (!strcmp(key, "template_mode"))
		return cv_choice(v, "link", "bind", &p->template_link, key, why, len);
	return 1;
}

static int set_global_key(struct cj_config *cfg, const char *key, const char *v,
			  char *why, size_t len)
{
	unsigned long long n;

	if (!strcmp(key, "caller"))
		return v[0] ? cv_string(v, cfg->caller, sizeof cfg->caller, why, len)
			    : (snprintf(why, len, "caller is empty"), -1);
	if (!strcmp(key, "min_uid") || !strcmp(key, "min_gid")) {
		if (cv_number(v, UINT32_MAX - 1, &n, why, len) < 0)
			return -1;
		if (n == 0) {
			snprintf(why, len, "%s must be at least 1", key);
			return -1;
		}
		*(key[4] == 'u' ? &cfg->min_uid : &cfg->min_gid) = (unsigned long)n;
		return 0;
	}
	if (!strcmp(key, "log"))
		return cv_optional_path(v, cfg->log, sizeof cfg->log, why, len);
	if (!strcmp(key, "syslog"))
		return cv_bool(v, &cfg->syslog, why, len);
	if (!strcmp(key, "nss_cache_ttl")) {
		if (cv_number(v, 3600, &n, why, len) < 0)
			return -1;
		cfg->nss_cache_ttl = (unsigned)n;
		return 0;
	}
	if (!strcmp(key, "template_dir"))
		return cv_path_pattern(v, cfg->template_dir, sizeof cfg->template_dir, why, len);
	if (!strcmp(key, "supervisor_user"))
		return v[0] ? cv_string(v, cfg->supervisor_user, sizeof cfg->supervisor_user, why, len)
			    : (snprintf(why, len, "supervisor_user is empty"), -1);
	return set_policy_key(&cfg->defaults, key, v, why, len);
}

static void set_defaults(struct cj_config *cfg)
{
	struct cj_policy *p = &cfg->defaults;

	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->caller, sizeof cfg->caller, "%s", CJ_CALLER);
	snprintf(cfg->supervisor_user, sizeof cfg->supervisor_user, "%s", CJ_SUPERVISOR_USER);
	cfg->min_uid = 1000;
	cfg->min_gid = 1000;
	snprintf(cfg->log, sizeof cfg->log, "%s", CJ_LOG_PATH);
	snprintf(cfg->template_dir, sizeof cfg->template_dir, "%s", CJ_TEMPLATE_DIR);
	cfg->nss_cache_ttl = 60;
	cfg->syslog = true;
	p->require_jail = true;
	snprintf(p->docroot, sizeof p->docroot, "/var/www");
	snprintf(p->userdir, sizeof p->userdir, "public_html");
	snprintf(p->safe_path, sizeof p->safe_path, "/usr/local/bin:/usr/bin:/bin");
	p->umask = 022;
	p->bind_now = true;
	p->check = CHECK_FULL;
	p->check_cache = true;
	p->check_modules = true;
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
	if (!strncmp(name, USER_PREFIX, USER_PREFIX_LEN) && name[USER_PREFIX_LEN])
		return SEC_USER;
	return SEC_UNKNOWN;
}

/* Entry I of D as a key of section SEC ("SEC:key"): the key, or NULL. */
static const char *key_of_section(const dictionary *d, int i, const char *sec, size_t seclen)
{
	const char *k = d->key[i];

	if (!k || strncmp(k, sec, seclen) != 0 || k[seclen] != ':')
		return NULL;
	return k + seclen + 1;
}

/* Apply one "section:key = value" to the defaults, or to POLICY (the
 * policy a [user:NAME] section makes). */
static int apply_key(struct cj_config *cfg, enum section_kind kind, const char *sec,
		     const char *key, const char *v, struct cj_policy *policy, char *why, size_t len)
{
	char reason[256] = "";
	int rc = 1;
	int lim = cv_find_limit(key);

	if (kind == SEC_MAIN)
		rc = set_global_key(cfg, key, v, reason, sizeof reason);
	else if (kind == SEC_LIMITS && lim >= 0)
		rc = cv_limit(v, &cfg->defaults.limits[lim], reason, sizeof reason);
	else if (kind == SEC_USER)
		rc = lim >= 0 ? cv_limit(v, &policy->limits[lim], reason, sizeof reason)
			      : set_policy_key(policy, key, v, reason, sizeof reason);
	if (rc == 0 && !strcmp(key, "seccomp") && v[0] == '/')
		cfg->reads_other_files = true;
	if (rc == 1)
		snprintf(why, len, "unknown key '%s' in [%s]", key, sec);
	else if (rc < 0)
		snprintf(why, len, "[%s] %s: %s", sec, key, reason);
	return rc ? -1 : 0;
}

/* A CGI must not reach the processes its user runs outside the jail: the
 * /proc of a mount namespace shows every one of them (and /proc/PID/root,
 * /proc/PID/mem lead out of the jail), and ptrace can take them over --
 * unless the CGI's own pid namespace hides them. */
static int require_contained(const struct cj_policy *p, const char *sec, char *why, size_t len)
{
	if (p->namespaces & CLONE_NEWPID)
		return CJ_OK;
	if (p->namespaces & CLONE_NEWNS) {
		snprintf(why, len, "[%s] namespaces = mount without pid: the jail's /proc would show the CGI "
			 "every process of its user on the host, and their /proc/PID/root and /proc/PID/mem "
			 "lead out of the jail; use namespaces = pid,mount", sec);
		return CJ_CONFIG_ESCAPE;
	}
	if (!(p->seccomp_deny & SG_BIT(SG_DEBUG))) {
		snprintf(why, len, "[%s] seccomp = %s allows ptrace (group debug) without a pid namespace: "
			 "the CGI could take over its user's processes outside the jail; add "
			 "namespaces = pid, or deny debug", sec, p->seccomp_name);
		return CJ_CONFIG_ESCAPE;
	}
	return CJ_OK;
}

/* A bind-mode template is mounted in the CGI's private mount namespace. */
static int require_template_mountable(const struct cj_policy *p, const char *sec, char *why,
				      size_t len)
{
	if (!p->template_name[0] || p->template_link || (p->namespaces & CLONE_NEWNS))
		return CJ_OK;
	snprintf(why, len, "[%s] template = %s with template_mode = bind needs namespaces = pid,mount: "
		 "cgijail mounts the template in the CGI's own mount namespace (or use template_mode = link)",
		 sec, p->template_name);
	return CJ_CONFIG_VALUE;
}

/* What a policy must hold as a whole, beyond each value. */
static int require_valid_policy(const struct cj_policy *p, const char *sec, char *why, size_t len)
{
	int code = require_contained(p, sec, why, len);

	return code != CJ_OK ? code : require_template_mountable(p, sec, why, len);
}

/* Every key of SEC, in file order; a [user:NAME] section is applied whole
 * over the final defaults and must leave its CGIs contained. */
static int apply_section(struct cj_config *cfg, dictionary *d, const char *sec,
			 char *why, size_t len)
{
	enum section_kind kind = section_kind(sec);
	size_t seclen = strlen(sec);
	struct cj_policy user = cfg->defaults;

	if (kind == SEC_UNKNOWN) {
		snprintf(why, len, "unknown section [%s]", sec);
		return CJ_CONFIG_VALUE;
	}
	for (int i = 0; i < d->size; i++) {
		const char *key = key_of_section(d, i, sec, seclen);

		if (!key)
			continue;
		/* A section [limits:cpu] is an entry "limits:cpu" without a value:
		 * it has the form of a key of [limits]. */
		if (!d->val[i]) {
			snprintf(why, len, "section [%s] has the name of a key of [%s]", d->key[i], sec);
			return CJ_CONFIG_VALUE;
		}
		if (apply_key(cfg, kind, sec, key, d->val[i], &user, why, len) < 0)
			return CJ_CONFIG_VALUE;
	}
	return kind == SEC_USER ? require_valid_policy(&user, sec, why, len) : CJ_OK;
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
		return CJ_OK;
	for (int i = 0; i < d->size; i++) {
		if (d->key[i] && d->val[i] && d->key[i][0] == ':') {
			snprintf(why, len, "key '%s' is outside any section", d->key[i] + 1);
			return CJ_CONFIG_VALUE;
		}
	}
	snprintf(why, len, "a key is outside any known section");
	return CJ_CONFIG_VALUE;
}

/* Each section of one kind (user sections or the others) in file order,
 * a pass over the whole dictionary each. */
static int apply_sections_one_by_one(struct cj_config *cfg, dictionary *d, bool users,
				     int *keys_checked, char *why, size_t len)
{
	for (int i = 0; i < d->size; i++) {
		int code;

		if (!d->key[i] || d->val[i] || (section_kind(d->key[i]) == SEC_USER) != users)
			continue;
		code = apply_section(cfg, d, d->key[i], why, len);
		if (code != CJ_OK)
			return code;
		*keys_checked += iniparser_getsecnkeys(d, d->key[i]);
	}
	return CJ_OK;
}

/* Whether every key of a user section stands right after that section's
 * entry: iniparser appends each new key, so it does unless the file opens
 * a section again after another. (A name holding ':' could make a key
 * look like one of two sections: those files take the pass per section.) */
static bool user_keys_follow_their_sections(const dictionary *d)
{
	const char *sec = NULL;
	size_t seclen = 0;

	for (int i = 0; i < d->size; i++) {
		const char *k = d->key[i], *key;

		if (!k)
			continue;
		if (!d->val[i]) {
			sec = section_kind(k) == SEC_USER ? k : NULL;
			seclen = sec ? strlen(sec) : 0;
			if (sec && strchr(sec + USER_PREFIX_LEN, ':'))
				return false;
		} else if (!strncmp(k, USER_PREFIX, USER_PREFIX_LEN) &&
			   (!sec || !(key = key_of_section(d, i, sec, seclen)) || strchr(key, ':'))) {
			return false;
		}
	}
	return true;
}

/* The user sections in one pass: with thousands of customers, a pass over
 * the whole file for each of them cost every request tens of
 * milliseconds. Each section is applied over the defaults and checked
 * when the next entry of a section, or the end, is reached. */
static int apply_user_sections_in_one_pass(struct cj_config *cfg, const dictionary *d,
					   int *keys_checked, char *why, size_t len)
{
	struct cj_policy user;
	const char *sec = NULL;
	size_t seclen = 0;

	for (int i = 0; i <= d->size; i++) {
		const char *k = i < d->size ? d->key[i] : NULL, *key;
		bool ends_section = i == d->size || (k && !d->val[i]);
		int code;

		if (ends_section && sec && (code = require_valid_policy(&user, sec, why, len)) != CJ_OK)
			return code;
		if (ends_section) {
			sec = k && section_kind(k) == SEC_USER ? k : NULL;
			seclen = sec ? strlen(sec) : 0;
			if (sec)
				user = cfg->defaults;
		} else if (sec && k && (key = key_of_section(d, i, sec, seclen))) {
			if (apply_key(cfg, SEC_USER, sec, key, d->val[i], &user, why, len) < 0)
				return CJ_CONFIG_VALUE;
			(*keys_checked)++;
		}
	}
	return CJ_OK;
}

/* [cgijail] and [limits] first, so that each [user:NAME] section is checked
 * over the defaults it will be applied to. */
static int apply_all_sections(struct cj_config *cfg, dictionary *d, char *why, size_t len)
{
	int keys_checked = 0, code;

	code = apply_sections_one_by_one(cfg, d, false, &keys_checked, why, len);
	if (code == CJ_OK)
		code = require_valid_policy(&cfg->defaults, "cgijail", why, len);
	if (code == CJ_OK)
		code = user_keys_follow_their_sections(d)
			       ? apply_user_sections_in_one_pass(cfg, d, &keys_checked, why, len)
			       : apply_sections_one_by_one(cfg, d, true, &keys_checked, why, len);
	return code != CJ_OK ? code : refuse_sectionless_keys(d, keys_checked, why, len);
}

/* What only the parse needs. */
static void free_parse_state(struct cj_config *cfg)
{
	if (cfg->dict)
		iniparser_freedict(cfg->dict);
	cfg->dict = NULL;
	cj_user_sections_free(cfg);
}

int cj_config_parse(struct cj_config *cfg, const char *path, char *why, size_t whylen)
{
	dictionary *d;
	int code;

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
	code = apply_all_sections(cfg, d, why, whylen);
	if (code == CJ_OK)
		code = cj_user_sections_read(cfg, path, why, whylen);
	if (code == CJ_OK)
		code = cj_user_table_build(cfg, why, whylen);
	free_parse_state(cfg);
	return code;
}

#define TERMINATE(field) ((field)[sizeof(field) - 1] = '\0')

void cj_config_terminate_strings(struct cj_config *cfg)
{
	struct cj_policy *p = &cfg->defaults;

	TERMINATE(cfg->caller);
	TERMINATE(cfg->supervisor_user);
	TERMINATE(cfg->log);
	TERMINATE(cfg->template_dir);
	TERMINATE(p->jail_root);
	TERMINATE(p->docroot);
	TERMINATE(p->userdir);
	TERMINATE(p->safe_path);
	TERMINATE(p->seccomp_name);
	TERMINATE(p->template_name);
}

int cj_config_open(struct cj_config *cfg, const char *path, struct stat *st, char *why, size_t whylen)
{
	char reason[512];
	int fd;

	set_defaults(cfg);
	/* Every component only root can change, so iniparser may open it by name. */
	fd = open_root_owned_path(path, O_RDONLY | O_NONBLOCK, reason, sizeof reason);
	if (fd < 0 && access(path, F_OK) < 0 && errno == ENOENT) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return CJ_CONFIG_OPEN;
	}
	if (fd < 0) {
		snprintf(why, whylen, "%s", reason);
		return CJ_CONFIG_UNSAFE;
	}
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		snprintf(why, whylen, "%s is not a regular file", path);
		close(fd);
		return CJ_CONFIG_UNSAFE;
	}
	close(fd);
	return CJ_OK;
}

int cj_config_load(struct cj_config *cfg, const char *path, char *why, size_t whylen)
{
	struct stat st;
	int code = cj_config_open(cfg, path, &st, why, whylen);

	return code != CJ_OK ? code : cj_config_parse(cfg, path, why, whylen);
}

/* Validated when the file was loaded, over the same defaults. */
static int apply_user_keys(struct cj_user_keys *it, struct cj_policy *out)
{
	const char *key, *value;
	char why[256];

	while (cj_user_table_next(it, &key, &value)) {
		int lim = cv_find_limit(key);

		if ((lim >= 0 ? cv_limit(value, &out->limits[lim], why, sizeof why)
			      : set_policy_key(out, key, value, why, sizeof why)) != 0)
			return -1;
	}
	return it->broken ? -1 : 0;
}

int cj_policy_for_user(const struct cj_config *cfg, const char *user, struct cj_policy *out)
{
	struct cj_user_keys it;

	*out = cfg->defaults;
	return cj_user_table_find(cfg, user, &it) ? apply_user_keys(&it, out) : 0;
}

const struct cj_policy *cj_policy_of(const struct cj_config *cfg, const char *user,
				     struct cj_policy *room)
{
	struct cj_user_keys it;

	if (!cj_user_table_find(cfg, user, &it))
		return &cfg->defaults;
	*room = cfg->defaults;
	return apply_user_keys(&it, room) == 0 ? room : NULL;
}

void cj_config_free(struct cj_config *cfg)
{
	free_parse_state(cfg);
	cj_user_table_free(cfg);
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
	fprintf(out, "supervisor_user = %s\nnss_cache_ttl = %u\n", cfg->supervisor_user,
		cfg->nss_cache_ttl);
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
	fprintf(out, "check_modules = %s\n", p->check_modules ? "yes" : "no");
	cj_namespaces_names(p->namespaces, ",", ns, sizeof ns);
	fprintf(out, "namespaces = %s\n", ns);
	if (p->timeout)
		fprintf(out, "timeout = %u\n", p->timeout);
	else
		fprintf(out, "timeout = off\n");
	fprintf(out, "supplementary_groups = %s\n", p->supplementary_groups ? "yes" : "no");
	fprintf(out, "script_exec = %s\n", p->script_exec_fd ? "fd" : "name");
	fprintf(out, "template = %s\ntemplate_mode = %s\ntemplate_dir = %s\n",
		p->template_name[0] ? p->template_name : "none", p->template_link ? "link" : "bind",
		cfg->template_dir);
	for (int i = 0; i < LIM_COUNT; i++)
		print_limit(out, cj_limit_name((enum cj_limit_id)i), &p->limits[i]);
}
