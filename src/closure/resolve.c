/* The loader's search for a needed object, inside the root, following
 * glibc 2.36's _dl_map_object() for a program run without LD_LIBRARY_PATH:
 *
 *   a name with a '/' is a path (dynamic string tokens expanded);
 *   otherwise: DT_RPATH of the needing object and of its loaders, then of
 *   the executable (only when the needing object has no DT_RUNPATH), then
 *   DT_RUNPATH of the needing object, then /etc/ld.so.cache, then the
 *   system directories (the last two not when DF_1_NODEFLIB says so).
 *
 * Each directory is tried with the hwcaps subdirectories first. A candidate
 * of another class or machine is skipped; a malformed one stops the search,
 * as it stops the loader. Objects are deduplicated like the link map: by
 * the names they were requested under, their soname, and their inode.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cl_ctx.h"

#define MAX_DIR_FDS 256     /* directories kept open per check */

struct cl_dir {
	enum cl_walk_status status;
	int fd;
	char *path;
	char *link;
	char *target;
};

enum verdict { SKIP, FOUND, FATAL };

struct search {
	struct cl_map *m;
	struct cl_ctx *ctx;
	const struct cl_need *need;
	struct cl_file *file;      /* FOUND */
	char *path;                /* FOUND: as the loader names it */
	char *wrong_path;          /* a candidate of another class or machine */
	enum cl_walk_status link_status;
	char *link, *target;       /* a symlink that broke a candidate */
	const char *dropped;       /* an element not searched: $ORIGIN unknown */
	/* The buffers last, not zeroed (one search per library). */
	char wrong_why[200];
	char searched[600];
	struct cl_walk w;
};

char *cl_dirname(struct cl_ctx *ctx, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash || slash == path)
		return cl_strdup(ctx, "/");
	d = cl_strdup(ctx, path);
	if (d)
		d[slash - path] = '\0';
	return d;
}

void cl_map_init(struct cl_map *m, struct cl_ctx *ctx, const struct cl_hw *hw)
{
	memset(m, 0, sizeof *m);
	m->ctx = ctx;
	m->hw = hw;
}

void cl_map_free(struct cl_map *m)
{
	for (size_t i = 0; i < m->all.n; i++) {
		struct cl_obj *o = m->all.v[i];

		free(o->path);
		free(o->origin);
		free(o->origin_dropped);
		free(o->needed_by);
		cl_free_dirs(o->rpath, o->n_rpath);
		cl_free_dirs(o->runpath, o->n_runpath);
		free(o);
	}
	free(m->all.v);
	free(m->global.v);
	cl_strmap_free(&m->names);
	cl_strmap_free(&m->bad_versions);
}

static void dir_free(struct cl_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	free(d->link);
	free(d->target);
	free(d);
}

void cl_dirs_free(struct cl_ctx *ctx)
{
	for (size_t i = 0; i < ctx->dirs.cap; i++) {
		struct cl_dir *d = ctx->dirs.slots[i].val;

		if (ctx->dirs.slots[i].key && d)
			dir_free(d);
	}
	cl_strmap_free(&ctx->dirs);
}

struct cl_obj *cl_map_lookup(const struct cl_map *m, const char *name)
{
	return cl_strmap_get(&m->names, name);
}

static void add_name(struct cl_map *m, const char *name, struct cl_obj *o)
{
	if (name && cl_strmap_add(&m->names, name, o) < 0)
		m->ctx->oom = true;
}

struct cl_obj *cl_map_add(struct cl_map *m, const char *path, struct cl_file *file,
			  struct cl_obj *loader, const char *origin, const char *needed_by)
{
	struct cl_obj *o = calloc(1, sizeof *o);

	if (!o) {
		m->ctx->oom = true;
		return NULL;
	}
	o->path = cl_strdup(m->ctx, path);
	o->origin = origin ? cl_strdup(m->ctx, origin) : cl_dirname(m->ctx, path);
	o->needed_by = cl_strdup(m->ctx, needed_by);
	o->file = file;
	o->elf = &file->elf;
	o->loader = loader;
	if (!o->path || !o->origin || !o->needed_by || cl_objvec_push(m->ctx, &m->all, o) < 0) {
		free(o->path);
		free(o->origin);
		free(o->needed_by);
		free(o);
		return NULL;
	}
	add_name(m, path, o);
	add_name(m, o->elf->soname, o);
	return o;
}

static struct cl_obj *obj_by_file(const struct cl_map *m, const struct cl_file *f)
{
	for (size_t i = 0; i < m->all.n; i++)
		if (m->all.v[i]->file == f)
			return m->all.v[i];
	return NULL;
}

static void note_searched(struct search *s, const char *what)
{
	size_t len = strlen(s->searched);

	if (strstr(s->searched, what))
		return;
	snprintf(s->searched + len, sizeof s->searched - len, "%s%s", len ? ":" : "", what);
}

static void note_link(struct search *s, enum cl_walk_status status, const char *link,
		      const char *target)
{
	if (s->link || (status != CL_WALK_DANGLING && status != CL_WALK_ESCAPE))
		return;
	s->link_status = status;
	s->link = cl_strdup(s->ctx, link);
	s->target = cl_strdup(s->ctx, target);
}

static enum verdict fatal(struct search *s, enum cl_kind kind, const char *cand, const char *why)
{
	if (!s->need->optional)
		cl_problem(s->ctx, kind, cand, s->need->needed_by, "%s: %s", s->need->name, why);
	return FATAL;
}

static void note_wrong(struct search *s, const char *cand, const char *why)
{
	if (s->wrong_path)
		return;
	s->wrong_path = cl_strdup(s->ctx, cand);
	snprintf(s->wrong_why, sizeof s->wrong_why, "%s", why);
}

/* What the loader's open_verify() and the mapping checks decide. */
static enum verdict check_candidate(struct search *s, struct cl_file *f, const char *cand)
{
	const struct cl_elf *e = &f->elf, *want = s->m->main->elf;
	char why[200];

	if (!e->ident_ok)
		return fatal(s, CL_BAD_ELF, cand, e->err);
	if (e->is64 != want->is64) {
		snprintf(why, sizeof why, "ELFCLASS%d object, the program is ELFCLASS%d",
			 e->is64 ? 64 : 32, want->is64 ? 64 : 32);
		note_wrong(s, cand, why);
		return SKIP;
	}
	if (e->big_endian != want->big_endian)
		return fatal(s, CL_WRONG_CLASS, cand, e->big_endian ? "big-endian object, the program is little-endian"
								      : "little-endian object, the program is big-endian");
	if (e->machine != want->machine) {
		snprintf(why, sizeof why, "%s object, the program is %s",
			 cl_elf_machine_name(e->machine), cl_elf_machine_name(want->machine));
		note_wrong(s, cand, why);
		return SKIP;
	}
	if (obj_by_file(s->m, f))
		return FOUND;
	if (f->rc)
		return fatal(s, CL_BAD_ELF, cand, e->err);
	if (e->type != ET_DYN)
		return fatal(s, CL_BAD_ELF, cand, "cannot dynamically load executable");
	if (e->flags_1 & DF_1_PIE)
		return fatal(s, CL_BAD_ELF, cand, "cannot dynamically load position-independent executable");
	if (!e->has_dynamic)
		return fatal(s, CL_BAD_ELF, cand, "object file has no dynamic section");
	return FOUND;
}

/* A symlink on the way to a candidate that climbs above the root. In the
 * jail the kernel stops ".." at the root, so the loader opens what the link
 * names from there instead of searching on (as it does for a dangling
 * link): this check does not follow it, so it must not pass it either. */
static enum verdict escaping(struct search *s, const char *link, const char *target)
{
	if (!s->need->optional)
		cl_problem(s->ctx, CL_ESCAPING_SYMLINK, link, s->need->needed_by,
			   "%s: symlink %s -> %s climbs above the root (in the jail the loader "
			   "would open what it names from the jail's /): make it a path inside the jail",
			   s->need->name, link, target);
	return FATAL;
}

/* Try the candidate REL (relative to DIR_FD, or from the root), which the
 * loader would name CAND, and open by that name: in the jail the kernel
 * stops its ".." at the root (CL_WALK_CLAMP). */
static enum verdict try_path(struct search *s, int dir_fd, const char *dir_canon,
			     const char *rel, const char *cand)
{
	struct cl_file *f;
	enum verdict v;

	if (cl_ctx_walk(s->ctx, dir_fd, dir_canon, rel, CL_WALK_READ | CL_WALK_CLAMP, &s->w) != CL_WALK_OK) {
		if (s->w.status == CL_WALK_ESCAPE)
			return escaping(s, s->w.link, s->w.target);
		note_link(s, s->w.status, s->w.link, s->w.target);
		return SKIP;
	}
	if (!S_ISREG(s->w.st.st_mode)) {
		close(s->w.fd);
		return SKIP;
	}
	f = cl_file_get(s->ctx, s->w.fd, &s->w.st);
	close(s->w.fd);
	s->w.fd = -1;
	if (!f)
		return s->ctx->oom ? FATAL : fatal(s, CL_BAD_ELF, cand, "too many files in one check");
	v = check_candidate(s, f, cand);
	if (v == FOUND) {
		s->file = f;
		s->path = cl_strdup(s->ctx, cand);
	}
	return v;
}

static struct cl_dir *dir_get(struct search *s, const char *key)
{
	struct cl_ctx *ctx = s->ctx;
	struct cl_dir *d = cl_strmap_get(&ctx->dirs, key);

	if (d)
		return d;
	d = calloc(1, sizeof *d);
	if (!d) {
		ctx->oom = true;
		return NULL;
	}
	d->fd = -1;
	d->status = cl_ctx_walk(ctx, -1, NULL, key, CL_WALK_CLAMP, &s->w);
	if (d->status == CL_WALK_OK && !S_ISDIR(s->w.st.st_mode))
		d->status = CL_WALK_NOENT;
	if (d->status == CL_WALK_OK) {
		d->path = cl_strdup(ctx, s->w.path);
		if (ctx->dirs.n < MAX_DIR_FDS)
			d->fd = s->w.fd;
		else
			close(s->w.fd);
	} else if (s->w.fd >= 0) {
		close(s->w.fd);
	}
	if (d->status == CL_WALK_DANGLING || d->status == CL_WALK_ESCAPE) {
		d->link = cl_strdup(ctx, s->w.link);
		d->target = cl_strdup(ctx, s->w.target);
	}
	if (cl_strmap_add(&ctx->dirs, key, d) < 0) {
		ctx->oom = true;
		dir_free(d);
		return NULL;
	}
	return d;
}

static enum verdict try_in_dir(struct search *s, const char *dir, const char *subdir,
			      const char *name)
{
	char *key = cl_printf(s->ctx, "%s%s", dir, subdir), *cand;
	struct cl_dir *d = key ? dir_get(s, key) : NULL;
	enum verdict v = SKIP;

	if (d && d->status == CL_WALK_ESCAPE && d->link) {
		free(key);
		return escaping(s, d->link, d->target);
	}
	if (!d || d->status != CL_WALK_OK) {
		if (d && d->link)
			note_link(s, d->status, d->link, d->target);
		free(key);
		return s->ctx->oom ? FATAL : SKIP;
	}
	cand = cl_printf(s->ctx, "%s%s", key, name);
	if (cand && d->fd >= 0 && d->path)
		v = try_path(s, d->fd, d->path, name, cand);
	else if (cand)
		v = try_path(s, -1, NULL, cand, cand);
	free(cand);
	free(key);
	return v;
}

static enum verdict try_dirs(struct search *s, char *const *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		note_searched(s, dirs[i]);
		for (size_t j = 0; j < s->m->hw->n_subdirs; j++) {
			enum verdict v = try_in_dir(s, dirs[i], s->m->hw->subdirs[j], s->need->name);

			if (v != SKIP)
				return v;
		}
	}
	return SKIP;
}

static void load_cache(struct cl_ctx *ctx, struct cl_walk *w)
{
	ctx->cache_file = cl_file_open(ctx, ctx->root_fd, "/etc/ld.so.cache", w);
	/* glibc's loader open()s the cache without O_NONBLOCK and ignores one
	 * it cannot map: a FIFO (or a device) there would hang every program. */
	if (!ctx->cache_file && w->status == CL_WALK_ERROR && w->err == ENOEXEC)
		cl_problem(ctx, CL_BAD_ELF, "/etc/ld.so.cache", "",
			   "not a regular file: the loader would block opening it, or read a device");
	ctx->cache_state = ctx->cache_file && ctx->cache_file->buf &&
			   cl_ldcache_parse(&ctx->cache, ctx->cache_file->buf,
					    ctx->cache_file->len) == 0 ? 1 : -1;
}

static bool under_system_dir(const struct cl_hw *hw, const char *path)
{
	for (const char *const *d = hw->arch->system_dirs; *d; d++)
		if (strncmp(path, *d, strlen(*d)) == 0)
			return true;
	return false;
}

static enum verdict try_cache(struct search *s, bool nodeflib)
{
	const char *hit, *slash;
	char *dir;
	enum verdict v;

	if (s->ctx->cache_state == 0)
		load_cache(s->ctx, &s->w);
	if (s->ctx->cache_state < 0)
		return SKIP;
	note_searched(s, "/etc/ld.so.cache");
	hit = cl_ldcache_lookup(&s->ctx->cache, s->need->name, &s->m->hw->want);
	if (!hit || (nodeflib && under_system_dir(s->m->hw, hit)))
		return SKIP;
	/* Through the directory cache, as the entries share a few directories. */
	slash = strrchr(hit, '/');
	dir = cl_printf(s->ctx, "%s%.*s", hit[0] == '/' ? "" : "/",
			slash ? (int)(slash - hit + 1) : 0, hit);
	if (!dir)
		return FATAL;
	v = try_in_dir(s, dir, "", slash ? slash + 1 : hit);
	free(dir);
	return v;
}

static void note_dropped(struct search *s, const struct cl_obj *o)
{
	if (!s->dropped && o->origin_dropped)
		s->dropped = o->origin_dropped;
}

static enum verdict search_rpaths(struct search *s)
{
	struct cl_obj *main = s->m->main;
	bool did_main = false;
	char **dirs;
	size_t n;

	for (struct cl_obj *l = s->need->loader; l; l = l->loader) {
		enum verdict v;

		dirs = cl_search_dirs(s->m, l, false, &n);
		note_dropped(s, l);
		if (n == 0)
			continue;
		v = try_dirs(s, dirs, n);
		if (v != SKIP)
			return v;
		did_main |= l == main;
	}
	if (did_main || !main)
		return SKIP;
	dirs = cl_search_dirs(s->m, main, false, &n);
	note_dropped(s, main);
	return try_dirs(s, dirs, n);
}

static enum verdict search_path(struct search *s)
{
	struct cl_obj *loader = s->need->loader;
	struct cl_obj *l = loader ? loader : s->m->main;
	bool nodeflib = l && (l->elf->flags_1 & DF_1_NODEFLIB);
	enum verdict v = SKIP;
	char **dirs;
	size_t n;

	if (!loader || !loader->elf->runpath)
		v = search_rpaths(s);
	if (v == SKIP && loader && loader->elf->runpath) {
		dirs = cl_search_dirs(s->m, loader, true, &n);
		note_dropped(s, loader);
		v = try_dirs(s, dirs, n);
	}
	if (v == SKIP)
		v = try_cache(s, nodeflib);
	if (v == SKIP && !nodeflib) {
		for (n = 0; s->m->hw->arch->system_dirs[n]; n++)
			;
		v = try_dirs(s, (char *const *)s->m->hw->arch->system_dirs, n);
	}
	return v;
}

/* A name with a '/': a path, relative ones from the root (which stands in
 * for the working directory); tokens are expanded when a loader asks. */
static enum verdict search_direct(struct search *s)
{
	struct cl_obj *loader = s->need->loader;
	char *exp = NULL, *path;
	enum verdict v;
	int r = 1;

	if (loader)
		r = cl_expand_dst(s->ctx, s->need->name, loader->origin, s->m->hw, &exp);
	else if (!(exp = cl_strdup(s->ctx, s->need->name)))
		r = -1;
	if (r < 0)
		return FATAL;
	if (r == 0) {
		s->dropped = s->need->name;
		return SKIP;
	}
	path = exp[0] == '/' ? exp : cl_printf(s->ctx, "/%s", exp);
	v = path ? try_path(s, -1, NULL, path, path) : FATAL;
	if (path != exp)
		free(path);
	free(exp);
	if (v == SKIP)
		note_searched(s, "the path itself");
	return v;
}

static void report_not_found(struct search *s)
{
	const struct cl_need *need = s->need;

	if (s->wrong_path)
		cl_problem(s->ctx, CL_WRONG_CLASS, s->wrong_path, need->needed_by,
			   "%s: %s, and no other candidate was found", need->name, s->wrong_why);
	else if (s->link)
		cl_problem(s->ctx, s->link_status == CL_WALK_DANGLING ? CL_DANGLING_SYMLINK
								    : CL_ESCAPING_SYMLINK,
			   s->link, need->needed_by, "%s: symlink %s -> %s %s", need->name,
			   s->link, s->target,
			   s->link_status == CL_WALK_DANGLING ? "has no target in the root"
							      : "climbs above the root");
	else if (need->missing_detail)
		cl_problem(s->ctx, need->missing_kind, need->name, need->needed_by, "%s",
			   need->missing_detail);
	else if (s->dropped)
		cl_problem(s->ctx, need->missing_kind, need->name, need->needed_by,
			   "not found (searched %s); %s was not searched: the loader takes the "
			   "program's $ORIGIN from /proc/self/exe, and %s",
			   s->searched[0] ? s->searched : "nothing", s->dropped,
			   s->ctx->origin_why ? s->ctx->origin_why : "the root has no /proc");
	else
		cl_problem(s->ctx, need->missing_kind, need->name, need->needed_by,
			   "not found (searched %s)", s->searched[0] ? s->searched : "nothing");
}

static void search_free(struct search *s)
{
	free(s->path);
	free(s->wrong_path);
	free(s->link);
	free(s->target);
	free(s);
}

struct cl_obj *cl_map_need(struct cl_map *m, const struct cl_need *need)
{
	struct cl_obj *o = cl_map_lookup(m, need->name);
	struct search *s;
	enum verdict v;

	if (o)
		return o;
	if (m->all.n >= CL_MAX_OBJECTS) {
		if (!m->overflow_reported)
			cl_problem(m->ctx, CL_BAD_ELF, need->name, need->needed_by,
				   "more than %d objects in one process: stopped loading",
				   CL_MAX_OBJECTS);
		m->overflow_reported = true;
		return NULL;
	}
	s = malloc(sizeof *s);
	if (!s) {
		m->ctx->oom = true;
		return NULL;
	}
	memset(s, 0, offsetof(struct search, wrong_why));
	s->wrong_why[0] = s->searched[0] = '\0';
	s->m = m;
	s->ctx = m->ctx;
	s->need = need;
	v = strchr(need->name, '/') ? search_direct(s) : search_path(s);
	if (v == FOUND && s->path) {
		o = obj_by_file(m, s->file);
		if (!o)
			o = cl_map_add(m, s->path, s->file, need->dlopen ? NULL : need->loader,
				       NULL, need->needed_by);
		add_name(m, need->name, o);
	} else if (v == SKIP && !need->optional) {
		report_not_found(s);
	}
	search_free(s);
	return o;
}

/* Add DEP to LIST unless it is there already. */
static int list_add(struct cl_map *m, struct cl_objvec *list, struct cl_obj *dep, unsigned stamp)
{
	if (!dep || dep->mark == stamp)
		return 0;
	dep->mark = stamp;
	return cl_objvec_push(m->ctx, list, dep);
}

/* O's DT_NEEDED entries, then its filtees: false when one that must load
 * did not (a missing DT_AUXILIARY object is ignored, as by the loader). */
static bool load_needed(struct cl_map *m, struct cl_obj *o, struct cl_objvec *list, unsigned stamp)
{
	const struct cl_elf *e = o->elf;
	bool complete = true;

	for (size_t j = 0; j < e->n_needed + e->n_filters && !m->ctx->oom; j++) {
		bool filter = j >= e->n_needed;
		const struct cl_filter *f = filter ? &e->filters[j - e->n_needed] : NULL;
		struct cl_need need = {
			.name = e->strtab + (f ? f->name : e->needed[j]),
			.loader = o,
			.needed_by = o->path,
			.missing_kind = CL_MISSING_LIBRARY,
			.optional = f && f->aux,
		};
		struct cl_obj *dep = cl_map_need(m, &need);

		complete &= dep || need.optional;
		if (list_add(m, list, dep, stamp) < 0)
			return false;
	}
	return complete;
}

int cl_map_load_deps(struct cl_map *m, struct cl_obj *root, const struct cl_objvec *pre,
		     struct cl_objvec *list)
{
	unsigned stamp = ++m->stamp;
	bool incomplete = false;

	if (list_add(m, list, root, stamp) < 0)
		return -1;
	for (size_t i = 0; pre && i < pre->n; i++)
		if (list_add(m, list, pre->v[i], stamp) < 0)
			return -1;
	for (size_t i = 0; i < list->n && !m->ctx->oom; i++)
		incomplete |= !load_needed(m, list->v[i], list, stamp);
	return m->ctx->oom ? -1 : incomplete;
}
