#!/usr/bin/env bash
# cgijailctl check against a corpus of jails built here: each broken jail must
# be reported (exit 1) with the right kind, object and needed_by in --json, and
# its fixed twin must pass (exit 0, ok true, no problems). Every jail is also
# shown to the real loader inside the jail ("loader: ..." tests), so the corpus
# itself is known to be broken, or to work, the way it claims.
# Needs root (chroot, mount), gcc, python3. Env: CJ_TOP, CJ_BUILD.
set -u
: "${CJ_TOP:?}" "${CJ_BUILD:?}"
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/jail.sh"

# CJ_CTL: another cgijailctl (e.g. a sanitizer build) to run the same tests with.
CTL=${CJ_CTL:-$CJ_BUILD/src/cgijailctl/cgijailctl}
[ "$(id -u)" = 0 ] || { echo "Bail out! needs root"; exit 2; }
command -v gcc >/dev/null || { echo "Bail out! needs gcc"; exit 2; }
B=$CJ_WORK/build            # libraries built to link against (never in a jail)
mkdir -p "$B"
# Building the corpus must work: a failed setup command is the suite breaking.
trap 'echo "Bail out! setup failed at line $LINENO: $BASH_COMMAND"; exit 2' ERR
ML=/usr/lib/x86_64-linux-gnu  # where a jail's ordinary libraries go

# --- How a case is checked ----------------------------------------------------

cat >"$CJ_WORK/assert.py" <<'EOF'
# assert.py OUT RC SPEC...: check one "cgijailctl check --json" run.
#   ok [--checked PAT]...         exit 0, "ok": true, no problems
#   bad KIND OBJ NEEDED [--detail TEXT]... [--mentions PAT]... [--checked PAT]...
#       exit 1, "ok": false and a problem of that KIND whose object matches OBJ
#       and needed_by NEEDED; every --detail TEXT is in its detail; every
#       --mentions PAT matches its object or needed_by.
#   anybad                        exit 1, "ok": false, at least one problem
# KIND, OBJ, NEEDED, PAT are fnmatch patterns, '|' separating alternatives.
import fnmatch, json, os, sys
out, rc, mode, args = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
# A path matches as reported or lexically normalised ("/a/bin/../lib/x" is
# how the loader itself names what it found through $ORIGIN/../lib).
def m(pat, s):
    cands = {s, os.path.normpath(s)} if s.startswith("/") else {s}
    return any(fnmatch.fnmatchcase(c, p) for c in cands for p in pat.split("|"))
def fail(msg):
    print(msg)
    try: print("report: " + open(out).read()[:1500])
    except OSError: pass
    sys.exit(1)
try:
    rep = json.load(open(out))
    assert isinstance(rep["ok"], bool) and isinstance(rep["checked"], list)
    assert isinstance(rep["problems"], list)
except Exception as e:
    fail(f"no valid JSON report (exit {rc}): {e!r}")
opts = {"--checked": [], "--detail": [], "--mentions": []}
pos = []
while args:
    a = args.pop(0)
    if a in opts: opts[a].append(args.pop(0))
    else: pos.append(a)
for pat in opts["--checked"]:
    if not any(m(pat, c) for c in rep["checked"]):
        fail(f"nothing matching {pat} in checked {rep['checked']}")
if mode == "ok":
    if rc != 0 or rep["ok"] is not True or rep["problems"]:
        fail(f"expected a pass, got exit {rc}, ok {rep['ok']}, {len(rep['problems'])} problems")
elif mode == "anybad":
    if rc != 1 or rep["ok"] is not False or not rep["problems"]:
        fail(f"expected exit 1 with problems, got exit {rc}")
elif mode == "bad":
    kind, obj, needed = pos
    if rc != 1 or rep["ok"] is not False:
        fail(f"expected exit 1 and ok false, got exit {rc}, ok {rep['ok']}")
    for p in rep["problems"]:
        if (m(kind, p["kind"]) and m(obj, p["object"]) and m(needed, p["needed_by"])
                and all(t in p["detail"] for t in opts["--detail"])
                and all(m(t, p["object"]) or m(t, p["needed_by"]) for t in opts["--mentions"])):
            sys.exit(0)
    fail(f"no problem {{kind {kind}, object {obj}, needed_by {needed}, detail has {opts['--detail']}, mentions {opts['--mentions']}}}")
else:
    fail("assert.py: bad mode " + mode)
EOF

CTL_MISSING=0
if [ ! -x "$CTL" ]; then
	not_ok "cgijailctl is built ($CTL)"
	CTL_MISSING=1
fi

# expect NAME JAIL SPEC... -- CHECK-ARGS...: run "cgijailctl check --root JAIL
# --json CHECK-ARGS" and hold the report to SPEC (see assert.py above).
expect() {
	local name=$1 j=$2 spec=() rc msg; shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do spec+=("$1"); shift; done
	shift
	if [ "$CTL_MISSING" = 1 ]; then CTL_SKIPPED=$((${CTL_SKIPPED:-0} + 1)); return; fi
	timeout 60 "$CTL" check --root "$j" --json "$@" >"$CJ_WORK/out.json" 2>"$CJ_WORK/err"
	rc=$?
	if msg=$("$CJ_PY" "$CJ_WORK/assert.py" "$CJ_WORK/out.json" "$rc" "${spec[@]}" 2>&1); then
		ok "$name"
	else
		not_ok "$name"
		diag "cgijailctl check --root \$JAIL --json $*" "$msg"
		[ ! -s "$CJ_WORK/err" ] || diag "stderr: $(head -c 600 "$CJ_WORK/err")"
	fi
}

# loader_runs NAME JAIL CMD...: the real thing works inside the jail.
loader_runs() {
	local name=$1 j=$2 out rc; shift 2
	out=$(jrun "$j" -- "$@" 2>&1 </dev/null); rc=$?
	if [ "$rc" = 0 ]; then ok "loader: $name"; else not_ok "loader: $name"; diag "exit $rc: $out"; fi
}

# loader_fails NAME JAIL REGEX CMD...: CMD fails inside the jail, saying REGEX.
loader_fails() {
	local name=$1 j=$2 re=$3 out rc; shift 3
	out=$(jrun "$j" -- "$@" 2>&1 </dev/null); rc=$?
	if [ "$rc" != 0 ] && grep -Eq -- "$re" <<<"$out"; then ok "loader: $name"
	else not_ok "loader: $name"; diag "expected failure matching /$re/, got exit $rc: $out"; fi
}

# ldd_says NAME JAIL FILE REGEX: "ldd -r FILE" inside the jail prints REGEX.
ldd_says() {
	local name=$1 j=$2 f=$3 re=$4 out
	out=$(jail_ldd "$j" "$f")
	if grep -Eq -- "$re" <<<"$out"; then ok "loader: $name"
	else not_ok "loader: $name"; diag "expected /$re/ from ldd -r $f, got: $out"; fi
}

# A jail holding only the loader and libc (what /bin/true needs).
libc_jail() { local j; j=$(jail_new) && jail_copy_closure "$j" /bin/true && echo "$j"; }

# --- Sources -------------------------------------------------------------------

MAIN_FOO='int foo(void); int main(void) { return foo() == 42 ? 0 : 3; }'
LIB_FOO='int foo(void) { return 42; }'
LIB_NOFOO='int other(void) { return 1; }'
MAIN_BAR='int bar(void); int main(void) { return bar() == 42 ? 0 : 3; }'
LIB_BAR='int foo(void); int bar(void) { return foo(); }'
MAIN_PW='#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
/* Look up a name that exists nowhere, so every service of the line is asked. */
int main(int argc, char **argv) {
	const char *db = argc > 1 ? argv[1] : "passwd";
	int found = !strcmp(db, "hosts") ? gethostbyname("cj-no-such-host.invalid") != NULL
		: !strcmp(db, "group") ? getgrnam("cj-no-such-group") != NULL
		: getpwnam("cj-no-such-user") != NULL;
	puts(found ? "found" : "absent");
	return 0;
}'

cc_lib "$B/libfoo.so.1" libfoo.so.1 <<<"$LIB_FOO"
cc_lib "$B/libbar.so.1" libbar.so.1 -L"$B" -l:libfoo.so.1 <<<"$LIB_BAR"

# --- Libraries: missing, where the loader looks -------------------------------

J=$(libc_jail)
cc_prog "$J/cgi/prog" -L"$B" -l:libfoo.so.1 <<<"$MAIN_FOO"
expect "missing-library: libfoo.so.1 nowhere in the jail" "$J" \
	bad missing-library 'libfoo.so.1|*/libfoo.so.1' /cgi/prog -- /cgi/prog
loader_fails "libfoo.so.1 nowhere" "$J" 'libfoo.so.1: cannot open shared object file' /cgi/prog
cp "$B/libfoo.so.1" "$J$ML/"
expect "good: libfoo.so.1 in /usr/lib/x86_64-linux-gnu (checked lists loader, libc, libfoo)" "$J" \
	ok --checked '/cgi/prog' --checked '*/ld-linux-x86-64.so.2' --checked '*/libc.so.6' --checked '*/libfoo.so.1' -- /cgi/prog
loader_runs "libfoo.so.1 in /usr/lib/x86_64-linux-gnu" "$J" /cgi/prog
rm "$J$ML/libfoo.so.1"; mkdir -p "$J/usr/lib"; cp "$B/libfoo.so.1" "$J/lib/"
expect "good: libfoo.so.1 in /lib (a default directory)" "$J" ok -- /cgi/prog
loader_runs "libfoo.so.1 in /lib" "$J" /cgi/prog
rm "$J/usr/lib/libfoo.so.1"

# A missing library needed by a library, not by the program.
cp "$B/libbar.so.1" "$J$ML/"
cc_prog "$J/cgi/prog2" -L"$B" -Wl,-rpath-link,"$B" -l:libbar.so.1 <<<"$MAIN_BAR"
expect "missing-library: libfoo.so.1 needed by libbar.so.1 (transitive)" "$J" \
	bad missing-library 'libfoo.so.1|*/libfoo.so.1' '*/libbar.so.1' -- /cgi/prog2
loader_fails "libfoo.so.1 needed by libbar.so.1" "$J" 'libfoo.so.1: cannot open' /cgi/prog2

# Wrong directory: a directory the loader searches only through ld.so.cache.
mkdir -p "$J/opt/vendor/lib" "$J/usr/local/lib"
cp "$B/libfoo.so.1" "$J/opt/vendor/lib/"
expect "missing-library: libfoo.so.1 only in /opt/vendor/lib, no ld.so.cache" "$J" \
	bad missing-library 'libfoo.so.1|*/libfoo.so.1' /cgi/prog -- /cgi/prog
loader_fails "/opt/vendor/lib not searched" "$J" 'libfoo.so.1: cannot open' /cgi/prog
jail_ldconfig "$J" /opt/vendor/lib
expect "good: /opt/vendor/lib in the jail's ld.so.conf and ld.so.cache" "$J" \
	ok --checked '/opt/vendor/lib/libfoo.so.1' -- /cgi/prog
loader_runs "/opt/vendor/lib in ld.so.cache" "$J" /cgi/prog
rm "$J/opt/vendor/lib/libfoo.so.1"
expect "missing-library: stale ld.so.cache entry (file gone)" "$J" \
	bad missing-library 'libfoo.so.1|*/libfoo.so.1' /cgi/prog -- /cgi/prog
loader_fails "stale ld.so.cache entry" "$J" 'libfoo.so.1: cannot open' /cgi/prog
rm -f "$J/etc/ld.so.cache" "$J/etc/ld.so.conf"
cp "$B/libfoo.so.1" "$J/usr/local/lib/"
expect "missing-library: /usr/local/lib is the host's ld.so.conf, not a default directory" "$J" \
	bad missing-library 'libfoo.so.1|*/libfoo.so.1' /cgi/prog -- /cgi/prog
loader_fails "/usr/local/lib without cache" "$J" 'libfoo.so.1: cannot open' /cgi/prog
rm "$J/usr/local/lib/libfoo.so.1"

# glibc 2.36 also searches glibc-hwcaps subdirectories of the default
# directories (x86-64-v2 when the CPU has it).
if "$CJ_LDSO" --help 2>/dev/null | grep -q 'x86-64-v2 (supported, searched)'; then
	mkdir -p "$J$ML/glibc-hwcaps/x86-64-v2"
	cp "$B/libfoo.so.1" "$J$ML/glibc-hwcaps/x86-64-v2/"
	expect "good: libfoo.so.1 only in glibc-hwcaps/x86-64-v2 (the loader searches it)" "$J" ok -- /cgi/prog
	loader_runs "libfoo.so.1 in glibc-hwcaps/x86-64-v2" "$J" /cgi/prog
else
	ok "good: libfoo.so.1 only in glibc-hwcaps/x86-64-v2 # SKIP this CPU lacks x86-64-v2 (ld.so --help): the loader does not search it"
	ok "loader: libfoo.so.1 in glibc-hwcaps/x86-64-v2 # SKIP this CPU lacks x86-64-v2 (ld.so --help)"
fi

# --- The search order: DT_RUNPATH, then ld.so.cache, then /lib before /usr/lib --
# (told apart by a V_1-only and a V_2 build of libv.so.1; the program needs V_2)

VSRC='int old(void) { return 1; } int foo(void) { return 42; }'
cc_lib "$B/v2/libv.so.1" libv.so.1 --version-script 'V_1 { global: old; local: *; }; V_2 { global: foo; } V_1;' <<<"$VSRC"
cc_lib "$B/v1/libv.so.1" libv.so.1 --version-script 'V_1 { global: old; foo; local: *; };' <<<"$VSRC"
J=$(libc_jail)
cc_prog "$J/cgi/prog" -L"$B/v2" -l:libv.so.1 <<<"$MAIN_FOO"
cc_prog "$J/cgi/runpath" -L"$B/v2" -l:libv.so.1 -Wl,-rpath,/opt/good <<<"$MAIN_FOO"
mkdir -p "$J/opt/vendor" "$J/opt/good"
cp "$B/v1/libv.so.1" "$J/opt/vendor/"; cp "$B/v2/libv.so.1" "$J$ML/"; cp "$B/v2/libv.so.1" "$J/opt/good/"
jail_ldconfig "$J" /opt/vendor
expect "missing-symbol-version: ld.so.cache's V_1 build comes before the default directory's V_2 one" "$J" \
	bad missing-symbol-version /opt/vendor/libv.so.1 /cgi/prog --detail V_2 -- /cgi/prog
loader_fails "ld.so.cache before default directories" "$J" "/opt/vendor/libv.so.1: version .V_2' not found" /cgi/prog
expect "good: DT_RUNPATH's V_2 build comes before ld.so.cache's V_1 one" "$J" \
	ok --checked /opt/good/libv.so.1 -- /cgi/runpath
loader_runs "DT_RUNPATH before ld.so.cache" "$J" /cgi/runpath
# A jail without merged /usr: /lib/x86_64-linux-gnu is searched before /usr/lib/x86_64-linux-gnu.
K=$(jail_new)
rm "$K/lib" "$K/lib64"
mkdir -p "$K/lib/x86_64-linux-gnu" "$K/lib64" "$K$ML" "$K/cgi"
cp /lib/x86_64-linux-gnu/libc.so.6 "$(readlink -f "$CJ_LDSO")" "$K/lib/x86_64-linux-gnu/"
ln -s "/lib/x86_64-linux-gnu/${CJ_LDSO##*/}" "$K$CJ_LDSO"
cp "$J/cgi/prog" "$K/cgi/prog"
cp "$B/v2/libv.so.1" "$K/lib/x86_64-linux-gnu/"; cp "$B/v1/libv.so.1" "$K$ML/"
expect "good: unmerged /usr, V_2 build in /lib/x86_64-linux-gnu, V_1 in /usr/lib/x86_64-linux-gnu" "$K" \
	ok --checked /lib/x86_64-linux-gnu/libv.so.1 -- /cgi/prog
loader_runs "unmerged /usr, /lib first (V_2)" "$K" /cgi/prog
cp "$B/v1/libv.so.1" "$K/lib/x86_64-linux-gnu/"; cp "$B/v2/libv.so.1" "$K$ML/"
expect "missing-symbol-version: unmerged /usr, V_1 build in /lib/x86_64-linux-gnu shadows /usr/lib's V_2" "$K" \
	bad missing-symbol-version /lib/x86_64-linux-gnu/libv.so.1 /cgi/prog --detail V_2 -- /cgi/prog
loader_fails "unmerged /usr, /lib first (V_1)" "$K" "version .V_2' not found" /cgi/prog

# --- Symbol versions and undefined symbols -------------------------------------

J=$(libc_jail)
cp "$B/v1/libv.so.1" "$J$ML/libv.so.1"
cc_prog "$J/cgi/prog" -L"$B/v2" -l:libv.so.1 <<<"$MAIN_FOO"
expect "missing-symbol-version: prog needs foo@V_2, jail's libv.so.1 defines only V_1" "$J" \
	bad missing-symbol-version '*/libv.so.1' /cgi/prog --detail V_2 -- /cgi/prog
loader_fails "libv.so.1 lacks V_2" "$J" "version .V_2' not found" /cgi/prog
expect "good: --no-symbols skips version checks" "$J" ok -- --no-symbols /cgi/prog
cp "$B/v2/libv.so.1" "$J$ML/libv.so.1"
expect "good: jail's libv.so.1 defines V_2" "$J" ok -- /cgi/prog
loader_runs "libv.so.1 with V_2" "$J" /cgi/prog

cc_lib "$J$ML/libfoo.so.1" libfoo.so.1 <<<"$LIB_NOFOO"
cc_prog "$J/cgi/undef" -L"$B" -l:libfoo.so.1 <<<"$MAIN_FOO"
expect "undefined-symbol: foo, jail's libfoo.so.1 lacks it" "$J" \
	bad undefined-symbol '*' '*' --detail foo --mentions '/cgi/undef' -- /cgi/undef
loader_fails "foo undefined" "$J" 'undefined symbol: foo' /cgi/undef
expect "good: --no-symbols skips undefined symbols" "$J" ok -- --no-symbols /cgi/undef
cc_prog "$J/cgi/weak" -L"$B" -l:libfoo.so.1 \
	<<<'extern int foo(void) __attribute__((weak)); int main(void) { return foo ? 3 : 0; }'
expect "good: a weak undefined foo may stay undefined" "$J" ok -- /cgi/weak
loader_runs "weak foo undefined" "$J" /cgi/weak

# liba references b() without a DT_NEEDED on libb: the loader finds b in the
# global scope when the program also needs libb, and nowhere otherwise.
cc_lib "$B/libb.so.1" libb.so.1 <<<'int b(void) { return 42; }'
cc_lib "$B/liba.so.1" liba.so.1 <<<'int b(void); int a(void) { return b(); }'
cp "$B/liba.so.1" "$B/libb.so.1" "$J$ML/"
cc_prog "$J/cgi/ab" -L"$B" -l:liba.so.1 -l:libb.so.1 <<<'int a(void); int main(void) { return a() == 42 ? 0 : 3; }'
cc_prog "$J/cgi/a" -L"$B" -l:liba.so.1 -Wl,--allow-shlib-undefined <<<'int a(void); int main(void) { return a() == 42 ? 0 : 3; }'
expect "good: liba's b() found in libb through the global scope" "$J" ok -- /cgi/ab
loader_runs "liba's b() from libb" "$J" /cgi/ab
expect "undefined-symbol: liba's b() defined nowhere in the program's scope" "$J" \
	bad undefined-symbol '*' '*' --detail b --mentions '*/liba.so.1' -- /cgi/a
loader_fails "liba's b() undefined" "$J" 'undefined symbol: b' /cgi/a

# foo@V_2 needed; the jail's libv.so.1 has a V_2, but foo is only in V_1.
cc_lib "$J$ML/libv.so.1" libv.so.1 --version-script 'V_1 { global: foo; local: *; }; V_2 { global: old; } V_1;' \
	<<<'int old(void) { return 1; } int foo(void) { return 42; }'
expect "undefined-symbol: foo@V_2, the jail's libv.so.1 has V_2 but foo only at V_1" "$J" \
	bad undefined-symbol '*' '*' --detail foo --mentions '/cgi/prog|*/libv.so.1' -- /cgi/prog
loader_fails "foo@V_2 absent, V_2 present" "$J" 'undefined symbol: foo, version V_2' /cgi/prog

# An undefined data object (a copy relocation in the program).
cc_lib "$B/libdata.so.1" libdata.so.1 <<<'int counter = 42;'
cc_lib "$J$ML/libdata.so.1" libdata.so.1 <<<'int other_counter = 42;'
cc_prog "$J/cgi/data" -L"$B" -l:libdata.so.1 <<<'extern int counter; int main(void) { return counter == 42 ? 0 : 3; }'
expect "undefined-symbol: data object counter" "$J" \
	bad undefined-symbol '*' '*' --detail counter --mentions /cgi/data -- /cgi/data
loader_fails "data object counter undefined" "$J" 'undefined symbol: counter' /cgi/data

# A library calling back into the program: found only if the program exports
# it (ld exports what the libraries on its command line use, so the hidden
# one is linked against a libcb.so.1 build that does not call cb).
cc_lib "$B/libcb.so.1" libcb.so.1 <<<'int cb(void); int call_cb(void) { return cb(); }'
cc_lib "$B/nocb/libcb.so.1" libcb.so.1 <<<'int call_cb(void) { return 42; }'
cp "$B/libcb.so.1" "$J$ML/"
CB_MAIN='int call_cb(void); int cb(void) { return 42; } int main(void) { return call_cb() == 42 ? 0 : 3; }'
cc_prog "$J/cgi/cb-export" -L"$B" -l:libcb.so.1 <<<"$CB_MAIN"
cc_prog "$J/cgi/cb-hidden" -L"$B/nocb" -l:libcb.so.1 <<<"$CB_MAIN"
expect "good: libcb's cb() defined and exported by the program" "$J" ok -- /cgi/cb-export
loader_runs "cb() exported by the program" "$J" /cgi/cb-export
expect "undefined-symbol: libcb's cb() in the program but not exported" "$J" \
	bad undefined-symbol '*' '*' --detail cb --mentions '*/libcb.so.1' -- /cgi/cb-hidden
loader_fails "cb() not exported" "$J" 'undefined symbol: cb' /cgi/cb-hidden

# --- #! interpreters ------------------------------------------------------------

J=$(jail_new)
jail_copy_prog "$J" /bin/sh
mkdir -p "$J/cgi" "$J/opt/bin" "$J/opt/chain"
script() { printf '%s\n' "$2" "${3:-echo hi}" >"$J$1"; chmod 0755 "$J$1"; }
script /cgi/ok.sh '#!/bin/sh'
expect "good: #!/bin/sh script" "$J" ok --checked '/cgi/ok.sh' --checked '*/libc.so.6' -- /cgi/ok.sh
loader_runs "#!/bin/sh script" "$J" /cgi/ok.sh
script /cgi/spaced.sh '#! /bin/sh'
expect "good: '#! /bin/sh' (space after #!)" "$J" ok -- /cgi/spaced.sh
loader_runs "'#! /bin/sh'" "$J" /cgi/spaced.sh
script /cgi/crlf.sh $'#!/bin/sh\r' $'echo hi\r'
expect "missing-interpreter: '#!/bin/sh\\r' (CRLF line ends: the kernel looks for \"/bin/sh\\r\")" "$J" \
	bad missing-interpreter $'/bin/sh\r' /cgi/crlf.sh -- /cgi/crlf.sh
loader_fails "'#!/bin/sh\\r'" "$J" 'No such file' /cgi/crlf.sh
script /cgi/hello.pl '#!/usr/bin/perl -w' 'print "hi\n";'
expect "missing-interpreter: #!/usr/bin/perl" "$J" \
	bad missing-interpreter /usr/bin/perl /cgi/hello.pl -- /cgi/hello.pl
loader_fails "#!/usr/bin/perl absent" "$J" 'No such file' /cgi/hello.pl

script /cgi/env-dash '#!/usr/bin/env dash'
expect "missing-interpreter: #!/usr/bin/env with no env in the jail" "$J" \
	bad missing-interpreter /usr/bin/env /cgi/env-dash -- /cgi/env-dash
loader_fails "no /usr/bin/env" "$J" 'No such file' /cgi/env-dash
jail_copy_prog "$J" /usr/bin/env
expect "good: #!/usr/bin/env dash (dash in /usr/bin)" "$J" ok -- /cgi/env-dash
loader_runs "#!/usr/bin/env dash" "$J" /cgi/env-dash
script /cgi/x.py '#!/usr/bin/env python3' 'print("hi")'
expect "missing-interpreter: #!/usr/bin/env python3, no python3 on PATH" "$J" \
	bad missing-interpreter 'python3|*/python3' '/cgi/x.py|/usr/bin/env' -- /cgi/x.py
loader_fails "env python3 absent" "$J" 'python3.*No such file' /cgi/x.py
cp "$J/usr/bin/dash" "$J/opt/bin/mysh"
script /cgi/env-mysh '#!/usr/bin/env mysh'
expect "missing-interpreter: #!/usr/bin/env mysh, mysh only in /opt/bin (not on PATH)" "$J" \
	bad missing-interpreter 'mysh|*/mysh' '/cgi/env-mysh|/usr/bin/env' -- /cgi/env-mysh
loader_fails "env mysh off PATH" "$J" 'mysh.*No such file' /cgi/env-mysh
mkdir -p "$J/usr/local/bin"; ln -s /opt/bin/mysh "$J/usr/local/bin/mysh"
expect "good: #!/usr/bin/env mysh, /usr/local/bin/mysh -> /opt/bin/mysh" "$J" ok -- /cgi/env-mysh
loader_runs "env mysh in /usr/local/bin" "$J" /cgi/env-mysh

# An interpreter that is an ELF program with a missing library.
cc_prog "$J/opt/bin/tool" -L"$B" -l:libfoo.so.1 <<<"$MAIN_FOO"
script /cgi/tool-script '#!/opt/bin/tool'
expect "missing-library: libfoo.so.1 needed by the #! interpreter /opt/bin/tool" "$J" \
	bad missing-library 'libfoo.so.1|*/libfoo.so.1' /opt/bin/tool -- /cgi/tool-script
loader_fails "interpreter's library missing" "$J" 'libfoo.so.1: cannot open' /cgi/tool-script

# Not executable: interpreter, program, loader.
cp -p "$J/usr/bin/dash" "$J/opt/bin/noexec-sh"; chmod 0644 "$J/opt/bin/noexec-sh"
script /cgi/noexec-interp '#!/opt/bin/noexec-sh'
expect "not-executable: #! interpreter mode 0644" "$J" \
	bad not-executable /opt/bin/noexec-sh /cgi/noexec-interp -- /cgi/noexec-interp
loader_fails "interpreter mode 0644" "$J" 'Permission denied' /cgi/noexec-interp
script /cgi/noexec.sh '#!/bin/sh'; chmod 0644 "$J/cgi/noexec.sh"
expect "not-executable: the program itself mode 0644" "$J" \
	bad not-executable /cgi/noexec.sh '*' -- /cgi/noexec.sh
loader_fails "program mode 0644" "$J" 'Permission denied' /cgi/noexec.sh
head -c 4096 /dev/urandom >"$J/cgi/garbage"; printf 'XX' | dd of="$J/cgi/garbage" conv=notrunc status=none
chmod 0755 "$J/cgi/garbage"
expect "bad-elf: the program is neither ELF nor #!" "$J" \
	bad 'bad-elf|not-executable' /cgi/garbage '*' -- /cgi/garbage
loader_fails "program neither ELF nor #!" "$J" 'Exec format error' /cgi/garbage

# #! chains: Linux follows at most 4 nested interpreters (5 files).
script /opt/chain/c0 '#!/bin/sh' 'echo chain'
for i in 1 2 3 4 5; do script "/opt/chain/c$i" "#!/opt/chain/c$((i - 1))"; done
expect "good: #! chain of 5 scripts down to /bin/sh" "$J" ok --checked '/opt/chain/c0' -- /opt/chain/c4
loader_runs "#! chain of 5 scripts" "$J" /opt/chain/c4
expect "6 nested scripts: more than the kernel follows (any problem)" "$J" anybad -- /opt/chain/c5
loader_fails "6 nested scripts" "$J" 'Too many levels' /opt/chain/c5
script /opt/chain/m0 '#!/opt/chain/nonexistent'
for i in 1 2 3; do script "/opt/chain/m$i" "#!/opt/chain/m$((i - 1))"; done
expect "missing-interpreter: at the bottom of a 4-script #! chain" "$J" \
	bad missing-interpreter /opt/chain/nonexistent /opt/chain/m0 -- /opt/chain/m3
loader_fails "missing bottom of #! chain" "$J" 'No such file' /opt/chain/m3

# The loader itself.
L=$(realpath -m "$J$(readlink -f "$CJ_LDSO")")
chmod 0644 "$L"
expect "not-executable: the loader (PT_INTERP) mode 0644" "$J" \
	bad not-executable '*/ld-linux-x86-64.so.2' '*' -- /cgi/env-dash
loader_fails "loader mode 0644" "$J" 'Permission denied' /cgi/ok.sh
chmod 0755 "$L"
chmod 0644 "$J$ML/libc.so.6"
expect "good: a library without execute bits (only mmap'd)" "$J" ok -- /cgi/ok.sh
loader_runs "libc.so.6 mode 0644" "$J" /cgi/ok.sh
chmod 0755 "$J$ML/libc.so.6"
rm -f "$L"
expect "dangling-symlink: /lib64/ld-linux-x86-64.so.2 (PT_INTERP) -> a loader that is gone" "$J" \
	bad dangling-symlink '*/ld-linux-x86-64.so.2' '*/sh|*/dash' -- /cgi/ok.sh
loader_fails "loader's symlink dangling" "$J" 'No such file' /cgi/ok.sh
rm -f "$J$CJ_LDSO"
expect "missing-interpreter: PT_INTERP /lib64/ld-linux-x86-64.so.2 absent" "$J" \
	bad missing-interpreter '*/ld-linux-x86-64.so.2' '*/sh|*/dash' -- /cgi/ok.sh
loader_fails "loader absent" "$J" 'No such file' /cgi/ok.sh

# --- ELF class, malformed ELF, symlinks (all through RUNPATH /opt/app/lib) ------

J=$(libc_jail)
cc_prog "$J/cgi/two" -L"$B" -l:libfoo.so.1 -Wl,-rpath,/opt/app/lib32:/opt/app/lib <<<"$MAIN_FOO"
cc_lib32 "$J/opt/app/lib32/libfoo.so.1" libfoo.so.1 <<<'int foo(void) { return 42; }'
expect "wrong-class: only a 32-bit libfoo.so.1" "$J" \
	bad wrong-class /opt/app/lib32/libfoo.so.1 /cgi/two -- /cgi/two
loader_fails "only a 32-bit libfoo.so.1" "$J" 'wrong ELF class: ELFCLASS32' /cgi/two
mkdir -p "$J/opt/app/lib"; cp "$B/libfoo.so.1" "$J/opt/app/lib/"
expect "good: 32-bit libfoo.so.1 first in RUNPATH, 64-bit one later (skipped)" "$J" \
	ok --checked /opt/app/lib/libfoo.so.1 -- /cgi/two
loader_runs "32-bit skipped for 64-bit" "$J" /cgi/two

J=$(libc_jail)
A=$J/opt/app/lib
cc_prog "$J/cgi/prog" -L"$B" -l:libfoo.so.1 -Wl,-rpath,/opt/app/lib <<<"$MAIN_FOO"
mkdir -p "$A" "$J/opt/app/real"
head -c 100 "$B/libfoo.so.1" >"$A/libfoo.so.1"
expect "bad-elf: libfoo.so.1 truncated to 100 bytes" "$J" \
	bad bad-elf /opt/app/lib/libfoo.so.1 /cgi/prog -- /cgi/prog
loader_fails "truncated to 100 bytes" "$J" 'cannot read file data|file too short' /cgi/prog
head -c "$(($(stat -c %s "$B/libfoo.so.1") / 2))" "$B/libfoo.so.1" >"$A/libfoo.so.1"
expect "bad-elf: libfoo.so.1 cut in half (segments past end of file)" "$J" \
	bad bad-elf /opt/app/lib/libfoo.so.1 /cgi/prog -- /cgi/prog
loader_fails "cut in half (the loader dies of SIGBUS)" "$J" '' /cgi/prog
echo "this is not a library" >"$A/libfoo.so.1"
expect "bad-elf: a text file named libfoo.so.1" "$J" \
	bad bad-elf /opt/app/lib/libfoo.so.1 /cgi/prog -- /cgi/prog
loader_fails "text file named libfoo.so.1" "$J" 'file too short|invalid ELF header' /cgi/prog
head -c 8192 /dev/urandom >"$A/libfoo.so.1"
expect "bad-elf: 8 KiB of garbage named libfoo.so.1" "$J" \
	bad bad-elf /opt/app/lib/libfoo.so.1 /cgi/prog -- /cgi/prog
loader_fails "garbage named libfoo.so.1" "$J" 'invalid ELF header' /cgi/prog
cc_prog "$A/libfoo.so.1" -no-pie <<<'int main(void) { return 0; }'
expect "bad-elf: libfoo.so.1 is an executable (ET_EXEC)" "$J" \
	bad 'bad-elf|wrong-class' /opt/app/lib/libfoo.so.1 /cgi/prog -- /cgi/prog
loader_fails "ET_EXEC named libfoo.so.1" "$J" 'cannot dynamically load executable' /cgi/prog
# Another machine (EM_AARCH64): the loader skips it like another class.
cp "$B/libfoo.so.1" "$A/libfoo.so.1"
printf '\xb7\x00' | dd of="$A/libfoo.so.1" bs=1 seek=18 conv=notrunc status=none
expect "wrong-class: the only libfoo.so.1 is for another machine (aarch64)" "$J" \
	bad wrong-class /opt/app/lib/libfoo.so.1 /cgi/prog -- /cgi/prog
loader_fails "aarch64 libfoo.so.1" "$J" 'libfoo.so.1: cannot open shared object file' /cgi/prog
rm "$A/libfoo.so.1"

ln -s libfoo.so.1 "$A/libfoo.so.1"
expect "a symlink loop libfoo.so.1 -> libfoo.so.1 (any problem)" "$J" anybad -- /cgi/prog
loader_fails "symlink loop" "$J" 'libfoo.so.1: cannot open' /cgi/prog
rm "$A/libfoo.so.1"

ln -s libfoo.so.1.0 "$A/libfoo.so.1"
expect "dangling-symlink: libfoo.so.1 -> libfoo.so.1.0 (absent)" "$J" \
	bad dangling-symlink /opt/app/lib/libfoo.so.1 /cgi/prog -- /cgi/prog
loader_fails "dangling libfoo.so.1" "$J" 'libfoo.so.1: cannot open' /cgi/prog
rm "$A/libfoo.so.1"; ln -s ../../../../../../etc/x "$A/libfoo.so.1"
expect "escaping-symlink: libfoo.so.1 -> ../../../../../../etc/x" "$J" \
	bad escaping-symlink /opt/app/lib/libfoo.so.1 /cgi/prog -- /cgi/prog
loader_fails "libfoo.so.1 -> ../../../../../../etc/x" "$J" 'libfoo.so.1: cannot open' /cgi/prog
# The same climb, to a good library on the host: read from the host it would load.
UP=$(printf '../%.0s' $(seq "$(tr -cd / <<<"$A" | wc -c)"))
rm "$A/libfoo.so.1"; ln -s "$UP${B#/}/libfoo.so.1" "$A/libfoo.so.1"
[ -f "$A/libfoo.so.1" ] || diag "setup: the escaping symlink does not reach the host's file"
expect "escaping-symlink: climbing out to a good library on the host" "$J" \
	bad escaping-symlink /opt/app/lib/libfoo.so.1 /cgi/prog -- /cgi/prog
loader_fails "climbing out to the host (stays in the jail)" "$J" 'libfoo.so.1: cannot open' /cgi/prog
# A climb the kernel stops at the jail's root, to a file the jail has there:
# the loader opens that file instead of searching on, so a good copy further
# down the search must not make the check pass.
rm "$A/libfoo.so.1"; mkdir -p "$J/opt/app/bad" "$J$ML"
head -c 100 "$B/libfoo.so.1" >"$J/opt/app/bad/libfoo.so.1"
ln -s ../../../../../../opt/app/bad/libfoo.so.1 "$A/libfoo.so.1"
cp "$B/libfoo.so.1" "$J$ML/libfoo.so.1"
expect "escaping-symlink: a climb stopped at the jail's root, to a broken file there (a good copy later in the search)" "$J" \
	bad escaping-symlink /opt/app/lib/libfoo.so.1 /cgi/prog -- /cgi/prog
loader_fails "a climb stopped at the jail's root opens the broken file" "$J" 'libfoo.so.1' /cgi/prog
rm -r "$J/opt/app/bad" "$J$ML/libfoo.so.1"
rm "$A/libfoo.so.1"; cp "$B/libfoo.so.1" "$J/opt/app/real/libfoo.so.1.0"
ln -s /opt/app/real/libfoo.so.1.0 "$A/libfoo.so.1"
expect "good: absolute symlink resolved inside the jail (host has no /opt/app/real)" "$J" ok -- /cgi/prog
loader_runs "absolute symlink inside the jail" "$J" /cgi/prog
rm "$A/libfoo.so.1"; ln -s ../real/libfoo.so.1.0 "$A/libfoo.so.1"
expect "good: relative symlink ../real/libfoo.so.1.0" "$J" ok -- /cgi/prog
loader_runs "relative symlink with .." "$J" /cgi/prog
rm -r "$A"; mkdir -p "$J/opt/app/lib.real"; cp "$B/libfoo.so.1" "$J/opt/app/lib.real/"
ln -s /opt/app/lib.real "$A"
expect "good: RUNPATH directory is an absolute symlink inside the jail" "$J" ok -- /cgi/prog
loader_runs "RUNPATH directory symlink" "$J" /cgi/prog
rm "$A"; ln -s "$UP${B#/}" "$A"
expect "escaping-symlink: the RUNPATH directory climbs out to the host's" "$J" \
	bad escaping-symlink /opt/app/lib /cgi/prog -- /cgi/prog
loader_fails "RUNPATH directory climbing out" "$J" 'libfoo.so.1: cannot open' /cgi/prog
ln -s ../../../../../../../bin/true "$J/cgi/climb"
mkdir -p "$J/usr/bin"; cp /usr/bin/true "$J/usr/bin/true"
expect "escaping-symlink: the program path itself climbs above the root" "$J" \
	bad escaping-symlink /cgi/climb '*' -- /cgi/climb

# --- NSS modules -----------------------------------------------------------------

J=$(libc_jail)
cc_prog "$J/cgi/pw" <<<"$MAIN_PW"
nss() { printf '%s\n' "$@" >"$J/etc/nsswitch.conf"; }
# nss_loader NAME MODULE DB [PROG]: a lookup in DB by PROG (/cgi/pw) makes
# glibc look for MODULE, and not find it.
nss_loader() {
	jrun "$J" LD_DEBUG=libs -- "${4:-/cgi/pw}" "$3" >"$CJ_WORK/nss.log" 2>&1
	if grep -q "find library=$2" "$CJ_WORK/nss.log" && ! grep -q "calling init: .*$2" "$CJ_WORK/nss.log"; then
		ok "loader: $1: glibc looks for $2, finds none"
	else not_ok "loader: $1: glibc looks for $2, finds none"; diag "$(grep -a 'libnss' "$CJ_WORK/nss.log" | head -n 5)"; fi
}
expect "good: no nsswitch.conf (glibc's defaults are built in)" "$J" ok -- /cgi/pw
nss 'passwd: files ldap' 'group: files' 'hosts: files dns'
expect "missing-nss-module: passwd: files ldap" "$J" \
	bad missing-nss-module '*libnss_ldap.so.2' '*' -- /cgi/pw
nss_loader "passwd: files ldap" libnss_ldap.so.2 passwd
nss 'passwd: files' 'group: files' 'shadow: files' 'hosts: files dns'
expect "good: passwd/group/hosts use only files and dns (built into glibc 2.36)" "$J" ok -- /cgi/pw
loader_runs "files only" "$J" /cgi/pw group
nss 'passwd: compat' 'group: files'
expect "missing-nss-module: passwd: compat" "$J" bad missing-nss-module '*libnss_compat.so.2' '*' -- /cgi/pw
nss_loader "passwd: compat" libnss_compat.so.2 passwd
nss 'passwd: files' 'group: files [NOTFOUND=return] ldap'
expect "missing-nss-module: group: files [NOTFOUND=return] ldap" "$J" \
	bad missing-nss-module '*libnss_ldap.so.2' '*' -- /cgi/pw
nss_loader "group: files [NOTFOUND=return] ldap" libnss_ldap.so.2 group
nss 'passwd: files' 'hosts: files mdns4_minimal [NOTFOUND=return] dns'
expect "missing-nss-module: hosts: files mdns4_minimal [NOTFOUND=return] dns" "$J" \
	bad missing-nss-module '*libnss_mdns4_minimal.so.2' '*' -- /cgi/pw
nss_loader "hosts: files mdns4_minimal" libnss_mdns4_minimal.so.2 hosts
nss '# passwd: ldap' 'passwd:  files' 'shadow: files ldap' 'netgroup: nis' 'services: db files'
expect "good: only passwd/group/hosts count; comment lines ignored" "$J" ok -- /cgi/pw
# glibc 2.36 has no end-of-line comments: it looks for libnss_#.so.2 and libnss_ldap.so.2.
nss 'passwd: files # ldap'
expect "missing-nss-module: 'passwd: files # ldap' (no end-of-line comments in nsswitch.conf)" "$J" \
	bad missing-nss-module '*libnss_ldap.so.2' '*' -- /cgi/pw
nss_loader "passwd: files # ldap" libnss_ldap.so.2 passwd
if [ -e "$ML/libnss_systemd.so.2" ]; then
	nss 'passwd: files systemd' 'group: files systemd'
	jail_copy_file "$J" "$ML/libnss_systemd.so.2"
	expect "missing-library: libnss_systemd.so.2 present, its own libraries absent" "$J" \
		bad missing-library '*libcap.so.2' '*/libnss_systemd.so.2' -- /cgi/pw
	ldd_says "libnss_systemd.so.2 without libcap" "$J" "$ML/libnss_systemd.so.2" 'libcap.so.2 => not found'
	jail_copy_closure "$J" "$ML/libnss_systemd.so.2"
	expect "good: passwd: files systemd, libnss_systemd.so.2 and its closure present" "$J" \
		ok --checked '*/libnss_systemd.so.2' --checked '*/libcap.so.2' -- /cgi/pw
	loader_runs "passwd: files systemd" "$J" /cgi/pw
fi

# glibc dlopens NSS modules on libc's behalf: the program's DT_RPATH is
# searched, its DT_RUNPATH is not, the jail's ld.so.cache is.
cc_lib "$J/opt/nss/libnss_ldap.so.2" libnss_ldap.so.2 <<<'int _nss_ldap_getpwnam_r(void) { return 0; }'
cc_prog "$J/cgi/pw-rpath" -Wl,--disable-new-dtags,-rpath,/opt/nss <<<"$MAIN_PW"
cc_prog "$J/cgi/pw-runpath" -Wl,-rpath,/opt/nss <<<"$MAIN_PW"
nss 'passwd: files ldap'
expect "good: libnss_ldap.so.2 in the program's DT_RPATH directory" "$J" \
	ok --checked /opt/nss/libnss_ldap.so.2 -- /cgi/pw-rpath
jrun "$J" LD_DEBUG=libs -- /cgi/pw-rpath >"$CJ_WORK/nss.log" 2>&1
check "loader: libnss_ldap.so.2 loaded through the program's DT_RPATH" grep -q "calling init: /opt/nss/libnss_ldap.so.2" "$CJ_WORK/nss.log"
expect "missing-nss-module: libnss_ldap.so.2 only in the program's DT_RUNPATH directory" "$J" \
	bad missing-nss-module '*libnss_ldap.so.2' '*' -- /cgi/pw-runpath
nss_loader "libnss_ldap.so.2 behind DT_RUNPATH" libnss_ldap.so.2 passwd /cgi/pw-runpath
jail_ldconfig "$J" /opt/nss
expect "good: libnss_ldap.so.2 in the jail's ld.so.cache" "$J" \
	ok --checked /opt/nss/libnss_ldap.so.2 -- /cgi/pw-runpath
jrun "$J" LD_DEBUG=libs -- /cgi/pw-runpath >"$CJ_WORK/nss.log" 2>&1
check "loader: libnss_ldap.so.2 loaded through ld.so.cache" grep -q "calling init: /opt/nss/libnss_ldap.so.2" "$CJ_WORK/nss.log"

# The seed story: an NSS module needs a symbol version its "libc" lacks.
J=$(libc_jail)
cc_prog "$J/cgi/pw" <<<"$MAIN_PW"
printf '%s\n' 'passwd: compat' 'group: files' >"$J/etc/nsswitch.conf"
FAKEC='int fake_getpw(void) { return 0; } int fake_old(void) { return 0; }'
cc_lib "$B/fakec2/libfakec.so.6" libfakec.so.6 --version-script \
	'FAKE_1.0 { global: fake_old; local: *; }; FAKE_2.0 { global: fake_getpw; } FAKE_1.0;' <<<"$FAKEC"
cc_lib "$J$ML/libfakec.so.6" libfakec.so.6 --version-script 'FAKE_1.0 { global: fake_old; fake_getpw; local: *; };' <<<"$FAKEC"
cc_lib "$J$ML/libnss_compat.so.2" libnss_compat.so.2 -L"$B/fakec2" -l:libfakec.so.6 \
	<<<'int fake_getpw(void); int _nss_compat_getpwnam_r(void) { return fake_getpw(); }'
expect "missing-symbol-version: libnss_compat.so.2 needs FAKE_2.0, jail's libfakec.so.6 lacks it" "$J" \
	bad missing-symbol-version '*/libfakec.so.6' '*/libnss_compat.so.2' --detail FAKE_2.0 --detail libfakec.so.6 -- /cgi/pw
ldd_says "libnss_compat.so.2 needs FAKE_2.0" "$J" "$ML/libnss_compat.so.2" "version .FAKE_2.0' not found"
cp "$B/fakec2/libfakec.so.6" "$J$ML/libfakec.so.6"
expect "good: the jail's libfakec.so.6 defines FAKE_2.0" "$J" ok --checked '*/libnss_compat.so.2' -- /cgi/pw

# --- $ORIGIN, DT_RUNPATH, DT_RPATH ----------------------------------------------

J=$(libc_jail)
mkdir -p "$J/opt/app/lib" "$J/opt/app/plugins" "$J/proc"
cc_prog "$J/opt/app/bin/prog" -L"$B" -l:libfoo.so.1 '-Wl,-rpath,$ORIGIN/../lib' <<<"$MAIN_FOO"
cp "$B/libfoo.so.1" "$J/opt/app/lib/"
ln -s /opt/app/bin/prog "$J/opt/prog-link"
# The loader takes the main program's $ORIGIN from /proc/self/exe: mount
# /proc in this jail while the checker looks and the loader runs.
with_proc() {
	if mount -t proc proc "$J/proc"; then "$@"; umount "$J/proc"
	else not_ok "loader: mount /proc in the jail"; fi
}
with_proc expect "good: RUNPATH \$ORIGIN/../lib (with /proc)" "$J" ok --checked /opt/app/lib/libfoo.so.1 -- /opt/app/bin/prog
with_proc loader_runs "RUNPATH \$ORIGIN/../lib (with /proc)" "$J" /opt/app/bin/prog
# Without /proc the program's $ORIGIN is unknown and the element is dropped.
expect "missing-library: RUNPATH \$ORIGIN/../lib in a jail without /proc" "$J" \
	bad missing-library 'libfoo.so.1' /opt/app/bin/prog --detail '$ORIGIN/../lib was not searched' \
	--detail 'root has no /proc' -- /opt/app/bin/prog
loader_fails "RUNPATH \$ORIGIN/../lib without /proc" "$J" 'libfoo.so.1: cannot open' /opt/app/bin/prog
with_proc expect "good: \$ORIGIN is the real program's directory, not a symlink's" "$J" ok -- /opt/prog-link
with_proc loader_runs "\$ORIGIN through a symlink to the program (with /proc)" "$J" /opt/prog-link
mv "$J/opt/app/lib/libfoo.so.1" "$J/opt/app/plugins/"
expect "missing-library: RUNPATH \$ORIGIN/../lib, library in ../plugins" "$J" \
	bad missing-library 'libfoo.so.1|*/libfoo.so.1' /opt/app/bin/prog -- /opt/app/bin/prog
with_proc loader_fails "RUNPATH \$ORIGIN/../lib, library elsewhere" "$J" 'libfoo.so.1: cannot open' /opt/app/bin/prog
# $ORIGIN of a library: its own directory (no /proc needed).
cc_lib "$J/opt/app/lib/libbar.so.1" libbar.so.1 -L"$B" -l:libfoo.so.1 '-Wl,-rpath,$ORIGIN/../plugins' <<<"$LIB_BAR"
cc_prog "$J/cgi/bar" -L"$B" -Wl,-rpath-link,"$B" -l:libbar.so.1 -Wl,-rpath,/opt/app/lib <<<"$MAIN_BAR"
expect "good: libbar.so.1's RUNPATH \$ORIGIN/../plugins" "$J" ok --checked /opt/app/plugins/libfoo.so.1 -- /cgi/bar
loader_runs "library RUNPATH \$ORIGIN/../plugins" "$J" /cgi/bar
# A search directory whose own ".." climb past the root: in the jail the
# kernel stops each at the root, and the loader looks there (/opt/climbed).
cc_lib "$J/opt/app/lib/libbar.so.1" libbar.so.1 -L"$B" -l:libfoo.so.1 '-Wl,-rpath,$ORIGIN/../../../../../opt/climbed' <<<"$LIB_BAR"
mkdir -p "$J/opt/climbed"; mv "$J/opt/app/plugins/libfoo.so.1" "$J/opt/climbed/"
expect "good: libbar.so.1's RUNPATH \$ORIGIN/../../../../../opt/climbed, stopped at the root" "$J" \
	ok --checked /opt/climbed/libfoo.so.1 -- /cgi/bar
loader_runs "library RUNPATH climbing past the root" "$J" /cgi/bar
# ... so a broken file there is what it opens, even with a good copy later in the search.
cp "$J/opt/climbed/libfoo.so.1" "$J$ML/libfoo.so.1"
head -c 100 "$J$ML/libfoo.so.1" >"$J/opt/climbed/libfoo.so.1"
expect "bad-elf: the broken libfoo.so.1 where the climbing RUNPATH stops (a good copy later in the search)" "$J" \
	bad bad-elf /opt/climbed/libfoo.so.1 /opt/app/lib/libbar.so.1 -- /cgi/bar
loader_fails "a climbing RUNPATH opens the broken file" "$J" 'libfoo.so.1' /cgi/bar
rm -r "$J/opt/climbed" "$J$ML/libfoo.so.1"; cp "$B/libfoo.so.1" "$J/opt/app/plugins/"
cc_lib "$J/opt/app/lib/libbar.so.1" libbar.so.1 -L"$B" -l:libfoo.so.1 '-Wl,-rpath,$ORIGIN/../plugins' <<<"$LIB_BAR"
# DT_RUNPATH is not inherited: it serves only the object's own DT_NEEDED.
cc_lib "$J/opt/app/lib/libbar.so.1" libbar.so.1 -L"$B" -l:libfoo.so.1 <<<"$LIB_BAR"
mv "$J/opt/app/plugins/libfoo.so.1" "$J/opt/app/lib/"
expect "missing-library: program's DT_RUNPATH does not serve libbar's libfoo.so.1" "$J" \
	bad missing-library 'libfoo.so.1|*/libfoo.so.1' /opt/app/lib/libbar.so.1 -- /cgi/bar
loader_fails "DT_RUNPATH not inherited" "$J" 'libfoo.so.1: cannot open' /cgi/bar
# DT_RPATH is: the program's RPATH serves every library it loads.
cc_prog "$J/cgi/bar-rpath" -L"$B" -Wl,-rpath-link,"$B" -l:libbar.so.1 -Wl,--disable-new-dtags,-rpath,/opt/app/lib <<<"$MAIN_BAR"
readelf -d "$J/cgi/bar-rpath" | grep -q '(RPATH)' || diag "setup: /cgi/bar-rpath has no DT_RPATH"
expect "good: program's DT_RPATH serves libbar's libfoo.so.1" "$J" ok -- /cgi/bar-rpath
loader_runs "DT_RPATH inherited" "$J" /cgi/bar-rpath
cc_prog "$J/cgi/rpath-bad" -L"$B" -l:libfoo.so.1 -Wl,--disable-new-dtags,-rpath,/opt/app/nolib <<<"$MAIN_FOO"
expect "missing-library: DT_RPATH /opt/app/nolib" "$J" \
	bad missing-library 'libfoo.so.1|*/libfoo.so.1' /cgi/rpath-bad -- /cgi/rpath-bad
loader_fails "DT_RPATH /opt/app/nolib" "$J" 'libfoo.so.1: cannot open' /cgi/rpath-bad
cc_prog "$J/cgi/rpath-origin" -L"$B" -l:libfoo.so.1 '-Wl,--disable-new-dtags,-rpath,$ORIGIN/../opt/app/lib' <<<"$MAIN_FOO"
with_proc expect "good: DT_RPATH \$ORIGIN/../opt/app/lib (with /proc)" "$J" ok -- /cgi/rpath-origin
expect "missing-library: DT_RPATH \$ORIGIN/../opt/app/lib without /proc" "$J" \
	bad missing-library 'libfoo.so.1' /cgi/rpath-origin --detail '/proc' -- /cgi/rpath-origin
loader_fails "DT_RPATH \$ORIGIN without /proc" "$J" 'libfoo.so.1: cannot open' /cgi/rpath-origin
with_proc loader_runs "DT_RPATH \$ORIGIN (with /proc)" "$J" /cgi/rpath-origin

# --- python3: #!/usr/bin/env python3, --deep -------------------------------------

P=$(jail_new)
jail_copy_prog "$P" /usr/bin/python3
jail_copy_prog "$P" /usr/bin/env
mkdir -p "$P/cgi"; printf '%s\n' '#!/usr/bin/env python3' 'print("Content-Type: text/plain\n\nhi")' >"$P/cgi/x.py"
chmod 0755 "$P/cgi/x.py"
expect "good: #!/usr/bin/env python3 with python3 in /usr/bin" "$P" ok --checked '*/libc.so.6' -- /cgi/x.py
loader_runs "#!/usr/bin/env python3" "$P" /cgi/x.py
PYLIB=$(realpath "$P/usr/bin/python3"); PYLIB=/usr/lib/${PYLIB##*/}
# Debian's pyexpat is built into python3: use a module that needs a library
# python3 itself does not (pyexpat/libexpat where pyexpat is a module).
MOD=$(cd "$P" && ls -d ."$PYLIB"/lib-dynload/pyexpat*.so 2>/dev/null | head -n 1); MODLIB=libexpat.so.1 MODPY=pyexpat
if [ -z "$MOD" ]; then MOD=$(cd "$P" && ls -d ."$PYLIB"/lib-dynload/_lzma*.so | head -n 1); MODLIB=liblzma.so.5 MODPY=lzma; fi
MOD=${MOD#.}
expect "good: --deep on python3 (every lib-dynload module resolves)" "$P" ok --checked "$MOD" -- --deep /usr/bin/python3
loader_runs "python3 imports every lib-dynload module" "$P" /usr/bin/python3 -c '
import importlib, os, sys
d = os.path.join(sys.prefix, "lib", "python%d.%d" % sys.version_info[:2], "lib-dynload")
for f in os.listdir(d):
    if f.endswith(".so"): importlib.import_module(f.split(".")[0])'
# Replace the module's library with a stub of the same soname, no symbols.
cc_lib "$P$(realpath -m "$(readlink -f "$ML/$MODLIB")")" "$MODLIB" <<<'int cj_stub;'
expect "good: without --deep python3 itself does not need $MODLIB" "$P" ok -- /usr/bin/python3
expect "--deep: ${MOD##*/} needs symbols the stub $MODLIB lacks" "$P" \
	bad 'undefined-symbol|missing-symbol-version' '*' '*' --mentions "$MOD" -- --deep /usr/bin/python3
loader_fails "python3 cannot import $MODPY with the stub" "$P" 'Error' /usr/bin/python3 -c "import $MODPY"
loader_runs "python3 still starts with the stub" "$P" /usr/bin/python3 -c 'pass'

# --- What else the loader loads: filtees, /etc/ld.so.preload ------------------

# DT_FILTER: the filtee must load (fatal when missing, like DT_NEEDED);
# DT_AUXILIARY: loaded when there, ignored when not (dl-deps.c).
J=$(libc_jail)
cc_lib "$B/libfoofilter.so.1" libfoofilter.so.1 -Wl,--filter=libfoo.so.1 <<<"$LIB_FOO"
cc_lib "$B/libfooaux.so.1" libfooaux.so.1 -Wl,--auxiliary=libfoo.so.1 <<<"$LIB_FOO"
cp "$B/libfoofilter.so.1" "$B/libfooaux.so.1" "$J$ML/"
cc_prog "$J/cgi/filter" -L"$B" -l:libfoofilter.so.1 <<<"$MAIN_FOO"
cc_prog "$J/cgi/aux" -L"$B" -l:libfooaux.so.1 <<<"$MAIN_FOO"
expect "missing-library: DT_FILTER libfoo.so.1 of libfoofilter.so.1 is missing" "$J" \
	bad missing-library 'libfoo.so.1' '*/libfoofilter.so.1' -- /cgi/filter
loader_fails "DT_FILTER filtee missing" "$J" 'libfoo.so.1: cannot open' /cgi/filter
expect "good: DT_AUXILIARY libfoo.so.1 of libfooaux.so.1 is missing (ignored)" "$J" ok -- /cgi/aux
loader_runs "DT_AUXILIARY filtee missing" "$J" /cgi/aux
cp "$B/libfoo.so.1" "$J$ML/"
expect "good: DT_FILTER and DT_AUXILIARY filtees present (checked)" "$J" \
	ok --checked '*/libfoo.so.1' -- /cgi/filter /cgi/aux
loader_runs "DT_FILTER filtee present" "$J" /cgi/filter
loader_runs "DT_AUXILIARY filtee present" "$J" /cgi/aux

# /etc/ld.so.preload: read by the loader of every dynamic program. What it
# cannot map is ignored (an error line, and the program runs); the
# dependencies of what it mapped must load.
J=$(libc_jail)
cc_prog "$J/cgi/foo" -L"$B" -l:libfoo.so.1 <<<"$MAIN_FOO"
cc_lib "$J$ML/libfoo.so.1" libfoo.so.1 <<<"$LIB_NOFOO"
expect "undefined-symbol: foo, the jail's libfoo.so.1 lacks it" "$J" bad undefined-symbol /cgi/foo '*' -- /cgi/foo
loader_fails "libfoo.so.1 without foo" "$J" 'undefined symbol: foo' /cgi/foo
mkdir -p "$J/opt/pre"; cp "$B/libfoo.so.1" "$J/opt/pre/"
printf '# the real one\n/opt/pre/libfoo.so.1 libnosuch.so.9\n' >"$J/etc/ld.so.preload"
expect "good: ld.so.preload maps /opt/pre/libfoo.so.1 first, libnosuch.so.9 is ignored" "$J" \
	ok --checked /opt/pre/libfoo.so.1 -- /cgi/foo
loader_runs "ld.so.preload: the preloaded libfoo.so.1 serves foo" "$J" /cgi/foo
out=$(jrun "$J" -- /cgi/foo 2>&1); rc=$?
if [ "$rc" = 0 ] && grep -q "libnosuch.so.9.*cannot be preloaded.*ignored" <<<"$out"; then
	ok "loader: ld.so.preload: what cannot be preloaded is reported on stderr and ignored"
else not_ok "loader: ld.so.preload: what cannot be preloaded is reported on stderr and ignored"; diag "exit $rc: $out"; fi
cp "$B/libbar.so.1" "$J/opt/pre/"; rm "$J$ML/libfoo.so.1"
printf '/opt/pre/libbar.so.1\n' >"$J/etc/ld.so.preload"
cc_prog "$J/cgi/plain" <<<'int main(void) { return 0; }'
expect "missing-library: libfoo.so.1, needed by the preloaded libbar.so.1" "$J" \
	bad missing-library 'libfoo.so.1' /opt/pre/libbar.so.1 -- /cgi/plain
loader_fails "ld.so.preload: a preloaded object's dependency is missing" "$J" 'libfoo.so.1: cannot open' /cgi/plain
rm "$J/etc/ld.so.preload"; mkfifo -m 0644 "$J/etc/ld.so.preload"
expect "bad-elf: /etc/ld.so.preload is a FIFO (the loader would block)" "$J" \
	bad bad-elf /etc/ld.so.preload '' -- /cgi/plain
CJ_JRUN_TIMEOUT=3 loader_fails "ld.so.preload FIFO: the loader blocks (killed after 3 s)" "$J" '' /cgi/plain
rm "$J/etc/ld.so.preload"
expect "good: no ld.so.preload" "$J" ok -- /cgi/plain

# --- --deep: php loads what its ini files enable ----------------------------------

# php_says JAIL NAME REGEX ARGS...: "php-cgi ARGS" in JAIL prints REGEX (or,
# with NAME starting "no ", does not).
php_says() {
	local j=$1 name=$2 re=$3 out; shift 3
	out=$(jrun "$j" -- /usr/bin/php-cgi "$@" 2>&1 </dev/null)
	if { [ "${name#no }" = "$name" ] && grep -Eq -- "$re" <<<"$out"; } ||
		{ [ "${name#no }" != "$name" ] && ! grep -Eq -- "$re" <<<"$out"; }; then ok "loader: php-cgi: $name"
	else not_ok "loader: php-cgi: $name"; diag "$(head -c 800 <<<"$out")"; fi
}
PHPDIRS=$(printf '<?php echo PHP_EXTENSION_DIR, " ", PHP_CONFIG_FILE_SCAN_DIR;' | php-cgi -q 2>/dev/null)
read -r PHPEXT PHPINI <<<"$PHPDIRS"
if [ -x /usr/bin/php-cgi ] && [ -d "${PHPINI:-/nonexistent}" ] && [ -f "$PHPEXT/ffi.so" ] &&
	[ -e "$PHPINI/20-ffi.ini" ]; then
	J=$(jail_new)
	jail_copy_prog "$J" /usr/bin/php-cgi
	jail_copy_file "$J" "$PHPEXT"; jail_copy_file "$J" "${PHPINI%/conf.d}"
	jail_copy_file "$J" "$(dirname "$PHPINI")/../mods-available"
	for m in "$J$PHPEXT"/*.so; do [ "${m##*/}" = ffi.so ] || jail_copy_closure "$J" "${m#"$J"}"; done
	printf '%s\n' '#!/usr/bin/php-cgi' '<?php echo "hi\n";' >"$J/cgi.php"; chmod 0755 "$J/cgi.php"
	expect "missing-library: ffi.so, enabled in $PHPINI/20-ffi.ini, needs libffi.so.8" "$J" \
		bad missing-library 'libffi.so*' "$PHPEXT/ffi.so" -- --deep /usr/bin/php-cgi
	php_says "$J" "cannot load ffi.so" "Unable to load dynamic library 'ffi.so'.*libffi" -m
	expect "good: without --deep php-cgi itself does not need libffi.so.8" "$J" ok -- /usr/bin/php-cgi
	rm "$J$PHPINI/20-ffi.ini"
	expect "good: ffi.so not enabled by any ini: its missing library is no problem" "$J" \
		ok --checked "$PHPEXT/iconv.so" -- --deep /usr/bin/php-cgi
	php_says "$J" "no warning without ffi.so enabled" "Unable to load" -m
	# The working directory's php-cgi-fcgi.ini replaces the system php.ini.
	printf 'extension=nosuch\n' >"$J/php-cgi-fcgi.ini"
	expect "missing-library: extension=nosuch in the script's directory's php-cgi-fcgi.ini" "$J" \
		bad missing-library "$PHPEXT/nosuch" /php-cgi-fcgi.ini --detail 'php finds neither' -- --deep /cgi.php
	php_says "$J" "reads the working directory's php-cgi-fcgi.ini" "Unable to load dynamic library 'nosuch'" /cgi.php
	rm "$J/php-cgi-fcgi.ini"
	expect "good: the script without a php.ini of its own" "$J" ok -- --deep /cgi.php
else
	for t in "missing-library: ffi.so enabled, libffi.so.8 missing" "loader: php-cgi: cannot load ffi.so" \
		"good: without --deep php-cgi itself does not need libffi.so.8" "good: ffi.so not enabled" \
		"loader: php-cgi: no warning without ffi.so enabled" "missing-library: extension=nosuch in ./php-cgi-fcgi.ini" \
		"loader: php-cgi: reads the working directory's php-cgi-fcgi.ini" "good: the script without a php.ini of its own"; do
		ok "$t # SKIP no php-cgi with ffi.so and its conf.d on this host"
	done
fi

# --- --deep: perl's XS modules, under the @INC compiled into it --------------------

PERLARCH=$(perl -MConfig -e 'print $Config{archlib}' 2>/dev/null)
ZLIB=$(find "$PERLARCH/" -path '*/auto/Compress/Raw/Zlib/Zlib.so' 2>/dev/null | head -n 1)
SITEARCH=$(perl -MConfig -e 'print $Config{sitearch}' 2>/dev/null)
if [ -n "$ZLIB" ] && [ -n "$SITEARCH" ]; then
	J=$(jail_new)
	jail_copy_prog "$J" /usr/bin/perl
	for d in $(perl -e 'print "@INC"'); do [ ! -d "$d" ] || jail_copy_file "$J" "$d"; done
	while IFS= read -r -d '' m; do
		case $m in */auto/Compress/Raw/Zlib/Zlib.so) ;; *) jail_copy_closure "$J" "$m" ;; esac
	done < <(find -H $(perl -e 'print "@INC"') -path '*/auto/*.so' -print0 2>/dev/null)
	rm -f "$J$ML"/libz.so.1*
	mkdir -p "$J/dev" && mknod -m 0666 "$J/dev/null" c 1 3   # perl -e opens it
	expect "missing-library: Compress::Raw::Zlib's XS module needs libz.so.1" "$J" \
		bad missing-library 'libz.so.1' "$(realpath -m "$ZLIB")|$ZLIB|*/Zlib.so" -- --deep /usr/bin/perl
	loader_fails "perl cannot load Compress::Raw::Zlib" "$J" 'libz.so.1' /usr/bin/perl -e 'use Compress::Raw::Zlib;'
	expect "good: without --deep perl itself does not need libz.so.1" "$J" ok -- /usr/bin/perl
	loader_runs "perl runs without libz.so.1" "$J" /usr/bin/perl -e 'print "ok\n"'
	jail_copy_closure "$J" "$ZLIB"
	expect "good: every XS module under @INC resolves" "$J" ok --checked '*/Zlib.so' -- --deep /usr/bin/perl
	# The site directory (sitearch, under /usr/local) is part of @INC too.
	cc_lib "$J$SITEARCH/auto/Cjt/Cjt.so" Cjt.so -Wl,--no-as-needed -L"$B" -l:libfoo.so.1 <<<'int boot_Cjt(void) { return 0; }'
	expect "missing-library: an XS module in the site directory $SITEARCH needs libfoo.so.1" "$J" \
		bad missing-library 'libfoo.so.1' "$SITEARCH/auto/Cjt/Cjt.so" -- --deep /usr/bin/perl
else
	for t in "missing-library: Compress::Raw::Zlib's XS module needs libz.so.1" "loader: perl cannot load Compress::Raw::Zlib" \
		"good: without --deep perl itself does not need libz.so.1" "loader: perl runs without libz.so.1" \
		"good: every XS module under @INC resolves" "missing-library: an XS module in the site directory"; do
		ok "$t # SKIP no perl with Compress::Raw::Zlib on this host"
	done
fi

# --- --host ------------------------------------------------------------------------

J=$(jail_new)
jail_copy_prog "$J" /usr/bin/true
expect "good: --host, jail libraries are the host's" "$J" ok -- --host /usr/bin/true
cc_lib "$J$ML/libc.so.6" libc.so.6 -nostdlib <<<'int cj_not_libc(void) { return 0; }'
expect "host-mismatch: --host, the jail's libc.so.6 is another object" "$J" \
	bad host-mismatch '*/libc.so.6' '*' -- --host /usr/bin/true
loader_fails "fake libc.so.6" "$J" 'GLIBC_[0-9.]+. not found|symbol' /usr/bin/true

# --- The command line ---------------------------------------------------------------

if [ "$CTL_MISSING" = 0 ]; then
	J=$(libc_jail)
	cc_prog "$J/cgi/bad" -L"$B" -l:libfoo.so.1 <<<"$MAIN_FOO"
	cp /usr/bin/true "$J/cgi/good"
	rc=0; out=$("$CTL" check --root "$J" /cgi/bad 2>&1) || rc=$?
	if [ "$rc" = 1 ] && grep -q 'missing-library.*libfoo\.so\.1.*/cgi/bad' <<<"$out" &&
		[ "$(grep -c . <<<"$out")" -ge 2 ]; then
		ok "text output: exit 1, a line naming kind, library, program, then a summary"
	else not_ok "text output: exit 1, a line naming kind, library, program, then a summary"; diag "exit $rc: $out"; fi
	rc=0; out=$("$CTL" check --root "$J" /cgi/good 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then ok "text output: good program exits 0"; else not_ok "text output: good program exits 0"; diag "exit $rc: $out"; fi
	expect "several PATHs: one bad makes it fail, all are checked" "$J" \
		bad missing-library 'libfoo.so.1|*/libfoo.so.1' /cgi/bad --checked /cgi/good --checked /cgi/bad -- /cgi/good /cgi/bad
	usage() {
		local name=$1 rc; shift
		"$CTL" "$@" >/dev/null 2>&1 </dev/null; rc=$?
		if [ "$rc" = 2 ]; then ok "exit 2: $name"; else not_ok "exit 2: $name"; diag "cgijailctl $*: exit $rc"; fi
	}
	usage "no arguments"
	usage "check without PATH" check --root "$J"
	usage "check without --root" check /cgi/good
	usage "unknown option" check --root "$J" --no-such-option /cgi/good
	usage "--root is not a directory" check --root "$J/cgi/good" /cgi/good
	usage "--root does not exist" check --root "$J/nonexistent" /cgi/good
fi

[ "$CTL_MISSING" = 0 ] || diag "cgijailctl missing: ${CTL_SKIPPED:-0} checker assertions not run (loader checks ran)"
tap_end
exit 0
