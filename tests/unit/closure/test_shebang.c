/* "#!" parsing, checked against the running kernel: each script is
 * exec()ed with an interpreter that prints its arguments, and the kernel's
 * single argument (or its ENOEXEC) must be what we parsed. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cl_shebang.h"
#include "testjail.h"

#define ENOEXEC_EXIT 200

/* Run SCRIPT (LEN bytes) through the kernel; the argument it got in ARG.
 * Returns 1 if it ran, -1 on ENOEXEC. */
static int kernel_run(const char *script, size_t len, char *arg, size_t arglen)
{
	char path[] = "/tmp/cl-shebang-XXXXXX";
	int fd = mkstemp(path), pipefd[2], status;
	ssize_t n = 0, got;
	pid_t pid;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, script, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, 0755), 0);
	close(fd);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { path, NULL };

		dup2(pipefd[1], 1);
		execve(path, argv, (char *[]){ NULL });
		_exit(errno == ENOEXEC ? ENOEXEC_EXIT : 201);
	}
	close(pipefd[1]);
	memset(arg, 0, arglen);
	while ((got = read(pipefd[0], arg + n, arglen - 1 - (size_t)n)) > 0)
		n += got;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	unlink(path);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == ENOEXEC_EXIT)
		return -1;
	assert_int_equal(WEXITSTATUS(status), 0);
	/* printargs printed the optional argument (if any), then the script. */
	return n > 0 && strcmp(arg, path) != 0 ? 1 : (arg[0] = '\0', 1);
}

static void same_as_kernel(const char *script, size_t len)
{
	struct cl_shebang sb;
	char karg[4096];
	int ours = cl_shebang_parse(script, len, &sb);
	int theirs = kernel_run(script, len, karg, sizeof karg);

	assert_int_equal(ours, theirs);
	if (ours == 1) {
		assert_string_equal(sb.interp, tj_fixture("printargs"));
		assert_string_equal(sb.arg, karg);
	}
}

static void test_kernel_cases(void **state)
{
	const char *p = tj_fixture("printargs");
	/* What comes before and after the interpreter's path. */
	static const char *const forms[][2] = {
		{ "#!", "\n" }, { "#!", " -x\n" }, { "#!  ", "   a b  c  \nrest\n" },
		{ "#!", "\ta\tb\t\n" }, { "#!", "" }, { "#!", " arg" }, { "#!", " a\r\n" },
		{ "#! ", " -S python3 -u\n" },
	};
	char script[1024];
	int n;

	(void)state;
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		n = snprintf(script, sizeof script, "%s%s%s", forms[i][0], p, forms[i][1]);
		same_as_kernel(script, (size_t)n);
	}
	/* A NUL ends the argument. */
	n = snprintf(script, sizeof script, "#!%s a", p);
	memcpy(script + n, "\0b\n", 3);
	same_as_kernel(script, (size_t)n + 3);
	/* An argument longer than the kernel's buffer is cut short. */
	n = snprintf(script, sizeof script, "#!%s ", p);
	memset(script + n, 'x', 400);
	script[n + 400] = '\n';
	same_as_kernel(script, (size_t)n + 401);
}

static void test_refused(void **state)
{
	char script[600];

	(void)state;
	same_as_kernel("#!\n", 3);
	same_as_kernel("#!   \t \n", 8);
	memcpy(script, "#!/", 3);
	memset(script + 3, 'a', 400);
	same_as_kernel(script, 403);
	assert_int_equal(cl_shebang_parse("#x/bin/sh\n", 10, &(struct cl_shebang){ 0 }), 0);
	assert_int_equal(cl_shebang_parse("\177ELF", 4, &(struct cl_shebang){ 0 }), 0);
	assert_int_equal(cl_shebang_parse("#", 1, &(struct cl_shebang){ 0 }), 0);
}

static void test_env_command(void **state)
{
	char cmd[256];

	(void)state;
	assert_int_equal(cl_env_command("python3", cmd, sizeof cmd), 0);
	assert_string_equal(cmd, "python3");
	/* Without -S, "python3 -u" is one word, which no PATH has. */
	assert_int_equal(cl_env_command("python3 -u", cmd, sizeof cmd), 0);
	assert_string_equal(cmd, "python3 -u");
	assert_int_equal(cl_env_command("-S python3 -u", cmd, sizeof cmd), 0);
	assert_string_equal(cmd, "python3");
	assert_int_equal(cl_env_command("-S -i FOO=1 -u BAR perl -w", cmd, sizeof cmd), 0);
	assert_string_equal(cmd, "perl");
	assert_int_equal(cl_env_command("--split-string=ruby -w", cmd, sizeof cmd), 0);
	assert_string_equal(cmd, "ruby");
	assert_int_equal(cl_env_command("", cmd, sizeof cmd), -1);
	assert_int_equal(cl_env_command("-i", cmd, sizeof cmd), -1);
	assert_int_equal(cl_env_command("A=1", cmd, sizeof cmd), -1);
	assert_int_equal(cl_env_command("-S A=1 B=2", cmd, sizeof cmd), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_cases),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_env_command),
	};

	return cmocka_run_group_tests_name("closure_shebang", tests, NULL, NULL);
}
