/* A CGI that tries the system calls cgijail's seccomp filter denies, with
 * arguments that would otherwise succeed or fail harmlessly, and prints one
 * "name result" line each: "ok", or the errno name. With the argument
 * "ptrace" it tries only ptrace (for seccomp_action = kill). ptrace is
 * PEEKUSER on itself: ESRCH when allowed, nothing attached either way.
 * The i386 and x32 calls run in a child each, whose result may also be the
 * signal that killed it ("SIGSEGV": a kernel without IA32 emulation has no
 * int $0x80), so that a missing ABI never hides the other results. With the
 * argument "kernel" it prints only those two and clone3: run outside the
 * jail and without cgijail, they say what this kernel supports. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void report(const char *name, long rc)
{
	const char *what = "ok";

	if (rc == -1)
		what = errno == EPERM ? "EPERM" : errno == ENOSYS ? "ENOSYS" : strerrorname_np(errno);
	printf("%s %s\n", name, what ? what : "error");
	fflush(stdout);
}

/* A clone that, should it succeed, exits at once in the child. */
static long try_clone(unsigned long flags)
{
	long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return pid < 0 ? -1 : 0;
}

/* Packet sockets need CAP_NET_RAW: EPERM from the kernel too, so only the
 * strict filter's EPERM is told apart by the seccomp = default run. */
static long close_socket(int fd)
{
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Every personality but 0 and the query, in the low 32 bits the kernel
 * reads: each bit alone, and all bits but one. Tried in a child, whose
 * personality changes where the kernel allows it. -1 with EPERM when all
 * 64 are refused, 0 when all are allowed, -1 with EPROTO when mixed. */
static long personality_others(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		int refused = 0;

		for (unsigned i = 0; i < 32; i++) {
			unsigned long one = 1UL << i, all_but_one = 0xffffffffUL & ~one;

			refused += syscall(SYS_personality, one) < 0 && errno == EPERM;
			refused += syscall(SYS_personality, all_but_one) < 0 && errno == EPERM;
		}
		_exit(refused == 64 ? 0 : refused == 0 ? 1 : 2);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	errno = WEXITSTATUS(status) == 0 ? EPERM : EPROTO;
	return WEXITSTATUS(status) == 1 ? 0 : -1;
}

/* FN's result, reported by a child; or the signal that killed the child. */
static void report_in_child(const char *name, long (*fn)(void))
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		report(name, fn());
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		report(name, -1);
		return;
	}
	if (WIFSIGNALED(status)) {
		printf("%s SIG%s\n", name, sigabbrev_np(WTERMSIG(status)) ?: "UNKNOWN");
		fflush(stdout);
	}
}

static long x32_getpid(void)
{
	return syscall(0x40000000 | SYS_getpid) < 0 ? -1 : 0;
}

static long clone3_empty(void)
{
	struct clone_args ca = { 0 };

	/* Size 0: EINVAL where the kernel has clone3, ENOSYS where not. */
	return syscall(SYS_clone3, &ca, 0);
}

static long i386_getpid(void)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char buf[8] = "x", dst[8];
	struct iovec local = { dst, 1 }, remote = { buf, 1 };
	struct timex tx = { 0 };

	printf("Content-Type: text/plain\n\nMARK CJT-CGI-RAN\n");
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "ptrace")) {
		report("ptrace", syscall(SYS_ptrace, PTRACE_PEEKUSER, getpid(), 0, 0));
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "kernel")) {
		report_in_child("i386_abi", i386_getpid);
		report_in_child("x32_abi", x32_getpid);
		report("clone3", clone3_empty());
		return 0;
	}
	report("getpid", syscall(SYS_getpid) > 0 ? 0 : -1);
	report("ptrace", syscall(SYS_ptrace, PTRACE_PEEKUSER, getpid(), 0, 0));
	report("process_vm_readv", syscall(SYS_process_vm_readv, getpid(), &local, 1, &remote, 1, 0) < 0 ? -1 : 0);
	report("pidfd_getfd", syscall(SYS_pidfd_getfd, -1, 0, 0));
	report("unshare_user", syscall(SYS_unshare, CLONE_NEWUSER));
	report("unshare_mount", syscall(SYS_unshare, CLONE_NEWNS));
	report("unshare_net", syscall(SYS_unshare, CLONE_NEWNET));
	report("unshare_none", syscall(SYS_unshare, 0));
	report("setns", syscall(SYS_setns, 0, CLONE_NEWNET));
	report("clone_user", try_clone(CLONE_NEWUSER));
	report("clone_plain", try_clone(0));
	report("clone3", clone3_empty());
	report("bpf", syscall(SYS_bpf, -1, NULL, 0));
	report("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
	report("userfaultfd", syscall(SYS_userfaultfd, 0));
	report("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
	report("add_key", syscall(SYS_add_key, "user", "cjt", "x", 1, -3));
	report("request_key", syscall(SYS_request_key, "user", "cjt-none", NULL, 0));
	report("settimeofday", syscall(SYS_settimeofday, NULL, NULL));
	report("clock_settime", syscall(SYS_clock_settime, CLOCK_REALTIME, NULL));
	report("adjtimex", syscall(SYS_adjtimex, &tx) < 0 ? -1 : 0);
	report("iopl", syscall(SYS_iopl, 0));
	report("ioperm", syscall(SYS_ioperm, 0, 0, 0));
	report("personality_query", syscall(SYS_personality, 0xffffffffUL) < 0 ? -1 : 0);
	report("personality_linux", syscall(SYS_personality, 0UL) < 0 ? -1 : 0);
	report("personality_rie", syscall(SYS_personality, (unsigned long)READ_IMPLIES_EXEC) < 0 ? -1 : 0);
	report("personality_top", syscall(SYS_personality, 0x80400000UL) < 0 ? -1 : 0);
	report("personality_others", personality_others());
	report("tiocsti", syscall(SYS_ioctl, 0, TIOCSTI, "x"));
	report("mount", syscall(SYS_mount, "none", "/", "tmpfs", 0, NULL));
	report("acct", syscall(SYS_acct, NULL));
	report("io_uring_setup", syscall(SYS_io_uring_setup, 0, NULL));
	report("ustat", syscall(SYS_ustat, 0, NULL));
	report("socket_netlink", close_socket(socket(AF_NETLINK, SOCK_RAW, 0)));
	report("socket_packet", close_socket(socket(AF_PACKET, SOCK_DGRAM, 0)));
	report("socket_unix", close_socket(socket(AF_UNIX, SOCK_STREAM, 0)));
	report("socket_inet", close_socket(socket(AF_INET, SOCK_DGRAM, 0)));
	report_in_child("i386_abi", i386_getpid);
	report_in_child("x32_abi", x32_getpid);
	return 0;
}
