/* A CGI that runs into one resource limit, named by argv[1], and prints
 * "MODE result" (or dies of it: cpu, stack). Also "sleep N" (with a child
 * that sleeps too, both pids written to ./pids), "attach PID" (ptrace a
 * sibling) and "ns" (what a CGI sees of its namespaces). Static. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define TMPFS_MAGIC_NUMBER 0x01021994

static const char *err(void) { return strerrorname_np(errno) ? strerrorname_np(errno) : "error"; }

static void cpu(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}

static void try_alloc(const char *what, size_t bytes)
{
	char *p = malloc(bytes);

	if (!p) {
		printf("%s %s\n", what, err());
		return;
	}
	memset(p, 1, bytes);
	printf("%s ok\n", what);
	free(p);
}

static int recurse(int depth)
{
	volatile char pad[4096];

	pad[0] = (char)depth;
	return depth > 1000000 ? pad[0] : recurse(depth + 1) + pad[0];
}

static void nproc(void)
{
	pid_t kids[64];
	int n = 0;

	while (n < 64) {
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0)
			break;
		kids[n++] = p;
	}
	printf("nproc %s after %d\n", n < 64 ? err() : "none", n);
	for (int i = 0; i < n; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
}

static void nofile(void)
{
	int n = 0;

	while (n < 100000 && open(".", O_RDONLY | O_DIRECTORY) >= 0)
		n++;
	printf("nofile %s after %d\n", err(), n);
}

static void fsize(void)
{
	static char buf[1 << 20];
	int fd = open("fsize.out", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t w1, w2;

	signal(SIGXFSZ, SIG_IGN);
	w1 = write(fd, buf, sizeof buf);
	w2 = write(fd, buf, sizeof buf);
	printf("fsize %zd %s\n", w1, w2 < 0 ? err() : "ok");
	unlink("fsize.out");
}

static void core(void)
{
	struct rlimit r = { 1 << 20, 1 << 20 };

	printf("core %s\n", setrlimit(RLIMIT_CORE, &r) < 0 ? err() : "raised");
}

static void sleeper(int secs)
{
	pid_t kid = fork();
	FILE *f;

	if (kid == 0) {
		sleep((unsigned)secs);
		_exit(0);
	}
	f = fopen("pids.new", "w");
	fprintf(f, "%d %d\n", getpid(), kid);
	fclose(f);
	rename("pids.new", "pids");
	printf("sleeping\n");
	fflush(stdout);
	sleep((unsigned)secs);
	printf("woke\n");
}

/* PTRACE_ATTACH to a sibling CGI of the same customer. */
static void attach(pid_t pid)
{
	if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0) {
		printf("attach %s\n", err());
		return;
	}
	waitpid(pid, NULL, 0);
	ptrace(PTRACE_DETACH, pid, 0, 0);
	printf("attach ok\n");
}

static void namespaces(void)
{
	struct if_nameindex *ifs = if_nameindex();
	struct statfs sf;
	DIR *d = opendir("/proc");
	struct dirent *e;
	int procs = 0;
	char host[256] = "";

	printf("pid %d\n", getpid());
	while (d && (e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
			procs++;
	printf("procs %d\n", d ? procs : -1);
	printf("ifaces");
	for (struct if_nameindex *i = ifs; i && i->if_name; i++)
		printf(" %s", i->if_name);
	printf("\n");
	printf("tmp %s\n", statfs("/tmp", &sf) == 0 && sf.f_type == TMPFS_MAGIC_NUMBER ? "tmpfs" : "other");
	gethostname(host, sizeof host);
	printf("hostname %s\n", host);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	printf("Content-Type: text/plain\n\nMARK CJT-CGI-RAN\n");
	fflush(stdout);
	if (!strcmp(mode, "cpu"))
		cpu();
	else if (!strcmp(mode, "as"))
		try_alloc("as", (size_t)1 << 30);
	else if (!strcmp(mode, "data"))
		try_alloc("data", (size_t)128 << 20);
	else if (!strcmp(mode, "stack"))
		printf("stack %d\n", recurse(0));
	else if (!strcmp(mode, "nproc"))
		nproc();
	else if (!strcmp(mode, "nofile"))
		nofile();
	else if (!strcmp(mode, "fsize"))
		fsize();
	else if (!strcmp(mode, "core"))
		core();
	else if (!strcmp(mode, "nice"))
		printf("nice %d\n", getpriority(PRIO_PROCESS, 0));
	else if (!strcmp(mode, "sleep"))
		sleeper(argc > 2 ? atoi(argv[2]) : 60);
	else if (!strcmp(mode, "attach") && argc > 2)
		attach((pid_t)atoi(argv[2]));
	else if (!strcmp(mode, "ns"))
		namespaces();
	return 0;
}
