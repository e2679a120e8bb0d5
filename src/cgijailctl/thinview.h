/* A bind-mode thin jail as its CGI sees it.
 *
 * cgijail mounts the template's current generation on the jail's empty
 * /.template per request, in the CGI's private mount namespace; from the
 * host the directory is empty, so a check run from cgijailctl would find
 * every #! into /usr dangling. The checking child (checkas.h) mounts it the
 * same way -- read-only, nosuid, nodev, in a mount namespace of its own,
 * before it drops to the customer -- and checks what the CGI will find. */
#ifndef CTL_THINVIEW_H
#define CTL_THINVIEW_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct thinview {
	int tree;              /* the generation's tree, a detached read-only clone; -1: none */
	char jail[PATH_MAX];   /* reopened by this name in the child's namespace... */
	dev_t dev;             /* ...and required to be this directory */
	ino_t ino;
};

/* For the jail JAILFD (at JAIL): when it is a bind-mode thin jail (an
 * empty directory /.template) and NAME (its template, from the config) is
 * not empty, clone the current verified generation of NAME in
 * TEMPLATE_DIR. 1 when V holds a tree, 0 when there is nothing to mount
 * (V->tree = -1), -1 with WHY. */
int thinview_open(struct thinview *v, int jailfd, const char *jail, const char *template_dir,
		  const char *name, char *why, size_t len);

/* The same for the jail JAILFD (at JAIL) of USER (NULL: the customer
 * whose jail it is) in CONFIG (NULL: the compiled-in one): the template
 * that user's policy names (check --root). */
int thinview_for_jail(struct thinview *v, int jailfd, const char *jail, const char *config,
		      const char *user, char *why, size_t len);

/* In the checking child, as root, before the drop: a mount namespace of
 * its own, V's tree on the jail's /.template, and ROOTFD (the jail, opened
 * in the parent's namespace, where the mount is not seen) replaced by the
 * jail reopened in the new one. 0, or -1 with WHY. */
int thinview_enter(const struct thinview *v, int rootfd, char *why, size_t len);

void thinview_close(struct thinview *v);

#endif
