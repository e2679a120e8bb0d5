/* Building a template generation: see tbuild.h.
 *
 * The tree is copied from the host into TDIR/NAME/.build-GEN/root with the
 * copier populate uses (closures, ld.so.cache), then every program of its
 * bin directories is checked inside it as an unprivileged user, as cgijail
 * would check it; only a generation that passes gets its verdict, its name
 * and the "current" link, in that order. */
#include "tbuild.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgijailctl.h"
#include "copier.h"
#include "jailfs.h"
#include "populate.h"
#include "profile.h"
#include "programs.h"
#include "unpriv.h"

#define MAX_SPEC ((size_t)64 * 1024)
#define MAX_MANIFEST ((size_t)64 << 20)

/* NAME in DIRFD: BUF, written and synced before it gets its name. */
static int write_at(int dirfd, const char *name, const char *buf, size_t len)
{
	char tmp[256];
	int fd;

	snprintf(tmp, sizeof tmp, ".%s.tmp", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, buf, len) != (ssize_t)len || fsync(fd) < 0 || close(fd) < 0) {
		(void)unlinkat(dirfd, tmp, 0);
		return -1;
	}
	return renameat(dirfd, tmp, dirfd, name);
}

/* "DEV INO SIZE MTIME_NS CTIME_NS PATH" for each host file copied. */
static char *manifest_of(const struct strlist *copied, size_t *len)
{
	char *buf = NULL;
	FILE *out = open_memstream(&buf, len);

	if (!out)
		return NULL;
	for (size_t i = 0; i < copied->n; i++) {
		struct stat st;

		if (lstat(copied->v[i], &st) < 0)
			continue;
		fprintf(out, "%llu %llu %lld %llu %llu %s\n", (unsigned long long)st.st_dev,
			(unsigned long long)st.st_ino, (long long)st.st_size,
			(unsigned long long)st.st_mtim.tv_sec * 1000000000ULL + (unsigned long long)st.st_mtim.tv_nsec,
			(unsigned long long)st.st_ctim.tv_sec * 1000000000ULL + (unsigned long long)st.st_ctim.tv_nsec,
			copied->v[i]);
	}
	if (fclose(out) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *spec_of(const struct profile_set *set, bool deep, size_t *len)
{
	char *buf = NULL;
	FILE *out = open_memstream(&buf, len);

	if (!out)
		return NULL;
	for (size_t i = 0; i < set->names.n; i++)
		fprintf(out, "profile %s\n", set->names.v[i]);
	fprintf(out, "deep %s\n", deep ? "yes" : "no");
	if (fclose(out) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int load_profiles(const struct tbuild_opts *o, struct profile_set *set, struct tbuild_result *r)
{
	const char *dir = o->profiles_dir ? o->profiles_dir : profile_default_dir();
	char why[1024];

	if (profile_add(set, dir, "base", why, sizeof why) < 0)
		goto bad;
	for (size_t i = 0; i < o->profiles->n; i++)
		if (profile_add(set, dir, o->profiles->v[i], why, sizeof why) < 0)
			goto bad;
	return 0;
bad:
	(void)strlist_add(&r->errors, why);
	return -1;
}

/* The system directories of the profiles (not the customer's: those are
 * every thin jail's own), and what they copy. */
static int copy_profiles(struct copier *c, const struct profile_set *set)
{
	for (size_t i = 0; i < set->list[PROF_DIRS].n; i++) {
		int fd = jfs_mkdirs(c->rootfd, set->list[PROF_DIRS].v[i], 0755, 0, 0, NULL);

		if (fd < 0)
			copier_error(c, set->list[PROF_DIRS].v[i], "cannot make the directory: %s", strerror(errno));
		else
			close(fd);
	}
	c->exclude = &set->list[PROF_EXCLUDE];
	(void)populate_profile_set(c, set);
	(void)copier_sweep_temps(c);
	return copier_ldconfig(c);
}

/* Every program of the generation's bin directories, as cgijail would run
 * it, as c->as: the generation is trusted for every customer after this. */
static int check_generation(struct copier *c, struct tbuild_result *r)
{
	struct strlist programs = { 0 };

	if (jail_programs(c->rootfd, &programs) < 0)
		return -1;
	for (size_t i = 0; i < programs.n; i++)
		(void)strlist_add_unique(&c->programs, programs.v[i]);
	strlist_free(&programs);
	r->programs = c->programs.n;
	return copier_verify(c, &r->problems);
}

static int build_tree(int tfd, const char *build, const char *store, const char *name,
		      const struct profile_set *set, bool deep, struct tbuild_result *r)
{
	char root[8192], why[512], *spec, *manifest;
	struct unpriv_user nobody;
	size_t speclen, mlen;
	struct copier c;
	int bfd, rc;

	/* The check runs as "nobody" (not as root: rule of the house). */
	if (geteuid() == 0 && unpriv_user_by_name("nobody", &nobody, why, sizeof why) < 0) {
		(void)strlist_add(&r->errors, why);
		return -1;
	}
	snprintf(root, sizeof root, "%s/%s/%s/root", store, name, build);
	if (mkdirat(tfd, build, 0755) < 0 || (bfd = openat(tfd, build, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if (mkdirat(bfd, "root", 0755) < 0 || copier_init(&c, root) < 0) {
		close(bfd);
		return -1;
	}
	c.deep = deep;
	c.as = geteuid() == 0 ? &nobody : NULL;
	rc = copy_profiles(&c, set);
	for (size_t i = 0; i < c.errors.n; i++)
		(void)strlist_add(&r->errors, c.errors.v[i]);
	r->copied = c.copied.n;
	spec = spec_of(set, deep, &speclen);
	manifest = manifest_of(&c.copied, &mlen);
	if (rc < 0 || r->errors.n || !spec || !manifest || write_at(bfd, "spec", spec, speclen) < 0 ||
	    write_at(bfd, "manifest", manifest, mlen) < 0)
		rc = -1;
	else
		rc = check_generation(&c, r);
	for (size_t i = r->errors.n; i < c.errors.n; i++)
		(void)strlist_add(&r->errors, c.errors.v[i]);
	free(spec);
	free(manifest);
	copier_free(&c);
	close(bfd);
	return rc;
}

/* The verdict last, then the name, then "current". */
static int make_current(int tfd, const char *build, const char *gen, const struct tbuild_result *r)
{
	char verdict[256];
	int bfd = openat(tfd, build, O_PATH | O_DIRECTORY | O_CLOEXEC), rc;

	if (bfd < 0)
		return -1;
	snprintf(verdict, sizeof verdict, "ok\nprograms %zu\nchecked %lld\n", r->programs,
		 (long long)time(NULL));
	rc = write_at(bfd, "verdict", verdict, strlen(verdict));
	close(bfd);
	if (rc < 0 || renameat(tfd, build, tfd, gen) < 0)
		return -1;
	return tstore_switch(tfd, gen);
}

int tbuild_generation(const struct tstore *s, const struct tbuild_opts *o, struct tbuild_result *r)
{
	struct profile_set set = { 0 };
	char why[1024], build[TSTORE_GEN_MAX + 16];
	int tfd, lock, rc;

	r->gen[0] = '\0';
	tfd = tstore_template(s, o->name, true, why, sizeof why);
	if (tfd < 0) {
		(void)strlist_add(&r->errors, why);
		return CTL_ERROR;
	}
	/* One build, gc or refresh of a template at a time. */
	lock = openat(tfd, ".lock", O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0 || load_profiles(o, &set, r) < 0) {
		if (lock < 0)
			(void)strlist_add(&r->errors, strerror(errno));
		rc = CTL_ERROR;
		goto out;
	}
	tstore_new_gen(r->gen, sizeof r->gen);
	snprintf(build, sizeof build, ".build-%s", r->gen);
	rc = build_tree(tfd, build, s->path, o->name, &set, o->deep, r);
	if (rc == 0 && make_current(tfd, build, r->gen, r) == 0) {
		r->current = true;
		rc = CTL_OK;
	} else {
		if (rc == 0)
			(void)strlist_add(&r->errors, strerror(errno));
		(void)tstore_remove_tree(tfd, build);
		rc = rc > 0 ? CTL_PROBLEMS : CTL_ERROR;
	}
out:
	profile_set_free(&set);
	if (lock >= 0)
		close(lock);
	close(tfd);
	return rc;
}

int tbuild_read_spec(int tfd, const char *gen, struct strlist *profiles, bool *deep)
{
	char *spec = tstore_read(tfd, gen, "spec", MAX_SPEC), *save = NULL, *line;
	int rc = 0;

	if (!spec)
		return -1;
	*deep = true;
	for (line = strtok_r(spec, "\n", &save); line && rc == 0; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "profile ", 8))
			rc = strcmp(line + 8, "base") ? strlist_add(profiles, line + 8) : 0;
		else if (!strcmp(line, "deep yes") || !strcmp(line, "deep no"))
			*deep = !strcmp(line, "deep yes");
		else
			rc = -1;
	}
	free(spec);
	return rc;
}

/* One manifest line, "DEV INO SIZE MTIME_NS CTIME_NS PATH", against the
 * host's file now. */
static bool same_file(const char *line, char *what, size_t len)
{
	unsigned long long f[5];
	const char *p = line;
	char *end;
	struct stat st;

	for (int i = 0; i < 5; i++) {
		f[i] = strtoull(p, &end, 10);
		if (end == p || *end != ' ') {
			snprintf(what, len, "malformed manifest line");
			return false;
		}
		p = end + 1;
	}
	if (p[0] != '/') {
		snprintf(what, len, "malformed manifest line");
		return false;
	}
	if (lstat(p, &st) < 0) {
		snprintf(what, len, "%s: %s", p, strerror(errno));
		return false;
	}
	/* dpkg replaces a file by rename: a new inode; an edit: another mtime. */
	if (st.st_dev != f[0] || st.st_ino != f[1] || (unsigned long long)st.st_size != f[2] ||
	    (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL + (unsigned long long)st.st_mtim.tv_nsec != f[3]) {
		snprintf(what, len, "%s changed on the host", p);
		return false;
	}
	return true;
}

int tbuild_host_unchanged(int tfd, const char *gen, char *what, size_t len)
{
	char *m = tstore_read(tfd, gen, "manifest", MAX_MANIFEST), *save = NULL, *line;
	int rc = 1;

	if (!m)
		return -1;
	for (line = strtok_r(m, "\n", &save); line && rc == 1; line = strtok_r(NULL, "\n", &save))
		if (!same_file(line, what, len))
			rc = 0;
	free(m);
	return rc;
}

void tbuild_result_free(struct tbuild_result *r)
{
	strlist_free(&r->problems);
	strlist_free(&r->errors);
}
