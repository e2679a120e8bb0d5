/* The names in /etc/ld.so.preload, read as glibc 2.36's loader reads them
 * (preload.c). */
#ifndef CL_PRELOAD_H
#define CL_PRELOAD_H

#include <stddef.h>

#define CL_PRELOAD_MAX_FILE (1 << 20) /* bytes of the file read */
#define CL_PRELOAD_MAX_NAMES 256      /* names loaded */

/* Called with each name, in order; returns 0 when the name counts. */
typedef int (*cl_preload_fn)(const char *name, void *arg);

/* Call FN for each name in BUF (LEN bytes, the whole file, not
 * NUL-terminated). Returns how many names counted. */
size_t cl_preload_parse(const char *buf, size_t len, cl_preload_fn fn, void *arg);

#endif
