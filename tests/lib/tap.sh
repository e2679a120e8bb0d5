# TAP helpers shared by the shell test suites. A suite prints one line per
# test, "ok N - name" or "not ok N - name", then "1..N"; scripts/test counts them.
TAP_N=0
TAP_FAILED=0
ok()     { TAP_N=$((TAP_N + 1)); printf 'ok %d - %s\n' "$TAP_N" "$*"; }
not_ok() { TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); printf 'not ok %d - %s\n' "$TAP_N" "$*"; }
diag()   { printf '%s\n' "$@" | sed 's/^/# /'; }
# check NAME CMD...: ok when CMD succeeds.
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
# TAP_END_HOOKS: commands tap_end runs before the plan (a suite's last tests).
TAP_END_HOOKS=()
tap_end() { local h; for h in "${TAP_END_HOOKS[@]}"; do "$h"; done; printf '1..%d\n' "$TAP_N"; }
