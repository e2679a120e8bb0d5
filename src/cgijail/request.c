/* The request itself: options, the caller, the command, the target. */
#include "cgijail.h"
#include "cj_build.h"
#include "strutil.h"
#include "suexec_rules.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void parse_options(struct request *rq, int argc, char **argv)
{
	int i = 1;

	rq->mode = MODE_RUN;
	if (i < argc && !strcmp(argv[i], "-V")) {
		rq->mode = MODE_VERSION;
		i++;
	} else if (i < argc && !strcmp(argv[i], "--dry-run")) {
		rq->mode = MODE_DRY_RUN;
		i++;
		if (i < argc && !strcmp(argv[i], "--json")) {
			rq->json = true;
			i++;
		}
	}
	/* No user or group name starts with '-', so this is a mistyped option. */
	if (i < argc && argv[i][0] == '-')
		refuse(rq, CJ_USAGE, "'%.64s'; usage: cgijail [-V | --dry-run [--json]] UID GID CMD [ARG...]",
		       argv[i]);
	rq->argc = argc - i;
	rq->argv = argv + i;
	if (rq->argc >= 3) {
		rq->cmd = rq->argv[2];
		rq->cgi_argv = rq->argv + 2;
	}
}

void identify_caller(struct request *rq)
{
	struct passwd *pw;

	rq->caller_uid = getuid();
	if (rq->nss_hit) {
		snprintf(rq->caller, sizeof rq->caller, "%s", rq->nss.caller);
		return;
	}
	pw = getpwuid(rq->caller_uid);
	if (!pw || format_checked(rq->caller, sizeof rq->caller, "%s", pw->pw_name) < 0)
		refuse(rq, CJ_CALLER_UNKNOWN, "uid %lu", (unsigned long)rq->caller_uid);
}

static bool caller_is(const struct request *rq, const char *name)
{
	return !strcmp(rq->caller, name);
}

void print_version(struct request *rq)
{
	if (rq->caller_uid != 0 && !caller_is(rq, rq->cfg.caller))
		refuse(rq, CJ_NOT_PERMITTED, "-V is for root and %s, not %s", rq->cfg.caller, rq->caller);
	printf("cgijail %s\n", CJ_VERSION);
	printf("config = %s\n", CJ_CONFIG_PATH);
	cj_config_print(stdout, &rq->cfg);
	print_seccomp_policy(stdout, &rq->cfg.defaults);
	fflush(stdout);
	_exit(CJ_OK);
}

void require_arguments(struct request *rq)
{
	if (rq->argc < 3)
		refuse(rq, CJ_ARGC, "%d given; usage: cgijail UID GID CMD [ARG...]", rq->argc);
}

void require_caller(struct request *rq)
{
	if (rq->mode == MODE_DRY_RUN) {
		if (rq->caller_uid != 0) {
			rq->mode = MODE_RUN; /* an attempt to log, not a report to print */
			refuse(rq, CJ_NOT_PERMITTED, "--dry-run is for root, not %s", rq->caller);
		}
		passed(rq, "caller", "dry run by root (a real request must come from %s)", rq->cfg.caller);
		return;
	}
	if (!caller_is(rq, rq->cfg.caller))
		refuse(rq, CJ_CALLER_MISMATCH, "%s instead of %s", rq->caller, rq->cfg.caller);
}

void check_command(struct request *rq)
{
	static char why[PATH_MAX]; /* static: see refuse() */
	int code = cj_command_verdict(rq->cmd, why, sizeof why);

	if (code != CJ_OK)
		refuse(rq, code, "%s", why);
	passed(rq, "command", "%s is relative, without '..'", rq->cmd);
}

static bool is_number(const char *s)
{
	unsigned long long unused;

	return parse_decimal(s, (uid_t)-2, &unused);
}

static void lookup_user(struct request *rq, const char *arg)
{
	unsigned long long n;
	struct passwd *pw;

	if (!arg[0] || has_control_char(arg))
		refuse(rq, CJ_BAD_USER, "empty or unprintable user");
	if (rq->nss_hit) {
		memcpy(rq->user, rq->nss.user, sizeof rq->user);
		memcpy(rq->home, rq->nss.home, sizeof rq->home);
		rq->uid = (uid_t)rq->nss.uid;
		rq->user_gid = (gid_t)rq->nss.user_gid;
		return;
	}
	if (is_number(arg)) {
		parse_decimal(arg, (uid_t)-2, &n);
		pw = getpwuid((uid_t)n);
	} else {
		pw = getpwnam(arg);
	}
	if (!pw)
		refuse(rq, CJ_BAD_USER, "no such user: %.64s", arg);
	if (format_checked(rq->user, sizeof rq->user, "%s", pw->pw_name) < 0 ||
	    format_checked(rq->home, sizeof rq->home, "%s", pw->pw_dir ? pw->pw_dir : "") < 0)
		refuse(rq, CJ_BAD_USER, "user name or home too long: %.64s", arg);
	rq->uid = pw->pw_uid;
	rq->user_gid = pw->pw_gid;
}

static void lookup_group(struct request *rq, const char *arg)
{
	unsigned long long n;
	struct group *gr;

	if (!arg[0] || has_control_char(arg))
		refuse(rq, CJ_BAD_GROUP, "empty or unprintable group");
	if (rq->nss_hit) {
		memcpy(rq->group, rq->nss.group, sizeof rq->group);
		rq->gid = (gid_t)rq->nss.gid;
		return;
	}
	if (is_number(arg)) {
		parse_decimal(arg, (gid_t)-2, &n);
		gr = getgrgid((gid_t)n);
	} else {
		gr = getgrnam(arg);
	}
	if (!gr || format_checked(rq->group, sizeof rq->group, "%s", gr->gr_name) < 0)
		refuse(rq, CJ_BAD_GROUP, "no such group: %.64s", arg);
	rq->gid = gr->gr_gid;
}

/* All of the host's NSS happens here, before chroot: the supplementary
 * groups are computed now and set later with setgroups(), never initgroups().
 * Groups below min_gid (root, adm, www-data...) are left out: what min_gid
 * forbids as the CGI's group it also forbids as a supplementary one. With
 * supplementary_groups = no, only the target group, and no NSS lookup of
 * group membership (the costly one: libnss_systemd, LDAP). */
static void lookup_supplementary_groups(struct request *rq)
{
	int n = CJ_MAX_GROUPS;

	rq->nss_ngroups = -1;
	if (!rq->pol->supplementary_groups) {
		rq->groups[0] = rq->gid;
		rq->ngroups = 1;
		return;
	}
	if (rq->nss_hit && rq->nss.ngroups >= 0) {
		n = rq->nss.ngroups;
		for (int i = 0; i < n; i++)
			rq->nss_groups[i] = rq->nss.groups[i];
	} else if (getgrouplist(rq->user, rq->gid, rq->nss_groups, &n) < 0) {
		refuse(rq, CJ_SETGID, "%s is in more than %d groups", rq->user, CJ_MAX_GROUPS);
	}
	rq->nss_ngroups = n;
	rq->ngroups = 0;
	for (int i = 0; i < n; i++)
		if (rq->nss_groups[i] == rq->gid || (rq->nss_groups[i] != 0 && rq->nss_groups[i] >= rq->cfg.min_gid))
			rq->groups[rq->ngroups++] = rq->nss_groups[i];
}

void lookup_target(struct request *rq)
{
	const char *user = rq->argv[0];

	if (user[0] == '~') {
		rq->userdir = true;
		user++;
	}
	lookup_user(rq, user);
	/* The target's policy: [user:NAME] over the defaults, or no request. */
	rq->pol = cj_policy_of(&rq->cfg, rq->user, &rq->user_pol);
	if (!rq->pol)
		refuse(rq, CJ_NOMEM, "the policy of %s ([user:%s]) could not be built", rq->user, rq->user);
	lookup_group(rq, rq->argv[1]);
	lookup_supplementary_groups(rq);
	passed(rq, "target", "%s (uid %lu), group %s (gid %lu), %d groups%s", rq->user,
	       (unsigned long)rq->uid, rq->group, (unsigned long)rq->gid, rq->ngroups,
	       rq->userdir ? ", userdir request" : "");
}

void check_target_ids(struct request *rq)
{
	if (rq->uid == 0 || rq->uid < rq->cfg.min_uid)
		refuse(rq, CJ_FORBIDDEN_UID, "uid %lu (min_uid %lu)", (unsigned long)rq->uid,
		       rq->cfg.min_uid);
	if (rq->gid == 0 || rq->gid < rq->cfg.min_gid)
		refuse(rq, CJ_FORBIDDEN_GID, "gid %lu (min_gid %lu)", (unsigned long)rq->gid,
		       rq->cfg.min_gid);
	passed(rq, "ids", "uid %lu >= %lu, gid %lu >= %lu", (unsigned long)rq->uid,
	       rq->cfg.min_uid, (unsigned long)rq->gid, rq->cfg.min_gid);
}
