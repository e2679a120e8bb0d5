/* libFuzzer target: the reader of reports from an unprivileged checking
 * process (cl_wire.h), on arbitrary bytes. Invariants: it never crashes or
 * leaks, and a stream it reads whole encodes back to the very same bytes
 * (nothing is skipped, guessed or normalised on the way in). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RESULTS 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cl_report reps[MAX_RESULTS];
	static int errs[MAX_RESULTS];
	char why[512], *buf = NULL;
	size_t pos = 0, n = 0, len = 0;
	int rc = 0;
	FILE *out;

	if (cl_wire_get_header(data, size, &pos, why, sizeof why) < 0)
		return 0;
	while (n < MAX_RESULTS) {
		cl_report_init(&reps[n]);
		rc = cl_wire_get_result(data, size, &pos, &errs[n], &reps[n], why, sizeof why);
		if (rc <= 0)
			break;
		n++;
	}
	/* What a refused result left half-filled is freed like the rest. */
	if (n < MAX_RESULTS)
		cl_report_free(&reps[n]);
	if (rc == 0 && pos == size) {
		out = open_memstream(&buf, &len);
		if (!out || cl_wire_put_header(out) < 0)
			abort();
		for (size_t i = 0; i < n; i++)
			if (cl_wire_put_result(out, errs[i], &reps[i]) < 0)
				abort();
		if (fclose(out) != 0 || len != size || memcmp(buf, data, size) != 0)
			abort();
		free(buf);
	}
	for (size_t i = 0; i < n; i++)
		cl_report_free(&reps[i]);
	return 0;
}
