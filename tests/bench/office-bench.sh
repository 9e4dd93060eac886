#!/usr/bin/env bash
# Gatehouse office-users benchmark: /settings/office-users with 5,000 office
# users in the demo tenant, beside the shared reference responders measured
# in the same run.  Brings up its own stack (port 18480, state kept in
# tests/out/officebench-stack, so the rows are loaded once) and the reference
# responders (port 18490), and stops both at the end.
#
# Data: 5,000 office users (bench<N>@office.test, View Only, no password that
# can sign in) added with one INSERT ... SELECT over MariaDB's sequence engine,
# their Settings permission rows likewise, then ANALYZE TABLE.
# Pages (signed in as admin@demo.test, a Super Admin), each checked once as
# XML (200, the total): first page, sorted by last name, filtered by a name,
# a deep page (page 400, offset 3,990).  Then wrk -t2 -c32 --latency, the
# pages and /ref/db, /ref/xslt one after the other, BENCH_ROUNDS rounds.
# Goal (the issue): p50 and p99 and req/s at 32 connections are reported.
#
# Env: GH_SRCDIR, GH_BUILDDIR, BENCH_SECONDS (8), BENCH_ROUNDS (2),
#      OFFICEBENCH_PORT (18480), OFFICEBENCH_REF_PORT (18490)
# Exit status: 0 when every request was answered as expected.
set -euo pipefail

SRC=${GH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${GH_BUILDDIR:-$PWD}
SRC=$(cd "$SRC" && pwd)
BUILD=$(cd "$BUILD" && pwd)
export GH_SRCDIR=$SRC GH_BUILDDIR=$BUILD
OUT=$BUILD/tests/out
SECS=${BENCH_SECONDS:-8}
ROUNDS=${BENCH_ROUNDS:-2}
PORT=${OFFICEBENCH_PORT:-18480}
REF_PORT=${OFFICEBENCH_REF_PORT:-18490}
STATE=$OUT/officebench-stack
export REFERENCE_DIR=$OUT/officebench-reference
REF_SCRIPT=$SRC/../shared/bench/reference
STACK=$SRC/scripts/gh-stack
CTL=$BUILD/gatehouse-ctl
INI=$STATE/gatehouse.ini
BASE=http://127.0.0.1:$PORT
REF=http://127.0.0.1:$REF_PORT
WORK=$OUT/officebench-work
LUA=$SRC/tests/bench/count.lua
JAR=$WORK/cookies.txt
USERS=5000
BENCH_NAME=office-bench
# shellcheck source=tests/bench/lib.sh
. "$SRC/tests/bench/lib.sh"
bench_require
[[ -x $CTL ]] || die "$CTL not found (build first, or set GH_BUILDDIR)"
sqlv() { "$STACK" sql "$1" --state "$STATE" -- -N -B; }

trap 'trap - EXIT INT TERM; bench_stop_servers' EXIT
trap 'say "office-bench: interrupted"; exit 130' INT TERM
T0=$SECONDS
bench_machine
bench_servers

say
say "== data: $USERS office users in the demo tenant"
TENANT=$(sqlv "SELECT id FROM tenants WHERE slug = 'demo'")
have=$(sqlv "SELECT COUNT(*) FROM office_users WHERE tenant_id = $TENANT")
if ((have < USERS)); then
	"$STACK" sql --state "$STATE" >>"$WORK/load.log" 2>&1 <<SQL || die "loading failed (log $WORK/load.log)"
INSERT IGNORE INTO office_users (tenant_id, email, password_hash, role, first_name, last_name, phone)
SELECT $TENANT, CONCAT('bench', seq, '@office.test'), '!', 'view_only',
       ELT(1 + seq % 8, 'Ada', 'Ben', 'Cora', 'Dan', 'Eve', 'Finn', 'Gus', 'Hana'),
       CONCAT('Tester', LPAD(seq % 997, 3, '0')), CONCAT('555-', LPAD(seq, 4, '0'))
  FROM seq_1_to_$USERS;
INSERT IGNORE INTO office_user_perms (user_id, module, level)
SELECT id, 'settings', 1 FROM office_users WHERE email LIKE 'bench%@office.test';
ANALYZE TABLE office_users, office_user_perms;
SQL
fi
TOTAL=$(sqlv "SELECT COUNT(*) FROM office_users WHERE tenant_id = $TENANT")
say "demo tenant: $TOTAL office users"

rm -f "$JAR"
csrf=$(curl -sf -c "$JAR" -b "$JAR" "$BASE/settings/login?format=xml" | sed -n 's/.*<login[^>]* csrf="\([0-9a-f]*\)".*/\1/p')
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" --data-urlencode "email=admin@demo.test" \
	--data-urlencode "password=gatehouse-demo" --data-urlencode "csrf=$csrf" "$BASE/settings/login")
session=$(awk '$6 == "gh_office" {print $7}' "$JAR")
[[ $code == 303 && -n $session ]] || die "sign-in failed (HTTP $code)"

names=(first last q-finn deep)
queries=("" "sort=last" "q=Finn" "page=400")
urls=() cookies=()
for i in "${!names[@]}"; do
	urls+=("$BASE/settings/office-users${queries[$i]:+?${queries[$i]}}")
	cookies+=("gh_office=$session")
done
say
say "== checks (each URL once as XML)"
for i in "${!names[@]}"; do
	sep='?'
	[[ -n ${queries[$i]} ]] && sep='&'
	x=$(curl -s -H "Cookie: ${cookies[$i]}" -w '\n%{http_code}' "${urls[$i]}${sep}format=xml")
	st=${x##*$'\n'}
	total=$(sed -n 's/.*<list [^>]* total="\([0-9]*\)".*/\1/p' <<<"$x")
	rows=$(grep -o '<user id=' <<<"$x" | wc -l || true)
	say "  ${names[$i]}: HTTP $st, total $total, $rows rows"
	[[ $st == 200 && $rows -gt 0 ]] || fail "${names[$i]}: HTTP $st, $rows rows"
done
if ((have_ref)); then
	names+=(ref-db ref-xslt)
	urls+=("$REF/ref/db" "$REF/ref/xslt")
	cookies+=("" "")
fi

say
say "== wrk -t2 -c32 -d${SECS}s --latency, $ROUNDS round(s)"
declare -A REQS DUR P50S P99
for ((r = 1; r <= ROUNDS; r++)); do
	for i in "${!names[@]}"; do
		n=${names[$i]} f=$WORK/wrk-${names[$i]}-$r.txt
		BENCH_COOKIE=${cookies[$i]} wrk -t2 -c32 -d"$SECS"s --latency -s "$LUA" "${urls[$i]}" >"$f" 2>&1 || true
		line=$(grep '^RESULT ' "$f" | tail -n 1)
		[[ -n $line ]] || { fail "no wrk result for $n"; continue; }
		eval "$(sed 's/^RESULT //; s/ /\n/g' <<<"$line" | grep -E '^[a-z0-9_]+=' | sed 's/^/w_/')"
		REQS[$n]=$((${REQS[$n]:-0} + w_requests))
		DUR[$n]=$((${DUR[$n]:-0} + w_duration_us))
		P50S[$n]="${P50S[$n]:-} $w_p50_us"
		((w_p99_us > ${P99[$n]:-0})) && P99[$n]=$w_p99_us
		((w_non2xx == 0)) || fail "$n: $w_non2xx non-2xx answers (round $r)"
	done
done
rps() { awk -v q="${REQS[$1]:-0}" -v d="${DUR[$1]:-1}" 'BEGIN {printf "%.0f", q * 1e6 / d}'; }
say
printf '%-9s %-44s %8s %8s %8s %9s\n' page url req/s p50-ms p99-ms x/ref-db
for i in "${!names[@]}"; do
	n=${names[$i]}
	[[ -n ${REQS[$n]:-} ]] || continue
	x=-
	((have_ref)) && [[ $n != ref-* ]] && x=$(awk -v a="$(rps "$n")" -v b="$(rps ref-db)" 'BEGIN {printf "%.2fx", a / b}')
	printf '%-9s %-44s %8s %8s %8s %9s\n' "$n" "${urls[$i]#http://127.0.0.1:}" "$(rps "$n")" \
		"$(ms "$(median <<<"${P50S[$n]}")")" "$(ms "${P99[$n]}")" "$x"
done
say
say "== done in $((SECONDS - T0)) s: $( ((FAILED)) && echo FAILED || echo ok)"
exit "$FAILED"
