#!/usr/bin/env bash
# Gatehouse partner feed benchmark (issue 14).  Brings up its own stack and
# the reference responders, stops both at the end; the stack's state dir
# (and the 100,000 portal users in it) is kept, so a second run skips the
# load.
#
#   snapshot  a partner's full snapshot of a tenant of 100,000 portal users
#             (GET /feed/<slug>/portal-users, limit=1000, following <next>
#             to the end on one kept-alive connection, each page read to
#             its last byte: tests/bench/snapshot.c), against
#             `mariadb --xml -e 'SELECT <the same columns> ... ORDER BY id'`
#             of the same rows in the same run (best of BENCH_ROUNDS each),
#             and the feed responder's peak RSS growth (VmHWM) over it.
#             Goals: at least 1.0x the client's speed, RSS growth < 16 MiB.
#   poll      an empty /changes poll with If-None-Match (304), by
#             tests/bench/loadgen -c 32, against the reference page /ref/db
#             by the same loadgen in the same run.  Goals: at least 1.0x its
#             req/s, p99 <= 10 ms.
#
# Env: GH_SRCDIR, GH_BUILDDIR   as for tests/run
#      BENCH_SECONDS (10), BENCH_WARMUP (3), BENCH_ROUNDS (3), BENCH_USERS (100000)
#      FEEDBENCH_PORT (18580), FEEDBENCH_REF_PORT (18590),
#      FEEDBENCH_STATE (default $GH_BUILDDIR/tests/out/feedbench-stack)
set -euo pipefail

SRC=${GH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${GH_BUILDDIR:-$PWD}
SRC=$(cd "$SRC" && pwd)
BUILD=$(cd "$BUILD" && pwd)
export GH_SRCDIR=$SRC GH_BUILDDIR=$BUILD
OUT=$BUILD/tests/out
SECS=${BENCH_SECONDS:-10}
WARM=${BENCH_WARMUP:-3}
ROUNDS=${BENCH_ROUNDS:-3}
NUSERS=${BENCH_USERS:-100000}
PORT=${FEEDBENCH_PORT:-18580}
REF_PORT=${FEEDBENCH_REF_PORT:-18590}
STATE=${FEEDBENCH_STATE:-$OUT/feedbench-stack}
export REFERENCE_DIR=${REFERENCE_DIR:-$OUT/feedbench-reference}
REF_SCRIPT=$SRC/../shared/bench/reference
STACK=$SRC/scripts/gh-stack
CTL=$BUILD/gatehouse-ctl
INI=$STATE/gatehouse.ini
BASE=http://127.0.0.1:$PORT
REF=http://127.0.0.1:$REF_PORT
WORK=$OUT/feedbench-work
BENCH_NAME=feed-bench
. "$SRC/tests/bench/lib.sh"
bench_require
command -v cc >/dev/null || die "cc not found (apt-get install build-essential)"

cleanup() { bench_stop_servers; }
trap cleanup EXIT INT TERM

sql() { "$STACK" sql --state "$STATE" -- -N -B; }
goal() { # NAME OK-EXPRESSION(awk) TEXT
	if awk "BEGIN {exit !($2)}"; then say "goal: $1: met ($3)"; else fail "goal: $1: NOT met ($3)"; fi
}

# The tenant: 100 customers, NUSERS portal users, in set-based SQL.
load_data() {
	local marker=$STATE/feedbench-$NUSERS
	if [[ -f $marker ]]; then
		say "data: kept from an earlier run ($marker)"
		return
	fi
	say "data: one tenant of $NUSERS portal users (a fresh state dir)"
	"$STACK" down --state "$STATE" >>"$WORK/stack.log" 2>&1 || true
	rm -rf "$STATE"
	"$STACK" up --port "$PORT" --state "$STATE" >>"$WORK/stack.log" 2>&1 ||
		die "the stack did not start (log $WORK/stack.log)"
	"$CTL" -c "$STATE/gatehouse-admin.ini" tenant create feedbench 'Feed Bench Co' >/dev/null
	local t0=$SECONDS
	sql <<SQL || die "loading the data failed"
SET @t = (SELECT id FROM tenants WHERE slug = 'feedbench');
INSERT INTO customers (tenant_id, name, primary_email)
  SELECT @t, CONCAT('Customer ', seq), CONCAT('office@c', seq, '.example') FROM seq_1_to_100;
INSERT INTO portal_users (tenant_id, customer_id, company_name, email, invite_state)
  SELECT @t, c.id, c.name, CONCAT('user', s.seq, '@c', c.id, '.example'), 'sent'
    FROM seq_1_to_$NUSERS s JOIN customers c ON c.tenant_id = @t AND c.name = CONCAT('Customer ', 1 + s.seq % 100);
ANALYZE TABLE portal_users;
SQL
	say "data: loaded in $((SECONDS - t0)) s"
	: >"$marker"
}

mkdir -p "$WORK"
: >"$WORK/stack.log"
bench_machine
cc -O2 -o "$WORK/loadgen" "$SRC/tests/bench/loadgen.c" -lcurl || die "building loadgen failed"
cc -O2 -D_GNU_SOURCE -o "$WORK/snapshot" "$SRC/tests/bench/snapshot.c" -lcurl || die "building snapshot failed"
load_data
bench_servers
KEY=$("$CTL" -c "$INI" key create --tenant feedbench --name bench --scopes portal_users,changes |
	sed -n 's/^key: *//p')
[[ -n $KEY ]] || die "no API key"
"$CTL" -c "$INI" key rate --tenant feedbench --rate 60000 --burst 60000 "${KEY:4:16}" >/dev/null
TID=$(echo "SELECT id FROM tenants WHERE slug = 'feedbench'" | sql)
FEED_PID=$(tr -dc 0-9 <"$STATE/run/feed.pid")

say
say "== snapshot: $NUSERS portal users, limit=1000, best of $ROUNDS"
reset_hwm() { echo 5 >"/proc/$FEED_PID/clear_refs" 2>/dev/null || true; }
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$FEED_PID/status"; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$FEED_PID/status"; }
# The peak since now only (not the start-up's).
reset_hwm
rss0=$(rss)
best_feed=999999
for ((r = 1; r <= ROUNDS; r++)); do
	read -r pages users bytes secs < <("$WORK/snapshot" "$BASE" "/feed/feedbench/portal-users?limit=1000" "$KEY")
	say "feed round $r: $pages pages, $users portal users, $bytes bytes in $secs s"
	best_feed=$(awk -v a="$best_feed" -v b="$secs" 'BEGIN {print (b < a) ? b : a}')
done
hwm1=$(hwm)
[[ $users == "$NUSERS" ]] || fail "the snapshot held $users portal users, not $NUSERS"
best_cli=999999
for ((r = 1; r <= ROUNDS; r++)); do
	t0=$(date +%s.%N)
	mariadb --no-defaults -S "$STATE/run/mysql.sock" -uroot gatehouse --xml -e \
		"SELECT id, customer_id, group_id, email, company_name, status, invite_state,
		        password_hash IS NOT NULL, mfa_required, mfa_secret IS NOT NULL, all_sites,
		        email_reports, locked_until, time_zone, created_at
		   FROM portal_users WHERE tenant_id = $TID ORDER BY id" >"$WORK/cli.xml"
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.3f", b - a}')
	say "mariadb --xml round $r: $(grep -c '<row>' "$WORK/cli.xml") rows, $(stat -c %s "$WORK/cli.xml") bytes in $secs s"
	best_cli=$(awk -v a="$best_cli" -v b="$secs" 'BEGIN {print (b < a) ? b : a}')
done
ratio=$(awk -v f="$best_feed" -v c="$best_cli" 'BEGIN {printf "%.2f", c / f}')
growth=$(((hwm1 - rss0) / 1024))
say "snapshot: feed $best_feed s, mariadb --xml $best_cli s: ${ratio}x its speed"
say "snapshot: feed responder RSS $((rss0 / 1024)) MiB before, peak $((hwm1 / 1024)) MiB: growth $growth MiB"
goal "snapshot at least 1.0x mariadb --xml" "$ratio >= 1.0" "${ratio}x"
goal "snapshot RSS growth under 16 MiB" "$growth < 16" "$growth MiB"

say
say "== poll: an empty /changes with If-None-Match, loadgen -c 32, $WARM s warm-up, $SECS s"
hdrs=$(curl -s -D - -o "$WORK/poll.xml" -H "Authorization: Bearer $KEY" "$BASE/feed/feedbench/changes?limit=1")
# Follow to the end of the log, then poll there.
after=$(sed -n 's/.*<next after="\([^"]*\)".*/\1/p' "$WORK/poll.xml")
while :; do
	curl -s -o "$WORK/poll.xml" -H "Authorization: Bearer $KEY" \
		"$BASE/feed/feedbench/changes?limit=1000&after=$after"
	next=$(sed -n 's/.*<next after="\([^"]*\)".*/\1/p' "$WORK/poll.xml")
	grep -q 'more="true"' "$WORK/poll.xml" || { after=$next; break; }
	after=$next
done
etag=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $KEY" \
	"$BASE/feed/feedbench/changes?after=$after" | sed -n 's/^ETag: *//Ip' | tr -d '\r')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KEY" -H "If-None-Match: $etag" \
	"$BASE/feed/feedbench/changes?after=$after")
[[ $code == 304 ]] || fail "the empty poll answered $code, not 304"
printf 'poll\t1\tH:Authorization: Bearer %s|If-None-Match: %s\t/feed/feedbench/changes?after=%s\n' \
	"$KEY" "$etag" "$after" >"$WORK/poll.txt"
"$WORK/loadgen" -c 32 -d "$SECS" -w "$WARM" "$BASE" "$WORK/poll.txt" >"$WORK/poll.out" || die "loadgen failed on poll"
cat "$WORK/poll.out"
awk '$1 == "poll" && $8 > 0 {exit 1}' "$WORK/poll.out" || fail "poll: answers other than 304 (a 429: the key's rate)"
poll_rps=$(awk '$1 == "poll" {print $3}' "$WORK/poll.out")
poll_p99=$(awk '$1 == "poll" {print $6}' "$WORK/poll.out")
goal "poll p99 <= 10 ms" "$poll_p99 <= 10" "$poll_p99 ms"
if ((have_ref)); then
	printf 'ref\t1\t-\t/ref/db\n' >"$WORK/ref.txt"
	say
	say "== ref: loadgen -c 32 $REF/ref/db, $WARM s warm-up, $SECS s"
	"$WORK/loadgen" -c 32 -d "$SECS" -w "$WARM" "$REF" "$WORK/ref.txt" >"$WORK/ref.out" || die "loadgen failed on ref"
	cat "$WORK/ref.out"
	ref_rps=$(awk '$1 == "ref" {print $3}' "$WORK/ref.out")
	goal "poll at least 1.0x /ref/db req/s" "$poll_rps >= $ref_rps" \
		"$poll_rps vs $ref_rps req/s: $(awk -v a="$poll_rps" -v b="$ref_rps" 'BEGIN {printf "%.2f", a / b}')x"
fi
exit "$FAILED"
