#!/bin/sh
# The house style as TAP: one test per C file of fcgi/ and tests/, which
# passes when clang-format (the repo's .clang-format) would change nothing.
# The style is clang-format 14's (Debian 12's); another version formats some
# constructs differently, so it is skipped rather than failed there.
SRC=${GH_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$SRC" || exit 1
if ! clang-format --version 2>/dev/null | grep -q 'version 14\.'; then
	echo "1..0 # SKIP clang-format 14 (Debian 12's) is not installed"
	exit 0
fi
files=$(find fcgi tests -name node_modules -prune -o -type f \( -name '*.c' -o -name '*.h' \) -print | LC_ALL=C sort)
n=0
for f in $files; do n=$((n + 1)); done
echo "1..$n"
i=0
for f in $files; do
	i=$((i + 1))
	if clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "ok $i - $f is in the house style"
	else
		echo "not ok $i - $f differs from .clang-format (run: clang-format -i $f)"
		clang-format --dry-run "$f" 2>&1 | head -n 6 | sed 's/^/# /'
	fi
done
