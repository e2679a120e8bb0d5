/* Output shared by the subcommands: text lines or one JSON object. */
#ifndef CTL_OUT_H
#define CTL_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "copier.h"
#include "strlist.h"

/* "KEY": ["a", "b"] (without a leading comma). */
void out_json_list(FILE *out, const char *key, const struct strlist *l);

/* What a copier did, as JSON members ("copied", "identical", "errors",
 * "problems"), or as text lines (each copied path, then errors, problems,
 * and a summary "populate: N copied, M identical"). */
void out_copier(FILE *out, bool json, const struct copier *c, const struct strlist *problems);

/* Print "cgijailctl CMD: must be run as root" and return false unless euid 0. */
bool out_require_root(const char *cmd);

#endif
