/* Root-confined path resolution: absolute symlinks restart at the root,
 * ".." never leaves it, and a failure is blamed on the symlink at fault. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cl_walk.h"
#include "testjail.h"

static int setup(void **state)
{
	struct tjail *j = calloc(1, sizeof *j);
	char name[32], target[32];

	if (!j || tj_create(j) < 0)
		return -1;
	*state = j;
	if (tj_write(j, "/a/b/c", "hello", 0644) || tj_symlink(j, "/a/b", "/lnk_abs") ||
	    tj_symlink(j, "a/b", "/lnk_rel") || tj_symlink(j, "../a/b", "/a/up") ||
	    tj_symlink(j, "/nope/x", "/dangling") || tj_symlink(j, "../../etc", "/esc") ||
	    tj_symlink(j, "../../..", "/a/b/esc2") || tj_symlink(j, "loop2", "/loop1") ||
	    tj_symlink(j, "loop1", "/loop2") || tj_symlink(j, "/lnk_abs/zz", "/l1") ||
	    tj_symlink(j, "/a/b/c", "/s39"))
		return -1;
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "/s%d", i);
		snprintf(target, sizeof target, "s%d", i + 1);
		if (i < 39 && tj_symlink(j, target, name))
			return -1;
	}
	return tj_symlink(j, "s0", "/s_over");
}

static int teardown(void **state)
{
	tj_destroy(*state);
	free(*state);
	return 0;
}

static enum cl_walk_status walk(void **state, const char *path, int flags, struct cl_walk *w)
{
	struct tjail *j = *state;
	enum cl_walk_status s = cl_walk(j->fd, -1, NULL, path, flags, w);

	if (s == CL_WALK_OK)
		assert_true(w->fd >= 0);
	else
		assert_int_equal(w->fd, -1);
	return s;
}

static void done(struct cl_walk *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

static void test_plain(void **state)
{
	struct cl_walk w;
	char buf[8] = { 0 };

	assert_int_equal(walk(state, "/a/b/c", CL_WALK_READ, &w), CL_WALK_OK);
	assert_string_equal(w.path, "/a/b/c");
	assert_int_equal(read(w.fd, buf, 5), 5);
	assert_string_equal(buf, "hello");
	done(&w);
	assert_int_equal(walk(state, "//a/./b//../b/c", 0, &w), CL_WALK_OK);
	assert_string_equal(w.path, "/a/b/c");
	done(&w);
	assert_int_equal(walk(state, "/", 0, &w), CL_WALK_OK);
	assert_string_equal(w.path, "/");
	done(&w);
	assert_int_equal(walk(state, "/a/b/", 0, &w), CL_WALK_OK);
	assert_string_equal(w.path, "/a/b");
	done(&w);
}

static void test_symlinks(void **state)
{
	struct cl_walk w;

	assert_int_equal(walk(state, "/lnk_abs/c", 0, &w), CL_WALK_OK);
	assert_string_equal(w.path, "/a/b/c");
	done(&w);
	assert_int_equal(walk(state, "/lnk_rel/c", 0, &w), CL_WALK_OK);
	assert_string_equal(w.path, "/a/b/c");
	done(&w);
	assert_int_equal(walk(state, "/a/up/c", 0, &w), CL_WALK_OK);
	assert_string_equal(w.path, "/a/b/c");
	done(&w);
	/* 40 links are allowed, 41 are not. */
	assert_int_equal(walk(state, "/s0", 0, &w), CL_WALK_OK);
	assert_string_equal(w.path, "/a/b/c");
	done(&w);
	assert_int_equal(walk(state, "/s_over", 0, &w), CL_WALK_LOOP);
	assert_int_equal(walk(state, "/loop1", 0, &w), CL_WALK_LOOP);
}

static void test_failures(void **state)
{
	struct cl_walk w;

	assert_int_equal(walk(state, "/a/nothing", 0, &w), CL_WALK_NOENT);
	assert_int_equal(walk(state, "/a/b/c/x", 0, &w), CL_WALK_NOENT);
	assert_int_equal(walk(state, "/../a/b/c", 0, &w), CL_WALK_ABOVE_ROOT);
	assert_int_equal(walk(state, "/dangling", 0, &w), CL_WALK_DANGLING);
	assert_string_equal(w.link, "/dangling");
	assert_string_equal(w.target, "/nope/x");
	assert_int_equal(walk(state, "/esc", 0, &w), CL_WALK_ESCAPE);
	assert_string_equal(w.link, "/esc");
	assert_int_equal(walk(state, "/lnk_abs/esc2/x", 0, &w), CL_WALK_ESCAPE);
	assert_string_equal(w.link, "/a/b/esc2");
	assert_string_equal(w.target, "../../..");
	/* /l1 -> /lnk_abs/zz: /lnk_abs is fine, the missing part is l1's. */
	assert_int_equal(walk(state, "/l1", 0, &w), CL_WALK_DANGLING);
	assert_string_equal(w.link, "/l1");
	/* A missing name after a good symlink is the path's own fault. */
	assert_int_equal(walk(state, "/lnk_abs/nothing", 0, &w), CL_WALK_NOENT);
}

/* CL_WALK_CLAMP: the path's own ".." stop at the root, as the kernel's in
 * a chroot; a symlink's still escape. */
static void test_clamp(void **state)
{
	struct tjail *j = *state;
	struct cl_walk dir, w;

	assert_int_equal(walk(state, "/../a/../../a/b/c", CL_WALK_CLAMP, &w), CL_WALK_OK);
	assert_string_equal(w.path, "/a/b/c");
	done(&w);
	assert_int_equal(walk(state, "/a/b/../../../../", CL_WALK_CLAMP, &w), CL_WALK_OK);
	assert_string_equal(w.path, "/");
	done(&w);
	assert_int_equal(walk(state, "/lnk_abs/../../../a/b/c", CL_WALK_CLAMP | CL_WALK_READ, &w),
			 CL_WALK_OK);
	assert_string_equal(w.path, "/a/b/c");
	done(&w);
	assert_int_equal(walk(state, "/esc", CL_WALK_CLAMP, &w), CL_WALK_ESCAPE);
	assert_string_equal(w.link, "/esc");
	assert_int_equal(walk(state, "/lnk_abs/esc2/x", CL_WALK_CLAMP, &w), CL_WALK_ESCAPE);
	assert_int_equal(walk(state, "/../nothing", CL_WALK_CLAMP, &w), CL_WALK_NOENT);
	assert_int_equal(walk(state, "/a/b", 0, &dir), CL_WALK_OK);
	assert_int_equal(cl_walk(j->fd, dir.fd, dir.path, "../../../a/b/c", CL_WALK_CLAMP, &w),
			 CL_WALK_OK);
	assert_string_equal(w.path, "/a/b/c");
	done(&w);
	done(&dir);
}

static void test_relative(void **state)
{
	struct tjail *j = *state;
	struct cl_walk dir, w;

	assert_int_equal(walk(state, "/a/b", 0, &dir), CL_WALK_OK);
	assert_int_equal(cl_walk(j->fd, dir.fd, dir.path, "c", 0, &w), CL_WALK_OK);
	assert_string_equal(w.path, "/a/b/c");
	done(&w);
	assert_int_equal(cl_walk(j->fd, dir.fd, dir.path, "../../lnk_rel/c", 0, &w), CL_WALK_OK);
	assert_string_equal(w.path, "/a/b/c");
	done(&w);
	assert_int_equal(cl_walk(j->fd, dir.fd, dir.path, "../../../x", 0, &w),
			 CL_WALK_ABOVE_ROOT);
	done(&dir);
}

static void test_long_path(void **state)
{
	struct cl_walk w;
	char *p = malloc(3 * 4096);

	assert_non_null(p);
	memset(p, 'a', 3 * 4096 - 1);
	p[0] = '/';
	p[3 * 4096 - 1] = '\0';
	assert_int_equal(walk(state, p, 0, &w), CL_WALK_ERROR);
	for (size_t i = 1; i + 1 < 3 * 4096; i += 2)
		p[i] = '/';
	assert_int_equal(walk(state, p, 0, &w), CL_WALK_ERROR);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_symlinks),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_long_path),
	};

	return cmocka_run_group_tests_name("closure_walk", tests, setup, teardown);
}
