/* A string-keyed hash map: see cl_strmap.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cl_strmap.h"

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}

static struct cl_strmap_slot *find(const struct cl_strmap *m, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	while (m->slots[i].key) {
		if (m->slots[i].hash == h && strcmp(m->slots[i].key, key) == 0)
			return &m->slots[i];
		i = (i + 1) & (m->cap - 1);
	}
	return &m->slots[i];
}

static int grow(struct cl_strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 16;
	struct cl_strmap_slot *old = m->slots;
	size_t ocap = m->cap;

	m->slots = calloc(ncap, sizeof *m->slots);
	if (!m->slots) {
		m->slots = old;
		errno = ENOMEM;
		return -1;
	}
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].key)
			*find(m, old[i].key, old[i].hash) = old[i];
	free(old);
	return 0;
}

void *cl_strmap_get(const struct cl_strmap *m, const char *key)
{
	struct cl_strmap_slot *s;

	if (m->n == 0)
		return NULL;
	s = find(m, key, hash_str(key));
	return s->key ? s->val : NULL;
}

int cl_strmap_add(struct cl_strmap *m, const char *key, void *val)
{
	uint64_t h = hash_str(key);
	struct cl_strmap_slot *s;

	if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
		return -1;
	s = find(m, key, h);
	if (s->key)
		return 0;
	s->key = strdup(key);
	if (!s->key) {
		errno = ENOMEM;
		return -1;
	}
	s->hash = h;
	s->val = val;
	m->n++;
	return 1;
}

void cl_strmap_free(struct cl_strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
