/* Work as an unprivileged user: the parent's reaper (a child that exits,
 * dies, is stopped, outlives its time, writes too much, or leaves a
 * process behind: always reaped, and the reason said), the drop (as root),
 * and a check through the child giving the same report as one in process. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkas.h"
#include "tmptree.h"
#include "unpriv.h"

enum behaviour { WRITE_AND_EXIT, EXIT_3, KILLED, STOPPED, SLEEPS, FLOODS, LEAVES_CHILD };

static void run_child(enum behaviour b, int wfd)
{
	static char chunk[4096];
	pid_t gc;

	switch (b) {
	case WRITE_AND_EXIT:
		_exit(write(wfd, "hello", 5) == 5 ? 0 : 1);
	case EXIT_3:
		_exit(3);
	case KILLED:
		raise(SIGKILL);
		break;
	case STOPPED:
		raise(SIGSTOP);
		break;
	case SLEEPS:
		sleep(30);
		break;
	case FLOODS:
		for (;;)
			if (write(wfd, chunk, sizeof chunk) < 0)
				break;
		break;
	case LEAVES_CHILD:
		gc = fork();
		if (gc == 0) {
			sleep(30);
			_exit(0);
		}
		dprintf(wfd, "%d", (int)gc);
		_exit(0);
	}
	_exit(99);
}

struct outcome {
	int rc;
	char why[512];
	char *buf;
	size_t len;
	pid_t pid;
};

static struct outcome collect(enum behaviour b, int timeout_ms, size_t max)
{
	struct outcome o = { 0 };
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	o.pid = fork();
	assert_true(o.pid >= 0);
	if (o.pid == 0) {
		close(p[0]);
		run_child(b, p[1]);
	}
	close(p[1]);
	o.rc = unpriv_collect(o.pid, p[0], timeout_ms, max, &o.buf, &o.len, o.why, sizeof o.why);
	close(p[0]);
	/* Reaped in every case: no child of ours is left. */
	assert_int_equal(waitpid(o.pid, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	return o;
}

/* Child B fails: collect returns -1 with PART in its reason. */
static struct outcome failed(enum behaviour b, int timeout_ms, size_t max, const char *part)
{
	struct outcome o = collect(b, timeout_ms, max);

	assert_int_equal(o.rc, -1);
	if (!strstr(o.why, part))
		fail_msg("expected \"%s\" in \"%s\"", part, o.why);
	free(o.buf);
	return o;
}

static void test_output_comes_back(void **state)
{
	struct outcome o = collect(WRITE_AND_EXIT, 5000, 100);

	(void)state;
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.len, 5);
	assert_memory_equal(o.buf, "hello", 5);
	free(o.buf);
}

static void test_failures(void **state)
{
	struct outcome o;

	(void)state;
	failed(EXIT_3, 5000, 100, "exited with status 3");
	failed(KILLED, 5000, 100, "killed by signal 9");
	failed(STOPPED, 60000, 100, "was stopped by signal 19");
	failed(SLEEPS, 300, 100, "took longer than 300 ms: killed");
	o = failed(FLOODS, 20000, 100000, "wrote more than 100000 bytes: killed");
	assert_true(o.len <= 100000 + 65536);
}

/* A process the child leaves behind holds the pipe open: its end is not
 * waited for (it sleeps past the timeout, which would show in WHY). */
static void test_left_behind(void **state)
{
	struct outcome o = collect(LEAVES_CHILD, 60000, 100);
	char pid[32] = "";

	(void)state;
	assert_int_equal(o.rc, 0);
	assert_true(o.len > 0 && o.len < sizeof pid);
	memcpy(pid, o.buf, o.len);
	assert_int_equal(kill(atoi(pid), SIGKILL), 0);
	free(o.buf);
}

static void test_user_lookup(void **state)
{
	struct unpriv_user u;
	char why[512];

	(void)state;
	assert_int_equal(unpriv_user_by_name("root", &u, why, sizeof why), -1);
	assert_non_null(strstr(why, "refusing to check as root"));
	assert_int_equal(unpriv_user_by_name("no-such-user-cjt", &u, why, sizeof why), -1);
	assert_non_null(strstr(why, "no such user"));
	u.uid = 0;
	u.gid = 1;
	assert_int_equal(unpriv_drop(&u, why, sizeof why), -1);
}

/* The child's work for test_drop: its ids, dumpable, no_new_privs, and
 * whether descriptor EXTRA (not kept) is closed. */
static int report_self(void *arg, FILE *out)
{
	int extra = *(const int *)arg;

	fprintf(out, "%lu %lu %d %d %d %d", (unsigned long)getuid(), (unsigned long)getgid(),
		prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0),
		fcntl(extra, F_GETFD) < 0, setuid(0) < 0);
	return 0;
}

static void test_drop(void **state)
{
	struct unpriv_user u;
	char why[512], want[128], *buf;
	size_t len;
	int extra = open("/dev/null", O_RDONLY | O_CLOEXEC);

	(void)state;
	if (geteuid() != 0 || unpriv_user_by_name("nobody", &u, why, sizeof why) < 0) {
		close(extra);
		skip();
	}
	assert_int_equal(unpriv_run(&u, report_self, &extra, NULL, 0, 1000, &buf, &len, why, sizeof why), 0);
	snprintf(want, sizeof want, "%lu %lu 0 1 1 1", (unsigned long)u.uid, (unsigned long)u.gid);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(buf, want, len);
	free(buf);
	close(extra);
}

/* The same job in process and through a child gives the same report; as
 * nobody, a root-only program cannot be read. */
static void test_check_as(void **state)
{
	char top[4096], why[1536];
	char *paths[] = { (char *)"/cgi/script", (char *)"/cgi/secret", (char *)"/cgi/none" };
	int errs_in[3], errs_as[3];
	struct cl_report in, as;
	struct cl_options opt;
	struct unpriv_user u;
	struct checkas_job job = { .opt = &opt, .paths = paths, .n = 3, .shared = true };

	(void)state;
	if (geteuid() != 0 || unpriv_user_by_name("nobody", &u, why, sizeof why) < 0)
		skip();
	tmptree_new(top, sizeof top);
	tmptree_file(top, "cgi/script", "#!/bin/missing\n", 0755);
	tmptree_file(top, "cgi/secret", "#!/bin/missing-too\n", 0700);
	cl_options_init(&opt);
	opt.root_fd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(opt.root_fd >= 0);
	cl_report_init(&in);
	cl_report_init(&as);
	assert_int_equal(checkas_run(NULL, &job, errs_in, &in, why, sizeof why), 0);
	assert_int_equal(checkas_run(&u, &job, errs_as, &as, why, sizeof why), 0);
	assert_int_equal(errs_in[0], 0);
	assert_int_equal(errs_as[0], 0);
	assert_int_equal(errs_in[1], 0);      /* root reads it */
	assert_int_equal(errs_as[1], EACCES); /* nobody does not */
	assert_int_equal(errs_in[2], ENOENT);
	assert_int_equal(errs_as[2], ENOENT);
	assert_int_equal(as.n_problems, 1);
	assert_string_equal(as.problems[0].object, "/bin/missing");
	assert_int_equal(in.n_problems, 2);
	assert_string_equal(in.problems[0].object, as.problems[0].object);
	cl_report_free(&in);
	cl_report_free(&as);
	close(opt.root_fd);
	tmptree_remove(top);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_comes_back),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_left_behind),
		cmocka_unit_test(test_user_lookup),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_check_as),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
