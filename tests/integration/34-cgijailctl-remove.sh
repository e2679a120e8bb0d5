#!/usr/bin/env bash
# Root integration tests of cgijailctl remove: a customer's jail holding a
# symlink to the host's /etc, symlinks out of it by name, a hard link to a
# file outside, device nodes, a FIFO; every refusal (not root, relative or
# dotted paths, system directories, a symlink, another user's or a shared
# jail, a path no user has without --force-path and --force-path's rules, a
# mount inside or on it, a process in it or of its customer, a tree too
# deep, --keep-home's rules) leaves the jail as it was; a dry run changes
# nothing; the removal keeps the customer's home and docroot when asked, and
# touches nothing outside the jail. TAP on stdout; always exits 0.
# shellcheck disable=SC2034 # variables read by the eval'd conditions of expect
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"
. "$CJ_TOP/tests/lib/ctl.sh"

write_conf() {
	{ cj_conf_head; cat <<EOF; } | cj_conf

[user:cjrc]
jail_root = $CJ_SRV/jails/cjrb
EOF
}

setup() {
	cj_user cjra && cj_user cjrb && cj_user cjrc || return 2
	write_conf
	JA=$CJ_SRV/jails/cjra JB=$(cj_jail cjrb) OUT=$CJ_SRV/outside KEEP=$CJ_SRV/kept
	"$CTL" init --root "$JA" --user cjra --profile sh --profiles "$PROFILES" >"$CJ_WORK/init.out" 2>&1 || return 2
	mkdir -m 0755 "$OUT" "$KEEP" "$JA/mnt" && echo keep >"$OUT/file" || return 2
	# What a jail may hold that must never be followed out of it.
	ln -s /etc "$JA/etc/hostlink" && ln -s ../../../../../../../etc "$JA/etc/climb" &&
		ln -s "$OUT" "$JA/home/cjra/out" && chown -h cjra:cjra "$JA/home/cjra/out" &&
		ln "$OUT/file" "$JA/etc/hard" && mkfifo "$JA/tmp/fifo" || return 2
	echo "<p>site</p>" >"$JA/var/www/html/index.html" && chown cjra:cjra "$JA/var/www/html/index.html"
	echo "mine" >"$JA/home/cjra/notes" && chown cjra:cjra "$JA/home/cjra/notes"
	# Names and targets a customer chose to play with the admin's terminal.
	touch "$JA/var/tmp/"$'evil\nname\e[2J' && ln -s $'/\e[31mred' "$JA/var/tmp/esc"
	gcc -static -O1 -o "$CJ_WORK/sleeper" -x c - <<<'#include <unistd.h>
int main(void) { for (;;) pause(); }' && cp "$CJ_WORK/sleeper" "$JA/sleeper" || return 2
	# A stray directory shaped like a jail (a deleted user's), and one that is not.
	mkdir -p -m 0755 "$CJ_SRV/stray/etc" "$CJ_SRV/notajail/x" && echo "root:x:0:0::/:/bin/false" >"$CJ_SRV/stray/etc/passwd"
}

if ! setup >"$CJ_WORK/setup.log" 2>&1; then
	not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
fi

# state: the jail, and what lies outside it that a mistake could reach:
# the host's /etc through the symlink (files no other test changes; other
# suites add users and config directories there meanwhile).
host_etc() { stat -c '%n %i' /etc /etc/os-release /etc/debian_version /etc/hosts 2>&1; [ -f /etc/passwd ] && echo passwd; }
state() {
	find "$JA" "$OUT" "$KEEP" -printf '%p %y %m %u %s %n %l\n' 2>/dev/null | sort
	host_etc
}
BEFORE=$(state) ETC_BEFORE=$(host_etc)
unchanged() { [ "$BEFORE" = "$(state)" ] || { diff <(echo "$BEFORE") <(state) | head -n 8 | while read -r l; do diag "$l"; done; false; }; }
# refused NAME PATTERN ARGS...: remove with ARGS exits 2, says PATTERN on stderr, changes nothing.
refused() {
	local name=$1 pat=$2; shift 2
	ctl remove "$@"
	expect "refused: $name" '[ "$CTL_RC" = 2 ] && grep -qE -- "$pat" <<<"$CTL_ERR" && unchanged'
	[ -z "${CJ_VERBOSE-}" ] || diag "$CTL_ERR"
}

# ---- refusals ----

CTL_ERR=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$CTL" remove --root "$JA" 2>&1 >/dev/null); CTL_RC=$?
expect "refused: not root" '[ "$CTL_RC" = 2 ] && grep -q "must be run as root" <<<"$CTL_ERR" && unchanged'
refused "relative JAIL" "must be an absolute path" --root jails/cjra
refused "a .. component in JAIL" "without \. or \.\." --root "$JA/../cjra"
refused "/ (a system directory)" "/ is a system directory" --root /
refused "/srv (a system directory)" "/srv is a system directory" --root /srv
refused "/var/lib (a system directory)" "/var/lib is a system directory" --root /var/lib --force-path
ln -s "$JA" "$CJ_SRV/link"
refused "JAIL is a symlink to the jail" "not a directory, or a symlink \(never followed\)" --root "$CJ_SRV/link"
rm -f "$CJ_SRV/link"
refused "another user's jail (--user cjrb)" "the jail of cjra, not of cjrb" --root "$JA" --user cjrb
refused "a jail shared by two users" "the jail of 2 users \(cjr[bc], cjr[bc]\): give the others another jail_root first" --root "$JB"
refused "a path no user of the config has, without --force-path" "the jail of no user in .*add --force-path" --root "$CJ_SRV/stray"
refused "--force-path on a directory without /etc/passwd" "no /etc/passwd file in it" --root "$CJ_SRV/notajail" --force-path
chown cjra "$CJ_SRV/stray"
refused "--force-path on a directory the customer owns" "not owned by root, or writable" --root "$CJ_SRV/stray" --force-path
chown root "$CJ_SRV/stray"
mkdir -p "$CJ_SRV/jails/etc" && touch "$CJ_SRV/jails/etc/passwd"
refused "--force-path on the directory of all jails" "holds the jail of cjr[a-c]" --root "$CJ_SRV/jails" --force-path
rm -rf "${CJ_SRV:?}/jails/etc"
refused "--keep-home without a customer (--force-path)" "whose home\? name the jail's customer with --user" \
	--root "$CJ_SRV/stray" --force-path --keep-home "$KEEP"

mount --bind "$OUT" "$JA/mnt" && cj_atexit "umount '$JA/mnt' 2>/dev/null"
SAVED=$BEFORE; BEFORE=$(state)
refused "a bind mount inside the jail (naming it)" "$JA/mnt is a mount point inside the jail: unmount it first" --root "$JA"
umount "$JA/mnt"; BEFORE=$SAVED
mount --bind "$JA" "$JA" && cj_atexit "umount '$JA' 2>/dev/null"
refused "the jail is itself a mount point" "$JA is a mount point: unmount it first" --root "$JA"
umount "$JA"

chroot "$JA" /sleeper & PID=$!
cj_atexit "kill -KILL $PID 2>/dev/null"
for _ in $(seq 50); do [ "$(readlink "/proc/$PID/root")" = "$JA" ] && break; sleep 0.05; done
refused "a process runs in the jail (naming it)" "process $PID \(sleeper\) runs in the jail: stop it first" --root "$JA"
kill -KILL "$PID"; wait "$PID" 2>/dev/null
setpriv --reuid=cjra --regid=cjra --clear-groups "$CJ_WORK/sleeper" & PID=$!
cj_atexit "kill -KILL $PID 2>/dev/null"
for _ in $(seq 50); do [ "$(awk '/^Uid:/ { print $2 }' "/proc/$PID/status" 2>/dev/null)" = "$(id -u cjra)" ] && break; sleep 0.05; done
refused "a process of the jail's customer runs on the host" "cjra has a running process, $PID" --root "$JA"
kill -KILL "$PID"; wait "$PID" 2>/dev/null

mkdir "$CJ_SRV/tmpfs" && mount -t tmpfs -o size=1m,mode=0755 none "$CJ_SRV/tmpfs" && cj_atexit "umount '$CJ_SRV/tmpfs' 2>/dev/null"
BEFORE=$(state)
refused "--keep-home on another file system" "on another file system than the jail" --root "$JA" --keep-home "$CJ_SRV/tmpfs"
umount "$CJ_SRV/tmpfs"
mkdir "$KEEP/cjra.home"; BEFORE=$(state)
refused "--keep-home where NAME.home already is" "cjra.home: already there: never replaced" --root "$JA" --keep-home "$KEEP"
rmdir "$KEEP/cjra.home"; chmod 0777 "$KEEP"; BEFORE=$(state)
refused "--keep-home into a directory others can write" "not owned by root, or writable by group or others" --root "$JA" --keep-home "$KEEP"
chmod 0755 "$KEEP"; BEFORE=$(state)
refused "--keep-home inside the jail" "inside the jail" --root "$JA" --keep-home "$JA/var"

deep=$JA/home/cjra/deep; mkdir -p "$deep$(printf '/d%.0s' $(seq 520))"; BEFORE=$(state)
refused "a tree deeper than 512 levels: nothing removed" "more than 512 levels deep: not walked" --root "$JA"
rm -rf "$deep"; BEFORE=$(state)

# ---- a dry run, then the removal ----

ctl remove --root "$JA" --dry-run --keep-home "$KEEP"
DRY=$CTL_OUT
expect "--dry-run: exit 0, what would be kept and removed, nothing changed" \
	'[ "$CTL_RC" = 0 ] && grep -qx "would keep /home/cjra -> $KEEP/cjra.home" <<<"$CTL_OUT" &&
	 grep -qx "would keep /var/www -> $KEEP/cjra.docroot" <<<"$CTL_OUT" && grep -q "would be removed (dry run)$" <<<"$CTL_OUT" && unchanged'
expect "--dry-run: the notes name the symlinks out of the jail (not followed), the hard link, the devices" \
	'grep -qx "symlink $JA/etc/hostlink -> /etc: the link itself, not followed" <<<"$CTL_OUT" &&
	 grep -qx "symlink $JA/etc/climb -> ../../../../../../../etc: the link itself, not followed" <<<"$CTL_OUT" &&
	 grep -qx "hard link $JA/etc/hard (2 names): this name only, the file stays under the others" <<<"$CTL_OUT" &&
	 grep -qx "device $JA/dev/null (char 1,3): the node only" <<<"$CTL_OUT"'

expect "--dry-run: no control character of the customer's names reaches the terminal (escaped as \\xNN)" \
	'! grep -q "$(printf "\033")" <<<"$CTL_OUT" && grep -qxF "symlink $JA/var/tmp/esc -> /\\x1b[31mred: the link itself, not followed" <<<"$CTL_OUT"'

ctl remove --root "$JA" --keep-home "$KEEP" --verbose
expect "remove: exit 0, the jail is gone, the same counts as the dry run" \
	'[ "$CTL_RC" = 0 ] && [ ! -e "$JA" ] && [ "$(tail -n 1 <<<"$CTL_OUT" | sed "s/ removed$//")" = "$(tail -n 1 <<<"$DRY" | sed "s/ would be removed (dry run)$//")" ]'
expect "remove --verbose: one line per path removed, symlinks as links" \
	'grep -qx "removed $JA/etc/hostlink" <<<"$CTL_OUT" && grep -qx "removed $JA/tmp/fifo" <<<"$CTL_OUT" && grep -qx "removed $JA/etc" <<<"$CTL_OUT" &&
	 grep -qxF "removed $JA/var/tmp/evil\\x0aname\\x1b[2J" <<<"$CTL_OUT"'
expect "--keep-home: the customer's home and docroot moved aside, owners and files kept" \
	'[ "$(cat "$KEEP/cjra.home/notes")" = mine ] && [ "$(stat -c %U "$KEEP/cjra.home")" = cjra ] &&
	 [ -L "$KEEP/cjra.home/out" ] && [ "$(cat "$KEEP/cjra.docroot/html/index.html")" = "<p>site</p>" ] &&
	 grep -qx "kept /home/cjra -> $KEEP/cjra.home" <<<"$CTL_OUT"'
expect "nothing outside the jail was touched: the hard link's file and its data, the symlinks' targets, /etc" \
	'[ "$(cat "$OUT/file")" = keep ] && [ "$(stat -c %h "$OUT/file")" = 1 ] && [ -d /etc ] && [ -f /etc/passwd ] &&
	 [ "$(host_etc)" = "$ETC_BEFORE" ] && [ "$(ls "$OUT")" = file ]'

ctl remove --root "$CJ_SRV/stray" --force-path --json
expect "--force-path: a root-owned directory with an /etc/passwd that no user has is removed (JSON)" \
	'[ "$CTL_RC" = 0 ] && [ ! -e "$CJ_SRV/stray" ] && python3 -c "import json, sys; d = json.loads(sys.argv[1]); sys.exit(not (d[\"ok\"] and d[\"user\"] is None and d[\"removed\"][\"files\"] == 1 and d[\"removed\"][\"directories\"] == 2))" "$CTL_OUT"'

tap_end
exit 0
