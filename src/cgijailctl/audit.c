/* cgijailctl audit: what would make a jail unsafe. */
#include <errno.h>
#include <pwd.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_rules.h"
#include "cgijailctl.h"
#include "config.h"
#include "jailfs.h"
#include "jails.h"
#include "tstore.h"
#include "strutil.h"

struct audit_args {
	const char *root, *config;
	bool json;
	struct strlist areas;
};

static void audit_usage(FILE *out)
{
	fprintf(out,
		"usage: cgijailctl audit --root JAIL [--user-dir PATH]... [--config FILE] [--json]\n"
		"\n"
		"Report what makes JAIL unsafe, each finding with its path and a fix:\n"
		"  root-path          a component of JAIL's path not root-owned, or writable\n"
		"                     by group or others\n"
		"  customer-writable  a file or directory outside the customer's areas (home,\n"
		"                     below /var/www, /tmp, /var/tmp, /var/lib/php/sessions)\n"
		"                     that the customer (a user of the jail's /etc/passwd) can write\n"
		"  setid              a setuid or setgid file\n"
		"  device             a device node other than /dev/null, /dev/zero, /dev/urandom\n"
		"  hardlink           a file with hard links outside the jail\n"
		"  escaping-symlink   a symlink whose target climbs above the jail's root\n"
		"  no-sticky          a world-writable directory without the sticky bit\n"
		"  shared-tmp         the jail's /tmp, /var/tmp or /var/lib/php/sessions writable\n"
		"                     by others than its customer\n"
		"  foreign-owner      a file owned by another customer: a uid >= the config's\n"
		"                     min_uid that is not this jail's customer (needs the config)\n"
		"\n"
		"  -r, --root JAIL       the jail's root directory\n"
		"  -u, --user-dir PATH   another area (path inside the jail) the customer may\n"
		"                        write below (repeatable)\n"
		"  -c, --config FILE     the config: min_uid, and whose jail this is (default\n"
		"                        %s, when it exists)\n"
		"  -j, --json            print the findings as JSON\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 no findings, 1 findings, 2 usage or I/O error.\n",
		jails_default_config());
}

static int parse_args(int argc, char **argv, struct audit_args *a)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "user-dir", required_argument, NULL, 'u' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+r:u:c:jh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': a->root = optarg; break;
		case 'u':
			if (optarg[0] != '/' || strlist_add(&a->areas, optarg) < 0) {
				fprintf(stderr, "cgijailctl audit: %s: not a path inside the jail\n", optarg);
				return -1;
			}
			break;
		case 'c': a->config = optarg; break;
		case 'j': a->json = true; break;
		case 'h': audit_usage(stdout); return 1;
		default: audit_usage(stderr); return -1;
		}
	}
	if (!a->root || optind != argc) {
		fprintf(stderr, "cgijailctl audit: %s\n", a->root ? "unexpected argument" : "--root JAIL is required");
		audit_usage(stderr);
		return -1;
	}
	return 0;
}

static void print_findings(const struct audit_args *a, const char *jail, const struct audit_result *r)
{
	if (a->json) {
		printf("{\"ok\": %s, \"jail\": ", r->n ? "false" : "true");
		json_print_string(stdout, jail);
		printf(", \"scanned\": %zu, \"findings\": [", r->scanned);
		for (size_t i = 0; i < r->n; i++) {
			printf("%s{\"rule\": \"%s\", \"path\": ", i ? ", " : "", audit_rule_name(r->f[i].rule));
			json_print_string(stdout, r->f[i].path);
			fputs(", \"problem\": ", stdout);
			json_print_string(stdout, r->f[i].problem);
			fputs(", \"fix\": ", stdout);
			json_print_string(stdout, r->f[i].fix);
			fputc('}', stdout);
		}
		fputs("]}\n", stdout);
		return;
	}
	for (size_t i = 0; i < r->n; i++)
		printf("%s: %s: %s\n    fix: %s\n", audit_rule_name(r->f[i].rule), r->f[i].path,
		       r->f[i].problem, r->f[i].fix);
	printf("audit: %s: %zu entries, %zu finding%s\n", jail, r->scanned, r->n, r->n == 1 ? "" : "s");
}

/* The config's min_uid, and the customer whose jail this is: what the
 * foreign-owner rule needs. Without a config the rule is off. */
static int read_config(const struct audit_args *a, int rootfd, struct audit_opts *o)
{
	const char *path = a->config ? a->config : jails_default_config();
	char why[1024], user[256];
	struct cj_config cfg;
	struct passwd *pw;
	int found;

	if (!a->config && access(path, F_OK) < 0)
		return 0;
	if (cj_config_parse(&cfg, path, why, sizeof why) != 0) {
		fprintf(stderr, "cgijailctl audit: %s: %s\n", path, why);
		cj_config_free(&cfg);
		return -1;
	}
	o->min_uid = cfg.min_uid;
	cj_config_free(&cfg);
	found = jails_user_of(rootfd, path, user, sizeof user, why, sizeof why);
	if (found < 0) {
		fprintf(stderr, "cgijailctl audit: %s\n", why);
		return -1;
	}
	if (found && (pw = getpwnam(user)))
		audit_add_customer(o, pw->pw_uid, pw->pw_gid);
	return 0;
}

static int run_audit(struct audit_args *a, const char *jail)
{
	struct audit_opts o;
	struct audit_result r = { 0 };
	struct tstore store = { .fd = -1 };
	char why[1024];
	int rootfd = jfs_open_root(jail), status;

	audit_opts_init(&o);
	/* A thin jail's hard links into the template store are its own. */
	if (tstore_open(&store, NULL, false, why, sizeof why) == 0)
		o.store_fd = store.fd;
	for (size_t i = 0; i < a->areas.n; i++)
		(void)strlist_add(&o.areas, a->areas.v[i]);
	if (rootfd >= 0 && read_config(a, rootfd, &o) < 0) {
		status = CTL_ERROR;
	} else if (rootfd < 0 || audit_read_customers(rootfd, &o) < 0 || audit_jail(jail, &o, &r) < 0) {
		fprintf(stderr, "cgijailctl audit: %s: %s\n", jail, strerror(errno));
		status = CTL_ERROR;
	} else {
		print_findings(a, jail, &r);
		status = r.n ? CTL_PROBLEMS : CTL_OK;
	}
	if (rootfd >= 0)
		close(rootfd);
	tstore_close(&store);
	audit_result_free(&r);
	audit_opts_free(&o);
	return status;
}

int ctl_audit(int argc, char **argv)
{
	struct audit_args a = { 0 };
	int rc = parse_args(argc, argv, &a), status;
	char *jail;

	if (rc != 0) {
		strlist_free(&a.areas);
		return rc > 0 ? CTL_OK : CTL_ERROR;
	}
	jail = realpath(a.root, NULL);
	if (!jail) {
		fprintf(stderr, "cgijailctl audit: %s: %s\n", a.root, strerror(errno));
		strlist_free(&a.areas);
		return CTL_ERROR;
	}
	status = run_audit(&a, jail);
	if (fflush(stdout) != 0)
		status = CTL_ERROR;
	free(jail);
	strlist_free(&a.areas);
	return status;
}
