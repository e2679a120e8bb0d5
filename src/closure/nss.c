/* NSS: glibc dlopen()s "libnss_SERVICE.so.2" from libc for each service the
 * root's /etc/nsswitch.conf names, except the ones built into libc since
 * glibc 2.34 ("files" and "dns"). Without the file, the defaults are all
 * built in. We look at the databases a CGI meets: passwd, group, hosts.
 *
 * The lines are read as glibc 2.36's process_line() reads them: there are
 * no comments, a line starting with '#' only names no known database, and
 * "passwd: files # ldap" names the services "files", "#" and "ldap".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_ctx.h"

#define MAX_CONF ((size_t)64 * 1024) /* of nsswitch.conf parsed */
#define MAX_SERVICES 32

static const char *const databases[] = { "passwd", "group", "hosts" };

struct service {
	char name[64];
	char dbs[32];   /* "passwd, group" */
};

struct services {
	struct service v[MAX_SERVICES];
	size_t n;
};

static bool builtin(const char *name)
{
	return strcmp(name, "files") == 0 || strcmp(name, "dns") == 0;
}

static void add_service(struct services *sv, const char *name, size_t len, const char *db)
{
	struct service *s = NULL;

	if (len == 0 || len >= sizeof sv->v[0].name)
		return;
	for (size_t i = 0; i < sv->n && !s; i++)
		if (strlen(sv->v[i].name) == len && memcmp(sv->v[i].name, name, len) == 0)
			s = &sv->v[i];
	if (!s) {
		if (sv->n == MAX_SERVICES)
			return;
		s = &sv->v[sv->n++];
		memcpy(s->name, name, len);
		s->name[len] = '\0';
	}
	if (!strstr(s->dbs, db)) {
		size_t l = strlen(s->dbs);

		snprintf(s->dbs + l, sizeof s->dbs - l, "%s%s", l ? ", " : "", db);
	}
}

/* "db: service [STATUS=action] service ..." as nss_parse_service_list. */
static void parse_services(struct services *sv, const char *p, const char *end, const char *db)
{
	while (p < end) {
		const char *name;

		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p < end && *p == '[') {
			while (p < end && *p != ']')
				p++;
			if (p < end)
				p++;
			continue;
		}
		name = p;
		while (p < end && !isspace((unsigned char)*p) && *p != '[')
			p++;
		add_service(sv, name, (size_t)(p - name), db);
	}
}

static void parse_line(struct services *sv, const char *p, const char *end)
{
	const char *name;

	while (p < end && isspace((unsigned char)*p))
		p++;
	name = p;
	while (p < end && !isspace((unsigned char)*p) && *p != ':')
		p++;
	if (p == end || p == name)
		return;
	for (size_t i = 0; i < sizeof databases / sizeof databases[0]; i++)
		if (strlen(databases[i]) == (size_t)(p - name) &&
		    memcmp(name, databases[i], (size_t)(p - name)) == 0)
			parse_services(sv, p + 1, end, databases[i]);
}

static void parse_conf(struct services *sv, const char *text, size_t len)
{
	const char *p = text, *end = text + (len > MAX_CONF ? MAX_CONF : len);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		parse_line(sv, p, eol);
		p = eol + 1;
	}
}

static void load_module(struct cl_map *m, struct cl_obj *libc, const struct service *s)
{
	char name[96], detail[256];
	struct cl_need need = {
		.name = name,
		.loader = libc,
		.needed_by = "/etc/nsswitch.conf",
		.missing_kind = CL_MISSING_NSS_MODULE,
		.missing_detail = detail,
		.dlopen = true,
	};

	snprintf(name, sizeof name, "libnss_%s.so.2", s->name);
	snprintf(detail, sizeof detail, "service \"%s\" (%s) needs %s, which the loader does not find",
		 s->name, s->dbs, name);
	cl_dlopen(m, &need);
}

void cl_check_nss(struct cl_map *m)
{
	struct cl_obj *libc = cl_map_lookup(m, "libc.so.6");
	struct services *sv;
	struct cl_walk *w;
	struct cl_file *f;

	if (!libc)
		return;
	sv = calloc(1, sizeof *sv);
	w = malloc(sizeof *w);
	if (!sv || !w) {
		m->ctx->oom = true;
		free(sv);
		free(w);
		return;
	}
	f = cl_file_open(m->ctx, m->ctx->root_fd, "/etc/nsswitch.conf", w);
	if (f && f->buf)
		parse_conf(sv, f->buf, f->len);
	for (size_t i = 0; i < sv->n && !m->ctx->oom; i++)
		if (!builtin(sv->v[i].name))
			load_module(m, libc, &sv->v[i]);
	free(w);
	free(sv);
}
