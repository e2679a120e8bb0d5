#include "cj_exit.h"

struct exit_row {
	int code;
	const char *name;
	const char *text;
};

static const struct exit_row exit_table[] = {
#define X(name, code, text) { code, #name, text },
#include "exits.def"
#undef X
};

static const struct exit_row *find_row(int code)
{
	for (unsigned i = 0; i < sizeof exit_table / sizeof exit_table[0]; i++)
		if (exit_table[i].code == code)
			return &exit_table[i];
	return 0;
}

const char *cj_exit_text(int code)
{
	const struct exit_row *row = find_row(code);
	return row ? row->text : "unknown exit code";
}

const char *cj_exit_name(int code)
{
	const struct exit_row *row = find_row(code);
	return row ? row->name : "CJ_UNKNOWN";
}
