/* cl_report on the wire (cl_wire.h): the writer runs in the unprivileged
 * checking process, the reader in the privileged one. The reader trusts
 * nothing: every length comes from a NUL it has found within bounds, every
 * count is limited, every tag and kind is one it knows. */
#include "cl_wire.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "cl_ctx.h"

_Static_assert(CL_WIRE_MAX_PROBLEMS >= CL_MAX_PROBLEMS + 1,
	       "a result must hold every problem one cl_check reports, and its 'more not listed' line");
_Static_assert(CL_KIND_COUNT <= 256, "a kind is one byte on the wire");

enum {
	TAG_VERSION = 'V',
	TAG_RESULT = 'R',
	TAG_CHECKED = 'C',
	TAG_PROBLEM = 'P',
	TAG_END = 'E',
};

/* ---- writing ---- */

static int put_string(FILE *out, const char *s)
{
	size_t n = strnlen(s, CL_WIRE_MAX_STRING - 1);

	return fwrite(s, 1, n, out) == n && fputc('\0', out) != EOF ? 0 : -1;
}

int cl_wire_put_header(FILE *out)
{
	return fputc(TAG_VERSION, out) != EOF && fputc(CL_WIRE_VERSION, out) != EOF ? 0 : -1;
}

static int put_problem(FILE *out, const struct cl_problem *p)
{
	if (fputc(TAG_PROBLEM, out) == EOF || fputc((int)p->kind, out) == EOF)
		return -1;
	return put_string(out, p->object) | put_string(out, p->needed_by) | put_string(out, p->detail);
}

int cl_wire_put_result(FILE *out, int err, const struct cl_report *rep)
{
	int rc = 0;

	if (rep->n_checked > CL_WIRE_MAX_CHECKED || rep->n_problems > CL_WIRE_MAX_PROBLEMS) {
		errno = EOVERFLOW;
		return -1;
	}
	for (size_t i = 0; i < rep->n_problems; i++) {
		if ((unsigned)rep->problems[i].kind >= CL_KIND_COUNT) {
			errno = EINVAL;
			return -1;
		}
	}
	if (err < 0 || err > 255)
		err = EIO;
	if (fputc(TAG_RESULT, out) == EOF || fputc(err, out) == EOF)
		return -1;
	for (size_t i = 0; i < rep->n_checked && rc == 0; i++)
		rc = fputc(TAG_CHECKED, out) == EOF ? -1 : put_string(out, rep->checked[i]);
	for (size_t i = 0; i < rep->n_problems && rc == 0; i++)
		rc = put_problem(out, &rep->problems[i]);
	if (rc == 0 && fputc(TAG_END, out) == EOF)
		rc = -1;
	return rc;
}

/* ---- reading ---- */

struct reader {
	const unsigned char *buf;
	size_t len, pos;
	char *why;
	size_t whylen;
};

__attribute__((format(printf, 2, 3)))
static int malformed(struct reader *r, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	snprintf(r->why, r->whylen, "byte %zu: %s", r->pos, reason);
	return -1;
}

static int get_byte(struct reader *r, const char *what, unsigned *b)
{
	if (r->pos >= r->len)
		return malformed(r, "ends where %s was due", what);
	*b = r->buf[r->pos++];
	return 0;
}

/* The NUL-terminated string at the read position, not longer than the
 * limit; the reader moves past its NUL. */
static const char *get_string(struct reader *r, const char *what)
{
	size_t room = r->len - r->pos;
	bool cut = room > CL_WIRE_MAX_STRING;
	const unsigned char *end = memchr(r->buf + r->pos, '\0', cut ? CL_WIRE_MAX_STRING : room);
	const char *s;

	if (!end) {
		malformed(r, "%s %s", what, cut ? "longer than the limit" : "without its terminating NUL");
		return NULL;
	}
	s = (const char *)r->buf + r->pos;
	r->pos = (size_t)(end - r->buf) + 1;
	return s;
}

int cl_wire_get_header(const void *buf, size_t len, size_t *pos, char *why, size_t whylen)
{
	struct reader r = { buf, len, *pos, why, whylen };
	unsigned tag = 0, version = 0;

	if (len > CL_WIRE_MAX_BYTES)
		return malformed(&r, "stream of %zu bytes, more than the limit", len);
	if (get_byte(&r, "the header", &tag) < 0 || get_byte(&r, "the version", &version) < 0)
		return -1;
	if (tag != TAG_VERSION)
		return malformed(&r, "no header (tag 0x%02x)", tag);
	if (version != CL_WIRE_VERSION)
		return malformed(&r, "version %u, expected %d", version, CL_WIRE_VERSION);
	*pos = r.pos;
	return 0;
}

static int get_checked(struct reader *r, struct cl_report *rep, size_t *n)
{
	const char *s;

	if (++*n > CL_WIRE_MAX_CHECKED)
		return malformed(r, "more than %d checked objects in one result", CL_WIRE_MAX_CHECKED);
	s = get_string(r, "checked object");
	if (!s)
		return -1;
	if (cl_report_push_checked(rep, s) < 0)
		return malformed(r, "out of memory");
	return 0;
}

static int get_problem(struct reader *r, struct cl_report *rep, size_t *n)
{
	const char *object, *needed_by, *detail;
	unsigned kind = 0;

	if (++*n > CL_WIRE_MAX_PROBLEMS)
		return malformed(r, "more than %d problems in one result", CL_WIRE_MAX_PROBLEMS);
	if (get_byte(r, "a problem's kind", &kind) < 0)
		return -1;
	if (kind >= CL_KIND_COUNT)
		return malformed(r, "problem of unknown kind %u", kind);
	if (!(object = get_string(r, "problem object")) ||
	    !(needed_by = get_string(r, "problem needed_by")) ||
	    !(detail = get_string(r, "problem detail")))
		return -1;
	if (cl_report_push_problem(rep, (enum cl_kind)kind, object, needed_by, detail) < 0)
		return malformed(r, "out of memory");
	return 0;
}

int cl_wire_get_result(const void *buf, size_t len, size_t *pos, int *err,
		       struct cl_report *rep, char *why, size_t whylen)
{
	struct reader r = { buf, len, *pos, why, whylen };
	size_t n_checked = 0, n_problems = 0;
	unsigned tag = 0, e = 0;

	if (len > CL_WIRE_MAX_BYTES)
		return malformed(&r, "stream of %zu bytes, more than the limit", len);
	if (r.pos >= len)
		return 0;
	if (r.buf[r.pos] != TAG_RESULT)
		return malformed(&r, "tag 0x%02x where a result was due", r.buf[r.pos]);
	r.pos++;
	if (get_byte(&r, "the result's errno", &e) < 0)
		return -1;
	for (;;) {
		int rc;

		if (get_byte(&r, "a record or the end of the result", &tag) < 0)
			return -1;
		if (tag == TAG_END)
			break;
		if (tag == TAG_CHECKED && n_problems) {
			r.pos--;
			rc = malformed(&r, "a checked object after a problem");
		} else if (tag == TAG_CHECKED) {
			rc = get_checked(&r, rep, &n_checked);
		} else if (tag == TAG_PROBLEM) {
			rc = get_problem(&r, rep, &n_problems);
		} else {
			r.pos--;
			rc = malformed(&r, "unknown tag 0x%02x in a result", tag);
		}
		if (rc < 0)
			return -1;
	}
	*err = (int)e;
	*pos = r.pos;
	return 1;
}
