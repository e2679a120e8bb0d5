#!/usr/bin/env bash
# Adversarial tests, the command and the paths: CMD spelled to escape the
# CGI's directory, working directories and programs that are symlinks, links,
# devices or capabilities, the ~user form, numeric ids in odd spellings, and
# a racer that swaps the program for a symlink between check and exec. The
# cases 11-cgijail-refusals.sh already holds (absolute CMD, ../x, a/../x,
# ./x, empty, newline, fifo, directory, symlink to a good program, hard link
# to another user's program, setuid/setgid bits...) are not repeated.
# TAP on stdout; always exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/hostile.sh"

: "${CJH_RACE_RUNS:=2000}" "${CJH_RACE_SECONDS:=5}"

setup() {
	cj_install || return 2
	cj_build_cgis || return 2
	h_race_tool || return 2
	cj_user cjhpath && U=$CJ_LAST_UID || return 2
	cj_user cjhpoth && O=$CJ_LAST_UID || return 2
	cj_user cjhnohome / && cj_jail cjhnohome >/dev/null || return 2
	cj_user cjhgone "$CJ_SRV/no/such/home" && cj_jail cjhgone >/dev/null || return 2
	J=$(cj_jail cjhpath) && cj_site cjhpath && cj_jail_tools "$J" || return 2
	# For script_exec = fd: what namespaces = mount mounts on, and /dev/fd
	# (a thin jail has them from cgijailctl init).
	[ -d "$J/proc" ] || { mkdir -m 0555 "$J/proc" && mkdir -m 1777 "$J/tmp" && mkdir -m 0755 "$J/dev" &&
		ln -s /proc/self/fd "$J/dev/fd"; } || return 2
	W=$J/var/www
	D=$W/cgi-bin
	cj_cgi "$CJ_WORK/dump-static" "$D/s.cgi" cjhpath:cjhpath || return 2
	mkdir -m 0755 "$D/sub" && chown cjhpath:cjhpath "$D/sub" &&
		cj_cgi "$CJ_WORK/dump-static" "$D/sub/s.cgi" cjhpath:cjhpath || return 2
	# The other user's files inside the same jail: a CGI that says so.
	cj_dir "$W/oth" cjhpoth:cjhpoth || return 2
	printf '#!/bin/sh\necho "Content-Type: text/plain"; echo; echo "CJH-OTHER-RAN uid=$(id -u)"\n' >"$W/oth/o.sh"
	sed 's/MARK CJT-CGI-RAN/MARK CJH-OTHER-RAN/' "$CJ_WORK/dump.c" >"$CJ_WORK/other.c" &&
		gcc -O1 -w -static -o "$W/oth/o.cgi" "$CJ_WORK/other.c" || return 2
	chown cjhpoth:cjhpoth "$W/oth/o.sh" "$W/oth/o.cgi" && chmod 0755 "$W/oth/o.sh" "$W/oth/o.cgi" || return 2
	# A root-owned setuid program inside the jail (the admin's: a thin
	# jail's /bin is the template's).
	SUID=$(cj_admin_bin "$J")/suid-root
	cp "$CJ_WORK/dump-static" "$SUID" && chmod 4755 "$SUID" || return 2
	# Another customer's jail, for a cwd symlinked into it.
	cj_user cjhpnbr || return 2
	JN=$(cj_jail cjhpnbr) && cj_site cjhpnbr && cj_cgi "$CJ_WORK/dump-static" "$JN/var/www/cgi-bin/s.cgi" cjhpnbr:cjhpnbr || return 2
	h_conf_reset && h_conf
}
if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

reset_run() { CJ_AS=www-data; CJ_AS_GROUPS=; CJ_ENV=(); CJ_PRE=; CJ_BIN_RUN=; CJ_STDIN=; CJ_WANT_UID=$U; }
req() { cj_run "$D" cjhpath cjhpath "$@"; }
# in_case NAME: a fresh customer directory $W/cgi-bin/NAME (0755), sets C.
in_case() { C=$D/$1; cj_dir "$C" cjhpath:cjhpath; }
reset_run

req s.cgi
cj_assert_exec "control: the plain request runs"

# ---- CMD: '.' and '..' in every position, control characters ----

DOTS="has a '\\.' or '\\.\\.' component"
for cmd in .. . sub/.. sub/. sub/../s.cgi sub/../../cgi-bin/s.cgi s.cgi/.. s.cgi/. sub/./s.cgi ../cgi-bin/sub/../s.cgi; do
	req "$cmd"
	h_refused "CMD '$cmd'" CJ_BAD_COMMAND "$DOTS"
done
req ...
h_refused "CMD '...' (a name, not a dot component): just a missing file" CJ_PROG_OPEN '\.\.\.: No such file'
req s.cgi/
h_refused "CMD 's.cgi/' (a file used as a directory)" CJ_DIR_OPEN 's\.cgi \(not a directory, or a symlink\)'
for c in $'\t' $'\x01' $'\x7f' $'\x1b[2J' $'\r'; do
	req "s$c.cgi"
	h_refused "CMD with control character 0x$(printf '%s' "$c" | head -c1 | od -An -tx1 | tr -d ' ')" CJ_BAD_COMMAND 'control characters'
done
req $'s\xff\xfe.cgi'
h_refused "CMD with non-UTF-8 bytes: missing file, escaped in the log" CJ_PROG_OPEN 's\\xff\\xfe\.cgi'

# ---- the working directory ----

in_case cwdlink
ln -s "$W/oth" "$C/to-oth"
cj_run "$C/to-oth" cjhpath cjhpath o.cgi
h_refused "cwd entered through a symlink to another user's directory (cwd is resolved, then checked)" CJ_OWNER_MISMATCH "directory owned by cjhpoth/cjhpoth \\($O/$O\\)"
ln -s "$JN/var/www/cgi-bin" "$C/to-nbr"
cj_run "$C/to-nbr" cjhpath cjhpath s.cgi
h_refused "cwd entered through a symlink into another customer's jail" CJ_NOT_IN_DOCROOT "$JN/var/www/cgi-bin is not inside $W"
cj_run "$JN/var/www/cgi-bin" cjhpath cjhpath s.cgi
h_refused "cwd in another customer's jail, target this customer" CJ_NOT_IN_DOCROOT "is not inside $W"

# A cwd deeper than PATH_MAX (entered step by step): getcwd cannot name it.
in_case deep
python3 - "$C" "$U" <<'EOF2'
import os, sys
os.chdir(sys.argv[1])
for i in range(250):
    os.mkdir("d" * 20, 0o755); os.chown("d" * 20, int(sys.argv[2]), int(sys.argv[2])); os.chdir("d" * 20)
EOF2
CJ_PRE='for i in $(seq 1 250); do cd dddddddddddddddddddd || exit 198; done'
cj_run "$C" cjhpath cjhpath s.cgi
CJ_PRE=
h_refused "cwd deeper than PATH_MAX (250 levels, 5250 characters)" CJ_CWD 'File name too long|Numerical result out of range'

# ---- the program: symlinks, links, devices, sockets, capabilities ----

in_case links
ln -s "../../oth/o.cgi" "$C/other.cgi"; chown -h cjhpath:cjhpath "$C/other.cgi"
cj_run "$C" cjhpath cjhpath other.cgi
h_refused "program is a symlink to another user's program" CJ_PROG_OPEN 'other.cgi is a symlink'
ln -s /bin/sh "$C/root.cgi"; chown -h cjhpath:cjhpath "$C/root.cgi"
cj_run "$C" cjhpath cjhpath root.cgi
h_refused "program is a symlink to a root-owned file (/bin/sh)" CJ_PROG_OPEN 'root.cgi is a symlink'
ln -s /proc/self/exe "$C/self.cgi"; chown -h cjhpath:cjhpath "$C/self.cgi"
cj_run "$C" cjhpath cjhpath self.cgi
h_refused "program is a symlink to /proc/self/exe (cgijail itself)" CJ_PROG_OPEN 'self.cgi is a symlink'
ln -s nowhere "$C/dangling.cgi"; chown -h cjhpath:cjhpath "$C/dangling.cgi"
cj_run "$C" cjhpath cjhpath dangling.cgi
h_refused "program is a dangling symlink" CJ_PROG_OPEN 'dangling.cgi is a symlink'
ln "$SUID" "$C/hl-suid.cgi"
cj_run "$C" cjhpath cjhpath hl-suid.cgi
h_refused "hard link to a root-owned setuid program" CJ_PROG_SETID 'hl-suid.cgi \(mode 4755\)'
ln -L "$(cj_sys_file "$J" /bin/sh)" "$C/hl-sh.cgi"
cj_run "$C" cjhpath cjhpath hl-sh.cgi
h_refused "hard link to a root-owned program (/bin/sh of the jail; a thin jail's: the template's)" CJ_OWNER_MISMATCH "program owned by root/root \\(0/0\\)"
cp "$SUID" "$C/suid-root.cgi"; chmod 4755 "$C/suid-root.cgi"
cj_run "$C" cjhpath cjhpath suid-root.cgi
h_refused "a root-owned setuid program in the customer's directory" CJ_PROG_SETID 'suid-root.cgi \(mode 4755\)'
mknod -m 0755 "$C/null.cgi" c 1 3 && chown cjhpath:cjhpath "$C/null.cgi"
cj_run "$C" cjhpath cjhpath null.cgi
h_refused "program is a character device (1:3), customer-owned, mode 0755" CJ_PROG_NOT_FILE 'null.cgi \(mode 02'
mknod -m 0755 "$C/loop.cgi" b 7 0 && chown cjhpath:cjhpath "$C/loop.cgi"
cj_run "$C" cjhpath cjhpath loop.cgi
h_refused "program is a block device (7:0), customer-owned, mode 0755" CJ_PROG_NOT_FILE 'loop.cgi \(mode 06'
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$C/sock.cgi" &&
	chown cjhpath:cjhpath "$C/sock.cgi" && chmod 0755 "$C/sock.cgi"
cj_run "$C" cjhpath cjhpath sock.cgi
h_refused "program is a unix socket, customer-owned, mode 0755" CJ_PROG_NOT_FILE 'sock.cgi \(mode 14'
cj_cgi "$CJ_WORK/dump-static" "$C/caps.cgi" cjhpath:cjhpath
cj_cgi "$CJ_WORK/dump-static" "$C/capp.cgi" cjhpath:cjhpath
if setcap 'cap_setuid,cap_dac_override,cap_sys_admin+ep' "$C/caps.cgi" 2>/dev/null &&
	setcap 'cap_setuid,cap_dac_override,cap_sys_admin+p' "$C/capp.cgi" 2>/dev/null; then
	# With the effective bit the kernel refuses an exec that cannot grant
	# every file capability (no_new_privs): exec fails, after the accept line.
	cj_run "$C" cjhpath cjhpath caps.cgi
	h_refused "program with file capabilities +ep (setuid, dac_override, sys_admin): the kernel refuses the exec" \
		CJ_EXEC 'caps.cgi: Operation not permitted' --exec-logged
	cj_run "$C" cjhpath cjhpath capp.cgi
	h_safe "program with file capabilities +p: runs with no capability at all" \
		'[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && [ "$(cj_val caps)" = "0 0 0 0 0 0" ] && [ "$(cj_val uids)" = "$U $U $U" ]'
else
	ok "program with file capabilities +ep: the kernel refuses the exec # SKIP setcap failed on this file system"
	ok "program with file capabilities +p: runs with no capability at all # SKIP setcap failed on this file system"
fi

# ---- the ~user form, numeric ids in odd spellings ----

cj_run "$D" '~cjhnohome' cjhpath s.cgi
h_refused "~user whose home is /" CJ_USERDIR 'cjhnohome has no home directory'
cj_run "$D" '~cjhgone' cjhpath s.cgi
h_refused "~user whose home does not exist" CJ_USERDIR 'no/such/home/public_html: No such file'
cj_run "$D" '~' cjhpath s.cgi
h_refused "'~' alone" CJ_BAD_USER 'empty or unprintable user'
cj_run "$D" '~~cjhpath' cjhpath s.cgi
h_refused "'~~user'" CJ_BAD_USER 'no such user: ~cjhpath'
cj_run "$D" '~0' cjhpath s.cgi
h_refused "'~0' (root's home)" CJ_FORBIDDEN_UID 'uid 0 \('
cj_run "$D" '~root' cjhpath s.cgi
h_refused "'~root'" CJ_FORBIDDEN_UID 'uid 0 \('
cj_run "$D" 00 cjhpath s.cgi
h_refused "uid '00' is root" CJ_FORBIDDEN_UID 'uid 0 \('
cj_run "$D" cjhpath 000 s.cgi
h_refused "gid '000' is root" CJ_FORBIDDEN_GID 'gid 0 \('
cj_run "$D" -1 cjhpath s.cgi
h_refused "uid '-1': taken for an unknown option, never a number" CJ_USAGE "'-1'"
for u in "+$U" " $U" "$U " 0x0 4294967295 99999999999999999999999 "$U.0" "${U}e0"; do
	cj_run "$D" "$u" cjhpath s.cgi
	h_refused "uid spelled '$u': no such user, never a number" CJ_BAD_USER 'no such user'
done
cj_run "$D" cjhpath "-$U" s.cgi
h_refused "gid '-$U': no such group, never a number" CJ_BAD_GROUP "no such group: -$U"
cj_run "$D" $'cjh\npath' cjhpath s.cgi
h_refused "user name with a newline" CJ_BAD_USER 'empty or unprintable user'

# ---- a racer swapping the program between check and exec ----

# race NAME STRICT DIR A B CMD: the customer swaps A and B in DIR while
# cgijail runs CMD there. STRICT=1: the other user's program (CJH-OTHER-RAN)
# must never run. STRICT=0 (#! scripts, script_exec = name): the kernel hands
# the interpreter the script's name, and the interpreter opens that name
# again -- the customer who owns the directory can make it read another
# file there. That file is
# then read with the customer's uid inside the customer's jail, never more:
# every such run must say uid=<customer>.
race() {
	local name=$1 strict=$2 out runs won ex foreign; shift 2
	out=$("$CJ_WORK/cjh-race" "$CJ_BIN" "$1" "$2" "$3" "$U" "$CJH_RACE_RUNS" "$CJH_RACE_SECONDS" CJH-OTHER-RAN \
		cjhpath cjhpath "$4" "uid=$U" 2>&1)
	read -r _ runs _ ex _ won _ foreign <<<"$(head -n 1 <<<"$out")"
	H_TRIED=$((H_TRIED + 1))
	if [ "${runs:-0}" -gt 20 ] && [ "${ex:-0}" -gt 0 ] && [ "$ex" -lt "$runs" ] && [ "${foreign:-x}" = 0 ] &&
		{ [ "$strict" = 0 ] || [ "${won:-x}" = 0 ]; }; then
		if [ "$strict" = 1 ]; then
			ok "race: $name: the racer never won ($runs runs, $ex ran the checked program)"
		else
			ok "race: $name: whatever the interpreter read, it read as the customer ($runs runs, $won read the other file)"
		fi
		H_REFUSED=$((H_REFUSED + 1))
	else
		not_ok "race: $name"
	fi
	diag "$name: $(tr '\n' ' ' <<<"$out")"
}
in_case race-bin
cj_cgi "$CJ_WORK/dump-static" "$C/prog.cgi" cjhpath:cjhpath
ln -s ../../oth/o.cgi "$C/alt"; chown -h cjhpath:cjhpath "$C/alt"
race "binary program swapped with a symlink to another user's binary" 1 "$C" prog.cgi alt prog.cgi
in_case race-sh
printf '#!/bin/sh\necho "Content-Type: text/plain"; echo; echo CJT-CGI-RAN\n' >"$C/prog.cgi"
chown cjhpath:cjhpath "$C/prog.cgi"; chmod 0755 "$C/prog.cgi"
ln -s ../../oth/o.sh "$C/alt"; chown -h cjhpath:cjhpath "$C/alt"
race "#! script swapped with a symlink to another user's script" 0 "$C" prog.cgi alt prog.cgi
in_case race-dir
cj_dir "$C/sub" cjhpath:cjhpath
printf '#!/bin/sh\necho "Content-Type: text/plain"; echo; echo CJT-CGI-RAN\n' >"$C/sub/o.sh"
chown cjhpath:cjhpath "$C/sub/o.sh"; chmod 0755 "$C/sub/o.sh"
ln -s ../../oth "$C/alt"; chown -h cjhpath:cjhpath "$C/alt"
race "the directory of a #! script (sub/o.sh) swapped with a symlink to another user's directory" 0 "$C" sub alt sub/o.sh

# script_exec = fd (with namespaces = pid,mount, for the jail's /proc behind
# /dev/fd): the interpreter is handed /dev/fd/N and reads the checked file
# through it, so the same races are STRICT: the racer must never win.
H_SECTIONS=$'[user:cjhpath]\nnamespaces = pid,mount\nscript_exec = fd' h_conf
in_case race-sh-fd
printf '#!/bin/sh\necho "Content-Type: text/plain"; echo; echo CJT-CGI-RAN "$0"\n' >"$C/prog.cgi"
chown cjhpath:cjhpath "$C/prog.cgi"; chmod 0755 "$C/prog.cgi"
cj_run "$C" cjhpath cjhpath prog.cgi
cj_expect "control: under script_exec = fd the script runs, read from /dev/fd/N" \
	'[ "$CJ_RC" = 0 ] && grep -qE "^CJT-CGI-RAN /dev/fd/[0-9]+$" <<<"$CJ_OUT"'
ln -s ../../oth/o.sh "$C/alt"; chown -h cjhpath:cjhpath "$C/alt"
race "script_exec = fd: #! script swapped with a symlink to another user's script" 1 "$C" prog.cgi alt prog.cgi
in_case race-dir-fd
cj_dir "$C/sub" cjhpath:cjhpath
printf '#!/bin/sh\necho "Content-Type: text/plain"; echo; echo CJT-CGI-RAN "$0"\n' >"$C/sub/o.sh"
chown cjhpath:cjhpath "$C/sub/o.sh"; chmod 0755 "$C/sub/o.sh"
ln -s ../../oth "$C/alt"; chown -h cjhpath:cjhpath "$C/alt"
race "script_exec = fd: the directory of a #! script (sub/o.sh) swapped with a symlink to another user's directory" 1 "$C" sub alt sub/o.sh
h_conf_reset && h_conf

h_report
tap_end
exit 0
