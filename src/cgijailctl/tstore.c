/* The template store: see tstore.h. */
#include "tstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cj_build.h"
#include "config.h"
#include "jailfs.h"
#include "jails.h"
#include "safepath.h"

static int template_dir_of(const char *config, char *out, size_t len, char *why, size_t whylen)
{
	struct cj_config cfg;
	char reason[512];
	int rc = 0;

	if (!config)
		config = jails_default_config();
	if (access(config, F_OK) < 0 && errno == ENOENT) {
		snprintf(out, len, "%s", CJ_TEMPLATE_DIR);
		return 0;
	}
	if (cj_config_parse(&cfg, config, reason, sizeof reason) != 0) {
		snprintf(why, whylen, "%s: %s", config, reason);
		rc = -1;
	} else {
		snprintf(out, len, "%s", cfg.template_dir);
	}
	cj_config_free(&cfg);
	return rc;
}

/* mkdir -p, root 0755, for the missing components of absolute PATH. */
static int make_dirs(const char *path)
{
	char buf[4096];

	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -1;
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = c;
		if (!c)
			return 0;
	}
}

int tstore_open(struct tstore *s, const char *config, bool create, char *why, size_t len)
{
	s->fd = -1;
	if (template_dir_of(config, s->path, sizeof s->path, why, len) < 0)
		return -1;
	if (create && make_dirs(s->path) < 0) {
		snprintf(why, len, "%s: %s", s->path, strerror(errno));
		return -1;
	}
	s->fd = open_root_owned_path(s->path, O_PATH | O_DIRECTORY, why, len);
	return s->fd < 0 ? -1 : 0;
}

void tstore_close(struct tstore *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* Root-owned, not group/other-writable, a directory: what cgijail requires. */
static bool safe_dir(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == 0 &&
	       !(st.st_mode & (S_IWGRP | S_IWOTH));
}

int tstore_template(const struct tstore *s, const char *name, bool create, char *why, size_t len)
{
	int fd;

	if (!cj_template_name_ok(name)) {
		snprintf(why, len, "'%s' is not a template name (a-z, 0-9, '.', '_', '-')", name);
		return -1;
	}
	if (create && mkdirat(s->fd, name, 0755) < 0 && errno != EEXIST) {
		snprintf(why, len, "%s/%s: %s", s->path, name, strerror(errno));
		return -1;
	}
	fd = openat(s->fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s/%s: %s", s->path, name,
			 errno == ENOENT ? "no such template" : strerror(errno));
		return -1;
	}
	if (!safe_dir(fd)) {
		snprintf(why, len, "%s/%s is not a root-owned directory that only root can write",
			 s->path, name);
		close(fd);
		return -1;
	}
	return fd;
}

int tstore_current(int tfd, char *gen, size_t len, char *why, size_t whylen)
{
	ssize_t n = readlinkat(tfd, "current", gen, len - 1);

	if (n < 0 && errno == ENOENT)
		return 0;
	if (n < 0) {
		snprintf(why, whylen, "current: %s", strerror(errno));
		return -1;
	}
	gen[n] = '\0';
	if (!cj_template_gen_ok(gen)) {
		snprintf(why, whylen, "current -> %s: not a generation", gen);
		return -1;
	}
	return 1;
}

char *tstore_read(int tfd, const char *gen, const char *file, size_t max)
{
	char name[TSTORE_GEN_MAX + 64], *buf;
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(name, sizeof name, "%s/%s", gen, file);
	fd = openat(tfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) || (size_t)st.st_size > max ||
	    !(buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return NULL;
	}
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

bool tstore_verified(int tfd, const char *gen)
{
	char *v = tstore_read(tfd, gen, "verdict", (size_t)64 * 1024);
	bool ok = v && !strncmp(v, "ok\n", 3);

	free(v);
	return ok;
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of DIRFD's entries that PICK accepts, sorted. */
static int list_dir(int dirfd, bool (*pick)(const char *), struct strlist *out)
{
	DIR *d = jfs_opendir(dirfd);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (pick(e->d_name) && strlist_add(out, e->d_name) < 0)
			rc = -1;
	closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof *out->v, compare);
	return rc;
}

static bool any_entry(const char *name)
{
	return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

int tstore_entries(int dirfd, struct strlist *names)
{
	return list_dir(dirfd, any_entry, names);
}

int tstore_generations(int tfd, struct strlist *gens)
{
	return list_dir(tfd, cj_template_gen_ok, gens);
}

int tstore_templates(const struct tstore *s, struct strlist *names)
{
	return list_dir(s->fd, cj_template_name_ok, names);
}

void tstore_new_gen(char *gen, size_t len)
{
	unsigned short r = 0;
	struct tm tm;
	time_t now = time(NULL);

	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		r = (unsigned short)getpid();
	gmtime_r(&now, &tm);
	snprintf(gen, len, "g%04d%02d%02dT%02d%02d%02dZ-%04x", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, r);
}

int tstore_switch(int tfd, const char *gen)
{
	int dfd;

	(void)unlinkat(tfd, ".current.tmp", 0);
	if (symlinkat(gen, tfd, ".current.tmp") < 0)
		return -1;
	if (renameat(tfd, ".current.tmp", tfd, "current") < 0) {
		(void)unlinkat(tfd, ".current.tmp", 0);
		return -1;
	}
	dfd = openat(tfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
}

static int remove_below(int dirfd, dev_t dev)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		close(dirfd);
		return -1;
	}
	while ((e = readdir(d))) {
		struct stat st;
		int sub;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = -1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (unlinkat(dirfd, e->d_name, 0) < 0)
				rc = -1;
			continue;
		}
		if (st.st_dev != dev) {
			errno = EXDEV;
			rc = -1;
			continue;
		}
		sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 || remove_below(sub, dev) < 0 || unlinkat(dirfd, e->d_name, AT_REMOVEDIR) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int tstore_remove_tree(int dirfd, const char *name)
{
	struct stat st;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || remove_below(fd, st.st_dev) < 0)
		return -1;
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}
