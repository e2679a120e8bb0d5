/* [user:NAME] sections, matched to user names exactly.
 *
 * iniparser folds section names to lower case: from its dictionary alone,
 * [user:ALICE] would apply to alice, and of two users whose names differ
 * only in case one would get the other's policy. So the section lines are
 * read once more here as they are written, and the names kept; a file in
 * which two user sections differ only in case, or whose user sections this
 * reading and iniparser's do not agree on, is refused. */
#include "config.h"
#include "cj_exit.h"

#include <iniparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* LINE without the white space around it, in place. */
static char *strip(char *line)
{
	size_t n = strlen(line);

	while (n && is_space(line[n - 1]))
		line[--n] = '\0';
	while (is_space(*line))
		line++;
	return line;
}

/* The NAME of a "[user:NAME]" line (iniparser's rule for a section line:
 * after stripping, '[' first and ']' last; the "user:" prefix in any case),
 * or NULL. A ']' inside the name is refused: iniparser versions disagree on
 * where such a name ends. */
static const char *user_section_name(char *line, bool *bad)
{
	size_t n = strlen(line);
	char *name;

	if (n < 2 || line[0] != '[' || line[n - 1] != ']')
		return NULL;
	line[n - 1] = '\0';
	name = strip(line + 1);
	if (strncasecmp(name, USER_PREFIX, USER_PREFIX_LEN) != 0)
		return NULL;
	if (strchr(name, ']'))
		*bad = true;
	return name + USER_PREFIX_LEN;
}

static int add_name(struct cj_config *cfg, const char *name, size_t *cap)
{
	if (cfg->n_user_names == *cap) {
		size_t grown = *cap ? *cap * 2 : 16;
		char **v = realloc(cfg->user_names, grown * sizeof *v);

		if (!v)
			return -1;
		cfg->user_names = v;
		*cap = grown;
	}
	cfg->user_names[cfg->n_user_names] = strdup(name);
	if (!cfg->user_names[cfg->n_user_names])
		return -1;
	cfg->n_user_names++;
	return 0;
}

/* Lines as iniparser joins them: a line ending in '\' goes on with the next. */
static int read_names(struct cj_config *cfg, FILE *in, char *why, size_t len)
{
	char *buf = NULL, *joined = NULL;
	size_t bufcap = 0, cap = 0, used = 0;
	int rc = 0;

	while (rc == 0 && getline(&buf, &bufcap, in) >= 0) {
		size_t n = strlen(buf);	/* as fgets: a NUL ends the line */
		char *grown = realloc(joined, used + n + 1);
		bool bad = false;
		const char *name;

		if (!grown) {
			rc = -1;
			break;
		}
		joined = grown;
		memcpy(joined + used, buf, n + 1);
		used += n;
		while (used && is_space(joined[used - 1]))
			joined[--used] = '\0';
		if (used && joined[used - 1] == '\\') {
			joined[--used] = '\0';
			continue;
		}
		name = user_section_name(strip(joined), &bad);
		if (bad) {
			snprintf(why, len, "section [user:%s]: a user name cannot hold ']'", name);
			rc = -2;
		} else if (name && add_name(cfg, name, &cap) < 0) {
			rc = -1;
		}
		used = 0;
	}
	free(buf);
	free(joined);
	if (rc == -1)
		snprintf(why, len, "out of memory reading the [user:NAME] sections");
	return rc;
}

int cj_compare_user_names(const char *x, const char *y)
{
	int c = strcasecmp(x, y);

	return c ? c : strcmp(x, y);
}

static int compare_names(const void *a, const void *b)
{
	return cj_compare_user_names(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted, each spelling once; two spellings of one case-folded name refused. */
static int require_distinct_names(struct cj_config *cfg, char *why, size_t len)
{
	size_t kept = 0;

	if (cfg->n_user_names)
		qsort(cfg->user_names, cfg->n_user_names, sizeof *cfg->user_names, compare_names);
	for (size_t i = 0; i < cfg->n_user_names; i++) {
		char *name = cfg->user_names[i];

		if (kept && !strcmp(cfg->user_names[kept - 1], name)) {
			free(name);
			continue;
		}
		if (kept && !strcasecmp(cfg->user_names[kept - 1], name)) {
			snprintf(why, len, "sections [user:%s] and [user:%s] differ only in case: iniparser reads "
				 "both as one section, and user names are matched exactly",
				 cfg->user_names[kept - 1], name);
			for (size_t j = i; j < cfg->n_user_names; j++)
				free(cfg->user_names[j]);
			cfg->n_user_names = kept;
			return -1;
		}
		cfg->user_names[kept++] = name;
	}
	cfg->n_user_names = kept;
	return 0;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every user section iniparser read is one this reading found, and the
 * other way round. Both lists sorted: iniparser's names are the lower-case
 * forms of ours, in the same order. */
static int require_same_sections(const struct cj_config *cfg, char *why, size_t len)
{
	const dictionary *d = cfg->dict;
	const char **dict_names = calloc(cfg->n_user_names + 1, sizeof *dict_names);
	size_t n = 0;
	int rc = 0;

	if (!dict_names) {
		snprintf(why, len, "out of memory reading the [user:NAME] sections");
		return -1;
	}
	for (int i = 0; i < d->size && rc == 0; i++) {
		if (!d->key[i] || d->val[i] || strncmp(d->key[i], USER_PREFIX, USER_PREFIX_LEN) != 0)
			continue;
		if (n == cfg->n_user_names)
			rc = -1;
		else
			dict_names[n++] = d->key[i] + USER_PREFIX_LEN;
	}
	if (rc == 0 && n == cfg->n_user_names) {
		if (n)
			qsort(dict_names, n, sizeof *dict_names, compare_strings);
		for (size_t i = 0; i < n && rc == 0; i++)
			if (strcasecmp(dict_names[i], cfg->user_names[i]) != 0)
				rc = -1;
	} else {
		rc = -1;
	}
	free(dict_names);
	if (rc < 0)
		snprintf(why, len, "the [user:NAME] sections could not be matched to user names exactly "
			 "(%zu found as written, %zu read by iniparser)", cfg->n_user_names, n);
	return rc;
}

static bool has_user_sections(const dictionary *d)
{
	for (int i = 0; i < d->size; i++)
		if (d->key[i] && !d->val[i] && !strncmp(d->key[i], USER_PREFIX, USER_PREFIX_LEN))
			return true;
	return false;
}

int cj_user_sections_read(struct cj_config *cfg, const char *path, char *why, size_t len)
{
	FILE *in;
	int rc;

	/* None for iniparser: none in the file, nothing to read again. */
	if (!has_user_sections(cfg->dict))
		return CJ_OK;
	in = fopen(path, "re");
	if (!in) {
		snprintf(why, len, "%s: cannot be read again", path);
		return CJ_CONFIG_SYNTAX;
	}
	rc = read_names(cfg, in, why, len);
	fclose(in);
	if (rc == -1)
		return CJ_NOMEM;
	if (rc < 0 || require_distinct_names(cfg, why, len) < 0 ||
	    require_same_sections(cfg, why, len) < 0)
		return CJ_CONFIG_VALUE;
	return CJ_OK;
}

void cj_user_sections_free(struct cj_config *cfg)
{
	for (size_t i = 0; i < cfg->n_user_names; i++)
		free(cfg->user_names[i]);
	free(cfg->user_names);
	cfg->user_names = NULL;
	cfg->n_user_names = 0;
}
