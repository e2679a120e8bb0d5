/* cgijail.conf: an ini file read with iniparser. See cgijail.conf.5. */
#ifndef CJ_CONFIG_H
#define CJ_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

enum cj_limit_id { LIM_CPU, LIM_AS, LIM_DATA, LIM_STACK, LIM_NPROC, LIM_NOFILE,
		   LIM_FSIZE, LIM_CORE, LIM_COUNT };

struct cj_limit {
	bool set;
	rlim_t soft, hard;
};

enum cj_check_level { CHECK_OFF, CHECK_FILES, CHECK_FULL };

/* What applies to one target user: [cgijail] and [limits], then [user:NAME]. */
struct cj_policy {
	char jail_root[PATH_MAX];  /* pattern (%u, %U); "" when no jail */
	bool require_jail;
	char docroot[PATH_MAX];    /* pattern (%u, %U) */
	char userdir[256];         /* relative to the user's home */
	char safe_path[1024];
	mode_t umask;
	bool nice_set;             /* false: the CGI keeps the caller's nice value */
	int nice;
	bool bind_now;
	enum cj_check_level check;
	bool check_cache;          /* serve unchanged closures from the check cache */
	bool check_modules;        /* the interpreter's extension modules too (--deep) */
	uint32_t seccomp_deny;     /* SG_BIT()s of the denied groups; 0: no filter */
	char seccomp_name[PATH_MAX]; /* default, strict, off or the policy file */
	bool seccomp_kill;         /* seccomp_action = kill; else EPERM */
	int namespaces;            /* CLONE_NEW* flags; 0: none */
	unsigned timeout;          /* wall-clock seconds; 0: none */
	bool supplementary_groups; /* the target's other groups (NSS: getgrouplist) */
	bool script_exec_fd;       /* script_exec = fd: a #! script is exec'd by its fd */
	char template_name[64];    /* a thin jail on this template; "" when none */
	bool template_link;        /* template_mode = link (hard links); else bind */
	struct cj_limit limits[LIM_COUNT];
};

struct cj_config {
	char caller[64];
	char supervisor_user[64];  /* who the timeout supervisor runs as */
	unsigned nss_cache_ttl;    /* seconds NSS answers are kept; 0: not kept */
	unsigned long min_uid, min_gid;
	char log[PATH_MAX];        /* "" when no log file */
	char template_dir[PATH_MAX]; /* the template store */
	bool syslog;
	struct cj_policy defaults;
	bool reads_other_files;    /* a value named a file the parse read (a seccomp policy) */
	char *users;               /* the [user:NAME] sections (config_table.c); NULL: none */
	size_t users_size;
	/* While the file is parsed only: */
	void *dict;                /* iniparser's dictionary */
	char **user_names;         /* the NAMEs of [user:NAME] as written, sorted */
	size_t n_user_names;
};

/* A [user:NAME] section is named USER_PREFIX NAME. */
#define USER_PREFIX "user:"
#define USER_PREFIX_LEN 5

/* Open PATH (every component root-owned, not group/other-writable), then
 * parse it. Returns CJ_OK or a CJ_CONFIG_* exit code with WHY filled in. */
int cj_config_load(struct cj_config *cfg, const char *path, char *why, size_t whylen);
/* Its first step: CFG set to the defaults, PATH checked, its identity in ST. */
int cj_config_open(struct cj_config *cfg, const char *path, struct stat *st, char *why, size_t whylen);

/* Parse PATH without the ownership checks (cgijailctl, unit tests). */
int cj_config_parse(struct cj_config *cfg, const char *path, char *why, size_t whylen);

/* The policy for USER: defaults overridden by [user:USER], the section
 * whose name is USER exactly. Returns 0, or -1 when it could not be built
 * (the request must then be refused: never run with the defaults instead). */
int cj_policy_for_user(const struct cj_config *cfg, const char *user, struct cj_policy *out)
	__attribute__((warn_unused_result));
/* The same without a copy of the defaults when USER has no section (the
 * common case, and 14 KB written per request): CFG's defaults, or ROOM
 * filled as above; NULL when it could not be built. */
const struct cj_policy *cj_policy_of(const struct cj_config *cfg, const char *user,
				     struct cj_policy *room) __attribute__((warn_unused_result));

/* config_users.c: the [user:NAME] sections as written (iniparser folds case).
 * Read PATH's section lines into CFG; returns CJ_OK or an exit code. */
int cj_user_sections_read(struct cj_config *cfg, const char *path, char *why, size_t len);
void cj_user_sections_free(struct cj_config *cfg);
/* The order of user names: case-folded, then the exact spelling within it
 * (0 for an exact match only). */
int cj_compare_user_names(const char *x, const char *y);

/* config_table.c: the [user:NAME] sections of a parsed file as one block
 * (cfg->users), and the keys of one user's section. */
int cj_user_table_build(struct cj_config *cfg, char *why, size_t len);
/* A block read back from elsewhere: every offset and string inside it. */
bool cj_user_table_valid(const char *table, size_t size);
struct cj_user_keys {
	const char *at, *end;
	bool broken;
};
/* How many sections it holds, and the name of section I (I < that). */
size_t cj_user_table_count(const struct cj_config *cfg);
const char *cj_user_table_name(const struct cj_config *cfg, size_t i);
/* USER's section, the name matched exactly; false when USER has none. */
bool cj_user_table_find(const struct cj_config *cfg, const char *user, struct cj_user_keys *it);
/* Its next key and value, in file order; false at the end (or BROKEN). */
bool cj_user_table_next(struct cj_user_keys *it, const char **key, const char **value);
void cj_user_table_free(struct cj_config *cfg);

void cj_config_free(struct cj_config *cfg);
/* Every string field NUL-terminated, whatever CFG was read from. */
void cj_config_terminate_strings(struct cj_config *cfg);

/* The effective settings, one "key = value" per line (cgijail -V). */
void cj_config_print(FILE *out, const struct cj_config *cfg);

/* The names of the CLONE_NEW* flags in FLAGS (pid, ipc, net, uts, mount),
 * joined by SEP, or "none". */
void cj_namespaces_names(int flags, const char *sep, char *out, size_t len);

const char *cj_limit_name(enum cj_limit_id id);
int cj_limit_resource(enum cj_limit_id id);

#endif
