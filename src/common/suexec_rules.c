#include "suexec_rules.h"

#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cj_exit.h"
#include "strutil.h"

__attribute__((format(printf, 4, 5)))
static int verdict(int code, char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return code;
}

int cj_command_verdict(const char *cmd, char *why, size_t len)
{
	if (!cmd[0])
		return verdict(CJ_BAD_COMMAND, why, len, "empty command");
	if (has_control_char(cmd))
		return verdict(CJ_BAD_COMMAND, why, len, "command has control characters");
	if (strlen(cmd) >= PATH_MAX / 2)
		return verdict(CJ_BAD_COMMAND, why, len, "command is longer than %d bytes", PATH_MAX / 2);
	if (cmd[0] == '/')
		return verdict(CJ_BAD_COMMAND, why, len,
			       "%s is absolute; Apache passes it relative to the CGI's directory", cmd);
	if (has_dot_component(cmd))
		return verdict(CJ_BAD_COMMAND, why, len, "%s has a '.' or '..' component", cmd);
	return CJ_OK;
}

/* The names an admin knows the owner by, with the numbers. Looked up on
 * the host (cgijail: before chroot) and only on the way to a refusal. */
static void owner_names(uid_t uid, gid_t gid, char *out, size_t len)
{
	const struct passwd *pw = getpwuid(uid);
	char user[256];
	const struct group *gr;

	snprintf(user, sizeof user, "%s", pw ? pw->pw_name : "?");
	gr = getgrgid(gid);
	snprintf(out, len, "%s/%s (%lu/%lu)", user, gr ? gr->gr_name : "?", (unsigned long)uid,
		 (unsigned long)gid);
}

static int owned_verdict(const struct stat *st, const char *what, const struct cj_target *t,
			 char *why, size_t len)
{
	char owner[600];

	if (st->st_uid == t->uid && st->st_gid == t->gid)
		return CJ_OK;
	owner_names(st->st_uid, st->st_gid, owner, sizeof owner);
	return verdict(CJ_OWNER_MISMATCH, why, len, "target %s/%s (%lu/%lu), %s owned by %s",
		       t->user, t->group, (unsigned long)t->uid, (unsigned long)t->gid, what, owner);
}

int cj_dir_verdict(const struct stat *dir, const char *name, const struct cj_target *t,
		   char *why, size_t len)
{
	if (dir->st_mode & (S_IWGRP | S_IWOTH))
		return verdict(CJ_DIR_WRITABLE, why, len, "%s (mode %04o)", name,
			       (unsigned)(dir->st_mode & 07777));
	return owned_verdict(dir, "directory", t, why, len);
}

int cj_program_verdict(const struct stat *prog, const struct stat *dir, const char *cmd,
		       const struct cj_target *t, char *why, size_t len)
{
	unsigned mode = (unsigned)(prog->st_mode & 07777);
	int code;

	if (S_ISLNK(prog->st_mode))
		return verdict(CJ_PROG_OPEN, why, len, "%s is a symlink", cmd);
	if (!S_ISREG(prog->st_mode))
		return verdict(CJ_PROG_NOT_FILE, why, len, "%s (mode %06o)", cmd,
			       (unsigned)prog->st_mode);
	if (prog->st_mode & (S_IWGRP | S_IWOTH))
		return verdict(CJ_PROG_WRITABLE, why, len, "%s (mode %04o)", cmd, mode);
	if (prog->st_mode & (S_ISUID | S_ISGID))
		return verdict(CJ_PROG_SETID, why, len, "%s (mode %04o)", cmd, mode);
	code = owned_verdict(dir, "directory", t, why, len);
	if (code == CJ_OK)
		code = owned_verdict(prog, "program", t, why, len);
	if (code == CJ_OK && !(prog->st_mode & S_IXUSR))
		return verdict(CJ_PROG_NOEXEC, why, len, "%s (mode %04o)", cmd, mode);
	return code;
}
