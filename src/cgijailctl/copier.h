/* Copying host files into a jail at the same paths (populate, init,
 * upgrade). Symlinks met on the way are recreated as symlinks and followed
 * on the host; everything is written through jailfs (never following a
 * symlink out of the jail), root-owned, with the host's permission bits
 * (setuid and setgid bits dropped) and mtime. */
#ifndef CTL_COPIER_H
#define CTL_COPIER_H

#include <stdbool.h>
#include <stdio.h>

#include "strlist.h"
#include "unpriv.h"

struct copier {
	int rootfd;               /* the jail */
	const struct unpriv_user *as; /* whom the checks inside the jail run as (NULL: this process) */
	const char *jail;         /* its path on the host, for messages and ldconfig */
	bool deep;                /* closures include the interpreter's modules */
	struct strlist copied;    /* paths inside the jail that were written */
	struct strlist errors;    /* "PATH: reason" */
	struct strlist programs;  /* what copier_closure() was asked for */
	struct strlist seen;      /* paths copier_path() did already in this run */
	size_t identical;         /* files and links already as on the host */
	const struct strlist *exclude; /* fnmatch patterns for copier_tree() */
};

/* 0, or -1 (with a message on stderr) when JAIL cannot be opened. */
int copier_init(struct copier *c, const char *jail);
void copier_free(struct copier *c);

/* Copy host PATH (file, symlink chain, or a directory without its content). */
int copier_path(struct copier *c, const char *path);
/* Copy the host directory PATH and everything below it, except what
 * matches c->exclude. */
int copier_tree(struct copier *c, const char *path);
/* Copy the host program PATH and its closure: #! interpreters, loader,
 * libraries, and with c->deep the interpreter's extension modules. */
int copier_closure(struct copier *c, const char *path);
/* Copy the host libraries that PATH, a program already in the jail, needs
 * (PATH itself is read as c->as). */
int copier_libs_for(struct copier *c, const char *path);
/* Copy the NSS modules the jail's nsswitch.conf names but the jail lacks,
 * for the programs copied so far (found by a check in the jail, as c->as). */
int copier_nss(struct copier *c);
/* Copy host paths matching the glob PATTERN with copier_path (TREE false) or
 * copier_tree (TREE true); no match is not an error. */
int copier_glob(struct copier *c, const char *pattern, bool tree);
/* Rebuild the jail's /etc/ld.so.cache with the host's ldconfig -r, when
 * anything was copied or there is no cache. 0 ok, -1 failed. */
int copier_ldconfig(struct copier *c);
/* Remove the temporary files interrupted runs left in the directories
 * this run wrote to. Returns how many. */
int copier_sweep_temps(struct copier *c);
/* Check (as cgijail would, as c->as) every program copied: 0 all load,
 * 1 problems (in PROBLEMS), -1 could not check (an error in c->errors). */
int copier_verify(struct copier *c, struct strlist *problems);

void copier_error(struct copier *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
