#!/usr/bin/env bash
# Gatehouse big-tenant benchmark (issue 16): one installation serving 2,000
# tenants of 500 portal users each and one tenant of 1,000,000, against the
# shared reference page measured in the same run.  Brings up its own stack
# and the reference responders and stops both at the end; the stack's state
# dir (and the 2,000,006 rows in it) is kept, so a second run skips the load.
#
# Data: tests/bench/tenants-data.sh, set-based SQL (no row inserted on its
# own), each tenant's Super Admin signed in by a session row written with
# the hash of a known token (no sign-in).  Requests: tests/bench/tenants-urls.sql:
# each tenant's Portal Access list, four view kinds: its first page (first),
# an email order (sort), a filter on five letters of one of its users'
# names or company (filter) and a deep page by cursor (deep).
#
# Workloads, each tests/bench/loadgen -c 32 for BENCH_SECONDS after a
# warm-up, latency reported per view kind:
#   mix     the 2,000 tenants, Zipf: half the requests to the 20 busiest
#   big     the 1,000,000-user tenant alone
#   mix1    the mix with 1% of the requests to the big tenant
#   mix20   the mix with 20% of the requests to the big tenant
#   ref     the reference page /ref/db by the same loadgen -c 32 (and, for
#           the issue's table, wrk -t2 -c32), same run
#   built-big, built-mix   big and mix again with the responder restarted
#           with GH_RENDER_CACHE=0: every page read and rendered (the
#           workloads above repeat their views: most come from the page memo)
# Goals (the issue): big (and built-big): p50 <= 20 ms and p99 <= 100 ms
# for every view kind; mix: p50 <= 15 ms, p99 <= 50 ms, req/s >= 1.0x ref; mix1 and mix20:
# the small tenants' p99 at most 1.5x what it is in mix; the settings
# responder's RSS after the runs within its bound ([settings] memory_mb).
#
# Env: GH_SRCDIR, GH_BUILDDIR   as for tests/run
#      BENCH_SECONDS   duration of each workload (default 20), BENCH_WARMUP (5)
#      BENCH_SMALL, BENCH_USERS, BENCH_BIG   tenants of USERS users, and the
#                      big tenant's users (defaults 2000, 500, 1000000)
#      TENANTSBENCH_PORT (18480), TENANTSBENCH_REF_PORT (18490),
#      TENANTSBENCH_STATE (default $GH_BUILDDIR/tests/out/tenantsbench-stack)
#      BENCH_ENFORCE_BAR=1  also exit non-zero when a goal does not hold
set -euo pipefail

SRC=${GH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${GH_BUILDDIR:-$PWD}
SRC=$(cd "$SRC" && pwd)
BUILD=$(cd "$BUILD" && pwd)
export GH_SRCDIR=$SRC GH_BUILDDIR=$BUILD
OUT=$BUILD/tests/out
SECS=${BENCH_SECONDS:-20}
WARM=${BENCH_WARMUP:-5}
NSMALL=${BENCH_SMALL:-2000}
NUSERS=${BENCH_USERS:-500}
NBIG=${BENCH_BIG:-1000000}
PORT=${TENANTSBENCH_PORT:-18480}
REF_PORT=${TENANTSBENCH_REF_PORT:-18490}
STATE=${TENANTSBENCH_STATE:-$OUT/tenantsbench-stack}
export REFERENCE_DIR=${REFERENCE_DIR:-$OUT/tenantsbench-reference}
export GH_DB_BUFFER_POOL=${GH_DB_BUFFER_POOL:-4G}
REF_SCRIPT=$SRC/../shared/bench/reference
STACK=$SRC/scripts/gh-stack
CTL=$BUILD/gatehouse-ctl
INI=$STATE/gatehouse.ini
BASE=http://127.0.0.1:$PORT
REF=http://127.0.0.1:$REF_PORT
WORK=$OUT/tenantsbench-work
LUA=$SRC/tests/bench/count.lua
BENCH_NAME=tenants-bench
# shellcheck source=tests/bench/lib.sh
. "$SRC/tests/bench/lib.sh"
bench_require
command -v cc >/dev/null || die "cc not found (apt-get install build-essential)"

cleanup() { bench_stop_servers; }
trap cleanup EXIT INT TERM

sql() { "$STACK" sql --state "$STATE" -- -N -B; }

# The stack with the data: loaded once, into a fresh state dir (deleting
# 2,000,000 rows through their triggers would take longer than loading).
load_data() {
	local marker=$STATE/tenantsbench-$NSMALL-$NUSERS-$NBIG
	if [[ -f $marker && -s $WORK/cookies.txt ]]; then
		say "data: kept from an earlier run ($marker)"
		return
	fi
	say "data: $NSMALL tenants x $NUSERS portal users + 1 x $NBIG (a fresh state dir)"
	"$STACK" down --state "$STATE" >>"$WORK/stack.log" 2>&1 || true
	rm -rf "$STATE"
	"$STACK" up --port "$PORT" --state "$STATE" >>"$WORK/stack.log" 2>&1 ||
		die "the stack did not start (log $WORK/stack.log)"
	local t0=$SECONDS
	"$SRC/tests/bench/tenants-data.sh" "$NSMALL" "$NUSERS" "$NBIG" | sql >"$WORK/cookies.txt" ||
		die "loading the data failed"
	say "data: loaded in $((SECONDS - t0)) s"
	sql <"$SRC/tests/bench/tenants-urls.sql" >"$WORK/urls.txt" || die "making the requests failed"
	: >"$marker"
}

# The Zipf exponent s for which the 20 busiest of n tenants get half the
# requests, then the loadgen files: KIND <tab> WEIGHT <tab> COOKIE <tab> PATH.
make_files() {
	python3 - "$WORK" "$NSMALL" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
def share(s):
    w = [1 / (i ** s) for i in range(1, n + 1)]
    return sum(w[:20]) / sum(w)
lo, hi = 0.0, 3.0
for _ in range(60):
    mid = (lo + hi) / 2
    lo, hi = (mid, hi) if share(mid) < 0.5 else (lo, mid)
s = (lo + hi) / 2
ck = dict(l.rstrip('\n').split('\t')[:2] for l in open(f'{work}/cookies.txt') if '\t' in l)
small, big = [], []
for l in open(f'{work}/urls.txt'):
    kind, slug, _, path = l.rstrip('\n').split('\t')
    (big if slug == 'bench-big' else small).append((kind, slug, path))
nbig = {k: sum(1 for x in big if x[0] == k) for k in ('first', 'sort', 'filter', 'deep')}
def lines(share_small, share_big):
    out = []
    if share_small:
        tot = sum(1 / (i ** s) for i in range(1, n + 1))
        for kind, slug, path in small:
            rank = int(slug.rsplit('s', 1)[1])
            out.append(f'small.{kind}\t{share_small / 4 * (1 / rank ** s) / tot:.12g}\tgh_office={ck[slug]}\t{path}')
    if share_big:
        for kind, slug, path in big:
            out.append(f'big.{kind}\t{share_big / 4 / nbig[kind]:.12g}\tgh_office={ck[slug]}\t{path}')
    return '\n'.join(out) + '\n'
for name, a, b in (('mix', 1, 0), ('big', 0, 1), ('mix1', 0.99, 0.01), ('mix20', 0.8, 0.2)):
    open(f'{work}/{name}.txt', 'w').write(lines(a, b))
print(f'{s:.3f}')
PY
}

# CPU ticks of a process and its children (nginx's workers under its master).
ticks() { bench_ticks "$1" $(pgrep -P "$1"); }

# What each process spent per request over a loadgen run: the ticks of
# NAME=PID... pairs before and after the command that follows "--", then
# CPU ms per request at the run's req/s (column 3 of its "all" line in $1).
# The warm-up counts in the CPU and not in the requests: figures a few
# percent high, alike for every workload and the reference.
cpu_per_request() {
	local out=$1 names=() pids=() t0=() i
	shift
	while [[ $1 != -- ]]; do
		names+=("${1%%=*}")
		pids+=("${1#*=}")
		shift
	done
	shift
	for i in "${!pids[@]}"; do t0[i]=$(ticks "${pids[i]}"); done
	"$@" || return 1
	local line="cpu per request:" rps n hz
	hz=$(getconf CLK_TCK)
	rps=$(awk '$1 == "all" {print $3}' "$out")
	n=$(awk '$1 == "all" {print $2}' "$out")
	for i in "${!pids[@]}"; do
		line+=$(awk -v t=$(($(ticks "${pids[i]}") - t0[i])) -v n="$n" -v w="$WARM" -v s="$SECS" \
			-v hz="$hz" -v name="${names[i]}" \
			'BEGIN {printf " %s %.3f ms", name, n ? t * 1000 / hz * s / (s + w) / n : 0}')
	done
	say "$line (at $rps req/s)"
}

# loadgen's table for workload $1 into $WORK/$1.out, shown, with what
# MariaDB, the settings responder and nginx spent per request.
run_load() {
	say
	say "== $1: loadgen -c 32, $WARM s warm-up, $SECS s"
	cpu_per_request "$WORK/$1.out" mariadbd="$(tr -dc 0-9 <"$STATE/run/mariadb.pid")" \
		settings="$SETTINGS_PID" nginx="$(tr -dc 0-9 <"$STATE/run/nginx.pid")" -- \
		loadgen_to "$WORK/$1.out" "$BASE" "$WORK/$1.txt" >"$WORK/$1.cpu" ||
		die "loadgen failed on $1"
	cat "$WORK/$1.out" "$WORK/$1.cpu"
	awk 'NR > 1 && $8 > 0 {bad += $8} END {exit bad > 0}' "$WORK/$1.out" ||
		fail "$1: answers other than 2xx"
}

loadgen_to() { "$WORK/loadgen" -c 32 -d "$SECS" -w "$WARM" "$2" "$3" >"$1"; }

# Column $3 (3 req/s, 4 p50, 6 p99) of class $2 in workload $1.
col() { awk -v c="$2" -v k="$3" '$1 == c {print $k}' "$WORK/$1.out"; }


goal() { # NAME OK-EXPRESSION(awk) TEXT
	if awk "BEGIN {exit !($2)}"; then say "goal: $1: met ($3)"; else fail "goal: $1: NOT met ($3)"; fi
}

mkdir -p "$WORK"
: >"$WORK/stack.log"
bench_machine
cc -O2 -o "$WORK/loadgen" "$SRC/tests/bench/loadgen.c" -lcurl || die "building loadgen failed"
load_data
bench_servers
"$STACK" sql --state "$STATE" "UPDATE sessions SET last_seen_at = NOW(6), expires_at = NOW(6) + INTERVAL 7 DAY WHERE tenant_id IN (SELECT id FROM tenants WHERE slug LIKE 'bench-%')" >/dev/null
say "zipf: s = $(make_files) (the 20 busiest of $NSMALL tenants get half the requests)"
# A stack just started still loads MariaDB's buffer pool dump in the
# background, and its render cache is empty: whatever ran first would pay
# for both (measured: MariaDB 0.33 ms a request in a first 8 s mix, 0.26
# from the third on).  So the pool's load is waited for, and the mix runs
# once unmeasured before the workloads.
for ((i = 0; i < 120; i++)); do
	sql <<<"SHOW STATUS LIKE 'Innodb_buffer_pool_load_status'" | grep -q 'Loading\|Loaded' || break
	sleep 1
done
say "warm-up: the mix for $((2 * SECS)) s, not measured"
"$WORK/loadgen" -c 32 -d "$((2 * SECS))" -w 1 "$BASE" "$WORK/mix.txt" >/dev/null ||
	die "loadgen failed on the warm-up"
for w in mix big mix1 mix20; do
	run_load "$w"
done
ref_rps=0
if ((have_ref)); then
	printf 'ref\t1\t-\t/ref/db\n' >"$WORK/ref.txt"
	say
	say "== ref: loadgen -c 32 $REF/ref/db, $WARM s warm-up, $SECS s"
	cpu_per_request "$WORK/ref.out" mariadbd="$(tr -dc 0-9 <"$REFERENCE_DIR/run/mdb.pid")" \
		responder="$(tr -dc 0-9 <"$REFERENCE_DIR/run/ref2.pid")" \
		nginx="$(tr -dc 0-9 <"$REFERENCE_DIR/run/nginx.pid")" -- \
		loadgen_to "$WORK/ref.out" "$REF" "$WORK/ref.txt" >"$WORK/ref.cpu" ||
		die "loadgen failed on ref"
	cat "$WORK/ref.out" "$WORK/ref.cpu"
	ref_rps=$(col ref ref 3)
	say "== ref: wrk -t2 -c32 $REF/ref/db, $SECS s (the issue's client)"
	wrk -t2 -c32 -d"${SECS}s" --latency "$REF/ref/db" | tee "$WORK/ref-wrk.out" |
		grep -E "Requests/sec|50%|99%"
fi

say
say "== goals"
for k in first sort filter deep; do
	p50=$(col big "big.$k" 4) p99=$(col big "big.$k" 6)
	goal "big $k p50 <= 20 ms, p99 <= 100 ms" "$p50 <= 20 && $p99 <= 100" "p50 $p50 ms, p99 $p99 ms"
done
m50=$(col mix all 4) m99=$(col mix all 6) mrps=$(col mix all 3)
goal "mix p50 <= 15 ms, p99 <= 50 ms" "$m50 <= 15 && $m99 <= 50" "p50 $m50 ms, p99 $m99 ms"
if ((have_ref)); then
	goal "mix req/s >= 1.0x the reference" "$mrps >= $ref_rps" \
		"$mrps against $ref_rps: $(awk -v a="$mrps" -v b="$ref_rps" 'BEGIN {printf "%.2fx", a / b}')"
fi
base99=$(col mix 'small.*' 6)
for w in mix1 mix20; do
	p99=$(col "$w" 'small.*' 6)
	goal "$w: the small tenants' p99 <= 1.5x mix's" "$p99 <= 1.5 * $base99" \
		"$p99 ms against $base99 ms: $(awk -v a="$p99" -v b="$base99" 'BEGIN {printf "%.2fx", a / b}')"
done
# [settings] memory_mb, or its default (fcgi/core/conf.c); the responder
# trims once a second, so the reading waits for one.
bound=$(awk '/^\[/ {sec = $0} sec == "[settings]" && /^memory_mb *=/ {sub(/^memory_mb *= */, ""); print; exit}' "$INI")
bound=${bound:-160}
sleep 2
rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$SETTINGS_PID/status")
goal "settings RSS within [settings] memory_mb" "$rss <= $bound" "$rss MiB, bound $bound MiB"

# The workloads above repeat their views, so most pages come from the page
# memo or the render cache.  What a page costs when it must be read and
# rendered: the responder restarted with GH_RENDER_CACHE=0 (the page memo
# is off with it), the big tenant alone and the mix again.  The big
# tenant's latency goal is judged here too; the mix's req/s is shown.
say
say "== built: every page read and rendered (the responder restarted with GH_RENDER_CACHE=0)"
env GH_RENDER_CACHE=0 "$STACK" up --port "$PORT" --state "$STATE" >>"$WORK/stack.log" 2>&1 ||
	die "the stack did not restart"
SETTINGS_PID=$(tr -dc 0-9 <"$STATE/run/settings.pid")
for w in big mix; do
	cp "$WORK/$w.txt" "$WORK/built-$w.txt"
	run_load "built-$w"
done
for k in first sort filter deep; do
	p50=$(col built-big "big.$k" 4) p99=$(col built-big "big.$k" 6)
	goal "built: big $k p50 <= 20 ms, p99 <= 100 ms" "$p50 <= 20 && $p99 <= 100" \
		"p50 $p50 ms, p99 $p99 ms"
done
if ((have_ref)); then
	say "built: the mix $(col built-mix all 3) req/s against the reference's $ref_rps:" \
		"$(awk -v a="$(col built-mix all 3)" -v b="$ref_rps" 'BEGIN {printf "%.2fx", a / b}')"
fi
say
say "$BENCH_NAME: done$( ((FAILED)) && echo ', with failures above')"
if ((FAILED)) && [[ ${BENCH_ENFORCE_BAR:-0} == 1 ]]; then
	exit 1
fi
exit 0
