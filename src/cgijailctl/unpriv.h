/* Work done as an unprivileged user, for a root parent.
 *
 * cgijailctl runs as root, but what it parses in a jail (programs, #!
 * lines, ELF files, ld.so.cache, nsswitch.conf) is the customer's to
 * write. As cgijail does, it parses those only with a customer's rights:
 * in a child that has dropped for good to that user (all uids and gids,
 * the group list, no capabilities, not dumpable, no_new_privs) and that
 * writes what it found to a pipe. The parent reads at most a bounded
 * number of bytes within a bounded time, always reaps the child, and
 * treats the bytes as hostile input. */
#ifndef CTL_UNPRIV_H
#define CTL_UNPRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct unpriv_user {
	char name[256];
	uid_t uid;
	gid_t gid;
};

/* How long a child may take before it is killed (ms), and how much it may
 * write (bytes). */
#define UNPRIV_TIMEOUT_MS (10 * 60 * 1000)

/* NAME from the passwd database into U. Refuses uid 0 and gid 0: the point
 * is not to be root. 0, or -1 with the reason in WHY. */
int unpriv_user_by_name(const char *name, struct unpriv_user *u, char *why, size_t whylen);

/* Become U for good in this process: setgroups to U's gid only, setresgid,
 * setresuid, then prove that root cannot be regained and no capability is
 * left; not dumpable (U's other processes cannot ptrace it), no_new_privs.
 * Must run as root. 0, or -1 with the reason in WHY. */
int unpriv_drop(const struct unpriv_user *u, char *why, size_t whylen);

/* The child's work: write the result to OUT; 0 when done, else -1. */
typedef int (*unpriv_work)(void *arg, FILE *out);

/* Run WORK(ARG) in a child that first closes every descriptor but stderr
 * and KEEP[0..NKEEP-1], puts /dev/null on stdin and stdout, and drops to U.
 * The bytes it writes (at most MAX) go to *BUF (malloc'd, *LEN bytes).
 * 0 when the child exited 0 within UNPRIV_TIMEOUT_MS; -1 otherwise, with
 * what happened to it in WHY. The child is reaped in every case. */
int unpriv_run(const struct unpriv_user *u, unpriv_work work, void *arg, const int *keep,
	       size_t nkeep, size_t max, char **buf, size_t *len, char *why, size_t whylen);

/* The same, with PREPARE(ARG) run in the child as root after its
 * descriptors are closed and before the drop (thinview.h: the template of
 * a bind-mode thin jail mounted in a mount namespace of its own). When it
 * fails (-1, its reason on stderr), the child exits without working. */
typedef int (*unpriv_prepare)(void *arg);
int unpriv_run_prepared(const struct unpriv_user *u, unpriv_prepare prepare, unpriv_work work,
			void *arg, const int *keep, size_t nkeep, size_t max, char **buf, size_t *len,
			char *why, size_t whylen);

/* The parent's side of unpriv_run: read what child PID writes to FD (at
 * most MAX bytes, within TIMEOUT_MS), then reap it. A child that is
 * stopped by a signal, outlives the timeout or writes more is killed.
 * 0 when it exited 0; -1 otherwise, with the reason in WHY. *BUF is
 * always set (free it). Does not close FD. */
int unpriv_collect(pid_t pid, int fd, int timeout_ms, size_t max, char **buf, size_t *len,
		   char *why, size_t whylen);

#endif
