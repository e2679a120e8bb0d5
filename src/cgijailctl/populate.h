/* The steps populate shares with init and upgrade. */
#ifndef CTL_POPULATE_H
#define CTL_POPULATE_H

#include "copier.h"
#include "profile.h"
#include "strlist.h"

/* Copy the files, programs (with closures) and trees of SET. */
int populate_profile_set(struct copier *c, const struct profile_set *set);

/* After copying: the NSS modules the jail's nsswitch.conf needs, the
 * jail's ld.so.cache, then a check of every program copied, its problems
 * put in PROBLEMS. Returns CTL_OK, CTL_PROBLEMS or CTL_ERROR. */
int populate_finish(struct copier *c, struct strlist *problems);

#endif
