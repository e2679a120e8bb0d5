/* The template store: generations of read-only system trees that thin
 * jails share (cgijailctl(8), TEMPLATES).
 *
 *   TDIR/NAME/current -> GEN     the current generation, switched by rename(2)
 *   TDIR/NAME/GEN/root/          the tree
 *   TDIR/NAME/GEN/spec           "profile P" lines and "deep yes|no": how to build it again
 *   TDIR/NAME/GEN/manifest       "DEV INO SIZE MTIME_NS CTIME_NS PATH" per host file copied
 *   TDIR/NAME/GEN/verdict        first line "ok": written last, when every check passed
 *   TDIR/NAME/.build-GEN/        a build in progress
 *
 * Every directory of the store is root-owned and not writable by group or
 * others (cgijail trusts what it finds there); a generation with a verdict
 * is never written again. */
#ifndef CTL_TSTORE_H
#define CTL_TSTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "strlist.h"
#include "tnames.h"

#define TSTORE_NAME_MAX CJ_TEMPLATE_NAME_MAX
#define TSTORE_GEN_MAX CJ_TEMPLATE_GEN_MAX

struct tstore {
	int fd;                 /* TDIR, O_PATH|O_DIRECTORY */
	char path[4096];
};

/* TDIR from CONFIG (NULL: the compiled-in config; its template_dir, or
 * the compiled-in default when the config does not exist). With CREATE,
 * missing directories are made root 0755. 0, or -1 with WHY. */
int tstore_open(struct tstore *s, const char *config, bool create, char *why, size_t len);
void tstore_close(struct tstore *s);

/* Template and generation names: cj_template_name_ok(), cj_template_gen_ok() (tnames.h). */

/* O_PATH fd of TDIR/NAME (made root 0755 with CREATE), checked root-owned
 * and not group/other-writable; -1 with WHY. */
int tstore_template(const struct tstore *s, const char *name, bool create, char *why, size_t len);

/* The current generation of the template TFD into GEN: 1, 0 when it has
 * none yet, -1 (WHY) when "current" is not a symlink to a valid name. */
int tstore_current(int tfd, char *gen, size_t len, char *why, size_t whylen);

/* Whether GEN of TFD has a verdict that says ok. */
bool tstore_verified(int tfd, const char *gen);

/* The generations of TFD (verified or not, never .build-*), oldest first. */
int tstore_generations(int tfd, struct strlist *gens);

/* Every entry of DIRFD but "." and "..", sorted. */
int tstore_entries(int dirfd, struct strlist *names);

/* Every template NAME of the store, sorted. */
int tstore_templates(const struct tstore *s, struct strlist *names);

/* A new generation name, later than every other (UTC time and random). */
void tstore_new_gen(char *gen, size_t len);

/* Make GEN the current generation of TFD: one rename(2), then fsync. */
int tstore_switch(int tfd, const char *gen);

/* The whole of FILE in TFD/GEN (e.g. "spec"), NUL-terminated, at most
 * MAX bytes, only when it is a root-owned regular file; NULL otherwise. */
char *tstore_read(int tfd, const char *gen, const char *file, size_t max);

/* Remove the directory tree NAME below DIRFD without following symlinks or
 * crossing into another file system. 0, or -1 with errno. */
int tstore_remove_tree(int dirfd, const char *name);

#endif
