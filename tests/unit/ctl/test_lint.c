/* What cgijailctl lint counts as a CGI (lint_walk.c), on a temporary site:
 * every entry but a directory or .ht* below a cgi-bin directory, elsewhere
 * the handled extensions and executable *.php; symlinked directories not
 * followed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lint.h"
#include "tmptree.h"

static char top[4096];

static int setup(void **state)
{
	char p[8192];

	(void)state;
	tmptree_new(top, sizeof top);
	tmptree_file(top, "cgi-bin/plain", "x", 0644);
	tmptree_file(top, "cgi-bin/.htaccess", "x", 0644);
	tmptree_file(top, "cgi-bin/sub/deeper", "x", 0755);
	tmptree_dir(top, "cgi-bin/emptydir", 0755);
	tmptree_file(top, "html/x.cgi", "x", 0644);
	tmptree_file(top, "html/y.pl", "x", 0644);
	tmptree_file(top, "html/f.fcgi", "x", 0644);
	tmptree_file(top, "html/page.php", "x", 0644);
	tmptree_file(top, "html/run.php", "x", 0755);
	tmptree_file(top, "html/notes.txt", "x", 0755);
	tmptree_file(top, "html/nested/cgi-bin/z", "x", 0644);
	snprintf(p, sizeof p, "%s/html/link.cgi", top);
	assert_int_equal(symlink("x.cgi", p), 0);
	snprintf(p, sizeof p, "%s/html/fifo.sh", top);
	assert_int_equal(mkfifo(p, 0644), 0);
	snprintf(p, sizeof p, "%s/cgi-bin-link", top);
	assert_int_equal(symlink("cgi-bin", p), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmptree_remove(top);
	return 0;
}

static bool found(const struct lint_user *u, const char *rel)
{
	char want[8192];

	snprintf(want, sizeof want, "%s/%s", top, rel);
	for (size_t i = 0; i < u->n; i++)
		if (strcmp(u->cgis[i].path, want) == 0)
			return true;
	return false;
}

static void what_counts(void **state)
{
	struct lint_user *u = calloc(1, sizeof *u);
	static const char *const yes[] = {
		"cgi-bin/plain", "cgi-bin/sub/deeper", "html/x.cgi", "html/y.pl", "html/f.fcgi",
		"html/run.php", "html/nested/cgi-bin/z", "html/link.cgi", "html/fifo.sh",
	};

	(void)state;
	assert_non_null(u);
	assert_int_equal(lint_walk_site(u, top, "docroot"), 0);
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!found(u, yes[i]))
			fail_msg("%s is a CGI, not found", yes[i]);
	assert_int_equal(u->n, sizeof yes / sizeof yes[0]);
	assert_string_equal(u->cgis[0].site, "docroot");
	for (size_t i = 0; i < u->n; i++)
		assert_true(strrchr(u->cgis[i].path, '/') &&
			    strcmp(strrchr(u->cgis[i].path, '/') + 1, u->cgis[i].name) == 0);
	lint_user_free(u);
	free(u);
}

/* A site that is itself a cgi-bin: everything in it. */
static void site_is_cgi_bin(void **state)
{
	struct lint_user *u = calloc(1, sizeof *u);
	char site[8192];

	(void)state;
	snprintf(site, sizeof site, "%s/cgi-bin", top);
	assert_int_equal(lint_walk_site(u, site, "userdir"), 0);
	assert_int_equal(u->n, 2);
	lint_user_free(u);
	assert_int_equal(lint_walk_site(u, "/nonexistent-lint-site", "docroot"), -1);
	assert_non_null(strstr(u->error, "/nonexistent-lint-site"));
	free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(what_counts),
		cmocka_unit_test(site_is_cgi_bin),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
