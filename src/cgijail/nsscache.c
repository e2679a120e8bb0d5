/* The host's answers to one request's name service lookups, kept for the
 * next request with the same caller, user, group and supervisor user.
 *
 * The lookups (the caller, the target user and group, the target's groups,
 * the supervisor's user) are the costliest part of a request: with Debian's
 * "group: files systemd", finding a user's groups loads libnss_systemd. As
 * nscd would, cgijail keeps the answers -- in a root-owned file under
 * CJ_CACHE_DIR/nss, written by cgijail while root from what NSS answered,
 * never by anyone else -- and uses them while /etc/passwd, /etc/group and
 * /etc/nsswitch.conf are unchanged (device, inode, size, mtime and ctime:
 * any edit is seen on the next request) and for at most nss_cache_ttl
 * seconds (the other sources nsswitch.conf may name: systemd, LDAP). */
#include "cgijail.h"
#include "cj_build.h"
#include "safepath.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cl_trace.h"

#define NSS_MAGIC 0x636a6e73u /* "cjns" */
#define NSS_VERSION 2

static const char *const sources[CJ_NSS_SOURCES] = { "/etc/passwd", "/etc/group",
						      "/etc/nsswitch.conf" };

/* Their identities now; RACY when one changed lately. */
static void sources_now(struct cl_trace_rec *src, bool *racy)
{
	struct stat st;

	memset(src, 0, sizeof(struct cl_trace_rec) * CJ_NSS_SOURCES);
	*racy = false;
	for (size_t i = 0; i < CJ_NSS_SOURCES; i++) {
		if (stat(sources[i], &st) < 0)
			continue;
		cl_trace_rec_set(&src[i], &st);
		*racy |= changed_lately(&st);
	}
}

static int open_dir(struct request *rq, bool create)
{
	char why[PATH_MAX + 128];

	return cache_subdir(rq, "nss", CJ_CACHE_DIR "/nss", create, why, sizeof why);
}

/* One file per question: FNV-1a of the caller's uid and the names asked. */
static void record_name(const struct request *rq, char *name, size_t len)
{
	const char *parts[] = { rq->argv[0], rq->argv[1], rq->cfg.supervisor_user };
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)rq->caller_uid;

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		for (const char *p = parts[i];; p++) {
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
			if (!*p)
				break;
		}
	snprintf(name, len, "%016llx", (unsigned long long)h);
}

static bool askable(const struct request *rq)
{
	return rq->cfg.nss_cache_ttl && rq->argc >= 3 && strlen(rq->argv[0]) < CJ_NAME_MAX &&
	       strlen(rq->argv[1]) < CJ_NAME_MAX;
}

static bool same_question(const struct request *rq, const struct cj_nss_record *r)
{
	return r->magic == NSS_MAGIC && r->version == NSS_VERSION && r->caller_uid == rq->caller_uid &&
	       !strcmp(r->user_arg, rq->argv[0]) && !strcmp(r->group_arg, rq->argv[1]) &&
	       !strcmp(r->supervisor_arg, rq->cfg.supervisor_user);
}

static bool still_true(const struct request *rq, const struct cj_nss_record *r)
{
	struct cl_trace_rec now[CJ_NSS_SOURCES];
	time_t t = time(NULL);
	bool racy;

	sources_now(now, &racy);
	return !memcmp(now, r->src, sizeof now) && t >= r->stored &&
	       t - r->stored < (int64_t)rq->cfg.nss_cache_ttl;
}

void load_nss_answers(struct request *rq)
{
	struct cj_nss_record *r = &rq->nss;
	char name[32];
	struct stat st;
	int dfd, fd;

	rq->nss_hit = false;
	if (!askable(rq) || (dfd = open_dir(rq, false)) < 0)
		return;
	record_name(rq, name, sizeof name);
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(dfd);
	if (fd < 0)
		return;
	rq->nss_hit = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 &&
		      !(st.st_mode & 077) && st.st_size == (off_t)sizeof *r &&
		      read(fd, r, sizeof *r) == (ssize_t)sizeof *r && same_question(rq, r) &&
		      still_true(rq, r) && r->ngroups >= 0 && r->ngroups <= CJ_MAX_GROUPS;
	close(fd);
	/* Every string as read, NUL-terminated, whatever the file held. */
	r->caller[sizeof r->caller - 1] = r->user[sizeof r->user - 1] = '\0';
	r->group[sizeof r->group - 1] = r->home[sizeof r->home - 1] = '\0';
	if (rq->nss_hit)
		passed(rq, "nss", "the host's answers of %lld s ago, kept in %s/nss (/etc/passwd, group and "
		       "nsswitch.conf unchanged since; nss_cache_ttl %u s)", (long long)(time(NULL) - r->stored),
		       CJ_CACHE_DIR, rq->cfg.nss_cache_ttl);
}

/* Only the questions Apache asks: a user with its own primary group (as
 * SuexecUserGroup names them). The caller may name any user and group; a
 * file for every pair would fill the disk. (Not the user's other groups:
 * getgrouplist() lists the group asked for whether the user is in it or
 * not.) */
static bool own_group(const struct request *rq)
{
	return rq->gid == rq->user_gid;
}

/* After the lookups: what NSS answered, for the next request. A new file,
 * renamed over the old one whole: a reader sees one or the other. */
void store_nss_answers(struct request *rq)
{
	static struct cj_nss_record r;
	char name[32], tmp[40];
	bool racy;
	int dfd, fd;

	if (rq->nss_hit || rq->mode == MODE_VERSION || !askable(rq) || !own_group(rq))
		return;
	memset(&r, 0, sizeof r);
	sources_now(r.src, &racy);
	if (racy)
		return;
	r.magic = NSS_MAGIC;
	r.version = NSS_VERSION;
	r.stored = time(NULL);
	r.caller_uid = rq->caller_uid;
	snprintf(r.user_arg, sizeof r.user_arg, "%s", rq->argv[0]);
	snprintf(r.group_arg, sizeof r.group_arg, "%s", rq->argv[1]);
	snprintf(r.supervisor_arg, sizeof r.supervisor_arg, "%s", rq->cfg.supervisor_user);
	memcpy(r.caller, rq->caller, sizeof r.caller);
	memcpy(r.user, rq->user, sizeof r.user);
	memcpy(r.group, rq->group, sizeof r.group);
	memcpy(r.home, rq->home, sizeof r.home);
	r.uid = rq->uid;
	r.gid = rq->gid;
	r.user_gid = rq->user_gid;
	r.sv_uid = rq->sv_uid;
	r.sv_gid = rq->sv_gid;
	r.ngroups = rq->nss_ngroups;
	memcpy(r.groups, rq->nss_groups, sizeof r.groups);
	if ((dfd = open_dir(rq, true)) < 0)
		return;
	record_name(rq, name, sizeof name);
	snprintf(tmp, sizeof tmp, ".%s.%ld", name, (long)rq->pid);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		/* root:root, whatever group the caller runs cgijail with */
		bool whole = fchown(fd, 0, 0) == 0 && write(fd, &r, sizeof r) == (ssize_t)sizeof r;

		close(fd);
		if (!whole || renameat(dfd, tmp, dfd, name) < 0)
			(void)unlinkat(dfd, tmp, 0);
	}
	close(dfd);
}
