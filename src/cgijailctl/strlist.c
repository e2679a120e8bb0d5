#include "strlist.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int strlist_add(struct strlist *l, const char *s)
{
	char *copy;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, ncap * sizeof *v);

		if (!v)
			return -1;
		l->v = v;
		l->cap = ncap;
	}
	copy = strdup(s);
	if (!copy)
		return -1;
	l->v[l->n++] = copy;
	return 0;
}

bool strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

int strlist_addf(struct strlist *l, const char *fmt, ...)
{
	char *s;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	rc = strlist_add(l, s);
	free(s);
	return rc;
}

int strlist_add_unique(struct strlist *l, const char *s)
{
	return strlist_has(l, s) ? 0 : strlist_add(l, s);
}

int strlist_add_words(struct strlist *l, const char *s)
{
	static const char space[] = " \t\r\n";

	while (*s) {
		size_t skip = strspn(s, space), len;
		char word[4096];

		s += skip;
		len = strcspn(s, space);
		if (len == 0)
			break;
		if (len >= sizeof word)
			return -1;
		memcpy(word, s, len);
		word[len] = '\0';
		if (strlist_add(l, word) < 0)
			return -1;
		s += len;
	}
	return 0;
}

void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
