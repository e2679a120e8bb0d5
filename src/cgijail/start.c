/* The first steps: a known process state before any check runs. */
#include "cgijail.h"
#include "cj_build.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

/* Standard descriptors must exist, or the first file we open would become
 * the CGI's stdin/stdout. Without them there is nowhere to report. */
static void open_missing_stdio(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDWR | O_NOCTTY) != fd)
			_exit(CJ_STDIO);
	}
}

static void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	/* A caller's RLIMIT_FSIZE must not kill us in the middle of a log write. */
	signal(SIGXFSZ, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* What the checks need at most at once: the log, the jail, the directory,
 * the program twice, a config or NSS file, the check's walk. */
#define MIN_DESCRIPTORS 32

/* A hostile caller may start us with RLIMIT_NOFILE=3, RLIMIT_FSIZE=0 (no
 * log line), a stack of a few KiB (the log formatter and the check need
 * more) or an address space too small to allocate in. These are lifted
 * while cgijail works; the CGI gets the caller's values back, or the
 * configured ones (set_soft_limits). */
static const struct {
	enum cj_limit_id id;
	rlim_t room;
} own_limits[] = {
	{ LIM_NOFILE, 256 },
	{ LIM_FSIZE, RLIM_INFINITY },
	{ LIM_STACK, 8 << 20 },
	{ LIM_AS, RLIM_INFINITY },
	{ LIM_DATA, RLIM_INFINITY },
};

/* Whether the limit changed: only then is the caller's given back. */
static bool lift_limit(struct request *rq, enum cj_limit_id id, rlim_t room)
{
	const struct rlimit *was = &rq->caller_limits[id];
	int res = cj_limit_resource(id);
	struct rlimit want;

	if (was->rlim_cur >= room)
		return false;
	want.rlim_cur = room;
	want.rlim_max = was->rlim_max > room ? was->rlim_max : room;
	if (setrlimit(res, &want) == 0)
		return true;
	/* Not setuid (no CAP_SYS_RESOURCE): as far as the hard limit goes. */
	want.rlim_cur = want.rlim_max = was->rlim_max;
	setrlimit(res, &want);
	return true;
}

static void lift_own_limits(struct request *rq)
{
	struct rlimit nofile;

	for (size_t i = 0; i < sizeof own_limits / sizeof own_limits[0]; i++) {
		enum cj_limit_id id = own_limits[i].id;

		getrlimit(cj_limit_resource(id), &rq->caller_limits[id]);
		rq->own_limit[id] = true;
		rq->lifted[id] = lift_limit(rq, id, own_limits[i].room);
	}
	/* A hard limit that stays: refuse now, with the reason, rather than
	 * fail some later check for want of a descriptor. */
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < MIN_DESCRIPTORS)
		refuse(rq, CJ_LIMITS, "the caller's RLIMIT_NOFILE (%lu) leaves fewer than %d descriptors "
		       "and cannot be raised (no CAP_SYS_RESOURCE)",
		       (unsigned long)rq->caller_limits[LIM_NOFILE].rlim_max, MIN_DESCRIPTORS);
}

void start_clean(struct request *rq, char **envp)
{
	static char *empty_env[] = { NULL };

	/* Nothing in libc may see the caller's environment (LD_*, TZ, LOCPATH,
	 * MALLOC_*...). It is kept aside and only the whitelist reaches the CGI. */
	rq->caller_env = envp;
	environ = empty_env;
	rq->log_fd = rq->jail_fd = rq->cwd_fd = rq->prog_fd = rq->cache_dir_fd = -1;
	rq->pol = &rq->cfg.defaults; /* the target's, once known (lookup_target) */
	rq->caller_uid = getuid();
	rq->pid = getpid();
	open_missing_stdio();
	close_range(3, ~0U, 0);
	reset_signals();
	lift_own_limits(rq);
	umask(077);
}

void require_setuid_root(struct request *rq)
{
	if (geteuid() != 0)
		refuse(rq, CJ_NOT_SETUID, "effective uid is %lu; install cgijail owned by root with mode 4750",
		       (unsigned long)geteuid());
}

/* The path is walked and checked on every request; the parse only when
 * the file changed since the last one (keptconfig.c). */
void load_config(struct request *rq)
{
	char why[1024];
	struct stat st;
	int code = cj_config_open(&rq->cfg, CJ_CONFIG_PATH, &st, why, sizeof why);

	if (code == CJ_OK && load_kept_config(rq, &st)) {
		passed(rq, "config", "%s is root-owned; as parsed and checked before (kept in %s, the file "
		       "unchanged since)", CJ_CONFIG_PATH, CJ_CACHE_DIR);
		return;
	}
	if (code == CJ_OK)
		code = cj_config_parse(&rq->cfg, CJ_CONFIG_PATH, why, sizeof why);
	if (code != CJ_OK)
		refuse(rq, code, "%s", why);
	store_kept_config(rq, &st);
	passed(rq, "config", "%s is root-owned and valid", CJ_CONFIG_PATH);
}
