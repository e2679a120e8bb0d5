/* The "#!" line as the kernel's binfmt_script reads it, and the command
 * "#!/usr/bin/env ..." runs. */
#ifndef CL_SHEBANG_H
#define CL_SHEBANG_H

#include <stddef.h>

#define CL_BINPRM_BUF_SIZE 256

struct cl_shebang {
	char interp[CL_BINPRM_BUF_SIZE];
	char arg[CL_BINPRM_BUF_SIZE];   /* the one optional argument, or "" */
	const char *err;                /* why the kernel refuses it */
};

/* 0: BUF is not a #! script; 1: it is, SB filled; -1: it is, but the
 * kernel refuses it with ENOEXEC (SB->err says why). */
int cl_shebang_parse(const void *buf, size_t len, struct cl_shebang *sb);

/* The command that env(1) would run given the single argument ARG, into
 * CMD (size CMDLEN). 0 on success, -1 when env would run nothing. */
int cl_env_command(const char *arg, char *cmd, size_t cmdlen);

#endif
