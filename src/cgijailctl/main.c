/* cgijailctl: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "cgijailctl.h"
#include "cj_build.h"
#include "template.h"

static const struct ctl_command commands[] = {
	{ "init", ctl_init, "create or repair a customer's jail from profiles" },
	{ "populate", ctl_populate, "copy host programs and their closures into a jail" },
	{ "audit", ctl_audit, "report unsafe ownership, modes, devices and links in a jail" },
	{ "check", ctl_check, "check that programs will load inside a jail (or every jail)" },
	{ "upgrade", ctl_upgrade, "re-copy the libraries of a jail that differ from the host's" },
	{ "migrate", ctl_migrate, "turn a copied jail into a thin jail on a template" },
	{ "template", ctl_template, "build, list, check, refresh and gc shared template generations" },
	{ "remove", ctl_remove, "remove a customer's jail safely" },
	{ "lint", ctl_lint, "report every CGI of a customer's sites that cgijail would refuse" },
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
	fprintf(out, "usage: cgijailctl COMMAND [OPTION]... [ARG]...\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nRun \"cgijailctl COMMAND --help\" for a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CTL_ERROR;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CTL_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("cgijailctl %s\n", CJ_VERSION);
		return CTL_OK;
	}
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "cgijailctl: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return CTL_ERROR;
}
