#!/usr/bin/env bash
# The libFuzzer targets (tests/fuzz/), each run for a short bounded time
# (CJ_FUZZ_SECONDS, default 6) from its seed corpus: one test per target,
# "not ok" when it crashed (the input is kept in tests/fuzz/crashes/) or
# could not be built. Builds build-fuzz/ with clang through scripts/fuzz;
# without clang the targets are skipped. TAP on stdout; always exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
secs=${CJ_FUZZ_SECONDS:-6}
fuzz=$CJ_TOP/scripts/fuzz

if ! command -v clang >/dev/null 2>&1; then
	for t in $("$fuzz" --list); do ok "fuzz_$t for ${secs}s # SKIP no clang"; done
	tap_end; exit 0
fi
mapfile -t targets < <("$fuzz" --list)
W=$(mktemp -d /tmp/cgijail-fuzz.XXXXXX) || exit 2
trap 'rm -rf -- "$W"' EXIT
if ! out=$("$fuzz" --build 2>&1); then
	for t in "${targets[@]}"; do not_ok "fuzz_$t: build"; done
	diag "$(tail -n 20 <<<"$out")"
	tap_end; exit 0
fi
# One run per core at a time (each target is single-threaded).
lanes=$(nproc)
for i in "${!targets[@]}"; do
	t=${targets[$i]}
	(FUZZ_NO_BUILD=1 "$fuzz" "$secs" "$t" >"$W/fuzz.$t.out" 2>&1; echo $? >"$W/fuzz.$t.rc") &
	if (((i + 1) % lanes == 0)); then wait; fi
done
wait
for t in "${targets[@]}"; do
	out=$(cat "$W/fuzz.$t.out")
	case $(cat "$W/fuzz.$t.rc") in
	0) ok "fuzz_$t for ${secs}s: no crash ($(grep -Eo 'Done [0-9]+ runs' <<<"$out" | head -n 1))" ;;
	2) not_ok "fuzz_$t: build"; diag "$(tail -n 20 <<<"$out")" ;;
	*) not_ok "fuzz_$t for ${secs}s: crashed"; diag "$(tail -n 30 <<<"$out")" ;;
	esac
done
tap_end
exit 0
