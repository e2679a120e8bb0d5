#include "ctl_out.h"

#include <unistd.h>

#include "strutil.h"

void out_json_list(FILE *out, const char *key, const struct strlist *l)
{
	fprintf(out, "\"%s\": [", key);
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			fputs(", ", out);
		json_print_string(out, l->v[i]);
	}
	fputc(']', out);
}

void out_copier(FILE *out, bool json, const struct copier *c, const struct strlist *problems)
{
	if (json) {
		out_json_list(out, "copied", &c->copied);
		fprintf(out, ", \"identical\": %zu, ", c->identical);
		out_json_list(out, "errors", &c->errors);
		fputs(", ", out);
		out_json_list(out, "problems", problems);
		return;
	}
	for (size_t i = 0; i < c->copied.n; i++)
		fprintf(out, "copied %s\n", c->copied.v[i]);
	for (size_t i = 0; i < c->errors.n; i++)
		fprintf(out, "error: %s\n", c->errors.v[i]);
	for (size_t i = 0; i < problems->n; i++)
		fprintf(out, "problem: %s\n", problems->v[i]);
	fprintf(out, "populate: %zu copied, %zu identical, %zu errors, %zu problems\n",
		c->copied.n, c->identical, c->errors.n, problems->n);
}

bool out_require_root(const char *cmd)
{
	if (geteuid() == 0)
		return true;
	fprintf(stderr, "cgijailctl %s: must be run as root (it writes root-owned files)\n", cmd);
	return false;
}
