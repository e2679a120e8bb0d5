#!/usr/bin/env bash
# Root integration tests of namespaces = pid,ipc,net,uts,mount: what a CGI
# sees of its own namespaces (it is process 1, /proc shows only its own
# processes, only a loopback device, a private tmpfs /tmp), that nothing
# leaks into the host's mount table, and that a timeout under a pid
# namespace ends every process the CGI started; script_exec = fd, which
# needs the private /proc and a /dev/fd symlink in the jail. TAP on stdout;
# exits 0. Where root cannot create these namespaces (tests/lib/kernel.sh),
# one skip line says which.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/kernel.sh"

NS_MISSING=$(kernel_ns_missing)
if [ -n "$NS_MISSING" ]; then
	ok "namespaces = pid,ipc,net,uts,mount # SKIP root cannot create $NS_MISSING namespaces here (unshare fails)"
	tap_end; exit 0
fi

write_conf() {
	{ cj_conf_head; cat <<EOF; } | cj_conf

[user:cjtnsall]
namespaces = pid,ipc,net,uts,mount

[user:cjtnsmnt]
namespaces = pid,mount

[user:cjtnspid]
namespaces = pid,mount
timeout = 1

[user:cjtnsbare]
namespaces = pid,mount

[user:cjtnsfd]
namespaces = ${FD_NS:-pid,mount}
script_exec = fd
EOF
}

jail() { echo "$CJ_SRV/jails/$1"; }
FDJ=$(jail cjtnsfd)

setup() {
	cj_install || return 2
	cj_probe_sites "$CJ_TOP/tests/integration/probes/limits_probe.c" \
		cjtnsall cjtnsmnt cjtnspid cjtnsbare cjtnsfd || return 2
	# What cgijailctl init makes: /proc and a sticky /tmp, root-owned.
	local u
	for u in cjtnsall cjtnsmnt cjtnspid cjtnsfd; do
		mkdir -m 0555 "$(jail "$u")/proc" && mkdir -m 1777 "$(jail "$u")/tmp" || return 2
	done
	# script_exec = fd: the shell, and /dev/fd -> /proc/self/fd (init makes it too).
	cj_jail_tools "$FDJ" && mkdir -m 0755 "$FDJ/dev" && ln -s /proc/self/fd "$FDJ/dev/fd" || return 2
	cat >"$CJ_WORK/fd.sh" <<'EOS'
#!/bin/sh
echo "Content-Type: text/plain"
echo
echo "MARK CJT-CGI-RAN"
echo "argv0 $0"
echo "args $*"
read -r first <"$0"
echo "first $first"
EOS
	cj_cgi "$CJ_WORK/fd.sh" "$(cj_bin cjtnsfd)/fd.sh" cjtnsfd:cjtnsfd || return 2
	write_conf
}

if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

result() { cj_val "$1"; }
# host_mounts_clean USER: nothing is mounted in USER's jail, seen from the host.
host_mounts_clean() { ! grep -qF " $(jail "$1")/" /proc/self/mountinfo; }

cj_probe cjtnsall ns
cj_expect "namespaces = pid,ipc,net,uts,mount: the CGI runs (exit 0, one exec log line)" \
	'[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && grep -q "decision=exec" <<<"$CJ_LOGNEW"'
cj_expect "pid namespace: the CGI is process 1 and its /proc shows only itself" \
	'[ "$(result pid)" = 1 ] && [ "$(result procs)" = 1 ]'
cj_expect "net namespace: the only network device is the loopback" '[ "$(result ifaces)" = lo ]'
cj_expect "mount namespace: /tmp is a private tmpfs" '[ "$(result tmp)" = tmpfs ]'
cj_expect "uts namespace: the host name is the host's (a copy the CGI cannot change anyway)" \
	'[ "$(result hostname)" = "$(hostname)" ]'
cj_expect "the host's mount table holds nothing of the jail's /proc and /tmp afterwards" 'host_mounts_clean cjtnsall'

cj_probe cjtnsmnt ns
cj_expect "namespaces = pid,mount: the CGI is process 1, its /proc shows only itself, /tmp is a private tmpfs" \
	'[ "$CJ_RC" = 0 ] && [ "$(result pid)" = 1 ] && [ "$(result procs)" = 1 ] && [ "$(result tmp)" = tmpfs ]'
# The host's devices, as the same probe sees them outside any namespace.
HOST_IFACES=$("$CJ_WORK/probe" ns | awk '$1 == "ifaces" { sub(/^ifaces ?/, ""); print }')
if [ "$HOST_IFACES" = lo ]; then
	ok "namespaces = pid,mount: the host's network devices are visible # SKIP the host has no network device but lo"
else
	cj_expect "namespaces = pid,mount: the host's network devices are visible (no net namespace: $HOST_IFACES)" \
		'[ "$(result ifaces)" = "$HOST_IFACES" ]'
fi

cj_probe cjtnspid sleep 30
sleep 0.3
cj_expect "pid namespace with timeout = 1: the CGI is killed (exit $(cj_code CJ_TIMEOUT)), and no process of the customer is left" \
	'[ "$CJ_RC" = "$(cj_code CJ_TIMEOUT)" ] && grep -q "^sleeping" <<<"$CJ_OUT" && [ -z "$(ps -o pid= -u cjtnspid)" ]'

cj_probe cjtnsbare ns
cj_assert_refused "namespaces = pid,mount in a jail without /proc: CJ_NAMESPACES, naming /proc" CJ_NAMESPACES \
	'the jail has no directory /proc to mount on'
cj_expect "refused: nothing left mounted" 'host_mounts_clean cjtnsbare'

cj_reset_run
CJ_AS=root
cj_run "$(cj_bin cjtnsall)" --dry-run cjtnsall cjtnsall probe.cgi
cj_expect "--dry-run names the namespaces (not entered)" \
	'[ "$CJ_RC" = 0 ] && grep -qE "^  ok +namespaces +pid ipc net uts mount \(not entered in a dry run\)" <<<"$CJ_OUT" && host_mounts_clean cjtnsall'
cj_run "$(cj_bin cjtnsall)" -V
cj_expect "-V shows namespaces = none for the defaults" '[ "$CJ_RC" = 0 ] && grep -qx "namespaces = none" <<<"$CJ_OUT"'
cj_expect "-V shows script_exec = name for the defaults" '[ "$CJ_RC" = 0 ] && grep -qx "script_exec = name" <<<"$CJ_OUT"'
cj_run "$(cj_bin cjtnsfd)" --dry-run cjtnsfd cjtnsfd fd.sh
cj_expect "--dry-run of a script under script_exec = fd: /dev/fd is checked only at run time" \
	'[ "$CJ_RC" = 0 ] && grep -qE "^  ok +program +fd\.sh: .*run through /dev/fd/N \(script_exec = fd: checked only at run time\)" <<<"$CJ_OUT"'

# ---- script_exec = fd ----

fd_run() { cj_reset_run; cj_run "$(cj_bin cjtnsfd)" cjtnsfd cjtnsfd "$@"; }
fd_run fd.sh a1
cj_assert_exec "script_exec = fd, namespaces = pid,mount: a #!/bin/sh CGI runs"
cj_expect "script_exec = fd: the shell's \$0 is /dev/fd/N and reads the script; the arguments are kept" \
	'[[ "$(result argv0)" =~ ^/dev/fd/[0-9]+$ ]] && [ "$(result first)" = "#!/bin/sh" ] && [ "$(result args)" = a1 ] &&
	 [ "$(grep -c . <<<"$CJ_OUT")" = 5 ]'
cj_expect "script_exec = fd: nothing left mounted" 'host_mounts_clean cjtnsfd'
fd_run probe.cgi ns
cj_expect "script_exec = fd: an ELF program runs as before" '[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && [ "$(result tmp)" = tmpfs ]'

rm -f -- "${FDJ:?}/dev/fd"
fd_run fd.sh
cj_assert_refused "script_exec = fd in a jail without /dev/fd: CJ_SCRIPT_FD, naming the symlink to make" CJ_SCRIPT_FD \
	"/dev/fd/[0-9]+ in $FDJ: No such file or directory; make a symlink /dev/fd -> /proc/self/fd in the jail \(cgijailctl init makes it\)"
fd_run probe.cgi ns
cj_expect "script_exec = fd in a jail without /dev/fd: an ELF program still runs" '[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ]'
ln -s /proc/self/fd "${FDJ:?}/dev/fd"

FD_NS=pid,net,mount write_conf
fd_run fd.sh
cj_expect "script_exec = fd, namespaces = pid,net,mount: the script runs from /dev/fd/N" \
	'[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && [[ "$(result argv0)" =~ ^/dev/fd/[0-9]+$ ]] && [ "$(result first)" = "#!/bin/sh" ]'

FD_NS=none write_conf
fd_run fd.sh
cj_assert_refused "script_exec = fd without namespaces = pid,mount (no /proc in the jail): CJ_SCRIPT_FD, naming namespaces = mount" \
	CJ_SCRIPT_FD "/dev/fd/[0-9]+ in $FDJ: No such file or directory; set namespaces = pid,mount \(a private /proc\) and make a symlink"
write_conf

write_conf
sed -i 's/^namespaces = pid,mount$/namespaces = pid,mount,user/' "$CJ_CONF"
cj_probe cjtnsmnt ns
cj_assert_refused "namespaces = pid,mount,user (user namespaces are not offered): CJ_CONFIG_VALUE" CJ_CONFIG_VALUE \
	"namespaces.*'pid,mount,user' is not none or a list of pid, ipc, net, uts, mount"
write_conf
sed -i '0,/^namespaces = pid,mount$/s//namespaces = mount/' "$CJ_CONF"
cj_probe cjtnsall ns
cj_assert_refused "namespaces = mount without pid for one user (a /proc of the host's processes): CJ_CONFIG_ESCAPE, for every request" \
	CJ_CONFIG_ESCAPE 'namespaces = mount without pid: the jail.s /proc would show the CGI every process of its user on the host'
write_conf

tap_end
