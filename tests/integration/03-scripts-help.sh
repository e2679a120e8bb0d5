#!/usr/bin/env bash
# Every script in scripts/ answers --help with its usage on stdout and exit
# 0, and does nothing else: run from a copy of scripts/ (so that "the
# repository" it sees is an empty directory), as root, with every command
# that would build, install or change the system (apt-get, meson, ninja,
# compilers, update-alternatives, user tools...) replaced on PATH by one
# that only notes that it was called. TAP on stdout; always exits 0.
set -u
. "$CJ_TOP/tests/lib/tap.sh"

T=$(mktemp -d /tmp/cgijail-scripts.XXXXXX) || exit 2
trap 'rm -rf -- "$T"' EXIT
mkdir "$T/repo" "$T/shims"
cp -a "$CJ_TOP/scripts" "$T/repo/scripts"
for c in apt-get apt dpkg dpkg-query meson ninja gcc cc clang make install update-alternatives \
	adduser useradd userdel groupadd groupdel usermod runuser chown chmod mount mknod service systemctl; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/called"\nexit 1\n' "$c" "$T" >"$T/shims/$c"
	chmod 0755 "$T/shims/$c"
done
policy_rc_before=$(ls -l /usr/sbin/policy-rc.d 2>&1)

n=0
for s in "$T"/repo/scripts/*; do
	[ -f "$s" ] && [ -x "$s" ] || continue
	name=${s##*/}; n=$((n + 1))
	: >"$T/called"
	before=$(cd "$T/repo" && find . | sort)
	out=$(cd "$T" && env -i PATH="$T/shims:/usr/bin:/bin:/usr/sbin:/sbin" HOME="$T" "$s" --help 2>"$T/err" </dev/null); rc=$?
	after=$(cd "$T/repo" && find . | sort)
	why=()
	[ "$rc" = 0 ] || why+=("exit status $rc")
	grep -q '^Usage:' <<<"$out" || why+=("no 'Usage:' line on stdout")
	grep -qF -- "$name" <<<"$out" || why+=("the usage does not name $name")
	[ ! -s "$T/err" ] || why+=("stderr: $(head -n 3 "$T/err")")
	[ ! -s "$T/called" ] || why+=("it ran: $(head -n 3 "$T/called")")
	[ "$before" = "$after" ] || why+=("it created: $(comm -13 <(echo "$before") <(echo "$after") | head -n 3 | xargs)")
	if [ ${#why[@]} -eq 0 ]; then
		ok "scripts/$name --help: its usage on stdout, exit 0, nothing run or created"
	else
		not_ok "scripts/$name --help: its usage on stdout, exit 0, nothing run or created"
		diag "${why[@]}"
	fi
done
check "every script was tried ($n)" [ "$n" -ge 7 ]
check "no script made /usr/sbin/policy-rc.d or changed it" [ "$(ls -l /usr/sbin/policy-rc.d 2>&1)" = "$policy_rc_before" ]
tap_end
