/* One exec'd ELF program: its PT_INTERP loader, its breadth-first closure,
 * symbol versions and undefined symbols, then what it loads later (NSS
 * modules, interpreter extension modules) and the host comparison. */
#include <elf.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cl_ctx.h"

static bool same_target(const struct cl_elf *a, const struct cl_elf *b)
{
	return a->is64 == b->is64 && a->big_endian == b->big_endian && a->machine == b->machine;
}

static void map_interp(struct cl_map *m)
{
	struct cl_ctx *ctx = m->ctx;
	const struct cl_elf *prog = m->main->elf;
	const char *ip = prog->interp;
	struct cl_walk *w = malloc(sizeof *w);
	struct cl_file *f;

	if (!w) {
		ctx->oom = true;
		return;
	}
	f = cl_file_open(ctx, ctx->root_fd, ip, w);
	if (!f) {
		if (!ctx->oom)
			cl_report_walk_problem(ctx, w, CL_MISSING_INTERPRETER, ip, m->main->path,
					       "program interpreter (PT_INTERP)");
	} else if (!f->elf.ident_ok || f->rc) {
		cl_problem(ctx, CL_BAD_ELF, ip, m->main->path, "program interpreter: %s", f->elf.err);
	} else if (!same_target(&f->elf, prog)) {
		cl_problem(ctx, CL_WRONG_CLASS, ip, m->main->path,
			   "program interpreter is a %d-bit %s object, the program %d-bit %s",
			   f->elf.is64 ? 64 : 32, cl_elf_machine_name(f->elf.machine),
			   prog->is64 ? 64 : 32, cl_elf_machine_name(prog->machine));
	} else {
		if (!(f->mode & 0111))
			cl_problem(ctx, CL_NOT_EXECUTABLE, ip, m->main->path,
				   "program interpreter has no execute permission (mode %04o)",
				   (unsigned)(f->mode & 07777));
		m->interp = cl_map_add(m, ip, f, NULL, NULL, m->main->path);
		if (m->interp)
			m->interp->is_interp = true;
	}
	free(w);
}

static bool in_list(const struct cl_objvec *v, const struct cl_obj *o)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i] == o)
			return true;
	return false;
}

/* With a dependency missing, undefined symbols are its consequence (the
 * loader stops at the missing library): they are not reported. */
static void check_objects(struct cl_map *m, struct cl_obj *const *objs, size_t n,
			  const struct cl_objvec *local, bool incomplete)
{
	for (size_t i = 0; i < n; i++)
		cl_checked(m->ctx, objs[i]->path);
	if (!m->ctx->opt->symbols)
		return;
	for (size_t i = 0; i < n; i++)
		cl_check_versions(m, objs[i]);
	for (size_t i = 0; i < n && !incomplete && !m->ctx->oom; i++)
		cl_check_symbols(m, objs[i], local);
}

void cl_dlopen(struct cl_map *m, const struct cl_need *need)
{
	size_t first_new = m->all.n;
	struct cl_objvec local = { 0 };
	struct cl_obj *o = cl_map_need(m, need);
	int r;

	/* Already loaded: it was checked where it was first loaded. */
	if (!o || m->all.n == first_new)
		return;
	r = cl_map_load_deps(m, o, NULL, &local);
	if (r >= 0)
		check_objects(m, m->all.v + first_new, m->all.n - first_new, &local,
			      r == 1 || m->global_incomplete);
	for (size_t i = 0; r == 0 && need->global && i < local.n; i++)
		if (!in_list(&m->global, local.v[i]))
			cl_objvec_push(m->ctx, &m->global, local.v[i]);
	free(local.v);
}

static void load_global(struct cl_map *m)
{
	const struct cl_elf *e = m->main->elf;

	if (e->interp)
		map_interp(m);
	else if (e->n_needed && e->type == ET_EXEC)
		cl_problem(m->ctx, CL_MISSING_INTERPRETER, m->main->path, m->main->needed_by,
			   "has DT_NEEDED entries but no PT_INTERP: nothing would load them");
	if (e->has_dynamic) {
		struct cl_objvec pre = { 0 };

		if (m->interp)
			cl_load_preloads(m, &pre);
		m->global_incomplete = cl_map_load_deps(m, m->main, &pre, &m->global) != 0;
		free(pre.v);
	} else {
		cl_objvec_push(m->ctx, &m->global, m->main);
	}
	/* The loader is in the link map even when nothing names it. */
	if (m->interp && !in_list(&m->global, m->interp))
		cl_objvec_push(m->ctx, &m->global, m->interp);
}

/* glibc's loader takes the program's $ORIGIN from /proc/self/exe (its
 * sysdeps/unix/sysv/linux/dl-origin.c; the fallback, LD_ORIGIN_PATH, never
 * reaches a CGI). A library's $ORIGIN is its own directory. */
bool cl_origin_known(struct cl_ctx *ctx, const char **why)
{
	struct cl_walk *w;
	struct statfs sf;

	*why = ctx->opt->origin_why ? ctx->opt->origin_why : "the root has no /proc";
	if (ctx->opt->origin != CL_ORIGIN_PROBE)
		return ctx->opt->origin == CL_ORIGIN_KNOWN;
	if (ctx->proc_state)
		return ctx->proc_state > 0;
	w = malloc(sizeof *w);
	if (!w) {
		ctx->oom = true;
		return false;
	}
	ctx->proc_state = -1;
	if (cl_ctx_walk(ctx, -1, NULL, "/proc", 0, w) == CL_WALK_OK) {
		if (S_ISDIR(w->st.st_mode) && fstatfs(w->fd, &sf) == 0 &&
		    sf.f_type == PROC_SUPER_MAGIC)
			ctx->proc_state = 1;
		close(w->fd);
	}
	free(w);
	return ctx->proc_state > 0;
}

static bool uses_origin(const struct cl_elf *e)
{
	if (e->rpath && strstr(e->rpath, "ORIGIN"))
		return true;
	if (e->runpath && strstr(e->runpath, "ORIGIN"))
		return true;
	for (size_t i = 0; i < e->n_needed; i++)
		if (strstr(e->strtab + e->needed[i], "ORIGIN"))
			return true;
	for (size_t i = 0; i < e->n_filters; i++)
		if (strstr(e->strtab + e->filters[i].name, "ORIGIN"))
			return true;
	return false;
}

void cl_check_process(struct cl_ctx *ctx, const char *path, const char *canon,
		      struct cl_file *file, const char *needed_by)
{
	const struct cl_elf *e = &file->elf;
	const struct cl_arch *arch;
	const struct cl_hw *hw;
	struct cl_map m;
	char *origin;

	if (file->rc) {
		cl_problem(ctx, CL_BAD_ELF, path, needed_by, "%s", e->err);
		return;
	}
	arch = cl_arch_find(e->machine, e->is64, e->big_endian);
	hw = arch ? cl_hw_for(arch) : NULL;
	if (!hw) {
		cl_problem(ctx, CL_BAD_ELF, path, needed_by, "no known loader for %d-bit %s %s programs",
			   e->is64 ? 64 : 32, e->big_endian ? "big-endian" : "little-endian",
			   cl_elf_machine_name(e->machine));
		return;
	}
	cl_map_init(&m, ctx, hw);
	origin = cl_dirname(ctx, canon ? canon : path);
	m.main = origin ? cl_map_add(&m, path, file, NULL, origin, needed_by) : NULL;
	free(origin);
	if (m.main && uses_origin(e) && !cl_origin_known(ctx, &ctx->origin_why)) {
		free(m.main->origin);
		m.main->origin = NULL;
	}
	if (m.main) {
		m.main->is_main = true;
		load_global(&m);
		check_objects(&m, m.global.v, m.global.n, NULL, m.global_incomplete);
		if (ctx->opt->nss && !ctx->oom)
			cl_check_nss(&m);
		if (ctx->opt->deep && !ctx->oom)
			cl_check_deep(&m, canon ? canon : path);
		for (size_t i = 0; ctx->opt->host_root_fd >= 0 && i < m.all.n && !ctx->oom; i++)
			cl_host_compare(ctx, m.all.v[i]);
	}
	cl_map_free(&m);
}
