/* libFuzzer target: cgijail.conf, read by iniparser through our parser
 * (src/common/config.c). The input is the whole file (written to a memfd
 * and parsed by its /proc/self/fd name, as cgijail parses its config by
 * name). Whatever the input: no crash or leak, a reason for every
 * refusal, and a config that is accepted is never less safe than the
 * rules allow -- min_uid/min_gid at least 1, a caller named, absolute paths
 * without '..', an absolute safe_path, a umask within 0777, soft limits not
 * above hard ones, no /proc or ptrace of the host's processes -- for the
 * defaults and for every [user:NAME] policy. The same input is also read
 * as the block of user sections cgijail keeps (config_table.c). */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cj_exit.h"
#include "config.h"
#include "seccomp_policy.h"
#include "strutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void check_policy(const struct cj_policy *p)
{
	if (p->jail_root[0] && (p->jail_root[0] != '/' || has_dot_component(p->jail_root)))
		abort();
	if (p->docroot[0] != '/' || has_dot_component(p->docroot))
		abort();
	if (!p->userdir[0] || p->userdir[0] == '/' || has_dot_component(p->userdir))
		abort();
	for (const char *s = p->safe_path; s; s = strchr(s, ':') ? strchr(s, ':') + 1 : NULL)
		if (s[0] != '/')
			abort();
	if (p->umask > 0777 || has_control_char(p->safe_path) || has_control_char(p->jail_root))
		abort();
	for (int i = 0; i < LIM_COUNT; i++)
		if (p->limits[i].set && p->limits[i].soft > p->limits[i].hard)
			abort();
	/* Contained: no /proc of the host's processes, no ptrace of them. */
	if (!(p->namespaces & CLONE_NEWPID) &&
	    ((p->namespaces & CLONE_NEWNS) || !(p->seccomp_deny & SG_BIT(SG_DEBUG))))
		abort();
}

/* The same bytes as a user sections' block read back from the cache
 * (config_table.c): refused, or walked without a read outside it. */
static void walk_as_table(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "alice", "bob", "" };
	struct cj_config cfg = { 0 };
	struct cj_user_keys it;
	const char *k, *v;

	cfg.users = malloc(size ? size : 1);
	if (!cfg.users)
		abort();
	memcpy(cfg.users, data, size);
	cfg.users_size = size;
	if (cj_user_table_valid(cfg.users, size)) {
		for (size_t i = 0; i < cj_user_table_count(&cfg); i++)
			if (strlen(cj_user_table_name(&cfg, i)) >= size)
				abort();
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (cj_user_table_find(&cfg, names[i], &it))
				while (cj_user_table_next(&it, &k, &v))
					if (v >= cfg.users + size)
						abort();
	}
	free(cfg.users);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const users[] = { "alice", "bob", "root", "Alice", "user:x", "" };
	struct cj_config cfg;
	struct cj_policy pol;
	char path[64], why[1024];
	int fd, code;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	fd = memfd_create("cgijail.conf", MFD_CLOEXEC);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	why[0] = '\0';
	code = cj_config_parse(&cfg, path, why, sizeof why);
	if (code == CJ_OK) {
		if (cfg.min_uid < 1 || cfg.min_gid < 1 || !cfg.caller[0] || has_control_char(cfg.caller))
			abort();
		if (cfg.log[0] && (cfg.log[0] != '/' || has_dot_component(cfg.log)))
			abort();
		check_policy(&cfg.defaults);
		for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
			if (cj_policy_for_user(&cfg, users[i], &pol) < 0)
				abort();
			check_policy(&pol);
		}
		/* Every section as written is found again by its exact name. */
		for (size_t i = 0; i < cj_user_table_count(&cfg); i++) {
			struct cj_user_keys it;

			if (!cj_user_table_find(&cfg, cj_user_table_name(&cfg, i), &it) ||
			    cj_policy_for_user(&cfg, cj_user_table_name(&cfg, i), &pol) < 0)
				abort();
			check_policy(&pol);
		}
		/* The block as cgijail reads it back from its cache passes. */
		if (cfg.users && !cj_user_table_valid(cfg.users, cfg.users_size))
			abort();
		cj_config_print(devnull, &cfg);
	} else if (!why[0] || (code != CJ_CONFIG_SYNTAX && code != CJ_CONFIG_VALUE &&
				   code != CJ_CONFIG_ESCAPE && code != CJ_NOMEM)) {
		abort();
	}
	cj_config_free(&cfg);
	close(fd);
	walk_as_table(data, size);
	return 0;
}
