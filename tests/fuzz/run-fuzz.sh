#!/usr/bin/env bash
# Builds a fuzz target with clang's libFuzzer, ASan and UBSan, runs it for N
# seconds (argument 1, default 20) on a scratch copy of its seed corpus (the
# committed one stays as it is), and prints TAP.  Argument 2 names the target:
#   fuzz_req  (default) tests/fuzz/fuzz_req.c + fcgi/core/req.c (+ tests/lib/req_count.c), corpus tests/fuzz/corpus
#   fuzz_mfa  tests/fuzz/fuzz_mfa.c + fcgi/core/mfa.c, corpus tests/fuzz/corpus-mfa
#   fuzz_tz   tests/fuzz/fuzz_tz.c + fcgi/core/tz.c (+ tests/lib/tz_posix.c), corpus tests/fuzz/corpus-tz
#   fuzz_list tests/fuzz/fuzz_list.c + fcgi/core/list.c, req.c, valid.c, xml.c and what they use, corpus tests/fuzz/corpus-list
#   fuzz_cursor tests/fuzz/fuzz_cursor.c + fcgi/feed/cursor.c, corpus tests/fuzz/corpus-cursor
#   fuzz_upload tests/fuzz/fuzz_upload.c + fcgi/core/csv.c, req.c, corpus tests/fuzz/corpus-upload
# Env: GH_SRCDIR (default: this script's ../..), GH_BUILDDIR (default: $PWD,
# where config.h is), GH_FUZZ_CC (default: clang).
# A crash leaves its input in $GH_BUILDDIR/tests/out/fuzz-crash-*; replay it
# with tests/fuzz/replay_req FILE or $GH_BUILDDIR/tests/out/fuzz_req FILE.
set -u
SRC=${GH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${GH_BUILDDIR:-$PWD}
SECS=${1:-20}
TARGET=${2:-fuzz_req}
CC=${GH_FUZZ_CC:-clang}
OUT=$BUILD/tests/out
BIN=$OUT/$TARGET
CORPUS=$OUT/$TARGET-corpus
LOG=$OUT/$TARGET.log
BUILDLOG=$OUT/$TARGET-build.log
case $TARGET in
fuzz_req) UNITS="$SRC/fcgi/core/req.c $SRC/tests/lib/req_count.c" LIBS="" SEEDS=$SRC/tests/fuzz/corpus ;;
fuzz_tz) UNITS="$SRC/fcgi/core/tz.c $SRC/fcgi/core/log.c $SRC/tests/lib/tz_posix.c" LIBS="" SEEDS=$SRC/tests/fuzz/corpus-tz ;;
fuzz_list) UNITS="$SRC/fcgi/core/list.c $SRC/fcgi/core/req.c $SRC/fcgi/core/valid.c $SRC/fcgi/core/xml.c $SRC/fcgi/core/tz.c $SRC/fcgi/core/log.c" SEEDS=$SRC/tests/fuzz/corpus-list
	LIBS="$(pkg-config --cflags --libs libxml-2.0 libsodium 2>/dev/null)" ;;
fuzz_cursor) UNITS="$SRC/fcgi/feed/cursor.c -I$SRC/fcgi/feed" SEEDS=$SRC/tests/fuzz/corpus-cursor
	LIBS="$(pkg-config --cflags --libs libxml-2.0 libsodium 2>/dev/null) $(mariadb_config --cflags 2>/dev/null)" ;;
fuzz_upload) UNITS="$SRC/fcgi/core/csv.c $SRC/fcgi/core/req.c" LIBS="" SEEDS=$SRC/tests/fuzz/corpus-upload ;;
fuzz_mfa) UNITS="$SRC/fcgi/core/mfa.c" SEEDS=$SRC/tests/fuzz/corpus-mfa
	LIBS="$(pkg-config --cflags --libs liboath libqrencode libsodium 2>/dev/null)" ;;
*) echo "1..1"; echo "not ok 1 - unknown fuzz target '$TARGET'"; exit 1 ;;
esac

echo "1..1"

# not_ok REASON [LOGFILE]: one failing test, the log's tail as diagnostics.
not_ok() {
	echo "not ok 1 - $1"
	if [ -n "${2:-}" ] && [ -f "$2" ]; then
		echo "# last lines of $2:"
		tail -n 25 "$2" | sed 's/^/#   /'
	fi
	exit 1
}

case $SECS in
'' | *[!0-9]*) not_ok "bad duration '$SECS' (seconds expected)" ;;
esac
mkdir -p "$OUT" || not_ok "cannot create $OUT"
command -v "$CC" >/dev/null 2>&1 || not_ok "$CC not found (install clang for the libFuzzer run)"
[ -f "$BUILD/config.h" ] || [ -f "$SRC/config.h" ] ||
	not_ok "no config.h in $BUILD or $SRC (run configure first)"

# The fuzzer runtime ships with clang (libclang_rt.fuzzer); a failed link
# here usually means it is missing.  UBSan must abort, not just print.
# shellcheck disable=SC2086 # UNITS and LIBS are word lists
if ! "$CC" -g -O1 -std=c11 -D_GNU_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$SRC/fcgi/core" -I"$BUILD" -I"$SRC" -I"$SRC/tests" \
	-o "$BIN" "$SRC/tests/fuzz/$TARGET.c" $UNITS $LIBS >"$BUILDLOG" 2>&1; then
	not_ok "cannot build $TARGET with $CC -fsanitize=fuzzer,address,undefined" "$BUILDLOG"
fi

# A scratch corpus: libFuzzer adds what it finds there.
rm -rf "$CORPUS"
mkdir -p "$CORPUS" || not_ok "cannot create $CORPUS"
seeds=0
for f in "$SEEDS"/*; do
	[ -f "$f" ] || continue
	cp "$f" "$CORPUS/" && chmod u+w "$CORPUS/$(basename "$f")" && seeds=$((seeds + 1))
done
[ "$seeds" -gt 0 ] || not_ok "no seed files in $SEEDS"

# Tokens that matter to the parsers.
DICT=$OUT/$TARGET.dict
cat >"$DICT" <<'EOF'
"&"
"="
";"
"; "
"+"
"%"
"%00"
"%09"
"%0A"
"%0D"
"%20"
"%25"
"%2B"
"%3D"
"%26"
"%3B"
"%7F"
"%C2%80"
"%C3%A9"
"%C0%AF"
"%E2%82%AC"
"%ED%A0%80"
"%EF%BF%BF"
"%F0%9F%98%80"
"%F4%90%80%80"
"\xc3\xa9"
"\xed\xa0\x80"
"\xf0\x9f\x98\x80"
"\x22"
"\x0a"
EOF

# The MFA target's inputs are codes: digits, spaces, dashes, letters.
[ "$TARGET" = fuzz_mfa ] && printf '"0"\n"9"\n" "\n"-"\n"A"\n"z"\n"\\xd9\\xa1"\n' >"$DICT"
rm -f "$OUT"/fuzz-crash-* "$OUT"/fuzz-leak-* "$OUT"/fuzz-timeout-* "$OUT"/fuzz-oom-*
# The outer timeout is a safety net only; libFuzzer stops itself.
TO=
command -v timeout >/dev/null 2>&1 && TO="timeout -k 10 $((SECS + 120))"
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	$TO "$BIN" -max_len=4096 -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -dict="$DICT" -artifact_prefix="$OUT/fuzz-" \
	"$CORPUS" >"$LOG" 2>&1
rc=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$LOG" | tail -n 1)
artifact=$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$LOG" | tail -n 1)
if [ "$rc" -ne 0 ] || [ -n "$artifact" ]; then
	echo "not ok 1 - libFuzzer failed (exit $rc)${artifact:+, input saved as $artifact}"
	grep -E 'invariant failed|ERROR: |SUMMARY: |runtime error|==[0-9]+==' "$LOG" | head -n 15 |
		sed 's/^/#   /'
	echo "# full log: $LOG"
	exit 1
fi
if [ -z "$execs" ] || [ "$execs" -eq 0 ]; then
	not_ok "libFuzzer ran but reported no executions" "$LOG"
fi
done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$LOG" | tail -n 1)
echo "ok 1 - libFuzzer ran $TARGET $SECS s, $execs execs, no crash"
echo "# $seeds seeds, corpus now $(find "$CORPUS" -type f | wc -l) inputs${done_line:+; ${done_line#\#}}"
exit 0
