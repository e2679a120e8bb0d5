/* "#!" parsing, a transcription of Linux's fs/binfmt_script.c (5.x+):
 * the first BINPRM_BUF_SIZE bytes, zero-padded; the line ends at the first
 * newline, or at the buffer's last byte when the interpreter name itself
 * ended before it; trailing blanks are trimmed; everything after the
 * interpreter and its following blanks is ONE argument. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cl_shebang.h"

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

/* Both bounds inclusive, as in the kernel. */
static const char *next_non_spacetab(const char *first, const char *last)
{
	for (; first <= last; first++)
		if (!spacetab(*first))
			return first;
	return NULL;
}

static const char *next_terminator(const char *first, const char *last)
{
	for (; first <= last; first++)
		if (spacetab(*first) || !*first)
			return first;
	return NULL;
}

int cl_shebang_parse(const void *data, size_t len, struct cl_shebang *sb)
{
	char buf[CL_BINPRM_BUF_SIZE] = { 0 };
	const char *buf_end = buf + sizeof buf - 1, *i_end, *i_name, *i_sep, *i_arg = NULL;

	memset(sb, 0, sizeof *sb);
	memcpy(buf, data, len < sizeof buf ? len : sizeof buf);
	if (buf[0] != '#' || buf[1] != '!')
		return 0;
	i_end = memchr(buf, '\n', sizeof buf);
	if (!i_end) {
		i_end = next_non_spacetab(buf + 2, buf_end);
		if (!i_end) {
			sb->err = "the #! line is blank";
			return -1;
		}
		if (!next_terminator(i_end, buf_end)) {
			sb->err = "the #! interpreter name is longer than the kernel reads (255 bytes)";
			return -1;
		}
		i_end = buf_end;
	}
	while (spacetab(i_end[-1]))
		i_end--;
	i_name = next_non_spacetab(buf + 2, i_end);
	if (!i_name || i_name == i_end) {
		sb->err = "the #! line names no interpreter";
		return -1;
	}
	i_sep = next_terminator(i_name, i_end);
	if (i_sep && *i_sep != '\0')
		i_arg = next_non_spacetab(i_sep, i_end);
	memcpy(sb->interp, i_name, (size_t)((i_sep && i_sep < i_end ? i_sep : i_end) - i_name));
	if (i_arg)
		memcpy(sb->arg, i_arg, strnlen(i_arg, (size_t)(i_end - i_arg)));
	return 1;
}

/* GNU env's options that take a value. */
static bool takes_value(const char *opt)
{
	return strcmp(opt, "-u") == 0 || strcmp(opt, "--unset") == 0 ||
	       strcmp(opt, "-C") == 0 || strcmp(opt, "--chdir") == 0;
}

int cl_env_command(const char *arg, char *cmd, size_t cmdlen)
{
	char words[CL_BINPRM_BUF_SIZE];
	char *save = NULL, *w;
	bool skip_value = false;

	/* Without -S, env gets the whole rest of the line as one word. */
	if (strncmp(arg, "-S", 2) != 0 && strncmp(arg, "--split-string=", 15) != 0) {
		if (arg[0] == '\0' || arg[0] == '-' || strchr(arg, '='))
			return -1;
		snprintf(cmd, cmdlen, "%s", arg);
		return 0;
	}
	snprintf(words, sizeof words, "%s", arg[1] == 'S' ? arg + 2 : arg + 15);
	for (w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (skip_value) {
			skip_value = false;
		} else if (w[0] == '-') {
			skip_value = takes_value(w);
		} else if (!strchr(w, '=')) {
			snprintf(cmd, cmdlen, "%s", w);
			return 0;
		}
	}
	return -1;
}
