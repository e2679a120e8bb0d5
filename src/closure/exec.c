/* What execve() of a path does: a "#!" script runs its interpreter (which
 * may be a script too, up to the kernel's limit), "#!/usr/bin/env NAME"
 * runs NAME found in the safe PATH, and an ELF program is a new process
 * with its own link map. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cl_ctx.h"
#include "cl_shebang.h"

#define DEFAULT_SAFE_PATH "/usr/local/bin:/usr/bin:/bin"

/* The scripts of one #! chain, to count them and to find loops. */
struct chain {
	dev_t dev[CL_MAX_SCRIPTS + 1];
	ino_t ino[CL_MAX_SCRIPTS + 1];
	int n;
};

struct exec_req {
	const char *path;
	int prog_fd;
	const char *needed_by;     /* "" for the program cgijail runs */
	const char *what;          /* "program", "#! interpreter"... */
	struct chain *chain;
};

static int exec_path(struct cl_ctx *ctx, const struct exec_req *req);

static bool is_env(const char *interp)
{
	const char *base = strrchr(interp, '/');

	return strcmp(base ? base + 1 : interp, "env") == 0;
}

/* execvp()'s search for NAME in the safe PATH: the first regular file
 * with an execute bit. */
static char *find_in_path(struct cl_ctx *ctx, const char *name, struct cl_walk *w)
{
	const char *safe = ctx->opt->safe_path ? ctx->opt->safe_path : DEFAULT_SAFE_PATH;
	char *copy = cl_strdup(ctx, safe), *save = NULL, *dir;
	char *found = NULL;

	if (!copy)
		return NULL;
	if (strchr(name, '/')) {
		free(copy);
		return cl_strdup(ctx, name);
	}
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *cand = cl_printf(ctx, "%s/%s", dir, name);

		if (cand && cl_ctx_walk(ctx, -1, NULL, cand, 0, w) == CL_WALK_OK) {
			if (S_ISREG(w->st.st_mode) && (w->st.st_mode & 0111))
				found = cand;
			close(w->fd);
		}
		if (cand != found)
			free(cand);
	}
	free(copy);
	return found;
}

static void exec_env_command(struct cl_ctx *ctx, const struct cl_shebang *sb, const char *script,
			     struct cl_walk *w)
{
	char cmd[CL_BINPRM_BUF_SIZE];
	char *found;
	struct chain fresh = { 0 };

	if (cl_env_command(sb->arg, cmd, sizeof cmd) < 0) {
		cl_problem(ctx, CL_MISSING_INTERPRETER, sb->interp, script,
			   "#!%s %s: env would run no command (it gets \"%s\" as one argument)",
			   sb->interp, sb->arg, sb->arg);
		return;
	}
	found = find_in_path(ctx, cmd, w);
	if (!found) {
		if (!ctx->oom)
			cl_problem(ctx, CL_MISSING_INTERPRETER, cmd, script,
				   "#!%s: %s not found in PATH %s", sb->interp, cmd,
				   ctx->opt->safe_path ? ctx->opt->safe_path : DEFAULT_SAFE_PATH);
		return;
	}
	exec_path(ctx, &(struct exec_req){ found, -1, script, "command run by #!/usr/bin/env", &fresh });
	free(found);
}

static bool chain_visit(struct chain *ch, const struct cl_file *f)
{
	for (int i = 0; i < ch->n; i++)
		if (ch->dev[i] == f->dev && ch->ino[i] == f->ino)
			return false;
	ch->dev[ch->n] = f->dev;
	ch->ino[ch->n] = f->ino;
	ch->n++;
	return true;
}

static void exec_script(struct cl_ctx *ctx, const struct exec_req *req, struct cl_file *f,
			const char *canon, struct cl_walk *w)
{
	struct cl_shebang sb;
	char *interp, *dir;

	if (cl_shebang_parse(f->buf, f->len, &sb) < 0) {
		cl_problem(ctx, CL_MISSING_INTERPRETER, req->path, req->needed_by, "%s", sb.err);
		return;
	}
	if (req->chain->n >= CL_MAX_SCRIPTS) {
		cl_problem(ctx, CL_MISSING_INTERPRETER, req->path, req->needed_by,
			   "more than %d nested #! scripts: the kernel stops with ELOOP",
			   CL_MAX_SCRIPTS);
		return;
	}
	if (!chain_visit(req->chain, f)) {
		cl_problem(ctx, CL_MISSING_INTERPRETER, req->path, req->needed_by,
			   "#! interpreters form a loop");
		return;
	}
	/* A relative interpreter is found from the working directory, which
	 * we take to be the script's own directory. */
	dir = sb.interp[0] == '/' ? NULL : cl_dirname(ctx, canon);
	interp = dir ? cl_printf(ctx, "%s/%s", dir, sb.interp) : cl_strdup(ctx, sb.interp);
	free(dir);
	if (!interp)
		return;
	if (strchr(sb.interp, '\r'))
		cl_problem(ctx, CL_MISSING_INTERPRETER, sb.interp, req->path,
			   "#! line ends with a carriage return (DOS line endings)");
	exec_path(ctx, &(struct exec_req){ interp, -1, req->path, "#! interpreter", req->chain });
	free(interp);
	if (is_env(sb.interp) && !ctx->oom)
		exec_env_command(ctx, &sb, req->path, w);
}

/* A readable file for the caller's PROG_FD, which may be O_PATH: the fd
 * itself, a re-open through /proc, or PATH if it is the same inode. */
static struct cl_file *open_prog_fd(struct cl_ctx *ctx, const struct exec_req *req,
				    struct cl_walk *w)
{
	struct stat st, st2;
	struct cl_file *f = NULL;
	int flags = fcntl(req->prog_fd, F_GETFL), fd = -1;
	char proc[64];

	if (fstat(req->prog_fd, &st) < 0 || flags < 0)
		return NULL;
	if (!(flags & O_PATH) && (flags & O_ACCMODE) != O_WRONLY)
		return cl_file_get(ctx, req->prog_fd, &st);
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", req->prog_fd);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && cl_ctx_walk(ctx, -1, NULL, req->path, CL_WALK_READ, w) == CL_WALK_OK)
		fd = w->fd;
	if (fd >= 0 && fstat(fd, &st2) == 0 && st2.st_dev == st.st_dev && st2.st_ino == st.st_ino)
		f = cl_file_get(ctx, fd, &st);
	else
		errno = ESTALE;
	if (fd >= 0)
		close(fd);
	return f;
}

/* The canonical path of the program, for $ORIGIN (the loader takes it
 * from /proc/self/exe, which has no symlinks). */
static char *canonical(struct cl_ctx *ctx, const struct exec_req *req, struct cl_walk *w)
{
	if (cl_ctx_walk(ctx, -1, NULL, req->path, 0, w) == CL_WALK_OK) {
		close(w->fd);
		return cl_strdup(ctx, w->path);
	}
	return cl_strdup(ctx, req->path);
}

static int open_failed(struct cl_ctx *ctx, const struct exec_req *req, const struct cl_walk *w)
{
	bool top = req->needed_by[0] == '\0';

	if (ctx->oom)
		return -1;
	if (top && req->prog_fd >= 0)
		return -1;
	/* The program itself: only a broken symlink is a finding about the
	 * jail; otherwise there is nothing to check. */
	if (top && w->status != CL_WALK_DANGLING && w->status != CL_WALK_ESCAPE) {
		errno = w->status == CL_WALK_NOENT ? ENOENT :
			w->status == CL_WALK_ABOVE_ROOT ? EINVAL :
			w->status == CL_WALK_LOOP ? ELOOP : w->err;
		return -1;
	}
	cl_report_walk_problem(ctx, w, CL_MISSING_INTERPRETER, req->path, req->needed_by, req->what);
	return 0;
}

/* A shared library given as the program: checked as a program would load
 * it, so neither its missing PT_INTERP nor its mode is a problem. */
static bool is_library(const struct cl_file *f)
{
	return f->rc == 0 && f->elf.type == ET_DYN && !f->elf.interp && f->elf.has_dynamic &&
	       !(f->elf.flags_1 & DF_1_PIE);
}

/* Inside the verified template: its whole closure was checked when the
 * generation was built (cl_options.trusted). */
static bool is_trusted(const struct cl_ctx *ctx, const char *canon)
{
	const char *t = ctx->opt->trusted;
	size_t n = t ? strlen(t) : 0;

	return n && !strncmp(canon, t, n) && (canon[n] == '/' || canon[n] == '\0');
}

static int exec_path(struct cl_ctx *ctx, const struct exec_req *req)
{
	struct cl_walk *w = malloc(sizeof *w);
	struct cl_file *f;
	char *canon = NULL;
	int rc = 0;

	if (!w) {
		ctx->oom = true;
		return -1;
	}
	f = req->prog_fd >= 0 ? open_prog_fd(ctx, req, w) : cl_file_open(ctx, ctx->root_fd, req->path, w);
	if (!f) {
		rc = open_failed(ctx, req, w);
		goto out;
	}
	canon = req->prog_fd >= 0 ? canonical(ctx, req, w) : cl_strdup(ctx, w->path);
	if (!canon)
		goto out;
	cl_checked(ctx, req->path);
	if (is_trusted(ctx, canon))
		goto out;
	if (!(f->mode & 0111) && !is_library(f))
		cl_problem(ctx, CL_NOT_EXECUTABLE, req->path, req->needed_by,
			   "%s has no execute permission (mode %04o)", req->what,
			   (unsigned)(f->mode & 07777));
	if (f->len >= 2 && memcmp(f->buf, "#!", 2) == 0)
		exec_script(ctx, req, f, canon, w);
	else if (f->elf.ident_ok)
		cl_check_process(ctx, req->path, canon, f, req->needed_by);
	else
		cl_problem(ctx, CL_BAD_ELF, req->path, req->needed_by,
			   "neither an ELF program nor a #! script, the kernel cannot run it (%s)",
			   f->elf.err);
out:
	free(canon);
	free(w);
	return rc;
}

int cl_check_exec(struct cl_ctx *ctx, const char *path, int prog_fd)
{
	struct chain chain = { 0 };

	return exec_path(ctx, &(struct exec_req){ path, prog_fd, "", "program", &chain });
}
