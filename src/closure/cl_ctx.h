/* Internal state of one cl_check() call, and the link map of one process.
 * Nothing here is global: every call builds and frees its own. */
#ifndef CL_CTX_H
#define CL_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "closure.h"
#include "cl_arch.h"
#include "cl_elf.h"
#include "cl_ldcache.h"
#include "cl_strmap.h"
#include "cl_trace.h"
#include "cl_walk.h"

#define CL_MAX_OBJECTS  4096                    /* objects in one link map */
#define CL_MAX_PROBLEMS 4096                    /* problems one cl_check reports */
#define CL_MAX_FILES    16384                   /* files one cl_check reads */
#define CL_MAX_READ     (8ULL << 30)            /* bytes one cl_check maps or reads */
#define CL_MAX_WORK     (200ULL * 1000 * 1000)  /* symbol lookup steps per cl_check */
#define CL_MAX_SCRIPTS  5                       /* #! rewrites the kernel allows */

/* One file, read once per check however many link maps use it. */
struct cl_file {
	dev_t dev;
	ino_t ino;
	mode_t mode;
	void *buf;
	size_t len;
	bool mapped;       /* buf is an mmap, else malloc */
	struct cl_elf elf;
	int rc;            /* of cl_elf_parse_buffer */
	bool host_done;
};

/* One object in a link map (the loader's struct link_map). */
struct cl_obj {
	char *path;              /* as the loader names it (l_name) */
	char *origin;            /* $ORIGIN, or NULL when unknown */
	struct cl_file *file;
	const struct cl_elf *elf;
	struct cl_obj *loader;   /* the object that first needed it (l_loader) */
	char *needed_by;         /* for reports: that object, or who dlopen()ed it */
	unsigned mark;           /* breadth-first visit stamp */
	bool is_main;
	bool is_interp;
	bool rpath_done, runpath_done;
	char **rpath, **runpath; /* decomposed search directories */
	size_t n_rpath, n_runpath;
	char *origin_dropped;    /* the first of them dropped as $ORIGIN is unknown */
};

struct cl_objvec {
	struct cl_obj **v;
	size_t n;
	size_t cap;
};

/* The link map of one process (one exec'd ELF program). */
struct cl_map {
	struct cl_ctx *ctx;
	const struct cl_hw *hw;
	struct cl_objvec all;        /* in load order */
	struct cl_objvec global;     /* the main search list */
	struct cl_strmap names;      /* l_name, l_libname and sonames -> object */
	struct cl_strmap bad_versions; /* verneed already reported missing */
	struct cl_obj *main;
	struct cl_obj *interp;
	bool global_incomplete;      /* a startup dependency is missing */
	unsigned stamp;
	bool overflow_reported;
};

struct cl_ctx {
	const struct cl_options *opt;
	struct cl_report *rep;
	int root_fd;
	bool oom;
	struct cl_strmap files;      /* "dev:ino" -> struct cl_file */
	size_t n_files;
	uint64_t bytes_read;
	struct cl_strmap dirs;       /* search directory -> struct cl_dir */
	int cache_state;             /* 0 not read yet, 1 usable, -1 absent */
	struct cl_file *cache_file;
	struct cl_ldcache cache;
	struct cl_strmap seen_checked;
	struct cl_strmap seen_problems;
	size_t n_problems;
	size_t n_suppressed;
	enum cl_kind first_suppressed;
	uint64_t work;
	bool work_reported;
	struct cl_trace *trace;      /* NULL, or where every consulted path goes */
	int proc_state;              /* 0 not looked at, 1 /proc is a proc file system, -1 not */
	const char *origin_why;      /* why the program's $ORIGIN is unknown */
};

/* ctx.c: problems, the checked list, allocation that records ENOMEM. */
void cl_problem(struct cl_ctx *ctx, enum cl_kind kind, const char *object,
		const char *needed_by, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void cl_checked(struct cl_ctx *ctx, const char *path);
char *cl_strdup(struct cl_ctx *ctx, const char *s);
char *cl_printf(struct cl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cl_objvec_push(struct cl_ctx *ctx, struct cl_objvec *v, struct cl_obj *o);
/* Count symbol-lookup work; false (reported once) when the budget is spent. */
bool cl_ctx_work(struct cl_ctx *ctx, uint64_t steps, const char *object);

/* cl_walk inside the root, recorded in the check's trace. */
enum cl_walk_status cl_ctx_walk(struct cl_ctx *ctx, int dir_fd, const char *dir_path,
				const char *path, int flags, struct cl_walk *w);
/* cl_check, recording every path it consults in TRACE (cache.c). */
int cl_check_traced(const struct cl_options *opt, const char *path, int prog_fd,
		    struct cl_report *rep, struct cl_trace *trace);
/* cl_check_cached, not storing a verdict when a consulted path changed
 * less than RACY_NS before the check began (the tests' knob). */
int cl_check_cached_racy(const struct cl_options *opt, const char *path, int prog_fd,
			 int cache_fd, struct cl_report *rep, enum cl_cache_status *status,
			 long racy_ns);

/* files.c: read and parse a file once per check. */
struct cl_file *cl_file_get(struct cl_ctx *ctx, int fd, const struct stat *st);
struct cl_file *cl_file_open(struct cl_ctx *ctx, int root_fd, const char *path,
			     struct cl_walk *w);
void cl_files_free(struct cl_ctx *ctx);

/* resolve.c: the loader's search order and the breadth-first closure. */
struct cl_need {
	const char *name;          /* DT_NEEDED string, or a path */
	struct cl_obj *loader;     /* whose RPATH/RUNPATH apply; NULL: none */
	const char *needed_by;     /* for the report */
	enum cl_kind missing_kind; /* what to report when nothing is found */
	const char *missing_detail; /* NULL: say where we looked */
	bool dlopen;               /* as dlopen(): LOADER's paths, but no l_loader */
	bool global;               /* RTLD_GLOBAL: what it loads joins the global scope */
	bool optional;             /* the loader ignores it when it cannot load it:
				    * nothing is reported (DT_AUXILIARY, preloads) */
};
void cl_map_init(struct cl_map *m, struct cl_ctx *ctx, const struct cl_hw *hw);
void cl_map_free(struct cl_map *m);
struct cl_obj *cl_map_add(struct cl_map *m, const char *path, struct cl_file *file,
			  struct cl_obj *loader, const char *origin, const char *needed_by);
struct cl_obj *cl_map_need(struct cl_map *m, const struct cl_need *need);
/* Breadth-first from ROOT, then PRE (the preloaded objects, or NULL), as
 * _dl_map_object_deps: the search list. Returns 0, 1 when some dependency
 * could not be loaded, -1 on ENOMEM. */
int cl_map_load_deps(struct cl_map *m, struct cl_obj *root, const struct cl_objvec *pre,
		     struct cl_objvec *list);
struct cl_obj *cl_map_lookup(const struct cl_map *m, const char *name);
char *cl_dirname(struct cl_ctx *ctx, const char *path);
void cl_dirs_free(struct cl_ctx *ctx);

/* dst.c: dynamic string tokens and DT_RPATH / DT_RUNPATH directories. */
/* Expand $ORIGIN, $PLATFORM and $LIB in IN. Returns 1 with *OUT, 0 when the
 * path must be dropped ($ORIGIN unknown), -1 on ENOMEM. */
int cl_expand_dst(struct cl_ctx *ctx, const char *in, const char *origin,
		  const struct cl_hw *hw, char **out);
/* O's DT_RUNPATH (or DT_RPATH) directories, each ending with '/'. */
char **cl_search_dirs(struct cl_map *m, struct cl_obj *o, bool runpath, size_t *n);
void cl_free_dirs(char **dirs, size_t n);

/* symbols.c: DT_VERNEED against DT_VERDEF, and undefined symbols. */
void cl_check_versions(struct cl_map *m, struct cl_obj *o);
void cl_check_symbols(struct cl_map *m, struct cl_obj *o, const struct cl_objvec *local);

/* process.c: one exec'd ELF program and its whole link map. */
/* Whether the loader will know the program's $ORIGIN (/proc/self/exe in the
 * root); when not, *WHY says why. */
bool cl_origin_known(struct cl_ctx *ctx, const char **why);
void cl_check_process(struct cl_ctx *ctx, const char *path, const char *canon,
		      struct cl_file *file, const char *needed_by);
/* As dlopen(NEED->name) from NEED->loader: load it and what it needs, and
 * check the newly loaded objects in the scope global + its search list. */
void cl_dlopen(struct cl_map *m, const struct cl_need *need);

/* preload.c: the objects /etc/ld.so.preload names, mapped after the
 * program and before its dependencies, into PRE. */
void cl_load_preloads(struct cl_map *m, struct cl_objvec *pre);

/* exec.c: the #! chain down to an ELF program. */
int cl_check_exec(struct cl_ctx *ctx, const char *path, int prog_fd);

/* nss.c, deep.c, hostcmp.c */
void cl_check_nss(struct cl_map *m);
void cl_check_deep(struct cl_map *m, const char *prog_canon);
/* deep_php.c: the extensions php's ini files enable; CWD: its working
 * directory, or NULL when unknown. */
void cl_deep_php(struct cl_map *m, const char *prog_canon, const char *base, const char *cwd);
void cl_host_compare(struct cl_ctx *ctx, struct cl_obj *o);

/* report.c: appending to the public report. */
int cl_report_push_problem(struct cl_report *rep, enum cl_kind kind, const char *object,
			   const char *needed_by, const char *detail);
int cl_report_push_checked(struct cl_report *rep, const char *path);

/* ctx.c: report a failed walk as a symlink problem when a symlink is at
 * fault, else as MISSING about OBJECT ("WHAT: no such file..."). */
void cl_report_walk_problem(struct cl_ctx *ctx, const struct cl_walk *w, enum cl_kind missing,
			    const char *object, const char *needed_by, const char *what);

#endif
