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

/* Which jails to list: all, or those on one template (with its mode). */
struct jail_filter {
	const char *template_name;   /* NULL: every jail */
	struct strlist *modes;       /* "bind" or "link", per jail listed */
};

static void add_user_jail(const struct cj_config *cfg, const struct passwd *pw,
			  const struct jail_filter *f, struct strlist *paths, struct strlist *users)
{
	struct cj_policy pol;
	char path[4096];
	struct stat st;

	if (cj_policy_for_user(cfg, pw->pw_name, &pol) < 0 || !pol.jail_root[0] ||
	    expand_user_pattern(pol.jail_root, pw->pw_name, pw->pw_uid, path, sizeof path) < 0)
		return;
	if (f->template_name && strcmp(pol.template_name, f->template_name) != 0)
		return;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode) || strlist_has(paths, path))
		return;
	if (strlist_add(paths, path) < 0)
		return;
	if (strlist_add(users, pw->pw_name) < 0 ||
	    (f->modes && strlist_add(f->modes, pol.template_link ? "link" : "bind") < 0)) {
		free(paths->v[--paths->n]);
		if (users->n > paths->n)
			free(users->v[--users->n]);
	}
}

static int each_jail(const char *config, const struct jail_filter *f, struct strlist *paths,
		     struct strlist *users, char *why, size_t whylen)
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
			add_user_jail(&cfg, pw, f, paths, users);
	endpwent();
	cj_config_free(&cfg);
	return 0;
}

int jails_from_config(const char *config, struct strlist *paths, struct strlist *users,
		      char *why, size_t whylen)
{
	const struct jail_filter all = { NULL, NULL };

	return each_jail(config, &all, paths, users, why, whylen);
}

int jails_of_template(const char *config, const char *name, struct strlist *paths,
		      struct strlist *users, struct strlist *modes, char *why, size_t whylen)
{
	const struct jail_filter f = { name, modes };

	return each_jail(config ? config : jails_default_config(), &f, paths, users, why, whylen);
}

int jails_user_of(int rootfd, const char *config, char *user, size_t userlen, char *why,
		  size_t whylen)
{
	struct strlist paths = { 0 }, users = { 0 };
	struct stat root, st;
	int found = 0;

	if (!config) {
		config = jails_default_config();
		if (access(config, F_OK) < 0 && errno == ENOENT)
			return 0;
	}
	if (fstat(rootfd, &root) < 0) {
		snprintf(why, whylen, "the jail: %s", strerror(errno));
		return -1;
	}
	if (jails_from_config(config, &paths, &users, why, whylen) < 0)
		return -1;
	for (size_t i = 0; i < paths.n && i < users.n && !found; i++) {
		if (stat(paths.v[i], &st) == 0 && st.st_dev == root.st_dev && st.st_ino == root.st_ino) {
			snprintf(user, userlen, "%s", users.v[i]);
			found = 1;
		}
	}
	strlist_free(&paths);
	strlist_free(&users);
	return found;
}
