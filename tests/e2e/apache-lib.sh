# shellcheck shell=bash
# A private Apache for the end-to-end suites and the Apache benchmark.
# Source after tests/lib/cgijail.sh (it uses CJ_WORK and cj_atexit):
#
#   ap_init                              # AP_ROOT (ServerRoot), AP_PORT (free, 127.0.0.1)
#   AP_MPM=prefork AP_CGI=cgi            # optional: MPM and CGI module (event, cgid)
#   ap_conf <<EOF ... EOF                # the site part of httpd.conf (vhosts...)
#   ap_jail_vhost HOST USER JAIL | ap_conf   # one customer's CGIs in its jail
#   ap_start "$CJ_BIN"                   # start it with that file as its suexec
#   ap_get HOST PATH [CURL-ARGS...]      # AP_CODE, AP_BODY (curl, Host: HOST)
#   ap_expect NAME COND                  # ok, or not ok with the response and logs
#   ap_stop                              # by its pid; also done at exit
#
# Apache calls its compiled-in suexec (Debian: /usr/lib/apache2/suexec, an
# update-alternatives link). The instance is started by
# "unshare -m" in a mount namespace of its own, where /usr/lib/apache2 is a
# private directory holding the host's modules and, as suexec, the wrapper
# under test: the host's file, its alternatives and every other Apache are
# never touched, nothing has to be restored at exit, a killed run leaves
# nothing swapped behind (the namespace dies with the server), and the
# server keeps its wrapper when the host's suexec link changes meanwhile (a
# package's maintainer scripts switch that alternative: suite 40).
# ap_start_plain starts one without a wrapper swap (mod_cgid without
# suexec, or the host's suexec as it is).

AP_SUEXEC=/usr/lib/apache2/suexec
AP_MODS=/usr/lib/apache2/modules
AP_BIN=/usr/sbin/apache2
AP_PID=

# A killed run's server: its ServerRoot (/var/tmp/cgijail-apache.*) names
# the suite's pid; when that suite is gone, stop the server by its pid file.
_ap_sweep_stale() {
	local d owner pid
	for d in /var/tmp/cgijail-apache.?*; do
		[ -d "$d" ] || continue
		owner=$(cat "$d/.owner-pid" 2>/dev/null) || continue
		case $owner in ''|*[!0-9]*) continue ;; esac
		kill -0 "$owner" 2>/dev/null && continue
		pid=$(cat "$d/httpd.pid" 2>/dev/null)
		if [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$AP_BIN" ]; then
			kill -KILL "$pid" 2>/dev/null
		fi
		rm -rf --one-file-system -- "$d"
	done
}

# ap_free_port: a TCP port on 127.0.0.1 that nothing listens on now.
ap_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ap_init() {
	[ -x "$AP_BIN" ] || { echo "apache-lib: $AP_BIN is not installed (scripts/deps test)" >&2; return 2; }
	_ap_sweep_stale
	AP_ROOT=$(mktemp -d /var/tmp/cgijail-apache.XXXXXX) || return 2
	echo "$$" >"$AP_ROOT/.owner-pid"
	# Workers (www-data) reach the cgid socket below it.
	chmod 0755 "$AP_ROOT" && mkdir -m 0755 "$AP_ROOT/run" || return 2
	: >"$AP_ROOT/mime.types"
	AP_PORT=$(ap_free_port) || return 2
	# Stopped before the users and jails go (jail.sh runs cj_atexit
	# commands in order; this one goes first).
	_cj_atexit_cmds=("ap_stop; rm -rf --one-file-system -- '$AP_ROOT'" "${_cj_atexit_cmds[@]}")
}

# ap_conf: the site part of the config, from stdin (the server part --
# modules, ServerRoot, Listen, logs -- is ap_start's).
ap_conf() { cat >"$AP_ROOT/site.conf"; }

# ap_jail_vhost HOST USER JAIL: the config of a virtual host HOST whose
# documents are JAIL/var/www and whose CGIs, /cgi-bin/ (JAIL/var/www/cgi-bin),
# run as USER (SuexecUserGroup); for ap_conf.
ap_jail_vhost() {
	cat <<EOF
<VirtualHost 127.0.0.1:$AP_PORT>
    ServerName $1
    DocumentRoot $3/var/www
    SuexecUserGroup $2 $2
    ScriptAlias /cgi-bin/ $3/var/www/cgi-bin/
    <Directory $3/var/www>
        Require all granted
    </Directory>
</VirtualHost>
EOF
}

_ap_write_conf() {
	local m
	{
		cat <<EOF
ServerRoot $AP_ROOT
ServerName localhost
Listen 127.0.0.1:$AP_PORT
PidFile $AP_ROOT/httpd.pid
ErrorLog $AP_ROOT/error.log
LogLevel ${AP_LOGLEVEL:-warn}
DefaultRuntimeDir $AP_ROOT/run
Mutex file:$AP_ROOT/run default
User www-data
Group www-data
EOF
		for m in "mpm_${AP_MPM:-event}" authz_core mime alias actions env "${AP_CGI:-cgid}" suexec \
			userdir fcgid; do
			echo "LoadModule ${m}_module $AP_MODS/mod_$m.so"
		done
		cat <<EOF
TypesConfig $AP_ROOT/mime.types
<IfModule cgid_module>
    ScriptSock $AP_ROOT/run/cgid.sock
</IfModule>
FcgidIPCDir $AP_ROOT/fcgid
FcgidProcessTableFile $AP_ROOT/run/fcgid_shm
Timeout 30
KeepAlive On
<IfModule mpm_event_module>
    StartServers 1
    ServerLimit 4
    ThreadsPerChild 16
    MaxRequestWorkers 64
    MinSpareThreads 8
    MaxSpareThreads 48
</IfModule>
<IfModule mpm_prefork_module>
    StartServers 2
    MinSpareServers 2
    MaxSpareServers 8
    MaxRequestWorkers 16
</IfModule>
<Directory />
    AllowOverride None
    Require all denied
</Directory>
Include $AP_ROOT/site.conf
EOF
	} >"$AP_ROOT/httpd.conf"
}

# _ap_launch [SRC DEST]...: start the server in the foreground, in the
# background of this shell; with SRC DEST pairs, in a mount namespace of its
# own where each SRC is bind-mounted over DEST first. AP_PRELUDE: sh code
# run in that namespace before (e.g. more mounts, scripts/install-apache).
_ap_launch() {
	local n
	_ap_write_conf
	"$AP_BIN" -t -d "$AP_ROOT" -f "$AP_ROOT/httpd.conf" >"$AP_ROOT/configtest.log" 2>&1 ||
		{ echo "apache-lib: config test failed:" >&2; cat "$AP_ROOT/configtest.log" >&2; return 2; }
	: >"$AP_ROOT/error.log"
	rm -f "$AP_ROOT/httpd.pid"
	# In a session of its own: mpm_prefork stops its children with a
	# signal to its process group, which would otherwise be the suite's.
	# setsid, unshare and sh all exec (no fork): this job's pid is the server's.
	if (($#)) || [ -n "${AP_PRELUDE-}" ]; then
		setsid unshare --mount --propagation private -- /bin/sh -c '
			bin=$1 root=$2 prelude=$3; shift 3
			eval "$prelude" || exit 2
			while [ $# -ge 2 ]; do mount --rbind -- "$1" "$2" || exit 2; shift 2; done
			exec "$bin" -d "$root" -f "$root/httpd.conf" -DFOREGROUND' \
			sh "$AP_BIN" "$AP_ROOT" "${AP_PRELUDE-}" "$@" >>"$AP_ROOT/stdout.log" 2>&1 </dev/null &
	else
		setsid "$AP_BIN" -d "$AP_ROOT" -f "$AP_ROOT/httpd.conf" -DFOREGROUND >>"$AP_ROOT/stdout.log" 2>&1 </dev/null &
	fi
	AP_PID=$!
	for ((n = 0; n < 100; n++)); do
		if ! kill -0 "$AP_PID" 2>/dev/null; then
			echo "apache-lib: the server exited at start:" >&2
			cat "$AP_ROOT/stdout.log" "$AP_ROOT/error.log" >&2
			AP_PID=; return 2
		fi
		[ -s "$AP_ROOT/httpd.pid" ] && curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$AP_PORT/" && return 0
		sleep 0.1
	done
	echo "apache-lib: the server did not answer within 10 s" >&2
	return 2
}

# ap_start WRAPPER [SRC DEST]...: start the server with WRAPPER (a
# setuid-root file) as its suexec (and the other pairs bind-mounted).
ap_start() {
	local lib=$AP_ROOT/lib
	mkdir -p -m 0755 "$lib/modules" && : >"$lib/suexec" || return 2
	_ap_launch "$AP_MODS" "$lib/modules" "$1" "$lib/suexec" "$lib" "${AP_SUEXEC%/*}" "${@:2}"
}

# ap_start_plain: start the server with the host's suexec path as it is.
ap_start_plain() { _ap_launch; }

# ap_stop: stop the server (TERM, then KILL after 10 s), by its pid.
ap_stop() {
	[ -n "$AP_PID" ] || return 0
	local n
	kill -TERM "$AP_PID" 2>/dev/null
	for ((n = 0; n < 100; n++)); do
		kill -0 "$AP_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$AP_PID" 2>/dev/null
	wait "$AP_PID" 2>/dev/null
	AP_PID=
}

# ap_get HOST PATH [CURL-ARGS...]: one request to the server with "Host:
# HOST". Sets AP_CODE (HTTP status, 000 when none) and AP_BODY (less its
# last newline).
ap_get() {
	local host=$1 path=$2; shift 2
	AP_BODY=$(curl -s --max-time "${AP_MAXTIME:-20}" -H "Host: $host" -o - -w '\n%{http_code}' \
		"$@" "http://127.0.0.1:$AP_PORT$path")
	AP_CODE=${AP_BODY##*$'\n'}
	AP_BODY=${AP_BODY%$'\n'*}
	AP_BODY=${AP_BODY%$'\n'}
}

# ap_error_log: the server's error log (for diagnostics and checks).
ap_error_log() { cat "$AP_ROOT/error.log" 2>/dev/null; }

# ap_expect NAME COND...: ok when COND (eval'd) holds; else not ok, with the
# last response, the ends of cgijail's log and of the server's error log,
# and of each file named in AP_DIAG_LOGS.
ap_expect() {
	local _ap_name=$1 _ap_f; shift
	if eval "$*"; then ok "$_ap_name"; return; fi
	not_ok "$_ap_name"
	diag "failed: $*" "HTTP $AP_CODE" "body:" "$(head -c 2000 <<<"$AP_BODY")" \
		"cgijail log:" "$(tail -n 3 "$CJ_LOG" 2>/dev/null)" "error.log:" "$(ap_error_log | tail -n 5)"
	for _ap_f in ${AP_DIAG_LOGS-}; do diag "$_ap_f:" "$(tail -n 5 "$_ap_f" 2>/dev/null)"; done
}

# ap_fcgid_dir DIR WRAPPER SUFFIX: inside a <VirtualHost>, a <Directory>
# whose SUFFIX files mod_fcgid serves through WRAPPER (cgijail-fcgid.conf).
ap_fcgid_dir() {
	cat <<EOF
    <Directory $1>
        Options +ExecCGI
        AddHandler fcgid-script $3
        FcgidWrapper $2 $3
    </Directory>
EOF
}

# ap_userdir_cgi: the site config lines for UserDir public_html, with CGIs
# in each jailed user's public_html/cgi-bin (etc/apache2/cgijail-userdir.conf).
ap_userdir_cgi() {
	cat <<EOF
UserDir public_html
UserDir disabled root
<Directory "$CJ_SRV/jails/*/home/*/public_html/cgi-bin">
    Options +ExecCGI
    SetHandler cgi-script
    Require all granted
</Directory>
EOF
}

# ap_kill_uid UID...: kill (by pid) every process left running as UID.
ap_kill_uid() {
	local p u want
	for p in /proc/[0-9]*; do
		u=$(stat -c %u "$p" 2>/dev/null) || continue
		for want in "$@"; do
			[ "$u" = "$want" ] && kill -KILL "${p#/proc/}" 2>/dev/null
		done
	done
	return 0
}

# ap_count_uid UID: how many processes run as UID now.
ap_count_uid() {
	local p n=0
	for p in /proc/[0-9]*; do
		[ "$(stat -c %u "$p" 2>/dev/null)" = "$1" ] && n=$((n + 1))
	done
	echo "$n"
}

# ap_forget_cache UID...: remove cgijail's check cache files of UIDs (the
# directory is compiled in: cj_cache_dir).
ap_forget_cache() {
	local dir u
	dir=$(cj_cache_dir)
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	for u in "$@"; do rm -f -- "$dir/$u"; done
}
