# shellcheck shell=bash
# Throwaway chroot jails for the root test suites. Source it after tap.sh:
#
#   J=$(jail_new)                        # /var/tmp/cgijail-jail.XXXXXX, root 0755, merged /usr
#   jail_copy_prog "$J" /bin/sh          # the program, its #! interpreters, libraries, loader
#   cc_prog "$J/cgi/x" <<'EOF' ... EOF   # or build your own (source on stdin)
#   chroot "$J" /cgi/x
#
# Everything made here (jails, the work directory $CJ_WORK) is removed when the
# suite exits, however it exits: this file owns the EXIT trap. Suites must not
# set their own; they register more clean-up with `cj_atexit 'COMMAND'`.
# CJ_KEEP=1 in the environment keeps the jails (and says where) for debugging.
# jail_new works from $(...) subshells: jails are registered in a file.

# Jails are read by unprivileged users: whatever is made here is 0755/0644.
umask 022
CJ_LDSO=/lib64/ld-linux-x86-64.so.2
CJ_PY=/usr/bin/python3; [ -x "$CJ_PY" ] || CJ_PY=python3

_cj_registry=$(mktemp /tmp/cgijail-reg.XXXXXX) || exit 2
CJ_WORK=$(mktemp -d /tmp/cgijail-work.XXXXXX) || exit 2
echo "$CJ_WORK" >>"$_cj_registry"
_cj_atexit_cmds=()

# cj_atexit COMMAND: run COMMAND (eval'd) at exit, before the jails go.
cj_atexit() { _cj_atexit_cmds+=("$1"); }

# _cj_rmtree DIR: unmount whatever is mounted below DIR, then remove it,
# never crossing into another file system. Only our own temporary names.
_cj_rmtree() {
	local d=$1 m
	case $d in
	/var/tmp/cgijail-jail.?*|/tmp/cgijail-work.?*) ;;
	*) echo "jail.sh: refusing to remove $d" >&2; return 1 ;;
	esac
	[ -e "$d" ] || return 0
	if [ -n "${CJ_KEEP-}" ]; then echo "# CJ_KEEP: kept $d" >&2; return 0; fi
	# Mount points below DIR, deepest first (field 5 of mountinfo).
	while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done < <(awk -v d="$d/" 'substr($5, 1, length(d)) == d { print $5 }' /proc/self/mountinfo | sort -r)
	rm -rf --one-file-system -- "$d"
}

_cj_main_pid=$BASHPID
_cj_cleanup() {
	local rc=$? c d
	trap - EXIT
	# Only the suite itself cleans up, never a forked child that ran the
	# inherited trap before resetting it.
	[ "$BASHPID" = "$_cj_main_pid" ] || exit "$rc"
	for c in "${_cj_atexit_cmds[@]}"; do eval "$c" || true; done
	if [ -f "$_cj_registry" ]; then
		while read -r d; do [ -n "$d" ] && _cj_rmtree "$d"; done < <(tac "$_cj_registry")
		rm -f -- "$_cj_registry"
	fi
	exit "$rc"
}
trap _cj_cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# jail_new: create an empty jail and print its path. The host's top-level
# merged-/usr symlinks (bin -> usr/bin, lib -> usr/lib, lib64 -> usr/lib64...)
# are recreated first, so that every host path means the same in the jail.
jail_new() {
	local j d t
	j=$(mktemp -d /var/tmp/cgijail-jail.XXXXXX) || return 2
	echo "$j" >>"$_cj_registry"
	chown root:root "$j" && chmod 0755 "$j" || return 2
	mkdir -p "$j/etc" "$j/usr/bin" "$j/usr/sbin" "$j/usr/lib" || return 2
	for d in bin sbin lib lib32 lib64 libx32; do
		if [ -L "/$d" ]; then
			t=$(readlink "/$d")
			mkdir -p "$j$(realpath -m -s "/$t")" && ln -s "$t" "$j/$d" || return 2
		elif [ -d "/$d" ]; then
			mkdir -p "$j/$d" || return 2
		fi
	done
	echo "$j"
}

# jail_copy_file JAIL PATH: copy the host's PATH to the same path in JAIL.
# Every symlink met on the way (a directory of the path or the path itself)
# is recreated as it is (same target text) and its target copied in turn.
# A directory is copied whole (plus the targets of its symlinks that point
# out of it). Never writes through a symlink of the jail.
jail_copy_file() {
	local j=$1 depth=${3:-0} cur="" comp rest t
	[ "$depth" -le 40 ] || { echo "jail_copy_file: $2: too many symlinks" >&2; return 2; }
	case $2 in /*) ;; *) echo "jail_copy_file: $2: not absolute" >&2; return 2 ;; esac
	rest=${2#/}
	# Walk it as the kernel does: cur is always a path without symlinks.
	while [ -n "$rest" ]; do
		comp=${rest%%/*}
		if [ "$comp" = "$rest" ]; then rest=""; else rest=${rest#*/}; fi
		case $comp in
		""|.) continue ;;
		..) cur=${cur%/*}; continue ;;
		esac
		cur=$cur/$comp
		if [ -L "$cur" ]; then
			t=$(readlink -- "$cur")
			if [ ! -L "$j$cur" ]; then
				[ ! -e "$j$cur" ] || { echo "jail_copy_file: $j$cur exists, host's is a symlink" >&2; return 2; }
				ln -s -- "$t" "$j$cur" || return 2
			fi
			case $t in /*) ;; *) t=${cur%/*}/$t ;; esac
			jail_copy_file "$j" "$t${rest:+/$rest}" $((depth + 1))
			return
		fi
		[ -e "$cur" ] || { echo "jail_copy_file: $cur: no such file" >&2; return 2; }
		[ ! -L "$j$cur" ] || { echo "jail_copy_file: $j$cur is a symlink, host's is not" >&2; return 2; }
		if [ -n "$rest" ] || [ -d "$cur" ]; then
			if [ ! -d "$j$cur" ]; then
				mkdir -- "$j$cur" && chmod --reference="$cur" -- "$j$cur" || return 2
			fi
		fi
	done
	[ -n "$cur" ] || return 0
	if [ -d "$cur" ]; then
		cp -a -- "$cur/." "$j$cur/" || return 2
		local l r
		while IFS= read -r -d '' l; do
			r=$(realpath -m -- "$l")
			case $r in "$cur"/*) ;; *) [ ! -e "$r" ] || jail_copy_file "$j" "$l" $((depth + 1)) || return 2 ;; esac
		done < <(find "$cur" -type l -print0)
	else
		cp -p --remove-destination -- "$cur" "$j$cur"
	fi
}

# cj_needed FILE: the host paths of what the loader loads for FILE (libraries
# and the loader itself), one per line, as "ld.so --list" finds them.
cj_needed() {
	env -u LD_LIBRARY_PATH -u LD_PRELOAD "$CJ_LDSO" --list "$1" 2>/dev/null |
		awk '$2 == "=>" && $3 ~ /^\// { print $3; next } $1 ~ /^\// { print $1 }'
}

# jail_copy_closure JAIL FILE: copy what the loader needs for the host's ELF FILE.
jail_copy_closure() {
	local f
	while IFS= read -r f; do jail_copy_file "$1" "$f" || return 2; done < <(cj_needed "$2")
}

# jail_copy_prog JAIL PATH: copy a host program with everything it needs to
# start: for a script its #! interpreter (and for "#!/usr/bin/env NAME" the
# NAME found in /usr/local/bin:/usr/bin:/bin), recursively; for an ELF
# program its libraries and loader; for python3.X also its standard library
# (/usr/lib/python3.X and /etc/python3.X) with the libraries its modules need.
jail_copy_prog() {
	local j=$1 p=$2 depth=${3:-0} line interp arg name d real f
	[ "$depth" -le 8 ] || { echo "jail_copy_prog: $p: #! chain too deep" >&2; return 2; }
	jail_copy_file "$j" "$p" || return 2
	if [ "$(head -c 2 -- "$p")" = '#!' ]; then
		line=$(head -n 1 -- "$p"); line=${line#??}
		read -r interp arg <<<"$line"
		jail_copy_prog "$j" "$interp" $((depth + 1)) || return 2
		if [ "${interp##*/}" = env ] && [ -n "$arg" ]; then
			name=${arg%% *}
			for d in /usr/local/bin /usr/bin /bin; do
				if [ -x "$d/$name" ]; then jail_copy_prog "$j" "$d/$name" $((depth + 1)); return; fi
			done
			echo "jail_copy_prog: $p: $name not found in PATH" >&2; return 2
		fi
	elif [ "$(head -c 4 -- "$p")" = $'\x7fELF' ]; then
		jail_copy_closure "$j" "$p" || return 2
		real=$(realpath -- "$p")
		case ${real##*/} in
		python3.[0-9]*)
			d=/usr/lib/${real##*/}
			[ -d "$d" ] || return 0
			jail_copy_file "$j" "$d" || return 2
			[ ! -d "/etc/${real##*/}" ] || jail_copy_file "$j" "/etc/${real##*/}" || return 2
			while IFS= read -r -d '' f; do jail_copy_closure "$j" "$f" || return 2; done \
				< <(find "$d" -name '*.so' -type f -print0)
			;;
		esac
	fi
}

# jrun JAIL [NAME=VALUE...] [--] CMD...: run CMD chrooted in JAIL (cwd /),
# with only PATH=/usr/local/bin:/usr/bin:/bin and the NAME=VALUEs in its
# environment. Unlike "env X=1 chroot", nothing is passed to the host's chroot
# binary (so LD_* variables reach only the jailed loader). Exit: CMD's status,
# 127 when it could not be executed (the reason on stderr), 124 when it ran
# longer than $CJ_JRUN_TIMEOUT seconds (60).
jrun() {
	timeout -k 5 "${CJ_JRUN_TIMEOUT:-60}" "$CJ_PY" -c '
import os, sys
root, args = sys.argv[1], sys.argv[2:]
env = {"PATH": "/usr/local/bin:/usr/bin:/bin"}
while args and "=" in args[0] and not args[0].startswith("/"):
    k, v = args.pop(0).split("=", 1); env[k] = v
if args and args[0] == "--": args.pop(0)
os.chroot(root); os.chdir("/")
try:
    os.execve(args[0], args, env)
except OSError as e:
    print(f"jrun: {args[0]}: {e.strerror}", file=sys.stderr); sys.exit(127 if e.errno == 2 else 126)
' "$@"
}

# jail_ldd JAIL FILE: what the jail's own loader says about FILE (a path in
# the jail): "ldd -r" run inside the jail (trace mode, LD_BIND_NOW, LD_WARN),
# so library, version and undefined-symbol errors are all printed. Exit status
# is the loader's; grep the output for the verdict.
jail_ldd() {
	jrun "$1" LD_TRACE_LOADED_OBJECTS=1 LD_WARN=yes LD_BIND_NOW=yes -- "$CJ_LDSO" "$2" 2>&1
}

# jail_ldconfig JAIL [DIR...]: write JAIL/etc/ld.so.conf (the DIRs, then the
# multiarch directories) and build JAIL/etc/ld.so.cache from it. -X: never
# create or change the library symlinks (a test's broken jail stays broken).
jail_ldconfig() {
	local j=$1; shift
	printf '%s\n' "$@" /usr/local/lib /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu >"$j/etc/ld.so.conf"
	ldconfig -X -r "$j"
}

# cc_prog OUT [GCC-ARGS...]: compile the C program on stdin into OUT.
# GCC-ARGS come after the source: -L, -l, -Wl,-rpath,... all work.
cc_prog() {
	local out=$1; shift
	mkdir -p -- "$(dirname -- "$out")" &&
		gcc -O1 -w -x c - -x none -o "$out" "$@"
}

# cc_lib OUT SONAME [--version-script TEXT] [GCC-ARGS...]: compile the C on
# stdin into the shared library OUT with that soname. TEXT is the text of a
# linker version script, e.g. 'V_1 { global: foo; local: *; };'.
cc_lib() {
	local out=$1 soname=$2 vs=(); shift 2
	if [ "${1-}" = --version-script ]; then
		local f; f=$(mktemp "$CJ_WORK/vs.XXXXXX") || return 2
		printf '%s\n' "$2" >"$f"; vs=("-Wl,--version-script=$f"); shift 2
	fi
	mkdir -p -- "$(dirname -- "$out")" &&
		gcc -O1 -w -shared -fPIC -x c - -x none -o "$out" "-Wl,-soname,$soname" "${vs[@]}" "$@"
}

# cc_lib32 OUT SONAME: a 32-bit (ELFCLASS32, i386) shared library with that
# soname and the C on stdin (no libc: keep it to plain functions). Uses
# gcc -m32; installs gcc-multilib if that fails; as a last resort the C is
# ignored and a minimal ELFCLASS32 object is written by hand.
cc_lib32() {
	local out=$1 soname=$2 src
	src=$(cat)
	mkdir -p -- "$(dirname -- "$out")" || return 2
	_cj_gcc32() { printf '%s\n' "$src" | gcc -m32 -w -shared -fPIC -nostdlib -x c - -o "$out" "-Wl,-soname,$soname" 2>/dev/null; }
	_cj_gcc32 && return 0
	if [ -z "${CJ_NO_APT-}" ] && command -v apt-get >/dev/null &&
		! dpkg-query -W -f='${Status}' gcc-multilib 2>/dev/null | grep -q 'install ok installed'; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc-multilib >/dev/null 2>&1
		_cj_gcc32 && return 0
	fi
	"$CJ_PY" - "$out" "$soname" <<'EOF'
# A minimal i386 ET_DYN: one PT_LOAD, a PT_DYNAMIC with DT_SONAME and an
# empty symbol table. Enough for a loader (or a checker) to read its class.
import struct, sys
out, soname = sys.argv[1], sys.argv[2].encode()
ehsz, phsz = 52, 32
strtab = b"\0" + soname + b"\0"
symtab = b"\0" * 16                       # the null symbol
hashtab = struct.pack("<4I", 1, 1, 0, 0)  # SysV hash: 1 bucket, 1 chain
off_str = ehsz + 2 * phsz
off_sym = off_str + len(strtab) + (-len(strtab)) % 4
off_hash = off_sym + len(symtab)
off_dyn = off_hash + len(hashtab)
dyn = [(14, 1), (5, off_str), (6, off_sym), (4, off_hash), (10, len(strtab)), (11, 16), (0, 0)]
dynb = b"".join(struct.pack("<iI", t, v) for t, v in dyn)
size = off_dyn + len(dynb)
eh = struct.pack("<16sHHIIIIIHHHHHH", b"\x7fELF\x01\x01\x01" + b"\0" * 9, 3, 3, 1, 0,
                 ehsz, 0, 0, ehsz, phsz, 2, 40, 0, 0)
ph = struct.pack("<8I", 1, 0, 0, 0, size, size, 4 | 2, 0x1000)
ph += struct.pack("<8I", 2, off_dyn, off_dyn, off_dyn, len(dynb), len(dynb), 4 | 2, 4)
body = eh + ph + strtab + b"\0" * ((-len(strtab)) % 4) + symtab + hashtab + dynb
open(out, "wb").write(body)
EOF
}
