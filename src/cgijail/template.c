/* Thin jails: the system files come from the current generation of a
 * template (cgijailctl(8), TEMPLATES), through the jail's /.template:
 *
 *   template_mode = bind  /.template is an empty directory; the generation
 *                         is mounted on it, read-only, nosuid, nodev, in the
 *                         CGI's private mount namespace (nothing reaches the
 *                         host's mount table);
 *   template_mode = link  /.template is a symlink to the jail's hard-link
 *                         copy of a generation, .gens/GEN.
 *
 * Either way the generation must be one whose verdict says its programs
 * were checked when it was built: what lies in it is trusted by the check
 * (cl_options.trusted), and only the customer's own files are checked per
 * request. The store is root's (every component root-owned, not writable by
 * others): it is read while root, before chroot, like the jail root. */
#include "cgijail.h"
#include "safepath.h"
#include "tnames.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MOUNT_POINT ".template"
#define FARMS ".gens/"

static bool root_only(int fd, mode_t type)
{
	struct stat st;

	return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == type && st.st_uid == 0 &&
	       !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* TDIR/NAME, every component root's. */
static int open_template_dir(struct request *rq)
{
	char why[PATH_MAX + 128];
	int store, fd;

	store = open_root_owned_path(rq->cfg.template_dir, O_PATH | O_DIRECTORY, why, sizeof why);
	if (store < 0)
		refuse(rq, CJ_TEMPLATE, "template_dir: %s", why);
	fd = openat(store, rq->pol->template_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(store);
	if (fd < 0 || !root_only(fd, S_IFDIR))
		refuse(rq, CJ_TEMPLATE, "%s/%s: %s", rq->cfg.template_dir, rq->pol->template_name,
		       fd < 0 ? strerror(errno) : "not a root-owned directory only root can write");
	return fd;
}

/* GEN of the template TFD, only when its verdict says it passed. */
static int open_verified_generation(struct request *rq, int tfd)
{
	char verdict[3];
	int gfd, vfd;

	gfd = openat(tfd, rq->template_gen, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	vfd = gfd < 0 ? -1 : openat(gfd, "verdict", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (vfd < 0 || !root_only(vfd, S_IFREG) || read(vfd, verdict, sizeof verdict) != sizeof verdict ||
	    memcmp(verdict, "ok\n", sizeof verdict) != 0)
		refuse(rq, CJ_TEMPLATE, "%s/%s/%s is not a verified generation (no verdict \"ok\"): "
		       "cgijailctl template build %s", rq->cfg.template_dir, rq->pol->template_name,
		       rq->template_gen, rq->pol->template_name);
	close(vfd);
	return gfd;
}

/* bind: "current" in the store names the generation; the jail has the
 * mount point. Its tree is cloned now, while we are in the host's mount
 * namespace where it lies, and attached in the CGI's (mount_template). */
static void prepare_bind(struct request *rq, int tfd)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
	struct stat st;
	ssize_t n = readlinkat(tfd, "current", rq->template_gen, sizeof rq->template_gen - 1);
	int gfd, root;

	if (n < 0 || (rq->template_gen[n] = '\0', !cj_template_gen_ok(rq->template_gen)))
		refuse(rq, CJ_TEMPLATE, "template %s has no current generation: cgijailctl template build %s",
		       rq->pol->template_name, rq->pol->template_name);
	if (fstatat(rq->jail_fd, MOUNT_POINT, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		refuse(rq, CJ_TEMPLATE, "%s/%s is not a root-owned directory to mount the template on: "
		       "cgijailctl init --root %s --template %s", rq->jail, MOUNT_POINT, rq->jail,
		       rq->pol->template_name);
	gfd = open_verified_generation(rq, tfd);
	root = openat(gfd, "root", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(gfd);
	if (root < 0)
		refuse(rq, CJ_TEMPLATE, "%s/%s/%s/root: %s", rq->cfg.template_dir, rq->pol->template_name,
		       rq->template_gen, strerror(errno));
	rq->template_tree = open_tree(root, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	close(root);
	if (rq->template_tree < 0 ||
	    mount_setattr(rq->template_tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
		refuse(rq, CJ_TEMPLATE, "cannot clone the template's tree: %s", strerror(errno));
}

/* link: the jail's /.template -> .gens/GEN names the generation. */
static void prepare_link(struct request *rq, int tfd)
{
	char target[sizeof rq->template_gen + sizeof FARMS];
	ssize_t n = readlinkat(rq->jail_fd, MOUNT_POINT, target, sizeof target - 1);

	if (n < 0 || (target[n] = '\0', strncmp(target, FARMS, strlen(FARMS)) != 0) ||
	    !cj_template_gen_ok(target + strlen(FARMS)))
		refuse(rq, CJ_TEMPLATE, "%s/%s is not a symlink to %sGEN: cgijailctl init --root %s "
		       "--template %s --template-mode link", rq->jail, MOUNT_POINT, FARMS, rq->jail,
		       rq->pol->template_name);
	snprintf(rq->template_gen, sizeof rq->template_gen, "%s", target + strlen(FARMS));
	close(open_verified_generation(rq, tfd));
}

void open_template(struct request *rq)
{
	int tfd;

	rq->template_tree = -1;
	if (!rq->pol->template_name[0])
		return;
	if (rq->jail_fd < 0)
		refuse(rq, CJ_TEMPLATE, "template %s needs a jail (jail_root)", rq->pol->template_name);
	tfd = open_template_dir(rq);
	if (rq->pol->template_link)
		prepare_link(rq, tfd);
	else
		prepare_bind(rq, tfd);
	close(tfd);
	if (rq->pol->template_link)
		snprintf(rq->trusted, sizeof rq->trusted, "/%s%s", FARMS, rq->template_gen);
	else
		snprintf(rq->trusted, sizeof rq->trusted, "/%s", MOUNT_POINT);
	passed(rq, "template", "%s, generation %s, verified (%s)", rq->pol->template_name, rq->template_gen,
	       rq->pol->template_link ? "hard links in the jail" : "mounted read-only per request");
}

/* In the CGI's mount namespace, on the jail reopened there: the clone of
 * the generation onto /.template. */
void mount_template(struct request *rq)
{
	if (rq->template_tree < 0)
		return;
	if (move_mount(rq->template_tree, "", rq->jail_fd, MOUNT_POINT, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		refuse(rq, CJ_TEMPLATE, "cannot mount template %s on %s/%s: %s", rq->pol->template_name,
		       rq->jail, MOUNT_POINT, strerror(errno));
	close(rq->template_tree);
	rq->template_tree = -1;
}
