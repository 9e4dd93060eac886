#!/usr/bin/env bash
# Gatehouse sign-in flood benchmark: another signed-in page's latency while
# waves of FLOOD_N simultaneous sign-ins (each from its own address, for an
# account of its own, so each reaches the Argon2id gate) hit the same
# settings responder, beside the same page with no flood, in one run.
# Brings up its own stack (port 18580, state tests/out/floodbench-stack) and
# stops it at the end.
#
# Rounds: wrk -t2 -c16 --latency on /settings/customers (signed in as
# admin@demo.test) for BENCH_SECONDS, alone; then again while
# tests/bench/flood.py sends its waves; BENCH_ROUNDS times each.
# Goal (issue 12.15): the page's p99 during the flood at most 3x its p99
# without, and sign-ins still checked (401) during the flood.
#
# Env: GH_SRCDIR, GH_BUILDDIR, BENCH_SECONDS (10), BENCH_ROUNDS (2),
#      FLOOD_N (300), FLOODBENCH_PORT (18580)
# Exit status: 0 when every request was answered as expected and the goal held.
set -euo pipefail

SRC=${GH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${GH_BUILDDIR:-$PWD}
SRC=$(cd "$SRC" && pwd)
BUILD=$(cd "$BUILD" && pwd)
export GH_SRCDIR=$SRC GH_BUILDDIR=$BUILD
OUT=$BUILD/tests/out
SECS=${BENCH_SECONDS:-10}
ROUNDS=${BENCH_ROUNDS:-2}
N=${FLOOD_N:-300}
PORT=${FLOODBENCH_PORT:-18580}
STATE=$OUT/floodbench-stack
export REFERENCE_DIR=$OUT/floodbench-reference
REF_SCRIPT=/nonexistent # no reference: the yardstick is the same page without the flood
REF_PORT=0 REF=
STACK=$SRC/scripts/gh-stack
CTL=$BUILD/gatehouse-ctl
INI=$STATE/gatehouse.ini
BASE=http://127.0.0.1:$PORT
WORK=$OUT/floodbench-work
LUA=$SRC/tests/bench/count.lua
JAR=$WORK/cookies.txt
BENCH_NAME=flood-bench
# shellcheck source=tests/bench/lib.sh
. "$SRC/tests/bench/lib.sh"
bench_require
[[ -x $CTL ]] || die "$CTL not found (build first, or set GH_BUILDDIR)"

trap 'trap - EXIT INT TERM; bench_stop_servers' EXIT
trap 'say "flood-bench: interrupted"; exit 130' INT TERM
T0=$SECONDS
bench_machine
bench_servers
say "hash slots: $(sed -n 's/^hash_concurrency *= *//p' "$INI") configured, at most $(($(nproc) > 1 ? $(nproc) - 1 : 1)) (cores - 1); queue $(sed -n 's/^hash_queue *= *//p' "$INI")"

rm -f "$JAR"
csrf=$(curl -sf -c "$JAR" -b "$JAR" "$BASE/settings/login?format=xml" | sed -n 's/.*<login[^>]* csrf="\([0-9a-f]*\)".*/\1/p')
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" --data-urlencode "email=admin@demo.test" \
	--data-urlencode "password=gatehouse-demo" --data-urlencode "csrf=$csrf" "$BASE/settings/login")
session=$(awk '$6 == "gh_office" {print $7}' "$JAR")
[[ $code == 303 && -n $session ]] || die "sign-in failed (HTTP $code)"
URL=$BASE/settings/customers

# measure KIND ROUND: one wrk run; appends to the KIND's figures.
declare -A REQS DUR P50S P99 FLOODS
measure() {
	local kind=$1 r=$2 f=$WORK/wrk-$1-$2.txt line fpid=
	if [[ $kind == flood ]]; then
		"$CTL" -c "$INI" throttle reset >/dev/null
		python3 "$SRC/tests/bench/flood.py" "$PORT" "$N" "$((SECS + 2))" >"$WORK/flood-$r.txt" 2>&1 &
		fpid=$!
		sleep 2 # the flood under way before the page is measured
	fi
	BENCH_COOKIE="gh_office=$session" wrk -t2 -c16 -d"$SECS"s --latency -s "$LUA" "$URL" >"$f" 2>&1 || true
	if [[ -n $fpid ]]; then
		wait "$fpid" || fail "the flood generator failed (round $r): $(tail -n 3 "$WORK/flood-$r.txt")"
		FLOODS[$r]=$(tail -n 1 "$WORK/flood-$r.txt")
		say "  flood round $r: ${FLOODS[$r]}"
	fi
	line=$(grep '^RESULT ' "$f" | tail -n 1)
	[[ -n $line ]] || { fail "no wrk result for $kind (round $r)"; return; }
	eval "$(sed 's/^RESULT //; s/ /\n/g' <<<"$line" | grep -E '^[a-z0-9_]+=' | sed 's/^/w_/')"
	REQS[$kind]=$((${REQS[$kind]:-0} + w_requests))
	DUR[$kind]=$((${DUR[$kind]:-0} + w_duration_us))
	P50S[$kind]="${P50S[$kind]:-} $w_p50_us"
	((w_p99_us > ${P99[$kind]:-0})) && P99[$kind]=$w_p99_us
	((w_non2xx == 0)) || fail "$kind: $w_non2xx non-2xx answers to the page (round $r)"
	say "  $kind round $r: $(awk -v q="$w_requests" -v d="$w_duration_us" 'BEGIN {printf "%.0f", q * 1e6 / d}') req/s, p50 $(ms "$w_p50_us") ms, p99 $(ms "$w_p99_us") ms"
}

say
say "== $URL, wrk -t2 -c16 -d${SECS}s --latency; flood: waves of $N sign-ins; $ROUNDS round(s)"
for ((r = 1; r <= ROUNDS; r++)); do
	measure alone "$r"
	measure flood "$r"
done
"$CTL" -c "$INI" throttle reset >/dev/null

rps() { awk -v q="${REQS[$1]:-0}" -v d="${DUR[$1]:-1}" 'BEGIN {printf "%.0f", q * 1e6 / d}'; }
say
printf '%-7s %8s %8s %8s\n' page req/s p50-ms p99-ms
for k in alone flood; do
	[[ -n ${REQS[$k]:-} ]] || continue
	printf '%-7s %8s %8s %8s\n' "$k" "$(rps "$k")" "$(ms "$(median <<<"${P50S[$k]}")")" "$(ms "${P99[$k]}")"
done
if [[ -n ${P99[alone]:-} && -n ${P99[flood]:-} ]]; then
	ratio=$(awk -v a="${P99[flood]}" -v b="${P99[alone]}" 'BEGIN {printf "%.2f", a / b}')
	say
	say "p99 during the flood / without: ${ratio}x (goal: at most 3x)"
	awk -v r="$ratio" 'BEGIN {exit !(r <= 3.0)}' || fail "p99 during the flood is ${ratio}x the p99 without (goal 3x)"
	for r in "${!FLOODS[@]}"; do
		grep -q 'status_401=[1-9]' <<<"${FLOODS[$r]}" || fail "no sign-in was checked during flood round $r"
	done
fi
say
say "== done in $((SECONDS - T0)) s: $( ((FAILED)) && echo FAILED || echo ok)"
exit "$FAILED"
