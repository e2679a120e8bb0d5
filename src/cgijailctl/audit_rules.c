#include "audit_rules.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "jailfs.h"
#include "tstore.h"

#define MAX_DEPTH 128

static const char *const rule_names[AR_COUNT] = {
	"root-path", "customer-writable", "setid", "device", "hardlink", "escaping-symlink",
	"no-sticky", "shared-tmp", "foreign-owner",
};

const char *audit_rule_name(enum audit_rule rule)
{
	return rule < AR_COUNT ? rule_names[rule] : "unknown";
}

/* The customer's own directories (the profiles' private_dirs): the
 * temporary ones, and php-cgi's session files (Debian's session.save_path),
 * whose names are the sessions' keys. */
static const char *const private_dirs[] = { "/tmp", "/var/tmp", "/var/lib/php/sessions" };

static bool is_private_dir(const char *in)
{
	for (size_t i = 0; i < sizeof private_dirs / sizeof private_dirs[0]; i++)
		if (!strcmp(in, private_dirs[i]))
			return true;
	return false;
}

void audit_opts_init(struct audit_opts *o)
{
	memset(o, 0, sizeof *o);
	o->store_fd = -1;
	for (size_t i = 0; i < sizeof private_dirs / sizeof private_dirs[0]; i++)
		(void)strlist_add(&o->areas, private_dirs[i]);
	(void)strlist_add(&o->areas, "/var/www/*");
}

void audit_opts_free(struct audit_opts *o)
{
	strlist_free(&o->areas);
}

static void add_uid(struct audit_opts *o, uid_t uid)
{
	for (size_t i = 0; i < o->n_cust_uids; i++)
		if (o->cust_uids[i] == uid)
			return;
	if (uid != 0 && o->n_cust_uids < AUDIT_MAX_IDS)
		o->cust_uids[o->n_cust_uids++] = uid;
}

static void add_gid(struct audit_opts *o, gid_t gid)
{
	for (size_t i = 0; i < o->n_cust_gids; i++)
		if (o->cust_gids[i] == gid)
			return;
	if (gid != 0 && o->n_cust_gids < AUDIT_MAX_IDS)
		o->cust_gids[o->n_cust_gids++] = gid;
}

/* A file of the jail's /etc that the audit may believe: root's (or the
 * test owner's), writable by no one else. Another's is not read:
 * its owner and group count as a customer's, so that it is reported. */
static FILE *open_trusted(int rootfd, const char *path, struct audit_opts *o)
{
	struct stat st;
	int fd = jfs_open_regular(rootfd, path, &st);
	FILE *f;

	if (fd < 0)
		return NULL;
	if ((st.st_uid != 0 && st.st_uid != o->owner) || ((st.st_mode & S_IWGRP) && st.st_gid != 0) ||
	    (st.st_mode & S_IWOTH)) {
		if (st.st_uid != o->owner)
			add_uid(o, st.st_uid);
		if (st.st_mode & S_IWGRP)
			add_gid(o, st.st_gid);
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

void audit_add_customer(struct audit_opts *o, uid_t uid, gid_t gid)
{
	add_uid(o, uid);
	add_gid(o, gid);
}

int audit_read_customers(int rootfd, struct audit_opts *o)
{
	FILE *f = open_trusted(rootfd, "/etc/passwd", o);
	struct passwd *pw;
	struct group *gr;

	if (f) {
		while ((pw = fgetpwent(f))) {
			if (pw->pw_uid == 0)
				continue;
			add_uid(o, pw->pw_uid);
			add_gid(o, pw->pw_gid);
			if (pw->pw_dir[0] == '/' && pw->pw_dir[1])
				(void)strlist_add_unique(&o->areas, pw->pw_dir);
		}
		fclose(f);
	}
	f = open_trusted(rootfd, "/etc/group", o);
	if (f) {
		while ((gr = fgetgrent(f)))
			add_gid(o, gr->gr_gid);
		fclose(f);
	}
	return 0;
}

/* ---- findings ---- */

__attribute__((format(printf, 5, 6)))
static void add(struct audit_result *r, enum audit_rule rule, const char *path, const char *fix,
		const char *fmt, ...)
{
	char problem[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(problem, sizeof problem, fmt, ap);
	va_end(ap);
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 32;
		struct audit_finding *f = realloc(r->f, ncap * sizeof *f);

		if (!f)
			return;
		r->f = f;
		r->cap = ncap;
	}
	r->f[r->n] = (struct audit_finding){ rule, strdup(path), strdup(problem), strdup(fix) };
	if (r->f[r->n].path && r->f[r->n].problem && r->f[r->n].fix)
		r->n++;
}

void audit_result_free(struct audit_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->f[i].path);
		free(r->f[i].problem);
		free(r->f[i].fix);
	}
	free(r->f);
	memset(r, 0, sizeof *r);
}

/* ---- the walk ---- */

struct inode {
	dev_t dev;
	ino_t ino;
	nlink_t nlink, seen;
	char *path;
};

struct walk {
	const char *jail;
	const struct audit_opts *o;
	struct audit_result *r;
	dev_t dev;
	struct inode *inodes;
	size_t n_inodes, cap_inodes;
};

static bool is_customer_uid(const struct audit_opts *o, uid_t uid)
{
	for (size_t i = 0; i < o->n_cust_uids; i++)
		if (o->cust_uids[i] == uid)
			return true;
	return false;
}

static bool is_customer_gid(const struct audit_opts *o, gid_t gid)
{
	for (size_t i = 0; i < o->n_cust_gids; i++)
		if (o->cust_gids[i] == gid)
			return true;
	return false;
}

/* PATH is an area, or below one. An area ending in "/x" means only below. */
static bool in_area(const struct audit_opts *o, const char *path)
{
	for (size_t i = 0; i < o->areas.n; i++) {
		const char *a = o->areas.v[i];
		size_t n = strlen(a);

		if (n >= 2 && strcmp(a + n - 2, "/*") == 0) {
			if (strncmp(path, a, n - 1) == 0 && path[n - 1])
				return true;
		} else if (strncmp(path, a, n) == 0 && (path[n] == '\0' || path[n] == '/')) {
			return true;
		}
	}
	return false;
}

bool audit_link_escapes(const char *path, const char *target)
{
	long depth = 0;
	const char *p;

	if (target[0] != '/') {
		/* The link's directory: one level per component of PATH but the last. */
		for (p = path; *p; p++)
			if (*p == '/' && p[1])
				depth++;
		depth--;
	}
	for (p = target; *p;) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (n && !(n == 1 && p[0] == '.')) {
			depth++;
		}
		p += n;
	}
	return false;
}

static void check_writable(struct walk *w, const char *in, const char *host, const struct stat *st)
{
	char fix[4200];
	const char *why = NULL;

	/* Devices have their own rule; /dev/null must be writable by all. */
	if (S_ISLNK(st->st_mode) || S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) || in_area(w->o, in))
		return;
	if (is_customer_uid(w->o, st->st_uid))
		why = "owned by the customer";
	else if ((st->st_mode & S_IWGRP) && is_customer_gid(w->o, st->st_gid))
		why = "writable by the customer's group";
	else if ((st->st_mode & S_IWOTH) && !is_private_dir(in))
		why = "writable by everyone";
	if (!why)
		return;
	snprintf(fix, sizeof fix, "chown root:root '%s' && chmod go-w '%s'", host, host);
	add(w->r, AR_CUSTOMER_WRITABLE, host, fix, "%s %s, in a system directory", S_ISDIR(st->st_mode) ? "directory" : "file", why);
}

static void check_device(struct walk *w, const char *in, const char *host, const struct stat *st)
{
	static const struct { const char *path; unsigned minor; } allowed[] = {
		{ "/dev/null", 3 }, { "/dev/zero", 5 }, { "/dev/urandom", 9 },
	};
	char fix[4200];

	if (!S_ISCHR(st->st_mode) && !S_ISBLK(st->st_mode))
		return;
	for (size_t i = 0; i < 3; i++)
		if (S_ISCHR(st->st_mode) && !strcmp(in, allowed[i].path) &&
		    st->st_rdev == makedev(1, allowed[i].minor))
			return;
	snprintf(fix, sizeof fix, "rm '%s'", host);
	add(w->r, AR_DEVICE, host, fix, "%s device node %u,%u: only /dev/null, /dev/zero and /dev/urandom belong in a jail",
	    S_ISCHR(st->st_mode) ? "character" : "block", major(st->st_rdev), minor(st->st_rdev));
}

static void remember_inode(struct walk *w, const char *host, const struct stat *st)
{
	for (size_t i = 0; i < w->n_inodes; i++) {
		if (w->inodes[i].dev == st->st_dev && w->inodes[i].ino == st->st_ino) {
			w->inodes[i].seen++;
			return;
		}
	}
	if (w->n_inodes == w->cap_inodes) {
		size_t ncap = w->cap_inodes ? w->cap_inodes * 2 : 64;
		struct inode *v = realloc(w->inodes, ncap * sizeof *v);

		if (!v)
			return;
		w->inodes = v;
		w->cap_inodes = ncap;
	}
	w->inodes[w->n_inodes++] = (struct inode){ st->st_dev, st->st_ino, st->st_nlink, 1, strdup(host) };
}

/* The jail's private directories are its customer's alone: writable by
 * anyone (even 1733, as Debian's session directory), they let the web
 * server (or any host user) plant files the customer's CGIs then trust --
 * a CA for SSL_CERT_DIR, a session file. */
static void check_private_tmp(struct walk *w, const char *in, const char *host, const struct stat *st)
{
	char fix[8400];

	if (!S_ISDIR(st->st_mode) || !is_private_dir(in) || !(st->st_mode & (S_IWGRP | S_IWOTH)))
		return;
	if (w->o->n_cust_uids)
		snprintf(fix, sizeof fix, "chown %lu:%lu '%s' && chmod 0700 '%s'",
			 (unsigned long)w->o->cust_uids[0],
			 (unsigned long)(w->o->n_cust_gids ? w->o->cust_gids[0] : w->o->cust_uids[0]), host, host);
	else
		snprintf(fix, sizeof fix, "chown CUSTOMER: '%s' && chmod 0700 '%s'", host, host);
	add(w->r, AR_SHARED_TMP, host, fix, "private directory writable by others than the customer "
	    "(mode %04o): the web server and other users could plant files the CGIs trust",
	    (unsigned)(st->st_mode & 07777));
}

/* A file of another customer (a uid cgijail would serve, not this jail's):
 * that customer can change it from wherever it reaches it, and this
 * jail's customer's CGIs trust it. A uid without a passwd entry is one a
 * new customer may be given. */
static void check_foreign_owner(struct walk *w, const char *host, const struct stat *st)
{
	char fix[8400], who[300];
	const struct passwd *pw;

	if (!w->o->min_uid || st->st_uid < w->o->min_uid || st->st_uid == w->o->owner ||
	    is_customer_uid(w->o, st->st_uid))
		return;
	pw = getpwuid(st->st_uid);
	snprintf(who, sizeof who, "%s%s%s", pw ? "(" : "(no such user", pw ? pw->pw_name : "", ")");
	snprintf(fix, sizeof fix, "chown -h root:root '%s' (a system file), or to this jail's customer "
		 "(below its areas), or remove it", host);
	add(w->r, AR_FOREIGN_OWNER, host, fix,
	    "owned by uid %lu %s, a customer (uid >= min_uid %lu) who is not this jail's",
	    (unsigned long)st->st_uid, who, w->o->min_uid);
}

static void check_entry(struct walk *w, int dirfd, const char *name, const char *in,
			const char *host, const struct stat *st)
{
	char fix[8400];

	w->r->scanned++;
	check_writable(w, in, host, st);
	check_foreign_owner(w, host, st);
	check_device(w, in, host, st);
	if (S_ISREG(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID))) {
		snprintf(fix, sizeof fix, "chmod ug-s '%s'", host);
		add(w->r, AR_SETID, host, fix, "%s%s%s file: no program in a jail needs to change ids",
		    st->st_mode & S_ISUID ? "setuid" : "", (st->st_mode & S_ISUID) && (st->st_mode & S_ISGID) ? "/" : "",
		    st->st_mode & S_ISGID ? "setgid" : "");
	}
	if (S_ISREG(st->st_mode) && st->st_nlink > 1)
		remember_inode(w, host, st);
	check_private_tmp(w, in, host, st);
	if (S_ISDIR(st->st_mode) && (st->st_mode & S_IWOTH) && !(st->st_mode & S_ISVTX)) {
		snprintf(fix, sizeof fix, "chmod +t '%s'", host);
		add(w->r, AR_NO_STICKY, host, fix, "world-writable directory without the sticky bit: anyone may remove others' files");
	}
	if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(dirfd, name, target, sizeof target - 1);

		if (n >= 0) {
			target[n] = '\0';
			if (audit_link_escapes(in, target)) {
				snprintf(fix, sizeof fix, "rm '%s' (or point it inside the jail)", host);
				add(w->r, AR_ESCAPING_SYMLINK, host, fix, "symlink to '%s' climbs above the jail's root", target);
			}
		}
	}
}

static void walk_dir(struct walk *w, int fd, const char *in, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;

	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		char child_in[4096], host[8192];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(child_in, sizeof child_in, "%s/%s", strcmp(in, "/") ? in : "", de->d_name);
		snprintf(host, sizeof host, "%s%s", w->jail, child_in);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		check_entry(w, dirfd(d), de->d_name, child_in, host, &st);
		/* Other file systems (a mounted /proc) are not the jail's files. */
		if (S_ISDIR(st.st_mode) && st.st_dev == w->dev && depth < MAX_DEPTH) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0)
				walk_dir(w, sub, child_in, depth + 1);
		}
	}
	closedir(d);
}

static void check_root_path(struct walk *w)
{
	char path[4096], fix[8400];
	struct stat st;
	size_t len = strlen(w->jail);

	for (size_t cut = 1; cut <= len; cut++) {
		if (cut < len && w->jail[cut] != '/')
			continue;
		snprintf(path, sizeof path, "%.*s", (int)cut, w->jail);
		if (cut == 1)
			snprintf(path, sizeof path, "/");
		if (lstat(path, &st) < 0)
			continue;
		if ((st.st_uid != 0 && st.st_uid != w->o->owner) || (st.st_mode & 022)) {
			snprintf(fix, sizeof fix, "chown root:root '%s' && chmod go-w '%s'", path, path);
			add(w->r, AR_ROOT_PATH, path, fix,
			    "component of the jail's path %s: whoever can change it can replace the jail",
			    (st.st_uid != 0 && st.st_uid != w->o->owner) ? "not owned by root"
									: "writable by group or others");
		}
		if (cut == 1 && len == 1)
			break;
	}
}

/* A thin jail's farm (link mode): HOST is JAIL/.gens/GEN/PATH and the same
 * inode as GEN/root/PATH of a template in the store. */
static bool linked_into_store(const struct walk *w, const char *host, dev_t dev, ino_t ino)
{
	const char *in = host + strlen(w->jail), *gen, *rest;
	char name[8192];
	struct strlist templates = { 0 };
	struct stat st;
	bool found = false;

	if (w->o->store_fd < 0 || strncmp(in, "/.gens/", 7) != 0)
		return false;
	gen = in + 7;
	rest = strchr(gen, '/');
	if (!rest || (size_t)(rest - gen) >= TSTORE_GEN_MAX)
		return false;
	const struct tstore store = { .fd = w->o->store_fd };

	if (tstore_templates(&store, &templates) < 0)
		return false;
	for (size_t i = 0; i < templates.n && !found; i++) {
		snprintf(name, sizeof name, "%s/%.*s/root%s", templates.v[i], (int)(rest - gen), gen, rest);
		found = fstatat(w->o->store_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
			st.st_dev == dev && st.st_ino == ino && st.st_uid == 0;
	}
	strlist_free(&templates);
	return found;
}

static void check_hardlinks(struct walk *w)
{
	char fix[8400];

	for (size_t i = 0; i < w->n_inodes; i++) {
		struct inode *n = &w->inodes[i];

		if (n->path && n->seen < n->nlink && !linked_into_store(w, n->path, n->dev, n->ino)) {
			snprintf(fix, sizeof fix, "cp -p '%s' '%s.cjcopy' && mv '%s.cjcopy' '%s'", n->path,
				 n->path, n->path, n->path);
			add(w->r, AR_HARDLINK, n->path, fix,
			    "%lu links, only %lu inside the jail: a hard link to a file outside it",
			    (unsigned long)n->nlink, (unsigned long)n->seen);
		}
		free(n->path);
	}
	free(w->inodes);
}

static int cmp_finding(const void *a, const void *b)
{
	const struct audit_finding *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : (int)x->rule - (int)y->rule;
}

int audit_jail(const char *jail, const struct audit_opts *o, struct audit_result *r)
{
	struct walk w = { .jail = jail, .o = o, .r = r };
	struct stat st;
	int fd = open(jail, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	w.dev = st.st_dev;
	check_root_path(&w);
	walk_dir(&w, fd, "/", 0);
	check_hardlinks(&w);
	if (r->n)
		qsort(r->f, r->n, sizeof *r->f, cmp_finding);
	return 0;
}
