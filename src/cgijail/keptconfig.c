/* The config as parsed and checked, kept for the next request.
 *
 * iniparser's dictionary takes time quadratic in the number of keys: a
 * config with a section for each of a thousand customers cost every
 * request milliseconds to parse before any check ran. So cgijail keeps
 * what the parse produced -- struct cj_config and the block of the user
 * sections (config_table.c) -- in the root-owned file CJ_CACHE_DIR/config,
 * written by cgijail while root, never by anyone else, and uses it while
 * the config file is the one it was made from (device, inode, size, mtime
 * and ctime: any edit is seen on the next request) and the build is the
 * one that wrote it (the GNU build ID: the file holds this build's memory
 * layout). The walk that proves every component of the config's path
 * root-owned runs on every request all the same. Not kept: a config that
 * names a seccomp policy file (its contents are no part of that identity),
 * or one changed within the last seconds. */
#include "cgijail.h"
#include "cj_build.h"
#include "cl_cachefile.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define KEPT_MAGIC 0x636a6366u /* "cjcf" */
#define KEPT_VERSION 1
#define KEPT_NAME "config"

struct kept_header {
	uint32_t magic, version;
	uint8_t build_id[CL_CACHE_ID_LEN];
	struct cl_trace_rec conf;  /* the config file it was parsed from */
	uint64_t config_size;      /* sizeof(struct cj_config) */
	uint64_t users_size;       /* the user sections' block */
};

/* What a kept file must say to be this build's, of this config file. */
static bool expected_header(struct kept_header *h, const struct stat *conf)
{
	memset(h, 0, sizeof *h);
	h->magic = KEPT_MAGIC;
	h->version = KEPT_VERSION;
	cl_trace_rec_set(&h->conf, conf);
	h->config_size = sizeof(struct cj_config);
	return cl_checker_id(h->build_id);
}

static bool header_matches(const struct kept_header *want, const struct kept_header *got)
{
	return got->magic == want->magic && got->version == want->version &&
	       !memcmp(got->build_id, want->build_id, sizeof want->build_id) &&
	       !memcmp(&got->conf, &want->conf, sizeof want->conf) && got->config_size == want->config_size &&
	       got->users_size <= UINT32_MAX;
}

static int open_kept(struct request *rq, struct stat *st)
{
	char why[PATH_MAX + 128];
	int dfd = cache_dir(rq, false, why, sizeof why), fd;

	if (dfd < 0)
		return -1;
	fd = openat(dfd, KEPT_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_uid != 0 || (st->st_mode & 077))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The user sections' block that follows the config, checked whole. */
static char *read_users(int fd, size_t size)
{
	char *users = malloc(size);

	if (users && (read(fd, users, size) != (ssize_t)size || !cj_user_table_valid(users, size))) {
		free(users);
		users = NULL;
	}
	return users;
}

/* Read straight into rq->cfg: when the file does not match, the parse
 * that follows starts again from the defaults. */
bool load_kept_config(struct request *rq, const struct stat *conf)
{
	static struct kept_header want, got;
	struct cj_config *cfg = &rq->cfg;
	struct iovec iov[2] = { { &got, sizeof got }, { cfg, sizeof *cfg } };
	struct stat st;
	char *users = NULL;
	bool ok;
	int fd;

	if (!expected_header(&want, conf) || (fd = open_kept(rq, &st)) < 0)
		return false;
	ok = readv(fd, iov, 2) == (ssize_t)(sizeof got + sizeof *cfg) && header_matches(&want, &got) &&
	     st.st_size == (off_t)(sizeof got + sizeof *cfg + got.users_size) &&
	     (!got.users_size || (users = read_users(fd, got.users_size)));
	close(fd);
	cfg->users = users;
	cfg->users_size = users ? got.users_size : 0;
	cfg->dict = NULL;
	cfg->user_names = NULL;
	cfg->n_user_names = 0;
	cj_config_terminate_strings(cfg);
	return ok;
}

/* A new file, renamed over the old one whole: a reader sees one or the other. */
static void write_kept(struct request *rq, struct iovec *iov, int n, size_t total)
{
	char why[PATH_MAX + 128], tmp[48];
	int dfd = cache_dir(rq, true, why, sizeof why), fd;
	bool whole;

	if (dfd < 0)
		return;
	snprintf(tmp, sizeof tmp, "." KEPT_NAME ".%ld", (long)rq->pid);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	/* root:root, whatever group the caller runs cgijail with */
	whole = fchown(fd, 0, 0) == 0 && writev(fd, iov, n) == (ssize_t)total;
	close(fd);
	if (!whole || renameat(dfd, tmp, dfd, KEPT_NAME) < 0)
		(void)unlinkat(dfd, tmp, 0);
}

/* Whether the config file still has the identity it was parsed with. */
static bool unchanged_since(const struct cl_trace_rec *parsed)
{
	struct cl_trace_rec again;
	struct stat now;

	if (stat(CJ_CONFIG_PATH, &now) < 0)
		return false;
	cl_trace_rec_set(&again, &now);
	return !memcmp(&again, parsed, sizeof again);
}

/* After a parse: unless the file changed lately, or since it was opened. */
void store_kept_config(struct request *rq, const struct stat *conf)
{
	static struct kept_header h;
	static struct cj_config copy;
	struct iovec iov[3] = { { &h, sizeof h }, { &copy, sizeof copy },
				{ rq->cfg.users, rq->cfg.users_size } };

	if (rq->cfg.reads_other_files || changed_lately(conf) || !expected_header(&h, conf) ||
	    !unchanged_since(&h.conf))
		return;
	h.users_size = rq->cfg.users_size;
	copy = rq->cfg;
	copy.users = NULL;
	copy.users_size = 0;
	write_kept(rq, iov, rq->cfg.users_size ? 3 : 2, sizeof h + sizeof copy + rq->cfg.users_size);
}
