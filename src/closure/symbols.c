/* Symbol versions and undefined symbols, as glibc 2.36 checks them with
 * LD_BIND_NOW: _dl_check_map_versions() (dl-version.c), then a lookup of
 * every non-weak undefined symbol through the object's scope with the
 * rules of do_lookup_x() and check_match() (dl-lookup.c). Each object's
 * own hash table is used, as the loader uses it: no string is compared
 * unless its hash matches.
 *
 * Since glibc 2.30 the file a versioned reference names is only a hint: the
 * whole scope is searched (libdl.so.2's dlopen@GLIBC_2.2.5 is in libc.so.6).
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "cl_ctx.h"

/* The symbol types a definition may have (check_match's ALLOWED_STT). */
#define ALLOWED_STT ((1u << STT_NOTYPE) | (1u << STT_OBJECT) | (1u << STT_FUNC) | \
		     (1u << STT_COMMON) | (1u << STT_TLS) | (1u << STT_GNU_IFUNC))

static bool version_defined(const struct cl_elf *prov, const struct cl_version *need)
{
	for (size_t i = 0; i < prov->n_verdef; i++)
		if (prov->verdef[i].hash == need->hash && strcmp(prov->verdef[i].name, need->name) == 0)
			return true;
	return false;
}

static char *bad_version_key(struct cl_ctx *ctx, const struct cl_obj *o, const char *file,
			     const char *version)
{
	return cl_printf(ctx, "%p\x1f%s\x1f%s", (const void *)o, file, version);
}

void cl_check_versions(struct cl_map *m, struct cl_obj *o)
{
	const struct cl_elf *e = o->elf;

	for (size_t i = 0; i < e->n_verneed; i++) {
		const struct cl_version *need = &e->verneed[i];
		struct cl_obj *prov = cl_map_lookup(m, need->file);
		char *key;

		/* A provider without versions only earns the loader's warning. */
		if (!prov || !prov->elf->has_verdef || version_defined(prov->elf, need) ||
		    (need->flags & VER_FLG_WEAK))
			continue;
		key = bad_version_key(m->ctx, o, need->file, need->name);
		if (key && cl_strmap_add(&m->bad_versions, key, o) < 0)
			m->ctx->oom = true;
		free(key);
		cl_problem(m->ctx, CL_MISSING_SYMBOL_VERSION, prov->path, o->path,
			   "version %s not defined in file %s", need->name, need->file);
	}
}

struct lookup {
	const char *name;
	uint32_t gnu_hash;
	uint32_t sysv_hash;             /* computed when an object needs it */
	bool have_sysv_hash;
	const struct cl_version *ver;   /* NULL for an unversioned reference */
	const struct cl_obj *skip;      /* the executable, for a copy relocation */
	uint64_t steps;
};

/* check_match(): is symbol IDX of E a definition of the reference? An
 * unversioned reference also counts the object's non-hidden versioned
 * definitions, to take the only one if there is no better. */
static bool matches(const struct cl_elf *e, const struct cl_sym *s, size_t idx,
		    const struct lookup *l, int *num_versions, size_t *versioned)
{
	unsigned stt = ELF64_ST_TYPE(s->info);
	const struct cl_version *dv;
	const char *name;
	uint16_t vs;

	if (s->shndx == SHN_UNDEF || (s->value == 0 && s->shndx != SHN_ABS && stt != STT_TLS))
		return false;
	if (!((1u << stt) & ALLOWED_STT))
		return false;
	name = cl_elf_str(e, s->name);
	if (!name || strcmp(name, l->name) != 0)
		return false;
	if (!e->has_versym)
		return true;
	vs = cl_elf_versym(e, idx);
	dv = cl_elf_version(e, vs);
	if (l->ver) {
		if (dv && dv->hash == l->ver->hash && strcmp(dv->name, l->ver->name) == 0)
			return true;
		return !(l->ver->hidden || (dv && dv->hash != 0) || (vs & 0x8000));
	}
	if ((vs & 0x7fff) >= 3) {
		if (!(vs & 0x8000) && (*num_versions)++ == 0)
			*versioned = idx;
		return false;
	}
	return true;
}

/* do_lookup_x() for one object: is the reference defined here? */
static bool lookup_in(const struct cl_obj *o, struct lookup *l)
{
	const struct cl_elf *e = o->elf;
	struct cl_hash_iter it = { 0 };
	struct cl_sym s;
	size_t idx, found = 0, versioned = 0;
	int num_versions = 0;
	unsigned bind, vis;

	l->steps++;
	if (e->nbuckets == 0 || e->nsyms == 0)
		return false;
	if (e->hash_kind == CL_HASH_SYSV && !l->have_sysv_hash) {
		l->sysv_hash = cl_sysv_hash(l->name);
		l->have_sysv_hash = true;
	}
	while ((idx = cl_elf_hash_next(e, &it, l->gnu_hash, l->sysv_hash)) != 0) {
		cl_elf_sym(e, idx, &s);
		if (matches(e, &s, idx, l, &num_versions, &versioned)) {
			found = idx;
			break;
		}
	}
	l->steps += it.steps;
	if (!found && num_versions == 1)
		found = versioned;
	if (!found)
		return false;
	cl_elf_sym(e, found, &s);
	bind = ELF64_ST_BIND(s.info);
	vis = ELF64_ST_VISIBILITY(s.other);
	/* A hidden, internal or local definition is ignored, and so is the
	 * rest of this object. */
	if (vis == STV_HIDDEN || vis == STV_INTERNAL)
		return false;
	return bind == STB_GLOBAL || bind == STB_WEAK || bind == STB_GNU_UNIQUE;
}

static bool defined_in_scope(const struct cl_map *m, const struct cl_objvec *local,
			     struct lookup *l)
{
	const struct cl_objvec *scopes[2] = { &m->global, local };

	for (size_t k = 0; k < 2; k++) {
		if (!scopes[k] || (k == 1 && scopes[1] == &m->global))
			continue;
		for (size_t i = 0; i < scopes[k]->n; i++)
			if (scopes[k]->v[i] != l->skip && lookup_in(scopes[k]->v[i], l))
				return true;
	}
	return false;
}

/* The version a reference asks for (l_versions[ndx], NULL when unset). */
static const struct cl_version *wanted_version(const struct cl_elf *e, size_t idx)
{
	uint16_t ndx = cl_elf_versym(e, idx) & 0x7fff;
	const struct cl_version *v;

	if (ndx < 2)
		return NULL;
	v = cl_elf_version(e, ndx);
	return v && v->hash != 0 ? v : NULL;
}

static bool already_reported(struct cl_map *m, const struct cl_obj *o, const struct cl_version *v)
{
	char *key;
	bool seen;

	if (!v || !v->file || m->bad_versions.n == 0)
		return false;
	key = bad_version_key(m->ctx, o, v->file, v->name);
	seen = key && cl_strmap_get(&m->bad_versions, key) != NULL;
	free(key);
	return seen;
}

static void mark(size_t sym, void *bits)
{
	((unsigned char *)bits)[sym / 8] |= (unsigned char)(1u << (sym % 8));
}

/* Which symbols of O the loader looks up: its non-weak undefined ones, and
 * those of its copy relocations (defined in the executable, but looked up
 * past it, in the libraries). COPIES marks the latter. */
static bool is_reference(const struct cl_sym *s, size_t idx, const unsigned char *copies)
{
	unsigned bind = ELF64_ST_BIND(s->info);

	if (s->shndx == SHN_UNDEF)
		return bind != STB_WEAK && bind != STB_LOCAL;
	return copies && (copies[idx / 8] & (1u << (idx % 8)));
}

/* As glibc 2.36 says it: "undefined symbol: foo, version V_2". When the
 * version's file is loaded, it defines the version (or cl_check_versions()
 * said otherwise and we are not here) but not the symbol at it. */
static void report_undefined(struct cl_map *m, const struct cl_obj *o, const struct lookup *l)
{
	struct cl_obj *file = l->ver && l->ver->file ? cl_map_lookup(m, l->ver->file) : NULL;

	if (file)
		cl_problem(m->ctx, CL_UNDEFINED_SYMBOL, o->path, o->needed_by,
			   "undefined symbol: %s, version %s (%s defines %s, but not %s)", l->name,
			   l->ver->name, l->ver->file, l->ver->name, l->name);
	else if (l->ver)
		cl_problem(m->ctx, CL_UNDEFINED_SYMBOL, o->path, o->needed_by,
			   "undefined symbol: %s, version %s", l->name, l->ver->name);
	else
		cl_problem(m->ctx, CL_UNDEFINED_SYMBOL, o->path, o->needed_by,
			   "undefined symbol: %s", l->name);
}

void cl_check_symbols(struct cl_map *m, struct cl_obj *o, const struct cl_objvec *local)
{
	const struct cl_elf *e = o->elf;
	unsigned char *copies = NULL;

	/* Copy relocations are only in the executable. */
	if (o->is_main && e->nsyms) {
		copies = calloc((e->nsyms + 7) / 8, 1);
		if (!copies) {
			m->ctx->oom = true;
			return;
		}
		cl_elf_each_reloc(e, m->hw->arch->copy_reloc, mark, copies);
	}
	for (size_t idx = cl_elf_next_undefined(e, 1, copies); idx < e->nsyms && !m->ctx->oom;
	     idx = cl_elf_next_undefined(e, idx + 1, copies)) {
		struct lookup l = { 0 };
		struct cl_sym s;
		bool defined;

		cl_elf_sym(e, idx, &s);
		if (!is_reference(&s, idx, copies))
			continue;
		if (s.shndx != SHN_UNDEF)
			l.skip = o;
		l.name = cl_elf_str(e, s.name);
		if (!l.name || !*l.name)
			continue;
		l.ver = wanted_version(e, idx);
		if (already_reported(m, o, l.ver))
			continue;
		l.gnu_hash = cl_gnu_hash(l.name);
		defined = defined_in_scope(m, local, &l);
		if (!cl_ctx_work(m->ctx, l.steps, o->path))
			break;
		if (!defined)
			report_undefined(m, o, &l);
	}
	free(copies);
}
