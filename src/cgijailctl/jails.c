#include "jails.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cj_build.h"
#include "config.h"
#include "strutil.h"

const char *jails_default_config(void)
{
	return CJ_CONFIG_PATH;
}

/* Each user cgijail would serve (uid >= min_uid, not root) with the path
 * of its jail (jail_root expanded, [user:NAME] applied) when that is an
 * existing directory; FN decides what to keep. */
typedef void (*jail_fn)(const char *path, const char *user, const struct cj_policy *pol, void *arg);

static void user_jail(const struct cj_config *cfg, const struct passwd *pw, jail_fn fn, void *arg)
{
	struct cj_policy pol;
	char path[4096];
	struct stat st;

	if (cj_policy_for_user(cfg, pw->pw_name, &pol) < 0 || !pol.jail_root[0] ||
	    expand_user_pattern(pol.jail_root, pw->pw_name, pw->pw_uid, path, sizeof path) < 0)
		return;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		fn(path, pw->pw_name, &pol, arg);
}

static int each_jail(const char *config, jail_fn fn, void *arg, char *why, size_t whylen)
{
	struct cj_config cfg;
	char reason[512];
	struct passwd *pw;

	if (cj_config_parse(&cfg, config, reason, sizeof reason) != 0) {
		snprintf(why, whylen, "%s: %s", config, reason);
		cj_config_free(&cfg);
		return -1;
	}
	setpwent();
	while ((pw = getpwent()))
		if (pw->pw_uid >= cfg.min_uid && pw->pw_uid != 0)
			user_jail(&cfg, pw, fn, arg);
	endpwent();
	cj_config_free(&cfg);
	return 0;
}

struct jail_lists {
	struct strlist *paths, *users;
};

/* Each jail once: a shared jail under its first user. */
static void add_first(const char *path, const char *user, const struct cj_policy *pol, void *arg)
{
	struct jail_lists *l = arg;

	(void)pol;
	if (strlist_has(l->paths, path))
		return;
	if (strlist_add(l->paths, path) == 0 && strlist_add(l->users, user) < 0)
		free(l->paths->v[--l->paths->n]);
}

int jails_from_config(const char *config, struct strlist *paths, struct strlist *users,
		      char *why, size_t whylen)
{
	struct jail_lists l = { paths, users };

	return each_jail(config, add_first, &l, why, whylen);
}

struct template_jails {
	const char *name;
	struct strlist *paths, *users, *modes;
};

/* The jails on one template, each once, with its mode. */
static void add_on_template(const char *path, const char *user, const struct cj_policy *pol, void *arg)
{
	struct template_jails *t = arg;

	if (strcmp(pol->template_name, t->name) != 0 || strlist_has(t->paths, path))
		return;
	if (strlist_add(t->paths, path) < 0)
		return;
	if (strlist_add(t->users, user) < 0 || strlist_add(t->modes, pol->template_link ? "link" : "bind") < 0) {
		free(t->paths->v[--t->paths->n]);
		if (t->users->n > t->paths->n)
			free(t->users->v[--t->users->n]);
	}
}

int jails_of_template(const char *config, const char *name, struct strlist *paths,
		      struct strlist *users, struct strlist *modes, char *why, size_t whylen)
{
	struct template_jails t = { name, paths, users, modes };

	return each_jail(config ? config : jails_default_config(), add_on_template, &t, why, whylen);
}

struct jail_match {
	struct stat root;
	struct strlist *users;
};

static void add_if_same(const char *path, const char *user, const struct cj_policy *pol, void *arg)
{
	struct jail_match *m = arg;
	struct stat st;

	(void)pol;
	if (stat(path, &st) == 0 && st.st_dev == m->root.st_dev && st.st_ino == m->root.st_ino)
		(void)strlist_add(m->users, user);
}

int jails_users_of(int rootfd, const char *config, struct strlist *users, char *why,
		   size_t whylen)
{
	struct jail_match m = { .users = users };

	if (!config) {
		config = jails_default_config();
		if (access(config, F_OK) < 0 && errno == ENOENT)
			return 0;
	}
	if (fstat(rootfd, &m.root) < 0) {
		snprintf(why, whylen, "the jail: %s", strerror(errno));
		return -1;
	}
	return each_jail(config, add_if_same, &m, why, whylen);
}

int jails_user_of(int rootfd, const char *config, char *user, size_t userlen, char *why,
		  size_t whylen)
{
	struct strlist users = { 0 };
	int found;

	if (jails_users_of(rootfd, config, &users, why, whylen) < 0)
		return -1;
	found = users.n > 0;
	if (found)
		snprintf(user, userlen, "%s", users.v[0]);
	strlist_free(&users);
	return found;
}
