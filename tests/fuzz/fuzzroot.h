/* A scratch root for the checker's fuzz targets (fuzz_check, fuzz_cache). */
#ifndef CJ_FUZZROOT_H
#define CJ_FUZZROOT_H

#include <stddef.h>
#include <stdint.h>

/* Make /tmp/cl-fuzz-XXXXXX with /bin, /lib/x86_64-linux-gnu holding the
 * host's libc.so.6 and loader, and /lib64/ld-linux-x86-64.so.2 linking to
 * it; removed at exit. Returns an O_PATH fd of the root; aborts on error. */
int fuzz_root_make(void);

/* Copy the host file SRC to REL in the root (mode 0755). */
void fuzz_root_copy(const char *src, const char *rel);

/* Write DATA to REL in the root (mode 0755). */
void fuzz_root_put(const char *rel, const uint8_t *data, size_t size);

#endif
