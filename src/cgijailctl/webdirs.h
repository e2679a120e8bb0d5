/* cgijailctl init: the customer's web directories, where cgijail.conf puts
 * them -- the cgi-bin of the docroot, and public_html/cgi-bin (the userdir)
 * in the customer's home -- each only when it lies inside the jail. */
#ifndef CTL_WEBDIRS_H
#define CTL_WEBDIRS_H

#include <stddef.h>

#include "strlist.h"

/* Make or fix them in the jail ROOTFD (whose host path is JAIL) for USER,
 * as the compiled-in config says (cgijail's defaults when there is none):
 * owned by USER, 0755; a docroot made here is root's, 0755. Adds "created
 * PATH" or "fixed PATH" to CHANGED, counts the ones already right in
 * *UNCHANGED. Returns 0, or -1 after saying why on stderr. */
int webdirs_make(int rootfd, const char *jail, const char *user, struct strlist *changed,
		 size_t *unchanged);

#endif
