/* cgijailctl migrate: a copied jail becomes a thin one (thin.h) without
 * losing the customer's files. The system entries the template provides
 * are moved aside, whole, into JAIL/.cgijail-migrated-STAMP (root 0700), then
 * the jail is attached to the template as init --template does. Nothing of
 * the customer's is touched: the home, /var (web and session files), /tmp,
 * /etc/passwd, group, nsswitch.conf and hosts stay. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgijailctl.h"
#include "ctl_out.h"
#include "init_thin.h"
#include "jails.h"
#include "strutil.h"
#include "thin.h"
#include "tstore.h"

struct migrate_args {
	const char *root, *template_name, *config;
	bool link, dry_run;
};

/* Top-level entries that are the jail's own, whatever the template has. */
static const char *const own_top[] = { "etc", "var", "home", "tmp", "dev", "proc", "srv", "run",
				       "root", ".template", ".gens" };
/* In /etc: the customer's identity and name service, written by init. */
static const char *const own_etc[] = { "passwd", "group", "nsswitch.conf", "hosts", "shadow",
				       "gshadow" };

static bool in(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

static void migrate_usage(FILE *out)
{
	fprintf(out,
		"usage: cgijailctl migrate --root JAIL --template T\n"
		"                          [--template-mode bind|link] [--config FILE] [--dry-run]\n"
		"\n"
		"Turn the copied jail JAIL into a thin jail on template T: the system files T\n"
		"provides (/usr, /bin, /lib..., and what T has in /etc) are moved, whole, into\n"
		"JAIL/.cgijail-migrated-STAMP (root-only), and the jail is attached to T's\n"
		"current generation as init --template does. The customer's files (home, /var,\n"
		"/tmp, /etc/passwd, group, nsswitch.conf, hosts) stay. Check the jail, then\n"
		"remove the moved directory. Link mode serves requests before and after the\n"
		"config names T; bind mode needs template = T for the jail's user in\n"
		"cgijail.conf.\n"
		"\n"
		"  -r, --root JAIL       the jail\n"

		"  -t, --template T      the template\n"
		"  -m, --template-mode M bind (default) or link\n"
		"  -c, --config FILE     the config, for template_dir\n"
		"  -n, --dry-run         list what would move, change nothing\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 done, 2 usage or I/O error (nothing half done is left unsaid).\n");
}

static int parse_args(int argc, char **argv, struct migrate_args *a)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "template", required_argument, NULL, 't' },
		{ "template-mode", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "r:t:m:c:nh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': a->root = optarg; break;
		case 't': a->template_name = optarg; break;
		case 'm':
			if (strcmp(optarg, "bind") != 0 && strcmp(optarg, "link") != 0)
				goto bad;
			a->link = !strcmp(optarg, "link");
			break;
		case 'c': a->config = optarg; break;
		case 'n': a->dry_run = true; break;
		case 'h': migrate_usage(stdout); return 1;
		default: goto bad;
		}
	}
	if (a->root && a->template_name && optind == argc && a->root[0] == '/')
		return 0;
bad:
	migrate_usage(stderr);
	return -1;
}

static int move_aside(int jailfd, int backup, const char *dir, const char *name, struct strlist *moved,
		      bool dry_run)
{
	char line[4300], path[4200];
	int from = dir[0] ? openat(jailfd, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : dup(jailfd);
	int to = -1, rc = -1;

	snprintf(path, sizeof path, "%s%s%s", dir[0] ? "/" : "", dir, "");
	if (from < 0)
		return -1;
	if (dry_run) {
		rc = 0;
	} else if (dir[0] && mkdirat(backup, dir, 0700) < 0 && errno != EEXIST) {
		rc = -1;
	} else if ((to = dir[0] ? openat(backup, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
				: dup(backup)) >= 0) {
		rc = renameat(from, name, to, name);
	}
	if (rc == 0) {
		snprintf(line, sizeof line, "%s %s/%s", dry_run ? "would move" : "moved", path, name);
		(void)strlist_add(moved, line);
	}
	close(from);
	if (to >= 0)
		close(to);
	return rc;
}

/* Every entry of DIR ("" or "etc") that the generation has, the jail has,
 * and is not the jail's own. */
static int move_system_entries(int jailfd, int genroot, int backup, const char *dir,
			       struct strlist *moved, bool dry_run)
{
	struct strlist names = { 0 };
	int gdir = dir[0] ? openat(genroot, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : dup(genroot);
	int rc = 0;

	if (gdir < 0)
		return errno == ENOENT ? 0 : -1;
	if (tstore_entries(gdir, &names) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		const char *e = names.v[i];
		char where[4200];
		struct stat st;

		if (!dir[0] ? in(e, own_top, sizeof own_top / sizeof own_top[0])
			    : in(e, own_etc, sizeof own_etc / sizeof own_etc[0]))
			continue;
		snprintf(where, sizeof where, "%s%s%s", dir, dir[0] ? "/" : "", e);
		if (fstatat(jailfd, where, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		rc = move_aside(jailfd, backup, dir, e, moved, dry_run);
	}
	strlist_free(&names);
	close(gdir);
	return rc;
}

static int migrate(const struct migrate_args *a, int jailfd, struct strlist *moved, char *backup_name,
		   size_t len)
{
	struct tstore s = { .fd = -1 };
	char why[4200], gen[TSTORE_GEN_MAX], root[TSTORE_GEN_MAX + 8];
	int tfd = -1, genroot = -1, backup = -1, rc = -1;
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	snprintf(backup_name, len, ".cgijail-migrated-%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (tstore_open(&s, a->config, false, why, sizeof why) < 0 ||
	    (tfd = tstore_template(&s, a->template_name, false, why, sizeof why)) < 0 ||
	    tstore_current(tfd, gen, sizeof gen, why, sizeof why) != 1 || !tstore_verified(tfd, gen)) {
		fprintf(stderr, "cgijailctl migrate: template %s: %s\n", a->template_name,
			tfd < 0 ? why : "no verified current generation");
		goto out;
	}
	snprintf(root, sizeof root, "%s/root", gen);
	genroot = openat(tfd, root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (!a->dry_run && (mkdirat(jailfd, backup_name, 0700) < 0 ||
			    (backup = openat(jailfd, backup_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)) {
		fprintf(stderr, "cgijailctl migrate: %s/%s: %s\n", a->root, backup_name, strerror(errno));
		goto out;
	}
	if (genroot < 0 || move_system_entries(jailfd, genroot, backup, "", moved, a->dry_run) < 0 ||
	    move_system_entries(jailfd, genroot, backup, "etc", moved, a->dry_run) < 0) {
		fprintf(stderr, "cgijailctl migrate: %s: moving the system files aside: %s\n", a->root,
			strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (backup >= 0)
		close(backup);
	if (genroot >= 0)
		close(genroot);
	if (tfd >= 0)
		close(tfd);
	tstore_close(&s);
	return rc;
}

int ctl_migrate(int argc, char **argv)
{
	struct migrate_args a = { 0 };
	struct strlist moved = { 0 }, changed = { 0 };
	char backup[64];
	int rc = parse_args(argc, argv, &a), status = CTL_ERROR, jailfd;

	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_ERROR;
	if (!out_require_root("migrate"))
		return CTL_ERROR;
	jailfd = open(a.root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (jailfd < 0 || thin_is_thin(jailfd)) {
		fprintf(stderr, "cgijailctl migrate: %s: %s\n", a.root,
			jailfd < 0 ? strerror(errno) : "already a thin jail");
	} else if (migrate(&a, jailfd, &moved, backup, sizeof backup) == 0) {
		status = a.dry_run ? CTL_OK
				   : init_attach_template(jailfd, a.config, a.template_name, a.link, &changed);
		for (size_t i = 0; i < moved.n; i++)
			printf("%s\n", moved.v[i]);
		for (size_t i = 0; i < changed.n; i++)
			printf("%s\n", changed.v[i]);
		if (!a.dry_run)
			printf("migrate: %s is a thin jail on template %s (%s); the old system files are in "
			       "%s/%s: check the jail, then remove them\n", a.root, a.template_name,
			       a.link ? "link" : "bind", a.root, backup);
	}
	if (jailfd >= 0)
		close(jailfd);
	strlist_free(&moved);
	strlist_free(&changed);
	return status;
}
