# shellcheck shell=bash
# Helpers for the Debian package suite (40-debian-package.sh). Source after
# tests/lib/cgijail.sh:
#
#   deb_build SRC-TREE OUT-DIR            # dpkg-buildpackage -us -uc -b of a clean copy; DEB_CHANGES, DEB_FILE
#   deb_repack DEB VERSION OUT [CONFFILE-LINE]  # the same package with another version (and a changed cgijail.conf)
#   deb_probe_lib OUT VERSION             # the throwaway library package cgijail-hook-probe
#   pkg_run LOG CMD...                    # apt-get/dpkg, waiting while another one holds the lock
#   with_syslog LOG CMD...                # CMD in a mount namespace whose /dev/log is LOG's listener
#   deb_snapshot                          # the paths a package could leave, sorted
#
# dpkg and apt run for real on this machine: every caller makes sure that
# what it installs is purged at exit.

DEB_PROBE_DIR=/usr/lib/cgijail-hook-probe
DEB_PROBE_LIB=$DEB_PROBE_DIR/libcjhook.so.1

# deb_build SRC OUT: copy the tree SRC (its tracked and untracked files, not
# the ignored build directories: what a clean clone plus local changes
# holds) to OUT/cgijail and build the binary package there. Sets
# DEB_CHANGES and DEB_FILE (OUT/cgijail_VERSION_ARCH.deb); build log OUT/build.log.
deb_build() {
	local src=$1 out=$2 version arch
	mkdir -p "$out/cgijail" || return 2
	git -c safe.directory="*" -C "$src" ls-files -z --cached --others --exclude-standard |
		(cd "$src" && xargs -0 cp --parents -t "$out/cgijail") || return 2
	version=$(dpkg-parsechangelog -l "$out/cgijail/debian/changelog" -S Version) || return 2
	arch=$(dpkg --print-architecture)
	(cd "$out/cgijail" && DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 ||
		return 1
	DEB_CHANGES=$out/cgijail_${version}_$arch.changes
	DEB_FILE=$out/cgijail_${version}_$arch.deb
	[ -f "$DEB_FILE" ] && [ -f "$DEB_CHANGES" ]
}

# deb_repack DEB VERSION OUT [LINE]: OUT, the package DEB with VERSION, and
# with LINE appended to its /etc/cgijail/cgijail.conf (a new release whose
# conffile changed). Owners and modes are kept (extracted as root).
deb_repack() {
	local deb=$1 version=$2 out=$3 line=${4-} t
	t=$(mktemp -d "$CJ_WORK/repack.XXXXXX") || return 2
	dpkg-deb -R "$deb" "$t/root" || return 2
	sed -i "s/^Version: .*/Version: $version/" "$t/root/DEBIAN/control" || return 2
	if [ -n "$line" ]; then
		printf '%s\n' "$line" >>"$t/root/etc/cgijail/cgijail.conf"
		(cd "$t/root" && sed -i "s|^[0-9a-f]*  etc/cgijail/cgijail.conf\$|$(md5sum etc/cgijail/cgijail.conf)|" DEBIAN/md5sums) ||
			return 2
	fi
	dpkg-deb -b "$t/root" "$out" >/dev/null
}

# deb_probe_lib OUT VERSION: the package cgijail-hook-probe VERSION, whose
# only file is DEB_PROBE_LIB, a library whose cjhook_version() returns
# "lib VERSION" -- a test library in a directory of its own below /usr/lib
# (where cgijail's dpkg trigger looks), not one of the system's.
deb_probe_lib() {
	local out=$1 version=$2 t
	t=$(mktemp -d "$CJ_WORK/probe.XXXXXX") || return 2
	mkdir -p "$t/DEBIAN" "$t$DEB_PROBE_DIR" || return 2
	printf 'const char *cjhook_version(void) { return "lib %s"; }\n' "$version" |
		cc_lib "$t$DEB_PROBE_LIB" libcjhook.so.1 || return 2
	cat >"$t/DEBIAN/control" <<EOF
Package: cgijail-hook-probe
Version: $version
Architecture: $(dpkg --print-architecture)
Maintainer: cgijail tests <dev@cgijail.invalid>
Description: throwaway library for cgijail's package test
 Installed and purged by tests/e2e/40-debian-package.sh.
EOF
	dpkg-deb --root-owner-group -b "$t" "$out" >/dev/null
}

# pkg_run LOG CMD...: run apt-get or dpkg, output to LOG; while another
# session's dpkg holds the lock, wait (up to 5 minutes) and try again.
# Returns CMD's status.
pkg_run() {
	local log=$1 rc n; shift
	for ((n = 0; n < 150; n++)); do
		DEBIAN_FRONTEND=noninteractive "$@" >"$log" 2>&1 </dev/null
		rc=$?
		[ "$rc" != 0 ] && grep -qE 'dpkg frontend lock|lock-frontend|status database area is locked' "$log" || return "$rc"
		sleep 2
	done
	return "$rc"
}

# with_syslog LOG CMD...: run CMD where syslog(3) and logger(1) reach a
# listener that appends each message to LOG: in a mount namespace of its
# own, /dev is an overlay of the host's with a /dev/log socket added (the
# host's /dev is never written). Returns CMD's status; 3 when the
# namespace cannot be made.
with_syslog() {
	local log=$1 t; shift
	t=$(mktemp -d "$CJ_WORK/syslog.XXXXXX") || return 3
	mkdir "$t/up" "$t/work" && : >"$log" || return 3
	cat >"$t/listen.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
with open(sys.argv[1], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b"\n") + b"\n")
EOF
	unshare --mount --propagation private -- /bin/sh -c '
		t=$1 log=$2; shift 2
		mount -t overlay overlay -o "lowerdir=/dev,upperdir=$t/up,workdir=$t/work" /dev || exit 3
		python3 "$t/listen.py" "$log" </dev/null >/dev/null 2>&1 & l=$!
		n=0; while [ ! -S /dev/log ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
		[ -S /dev/log ] || exit 3
		"$@"; rc=$?
		sleep 0.2
		kill "$l" 2>/dev/null; wait "$l" 2>/dev/null
		exit $rc' sh "$t" "$log" "$@"
}

# deb_snapshot: every path below /etc, /usr, /lib and /var that a package
# could leave behind (not dpkg's and apt's own records, caches and logs, nor
# /var/tmp), sorted: compared before the install and after the purge.
deb_snapshot() {
	find /etc /usr /lib /var -xdev \( -path /var/tmp -o -path /var/lib/dpkg -o -path /var/lib/apt \
		-o -path /var/cache/apt -o -path /var/log/apt -o -path /var/cache/man -o -path /var/cache/debconf \
		-o -path /var/log/dpkg.log -o -path /var/log/alternatives.log \) -prune -o -print 2>/dev/null | sort
}
