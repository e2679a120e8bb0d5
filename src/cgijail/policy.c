/* suexec's checks on the directory and the program. They run with the
 * target's rights (see become_target_temporarily), on descriptors opened
 * once without following symlinks; the descriptor checked is the one exec'd. */
#include "cgijail.h"
#include "strutil.h"
#include "suexec_rules.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void get_cwd(struct request *rq)
{
	if (!getcwd(rq->cwd, sizeof rq->cwd))
		refuse(rq, CJ_CWD, "%s", strerror(errno));
}

/* The docroot with symlinks resolved, as suexec gets it with chdir+getcwd. */
void resolve_docroot(struct request *rq)
{
	char wanted[PATH_MAX * 2];

	if (rq->userdir) {
		if (!rq->home[0] || strcmp(rq->home, "/") == 0)
			refuse(rq, CJ_USERDIR, "%s has no home directory", rq->user);
		snprintf(wanted, sizeof wanted, "%s/%s", rq->home, rq->pol->userdir);
		if (!realpath(wanted, rq->docroot))
			refuse(rq, CJ_USERDIR, "%s: %s", wanted, strerror(errno));
	} else {
		if (expand_user_pattern(rq->pol->docroot, rq->user, rq->uid, wanted, sizeof wanted) < 0)
			refuse(rq, CJ_DOCROOT, "docroot %s does not expand", rq->pol->docroot);
		if (!realpath(wanted, rq->docroot))
			refuse(rq, CJ_DOCROOT, "%s: %s", wanted, strerror(errno));
	}
}

/* By whole components: /var/www2 is not inside /var/www (suexec's
 * strncmp prefix test says it is). */
void require_cwd_in_docroot(struct request *rq)
{
	if (!path_is_within(rq->cwd, rq->docroot))
		refuse(rq, CJ_NOT_IN_DOCROOT, "%s is not inside %s", rq->cwd, rq->docroot);
	passed(rq, "docroot", "%s is inside %s", rq->cwd, rq->docroot);
}

static struct cj_target target_of(const struct request *rq)
{
	return (struct cj_target){ rq->uid, rq->gid, rq->user, rq->group };
}

static void require_dir_ok(struct request *rq, const struct stat *st, const char *name)
{
	static char why[PATH_MAX + 128]; /* static: see refuse() */
	struct cj_target t = target_of(rq);
	int code = cj_dir_verdict(st, name, &t, why, sizeof why);

	if (code != CJ_OK)
		refuse(rq, code, "%s", why);
}

void check_directory(struct request *rq)
{
	rq->cwd_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rq->cwd_fd < 0 || fstat(rq->cwd_fd, &rq->cwd_st) < 0)
		refuse(rq, CJ_DIR_OPEN, "%s: %s", rq->cwd, strerror(errno));
	require_dir_ok(rq, &rq->cwd_st, rq->cwd);
	passed(rq, "directory", "%s: owned by %s, not group/other-writable", rq->cwd, rq->user);
}

/* For "sub/dir/prog.cgi" every directory on the way is checked like the cwd:
 * whoever can write to one of them can swap what lies below it. */
static int open_program_parent(struct request *rq, char *path, const char **last)
{
	int dirfd = dup(rq->cwd_fd);
	char *slash;

	if (dirfd < 0)
		refuse(rq, CJ_DIR_OPEN, "%s", strerror(errno));
	while ((slash = strchr(path, '/'))) {
		struct stat st;
		int fd;

		*slash = '\0';
		if (path[0]) {
			fd = openat(dirfd, path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0 || fstat(fd, &st) < 0)
				refuse(rq, CJ_DIR_OPEN, "%s (not a directory, or a symlink): %s", path,
				       strerror(errno));
			require_dir_ok(rq, &st, path);
			close(dirfd);
			dirfd = fd;
		}
		path = slash + 1;
	}
	*last = path;
	return dirfd;
}

static int open_program_path(struct request *rq, int dirfd, const char *name)
{
	static char why[PATH_MAX + 128]; /* static: see refuse() */
	struct cj_target t = target_of(rq);
	int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC), code;

	if (fd < 0)
		refuse(rq, CJ_PROG_OPEN, "%s: %s", rq->cmd, strerror(errno));
	if (fstat(fd, &rq->prog_st) < 0)
		refuse(rq, CJ_PROG_OPEN, "%s: %s", rq->cmd, strerror(errno));
	code = cj_program_verdict(&rq->prog_st, &rq->cwd_st, rq->cmd, &t, why, sizeof why);
	if (code != CJ_OK)
		refuse(rq, code, "%s", why);
	return fd;
}

/* The checker must read the program, and an O_PATH fd cannot be read (nor
 * reopened without /proc, which the jail lacks): open it again for reading
 * and make sure it is the same file. */
static void open_program_readable(struct request *rq, int dirfd, const char *name)
{
	struct stat st;
	char head[2];

	rq->prog_fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (rq->prog_fd < 0)
		refuse(rq, CJ_PROG_OPEN, "%s is not readable by its owner: %s", rq->cmd, strerror(errno));
	if (fstat(rq->prog_fd, &st) < 0 || st.st_dev != rq->prog_st.st_dev ||
	    st.st_ino != rq->prog_st.st_ino)
		refuse(rq, CJ_PROG_CHANGED, "%s was replaced while it was checked", rq->cmd);
	rq->prog_is_script = pread(rq->prog_fd, head, 2, 0) == 2 && head[0] == '#' && head[1] == '!';
}

static const char *program_kind(const struct request *rq)
{
	if (!rq->prog_is_script)
		return "a binary";
	if (!rq->pol->script_exec_fd)
		return "a #! script";
	return "a #! script, run through /dev/fd/N (script_exec = fd: checked only at run time)";
}

void check_program(struct request *rq)
{
	char path[PATH_MAX];
	const char *name;
	int dirfd, pathfd;

	snprintf(path, sizeof path, "%s", rq->cmd);
	dirfd = open_program_parent(rq, path, &name);
	pathfd = open_program_path(rq, dirfd, name);
	open_program_readable(rq, dirfd, name);
	close(pathfd);
	close(dirfd);
	passed(rq, "program", "%s: regular file, mode %04o, owned by %s, %s", rq->cmd,
	       (unsigned)(rq->prog_st.st_mode & 07777), rq->user, program_kind(rq));
}
