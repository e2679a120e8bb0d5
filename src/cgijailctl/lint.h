/* cgijailctl lint: every CGI of a customer's docroot and userdir, and
 * what cgijail would refuse for it.
 *
 * A CGI is a file below the customer's docroot or userdir (the config's
 * docroot and userdir, expanded for the customer) that Apache may hand to
 * cgijail: every entry but a directory (or a .ht* file) inside a directory
 * named cgi-bin or below one (a ScriptAlias runs whatever is requested
 * there), and elsewhere a file named *.cgi, *.pl, *.py, *.rb, *.sh or
 * *.fcgi (AddHandler cgi-script, fcgid-script), or *.php with an execute
 * bit (a #! PHP CGI; a PHP page that a wrapper runs is not one). Symlinked
 * directories are not followed. */
#ifndef CTL_LINT_H
#define CTL_LINT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "config.h"
#include "strlist.h"

#define LINT_MAX_ENTRIES 500000 /* directory entries looked at per customer */
#define LINT_MAX_DEPTH 64

struct lint_cgi {
	char *path;             /* on the host */
	char *name;             /* the command, as Apache passes it */
	const char *site;       /* "docroot" or "userdir" */
	struct stat st;         /* lstat */
	struct stat dir_st;     /* of its directory */
	int code;               /* CJ_OK, or the exit code cgijail refuses it with */
	char *reason;           /* the refusal's reason, as cgijail logs it */
	struct strlist problems; /* every finding of the jail library check */
};

struct lint_user {
	char name[256];
	uid_t uid;
	gid_t gid;              /* the primary group: the request's group */
	char group[256];        /* its name */
	char home[PATH_MAX];
	struct cj_policy pol;
	char jail[PATH_MAX];    /* expanded jail_root, "" when none */
	char trusted[64];       /* a thin jail: its template, as cgijail trusts it */
	char docroot[PATH_MAX]; /* real paths, "" when absent */
	char userdir[PATH_MAX];
	int code;               /* a refusal of every CGI (ids, jail), or CJ_OK */
	char reason[2048];
	struct lint_cgi *cgis;
	size_t n, cap;
	size_t broken;
	size_t entries;         /* directory entries looked at */
	char error[1024];       /* why the customer could not be linted, or "" */
};

/* lint_walk.c: the CGIs below SITE (a real path) into U; SITE_KIND names
 * it. 0, or -1 with the reason in u->error. */
int lint_walk_site(struct lint_user *u, const char *site, const char *site_kind);
void lint_user_free(struct lint_user *u);

/* lint_check.c: U (name set) looked up and checked as cgijail would
 * check each of its CGIs; 0, or -1 with the reason in u->error. */
int lint_check_user(struct lint_user *u, const struct cj_config *cfg);

/* lint_out.c */
enum lint_format { LINT_TEXT, LINT_JSON, LINT_PROM };
void lint_print(FILE *out, enum lint_format format, const struct lint_user *users, size_t n);

#endif
