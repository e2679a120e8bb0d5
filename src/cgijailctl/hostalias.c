/* The jail's own host path inside the jail: see hostalias.h. */
#include "hostalias.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailfs.h"

/* Append the component [P, P+N) to OUT as "/COMPONENT". */
static int append_component(char *out, size_t len, size_t *used, const char *p, size_t n)
{
	if (*used + 1 + n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	out[(*used)++] = '/';
	memcpy(out + *used, p, n);
	*used += n;
	out[*used] = '\0';
	return 0;
}

int hostalias_paths(const char *jail, char *link, size_t llen, char *target, size_t tlen)
{
	size_t used = 0, depth = 0, t = 0;

	if (jail[0] != '/' || llen == 0 || tlen < 2) {
		errno = EINVAL;
		return -1;
	}
	link[0] = '\0';
	for (const char *p = jail; *p;) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			errno = EINVAL;
			return -1;
		}
		if (n && !(n == 1 && p[0] == '.')) {
			if (append_component(link, llen, &used, p, n) < 0)
				return -1;
			depth++;
		}
		p += n;
	}
	if (depth == 0) {
		errno = EINVAL;
		return -1;
	}
	/* One ".." for each directory the link lies in: DEPTH - 1 of them. */
	snprintf(target, tlen, ".");
	for (size_t i = 1; i < depth; i++) {
		const char *step = i == 1 ? ".." : "/..";
		size_t n = strlen(step);

		if (t + n >= tlen) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(target + t, step, n + 1);
		t += n;
	}
	return 0;
}

int hostalias_make(int rootfd, const char *jail)
{
	char link[4096], target[4096], parent[4096];
	const char *name;
	struct stat st;
	int pfd, rc;

	if (hostalias_paths(jail, link, sizeof link, target, sizeof target) < 0 ||
	    jfs_split(link, parent, sizeof parent, &name) < 0)
		return -1;
	/* A symlink on the way would put the link elsewhere than its
	 * relative target counts from. */
	pfd = jfs_mkdirs_nolinks(rootfd, parent, 0755, 0, 0, NULL);
	if (pfd < 0)
		return -1;
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISLNK(st.st_mode)) {
		close(pfd);
		errno = EEXIST;
		return -1;
	}
	rc = jfs_symlink(pfd, name, target);
	close(pfd);
	return rc;
}

int hostalias_init(int rootfd, const char *jail)
{
	int rc = hostalias_make(rootfd, jail);

	if (rc < 0)
		fprintf(stderr, "cgijailctl init: %s: %s: %s\n", jail,
			errno == EEXIST ? "inside the jail, this name is taken by a file or directory; "
					  "it must be a symlink to / (the host-path alias, cgijailctl(8))"
					: "cannot make the host-path alias inside the jail (no symlink may be on its way)",
			strerror(errno));
	return rc;
}
