/* CJ_CACHE_DIR, the root-owned directory of what cgijail keeps between
 * requests (the parsed config, NSS's answers, the check's verdicts):
 * walked and checked once per request, then used by descriptor, and closed
 * before the jail is entered -- no directory of the host stays open once
 * the process is in the jail, where code that reads the customer's files
 * runs. */
#include "cgijail.h"
#include "cj_build.h"
#include "safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A directory cgijail made is root:root, whatever group the caller runs it
 * with (setuid keeps the caller's gid); -1 when it cannot be made so. */
static int made_root_owned(int fd)
{
	if (fd >= 0 && fchownat(fd, "", 0, 0, AT_EMPTY_PATH) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int cache_dir(struct request *rq, bool create, char *why, size_t whylen)
{
	if (rq->cache_dir_fd >= 0)
		return rq->cache_dir_fd;
	rq->cache_dir_fd = open_root_owned_path(CJ_CACHE_DIR, O_PATH | O_DIRECTORY, why, whylen);
	if (rq->cache_dir_fd < 0 && create && errno == ENOENT && mkdir(CJ_CACHE_DIR, 0700) == 0)
		rq->cache_dir_fd = made_root_owned(
			open_root_owned_path(CJ_CACHE_DIR, O_PATH | O_DIRECTORY, why, whylen));
	return rq->cache_dir_fd;
}

int cache_subdir(struct request *rq, const char *name, const char *shown, bool create, char *why,
		 size_t whylen)
{
	int top = cache_dir(rq, create, why, whylen), fd;

	if (top < 0)
		return -1;
	fd = open_root_owned_below(top, name, shown, O_PATH | O_DIRECTORY, why, whylen);
	if (fd < 0 && create && errno == ENOENT && mkdirat(top, name, 0700) == 0)
		fd = made_root_owned(open_root_owned_below(top, name, shown, O_PATH | O_DIRECTORY, why, whylen));
	return fd;
}

void close_cache_dir(struct request *rq)
{
	if (rq->cache_dir_fd >= 0)
		close(rq->cache_dir_fd);
	rq->cache_dir_fd = -1;
}

/* What was read from a file that changed this lately is not kept: a second
 * change in the same tick of the file system's clock could leave its times
 * as they are. */
#define RACY_SECONDS 2

bool changed_lately(const struct stat *st)
{
	time_t now = time(NULL);

	return now - st->st_ctime < RACY_SECONDS || now - st->st_mtime < RACY_SECONDS;
}
