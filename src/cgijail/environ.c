/* The CGI's environment, built from a whitelist (never filtered in place):
 * suexec's safe variables, HTTP_* (but never HTTP_PROXY: httpoxy) and the
 * SSL_* variables mod_ssl sets (never SSL_CERT_FILE and the like, which
 * configure the CGI's TLS library), then what cgijail sets itself. Host paths that Apache computed are
 * rewritten to their names inside the jail, or dropped if outside it. */
#include "cgijail.h"
#include "strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENV 256

/* Sorted (in_list searches them by halves). */
static const char *const safe_names[] = {
	"AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "CONTEXT_DOCUMENT_ROOT",
	"CONTEXT_PREFIX", "DATE_GMT", "DATE_LOCAL", "DOCUMENT_ARGS", "DOCUMENT_NAME",
	"DOCUMENT_PATH_INFO", "DOCUMENT_ROOT", "DOCUMENT_URI", "GATEWAY_INTERFACE",
	"HTTPS", "LAST_MODIFIED", "PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING",
	"QUERY_STRING_UNESCAPED", "REDIRECT_ERROR_NOTES", "REDIRECT_HANDLER",
	"REDIRECT_QUERY_STRING", "REDIRECT_REMOTE_USER", "REDIRECT_SCRIPT_FILENAME",
	"REDIRECT_STATUS", "REDIRECT_URL", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_IDENT",
	"REMOTE_PORT", "REMOTE_USER", "REQUEST_METHOD", "REQUEST_SCHEME",
	"REQUEST_URI", "SCRIPT_FILENAME", "SCRIPT_NAME", "SCRIPT_URI", "SCRIPT_URL",
	"SERVER_ADDR", "SERVER_ADMIN", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
	"SERVER_SIGNATURE", "SERVER_SOFTWARE", "TZ", "UNIQUE_ID", "USER_NAME",
};

/* What mod_ssl sets besides SSL_CLIENT_* and SSL_SERVER_* (certificates). A
 * caller's SSL_CERT_FILE or SSL_CERT_DIR would make the customer's outbound
 * TLS (OpenSSL, and what reads its variables) trust a CA of its choosing. */
static const char *const ssl_names[] = {
	"SSL_CIPHER", "SSL_CIPHER_ALGKEYSIZE", "SSL_CIPHER_EXPORT", "SSL_CIPHER_USEKEYSIZE",
	"SSL_COMPRESS_METHOD", "SSL_HANDSHAKE_RTT", "SSL_PROTOCOL", "SSL_SECURE_RENEG",
	"SSL_SESSION_ID", "SSL_SESSION_RESUMED", "SSL_SRP_USER", "SSL_SRP_USERINFO", "SSL_TLS_SNI",
	"SSL_VERSION_INTERFACE", "SSL_VERSION_LIBRARY",
};

/* Host paths that mean something to the CGI only inside the jail (sorted). */
static const char *const path_names[] = {
	"CONTEXT_DOCUMENT_ROOT", "DOCUMENT_ROOT", "PATH_TRANSLATED", "REDIRECT_SCRIPT_FILENAME",
	"SCRIPT_FILENAME",
};

/* NAME (LEN bytes, not NUL-terminated) in the sorted LIST. */
static bool in_list(const char *name, size_t len, const char *const *list, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(name, list[mid], len);

		if (c == 0 && list[mid][len] != '\0')
			c = -1;
		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

static bool has_prefix(const char *name, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !strncmp(name, prefix, n);
}

/* A client's header Proxy: (httpoxy) or Proxy-*: configures HTTP clients;
 * Apache never passes Proxy-Authorization on to a CGI anyway. */
static bool name_is_proxy(const char *name, size_t len)
{
	return (len == 10 && !strncmp(name, "HTTP_PROXY", 10)) || has_prefix(name, len, "HTTP_PROXY_");
}

static bool name_is_safe(const char *name, size_t len)
{
	if (has_prefix(name, len, "HTTP_"))
		return !name_is_proxy(name, len);
	/* The certificates' fields: SSL_CLIENT_S_DN_CN and the like. */
	if (len > 11 && (has_prefix(name, len, "SSL_CLIENT_") || has_prefix(name, len, "SSL_SERVER_")))
		return true;
	return in_list(name, len, safe_names, sizeof safe_names / sizeof safe_names[0]) ||
	       in_list(name, len, ssl_names, sizeof ssl_names / sizeof ssl_names[0]);
}

static bool name_is_wellformed(const char *name, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (i > 0 && c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* Values that a shell would take for a function definition (Shellshock),
 * and a TZ that names a file outside the zoneinfo tree (glibc reads
 * ":/path" and "/path" as file names). */
static bool value_is_safe(const char *name, size_t len, const char *value)
{
	if (!strncmp(value, "() {", 4))
		return false;
	if (len == 2 && !strncmp(name, "TZ", 2)) {
		const char *file = value[0] == ':' ? value + 1 : value;
		if (file[0] == '/' || strstr(file, ".."))
			return false;
	}
	return true;
}

struct env_builder {
	struct request *rq;
	char **vars;
	int n;
};

static void add(struct env_builder *b, const char *name, const char *value)
{
	char *entry;

	if (b->n >= MAX_ENV)
		return;
	if (asprintf(&entry, "%s=%s", name, value) < 0)
		refuse(b->rq, CJ_NOMEM, "building the environment");
	b->vars[b->n++] = entry;
}

/* DOCUMENT_ROOT=/srv/jails/alice/var/www -> /var/www; outside the jail: dropped. */
static void add_path_in_jail(struct env_builder *b, const char *name, const char *value)
{
	const char *inside = b->rq->jail[0] ? path_inside(value, b->rq->jail) : value;

	if (inside)
		add(b, name, inside);
}

/* The client's headers (HTTP_*) come last: however many a client sends,
 * they cannot push the server's variables past MAX_ENV. */
static void add_request_variables(struct env_builder *b, bool headers)
{
	for (char **e = b->rq->caller_env; e && *e && b->n < MAX_ENV - 8; e++) {
		const char *eq = strchr(*e, '=');
		size_t len = eq ? (size_t)(eq - *e) : 0;
		char name[128];

		if (!eq || len >= sizeof name || has_prefix(*e, len, "HTTP_") != headers ||
		    !name_is_wellformed(*e, len) || !name_is_safe(*e, len) || !value_is_safe(*e, len, eq + 1))
			continue;
		memcpy(name, *e, len);
		name[len] = '\0';
		if (in_list(name, len, path_names, sizeof path_names / sizeof path_names[0]))
			add_path_in_jail(b, name, eq + 1);
		else
			add(b, name, eq + 1);
	}
}

static void add_own_variables(struct env_builder *b)
{
	struct request *rq = b->rq;
	const char *home = rq->jail[0] ? path_inside(rq->home, rq->jail) : rq->home;

	add(b, "PATH", rq->pol->safe_path);
	add(b, "HOME", home ? home : "/");
	add(b, "USER", rq->user);
	add(b, "LOGNAME", rq->user);
	if (rq->pol->bind_now)
		add(b, "LD_BIND_NOW", "1");
}

void build_environment(struct request *rq)
{
	struct env_builder b = { rq, calloc(MAX_ENV + 1, sizeof(char *)), 0 };

	if (!b.vars)
		refuse(rq, CJ_NOMEM, "building the environment");
	add_own_variables(&b);
	add_request_variables(&b, false);
	add_request_variables(&b, true);
	rq->cgi_env = b.vars;
	passed(rq, "environment", "%d variables from the whitelist", b.n);
}
