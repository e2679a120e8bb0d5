/* --deep: the extension modules an interpreter dlopen()s at run time.
 *
 *   python3.X  the .so files in /usr/lib/python3.X/lib-dynload, and those
 *              below /usr/local/lib/python3.X/dist-packages and
 *              /usr/lib/python3/dist-packages (Debian's sys.path) that this
 *              Python would import (no "cpython-3Y" tag of another version)
 *   perl       the XS modules: the .so files below the auto/ directory of
 *              each directory of @INC (where DynaLoader and XSLoader look),
 *              which is compiled into the program (or libperl): the paths
 *              in it that contain "perl"
 *   php        what its ini files enable (deep_php.c)
 *
 * Each is loaded as dlopen() from the interpreter would: its undefined
 * symbols may be found in the interpreter's link map or in its own closure.
 * Directories are read without following symlinks below the module
 * directory, to a bounded depth and number of files; each one read is in
 * the check's trace, so that a module added or removed there invalidates
 * a cached verdict.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cl_ctx.h"
#include "cl_modules.h"

#define MAX_MODULES 4096
#define MAX_DIRS 20000

struct finder {
	struct cl_ctx *ctx;
	char **paths;
	size_t n;
	size_t cap;
	size_t dirs_seen;
	const char *require;     /* a substring the path must contain, or NULL */
	char python_tag[32];     /* ".cpython-3X-" or "" */
	const char *triplet;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static bool wanted(const struct finder *fd, const char *path, const char *name)
{
	if (!ends_with(name, ".so"))
		return false;
	if (fd->require && !strstr(path, fd->require))
		return false;
	if (fd->python_tag[0] && strstr(name, ".cpython-") &&
	    (!strstr(name, fd->python_tag) || !strstr(name, fd->triplet)))
		return false;
	return true;
}

static void add_path(struct finder *fd, const char *path)
{
	char *copy;

	if (fd->n == MAX_MODULES)
		return;
	if (fd->n == fd->cap) {
		size_t ncap = fd->cap ? fd->cap * 2 : 64;
		char **p = realloc(fd->paths, ncap * sizeof *p);

		if (!p) {
			fd->ctx->oom = true;
			return;
		}
		fd->paths = p;
		fd->cap = ncap;
	}
	copy = cl_strdup(fd->ctx, path);
	if (copy)
		fd->paths[fd->n++] = copy;
}

static unsigned char entry_type(int dirfd, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type;
	if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG :
	       S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
}

/* Read the directory DIRFD (canonical PATH inside the root); consumes DIRFD. */
static void scan(struct finder *fd, int dirfd, const char *path, int depth)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;

	if (!d) {
		close(dirfd);
		return;
	}
	while ((de = readdir(d)) && fd->n < MAX_MODULES && !fd->ctx->oom) {
		unsigned char type;
		char *child;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		type = entry_type(dirfd, de);
		child = cl_printf(fd->ctx, "%s/%s", strcmp(path, "/") ? path : "", de->d_name);
		if (!child)
			break;
		if (type == DT_DIR && depth > 0 && ++fd->dirs_seen < MAX_DIRS) {
			int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				cl_trace_note_fd(fd->ctx->trace, child, sub);
				scan(fd, sub, child, depth - 1);
			}
		} else if ((type == DT_REG || type == DT_LNK) && wanted(fd, child, de->d_name)) {
			add_path(fd, child);
		}
		free(child);
	}
	closedir(d);
}

/* Scan DIR (a path inside the root) to DEPTH levels of subdirectories. */
static void scan_dir(struct finder *fd, const char *dir, int depth)
{
	struct cl_walk *w = malloc(sizeof *w);
	int dirfd;

	if (!w) {
		fd->ctx->oom = true;
		return;
	}
	if (cl_ctx_walk(fd->ctx, -1, NULL, dir, 0, w) == CL_WALK_OK) {
		dirfd = S_ISDIR(w->st.st_mode) ? openat(w->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		close(w->fd);
		if (dirfd >= 0)
			scan(fd, dirfd, w->path, depth);
	}
	free(w);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "python3.X": X; false for any other name. */
static bool python_minor(const char *base, unsigned *minor)
{
	char *end;
	unsigned long v;

	if (strncmp(base, "python3.", 8) != 0 || !isdigit((unsigned char)base[8]))
		return false;
	v = strtoul(base + 8, &end, 10);
	if (*end != '\0' || v > 999)
		return false;
	*minor = (unsigned)v;
	return true;
}

/* Perl's @INC: the directories compiled into the program or libperl. */
struct inc_dirs {
	struct cl_ctx *ctx;
	char *v[CL_PATH_STRINGS_MAX];
	size_t n;
};

static void note_inc(const char *s, size_t len, void *arg)
{
	struct inc_dirs *inc = arg;
	char *dir;

	if (inc->n == CL_PATH_STRINGS_MAX)
		return;
	dir = cl_printf(inc->ctx, "%.*s", (int)len, s);
	for (size_t i = 0; dir && i < inc->n; i++)
		if (strcmp(inc->v[i], dir) == 0) {
			free(dir);
			return;
		}
	if (dir)
		inc->v[inc->n++] = dir;
}

static void find_perl_modules(struct finder *fd, const struct cl_map *m)
{
	struct inc_dirs inc = { .ctx = fd->ctx };

	for (size_t i = 0; i < m->global.n; i++) {
		const struct cl_obj *o = m->global.v[i];
		const char *soname = o->elf->soname;

		if ((o == m->main || (soname && strncmp(soname, "libperl", 7) == 0)) && o->file->buf)
			cl_path_strings(o->file->buf, o->file->len, "perl", note_inc, &inc);
	}
	/* DynaLoader and XSLoader look for DIR/auto/MOD/PATH/MOD.so only. */
	fd->require = "/auto/";
	for (size_t i = 0; i < inc.n && !fd->ctx->oom; i++) {
		char *autodir = cl_printf(fd->ctx, "%s/auto", inc.v[i]);

		if (autodir)
			scan_dir(fd, autodir, 10);
		free(autodir);
	}
	for (size_t i = 0; i < inc.n; i++)
		free(inc.v[i]);
}

static void find_modules(struct finder *fd, const struct cl_map *m, const char *base)
{
	char dir[96];
	unsigned minor;

	if (python_minor(base, &minor)) {
		snprintf(fd->python_tag, sizeof fd->python_tag, ".cpython-3%u-", minor);
		snprintf(dir, sizeof dir, "/usr/lib/python3.%u/lib-dynload", minor);
		scan_dir(fd, dir, 0);
		snprintf(dir, sizeof dir, "/usr/local/lib/python3.%u/dist-packages", minor);
		scan_dir(fd, dir, 8);
		scan_dir(fd, "/usr/lib/python3/dist-packages", 8);
	} else if (strcmp(base, "perl") == 0 || strncmp(base, "perl5", 5) == 0) {
		find_perl_modules(fd, m);
	}
}

/* The working directory of a program run for a #! script: the script's
 * own directory, where cgijail runs it. */
static char *script_dir(struct cl_ctx *ctx, const struct cl_obj *main)
{
	return main->needed_by[0] == '/' ? cl_dirname(ctx, main->needed_by) : NULL;
}

void cl_check_deep(struct cl_map *m, const char *prog_canon)
{
	const char *slash = strrchr(prog_canon, '/'), *base = slash ? slash + 1 : prog_canon;
	struct finder fd = { .ctx = m->ctx, .triplet = m->hw->arch->triplet };

	if (strncmp(base, "php", 3) == 0) {
		char *cwd = script_dir(m->ctx, m->main);

		cl_deep_php(m, prog_canon, base, cwd);
		free(cwd);
		return;
	}
	find_modules(&fd, m, base);
	if (fd.n)
		qsort(fd.paths, fd.n, sizeof *fd.paths, cmp_str);
	for (size_t i = 0; i < fd.n; i++) {
		struct cl_need need = {
			.name = fd.paths[i],
			.loader = m->main,
			.needed_by = m->main->path,
			.missing_kind = CL_BAD_ELF,
			.dlopen = true,
		};

		if (!m->ctx->oom)
			cl_dlopen(m, &need);
		free(fd.paths[i]);
	}
	free(fd.paths);
}
