#!/usr/bin/env bash
# Root integration tests of the cgijail launcher: every refusal of
# src/common/exits.def that can be provoked from outside, one test per case.
# Each asserts the exit code, the log line (or, for refusals before the
# config is read, that the log file got none: those go to syslog only), the
# one stderr line, and that the CGI did not run. TAP on stdout; exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"

# ---- the config: conf_reset, then change C_* and call conf ----

conf_reset() {
	C_JAIL="jail_root = $CJ_SRV/jails/%u"
	C_DOCROOT="docroot = $CJ_SRV/jails/%u/var/www"
	C_EXTRA=""
	C_SECTIONS=""
}
conf() {
	{ cj_conf_head "$C_JAIL" "$C_DOCROOT"; printf '%s\n\n%s\n' "$C_EXTRA" "$C_SECTIONS"; } | cj_conf
}

setup() {
	cj_install || return 2
	cj_build_cgis || return 2
	cj_user cjtref && REF=$CJ_LAST_UID || return 2
	cj_user cjtoth && OTH=$CJ_LAST_UID || return 2
	cj_user cjtcall && CALL=$CJ_LAST_UID || return 2
	J=$(cj_jail cjtref) && cj_site cjtref || return 2
	W=$J/var/www
	# Files of another user, inside the same file system, for hard links.
	cj_dir "$W/oth" cjtoth:cjtoth && cj_cgi "$CJ_WORK/dump-static" "$W/oth/prog.cgi" cjtoth:cjtoth || return 2
	conf_reset && conf
}
if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

# mk_case NAME [DIRMODE] [DIROWNER]: a fresh CGI directory $W/NAME holding
# prog.cgi (the static dump CGI, cjtref's, 0755); sets D.
mk_case() {
	D=$W/$1
	cj_dir "$D" "${3:-cjtref:cjtref}" "${2:-0755}" &&
		cj_cgi "$CJ_WORK/dump-static" "$D/prog.cgi" cjtref:cjtref
}
reset_run() { CJ_AS=www-data; CJ_AS_GROUPS=; CJ_ENV=(); CJ_PRE=; CJ_BIN_RUN=; }
# req ARGS...: cj_run in $D (defaults: the good request).
req() { if [ $# -eq 0 ]; then set -- cjtref cjtref prog.cgi; fi; cj_run "$D" "$@"; }
reset_run
mk_case ok

# A control: the good request runs, so every refusal below is due to its case.
req
cj_assert_exec "control: the unmodified request runs"
cj_expect "control: defaults when the config sets none: umask 022, PATH /usr/local/bin:/usr/bin:/bin, LD_BIND_NOW=1, core 0:0" \
	'[ "$(cj_val umask)" = 0022 ] && [ "$(cj_env PATH)" = /usr/local/bin:/usr/bin:/bin ] && [ "$(cj_env LD_BIND_NOW)" = 1 ] && [ "$(cj_val rlimit_core)" = 0:0 ] && [ "$(cj_val uids)" = "$REF $REF $REF" ]'

# ---- arguments and caller ----

req -x cjtref cjtref prog.cgi
cj_assert_refused "CJ_USAGE: unknown option -x" CJ_USAGE "'-x'; usage: cgijail"
req --help
cj_assert_refused "CJ_USAGE: --help" CJ_USAGE "'--help'"

req
req cjtref cjtref
cj_assert_refused "CJ_ARGC: two arguments" CJ_ARGC '2 given; usage'
cj_run "$D"
cj_assert_refused "CJ_ARGC: no arguments" CJ_ARGC '0 given; usage'

NOPW=$(_cjt_free_id)
CJ_AS=uid:$NOPW CJ_AS_GROUPS=www-data
req
cj_assert_refused "CJ_CALLER_UNKNOWN: caller uid $NOPW without a passwd entry (in group www-data)" CJ_CALLER_UNKNOWN "uid $NOPW"
reset_run

CJ_AS=cjtcall CJ_AS_GROUPS=www-data
req
cj_assert_refused "CJ_CALLER_MISMATCH: another user, member of group www-data" CJ_CALLER_MISMATCH 'cjtcall instead of www-data'
CJ_AS=root
req
cj_assert_refused "CJ_CALLER_MISMATCH: root (without --dry-run)" CJ_CALLER_MISMATCH 'root instead of www-data'
CJ_AS=cjtcall CJ_AS_GROUPS=
req
cj_expect "CJ_CALLER_MISMATCH: a user outside group www-data cannot even exec cgijail (EACCES, no log line)" \
	'[ "$CJ_RC" = 126 ] && grep -q "Permission denied" <<<"$CJ_ERR" && [ -z "$CJ_LOGALL" ] && [ "$CJ_RAN" = 0 ]'
reset_run

# ---- the command ----

req cjtref cjtref "$D/prog.cgi"
cj_assert_refused "CJ_BAD_COMMAND: absolute path" CJ_BAD_COMMAND 'is absolute'
req cjtref cjtref ../ok/prog.cgi
cj_assert_refused "CJ_BAD_COMMAND: ../x" CJ_BAD_COMMAND "has a '\\.' or '\\.\\.' component"
req cjtref cjtref sub/../prog.cgi
cj_assert_refused "CJ_BAD_COMMAND: a/../x" CJ_BAD_COMMAND "has a '\\.' or '\\.\\.' component"
req cjtref cjtref ./prog.cgi
cj_assert_refused "CJ_BAD_COMMAND: ./x" CJ_BAD_COMMAND "has a '\\.' or '\\.\\.' component"
req cjtref cjtref ""
cj_assert_refused "CJ_BAD_COMMAND: empty" CJ_BAD_COMMAND 'empty command'
req cjtref cjtref $'prog.cgi\nfake log line'
cj_assert_refused "CJ_BAD_COMMAND: newline in the name" CJ_BAD_COMMAND 'control characters'
cj_expect "CJ_BAD_COMMAND: the newline is escaped in the log line" 'grep -qF "cmd=\"prog.cgi\\x0afake log line\"" <<<"$CJ_LOGNEW"'

# ---- the target ----

NOUID=$(_cjt_free_id)
req cjt-nosuchuser cjtref prog.cgi
cj_assert_refused "CJ_BAD_USER: unknown name" CJ_BAD_USER 'no such user: cjt-nosuchuser'
req "$NOUID" cjtref prog.cgi
cj_assert_refused "CJ_BAD_USER: unknown number" CJ_BAD_USER "no such user: $NOUID"
req "" cjtref prog.cgi
cj_assert_refused "CJ_BAD_USER: empty" CJ_BAD_USER 'empty or unprintable user'
req "~cjt-nosuchuser" cjtref prog.cgi
cj_assert_refused "CJ_BAD_USER: ~unknown" CJ_BAD_USER 'no such user: cjt-nosuchuser'

req cjtref cjt-nosuchgroup prog.cgi
cj_assert_refused "CJ_BAD_GROUP: unknown name" CJ_BAD_GROUP 'no such group: cjt-nosuchgroup'
req cjtref "$NOUID" prog.cgi
cj_assert_refused "CJ_BAD_GROUP: unknown number" CJ_BAD_GROUP "no such group: $NOUID"

req root cjtref prog.cgi
cj_assert_refused "CJ_FORBIDDEN_UID: root by name" CJ_FORBIDDEN_UID 'uid 0 \(min_uid'
req 0 cjtref prog.cgi
cj_assert_refused "CJ_FORBIDDEN_UID: uid 0" CJ_FORBIDDEN_UID 'uid 0 \(min_uid'
req www-data cjtref prog.cgi
cj_assert_refused "CJ_FORBIDDEN_UID: a system uid below min_uid (www-data)" CJ_FORBIDDEN_UID "uid $(id -u www-data) \\(min_uid $CJ_UID_MIN\\)"
C_EXTRA="min_uid = $CJ_UID_MAX" conf
req
cj_assert_refused "CJ_FORBIDDEN_UID: the target's uid below a raised min_uid" CJ_FORBIDDEN_UID "uid $REF \\(min_uid $CJ_UID_MAX\\)"
conf_reset; conf

req cjtref root prog.cgi
cj_assert_refused "CJ_FORBIDDEN_GID: group root" CJ_FORBIDDEN_GID 'gid 0 \(min_gid'
req cjtref 0 prog.cgi
cj_assert_refused "CJ_FORBIDDEN_GID: gid 0" CJ_FORBIDDEN_GID 'gid 0 \(min_gid'
req cjtref www-data prog.cgi
cj_assert_refused "CJ_FORBIDDEN_GID: a system gid below min_gid (www-data)" CJ_FORBIDDEN_GID "gid $(getent group www-data | cut -d: -f3) \\(min_gid $CJ_UID_MIN\\)"

# ---- userdir, docroot, jail ----

req "~cjtref" cjtref prog.cgi
cj_assert_refused "CJ_USERDIR: ~user without public_html" CJ_USERDIR "home/cjtref/public_html: No such file or directory"

C_DOCROOT="docroot = $CJ_SRV/missing/%u/www" conf
req
cj_assert_refused "CJ_DOCROOT: docroot missing" CJ_DOCROOT "missing/cjtref/www: No such file or directory"
conf_reset; conf

D=$J/elsewhere; cj_dir "$D" cjtref:cjtref; cj_cgi "$CJ_WORK/dump-static" "$D/prog.cgi" cjtref:cjtref
req
cj_assert_refused "CJ_NOT_IN_DOCROOT: cwd outside the docroot" CJ_NOT_IN_DOCROOT "$J/elsewhere is not inside $W"
D=$J/var/www2/cgi-bin; cj_dir "$J/var/www2" root:root; cj_dir "$D" cjtref:cjtref
cj_cgi "$CJ_WORK/dump-static" "$D/prog.cgi" cjtref:cjtref
req
cj_assert_refused "CJ_NOT_IN_DOCROOT: docroot .../www, cwd .../www2/cgi-bin (prefix trap)" CJ_NOT_IN_DOCROOT "www2/cgi-bin is not inside $W(\"|\$)"
D=$W/ok

C_JAIL="" conf
req
cj_assert_refused "CJ_NO_JAIL: no jail_root, require_jail by default" CJ_NO_JAIL 'no jail_root for cjtref and require_jail = yes'
C_JAIL="jail_root = none" conf
req
cj_assert_refused "CJ_NO_JAIL: jail_root = none" CJ_NO_JAIL 'no jail_root for cjtref'
conf_reset; conf

B=$CJ_SRV/bad; cj_dir "$B" root:root
cj_dir "$B/owned" cjtref:cjtref
C_JAIL="jail_root = $B/owned" conf
req
cj_assert_refused "CJ_JAIL_UNSAFE: jail root owned by the customer" CJ_JAIL_UNSAFE "$B/owned is owned by uid $REF, not root"
cj_dir "$B/gw" root:root 0775; cj_dir "$B/gw/jail" root:root
C_JAIL="jail_root = $B/gw/jail" conf
req
cj_assert_refused "CJ_JAIL_UNSAFE: a component group-writable" CJ_JAIL_UNSAFE "$B/gw is writable by group or others \\(mode 0775\\)"
cj_dir "$B/ow" root:root 1777; cj_dir "$B/ow/jail" root:root
C_JAIL="jail_root = $B/ow/jail" conf
req
cj_assert_refused "CJ_JAIL_UNSAFE: a component world-writable, sticky (like /var/tmp)" CJ_JAIL_UNSAFE "$B/ow is writable by group or others"
ln -sfn "$J" "$B/link"
C_JAIL="jail_root = $B/link" conf
req
cj_assert_refused "CJ_JAIL_UNSAFE: jail root is a symlink (to the real jail)" CJ_JAIL_UNSAFE "$B/link is a symlink"
C_JAIL="jail_root = $B/nosuchjail" conf
req
cj_assert_refused "CJ_JAIL_UNSAFE: jail root missing" CJ_JAIL_UNSAFE "$B/nosuchjail: No such file or directory"
conf_reset; conf

O=$CJ_SRV/outside; cj_dir "$O/cjtref/www" root:root; D=$O/cjtref/www/cgi-bin; cj_dir "$D" cjtref:cjtref
cj_cgi "$CJ_WORK/dump-static" "$D/prog.cgi" cjtref:cjtref
C_DOCROOT="docroot = $O/%u/www" conf
req
cj_assert_refused "CJ_NOT_IN_JAIL: docroot outside the jail" CJ_NOT_IN_JAIL "$D is not inside $J"
# The customer's docroot inside the jail is a symlink leading out of it.
ln -sfn "$O/cjtref/www" "$J/home/cjtref/www"; chown -h cjtref:cjtref "$J/home/cjtref/www"
C_DOCROOT="docroot = $J/home/%u/www" conf
req
cj_assert_refused "CJ_NOT_IN_JAIL: docroot inside the jail is a symlink leading out of it" CJ_NOT_IN_JAIL "$D is not inside $J"
rm -f "$J/home/cjtref/www"
conf_reset; conf
D=$W/ok

# ---- the directory ----

mk_case cwd-gone
CJ_PRE='rm -r -- "$PWD"'
req
cj_assert_refused "CJ_CWD: the cwd was removed" CJ_CWD 'No such file or directory'
reset_run

mk_case dir-gw 0775
req
cj_assert_refused "CJ_DIR_WRITABLE: cwd g+w" CJ_DIR_WRITABLE "$D \\(mode 0775\\)"
mk_case dir-ow 0757
req
cj_assert_refused "CJ_DIR_WRITABLE: cwd o+w" CJ_DIR_WRITABLE "$D \\(mode 0757\\)"
mk_case dir-sub; cj_dir "$D/sub" cjtref:cjtref 0775; cj_cgi "$CJ_WORK/dump-static" "$D/sub/prog.cgi" cjtref:cjtref
req cjtref cjtref sub/prog.cgi
cj_assert_refused "CJ_DIR_WRITABLE: a subdirectory of CMD g+w" CJ_DIR_WRITABLE 'sub \(mode 0775\)'
mk_case dir-link; cj_dir "$D/real" cjtref:cjtref; cj_cgi "$CJ_WORK/dump-static" "$D/real/prog.cgi" cjtref:cjtref
ln -s real "$D/lnk"; chown -h cjtref:cjtref "$D/lnk"
req cjtref cjtref lnk/prog.cgi
cj_assert_refused "CJ_DIR_OPEN: a subdirectory of CMD is a symlink" CJ_DIR_OPEN 'lnk \(not a directory, or a symlink\)'

# ---- the program ----

D=$W/ok
req cjtref cjtref nosuch.cgi
cj_assert_refused "CJ_PROG_OPEN: program missing" CJ_PROG_OPEN 'nosuch.cgi: No such file or directory'
mk_case prog-link; ln -s prog.cgi "$D/lnk.cgi"; chown -h cjtref:cjtref "$D/lnk.cgi"
req cjtref cjtref lnk.cgi
cj_assert_refused "CJ_PROG_OPEN: program is a symlink (to a good program)" CJ_PROG_OPEN 'lnk.cgi is a symlink'
mk_case prog-unreadable; chmod 0111 "$D/prog.cgi"
req
cj_assert_refused "CJ_PROG_OPEN: program not readable by its owner (0111)" CJ_PROG_OPEN 'prog.cgi is not readable by its owner'

mk_case prog-gw; chmod 0775 "$D/prog.cgi"
req
cj_assert_refused "CJ_PROG_WRITABLE: program g+w" CJ_PROG_WRITABLE 'prog.cgi \(mode 0775\)'
mk_case prog-ow; chmod 0757 "$D/prog.cgi"
req
cj_assert_refused "CJ_PROG_WRITABLE: program o+w" CJ_PROG_WRITABLE 'prog.cgi \(mode 0757\)'

mk_case prog-suid; chmod 4755 "$D/prog.cgi"
req
cj_assert_refused "CJ_PROG_SETID: setuid bit" CJ_PROG_SETID 'prog.cgi \(mode 4755\)'
mk_case prog-sgid; chmod 2755 "$D/prog.cgi"
req
cj_assert_refused "CJ_PROG_SETID: setgid bit" CJ_PROG_SETID 'prog.cgi \(mode 2755\)'

mk_case own-prog; chown cjtoth:cjtoth "$D/prog.cgi"
req
cj_assert_refused "CJ_OWNER_MISMATCH: program owned by another user" CJ_OWNER_MISMATCH "target cjtref/cjtref \\($REF/$REF\\), program owned by cjtoth/cjtoth \\($OTH/$OTH\\)"
mk_case own-group; chown cjtref:cjtoth "$D/prog.cgi"
req
cj_assert_refused "CJ_OWNER_MISMATCH: program of the target's uid but another group" CJ_OWNER_MISMATCH "target cjtref/cjtref \\($REF/$REF\\), program owned by cjtref/cjtoth \\($REF/$OTH\\)"
mk_case own-dir 0755 cjtoth:cjtoth
req
cj_assert_refused "CJ_OWNER_MISMATCH: directory owned by another user" CJ_OWNER_MISMATCH "target cjtref/cjtref \\($REF/$REF\\), directory owned by cjtoth/cjtoth \\($OTH/$OTH\\)"
mk_case own-subdir; cj_dir "$D/sub" cjtoth:cjtoth; cj_cgi "$CJ_WORK/dump-static" "$D/sub/prog.cgi" cjtref:cjtref
req cjtref cjtref sub/prog.cgi
cj_assert_refused "CJ_OWNER_MISMATCH: a subdirectory of CMD owned by another user" CJ_OWNER_MISMATCH "target cjtref/cjtref \\($REF/$REF\\), directory owned by cjtoth/cjtoth \\($OTH/$OTH\\)"
# Created as root: root may link another user's file whatever fs.protected_hardlinks says.
mk_case own-hardlink; ln "$W/oth/prog.cgi" "$D/link.cgi"
req cjtref cjtref link.cgi
cj_assert_refused "CJ_OWNER_MISMATCH: hard link to another user's program" CJ_OWNER_MISMATCH "target cjtref/cjtref \\($REF/$REF\\), program owned by cjtoth/cjtoth \\($OTH/$OTH\\)"
mk_case own-noname; chown "$CJ_UID_MAX:$CJ_UID_MAX" "$D/prog.cgi"
req
cj_assert_refused "CJ_OWNER_MISMATCH: program of a uid and gid without names: ? for each name, the numbers" CJ_OWNER_MISMATCH \
	"program owned by \\?/\\? \\($CJ_UID_MAX/$CJ_UID_MAX\\)"

mk_case prog-noexec; chmod 0644 "$D/prog.cgi"
req
cj_assert_refused "CJ_PROG_NOEXEC: mode 0644" CJ_PROG_NOEXEC 'prog.cgi \(mode 0644\)'
mk_case prog-groupexec; chmod 0655 "$D/prog.cgi"
req
cj_assert_refused "CJ_PROG_NOEXEC: executable by group and others, not by the owner (0655)" CJ_PROG_NOEXEC 'prog.cgi \(mode 0655\)'

mk_case notfile-dir; cj_dir "$D/dir.cgi" cjtref:cjtref
req cjtref cjtref dir.cgi
cj_assert_refused "CJ_PROG_NOT_FILE: a directory" CJ_PROG_NOT_FILE 'dir.cgi \(mode 04'
mk_case notfile-fifo; mkfifo -m 0755 "$D/fifo.cgi"; chown cjtref:cjtref "$D/fifo.cgi"
req cjtref cjtref fifo.cgi
cj_assert_refused "CJ_PROG_NOT_FILE: a fifo" CJ_PROG_NOT_FILE 'fifo.cgi \(mode 01'

# ---- the config file (refused before the log file is known: no log line) ----

D=$W/ok
rm -f "$CJ_CONF"
req
cj_assert_refused "CJ_CONFIG_OPEN: config missing" CJ_CONFIG_OPEN "$CJ_CONF: No such file or directory"
conf
chmod 0664 "$CJ_CONF"
req
cj_assert_refused "CJ_CONFIG_UNSAFE: config group-writable" CJ_CONFIG_UNSAFE "$CJ_CONF is writable by group or others \\(mode 0664\\)"
chmod 0646 "$CJ_CONF"
req
cj_assert_refused "CJ_CONFIG_UNSAFE: config world-writable" CJ_CONFIG_UNSAFE "$CJ_CONF is writable by group or others \\(mode 0646\\)"
chmod 0644 "$CJ_CONF"; chown cjtref "$CJ_CONF"
req
cj_assert_refused "CJ_CONFIG_UNSAFE: config owned by a non-root user" CJ_CONFIG_UNSAFE "$CJ_CONF is owned by uid $REF, not root"
chown root "$CJ_CONF"
dmode=$(stat -c %a "$CJ_CONF_DIR")
chmod g+w "$CJ_CONF_DIR"
req
chmod "$dmode" "$CJ_CONF_DIR"
cj_assert_refused "CJ_CONFIG_UNSAFE: $CJ_CONF_DIR group-writable" CJ_CONFIG_UNSAFE "$CJ_CONF_DIR is writable by group or others"
mv "$CJ_CONF" "$CJ_CONF_DIR/real.conf"; ln -s real.conf "$CJ_CONF"
req
rm -f "$CJ_CONF"; mv "$CJ_CONF_DIR/real.conf" "$CJ_CONF"
cj_assert_refused "CJ_CONFIG_UNSAFE: config is a symlink (to a good config)" CJ_CONFIG_UNSAFE "$CJ_CONF is a symlink"
rm -f "$CJ_CONF"; mkdir -m 0755 "$CJ_CONF"
req
rmdir "$CJ_CONF"; conf
cj_assert_refused "CJ_CONFIG_UNSAFE: config is a directory" CJ_CONFIG_UNSAFE "$CJ_CONF is not a regular file"

cj_conf <<EOF
[cgijail]
caller = www-data
min_uid = $CJ_UID_MIN
this line is not a key = value line
jail_root = $CJ_SRV/jails/%u
EOF
# line 4 is the bad one; iniparser may also misread it as key "this line is not a key".
sed -i '4s/.*/this line has no equals sign/' "$CJ_CONF"
req
cj_assert_refused "CJ_CONFIG_SYNTAX: a line without '=' (the message names line 4)" CJ_CONFIG_SYNTAX "$CJ_CONF \\(4\\)"

conf_value() { # NAME PATTERN: write the config (conf_reset + C_* already set), run, assert
	conf; req
	cj_assert_refused "CJ_CONFIG_VALUE: $1" CJ_CONFIG_VALUE "$2"
	conf_reset
}
C_EXTRA="frobnicate = 1"; conf_value "unknown key" "unknown key 'frobnicate' in \\[cgijail\\]"
C_SECTIONS=$'[bogus]\nx = 1'; conf_value "unknown section" 'unknown section \[bogus\]'
C_EXTRA="min_uid = abc"; conf_value "min_uid = abc" "\\[cgijail\\] min_uid: 'abc' is not a whole number"
C_EXTRA="min_uid = 0"; conf_value "min_uid = 0" 'min_uid must be at least 1'
C_EXTRA="min_uid = -5"; conf_value "min_uid = -5" "\\[cgijail\\] min_uid: '-5' is not a whole number"
C_EXTRA="umask = 999"; conf_value "umask = 999" "\\[cgijail\\] umask: '999' is not an octal umask"
C_EXTRA="umask = 07777"; conf_value "umask = 07777" "\\[cgijail\\] umask: '07777' is not an octal umask"
C_SECTIONS=$'[limits]\nnofile = lots'; conf_value "[limits] nofile = lots" "\\[limits\\] nofile: 'lots' is not a limit"
C_SECTIONS=$'[limits]\nfrob = 1'; conf_value "[limits] unknown limit" "unknown key 'frob' in \\[limits\\]"
C_SECTIONS=$'[user:cjtref]\nmin_uid = 1'; conf_value "[user:NAME] global-only key" "unknown key 'min_uid' in \\[user:cjtref\\]"
C_EXTRA="jail_root = relative/path"; C_JAIL=""; conf_value "jail_root relative" "'relative/path' is not an absolute path"
C_DOCROOT="docroot = $CJ_SRV/%x/www"; conf_value "docroot with an unknown %-sequence" "only %u, %U and %% may follow '%'"
C_EXTRA="userdir = /abs/public_html"; conf_value "userdir absolute" "must be a relative path without '..'"
C_EXTRA="userdir = ../public_html"; conf_value "userdir with '..'" "must be a relative path without '..'"
C_EXTRA="safe_path = /usr/bin:bin"; conf_value "safe_path with a relative element" 'every directory must be absolute'
C_EXTRA="safe_path = /usr/bin::/bin"; conf_value "safe_path with an empty element in the middle (= the cwd)" 'every directory must be absolute'
# An empty element at the end means the cwd just as well ("/usr/bin:" = "/usr/bin:.").
C_EXTRA="safe_path = /usr/bin:/bin:"; conf_value "safe_path with an empty element at the end (= the cwd)" 'safe_path'
C_EXTRA="check = maybe"; conf_value "check = maybe" "'maybe' is not full, files or off"
C_EXTRA="bind = sometimes"; conf_value "bind = sometimes" "'sometimes' is not now or lazy"
C_EXTRA="nice = 20"; conf_value "nice = 20" "'20' is not a nice value"
C_EXTRA="require_jail = perhaps"; conf_value "require_jail = perhaps" "'perhaps' is not yes or no"
C_SECTIONS=$'[limits]\ncpu = 100:50'; conf_value "[limits] soft above hard" "soft limit above hard limit"
cj_conf <<EOF
orphan = 1
[cgijail]
jail_root = $CJ_SRV/jails/%u
EOF
req
cj_assert_refused "CJ_CONFIG_VALUE: key outside any section" CJ_CONFIG_VALUE "key 'orphan' is outside any section"
conf_reset; conf

# ---- log, setuid, permission, limits ----

C_EXTRA="log = $CJ_SRV/no-such-dir/cgijail.log" conf
req
cj_assert_refused "CJ_LOG: log file in a missing directory" CJ_LOG "no-such-dir/cgijail.log: No such file or directory" --no-log
ln -sfn "$CJ_PREFIX/target.log" "$CJ_PREFIX/link.log"
C_EXTRA="log = $CJ_PREFIX/link.log" conf
req
cj_assert_refused "CJ_LOG: log file is a symlink" CJ_LOG "link.log: Too many levels of symbolic links" --no-log
cj_expect "CJ_LOG: nothing was written through the symlink" '[ ! -e "$CJ_PREFIX/target.log" ]'
conf_reset; conf

cj_install_copy "$CJ_PREFIX/bin/cgijail-nosuid" 0750
CJ_BIN_RUN=$CJ_PREFIX/bin/cgijail-nosuid
req
cj_assert_refused "CJ_NOT_SETUID: installed without the setuid bit" CJ_NOT_SETUID "effective uid is $(id -u www-data)" --no-log
reset_run

# The same binary made as if linked without -z now (DF_BIND_NOW and DF_1_NOW
# cleared, no PT_GNU_RELRO, so the loader binds its PLT lazily -- which could
# happen after chroot, against the jail's libraries).
cj_install_copy "$CJ_PREFIX/bin/cgijail-lazy" 4750
python3 - "$CJ_PREFIX/bin/cgijail-lazy" <<'EOF'
import struct, sys
f = open(sys.argv[1], "r+b"); d = bytearray(f.read())
phoff, = struct.unpack_from("<Q", d, 32); phentsize, phnum = struct.unpack_from("<HH", d, 54)
for i in range(phnum):
    o = phoff + i * phentsize
    if struct.unpack_from("<I", d, o)[0] == 0x6474e552:  # PT_GNU_RELRO: the GOT stays writable
        struct.pack_into("<I", d, o, 0)
    if struct.unpack_from("<I", d, o)[0] != 2:      # PT_DYNAMIC
        continue
    off, = struct.unpack_from("<Q", d, o + 8)
    while True:
        tag, val = struct.unpack_from("<qQ", d, off)
        if tag == 0:
            break
        if tag == 30:                               # DT_FLAGS: clear DF_BIND_NOW
            struct.pack_into("<Q", d, off + 8, val & ~0x8)
        elif tag == 0x6ffffffb:                     # DT_FLAGS_1: clear DF_1_NOW
            struct.pack_into("<Q", d, off + 8, val & ~0x1)
        elif tag == 24:                             # DT_BIND_NOW: make it DT_DEBUG
            struct.pack_into("<q", d, off, 21)
        off += 16
f.seek(0); f.write(d)
EOF
chown root:"$CJ_CALLER" "$CJ_PREFIX/bin/cgijail-lazy" && chmod 4750 "$CJ_PREFIX/bin/cgijail-lazy"
CJ_BIN_RUN=$CJ_PREFIX/bin/cgijail-lazy
req
cj_assert_refused "CJ_LAZY_BINDING: the binary without -z now refuses at once, before the config" CJ_LAZY_BINDING \
	'cgijail-lazy|lazily|bound'
reset_run

req --dry-run cjtref cjtref prog.cgi
cj_assert_refused "CJ_NOT_PERMITTED: --dry-run by www-data is a logged refusal" CJ_NOT_PERMITTED "--dry-run is for root, not www-data"
CJ_AS=cjtcall CJ_AS_GROUPS=www-data
req -V
cj_assert_refused "CJ_NOT_PERMITTED: -V by another user (member of www-data)" CJ_NOT_PERMITTED '-V is for root and www-data, not cjtcall'
reset_run

C_SECTIONS=$'[limits]\nnofile = 2000000' conf
req
cj_assert_refused "CJ_LIMITS: nofile above the kernel's nr_open" CJ_LIMITS 'limit nofile: Operation not permitted'
conf_reset; conf

# ---- closure check ----

mk_case interp; printf '#!/cjt/no/such/interpreter\necho CJT-CGI-RAN\n' >"$D/prog.cgi"
C_EXTRA="check = off" conf
req
cj_assert_refused "check = off skips the closure check: a missing #! interpreter fails at exec (CJ_EXEC)" CJ_EXEC '/var/www/interp/prog.cgi: No such file or directory' --exec-logged
CJ_AS=root
req --dry-run cjtref cjtref prog.cgi
cj_expect "check = off: the dry-run report says the closure was not checked" \
	'[ "$CJ_RC" = 0 ] && grep -qE "^  ok +closure +not checked \\(check = off\\)" <<<"$CJ_OUT"'
reset_run
conf_reset; conf

if [ -x "$CJ_BUILD/src/cgijailctl/cgijailctl" ]; then
	D=$W/interp
	req
	cj_assert_refused "check = full (default): the same missing #! interpreter is refused before exec (CJ_MISSING_INTERPRETER)" CJ_MISSING_INTERPRETER '/cjt/no/such/interpreter'
	mk_case perl; printf '#!/usr/bin/perl\nprint "CJT-CGI-RAN\\n";\n' >"$D/prog.cgi"
	req
	cj_assert_refused "CJ_MISSING_INTERPRETER: #!/usr/bin/perl, no perl in the jail" CJ_MISSING_INTERPRETER '/usr/bin/perl'
	mk_case noloader; cj_cgi "$CJ_WORK/dump-dynamic" "$D/prog.cgi" cjtref:cjtref
	req
	cj_assert_refused "CJ_MISSING_INTERPRETER: dynamic program, no loader in the jail" CJ_MISSING_INTERPRETER 'ld-linux'
	# check_modules (default yes): the modules python3 would import are
	# part of the check. Its standard library and their libraries but one.
	mk_case py; printf '#!/usr/bin/python3\nimport sqlite3\nprint("Content-Type: text/plain\\n\\nCJT-CGI-RAN")\n' >"$D/prog.cgi"
	if jail_copy_prog "$J" /usr/bin/python3 >"$CJ_WORK/py.log" 2>&1 &&
		compgen -G "$J/usr/lib/python3.*/lib-dynload/_sqlite3.*.so" >/dev/null &&
		compgen -G "$J/usr/lib/x86_64-linux-gnu/libsqlite3.so.0*" >/dev/null; then
		rm -f "$J"/usr/lib/x86_64-linux-gnu/libsqlite3.so.0*
		req
		cj_assert_refused "CJ_MISSING_LIBRARY: python3 CGI, the jail lacks libsqlite3.so.0 of the _sqlite3 module (check_modules = yes, the default)" \
			CJ_MISSING_LIBRARY 'libsqlite3\.so\.0 needed by /usr/lib/python3[.0-9]*/lib-dynload/_sqlite3'
		C_SECTIONS=$'[user:cjtref]\ncheck_modules = no' conf
		req
		cj_expect "check_modules = no: the same CGI runs, and python3 fails with an ImportError" \
			'[ "$CJ_RC" = 1 ] && [ "$CJ_RAN" = 0 ] && grep -q " decision=exec code=0 " <<<"$CJ_LOGNEW" && grep -q "ImportError.*libsqlite3" <<<"$CJ_ERR"'
		conf_reset; conf
	else
		not_ok "setup: python3 with its standard library in the jail"; diag "$(tail -n 5 "$CJ_WORK/py.log")"
	fi
else
	ok "check = full (default): the same missing #! interpreter is refused before exec (CJ_MISSING_INTERPRETER) # SKIP the closure checker is a stub (no cgijailctl)"
	ok "CJ_MISSING_INTERPRETER: #!/usr/bin/perl, no perl in the jail # SKIP the closure checker is a stub (no cgijailctl)"
	ok "CJ_MISSING_INTERPRETER: dynamic program, no loader in the jail # SKIP the closure checker is a stub (no cgijailctl)"
	ok "CJ_MISSING_LIBRARY: python3 CGI, the jail lacks libsqlite3.so.0 of the _sqlite3 module # SKIP the closure checker is a stub (no cgijailctl)"
	ok "check_modules = no: the same CGI runs, and python3 fails with an ImportError # SKIP the closure checker is a stub (no cgijailctl)"
fi

tap_end
exit 0
