#!/usr/bin/env bash
# cgijailctl check --root / against the real loader, over every dynamically
# linked ELF program in the host's /usr/bin and /usr/sbin:
#  - the set of objects it finds ("checked": program, loader, libraries and,
#    when libc is loaded, the NSS modules of /etc/nsswitch.conf with their own
#    libraries) must be what the loader lists for the program (realpath'd,
#    linux-vdso left out, the loader included), plus those NSS modules;
#  - its problems must be the ones the loader reports in "ldd -r" mode: a
#    problem the loader does not see is a false positive, one it misses a
#    false negative.
# One "not ok" per disagreeing program, then a summary "ok". Env: CJ_TOP, CJ_BUILD.
set -u
: "${CJ_TOP:?}" "${CJ_BUILD:?}"
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/jail.sh"   # for the work directory and its clean-up

CTL=$CJ_BUILD/src/cgijailctl/cgijailctl
if [ ! -x "$CTL" ]; then
	not_ok "cgijailctl is built ($CTL)"
	tap_end
	exit 0
fi

cat >"$CJ_WORK/diff.py" <<'EOF'
# diff.py CTL DIR...: prints "D<TAB>program<TAB>why" per disagreement and
# "S<TAB>key=value..." once.
import concurrent.futures as cf, json, os, re, struct, subprocess, sys, time

ctl, dirs = sys.argv[1], sys.argv[2:]
env = {k: v for k, v in os.environ.items() if not k.startswith("LD_")}
t0 = time.monotonic()

def pt_interp(path):
    """PT_INTERP of an ELF file; None for non-ELF or static programs."""
    try:
        with open(path, "rb") as f:
            h = f.read(64)
            if len(h) < 52 or h[:4] != b"\x7fELF":
                return None
            c64, le = h[4] == 2, h[5] == 1
            e = "<" if le else ">"
            if c64:
                phoff, = struct.unpack_from(e + "Q", h, 32)
                phentsize, phnum = struct.unpack_from(e + "HH", h, 54)
            else:
                phoff, = struct.unpack_from(e + "I", h, 28)
                phentsize, phnum = struct.unpack_from(e + "HH", h, 42)
            f.seek(phoff)
            ph = f.read(phentsize * phnum)
            for i in range(phnum):
                o = i * phentsize
                if c64:
                    typ, _, off, _, _, sz = struct.unpack_from(e + "IIQQQQ", ph, o)
                else:
                    typ, off, _, _, sz = struct.unpack_from(e + "IIIII", ph, o)
                if typ == 3:
                    f.seek(off)
                    return f.read(sz).split(b"\0")[0].decode()
    except (OSError, struct.error, UnicodeDecodeError):
        return None
    return None

LIST_RE = re.compile(r"^\s*(\S+)(?: => (\S+|not found))?(?: \(0x[0-9a-f]+\))?\s*$")

def loader(interp, prog):
    """(objects, problems) as the loader sees them: ldd -r's environment."""
    e = dict(env, LD_TRACE_LOADED_OBJECTS="1", LD_WARN="yes", LD_BIND_NOW="yes")
    r = subprocess.run([interp, prog], env=e, capture_output=True, text=True, timeout=60, errors="replace")
    if r.returncode != 0 and "=>" not in r.stdout:
        return None, None
    objs, probs = set(), set()
    for line in (r.stdout + r.stderr).splitlines():
        if "undefined symbol" in line or "symbol lookup error" in line:
            probs.add("undefined-symbol"); continue
        if re.search(r"version `[^']*' not found", line):
            probs.add("missing-symbol-version"); continue
        m = LIST_RE.match(line)
        if not m:
            continue
        name, path = m.group(1), m.group(2)
        if name.startswith("linux-vdso") or name.startswith("linux-gate"):
            continue
        if path == "not found":
            probs.add("missing-library")
        elif path:
            objs.add(os.path.realpath(path))
        elif name.startswith("/"):
            objs.add(os.path.realpath(name))
    return objs, probs

def nss_closure():
    """The NSS modules glibc would load for passwd/group/hosts, and their libraries."""
    mods = []
    try:
        for line in open("/etc/nsswitch.conf"):
            words = line.split()
            if not words or words[0] not in ("passwd:", "group:", "hosts:"):
                continue
            inbr = False
            for w in words[1:]:
                if w.startswith("["): inbr = True
                if not inbr and w not in ("files", "dns") and f"libnss_{w}.so.2" not in mods:
                    mods.append(f"libnss_{w}.so.2")
                if w.endswith("]"): inbr = False
    except OSError:
        pass
    cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    found, missing = set(), []
    for m in mods:
        hit = re.search(rf"^\s*{re.escape(m)} \(libc6,x86-64[^)]*\) => (\S+)$", cache, re.M)
        if not hit:
            missing.append(m); continue
        objs, _ = loader("/lib64/ld-linux-x86-64.so.2", hit.group(1))
        found |= {os.path.realpath(hit.group(1))} | (objs or set())
    return found, missing

NSS, NSS_MISSING = nss_closure()
LIBC = {os.path.realpath(p) for p in ("/lib/x86_64-linux-gnu/libc.so.6",)}

progs, seen, stats = [], set(), dict(elf=0, static=0, refused=0, agree=0, disagree=0)
for d in dirs:
    for n in sorted(os.listdir(d)):
        p = os.path.join(d, n)
        try:
            st = os.lstat(p)
        except OSError:
            continue
        if not os.path.isfile(p) or os.path.islink(p) or (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        with open(p, "rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
        stats["elf"] += 1
        interp = pt_interp(p)
        if not interp:
            stats["static"] += 1
        else:
            progs.append((p, interp))

def one(item):
    prog, interp = item
    try:
        objs, lprobs = loader(interp, prog)
    except subprocess.TimeoutExpired:
        return "refused", prog, "loader timed out"
    if objs is None:
        return "refused", prog, ""
    try:
        r = subprocess.run([ctl, "check", "--root", "/", "--json", prog], env=env,
                           capture_output=True, text=True, timeout=60, errors="replace")
    except subprocess.TimeoutExpired:
        return "disagree", prog, "cgijailctl timed out (60 s)"
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        return "disagree", prog, f"cgijailctl exit {r.returncode}, no JSON: {(r.stdout + r.stderr)[:300]!r}"
    why = []
    expect = objs | {os.path.realpath(prog)}
    if LIBC & objs:
        expect |= NSS
    got = {os.path.realpath(c) for c in rep.get("checked", [])}
    if expect - got:
        why.append("loader loads, cgijailctl did not find: " + " ".join(sorted(expect - got)))
    if got - expect:
        why.append("cgijailctl found, loader does not load: " + " ".join(sorted(got - expect)))
    kinds = {p.get("kind") for p in rep.get("problems", [])}
    want = set(lprobs)
    if NSS_MISSING and LIBC & objs:
        want.add("missing-nss-module")
    # ldd -r also lists as undefined the symbols of a missing library or
    # version; a checker may or may not repeat them.
    optional = {"undefined-symbol"} if want & {"missing-library", "missing-symbol-version"} else set()
    for k in sorted(want - optional - kinds):
        why.append(f"loader reports {k}, cgijailctl does not")
    extra = [p for p in rep.get("problems", []) if p.get("kind") not in want]
    for p in extra[:3]:
        why.append(f"false positive {p.get('kind')}: {p.get('object')} (needed by {p.get('needed_by')}): {p.get('detail')}")
    if len(extra) > 3:
        why.append(f"... {len(extra) - 3} more false positives")
    want_rc = 1 if want else 0
    if r.returncode != want_rc:
        why.append(f"exit {r.returncode}, expected {want_rc}")
    if rep.get("ok") is not (want_rc == 0):
        why.append(f"\"ok\": {rep.get('ok')}, expected {want_rc == 0}")
    return ("disagree" if why else "agree"), prog, "; ".join(why)

jobs = int(os.environ.get("CJ_JOBS", "0")) or os.cpu_count() or 2
with cf.ThreadPoolExecutor(max_workers=jobs) as ex:
    for verdict, prog, why in ex.map(one, progs):
        stats[verdict] += 1
        if verdict == "disagree":
            print(f"D\t{prog}\t{why}", flush=True)
stats["programs"] = len(progs)
stats["seconds"] = round(time.monotonic() - t0, 1)
stats["nss"] = ",".join(sorted(os.path.basename(n) for n in NSS if "libnss_" in n) + NSS_MISSING) or "-"
print("S\t" + "\t".join(f"{k}={v}" for k, v in stats.items()))
EOF

# Planted programs, so that the loader does report problems and cgijailctl
# must report them too (the host's own programs normally load cleanly).
# cgijailctl run as root reads "/" as nobody: the work directory must be
# open to all.
chmod 0755 "$CJ_WORK"
PL=$CJ_WORK/planted
MAIN='int foo(void); int main(void) { return foo() == 42 ? 0 : 3; }'
FOO='int foo(void) { return 42; }'
if ! {
	cc_lib "$PL/build/libfoo.so.1" libfoo.so.1 <<<"$FOO" &&
	cc_prog "$PL/bin/missing-library" -L"$PL/build" -l:libfoo.so.1 -Wl,-rpath,"$PL/lib" <<<"$MAIN" &&
	cc_lib "$PL/build/libv.so.1" libv.so.1 --version-script 'V_1 { local: *; }; V_2 { global: foo; } V_1;' <<<"$FOO" &&
	cc_lib "$PL/lib/libv.so.1" libv.so.1 --version-script 'V_1 { global: foo; local: *; };' <<<"$FOO" &&
	cc_prog "$PL/bin/missing-version" -L"$PL/build" -l:libv.so.1 -Wl,-rpath,"$PL/lib" <<<"$MAIN" &&
	cc_lib "$PL/build/libu.so.1" libu.so.1 <<<"$FOO" &&
	cc_lib "$PL/lib/libu.so.1" libu.so.1 <<<'int other(void) { return 1; }' &&
	cc_prog "$PL/bin/undefined-symbol" -L"$PL/build" -l:libu.so.1 -Wl,-rpath,"$PL/lib" <<<"$MAIN"
}; then
	echo "Bail out! could not build the planted programs"; exit 2
fi

"$CJ_PY" "$CJ_WORK/diff.py" "$CTL" /usr/bin /usr/sbin "$PL/bin" >"$CJ_WORK/diff.out" 2>"$CJ_WORK/diff.err"
rc=$?
n=0
while IFS=$'\t' read -r tag prog why; do
	case $tag in
	D) n=$((n + 1)); not_ok "cgijailctl disagrees with the loader on $prog"; diag "$why" ;;
	esac
done <"$CJ_WORK/diff.out"
summary=$(grep '^S' "$CJ_WORK/diff.out" | cut -f2- | tr '\t' ' ')
if [ "$rc" != 0 ] || [ -z "$summary" ]; then
	echo "Bail out! the differential itself failed (exit $rc)"
	sed 's/^/# /' "$CJ_WORK/diff.err" | tail -n 20
	exit 2
fi
diag "loader vs cgijailctl: $summary"
ok "differential over /usr/bin, /usr/sbin and 3 planted broken programs ran ($n disagree)"
tap_end
exit 0
