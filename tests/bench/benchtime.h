/* What the benchmark programs share: a monotonic clock in microseconds and
 * an order for qsort() of timings. */
#ifndef BENCHTIME_H
#define BENCHTIME_H

#include <time.h>

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static inline double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

#endif
