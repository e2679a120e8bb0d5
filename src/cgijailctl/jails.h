/* The configured jails, for --all: jail_root of cgijail.conf expanded for
 * every user cgijail would serve (uid >= min_uid, [user:NAME] overrides
 * applied) whose jail directory exists. No list to keep in step: a jail
 * counts when its user does. */
#ifndef CTL_JAILS_H
#define CTL_JAILS_H

#include <stddef.h>

#include "strlist.h"

/* Fill PATHS with each jail (once; a shared jail under its first user)
 * and USERS with that user. Returns 0, or -1 with the reason in WHY. */
int jails_from_config(const char *config, struct strlist *paths, struct strlist *users,
		      char *why, size_t whylen);

/* The same, only the jails whose user's policy takes template NAME; MODES
 * gets "bind" or "link" for each. CONFIG NULL: the compiled-in config. */
int jails_of_template(const char *config, const char *name, struct strlist *paths,
		      struct strlist *users, struct strlist *modes, char *why, size_t whylen);

/* The user whose jail ROOTFD is (the same directory, by device and
 * inode) in CONFIG (NULL: the compiled-in config, which need not exist).
 * 1 with the name in USER, 0 when no user has it, -1 with the reason in
 * WHY when the config cannot be read. */
int jails_user_of(int rootfd, const char *config, char *user, size_t userlen, char *why,
		  size_t whylen);

/* Every user whose jail ROOTFD is (by device and inode) in CONFIG (NULL:
 * the compiled-in one, which need not exist), added to USERS: a jail
 * several users share has them all. 0, or -1 with the reason in WHY. */
int jails_users_of(int rootfd, const char *config, struct strlist *users, char *why,
		   size_t whylen);

/* The compiled-in config file path. */
const char *jails_default_config(void);

#endif
