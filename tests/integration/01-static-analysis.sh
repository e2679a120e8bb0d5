#!/usr/bin/env bash
# clang-tidy (.clang-tidy) and cppcheck over every C source, and groff's
# warnings over every man page (what lintian reports): any finding fails.
set -u
. "$CJ_TOP/tests/lib/tap.sh"
cd "$CJ_TOP"
mapfile -t sources < <(git ls-files 'src/*.c' 2>/dev/null || find src -name '*.c')

# One clang-tidy per core, a few files each: it is the slowest suite.
out=$(printf '%s\n' "${sources[@]}" |
	xargs -P "$(nproc)" -n 6 clang-tidy --quiet -p "$CJ_BUILD" --extra-arg=-Wno-unknown-warning-option 2>&1)
if grep -qE '(warning|error):' <<<"$out"; then
	not_ok "clang-tidy: no findings"
	grep -E '(warning|error):' <<<"$out" | head -40 | sed 's/^/# /'
else
	ok "clang-tidy: no findings (${#sources[@]} files)"
fi

out=$(cppcheck --quiet --enable=warning,portability,performance --std=c11 -D_GNU_SOURCE \
	--inline-suppr --suppress=missingIncludeSystem --error-exitcode=1 \
	-I "$CJ_BUILD" -I src/common -I src/closure -I src/cgijail "${sources[@]}" 2>&1)
if [ $? -ne 0 ] || [ -n "$out" ]; then
	not_ok "cppcheck: no findings"
	head -40 <<<"$out" | sed 's/^/# /'
else
	ok "cppcheck: no findings"
fi

mapfile -t pages < <(git ls-files 'src/*.[0-9]' 2>/dev/null || find src -name '*.[0-9]')
out=$(for p in "${pages[@]}"; do groff -mdoc -ww -z "$p" 2>&1 | sed "s|^|$p: |"; done)
if [ -n "$out" ]; then
	not_ok "man pages: groff -ww says nothing"
	head -20 <<<"$out" | sed 's/^/# /'
else
	ok "man pages: groff -ww says nothing (${#pages[@]} pages)"
fi
tap_end
