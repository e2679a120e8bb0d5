/* The audit rules on temporary trees. Ownership and device cases need
 * root and are skipped otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "audit_rules.h"
#include "jailfs.h"
#include "tmptree.h"

#define CUSTOMER 42999

static char top[4096], jail[4200];
static unsigned long min_uid; /* of the config; 0: foreign-owner off */

/* JAIL/REL in a static buffer. */
static const char *jpath(const char *rel)
{
	static char buf[8400];

	snprintf(buf, sizeof buf, "%s/%s", jail, rel);
	return buf;
}

static int setup(void **state)
{
	(void)state;
	tmptree_new(top, sizeof top);
	snprintf(jail, sizeof jail, "%s/jail", top);
	tmptree_dir(top, "jail", 0755);
	tmptree_dir(jail, "usr/bin", 0755);
	tmptree_dir(jail, "tmp", 0700);
	tmptree_dir(jail, "home/cust", 0755);
	tmptree_file(jail, "usr/bin/prog", "#!/bin/sh\n", 0755);
	tmptree_file(jail, "etc/passwd", "root:x:0:0::/root:/bin/sh\ncust:x:42999:42999::/home/cust:/bin/sh\n", 0644);
	tmptree_file(jail, "etc/group", "root:x:0:\ncust:x:42999:\n", 0644);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmptree_remove(top);
	return 0;
}

/* Run the audit; return how many findings of RULE name PATH (relative to
 * the jail, or absolute when it starts with '/'). */
static size_t count(enum audit_rule rule, const char *rel)
{
	struct audit_opts o;
	struct audit_result r = { 0 };
	char want[8400];
	size_t n = 0;
	int rootfd = jfs_open_root(jail);

	snprintf(want, sizeof want, rel[0] == '/' ? "%.0s%s" : "%s/%s", jail, rel);
	audit_opts_init(&o);
	o.owner = getuid();
	o.min_uid = min_uid;
	assert_true(rootfd >= 0);
	assert_int_equal(audit_read_customers(rootfd, &o), 0);
	assert_int_equal(audit_jail(jail, &o, &r), 0);
	for (size_t i = 0; i < r.n; i++) {
		if (r.f[i].rule == rule && !strcmp(r.f[i].path, want))
			n++;
		assert_true(r.f[i].fix[0] != '\0');
	}
	audit_result_free(&r);
	audit_opts_free(&o);
	close(rootfd);
	return n;
}

/* Findings other than root-path (the temporary directory's parent may be /tmp). */
static size_t count_all(void)
{
	struct audit_opts o;
	struct audit_result r = { 0 };
	size_t n = 0;
	int rootfd = jfs_open_root(jail);

	audit_opts_init(&o);
	o.owner = getuid();
	audit_read_customers(rootfd, &o);
	assert_int_equal(audit_jail(jail, &o, &r), 0);
	for (size_t i = 0; i < r.n; i++) {
		if (r.f[i].rule != AR_ROOT_PATH) {
			print_message("# finding %s %s: %s\n", audit_rule_name(r.f[i].rule), r.f[i].path,
				      r.f[i].problem);
			n++;
		}
	}
	audit_result_free(&r);
	audit_opts_free(&o);
	close(rootfd);
	return n;
}

static void test_clean_tree(void **state)
{
	(void)state;
	assert_int_equal(count_all(), 0);
}

static void test_reads_customers(void **state)
{
	struct audit_opts o;
	int rootfd = jfs_open_root(jail);

	(void)state;
	audit_opts_init(&o);
	o.owner = getuid();
	assert_int_equal(audit_read_customers(rootfd, &o), 0);
	assert_int_equal(o.n_cust_uids, 1);
	assert_int_equal(o.cust_uids[0], CUSTOMER);
	assert_int_equal(o.n_cust_gids, 1);
	assert_true(strlist_has(&o.areas, "/home/cust"));
	audit_opts_free(&o);
	close(rootfd);
}

static void test_root_path(void **state)
{
	(void)state;
	assert_int_equal(chmod(jail, 0775), 0);
	assert_int_equal(count(AR_ROOT_PATH, jail), 1);
	assert_int_equal(chmod(jail, 0755), 0);
	assert_int_equal(count(AR_ROOT_PATH, jail), 0);
}

static void test_setid(void **state)
{
	(void)state;
	assert_int_equal(chmod(jpath("usr/bin/prog"), 04755), 0);
	assert_int_equal(count(AR_SETID, "usr/bin/prog"), 1);
	tmptree_file(jail, "usr/bin/prog", "#!/bin/sh\n", 02755);
	assert_int_equal(count(AR_SETID, "usr/bin/prog"), 1);
	tmptree_file(jail, "usr/bin/prog", "#!/bin/sh\n", 0755);
	assert_int_equal(count_all(), 0);
}

/* A /tmp the web server (or anyone) can write: the customer's alone. */
static void test_shared_tmp(void **state)
{
	char path[4200];

	(void)state;
	snprintf(path, sizeof path, "%s/tmp", jail);
	assert_int_equal(chmod(path, 01777), 0);
	assert_int_equal(count(AR_SHARED_TMP, "tmp"), 1);
	assert_int_equal(chmod(path, 0700), 0);
	assert_int_equal(count(AR_SHARED_TMP, "tmp"), 0);
}

/* PHP's session directory, as Debian makes it on the host (1733): others
 * cannot list it but can plant a session. The customer's own (0700): fine. */
static void test_php_sessions(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	tmptree_dir(jail, "var/lib/php/sessions", 01733);
	assert_int_equal(count(AR_SHARED_TMP, "var/lib/php/sessions"), 1);
	assert_int_equal(chmod(jpath("var/lib/php/sessions"), 0700), 0);
	assert_int_equal(chown(jpath("var/lib/php/sessions"), CUSTOMER, CUSTOMER), 0);
	assert_int_equal(count_all(), 0);
	tmptree_remove(jpath("var"));
}

static void test_no_sticky(void **state)
{
	(void)state;
	tmptree_dir(jail, "var/www/up", 0777);
	assert_int_equal(count(AR_NO_STICKY, "var/www/up"), 1);
	/* Below /var/www it is the customer's business whether it is writable... */
	assert_int_equal(count(AR_CUSTOMER_WRITABLE, "var/www/up"), 0);
	tmptree_dir(jail, "var/www/up", 01777);
	assert_int_equal(count_all(), 0);
	tmptree_remove(jpath("var"));
	/* ...outside, a world-writable directory is writable by the customer. */
	tmptree_dir(jail, "usr/share", 01777);
	assert_int_equal(count(AR_CUSTOMER_WRITABLE, "usr/share"), 1);
	tmptree_dir(jail, "usr/share", 0755);
}

static void test_escaping_symlink(void **state)
{
	char path[8400];

	(void)state;
	snprintf(path, sizeof path, "%s/usr/bin/up", jail);
	assert_int_equal(symlink("../../../etc/shadow", path), 0);
	assert_int_equal(count(AR_ESCAPING_SYMLINK, "usr/bin/up"), 1);
	unlink(path);
	assert_int_equal(symlink("../../etc/passwd", path), 0);
	assert_int_equal(symlink("/etc/shadow", jpath("usr/bin/abs")), 0);
	assert_int_equal(count_all(), 0);
	unlink(path);
	unlink(jpath("usr/bin/abs"));
}

static void test_link_escapes_table(void **state)
{
	(void)state;
	assert_false(audit_link_escapes("/lib", "usr/lib"));
	assert_false(audit_link_escapes("/a/b/c", "../../x"));
	assert_true(audit_link_escapes("/a/b/c", "../../../x"));
	assert_true(audit_link_escapes("/x", ".."));
	assert_false(audit_link_escapes("/x", "/etc"));
	assert_true(audit_link_escapes("/x", "/etc/../../y"));
	assert_false(audit_link_escapes("/a/b", "./c/../d"));
	assert_true(audit_link_escapes("/a/b", "c/../../../d"));
}

static void test_hardlink_outside(void **state)
{
	char out[8400], in[8400], in2[8400];

	(void)state;
	snprintf(out, sizeof out, "%s/outside", top);
	snprintf(in, sizeof in, "%s/usr/bin/linked", jail);
	snprintf(in2, sizeof in2, "%s/usr/bin/linked2", jail);
	tmptree_file(top, "outside", "x", 0644);
	assert_int_equal(link(out, in), 0);
	assert_int_equal(count(AR_HARDLINK, "usr/bin/linked"), 1);
	unlink(out);
	/* Two links, both inside the jail: fine. */
	assert_int_equal(link(in, in2), 0);
	assert_int_equal(count_all(), 0);
	unlink(in);
	unlink(in2);
}

static void test_customer_writable(void **state)
{
	char path[8400];

	(void)state;
	if (getuid() != 0)
		skip();
	snprintf(path, sizeof path, "%s/usr/bin/prog", jail);
	assert_int_equal(chown(path, CUSTOMER, 0), 0);
	assert_int_equal(count(AR_CUSTOMER_WRITABLE, "usr/bin/prog"), 1);
	assert_int_equal(chown(path, 0, CUSTOMER), 0);
	assert_int_equal(count(AR_CUSTOMER_WRITABLE, "usr/bin/prog"), 0);
	assert_int_equal(chmod(path, 0775), 0);
	assert_int_equal(count(AR_CUSTOMER_WRITABLE, "usr/bin/prog"), 1);
	assert_int_equal(chown(path, 0, 0), 0);
	assert_int_equal(chmod(path, 0755), 0);
	/* The customer's home is the customer's. */
	tmptree_file(jail, "home/cust/page.html", "x", 0666);
	snprintf(path, sizeof path, "%s/home/cust/page.html", jail);
	assert_int_equal(chown(path, CUSTOMER, CUSTOMER), 0);
	assert_int_equal(count_all(), 0);
	unlink(path);
}

/* foreign-owner: a file of a uid >= min_uid that is not the jail's
 * customer's; the customer's own, root's and a uid below min_uid are not,
 * nor anything without a config (min_uid 0). */
static void test_foreign_owner(void **state)
{
	char path[8400];

	(void)state;
	if (getuid() != 0)
		skip();
	tmptree_file(jail, "home/cust/other", "x", 0644);
	snprintf(path, sizeof path, "%s/home/cust/other", jail);
	min_uid = 40000;
	assert_int_equal(chown(path, CUSTOMER + 1, CUSTOMER + 1), 0);
	assert_int_equal(count(AR_FOREIGN_OWNER, "home/cust/other"), 1);
	assert_int_equal(lchown(jpath("usr/bin"), CUSTOMER + 1, 0), 0);
	assert_int_equal(count(AR_FOREIGN_OWNER, "usr/bin"), 1);
	assert_int_equal(lchown(jpath("usr/bin"), 0, 0), 0);
	assert_int_equal(chown(path, CUSTOMER, CUSTOMER), 0);
	assert_int_equal(count(AR_FOREIGN_OWNER, "home/cust/other"), 0);
	assert_int_equal(chown(path, 39999, 39999), 0);
	assert_int_equal(count(AR_FOREIGN_OWNER, "home/cust/other"), 0);
	assert_int_equal(chown(path, CUSTOMER + 1, CUSTOMER + 1), 0);
	min_uid = 0;
	assert_int_equal(count(AR_FOREIGN_OWNER, "home/cust/other"), 0);
	unlink(path);
}

/* A passwd the customer can write is not believed: it could list /usr as
 * a home, so that nothing below it is reported. One only root (and its
 * group) can write is. */
static void test_untrusted_passwd(void **state)
{
	char path[8400];

	(void)state;
	if (getuid() != 0)
		skip();
	tmptree_file(jail, "etc/passwd", "cust:x:42999:42999::/usr:/bin/sh\n", 0644);
	snprintf(path, sizeof path, "%s/usr/bin/prog", jail);
	assert_int_equal(chown(path, CUSTOMER, 0), 0);
	assert_int_equal(count(AR_CUSTOMER_WRITABLE, "usr/bin/prog"), 0);
	assert_int_equal(chown(jpath("etc/passwd"), CUSTOMER, 0), 0);
	assert_int_equal(count(AR_CUSTOMER_WRITABLE, "etc/passwd"), 1);
	assert_int_equal(count(AR_CUSTOMER_WRITABLE, "usr/bin/prog"), 1);
	assert_int_equal(chown(jpath("etc/passwd"), 0, CUSTOMER), 0);
	assert_int_equal(chmod(jpath("etc/passwd"), 0664), 0);
	assert_int_equal(count(AR_CUSTOMER_WRITABLE, "etc/passwd"), 1);
	assert_int_equal(chown(jpath("etc/passwd"), 0, 0), 0);
	assert_int_equal(count(AR_CUSTOMER_WRITABLE, "usr/bin/prog"), 0);
	assert_int_equal(chown(path, 0, 0), 0);
	tmptree_file(jail, "etc/passwd", "root:x:0:0::/root:/bin/sh\ncust:x:42999:42999::/home/cust:/bin/sh\n", 0644);
}

static void test_devices(void **state)
{
	char path[8400];

	(void)state;
	if (getuid() != 0)
		skip();
	tmptree_dir(jail, "dev", 0755);
	snprintf(path, sizeof path, "%s/dev/null", jail);
	assert_int_equal(mknod(path, S_IFCHR | 0666, makedev(1, 3)), 0);
	assert_int_equal(chmod(path, 0666), 0);
	snprintf(path, sizeof path, "%s/dev/urandom", jail);
	assert_int_equal(mknod(path, S_IFCHR | 0666, makedev(1, 9)), 0);
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(count_all(), 0);
	snprintf(path, sizeof path, "%s/dev/zero", jail);
	assert_int_equal(mknod(path, S_IFCHR | 0666, makedev(1, 1)), 0);  /* /dev/mem */
	assert_int_equal(count(AR_DEVICE, "dev/zero"), 1);
	unlink(path);
	snprintf(path, sizeof path, "%s/dev/sda", jail);
	assert_int_equal(mknod(path, S_IFBLK | 0600, makedev(8, 0)), 0);
	assert_int_equal(count(AR_DEVICE, "dev/sda"), 1);
	unlink(path);
	assert_int_equal(count_all(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_tree),
		cmocka_unit_test(test_reads_customers),
		cmocka_unit_test(test_root_path),
		cmocka_unit_test(test_setid),
		cmocka_unit_test(test_no_sticky),
		cmocka_unit_test(test_shared_tmp),
		cmocka_unit_test(test_php_sessions),
		cmocka_unit_test(test_escaping_symlink),
		cmocka_unit_test(test_link_escapes_table),
		cmocka_unit_test(test_hardlink_outside),
		cmocka_unit_test(test_customer_writable),
		cmocka_unit_test(test_untrusted_passwd),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_foreign_owner),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
