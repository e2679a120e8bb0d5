# shellcheck shell=bash
# Thin jails for the root suites (issue 13). Sourced by cgijail.sh.
#
#   CJ_THIN=bind bash tests/integration/13-hostile-caller.sh   # or link
#
# With CJ_THIN set, every jail cj_jail makes is a thin jail: one small
# template is built once per run in the run's own tree ($CJ_SRV/templates,
# removed with it), each jail is made by "cgijailctl init --template" in
# that mode, and cj_conf_head names the template, the mode and template_dir
# (bind mode also namespaces = pid,mount, which it needs). Unset: copied
# jails, as before. A thin jail's system (/usr, /bin, /lib, /etc/ld.so.cache)
# is the template's and is never written: a suite reads it through
# cj_sys_file, puts root-owned programs of its own in cj_admin_bin, and gets
# what its CGIs load from the template (cj_jail_tools, cj_jail_closure).
# In bind mode the template is mounted only in cgijail's private mount
# namespace: the suite's last test says nothing of it reached the host's
# mount table.

case ${CJ_THIN-} in
''|bind|link) ;;
*) echo "thin.sh: CJ_THIN=$CJ_THIN is not bind or link" >&2; exit 2 ;;
esac
CJ_THIN_NAME=cjt
# Where a suite puts root-owned programs of the admin's in a jail: in a
# thin jail /bin is the template's, a directory of the jail's own is not.
if [ -n "${CJ_THIN-}" ]; then CJ_ADMIN_BIN=/opt/bin; else CJ_ADMIN_BIN=/bin; fi

# shellcheck source=kernel.sh
. "$CJ_TOP/tests/lib/kernel.sh"

# _cjt_thin_missing: what bind mode needs that root lacks here (a pid and a
# mount namespace; open_tree, move_mount and mount_setattr, Linux 5.12),
# one line; empty when it has it all, or in link mode.
_cjt_thin_missing() {
	local ns
	[ "${CJ_THIN-}" = bind ] || return 0
	ns=$(kernel_ns_missing pid mount)
	[ -z "$ns" ] || { echo "$ns namespaces"; return 0; }
	"$CJ_PY" -c '
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
for nr in (428, 429, 442):  # open_tree, move_mount, mount_setattr (x86_64)
    if libc.syscall(nr, -1, None, 0, None, 0) < 0 and ctypes.get_errno() == errno.ENOSYS:
        print("open_tree, move_mount and mount_setattr (Linux 5.12)"); break
'
}

# cj_thin_skip_unsupported: in bind mode on a kernel without what it
# needs, the suite's one line (a skip, with the reason) and its end.
cj_thin_skip_unsupported() {
	local missing
	missing=$(_cjt_thin_missing)
	[ -n "$missing" ] || return 0
	ok "$(basename "$0" .sh) on bind-mode thin jails # SKIP root cannot use $missing here"
	printf '1..%d\n' "$TAP_N"
	exit 0
}

_cjt_thin_ctl() { "${CJ_CTL:-$CJ_BUILD/src/cgijailctl/cgijailctl}" "$@"; }

# cj_thin_conf_lines: the [cgijail] lines of a thin run's config.
cj_thin_conf_lines() {
	[ -n "${CJ_THIN-}" ] || return 0
	printf 'template_dir = %s\ntemplate = %s\ntemplate_mode = %s\n' "$CJ_SRV/templates" "$CJ_THIN_NAME" "$CJ_THIN"
	[ "$CJ_THIN" = link ] || echo "namespaces = pid,mount"
}

# cj_thin_template: the run's template, built once: what the suites' CGIs
# run (dump.sh: sh, env, id; the dynamic dump CGI: libc and its loader).
cj_thin_template() {
	local prof=$CJ_WORK/thin-profiles
	[ -L "$CJ_SRV/templates/$CJ_THIN_NAME/current" ] && return 0
	mkdir -m 0755 "$CJ_SRV/templates" "$prof" && cp "$CJ_TOP"/etc/profiles/*.ini "$prof/" || return 2
	printf '[profile]\ndescription = %s\nrequires = sh\nprograms = /usr/bin/id\n' \
		"the test CGIs: dump.sh (sh, env, id) and the dynamic dump CGI" >"$prof/$CJ_THIN_NAME.ini"
	cj_conf_head >"$CJ_SRV/thin.conf" || return 2
	_cjt_thin_ctl template build "$CJ_THIN_NAME" --profile "$CJ_THIN_NAME" --config "$CJ_SRV/thin.conf" \
		--profiles "$prof" >>"$CJ_WORK/thin.log" 2>&1 || { tail -n 20 "$CJ_WORK/thin.log" >&2; return 2; }
}

# cj_thin_init USER JAIL: make (or repair) USER's thin jail JAIL.
cj_thin_init() {
	cj_thin_template || return 2
	_cjt_thin_ctl init --root "$2" --user "$1" --template "$CJ_THIN_NAME" --template-mode "$CJ_THIN" \
		--config "$CJ_SRV/thin.conf" --profiles "$CJ_WORK/thin-profiles" >>"$CJ_WORK/thin.log" 2>&1 ||
		{ tail -n 20 "$CJ_WORK/thin.log" >&2; return 2; }
}

# cj_thin_gen_root: the host path of the template's current generation.
cj_thin_gen_root() {
	local t=$CJ_SRV/templates/$CJ_THIN_NAME
	echo "$t/$(readlink "$t/current")/root"
}

# cj_sys_file JAIL PATH: the host path of the system file the jail's CGIs
# see at PATH: in a copied jail its copy, in a thin jail the template's
# (link mode: the jail's hard link of it).
cj_sys_file() {
	case ${CJ_THIN-} in
	'') echo "$1$2" ;;
	bind) echo "$(cj_thin_gen_root)$2" ;;
	link) echo "$1/$(readlink "$1/.template")$2" ;;
	esac
}

# cj_admin_bin JAIL: the host path of $CJ_ADMIN_BIN in JAIL, root 0755.
cj_admin_bin() {
	local d=$1$CJ_ADMIN_BIN
	[ -d "$d" ] || mkdir -p -- "$d" || return 2  # 0755: umask 022
	echo "$d"
}

# _cjt_thin_has JAIL PATH...: every PATH is in the template (a thin jail's
# programs are the template's; setup fails when it lacks one).
_cjt_thin_has() {
	local j=$1 p; shift
	for p; do
		[ -e "$(cj_sys_file "$j" "$p")" ] || { echo "thin.sh: the template has no $p" >&2; return 2; }
	done
}

# _cjt_no_template_mounts: a test: nothing of the run's tree is mounted in
# the host's mount table (bind mode mounts only in cgijail's own namespace).
_cjt_no_template_mounts() {
	local left
	left=$(grep -F -- "$CJ_SRV" /proc/self/mountinfo)
	if [ -z "$left" ]; then
		ok "thin jails ($CJ_THIN): nothing of the template or the jails in the host's mount table"
	else
		not_ok "thin jails ($CJ_THIN): nothing of the template or the jails in the host's mount table"
		diag "$left"
	fi
}

# cj_jail_repair USER: a thin jail's files of cgijailctl init (/etc/passwd,
# nsswitch.conf, the links into the template) made again after a suite
# replaced them; nothing for a copied jail (the suite's had none).
cj_jail_repair() {
	[ -z "${CJ_THIN-}" ] || cj_thin_init "$1" "$CJ_SRV/jails/$1"
}
