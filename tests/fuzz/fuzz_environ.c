/* libFuzzer target: the CGI's environment (src/cgijail/environ.c), built
 * from a hostile caller environment. The input is the caller's environment,
 * entries separated by NUL bytes; its first byte picks the jail, the home
 * and the bind setting. Whatever the input, the result must be:
 *  - at most 256 entries, each "NAME=value" with a well-formed NAME;
 *  - PATH exactly the safe_path, once;
 *  - no name outside the whitelist (HTTP_*, mod_ssl's SSL_*, suexec's safe
 *    names, cgijail's own), never HTTP_PROXY(_*), never SSL_CERT_FILE or
 *    SSL_CERT_DIR, never an LD_* but LD_BIND_NOW;
 *  - no value starting "() {", no TZ naming a file ('/', ':/', "..");
 *  - in a jail, a path variable only as a caller's value with the jail's
 *    host path cut off. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgijail.h"
#include "strutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What environ.c needs from the rest of cgijail. */
void refuse(struct request *rq, int code, const char *fmt, ...)
{
	(void)rq;
	(void)code;
	(void)fmt;
	abort(); /* only out of memory refuses here */
}

void passed(struct request *rq, const char *check, const char *fmt, ...)
{
	(void)rq;
	(void)check;
	(void)fmt;
}

#define JAIL "/srv/jails/alice"

static bool in_list(const char *name, size_t len, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && !strncmp(name, list[i], len))
			return true;
	return false;
}

static bool name_allowed(const char *name, size_t len)
{
	static const char *const safe[] = {
		"AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "CONTEXT_DOCUMENT_ROOT",
		"CONTEXT_PREFIX", "DATE_GMT", "DATE_LOCAL", "DOCUMENT_ARGS", "DOCUMENT_NAME",
		"DOCUMENT_PATH_INFO", "DOCUMENT_ROOT", "DOCUMENT_URI", "GATEWAY_INTERFACE",
		"HTTPS", "LAST_MODIFIED", "PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING",
		"QUERY_STRING_UNESCAPED", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_IDENT",
		"REMOTE_PORT", "REMOTE_USER", "REDIRECT_ERROR_NOTES", "REDIRECT_HANDLER",
		"REDIRECT_QUERY_STRING", "REDIRECT_REMOTE_USER", "REDIRECT_SCRIPT_FILENAME",
		"REDIRECT_STATUS", "REDIRECT_URL", "REQUEST_METHOD", "REQUEST_SCHEME",
		"REQUEST_URI", "SCRIPT_FILENAME", "SCRIPT_NAME", "SCRIPT_URI", "SCRIPT_URL",
		"SERVER_ADDR", "SERVER_ADMIN", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
		"SERVER_SIGNATURE", "SERVER_SOFTWARE", "UNIQUE_ID", "USER_NAME", "TZ",
		/* cgijail's own */
		"PATH", "HOME", "USER", "LOGNAME", "LD_BIND_NOW",
	};

	/* mod_ssl's, restated: never one that configures a TLS library. */
	static const char *const ssl[] = {
		"SSL_CIPHER", "SSL_CIPHER_ALGKEYSIZE", "SSL_CIPHER_EXPORT", "SSL_CIPHER_USEKEYSIZE",
		"SSL_COMPRESS_METHOD", "SSL_HANDSHAKE_RTT", "SSL_PROTOCOL", "SSL_SECURE_RENEG",
		"SSL_SESSION_ID", "SSL_SESSION_RESUMED", "SSL_SRP_USER", "SSL_SRP_USERINFO",
		"SSL_TLS_SNI", "SSL_VERSION_INTERFACE", "SSL_VERSION_LIBRARY",
	};

	if ((len == 10 && !strncmp(name, "HTTP_PROXY", 10)) ||
	    (len > 11 && !strncmp(name, "HTTP_PROXY_", 11)))
		return false;
	if ((len == 13 && !strncmp(name, "SSL_CERT_FILE", 13)) ||
	    (len == 12 && !strncmp(name, "SSL_CERT_DIR", 12)))
		return false;
	if (len >= 5 && !strncmp(name, "HTTP_", 5))
		return true;
	if (len > 11 && (!strncmp(name, "SSL_CLIENT_", 11) || !strncmp(name, "SSL_SERVER_", 11)))
		return true;
	return in_list(name, len, safe, sizeof safe / sizeof safe[0]) ||
	       in_list(name, len, ssl, sizeof ssl / sizeof ssl[0]);
}

static bool wellformed(const char *name, size_t len)
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

static bool is_path_name(const char *name, size_t len)
{
	static const char *const names[] = { "DOCUMENT_ROOT", "CONTEXT_DOCUMENT_ROOT", "SCRIPT_FILENAME",
					     "PATH_TRANSLATED", "REDIRECT_SCRIPT_FILENAME" };

	return in_list(name, len, names, sizeof names / sizeof names[0]);
}

/* Some caller entry NAME=JAIL<value>. */
static bool came_from_jail(const struct request *rq, const char *name, size_t len, const char *value)
{
	for (char **e = rq->caller_env; *e; e++) {
		if (strncmp(*e, name, len) != 0 || (*e)[len] != '=')
			continue;
		const char *inside = path_inside(*e + len + 1, JAIL);
		if (inside && !strcmp(inside, value))
			return true;
	}
	return false;
}

static void check_entry(const struct request *rq, const char *e, int *npath)
{
	const char *eq = strchr(e, '=');
	size_t len;

	if (!eq)
		abort();
	len = (size_t)(eq - e);
	if (!wellformed(e, len) || !name_allowed(e, len))
		abort();
	if (!strncmp(eq + 1, "() {", 4))
		abort();
	if (len == 4 && !strncmp(e, "PATH", 4)) {
		(*npath)++;
		if (strcmp(eq + 1, rq->pol->safe_path) != 0)
			abort();
	}
	if (len == 2 && !strncmp(e, "TZ", 2)) {
		const char *f = eq[1] == ':' ? eq + 2 : eq + 1;
		if (f[0] == '/' || strstr(f, ".."))
			abort();
	}
	if (rq->jail[0] && is_path_name(e, len) && !came_from_jail(rq, e, len, eq + 1))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct request rq;
	char *buf, **env;
	size_t n = 0;

	if (size == 0)
		return 0;
	memset(&rq, 0, sizeof rq);
	snprintf(rq.user, sizeof rq.user, "alice");
	snprintf(rq.home, sizeof rq.home, "%s", data[0] & 1 ? JAIL "/home/alice" : "/home/alice");
	if (data[0] & 2)
		snprintf(rq.jail, sizeof rq.jail, "%s", JAIL);
	rq.user_pol.bind_now = data[0] & 4;
	snprintf(rq.user_pol.safe_path, sizeof rq.user_pol.safe_path, "/usr/local/bin:/usr/bin:/bin");
	rq.pol = &rq.user_pol;
	data++;
	size--;

	buf = malloc(size + 1);
	env = calloc(size + 2, sizeof *env);
	if (!buf || !env)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0; i <= size; i += strlen(buf + i) + 1)
		env[n++] = buf + i;
	env[n] = NULL;
	rq.caller_env = env;

	build_environment(&rq);

	int count = 0, npath = 0;
	for (char **e = rq.cgi_env; *e; e++, count++)
		check_entry(&rq, *e, &npath);
	if (count > 256 || npath != 1)
		abort();
	for (char **e = rq.cgi_env; *e; e++)
		free(*e);
	free(rq.cgi_env);
	free(buf);
	free(env);
	return 0;
}
