/* The repeat-check cache: a check's "ok" verdict is stored with its inputs
 * and every path it consulted (cl_trace.h), and served again while none of
 * them has changed. See closure.h for the contract, cl_cachefile.h for the
 * file.
 *
 * An entry: u32 length and the inputs; u32 count and the "checked" paths;
 * u32 count and each consulted path with its struct cl_trace_rec. Strings
 * are a u32 length (the NUL included) and the bytes. The file is written
 * by the checker after the privilege drop, so it is read as untrusted:
 * every length is checked against what is left.
 *
 * A verdict is not stored when something the check consulted changed less
 * than RACY_NS before the check began: a later change within the same
 * tick of the file system's clock could leave mtime and ctime as they were
 * (the "racy git" problem). ctime is what tells: no one can set it. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cl_cachefile.h"
#include "cl_ctx.h"

#define RACY_NS 2000000000L

struct buf {
	uint8_t *d;
	size_t n, cap;
	bool bad;
};

struct reader {
	const uint8_t *p;
	size_t left;
	bool bad;
};

/* What a check depends on besides the files it consulted. */
struct inputs {
	struct buf b;
	struct cl_trace_rec prog;  /* of PROG_FD, zero without one */
	struct cl_trace_rec root;
};

static void put(struct buf *b, const void *p, size_t n)
{
	size_t ncap = b->cap ? b->cap : 4096;
	uint8_t *d;

	if (b->bad || n > CL_CACHE_MAX_ENTRY - b->n) {
		b->bad = true;
		return;
	}
	while (ncap < b->n + n)
		ncap *= 2;
	if (ncap != b->cap) {
		d = realloc(b->d, ncap);
		if (!d) {
			b->bad = true;
			return;
		}
		b->d = d;
		b->cap = ncap;
	}
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

static void put_u32(struct buf *b, uint32_t v)
{
	put(b, &v, sizeof v);
}

static void put_str(struct buf *b, const char *s)
{
	size_t n = strlen(s) + 1;

	put_u32(b, (uint32_t)n);
	put(b, s, n);
}

static const void *take(struct reader *r, size_t n)
{
	const void *p = r->p;

	if (r->bad || n > r->left) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return p;
}

static uint32_t take_u32(struct reader *r)
{
	const void *p = take(r, sizeof(uint32_t));
	uint32_t v = 0;

	if (p)
		memcpy(&v, p, sizeof v);
	return v;
}

/* A NUL-terminated string without other NULs, or NULL. */
static const char *take_str(struct reader *r)
{
	uint32_t n = take_u32(r);
	const char *s = take(r, n);

	if (!s || n == 0 || memchr(s, '\0', n) != s + n - 1) {
		r->bad = true;
		return NULL;
	}
	return s;
}

/* Our own build id (from our program headers, in memory): verdicts of
 * another build of the checker do not count. */
struct own_id {
	uint8_t *id;
	bool found;
};

static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
	struct own_id *own = data;

	(void)size;
	for (size_t i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		/* NOLINTNEXTLINE(performance-no-int-to-ptr) */
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		size_t left = ph->p_memsz;

		while (ph->p_type == PT_NOTE && left >= sizeof(ElfW(Nhdr))) {
			const ElfW(Nhdr) *nh = (const void *)p;
			size_t name = (nh->n_namesz + 3u) & ~3u, desc = (nh->n_descsz + 3u) & ~3u;

			if (name + desc > left - sizeof *nh)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    memcmp(p + sizeof *nh, "GNU", 4) == 0) {
				size_t n = nh->n_descsz < CL_CACHE_ID_LEN ? nh->n_descsz
									  : CL_CACHE_ID_LEN;

				memcpy(own->id, p + sizeof *nh + name, n);
				own->found = n > 0;
				return 1;
			}
			p += sizeof *nh + name + desc;
			left -= sizeof *nh + name + desc;
		}
	}
	return 1; /* the first object is the program itself */
}

/* Read once per process: cgijail asks for it twice per request (the kept
 * config, the check cache). */
bool cl_checker_id(uint8_t id[CL_CACHE_ID_LEN])
{
	static uint8_t own_id_bytes[CL_CACHE_ID_LEN];
	static struct own_id own = { own_id_bytes, false };
	static bool read;

	if (!read) {
		dl_iterate_phdr(find_build_id, &own);
		read = true;
	}
	memcpy(id, own_id_bytes, CL_CACHE_ID_LEN);
	return own.found;
}

static bool make_inputs(struct inputs *in, const struct cl_options *opt, const char *path,
			int prog_fd)
{
	const uint8_t flags[5] = { opt->symbols, opt->nss, opt->safe_path != NULL,
				   (uint8_t)opt->origin, opt->deep };
	struct stat st;

	memset(in, 0, sizeof *in);
	if (fstat(opt->root_fd, &st) < 0)
		return false;
	cl_trace_rec_set(&in->root, &st);
	if (prog_fd >= 0) {
		if (fstat(prog_fd, &st) < 0)
			return false;
		cl_trace_rec_set(&in->prog, &st);
	}
	put(&in->b, flags, sizeof flags);
	put(&in->b, &in->root, sizeof in->root);
	put(&in->b, &in->prog, sizeof in->prog);
	put_str(&in->b, path);
	put_str(&in->b, opt->safe_path ? opt->safe_path : "");
	put_str(&in->b, opt->origin_why ? opt->origin_why : "");
	put_str(&in->b, opt->trusted ? opt->trusted : "");
	return !in->b.bad;
}

static bool unchanged(int root_fd, const char *path, const void *want)
{
	struct cl_trace_rec now;
	struct stat st;
	int rc = -1;

	if (strcmp(path, "/") == 0)
		rc = fstat(root_fd, &st);
	else if (path[0] == '/')
		rc = fstatat(root_fd, path + 1, &st, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT);
	if (rc < 0)
		return false;
	cl_trace_rec_set(&now, &st);
	return memcmp(&now, want, sizeof now) == 0;
}

/* 1 when entry E is for IN and nothing it lists has changed (its checked
 * list then goes to REP), 0 when not, -1 on ENOMEM. */
static int serve(const uint8_t *e, size_t len, const struct inputs *in, int root_fd,
		 struct cl_report *rep)
{
	struct reader r = { e, len, false }, checked;
	uint32_t n_in = take_u32(&r), n;
	const void *stored = take(&r, n_in);

	if (!stored || n_in != in->b.n || memcmp(stored, in->b.d, n_in) != 0)
		return 0;
	checked = r;
	n = take_u32(&r);
	for (uint32_t i = 0; i < n && !r.bad; i++)
		take_str(&r);
	n = take_u32(&r);
	for (uint32_t i = 0; i < n && !r.bad; i++) {
		const char *path = take_str(&r);
		const void *rec = take(&r, sizeof(struct cl_trace_rec));

		if (rec && !unchanged(root_fd, path, rec))
			return 0;
	}
	if (r.bad || r.left != 0)
		return 0;
	n = take_u32(&checked);
	for (uint32_t i = 0; i < n; i++)
		if (cl_report_push_checked(rep, take_str(&checked)) < 0)
			return -1;
	return 1;
}

static bool changed_since(const struct cl_trace_rec *r, const struct timespec *t)
{
	return r->ctime_s > (int64_t)t->tv_sec ||
	       (r->ctime_s == (int64_t)t->tv_sec && r->ctime_ns >= (int64_t)t->tv_nsec);
}

static bool racy(const struct cl_trace *t, const struct inputs *in, struct timespec start,
		 long racy_ns)
{
	start.tv_sec -= racy_ns / 1000000000L;
	start.tv_nsec -= racy_ns % 1000000000L;
	if (start.tv_nsec < 0) {
		start.tv_sec--;
		start.tv_nsec += 1000000000L;
	}
	if (changed_since(&in->prog, &start) || changed_since(&in->root, &start))
		return true;
	for (size_t i = 0; i < t->n; i++)
		if (changed_since(&t->recs[i], &start))
			return true;
	return false;
}

static void put_entry(struct buf *b, const struct inputs *in, const struct cl_report *rep,
		      size_t first_checked, const struct cl_trace *t)
{
	put_u32(b, (uint32_t)in->b.n);
	put(b, in->b.d, in->b.n);
	put_u32(b, (uint32_t)(rep->n_checked - first_checked));
	for (size_t i = first_checked; i < rep->n_checked; i++)
		put_str(b, rep->checked[i]);
	put_u32(b, (uint32_t)t->n);
	for (size_t i = 0; i < t->n; i++) {
		put_str(b, t->paths[i]);
		put(b, &t->recs[i], sizeof t->recs[i]);
	}
}

static enum cl_cache_status store(int fd, const uint8_t checker[CL_CACHE_ID_LEN], uint64_t key,
				  const struct inputs *in, const struct cl_report *rep,
				  size_t first_checked, const struct cl_trace *t,
				  const struct timespec *start, long racy_ns)
{
	struct buf entry = { 0 };
	enum cl_cache_status status = CL_CACHE_NOT_STORED;

	if (t->broken)
		return CL_CACHE_NOT_STORED;
	if (racy(t, in, *start, racy_ns))
		return CL_CACHE_RACY;
	put_entry(&entry, in, rep, first_checked, t);
	if (!entry.bad && cl_cachefile_store(fd, checker, key, entry.d, entry.n) == 0)
		status = CL_CACHE_STORED;
	free(entry.d);
	return status;
}

/* The full check, recording what it consults, and the verdict stored when "ok". */
static int check_and_store(const struct cl_options *opt, const char *path, int prog_fd,
			   int cache_fd, const uint8_t checker[CL_CACHE_ID_LEN], uint64_t key,
			   const struct inputs *in, struct cl_report *rep,
			   enum cl_cache_status *status, long racy_ns)
{
	size_t problems = rep->n_problems, checked = rep->n_checked;
	struct cl_trace trace = { 0 };
	struct timespec start;
	int rc, err;

	clock_gettime(CLOCK_REALTIME, &start);
	rc = cl_check_traced(opt, path, prog_fd, rep, &trace);
	err = errno;
	*status = CL_CACHE_NOT_STORED;
	if (rc == 0 && rep->n_problems == problems)
		*status = store(cache_fd, checker, key, in, rep, checked, &trace, &start, racy_ns);
	cl_trace_free(&trace);
	errno = err;
	return rc;
}

int cl_check_cached(const struct cl_options *opt, const char *path, int prog_fd, int cache_fd,
		    struct cl_report *rep, enum cl_cache_status *status)
{
	return cl_check_cached_racy(opt, path, prog_fd, cache_fd, rep, status, RACY_NS);
}

int cl_check_cached_racy(const struct cl_options *opt, const char *path, int prog_fd,
			 int cache_fd, struct cl_report *rep, enum cl_cache_status *status,
			 long racy_ns)
{
	uint8_t checker[CL_CACHE_ID_LEN], *entry;
	struct inputs in;
	uint64_t key;
	size_t len;
	int rc = 0, hit = 0;

	*status = CL_CACHE_UNUSED;
	if (cache_fd < 0 || !opt || !path || !rep || opt->root_fd < 0 || opt->host_root_fd >= 0)
		return cl_check(opt, path, prog_fd, rep);
	if (!make_inputs(&in, opt, path, prog_fd)) {
		free(in.b.d);
		return cl_check(opt, path, prog_fd, rep);
	}
	(void)cl_checker_id(checker);
	key = cl_cache_hash(CL_CACHE_HASH_INIT, in.b.d, in.b.n) | 1;
	if (cl_cachefile_find(cache_fd, checker, key, &entry, &len) == 1) {
		hit = serve(entry, len, &in, opt->root_fd, rep);
		free(entry);
	}
	if (hit == 1)
		*status = CL_CACHE_HIT;
	else
		rc = check_and_store(opt, path, prog_fd, cache_fd, checker, key, &in, rep, status,
				     racy_ns);
	free(in.b.d);
	return rc;
}

const char *cl_cache_status_text(enum cl_cache_status status)
{
	switch (status) {
	case CL_CACHE_UNUSED:
		return "no check cache";
	case CL_CACHE_HIT:
		return "served from the check cache: nothing the last full check consulted "
		       "has changed";
	case CL_CACHE_STORED:
		return "checked in full; the verdict is now in the check cache";
	case CL_CACHE_NOT_STORED:
		return "checked in full; not cached";
	case CL_CACHE_RACY:
		return "checked in full; not cached, as a file it consulted changed in the "
		       "last seconds";
	}
	return "unknown";
}
