/* Thin jails: attaching a jail to a template generation. See thin.h. */
#include "thin.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailfs.h"
#include "tstore.h"

#define MOUNT_POINT ".template"
#define FARMS ".gens"
#define TARGET_ROOT "/.template"
#define MAX_DEPTH 32


static int open_dir_at(int dirfd, const char *name)
{
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* A directory of the jail root may wire into: only root can change it. */
static bool root_only(int dirfd)
{
	struct stat st;

	return fstat(dirfd, &st) == 0 && st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* ---- link mode: the farm ---- */

static int farm_entry(int src, int dst, const char *name, int depth, struct thin_result *r);

static int farm_dir(int src, int dst, int depth, struct thin_result *r)
{
	DIR *d = jfs_opendir(src);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return -1;
	while (rc == 0 && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			rc = farm_entry(src, dst, e->d_name, depth, r);
	closedir(d);
	return rc;
}

/* NAME of SRC (the generation) into DST (the farm): a directory of the
 * jail's own, a hard link, or a copy of a symlink. */
static int farm_entry(int src, int dst, const char *name, int depth, struct thin_result *r)
{
	char target[4096];
	struct stat st;
	ssize_t n;
	int s, d, rc;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (S_ISREG(st.st_mode)) {
		if (linkat(src, name, dst, name, 0) < 0 && errno != EEXIST)
			return -1;
		r->linked++;
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(src, name, target, sizeof target - 1);
		if (n < 0)
			return -1;
		target[n] = '\0';
		return symlinkat(target, dst, name) < 0 && errno != EEXIST ? -1 : 0;
	}
	if (!S_ISDIR(st.st_mode) || depth >= MAX_DEPTH) {
		errno = EINVAL;
		return -1;
	}
	if (mkdirat(dst, name, st.st_mode & 0755) < 0 && errno != EEXIST)
		return -1;
	s = open_dir_at(src, name);
	d = open_dir_at(dst, name);
	rc = s < 0 || d < 0 ? -1 : farm_dir(s, d, depth + 1, r);
	if (s >= 0)
		close(s);
	if (d >= 0)
		close(d);
	return rc;
}

static int fsync_dir(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = fd < 0 ? -1 : fsync(fd);

	if (fd >= 0)
		close(fd);
	return rc;
}

/* JAIL/.gens/GEN, built aside and renamed into place when whole. */
static int build_farm(int jailfd, int genroot, const char *gen, struct thin_result *r, char *why,
		      size_t len)
{
	char tmp[TSTORE_GEN_MAX + 16];
	int farms, dst, rc;

	if (mkdirat(jailfd, FARMS, 0755) < 0 && errno != EEXIST)
		goto fail;
	farms = open_dir_at(jailfd, FARMS);
	if (farms < 0 || !root_only(farms)) {
		if (farms >= 0)
			close(farms);
		snprintf(why, len, "/%s is not a root-owned directory", FARMS);
		return -1;
	}
	if (faccessat(farms, gen, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		close(farms);
		return 0;
	}
	snprintf(tmp, sizeof tmp, ".tmp-%s", gen);
	(void)tstore_remove_tree(farms, tmp);
	rc = mkdirat(farms, tmp, 0755) < 0 ? -1 : 0;
	dst = rc < 0 ? -1 : open_dir_at(farms, tmp);
	rc = dst < 0 ? -1 : farm_dir(genroot, dst, 0, r);
	if (dst >= 0)
		close(dst);
	if (rc == 0 && (renameat(farms, tmp, farms, gen) < 0 || fsync_dir(farms) < 0))
		rc = -1;
	if (rc < 0) {
		int err = errno;
		(void)tstore_remove_tree(farms, tmp);
		errno = err;
	}
	close(farms);
	if (rc == 0) {
		(void)strlist_addf(&r->changed, "linked /%s/%s", FARMS, gen);
		return 0;
	}
fail:
	snprintf(why, len, "/%s/%s: %s", FARMS, gen,
		 errno == EXDEV ? "the template store is on another file system than the jail "
				  "(template_mode = link needs one file system; use bind)" : strerror(errno));
	return -1;
}

/* /.template -> .gens/GEN, by rename(2) of a new symlink over it. */
static int point_at_farm(int jailfd, const char *gen, struct thin_result *r, char *why, size_t len)
{
	char target[TSTORE_GEN_MAX + 16], now[TSTORE_GEN_MAX + 16];
	struct stat st;
	ssize_t n;

	snprintf(target, sizeof target, "%s/%s", FARMS, gen);
	n = readlinkat(jailfd, MOUNT_POINT, now, sizeof now - 1);
	if (n >= 0 && (now[n] = '\0', !strcmp(now, target)))
		return 0;
	/* A bind-mode jail becomes a link-mode one: its empty mount point goes. */
	if (fstatat(jailfd, MOUNT_POINT, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
	    unlinkat(jailfd, MOUNT_POINT, AT_REMOVEDIR) < 0)
		goto fail;
	(void)unlinkat(jailfd, MOUNT_POINT ".tmp", 0);
	if (symlinkat(target, jailfd, MOUNT_POINT ".tmp") < 0 ||
	    renameat(jailfd, MOUNT_POINT ".tmp", jailfd, MOUNT_POINT) < 0 || fsync_dir(jailfd) < 0)
		goto fail;
	(void)strlist_addf(&r->changed, "made /%s -> %s", MOUNT_POINT, target);
	return 0;
fail:
	snprintf(why, len, "/%s: %s", MOUNT_POINT, strerror(errno));
	return -1;
}

/* ---- bind mode: the mount point ---- */

static int make_mount_point(int jailfd, struct thin_result *r, char *why, size_t len)
{
	struct stat st;

	if (fstatat(jailfd, MOUNT_POINT, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode) && st.st_uid == 0 && !(st.st_mode & 022))
			return 0;
		/* A link-mode jail becomes a bind-mode one. */
		if (!S_ISLNK(st.st_mode) || unlinkat(jailfd, MOUNT_POINT, 0) < 0) {
			snprintf(why, len, "/%s is neither the mount point nor our symlink", MOUNT_POINT);
			return -1;
		}
	}
	if (mkdirat(jailfd, MOUNT_POINT, 0755) < 0 || fchownat(jailfd, MOUNT_POINT, 0, 0, AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(why, len, "/%s: %s", MOUNT_POINT, strerror(errno));
		return -1;
	}
	(void)strlist_addf(&r->changed, "made /%s (%s)", MOUNT_POINT, "the mount point of the template");
	return 0;
}

/* ---- wiring ---- */

static bool is_ours(const char *link_target, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(link_target, prefix, n) && link_target[n] == '/';
}

static int wire_dir(int jdir, int gdir, const char *path, int depth, struct thin_result *r);

static int wire_entry(int jdir, int gdir, const char *path, const char *name, int depth,
		      struct thin_result *r)
{
	char target[4096], where[4096];
	struct stat js, gs;
	int rc = 0;

	snprintf(where, sizeof where, "%s/%s", path, name);
	snprintf(target, sizeof target, "%s%s", TARGET_ROOT, where);
	if (fstatat(jdir, name, &js, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT || symlinkat(target, jdir, name) < 0)
			return -1;
		(void)strlist_addf(&r->changed, "made %s -> %s", where, target);
		return 0;
	}
	/* Ours already, or the jail's own. */
	if (S_ISLNK(js.st_mode))
		return 0;
	if (S_ISDIR(js.st_mode) && depth < MAX_DEPTH && fstatat(gdir, name, &gs, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(gs.st_mode)) {
		int j = open_dir_at(jdir, name), g = open_dir_at(gdir, name);

		if (j >= 0 && g >= 0 && root_only(j))
			rc = wire_dir(j, g, where, depth + 1, r);
		if (j >= 0)
			close(j);
		if (g >= 0)
			close(g);
	}
	return rc;
}

/* Symlinks of ours in JDIR whose name the generation no longer has. */
static int unwire_stale(int jdir, int gdir, const char *path, struct thin_result *r)
{
	DIR *d = jfs_opendir(jdir);
	char prefix[4096], now[4096], where[4200];
	struct dirent *e;
	int rc = 0;

	if (!d)
		return -1;
	snprintf(prefix, sizeof prefix, "%s%s", TARGET_ROOT, path);
	while ((e = readdir(d))) {
		ssize_t n = readlinkat(jdir, e->d_name, now, sizeof now - 1);

		if (n < 0)
			continue;
		now[n] = '\0';
		if (!is_ours(now, prefix) || faccessat(gdir, e->d_name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		snprintf(where, sizeof where, "%s/%s", path, e->d_name);
		if (unlinkat(jdir, e->d_name, 0) < 0)
			rc = -1;
		else
			(void)strlist_addf(&r->changed, "removed %s -> %s", where, now);
	}
	closedir(d);
	return rc;
}

static int wire_dir(int jdir, int gdir, const char *path, int depth, struct thin_result *r)
{
	DIR *d = jfs_opendir(gdir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (depth == 0 && (!strcmp(e->d_name, MOUNT_POINT) || !strcmp(e->d_name, FARMS))))
			continue;
		if (wire_entry(jdir, gdir, path, e->d_name, depth, r) < 0)
			rc = -1;
	}
	closedir(d);
	return unwire_stale(jdir, gdir, path, r) < 0 ? -1 : rc;
}

int thin_attach(int jailfd, int genroot, const char *gen, bool link, struct thin_result *r,
		char *why, size_t len)
{
	int rc = link ? build_farm(jailfd, genroot, gen, r, why, len) : make_mount_point(jailfd, r, why, len);

	if (rc == 0 && link)
		rc = point_at_farm(jailfd, gen, r, why, len);
	if (rc == 0 && wire_dir(jailfd, genroot, "", 0, r) < 0) {
		snprintf(why, len, "wiring the jail to the template: %s", strerror(errno));
		rc = -1;
	}
	return rc;
}

int thin_linked_gen(int jailfd, char *gen, size_t len)
{
	char target[TSTORE_GEN_MAX + 16];
	ssize_t n = readlinkat(jailfd, MOUNT_POINT, target, sizeof target - 1);

	if (n < 0)
		return errno == EINVAL || errno == ENOENT ? 0 : -1;
	target[n] = '\0';
	if (strncmp(target, FARMS "/", sizeof FARMS) != 0 || !cj_template_gen_ok(target + sizeof FARMS))
		return 0;
	snprintf(gen, len, "%s", target + sizeof FARMS);
	return 1;
}

int thin_drop_old_farms(int jailfd, struct thin_result *r)
{
	char gen[TSTORE_GEN_MAX], where[TSTORE_GEN_MAX + 16];
	struct strlist farms = { 0 };
	int fd, rc = 0, cur = thin_linked_gen(jailfd, gen, sizeof gen);

	fd = open_dir_at(jailfd, FARMS);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (tstore_generations(fd, &farms) < 0)
		rc = -1;
	for (size_t i = 0; i < farms.n; i++) {
		if (cur == 1 && !strcmp(farms.v[i], gen))
			continue;
		snprintf(where, sizeof where, "/%s/%s", FARMS, farms.v[i]);
		if (tstore_remove_tree(fd, farms.v[i]) < 0)
			rc = -1;
		else
			(void)strlist_addf(&r->changed, "removed %s%s", where, "");
	}
	strlist_free(&farms);
	close(fd);
	return rc;
}

void thin_trusted(int jailfd, char *out, size_t len)
{
	char gen[TSTORE_GEN_MAX];

	out[0] = '\0';
	if (thin_linked_gen(jailfd, gen, sizeof gen) == 1)
		snprintf(out, len, "/%s/%s", FARMS, gen);
	else if (thin_is_thin(jailfd))
		snprintf(out, len, "/%s", MOUNT_POINT);
}

bool thin_is_thin(int jailfd)
{
	return faccessat(jailfd, MOUNT_POINT, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

void thin_result_free(struct thin_result *r)
{
	strlist_free(&r->changed);
}
