/* cgijailctl remove --keep-home DIR: the customer's home and docroot in the
 * jail are moved into DIR (same file system: renamed, not copied) before
 * the rest of the jail goes. */
#include "remove.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"
#include "jailfs.h"
#include "jails.h"
#include "strutil.h"

static int refuse(const struct remove_run *r, const char *what, const char *detail)
{
	fprintf(stderr, "cgijailctl remove: --keep-home %s: %s%s%s\n", r->a->keep, what,
		detail ? ": " : "", detail ? detail : "");
	return -1;
}

/* PATH in the jail (its parent with RESOLVE_BENEATH, no symlink, no mount
 * crossed); the parent's descriptor, LAST its last component. */
static int open_parent(int rootfd, const char *path, const char **last)
{
	char parent[PATH_MAX];
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
	};

	if (jfs_split(path, parent, sizeof parent, last) < 0)
		return -1;
	return (int)syscall(SYS_openat2, rootfd, parent[1] ? parent + 1 : ".", &how, sizeof how);
}

/* The customer's docroot, expanded from the config, as a host path. */
static int docroot_of(const struct remove_run *r, const struct passwd *pw, char *out, size_t len)
{
	const char *config = r->a->config ? r->a->config : jails_default_config();
	struct cj_config cfg;
	struct cj_policy pol;
	char why[512];
	int rc = -1;

	if (cj_config_parse(&cfg, config, why, sizeof why) == 0 && cj_policy_for_user(&cfg, r->user, &pol) == 0)
		rc = expand_user_pattern(pol.docroot, r->user, pw ? pw->pw_uid : 0, out, len);
	cj_config_free(&cfg);
	return rc;
}

/* HOST (a host path) as an area to keep, when it is a directory inside the jail. */
static int add_area(struct remove_run *r, const char *host, const char *kind)
{
	const char *in = path_inside(host, r->a->root), *last;
	struct keep_area *k = &r->keep[r->nkeep];
	struct stat st;
	int pfd;

	if (!in)
		in = path_inside(host, r->real);
	if (!in || !strcmp(in, "/"))
		return 0;
	for (int i = 0; i < r->nkeep; i++)
		if (path_is_within(in, r->keep[i].from))
			return 0;
	pfd = open_parent(r->rootfd, in, &last);
	if (pfd < 0 || fstatat(pfd, last, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int gone = errno == ENOENT;

		if (pfd >= 0)
			close(pfd);
		return gone ? 0 : refuse(r, in, "not reached without a symlink or a mount point");
	}
	close(pfd);
	if (!S_ISDIR(st.st_mode))
		return refuse(r, in, "not a directory");
	r->keep_dev[r->nkeep] = st.st_dev;
	r->keep_ino[r->nkeep] = st.st_ino;
	snprintf(k->from, sizeof k->from, "%s", in);
	snprintf(k->name, sizeof k->name, "%s.%s", r->user, kind);
	if (fstatat(r->keepfd, k->name, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
		return refuse(r, k->name, "already there: never replaced");
	r->nkeep++;
	return 0;
}

static int keep_dir_ok(struct remove_run *r)
{
	struct stat st;
	char proc[64], real[PATH_MAX];
	ssize_t n;

	r->keepfd = open(r->a->keep, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r->keepfd < 0 || fstat(r->keepfd, &st) < 0)
		return refuse(r, "not a directory, or a symlink", strerror(errno));
	if (st.st_uid != 0 || (st.st_mode & 022))
		return refuse(r, "not owned by root, or writable by group or others", NULL);
	if (st.st_dev != r->st.st_dev)
		return refuse(r, "on another file system than the jail (the data is moved, not copied)", NULL);
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", r->keepfd);
	n = readlink(proc, real, sizeof real - 1);
	real[n > 0 ? n : 0] = '\0';
	if (n <= 0 || path_is_within(real, r->real))
		return refuse(r, "inside the jail", NULL);
	return 0;
}

int guard_keep(struct remove_run *r)
{
	const struct passwd *pw;
	char docroot[PATH_MAX], home[PATH_MAX] = "";

	if (!r->a->keep)
		return 0;
	if (!r->user[0])
		return refuse(r, "whose home? name the jail's customer with --user", NULL);
	if (keep_dir_ok(r) < 0)
		return -1;
	pw = getpwnam(r->user);
	if (pw)
		snprintf(home, sizeof home, "%s", pw->pw_dir);
	if ((home[0] && add_area(r, home, "home") < 0) ||
	    (docroot_of(r, pw, docroot, sizeof docroot) == 0 && add_area(r, docroot, "docroot") < 0))
		return -1;
	if (r->nkeep == 0)
		return refuse(r, "nothing to keep", "no home or docroot of the customer inside the jail");
	return 0;
}

int keep_areas(const struct remove_run *r, struct strlist *kept, struct strlist *errors)
{
	char line[PATH_MAX * 2 + 400];
	int rc = 0;

	for (int i = 0; i < r->nkeep; i++) {
		const struct keep_area *k = &r->keep[i];
		const char *last;
		int pfd = r->a->dry_run ? -2 : open_parent(r->rootfd, k->from, &last);

		if (pfd == -1 || (pfd >= 0 && renameat2(pfd, last, r->keepfd, k->name, RENAME_NOREPLACE) < 0)) {
			snprintf(line, sizeof line, "%s: cannot move it to %s/%s: %s", k->from, r->a->keep,
				 k->name, strerror(errno));
			(void)strlist_add(errors, line);
			rc = -1;
		} else {
			snprintf(line, sizeof line, "%s -> %s/%s", k->from, r->a->keep, k->name);
			(void)strlist_add(kept, line);
		}
		if (pfd >= 0)
			close(pfd);
	}
	return rc;
}
