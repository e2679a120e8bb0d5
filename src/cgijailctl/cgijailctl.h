/* cgijailctl: the administrator's command for cgijail's jails. Each
 * subcommand is a function taking its own argv (argv[0] is its name). */
#ifndef CGIJAILCTL_H
#define CGIJAILCTL_H

#include <stdio.h>

/* Exit statuses shared by the subcommands. */
enum {
	CTL_OK = 0,        /* nothing to report */
	CTL_PROBLEMS = 1,  /* the command ran and found problems */
	CTL_ERROR = 2,     /* usage or I/O error: the command could not run */
};

struct ctl_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int ctl_check(int argc, char **argv);
int ctl_check_all(int argc, char **argv);
int ctl_init(int argc, char **argv);
int ctl_populate(int argc, char **argv);
int ctl_audit(int argc, char **argv);
int ctl_upgrade(int argc, char **argv);
int ctl_migrate(int argc, char **argv);
int ctl_remove(int argc, char **argv);
int ctl_lint(int argc, char **argv);

#endif
