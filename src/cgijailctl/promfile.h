/* Writing a node_exporter textfile (or any small file) atomically. */
#ifndef CTL_PROMFILE_H
#define CTL_PROMFILE_H

#include <stddef.h>
#include <stdio.h>

/* Replace PATH with the LEN bytes of BUF, mode 0644: a temporary file in
 * the same directory, fsync, rename. 0, or -1 with errno. */
int write_file_atomic(const char *path, const char *buf, size_t len);

/* Print S as a Prometheus label value (without the quotes). */
void prom_label_value(FILE *out, const char *s);

#endif
