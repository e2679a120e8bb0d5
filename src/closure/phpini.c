/* php.ini lines, as far as they decide which extensions php loads (see
 * cl_modules.h). Zend's ini scanner does more (expansions, constants,
 * expressions, arrays); what needs it is left out, never guessed. The
 * rules taken from php 8.2's main/php_ini.c, php_ini_parser_cb:
 *   - keys compare without case; "extension" and "zend_extension" go to
 *     the lists of modules to load, unless inside a section whose name
 *     starts with "PATH" or "HOST" (per-directory or per-host settings);
 *   - every other key (extension_dir) goes to the configuration, the last
 *     value read winning;
 *   - each file starts outside any section.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cl_modules.h"

struct line {
	const char *p, *end;
};

static void skip_blank(struct line *l)
{
	while (l->p < l->end && (*l->p == ' ' || *l->p == '\t' || *l->p == '\r'))
		l->p++;
}

static void trim_end(const char *start, const char **end)
{
	while (*end > start && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\r'))
		(*end)--;
}

/* Nothing but blanks or a comment after a quoted value. */
static bool rest_is_empty(struct line *l)
{
	skip_blank(l);
	return l->p == l->end || *l->p == ';';
}

/* The value at L into OUT (NUL-terminated); false when it is not a plain
 * string (expansions, expressions, several parts, NULs, too long). */
static bool take_value(struct line *l, char *out)
{
	const char *s, *e;

	skip_blank(l);
	if (l->p < l->end && (*l->p == '"' || *l->p == '\'')) {
		char q = *l->p++;

		s = l->p;
		e = memchr(s, q, (size_t)(l->end - s));
		if (!e)
			return false;
		l->p = e + 1;
		if (!rest_is_empty(l) || (q == '"' && (memchr(s, '$', (size_t)(e - s)) ||
						       memchr(s, '\\', (size_t)(e - s)))))
			return false;
	} else {
		s = l->p;
		e = memchr(s, ';', (size_t)(l->end - s));
		if (!e)
			e = l->end;
		trim_end(s, &e);
		for (const char *c = s; c < e; c++)
			if (strchr("\"'$&|~!^(){}[]=", *c))
				return false;
	}
	if (e - s >= CL_PHPINI_MAX_VALUE || memchr(s, '\0', (size_t)(e - s)))
		return false;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return true;
}

static bool key_is(const char *k, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(k, want, len) == 0;
}

static int add_module(struct cl_phpini *ini, const char *name, bool zend, const char *file)
{
	struct cl_php_module *m;

	if (ini->n == CL_PHPINI_MAX_MODULES)
		return 0;
	if (ini->n == ini->cap) {
		size_t ncap = ini->cap ? ini->cap * 2 : 16;

		m = realloc(ini->mods, ncap * sizeof *m);
		if (!m)
			return -1;
		ini->mods = m;
		ini->cap = ncap;
	}
	m = &ini->mods[ini->n];
	m->name = strdup(name);
	m->ini = strdup(file);
	m->zend = zend;
	if (!m->name || !m->ini) {
		free(m->name);
		free(m->ini);
		return -1;
	}
	ini->n++;
	return 0;
}

static int set_extension_dir(struct cl_phpini *ini, const char *value)
{
	char *d = strdup(value);

	if (!d)
		return -1;
	free(ini->extension_dir);
	ini->extension_dir = d;
	return 0;
}

/* "[name]": whether the section is a special one. */
static bool special_section(const struct line *l)
{
	const char *name = l->p + 1;

	return l->end - name >= 4 && (strncasecmp(name, "PATH", 4) == 0 ||
				      strncasecmp(name, "HOST", 4) == 0);
}

static int parse_entry(struct cl_phpini *ini, struct line *l, bool special, const char *file,
		       char *value)
{
	const char *k = l->p, *eq = memchr(k, '=', (size_t)(l->end - k)), *ke;
	bool ext, zend;

	if (!eq)
		return 0;
	ke = eq;
	trim_end(k, &ke);
	ext = key_is(k, (size_t)(ke - k), "extension");
	zend = key_is(k, (size_t)(ke - k), "zend_extension");
	if (!ext && !zend && !key_is(k, (size_t)(ke - k), "extension_dir"))
		return 0;
	l->p = eq + 1;
	if (!take_value(l, value))
		return 0;
	if (ext || zend)
		return special ? 0 : add_module(ini, value, zend, file);
	return special ? 0 : set_extension_dir(ini, value);
}

int cl_phpini_parse(struct cl_phpini *ini, const char *text, size_t len, const char *file)
{
	const char *p = text, *end = text + len;
	char *value = malloc(CL_PHPINI_MAX_VALUE);
	bool special = false;
	int rc = 0;

	if (!value)
		return -1;
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct line l = { p, nl ? nl : end };

		p = nl ? nl + 1 : end;
		skip_blank(&l);
		if (l.p == l.end || *l.p == ';' || *l.p == '#')
			continue;
		if (*l.p == '[')
			special = special_section(&l);
		else
			rc = parse_entry(ini, &l, special, file, value);
	}
	free(value);
	return rc;
}

void cl_phpini_free(struct cl_phpini *ini)
{
	for (size_t i = 0; i < ini->n; i++) {
		free(ini->mods[i].name);
		free(ini->mods[i].ini);
	}
	free(ini->mods);
	free(ini->extension_dir);
	memset(ini, 0, sizeof *ini);
}
