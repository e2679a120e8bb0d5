/* suexec's checks on a request's command, directory and program, as
 * predicates over what was already looked up (names, stat results): the
 * launcher refuses with them (src/cgijail/request.c, policy.c) and
 * cgijailctl lint predicts those refusals with them. Each returns CJ_OK,
 * or the exit code with the reason's detail -- the text cgijail logs
 * after "TEXT OF THE CODE: " -- in WHY. */
#ifndef CJ_SUEXEC_RULES_H
#define CJ_SUEXEC_RULES_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Whom the request runs as: its ids, and the names the log gives them. */
struct cj_target {
	uid_t uid;
	gid_t gid;
	const char *user;
	const char *group;
};

/* CMD as Apache passes it (relative to the CGI's directory). */
int cj_command_verdict(const char *cmd, char *why, size_t len);

/* A directory on the way to the program (NAME as the log names it): not
 * writable by group or others, owned by the target's uid and gid. An
 * owner's names are looked up (getpwuid, getgrgid) only for a refusal. */
int cj_dir_verdict(const struct stat *dir, const char *name, const struct cj_target *t,
		   char *why, size_t len);

/* The program (lstat'ed, CMD as Apache passes it) in the directory DIR:
 * not a symlink, a regular file, not writable by group or others, not
 * setuid or setgid, it and DIR owned by the target, executable by its
 * owner. */
int cj_program_verdict(const struct stat *prog, const struct stat *dir, const char *cmd,
		       const struct cj_target *t, char *why, size_t len);

#endif
