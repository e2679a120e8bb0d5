/* runbench N CMD [ARG...]: fork, exec and wait for CMD N times (stdout and
 * stderr to /dev/null); print "median_us p99_us cpu_us": the median and
 * 99th percentile of the wall time of each, and the mean CPU time (user +
 * system) of each, which other jobs on the machine disturb less. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchtime.h"

static double cpu_us;

static double run_once(char **argv, int devnull)
{
	double t0 = now_us();
	pid_t pid = fork();
	struct rusage ru;
	int status;

	if (pid == 0) {
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "runbench: %s failed\n", argv[0]);
		exit(1);
	}
	cpu_us += (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
		  (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	return now_us() - t0;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0;
	int devnull = open("/dev/null", O_WRONLY);
	double *t;

	if (n <= 0 || devnull < 0) {
		fprintf(stderr, "usage: runbench N CMD [ARG...]\n");
		return 2;
	}
	t = calloc((size_t)n, sizeof *t);
	if (!t)
		return 1;
	for (int i = 0; i < n / 10 + 1; i++)
		run_once(argv + 2, devnull);
	cpu_us = 0;
	for (int i = 0; i < n; i++)
		t[i] = run_once(argv + 2, devnull);
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	printf("%.1f %.1f %.1f\n", t[n / 2], t[(n * 99) / 100], cpu_us / n);
	return 0;
}
