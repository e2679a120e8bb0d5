/* The last step: exec exactly what was checked. */
#include "cgijail.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

/* A #! script cannot be exec'd through a close-on-exec fd (the kernel hands
 * the interpreter "/dev/fd/N", which it could not open), and the jail has no
 * /proc for that name anyway. So scripts are exec'd by their name in the
 * checked directory, refusing symlinks, right after making sure the name
 * still is the checked file. Only the customer can change that directory. */
static void require_same_script(struct request *rq)
{
	struct stat st;

	if (fstatat(AT_FDCWD, rq->cmd, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    st.st_dev != rq->prog_st.st_dev || st.st_ino != rq->prog_st.st_ino)
		refuse(rq, CJ_PROG_CHANGED, "%s is not the file that was checked", rq->cmd);
}

void exec_program(struct request *rq)
{
	reset_signals_for_exec();
	/* Everything but stdio closes on exec; the log stays usable until then. */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (rq->prog_is_script) {
		require_same_script(rq);
		execveat(AT_FDCWD, rq->cmd, rq->cgi_argv, rq->cgi_env, AT_SYMLINK_NOFOLLOW);
	} else {
		execveat(rq->prog_fd, "", rq->cgi_argv, rq->cgi_env, AT_EMPTY_PATH);
	}
	refuse(rq, CJ_EXEC, "%s: %s", rq->prog_in_jail, strerror(errno));
}
