/* cachebench N ROOT PATH CACHE [modules]: time the jail library check of
 * PATH inside ROOT in this process, as cgijail runs it after the drop (a
 * readable fd of the program, symbols checked, NSS modules required; with
 * "modules", the interpreter's extension modules too: check_modules):
 *   cold  cl_check_cached() with an empty cache file (full check, stored)
 *   full  cl_check() without any cache
 *   hit   cl_check_cached() when nothing has changed (the repeat check)
 * Prints "cold_med full_med full_p99 hit_med hit_p99" in microseconds.
 * CACHE is created (0600) and truncated before each cold run. A host whose
 * files change meanwhile (ROOT "/" includes /etc) turns a hit into a full
 * check: such runs are left out of the hit times, and counted on stderr. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "closure.h"

#include "benchtime.h"

static double check_once(const struct cl_options *opt, const char *path, int prog_fd,
			 int cache_fd, enum cl_cache_status *got)
{
	struct cl_report rep;
	enum cl_cache_status st = CL_CACHE_UNUSED;
	double t0;
	int rc;

	cl_report_init(&rep);
	t0 = now_us();
	rc = cache_fd >= 0 ? cl_check_cached(opt, path, prog_fd, cache_fd, &rep, &st)
			   : cl_check(opt, path, prog_fd, &rep);
	t0 = now_us() - t0;
	*got = st;
	if (rc < 0 || rep.n_problems) {
		fprintf(stderr, "cachebench: %s: rc %d, %zu problems, cache: %s\n", path, rc,
			rep.n_problems, cl_cache_status_text(st));
		cl_report_print_text(stderr, &rep);
		exit(1);
	}
	cl_report_free(&rep);
	return t0;
}

/* Median and 99th percentile of N samples (sorted in place). */
static void stats(double *t, int n, double *med, double *p99)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	*med = t[n / 2];
	*p99 = t[(int)((n - 1) * 0.99)];
}

int main(int argc, char **argv)
{
	int n = argc == 5 || argc == 6 ? atoi(argv[1]) : 0;
	struct cl_options opt;
	double *t, cold_med, cold_p99, full_med, full_p99, hit_med, hit_p99;
	int prog_fd, cache_fd, cold_n, hits = 0, misses = 0;
	enum cl_cache_status st;

	if (n <= 0) {
		fprintf(stderr, "usage: cachebench N ROOT PATH CACHE [modules]\n");
		return 2;
	}
	cl_options_init(&opt);
	opt.deep = argc == 6 && strcmp(argv[5], "modules") == 0;
	opt.root_fd = open(argv[2], O_PATH | O_DIRECTORY | O_CLOEXEC);
	prog_fd = openat(opt.root_fd, argv[3][0] == '/' ? argv[3] + 1 : argv[3], O_RDONLY | O_CLOEXEC);
	cache_fd = open(argv[4], O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	t = calloc((size_t)n, sizeof *t);
	if (opt.root_fd < 0 || prog_fd < 0 || cache_fd < 0 || !t) {
		fprintf(stderr, "cachebench: %s\n", strerror(errno));
		return 2;
	}
	cold_n = n < 50 ? n : 50;
	for (int i = 0; i < cold_n; i++) {
		if (ftruncate(cache_fd, 0) < 0)
			return 2;
		t[i] = check_once(&opt, argv[3], prog_fd, cache_fd, &st);
	}
	stats(t, cold_n, &cold_med, &cold_p99);
	for (int i = 0; i < cold_n; i++)
		t[i] = check_once(&opt, argv[3], prog_fd, -1, &st);
	stats(t, cold_n, &full_med, &full_p99);
	/* Something the check consults may have changed just now: wait until
	 * a verdict is stored. */
	for (int i = 0; i < 20 && st != CL_CACHE_STORED && st != CL_CACHE_HIT; i++) {
		check_once(&opt, argv[3], prog_fd, cache_fd, &st);
		if (st != CL_CACHE_STORED && st != CL_CACHE_HIT)
			usleep(500000);
	}
	while (hits < n && misses < n) {
		double us = check_once(&opt, argv[3], prog_fd, cache_fd, &st);

		if (st == CL_CACHE_HIT)
			t[hits++] = us;
		else
			misses++;
	}
	if (hits == 0) {
		fprintf(stderr, "cachebench: no cache hit in %d tries (%s)\n", misses,
			cl_cache_status_text(st));
		return 1;
	}
	if (misses)
		fprintf(stderr, "cachebench: %d of %d repeat checks were full checks "
			"(files changed meanwhile)\n", misses, hits + misses);
	stats(t, hits, &hit_med, &hit_p99);
	printf("%.1f %.1f %.1f %.1f %.1f\n", cold_med, full_med, full_p99, hit_med, hit_p99);
	return 0;
}
