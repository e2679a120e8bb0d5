#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailfs.h"
#include "tmptree.h"

void tmptree_new(char *out, size_t outlen)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(out, outlen, "%s/cjctl-test.XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
	assert_non_null(mkdtemp(out));
	assert_int_equal(chmod(out, 0755), 0);
}

int tmptree_jail(char *top, size_t toplen, char *jail, size_t jaillen)
{
	tmptree_new(top, toplen);
	snprintf(jail, jaillen, "%s/jail", top);
	tmptree_dir(top, "jail", 0755);
	return jfs_open_root(jail);
}

static void mkdirs(const char *path, unsigned mode)
{
	char buf[4096];

	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0)
			assert_int_equal(errno, EEXIST);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0)
		assert_int_equal(errno, EEXIST);
	assert_int_equal(chmod(buf, mode), 0);
}

void tmptree_dir(const char *dir, const char *rel, unsigned mode)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	mkdirs(path, mode);
}

void tmptree_file(const char *dir, const char *rel, const char *content, unsigned mode)
{
	char path[4096], parent[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	snprintf(parent, sizeof parent, "%s", path);
	*strrchr(parent, '/') = '\0';
	mkdirs(parent, 0755);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

void tmptree_remove(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
