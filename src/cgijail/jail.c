/* The jail: its root, the cwd inside it, and the way in. */
#include "cgijail.h"
#include "safepath.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The policy of the target user decides the jail; every component of its
 * root must be root-owned and not writable by group or others (OpenSSH's
 * ChrootDirectory rule). */
void open_jail_root(struct request *rq)
{
	char why[PATH_MAX + 128];

	if (!rq->pol->jail_root[0]) {
		if (rq->pol->require_jail)
			refuse(rq, CJ_NO_JAIL, "no jail_root for %s and require_jail = yes", rq->user);
		passed(rq, "jail", "none configured for %s (require_jail = no)", rq->user);
		return;
	}
	if (expand_user_pattern(rq->pol->jail_root, rq->user, rq->uid, rq->jail, sizeof rq->jail) < 0)
		refuse(rq, CJ_NO_JAIL, "jail_root %s does not expand for %s", rq->pol->jail_root, rq->user);
	rq->jail_fd = open_root_owned_path(rq->jail, O_PATH | O_DIRECTORY, why, sizeof why);
	if (rq->jail_fd < 0)
		refuse(rq, CJ_JAIL_UNSAFE, "%s", why);
	passed(rq, "jail", "%s: every component root-owned, not group/other-writable", rq->jail);
}

static void set_paths_in_jail(struct request *rq, const char *cwd_in_jail)
{
	const char *sep = strcmp(cwd_in_jail, "/") ? "/" : "";

	if (format_checked(rq->cwd_in_jail, sizeof rq->cwd_in_jail, "%s", cwd_in_jail) < 0 ||
	    format_checked(rq->prog_in_jail, sizeof rq->prog_in_jail, "%s%s%s", cwd_in_jail, sep,
			   rq->cmd) < 0)
		refuse(rq, CJ_NOT_IN_JAIL, "path too long: %s/%s", rq->cwd, rq->cmd);
}

void require_cwd_in_jail(struct request *rq)
{
	const char *inside;

	if (!rq->jail[0]) {
		set_paths_in_jail(rq, rq->cwd);
		return;
	}
	inside = path_inside(rq->cwd, rq->jail);
	if (!inside)
		refuse(rq, CJ_NOT_IN_JAIL, "%s is not inside %s", rq->cwd, rq->jail);
	set_paths_in_jail(rq, inside);
	passed(rq, "cwd-in-jail", "%s is %s inside the jail", rq->cwd, inside);
}

/* As root: chroot through the fd that was checked, not through the name. */
void enter_jail(struct request *rq)
{
	/* No directory of the host goes into the jail (cachedir.c). */
	close_cache_dir(rq);
	if (rq->jail_fd < 0)
		return;
	if (fchdir(rq->jail_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		refuse(rq, CJ_CHROOT, "%s: %s", rq->jail, strerror(errno));
	close(rq->jail_fd);
	rq->jail_fd = -1;
	passed(rq, "chroot", "entered %s", rq->jail);
}

/* The program's descriptor was opened in the host's mount namespace: exec'd
 * through it, the CGI's /proc/self/exe (where the loader takes $ORIGIN
 * from) would name the host's path. Open it again by its name inside the
 * jail and make sure it is the file that was checked. Not a script: its
 * /proc/self/exe is the interpreter, and under script_exec = fd the
 * interpreter's /dev/fd/N (a /proc magic link) leads to the file from any
 * mount namespace. */
static void reopen_program_in_namespace(struct request *rq)
{
	struct stat st;
	int fd;

	if (rq->prog_is_script)
		return;
	fd = open(rq->cmd, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != rq->prog_st.st_dev ||
	    st.st_ino != rq->prog_st.st_ino)
		refuse(rq, CJ_PROG_CHANGED, "%s is not the file that was checked", rq->cmd);
	close(rq->prog_fd);
	rq->prog_fd = fd;
}

/* As the target, inside the jail: go to the CGI's directory by its name in
 * the jail and make sure it is the directory that was checked. (fchdir to the
 * old fd could land outside the new root if the customer moved it.) */
void enter_cwd_in_jail(struct request *rq)
{
	struct stat st;

	if (chdir(rq->cwd_in_jail) < 0)
		refuse(rq, CJ_CHROOT, "cannot enter %s inside the jail: %s", rq->cwd_in_jail,
		       strerror(errno));
	if (stat(".", &st) < 0 || st.st_dev != rq->cwd_st.st_dev || st.st_ino != rq->cwd_st.st_ino)
		refuse(rq, CJ_CHROOT, "%s inside the jail is not the directory that was checked",
		       rq->cwd_in_jail);
	close(rq->cwd_fd);
	rq->cwd_fd = -1;
	passed(rq, "cwd", "now in %s inside the jail", rq->cwd_in_jail);
	if (rq->pol->namespaces & CLONE_NEWNS)
		reopen_program_in_namespace(rq);
}
