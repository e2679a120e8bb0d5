/* The programs of a jail: the executable regular files in its bin
 * directories (symlinks are not listed again; their targets are). */
#ifndef CTL_PROGRAMS_H
#define CTL_PROGRAMS_H

#include "strlist.h"

/* Fill OUT (sorted) with paths inside the jail. 0, or -1 on ENOMEM. */
int jail_programs(int rootfd, struct strlist *out);

#endif
