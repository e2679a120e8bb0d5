# shellcheck shell=bash
# Running cgijailctl in a suite (after tap.sh and cgijail.sh):
#
#   ctl init --root "$J" --user NAME --profiles "$PROFILES"
#   expect "init: exit 0" '[ "$CTL_RC" = 0 ]'

# CJ_CTL: another cgijailctl (e.g. a sanitizer build) to run the same tests with.
CTL=${CJ_CTL:-$CJ_BUILD/src/cgijailctl/cgijailctl}
PROFILES=$CJ_TOP/etc/profiles

# ctl ARGS...: run cgijailctl; CTL_RC, CTL_OUT (stdout), CTL_ERR (stderr).
ctl() {
	"$CTL" "$@" >"$CJ_WORK/ctl.out" 2>"$CJ_WORK/ctl.err"; CTL_RC=$?
	CTL_OUT=$(cat "$CJ_WORK/ctl.out"); CTL_ERR=$(cat "$CJ_WORK/ctl.err")
}
ctl_diag() { diag "cgijailctl exit $CTL_RC" "stdout: $(tail -n 15 <<<"$CTL_OUT")" "stderr: $CTL_ERR"; }
# expect NAME COND: like cj_expect, showing the last cgijailctl run.
expect() { if eval "$2"; then ok "$1"; else not_ok "$1"; diag "failed: $2"; ctl_diag; fi; }
