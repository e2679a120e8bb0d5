/* The checks cgijailctl remove makes before it removes anything. */
#include "remove.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"
#include "jailfs.h"
#include "jails.h"
#include "strutil.h"

static int refuse(const struct remove_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(const struct remove_run *r, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cgijailctl remove: %s: ", r->a->root);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* Directories a jail never is, nor holds. */
static const char *const system_dirs[] = {
	"/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32",
	"/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr",
	"/var", "/var/cache", "/var/lib", "/var/log", "/var/spool", "/var/tmp", "/var/www",
};

static int real_path(int fd, char *out, size_t len)
{
	char proc[64];
	ssize_t n;

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	n = readlink(proc, out, len - 1);
	if (n < 0 || (size_t)n >= len - 1)
		return -1;
	out[n] = '\0';
	return 0;
}

int guard_open(struct remove_run *r)
{
	const char *p = r->a->root;
	int pfd;

	if (p[0] != '/' || has_dot_component(p))
		return refuse(r, "JAIL must be an absolute path without . or .. components");
	/* The jail itself is never reached through a symlink. */
	pfd = open(p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		return refuse(r, "%s", errno == ENOTDIR || errno == ELOOP
				       ? "not a directory, or a symlink (never followed)" : strerror(errno));
	r->rootfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(pfd);
	if (r->rootfd < 0 || fstat(r->rootfd, &r->st) < 0 || real_path(r->rootfd, r->real, sizeof r->real) < 0)
		return refuse(r, "cannot open it: %s", strerror(errno));
	for (size_t i = 0; i < sizeof system_dirs / sizeof system_dirs[0]; i++)
		if (path_is_within(system_dirs[i], r->real))
			return refuse(r, "%s is %s: never removed", r->real,
				      strcmp(system_dirs[i], r->real) != 0 ? "above a system directory" : "a system directory");
	return 0;
}

static int config_path(const struct remove_run *r, const char **out)
{
	*out = r->a->config ? r->a->config : jails_default_config();
	return access(*out, F_OK) == 0 || errno != ENOENT || r->a->config ? 0 : -1;
}

/* --force-path: a directory no configured user has as jail, removed only
 * when it looks like one and holds no one's jail. */
static int force_path_rules(struct remove_run *r)
{
	struct strlist paths = { 0 }, users = { 0 };
	const char *config;
	char why[600], real[PATH_MAX];
	struct stat st;
	int fd, rc = 0;

	if (r->st.st_uid != 0 || (r->st.st_mode & 022))
		return refuse(r, "not owned by root, or writable by group or others: not a jail --force-path removes");
	fd = jfs_open(r->rootfd, "/etc/passwd", O_PATH | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return refuse(r, "no /etc/passwd file in it: not a jail --force-path removes");
	}
	close(fd);
	if (config_path(r, &config) < 0)
		return 0;
	if (jails_from_config(config, &paths, &users, why, sizeof why) < 0)
		return refuse(r, "cannot read the config: %s", why);
	for (size_t i = 0; i < paths.n && rc == 0; i++)
		if (realpath(paths.v[i], real) && path_is_within(real, r->real))
			rc = refuse(r, "holds the jail of %s (%s): never removed with it", users.v[i], paths.v[i]);
	strlist_free(&paths);
	strlist_free(&users);
	return rc;
}

int guard_customer(struct remove_run *r)
{
	struct strlist users = { 0 };
	const char *config;
	char why[600];
	int rc = 0;

	if (config_path(r, &config) == 0 && jails_users_of(r->rootfd, config, &users, why, sizeof why) < 0)
		return refuse(r, "cannot read the config: %s", why);
	if (users.n > 1)
		rc = refuse(r, "the jail of %zu users (%s, %s%s): give the others another jail_root first",
			    users.n, users.v[0], users.v[1], users.n > 2 ? ", ..." : "");
	else if (users.n == 1 && r->a->user && strcmp(r->a->user, users.v[0]) != 0)
		rc = refuse(r, "the jail of %s, not of %s", users.v[0], r->a->user);
	else if (users.n == 1)
		snprintf(r->user, sizeof r->user, "%s", users.v[0]);
	else if (!r->a->force_path)
		rc = refuse(r, "the jail of no user in %s (jails are found through the users in passwd: "
			    "a deleted user's jail is not); check the path, then add --force-path", config);
	else if ((rc = force_path_rules(r)) == 0 && r->a->user)
		snprintf(r->user, sizeof r->user, "%s", r->a->user);
	strlist_free(&users);
	return rc;
}

/* Mountinfo's octal escapes (\040 for a space) decoded in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

int guard_mounts(const struct remove_run *r)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[8192], mp[4096];
	int rc = 0;

	if (!f)
		return refuse(r, "cannot read /proc/self/mountinfo: %s", strerror(errno));
	while (rc == 0 && fgets(line, sizeof line, f)) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		unescape(mp);
		if (path_is_within(mp, r->real))
			rc = refuse(r, "%s is a mount point%s: unmount it first", mp,
				    strcmp(mp, r->real) != 0 ? " inside the jail" : "");
	}
	fclose(f);
	return rc;
}

/* The real uid of process PID; -1 when unknown. */
static long real_uid(const char *pid)
{
	char path[64], line[256];
	long uid = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%s/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		char *end;

		if (strncmp(line, "Uid:", 4) != 0)
			continue;
		uid = strtol(line + 4, &end, 10);
		if (end == line + 4)
			uid = -1;
		break;
	}
	fclose(f);
	return uid;
}

/* Its name, which the process chose: escaped for the admin's terminal. */
static void comm_of(const char *pid, char *out, size_t len)
{
	char path[64], comm[64] = "?";
	FILE *f;

	snprintf(path, sizeof path, "/proc/%s/comm", pid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(comm, (int)sizeof comm, f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	escape_for_log(out, len, comm);
}

int guard_processes(const struct remove_run *r)
{
	const struct passwd *pw = r->user[0] ? getpwnam(r->user) : NULL;
	DIR *d = opendir("/proc");
	const struct dirent *de;
	char path[64], comm[256];
	struct stat st;
	int rc = 0;

	if (!d)
		return refuse(r, "cannot read /proc: %s", strerror(errno));
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/root", de->d_name);
		comm_of(de->d_name, comm, sizeof comm);
		if (stat(path, &st) == 0 && st.st_dev == r->st.st_dev && st.st_ino == r->st.st_ino)
			rc = refuse(r, "process %s (%s) runs in the jail: stop it first", de->d_name, comm);
		else if (pw && real_uid(de->d_name) == (long)pw->pw_uid)
			rc = refuse(r, "%s has a running process, %s (%s): stop the customer's processes first",
				    r->user, de->d_name, comm);
	}
	closedir(d);
	return rc;
}
