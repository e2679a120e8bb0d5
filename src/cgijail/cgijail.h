/* cgijail: one request, and the steps that check and run it.
 * main.c holds the whole request path; each step below lives in the file
 * named beside it and either succeeds or refuses (log line, exit code). */
#ifndef CJ_CGIJAIL_H
#define CJ_CGIJAIL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cj_exit.h"
#include "cl_trace.h"
#include "closure.h"
#include "config.h"
#include "tnames.h"

#define CJ_MAX_GROUPS 256
#define CJ_NAME_MAX 256

enum mode { MODE_RUN, MODE_DRY_RUN, MODE_VERSION };

#define CJ_NSS_SOURCES 3
/* What NSS answered for one request (nsscache.c): kept in a root-owned
 * file, written by cgijail as root. */
struct cj_nss_record {
	uint32_t magic, version;
	struct cl_trace_rec src[CJ_NSS_SOURCES]; /* /etc/passwd, group, nsswitch.conf */
	int64_t stored;
	uint64_t caller_uid;                 /* the question */
	char user_arg[CJ_NAME_MAX], group_arg[CJ_NAME_MAX], supervisor_arg[64];
	char caller[CJ_NAME_MAX], user[CJ_NAME_MAX], group[CJ_NAME_MAX], home[PATH_MAX];
	uint64_t uid, gid, user_gid, sv_uid, sv_gid; /* sv_uid 0: not looked up */
	int32_t ngroups;                     /* -1: the groups were not looked up */
	uint32_t groups[CJ_MAX_GROUPS];      /* as getgrouplist() gave them */
};

struct request {
	enum mode mode;
	bool json;
	int argc;             /* of what follows the options: UID GID CMD ARGS */
	char **argv;
	const char *cmd;
	char **cgi_argv;      /* CMD ARGS..., passed to the program */
	char **caller_env;    /* the environment we were started with, set aside */

	struct cj_config cfg;
	const struct cj_policy *pol; /* the target's: cfg.defaults, or user_pol */
	struct cj_policy user_pol;     /* the defaults with [user:NAME] applied */
	unsigned link_objects; /* objects in our link map before chroot */

	uid_t caller_uid;
	char caller[CJ_NAME_MAX];

	bool userdir;          /* "~UID" form */
	uid_t uid;
	gid_t gid;
	gid_t user_gid;        /* the target user's own group (passwd) */
	char user[CJ_NAME_MAX];
	char group[CJ_NAME_MAX];
	char home[PATH_MAX];
	gid_t groups[CJ_MAX_GROUPS];
	int ngroups;

	char jail[PATH_MAX];   /* expanded jail root, "" when none */
	int jail_fd;
	char cwd[PATH_MAX];    /* host path, as seen by the target */
	char docroot[PATH_MAX];
	int cwd_fd;
	struct stat cwd_st;
	int prog_fd;           /* readable fd of the checked program */
	struct stat prog_st;
	bool prog_is_script;
	char cwd_in_jail[PATH_MAX];
	char prog_in_jail[PATH_MAX];

	/* The caller's limits that could break cgijail itself (start.c): lifted
	 * while it works, given back to the CGI unless configured. */
	struct rlimit caller_limits[LIM_COUNT];
	bool own_limit[LIM_COUNT];
	bool lifted[LIM_COUNT]; /* ... and of those, the ones it changed */
	char **cgi_env;
	int log_fd;
	struct cl_report closure;
	bool closure_ran;
	int cache_dir_fd;      /* CJ_CACHE_DIR, checked once (cachedir.c); -1: not open */
	int cache_fd;          /* the target's check cache file, opened as root; -1: none */
	char cache_note[160];  /* why there is none (dry run) */
	void *seccomp;         /* the filter built before chroot, loaded before exec */
	const struct cj_prebuilt_filter *seccomp_prebuilt; /* or one compiled at build time */
	pid_t pid;             /* ours, as Apache knows it: in every log line */
	pid_t child;           /* the CGI, seen from the supervisor; 0 in the CGI */
	bool supervised;       /* in the CGI's process, under a supervisor */
	uid_t sv_uid;          /* the supervisor's own user (supervisor_user) */
	gid_t sv_gid;
	int supervisor_pipe[2];
	struct cj_nss_record nss; /* NSS's answers from the last such request */
	bool nss_hit;           /* ... valid: no lookup this time */
	gid_t nss_groups[CJ_MAX_GROUPS]; /* getgrouplist()'s answer, unfiltered */
	int nss_ngroups;        /* -1: not looked up */
	char template_gen[CJ_TEMPLATE_GEN_MAX];  /* the template generation of a thin jail, "" */
	char trusted[48];       /* where it lies inside the jail, for the check */
	int template_tree;      /* bind mode: the clone of its tree, to mount */
};

/* The whole request (main.c) and, in stack.c, where it runs: on the main
 * stack, or on one of cgijail's own when the caller's RLIMIT_STACK is too
 * small and cannot be raised. */
typedef void (*request_fn)(struct request *rq, int argc, char **argv, char **envp);
void run_with_stack_room(request_fn run, struct request *rq, int argc, char **argv, char **envp)
	__attribute__((noreturn));

/* log.c: the one log line per request, refusals, the dry-run report */
void log_open(struct request *rq);
void log_accept(struct request *rq);
void refuse(struct request *rq, int code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
/* dry-run: record a check that passed (no-op in a real run) */
void passed(struct request *rq, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void finish_dry_run(struct request *rq) __attribute__((noreturn));
/* the supervisor killed the CGI: the second log line, and one on stderr */
void log_timeout(struct request *rq);

/* start.c: process state before anything else runs */
void start_clean(struct request *rq, char **envp);
void require_setuid_root(struct request *rq);
void load_config(struct request *rq);

/* linkmap.c: nothing bound lazily, nothing loaded after chroot */
void require_bound_link_map(struct request *rq);
void record_link_map(struct request *rq);
void require_link_map_unchanged(struct request *rq);

/* cachedir.c: CJ_CACHE_DIR (and NAME below it, shown as SHOWN), walked and
 * checked once per request, created when CREATE; -1 with WHY. Closed by
 * close_cache_dir() before the jail is entered. */
int cache_dir(struct request *rq, bool create, char *why, size_t whylen);
int cache_subdir(struct request *rq, const char *name, const char *shown, bool create, char *why,
		 size_t whylen);
void close_cache_dir(struct request *rq);
/* whether ST changed too lately for what was read from it to be kept */
bool changed_lately(const struct stat *st);

/* keptconfig.c: the parsed and checked config kept for the next request */
bool load_kept_config(struct request *rq, const struct stat *conf);
void store_kept_config(struct request *rq, const struct stat *conf);

/* nsscache.c: NSS's answers kept for the next request, root's file */
void load_nss_answers(struct request *rq);
void store_nss_answers(struct request *rq);

/* request.c: argv, caller, target */
void parse_options(struct request *rq, int argc, char **argv);
void identify_caller(struct request *rq);
void print_version(struct request *rq) __attribute__((noreturn));
void require_caller(struct request *rq);
void require_arguments(struct request *rq);
void check_command(struct request *rq);
void lookup_target(struct request *rq);
void check_target_ids(struct request *rq);

/* jail.c: jail root, cwd inside it, chroot */
void open_jail_root(struct request *rq);
void require_cwd_in_jail(struct request *rq);
void enter_jail(struct request *rq);
void enter_cwd_in_jail(struct request *rq);

/* policy.c: suexec's file checks, made with the target's rights */
void get_cwd(struct request *rq);
void resolve_docroot(struct request *rq);
void require_cwd_in_docroot(struct request *rq);
void check_directory(struct request *rq);
void check_program(struct request *rq);

/* privs.c */
void become_target_temporarily(struct request *rq);
void return_to_root(struct request *rq);
/* while root: hard limits (may be raised) and nice */
void set_hard_limits(struct request *rq);
void drop_privileges(struct request *rq);
/* the supervisor: real and saved uid its own user's, effective the target's */
void drop_to_supervisor(struct request *rq);
/* last, as the target: soft limits and umask */
void set_soft_limits(struct request *rq);

/* namespaces.c: as root, before chroot; private /proc and /tmp after it */
void enter_namespaces(struct request *rq);
void mount_private_dirs(struct request *rq);

/* supervise.c: with a timeout or a pid namespace, a parent that waits for
 * the CGI (chrooted, unprivileged) and passes on its exit status */
void lookup_supervisor_user(struct request *rq);
void start_supervisor(struct request *rq);
void bind_to_supervisor(struct request *rq);

/* closure.c: the jail library check, run after the drop; its cache file is
 * opened as root before chroot */
void open_check_cache(struct request *rq);
void check_closure(struct request *rq);

/* seccomp.c */
void build_seccomp_filter(struct request *rq);
void load_seccomp_filter(struct request *rq);
void print_seccomp_policy(FILE *out, const struct cj_policy *pol);

/* environ.c */
void build_environment(struct request *rq);

/* template.c: a thin jail's generation, opened as root before chroot and
 * (template_mode = bind) mounted in the CGI's mount namespace */
void open_template(struct request *rq);
void mount_template(struct request *rq);

/* exec.c: under script_exec = fd, a script's /dev/fd/N must lead to it in
 * the jail; then exec exactly what was checked */
void require_script_fd_in_jail(struct request *rq);
void exec_program(struct request *rq) __attribute__((noreturn));

#endif
