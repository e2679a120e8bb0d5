/* The jail library check, run as the target inside the jail: the files it
 * parses are the customer's, so it never runs with privileges. */
#include "cgijail.h"
#include "closure.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static const int code_of_kind[CL_KIND_COUNT] = {
	[CL_MISSING_INTERPRETER] = CJ_MISSING_INTERPRETER,
	[CL_MISSING_LIBRARY] = CJ_MISSING_LIBRARY,
	[CL_WRONG_CLASS] = CJ_WRONG_CLASS,
	[CL_MISSING_SYMBOL_VERSION] = CJ_MISSING_SYMBOL_VERSION,
	[CL_UNDEFINED_SYMBOL] = CJ_UNDEFINED_SYMBOL,
	[CL_MISSING_NSS_MODULE] = CJ_MISSING_NSS_MODULE,
	[CL_ESCAPING_SYMLINK] = CJ_ESCAPING_SYMLINK,
	[CL_DANGLING_SYMLINK] = CJ_DANGLING_SYMLINK,
	[CL_HOST_MISMATCH] = CJ_CLOSURE_ERROR,
	[CL_NOT_EXECUTABLE] = CJ_NOT_EXECUTABLE,
	[CL_BAD_ELF] = CJ_BAD_ELF,
};

void check_closure(struct request *rq)
{
	struct cl_options opt;
	const struct cl_problem *p;

	if (rq->pol.check == CHECK_OFF) {
		passed(rq, "closure", "not checked (check = off)");
		return;
	}
	cl_options_init(&opt);
	opt.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	opt.safe_path = rq->pol.safe_path;
	opt.symbols = rq->pol.check == CHECK_FULL;
	cl_report_init(&rq->closure);
	if (opt.root_fd < 0 || cl_check(&opt, rq->prog_in_jail, rq->prog_fd, &rq->closure) < 0)
		refuse(rq, CJ_CLOSURE_ERROR, "%s: %s", rq->prog_in_jail, strerror(errno));
	close(opt.root_fd);
	rq->closure_ran = true;
	if (rq->closure.n_problems == 0) {
		passed(rq, "closure", "%zu objects load inside the jail", rq->closure.n_checked);
		return;
	}
	p = &rq->closure.problems[0];
	refuse(rq, code_of_kind[p->kind], "%s: %s needed by %s: %s%s", cl_kind_name(p->kind),
	       p->object, p->needed_by[0] ? p->needed_by : rq->prog_in_jail, p->detail,
	       rq->closure.n_problems > 1 ? " (and more: cgijailctl check)" : "");
}
