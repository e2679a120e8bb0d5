/* cgijailctl init: the skeleton of a customer's jail, from profiles. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgijailctl.h"
#include "ctl_out.h"
#include "hostalias.h"
#include "jailfs.h"
#include "init_thin.h"
#include "populate.h"
#include "profile.h"
#include "strutil.h"
#include "webdirs.h"

#define MAX_GROUPS 256

struct init_args {
	const char *root, *user, *profiles_dir, *template_name, *config;
	struct strlist profiles;
	bool json, template_link;
};

struct customer {
	char name[256], gecos[256], home[4096], shell[256];
	uid_t uid;
	gid_t gid;
	gid_t groups[MAX_GROUPS];
	int ngroups;
};

struct init_run {
	struct init_args *a;
	struct customer cu;
	struct unpriv_user as;    /* the customer, whom the checks in the jail run as */
	struct copier c;
	struct strlist changed;   /* what init created or fixed */
	size_t unchanged;
};

static void init_usage(FILE *out)
{
	fprintf(out,
		"usage: cgijailctl init --root JAIL --user NAME [--profile P]... [--profiles DIR] [--json]\n"
		"       cgijailctl init --root JAIL --user NAME --template T [--template-mode bind|link]\n"
		"                       [--config FILE] [--json]\n"
		"\n"
		"Create or repair the jail JAIL for user NAME: root-owned directories, /etc/passwd\n"
		"and /etc/group with only root and NAME, /etc/nsswitch.conf using files only,\n"
		"/dev/null, /dev/zero, /dev/urandom, the symlink /dev/fd -> /proc/self/fd, /tmp,\n"
		"NAME's home and web directories, then what each profile lists (base always).\n"
		"The programs copied are then checked inside the jail, with NAME's rights.\n"
		"With --template, a thin jail: only NAME's own files, and the system from the\n"
		"current generation of template T (cgijailctl template), mounted per request\n"
		"(bind, the default) or hard-linked (link; the template store and the jail on\n"
		"one file system). Running it again changes nothing.\n"
		"\n"
		"  -r, --root JAIL       the jail's root directory\n"
		"  -u, --user NAME       the customer whose jail it is\n"
		"  -p, --profile P       apply profile P (repeatable): sh, perl, python3, php-cgi...\n"
		"  -P, --profiles DIR    read profiles from DIR (default %s)\n"
		"  -t, --template T      a thin jail on template T (no --profile but base)\n"
		"  -m, --template-mode M bind (default) or link, as cgijail.conf's template_mode\n"
		"  -c, --config FILE     the config, for template_dir (default: the installed one)\n"
		"  -j, --json            print the result as JSON\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 done, 1 done but a program would not load, 2 usage or I/O error.\n",
		profile_default_dir());
}

static int parse_args(int argc, char **argv, struct init_args *a)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "user", required_argument, NULL, 'u' },
		{ "profile", required_argument, NULL, 'p' },
		{ "profiles", required_argument, NULL, 'P' },
		{ "template", required_argument, NULL, 't' },
		{ "template-mode", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+r:u:p:P:t:m:c:jh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': a->root = optarg; break;
		case 'u': a->user = optarg; break;
		case 'p':
			if (strlist_add(&a->profiles, optarg) < 0)
				return -1;
			break;
		case 'P': a->profiles_dir = optarg; break;
		case 't': a->template_name = optarg; break;
		case 'm':
			if (strcmp(optarg, "bind") != 0 && strcmp(optarg, "link") != 0) {
				fprintf(stderr, "cgijailctl init: --template-mode %s: not bind or link\n", optarg);
				return -1;
			}
			a->template_link = !strcmp(optarg, "link");
			break;
		case 'c': a->config = optarg; break;
		case 'j': a->json = true; break;
		case 'h': init_usage(stdout); return 1;
		default: init_usage(stderr); return -1;
		}
	}
	if (!a->root || !a->user || optind != argc || a->root[0] != '/' ||
	    (a->template_name && a->profiles.n)) {
		fprintf(stderr, "cgijailctl init: %s\n",
			!a->root ? "--root JAIL is required" : !a->user ? "--user NAME is required" :
			a->root[0] != '/' ? "JAIL must be an absolute path" :
			optind != argc ? "unexpected argument" :
			"--profile with --template: the template holds the programs (template build --profile)");
		init_usage(stderr);
		return -1;
	}
	return 0;
}

/* The home as the jail sees it: a home below JAIL loses that prefix. */
static void home_inside(const char *home, const char *jail, char *out, size_t outlen)
{
	const char *in = path_inside(home, jail);

	snprintf(out, outlen, "%s", in ? in : home);
}

static int lookup_customer(const char *jail, const char *name, struct customer *cu)
{
	struct passwd *pw = getpwnam(name);

	if (!pw) {
		fprintf(stderr, "cgijailctl init: %s: no such user\n", name);
		return -1;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		fprintf(stderr, "cgijailctl init: %s: refusing a jail for uid or gid 0\n", name);
		return -1;
	}
	if (has_control_char(pw->pw_gecos) || strchr(pw->pw_gecos, ':') || strchr(pw->pw_dir, ':') ||
	    strchr(pw->pw_shell, ':') || pw->pw_dir[0] != '/') {
		fprintf(stderr, "cgijailctl init: %s: the passwd entry cannot be copied safely\n", name);
		return -1;
	}
	snprintf(cu->name, sizeof cu->name, "%s", pw->pw_name);
	snprintf(cu->gecos, sizeof cu->gecos, "%s", pw->pw_gecos);
	snprintf(cu->shell, sizeof cu->shell, "%s", pw->pw_shell);
	home_inside(pw->pw_dir, jail, cu->home, sizeof cu->home);
	cu->uid = pw->pw_uid;
	cu->gid = pw->pw_gid;
	cu->ngroups = MAX_GROUPS;
	if (getgrouplist(cu->name, cu->gid, cu->groups, &cu->ngroups) < 0) {
		fprintf(stderr, "cgijailctl init: %s: more than %d groups\n", name, MAX_GROUPS);
		return -1;
	}
	return 0;
}

static void note(struct init_run *r, int changed, const char *what, const char *path)
{
	char line[4200];

	if (changed <= 0) {
		r->unchanged += changed == 0;
		return;
	}
	snprintf(line, sizeof line, "%s %s", what, path);
	(void)strlist_add(&r->changed, line);
}

static int fail(const char *path, const char *what)
{
	fprintf(stderr, "cgijailctl init: %s: %s: %s\n", path, what, strerror(errno));
	return -1;
}

/* A directory with exactly this owner and mode. One handed to the
 * customer must have no symlink on its way (see jfs_mkdirs_nolinks). */
static int make_dir(struct init_run *r, const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	bool created;
	int fd = uid ? jfs_mkdirs_nolinks(r->c.rootfd, path, mode, uid, gid, &created)
		     : jfs_mkdirs(r->c.rootfd, path, mode, uid, gid, &created), rc;

	if (fd < 0)
		return fail(path, errno == ELOOP ? "a symlink is on its way; refusing to give it to the customer"
						 : "cannot create the directory in the jail");
	rc = created ? 1 : jfs_fix_attrs(fd, mode, uid, gid);
	close(fd);
	if (rc < 0)
		return fail(path, "cannot set its owner and mode");
	note(r, rc, created ? "created" : "fixed", path);
	return 0;
}

/* The jail's root: created with missing parents, root-owned, not writable
 * by group or others (OpenSSH's ChrootDirectory rule, which cgijail applies). */
static int make_root(struct init_run *r)
{
	struct stat st;
	char cmd[64];
	bool created = false;

	if (lstat(r->a->root, &st) < 0) {
		if (errno != ENOENT)
			return fail(r->a->root, "cannot stat");
		int slash = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int fd = slash < 0 ? -1 : jfs_mkdirs(slash, r->a->root, 0755, 0, 0, &created);

		if (slash >= 0)
			close(slash);
		if (fd < 0)
			return fail(r->a->root, "cannot create");
		close(fd);
	} else if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return fail(r->a->root, "is not a directory");
	}
	if (copier_init(&r->c, r->a->root) < 0)
		return -1;
	if (fstat(r->c.rootfd, &st) < 0)
		return fail(r->a->root, "cannot stat");
	snprintf(cmd, sizeof cmd, "%s", created ? "created" : "fixed");
	int rc = jfs_fix_attrs(r->c.rootfd, st.st_mode & 07755 & ~(mode_t)022, 0, 0);
	if (rc < 0)
		return fail(r->a->root, "cannot set its owner and mode");
	note(r, created ? 1 : rc, cmd, r->a->root);
	return 0;
}

static int make_file(struct init_run *r, const char *path, const char *content)
{
	char parent[4096];
	const char *name;
	int pfd, rc;
	struct jfs_src src = { .fd = -1, .buf = content, .len = strlen(content) };

	if (jfs_split(path, parent, sizeof parent, &name) < 0)
		return -1;
	pfd = jfs_mkdirs(r->c.rootfd, parent, 0755, 0, 0, NULL);
	if (pfd < 0)
		return fail(parent, "cannot create the directory in the jail");
	rc = jfs_install(pfd, name, &src, 0644, 0, 0);
	close(pfd);
	if (rc < 0)
		return fail(path, "cannot write it in the jail");
	note(r, rc, "wrote", path);
	return 0;
}

static int append(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *used)
		return -1;
	*used += (size_t)n;
	return 0;
}

static int write_passwd_group(struct init_run *r)
{
	const struct customer *cu = &r->cu;
	char buf[65536];
	size_t used = 0;

	if (append(buf, sizeof buf, &used, "root:x:0:0:root:/root:/usr/sbin/nologin\n%s:x:%lu:%lu:%s:%s:%s\n",
		   cu->name, (unsigned long)cu->uid, (unsigned long)cu->gid, cu->gecos, cu->home,
		   cu->shell) < 0 || make_file(r, "/etc/passwd", buf) < 0)
		return -1;
	used = 0;
	if (append(buf, sizeof buf, &used, "root:x:0:\n") < 0)
		return -1;
	for (int i = 0; i < cu->ngroups; i++) {
		struct group *gr = getgrgid(cu->groups[i]);
		bool dup = false;

		for (int j = 0; j < i; j++)
			dup |= cu->groups[j] == cu->groups[i];
		if (dup || cu->groups[i] == 0 || !gr || strchr(gr->gr_name, ':'))
			continue;
		if (append(buf, sizeof buf, &used, "%s:x:%lu:%s\n", gr->gr_name,
			   (unsigned long)gr->gr_gid, gr->gr_gid == cu->gid ? "" : cu->name) < 0)
			return -1;
	}
	return make_file(r, "/etc/group", buf);
}

/* Only the modules built into glibc: a jail has no libnss_systemd etc. */
static const char nsswitch[] =
	"# Written by cgijailctl init: only what glibc has built in.\n"
	"passwd:    files\n"
	"group:     files\n"
	"shadow:    files\n"
	"hosts:     files dns\n"
	"networks:  files\n"
	"protocols: files\n"
	"services:  files\n"
	"ethers:    files\n"
	"rpc:       files\n";

static const char hosts[] = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";

static int make_device(struct init_run *r, int devfd, const char *name, unsigned minor)
{
	struct stat st;
	dev_t want = makedev(1, minor);
	char path[64];

	snprintf(path, sizeof path, "/dev/%s", name);
	if (fstatat(devfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISCHR(st.st_mode) && st.st_rdev == want && (st.st_mode & 07777) == 0666 &&
		    st.st_uid == 0 && st.st_gid == 0) {
			note(r, 0, "", path);
			return 0;
		}
		if (unlinkat(devfd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
			return fail(path, "cannot replace it");
	}
	if (mknodat(devfd, name, S_IFCHR | 0600, want) < 0 ||
	    fchownat(devfd, name, 0, 0, AT_SYMLINK_NOFOLLOW) < 0 || fchmodat(devfd, name, 0666, 0) < 0)
		return fail(path, "cannot make the device node");
	note(r, 1, "made", path);
	return 0;
}

/* /dev/fd -> /proc/self/fd: the name the kernel hands the interpreter of a
 * script run with script_exec = fd (see cgijail.conf(5)). */
static int make_fd_link(struct init_run *r, int devfd)
{
	struct stat st;
	int rc = jfs_symlink(devfd, "fd", "/proc/self/fd");

	if (rc == 0 && fstatat(devfd, "fd", &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_uid || st.st_gid))
		rc = fchownat(devfd, "fd", 0, 0, AT_SYMLINK_NOFOLLOW) < 0 ? -1 : 2;
	if (rc < 0)
		return fail("/dev/fd", "cannot make the symlink to /proc/self/fd");
	note(r, rc > 0, rc == 2 ? "fixed" : "made", "/dev/fd");
	return 0;
}

static int make_devices(struct init_run *r)
{
	int devfd = jfs_mkdirs(r->c.rootfd, "/dev", 0755, 0, 0, NULL), rc;

	if (devfd < 0)
		return fail("/dev", "cannot create the directory in the jail");
	rc = make_device(r, devfd, "null", 3) | make_device(r, devfd, "zero", 5) |
	     make_device(r, devfd, "urandom", 9) | make_fd_link(r, devfd);
	close(devfd);
	return rc;
}

static int make_dirs(struct init_run *r, const struct profile_set *set)
{
	const struct customer *cu = &r->cu;
	int rc = 0;

	for (size_t i = 0; i < set->list[PROF_DIRS].n; i++)
		if (!r->a->template_name || !init_from_template(set->list[PROF_DIRS].v[i]))
			rc |= make_dir(r, set->list[PROF_DIRS].v[i], 0755, 0, 0);
	for (size_t i = 0; i < set->list[PROF_STICKY_DIRS].n; i++)
		rc |= make_dir(r, set->list[PROF_STICKY_DIRS].v[i], 01777, 0, 0);
	for (size_t i = 0; i < set->list[PROF_USER_DIRS].n; i++)
		rc |= make_dir(r, set->list[PROF_USER_DIRS].v[i], 0755, cu->uid, cu->gid);
	/* The customer's own /tmp: not the web server's, nor any host user's,
	 * to plant files in for its CGIs. */
	for (size_t i = 0; i < set->list[PROF_PRIVATE_DIRS].n; i++)
		rc |= make_dir(r, set->list[PROF_PRIVATE_DIRS].v[i], 0700, cu->uid, cu->gid);
	if (strcmp(cu->home, "/") != 0)
		rc |= make_dir(r, cu->home, 0755, cu->uid, cu->gid);
	return rc | webdirs_make(r->c.rootfd, r->a->root, cu->name, &r->changed, &r->unchanged);
}

static int load_profiles(struct init_args *a, struct profile_set *set)
{
	const char *dir = a->profiles_dir ? a->profiles_dir : profile_default_dir();
	char why[1024];

	if (profile_add(set, dir, "base", why, sizeof why) < 0)
		goto bad;
	for (size_t i = 0; i < a->profiles.n; i++)
		if (profile_add(set, dir, a->profiles.v[i], why, sizeof why) < 0)
			goto bad;
	return 0;
bad:
	fprintf(stderr, "cgijailctl init: %s\n", why);
	return -1;
}

static void print_result(struct init_run *r, const struct profile_set *set,
			 const struct strlist *problems)
{
	if (r->a->json) {
		printf("{\"ok\": %s, ", r->c.errors.n || problems->n ? "false" : "true");
		out_json_list(stdout, "profiles", &set->names);
		fputs(", ", stdout);
		out_json_list(stdout, "changed", &r->changed);
		printf(", \"unchanged\": %zu, ", r->unchanged);
		out_copier(stdout, true, &r->c, problems);
		fputs("}\n", stdout);
		return;
	}
	for (size_t i = 0; i < r->changed.n; i++)
		printf("%s\n", r->changed.v[i]);
	out_copier(stdout, false, &r->c, problems);
	printf("init: %zu changed, %zu unchanged (profiles:", r->changed.n, r->unchanged);
	for (size_t i = 0; i < set->names.n; i++)
		printf(" %s", set->names.v[i]);
	printf(")\n");
}

static int run_init(struct init_run *r, struct profile_set *set, struct strlist *problems)
{
	int status, alias = 0;

	if (make_root(r) < 0)
		return CTL_ERROR;
	snprintf(r->as.name, sizeof r->as.name, "%s", r->cu.name);
	r->as.uid = r->cu.uid;
	r->as.gid = r->cu.gid;
	r->c.as = &r->as;
	if (make_dirs(r, set) | make_devices(r) | write_passwd_group(r) |
	    make_file(r, "/etc/nsswitch.conf", nsswitch) | make_file(r, "/etc/hosts", hosts) ||
	    (alias = hostalias_init(r->c.rootfd, r->a->root)) < 0)
		return CTL_ERROR;
	note(r, alias, "made the host-path alias", r->a->root);
	if (r->a->template_name)
		return init_attach_template(r->c.rootfd, r->a->config, r->a->template_name,
					    r->a->template_link, &r->changed);
	r->c.exclude = &set->list[PROF_EXCLUDE];
	(void)populate_profile_set(&r->c, set);
	status = populate_finish(&r->c, problems);
	return r->c.errors.n ? CTL_ERROR : status;
}

int ctl_init(int argc, char **argv)
{
	struct init_args a = { 0 };
	struct init_run r = { .a = &a, .c = { .rootfd = -1 } };
	struct profile_set set = { 0 };
	struct strlist problems = { 0 };
	int rc = parse_args(argc, argv, &a), status = CTL_ERROR;

	if (rc != 0) {
		strlist_free(&a.profiles);
		return rc > 0 ? CTL_OK : CTL_ERROR;
	}
	umask(022);
	if (out_require_root("init") && lookup_customer(a.root, a.user, &r.cu) == 0 &&
	    load_profiles(&a, &set) == 0) {
		status = run_init(&r, &set, &problems);
		if (r.c.rootfd >= 0)
			print_result(&r, &set, &problems);
	}
	if (fflush(stdout) != 0)
		status = CTL_ERROR;
	copier_free(&r.c);
	strlist_free(&r.changed);
	strlist_free(&problems);
	profile_set_free(&set);
	strlist_free(&a.profiles);
	return status;
}
