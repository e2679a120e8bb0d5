/* Room on the stack, whatever the caller's RLIMIT_STACK.
 *
 * A caller may start cgijail with a hard RLIMIT_STACK of a few KiB. Where
 * root lacks CAP_SYS_RESOURCE (containers), that limit cannot be raised,
 * and the checks -- the log formatter, the path walks, the library check --
 * would overflow it and die of SIGSEGV before a refusal is logged. The limit
 * only bounds the main thread's own stack, so cgijail then runs on a stack
 * it maps itself, with a guard page below it. The CGI still gets the
 * caller's limit (or the configured one), like every limit cgijail lifts. */
#include "cgijail.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#define STACK_ROOM ((size_t)8 << 20)

static struct {
	request_fn run;
	struct request *rq;
	int argc;
	char **argv, **envp;
} entry;

static void run_entry(void)
{
	entry.run(entry.rq, entry.argc, entry.argv, entry.envp);
}

void run_with_stack_room(request_fn run, struct request *rq, int argc, char **argv, char **envp)
{
	static ucontext_t uc;
	struct rlimit rl;
	size_t guard = (size_t)sysconf(_SC_PAGESIZE);
	char *stack;

	/* The soft limit can be raised as far as the hard one (start.c). RUN
	 * never returns. */
	if (getrlimit(RLIMIT_STACK, &rl) < 0 || rl.rlim_max >= STACK_ROOM)
		run(rq, argc, argv, envp);
	stack = mmap(NULL, STACK_ROOM + guard, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	/* No room for a stack either (a tiny RLIMIT_AS): do what can be done. */
	if (stack == MAP_FAILED || mprotect(stack, guard, PROT_NONE) < 0 || getcontext(&uc) < 0)
		run(rq, argc, argv, envp);
	entry.run = run;
	entry.rq = rq;
	entry.argc = argc;
	entry.argv = argv;
	entry.envp = envp;
	uc.uc_stack.ss_sp = stack + guard;
	uc.uc_stack.ss_size = STACK_ROOM;
	uc.uc_link = NULL;
	makecontext(&uc, run_entry, 0);
	setcontext(&uc);
	/* setcontext failed: on the small stack after all. RUN never returns. */
	run(rq, argc, argv, envp);
	_exit(CJ_LIMITS);
}
