#!/usr/bin/env bash
# scripts/bench part F: jails at fleet scale, thin (one template, bind and
# link mode) against copied, side by side in one run. For N jails of
# sh+python3 (FLEET_N, default "1 10 100 1000"; copied jails up to
# FLEET_COPIED_MAX, default 100): disk and inodes beyond the template, time
# to create them, time of check --all, time from a new generation (a host
# upgrade) to every jail serving it; then the per-request cost of each
# model, interleaved, against a copied jail. Ratios against the copied
# model measured here; never assertions.
# Needs: CJ_BUILD (a release build with the bench's compiled-in config,
# /etc/cgijail-bench/cgijail.conf), its setuid copy in $CGIJAIL, runbench in
# $RUNBENCH; the argument: runs per case.
set -euo pipefail
: "${CJ_TOP:?}" "${CJ_BUILD:?}" "${RUNBENCH:?}" "${CGIJAIL:?}"
n=${1:-300}
ns=${FLEET_N:-"1 10 100 1000"}
copied_max=${FLEET_COPIED_MAX:-100}
ctl=$CJ_BUILD/src/cgijailctl/cgijailctl
base=/srv/cgijail-fleet
conf=/etc/cgijail-bench/cgijail.conf
uid0=46000
profiles=$CJ_TOP/etc/profiles

user_of() { printf 'cjf%05d' "$1"; }
cleanup() {
	local i
	rm -rf --one-file-system "$base"
	for ((i = 1; i <= 1000; i++)); do
		getent passwd "$(user_of "$i")" >/dev/null 2>&1 || continue
		userdel "$(user_of "$i")" 2>/dev/null || true
		groupdel "$(user_of "$i")" 2>/dev/null || true
	done
}
trap cleanup EXIT
cleanup
getent passwd _cgijail >/dev/null || adduser --quiet --system --group --no-create-home --home /nonexistent _cgijail

max=0
for k in $ns; do [ "$k" -gt "$max" ] && max=$k; done
for ((i = 1; i <= max; i++)); do
	u=$(user_of "$i")
	groupadd -g $((uid0 + i)) "$u" && useradd -M -N -u $((uid0 + i)) -g $((uid0 + i)) -d /nonexistent -s /usr/sbin/nologin "$u"
done
install -d -m 0755 "$base" "$base/bind" "$base/link" "$base/copied" "$base/store"
# One section per model, by uid range: bind (1..max), link, copied.
write_conf() {
	cat >"$conf" <<EOF
[cgijail]
syslog = no
log = none
min_uid = $((uid0 + 1))
template_dir = $base/store
jail_root = $base/$1/%u
docroot = $base/$1/%u/var/www
template = ${2:-fl}
template_mode = ${3:-bind}
namespaces = ${4:-pid,mount}
EOF
	chmod 0644 "$conf"
}

kb() { du -sk "$@" | tail -n 1 | cut -f1; }
ms_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) / 1e6 }'; }
now() { date +%s%N; }
row() { printf '  %-8s %6s %12s %10s %12s %12s %14s\n' "$@"; }

echo
echo "F. jails at fleet scale: sh+python3, thin (one template) against copied"
t0=$(now)
write_conf bind
"$ctl" template build fl --profile sh --profile python3 --profiles "$profiles" >/dev/null
t1=$(now)
tpl_kb=$(kb "$base/store") tpl_inodes=$(find "$base/store" | wc -l)
echo "  template: built and checked in $(ms_of "$t0" "$t1") ms; $((tpl_kb / 1024)) MB, $tpl_inodes inodes (once)"
row "model" "jails" "MB beyond tpl" "inodes" "create (s)" "check --all" "switch (ms)"
# measure MODEL N: create jails up to N (cumulatively), then the numbers
# (du counts the store first: what is left is the jails' own).
made_bind=0 made_link=0 made_copied=0
ns_bind=0 ns_link=0 ns_copied=0   # time spent creating them so far
# init's notes (a home outside the jail...) only when it fails.
quiet_init() { "$ctl" init "$@" >/dev/null 2>"$base/init.err" || { cat "$base/init.err" >&2; return 1; }; }
measure() {
	local model=$1 want=$2 var=made_$1 tvar=ns_$1 i t0 t1 dk inodes chk sw create
	write_conf "$model" "$([ "$model" = copied ] && echo none || echo fl)" \
		"$([ "$model" = link ] && echo link || echo bind)" "$([ "$model" = link ] && echo none || echo pid,mount)"
	t0=$(now)
	for ((i = ${!var} + 1; i <= want; i++)); do
		u=$(user_of "$i")
		if [ "$model" = copied ]; then
			quiet_init --root "$base/$model/$u" --user "$u" --profile sh --profile python3 --profiles "$profiles"
		else
			quiet_init --root "$base/$model/$u" --user "$u" --template fl --template-mode \
				"$([ "$model" = link ] && echo link || echo bind)" --profiles "$profiles"
		fi
	done
	t1=$(now)
	printf -v "$tvar" '%s' "$((${!tvar} + t1 - t0))"
	create=$(awk -v t="${!tvar}" 'BEGIN { printf "%.1f", t / 1e9 }')
	printf -v "$var" '%s' "$want"
	dk=$(kb "$base/store" "$base/$model")
	inodes=$(find "$base/$model" | wc -l)
	t0=$(now); "$ctl" check --all >/dev/null || true; chk=$(ms_of "$t0" "$(now)")
	if [ "$model" = copied ]; then
		# The copied model's "switch": every jail re-read against the host.
		t0=$(now); "$ctl" upgrade --all --apply >/dev/null || true; sw="$(ms_of "$t0" "$(now)") (upgrade)"
	else
		sw=$("$ctl" template build fl --profile sh --profile python3 --profiles "$profiles" --json |
			sed -n 's/.*"switch_ms": \([0-9.]*\).*/\1/p')
		"$ctl" template gc fl >/dev/null || true
	fi
	row "$model" "$want" "$((dk / 1024))" "$inodes" "$create" "${chk} ms" "$sw"
}
for k in $ns; do
	measure bind "$k"
	measure link "$k"
	[ "$k" -le "$copied_max" ] && measure copied "$k"
done
echo "  (create: the time to make all N jails; check --all: of all N and the template)"
echo "  (switch: a new generation built and made current, then every thin jail pointed at it:"
echo "  the time after the build; bind mode needs no pass, its jails get it on the next request)"

# Per request, interleaved: a copied jail with and without its own mount
# namespace, against the two thin models (user 1 of each).
hello=$base/hello.cgi
printf '#include <stdio.h>\nint main(void){puts("Content-Type: text/plain\\n\\nhello");return 0;}\n' >"$base/hello.c"
cc -O2 -static -o "$hello" "$base/hello.c"
u=$(user_of 1)
for m in bind link copied; do
	d=$base/$m/$u/var/www/cgi-bin
	install -m 0755 -o "$u" -g "$u" "$hello" "$d/hello.cgi"
done
cases=("copied, namespaces = pid,mount|copied|none|bind|pid,mount"
	"thin, bind (pid,mount)|bind|fl|bind|pid,mount"
	"copied, no namespaces|copied|none|bind|none"
	"thin, link (no namespaces)|link|fl|link|none")
R=10 per=$(( (n + 9) / 10 ))
declare -a walls cpus
# Each case's config written once and bind-mounted over cgijail's for its
# runs: a file that stays as it is, so that cgijail keeps it parsed.
for i in "${!cases[@]}"; do
	IFS='|' read -r _ m t mode nsp <<<"${cases[$i]}"
	write_conf "$m" "$t" "$mode" "$nsp"
	cp -p -- "$conf" "$conf.case$i"
done
sleep 2.1
for ((r = 0; r < R; r++)); do
	for i in "${!cases[@]}"; do
		IFS='|' read -r _ m t mode nsp <<<"${cases[$i]}"
		read -r w _ c < <(unshare -m --propagation private sh -c 'mount --bind "$1" "$2" && shift 2 && cd "$1" &&
			shift && exec "$@"' - "$conf.case$i" "$conf" "$base/$m/$u/var/www/cgi-bin" \
			setpriv --reuid=www-data --regid=www-data --clear-groups "$RUNBENCH" "$per" "$CGIJAIL" \
			"$u" "$u" hello.cgi)
		walls[i]+="$w " cpus[i]+="$c "
	done
done
rm -f -- "$conf".case*
median_of() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : "-" }'; }
echo
echo "  per request ($R interleaved rounds of $per; us)"
printf '  %-34s %8s %8s %12s\n' "case" "wall" "CPU" "vs its copied"
for i in "${!cases[@]}"; do
	w=$(median_of <<<"${walls[$i]}") c=$(median_of <<<"${cpus[$i]}")
	base_i=$((i / 2 * 2))
	bw=$(median_of <<<"${walls[$base_i]}") bc=$(median_of <<<"${cpus[$base_i]}")
	printf '  %-34s %8s %8s %12s\n' "${cases[$i]%%|*}" "$w" "$c" \
		"$(awk -v a="$w" -v b="$bw" -v x="$c" -v y="$bc" 'BEGIN { printf "%+.0f / %+.0f us", a - b, x - y }')"
done
echo "  (targets: bind mode adds at most 200 us over the copied jail with pid,mount; link mode nothing measurable)"
