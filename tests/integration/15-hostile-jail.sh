#!/usr/bin/env bash
# Adversarial tests, the jail: its root and the path to it, and what the
# customer puts inside -- setuid programs, device nodes, a crafted
# etc/passwd, ELF files and #! scripts built to crash, hang or mislead the
# library check that runs (as the customer) before exec. Each hostile file
# must give a refusal with the closure's kind, or the safe outcome, within
# the run's timeout: never a hang, never a crash. The cases
# 11-cgijail-refusals.sh holds (jail root owned by the customer, a
# component g+w or o+w, the jail root a symlink, missing) are not repeated.
# TAP on stdout; always exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/hostile.sh"

CJ_TIMEOUT=15

# probe.cgi ARG...: for "open:PATH" prints "open PATH ok" or the error; for
# "exec:PATH" execs PATH (after printing its own uids).
build_probe() {
	cat >"$CJ_WORK/probe.c" <<'EOF'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	uid_t r, e, s;
	printf("Content-Type: text/plain\n\nMARK CJT-CGI-RAN\n");
	getresuid(&r, &e, &s);
	printf("probe_uids %u %u %u\n", r, e, s);
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "open:", 5)) {
			int fd = open(argv[i] + 5, O_RDWR | O_NONBLOCK);
			printf("open %s %s\n", argv[i] + 5, fd >= 0 ? "ok" : strerror(errno));
		} else if (!strncmp(argv[i], "exec:", 5)) {
			fflush(stdout);
			char *a[] = { argv[i] + 5, NULL };
			execv(a[0], a);
			printf("exec %s %s\n", argv[i] + 5, strerror(errno));
		}
	}
	return 0;
}
EOF
	gcc -O1 -w -static -o "$CJ_WORK/probe" "$CJ_WORK/probe.c"
}

# cjh-elfgen OUT N: a program (PT_INTERP the host's loader) needing N
# libraries libcjhN.so.1 that no jail holds.
build_elfgen() {
	cat >"$CJ_WORK/cjh-elfgen.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include "elfgen.h"
int main(int argc, char **argv)
{
	size_t n = strtoul(argv[2], NULL, 10);
	char **names = calloc(n, sizeof *names);
	for (size_t i = 0; i < n; i++)
		if (asprintf(&names[i], "libcjh%zu.so.1", i) < 0) return 1;
	struct elfgen g = { .interp = "/lib64/ld-linux-x86-64.so.2", .needed = (const char *const *)names, .n_needed = n };
	return elfgen_write(&g, argv[1], 0755) ? 1 : 0;
}
EOF
	gcc -O1 -w -I"$CJ_TOP/tests/unit/closure" -o "$CJ_WORK/cjh-elfgen" "$CJ_WORK/cjh-elfgen.c" \
		"$CJ_TOP/tests/unit/closure/elfgen.c"
}

setup() {
	cj_install || return 2
	cj_build_cgis && build_probe && build_elfgen || return 2
	cj_user cjhjail && U=$CJ_LAST_UID || return 2
	J=$(cj_jail cjhjail) && cj_site cjhjail || return 2
	cj_jail_closure "$J" "$CJ_WORK/dump-dynamic" && cj_jail_tools "$J" || return 2
	D=$J/var/www/cgi-bin
	cj_cgi "$CJ_WORK/dump-static" "$D/s.cgi" cjhjail:cjhjail &&
		cj_cgi "$CJ_WORK/dump-dynamic" "$D/d.cgi" cjhjail:cjhjail &&
		cj_cgi "$CJ_WORK/probe" "$D/probe.cgi" cjhjail:cjhjail || return 2
	# Setuid and setgid root programs (the admin's: a thin jail's /bin is
	# the template's), and device nodes, in the jail.
	A=$(cj_admin_bin "$J") || return 2
	cp "$CJ_WORK/dump-static" "$A/suid-root" && chmod 4755 "$A/suid-root" || return 2
	cp "$CJ_WORK/dump-static" "$A/sgid-root" && chmod 2755 "$A/sgid-root" || return 2
	mkdir -p "$J/dev" && mknod -m 0600 "$J/dev/cjh-mem" c 1 1 && mknod -m 0600 "$J/dev/cjh-loop0" b 7 0 || return 2
	# Jails whose root or path is unsafe in ways 11-cgijail-refusals.sh does not try.
	B=$CJ_SRV/bad
	cj_dir "$B" root:root && cj_dir "$B/gwroot" "root:cjhjail" 0775 || return 2
	cj_dir "$B/custparent" cjhjail:cjhjail && cj_dir "$B/custparent/jail" root:root || return 2
	cj_dir "$B/mid" root:root && ln -s "$CJ_SRV/jails" "$B/mid/link" || return 2
	: >"$B/file" && chmod 0644 "$B/file" || return 2
	h_conf_reset && h_conf
}
if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

reset_run() { CJ_AS=www-data; CJ_AS_GROUPS=; CJ_ENV=(); CJ_PRE=; CJ_BIN_RUN=; CJ_STDIN=; CJ_WANT_UID=$U; }
req() { cj_run "$D" cjhjail cjhjail "$@"; }
reset_run

req d.cgi
cj_assert_exec "control: the dynamic CGI runs in the jail"

# ---- the jail root and its path ----

jail_case() { # NAME JAIL_ROOT PATTERN
	H_JAIL="jail_root = $2" h_conf; req s.cgi
	h_refused "jail root: $1" CJ_JAIL_UNSAFE "$3"
}
jail_case "group-writable by the customer's group (root:cjhjail 0775)" "$B/gwroot" "$B/gwroot is writable by group or others \\(mode 0775\\)"
jail_case "root-owned, but its parent owned by the customer" "$B/custparent/jail" "$B/custparent is owned by uid $U, not root"
jail_case "a symlink in the middle of its path" "$B/mid/link/cjhjail" "$B/mid/link is a symlink"
jail_case "a regular file" "$B/file" "$B/file: Not a directory"
H_JAIL="jail_root = $B/../jails/%u" h_conf; req s.cgi
h_refused "jail root with a '..' component: refused when the config is read" CJ_CONFIG_VALUE "has a '\\.' or '\\.\\.' component"
h_conf

# ---- what the customer keeps inside ----

reset_run; req probe.cgi "exec:$CJ_ADMIN_BIN/suid-root"
h_safe "jail with a setuid-root program: the CGI execs it and stays the customer (no_new_privs)" \
	'[ "$CJ_RC" = 0 ] && [ "$(cj_val uids)" = "$U $U $U" ] && [ "$(cj_val caps)" = "0 0 0 0 0 0" ]'
reset_run; req probe.cgi "exec:$CJ_ADMIN_BIN/sgid-root"
h_safe "jail with a setgid-root program: the CGI execs it and keeps its own gid" \
	'[ "$CJ_RC" = 0 ] && [ "$(cj_val gids)" = "$U $U $U" ]'
reset_run; req probe.cgi open:/dev/cjh-mem open:/dev/cjh-loop0
h_safe "jail with device nodes (mem, loop0; root 0600): the CGI cannot open them" \
	'[ "$CJ_RC" = 0 ] && grep -qx "open /dev/cjh-mem Permission denied" <<<"$CJ_OUT" && grep -qx "open /dev/cjh-loop0 Permission denied" <<<"$CJ_OUT"'

# The admin's view: cgijailctl audit reports such files (when built with it).
CTL=$CJ_BUILD/src/cgijailctl/cgijailctl
if [ -x "$CTL" ] && "$CTL" audit --help >/dev/null 2>&1; then
	out=$("$CTL" audit --root "$J" 2>&1); rc=$?
	h_safe "jail with setuid/setgid programs and device nodes: cgijailctl audit reports each (exit 1)" \
		'[ "$rc" = 1 ] && grep -qE "^setid: $J(/usr)?$CJ_ADMIN_BIN/suid-root" <<<"$out" && grep -qE "^setid: $J(/usr)?$CJ_ADMIN_BIN/sgid-root" <<<"$out" && grep -q "^device: $J/dev/cjh-mem" <<<"$out" && grep -q "^device: $J/dev/cjh-loop0" <<<"$out" || { diag "$out"; false; }'
else
	ok "jail with setuid/setgid programs and device nodes: cgijailctl audit reports each # SKIP no cgijailctl audit"
fi

# The jail's etc/passwd, etc/group, nsswitch.conf are the customer's: cgijail
# resolves users with the host's NSS before chroot and never reads them. As
# FIFOs without a writer, any open of them would hang the request. (A thin
# jail's are cgijailctl init's: replaced here, written again after.)
E=$J/etc
rm -f "$E/passwd" "$E/group" "$E/shadow"
mkfifo -m 0644 "$E/passwd" "$E/group" "$E/shadow"
reset_run; req s.cgi
cj_assert_exec "jail etc/passwd, group, shadow are FIFOs: the static CGI runs (cgijail never opens them)"
reset_run; req d.cgi
h_safe "jail etc/passwd, group, shadow are FIFOs: the dynamic CGI (closure check inside the jail) runs too" \
	'[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && [ "$(cj_val uids)" = "$U $U $U" ]'
# glibc reads the time zone file on the first gmtime_r(): cgijail makes that
# the host's, before chroot. A FIFO in the jail would hang the request.
rm -f "$E/localtime"; mkfifo -m 0644 "$E/localtime"
reset_run; req s.cgi
cj_assert_exec "jail etc/localtime is a FIFO: the CGI runs (cgijail read the host's time zone before chroot)"
rm -f "$E/localtime"
rm -f "$E/passwd" "$E/group" "$E/shadow"
printf 'root:x:0:0::/:/bin/sh\ncjhjail:x:0:0::/root:/bin/sh\nwww-data:x:%s:%s::/:/bin/sh\n' "$U" "$U" >"$E/passwd"
printf 'root:x:0:\ncjhjail:x:0:\n' >"$E/group"
chmod 0644 "$E/passwd" "$E/group"
reset_run; req d.cgi
h_safe "jail etc/passwd maps the customer's name to uid 0 (and www-data to the customer): the CGI runs as the real uid, the log names it" \
	'[ "$CJ_RC" = 0 ] && [ "$(cj_val uids)" = "$U $U $U" ] && grep -q " uid=$U(cjhjail) gid=$U(cjhjail) " <<<"$CJ_LOGNEW"'
chmod 0000 "$E/passwd" "$E/group"
reset_run; req d.cgi
h_safe "jail etc/passwd unreadable (0000): the request is unaffected" '[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ]'
rm -f "$E/passwd" "$E/group" "$E/nsswitch.conf"
mkfifo -m 0644 "$E/nsswitch.conf"
reset_run; req d.cgi
h_safe "jail etc/nsswitch.conf is a FIFO: the check does not hang; runs or refused, within the timeout" \
	'[ "$CJ_RC" -lt 128 ] || [ "$CJ_RC" = 255 ]; [ "$CJ_RC" != 137 ] && { [ "$CJ_RC" = 0 ] || grep -q "decision=refused" <<<"$CJ_LOGNEW"; }'
rm -f "$E/nsswitch.conf"
printf 'passwd: cjhevil files\ngroup: files\n' >"$E/nsswitch.conf"; chmod 0644 "$E/nsswitch.conf"
reset_run; req d.cgi
h_refused "jail etc/nsswitch.conf names an NSS module the jail lacks" CJ_MISSING_NSS_MODULE 'cjhevil'
rm -f "$E/nsswitch.conf"
# cgijail's check never blocks on a FIFO; the CGI's own loader (glibc)
# would, after the exec: the check refuses the request instead.
rm -f "$E/ld.so.cache"; mkfifo -m 0644 "$E/ld.so.cache"
reset_run; CJ_TIMEOUT=5 req d.cgi
h_safe "jail etc/ld.so.cache is a FIFO: refused (bad-elf) before exec, naming it; cgijail does not block" \
	'[ "$CJ_RC" = "$(cj_code CJ_BAD_ELF)" ] && grep -q "decision=refused.*/etc/ld.so.cache.*not a regular file" <<<"$CJ_LOGNEW"'
rm -f "$E/ld.so.cache"
{ printf 'glibc-ld.so.cache1.1'; printf '\xff\xff\xff\xff'; head -c 65536 /dev/urandom; } >"$E/ld.so.cache"; chmod 0644 "$E/ld.so.cache"
reset_run; req d.cgi
h_safe "jail etc/ld.so.cache with a valid magic, 2^32-1 entries and garbage: no crash; runs or a logged refusal" \
	'[ "$CJ_RC" != 137 ] && [ "$CJ_RC" -lt 129 -o "$CJ_RC" = 255 ] && { [ "$CJ_RC" = 0 ] || grep -q "decision=refused" <<<"$CJ_LOGNEW"; }'
rm -f "$E/ld.so.cache"
cj_jail_repair cjhjail

# ---- hostile ELF files (the CGI, or a library it needs) ----

# The library cases damage the libc the CGI loads. A copied jail's is its
# own; a thin jail's is the template's (read-only, checked when the
# generation was built): there it is the customer's own copy, which the
# program's DT_RPATH (for its libraries' needs too) makes the loader find
# before the template's.
if [ -n "${CJ_THIN-}" ]; then
	cj_dir "$D/lib" cjhjail:cjhjail && cp /lib/x86_64-linux-gnu/libc.so.6 "$D/lib/"
	RPATH=("-Wl,--disable-new-dtags,-rpath,/var/www/cgi-bin/lib") LIBP=lp.cgi LIBC=$D/lib/libc.so.6
	gcc -O1 -w "${RPATH[@]}" -o "$CJ_WORK/dump-rpath" "$CJ_WORK/dump.c" &&
		cj_cgi "$CJ_WORK/dump-rpath" "$D/$LIBP" cjhjail:cjhjail
	WHOSE="the customer's libc.so.6 (DT_RPATH, ahead of the template's)"
	reset_run; req "$LIBP"
	cj_assert_exec "control: a program loading the customer's own libc.so.6 runs"
else
	RPATH=() LIBP=d.cgi WHOSE="the jail's libc.so.6"
	LIBC=$(cd "$J" && ls usr/lib/x86_64-linux-gnu/libc.so.6 lib/x86_64-linux-gnu/libc.so.6 2>/dev/null | head -n 1)
	LIBC=$(realpath -m "$J/$LIBC")
fi
cp "$LIBC" "$CJ_WORK/libc.good"
elf_prog() { # NAME: a copy of the dynamic CGI as $D/NAME; sets P
	P=$D/$1; cj_cgi "$CJ_WORK/dump-dynamic" "$P" cjhjail:cjhjail
}
# poke FILE OFFSET FORMAT VALUE: write one little-endian field.
poke() { python3 -c 'import struct,sys; f=open(sys.argv[1],"r+b"); f.seek(int(sys.argv[2],0)); f.write(struct.pack(sys.argv[3],int(sys.argv[4],0)))' "$@"; }
elf_refused() { # NAME PROG CODE PATTERN
	reset_run; req "$2"
	h_refused "hostile ELF: $1" "$3" "$4"
}

head -c 100 "$CJ_WORK/libc.good" >"$LIBC"
elf_refused "$WHOSE truncated to 100 bytes" "$LIBP" CJ_BAD_ELF 'bad-elf: .*libc\.so\.6'
head -c "$(($(stat -c %s "$CJ_WORK/libc.good") / 2))" "$CJ_WORK/libc.good" >"$LIBC"
elf_refused "$WHOSE cut in half" "$LIBP" CJ_BAD_ELF 'bad-elf: .*libc\.so\.6'
cp "$CJ_WORK/libc.good" "$LIBC"

# The jail's libc as the loader would find it, each way it can be wrong.
# A copied jail's loader has no other libc: refused. A thin jail's loader
# skips the customer's copy (wrong machine, dangling), and the check follows
# the loader: the CGI runs on the template's libc.
lib_skipped() { # NAME CODE PATTERN
	if [ -z "${CJ_THIN-}" ]; then elf_refused "$WHOSE $1" "$LIBP" "$2" "$3"; return; fi
	reset_run; req "$LIBP"
	h_safe "hostile ELF: $WHOSE $1: passed over by the loader and the check alike, runs on the template's libc" \
		'[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && [ "$(cj_val uids)" = "$U $U $U" ]'
}
poke "$LIBC" 18 '<H' 183
lib_skipped "built for another machine (e_machine = AArch64)" CJ_WRONG_CLASS 'libc\.so\.6'
rm -f "$LIBC"; ln -s libc-gone.so.6 "$LIBC"
lib_skipped "a dangling symlink" CJ_DANGLING_SYMLINK 'libc\.so\.6'
rm -f "$LIBC"; ln -s ../../../../../../../../../lib/x86_64-linux-gnu/libc.so.6 "$LIBC"
# Climbing: the kernel stops ".." at the jail's root and the loader opens what
# the link names from there; the check does not follow it: refused everywhere.
elf_refused "$WHOSE a symlink climbing above the jail's root" "$LIBP" CJ_ESCAPING_SYMLINK 'libc\.so\.6'
rm -f "$LIBC"; cp "$CJ_WORK/libc.good" "$LIBC"
# A library of the jail without a function the program calls (bind = now).
L=$CJ_WORK/undef; mkdir -p "$L"
gcc -w -shared -fPIC -o "$L/libcjhu.so.1" -Wl,-soname,libcjhu.so.1 -x c - <<<'int cjh_u(void) { return 1; }'
gcc -w "${RPATH[@]}" -o "$L/undef.cgi" "$CJ_WORK/dump.c" -x c - -L"$L" -Wl,--no-as-needed -l:libcjhu.so.1 <<<'int cjh_u(void); int cjh_use(void) { return cjh_u(); }'
gcc -w -shared -fPIC -o "$L/libcjhu.so.1" -Wl,-soname,libcjhu.so.1 -x c - <<<'int cjh_other(void) { return 1; }'
cp "$L/libcjhu.so.1" "$(dirname "$LIBC")/" && cj_cgi "$L/undef.cgi" "$D/undef.cgi" cjhjail:cjhjail
elf_refused "a library of the jail lacks a function the program calls" undef.cgi CJ_UNDEFINED_SYMBOL 'cjh_u'
rm -f "$(dirname "$LIBC")/libcjhu.so.1" "$D/undef.cgi"

elf_prog trunc.cgi; head -c 64 "$CJ_WORK/dump-dynamic" >"$P"
elf_refused "the program is an ELF header alone (64 bytes)" trunc.cgi CJ_BAD_ELF 'bad-elf'
elf_prog phnum.cgi; poke "$P" 56 '<H' 0xffff
elf_refused "e_phnum = 65535" phnum.cgi CJ_BAD_ELF 'bad-elf'
elf_prog phoff.cgi; poke "$P" 32 '<Q' 0x7ffffffffff0
elf_refused "e_phoff far past the end of the file" phoff.cgi CJ_BAD_ELF 'bad-elf'
elf_prog shnum.cgi; poke "$P" 60 '<H' 0xffff; poke "$P" 40 '<Q' 0xfffffffffff0
reset_run; req shnum.cgi
h_safe "hostile ELF: e_shnum = 65535, e_shoff wild (section headers, unused for loading): no crash, runs like the loader does" \
	'[ "$CJ_RC" = 0 ] && [ "$CJ_RAN" = 1 ] && [ "$(cj_val uids)" = "$U $U $U" ]'
# PT_DYNAMIC laid over the ELF and program headers (offset 0): the dynamic
# array is then made of header bytes.
elf_prog overlap.cgi
python3 - "$P" <<'EOF'
import struct, sys
f = open(sys.argv[1], "r+b"); d = bytearray(f.read())
phoff, = struct.unpack_from("<Q", d, 32); phentsize, phnum = struct.unpack_from("<HH", d, 54)
for i in range(phnum):
    o = phoff + i * phentsize
    if struct.unpack_from("<I", d, o)[0] == 2:        # PT_DYNAMIC
        struct.pack_into("<QQQQ", d, o + 8, 0, 0, 0, 0x4000)  # offset, vaddr, paddr, filesz
        struct.pack_into("<Q", d, o + 40, 0x4000)     # memsz
f.seek(0); f.write(d)
EOF
reset_run; req overlap.cgi
h_safe "hostile ELF: PT_DYNAMIC overlapping the ELF and program headers: a closure refusal, no crash" \
	'[ "$CJ_RAN" = 0 ] && [ "$CJ_RC" -ge 169 ] && [ "$CJ_RC" -le 179 ] && grep -q "decision=refused code=$CJ_RC " <<<"$CJ_LOGNEW"'
"$CJ_WORK/cjh-elfgen" "$D/needed10k.cgi" 10000 && chown cjhjail:cjhjail "$D/needed10k.cgi"
elf_refused "10,000 DT_NEEDED libraries, none in the jail" needed10k.cgi CJ_MISSING_LIBRARY 'libcjh0\.so\.1.*\(and more'

# Cyclic DT_NEEDED: liba needs libb, libb needs liba (legal; the loader
# copes): the check must terminate, and the CGI runs.
L=$CJ_WORK/cyc; mkdir -p "$L"
gcc -w -shared -fPIC -o "$L/libcjhb.so.1" -Wl,-soname,libcjhb.so.1 -x c - <<<'int b(void) { return 1; }'
gcc -w -shared -fPIC -o "$L/libcjha.so.1" -Wl,-soname,libcjha.so.1 -x c - -L"$L" -Wl,-rpath-link,"$L" -l:libcjhb.so.1 <<<'int b(void); int a(void) { return b(); }'
gcc -w -shared -fPIC -o "$L/libcjhb.so.1" -Wl,-soname,libcjhb.so.1 -x c - -L"$L" -Wl,-rpath-link,"$L" -l:libcjha.so.1 <<<'int b(void) { return 1; }'
gcc -w "${RPATH[@]}" -o "$L/cyc.cgi" "$CJ_WORK/dump.c" -x c - -L"$L" -Wl,-rpath-link,"$L" -Wl,--no-as-needed -l:libcjha.so.1 <<<'int a(void); int cjh_use(void) { return a(); }'
cp "$L/libcjha.so.1" "$L/libcjhb.so.1" "$(dirname "$LIBC")/"
cj_cgi "$L/cyc.cgi" "$D/cyc.cgi" cjhjail:cjhjail
reset_run; req cyc.cgi
cj_assert_exec "hostile ELF: cyclic DT_NEEDED (liba <-> libb): checked and run, no endless walk"

# ---- #! chains, loops, oversized and odd interpreters ----

script() { # NAME INTERPRETER-LINE: a customer script in the CGI directory
	printf '%s\necho "Content-Type: text/plain"; echo; echo CJT-CGI-RAN\n' "$2" >"$D/$1"
	chown cjhjail:cjhjail "$D/$1"; chmod 0755 "$D/$1"
}
script c0 '#!/bin/sh'
for i in 1 2 3 4 5 6 7 8; do script "c$i" "#!/var/www/cgi-bin/c$((i - 1))"; done
reset_run; req c8
h_safe "#! chain 9 scripts deep (the kernel follows 4): refused by the check, never run" \
	'[ "$CJ_RAN" = 0 ] && [ "$CJ_RC" -ge 169 ] && [ "$CJ_RC" -le 179 ] && grep -q "decision=refused code=$CJ_RC " <<<"$CJ_LOGNEW"'
script loopa '#!/var/www/cgi-bin/loopb'; script loopb '#!/var/www/cgi-bin/loopa'
reset_run; req loopa
h_safe "#! loop (a -> b -> a): refused by the check, no hang" \
	'[ "$CJ_RAN" = 0 ] && [ "$CJ_RC" -ge 169 ] && [ "$CJ_RC" -le 179 ] && grep -q "decision=refused code=$CJ_RC " <<<"$CJ_LOGNEW"'
script self '#!/var/www/cgi-bin/self'
reset_run; req self
h_safe "#! naming itself: refused by the check, no hang" \
	'[ "$CJ_RAN" = 0 ] && [ "$CJ_RC" -ge 169 ] && [ "$CJ_RC" -le 179 ] && grep -q "decision=refused code=$CJ_RC " <<<"$CJ_LOGNEW"'
script long "#!/bin/sh $(printf 'x%.0s' $(seq 1 10000))"
reset_run; req long
h_safe "#! line of 10,000 characters: no crash or hang; the kernel's reading of it runs as the customer, or a logged refusal" \
	'[ "$CJ_RC" != 137 ] && grep -q "decision=\(exec\|refused\)" <<<"$CJ_LOGNEW"'
mkfifo -m 0755 "$J/tmp-fifo" 2>/dev/null || { mkdir -p "$J/tmp"; mkfifo -m 0755 "$J/tmp-fifo"; }
script fifo '#!/tmp-fifo'
reset_run; req fifo
h_refused "#! naming a FIFO in the jail: refused, never opened (no hang)" CJ_MISSING_INTERPRETER '/tmp-fifo needed by /var/www/cgi-bin/fifo'
script dir '#!/var/www'
reset_run; req dir
h_safe "#! naming a directory: refused by the check" \
	'[ "$CJ_RAN" = 0 ] && [ "$CJ_RC" -ge 169 ] && [ "$CJ_RC" -le 179 ]'
script dev '#!/dev/cjh-mem'
reset_run; req dev
h_safe "#! naming a device node: refused by the check, never opened" \
	'[ "$CJ_RAN" = 0 ] && [ "$CJ_RC" -ge 169 ] && [ "$CJ_RC" -le 179 ]'
# An interpreter the jail has, without its execute bits (a thin jail's
# /bin/sh is the template's: then one of the admin's in the jail).
if [ -n "${CJ_THIN-}" ]; then
	NOX=$CJ_ADMIN_BIN/sh; SH=$J$NOX; cp /bin/sh "$SH"
else
	NOX=/bin/sh; SH=$(realpath -m "$J/bin/sh")
fi
case $SH in
"$J"/*)
	chmod 0644 "$SH"; script noexec "#!$NOX"
	reset_run; req noexec
	h_refused "#! interpreter in the jail without execute bits: refused" CJ_NOT_EXECUTABLE '/bin/sh'
	chmod 0755 "$SH" ;;
*) ok "#! interpreter without execute bits # SKIP the jail's /bin/sh leads out of it" ;;
esac
script empty '#!'
reset_run; req empty
h_safe "'#!' with no interpreter: refused (check or exec), never run" \
	'[ "$CJ_RAN" = 0 ] && [ "$CJ_RC" -ge 100 ] && grep -q "decision=refused code=$CJ_RC " <<<"$CJ_LOGNEW"'

h_report
tap_end
exit 0
