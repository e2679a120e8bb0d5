/* One log line per request; refusals; the dry-run report.
 *
 * The log file and the syslog socket are opened while still root and before
 * chroot; the file descriptor is close-on-exec so an exec failure can still
 * be logged. Environment values are never logged. */
#include "cgijail.h"
#include "cj_build.h"
#include "closure.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define MAX_STEPS 64

struct step {
	const char *check;
	bool ok;
	char detail[512];
};

static struct step steps[MAX_STEPS];
static int nsteps;
static bool syslog_open;
static bool log_ready;

/* Connect only while /dev/log is the host's: glibc reconnects by name
 * after a failure, and after chroot that name would be the jail's. */
static void open_syslog(void)
{
	struct stat st;

	if (stat("/dev/log", &st) == 0 && S_ISSOCK(st.st_mode)) {
		openlog("cgijail", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
		syslog_open = true;
	}
}

/* Our effective gid is still the caller's: a log file we create is given
 * to root's group explicitly, or the web server could read it. */
static int open_log_file(const char *path)
{
	const int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
	int fd = open(path, flags);

	/* Made only when missing (O_EXCL: never someone else's file). */
	if (fd >= 0 || errno != ENOENT)
		return fd;
	fd = open(path, flags | O_CREAT | O_EXCL, 0640);
	if (fd >= 0 && fchown(fd, 0, 0) < 0) {
		close(fd);
		return -1;
	}
	return fd < 0 && errno == EEXIST ? open(path, flags) : fd;
}

/* gmtime_r() reads the time zone file (leap seconds) on its first call,
 * which must be the host's, before chroot, and never the jail's. The log
 * file's lines are UTC: without syslog, TZ=":" is glibc's UTC without any
 * file (tzset.c), 7 system calls fewer per request. syslog(3) stamps local
 * time, so with syslog the host's file is read now. No value of the
 * caller's environment is used either way (start_clean). */
static void settle_time_zone(bool local_time)
{
	static char *utc_without_file[] = { "TZ=:", NULL };

	if (!local_time)
		environ = utc_without_file;
	tzset();
}

void log_open(struct request *rq)
{
	settle_time_zone(rq->cfg.syslog);
	log_ready = true;
	if (rq->cfg.syslog)
		open_syslog();
	if (rq->cfg.log[0]) {
		rq->log_fd = open_log_file(rq->cfg.log);
		if (rq->log_fd < 0)
			refuse(rq, CJ_LOG, "%s: %s", rq->cfg.log, strerror(errno));
	}
}

/* The record, built in place: each field escaped straight into it (at
 * most 4 bytes for each byte of its source) and cut at the size it had in
 * a buffer of its own, so that only the pages the line needs are touched.
 * Static: cgijail has one thread, and a refusal must be logged even under
 * a caller's tiny RLIMIT_STACK. */
static char record_buf[CJ_NAME_MAX * 13 + PATH_MAX * 6 + 4096 + 256];

/* What each field may take of it at most, escaped. */
#define NAME_ROOM ((size_t)CJ_NAME_MAX * 4)
#define CWD_ROOM ((size_t)PATH_MAX * 4 + 1)
#define CMD_ROOM ((size_t)PATH_MAX * 2 + 1)
#define WHY_ROOM ((size_t)4096)

struct cursor {
	size_t len;             /* of record_buf so far */
	bool cut;               /* did not fit: not written */
};

static void put(struct cursor *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct cursor *l, const char *fmt, ...)
{
	size_t room = sizeof record_buf - l->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(record_buf + l->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		l->cut = true;
	else
		l->len += (size_t)n;
}

static void put_escaped(struct cursor *l, const char *s, size_t most)
{
	size_t room = sizeof record_buf - l->len;

	if (room == 0) {
		l->cut = true;
		return;
	}
	escape_for_log(record_buf + l->len, most < room ? most : room, s);
	l->len += strlen(record_buf + l->len);
}

static void put_ids(struct cursor *l, const struct request *rq)
{
	if (!rq->user[0]) {
		put(l, "target=?");
		return;
	}
	put(l, "uid=%lu(", (unsigned long)rq->uid);
	put_escaped(l, rq->user, NAME_ROOM);
	/* refused while looking the group up: its id is not known */
	if (!rq->group[0]) {
		put(l, ") gid=?");
		return;
	}
	put(l, ") gid=%lu(", (unsigned long)rq->gid);
	put_escaped(l, rq->group, NAME_ROOM);
	put(l, ")");
}

/* The record: "TIME cgijail[PID]: LINE\n", LINE being caller, target, cwd,
 * cmd, decision and reason. A command longer than check_command() allows is
 * cut (it was refused), so that the record always fits and ends with the
 * decision and the reason. Sets *LINE to LINE inside the record. */
static int format_record(struct request *rq, const char *decision, int code, const char *reason,
			 const char **line)
{
	struct cursor l = { 0, false };
	struct tm tm;
	time_t now = time(NULL);
	size_t head;

	/* UTC: localtime would read the time zone file, maybe the jail's. */
	gmtime_r(&now, &tm);
	/* Not strftime: it calls tzset(), which reads /etc/localtime. */
	put(&l, "%04d-%02d-%02dT%02d:%02d:%02dZ cgijail[%ld]: ", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)rq->pid);
	head = l.len;
	put(&l, "caller=");
	put_escaped(&l, rq->caller[0] ? rq->caller : "?", NAME_ROOM);
	put(&l, "(%lu) ", (unsigned long)rq->caller_uid);
	put_ids(&l, rq);
	put(&l, " cwd=\"");
	put_escaped(&l, rq->cwd[0] ? rq->cwd : "?", CWD_ROOM);
	put(&l, "\" cmd=\"");
	put_escaped(&l, rq->cmd ? rq->cmd : "?", CMD_ROOM);
	put(&l, "\" decision=%s code=%d reason=\"", decision, code);
	put_escaped(&l, reason, WHY_ROOM);
	put(&l, "\"\n");
	if (l.cut || l.len >= sizeof record_buf)
		return -1;
	*line = record_buf + head;
	return (int)l.len;
}

/* One log line: to syslog, and to the log file in one write() of the whole
 * record (the file is O_APPEND: concurrent requests never interleave).
 * Returns false when the log file could not take the whole record. */
static bool log_line(struct request *rq, const char *decision, int code,
		     const char *reason)
{
	const char *line;
	int n = format_record(rq, decision, code, reason, &line);

	if (n < 0)
		return false;
	/* Refused before the config was read: syslog and the compiled-in log. */
	if (!log_ready) {
		log_ready = true;
		open_syslog();
		rq->log_fd = open_log_file(CJ_LOG_PATH);
	}
	if (syslog_open)
		syslog(code ? LOG_ERR : LOG_INFO, "%.*s", (int)(record_buf + n - 1 - line), line);
	if (rq->log_fd < 0)
		return !rq->cfg.log[0];
	return write(rq->log_fd, record_buf, (size_t)n) == n;
}

/* No request runs unlogged: a caller's hard RLIMIT_FSIZE that cgijail could
 * not raise (no CAP_SYS_RESOURCE) must not hide it. */
void log_accept(struct request *rq)
{
	if (!log_line(rq, "exec", CJ_OK, cj_exit_text(CJ_OK)))
		refuse(rq, CJ_LOG, "%s: the request's line could not be written: %s", rq->cfg.log,
		       strerror(errno));
}

void log_timeout(struct request *rq)
{
	char reason[256];

	snprintf(reason, sizeof reason, "%s: after %u s", cj_exit_text(CJ_TIMEOUT), rq->pol->timeout);
	log_line(rq, "timeout", CJ_TIMEOUT, reason);
	dprintf(STDERR_FILENO, "cgijail: %s\n", reason);
}

static void record(const char *check, bool ok, const char *detail)
{
	if (nsteps >= MAX_STEPS)
		return;
	steps[nsteps].check = check;
	steps[nsteps].ok = ok;
	snprintf(steps[nsteps].detail, sizeof steps[nsteps].detail, "%s", detail);
	nsteps++;
}

void passed(struct request *rq, const char *check, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	if (rq->mode != MODE_DRY_RUN)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	record(check, true, detail);
}

static void print_report_text(const struct request *rq, int code)
{
	printf("cgijail dry run: %s %s %s\n", rq->user[0] ? rq->user : "?",
	       rq->cmd ? rq->cmd : "?", rq->cwd[0] ? rq->cwd : "");
	for (int i = 0; i < nsteps; i++)
		printf("  %-4s %-14s %s\n", steps[i].ok ? "ok" : "FAIL", steps[i].check,
		       steps[i].detail);
	if (rq->closure_ran)
		cl_report_print_text(stdout, &rq->closure);
	if (code == CJ_OK)
		printf("result: would exec %s as %s in jail %s\n", rq->prog_in_jail, rq->user,
		       rq->jail[0] ? rq->jail : "(none)");
	else
		printf("result: refused, exit %d (%s)\n", code, cj_exit_text(code));
}

static void print_report_json(const struct request *rq, int code)
{
	printf("{\"ok\": %s, \"exit\": %d, \"reason\": ", code == CJ_OK ? "true" : "false", code);
	json_print_string(stdout, cj_exit_text(code));
	printf(", \"checks\": [");
	for (int i = 0; i < nsteps; i++) {
		printf("%s{\"check\": ", i ? ", " : "");
		json_print_string(stdout, steps[i].check);
		printf(", \"ok\": %s, \"detail\": ", steps[i].ok ? "true" : "false");
		json_print_string(stdout, steps[i].detail);
		printf("}");
	}
	printf("], \"closure\": ");
	if (rq->closure_ran)
		cl_report_print_json(stdout, &rq->closure);
	else
		printf("null");
	printf("}\n");
}

static __attribute__((noreturn)) void report_and_exit(struct request *rq, int code)
{
	if (rq->json)
		print_report_json(rq, code);
	else
		print_report_text(rq, code);
	fflush(stdout);
	_exit(code);
}

void finish_dry_run(struct request *rq)
{
	report_and_exit(rq, CJ_OK);
}

void refuse(struct request *rq, int code, const char *fmt, ...)
{
	/* Static, like the log line's buffers (see lb). */
	static char detail[2048], reason[2600], safe[2600 * 4];
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	errno = saved;
	snprintf(reason, sizeof reason, "%s: %s", cj_exit_text(code), detail);
	if (rq->mode == MODE_DRY_RUN) {
		record(cj_exit_name(code), false, reason);
		report_and_exit(rq, code);
	}
	/* The supervisor refusing: its CGI must not run on, unsupervised. */
	if (rq->child > 0) {
		kill(-rq->child, SIGKILL);
		kill(rq->child, SIGKILL);
	}
	log_line(rq, "refused", code, reason);
	/* One line on stderr, which Apache copies into error_log next to the request. */
	escape_for_log(safe, sizeof safe, reason);
	dprintf(STDERR_FILENO, "cgijail: refused (exit %d): %s\n", code, safe);
	_exit(code);
}
