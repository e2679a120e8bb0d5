/* The [user:NAME] sections, once the file is loaded and checked, as one
 * block of bytes without pointers: a user's keys are found with a binary
 * search over the names, and cgijail can keep the block with the rest of
 * the parsed config between requests (src/cgijail/keptconfig.c).
 *
 * Layout: uint32_t n; uint32_t offset[n], the entries in the order of
 * cj_compare_user_names(); then each entry: "NAME\0" ("KEY\0VALUE\0")... "\0". The
 * block always ends in "\0\0". */
#include "config.h"
#include "cj_exit.h"

#include <iniparser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One "user:name:key = value" of the dictionary, for sorting. */
struct user_key {
	size_t user;  /* index in cfg->user_names */
	int entry;    /* index in the dictionary: file order */
	const char *key, *value;
};

static int by_user_then_entry(const void *a, const void *b)
{
	const struct user_key *x = a, *y = b;

	if (x->user != y->user)
		return x->user < y->user ? -1 : 1;
	return (x->entry > y->entry) - (x->entry < y->entry);
}

/* A section's name without its "user:", LEN bytes, against a user name. */
struct folded {
	const char *name;
	size_t len;
};

static int folded_to_name(const void *key, const void *elem)
{
	const struct folded *f = key;
	const char *name = *(const char *const *)elem;
	int c = strncasecmp(f->name, name, f->len);

	return c ? c : -(name[f->len] != '\0');
}

/* The user of section SEC ("user:name", as iniparser folds it), LEN bytes. */
static bool user_of_section(const struct cj_config *cfg, const char *sec, size_t len, size_t *user)
{
	struct folded f;
	char *const *found;

	if (len <= USER_PREFIX_LEN || strncmp(sec, USER_PREFIX, USER_PREFIX_LEN) != 0 || !cfg->n_user_names)
		return false;
	f.name = sec + USER_PREFIX_LEN;
	f.len = len - USER_PREFIX_LEN;
	found = bsearch(&f, cfg->user_names, cfg->n_user_names, sizeof *cfg->user_names, folded_to_name);
	if (found)
		*user = (size_t)(found - cfg->user_names);
	return found != NULL;
}

/* Every key of a user section, by user, in file order. A key's section is
 * all before its last ':' (the file was checked: no key holds one). */
static struct user_key *collect_keys(const struct cj_config *cfg, size_t *count)
{
	const dictionary *d = cfg->dict;
	struct user_key *keys = calloc((size_t)d->n + 1, sizeof *keys);
	size_t n = 0;

	if (!keys)
		return NULL;
	for (int i = 0; i < d->size; i++) {
		const char *k = d->key[i], *colon;

		if (!k || !d->val[i] || !(colon = strrchr(k, ':')) || n == (size_t)d->n)
			continue;
		if (user_of_section(cfg, k, (size_t)(colon - k), &keys[n].user)) {
			keys[n].entry = i;
			keys[n].key = colon + 1;
			keys[n].value = d->val[i];
			n++;
		}
	}
	qsort(keys, n, sizeof *keys, by_user_then_entry);
	*count = n;
	return keys;
}

static size_t table_size(const struct cj_config *cfg, const struct user_key *keys, size_t n)
{
	size_t size = sizeof(uint32_t) * (cfg->n_user_names + 1) + 1;

	for (size_t u = 0; u < cfg->n_user_names; u++)
		size += strlen(cfg->user_names[u]) + 2;
	for (size_t i = 0; i < n; i++)
		size += strlen(keys[i].key) + strlen(keys[i].value) + 2;
	return size;
}

static size_t put(char *t, size_t at, const char *s)
{
	size_t len = strlen(s) + 1;

	memcpy(t + at, s, len);
	return at + len;
}

static void fill(char *t, const struct cj_config *cfg, const struct user_key *keys, size_t n)
{
	uint32_t count = (uint32_t)cfg->n_user_names, offset;
	size_t at = sizeof(uint32_t) * (count + 1), k = 0;

	memcpy(t, &count, sizeof count);
	for (size_t u = 0; u < count; u++) {
		offset = (uint32_t)at;
		memcpy(t + sizeof(uint32_t) * (u + 1), &offset, sizeof offset);
		at = put(t, at, cfg->user_names[u]);
		for (; k < n && keys[k].user == u; k++)
			at = put(t, put(t, at, keys[k].key), keys[k].value);
		t[at++] = '\0';
	}
	t[at] = '\0';
}

int cj_user_table_build(struct cj_config *cfg, char *why, size_t len)
{
	struct user_key *keys;
	size_t n = 0, size;

	if (!cfg->dict || !cfg->n_user_names)
		return CJ_OK;
	keys = collect_keys(cfg, &n);
	size = keys ? table_size(cfg, keys, n) : 0;
	if (keys && size <= UINT32_MAX)
		cfg->users = malloc(size);
	if (cfg->users) {
		fill(cfg->users, cfg, keys, n);
		cfg->users_size = size;
	}
	free(keys);
	if (!cfg->users) {
		snprintf(why, len, "out of memory keeping the [user:NAME] sections");
		return CJ_NOMEM;
	}
	return CJ_OK;
}

bool cj_user_table_valid(const char *t, size_t size)
{
	uint32_t count, offset;

	if (size < sizeof count + 2 || t[size - 1] || t[size - 2])
		return false;
	memcpy(&count, t, sizeof count);
	if (count > (size - sizeof count) / sizeof offset)
		return false;
	for (uint32_t u = 0; u < count; u++) {
		memcpy(&offset, t + sizeof(uint32_t) * (u + 1), sizeof offset);
		if (offset < sizeof(uint32_t) * (count + 1) || offset >= size - 2)
			return false;
	}
	return true;
}

static const char *name_at(const char *t, uint32_t u)
{
	uint32_t offset;

	memcpy(&offset, t + sizeof(uint32_t) * (u + 1), sizeof offset);
	return t + offset;
}

size_t cj_user_table_count(const struct cj_config *cfg)
{
	uint32_t count = 0;

	if (cfg->users)
		memcpy(&count, cfg->users, sizeof count);
	return count;
}

const char *cj_user_table_name(const struct cj_config *cfg, size_t i)
{
	return name_at(cfg->users, (uint32_t)i);
}

/* bsearch() over the offsets: the key is the name looked for and the block. */
struct wanted {
	const char *user, *table;
};

static int wanted_to_entry(const void *key, const void *elem)
{
	const struct wanted *w = key;
	uint32_t offset;

	memcpy(&offset, elem, sizeof offset);
	return cj_compare_user_names(w->user, w->table + offset);
}

bool cj_user_table_find(const struct cj_config *cfg, const char *user, struct cj_user_keys *it)
{
	struct wanted w = { user, cfg->users };
	const char *found, *name;

	if (!cfg->users || !cj_user_table_count(cfg))
		return false;
	found = bsearch(&w, cfg->users + sizeof(uint32_t), cj_user_table_count(cfg), sizeof(uint32_t),
			wanted_to_entry);
	if (!found)
		return false;
	name = name_at(cfg->users, (uint32_t)((found - cfg->users) / sizeof(uint32_t) - 1));
	it->at = name + strlen(name) + 1;
	it->end = cfg->users + cfg->users_size;
	it->broken = false;
	return true;
}

/* Every string ends before the block does (cj_user_table_valid: it ends
 * in NULs), so strlen() stays inside; a pair cut off by the end is BROKEN. */
bool cj_user_table_next(struct cj_user_keys *it, const char **key, const char **value)
{
	if (it->at >= it->end || !*it->at)
		return false;
	*key = it->at;
	*value = *key + strlen(*key) + 1;
	if (*value >= it->end) {
		it->broken = true;
		return false;
	}
	it->at = *value + strlen(*value) + 1;
	return true;
}

void cj_user_table_free(struct cj_config *cfg)
{
	free(cfg->users);
	cfg->users = NULL;
	cfg->users_size = 0;
}
