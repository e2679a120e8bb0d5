/* libFuzzer target: cgijail's argv (src/cgijail/request.c): the options,
 * the argument count and the command's checks, on an argv made of the
 * input's NUL-separated strings (argv[0] included, possibly none at all).
 * A refusal is caught (longjmp) and must carry a code of the argv steps;
 * an accepted command must be relative, non-empty, shorter than PATH_MAX/2,
 * without control characters and without a '.' or '..' component. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgijail.h"
#include "strutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static jmp_buf refused;
static int refused_code;

void refuse(struct request *rq, int code, const char *fmt, ...)
{
	(void)rq;
	(void)fmt;
	refused_code = code;
	longjmp(refused, 1);
}

void passed(struct request *rq, const char *check, const char *fmt, ...)
{
	(void)rq;
	(void)check;
	(void)fmt;
}

void print_seccomp_policy(FILE *out, const struct cj_policy *pol)
{
	(void)out;
	(void)pol;
}

static void check_accepted(const struct request *rq)
{
	const char *cmd = rq->cmd;

	if (!cmd || !cmd[0] || cmd[0] == '/' || has_control_char(cmd) || has_dot_component(cmd) ||
	    strlen(cmd) >= PATH_MAX / 2)
		abort();
	if (rq->argc < 3 || rq->cgi_argv[0] != cmd)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct request rq;
	char *buf = malloc(size + 1);
	char **argv = calloc(size + 2, sizeof *argv);
	int argc = 0;

	if (!buf || !argv)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0; size && i <= size; i += strlen(buf + i) + 1)
		argv[argc++] = buf + i;
	argv[argc] = NULL;
	memset(&rq, 0, sizeof rq);
	if (setjmp(refused) == 0) {
		parse_options(&rq, argc, argv);
		require_arguments(&rq);
		check_command(&rq);
		check_accepted(&rq);
	} else if (refused_code != CJ_USAGE && refused_code != CJ_ARGC && refused_code != CJ_BAD_COMMAND) {
		abort();
	}
	free(buf);
	free(argv);
	return 0;
}
