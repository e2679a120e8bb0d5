/* Temporary jails for the checker's tests: a directory under /tmp that
 * tests fill with host files, fixtures, generated ELF files and symlinks,
 * then remove. */
#ifndef TESTJAIL_H
#define TESTJAIL_H

#include <stdbool.h>

#include "closure.h"
#include "elfgen.h"

struct tjail {
	char root[256];
	int fd;   /* O_PATH of root */
};

int tj_create(struct tjail *j);
void tj_destroy(struct tjail *j);
/* All paths are inside the jail; parents are created. */
int tj_mkdirs(struct tjail *j, const char *path);
int tj_copy(struct tjail *j, const char *host_src, const char *path, unsigned mode);
int tj_symlink(struct tjail *j, const char *target, const char *path);
int tj_write(struct tjail *j, const char *path, const char *text, unsigned mode);
int tj_elf(struct tjail *j, const char *path, const struct elfgen *g, unsigned mode);
int tj_unlink(struct tjail *j, const char *path);
/* libc, the loader and the /lib64 symlink, as in a real jail. */
int tj_base(struct tjail *j);
/* The host path of a compiled fixture (see meson.build). */
const char *tj_fixture(const char *name);

/* Run cl_check on PATH in the jail with OPT (root_fd is filled in). */
int tj_check(struct tjail *j, struct cl_options *opt, const char *path, struct cl_report *rep);
/* A problem of KIND whose object and detail contain the given strings
 * (NULL: anything). */
bool tj_has(const struct cl_report *rep, enum cl_kind kind, const char *object,
	    const char *detail);
bool tj_checked(const struct cl_report *rep, const char *path);
/* Print the report (for failing tests). */
void tj_dump(const struct cl_report *rep);

#endif
