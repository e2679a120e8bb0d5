/* The report: its kinds, its growth, and its text and JSON forms.
 *
 * JSON strings: '"', '\\' and control characters are escaped (\n, \t... or
 * \u00XX), valid UTF-8 is copied as is, and each byte of an invalid UTF-8
 * sequence is written as \u00XX, the code point with the byte's value (a
 * Latin-1 reading). So the output is always valid JSON, and a path that is
 * not UTF-8 stays recognisable; such a path cannot be told apart from one
 * that contains the same Latin-1 characters encoded properly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cl_ctx.h"

static const char *const kind_names[CL_KIND_COUNT] = {
	[CL_MISSING_INTERPRETER] = "missing-interpreter",
	[CL_MISSING_LIBRARY] = "missing-library",
	[CL_WRONG_CLASS] = "wrong-class",
	[CL_MISSING_SYMBOL_VERSION] = "missing-symbol-version",
	[CL_UNDEFINED_SYMBOL] = "undefined-symbol",
	[CL_MISSING_NSS_MODULE] = "missing-nss-module",
	[CL_ESCAPING_SYMLINK] = "escaping-symlink",
	[CL_DANGLING_SYMLINK] = "dangling-symlink",
	[CL_HOST_MISMATCH] = "host-mismatch",
	[CL_NOT_EXECUTABLE] = "not-executable",
	[CL_BAD_ELF] = "bad-elf",
};

const char *cl_kind_name(enum cl_kind kind)
{
	if ((unsigned)kind >= CL_KIND_COUNT)
		return "unknown";
	return kind_names[kind];
}

void cl_report_init(struct cl_report *rep)
{
	memset(rep, 0, sizeof *rep);
}

void cl_report_free(struct cl_report *rep)
{
	for (size_t i = 0; i < rep->n_checked; i++)
		free(rep->checked[i]);
	for (size_t i = 0; i < rep->n_problems; i++) {
		free(rep->problems[i].object);
		free(rep->problems[i].needed_by);
		free(rep->problems[i].detail);
	}
	free(rep->checked);
	free(rep->problems);
	cl_report_init(rep);
}

/* Arrays grow to the next power of two when full, so the capacity need
 * not be stored: it is full exactly when N is 0 or a power of two. */
static int make_room(void **arr, size_t n, size_t size)
{
	void *p;

	if (n != 0 && (n & (n - 1)) != 0)
		return 0;
	p = realloc(*arr, (n ? n * 2 : 4) * size);
	if (!p)
		return -1;
	*arr = p;
	return 0;
}

int cl_report_push_checked(struct cl_report *rep, const char *path)
{
	char *s = strdup(path);

	if (!s || make_room((void **)&rep->checked, rep->n_checked, sizeof *rep->checked)) {
		free(s);
		errno = ENOMEM;
		return -1;
	}
	rep->checked[rep->n_checked++] = s;
	return 0;
}

int cl_report_push_problem(struct cl_report *rep, enum cl_kind kind, const char *object,
			   const char *needed_by, const char *detail)
{
	struct cl_problem p = { kind, strdup(object), strdup(needed_by), strdup(detail) };

	if (!p.object || !p.needed_by || !p.detail ||
	    make_room((void **)&rep->problems, rep->n_problems, sizeof *rep->problems)) {
		free(p.object);
		free(p.needed_by);
		free(p.detail);
		errno = ENOMEM;
		return -1;
	}
	rep->problems[rep->n_problems++] = p;
	return 0;
}

void cl_report_print_text(FILE *out, const struct cl_report *rep)
{
	for (size_t i = 0; i < rep->n_problems; i++) {
		const struct cl_problem *p = &rep->problems[i];

		fprintf(out, "%s: %s", cl_kind_name(p->kind), p->object[0] ? p->object : "-");
		if (p->needed_by[0])
			fprintf(out, " needed by %s", p->needed_by);
		fprintf(out, ": %s\n", p->detail);
	}
	fprintf(out, "checked %zu object%s, %zu problem%s\n", rep->n_checked,
		rep->n_checked == 1 ? "" : "s", rep->n_problems, rep->n_problems == 1 ? "" : "s");
}

/* Length of the valid UTF-8 sequence at S (0 if invalid): no overlong
 * forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	unsigned lo = 0x80, hi = 0xbf;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* Length of the run at S copied as is: one printable ASCII byte, or one
 * valid UTF-8 sequence; 0 when the byte must be escaped. */
static size_t plain_len(const unsigned char *s)
{
	if (*s == '"' || *s == '\\' || *s < 0x20 || *s == 0x7f)
		return 0;
	return *s < 0x80 ? 1 : utf8_len(s);
}

static void json_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', out);
	while (*s) {
		size_t n = plain_len(s);

		if (n) {
			fwrite(s, 1, n, out);
			s += n;
		} else if (*s == '"' || *s == '\\') {
			fprintf(out, "\\%c", *s++);
		} else if (*s == '\n' || *s == '\t') {
			fputs(*s++ == '\n' ? "\\n" : "\\t", out);
		} else {
			fprintf(out, "\\u%04x", *s++);
		}
	}
	fputc('"', out);
}

void cl_report_print_json(FILE *out, const struct cl_report *rep)
{
	fprintf(out, "{\"ok\": %s, \"checked\": [", rep->n_problems ? "false" : "true");
	for (size_t i = 0; i < rep->n_checked; i++) {
		fputs(i ? ", " : "", out);
		json_string(out, rep->checked[i]);
	}
	fputs("], \"problems\": [", out);
	for (size_t i = 0; i < rep->n_problems; i++) {
		const struct cl_problem *p = &rep->problems[i];

		fputs(i ? ", " : "", out);
		fputs("{\"kind\": ", out);
		json_string(out, cl_kind_name(p->kind));
		fputs(", \"object\": ", out);
		json_string(out, p->object);
		fputs(", \"needed_by\": ", out);
		json_string(out, p->needed_by);
		fputs(", \"detail\": ", out);
		json_string(out, p->detail);
		fputc('}', out);
	}
	fputs("]}\n", out);
}
