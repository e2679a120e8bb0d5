/* A growable list of strings (each owned by the list). */
#ifndef CTL_STRLIST_H
#define CTL_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

struct strlist {
	char **v;
	size_t n, cap;
};

/* Append a copy of S; -1 on ENOMEM. */
int strlist_add(struct strlist *l, const char *s);
/* Append the string FMT formats; -1 on ENOMEM. */
int strlist_addf(struct strlist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append a copy of S unless the list already holds it. */
int strlist_add_unique(struct strlist *l, const char *s);
bool strlist_has(const struct strlist *l, const char *s);
/* Append the whitespace-separated words of S. */
int strlist_add_words(struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

#endif
