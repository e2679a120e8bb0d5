/* The last step: exec exactly what was checked. */
#include "cgijail.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* start_clean() set every disposition to SIG_DFL but SIGXFSZ's, and no
 * handler was installed since; the supervisor blocked some signals. */
static void reset_signals_for_exec(void)
{
	sigset_t none;

	signal(SIGXFSZ, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* script_exec = name: a #! script is exec'd by its name in the checked
 * directory, refusing symlinks, right after making sure the name still is
 * the checked file (through its fd the kernel would hand the interpreter
 * "/dev/fd/N", and a jail without /proc has no such name). Only the customer
 * can change that directory. */
static void require_same_script(struct request *rq)
{
	struct stat st;

	if (fstatat(AT_FDCWD, rq->cmd, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    st.st_dev != rq->prog_st.st_dev || st.st_ino != rq->prog_st.st_ino)
		refuse(rq, CJ_PROG_CHANGED, "%s is not the file that was checked", rq->cmd);
}

/* script_exec = fd: the kernel hands the interpreter "/dev/fd/N", which
 * must lead to the checked file inside the jail: through the jail's
 * /dev/fd -> /proc/self/fd and the private /proc of namespaces = mount. */
void require_script_fd_in_jail(struct request *rq)
{
	const char *jail = rq->jail[0] ? rq->jail : "/";
	const char *fix = rq->pol->namespaces & CLONE_NEWNS ? ""
			  : "set namespaces = pid,mount (a private /proc) and ";
	char name[32];
	struct stat st;

	if (!rq->prog_is_script || !rq->pol->script_exec_fd)
		return;
	snprintf(name, sizeof name, "/dev/fd/%d", rq->prog_fd);
	if (stat(name, &st) < 0)
		refuse(rq, CJ_SCRIPT_FD, "%s in %s: %s; %smake a symlink /dev/fd -> /proc/self/fd in the "
		       "jail (cgijailctl init makes it)", name, jail, strerror(errno), fix);
	if (st.st_dev != rq->prog_st.st_dev || st.st_ino != rq->prog_st.st_ino)
		refuse(rq, CJ_SCRIPT_FD, "%s in %s is not %s; the jail's /dev/fd must be a symlink to "
		       "/proc/self/fd", name, jail, rq->cmd);
	passed(rq, "script-fd", "%s is %s: the interpreter reads the checked file", name, rq->cmd);
}

void exec_program(struct request *rq)
{
	reset_signals_for_exec();
	/* Everything but stdio closes on exec; the log stays usable until then. */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (rq->prog_is_script && !rq->pol->script_exec_fd) {
		require_same_script(rq);
		execveat(AT_FDCWD, rq->cmd, rq->cgi_argv, rq->cgi_env, AT_SYMLINK_NOFOLLOW);
	} else {
		/* The kernel runs no script through a close-on-exec fd. */
		if (rq->prog_is_script && fcntl(rq->prog_fd, F_SETFD, 0) < 0)
			refuse(rq, CJ_EXEC, "%s: %s", rq->prog_in_jail, strerror(errno));
		execveat(rq->prog_fd, "", rq->cgi_argv, rq->cgi_env, AT_EMPTY_PATH);
	}
	refuse(rq, CJ_EXEC, "%s: %s", rq->prog_in_jail, strerror(errno));
}
