#!/usr/bin/env bash
# Root integration tests of the kept config (src/cgijail/keptconfig.c): the
# config as parsed and checked is kept in a root-owned file and used by the
# next request while the config file is unchanged and the build is the one
# that wrote it; any edit is seen on the very next request; the path's
# ownership walk runs every time; a kept file that is not root's alone, is
# cut short, or was written by another build or for another version of the
# file is never used; a config that names a seccomp policy file is never
# kept; the cache directory cgijail makes is root's alone. TAP on stdout;
# always exits 0.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"

KEPT=$(cj_cache_dir)/config
U=cjtkept

. "$CJ_TOP/tests/lib/onecgi.sh"
one_cgi_setup

# What --dry-run says of the config: kept (parsed before) or parsed now.
kept_used() { grep -qE "^  ok +config +.* as parsed and checked before" <<<"$CJ_OUT"; }
parsed_now() { grep -qE "^  ok +config +.* is root-owned and valid" <<<"$CJ_OUT"; }
has_supervisor() { grep -qE "^  ok +supervisor +runs as" <<<"$CJ_OUT"; }

# The cache directory made afresh (as after a hand install): root:root
# 0700, though www-data's group is the one cgijail runs with.
rm -rf --one-file-system -- "${KEPT%/*}"
settle
run
cj_assert_exec "a first request runs (the config parsed)"
cj_expect "the parsed config is kept: a root-owned 0600 file, $KEPT" \
	'[ "$(stat -c "%U:%G %a" "$KEPT")" = "root:root 600" ]'
cj_expect "the cache directory cgijail made, and its nss directory, are root:root 0700" \
	'[ "$(stat -c "%U:%G %a" "${KEPT%/*}")" = "root:root 700" ] &&
	 [ "$(stat -c "%U:%G %a" "${KEPT%/*}/nss")" = "root:root 700" ]'
dry
cj_expect "the next request uses it (--dry-run says so)" '[ "$CJ_RC" = 0 ] && kept_used'
run
cj_assert_exec "a request with the kept config runs as before"

# Any edit is seen on the very next request, and not kept while it is new.
before=$(stat -c %Y.%i "$KEPT")
write_conf "[user:$U]" "timeout = 30"
dry
cj_expect "an edit (a [user:$U] section with a timeout) is seen on the very next request" \
	'[ "$CJ_RC" = 0 ] && parsed_now && has_supervisor'
cj_expect "... and a config changed within the last two seconds is not kept" \
	'[ "$(stat -c %Y.%i "$KEPT")" = "$before" ]'
settle
run
dry
cj_expect "once settled, the new config is kept, the user's section with it" \
	'[ "$CJ_RC" = 0 ] && kept_used && has_supervisor'

# A provider's config: a section for each of thousands of customers.
{
	cj_conf_head
	for i in $(seq 1 3000); do printf '[user:cust%04d]\ntimeout = 30\nnice = 5\n' "$i"; done
	printf '[user:%s]\ntimeout = 30\n' "$U"
} | cj_conf
settle
run
cj_assert_exec "3001 [user:NAME] sections: a request runs"
dry
cj_expect "... and the next one takes them all from the kept config, this user's section found in it" \
	'[ "$CJ_RC" = 0 ] && kept_used && has_supervisor'

# The walk of the config's path runs on every request, kept or not.
write_conf
settle
run
chmod g+w "$CJ_CONF"
run
cj_expect "a config made group-writable after it was kept: refused (CJ_CONFIG_UNSAFE)" \
	'[ "$CJ_RC" = "$(cj_code CJ_CONFIG_UNSAFE)" ]'
chmod g-w "$CJ_CONF"
write_conf "no_such_key = 1"
run
cj_expect "a config made invalid after one was kept: refused (CJ_CONFIG_VALUE)" \
	'[ "$CJ_RC" = "$(cj_code CJ_CONFIG_VALUE)" ] && grep -q "no_such_key" <<<"$CJ_ERR$CJ_LOGNEW"'

# Only a file that is root's alone, whole, of this build and of this very
# version of the config is used; anything else is parsed and kept anew.
write_conf "[user:$U]" "timeout = 30"
settle
run
cp -p -- "$KEPT" "$CJ_WORK/kept.old"
write_conf
settle
cp -p -- "$CJ_WORK/kept.old" "$KEPT"
dry
cj_expect "a kept file of an earlier version of the config is not used (no timeout now)" \
	'[ "$CJ_RC" = 0 ] && parsed_now && ! has_supervisor'
dry
cj_expect "... it is replaced by one of this version" '[ "$CJ_RC" = 0 ] && kept_used && ! has_supervisor'
printf '\xff' | dd of="$KEPT" bs=1 seek=12 count=1 conv=notrunc status=none
dry
cj_expect "a kept file with another build's ID is not used" '[ "$CJ_RC" = 0 ] && parsed_now'
truncate -s -1 "$KEPT"
dry
cj_expect "a kept file cut short is not used" '[ "$CJ_RC" = 0 ] && parsed_now'
dry
chmod 0644 "$KEPT"
dry
cj_expect "a kept file others can read is not used" '[ "$CJ_RC" = 0 ] && parsed_now'
dry
chown "$U" "$KEPT"
dry
cj_expect "a kept file not owned by root is not used" '[ "$CJ_RC" = 0 ] && parsed_now'

# A seccomp policy file is read when the config is parsed: not kept.
printf '# kept-config test policy\nallow debug\n' >"$CJ_CONF_DIR/kept-test.policy"
chmod 0644 "$CJ_CONF_DIR/kept-test.policy"
write_conf "namespaces = pid" "seccomp = $CJ_CONF_DIR/kept-test.policy"
rm -f -- "$KEPT"
settle
run
dry
cj_expect "a config naming a seccomp policy file is never kept" \
	'[ "$CJ_RC" = 0 ] && parsed_now && [ ! -e "$KEPT" ]'
rm -f -- "$CJ_CONF_DIR/kept-test.policy"

tap_end
