/* A bind-mode thin jail as its CGI sees it (thinview.h). What is mounted
 * is what cgijail mounts (src/cgijail/template.c): the generation "current"
 * names, only with a verdict "ok", read-only, nosuid, nodev. */
#include "thinview.h"
#include "config.h"
#include "jails.h"
#include "safepath.h"
#include "tstore.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MOUNT_POINT ".template"

/* An empty root-owned directory, not a link-mode symlink. */
static bool bind_mode(int jailfd)
{
	struct stat st;

	return fstatat(jailfd, MOUNT_POINT, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
	       st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH));
}

static int clone_tree(int tfd, const char *gen, char *why, size_t len)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
	char root[TSTORE_GEN_MAX + 8];
	int rfd, tree;

	snprintf(root, sizeof root, "%s/root", gen);
	rfd = openat(tfd, root, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rfd < 0) {
		snprintf(why, len, "generation %s: %s", gen, strerror(errno));
		return -1;
	}
	tree = open_tree(rfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	close(rfd);
	if (tree >= 0 && mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) == 0)
		return tree;
	snprintf(why, len, "cannot clone generation %s: %s", gen, strerror(errno));
	if (tree >= 0)
		close(tree);
	return -1;
}

int thinview_open(struct thinview *v, int jailfd, const char *jail, const char *template_dir,
		  const char *name, char *why, size_t len)
{
	char gen[TSTORE_GEN_MAX], reason[PATH_MAX + 128];
	struct stat st;
	int store, tfd;

	v->tree = -1;
	if (!name[0] || !bind_mode(jailfd) || fstat(jailfd, &st) < 0)
		return 0;
	snprintf(v->jail, sizeof v->jail, "%s", jail);
	v->dev = st.st_dev;
	v->ino = st.st_ino;
	store = open_root_owned_path(template_dir, O_PATH | O_DIRECTORY, reason, sizeof reason);
	tfd = store < 0 ? -1 : openat(store, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (store >= 0)
		close(store);
	if (tfd < 0) {
		snprintf(why, len, "template %s: %s", name, store < 0 ? reason : strerror(errno));
		return -1;
	}
	if (tstore_current(tfd, gen, sizeof gen, reason, sizeof reason) != 1 || !tstore_verified(tfd, gen))
		snprintf(why, len, "template %s has no current verified generation", name);
	else
		v->tree = clone_tree(tfd, gen, why, len);
	close(tfd);
	return v->tree < 0 ? -1 : 1;
}

int thinview_for_jail(struct thinview *v, int jailfd, const char *jail, const char *config,
		      const char *user, char *why, size_t len)
{
	static struct cj_config cfg;
	struct cj_policy pol;
	char customer[256], reason[1024];
	int rc;

	v->tree = -1;
	if (!bind_mode(jailfd))
		return 0;
	if (!config)
		config = jails_default_config();
	if (!user && jails_user_of(jailfd, config, customer, sizeof customer, reason, sizeof reason) == 1)
		user = customer;
	if (!user || access(config, F_OK) < 0)
		return 0;
	if (cj_config_parse(&cfg, config, reason, sizeof reason) != 0) {
		snprintf(why, len, "%s: %s", config, reason);
		cj_config_free(&cfg);
		return -1;
	}
	if (cj_policy_for_user(&cfg, user, &pol) < 0) {
		snprintf(why, len, "the policy of %s cannot be built", user);
		rc = -1;
	} else {
		rc = thinview_open(v, jailfd, jail, cfg.template_dir,
				   pol.template_link ? "" : pol.template_name, why, len);
	}
	cj_config_free(&cfg);
	return rc;
}

int thinview_enter(const struct thinview *v, int rootfd, char *why, size_t len)
{
	struct stat st;
	int fd;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		snprintf(why, len, "a mount namespace: %s", strerror(errno));
		return -1;
	}
	fd = open(v->jail, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != v->dev || st.st_ino != v->ino) {
		snprintf(why, len, "%s is no longer the jail that was opened", v->jail);
	} else if (move_mount(v->tree, "", fd, MOUNT_POINT, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		snprintf(why, len, "cannot mount the template on %s/%s: %s", v->jail, MOUNT_POINT,
			 strerror(errno));
	} else if (dup2(fd, rootfd) < 0) {
		snprintf(why, len, "dup2: %s", strerror(errno));
	} else {
		close(fd);
		return 0;
	}
	if (fd >= 0)
		close(fd);
	return -1;
}

void thinview_close(struct thinview *v)
{
	if (v->tree >= 0)
		close(v->tree);
	v->tree = -1;
}
