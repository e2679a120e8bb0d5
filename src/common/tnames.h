/* Names in the template store (cgijailctl(8), TEMPLATES AND THIN JAILS):
 * a template's, as the config and the command line give it, and a
 * generation's, as the store's "current" and a link-mode jail's
 * /.template symlink name it. cgijail and cgijailctl accept the same. */
#ifndef CJ_TNAMES_H
#define CJ_TNAMES_H

#include <stdbool.h>

#define CJ_TEMPLATE_NAME_MAX 64 /* bytes, the NUL included */
#define CJ_TEMPLATE_GEN_MAX 32

/* [a-z0-9][a-z0-9._-]*, shorter than CJ_TEMPLATE_NAME_MAX. */
bool cj_template_name_ok(const char *name);

/* "g", then digits, a-f, 'T', 'Z' and '-' (UTC time and random, as
 * cgijailctl makes them), shorter than CJ_TEMPLATE_GEN_MAX. */
bool cj_template_gen_ok(const char *gen);

#endif
