# shellcheck shell=bash
# Helpers for the adversarial suites (tests/integration/13-16-hostile-*.sh).
# Source after tap.sh and cgijail.sh:
#
#   h_refused NAME CODE PATTERN [--no-log]  # cj_assert_refused, counted
#   h_safe NAME COND...                     # cj_expect: the safe outcome, counted
#   h_report                                # "# hostile cases: N tried, N refused"
#   h_tools                                 # cjh-exec and cjh-print in $CJ_PREFIX/bin
#   h_conf                                  # the suites' config (H_* variables)
#
# A hostile case is "refused" when the attack failed: the request was refused
# with the expected code, log line and nothing run (h_refused), or it ran
# with the safe outcome asserted (h_safe).

H_TRIED=0
H_REFUSED=0

# _h_count CMD...: run one assertion, count it as tried and, when it
# passed, as refused.
_h_count() {
	local before=$TAP_FAILED
	"$@"
	H_TRIED=$((H_TRIED + 1))
	[ "$TAP_FAILED" != "$before" ] || H_REFUSED=$((H_REFUSED + 1))
}
h_refused() { _h_count cj_assert_refused "$@"; }
h_safe() { _h_count cj_expect "$@"; }
h_report() { diag "hostile cases: $H_TRIED tried, $H_REFUSED refused"; }

# ---- the config: h_conf_reset, then change H_* and call h_conf ----

h_conf_reset() {
	H_JAIL="jail_root = $CJ_SRV/jails/%u"
	H_DOCROOT="docroot = $CJ_SRV/jails/%u/var/www"
	H_EXTRA=""
	H_SECTIONS=""
}
h_conf() {
	{ cj_conf_head "$H_JAIL" "$H_DOCROOT"; printf '%s\n\n%s\n' "$H_EXTRA" "$H_SECTIONS"; } | cj_conf
}

# ---- helper programs ----

# h_tools: build into $CJ_PREFIX/bin (root 0755, runnable by www-data):
#  cjh-exec [-n NOFILE] [-f FSIZE] [-u UMASK] [-0] [-a ARGV0] [-c FDS] [-o N]
#           [-N] [-e ENTRY]... PROG ARG...  -- set limits/umask, close FDS (a list
#           of digits 0-2), open N extra descriptors, then execve PROG with
#           ARG... (-0: an empty argv; -a: argv[0] given as ARGV0; -e: a raw
#           environment string added as is, e.g. one without '='; -N: set
#           no_new_privs first).
#  cjh-evil.so          -- a library whose constructor (and la_version, for
#           LD_AUDIT) writes "EVIL-LOADED" to stderr, to /tmp/cjh-evil-* and
#           (in a jail, where /tmp may be a private tmpfs) /marks/cjh-evil-*.
h_tools() {
	cat >"$CJ_WORK/cjh-exec.c" <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/close_range.h>
extern char **environ;
static void lim(int res, const char *v)
{
	struct rlimit rl = { strtoull(v, NULL, 10), strtoull(v, NULL, 10) };
	if (setrlimit(res, &rl) < 0) { perror("setrlimit"); exit(198); }
}
int main(int argc, char **argv)
{
	int o, argc0 = 0, extra = 0, nenv = 0;
	char *env[4096];
	const char *argv0 = NULL, *close_fds = "";
	while ((o = getopt(argc, argv, "+n:f:u:0a:c:o:e:N")) != -1) {
		switch (o) {
		case 'n': lim(RLIMIT_NOFILE, optarg); break;
		case 'f': lim(RLIMIT_FSIZE, optarg); break;
		case 'u': umask((mode_t)strtoul(optarg, NULL, 8)); break;
		case '0': argc0 = 1; break;
		case 'a': argv0 = optarg; break;
		case 'c': close_fds = optarg; break;
		case 'o': extra = atoi(optarg); break;
		case 'N': if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) return 198; break;
		case 'e': if (nenv < 2048) env[nenv++] = optarg; break;
		default: return 197;
		}
	}
	if (optind >= argc) return 197;
	close_range(3, ~0U, 0); /* exactly what the options ask for */
	for (int i = 0; i < extra; i++)
		if (open("/dev/null", O_RDONLY) < 0) { perror("open"); return 198; }
	const char *prog = argv[optind];
	char **args = argv + optind;
	char *none[] = { NULL };
	if (argv0) args[0] = (char *)argv0;
	for (const char *c = close_fds; *c; c++) close(*c - '0');
	for (char **e = environ; *e && nenv < 4095; e++) env[nenv++] = *e;
	env[nenv] = NULL;
	execve(prog, argc0 ? none : args, env);
	return 199;
}
EOF
	cat >"$CJ_WORK/cjh-evil.c" <<'EOF'
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static void mark(const char *how)
{
	const char *dirs[] = { "/tmp", "/marks" };
	char p[64];
	for (int i = 0; i < 2; i++) {
		snprintf(p, sizeof p, "%s/cjh-evil-%s", dirs[i], how);
		int fd = open(p, O_WRONLY | O_CREAT | O_APPEND, 0666);
		if (fd >= 0) { dprintf(fd, "EVIL-LOADED uid=%d euid=%d\n", (int)getuid(), (int)geteuid()); close(fd); }
	}
	dprintf(2, "EVIL-LOADED\n");
}
__attribute__((constructor)) static void evil(void) { mark("ctor"); }
unsigned int la_version(unsigned int v) { mark("audit"); return v; }
EOF
	gcc -O1 -w -o "$CJ_PREFIX/bin/cjh-exec" "$CJ_WORK/cjh-exec.c" &&
		gcc -O1 -w -shared -fPIC -o "$CJ_PREFIX/bin/cjh-evil.so" "$CJ_WORK/cjh-evil.c" &&
		chmod 0755 "$CJ_PREFIX/bin/cjh-exec" "$CJ_PREFIX/bin/cjh-evil.so"
}

# h_evil_clear / h_evil_seen: the evil library's markers.
h_evil_clear() { rm -f /tmp/cjh-evil-ctor /tmp/cjh-evil-audit; }
h_evil_seen() { [ -e /tmp/cjh-evil-ctor ] || [ -e /tmp/cjh-evil-audit ] || grep -q EVIL-LOADED <<<"$CJ_ERR$CJ_OUT"; }
cj_atexit h_evil_clear

# h_evil_in_jail JAIL: the evil library at the same path inside JAIL, and a
# /tmp there for its marker (kept when the jail has one: a thin jail's is the
# customer's), so that a leaked LD_PRELOAD/LD_AUDIT would also load it into
# the CGI.
h_evil_in_jail() {
	mkdir -p "$1$CJ_PREFIX/bin" && cp "$CJ_PREFIX/bin/cjh-evil.so" "$1$CJ_PREFIX/bin/" || return 2
	[ -d "$1/tmp" ] || { mkdir "$1/tmp" && chmod 1777 "$1/tmp"; }
}
h_evil_clear_jail() { rm -f "$1"/tmp/cjh-evil-* "$1"/marks/cjh-evil-*; }
h_evil_seen_jail() { compgen -G "$1/tmp/cjh-evil-*" >/dev/null || compgen -G "$1/marks/cjh-evil-*" >/dev/null; }

# h_race_tool: $CJ_WORK/cjh-race (run as root):
#   cjh-race CGIJAIL DIR SWAP_A SWAP_B RACER_UID RUNS SECONDS MARK USER GROUP CMD ALSO
# forks a racer that, as RACER_UID, swaps the names SWAP_A and SWAP_B in DIR
# (renameat2 RENAME_EXCHANGE) as fast as it can, and meanwhile runs
# "CGIJAIL USER GROUP CMD" as www-data in DIR up to RUNS times or SECONDS
# seconds. Prints "runs N exec N won N foreign N" and "code C N" lines;
# "won" counts the runs whose output held MARK (the racer's file ran),
# "foreign" those of them whose output lacked ALSO (e.g. "uid=42001").
h_race_tool() {
	cat >"$CJ_WORK/cjh-race.c" <<'EOC'
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv)
{
	if (argc != 13) return 2;
	const char *bin = argv[1], *dir = argv[2], *a = argv[3], *b = argv[4], *mark = argv[8];
	uid_t ruid = (uid_t)atol(argv[5]);
	long runs = atol(argv[6]);
	double secs = atof(argv[7]), end = now() + secs;
	struct passwd *www = getpwnam("www-data");
	long codes[256] = { 0 }, n = 0, won = 0, foreign = 0;
	pid_t racer = fork();
	if (racer == 0) {
		int dfd = open(dir, O_PATH | O_DIRECTORY);
		if (setgroups(0, NULL) || setgid(ruid) || setuid(ruid) || dfd < 0) _exit(3);
		while (now() < end + 1)
			renameat2(dfd, a, dfd, b, RENAME_EXCHANGE);
		_exit(0);
	}
	char *env[] = { "PATH=/usr/bin:/bin", "GATEWAY_INTERFACE=CGI/1.1", NULL };
	char *args[] = { "cgijail", argv[9], argv[10], argv[11], NULL };
	while (n < runs && now() < end) {
		int p[2];
		if (pipe(p)) return 4;
		pid_t c = fork();
		if (c == 0) {
			dup2(p[1], 1); dup2(p[1], 2); close(p[0]); close(p[1]);
			if (chdir(dir) || setgroups(0, NULL) || setgid(www->pw_gid) || setuid(www->pw_uid)) _exit(5);
			execve(bin, args, env);
			_exit(6);
		}
		close(p[1]);
		char buf[65536]; size_t got = 0; ssize_t r;
		while ((r = read(p[0], buf + got, sizeof buf - 1 - got)) > 0 && got < sizeof buf - 1) got += (size_t)r;
		while (r > 0) r = read(p[0], buf, 1);
		buf[got] = 0;
		close(p[0]);
		int st;
		waitpid(c, &st, 0);
		n++;
		codes[WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st) > 255 ? 255 : 128 + WTERMSIG(st)]++;
		if (strstr(buf, mark)) { won++; if (!strstr(buf, argv[12])) foreign++; }
	}
	kill(racer, SIGKILL);
	waitpid(racer, NULL, 0);
	printf("runs %ld exec %ld won %ld foreign %ld\n", n, codes[0], won, foreign);
	for (int i = 0; i < 256; i++) if (codes[i]) printf("code %d %ld\n", i, codes[i]);
	return 0;
}
EOC
	gcc -O1 -w -o "$CJ_WORK/cjh-race" "$CJ_WORK/cjh-race.c"
}
