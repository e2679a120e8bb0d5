# shellcheck shell=bash
# Helpers for the root integration suites of the cgijail launcher.
# Source after tap.sh:
#
#   . "$CJ_TOP/tests/lib/tap.sh"; . "$CJ_TOP/tests/lib/cgijail.sh"
#   cj_install                       # $CJ_BIN: setuid copy, root:www-data 4750
#   cj_user cjtalice                 # real user + group, uid in 42000-42999
#   J=$(cj_jail cjtalice)            # /srv/cgijail-test.XXXXXX/jails/cjtalice
#   cj_site cjtalice                 # home, var/www/cgi-bin, marks/ in that jail
#   cj_conf <<EOF ... EOF            # /etc/cgijail-test/cgijail.conf
#   cj_run "$J/var/www/cgi-bin" cjtalice cjtalice s.cgi   # as Apache would
#   cj_assert_refused "CJ_X case" CJ_X 'pattern'
#
# CJ_THIN=bind|link in the environment: the jails are thin jails of one
# template built for the run (tests/lib/thin.sh).
# Everything created here (users, groups, jails, the setuid prefix, the
# config) is removed or restored at exit, however the suite exits. The EXIT
# trap belongs to tests/lib/jail.sh when it exists; clean-up is registered
# with its cj_atexit. Log lines in the log file stay.

: "${CJ_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${CJ_BUILD:=$CJ_TOP/build-test}"
export CJ_TOP CJ_BUILD
CJ_EXITS=$CJ_TOP/src/common/exits.def
: "${CJ_CONF_DIR:=/etc/cgijail-test}"
CJ_CONF=$CJ_CONF_DIR/cgijail.conf
: "${CJ_LOG:=/var/log/cgijail-test.log}"
CJ_CALLER=www-data
# The uid range is this run's alone: every suite sweeps its range clean at
# start and at exit. Runs with their own config dir (parallel development
# builds) get their own range, derived from the directory's name.
if [ "$CJ_CONF_DIR" = /etc/cgijail-test ]; then
	CJ_UID_MIN=42000
else
	CJ_UID_MIN=$((43000 + ($(printf %s "$CJ_CONF_DIR" | cksum | cut -d' ' -f1) % 40) * 1000))
fi
CJ_UID_MAX=$((CJ_UID_MIN + 999))
# The supervisor's system user (supervisor_user), this run's own.
CJ_SV_USER=cjtsv$CJ_UID_MIN
CJ_MARK=CJT-CGI-RAN
# The cgijail under test: the build's, or (CJ_SRC_BIN, CJ_CACHE_DIR) an
# installed one, as debian/tests/e2e runs the suites against the package.
: "${CJ_SRC_BIN:=$CJ_BUILD/src/cgijail/cgijail}"

# ---- the EXIT trap: jail.sh's when it exists, else a minimal one ----

if [ -f "$CJ_TOP/tests/lib/jail.sh" ]; then
	# shellcheck source=jail.sh
	. "$CJ_TOP/tests/lib/jail.sh"
else
	CJ_WORK=$(mktemp -d /tmp/cgijail-work.XXXXXX) || exit 2
	_cj_atexit_cmds=()
	cj_atexit() { _cj_atexit_cmds+=("$1"); }
	_cj_cleanup() {
		local rc=$? c
		trap - EXIT
		for c in "${_cj_atexit_cmds[@]}"; do eval "$c" || true; done
		rm -rf --one-file-system -- "$CJ_WORK"
		exit "$rc"
	}
	trap _cj_cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# Minimal stand-ins for jail.sh: copy a host file (following the
	# symlinks on its way), an ELF program with its libraries, a #! script's
	# interpreter.
	jail_copy_file() {
		local j=$1 p cur="" comp rest t
		p=$(realpath -m -s -- "$2"); rest=${p#/}
		while [ -n "$rest" ]; do
			comp=${rest%%/*}
			if [ "$comp" = "$rest" ]; then rest=""; else rest=${rest#*/}; fi
			cur=$cur/$comp
			if [ -L "$cur" ]; then
				t=$(readlink -- "$cur")
				[ -L "$j$cur" ] || ln -s -- "$t" "$j$cur" || return 2
				case $t in /*) ;; *) t=${cur%/*}/$t ;; esac
				jail_copy_file "$j" "$t${rest:+/$rest}"; return
			fi
			if [ -n "$rest" ] && [ ! -d "$j$cur" ]; then mkdir -m 0755 -- "$j$cur" || return 2; fi
		done
		cp -p --remove-destination -- "$p" "$j$p"
	}
	jail_copy_closure() {
		local f
		while IFS= read -r f; do jail_copy_file "$1" "$f" || return 2; done < <(
			/lib64/ld-linux-x86-64.so.2 --list "$2" 2>/dev/null |
				awk '$2 == "=>" && $3 ~ /^\// { print $3; next } $1 ~ /^\// { print $1 }')
	}
	jail_copy_prog() {
		local line interp
		jail_copy_file "$1" "$2" || return 2
		if [ "$(head -c 2 -- "$2")" = '#!' ]; then
			line=$(head -n 1 -- "$2"); line=${line#??}; read -r interp _ <<<"$line"
			jail_copy_prog "$1" "$interp"
		elif [ "$(head -c 4 -- "$2")" = $'\x7fELF' ]; then
			jail_copy_closure "$1" "$2"
		fi
	}
fi

# shellcheck source=thin.sh
. "$CJ_TOP/tests/lib/thin.sh"

# ---- exit codes, from the one table ----

# cj_code NAME: the exit code of NAME in exits.def (a number is echoed as is).
cj_code() {
	case $1 in
	''|*[!0-9]*)
		local c
		c=$(sed -n -E "s/^X\($1, *([0-9]+), *\".*/\1/p" "$CJ_EXITS")
		[ -n "$c" ] || { echo "cj_code: $1 is not in $CJ_EXITS" >&2; echo 999; return 1; }
		echo "$c" ;;
	*) echo "$1" ;;
	esac
}

# cj_text NAME: the fixed text of NAME in exits.def.
cj_text() {
	sed -n -E "s/^X\($1, *[0-9]+, *\"(.*)\"\)$/\1/p" "$CJ_EXITS"
}

# cj_name CODE: the name of CODE in exits.def.
cj_name() {
	sed -n -E "s/^X\(([A-Z_]+), *$1, *\".*/\1/p" "$CJ_EXITS"
}

# ---- what a run leaves behind, and stale leftovers of killed runs ----

_cjt_reg=$CJ_WORK/cgijail-registry
: >"$_cjt_reg"

# Users and groups in our range, from the local files (never NSS).
_cjt_range_users() { awk -F: -v lo=$CJ_UID_MIN -v hi=$CJ_UID_MAX '$3 >= lo && $3 <= hi { print $1 }' /etc/passwd; }
_cjt_range_groups() { awk -F: -v lo=$CJ_UID_MIN -v hi=$CJ_UID_MAX '$3 >= lo && $3 <= hi { print $1 }' /etc/group; }

_cjt_delete_user() { userdel -f "$1" >/dev/null 2>&1 || userdel "$1" >/dev/null 2>&1 || true; }
_cjt_delete_group() { getent group "$1" >/dev/null 2>&1 && { groupdel -f "$1" >/dev/null 2>&1 || groupdel "$1" >/dev/null 2>&1; }; true; }

# Remove one of our directories: only our own names, never crossing into
# another file system.
_cjt_rmtree() {
	local d=$1
	case $d in
	/srv/cgijail-test.?*|/var/tmp/cgijail-test.?*) ;;
	*) echo "cgijail.sh: refusing to remove $d" >&2; return 1 ;;
	esac
	[ -e "$d" ] || return 0
	rm -rf --one-file-system -- "$d"
}

# Leftovers of an interrupted run: users and groups in our uid range, and
# our directories whose owning process is gone.
_cjt_sweep_stale() {
	local u g d pid
	for u in $(_cjt_range_users); do _cjt_delete_user "$u"; done
	for g in $(_cjt_range_groups); do _cjt_delete_group "$g"; done
	_cjt_delete_user "$CJ_SV_USER"; _cjt_delete_group "$CJ_SV_USER"
	_cjt_clear_check_cache
	for d in /srv/cgijail-test.?* /var/tmp/cgijail-test.?*; do
		[ -d "$d" ] || continue
		# Only ours (marked with the suite's pid), and only when that suite is gone.
		pid=$(cat "$d/.cgijail-test-pid" 2>/dev/null) || continue
		case $pid in ''|*[!0-9]*) continue ;; esac
		kill -0 "$pid" 2>/dev/null || _cjt_rmtree "$d"
	done
}

# cj_cache_dir: the check cache directory compiled into the cgijail under
# test (CJ_CACHE_DIR when it is an installed one, else the build's cj_build.h).
cj_cache_dir() {
	if [ -n "${CJ_CACHE_DIR-}" ]; then echo "$CJ_CACHE_DIR"; return 0; fi
	sed -n 's/^#define CJ_CACHE_DIR "\(.*\)"$/\1/p' "$CJ_BUILD/cj_build.h" 2>/dev/null
}

# The check cache files cgijail kept for our uid range (one per target uid).
_cjt_clear_check_cache() {
	local dir f
	dir=$(cj_cache_dir)
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	for f in "$dir"/*; do
		case ${f##*/} in ''|*[!0-9]*) continue ;; esac
		[ "${f##*/}" -ge "$CJ_UID_MIN" ] && [ "${f##*/}" -le "$CJ_UID_MAX" ] && rm -f -- "$f"
	done
	return 0
}

_cjt_main_pid=$BASHPID
_cjt_cleanup() {
	local kind what
	# Only the suite itself cleans up, never a forked child that happened
	# to run the exit trap before resetting it.
	[ "$BASHPID" = "$_cjt_main_pid" ] || return 0
	while IFS=' ' read -r kind what; do
		case $kind in
		user) _cjt_delete_user "$what" ;;
		group) _cjt_delete_group "$what" ;;
		esac
	done < <(tac "$_cjt_reg" 2>/dev/null)
	# Anything created in our range by a subshell that could not register.
	for what in $(_cjt_range_users); do _cjt_delete_user "$what"; done
	_cjt_clear_check_cache
	for what in $(_cjt_range_groups); do _cjt_delete_group "$what"; done
	while IFS=' ' read -r kind what; do
		[ "$kind" = dir ] && _cjt_rmtree "$what"
	done < <(tac "$_cjt_reg" 2>/dev/null)
	_cjt_restore_conf
}
cj_atexit _cjt_cleanup

# ---- the config file ----

# The config and its directory as they were before the suite, kept where an
# interrupted (SIGKILLed) run leaves them for the next run to put back first.
_cjt_saved=/var/lib/cgijail-test-saved
[ "$CJ_CONF_DIR" = /etc/cgijail-test ] || _cjt_saved=$_cjt_saved.${CJ_CONF_DIR##*/}

_cjt_restore_conf() {
	local m u g
	[ -d "$_cjt_saved" ] || return 0
	rm -rf -- "$CJ_CONF" "$CJ_CONF_DIR/.cgijail.conf.tmp" "$CJ_CONF_DIR/real.conf"
	if [ -f "$_cjt_saved/dir-created" ]; then
		rmdir -- "$CJ_CONF_DIR" 2>/dev/null || true
	else
		read -r m u g <"$_cjt_saved/dir-mode"
		mkdir -p -- "$CJ_CONF_DIR" && chown "$u:$g" "$CJ_CONF_DIR" && chmod "$m" "$CJ_CONF_DIR"
		if [ -e "$_cjt_saved/conf" ] || [ -L "$_cjt_saved/conf" ]; then
			cp -a -- "$_cjt_saved/conf" "$CJ_CONF"
		fi
	fi
	rm -rf -- "$_cjt_saved"
}

_cjt_save_conf() {
	_cjt_restore_conf
	mkdir -m 0700 -- "$_cjt_saved" || return 2
	if [ -d "$CJ_CONF_DIR" ]; then
		stat -c '%a %u %g' "$CJ_CONF_DIR" >"$_cjt_saved/dir-mode"
		if [ -e "$CJ_CONF" ] || [ -L "$CJ_CONF" ]; then cp -a -- "$CJ_CONF" "$_cjt_saved/conf" || return 2; fi
	else
		: >"$_cjt_saved/dir-created"
		mkdir -p -m 0755 "$CJ_CONF_DIR" && chown root:root "$CJ_CONF_DIR"
	fi
}

# cj_conf: write the config from stdin (root:root 0644, replaced atomically).
cj_conf() {
	local tmp=$CJ_CONF_DIR/.cgijail.conf.tmp
	rm -rf -- "$tmp"
	cat >"$tmp" && chown root:root "$tmp" && chmod 0644 "$tmp" && mv -f -T -- "$tmp" "$CJ_CONF"
}

# ---- the setuid binary ----

# cj_install [MODE]: copy the built cgijail into a fresh prefix
# /var/tmp/cgijail-test.XXXXXX/bin/ as root:www-data with MODE (4750).
# Sets CJ_PREFIX and CJ_BIN. Fails when the file system is mounted nosuid.
cj_install() {
	local mode=${1:-4750} opts
	[ -x "$CJ_SRC_BIN" ] || { echo "cj_install: $CJ_SRC_BIN is not built" >&2; return 2; }
	CJ_PREFIX=$(cj_tmpdir) || return 2
	mkdir -m 0755 "$CJ_PREFIX/bin" || return 2
	CJ_BIN=$CJ_PREFIX/bin/cgijail
	cj_install_copy "$CJ_BIN" "$mode" || return 2
	opts=$(findmnt -n -o OPTIONS -T "$CJ_PREFIX/bin")
	case ,$opts, in
	*,nosuid,*) echo "cj_install: $CJ_PREFIX is on a nosuid mount ($opts)" >&2; return 2 ;;
	esac
}

# cj_tmpdir: print a fresh directory /var/tmp/cgijail-test.XXXXXX, root
# 0755 (readable by every user), removed at exit (or by a later run's sweep).
cj_tmpdir() {
	local d
	d=$(mktemp -d /var/tmp/cgijail-test.XXXXXX) || return 2
	echo "dir $d" >>"$_cjt_reg"
	echo $$ >"$d/.cgijail-test-pid"
	chown root:root "$d" && chmod 0755 "$d" && echo "$d"
}

# cj_install_copy DEST MODE: another copy of the binary (e.g. without the setuid bit).
cj_install_copy() {
	cp -- "$CJ_SRC_BIN" "$1" && chown root:"$CJ_CALLER" "$1" && chmod "$2" "$1"
}

# ---- users, groups ----

# _cjt_free_id: the first id in our range free both as a uid and as a gid.
_cjt_free_id() {
	local id
	for ((id = CJ_UID_MIN + 1; id <= CJ_UID_MAX; id++)); do
		getent passwd "$id" >/dev/null 2>&1 && continue
		getent group "$id" >/dev/null 2>&1 && continue
		echo "$id"; return 0
	done
	return 1
}

# cj_group NAME: a group with a free gid of our range. Sets CJ_LAST_GID.
cj_group() {
	local id
	id=$(_cjt_free_id) || { echo "cj_group: range full" >&2; return 2; }
	groupadd -g "$id" "$1" || return 2
	echo "group $1" >>"$_cjt_reg"
	CJ_LAST_GID=$id
}

# cj_user NAME [HOME]: a user with a free uid of our range, its own group
# (same number), shell nologin, home HOME (default: inside its jail,
# $CJ_SRV/jails/NAME/home/NAME; not created). Sets CJ_LAST_UID.
cj_user() {
	local name=$1 home=${2:-$CJ_SRV/jails/$1/home/$1} id
	id=$(_cjt_free_id) || { echo "cj_user: range full" >&2; return 2; }
	groupadd -g "$id" "$name" || return 2
	echo "group $name" >>"$_cjt_reg"
	useradd -M -N -u "$id" -g "$id" -d "$home" -s /usr/sbin/nologin "$name" || return 2
	echo "user $name" >>"$_cjt_reg"
	CJ_LAST_UID=$id
}

# cj_add_to_group USER GROUP: make USER a member of GROUP (supplementary).
cj_add_to_group() { gpasswd -a "$1" "$2" >/dev/null; }

cj_uid() { id -u "$1"; }
cj_gid() { getent group "$1" | cut -d: -f3; }

# ---- jails ----

# The root of everything jailed: root-owned 0755 all the way up (/srv).
_cjt_make_srv() {
	[ -n "${CJ_SRV-}" ] && return 0
	CJ_SRV=$(mktemp -d /srv/cgijail-test.XXXXXX) || return 2
	echo "dir $CJ_SRV" >>"$_cjt_reg"
	echo $$ >"$CJ_SRV/.cgijail-test-pid"
	chown root:root "$CJ_SRV" && chmod 0755 "$CJ_SRV" && mkdir -m 0755 "$CJ_SRV/jails"
}

# cj_jail NAME: create (once) the jail root $CJ_SRV/jails/NAME, root-owned
# 0755 like every directory above it, with /etc and a /jail-id file holding
# NAME; print its path. Programs are copied in with jail_copy_prog.
# CJ_THIN: NAME's thin jail instead (NAME must be a user; thin.sh).
cj_jail() {
	local j=$CJ_SRV/jails/$1
	if [ ! -d "$j" ]; then
		if [ -n "${CJ_THIN-}" ]; then
			cj_thin_init "$1" "$j" || return 2
		else
			mkdir -m 0755 "$j" "$j/etc" && chown root:root "$j" "$j/etc" || return 2
		fi
		echo "$1" >"$j/jail-id"; chmod 0644 "$j/jail-id"
	fi
	echo "$j"
}

# cj_dir PATH OWNER [MODE]: mkdir -p PATH (parents root 0755), owned by OWNER (user[:group]).
cj_dir() {
	local p=$1 own=$2 mode=${3:-0755} parent
	parent=$(dirname -- "$p")
	[ -d "$parent" ] || { mkdir -p -m 0755 -- "$parent" || return 2; }
	[ -d "$p" ] || mkdir -m "$mode" -- "$p" || return 2
	chown "$own" "$p" && chmod "$mode" "$p"
}

# cj_site USER [JAIL]: in JAIL (default: USER's jail), the user's home
# (owned by the user) unless it lies elsewhere, var/www (root 0755),
# var/www/cgi-bin and marks/ (owned by the user, 0755).
cj_site() {
	local u=$1 j=${2:-$CJ_SRV/jails/$1} home
	home=$(getent passwd "$u" | cut -d: -f6)
	case $home in "$j"/*) cj_dir "$j$(printf '%s' "${home#"$j"}")" "$u:$u" || return 2 ;; esac
	cj_dir "$j/var/www" root:root && cj_dir "$j/var/www/cgi-bin" "$u:$u" && cj_dir "$j/marks" "$u:$u"
}

# cj_cgi SRC DEST OWNER [MODE]: install a CGI program (default mode 0755).
cj_cgi() {
	cp -- "$1" "$2" && chown "$3" "$2" && chmod "${4:-0755}" "$2"
}

# ---- the test CGIs ----

# cj_build_cgis: compile the dump CGI into $CJ_WORK/dump-static (gcc -static)
# and $CJ_WORK/dump-dynamic, and write the #!/bin/sh one to $CJ_WORK/dump.sh.
# Each prints "MARK CJT-CGI-RAN", then "key value" lines (ids, groups, cwd,
# umask, rlimits, fds, caps, no_new_privs, jail-id, argv, env) and appends its
# name to /marks/ran in the jail. Also: stdfds (which of 0-2 are open),
# sigign/sigblk (ignored/blocked signals), stdin (its first line).
cj_build_cgis() {
	cat >"$CJ_WORK/dump.c" <<'EOF'
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static void limit(const char *name, int res)
{
	struct rlimit rl;
	char s[32], h[32];

	if (getrlimit(res, &rl) < 0) { printf("rlimit %s error\n", name); return; }
	if (rl.rlim_cur == RLIM_INFINITY) strcpy(s, "unlimited"); else snprintf(s, sizeof s, "%llu", (unsigned long long)rl.rlim_cur);
	if (rl.rlim_max == RLIM_INFINITY) strcpy(h, "unlimited"); else snprintf(h, sizeof h, "%llu", (unsigned long long)rl.rlim_max);
	printf("rlimit_%s %s:%s\n", name, s, h);
}

int main(int argc, char **argv)
{
	uid_t ru, eu, su; gid_t rg, eg, sg, groups[512];
	char cwd[4096], id[256];
	int n, fd;
	mode_t m;
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct cap[2];

	printf("Content-Type: text/plain\n\nMARK CJT-CGI-RAN\n");
	getresuid(&ru, &eu, &su); getresgid(&rg, &eg, &sg);
	printf("uids %u %u %u\ngids %u %u %u\n", ru, eu, su, rg, eg, sg);
	n = getgroups(512, groups);
	printf("groups");
	for (int i = 0; i < n; i++) printf(" %u", groups[i]);
	printf("\ncwd %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
	m = umask(0); umask(m);
	printf("umask %04o\n", (unsigned)m);
	limit("cpu", RLIMIT_CPU); limit("as", RLIMIT_AS); limit("nofile", RLIMIT_NOFILE);
	limit("fsize", RLIMIT_FSIZE); limit("core", RLIMIT_CORE); limit("nproc", RLIMIT_NPROC);
	limit("stack", RLIMIT_STACK); limit("data", RLIMIT_DATA);
	printf("fds");
	for (int i = 3; i < 4096; i++) if (fcntl(i, F_GETFD) >= 0) printf(" %d", i);
	printf("\n");
	if (syscall(SYS_capget, &hdr, cap) == 0)
		printf("caps %x %x %x %x %x %x\n", cap[0].effective, cap[1].effective, cap[0].permitted,
		       cap[1].permitted, cap[0].inheritable, cap[1].inheritable);
	printf("no_new_privs %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	printf("nice %d\n", getpriority(PRIO_PROCESS, 0));
	printf("stdfds");
	for (int i = 0; i < 3; i++) if (fcntl(i, F_GETFD) >= 0) printf(" %d", i);
	printf("\nsigign");
	for (int i = 1; i < 65; i++) {
		struct sigaction sa;
		if (sigaction(i, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) printf(" %d", i);
	}
	sigset_t blk;
	sigprocmask(SIG_SETMASK, NULL, &blk);
	printf("\nsigblk");
	for (int i = 1; i < 65; i++) if (sigismember(&blk, i) == 1) printf(" %d", i);
	char in[256];
	n = read(0, in, sizeof in - 1);
	in[n > 0 ? n : 0] = 0;
	in[strcspn(in, "\n")] = 0;
	printf("\nstdin %s\n", in);
	fd = open("/jail-id", O_RDONLY);
	n = fd >= 0 ? read(fd, id, sizeof id - 1) : -1;
	if (n > 0 && id[n - 1] == '\n') n--;
	id[n > 0 ? n : 0] = 0;
	printf("jail_id %s\n", n > 0 ? id : "(none)");
	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++) printf("argv%d %s\n", i, argv[i]);
	for (char **e = environ; *e; e++) printf("env %s\n", *e);
	fflush(stdout);
	fd = open("/marks/ran", O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0) { dprintf(fd, "%s\n", argv[0]); close(fd); }
	return 0;
}
EOF
	gcc -O1 -w -static -o "$CJ_WORK/dump-static" "$CJ_WORK/dump.c" &&
		gcc -O1 -w -o "$CJ_WORK/dump-dynamic" "$CJ_WORK/dump.c" || return 2
	cat >"$CJ_WORK/dump.sh" <<'EOF'
#!/bin/sh
echo "Content-Type: text/plain"
echo
echo "MARK CJT-CGI-RAN"
echo "uids $(id -ru) $(id -u)"
echo "gids $(id -rg) $(id -g)"
echo "groups $(id -G)"
echo "cwd $(pwd)"
echo "umask $(umask)"
echo "argc $#"
env | while IFS= read -r l; do echo "env $l"; done
echo "$0" >>/marks/ran
EOF
}

# cj_jail_tools JAIL: what dump.sh needs in JAIL (/bin/sh, id, env). A thin
# jail has them from its template.
cj_jail_tools() {
	if [ -n "${CJ_THIN-}" ]; then _cjt_thin_has "$1" /bin/sh /usr/bin/id /usr/bin/env; return; fi
	jail_copy_prog "$1" /bin/sh && jail_copy_prog "$1" /usr/bin/id && jail_copy_prog "$1" /usr/bin/env
}

# cj_jail_closure JAIL FILE: what the loader needs for the host's ELF FILE,
# copied into JAIL, or (a thin jail) all found in its template.
cj_jail_closure() {
	if [ -n "${CJ_THIN-}" ]; then
		local f
		while IFS= read -r f; do _cjt_thin_has "$1" "$f" || return 2; done < <(cj_needed "$2")
		return 0
	fi
	jail_copy_closure "$1" "$2"
}

# ---- running cgijail as Apache does ----

# The environment Apache's mod_cgi gives a CGI (and so cgijail).
CJ_BASE_ENV=(
	GATEWAY_INTERFACE=CGI/1.1 SERVER_SOFTWARE=Apache/2.4 SERVER_NAME=localhost
	SERVER_ADDR=127.0.0.1 SERVER_PORT=80 SERVER_PROTOCOL=HTTP/1.1
	REQUEST_METHOD=GET REQUEST_SCHEME=http QUERY_STRING=a=1 REQUEST_URI=/cgi-bin/x?a=1
	SCRIPT_NAME=/cgi-bin/x REMOTE_ADDR=127.0.0.1 REMOTE_PORT=40000
	HTTP_HOST=localhost HTTP_USER_AGENT=cjtest
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
)

# cj_run CWD ARG...: run "$CJ_BIN ARG..." in CWD the way Apache runs suexec,
# then set CJ_RC, CJ_OUT, CJ_ERR, CJ_LOGNEW (the log lines this process wrote),
# CJ_LOGALL (every line appended to the log meanwhile), CJ_RAN (1 when a test
# CGI ran: its marker on stdout or in a jail's marks/).
# Who runs it: CJ_AS (default www-data; "root"; a user name; or "uid:N" for a
# uid without passwd entry) with the groups in CJ_AS_GROUPS (comma list of
# names/numbers; default none). The environment: env -i, CJ_BASE_ENV, then
# the CJ_ENV array (a run is killed after CJ_TIMEOUT seconds, default 20).
# CJ_PRE: shell code run in CWD just before the exec
# (e.g. "ulimit -n 64"). CJ_BIN_RUN overrides the binary. CJ_STDIN: a file
# for stdin (default /dev/null). CJ_WRAP: an array, a command (as root) the
# whole run is exec'd under, e.g. a seccomp filter (tests/integration/probes/noabi.c).
cj_run() {
	local cwd=$1; shift
	local out=$CJ_WORK/run.out err=$CJ_WORK/run.err who=() size pid wd
	local as=${CJ_AS:-www-data}
	size=$(stat -c %s "$CJ_LOG" 2>/dev/null) || size=0
	rm -f "$CJ_SRV"/jails/*/marks/ran "$CJ_SRV"/*/marks/ran 2>/dev/null
	case $as in
	root) who=() ;;
	uid:*)
		who=(setpriv "--reuid=${as#uid:}" "--regid=${as#uid:}") ;;
	*)
		who=(setpriv "--reuid=$as" "--regid=$(id -g "$as")") ;;
	esac
	if [ "$as" != root ]; then
		if [ -n "${CJ_AS_GROUPS-}" ]; then who+=("--groups=$CJ_AS_GROUPS"); else who+=(--clear-groups); fi
		who+=(--)
	fi
	(
		cd -- "$cwd" || exit 199
		eval "${CJ_PRE-}"
		exec "${CJ_WRAP[@]}" "${who[@]}" env -i "${CJ_BASE_ENV[@]}" "${CJ_ENV[@]}" "${CJ_BIN_RUN:-$CJ_BIN}" "$@"
	) >"$out" 2>"$err" <"${CJ_STDIN:-/dev/null}" &
	pid=$!
	# A watchdog without child processes (bash's read -t on a FIFO no one
	# writes), killed by its pid as soon as the run is over -- with SIGKILL:
	# a forked bash still runs the parent's traps until it resets them, and
	# a TERM in that window would run the suite's exit trap (clean-up!) there.
	[ -p "$CJ_WORK/watchdog.fifo" ] || mkfifo -m 0600 "$CJ_WORK/watchdog.fifo"
	local me=$BASHPID
	(
		read -r -t "${CJ_TIMEOUT:-20}" <>"$CJ_WORK/watchdog.fifo"
		# Only while it is still our child: never a reused pid.
		[ "$(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null)" = "$me" ] && kill -KILL "$pid"
	) >/dev/null 2>&1 &
	wd=$!
	wait "$pid"; CJ_RC=$?
	kill -KILL "$wd" 2>/dev/null; wait "$wd" 2>/dev/null
	CJ_OUT=$(cat "$out")
	CJ_ERR=$(cat "$err")
	CJ_LOGALL=$(tail -c +$((size + 1)) "$CJ_LOG" 2>/dev/null)
	CJ_LOGNEW=$(grep -F "cgijail[$pid]: " <<<"$CJ_LOGALL")
	CJ_PID=$pid
	CJ_RAN=0
	if grep -q "$CJ_MARK" "$out" || compgen -G "$CJ_SRV/jails/*/marks/ran" >/dev/null ||
		compgen -G "$CJ_SRV/*/marks/ran" >/dev/null; then
		CJ_RAN=1
	fi
	return 0
}

# ---- probe CGIs: one static program, one user and jail per case ----

# cj_conf_head [JAIL-LINE [DOCROOT-LINE]]: the [cgijail] lines a suite's
# config starts with: the caller, the uid range, no syslog, jails and
# docroots under $CJ_SRV/jails/%u -- or the lines given instead ("" for none).
# CJ_THIN: then the template's lines (thin.sh).
cj_conf_head() {
	local jail=${1-jail_root = $CJ_SRV/jails/%u} docroot=${2-docroot = $CJ_SRV/jails/%u/var/www}
	cat <<EOF
# cgijail integration tests ($0)
[cgijail]
caller = $CJ_CALLER
min_uid = $CJ_UID_MIN
min_gid = $CJ_UID_MIN
supervisor_user = $CJ_SV_USER
syslog = no
$jail
$docroot
EOF
	cj_thin_conf_lines
}

# cj_probe_sites SRC USER...: compile SRC (gcc -static) and give each USER
# a user, a jail, a site and the program as var/www/cgi-bin/probe.cgi.
cj_probe_sites() {
	local src=$1 u j; shift
	gcc -static -O1 -Wall -o "$CJ_WORK/probe" "$src" 2>"$CJ_WORK/cc.log" || { cat "$CJ_WORK/cc.log"; return 2; }
	for u in "$@"; do
		cj_user "$u" || return 2
		j=$(cj_jail "$u") && cj_site "$u" || return 2
		cj_cgi "$CJ_WORK/probe" "$j/var/www/cgi-bin/probe.cgi" "$u:$u" || return 2
	done
}

# cj_bin USER: USER's cgi-bin directory (host path).
cj_bin() { echo "$CJ_SRV/jails/$1/var/www/cgi-bin"; }
# cj_reset_run: back to a plain request from www-data.
cj_reset_run() { CJ_AS=www-data; CJ_AS_GROUPS=; CJ_ENV=(); CJ_PRE=; CJ_WANT_UID=; CJ_STDIN=; CJ_WRAP=(); }
# cj_probe USER ARG...: a plain request for USER's probe.cgi with ARGs.
cj_probe() { cj_reset_run; cj_run "$(cj_bin "$1")" "$1" "$1" probe.cgi "${@:2}"; }

# cj_val KEY: the value of the "KEY value" line of the last CGI's output.
cj_val() { awk -v k="$1" '$1 == k { sub(/^[^ ]* ?/, ""); print; exit }' <<<"$CJ_OUT"; }

# cj_env NAME: the CGI's value of NAME; status 1 when it had none.
cj_env() {
	local l
	l=$(grep -m1 -E "^env $1=" <<<"$CJ_OUT") || return 1
	printf '%s\n' "${l#env "$1"=}"
}

# cj_env_names: the sorted names in the CGI's environment.
cj_env_names() { sed -n -E 's/^env ([^=]*)=.*/\1/p' <<<"$CJ_OUT" | sort; }

# cj_diag_run: the last run, for a failing test.
cj_diag_run() {
	diag "exit $CJ_RC (pid $CJ_PID), ran=$CJ_RAN"
	[ -z "$CJ_ERR" ] || diag "stderr:" "$CJ_ERR"
	[ -z "$CJ_LOGALL" ] || diag "log:" "$CJ_LOGALL"
	[ -z "$CJ_OUT" ] || diag "stdout:" "$(head -n 40 <<<"$CJ_OUT")"
}

# cj_expect NAME COND...: like check, but shows the last run when it fails.
# COND is one shell command list given as arguments, evaluated.
cj_expect() {
	local name=$1; shift
	if eval "$*"; then ok "$name"; else not_ok "$name"; diag "failed: $*"; cj_diag_run; fi
}

# cj_assert_refused NAME CODE PATTERN [--no-log|--exec-logged]: after
# cj_run, one test (CJ_VERBOSE=1: show stderr of passing ones too):
#  - the exit status is CODE (a name from exits.def, or a number);
#  - the log got exactly one line from this process, it is the last line of
#    the log, it says "decision=refused code=CODE", its reason starts with
#    the exits.def text of CODE, and it matches the ERE PATTERN;
#    with --no-log (refusals where not even the compiled-in log file can be
#    opened: CJ_LOG, CJ_NOT_SETUID): the log file got no line at all; with --exec-logged (CJ_EXEC:
#    exec failed after the request was logged as accepted): two lines, the
#    first "decision=exec code=0", the last the refusal;
#  - stderr is exactly one line "cgijail: refused (exit CODE): TEXT: ..."
#    matching PATTERN;
#  - no CGI ran (no marker).
cj_assert_refused() {
	local name=$1 code text nolog=0 nlines=1 last why=()
	code=$(cj_code "$2"); text=$(cj_text "$(cj_name "$code")")
	local pat=$3
	case ${4-} in
	--no-log) nolog=1 ;;
	--exec-logged) nlines=2 ;;
	esac
	[ "$CJ_RC" = "$code" ] || why+=("exit status $CJ_RC, expected $code")
	if [ "$nolog" = 1 ]; then
		[ -z "$CJ_LOGALL" ] || why+=("the log file got a line, expected none")
	else
		local n
		n=$(grep -c . <<<"$CJ_LOGNEW")
		[ "$n" = "$nlines" ] || why+=("$n log lines from this process, expected $nlines")
		if [ "$nlines" = 2 ]; then
			case $(head -n 1 <<<"$CJ_LOGNEW") in
			*" decision=exec code=0 "*) ;;
			*) why+=("the first log line does not say decision=exec code=0") ;;
			esac
		fi
		last=$(tail -n 1 "$CJ_LOG" 2>/dev/null)
		[ "$last" = "$(tail -n 1 <<<"$CJ_LOGNEW")" ] || why+=("the last log line is not this process's")
		case $last in
		*" decision=refused code=$code reason=\"$text: "*) ;;
		*) why+=("the last log line does not say decision=refused code=$code reason=\"$text: ...\"") ;;
		esac
		grep -qE -- "$pat" <<<"$last" || why+=("the last log line does not match /$pat/")
	fi
	local nerr
	nerr=$(printf '%s' "$CJ_ERR" | grep -c '')
	[ "$nerr" = 1 ] || why+=("stderr has $nerr lines, expected 1")
	case $CJ_ERR in
	"cgijail: refused (exit $code): $text: "*) ;;
	*) why+=("stderr is not 'cgijail: refused (exit $code): $text: ...'") ;;
	esac
	grep -qE -- "$pat" <<<"$CJ_ERR" || why+=("stderr does not match /$pat/")
	[ "$CJ_RAN" = 0 ] || why+=("the CGI ran")
	if [ ${#why[@]} -eq 0 ]; then
		ok "$name"
		[ -z "${CJ_VERBOSE-}" ] || diag "$CJ_ERR"
	else
		not_ok "$name"
		diag "${why[@]}"
		cj_diag_run
	fi
}

# cj_assert_exec NAME: after cj_run, one test: exit 0, the CGI ran, stderr is
# empty, and the log got exactly one line, "decision=exec code=0", naming
# the target uid (from "uid=N(") when CJ_WANT_UID is set.
cj_assert_exec() {
	local name=$1 why=()
	[ "$CJ_RC" = 0 ] || why+=("exit status $CJ_RC, expected 0")
	[ "$CJ_RAN" = 1 ] || why+=("the CGI did not run")
	[ -z "$CJ_ERR" ] || why+=("stderr is not empty")
	local n
	n=$(grep -c . <<<"$CJ_LOGNEW")
	[ "$n" = 1 ] || why+=("$n log lines from this process, expected 1")
	case $CJ_LOGNEW in
	*" decision=exec code=0 reason=\"$(cj_text CJ_OK)\"") ;;
	*) why+=("the log line does not say decision=exec code=0") ;;
	esac
	if [ -n "${CJ_WANT_UID-}" ]; then
		case $CJ_LOGNEW in *" uid=$CJ_WANT_UID("*) ;; *) why+=("the log line does not name uid=$CJ_WANT_UID") ;; esac
	fi
	if [ ${#why[@]} -eq 0 ]; then
		ok "$name"
	else
		not_ok "$name"
		diag "${why[@]}"
		cj_diag_run
	fi
}

# ---- start ----

# Directories made with mkdir -p (jails, homes) must be 0755 all the way.
umask 022

[ "$(id -u)" = 0 ] || { echo "cgijail.sh: the root suites must run as root" >&2; exit 2; }
id "$CJ_CALLER" >/dev/null 2>&1 || { echo "cgijail.sh: no $CJ_CALLER user" >&2; exit 2; }
_cjt_sweep_stale
_cjt_save_conf || exit 2
_cjt_make_srv || exit 2
# The timeout supervisor's user: a system user (below min_uid) of its own.
useradd --system --user-group --no-create-home -d /nonexistent -s /usr/sbin/nologin "$CJ_SV_USER" || exit 2
echo "group $CJ_SV_USER" >>"$_cjt_reg"; echo "user $CJ_SV_USER" >>"$_cjt_reg"
if [ -n "${CJ_THIN-}" ]; then
	cj_thin_skip_unsupported
	TAP_END_HOOKS+=(_cjt_no_template_mounts)
fi
