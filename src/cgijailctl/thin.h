/* Thin jails: a jail whose system files come from a template generation
 * (tstore.h) through one entry, /.template:
 *
 *   bind mode  /.template is an empty root-owned directory; cgijail mounts
 *              the current generation on it per request, read-only, in the
 *              CGI's private mount namespace.
 *   link mode  /.template is a symlink ".gens/GEN", switched by rename(2);
 *              /.gens/GEN is the generation's tree with the jail's own
 *              directories and every file a hard link into the store (so
 *              the store and the jail share one file system).
 *
 * and the "wiring": wherever the jail has no entry of a name the generation
 * has, a symlink to /.template/PATH (/usr, /bin, /etc/ld.so.cache...). The
 * jail's own files win; only root-owned directories are wired into. */
#ifndef CTL_THIN_H
#define CTL_THIN_H

#include <stdbool.h>
#include <stddef.h>

#include "strlist.h"

struct thin_result {
	struct strlist changed;   /* "made /usr -> /.template/usr", "removed ...", "linked ..." */
	size_t linked;            /* files hard-linked (link mode) */
};

/* Point the jail JAILFD at generation GEN (whose tree is GENROOT, an fd of
 * TDIR/NAME/GEN/root) in MODE (LINK: a farm and the symlink; else the mount
 * point), then wire it. Nothing of the old generation is removed here.
 * 0, or -1 with WHY (EXDEV: the store is on another file system). */
int thin_attach(int jailfd, int genroot, const char *gen, bool link, struct thin_result *r,
		char *why, size_t len);

/* Link mode: remove the farms of JAILFD's .gens but the current one. */
int thin_drop_old_farms(int jailfd, struct thin_result *r);

/* Link mode: the generation JAILFD's /.template points at (".gens/GEN"),
 * into GEN; 1, 0 when /.template is not such a symlink, -1 on error. */
int thin_linked_gen(int jailfd, char *gen, size_t len);

/* A thin jail's template, as the check sees it inside the jail
 * (cl_options.trusted): "/.gens/GEN" in link mode, "/.template" in bind
 * mode; "" for a jail that is not thin. */
void thin_trusted(int jailfd, char *out, size_t len);

/* Whether JAILFD is a thin jail (has /.template). */
bool thin_is_thin(int jailfd);

void thin_result_free(struct thin_result *r);

#endif
