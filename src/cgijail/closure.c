/* The jail library check, run as the target inside the jail: the files it
 * parses are the customer's, so it never runs with privileges.
 *
 * Its cache (the verdicts of earlier checks, see closure.h) is one file per
 * target user in CJ_CACHE_DIR, which only root can write. The file is opened
 * here as root before chroot and used through that descriptor after the
 * drop; nothing in it is parsed while we are root. One file per user, not
 * per jail: a (compromised) check of one user's programs can only ever
 * affect that user's own later checks. */
#include "cgijail.h"
#include "cj_build.h"
#include "closure.h"
#include "closure_verdict.h"
#include "safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* No cache for this request: say why in the dry run. */
static int no_cache(struct request *rq, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int no_cache(struct request *rq, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rq->cache_note, sizeof rq->cache_note, fmt, ap);
	va_end(ap);
	return -1;
}

/* CJ_CACHE_DIR/UID, created 0600 if need be (umask 077 since start_clean),
 * and used only when it is a root-owned regular file with one link that
 * no one else may open. */
static int open_cache_file(struct request *rq)
{
	char name[32], why[PATH_MAX + 128];
	struct stat st;
	int dir, fd;

	dir = cache_dir(rq, true, why, sizeof why);
	if (dir < 0)
		return no_cache(rq, "%s", why);
	snprintf(name, sizeof name, "%lu", (unsigned long)rq->uid);
	fd = openat(dir, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
		    0600);
	if (fd < 0)
		return no_cache(rq, "%s/%s: %s", CJ_CACHE_DIR, name, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || st.st_nlink != 1 ||
	    (st.st_mode & 077)) {
		close(fd);
		return no_cache(rq, "%s/%s is not a root-owned regular file of mode 0600",
				CJ_CACHE_DIR, name);
	}
	/* Root's group too, should the file have been made with another. */
	if (st.st_gid != 0 && fchown(fd, 0, 0) < 0) {
		close(fd);
		return no_cache(rq, "%s/%s: %s", CJ_CACHE_DIR, name, strerror(errno));
	}
	return fd;
}

void open_check_cache(struct request *rq)
{
	rq->cache_fd = -1;
	if (rq->pol->check == CHECK_OFF)
		return;
	if (!rq->pol->check_cache) {
		snprintf(rq->cache_note, sizeof rq->cache_note, "check_cache = no");
		return;
	}
	rq->cache_fd = open_cache_file(rq);
}

static void run_check(struct request *rq, struct cl_options *opt)
{
	enum cl_cache_status status;
	int rc;

	rc = cl_check_cached(opt, rq->prog_in_jail, rq->prog_fd, rq->cache_fd, &rq->closure,
			     &status);
	if (rc < 0)
		refuse(rq, CJ_CLOSURE_ERROR, "%s: %s", rq->prog_in_jail, strerror(errno));
	if (rq->closure.n_problems == 0)
		passed(rq, "closure", "%zu objects load inside the jail (%s%s%s)",
		       rq->closure.n_checked, cl_cache_status_text(status),
		       rq->cache_note[0] ? ": " : "", rq->cache_note);
}

void check_closure(struct request *rq)
{
	struct cl_options opt;
	static char why[2048]; /* static: see refuse() */
	int code;

	if (rq->pol->check == CHECK_OFF) {
		passed(rq, "closure", "not checked (check = off)");
		return;
	}
	cl_options_init(&opt);
	opt.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	opt.safe_path = rq->pol->safe_path;
	opt.symbols = rq->pol->check == CHECK_FULL;
	opt.deep = rq->pol->check_modules;
	/* In our mount namespace the jail gets its /proc, and the program was
	 * opened again inside the jail: /proc/self/exe will name it. */
	if (rq->pol->namespaces & CLONE_NEWNS)
		opt.origin = CL_ORIGIN_KNOWN;
	/* A thin jail's template generation was checked when it was built. */
	if (rq->trusted[0])
		opt.trusted = rq->trusted;
	cl_report_init(&rq->closure);
	if (opt.root_fd < 0)
		refuse(rq, CJ_CLOSURE_ERROR, "/: %s", strerror(errno));
	rq->closure_ran = true;
	run_check(rq, &opt);
	close(opt.root_fd);
	if (rq->cache_fd >= 0)
		close(rq->cache_fd);
	rq->cache_fd = -1;
	code = cj_closure_verdict(&rq->closure, rq->prog_in_jail, why, sizeof why);
	if (code != CJ_OK)
		refuse(rq, code, "%s", why);
}
