/* The jail library checker: will this program load inside this root?
 *
 * A static "ldd -r" that never runs the program: it follows the #! chain,
 * PT_INTERP, DT_NEEDED (with the loader's search order inside the root),
 * symbol versions and undefined symbols, and the NSS modules the root's
 * nsswitch.conf names. It knows nothing about users, privileges or Apache,
 * and never follows anything out of the root.
 *
 * cgijail calls it after chroot and after privileges are dropped (root_fd is
 * then "/"); cgijailctl calls it on a jail directory from the host.
 */
#ifndef CJ_CLOSURE_H
#define CJ_CLOSURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The kinds of problem, named as in the JSON report. */
enum cl_kind {
	CL_MISSING_INTERPRETER,  /* #! interpreter or PT_INTERP loader not in the root */
	CL_MISSING_LIBRARY,      /* a DT_NEEDED entry found nowhere the loader looks */
	CL_WRONG_CLASS,          /* the only candidates have another class/data/machine */
	CL_MISSING_SYMBOL_VERSION, /* DT_VERNEED (file, version) not in that file's DT_VERDEF */
	CL_UNDEFINED_SYMBOL,     /* a non-weak undefined symbol defined by no object */
	CL_MISSING_NSS_MODULE,   /* nsswitch.conf names a service whose module is absent */
	CL_ESCAPING_SYMLINK,     /* a symlink whose target climbs above the root */
	CL_DANGLING_SYMLINK,     /* a symlink whose target does not exist in the root */
	CL_HOST_MISMATCH,        /* --host: the root's copy differs from the host's */
	CL_NOT_EXECUTABLE,       /* program, interpreter or loader lacks an execute bit */
	CL_BAD_ELF,              /* malformed or unsupported ELF (truncated, bad offsets...) */
	CL_KIND_COUNT
};

/* "missing-library" etc.; never NULL. */
const char *cl_kind_name(enum cl_kind kind);

struct cl_problem {
	enum cl_kind kind;
	char *object;     /* path inside the root of what is missing or broken */
	char *needed_by;  /* path inside the root of the object that needs it, or "" */
	char *detail;     /* one human sentence: the symbol, version, reason */
};

struct cl_options {
	int root_fd;           /* O_PATH|O_DIRECTORY fd of the root; all lookups stay beneath it */
	const char *safe_path; /* PATH for "#!/usr/bin/env NAME" (paths inside the root); NULL: "/usr/local/bin:/usr/bin:/bin" */
	bool symbols;          /* check symbol versions and undefined symbols (ldd -r) */
	bool nss;              /* when libc is in the closure, require the root's NSS modules */
	bool deep;             /* also the interpreter's extension modules (deep.c) */
	int host_root_fd;      /* >= 0: compare each library with the same path under this root */
	/* The program's $ORIGIN, which glibc's loader reads from /proc/self/exe:
	 * PROBE: known when the root has a proc file system on /proc; KNOWN:
	 * known (the caller mounts /proc before exec); UNKNOWN: unknown, for
	 * the reason in origin_why (a clause: "...self/exe, and REASON"). */
	enum { CL_ORIGIN_PROBE, CL_ORIGIN_KNOWN, CL_ORIGIN_UNKNOWN } origin;
	const char *origin_why;
	/* A directory inside the root (absolute, without symlinks) whose
	 * programs were checked already: a template generation, verified
	 * when it was built. A program or #! interpreter whose canonical path
	 * lies in it is listed as checked and not checked again. NULL: none. */
	const char *trusted;
};

struct cl_report {
	char **checked;        /* every object found, path inside the root, in load order */
	size_t n_checked;
	struct cl_problem *problems;
	size_t n_problems;
};

/* Default options: root_fd -1, symbols and nss on, deep off, host_root_fd -1,
 * origin CL_ORIGIN_PROBE. */
void cl_options_init(struct cl_options *opt);

/* Check that PATH (absolute, inside the root) will load, appending what was
 * found to REP (which may already hold the results of earlier calls).
 * PROG_FD >= 0 is an already-open fd (O_PATH is enough) of the program itself:
 * it is read instead of opening PATH, so the checked file is the exec'd one;
 * PATH is then used only for $ORIGIN and in the report.
 * Returns 0 when the check ran (whatever it found), -1 with errno set when it
 * could not run at all (ENOMEM, unreadable root). */
int cl_check(const struct cl_options *opt, const char *path, int prog_fd,
	     struct cl_report *rep);

/* The repeat-check cache (cache.c).
 *
 * CACHE_FD is a read-write descriptor of a file that only root can open
 * (cgijail opens it before chroot and keeps it across the privilege drop).
 * The file holds "ok" verdicts of earlier checks, each with the inputs of
 * the check (program, options, root) and the identity (device, inode, mode,
 * size, mtime, ctime) of every path the check consulted: files, symlinks,
 * and each directory it looked into, where a lookup failed included. A
 * check whose inputs and consulted paths are all unchanged is served from
 * the file; any other is checked in full, and an "ok" verdict is stored,
 * replacing the old one (least recently used programs are dropped). */
enum cl_cache_status {
	CL_CACHE_UNUSED,     /* no cache fd, or options not cached (host) */
	CL_CACHE_HIT,        /* nothing the last full check consulted has changed */
	CL_CACHE_STORED,     /* checked in full, the "ok" verdict now cached */
	CL_CACHE_NOT_STORED, /* checked in full, not cached: see cl_cache_status_text */
	CL_CACHE_RACY,       /* checked in full, not cached: something changed just now */
};

/* As cl_check, through the cache in CACHE_FD (-1: no cache). *STATUS says
 * what happened. A hit appends the cached "checked" list to REP. */
int cl_check_cached(const struct cl_options *opt, const char *path, int prog_fd, int cache_fd,
		    struct cl_report *rep, enum cl_cache_status *status);
/* "served from the check cache" etc. */
const char *cl_cache_status_text(enum cl_cache_status status);

void cl_report_init(struct cl_report *rep);
void cl_report_free(struct cl_report *rep);

/* One line per problem ("missing-library: /lib/libfoo.so.1 needed by
 * /usr/bin/x: ..."), then a summary line. */
void cl_report_print_text(FILE *out, const struct cl_report *rep);
/* {"ok": bool, "checked": [...], "problems": [{"kind", "object", "needed_by", "detail"}]} */
void cl_report_print_json(FILE *out, const struct cl_report *rep);

#endif
