/* The rules of cgijailctl audit, over a jail directory tree. */
#ifndef CTL_AUDIT_RULES_H
#define CTL_AUDIT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "strlist.h"

enum audit_rule {
	AR_ROOT_PATH,           /* a component of the jail's path not root-owned or writable */
	AR_CUSTOMER_WRITABLE,   /* outside the customer's areas, writable by the customer */
	AR_SETID,               /* a setuid or setgid file */
	AR_DEVICE,              /* a device node other than /dev/null, /dev/zero, /dev/urandom */
	AR_HARDLINK,            /* a file with links outside the jail */
	AR_ESCAPING_SYMLINK,    /* a symlink whose target climbs above the jail's root */
	AR_NO_STICKY,           /* a world-writable directory without the sticky bit */
	AR_SHARED_TMP,          /* /tmp or /var/tmp writable by others than the customer */
	AR_FOREIGN_OWNER,       /* owned by a uid >= min_uid that is not this jail's customer */
	AR_COUNT
};

/* "root-path", "customer-writable", ... */
const char *audit_rule_name(enum audit_rule rule);

struct audit_finding {
	enum audit_rule rule;
	char *path;     /* on the host: JAIL + path inside */
	char *problem;  /* one sentence */
	char *fix;      /* a shell command that fixes it */
};

#define AUDIT_MAX_IDS 256

struct audit_opts {
	uid_t owner;                  /* owner of system files (0; tests use their own uid) */
	uid_t cust_uids[AUDIT_MAX_IDS];
	size_t n_cust_uids;
	gid_t cust_gids[AUDIT_MAX_IDS];
	size_t n_cust_gids;
	struct strlist areas;         /* paths inside the jail the customer may write below */
	int store_fd;                 /* the template store (tstore.h), -1: none. A thin
	                               * jail's /.gens/GEN/PATH may be a hard link to
	                               * TEMPLATE/GEN/root/PATH in it, and to nothing else */
	unsigned long min_uid;        /* uids from here on are customers; 0: foreign-owner off */
};

struct audit_result {
	struct audit_finding *f;
	size_t n, cap;
	size_t scanned;               /* entries looked at */
};

/* Default areas (/tmp, /var/tmp, below /var/www) and owner 0. */
void audit_opts_init(struct audit_opts *o);
void audit_opts_free(struct audit_opts *o);

/* Read the customers from the jail's /etc/passwd and /etc/group: every
 * uid and gid but 0, and each user's home as an area. A file that is not
 * root's alone is not read (a customer could list "/usr" as a home): its
 * owner and group are taken as a customer's instead. 0, or -1. */
int audit_read_customers(int rootfd, struct audit_opts *o);

/* Count UID and GID as this jail's customer's. */
void audit_add_customer(struct audit_opts *o, uid_t uid, gid_t gid);

/* Audit JAIL (its path on the host). Returns 0 when it ran (findings in R,
 * sorted by path), -1 with errno when the jail cannot be read. */
int audit_jail(const char *jail, const struct audit_opts *o, struct audit_result *r);

void audit_result_free(struct audit_result *r);

/* Whether the symlink at PATH (inside the jail) with TARGET climbs above
 * the jail's root, read lexically. */
bool audit_link_escapes(const char *path, const char *target);

#endif
