/* cgijail -- run a CGI as its owner, inside the owner's chroot jail.
 *
 * Called by Apache exactly as suexec is:  cgijail UID GID CMD [ARG...]
 * with the CGI's directory as the working directory. The whole request path
 * is run_request() below: one call per step, each either passing or refusing
 * the request with a log line and its own exit code (src/common/exits.def).
 * Nothing is half-done: every refusal happens before exec.
 */
#include "cgijail.h"

#include <string.h>

static __attribute__((noreturn)) void run_request(struct request *rq, int argc, char **argv, char **envp)
{
	/* Before anything reads the environment or trusts a descriptor. */
	start_clean(rq, envp);
	require_bound_link_map(rq);
	require_setuid_root(rq);
	parse_options(rq, argc, argv);
	load_config(rq);
	log_open(rq);

	/* Who calls, and what for (suexec's order). */
	load_nss_answers(rq);
	identify_caller(rq);
	if (rq->mode == MODE_VERSION)
		print_version(rq);
	require_arguments(rq);
	require_caller(rq);
	check_command(rq);
	lookup_target(rq);
	check_target_ids(rq);
	lookup_supervisor_user(rq);
	store_nss_answers(rq);
	open_jail_root(rq);
	open_template(rq);

	/* The file checks, with the target's rights (NFS root_squash safe). */
	become_target_temporarily(rq);
	get_cwd(rq);
	resolve_docroot(rq);
	require_cwd_in_docroot(rq);
	require_cwd_in_jail(rq);
	check_directory(rq);
	check_program(rq);
	return_to_root(rq);

	/* Into the jail, and root is gone for good. */
	build_seccomp_filter(rq);
	record_link_map(rq);
	enter_namespaces(rq);
	mount_template(rq);
	start_supervisor(rq);
	open_check_cache(rq);
	enter_jail(rq);
	mount_private_dirs(rq);
	set_hard_limits(rq);
	drop_privileges(rq);
	bind_to_supervisor(rq);
	enter_cwd_in_jail(rq);

	/* As the target, inside the jail: will the program load here? */
	check_closure(rq);
	require_link_map_unchanged(rq);
	build_environment(rq);
	if (rq->mode == MODE_DRY_RUN)
		finish_dry_run(rq);
	require_script_fd_in_jail(rq);
	log_accept(rq);
	set_soft_limits(rq);
	load_seccomp_filter(rq);
	exec_program(rq);
}

int main(int argc, char **argv, char **envp)
{
	static struct request rq;

	run_with_stack_room(run_request, &rq, argc, argv, envp);
}
