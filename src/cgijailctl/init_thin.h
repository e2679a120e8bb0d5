/* cgijailctl init --template: a thin jail on a template (thin.h). */
#ifndef CTL_INIT_THIN_H
#define CTL_INIT_THIN_H

#include <stdbool.h>

#include "strlist.h"

/* Whether the profile directory PATH is one the template provides (the
 * merged /usr), not one a thin jail makes itself. */
bool init_from_template(const char *path);

/* Attach the jail ROOTFD to the current generation of template NAME in the
 * store of CONFIG (NULL: the compiled-in one), in link or bind mode; what
 * changed goes to CHANGED. CTL_OK, or CTL_ERROR with a message on stderr. */
int init_attach_template(int rootfd, const char *config, const char *name, bool link,
			 struct strlist *changed);

#endif
