/* cgijailctl remove: a customer's jail, removed safely. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cgijailctl.h"
#include "ctl_out.h"
#include "jailfs.h"
#include "jails.h"
#include "remove.h"
#include "rmtree.h"
#include "strutil.h"

static void remove_usage(FILE *out)
{
	fprintf(out,
		"usage: cgijailctl remove --root JAIL [--user NAME] [--config FILE] [--keep-home DIR]\n"
		"                         [--force-path] [--dry-run] [--verbose] [--json]\n"
		"\n"
		"Remove the jail JAIL of a customer, everything in it and the directory itself.\n"
		"JAIL must be the jail of exactly one user of the config (the same directory,\n"
		"by device and inode), and neither a system directory nor above one. Refused\n"
		"while anything is mounted in it, a process runs in it or as its customer.\n"
		"Every directory is opened from its parent's descriptor, never through a\n"
		"symlink or across a mount point; symlinks and hard links are removed as\n"
		"names, what they point to is never touched.\n"
		"\n"
		"  -r, --root JAIL       the jail's root directory\n"
		"  -u, --user NAME       the jail's customer (checked against the config)\n"
		"  -c, --config FILE     the config (default %s)\n"
		"  -k, --keep-home DIR   first move the customer's home and docroot in the jail\n"
		"                        into DIR as NAME.home and NAME.docroot (DIR: root's, on\n"
		"                        the jail's file system; nothing there is replaced)\n"
		"  -f, --force-path      JAIL is no configured user's jail (its user was deleted):\n"
		"                        remove it if it is root's, not group/other-writable,\n"
		"                        has an /etc/passwd, and holds no configured jail\n"
		"  -n, --dry-run         check and count, remove nothing\n"
		"  -v, --verbose         print each path removed\n"
		"  -j, --json            print the result as JSON\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 removed (or would be), 2 refused, or not everything removed.\n",
		jails_default_config());
}

static int parse_args(int argc, char **argv, struct remove_args *a)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "user", required_argument, NULL, 'u' },
		{ "config", required_argument, NULL, 'c' },
		{ "keep-home", required_argument, NULL, 'k' },
		{ "force-path", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+r:u:c:k:fnvjh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': a->root = optarg; break;
		case 'u': a->user = optarg; break;
		case 'c': a->config = optarg; break;
		case 'k': a->keep = optarg; break;
		case 'f': a->force_path = true; break;
		case 'n': a->dry_run = true; break;
		case 'v': a->verbose = true; break;
		case 'j': a->json = true; break;
		case 'h': remove_usage(stdout); return 1;
		default: remove_usage(stderr); return -1;
		}
	}
	if (!a->root || optind != argc) {
		fprintf(stderr, "cgijailctl remove: %s\n", !a->root ? "--root JAIL is required" : "unexpected argument");
		remove_usage(stderr);
		return -1;
	}
	return 0;
}

/* The jail's own directory entry, if it is still the directory walked. */
static int remove_root(const struct remove_run *r, struct strlist *errors)
{
	char parent[PATH_MAX], line[PATH_MAX + 200];
	const char *last;
	struct stat st;
	int pfd, rc = -1;

	if (r->a->dry_run)
		return 0;
	if (jfs_split(r->real, parent, sizeof parent, &last) == 0 &&
	    (pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if (fstatat(pfd, last, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_dev == r->st.st_dev &&
		    st.st_ino == r->st.st_ino)
			rc = unlinkat(pfd, last, AT_REMOVEDIR);
		else
			errno = ESTALE;
		close(pfd);
	}
	if (rc < 0) {
		snprintf(line, sizeof line, "%s: cannot remove the jail's directory: %s", r->real, strerror(errno));
		(void)strlist_add(errors, line);
	}
	return rc;
}

static void print_json(const struct remove_run *r, const struct rmtree *rt, const struct strlist *kept,
		       bool ok)
{
	printf("{\"ok\": %s, \"dry_run\": %s, \"removing_started\": %s, \"jail\": ", ok ? "true" : "false",
	       r->a->dry_run ? "true" : "false", r->removing ? "true" : "false");
	json_print_string(stdout, r->real);
	fputs(", \"user\": ", stdout);
	if (r->user[0])
		json_print_string(stdout, r->user);
	else
		fputs("null", stdout);
	printf(", \"removed\": {\"files\": %zu, \"directories\": %zu, \"symlinks\": %zu, \"devices\": %zu, "
	       "\"others\": %zu}, ", rt->files, rt->dirs + 1, rt->symlinks, rt->devices, rt->others);
	out_json_list(stdout, "kept", kept);
	fputs(", ", stdout);
	out_json_list(stdout, "notes", &rt->notes);
	fputs(", ", stdout);
	out_json_list(stdout, "errors", &rt->errors);
	fputs("}\n", stdout);
}

static const char *outcome(const struct remove_run *r, bool ok)
{
	if (r->a->dry_run)
		return ok ? "would be removed (dry run)" : "found (dry run): it would be refused";
	if (!r->removing)
		return "found: refused, nothing removed";
	return ok ? "removed" : "walked: NOT everything was removed";
}

static void print_text(const struct remove_run *r, const struct rmtree *rt, const struct strlist *kept,
		       bool ok)
{
	const char *verb = r->a->dry_run ? "would keep" : "kept";

	for (size_t i = 0; i < kept->n; i++)
		printf("%s %s\n", verb, kept->v[i]);
	for (size_t i = 0; i < rt->notes.n; i++)
		printf("%s\n", rt->notes.v[i]);
	if (rt->notes_dropped)
		printf("... and %zu more notes\n", rt->notes_dropped);
	for (size_t i = 0; i < rt->errors.n; i++)
		fprintf(stderr, "cgijailctl remove: %s\n", rt->errors.v[i]);
	printf("remove: %s%s%s%s: %zu files, %zu directories, %zu symlinks, %zu devices, %zu others %s\n",
	       r->real, r->user[0] ? " (" : "", r->user, r->user[0] ? ")" : "", rt->files,
	       rt->dirs + 1, rt->symlinks, rt->devices, rt->others, outcome(r, ok));
}

/* Each level of the walk holds a descriptor: as many as the hard limit allows. */
static void room_for_descriptors(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Checked first, then the whole tree walked without removing anything
 * (a mount point or a tree too deep refuses it all), then the customer's
 * data kept, then the tree removed. */
static int run_remove(struct remove_run *r, struct rmtree *rt, struct strlist *kept)
{
	bool dry = r->a->dry_run;
	int rc;

	if (guard_open(r) < 0 || guard_customer(r) < 0 || guard_mounts(r) < 0 ||
	    guard_processes(r) < 0 || guard_keep(r) < 0)
		return -1;
	room_for_descriptors();
	r->walked = true;
	rt->dry_run = true;
	rt->skip_dev = r->keep_dev;
	rt->skip_ino = r->keep_ino;
	rt->nskip = (size_t)r->nkeep;
	rc = rmtree_contents(r->rootfd, r->real, rt);
	if (dry)
		(void)keep_areas(r, kept, &rt->errors);
	if (rc < 0 || dry)
		return rc;
	r->removing = true;
	rmtree_free(rt);
	*rt = (struct rmtree){ .dry_run = false, .verbose = r->a->verbose ? stdout : NULL };
	/* The areas kept are out of the jail by now. */
	if (keep_areas(r, kept, &rt->errors) < 0)
		return -1;
	rc = rmtree_contents(r->rootfd, r->real, rt);
	return rc < 0 ? -1 : remove_root(r, &rt->errors);
}

int ctl_remove(int argc, char **argv)
{
	struct remove_args a = { 0 };
	struct remove_run r = { .a = &a, .rootfd = -1, .keepfd = -1 };
	struct rmtree rt = { 0 };
	struct strlist kept = { 0 };
	int rc = parse_args(argc, argv, &a), status = CTL_ERROR;

	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_ERROR;
	if (out_require_root("remove")) {
		rc = run_remove(&r, &rt, &kept);
		if (r.walked && a.json)
			print_json(&r, &rt, &kept, rc == 0);
		else if (r.walked)
			print_text(&r, &rt, &kept, rc == 0);
		status = rc == 0 ? CTL_OK : CTL_ERROR;
	}
	if (fflush(stdout) != 0)
		status = CTL_ERROR;
	if (r.rootfd >= 0)
		close(r.rootfd);
	if (r.keepfd >= 0)
		close(r.keepfd);
	rmtree_free(&rt);
	strlist_free(&kept);
	return status;
}
