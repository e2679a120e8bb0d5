/* The supervisor: with timeout = N, or with a pid namespace (whose first
 * process must be a child), cgijail forks before chroot. The child goes on
 * to become the CGI; the parent chroots, drops every privilege to its own
 * system user (supervisor_user; see drop_to_supervisor) and waits: it
 * passes the CGI's exit status (or signal) on to Apache, forwards SIGTERM,
 * SIGHUP and SIGINT (from root: nobody else may signal it), and on timeout
 * kills the CGI's process group (or its pid namespace) with SIGKILL. The CGI
 * dies with the supervisor (PR_SET_PDEATHSIG), so killing the process Apache
 * started never leaves the CGI running. */
#include "cgijail.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static bool needs_supervisor(const struct request *rq)
{
	return rq->pol->timeout || (rq->pol->namespaces & CLONE_NEWPID);
}

/* Before chroot, with the other NSS lookups: who the supervisor runs as. A
 * system user of its own, so that no process a request can run as -- nor
 * the web server -- shares its real uid and could stop it. */
void lookup_supervisor_user(struct request *rq)
{
	const char *name = rq->cfg.supervisor_user;
	struct passwd *pw;

	if (!needs_supervisor(rq))
		return;
	if (rq->nss_hit && rq->nss.sv_uid) {
		rq->sv_uid = (uid_t)rq->nss.sv_uid;
		rq->sv_gid = (gid_t)rq->nss.sv_gid;
	} else if ((pw = getpwnam(name))) {
		rq->sv_uid = pw->pw_uid;
		rq->sv_gid = pw->pw_gid;
	} else {
		refuse(rq, CJ_SUPERVISOR, "no user %s for the supervisor of timeout or namespaces = pid; "
		       "create it (adduser --system --group --no-create-home %s) or set supervisor_user",
		       name, name);
	}
	/* Against this request's config, whether NSS or its kept answers
	 * (nsscache.c) gave the ids: min_uid may have changed since. */
	if (rq->sv_uid == 0 || rq->sv_gid == 0 || rq->sv_uid >= rq->cfg.min_uid || rq->sv_uid == rq->caller_uid)
		refuse(rq, CJ_SUPERVISOR, "supervisor_user %s (uid %lu, gid %lu) must be a system user of "
		       "its own: not root, below min_uid %lu, not the caller %s", name,
		       (unsigned long)rq->sv_uid, (unsigned long)rq->sv_gid, rq->cfg.min_uid, rq->caller);
	passed(rq, "supervisor", "runs as %s (uid %lu), which no CGI and not %s can signal", name,
	       (unsigned long)rq->sv_uid, rq->caller);
}

/* The whole CGI: its pid namespace (killing its first process ends every
 * process in it) or its process group -- and the CGI itself, which may
 * have moved to another group of the session. */
static void kill_cgi(const struct request *rq, int sig)
{
	if (rq->pol->namespaces & CLONE_NEWPID) {
		kill(rq->child, SIGKILL);
		return;
	}
	kill(-rq->child, sig);
	kill(rq->child, sig);
}

static __attribute__((noreturn)) void pass_on_status(struct request *rq, int status, bool timed_out)
{
	if (timed_out) {
		log_timeout(rq);
		_exit(CJ_TIMEOUT);
	}
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	signal(WTERMSIG(status), SIG_DFL);
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	raise(WTERMSIG(status));
	_exit(128 + WTERMSIG(status));
}

static __attribute__((noreturn)) void supervise(struct request *rq, const sigset_t *watched)
{
	struct timespec deadline, now, left;
	bool timed_out = false;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += rq->pol->timeout;
	for (;;) {
		siginfo_t info;
		int sig;

		if (waitpid(rq->child, &status, WNOHANG) == rq->child)
			pass_on_status(rq, status, timed_out);
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = deadline.tv_sec - now.tv_sec;
		left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_nsec += 1000000000L;
			left.tv_sec--;
		}
		if (rq->pol->timeout && !timed_out && left.tv_sec < 0) {
			timed_out = true;
			kill_cgi(rq, SIGKILL);
			continue;
		}
		sig = sigtimedwait(watched, &info, rq->pol->timeout && !timed_out ? &left : NULL);
		if (sig == SIGTERM || sig == SIGHUP || sig == SIGINT)
			kill_cgi(rq, sig);
	}
}

/* The parent: into the jail and down to its own user; then nothing but
 * waiting. Its stdin and stdout are the CGI's alone. */
static __attribute__((noreturn)) void become_supervisor(struct request *rq, const sigset_t *watched)
{
	if (setpgid(rq->child, rq->child) < 0 && errno != EACCES && errno != ESRCH &&
	    !(rq->pol->namespaces & CLONE_NEWPID))
		refuse(rq, CJ_SUPERVISOR, "setpgid: %s", strerror(errno));
	close(STDIN_FILENO);
	close(STDOUT_FILENO);
	close(rq->prog_fd);
	close(rq->cwd_fd);
	rq->prog_fd = rq->cwd_fd = -1;
	enter_jail(rq);
	drop_to_supervisor(rq);
	supervise(rq, watched);
}

void start_supervisor(struct request *rq)
{
	sigset_t watched;

	if (!needs_supervisor(rq))
		return;
	if (rq->mode == MODE_DRY_RUN) {
		passed(rq, "supervisor", "timeout %u s%s (not started in a dry run)", rq->pol->timeout,
		       rq->pol->timeout ? "" : " (off)");
		return;
	}
	/* Blocked before the fork: no signal is lost in between. The CGI
	 * gets a clean mask again just before exec. */
	sigemptyset(&watched);
	sigaddset(&watched, SIGCHLD);
	sigaddset(&watched, SIGTERM);
	sigaddset(&watched, SIGHUP);
	sigaddset(&watched, SIGINT);
	sigprocmask(SIG_BLOCK, &watched, NULL);
	/* The supervisor holds the write end: the CGI's read end reports
	 * POLLHUP once the supervisor is gone. */
	if (pipe2(rq->supervisor_pipe, O_CLOEXEC) < 0)
		refuse(rq, CJ_SUPERVISOR, "pipe: %s", strerror(errno));
	rq->child = fork();
	if (rq->child < 0)
		refuse(rq, CJ_SUPERVISOR, "fork: %s", strerror(errno));
	if (rq->child > 0) {
		close(rq->supervisor_pipe[0]);
		become_supervisor(rq, &watched);
	}
	close(rq->supervisor_pipe[1]);
	rq->supervised = true;
	if (!(rq->pol->namespaces & CLONE_NEWPID))
		setpgid(0, 0);
}

/* In the CGI's process, after the drop (which clears the parent-death
 * signal): die with the supervisor. */
void bind_to_supervisor(struct request *rq)
{
	if (!rq->supervised)
		return;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		refuse(rq, CJ_SUPERVISOR, "PR_SET_PDEATHSIG: %s", strerror(errno));
	/* The supervisor died before the signal was armed: no one would ever
	 * kill this CGI on timeout. */
	struct pollfd gone = { rq->supervisor_pipe[0], POLLIN, 0 };
	if (poll(&gone, 1, 0) != 0)
		refuse(rq, CJ_SUPERVISOR, "the supervisor is gone");
	close(rq->supervisor_pipe[0]);
	passed(rq, "supervisor", "timeout %u s", rq->pol->timeout);
}
