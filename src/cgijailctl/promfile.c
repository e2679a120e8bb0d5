#include "promfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jailfs.h"

int write_file_atomic(const char *path, const char *buf, size_t len)
{
	char dir[4096];
	const char *name = strrchr(path, '/');
	struct jfs_src src = { .fd = -1, .buf = buf, .len = len };
	int dfd, rc;

	if (!name) {
		snprintf(dir, sizeof dir, ".");
		name = path;
	} else {
		snprintf(dir, sizeof dir, "%.*s", name == path ? 1 : (int)(name - path), path);
		name++;
	}
	if (!*name) {
		errno = EISDIR;
		return -1;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	rc = jfs_install(dfd, name, &src, 0644, geteuid(), getegid());
	close(dfd);
	return rc < 0 ? -1 : 0;
}

void prom_label_value(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}
