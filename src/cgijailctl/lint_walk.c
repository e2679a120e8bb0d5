/* The CGIs of a site (see lint.h): names and modes only, read as root
 * (readdir, fstatat), as audit reads a jail; no file is opened or parsed
 * here. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cj_exit.h"
#include "lint.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a > b && strcmp(s + a - b, suffix) == 0;
}

static bool is_cgi(const char *name, const struct stat *st, bool in_cgi_bin)
{
	static const char *const handled[] = { ".cgi", ".pl", ".py", ".rb", ".sh", ".fcgi" };

	if (S_ISDIR(st->st_mode) || strncmp(name, ".ht", 3) == 0)
		return false;
	if (in_cgi_bin)
		return true;
	for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++)
		if (ends_with(name, handled[i]))
			return true;
	return ends_with(name, ".php") && S_ISREG(st->st_mode) && (st->st_mode & 0111);
}

static int add_cgi(struct lint_user *u, const char *dir, const char *name, const struct stat *st,
		   const struct stat *dir_st, const char *site_kind)
{
	struct lint_cgi *c;

	if (u->n == u->cap) {
		size_t ncap = u->cap ? u->cap * 2 : 32;

		c = realloc(u->cgis, ncap * sizeof *c);
		if (!c)
			return -1;
		u->cgis = c;
		u->cap = ncap;
	}
	c = &u->cgis[u->n];
	memset(c, 0, sizeof *c);
	c->name = strdup(name);
	if (!c->name || asprintf(&c->path, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", name) < 0) {
		free(c->name);
		return -1;
	}
	c->site = site_kind;
	c->st = *st;
	c->dir_st = *dir_st;
	c->code = CJ_OK;
	u->n++;
	return 0;
}

struct site_walk {
	struct lint_user *u;
	const char *kind;
};

static int walk_dir(struct site_walk *w, int fd, const char *path, bool in_cgi_bin, int depth);

static int walk_entry(struct site_walk *w, DIR *d, const struct stat *dir_st, const char *path,
		      const char *name, bool in_cgi_bin, int depth)
{
	struct stat st;
	char *child;
	int sub, rc;

	if (++w->u->entries > LINT_MAX_ENTRIES) {
		snprintf(w->u->error, sizeof w->u->error, "more than %d entries below %s",
			 LINT_MAX_ENTRIES, path);
		return -1;
	}
	if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return is_cgi(name, &st, in_cgi_bin) ?
		       add_cgi(w->u, path, name, &st, dir_st, w->kind) : 0;
	if (depth >= LINT_MAX_DEPTH)
		return 0;
	sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return 0;
	if (asprintf(&child, "%s%s%s", path, strcmp(path, "/") ? "/" : "", name) < 0) {
		close(sub);
		return -1;
	}
	rc = walk_dir(w, sub, child, in_cgi_bin || strcmp(name, "cgi-bin") == 0, depth + 1);
	free(child);
	return rc;
}

/* Walk the directory FD (consumed) at PATH. */
static int walk_dir(struct site_walk *w, int fd, const char *path, bool in_cgi_bin, int depth)
{
	struct stat dir_st;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (fstat(fd, &dir_st) < 0 || !(d = fdopendir(fd))) {
		close(fd);
		return 0;
	}
	while (rc == 0 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			rc = walk_entry(w, d, &dir_st, path, de->d_name, in_cgi_bin, depth);
	closedir(d);
	return rc;
}

int lint_walk_site(struct lint_user *u, const char *site, const char *site_kind)
{
	struct site_walk w = { u, site_kind };
	const char *last = strrchr(site, '/');
	int fd = open(site, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(u->error, sizeof u->error, "%s: %s", site, strerror(errno));
		return -1;
	}
	if (walk_dir(&w, fd, site, last && strcmp(last + 1, "cgi-bin") == 0, 0) < 0) {
		if (!u->error[0])
			snprintf(u->error, sizeof u->error, "%s: %s", site, strerror(ENOMEM));
		return -1;
	}
	return 0;
}

void lint_user_free(struct lint_user *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->cgis[i].path);
		free(u->cgis[i].name);
		free(u->cgis[i].reason);
		strlist_free(&u->cgis[i].problems);
	}
	free(u->cgis);
	u->cgis = NULL;
	u->n = u->cap = 0;
}
