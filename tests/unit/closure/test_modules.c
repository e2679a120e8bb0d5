/* --deep for php and perl: php loads what its ini files enable (not every
 * module on disk), perl's XS modules are found under the @INC compiled
 * into it; and the readers those need (php.ini lines, compiled-in paths). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cl_modules.h"
#include "checkfix.h"

#define PHP "/usr/bin/php-cgi9.9"
#define EXT "/usr/lib/phpfake/20990101"
#define CONFD "/etc/phpfake/cgi/conf.d"

static int setup(void **state)
{
	int rc = fixture_setup(state);

	if (rc == 0)
		((struct fixture *)*state)->opt.deep = true;
	return rc;
}

static void write_file(struct fixture *f, const char *path, const char *text)
{
	assert_int_equal(tj_write(&f->j, path, text, 0644), 0);
}

/* php-cgi with two enabled extensions (b needs what a defines), a zend
 * extension, and a module on disk that no ini enables. */
static void php_jail(struct fixture *f)
{
	put(f, "phpfake", PHP, 0755);
	put(f, "phpmod_a.so", EXT "/phpmod_a.so", 0644);
	put(f, "phpmod_b.so", EXT "/phpmod_b.so", 0644);
	put(f, "libfiltee.so.1", EXT "/zend.so", 0644);
	put(f, "modlib.so", EXT "/modlib.so", 0644);
	write_file(f, "/etc/phpfake/cgi/php.ini", "[PHP]\n; extension=modlib\nzend_extension = zend.so\n");
	write_file(f, CONFD "/10-a.ini", "extension=phpmod_a\n");
	write_file(f, CONFD "/20-b.ini", "; priority=20\nextension = \"phpmod_b.so\" ; the B one\n");
	write_file(f, CONFD "/30-off.ini.dpkg-old", "extension=nosuch\n");
}

static void test_php_enabled_only(void **state)
{
	struct fixture *f = *state;

	php_jail(f);
	/* modlib.so's library is missing, but no ini enables it. */
	expect_ok(f, PHP);
	assert_true(tj_checked(&f->rep, EXT "/phpmod_a.so"));
	assert_true(tj_checked(&f->rep, EXT "/phpmod_b.so"));
	assert_true(tj_checked(&f->rep, EXT "/zend.so"));
	assert_false(tj_checked(&f->rep, EXT "/modlib.so"));
	/* Enabled, it is checked, and its library is missing. */
	write_file(f, CONFD "/40-lib.ini", "extension=modlib.so\n");
	expect(f, PHP, CL_MISSING_LIBRARY, "libvers.so.1", NULL);
	assert_string_equal(f->rep.problems[0].needed_by, EXT "/modlib.so");
	assert_int_equal(f->rep.n_problems, 1);
	assert_int_equal(tj_unlink(&f->j, CONFD "/40-lib.ini"), 0);
	/* Without --deep nothing of it is read. */
	write_file(f, CONFD "/50-none.ini", "extension=nosuch\n");
	f->opt.deep = false;
	expect_ok(f, PHP);
	f->opt.deep = true;
	expect(f, PHP, CL_MISSING_LIBRARY, EXT "/nosuch", "php finds neither");
	assert_string_equal(f->rep.problems[0].needed_by, CONFD "/50-none.ini");
}

/* b needs what a defines: loaded in the other order, or without a, it
 * lacks it. */
static void test_php_global_scope(void **state)
{
	struct fixture *f = *state;

	php_jail(f);
	assert_int_equal(tj_unlink(&f->j, CONFD "/10-a.ini"), 0);
	expect(f, PHP, CL_UNDEFINED_SYMBOL, EXT "/phpmod_b.so", "PhpMod_A");
	write_file(f, CONFD "/90-a.ini", "extension=phpmod_a\n");
	expect(f, PHP, CL_UNDEFINED_SYMBOL, EXT "/phpmod_b.so", "PhpMod_A");
	/* A zend extension loads before every other one. */
	assert_int_equal(tj_unlink(&f->j, CONFD "/90-a.ini"), 0);
	write_file(f, CONFD "/90-a.ini", "zend_extension=phpmod_a.so\n");
	expect_ok(f, PHP);
}

static void test_php_ini_rules(void **state)
{
	struct fixture *f = *state;

	php_jail(f);
	/* Per-directory sections load nothing; extension_dir moves them all. */
	write_file(f, CONFD "/60-path.ini", "[PATH=/var/www]\nextension=nosuch\n[HOST=x]\nextension=nosuch2\n");
	expect_ok(f, PHP);
	write_file(f, CONFD "/61-dir.ini", "extension_dir = /opt/phpext\n");
	expect(f, PHP, CL_MISSING_LIBRARY, "/opt/phpext/phpmod_a", "php finds neither");
	put(f, "phpmod_a.so", "/opt/phpext/phpmod_a.so", 0644);
	put(f, "phpmod_b.so", "/opt/phpext/phpmod_b.so", 0644);
	put(f, "libfiltee.so.1", "/opt/phpext/zend.so", 0644);
	expect_ok(f, PHP);
	assert_true(tj_checked(&f->rep, "/opt/phpext/phpmod_b.so"));
	assert_int_equal(tj_unlink(&f->j, CONFD "/61-dir.ini"), 0);
	/* A script's directory: php-cgi reads php-cgi-fcgi.ini there first,
	 * and then no other php.ini (the scan directory still). */
	assert_int_equal(tj_write(&f->j, "/var/www/x.php", "#!" PHP "\n<?php echo 1;\n", 0755), 0);
	write_file(f, "/var/www/php-cgi-fcgi.ini", "extension=mine.so\n");
	expect(f, "/var/www/x.php", CL_MISSING_LIBRARY, EXT "/mine.so", "extension=mine.so");
	assert_false(tj_checked(&f->rep, EXT "/zend.so"));
	assert_true(tj_checked(&f->rep, EXT "/phpmod_b.so"));
	/* The program alone: no working directory, no such file. */
	expect_ok(f, PHP);
}

static void test_perl_inc(void **state)
{
	struct fixture *f = *state;

	put(f, "perlfake", "/usr/bin/perl", 0755);
	put(f, "perlmod.so", "/usr/lib/perlfake/5.99/auto/Foo/Foo.so", 0644);
	/* Not under auto/, or not in @INC: never loaded as an XS module. */
	put(f, "badmod.so", "/usr/lib/perlfake/5.99/Bar.so", 0644);
	put(f, "badmod.so", "/usr/lib/otherperl/auto/Bad/Bad.so", 0644);
	expect_ok(f, "/usr/bin/perl");
	assert_true(tj_checked(&f->rep, "/usr/lib/perlfake/5.99/auto/Foo/Foo.so"));
	put(f, "badmod.so", "/usr/share/perlfake/auto/Deep/Er/Er.so", 0644);
	expect(f, "/usr/bin/perl", CL_UNDEFINED_SYMBOL, "/usr/share/perlfake/auto/Deep/Er/Er.so",
	       "PyFake_Missing");
	assert_int_equal(f->rep.n_problems, 1);
}

/* ---- the readers ---- */

static void test_phpini_parse(void **state)
{
	static const char text[] =
		"[PHP]\n"
		"extension=a\n"
		"  EXTENSION = \"b.so\"   ; comment\n"
		"extension='c d.so'\n"
		"Zend_Extension=/opt/z.so\n"
		";extension=off\n"
		"#extension=hash\n"
		"extension=\"${HOME}/x.so\"\n"
		"extension=E_ALL|x\n"
		"extension = \"q\" \"r\"\n"
		"extension\n"
		"extension_dir = \"/ext/one\"\n"
		"[path=/var/www]\n"
		"extension=inpath\n"
		"extension_dir=/ext/path\n"
		"[opcache]\n"
		"extension=e\r\n"
		"extension_dir=/ext/two ; last\n";
	struct cl_phpini ini = { 0 };

	(void)state;
	assert_int_equal(cl_phpini_parse(&ini, text, sizeof text - 1, "/x.ini"), 0);
	assert_int_equal(ini.n, 5);
	assert_string_equal(ini.mods[0].name, "a");
	assert_string_equal(ini.mods[1].name, "b.so");
	assert_string_equal(ini.mods[2].name, "c d.so");
	assert_string_equal(ini.mods[3].name, "/opt/z.so");
	assert_true(ini.mods[3].zend);
	assert_false(ini.mods[0].zend);
	assert_string_equal(ini.mods[4].name, "e");
	assert_string_equal(ini.mods[4].ini, "/x.ini");
	assert_string_equal(ini.extension_dir, "/ext/two");
	cl_phpini_free(&ini);
	assert_int_equal(cl_phpini_parse(&ini, "", 0, "/y.ini"), 0);
	assert_int_equal(ini.n, 0);
	assert_null(ini.extension_dir);
}

struct strs {
	char v[8][CL_PATH_STRING_MAX];
	size_t n;
};

static void note(const char *s, size_t len, void *arg)
{
	struct strs *st = arg;

	if (st->n < 8)
		snprintf(st->v[st->n++], sizeof st->v[0], "%.*s", (int)len, s);
}

static void test_path_strings(void **state)
{
	static const char buf[] = "/usr/lib/perl5\0xx/perl\0/etc/perl\0/has space/perl\0"
				  "perl/rel\0/a/perl/b\0/tail/perl";
	struct strs st = { 0 };

	(void)state;
	assert_int_equal(cl_path_strings(buf, sizeof buf - 1, "perl", note, &st), 3);
	assert_string_equal(st.v[0], "/usr/lib/perl5");
	assert_string_equal(st.v[1], "/etc/perl");
	assert_string_equal(st.v[2], "/a/perl/b");
	/* Not NUL-terminated at the end: not a string of the program. */
	assert_int_equal(cl_path_strings("/perl", 5, "perl", note, &st), 0);
	assert_int_equal(cl_path_strings(buf, sizeof buf, "", note, &st), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(test_php_enabled_only), T(test_php_global_scope), T(test_php_ini_rules),
		T(test_perl_inc), cmocka_unit_test(test_phpini_parse),
		cmocka_unit_test(test_path_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
