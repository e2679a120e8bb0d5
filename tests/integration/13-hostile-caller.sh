#!/usr/bin/env bash
# Adversarial tests, the local caller: whoever can run the setuid cgijail
# controls its environment, descriptors, limits, umask and argv. None of it
# may change what cgijail does, and none of it may reach the CGI. Each case
# is one test; the cases 11-cgijail-refusals.sh and 10-cgijail-run.sh
# already hold are not repeated. TAP on stdout; always exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/hostile.sh"

setup() {
	cj_install || return 2
	h_tools || return 2
	cj_build_cgis || return 2
	cj_user cjhcall && U=$CJ_LAST_UID || return 2
	J=$(cj_jail cjhcall) && cj_site cjhcall || return 2
	cj_jail_closure "$J" "$CJ_WORK/dump-dynamic" && cj_jail_tools "$J" || return 2
	D=$J/var/www/cgi-bin
	cj_cgi "$CJ_WORK/dump-static" "$D/s.cgi" cjhcall:cjhcall &&
		cj_cgi "$CJ_WORK/dump-dynamic" "$D/d.cgi" cjhcall:cjhcall &&
		cj_cgi "$CJ_WORK/dump.sh" "$D/sh.cgi" cjhcall:cjhcall || return 2
	h_evil_in_jail "$J" || return 2
	# A fake libc.so.6 (the evil library) for LD_LIBRARY_PATH, on the host and in the jail.
	local d
	for d in "$CJ_PREFIX/evil-lib" "$J$CJ_PREFIX/evil-lib"; do
		mkdir -p "$d" && cp "$CJ_PREFIX/bin/cjh-evil.so" "$d/libc.so.6" || return 2
	done
	# What a shell would source from BASH_ENV / ENV: a marker in the jail
	# (also in /marks: the jail's /tmp may be a private tmpfs).
	printf 'echo CJH-ENV-SOURCED >>/tmp/cjh-env-sourced; echo CJH-ENV-SOURCED >>/marks/cjh-env-sourced\n' >"$J/cjh-env.sh"
	printf 'echo CJH-ENV-SOURCED >>/tmp/cjh-env-sourced\n' >"$CJ_PREFIX/cjh-env.sh"
	chmod 0644 "$J/cjh-env.sh" "$CJ_PREFIX/cjh-env.sh"
	h_conf_reset && h_conf
}
if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

reset_run() { CJ_AS=www-data; CJ_AS_GROUPS=; CJ_ENV=(); CJ_PRE=; CJ_BIN_RUN=; CJ_STDIN=; CJ_WANT_UID=$U; }
# req [PROG] / req_args ARGS...: the good request in $D, or with other arguments.
req() { h_evil_clear; h_evil_clear_jail "$J"; rm -f "$J/tmp/cjh-env-sourced" "$J/marks/cjh-env-sourced"; cj_run "$D" cjhcall cjhcall "${1:-d.cgi}"; }
req_args() { cj_run "$D" "$@"; }
# via_exec OPTS... -- ARGS...: run cgijail through cjh-exec with OPTS.
via_exec() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	CJ_BIN_RUN=$CJ_PREFIX/bin/cjh-exec
	cj_run "$D" "${opts[@]}" "$CJ_BIN" "$@"
	CJ_BIN_RUN=
}
ran_clean() { [ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && [ "$(cj_val uids)" = "$U $U $U" ]; }
one_exec_line() { [ "$(grep -c . <<<"$CJ_LOGNEW")" = 1 ] && grep -q ' decision=exec code=0 ' <<<"$CJ_LOGNEW"; }
no_evil() { ! h_evil_seen && ! h_evil_seen_jail "$J"; }
absent() { local n; for n; do cj_env "$n" >/dev/null && { diag "$n reached the CGI"; return 1; }; done; return 0; }

reset_run
req
cj_assert_exec "control: the dynamic CGI runs for the plain caller"

# ---- the caller's environment: never read by cgijail, never passed on ----

# env_case NAME VAR=VALUE...: d.cgi (dynamically linked: a leaked LD_* would
# act inside the jail too) runs exactly as without them, and none of the
# names reaches it.
env_case() {
	local name=$1 names=() v; shift
	for v; do names+=("${v%%=*}"); done
	reset_run; CJ_ENV=("$@"); req
	h_safe "hostile env $name: the request runs as usual, one exec log line, nothing loaded, ${names[*]} absent in the CGI" \
		'ran_clean && one_exec_line && [ -z "$CJ_ERR" ] && no_evil && absent "${names[@]}"'
}
env_case "LD_PRELOAD (absolute path of a library with a constructor)" "LD_PRELOAD=$CJ_PREFIX/bin/cjh-evil.so"
env_case "LD_LIBRARY_PATH (a directory with a fake libc.so.6)" "LD_LIBRARY_PATH=$CJ_PREFIX/evil-lib"
env_case "LD_AUDIT (an audit library with la_version)" "LD_AUDIT=$CJ_PREFIX/bin/cjh-evil.so"
env_case "GCONV_PATH and LOCPATH, LC_ALL, LANGUAGE, NLSPATH" "GCONV_PATH=$CJ_PREFIX/evil-lib" \
	"LOCPATH=$CJ_PREFIX/evil-lib" LC_ALL=xx_XX.UTF-8 LANGUAGE=xx "NLSPATH=$CJ_PREFIX/evil-lib/%N"
env_case "MALLOC_CHECK_, MALLOC_PERTURB_, MALLOC_TRACE, MALLOC_ARENA_MAX" MALLOC_CHECK_=3 MALLOC_PERTURB_=165 \
	"MALLOC_TRACE=$CJ_PREFIX/cjh-mtrace" MALLOC_ARENA_MAX=1
h_safe "hostile env MALLOC_TRACE: no trace file was written" '[ ! -e "$CJ_PREFIX/cjh-mtrace" ] && [ ! -e "$J$CJ_PREFIX/cjh-mtrace" ]'
env_case "GLIBC_TUNABLES in the shape of CVE-2023-4911 (Looney Tunables)" \
	"GLIBC_TUNABLES=glibc.malloc.mxfast=glibc.malloc.mxfast=$(printf 'A%.0s' $(seq 1 2000))"
env_case "LD_DEBUG_OUTPUT, LD_SHOW_AUXV, LD_BIND_NOT, LD_DYNAMIC_WEAK, LD_ORIGIN_PATH, LD_HWCAP_MASK" \
	"LD_DEBUG_OUTPUT=$CJ_PREFIX/cjh-lddebug" LD_SHOW_AUXV=1 \
	LD_BIND_NOT=1 LD_DYNAMIC_WEAK=1 "LD_ORIGIN_PATH=$CJ_PREFIX/evil-lib" LD_HWCAP_MASK=0 LD_ASSUME_KERNEL=2.2.5
# glibc's loader honours LD_PROFILE even for a setuid program, before any of
# cgijail's code runs: it may print a note on stderr, but it never writes
# elsewhere than the fixed /var/profile (LD_PROFILE_OUTPUT is ignored).
reset_run; CJ_ENV=(LD_PROFILE=libc.so.6 "LD_PROFILE_OUTPUT=$CJ_PREFIX"); req
h_safe "hostile env LD_PROFILE, LD_PROFILE_OUTPUT: runs, no profile file written where the caller asked, both absent in the CGI" \
	'ran_clean && one_exec_line && ! compgen -G "$CJ_PREFIX/*.profile" >/dev/null && absent LD_PROFILE LD_PROFILE_OUTPUT'
reset_run; CJ_ENV=(LD_DEBUG=all); req
h_safe "hostile env LD_DEBUG=all: runs, LD_DEBUG absent in the CGI" 'ran_clean && one_exec_line && absent LD_DEBUG'

env_case "HOSTALIASES, RES_OPTIONS, LOCALDOMAIN, TMPDIR" "HOSTALIASES=$CJ_PREFIX/evil-lib" \
	"RES_OPTIONS=ndots:100 attempts:100" LOCALDOMAIN=evil.example "TMPDIR=$CJ_PREFIX"
# TZ: cgijail stamps its log line in UTC without reading a zone file.
reset_run; CJ_ENV=("TZ=../../x"); req
h_safe "hostile env TZ=../../x: runs, the log line is stamped in UTC (…Z), TZ absent in the CGI" \
	'ran_clean && one_exec_line && grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z cgijail\\[" <<<"$CJ_LOGNEW" && absent TZ'
reset_run; CJ_ENV=("TZ=:$J/etc/../../../../etc/shadow"); req
h_safe "hostile env TZ=:<jail>/etc/../../../../etc/shadow: TZ absent in the CGI" 'ran_clean && absent TZ'
# Shells: IFS, BASH_ENV, ENV, SHELLOPTS, PS4 must not reach a #!/bin/sh CGI.
reset_run
CJ_ENV=("IFS=/" "BASH_ENV=/cjh-env.sh" "ENV=/cjh-env.sh" "SHELLOPTS=xtrace" "PS4=\$(echo CJH-PS4)" "CDPATH=/tmp")
req sh.cgi
h_safe "hostile env IFS=/, BASH_ENV, ENV, SHELLOPTS, PS4, CDPATH: the #!/bin/sh CGI runs normally, nothing sourced, none of them present" \
	'[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && [ "$(cj_val cwd)" = /var/www/cgi-bin ] && [ ! -e "$J/tmp/cjh-env-sourced" ] && [ ! -e "$J/marks/cjh-env-sourced" ] && [ ! -e /tmp/cjh-env-sourced ] && ! grep -q CJH-PS4 <<<"$CJ_OUT$CJ_ERR" && absent IFS BASH_ENV ENV SHELLOPTS PS4 CDPATH'
reset_run; CJ_ENV=("PATH=$CJ_PREFIX/evil-lib:/tmp:."); req sh.cgi
h_safe "hostile env PATH=<evil>:/tmp:.: the CGI's PATH is safe_path" \
	'[ "$CJ_RC" = 0 ] && [ "$(cj_env PATH)" = /usr/local/bin:/usr/bin:/bin ]'
reset_run; CJ_ENV=("HOME=/root" "USER=root" "LOGNAME=root" "LD_BIND_NOW=" "SHELL=/bin/evil"); req
h_safe "hostile env HOME/USER/LOGNAME=root, LD_BIND_NOW empty, SHELL: replaced by the target's own values" \
	'ran_clean && [ "$(cj_env HOME)" = /home/cjhcall ] && [ "$(cj_env USER)" = cjhcall ] && [ "$(cj_env LOGNAME)" = cjhcall ] && [ "$(cj_env LD_BIND_NOW)" = 1 ] && absent SHELL && [ "$(cj_env_names | uniq -d)" = "" ]'
# The environment string without '=' and an empty name: skipped, never crash.
reset_run
via_exec -e "=nameless" -e NOEQUALS -e "==" -e "" -e "HTTP_X=ok" -- cjhcall cjhcall d.cgi
h_safe "hostile env entries '=nameless', 'NOEQUALS', '==', '' (no name, no '='): skipped, the rest passes" \
	'ran_clean && [ "$(cj_env HTTP_X)" = ok ] && ! grep -q "^env =" <<<"$CJ_OUT"'

# ---- standard descriptors ----

reset_run; CJ_PRE='exec 1>&-'; req s.cgi
h_safe "stdout closed: runs; the CGI gets descriptors 0-2 and no other, one exec log line" \
	'[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && one_exec_line'
reset_run; CJ_PRE='exec 0<&- 1>&- 2>&-'; req s.cgi
h_safe "stdin, stdout and stderr all closed: runs, one exec log line, nothing else in the log" \
	'[ "$CJ_RC" = 0 ] && one_exec_line && [ "$CJ_LOGALL" = "$CJ_LOGNEW" ]'
reset_run; CJ_PRE='exec 0<&- 1>&- 2>&-'; req_args cjhcall cjhcall nosuch.cgi
h_safe "all three closed, refused request: exit $(cj_code CJ_PROG_OPEN), its log line intact (the log is not fd 0-2)" \
	'[ "$CJ_RC" = "$(cj_code CJ_PROG_OPEN)" ] && [ "$(grep -c . <<<"$CJ_LOGNEW")" = 1 ] && grep -q "decision=refused code=$(cj_code CJ_PROG_OPEN) " <<<"$CJ_LOGNEW" && [ "$CJ_LOGALL" = "$CJ_LOGNEW" ]'
reset_run
via_exec -c 1 -- cjhcall cjhcall nosuch.cgi
h_safe "stdout closed, refused request: the refusal is not written into a descriptor cgijail opened" \
	'[ "$CJ_RC" = "$(cj_code CJ_PROG_OPEN)" ] && [ "$CJ_LOGALL" = "$CJ_LOGNEW" ] && [ "$(grep -c . <<<"$CJ_LOGNEW")" = 1 ]'

# ---- descriptors and limits ----

reset_run; via_exec -n 8192 -o 4000 -- cjhcall cjhcall s.cgi
h_safe "4000 inherited descriptors: runs, none of them reaches the CGI" \
	'ran_clean && one_exec_line && [ "$(cj_val fds)" = "" ] && [ "$(cj_val stdfds)" = "0 1 2" ]'
# With RLIMIT_NOFILE=3 and 0-2 open, the loader cannot even open libc.so.6:
# cgijail never starts (the loader's exit 127), so nothing runs or is logged.
reset_run; via_exec -n 3 -- cjhcall cjhcall s.cgi
h_safe "RLIMIT_NOFILE=3 (soft and hard), 0-2 open: the loader fails before cgijail's code (127), nothing runs" \
	'[ "$CJ_RC" = 127 ] && [ "$CJ_RAN" = 0 ] && [ -z "$CJ_LOGALL" ] && grep -q "error while loading shared libraries" <<<"$CJ_ERR"'
reset_run; via_exec -n 3 -c 0 -- cjhcall cjhcall s.cgi
h_safe "RLIMIT_NOFILE=3, stdin closed: the loader (secure mode) reopens fd 0 first and still fails (127), nothing runs" \
	'[ "$CJ_RC" = 127 ] && [ "$CJ_RAN" = 0 ] && [ -z "$CJ_LOGALL" ]'
# Just enough for the loader: cgijail must raise its own limit, or refuse
# cleanly where it cannot (no CAP_SYS_RESOURCE); never crash, never run
# half-checked.
for n in 4 5 6; do
	reset_run; via_exec -n $n -- cjhcall cjhcall s.cgi
	h_safe "RLIMIT_NOFILE=$n (soft and hard): runs with room made, or (no CAP_SYS_RESOURCE) refused at once with CJ_LIMITS naming the limit" \
		'ran_clean && one_exec_line || { [ "$CJ_RAN" = 0 ] && [ "$CJ_RC" = "$(cj_code CJ_LIMITS)" ] && grep -q " decision=refused code=$CJ_RC reason=.*RLIMIT_NOFILE ($n) leaves fewer than 32 descriptors" <<<"$CJ_LOGNEW"; }'
done
# A hard RLIMIT_FSIZE=0 can only be raised with CAP_SYS_RESOURCE (some
# containers drop it from the bounding set): then cgijail must refuse
# rather than run a request it could not log.
if (( 0x$(awk '/^CapBnd:/ { print $2 }' /proc/self/status) >> 24 & 1 )); then FSIZE_RAISES=1; else FSIZE_RAISES=0; fi
reset_run; via_exec -f 0 -- cjhcall cjhcall s.cgi
if [ "$FSIZE_RAISES" = 1 ]; then
	h_safe "RLIMIT_FSIZE=0 (soft and hard): the request is logged whole, then runs" \
		'one_exec_line && grep -q "reason=\"request accepted\"$" <<<"$CJ_LOGNEW"'
else
	h_safe "RLIMIT_FSIZE=0 (soft and hard), no CAP_SYS_RESOURCE to raise it: refused ($(cj_code CJ_LOG)), never run unlogged" \
		'[ "$CJ_RC" = "$(cj_code CJ_LOG)" ] && [ "$CJ_RAN" = 0 ] && [ -z "$CJ_LOGALL" ]'
fi
reset_run; via_exec -f 0 -- cjhcall cjhcall nosuch.cgi
if [ "$FSIZE_RAISES" = 1 ]; then
	h_refused "RLIMIT_FSIZE=0: a refused request is logged whole (no SIGXFSZ)" CJ_PROG_OPEN 'nosuch.cgi: No such file'
else
	h_safe "RLIMIT_FSIZE=0, no CAP_SYS_RESOURCE: a refused request still exits $(cj_code CJ_PROG_OPEN) (no SIGXFSZ), nothing runs" \
		'[ "$CJ_RC" = "$(cj_code CJ_PROG_OPEN)" ] && [ "$CJ_RAN" = 0 ]'
fi
# umask 0 while cgijail creates its log file.
NEWLOG=$CJ_PREFIX/umask0.log
H_EXTRA="log = $NEWLOG" h_conf
reset_run; via_exec -u 0 -- cjhcall cjhcall s.cgi
h_safe "umask 0 when cgijail creates its log file: root:root, no group write, nothing for others (not 0666); the CGI's umask is the config's (022)" \
	'[ "$CJ_RC" = 0 ] && [[ "$(stat -c "%a %u %g" "$NEWLOG")" =~ ^6[04]0\ 0\ 0$ ]] && [ "$(cj_val umask)" = 0022 ] || { diag "log: $(stat -c "%a %u %g" "$NEWLOG")"; false; }'
h_conf

# ---- a caller that disarms the setuid bit ----

reset_run; via_exec -N -- cjhcall cjhcall s.cgi
h_refused "caller with no_new_privs set: the setuid bit is ignored, cgijail refuses to run unprivileged" \
	CJ_NOT_SETUID "effective uid is $(id -u www-data)" --no-log
if command -v strace >/dev/null 2>&1; then
	reset_run; CJ_BIN_RUN=$(command -v strace); cj_run "$D" -f -o /dev/null "$CJ_BIN" cjhcall cjhcall s.cgi; CJ_BIN_RUN=
	h_safe "caller running cgijail under ptrace (strace -f): never runs traced with root's rights, nothing runs" \
		'[ "$CJ_RAN" = 0 ] && [ "$CJ_RC" = "$(cj_code CJ_NOT_SETUID)" ] && [ -z "$CJ_LOGALL" ]'
else
	ok "caller running cgijail under ptrace: # SKIP no strace"
fi

# ---- argv ----

reset_run; via_exec -0 -- cjhcall cjhcall s.cgi
h_refused "argc 0 (execve with an empty argv)" CJ_ARGC '0 given'
reset_run; via_exec -0 -a x -- cjhcall cjhcall s.cgi
h_safe "argc 0: no log line names a command or a target" '! grep -q "cmd=\"[^?]" <<<"$CJ_LOGNEW" && grep -q "target=?" <<<"$CJ_LOGNEW"'
LONG=$(printf 'a%.0s' $(seq 1 100000))
reset_run; req_args cjhcall cjhcall "$LONG"
h_refused "CMD of 100,000 characters" CJ_BAD_COMMAND 'command is longer than'
h_safe "CMD of 100,000 characters: the log line is cut to under 16 KiB and still ends with the decision" \
	'[ "$(wc -c <<<"$CJ_LOGNEW")" -lt 16384 ] && grep -q "decision=refused code=$(cj_code CJ_BAD_COMMAND) reason=\"invalid command: command is longer than [0-9]* bytes\"$" <<<"$CJ_LOGNEW"'
reset_run; req_args "$LONG" cjhcall s.cgi
h_refused "UID of 100,000 characters" CJ_BAD_USER 'no such user: a{64}("|$)'
reset_run; req_args cjhcall "$LONG" s.cgi
h_refused "GID of 100,000 characters" CJ_BAD_GROUP 'no such group: a{64}("|$)'
cj_expect "GID unknown: the log line says gid=? (not gid=0, which reads as root)" 'grep -q " uid=$U(cjhcall) gid=? cwd=" <<<"$CJ_LOGNEW"'
reset_run; req_args cjhcall cjhcall s.cgi "$LONG"
h_safe "a CGI argument of 100,000 characters: passed through unchanged, not logged" \
	'ran_clean && [ "$(cj_val argv1)" = "$LONG" ] && [ "$(wc -c <<<"$CJ_LOGNEW")" -lt 2000 ]'
reset_run; req_args cjhcall cjhcall s.cgi $(seq 1 5000)
h_safe "5000 CGI arguments: passed through in order" 'ran_clean && [ "$(cj_val argc)" = 5001 ] && [ "$(cj_val argv5000)" = 5000 ]'
reset_run; via_exec -a "$(printf 'cgijail\nfake decision=exec')" -- cjhcall cjhcall nosuch.cgi
h_refused "argv[0] spoofed with a newline and a fake log field" CJ_PROG_OPEN 'nosuch.cgi'
h_safe "argv[0] spoofed: not in the log" '! grep -q fake <<<"$CJ_LOGALL"'
reset_run; via_exec -a --dry-run -- cjhcall cjhcall s.cgi
h_safe "argv[0] = --dry-run: an ordinary request (argv[0] is never an option)" 'ran_clean && one_exec_line'
reset_run; via_exec -a /usr/lib/apache2/suexec -- -V
h_safe "argv[0] = suexec's path, -V: the same output as by name (argv[0] selects nothing)" \
	'[ "$CJ_RC" = 0 ] && grep -qx "config = $CJ_CONF" <<<"$CJ_OUT"'

h_report
tap_end
exit 0
