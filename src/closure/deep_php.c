/* --deep for php: the extensions php loads at start, which its ini files
 * enable -- not every module on disk (a module no ini enables is never
 * loaded, and a missing library of one is no problem).
 *
 * How php-cgi finds its ini files (php 8.2, main/php_ini.c,
 * php_init_config), inside the root:
 *   - the search path: $PHPRC (cgijail never passes it), the working
 *     directory (not for the CLI), the directory of the program's real
 *     path, PHP_CONFIG_FILE_PATH (compiled in);
 *   - in it, the first "php-SAPI.ini" (php-cgi: php-cgi-fcgi.ini; php:
 *     php-cli.ini), else the first "php.ini";
 *   - then every "*.ini" of PHP_CONFIG_FILE_SCAN_DIR ($PHP_INI_SCAN_DIR is
 *     never passed), in byte order, each a regular file after symlinks.
 * The compiled-in directories are found among the paths in the program
 * (cl_path_strings): the scan directory is the one ending in "/conf.d" or
 * "/php.d", PHP_CONFIG_FILE_PATH its parent (Debian: /etc/php/8.2/cgi),
 * PHP_EXTENSION_DIR the one whose last component ends in the 8-digit
 * module API number (Debian: /usr/lib/php/20220829), unless an ini sets
 * extension_dir. Zend extensions load first, then the others, each with
 * dlopen(RTLD_GLOBAL): later ones may use what earlier ones define.
 * "extension=NAME" is EXT_DIR/NAME, or else EXT_DIR/NAME.so (ext/standard/dl.c).
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

#define MAX_SCANNED_INI 1024

struct php_dirs {
	char ext_dir[CL_PATH_STRING_MAX];
	char scan_dir[CL_PATH_STRING_MAX];
	char conf_dir[CL_PATH_STRING_MAX];
};

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* ".../20220829" or ".../no-debug-non-zts-20220829". */
static bool api_dir(const char *s, size_t len)
{
	if (len < 10)
		return false;
	for (size_t i = len - 8; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return s[len - 9] == '/' || s[len - 9] == '-';
}

static void note_php_string(const char *s, size_t len, void *arg)
{
	struct php_dirs *d = arg;

	if (!d->ext_dir[0] && api_dir(s, len))
		snprintf(d->ext_dir, sizeof d->ext_dir, "%.*s", (int)len, s);
	if (!d->scan_dir[0] && (ends_with(s, len, "/conf.d") || ends_with(s, len, "/php.d"))) {
		const char *slash = memrchr(s, '/', len);

		snprintf(d->scan_dir, sizeof d->scan_dir, "%.*s", (int)len, s);
		snprintf(d->conf_dir, sizeof d->conf_dir, "%.*s",
			 slash > s ? (int)(slash - s) : 1, s);
	}
}

static void read_ini(struct cl_map *m, struct cl_phpini *ini, struct cl_file *f, const char *path)
{
	if (f && f->buf && cl_phpini_parse(ini, f->buf, f->len, path) < 0)
		m->ctx->oom = true;
}

/* The first of DIRS[i]/NAME that is a regular file, read into INI. */
static bool search_ini(struct cl_map *m, struct cl_phpini *ini, const char *const *dirs, size_t n,
		       const char *name, struct cl_walk *w)
{
	for (size_t i = 0; i < n && !m->ctx->oom; i++) {
		char *path = cl_printf(m->ctx, "%s/%s", strcmp(dirs[i], "/") ? dirs[i] : "", name);
		struct cl_file *f = path ? cl_file_open(m->ctx, m->ctx->root_fd, path, w) : NULL;

		read_ini(m, ini, f, path);
		free(path);
		if (f)
			return true;
	}
	return false;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The "*.ini" names of DIR, sorted. */
static size_t scan_names(struct cl_map *m, const char *dir, char **names, struct cl_walk *w)
{
	size_t n = 0;
	int fd = -1;
	DIR *d;
	struct dirent *de;

	if (cl_ctx_walk(m->ctx, -1, NULL, dir, 0, w) != CL_WALK_OK)
		return 0;
	if (S_ISDIR(w->st.st_mode))
		fd = openat(w->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(w->fd);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((de = readdir(d)) && n < MAX_SCANNED_INI) {
		const char *dot = strrchr(de->d_name, '.');

		if (dot && strcmp(dot, ".ini") == 0 && (names[n] = cl_strdup(m->ctx, de->d_name)))
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_name);
	return n;
}

static void read_scan_dir(struct cl_map *m, struct cl_phpini *ini, const char *dir,
			  struct cl_walk *w)
{
	char **names = calloc(MAX_SCANNED_INI, sizeof *names);
	size_t n = names ? scan_names(m, dir, names, w) : 0;

	if (!names)
		m->ctx->oom = true;
	for (size_t i = 0; i < n; i++) {
		char *path = cl_printf(m->ctx, "%s/%s", dir, names[i]);

		if (path)
			read_ini(m, ini, cl_file_open(m->ctx, m->ctx->root_fd, path, w), path);
		free(path);
		free(names[i]);
	}
	free(names);
}

static bool is_file(struct cl_ctx *ctx, const char *path, struct cl_walk *w)
{
	bool reg = false;

	if (cl_ctx_walk(ctx, -1, NULL, path, 0, w) == CL_WALK_OK) {
		reg = S_ISREG(w->st.st_mode);
		close(w->fd);
	}
	return reg;
}

/* The file php loads for MOD, or NULL (reported) when there is none. */
static char *module_path(struct cl_map *m, const struct cl_php_module *mod, const char *ext_dir,
			 const char *cwd, struct cl_walk *w)
{
	const char *key = mod->zend ? "zend_extension" : "extension";
	char *path, *so;

	if (mod->name[0] == '/')
		return cl_strdup(m->ctx, mod->name);
	if (strchr(mod->name, '/'))
		return cwd ? cl_printf(m->ctx, "%s/%s", cwd, mod->name) : NULL;
	if (!ext_dir[0])
		return NULL;
	path = cl_printf(m->ctx, "%s/%s", ext_dir, mod->name);
	if (!path || is_file(m->ctx, path, w))
		return path;
	so = cl_printf(m->ctx, "%s.so", path);
	if (so && !is_file(m->ctx, so, w)) {
		cl_problem(m->ctx, CL_MISSING_LIBRARY, path, mod->ini,
			   "%s=%s: php finds neither %s nor %s", key, mod->name, path, so);
		free(so);
		so = NULL;
	}
	free(path);
	return so;
}

static void load_modules(struct cl_map *m, const struct cl_phpini *ini, const char *ext_dir,
			 const char *cwd, struct cl_walk *w)
{
	for (int zend = 1; zend >= 0; zend--) {
		for (size_t i = 0; i < ini->n && !m->ctx->oom; i++) {
			const struct cl_php_module *mod = &ini->mods[i];
			char *path;

			if (mod->zend != (bool)zend)
				continue;
			path = module_path(m, mod, ext_dir, cwd, w);
			if (path)
				cl_dlopen(m, &(struct cl_need){ .name = path, .loader = m->main,
						.needed_by = mod->ini, .missing_kind = CL_MISSING_LIBRARY,
						.dlopen = true, .global = true });
			free(path);
		}
	}
}

/* "cgi-fcgi" for php-cgi*, "cli" for php and phpX.Y, else NULL. */
static const char *sapi_of(const char *base)
{
	if (strncmp(base, "php-cgi", 7) == 0)
		return "cgi-fcgi";
	if (strncmp(base, "php", 3) == 0 && strspn(base + 3, "0123456789.") == strlen(base + 3))
		return "cli";
	return NULL;
}

/* extension_dir as php resolves it: a relative one from the working directory. */
static char *effective_ext_dir(struct cl_map *m, const struct cl_phpini *ini,
			       const struct php_dirs *d, const char *cwd)
{
	const char *dir = ini->extension_dir ? ini->extension_dir : d->ext_dir;

	if (dir[0] == '/' || !dir[0])
		return cl_strdup(m->ctx, dir);
	return cwd ? cl_printf(m->ctx, "%s/%s", cwd, dir) : cl_strdup(m->ctx, "");
}

void cl_deep_php(struct cl_map *m, const char *prog_canon, const char *base, const char *cwd)
{
	const char *sapi = sapi_of(base), *dirs[3];
	struct php_dirs d = { "", "", "" };
	struct cl_phpini ini = { 0 };
	char *bindir, *name, *ext_dir;
	struct cl_walk *w;
	size_t n = 0;

	if (!sapi || !m->main->file->buf)
		return;
	w = malloc(sizeof *w);
	if (!w) {
		m->ctx->oom = true;
		return;
	}
	cl_path_strings(m->main->file->buf, m->main->file->len, "php", note_php_string, &d);
	if (strcmp(sapi, "cli") == 0)
		cwd = NULL;
	bindir = cl_dirname(m->ctx, prog_canon);
	if (cwd)
		dirs[n++] = cwd;
	if (bindir)
		dirs[n++] = bindir;
	if (d.conf_dir[0])
		dirs[n++] = d.conf_dir;
	name = cl_printf(m->ctx, "php-%s.ini", sapi);
	if (name && !search_ini(m, &ini, dirs, n, name, w))
		search_ini(m, &ini, dirs, n, "php.ini", w);
	if (d.scan_dir[0])
		read_scan_dir(m, &ini, d.scan_dir, w);
	ext_dir = effective_ext_dir(m, &ini, &d, cwd);
	if (ext_dir)
		load_modules(m, &ini, ext_dir, cwd, w);
	free(ext_dir);
	free(bindir);
	free(name);
	cl_phpini_free(&ini);
	free(w);
}
