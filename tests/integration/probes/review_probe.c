/* A CGI for the security review's cases (tests/integration/17-*). Static.
 *  reach PID   -- every way to a process outside the jail: is PID in /proc,
 *                 its /proc/PID/root, /proc/PID/mem, /proc/PID/cwd, ptrace,
 *                 process_vm_readv, pidfd_getfd, kill(PID, 0); each "NAME
 *                 ok" or "NAME ERRNO-NAME", and "procs N" (entries in /proc)
 *  stopsv      -- SIGSTOP to the parent (the supervisor; ESRCH when it has
 *                 none in its pid namespace), then sleep 30
 *  sleep N     -- print "sleeping PID" and sleep N seconds
 *  limits      -- "rlimit_stack SOFT:HARD" and the like */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static void report(const char *name, long rc)
{
	if (rc < 0)
		printf("%s %s\n", name, strerrorname_np(errno) ? strerrorname_np(errno) : "error");
	else
		printf("%s ok\n", name);
}

static long open_and_close(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd >= 0)
		close(fd);
	return fd;
}

static void count_proc(const char *pid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0, seen = 0;

	while (d && (e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9') {
			n++;
			seen |= !strcmp(e->d_name, pid);
		}
	if (d)
		closedir(d);
	printf("procs %d\nlisted %s\n", n, seen ? "yes" : "no");
}

static void reach(const char *arg)
{
	pid_t pid = (pid_t)atoi(arg);
	char path[64], buf[64], target[256];
	struct iovec local = { buf, sizeof buf }, remote = { (void *)0x400000, sizeof buf };
	long rc;

	count_proc(arg);
	snprintf(path, sizeof path, "/proc/%d", pid);
	report("stat", open_and_close(path, O_RDONLY | O_DIRECTORY));
	snprintf(path, sizeof path, "/proc/%d/root/", pid);
	report("root", open_and_close(path, O_RDONLY | O_DIRECTORY));
	snprintf(path, sizeof path, "/proc/%d/mem", pid);
	report("mem", open_and_close(path, O_RDWR));
	snprintf(path, sizeof path, "/proc/%d/cwd", pid);
	report("cwd", readlink(path, target, sizeof target));
	rc = ptrace(PTRACE_ATTACH, pid, 0, 0);
	report("ptrace", rc);
	if (rc == 0)
		ptrace(PTRACE_DETACH, pid, 0, 0);
	report("vmread", process_vm_readv(pid, &local, 1, &remote, 1, 0));
	rc = syscall(SYS_pidfd_open, pid, 0);
	report("pidfd_open", rc);
	report("pidfd_getfd", rc < 0 ? -1 : syscall(SYS_pidfd_getfd, (int)rc, 0, 0));
	report("kill", kill(pid, 0));
}

static void limit(const char *name, int res)
{
	struct rlimit rl;

	getrlimit(res, &rl);
	printf("rlimit_%s %llu:%llu\n", name, (unsigned long long)rl.rlim_cur,
	       (unsigned long long)rl.rlim_max);
}

int main(int argc, char **argv)
{
	printf("Content-Type: text/plain\n\nMARK CJT-CGI-RAN\n");
	fflush(stdout);
	if (argc > 2 && !strcmp(argv[1], "reach")) {
		reach(argv[2]);
	} else if (argc > 1 && !strcmp(argv[1], "stopsv")) {
		printf("ppid %d\n", (int)getppid());
		/* In a pid namespace the parent is outside it: no pid to name. */
		report("stopsv", getppid() > 1 ? kill(getppid(), SIGSTOP) : (errno = ESRCH, -1));
		fflush(stdout);
		sleep(30);
		printf("survived\n");
	} else if (argc > 2 && !strcmp(argv[1], "sleep")) {
		printf("sleeping %d\n", (int)getpid());
		fflush(stdout);
		sleep((unsigned)atoi(argv[2]));
		printf("survived\n");
	} else if (argc > 1 && !strcmp(argv[1], "limits")) {
		limit("stack", RLIMIT_STACK);
		limit("as", RLIMIT_AS);
		limit("data", RLIMIT_DATA);
		limit("nofile", RLIMIT_NOFILE);
		limit("fsize", RLIMIT_FSIZE);
	}
	return 0;
}
