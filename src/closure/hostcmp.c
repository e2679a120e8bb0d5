/* --host: compare each object with the file at the same path on the host.
 * A different soname, NT_GNU_BUILD_ID or set of DT_VERDEF names means the
 * jail holds another build (a jail not upgraded with the host); a file
 * missing on the host is not a mismatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cl_ctx.h"

#define MAX_LISTED 4 /* version names named in a detail */

static void hex(char *out, size_t outlen, const unsigned char *p, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && len + 3 <= outlen; i++)
		len += (size_t)snprintf(out + len, outlen - len, "%02x", p[i]);
	if (n == 0)
		snprintf(out, outlen, "none");
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted names of E's version definitions (without the base). */
static const char **verdef_names(const struct cl_elf *e, size_t *n)
{
	const char **v = calloc(e->n_verdef + 1, sizeof *v);

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < e->n_verdef; i++)
		if (!(e->verdef[i].flags & 1))
			v[(*n)++] = e->verdef[i].name;
	qsort(v, *n, sizeof *v, cmp_name);
	return v;
}

/* Append to OUT the names in A that B lacks. */
static size_t missing_from(char *out, size_t outlen, const char **a, size_t na,
			   const char **b, size_t nb)
{
	size_t i = 0, j = 0, listed = 0, more = 0, len = strlen(out);

	while (i < na) {
		int c = j < nb ? strcmp(a[i], b[j]) : -1;

		if (c == 0) {
			i++;
			j++;
		} else if (c > 0) {
			j++;
		} else {
			if (listed++ < MAX_LISTED)
				len += (size_t)snprintf(out + len, len < outlen ? outlen - len : 0,
							"%s%s", listed > 1 ? " " : "", a[i]);
			else
				more++;
			i++;
		}
		if (len >= outlen)
			len = outlen - 1;
	}
	if (more)
		snprintf(out + len, outlen - len, " (+%zu more)", more);
	return listed;
}

static void compare_versions(const struct cl_elf *jail, const struct cl_elf *host,
			     char *out, size_t outlen)
{
	size_t nj, nh;
	const char **vj = verdef_names(jail, &nj), **vh = verdef_names(host, &nh);
	char only_host[256] = "", only_jail[256] = "";

	if (vj && vh && (missing_from(only_host, sizeof only_host, vh, nh, vj, nj) |
			 missing_from(only_jail, sizeof only_jail, vj, nj, vh, nh))) {
		size_t len = strlen(out);

		snprintf(out + len, outlen - len, "%sversion definitions differ (%s%s%s%s%s)",
			 len ? "; " : "", only_host[0] ? "the jail lacks " : "", only_host,
			 only_host[0] && only_jail[0] ? ", " : "",
			 only_jail[0] ? "the host lacks " : "", only_jail);
	}
	free(vj);
	free(vh);
}

static void compare(const struct cl_elf *jail, const struct cl_elf *host, char *out, size_t outlen)
{
	const char *sj = jail->soname ? jail->soname : "none", *sh = host->soname ? host->soname : "none";
	size_t len;

	out[0] = '\0';
	if (strcmp(sj, sh) != 0)
		snprintf(out, outlen, "soname differs (jail %s, host %s)", sj, sh);
	if (jail->build_id_len != host->build_id_len ||
	    (jail->build_id_len && memcmp(jail->build_id, host->build_id, jail->build_id_len) != 0)) {
		char hj[80], hh[80];

		hex(hj, sizeof hj, jail->build_id, jail->build_id_len);
		hex(hh, sizeof hh, host->build_id, host->build_id_len);
		len = strlen(out);
		snprintf(out + len, outlen - len, "%sbuild-id differs (jail %s, host %s)",
			 len ? "; " : "", hj, hh);
	}
	compare_versions(jail, host, out, outlen);
}

void cl_host_compare(struct cl_ctx *ctx, struct cl_obj *o)
{
	struct cl_walk *w;
	struct cl_file *host;
	char detail[900];

	if (o->file->host_done || o->file->rc)
		return;
	o->file->host_done = true;
	w = malloc(sizeof *w);
	if (!w) {
		ctx->oom = true;
		return;
	}
	host = cl_file_open(ctx, ctx->opt->host_root_fd, o->path, w);
	free(w);
	if (!host || host == o->file)
		return;
	if (host->rc) {
		cl_problem(ctx, CL_HOST_MISMATCH, o->path, "",
			   "the host's copy is not a valid ELF object (%s)", host->elf.err);
		return;
	}
	compare(&o->file->elf, &host->elf, detail, sizeof detail);
	if (detail[0])
		cl_problem(ctx, CL_HOST_MISMATCH, o->path, "", "differs from the host's copy: %s", detail);
}
