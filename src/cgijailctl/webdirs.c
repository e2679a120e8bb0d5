#include "webdirs.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "jailfs.h"
#include "jails.h"
#include "strutil.h"

struct webdirs {
	int rootfd;
	const char *jail;
	const struct passwd *pw;
	struct strlist *changed;
	size_t *unchanged;
};

static int make_one(struct webdirs *w, const char *path)
{
	char line[4200];
	int rc = jfs_ensure_dir(w->rootfd, path, 0755, w->pw->pw_uid, w->pw->pw_gid);

	if (rc < 0) {
		fprintf(stderr, "cgijailctl init: %s: %s: %s\n", path,
			errno == ELOOP ? "a symlink is on its way; refusing to give it to the customer"
				       : "cannot make the web directory in the jail", strerror(errno));
		return -1;
	}
	if (rc == 0) {
		(*w->unchanged)++;
		return 0;
	}
	snprintf(line, sizeof line, "%s %s", rc == 1 ? "created" : "fixed", path);
	return strlist_add(w->changed, line) < 0 ? -1 : 0;
}

/* HOST, a host path, inside the jail; NULL (and a note) when it is not. */
static const char *inside(const struct webdirs *w, const char *host, const char *what)
{
	const char *in = path_inside(host, w->jail);

	if (!in)
		fprintf(stderr, "cgijailctl init: note: %s %s of %s is not inside %s: "
			"no cgi-bin made for it\n", what, host, w->pw->pw_name, w->jail);
	return in;
}

/* The docroot's cgi-bin. A docroot made on the way is root's (as /var/www
 * is), like the vhost's DocumentRoot above it. */
static int docroot_cgi_bin(struct webdirs *w, const struct cj_policy *pol)
{
	char host[4096], path[4096];
	const char *in;

	if (expand_user_pattern(pol->docroot, w->pw->pw_name, w->pw->pw_uid, host, sizeof host) < 0) {
		fprintf(stderr, "cgijailctl init: docroot %s does not expand\n", pol->docroot);
		return -1;
	}
	in = inside(w, host, "the docroot");
	if (!in)
		return 0;
	if (format_checked(path, sizeof path, "%s/cgi-bin", strcmp(in, "/") != 0 ? in : "") < 0)
		return -1;
	return make_one(w, path);
}

/* USERDIR and USERDIR/cgi-bin in the home, the customer's. */
static int userdir_cgi_bin(struct webdirs *w, const char *userdir)
{
	char path[4096];
	const char *home = w->pw->pw_dir, *in;

	if (!home[0] || strcmp(home, "/") == 0)
		return 0;
	in = inside(w, home, "the home");
	if (!in || strcmp(in, "/") == 0)
		return 0;
	if (format_checked(path, sizeof path, "%s/%s", in, userdir) < 0 || make_one(w, path) < 0 ||
	    format_checked(path, sizeof path, "%s/%s/cgi-bin", in, userdir) < 0)
		return -1;
	return make_one(w, path);
}

int webdirs_make(int rootfd, const char *jail, const char *user, struct strlist *changed,
		 size_t *unchanged)
{
	struct webdirs w = { rootfd, jail, getpwnam(user), changed, unchanged };
	const char *config = jails_default_config();
	struct cj_config cfg;
	struct cj_policy pol;
	char why[512] = "its [user] section cannot be applied";
	int rc;

	if (!w.pw)
		return -1;
	/* Without a config, cgijail's defaults: only the userdir can be in a jail. */
	if (access(config, F_OK) < 0 && errno == ENOENT)
		return userdir_cgi_bin(&w, "public_html");
	if (cj_config_parse(&cfg, config, why, sizeof why) != 0 || cj_policy_for_user(&cfg, user, &pol) < 0) {
		fprintf(stderr, "cgijailctl init: %s: %s; the web directories were not made\n", config,
			why);
		cj_config_free(&cfg);
		return -1;
	}
	rc = docroot_cgi_bin(&w, &pol) | userdir_cgi_bin(&w, pol.userdir);
	cj_config_free(&cfg);
	return rc;
}
