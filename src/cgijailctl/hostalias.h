/* The jail's own host path, made a name of its root inside the jail.
 *
 * A FastCGI server (mod_fcgid) hands its responder, with every request, the
 * paths Apache sees: SCRIPT_FILENAME=/srv/jails/alice/var/www/html/x.php.
 * cgijail rewrites such paths only in a plain CGI's environment; it never
 * reads FastCGI traffic. Inside the jail, the symlink
 *
 *     JAIL/srv/jails/alice -> ../..
 *
 * makes those paths lead where Apache meant: /srv/jails/alice/var/www is
 * /var/www. The target is relative, so that on the host the link leads to
 * the jail itself, never to the host's root. */
#ifndef CTL_HOSTALIAS_H
#define CTL_HOSTALIAS_H

#include <stddef.h>

/* The alias of the jail JAIL (its absolute path on the host): *LINK, its
 * path inside the jail (JAIL without empty and "." components), and
 * *TARGET, one ".." per directory above it ("." for a jail at "/x").
 * -1 with errno EINVAL when JAIL is "/", relative or has "..", ENAMETOOLONG
 * when a buffer is too small. */
int hostalias_paths(const char *jail, char *link, size_t llen, char *target, size_t tlen);

/* Make the alias of JAIL in the jail open as ROOTFD: missing directories on
 * its way root-owned 0755, never through a symlink. 1 when it was made or
 * corrected, 0 when it was there, -1 with errno: EEXIST when something
 * other than a symlink has its name, ELOOP when a symlink is on its way. */
int hostalias_make(int rootfd, const char *jail);

/* hostalias_make() for cgijailctl init: a failure is reported on stderr. */
int hostalias_init(int rootfd, const char *jail);

#endif
