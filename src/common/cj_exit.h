/* Exit codes of cgijail, from the one table in exits.def. */
#ifndef CJ_EXIT_H
#define CJ_EXIT_H

enum cj_exit {
#define X(name, code, text) name = code,
#include "exits.def"
#undef X
};

/* The fixed text of an exit code ("invalid command"); never NULL. */
const char *cj_exit_text(int code);
/* The symbolic name ("CJ_BAD_COMMAND"); never NULL. */
const char *cj_exit_name(int code);

#endif
