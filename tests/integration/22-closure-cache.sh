#!/usr/bin/env bash
# The repeat-check cache through the installed setuid cgijail, run as Apache
# runs it: a second request of an unchanged closure is served from the cache
# (the dry run says so); replacing a library in the jail, or adding one to a
# directory searched earlier, makes the next request check in full and, the
# closure being broken, be refused; the cache file is root's, 0600, and the
# customer can neither write nor read it, nor does the CGI inherit it; a
# corrupt, foreign-owned or symlinked cache file only costs a full check.
# TAP on stdout; always exits 0. Env: CJ_TOP, CJ_BUILD, CJ_CONF_DIR, CJ_LOG.
CJ_TOP=${CJ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$CJ_TOP/tests/lib/tap.sh"
. "$CJ_TOP/tests/lib/cgijail.sh"

# The cache directory this build compiled in (meson option cache_dir).
CACHE_DIR=$(sed -n -E 's/^#define CJ_CACHE_DIR "(.*)"$/\1/p' "$CJ_BUILD/cj_build.h")
# A verdict is cached only when nothing it consulted changed in the 2 s
# before the check (see src/closure/cache.c); wait that long after a change
# whenever the next request must be stored.
settle() { sleep 2.2; }

setup() {
	[ "$(id -u)" = 0 ] || { echo "needs root" >&2; return 2; }
	[ -n "$CACHE_DIR" ] || { echo "no CJ_CACHE_DIR in $CJ_BUILD/cj_build.h" >&2; return 2; }
	cj_install || return 2
	cj_user cjcalice && ALICE=$CJ_LAST_UID || return 2
	CACHE=$CACHE_DIR/$ALICE
	rm -f -- "$CACHE"
	cj_atexit 'rm -f -- "$CACHE"'
	J=$(cj_jail cjcalice) && cj_site cjcalice || return 2
	BIN=$J/var/www/cgi-bin
	# libcjc.so.1: the good one defines cjc_hello@CJC_1, the broken one
	# only cjc_hello@CJC_0.
	local b=$CJ_WORK/cjc
	mkdir -p "$b"
	cc_lib "$b/good/libcjc.so.1" libcjc.so.1 --version-script 'CJC_1 { global: cjc_hello; local: *; };' \
		<<<'const char *cjc_hello(void) { return "hello"; }' || return 2
	cc_lib "$b/old/libcjc.so.1" libcjc.so.1 --version-script 'CJC_0 { global: cjc_hello; local: *; };' \
		<<<'const char *cjc_hello(void) { return "old"; }' || return 2
	# The CGI: the marker, and the descriptors above stderr it was given.
	cc_prog "$b/cgi" -L"$b/good" -l:libcjc.so.1 <<'EOF' || return 2
#include <fcntl.h>
#include <stdio.h>
const char *cjc_hello(void);
int main(void)
{
	printf("Content-Type: text/plain\n\nMARK CJT-CGI-RAN\nhello %s\nfds", cjc_hello());
	for (int i = 3; i < 1024; i++)
		if (fcntl(i, F_GETFD) >= 0)
			printf(" %d", i);
	printf("\n");
	return 0;
}
EOF
	# libc and the loader (what /bin/true needs); libcjc.so.1 goes in below.
	jail_copy_closure "$J" /bin/true || return 2
	GOOD=$b/good/libcjc.so.1
	OLD=$b/old/libcjc.so.1
	install -m 0644 "$GOOD" "$J/usr/lib/libcjc.so.1" || return 2
	EARLY=$J/usr/lib/x86_64-linux-gnu/libcjc.so.1
	[ -d "$(dirname "$EARLY")" ] || { echo "no $(dirname "$EARLY") in the jail" >&2; return 2; }
	cj_cgi "$b/cgi" "$BIN/c.cgi" cjcalice:cjcalice || return 2
	# o.cgi finds libcjo.so.1 only through RUNPATH $ORIGIN/../lib.
	cc_lib "$b/good/libcjo.so.1" libcjo.so.1 <<<'int cjo(void) { return 0; }' || return 2
	cc_prog "$b/ocgi" -L"$b/good" -l:libcjo.so.1 '-Wl,-rpath,$ORIGIN/../lib' <<'EOF' || return 2
#include <stdio.h>
int cjo(void);
int main(void) { printf("Content-Type: text/plain\n\nMARK CJT-CGI-RAN\n"); return cjo(); }
EOF
	install -d -m 0755 "$J/var/www/lib" && install -m 0644 "$b/good/libcjo.so.1" "$J/var/www/lib/" || return 2
	cj_cgi "$b/ocgi" "$BIN/o.cgi" cjcalice:cjcalice || return 2
	# Mount points for namespaces = mount (as cgijailctl init makes them).
	mkdir -m 0555 "$J/proc" && mkdir -m 1777 "$J/tmp" || return 2
	{ cj_conf_head; cat <<EOF; } | cj_conf
EOF
}

if ! setup; then
	echo "Bail out! setup failed"
	exit 0
fi

# dry_run: the closure line of a dry run (as root) of c.cgi.
dry_run() {
	CJ_AS=root cj_run "$BIN" --dry-run cjcalice cjcalice c.cgi
	CLOSURE=$(grep -E '^  ok +closure ' <<<"$CJ_OUT")
}
request() { CJ_WANT_UID=$ALICE cj_run "$BIN" cjcalice cjcalice c.cgi; }

# ---- a hit ----

settle
request
cj_assert_exec "first request of an unchanged jail: the CGI runs"
cj_expect "the CGI gets no descriptor above stderr (the cache file is closed before exec)" \
	'[ "$(cj_val fds)" = "" ] && grep -qx "hello hello" <<<"$CJ_OUT"'
cj_expect "the cache file is created: $CACHE, a regular file, root:root, mode 600" \
	'[ -f "$CACHE" ] && [ ! -L "$CACHE" ] && [ "$(stat -c "%U:%G %a" "$CACHE")" = "root:root 600" ]'
cj_expect "the cache directory $CACHE_DIR is root's and not writable by others" \
	'[ "$(stat -c "%U" "$CACHE_DIR")" = root ] && [ $(( 0$(stat -c %a "$CACHE_DIR") & 022 )) = 0 ]'
dry_run
cj_expect "second request: --dry-run says the check was served from the cache" \
	'[ "$CJ_RC" = 0 ] && grep -q "served from the check cache" <<<"$CLOSURE"'
request
cj_assert_exec "a request served from the cache runs the CGI"

# ---- the customer and the cache file ----

out=$(cd / && setpriv --reuid=cjcalice --regid=cjcalice --clear-groups -- sh -c \
	"echo x >>'$CACHE'" 2>&1); rc=$?
cj_expect "the customer cannot write the cache file" '[ "$rc" != 0 ] || { diag "$out"; false; }'
out=$(cd / && setpriv --reuid=cjcalice --regid=cjcalice --clear-groups -- cat -- "$CACHE" 2>&1 >/dev/null); rc=$?
cj_expect "the customer cannot read the cache file" '[ "$rc" != 0 ]'
out=$(cd / && setpriv --reuid=cjcalice --regid=cjcalice --clear-groups -- sh -c \
	"rm -f '$CACHE' || exit 1; [ -e '$CACHE' ]" 2>&1); rc=$?
cj_expect "the customer cannot remove the cache file" '[ -e "$CACHE" ]'

# ---- a replaced library ----

cp -- "$OLD" "$J/usr/lib/libcjc.so.1.new" && mv -f -- "$J/usr/lib/libcjc.so.1.new" "$J/usr/lib/libcjc.so.1"
request
cj_assert_refused "library replaced by one without the needed version: the next request checks in full and is refused" \
	CJ_MISSING_SYMBOL_VERSION 'CJC_1'
install -m 0644 "$GOOD" "$J/usr/lib/libcjc.so.1.new" && mv -f -- "$J/usr/lib/libcjc.so.1.new" "$J/usr/lib/libcjc.so.1"
settle
request
cj_assert_exec "the good library back: the CGI runs again"
dry_run
cj_expect "and the next request is served from the cache" 'grep -q "served from the check cache" <<<"$CLOSURE"'

# Rewritten in place, same size, same inode: mtime and ctime change.
if [ "$(stat -c %s "$OLD")" = "$(stat -c %s "$GOOD")" ]; then
	cat -- "$OLD" >"$J/usr/lib/libcjc.so.1"
	request
	cj_assert_refused "library rewritten in place (same inode and size): refused" CJ_MISSING_SYMBOL_VERSION 'CJC_1'
	cat -- "$GOOD" >"$J/usr/lib/libcjc.so.1"
else
	ok "library rewritten in place # SKIP the two builds differ in size"
fi
settle
request
cj_assert_exec "the good library written back: the CGI runs"

# ---- a library added to a directory searched earlier ----

dry_run
cj_expect "(cached again before the next change)" 'grep -q "served from the check cache" <<<"$CLOSURE"'
install -m 0644 "$OLD" "$EARLY"
request
cj_assert_refused "a library without the needed version added earlier in the search path: refused" \
	CJ_MISSING_SYMBOL_VERSION 'CJC_1'
dry_run
cj_expect "the dry run names the newly found library" \
	'grep -q "missing-symbol-version: .*x86_64-linux-gnu/libcjc.so.1 needed by /var/www/cgi-bin/c.cgi" <<<"$CJ_OUT"'
rm -f -- "$EARLY"
settle
request
cj_assert_exec "the early library removed: the CGI runs"

# ---- a directory's mode, a removed library ----

dry_run
cj_expect "(cached again)" 'grep -q "served from the check cache" <<<"$CLOSURE"'
chmod 0700 "$J/usr/lib"
request
cj_assert_refused "/usr/lib (where /lib64 leads) made unreadable to the customer: checked in full, refused" \
	CJ_MISSING_INTERPRETER 'Permission denied'
chmod 0755 "$J/usr/lib"
mv -- "$J/usr/lib/libcjc.so.1" "$CJ_WORK/libcjc.so.1.away"
request
cj_assert_refused "library removed: refused" CJ_MISSING_LIBRARY 'libcjc.so.1'
mv -- "$CJ_WORK/libcjc.so.1.away" "$J/usr/lib/libcjc.so.1"

# ---- a corrupt, foreign or symlinked cache file costs a full check ----

settle
request
dry_run
cj_expect "(cached again)" 'grep -q "served from the check cache" <<<"$CLOSURE"'
head -c 9000 /dev/urandom >"$CACHE"
dry_run
cj_expect "a corrupt cache file: the check runs in full and passes" \
	'[ "$CJ_RC" = 0 ] && grep -q "checked in full; the verdict is now in the check cache" <<<"$CLOSURE"'
dry_run
cj_expect "and the rewritten cache serves the next request" 'grep -q "served from the check cache" <<<"$CLOSURE"'
truncate -s 100 "$CACHE"
request
cj_assert_exec "a truncated cache file: the CGI runs"

chown cjcalice "$CACHE"
dry_run
cj_expect "a cache file not owned by root is not used (the dry run says why), the check runs in full" \
	'[ "$CJ_RC" = 0 ] && grep -q "no check cache: .*is not a root-owned regular file" <<<"$CLOSURE"'
request
cj_assert_exec "... and the CGI runs"
cj_expect "... and the file is left as it was" '[ "$(stat -c %U "$CACHE")" = cjcalice ]'
chown root "$CACHE"
chmod 0644 "$CACHE"
dry_run
cj_expect "a cache file readable by others is not used" \
	'grep -q "no check cache: .*is not a root-owned regular file" <<<"$CLOSURE"'
rm -f -- "$CACHE"
ln -s /etc/passwd "$CACHE"
dry_run
cj_expect "a symlink as the cache file is not followed (the dry run says why)" \
	'[ "$CJ_RC" = 0 ] && grep -q "no check cache: $CACHE: Too many levels of symbolic links" <<<"$CLOSURE" && [ -L "$CACHE" ]'
rm -f -- "$CACHE"

# ---- $ORIGIN of the program needs /proc in the jail ----

CJ_WANT_UID=$ALICE cj_run "$BIN" cjcalice cjcalice o.cgi
cj_assert_refused "RUNPATH \$ORIGIN/../lib in a jail without a mounted /proc: refused, naming \$ORIGIN and /proc" \
	CJ_MISSING_LIBRARY 'libcjo.so.1.*\$ORIGIN/\.\./lib was not searched.*/proc/self/exe.*no /proc'
{ cj_conf_head; cat <<EOF; } | cj_conf

[user:cjcalice]
namespaces = pid,mount
EOF
# cgijail mounts a /proc in the jail and opens the program again inside the
# mount namespace: /proc/self/exe names it inside the jail, $ORIGIN works.
CJ_WANT_UID=$ALICE cj_run "$BIN" cjcalice cjcalice o.cgi
cj_assert_exec "namespaces = pid,mount: RUNPATH \$ORIGIN/../lib resolves (private /proc, program reopened in the jail)"

# ---- check_cache = no ----

rm -f -- "$CACHE"

{ cj_conf_head; cat <<EOF; } | cj_conf

[user:cjcalice]
check_cache = no
EOF
dry_run
cj_expect "check_cache = no for the user: no cache, the dry run says so" \
	'[ "$CJ_RC" = 0 ] && grep -q "no check cache: check_cache = no" <<<"$CLOSURE" && [ ! -e "$CACHE" ]'
request
cj_assert_exec "check_cache = no: the CGI runs"

tap_end
