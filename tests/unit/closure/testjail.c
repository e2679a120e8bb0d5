/* Temporary jails for tests: see testjail.h. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testjail.h"

#ifndef CL_FIXTURES
#define CL_FIXTURES "."
#endif

int tj_create(struct tjail *j)
{
	snprintf(j->root, sizeof j->root, "/tmp/cl-test-XXXXXX");
	if (!mkdtemp(j->root))
		return -1;
	chmod(j->root, 0755);
	j->fd = open(j->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return j->fd < 0 ? -1 : 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void tj_destroy(struct tjail *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	if (j->root[0])
		nftw(j->root, rm_one, 32, FTW_DEPTH | FTW_PHYS);
	j->root[0] = '\0';
}

static void host_path(const struct tjail *j, const char *path, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", j->root, path[0] == '/' ? path + 1 : path);
}

int tj_mkdirs(struct tjail *j, const char *path)
{
	char buf[PATH_MAX];

	host_path(j, path, buf, sizeof buf);
	for (char *p = buf + strlen(j->root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int make_parent(struct tjail *j, const char *path, char *out, size_t len)
{
	char parent[PATH_MAX];
	char *slash;

	snprintf(parent, sizeof parent, "%s", path);
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (tj_mkdirs(j, parent) < 0)
			return -1;
	}
	host_path(j, path, out, len);
	unlink(out);
	return 0;
}

int tj_copy(struct tjail *j, const char *src, const char *path, unsigned mode)
{
	char dst[PATH_MAX], buf[65536];
	int in, out, rc = 0;
	ssize_t n;

	if (make_parent(j, path, dst, sizeof dst) < 0)
		return -1;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			rc = -1;
	if (n < 0 || fchmod(out, mode) < 0)
		rc = -1;
	close(in);
	close(out);
	return rc;
}

int tj_symlink(struct tjail *j, const char *target, const char *path)
{
	char dst[PATH_MAX];

	if (make_parent(j, path, dst, sizeof dst) < 0)
		return -1;
	return symlink(target, dst);
}

int tj_write(struct tjail *j, const char *path, const char *text, unsigned mode)
{
	char dst[PATH_MAX];
	int fd, rc;

	if (make_parent(j, path, dst, sizeof dst) < 0)
		return -1;
	fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	rc = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;
	if (fchmod(fd, mode) < 0)
		rc = -1;
	close(fd);
	return rc;
}

int tj_elf(struct tjail *j, const char *path, const struct elfgen *g, unsigned mode)
{
	char dst[PATH_MAX];

	if (make_parent(j, path, dst, sizeof dst) < 0)
		return -1;
	return elfgen_write(g, dst, mode);
}

int tj_unlink(struct tjail *j, const char *path)
{
	char dst[PATH_MAX];

	host_path(j, path, dst, sizeof dst);
	return unlink(dst);
}

int tj_base(struct tjail *j)
{
	static const char *const libs[] = { "libc.so.6", "ld-linux-x86-64.so.2" };

	for (size_t i = 0; i < 2; i++) {
		char src[128], dst[128];

		snprintf(src, sizeof src, "/lib/x86_64-linux-gnu/%s", libs[i]);
		snprintf(dst, sizeof dst, "/lib/x86_64-linux-gnu/%s", libs[i]);
		if (tj_copy(j, src, dst, 0755) < 0)
			return -1;
	}
	return tj_symlink(j, "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
			  "/lib64/ld-linux-x86-64.so.2");
}

const char *tj_fixture(const char *name)
{
	static char buf[PATH_MAX];
	const char *dir = getenv("CL_FIXTURES");

	snprintf(buf, sizeof buf, "%s/%s", dir ? dir : CL_FIXTURES, name);
	return buf;
}

int tj_check(struct tjail *j, struct cl_options *opt, const char *path, struct cl_report *rep)
{
	opt->root_fd = j->fd;
	return cl_check(opt, path, -1, rep);
}

static bool contains(const char *s, const char *sub)
{
	return !sub || strstr(s, sub);
}

bool tj_has(const struct cl_report *rep, enum cl_kind kind, const char *object,
	    const char *detail)
{
	for (size_t i = 0; i < rep->n_problems; i++) {
		const struct cl_problem *p = &rep->problems[i];

		if (p->kind == kind && contains(p->object, object) && contains(p->detail, detail))
			return true;
	}
	return false;
}

bool tj_checked(const struct cl_report *rep, const char *path)
{
	for (size_t i = 0; i < rep->n_checked; i++)
		if (strcmp(rep->checked[i], path) == 0)
			return true;
	return false;
}

void tj_dump(const struct cl_report *rep)
{
	for (size_t i = 0; i < rep->n_checked; i++)
		fprintf(stderr, "# checked %s\n", rep->checked[i]);
	for (size_t i = 0; i < rep->n_problems; i++)
		fprintf(stderr, "# %s: %s needed by %s: %s\n", cl_kind_name(rep->problems[i].kind),
			rep->problems[i].object, rep->problems[i].needed_by,
			rep->problems[i].detail);
}
