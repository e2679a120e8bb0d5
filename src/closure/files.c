/* Files are read once per check, keyed by device and inode, however many
 * link maps and search paths reach them.
 *
 * A file that only root can write is mmap()ed. Any other file is read into
 * memory: its owner could truncate it while we look at a mapping, and a
 * read past the new end of a mapping is a SIGBUS, not an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cl_ctx.h"

#define HEAD_ONLY 256 /* what we keep of a file too large to parse: the #! line */
#define HEAD_PROBE ((size_t)64 << 10) /* holds the headers of any static program we know */

static bool only_root_writes(const struct stat *st)
{
	return st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

static int read_all(int fd, void *buf, size_t len, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = pread(fd, (char *)buf + *got, len - *got, (off_t)*got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

static int load(struct cl_ctx *ctx, struct cl_file *f, int fd, const struct stat *st, size_t len)
{
	if (len == 0)
		return 0;
	if (ctx->bytes_read + len > CL_MAX_READ) {
		errno = EFBIG;
		return -1;
	}
	ctx->bytes_read += len;
	if (only_root_writes(st) && len > HEAD_ONLY) {
		f->buf = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (f->buf != MAP_FAILED) {
			f->mapped = true;
			f->len = len;
			return 0;
		}
		f->buf = NULL;
	}
	f->buf = malloc(len);
	if (!f->buf) {
		ctx->oom = true;
		errno = ENOMEM;
		return -1;
	}
	return read_all(fd, f->buf, len, &f->len);
}

/* A static program needs nothing but its headers; reading all of a large
 * one (a Go CGI: megabytes) into memory would be most of a cold check. */
static bool load_head_of_static(struct cl_ctx *ctx, struct cl_file *f, int fd, const struct stat *st)
{
	void *head;
	size_t got;

	if (only_root_writes(st) || (uint64_t)st->st_size <= 2 * HEAD_PROBE ||
	    (uint64_t)st->st_size > CL_ELF_MAX_FILE)
		return false;
	head = malloc(HEAD_PROBE);
	if (!head)
		return false;
	if (read_all(fd, head, HEAD_PROBE, &got) < 0 ||
	    cl_elf_parse_head(&f->elf, head, got, (uint64_t)st->st_size) != 0) {
		free(head);
		return false;
	}
	ctx->bytes_read += got;
	f->buf = head;
	f->len = got;
	f->rc = 0;
	return true;
}

static void parse(struct cl_file *f, const struct stat *st)
{
	if ((uint64_t)st->st_size > CL_ELF_MAX_FILE) {
		memset(&f->elf, 0, sizeof f->elf);
		f->rc = -1;
		snprintf(f->elf.err, sizeof f->elf.err, "file larger than %llu bytes",
			 (unsigned long long)CL_ELF_MAX_FILE);
		return;
	}
	f->rc = cl_elf_parse_buffer(&f->elf, f->buf, f->len);
}

struct cl_file *cl_file_get(struct cl_ctx *ctx, int fd, const struct stat *st)
{
	char key[64];
	struct cl_file *f;
	size_t len;

	snprintf(key, sizeof key, "%llx:%llx", (unsigned long long)st->st_dev,
		 (unsigned long long)st->st_ino);
	f = cl_strmap_get(&ctx->files, key);
	if (f)
		return f;
	if (ctx->n_files >= CL_MAX_FILES) {
		errno = EMFILE;
		return NULL;
	}
	f = calloc(1, sizeof *f);
	if (!f || cl_strmap_add(&ctx->files, key, f) < 0) {
		free(f);
		ctx->oom = true;
		errno = ENOMEM;
		return NULL;
	}
	ctx->n_files++;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->mode = st->st_mode;
	if (load_head_of_static(ctx, f, fd, st))
		return f;
	len = (uint64_t)st->st_size > CL_ELF_MAX_FILE ? HEAD_ONLY : (size_t)st->st_size;
	if (load(ctx, f, fd, st, len) < 0) {
		f->rc = -1;
		snprintf(f->elf.err, sizeof f->elf.err, "cannot read file data: %s", strerror(errno));
		return f;
	}
	parse(f, st);
	if (f->rc < 0 && errno == ENOMEM)
		ctx->oom = true;
	return f;
}

struct cl_file *cl_file_open(struct cl_ctx *ctx, int root_fd, const char *path,
			     struct cl_walk *w)
{
	/* The host's files (--host) are no part of what the root's check saw. */
	struct cl_trace *trace = root_fd == ctx->root_fd ? ctx->trace : NULL;
	struct cl_file *f;

	if (cl_walk_traced(trace, root_fd, -1, NULL, path, CL_WALK_READ, w) != CL_WALK_OK)
		return NULL;
	if (!S_ISREG(w->st.st_mode)) {
		close(w->fd);
		w->fd = -1;
		w->status = CL_WALK_ERROR;
		w->err = S_ISDIR(w->st.st_mode) ? EISDIR : ENOEXEC;
		return NULL;
	}
	f = cl_file_get(ctx, w->fd, &w->st);
	if (!f) {
		w->status = CL_WALK_ERROR;
		w->err = errno;
	}
	close(w->fd);
	w->fd = -1;
	return f;
}

void cl_files_free(struct cl_ctx *ctx)
{
	for (size_t i = 0; i < ctx->files.cap; i++) {
		struct cl_file *f = ctx->files.slots[i].val;

		if (!ctx->files.slots[i].key || !f)
			continue;
		cl_elf_free(&f->elf);
		if (f->mapped)
			munmap(f->buf, f->len);
		else
			free(f->buf);
		free(f);
	}
	cl_strmap_free(&ctx->files);
}
