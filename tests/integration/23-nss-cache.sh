#!/usr/bin/env bash
# Root integration tests of the NSS answer cache (src/cgijail/nsscache.c):
# the host's answers for a caller, user and group are kept in a root-owned
# file and used by the next request while /etc/passwd, /etc/group and
# /etc/nsswitch.conf are unchanged, for at most nss_cache_ttl seconds; any
# edit of them is seen on the next request; a file that is not root's, or
# holds another question, is never used. TAP on stdout; always exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"

CACHE=$(cj_cache_dir)/nss
U=cjtnss

. "$CJ_TOP/tests/lib/onecgi.sh"
one_cgi_setup cj_group cjtnssx

# records: the cache files of this run's questions (our user's name in them).
records() { grep -l -a "$U" "$CACHE"/* 2>/dev/null; }

settle
run
cj_assert_exec "a first request runs (its answers looked up)"
cj_expect "its answers are kept: a root-owned 0600 file in $CACHE, which only root can enter" \
	'[ "$(records | wc -l)" = 1 ] && [ "$(stat -c "%U:%G %a" "$(records)")" = "root:root 600" ] && [ "$(stat -c "%U %a" "$CACHE")" = "root 700" ]'
dry
dry
cj_expect "the next request (the same caller, user and group) takes them from the cache (--dry-run says so)" \
	'[ "$CJ_RC" = 0 ] && grep -qE "^  ok +nss +the host.s answers of [0-9]+ s ago" <<<"$CJ_OUT"'
run
cj_assert_exec "a request served from the cache runs as before"
cj_expect "... with the same ids and groups" '[ "$(cj_val uids)" = "$(cj_uid "$U") $(cj_uid "$U") $(cj_uid "$U")" ] && [ "$(cj_val groups)" = "$(cj_gid "$U")" ]'

# A user with a group not its own (the caller may name any): refused by the
# ownership checks, and nothing kept -- a file per pair would fill the disk.
n=$(ls "$CACHE" | wc -l)
cj_reset_run
cj_run "$(cj_bin "$U")" "$U" cjtnssx d.cgi
cj_expect "a group that is not the user's: refused, and its answers not kept" \
	'[ "$CJ_RC" = "$(cj_code CJ_OWNER_MISMATCH)" ] && [ "$(ls "$CACHE" | wc -l)" = "$n" ]'

# Any edit of /etc/group is seen on the next request.
cj_add_to_group "$U" cjtnssx
run
cj_expect "after adding the user to a group: the very next request has it" \
	'[ "$CJ_RC" = 0 ] && [ "$(tr " " "\n" <<<"$(cj_val groups)" | sort -n | xargs)" = "$(printf "%s\n" "$(cj_gid "$U")" "$(cj_gid cjtnssx)" | sort -n | xargs)" ]'
dry
cj_expect "... and was not served from the cache (the file changed)" '[ "$CJ_RC" = 0 ] && ! grep -qE "^  ok +nss " <<<"$CJ_OUT"'

# nss_cache_ttl: past it, the answers are looked up again; 0 keeps none.
settle
run
write_conf "nss_cache_ttl = 1"
sleep 1.1
dry
cj_expect "nss_cache_ttl = 1: an answer older than a second is not used" '[ "$CJ_RC" = 0 ] && ! grep -qE "^  ok +nss " <<<"$CJ_OUT"'
rm -f -- $(records)
write_conf "nss_cache_ttl = 0"
run
cj_expect "nss_cache_ttl = 0: nothing is kept" '[ "$CJ_RC" = 0 ] && [ -z "$(records)" ]'

# A file that is not root's alone is never used.
write_conf
run
f=$(records)
chown "$U" "$f"
dry
cj_expect "a record not owned by root is not used" '[ -n "$f" ] && [ "$CJ_RC" = 0 ] && ! grep -qE "^  ok +nss " <<<"$CJ_OUT"'
rm -f -- "$f"
run
cj_reset_run
CJ_AS=root
cj_run "$(cj_bin "$U")" -V
cj_expect "-V shows nss_cache_ttl" '[ "$CJ_RC" = 0 ] && grep -qx "nss_cache_ttl = 60" <<<"$CJ_OUT"'
rm -f -- $(records)

# Kept answers are only answers: every check of the config still applies.
# The supervisor's user (a timeout needs one) kept from a request under
# min_uid 1000 is refused once min_uid falls to its uid or below.
settle
write_conf "timeout = 30"
dry
dry
cj_expect "a request with a supervisor: its user's ids kept with the answers" \
	'[ "$CJ_RC" = 0 ] && grep -qE "^  ok +nss " <<<"$CJ_OUT" && grep -qE "^  ok +supervisor +runs as" <<<"$CJ_OUT"'
sv_uid=$(id -u "$CJ_SV_USER")
write_conf "timeout = 30" "min_uid = $sv_uid"
dry
cj_expect "... then min_uid $sv_uid (the supervisor's uid): refused though the answers are kept (CJ_SUPERVISOR)" \
	'[ "$CJ_RC" = "$(cj_code CJ_SUPERVISOR)" ] && grep -qE "^  ok +nss " <<<"$CJ_OUT" &&
	 grep -q "below min_uid $sv_uid" <<<"$CJ_OUT$CJ_ERR"'
rm -f -- $(records)

tap_end
