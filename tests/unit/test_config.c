#include <sched.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cj_exit.h"
#include "config.h"
#include "seccomp_policy.h"

static char path[64];
static char why[1024];
static struct cj_config cfg;

static int parse(const char *text)
{
	int fd;

	snprintf(path, sizeof path, "/tmp/cj-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	why[0] = '\0';
	cj_config_free(&cfg);
	int rc = cj_config_parse(&cfg, path, why, sizeof why);
	unlink(path);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	cj_config_free(&cfg);
	return 0;
}

static void defaults_are_safe(void **state)
{
	(void)state;
	assert_int_equal(parse("[cgijail]\n"), CJ_OK);
	assert_string_equal(cfg.caller, "www-data");
	assert_int_equal(cfg.min_uid, 1000);
	assert_int_equal(cfg.min_gid, 1000);
	assert_true(cfg.defaults.require_jail);
	assert_true(cfg.defaults.bind_now);
	assert_int_equal(cfg.defaults.check, CHECK_FULL);
	assert_int_equal(cfg.defaults.umask, 022);
	assert_true(cfg.defaults.limits[LIM_CORE].set);
	assert_int_equal(cfg.defaults.limits[LIM_CORE].hard, 0);
	assert_false(cfg.defaults.limits[LIM_CPU].set);
	assert_false(cfg.defaults.nice_set);
}

static void full_file(void **state)
{
	(void)state;
	assert_int_equal(parse("; comment\n[cgijail]\ncaller = apache\ndocroot = /srv/%u/www\n"
			       "jail_root = /srv/jails/%u\nmin_uid = 2000\nmin_gid = 3000\n"
			       "umask = 027\nnice = 10\nbind = lazy\ncheck = files\nsyslog = no\n"
			       "log = none\nsafe_path = /usr/bin:/bin\nuserdir = www/cgi\n"
			       "[limits]\ncpu = 10:20\nas = 512M\nnofile = unlimited\n"), CJ_OK);
	assert_string_equal(cfg.caller, "apache");
	assert_string_equal(cfg.defaults.jail_root, "/srv/jails/%u");
	assert_int_equal(cfg.min_uid, 2000);
	assert_int_equal(cfg.min_gid, 3000);
	assert_int_equal(cfg.defaults.umask, 027);
	assert_int_equal(cfg.defaults.nice, 10);
	assert_true(cfg.defaults.nice_set);
	assert_false(cfg.defaults.bind_now);
	assert_int_equal(cfg.defaults.check, CHECK_FILES);
	assert_false(cfg.syslog);
	assert_string_equal(cfg.log, "");
	assert_int_equal(cfg.defaults.limits[LIM_CPU].soft, 10);
	assert_int_equal(cfg.defaults.limits[LIM_CPU].hard, 20);
	assert_int_equal(cfg.defaults.limits[LIM_AS].soft, 512ULL << 20);
	assert_int_equal(cfg.defaults.limits[LIM_NOFILE].hard, RLIM_INFINITY);
}

static void user_sections_override(void **state)
{
	struct cj_policy p;

	(void)state;
	assert_int_equal(parse("[cgijail]\njail_root = /srv/jails/%u\nnice = 5\n"
			       "[user:alice]\njail_root = /srv/special\ncpu = 7\n"
			       "[user:Bob]\nrequire_jail = no\njail_root = none\n"), CJ_OK);
	assert_int_equal(cj_policy_for_user(&cfg, "alice", &p), 0);
	assert_string_equal(p.jail_root, "/srv/special");
	assert_int_equal(p.nice, 5);
	assert_true(p.limits[LIM_CPU].set);
	assert_int_equal(p.limits[LIM_CPU].soft, 7);
	assert_int_equal(cj_policy_for_user(&cfg, "Bob", &p), 0);
	assert_false(p.require_jail);
	assert_string_equal(p.jail_root, "");
	assert_int_equal(cj_policy_for_user(&cfg, "carol", &p), 0);
	assert_string_equal(p.jail_root, "/srv/jails/%u");
	assert_false(p.limits[LIM_CPU].set);
}

/* cgijail's form: no copy for a user without a section, the same policy
 * as cj_policy_for_user() for one with a section. */
static void policy_of_copies_only_for_a_section(void **state)
{
	struct cj_policy room, p;
	const struct cj_policy *got;

	(void)state;
	assert_int_equal(parse("[cgijail]\njail_root = /srv/jails/%u\nnice = 5\n"
			       "[user:alice]\njail_root = /srv/special\ncpu = 7\n"), CJ_OK);
	memset(&room, 0xa5, sizeof room);
	assert_ptr_equal(cj_policy_of(&cfg, "carol", &room), &cfg.defaults);
	assert_int_equal(((unsigned char *)&room)[0], 0xa5);
	got = cj_policy_of(&cfg, "alice", &room);
	assert_ptr_equal(got, &room);
	assert_int_equal(cj_policy_for_user(&cfg, "alice", &p), 0);
	assert_string_equal(got->jail_root, p.jail_root);
	assert_string_equal(got->docroot, p.docroot);
	assert_int_equal(got->seccomp_deny, p.seccomp_deny);
	assert_string_equal(got->jail_root, "/srv/special");
	assert_int_equal(got->nice, 5);
	assert_int_equal(got->limits[LIM_CPU].soft, 7);
}

static void syntax_error_names_the_line(void **state)
{
	(void)state;
	assert_int_equal(parse("[cgijail]\ncaller = x\nthis line is broken\n"), CJ_CONFIG_SYNTAX);
	assert_non_null(strstr(why, "(3)"));
	assert_non_null(strstr(why, "this line is broken"));
}

static void expect_value_error(const char *text, const char *needle)
{
	assert_int_equal(parse(text), CJ_CONFIG_VALUE);
	if (!strstr(why, needle))
		fail_msg("'%s' does not mention '%s'", why, needle);
}

static void bad_values_are_refused(void **state)
{
	(void)state;
	expect_value_error("[cgijail]\nfoo = 1\n", "unknown key 'foo'");
	expect_value_error("[other]\nx = 1\n", "unknown section [other]");
	expect_value_error("[limits]\nwalltime = 1\n", "unknown key 'walltime'");
	expect_value_error("[cgijail]\nmin_uid = -1\n", "min_uid");
	expect_value_error("[cgijail]\nmin_uid = 0\n", "at least 1");
	expect_value_error("[cgijail]\nmin_gid = 12abc\n", "min_gid");
	expect_value_error("[cgijail]\numask = 0999\n", "umask");
	expect_value_error("[cgijail]\nnice = 20\n", "nice");
	expect_value_error("[cgijail]\nnice = -21\n", "nice");
	expect_value_error("[cgijail]\nbind = sometimes\n", "bind");
	expect_value_error("[cgijail]\ncheck = maybe\n", "check");
	expect_value_error("[cgijail]\nrequire_jail = perhaps\n", "require_jail");
	expect_value_error("[cgijail]\njail_root = relative/path\n", "absolute");
	expect_value_error("[cgijail]\njail_root = /srv/../etc\n", "'..'");
	expect_value_error("[cgijail]\ndocroot = /srv/%z\n", "%u");
	expect_value_error("[cgijail]\nuserdir = ../x\n", "userdir");
	expect_value_error("[cgijail]\nsafe_path = bin:/usr/bin\n", "absolute");
	expect_value_error("[cgijail]\nsafe_path = /usr/bin:\n", "absolute");
	expect_value_error("[cgijail]\nsafe_path = /usr/bin::/bin\n", "absolute");
	expect_value_error("[cgijail]\nsafe_path = :/bin\n", "absolute");
	expect_value_error("[cgijail]\ncaller =\n", "caller");
	expect_value_error("[limits]\ncpu = 20:10\n", "soft limit above hard");
	expect_value_error("[limits]\nas = 12Q\n", "as");
	expect_value_error("[user:alice]\nnice = loud\n", "[user:alice] nice");
	expect_value_error("[user:alice]\ncaller = root\n", "unknown key 'caller'");
	expect_value_error("[user:alice]\nmin_uid = 1\n", "unknown key 'min_uid'");
	expect_value_error("top = 1\n[cgijail]\n", "outside any section");
}

static void defence_keys(void **state)
{
	const uint32_t debug = SG_BIT(SG_DEBUG), io_uring = SG_BIT(SG_IO_URING);

	(void)state;
	assert_int_equal(parse("[cgijail]\n"), CJ_OK);
	assert_true(cfg.defaults.seccomp_deny & debug);
	assert_false(cfg.defaults.seccomp_deny & io_uring);
	assert_false(cfg.defaults.seccomp_kill);
	assert_int_equal(cfg.defaults.namespaces, 0);
	assert_int_equal(cfg.defaults.timeout, 0);
	assert_false(cfg.defaults.script_exec_fd);

	assert_int_equal(parse("[cgijail]\nseccomp = strict\nseccomp_action = kill\n"
			       "namespaces = pid,net,mount\ntimeout = 30\nscript_exec = fd\n"), CJ_OK);
	assert_true(cfg.defaults.script_exec_fd);
	assert_true(cfg.defaults.seccomp_deny & io_uring);
	assert_true(cfg.defaults.seccomp_kill);
	assert_int_equal(cfg.defaults.namespaces, CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS);
	assert_int_equal(cfg.defaults.timeout, 30);

	assert_int_equal(parse("[cgijail]\nseccomp = off\ntimeout = off\nnamespaces = pid\n"
			       "script_exec = name\n"), CJ_OK);
	assert_int_equal(cfg.defaults.seccomp_deny, 0);
	assert_int_equal(cfg.defaults.timeout, 0);
	assert_false(cfg.defaults.script_exec_fd);

	expect_value_error("[cgijail]\nseccomp = tight\n", "not default, strict, off");
	expect_value_error("[cgijail]\nseccomp = /nonexistent/policy\n", "policy file");
	expect_value_error("[cgijail]\nseccomp_action = trap\n", "seccomp_action");
	expect_value_error("[cgijail]\nnamespaces = user\n", "not none or a list");
	expect_value_error("[cgijail]\nnamespaces = pid,,net\n", "not none or a list");
	expect_value_error("[cgijail]\nnamespaces =\n", "not none or a list");
	expect_value_error("[cgijail]\ntimeout = -1\n", "timeout");
	expect_value_error("[cgijail]\ntimeout = 86401\n", "at most 86400");
	expect_value_error("[user:bob]\ntimeout = 5s\n", "[user:bob] timeout");
	expect_value_error("[cgijail]\nscript_exec = path\n", "script_exec 'path' is not fd or name");
	expect_value_error("[user:bob]\nscript_exec = FD\n", "[user:bob] script_exec");
}

static void script_exec_per_user(void **state)
{
	struct cj_policy p;

	(void)state;
	assert_int_equal(parse("[cgijail]\nnamespaces = pid,mount\n"
			       "[user:alice]\nscript_exec = fd\n[user:bob]\nscript_exec = name\n"), CJ_OK);
	assert_false(cfg.defaults.script_exec_fd);
	assert_int_equal(cj_policy_for_user(&cfg, "alice", &p), 0);
	assert_true(p.script_exec_fd);
	assert_int_equal(p.namespaces, CLONE_NEWPID | CLONE_NEWNS);
	assert_int_equal(cj_policy_for_user(&cfg, "bob", &p), 0);
	assert_false(p.script_exec_fd);
	assert_int_equal(parse("[cgijail]\nscript_exec = fd\n[user:bob]\nscript_exec = name\n"), CJ_OK);
	assert_int_equal(cj_policy_for_user(&cfg, "bob", &p), 0);
	assert_false(p.script_exec_fd);
	assert_int_equal(cj_policy_for_user(&cfg, "carol", &p), 0);
	assert_true(p.script_exec_fd);
}

/* check_modules: on by default, off for one user. */
static void check_modules_per_user(void **state)
{
	struct cj_policy p;

	(void)state;
	assert_int_equal(parse("[cgijail]\n[user:alice]\ncheck_modules = no\n"), CJ_OK);
	assert_true(cfg.defaults.check_modules);
	assert_int_equal(cj_policy_for_user(&cfg, "alice", &p), 0);
	assert_false(p.check_modules);
	assert_int_equal(cj_policy_for_user(&cfg, "bob", &p), 0);
	assert_true(p.check_modules);
	expect_value_error("[cgijail]\ncheck_modules = some\n", "'some' is not yes or no");
}

static void supplementary_groups_per_user(void **state)
{
	struct cj_policy p;

	(void)state;
	assert_int_equal(parse("[cgijail]\n[user:alice]\nsupplementary_groups = no\n"), CJ_OK);
	assert_true(cfg.defaults.supplementary_groups);
	assert_int_equal(cj_policy_for_user(&cfg, "alice", &p), 0);
	assert_false(p.supplementary_groups);
	assert_int_equal(cj_policy_for_user(&cfg, "bob", &p), 0);
	assert_true(p.supplementary_groups);
	expect_value_error("[cgijail]\nsupplementary_groups = primary\n", "'primary' is not yes or no");
}

/* [user:NAME] applies to NAME exactly (iniparser folds section names). */
static void user_sections_match_exactly(void **state)
{
	struct cj_policy p;

	(void)state;
	assert_int_equal(parse("[cgijail]\ntimeout = 1\n[user:ALICE]\ntimeout = 2\n"
			       "[ USER:bob ]\ntimeout = 3\n[user:carol]\ntimeout = 4\n"
			       "[user:carol]\nnice = 1\n"), CJ_OK);
	assert_int_equal(cj_policy_for_user(&cfg, "ALICE", &p), 0);
	assert_int_equal(p.timeout, 2);
	assert_int_equal(cj_policy_for_user(&cfg, "alice", &p), 0);
	assert_int_equal(p.timeout, 1);
	assert_int_equal(cj_policy_for_user(&cfg, "Alice", &p), 0);
	assert_int_equal(p.timeout, 1);
	assert_int_equal(cj_policy_for_user(&cfg, "bob", &p), 0);
	assert_int_equal(p.timeout, 3);
	assert_int_equal(cj_policy_for_user(&cfg, "BOB", &p), 0);
	assert_int_equal(p.timeout, 1);
	assert_int_equal(cj_policy_for_user(&cfg, "carol", &p), 0);
	assert_int_equal(p.timeout, 4);
	assert_int_equal(p.nice, 1);

	expect_value_error("[user:Alice]\ntimeout = 2\n[user:alice]\ntimeout = 3\n",
			   "[user:Alice] and [user:alice] differ only in case");
	expect_value_error("[user:a]b]\ntimeout = 2\n", "cannot hold ']'");
	/* A section line split over two lines, as iniparser joins them. */
	assert_int_equal(parse("[user:Da\\\nve]\ntimeout = 5\n"), CJ_OK);
	assert_int_equal(cj_policy_for_user(&cfg, "Dave", &p), 0);
	assert_int_equal(p.timeout, 5);
	assert_int_equal(cj_policy_for_user(&cfg, "dave", &p), 0);
	assert_int_equal(p.timeout, 0);
}

static void expect_escape(const char *text, const char *needle)
{
	assert_int_equal(parse(text), CJ_CONFIG_ESCAPE);
	if (!strstr(why, needle))
		fail_msg("'%s' does not mention '%s'", why, needle);
}

/* No accepted config shows a CGI its user's processes outside the jail. */
static void configs_that_escape_are_refused(void **state)
{
	struct cj_policy p;

	(void)state;
	expect_escape("[cgijail]\nnamespaces = mount\n", "[cgijail] namespaces = mount without pid");
	expect_escape("[cgijail]\nnamespaces = mount,net,ipc,uts\n", "namespaces = mount without pid");
	expect_escape("[user:bob]\nnamespaces = mount\n", "[user:bob] namespaces = mount without pid");
	expect_escape("[cgijail]\nnamespaces = pid,mount\n[user:bob]\nnamespaces = mount,net\n",
		      "[user:bob] namespaces = mount without pid");
	expect_escape("[cgijail]\nseccomp = off\n", "[cgijail] seccomp = off allows ptrace");
	expect_escape("[cgijail]\nnamespaces = net\n[user:bob]\nseccomp = off\n",
		      "[user:bob] seccomp = off allows ptrace");
	expect_escape("[cgijail]\nnamespaces = pid\n[user:bob]\nseccomp = off\nnamespaces = none\n",
		      "[user:bob] seccomp = off allows ptrace");

	assert_int_equal(parse("[cgijail]\nnamespaces = pid,mount\n[user:bob]\nseccomp = off\n"), CJ_OK);
	assert_int_equal(cj_policy_for_user(&cfg, "bob", &p), 0);
	assert_int_equal(p.seccomp_deny, 0);
	assert_int_equal(parse("[cgijail]\nnamespaces = pid\nseccomp = off\n"), CJ_OK);
	assert_int_equal(parse("[cgijail]\nnamespaces = pid,ipc,net,uts\n"), CJ_OK);
	assert_int_equal(parse("[user:bob]\nnamespaces = pid,mount\n"), CJ_OK);
}

static bool allocations_fail;
void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size)
{
	return allocations_fail ? NULL : __real_calloc(n, size);
}
void *__wrap_malloc(size_t size)
{
	return allocations_fail ? NULL : __real_malloc(size);
}

/* Building a user's policy with no memory left: that user's policy or a
 * refusal, never the defaults in its place (review finding 7). */
static void user_policy_fails_closed(void **state)
{
	struct cj_policy p;
	int rc;

	(void)state;
	assert_int_equal(parse("[cgijail]\nnamespaces = pid\n[user:alice]\nseccomp = off\ntimeout = 9\n"),
			 CJ_OK);
	allocations_fail = true;
	rc = cj_policy_for_user(&cfg, "alice", &p);
	allocations_fail = false;
	assert_true(rc < 0 || (p.timeout == 9 && p.seccomp_deny == 0));
	assert_int_equal(rc, 0);
}

/* Thousands of customers, each with a section: every one applied and
 * checked (the last one's escape is found), each user gets its own. */
static void many_user_sections(void **state)
{
	enum { USERS = 3000 };
	size_t cap = (size_t)USERS * 64 + 64, used;
	char *text = malloc(cap);
	struct cj_policy p;

	(void)state;
	assert_non_null(text);
	used = (size_t)snprintf(text, cap, "[cgijail]\nnamespaces = pid\n");
	for (int i = 0; i < USERS; i++)
		used += (size_t)snprintf(text + used, cap - used, "[user:c%04d]\ntimeout = %d\nnice = 1\n", i,
					 i + 1);
	assert_int_equal(parse(text), CJ_OK);
	assert_int_equal(cj_policy_for_user(&cfg, "c0000", &p), 0);
	assert_int_equal(p.timeout, 1);
	assert_int_equal(cj_policy_for_user(&cfg, "c2999", &p), 0);
	assert_int_equal(p.timeout, 3000);
	assert_int_equal(p.nice, 1);
	snprintf(text + used, cap - used, "[user:last]\nnamespaces = mount\n");
	assert_int_equal(parse(text), CJ_CONFIG_ESCAPE);
	assert_non_null(strstr(why, "[user:last] namespaces = mount without pid"));
	free(text);
}

/* A section opened again after another one: its keys apply together, and
 * it is checked whole, as when they stand in one place. */
static void user_section_opened_twice(void **state)
{
	struct cj_policy p;

	(void)state;
	assert_int_equal(parse("[cgijail]\nnamespaces = pid\n[user:bob]\ntemplate = py\n"
			       "[user:carol]\ntimeout = 4\n[user:bob]\nnamespaces = pid,mount\n"), CJ_OK);
	assert_int_equal(cj_policy_for_user(&cfg, "bob", &p), 0);
	assert_string_equal(p.template_name, "py");
	assert_int_equal(p.namespaces, CLONE_NEWPID | CLONE_NEWNS);
	assert_int_equal(cj_policy_for_user(&cfg, "carol", &p), 0);
	assert_int_equal(p.timeout, 4);
	expect_value_error("[user:bob]\ntimeout = 1\n[user:carol]\ntimeout = 4\n[user:bob]\nnice = loud\n",
			   "[user:bob] nice");
}

/* The user sections' block (config_table.c), as cgijail may read it back
 * from its cache: a block cut short or with an offset out of it is
 * refused, and one that passes is walked within its bounds. */
static void user_table_read_back(void **state)
{
	struct cj_config copy;
	struct cj_user_keys it;
	const char *k, *v;
	char *t;
	size_t size;
	uint32_t bad = 0xfffffff0U;

	(void)state;
	assert_int_equal(parse("[cgijail]\nnamespaces = pid\n[user:bob]\ntimeout = 3\nnice = 2\n"
			       "[user:Carol]\ntimeout = 4\n"), CJ_OK);
	size = cfg.users_size;
	assert_true(cj_user_table_valid(cfg.users, size));
	/* Every prefix, in a buffer of exactly its size (ASan sees a read past it). */
	for (size_t cut = 0; cut < size; cut++) {
		t = malloc(cut ? cut : 1);
		assert_non_null(t);
		memcpy(t, cfg.users, cut);
		copy = cfg;
		copy.users = t;
		copy.users_size = cut;
		if (cj_user_table_valid(t, cut))
			for (int u = 0; u < 2; u++)
				if (cj_user_table_find(&copy, u ? "Carol" : "bob", &it))
					while (cj_user_table_next(&it, &k, &v))
						assert_true(v < t + cut);
		free(t);
	}
	t = malloc(size);
	assert_non_null(t);
	memcpy(t, cfg.users, size);
	memcpy(t + sizeof(uint32_t), &bad, sizeof bad);
	assert_false(cj_user_table_valid(t, size));
	memcpy(t, &bad, sizeof bad);
	assert_false(cj_user_table_valid(t, size));
	/* A pair whose value would lie past the end: BROKEN, not read past it. */
	memcpy(t, cfg.users, size);
	copy = cfg;
	copy.users = t;
	copy.users_size = size;
	assert_true(cj_user_table_find(&copy, "Carol", &it));
	assert_true(cj_user_table_next(&it, &k, &v));
	assert_string_equal(k, "timeout");
	assert_string_equal(v, "4");
	assert_false(cj_user_table_next(&it, &k, &v));
	assert_false(it.broken);
	assert_false(cj_user_table_find(&copy, "carol", &it));
	assert_true(cj_user_table_find(&copy, "bob", &it));
	it.end = it.at + strlen("timeout") + 1;
	assert_true(cj_user_table_next(&it, &k, &v) == false && it.broken);
	free(t);
}

/* Thin jails: template, template_mode, template_dir. */
static void template_keys(void **state)
{
	struct cj_policy p;

	(void)state;
	assert_int_equal(parse("[cgijail]\n"), CJ_OK);
	assert_string_equal(cfg.defaults.template_name, "");
	assert_false(cfg.defaults.template_link);
	assert_int_equal(parse("[cgijail]\ntemplate_dir = /srv/templates\nnamespaces = pid,mount\n"
			       "template = python3-2026\n[user:bob]\ntemplate = none\n"
			       "[user:carol]\ntemplate = perl\ntemplate_mode = link\nnamespaces = none\n"),
			 CJ_OK);
	assert_string_equal(cfg.template_dir, "/srv/templates");
	assert_string_equal(cfg.defaults.template_name, "python3-2026");
	assert_int_equal(cj_policy_for_user(&cfg, "bob", &p), 0);
	assert_string_equal(p.template_name, "");
	assert_int_equal(cj_policy_for_user(&cfg, "carol", &p), 0);
	assert_string_equal(p.template_name, "perl");
	assert_true(p.template_link);
	expect_value_error("[cgijail]\ntemplate = Python\n", "not none or a template name");
	expect_value_error("[cgijail]\ntemplate = ../etc\n", "not none or a template name");
	expect_value_error("[cgijail]\ntemplate = a/b\n", "not none or a template name");
	expect_value_error("[cgijail]\ntemplate_mode = copy\n", "template_mode 'copy' is not link or bind");
	expect_value_error("[cgijail]\ntemplate_dir = relative\n", "absolute");
	expect_value_error("[user:bob]\ntemplate_dir = /x\n", "unknown key 'template_dir'");
	expect_value_error("[cgijail]\ntemplate = py\n", "template_mode = bind needs namespaces = pid,mount");
	expect_value_error("[cgijail]\nnamespaces = pid,mount\n[user:bob]\ntemplate = py\nnamespaces = pid\n",
			   "[user:bob] template = py with template_mode = bind needs namespaces");
	assert_int_equal(parse("[cgijail]\ntemplate = py\ntemplate_mode = link\n"), CJ_OK);
}

static void overlong_values_are_refused(void **state)
{
	char text[1200];

	(void)state;
	snprintf(text, sizeof text, "[cgijail]\ncaller = %0900d\n", 7);
	assert_int_equal(parse(text), CJ_CONFIG_VALUE);
	assert_non_null(strstr(why, "longer than"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(defaults_are_safe, teardown),
		cmocka_unit_test_teardown(full_file, teardown),
		cmocka_unit_test_teardown(user_sections_override, teardown),
		cmocka_unit_test_teardown(policy_of_copies_only_for_a_section, teardown),
		cmocka_unit_test_teardown(syntax_error_names_the_line, teardown),
		cmocka_unit_test_teardown(bad_values_are_refused, teardown),
		cmocka_unit_test_teardown(defence_keys, teardown),
		cmocka_unit_test_teardown(script_exec_per_user, teardown),
		cmocka_unit_test_teardown(check_modules_per_user, teardown),
		cmocka_unit_test_teardown(supplementary_groups_per_user, teardown),
		cmocka_unit_test_teardown(overlong_values_are_refused, teardown),
		cmocka_unit_test_teardown(user_sections_match_exactly, teardown),
		cmocka_unit_test_teardown(configs_that_escape_are_refused, teardown),
		cmocka_unit_test_teardown(user_policy_fails_closed, teardown),
		cmocka_unit_test_teardown(many_user_sections, teardown),
		cmocka_unit_test_teardown(user_table_read_back, teardown),
		cmocka_unit_test_teardown(user_section_opened_twice, teardown),
		cmocka_unit_test_teardown(template_keys, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
