#include "unpriv.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The exit statuses of a child that could not do its work. */
enum { CHILD_WORK_FAILED = 120, CHILD_NO_DROP = 121, CHILD_NO_FDS = 122, CHILD_NO_PREPARE = 123 };

/* How often a child is looked at for being stopped (ms). */
#define STOP_POLL_MS 100

int unpriv_user_by_name(const char *name, struct unpriv_user *u, char *why, size_t whylen)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		snprintf(why, whylen, "%s: %s", name, errno ? strerror(errno) : "no such user");
		return -1;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		snprintf(why, whylen, "%s: uid %lu, gid %lu: refusing to check as root or as a member of group 0",
			 name, (unsigned long)pw->pw_uid, (unsigned long)pw->pw_gid);
		return -1;
	}
	if (snprintf(u->name, sizeof u->name, "%s", pw->pw_name) >= (int)sizeof u->name) {
		snprintf(why, whylen, "%.64s...: user name too long", name);
		return -1;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

/* ---- the child ---- */

static bool no_capabilities(void)
{
	cap_t now = cap_get_proc(), none = cap_init();
	bool clear = now && none && cap_compare(now, none) == 0;

	cap_free(now);
	cap_free(none);
	return clear;
}

/* All ids are U's and none of root's can be had back. */
static const char *permanent(const struct unpriv_user *u)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) < 0 || ru != u->uid || eu != u->uid || su != u->uid)
		return "the uids are not all the user's";
	if (getresgid(&rg, &eg, &sg) < 0 || rg != u->gid || eg != u->gid || sg != u->gid)
		return "the gids are not all the user's";
	if (setresuid(0, 0, 0) == 0 || setresuid(-1, 0, -1) == 0 || setresgid(0, 0, 0) == 0)
		return "root could be regained after the drop";
	if (setgroups(0, NULL) == 0)
		return "the group list could still be changed after the drop";
	if (!no_capabilities())
		return "capabilities remain after the uid change";
	return NULL;
}

int unpriv_drop(const struct unpriv_user *u, char *why, size_t whylen)
{
	const char *bad;

	if (u->uid == 0 || u->gid == 0) {
		snprintf(why, whylen, "refusing to drop to uid 0 or gid 0");
		return -1;
	}
	if (setgroups(1, &u->gid) < 0 || setresgid(u->gid, u->gid, u->gid) < 0) {
		snprintf(why, whylen, "gid %lu: %s", (unsigned long)u->gid, strerror(errno));
		return -1;
	}
	if (setresuid(u->uid, u->uid, u->uid) < 0) {
		snprintf(why, whylen, "uid %lu: %s", (unsigned long)u->uid, strerror(errno));
		return -1;
	}
	if ((bad = permanent(u))) {
		snprintf(why, whylen, "%s", bad);
		return -1;
	}
	/* After the uid change: it sets dumpable back to fs.suid_dumpable. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(why, whylen, "not dumpable, no_new_privs: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Close every descriptor above 2 but the N in FDS (sorted here); /dev/null
 * on 0 and 1, so that nothing the work opens becomes them and it cannot
 * write to our stdout. */
static int keep_only(int *fds, size_t n)
{
	int null, next = 3;

	qsort(fds, n, sizeof *fds, cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (fds[i] < next)
			continue;
		if (fds[i] > next && close_range((unsigned)next, (unsigned)fds[i] - 1, 0) < 0)
			return -1;
		next = fds[i] + 1;
	}
	if (close_range((unsigned)next, UINT_MAX, 0) < 0)
		return -1;
	null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
		return -1;
	if (null > 2)
		close(null);
	return 0;
}

static __attribute__((noreturn)) void child(const struct unpriv_user *u, unpriv_prepare prepare,
					      unpriv_work work, void *arg, int wfd, const int *keep,
					      size_t nkeep)
{
	int *fds = malloc((nkeep + 1) * sizeof *fds);
	char why[512];
	bool worked;
	FILE *out;

	if (!fds)
		_exit(CHILD_NO_FDS);
	if (nkeep)
		memcpy(fds, keep, nkeep * sizeof *keep);
	fds[nkeep] = wfd;
	if (keep_only(fds, nkeep + 1) < 0)
		_exit(CHILD_NO_FDS);
	free(fds);
	if (prepare && prepare(arg) < 0)
		_exit(CHILD_NO_PREPARE);
	if (u && unpriv_drop(u, why, sizeof why) < 0) {
		fprintf(stderr, "cgijailctl: cannot become %s to check: %s\n", u->name, why);
		_exit(CHILD_NO_DROP);
	}
	out = fdopen(wfd, "w");
	if (!out)
		_exit(CHILD_WORK_FAILED);
	worked = work(arg, out) == 0;
	_exit(fclose(out) == 0 && worked ? 0 : CHILD_WORK_FAILED);
}

/* ---- the parent ---- */

struct collect {
	pid_t pid;
	int fd, status;
	char *buf;
	size_t len, cap, max;
	bool eof, reaped;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void reap(struct collect *c)
{
	while (!c->reaped && waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
		;
	c->reaped = true;
}

static int kill_child(struct collect *c, char *why, size_t whylen, const char *what)
{
	/* Once reaped, its pid may be another process's. */
	if (!c->reaped)
		kill(c->pid, SIGKILL);
	reap(c);
	snprintf(why, whylen, "%s: killed", what);
	return -1;
}

/* Read what there is now. 1 more may come, 0 at the end, -1 over MAX. */
static int drain(struct collect *c)
{
	for (;;) {
		ssize_t n;

		if (c->cap - c->len < 65536) {
			/* doubled: a long report is not copied once per pipe's worth */
			size_t cap = c->cap ? c->cap * 2 : 65536;
			char *p = realloc(c->buf, cap);

			if (!p)
				return -1;
			c->buf = p;
			c->cap = cap;
		}
		n = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 1 : 0;
		if (n == 0) {
			c->eof = true;
			return 0;
		}
		c->len += (size_t)n;
		if (c->len > c->max)
			return -1;
	}
}

static int exit_status(const struct collect *c, char *why, size_t whylen)
{
	int st = c->status;

	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == CHILD_NO_DROP)
		snprintf(why, whylen, "could not drop to the user (status %d)", WEXITSTATUS(st));
	else if (WIFEXITED(st) && WEXITSTATUS(st) == CHILD_NO_FDS)
		snprintf(why, whylen, "could not close the descriptors it must not have (status %d)",
			 WEXITSTATUS(st));
	else if (WIFEXITED(st) && WEXITSTATUS(st) == CHILD_NO_PREPARE)
		snprintf(why, whylen, "could not mount the thin jail's template (status %d)", WEXITSTATUS(st));
	else if (WIFEXITED(st) && WEXITSTATUS(st) == CHILD_WORK_FAILED)
		snprintf(why, whylen, "could not write its report (status %d)", WEXITSTATUS(st));
	else if (WIFEXITED(st))
		snprintf(why, whylen, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(why, whylen, "was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(why, whylen, "ended with wait status %#x", (unsigned)st);
	return -1;
}

/* Wait up to MS for the pipe or the child's end; then look whether the
 * child is gone or stopped. 1 go on, 0 it exited, -1 it was stopped. */
static int watch(struct collect *c, int pidfd, int ms)
{
	struct pollfd p[2] = { { c->eof ? -1 : c->fd, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
	pid_t w;

	(void)poll(p, 2, ms);
	w = waitpid(c->pid, &c->status, WNOHANG | WUNTRACED);
	if (w != c->pid)
		return 1;
	if (WIFSTOPPED(c->status))
		return -1;
	c->reaped = true;
	return 0;
}

static int collect_loop(struct collect *c, int pidfd, int timeout_ms, char *why, size_t whylen)
{
	long long deadline = now_ms() + timeout_ms;
	char what[128];

	for (;;) {
		long long left = deadline - now_ms();
		int rc;

		if (left <= 0) {
			snprintf(what, sizeof what, "took longer than %d ms", timeout_ms);
			return kill_child(c, why, whylen, what);
		}
		rc = watch(c, pidfd, left < STOP_POLL_MS ? (int)left : STOP_POLL_MS);
		if (rc < 0) {
			snprintf(what, sizeof what, "was stopped by signal %d (%s)", WSTOPSIG(c->status),
				 strsignal(WSTOPSIG(c->status)));
			return kill_child(c, why, whylen, what);
		}
		/* Once it is gone, what it wrote is in the pipe: a process it
		 * left behind holding the pipe open is not waited for. */
		if (!c->eof && drain(c) < 0) {
			snprintf(what, sizeof what, "wrote more than %zu bytes", c->max);
			return kill_child(c, why, whylen, what);
		}
		if (rc == 0)
			return exit_status(c, why, whylen);
	}
}

int unpriv_collect(pid_t pid, int fd, int timeout_ms, size_t max, char **buf, size_t *len,
		   char *why, size_t whylen)
{
	struct collect c = { .pid = pid, .fd = fd, .max = max };
	int pidfd = pidfd_open(pid, 0), flags = fcntl(fd, F_GETFL), rc;

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		rc = kill_child(&c, why, whylen, "its pipe cannot be made non-blocking");
	else
		rc = collect_loop(&c, pidfd, timeout_ms, why, whylen);
	reap(&c);
	if (pidfd >= 0)
		close(pidfd);
	*buf = c.buf;
	*len = c.len;
	return rc;
}

int unpriv_run(const struct unpriv_user *u, unpriv_work work, void *arg, const int *keep,
	       size_t nkeep, size_t max, char **buf, size_t *len, char *why, size_t whylen)
{
	return unpriv_run_prepared(u, NULL, work, arg, keep, nkeep, max, buf, len, why, whylen);
}

int unpriv_run_prepared(const struct unpriv_user *u, unpriv_prepare prepare, unpriv_work work,
			void *arg, const int *keep, size_t nkeep, size_t max, char **buf, size_t *len,
			char *why, size_t whylen)
{
	int pfd[2], rc;
	pid_t pid;

	*buf = NULL;
	*len = 0;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "could not be started: pipe: %s", strerror(errno));
		return -1;
	}
	/* The child must not write out what our buffers hold. */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "could not be started: fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		child(u, prepare, work, arg, pfd[1], keep, nkeep);
	}
	close(pfd[1]);
	rc = unpriv_collect(pid, pfd[0], UNPRIV_TIMEOUT_MS, max, buf, len, why, whylen);
	close(pfd[0]);
	return rc;
}
