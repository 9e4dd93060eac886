#!/usr/bin/env bash
# Gatehouse list-page benchmark: /settings/client/portal-access with 100,000
# portal users in one tenant, against the shared reference responders measured
# in the same run.  Brings up its own stack and the reference responders, and
# stops both at the end (also on failure or Ctrl-C); the stack's state dir (and
# the 100,000 rows in it) is kept, so a second run skips the load.
#
# Data: 8 demo customers x 12,500 portal users (user<N>@<company>.example.com)
# are added to the demo tenant in one INSERT ... SELECT over MariaDB's sequence
# engine, unless the tenant already has >= 100,000; then ANALYZE TABLE.
#
# Pages (signed in as admin@demo.test), each first checked once with
# ?format=xml (200, the expected total from a direct COUNT, the rows):
#   first           /settings/client/portal-access
#   q-user123       ?q=user123          (a few hundred matches)
#   q-coolair       ?q=coolair          (one customer: 12,500+ matches)
#   email           ?sort=email
#   email-desc      ?sort=email&dir=desc
#   deep            ?sort=email&page=9000   (offset 89,990)
#   small           the first page of the acme tenant, which gets 10 portal
#                   users (signed in as admin@acme.test): not a goal, the
#                   same page without a 100,000-row count, for comparison
# Part 1: wrk -t2 -c32 --timeout 10s --latency, the pages and the references
# /ref/db and /ref/xslt one after the other, round after round, the stack idle
# before each measurement.  Any non-2xx answer fails the bench.  Goals (the issue): p50 <= 20 ms for each page; the first page
# >= 1.0x the req/s of /ref/db with p99 <= 10 ms (aim: 0.7x /ref/xslt).
# Part 1b: the first page and the references again with the responder
# restarted with GH_RENDER_CACHE=0: part 1 repeats each view, so its pages
# come from the render cache; this is the cost of a page that is rendered.
# Part 2: wrk -t1 -c1 -d3s per URL: the latency without queueing.
# Part 2b: cold views: filtered and deep views come from the list-order
# cache; the first request after a change rebuilds it: 5 such requests each.
# Part 3: the statements each page runs (taken from MariaDB's general log while
# each page is requested once) with their ANALYZE plans and times.
#
# Env: GH_SRCDIR, GH_BUILDDIR   as for tests/run (defaults: this script's
#                               ../.. and $PWD)
#      BENCH_SECONDS  wrk duration of one measurement (default 8)
#      BENCH_ROUNDS   rounds over the targets (default 2)
#      BENCH_SINGLE_SECONDS  duration of each single-connection run (default 3)
#      LISTBENCH_PORT      port of the Gatehouse stack (default 18380; gh-stack
#                          puts its SMTP sink on this port + 1000)
#      LISTBENCH_REF_PORT  port of the reference nginx (default 18390)
#      LISTBENCH_STATE     state dir of the stack (default $GH_BUILDDIR/tests/out/listbench-stack)
#      REFERENCE_DIR  reference work dir (default $GH_BUILDDIR/tests/out/listbench-reference)
#      LISTBENCH_EXPLAIN=0  skip part 3
#      BENCH_ENFORCE_BAR=1  also exit non-zero when a goal does not hold
# Exit status: 0 when every request was answered as expected, 1 otherwise.
set -euo pipefail

SRC=${GH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${GH_BUILDDIR:-$PWD}
SRC=$(cd "$SRC" && pwd)
BUILD=$(cd "$BUILD" && pwd)
export GH_SRCDIR=$SRC GH_BUILDDIR=$BUILD
OUT=$BUILD/tests/out
SECS=${BENCH_SECONDS:-8}
ROUNDS=${BENCH_ROUNDS:-2}
SINGLE_SECS=${BENCH_SINGLE_SECONDS:-3}
PORT=${LISTBENCH_PORT:-18380}
REF_PORT=${LISTBENCH_REF_PORT:-18390}
STATE=${LISTBENCH_STATE:-$OUT/listbench-stack}
export REFERENCE_DIR=${REFERENCE_DIR:-$OUT/listbench-reference}
REF_SCRIPT=$SRC/../shared/bench/reference
STACK=$SRC/scripts/gh-stack
CTL=$BUILD/gatehouse-ctl
INI=$STATE/gatehouse.ini
BASE=http://127.0.0.1:$PORT
REF=http://127.0.0.1:$REF_PORT
WORK=$OUT/listbench-work
LUA=$SRC/tests/bench/count.lua # shared by the bench scripts
JAR=$WORK/cookies.txt
LIST_PATH=/settings/client/portal-access
USERS=100000     # wanted in the demo tenant
PER_CUSTOMER=12500
SMALL=10         # portal users of the acme tenant (the "small" target)
BENCH_NAME=list-bench
# shellcheck source=tests/bench/lib.sh
. "$SRC/tests/bench/lib.sh"
bench_require
[[ $SECS =~ ^[0-9]+$ && $ROUNDS =~ ^[0-9]+$ && $SINGLE_SECS =~ ^[0-9]+$ ]] ||
	die "BENCH_SECONDS, BENCH_ROUNDS and BENCH_SINGLE_SECONDS must be whole numbers"

# The binaries may be rebuilt while we start: wait a little for a missing one.
for _ in $(seq 60); do [[ -x $CTL && -x $BUILD/gatehouse-settings ]] && break; sleep 1; done
[[ -x $CTL ]] || die "$CTL not found (build first, or set GH_BUILDDIR)"

# sql [STATEMENT] [-- MARIADB-OPTIONS]: SQL on the stack's database (no
# statement: read stdin).
sql() { "$STACK" sql --state "$STATE" "$@"; }
# sqlv STATEMENT: one value, no headers.
sqlv() { "$STACK" sql "$1" --state "$STATE" -- -N -B; }

# ------------------------------------------------------------------ cleanup
genlog=0
cleanup() {
	trap - EXIT INT TERM
	if ((genlog)); then
		sql 'SET GLOBAL general_log = OFF' >/dev/null 2>&1 || true
	fi
	bench_stop_servers
}
trap cleanup EXIT
trap 'say "list-bench: interrupted"; exit 130' INT TERM

T0=$SECONDS

bench_machine
bench_servers

# ------------------------------------------------------------------ data
say
say "== data: $USERS portal users in the demo tenant"
[[ $(sqlv 'SELECT COUNT(*) FROM seq_1_to_3') == 3 ]] ||
	die "MariaDB's sequence engine (seq_1_to_N) is not available"
TENANT=$(sqlv "SELECT id FROM tenants WHERE slug = 'demo'")
[[ $TENANT =~ ^[0-9]+$ ]] || die "no demo tenant (gatehouse-ctl demo did not run?)"
have=$(sqlv "SELECT COUNT(*) FROM portal_users WHERE tenant_id = $TENANT")
if ((have >= USERS)); then
	say "the demo tenant already has $have portal users: nothing to load"
else
	ncust=$(sqlv "SELECT COUNT(*) FROM customers WHERE tenant_id = $TENANT")
	((ncust * PER_CUSTOMER >= USERS)) ||
		die "the demo tenant has $ncust customers; $ncust x $PER_CUSTOMER < $USERS"
	t=$SECONDS
	# INSERT IGNORE: rows a previous run left in place are skipped, the rest added.
	sql >>"$WORK/load.log" 2>&1 <<SQL || die "loading the portal users failed (log $WORK/load.log)"
INSERT IGNORE INTO portal_users (tenant_id, customer_id, company_name, email)
SELECT t.id, c.id, c.name,
       CONCAT('user', seq, '@', LOWER(REPLACE(c.name, ' ', '')), '.example.com')
  FROM tenants t
  JOIN customers c ON c.tenant_id = t.id
  JOIN seq_1_to_$PER_CUSTOMER
 WHERE t.slug = 'demo';
SQL
	say "loaded $(($(sqlv "SELECT COUNT(*) FROM portal_users WHERE tenant_id = $TENANT") - have)) portal users ($ncust customers x $PER_CUSTOMER) in $((SECONDS - t)) s"
fi
ACME=$(sqlv "SELECT id FROM tenants WHERE slug = 'acme'")
[[ $ACME =~ ^[0-9]+$ ]] || die "no acme tenant (gatehouse-ctl demo did not run?)"
if (($(sqlv "SELECT COUNT(*) FROM portal_users WHERE tenant_id = $ACME") < SMALL)); then
	sql >>"$WORK/load.log" 2>&1 <<SQL || die "loading the acme portal users failed (log $WORK/load.log)"
INSERT IGNORE INTO portal_users (tenant_id, customer_id, company_name, email)
SELECT c.tenant_id, c.id, c.name, CONCAT('user', seq, '@northwind.example.com')
  FROM customers c JOIN seq_1_to_$SMALL
 WHERE c.tenant_id = $ACME AND c.name = 'Northwind Storage';
SQL
fi
sql 'ANALYZE TABLE portal_users' >>"$WORK/load.log" 2>&1 || fail "ANALYZE TABLE portal_users failed"
TOTAL=$(sqlv "SELECT COUNT(*) FROM portal_users WHERE tenant_id = $TENANT")
((TOTAL >= USERS)) || die "the demo tenant has only $TOTAL portal users"
SMALL_TOTAL=$(sqlv "SELECT COUNT(*) FROM portal_users WHERE tenant_id = $ACME")
say "demo tenant (id $TENANT): $TOTAL portal users; acme tenant (id $ACME): $SMALL_TOTAL; table portal_users: $(sqlv 'SELECT COUNT(*) FROM portal_users') rows, $(sqlv "SELECT CONCAT(ROUND(data_length / 1048576), ' MiB data + ', ROUND(index_length / 1048576), ' MiB indexes') FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'portal_users'")"

# expect_filter TEXT: the rows the list's filter must find (a plain substring
# of the company or the email), counted directly.
expect_filter() {
	sqlv "SELECT COUNT(*) FROM portal_users WHERE tenant_id = $TENANT AND (company_name LIKE '%$1%' OR email LIKE '%$1%')"
}

# ------------------------------------------------------------------ sign in
# sign_in EMAIL: GET the sign-in page as XML (sets the gh_pre cookie, gives the
# csrf), POST it; prints the gh_office session token.
sign_in() {
	local csrf code session
	rm -f "$JAR"
	csrf=$(curl -sf -c "$JAR" -b "$JAR" "$BASE/settings/login?format=xml" |
		sed -n 's/.*<login[^>]* csrf="\([0-9a-f]*\)".*/\1/p') || true
	[[ -n $csrf ]] || die "no csrf in $BASE/settings/login?format=xml"
	code=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
		--data-urlencode "email=$1" --data-urlencode "password=gatehouse-demo" \
		--data-urlencode "csrf=$csrf" "$BASE/settings/login") || code=000
	session=$(awk '$6 == "gh_office" {print $7}' "$JAR")
	[[ $code == 303 && -n $session ]] || die "sign-in as $1 failed (HTTP $code, no gh_office cookie)"
	printf '%s\n' "$session"
}
session=$(sign_in admin@demo.test) || exit 1
small_session=$(sign_in admin@acme.test) || exit 1
say
say "signed in as admin@demo.test and admin@acme.test (session cookies gh_office)"

# ------------------------------------------------------------------ targets
# name, query string, expected total, expected page
# The issue's pages first (NGOALS of them), then the diagnostic one.
names=(first q-user123 q-coolair email email-desc deep small)
queries=("" "q=user123" "q=coolair" "sort=email" "sort=email&dir=desc" "sort=email&page=9000" "")
totals=("$TOTAL" "$(expect_filter user123)" "$(expect_filter coolair)" "$TOTAL" "$TOTAL" "$TOTAL" "$SMALL_TOTAL")
pages=(1 1 1 1 1 9000 1)
tenant_of=("$TENANT" "$TENANT" "$TENANT" "$TENANT" "$TENANT" "$TENANT" "$ACME")
urls=() cookies=()
for i in "${!names[@]}"; do
	urls+=("$BASE$LIST_PATH${queries[$i]:+?${queries[$i]}}")
	cookies+=("gh_office=$session")
done
cookies[6]="gh_office=$small_session"
NGOALS=6
NOURS=${#names[@]}

# ------------------------------------------------------------------ checks
# attr NAME: the attribute NAME of the <list> element in $list.
attr() { sed -n "s/.* $1=\"\\([^\"]*\\)\".*/\\1/p" <<<"$list"; }
say
say "== checks (each URL once with format=xml: 200, the expected total, the rows)"
for i in "${!names[@]}"; do
	n=${names[$i]} q=${queries[$i]}
	f=$WORK/check-$n.xml
	code=$(curl -s -o "$f" -w '%{http_code}' -H "Cookie: ${cookies[$i]}" \
		"$BASE$LIST_PATH?${q:+$q&}format=xml") || code=000
	list=$(grep -o '<list [^>]*>' "$f" | head -n1 || true)
	total=$(attr total) page=$(attr page) first=$(attr first) last=$(attr last)
	rows=$(grep -o '<user ' "$f" | wc -l || true)
	want=${totals[$i]} wpage=${pages[$i]}
	wfirst=$(((wpage - 1) * 10 + 1))
	wrows=$((want - wfirst + 1 < 10 ? want - wfirst + 1 : 10))
	if [[ $code == 200 && $total == "$want" && $page == "$wpage" && $first == "$wfirst" && $rows == "$wrows" ]]; then
		printf '  ok    %-11s %-26s total %6s, page %s, rows %s-%s (%s shown)\n' "$n" "${q:-(no query)}" "$total" "$page" "$first" "$last" "$rows"
	else
		printf '  FAIL  %-11s %-26s HTTP %s, total %s (want %s), page %s (want %s), first %s (want %s), %s rows (want %s)\n' \
			"$n" "${q:-(no query)}" "$code" "${total:-?}" "$want" "${page:-?}" "$wpage" "${first:-?}" "$wfirst" "$rows" "$wrows"
		fail "$n: the page is not what it should be (answer in $f)"
	fi
done
((FAILED == 0)) || die "the pages are wrong: not measuring them"

if ((have_ref)); then
	names+=(ref-db ref-xslt)
	urls+=("$REF/ref/db" "$REF/ref/xslt")
	cookies+=("" "")
fi

# ------------------------------------------------------------------ wrk
# tests/bench/count.lua counts non-2xx answers and prints one RESULT line (us).

# run_wrk INDEX THREADS CONNECTIONS SECONDS OUTFILE: wrk, then w_* = its RESULT line.
# wrk's time-out is raised from 2 s: a request it gives up on is left out of
# the percentiles (and keeps the stack busy after wrk has closed its socket).
WRK_TIMEOUT=10
run_wrk() {
	local line
	BENCH_COOKIE=${cookies[$1]} wrk -t"$2" -c"$3" -d"$4"s --timeout "${WRK_TIMEOUT}s" --latency -s "$LUA" "${urls[$1]}" >"$5" 2>&1 || true
	line=$(grep '^RESULT ' "$5" | tail -n 1 || true)
	[[ -n $line ]] || return 1
	w_codes=
	eval "$(sed 's/^RESULT //; s/ /\n/g' <<<"$line" | grep -E '^[a-z0-9_]+=[0-9A-Za-z,]*$' | sed 's/^/w_/')"
}
per_s() { awk -v q="$1" -v d="$2" 'BEGIN {printf "%.0f", (d > 0 ? q * 1e6 / d : 0)}'; }
short() { sed "s|^$BASE||; s|^$REF||" <<<"$1"; }

# settle: wait (at most 60 s) until the stack's responder and MariaDB are idle
# (< 5% of one core over 0.5 s).  When wrk stops, the requests it leaves in
# flight are still worked off (the responder and MariaDB do not notice that
# the client went away): a slow page would otherwise eat into the next
# measurement.  Prints the seconds waited when that was more than 1 s.
STACK_PIDS=("$SETTINGS_PID" "$(tr -dc 0-9 <"$STATE/run/mariadb.pid")")
cpu_ticks() {
	local p sum=0 f
	for p in "${STACK_PIDS[@]}"; do
		f=$(cut -d')' -f2- "/proc/$p/stat" 2>/dev/null) || continue
		sum=$((sum + $(awk '{print $12 + $13}' <<<"$f")))
	done
	printf '%s\n' "$sum"
}
settle() {
	local t=$SECONDS a b
	for _ in $(seq 120); do
		a=$(cpu_ticks)
		sleep 0.5
		b=$(cpu_ticks)
		(((b - a) * 200 / $(getconf CLK_TCK) < 5)) && break
	done
	if ((SECONDS - t > 1)); then say "  (waited $((SECONDS - t)) s for the requests left in flight to be worked off)"; fi
	return 0
}

# cpu_stat: "busy steal total" jiffies of all CPUs (/proc/stat); steal is the
# time the hypervisor gave our virtual CPUs to someone else.
cpu_stat() { awk '$1 == "cpu" {t = 0; for (i = 2; i <= 9; i++) t += $i; print t - $5 - $6 - $9, $9, t}' /proc/stat; }
read -r busy0 steal0 total0 < <(cpu_stat)

# measure TAG INDEX...: a 1 s warm-up each, then ROUNDS rounds over the
# targets, the stack idle before each; sums each target's figures into
# REQS, DUR, P50S (one p50 a round), P99 (the worst), NON2XX and SOCKERR
# under the key TAG:name, and prints each round.
declare -A REQS DUR P50S P99 NON2XX SOCKERR
measure() {
	local tag=$1 i n r f
	shift
	for i in "$@"; do
		settle >/dev/null
		run_wrk "$i" 2 32 1 "$WORK/wrk-warmup-$tag-${names[$i]}.txt" || true
	done
	for ((r = 1; r <= ROUNDS; r++)); do
		for i in "$@"; do
			n=${names[$i]}
			f=$WORK/wrk-$tag-$n-$r.txt
			settle
			if ! run_wrk "$i" 2 32 "$SECS" "$f"; then
				fail "wrk gave no result for $n (round $r): $(tail -n 3 "$f" | paste -sd' ')"
				continue
			fi
			if ((w_requests == 0)); then
				fail "$n (round $r): no request completed in ${SECS} s"
				continue
			fi
			n=$tag:$n
			REQS[$n]=$((${REQS[$n]:-0} + w_requests))
			DUR[$n]=$((${DUR[$n]:-0} + w_duration_us))
			P50S[$n]="${P50S[$n]:-} $w_p50_us"
			P99[$n]=${P99[$n]:-0}
			if ((w_p99_us > P99[$n])); then P99[$n]=$w_p99_us; fi
			NON2XX[$n]=$((${NON2XX[$n]:-0} + w_non2xx))
			SOCKERR[$n]=$((${SOCKERR[$n]:-0} + w_sockerr))
			printf '  round %d  %-10s %8s req/s  p50 %8s ms  p99 %8s ms  non-2xx %d%s  socket errors %d\n' \
				"$r" "${names[$i]}" "$(per_s "$w_requests" "$w_duration_us")" "$(ms "$w_p50_us")" \
				"$(ms "$w_p99_us")" "$w_non2xx" "${w_codes:+ ($w_codes)}" "$w_sockerr"
		done
	done
}

say
say "== wrk -t2 -c32 -d${SECS}s --timeout ${WRK_TIMEOUT}s --latency, $ROUNDS round(s) over ${#names[@]} targets (warm-up 1 s each first; the stack idle before each)"
measure c "${!names[@]}"

rps() { per_s "${REQS[c:$1]:-0}" "${DUR[c:$1]:-0}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else printf "0"}'; }

say
say "== results at 32 connections (req/s over all rounds; p50: median of the rounds; p99: worst round)"
printf '%-10s %-55s %7s %9s %9s %9s %9s  %s\n' page url req/s p50-ms p99-ms x/ref-db x/ref-xslt 'p50 <= 20 ms'
slow=()
for i in "${!names[@]}"; do
	n=${names[$i]}
	[[ -n ${REQS[c:$n]:-} ]] || continue
	p50=$(median <<<"${P50S[c:$n]}")
	xdb=- xxs=- goal=
	if ((i < NGOALS)); then
		if awk -v u="$p50" 'BEGIN {exit !(u <= 20000)}'; then goal=holds; else goal='DOES NOT HOLD'; slow+=("$n"); fi
	elif ((i < NOURS)); then
		goal='(not a goal)'
	fi
	if ((i < NOURS)); then
		if [[ ($n == first || $n == small) && -n ${REQS[c:ref-db]:-} ]]; then
			xdb=$(ratio "$(rps "$n")" "$(rps ref-db)")x
			xxs=$(ratio "$(rps "$n")" "$(rps ref-xslt)")x
		fi
	fi
	printf '%-10s %-55s %7s %9s %9s %9s %9s  %s\n' "$n" "$(short "${urls[$i]}")" "$(rps "$n")" \
		"$(ms "$p50")" "$(ms "${P99[c:$n]}")" "$xdb" "$xxs" "$goal"
	if ((${NON2XX[c:$n]:-0} > 0)); then
		fail "$n: ${NON2XX[c:$n]} non-2xx answers (details in $WORK/wrk-c-$n-*.txt)"
	fi
	if ((${SOCKERR[c:$n]:-0} > 0)); then
		say "  note: $n: ${SOCKERR[c:$n]} socket errors (connect/read/write/timeout: a request over ${WRK_TIMEOUT} s is not in the percentiles)"
	fi
done

say
goals_ok=1
if ((${#slow[@]})); then
	say "goal p50 <= 20 ms for each page: DOES NOT HOLD for ${slow[*]}"
	goals_ok=0
else
	say "goal p50 <= 20 ms for each page: HOLDS"
fi
if [[ -n ${REQS[c:first]:-} && -n ${REQS[c:ref-db]:-} ]]; then
	p99ms=$(ms "${P99[c:first]}")
	xdb=$(ratio "$(rps first)" "$(rps ref-db)")
	xxs=$(ratio "$(rps first)" "$(rps ref-xslt)")
	rok=$(awk -v x="$xdb" 'BEGIN {print ((x >= 1.0) ? 1 : 0)}')
	p99ok=$(awk -v p="$p99ms" 'BEGIN {print ((p <= 10.0) ? 1 : 0)}')
	if ((rok && p99ok)); then
		say "goal first page >= 1.0x /ref/db with p99 <= 10 ms: HOLDS (${xdb}x, p99 $p99ms ms)"
	else
		say "goal first page >= 1.0x /ref/db with p99 <= 10 ms: DOES NOT HOLD (${xdb}x$( ((rok)) || printf ' < 1.0x'), p99 $p99ms ms$( ((p99ok)) || printf ' > 10 ms'))"
		goals_ok=0
	fi
	if awk -v x="$xxs" 'BEGIN {exit !(x >= 0.7)}'; then
		say "aim first page >= 0.7x /ref/xslt: HOLDS (${xxs}x)"
	else
		say "aim first page >= 0.7x /ref/xslt: DOES NOT HOLD (${xxs}x)"
	fi
else
	say "goal first page >= 1.0x /ref/db: cannot be judged without /ref/db"
fi
if ((!goals_ok)) && [[ ${BENCH_ENFORCE_BAR:-0} == 1 ]]; then fail "a goal does not hold"; fi

# ------------------------------------------------------------------ render cache off
# Part 1 asks for each view again and again, so after its first request a
# page comes from the responder's render cache (fcgi/core/rcache.c: the
# HTML kept under a digest of the page's document; the statements still run
# every time).  A view nobody has seen yet, or one whose data changed, is
# rendered: the responder restarted with GH_RENDER_CACHE=0 measures that,
# for the first page, against the references again.
restart_stack() { # restart_stack [ENV=VALUE...]: the responder anew, pids followed
	env "$@" "$STACK" up --port "$PORT" --state "$STATE" >/dev/null 2>&1 || fail "the stack did not restart"
	SETTINGS_PID=$(tr -dc 0-9 <"$STATE/run/settings.pid")
	STACK_PIDS[0]=$SETTINGS_PID
}
if [[ -n ${REQS[c:ref-db]:-} ]]; then
	say
	say "== the first page with the render cache off (GH_RENDER_CACHE=0: every request rendered), $ROUNDS round(s)"
	restart_stack GH_RENDER_CACHE=0
	cold=(0 "$NOURS" $((NOURS + 1)))
	measure nc "${cold[@]}"
	nrps() { per_s "${REQS[nc:$1]:-0}" "${DUR[nc:$1]:-0}"; }
	printf '%-10s %-55s %7s %9s %9s %9s %9s\n' page url req/s p50-ms p99-ms x/ref-db x/ref-xslt
	for i in "${cold[@]}"; do
		n=${names[$i]}
		xdb=- xxs=-
		if ((i == 0)); then
			xdb=$(ratio "$(nrps first)" "$(nrps ref-db)")x
			xxs=$(ratio "$(nrps first)" "$(nrps ref-xslt)")x
		fi
		printf '%-10s %-55s %7s %9s %9s %9s %9s\n' "$n" "$(short "${urls[$i]}")" "$(nrps "$n")" \
			"$(ms "$(median <<<"${P50S[nc:$n]:-0}")")" "$(ms "${P99[nc:$n]:-0}")" "$xdb" "$xxs"
		if ((${NON2XX[nc:$n]:-0} > 0)); then fail "$n: ${NON2XX[nc:$n]} non-2xx answers (render cache off)"; fi
	done
	say "(the goal above is judged on part 1's repeated views; this is what a page costs when it must be rendered)"
	restart_stack
	# Part 2 measures warm views, as part 1 did: each asked for twice
	# (the list-order cache is built, the render cache keeps the page).
	for ((i = 0; i < NOURS; i++)); do
		curl -s -o /dev/null -H "Cookie: ${cookies[$i]}" "${urls[$i]}" || true
		curl -s -o /dev/null -H "Cookie: ${cookies[$i]}" "${urls[$i]}" || true
	done
fi

# ------------------------------------------------------------------ one connection
say
say "== one connection (wrk -t1 -c1 -d${SINGLE_SECS}s --timeout ${WRK_TIMEOUT}s --latency): the cost of one request without queueing"
printf '%-10s %-55s %7s %9s %9s\n' page url req/s p50-ms p99-ms
for i in "${!names[@]}"; do
	n=${names[$i]}
	f=$WORK/wrk1-$n.txt
	settle >/dev/null
	if ! run_wrk "$i" 1 1 "$SINGLE_SECS" "$f"; then
		fail "wrk gave no result for $n (one connection): $(tail -n 3 "$f" | paste -sd' ')"
		continue
	fi
	printf '%-10s %-55s %7s %9s %9s%s\n' "$n" "$(short "${urls[$i]}")" "$(per_s "$w_requests" "$w_duration_us")" \
		"$(ms "$w_p50_us")" "$(ms "$w_p99_us")" "$( ((w_non2xx == 0)) || printf '  non-2xx %d' "$w_non2xx")"
	if ((w_non2xx > 0)); then fail "$n: $w_non2xx non-2xx answers (one connection; $f)"; fi
done

# ------------------------------------------------------------------ cold views
# Filtered and deep views are served from the responder's list-order cache
# (fcgi/core/listcache.c), which parts 1-2 measure warm.  The first request
# after any change that could move a row (an insert, a delete, an email or
# company change) rebuilds the view's order: here the version is bumped
# before each of 5 requests, and each request's own time is printed.
say
say "== cold views: the first request after a change (version bumped before each of 5 requests; curl time_total)"
printf '%-10s %-55s %9s %9s\n' page url p50-ms max-ms
for i in 1 2 5; do
	n=${names[$i]}
	times=()
	for _ in 1 2 3 4 5; do
		sqlv "UPDATE portal_user_counts SET version = version + 1 WHERE tenant_id = $TENANT" >/dev/null
		times+=("$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: ${cookies[$i]}" "${urls[$i]}")")
	done
	read -r p50 mx < <(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {printf "%.1f %.1f\n", a[3] * 1000, a[5] * 1000}')
	printf '%-10s %-55s %9s %9s\n' "$n" "$(short "${urls[$i]}")" "$p50" "$mx"
done

read -r busy1 steal1 total1 < <(cpu_stat)
say
say "cpu during parts 1-2: $(awk -v b=$((busy1 - busy0)) -v s=$((steal1 - steal0)) -v t=$((total1 - total0)) 'BEGIN {printf "%.0f%% busy, %.1f%% stolen by the hypervisor", 100 * b / t, 100 * s / t}')"

# ------------------------------------------------------------------ statements
# Each page once with MariaDB's general log on: the list statements it
# executed.  MariaDB logs an executed prepared statement with its values in
# place; one that still holds "?" marks gets the parameters put back in the
# order fcgi/core/db/ binds them (db_args_view: tenant, filter, LIKE pattern x2,
# then LIMIT, OFFSET).  Each is run with ANALYZE
# (MariaDB substitutes a prepared statement's parameters as constants, so the
# plan is the one the responder gets): its time in the server (median of 3), the index it
# reads, the entries it reads (r_rows) and the plan.
if [[ ${LISTBENCH_EXPLAIN:-1} == 1 ]]; then
	say
	say "== statements per page (one request each, from the general log; ANALYZE: median of 3, warm, one connection)"
	# A restarted responder has an empty list-order cache: the filtered and
	# deep views run (and log) the statement that builds their order.
	restart_stack
	settle >/dev/null
	genlog=1
	sql "SET GLOBAL general_log = OFF; SET GLOBAL log_output = 'TABLE'; TRUNCATE TABLE mysql.general_log; SET GLOBAL general_log = ON"
	: >"$WORK/params.txt"
	for ((i = 0; i < NOURS; i++)); do
		sql "SELECT 'listbench:${names[$i]}'" >/dev/null
		curl -s -o /dev/null -H "Cookie: ${cookies[$i]}" "${urls[$i]}" || true
		q=${queries[$i]}
		filter=$(sed -n 's/.*\(^\|&\)q=\([^&]*\).*/\2/p' <<<"$q")
		npages=$(((totals[i] + 9) / 10))
		pg=$((pages[i] < npages ? pages[i] : npages))
		printf '%s\t%s\t%s\t%s\n' "${names[$i]}" "${tenant_of[$i]}" "$filter" "$(((pg - 1) * 10))" >>"$WORK/params.txt"
	done
	sql 'SET GLOBAL general_log = OFF'
	genlog=0
	sqlv "SELECT argument FROM mysql.general_log
	       WHERE argument LIKE 'SELECT ''listbench:%'
	          OR (command_type = 'Execute' AND argument LIKE '%FROM portal_users%')
	       ORDER BY event_time" >"$WORK/statements.txt"
	python3 - "$STACK" "$STATE" "$WORK" <<'PY' || fail "the statements could not be analysed"
import json, re, subprocess, sys

stack, state, work = sys.argv[1:4]
params = {}
for line in open(f"{work}/params.txt"):
    name, tenant, flt, offset = line.rstrip("\n").split("\t")
    params[name] = (int(tenant), flt, int(offset))

def quote(v):
    if isinstance(v, int):
        return str(v)
    return "'" + v.replace("\\", "\\\\").replace("'", "''") + "'"

def like(flt):  # as list_view_read() in fcgi/core/list.c: a substring, never a pattern
    return "%" + re.sub(r"([%_\\])", r"\\\1", flt) + "%"

def bind(stmt, values):
    """Replace the ? outside quoted strings by the values, in order."""
    out, i, n, q = [], 0, 0, None
    while i < len(stmt):
        c = stmt[i]
        if q:
            out.append(c)
            if c == "\\" and i + 1 < len(stmt):
                out.append(stmt[i + 1]); i += 1
            elif c == q:
                q = None
        elif c in "'\"`":
            q = c; out.append(c)
        elif c == "?":
            if n >= len(values):
                return None, n + 1
            out.append(quote(values[n])); n += 1
        else:
            out.append(c)
        i += 1
    return "".join(out), n

def sql(stmt, *opts):
    r = subprocess.run([stack, "sql", stmt, "--state", state, "--", *opts],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(r.stderr.strip())
    return r.stdout

def tables(node):
    """Every table of a FORMAT=JSON plan."""
    if isinstance(node, dict):
        if "table_name" in node:
            yield node
        for v in node.values():
            yield from tables(v)
    elif isinstance(node, list):
        for v in node:
            yield from tables(v)

rows, plans, texts, name = [], [], {}, None
for line in open(f"{work}/statements.txt"):
    stmt = line.rstrip("\n")
    m = re.fullmatch(r"SELECT 'listbench:(.*)'", stmt)
    if m:
        name = m.group(1)
        continue
    if name not in params:
        continue
    kind = "COUNT" if stmt.startswith("SELECT COUNT(") else "PAGE"
    texts.setdefault(kind, stmt)
    tenant, flt, offset = params[name]
    # MariaDB's general log shows an executed statement with its values in
    # place; a statement still holding ? marks gets them here.
    bound, n = bind(stmt, [tenant, flt, like(flt), like(flt), 10, offset])
    if bound is None or n not in (0, 4, 6):
        rows.append((name, kind, "?", "-", "-", "-", f"not analysed: {n} parameters"))
        continue
    try:  # three times: the median time
        runs = [json.loads(sql("ANALYZE FORMAT=JSON " + bound, "-N", "-B", "-r")) for _ in range(3)]
        runs.sort(key=lambda r: r["query_block"].get("r_total_time_ms", 0.0))
        j = runs[1]
        tab = sql("ANALYZE " + bound, "-B")
    except (RuntimeError, ValueError) as e:
        rows.append((name, kind, "?", "-", "-", "-", f"ANALYZE failed: {e}"))
        continue
    with open(f"{work}/analyze-{name}-{kind.lower()}.json", "w") as f:
        json.dump(j, f, indent=1)
    p = [t for t in tables(j) if t.get("table_name") in ("p", "pu")]
    p = p[0] if p else {}
    ms = j["query_block"].get("r_total_time_ms", 0.0)
    read = int(p.get("r_rows", 0) or 0)
    matched = round(read * float(p.get("r_filtered", 100) or 0) / 100)
    rows.append((name, kind, f"{ms:.2f}", p.get("key", "-"), str(read), str(matched), ""))
    lines = tab.rstrip("\n").split("\n")
    head = lines[0].split("\t")
    want = ["id", "table", "type", "key", "rows", "r_rows", "r_filtered", "Extra"]
    plan = [[r.split("\t")[head.index(c)] for c in want] for r in lines[1:]]
    plans.append((name, kind, [want] + plan))

print(f"{'page':<11} {'statement':<9} {'server-ms':>9}  {'index (p, pu)':<26} {'entries-read':>12} {'matched':>8}")
for r in rows:
    print(f"{r[0]:<11} {r[1]:<9} {r[2]:>9}  {r[3]:<26} {r[4]:>12} {r[5]:>8}  {r[6]}".rstrip())
print()
print("statements as the responder runs them (parameters: tenant, filter, LIKE pattern x2[, LIMIT, OFFSET]):")
for kind, t in texts.items():
    print(f"  {kind}: {t}")
print()
print("plans (ANALYZE; rows: the optimizer's estimate, r_rows: read):")
for name, kind, tab in plans:
    w = [max(len(r[c]) for r in tab) for c in range(len(tab[0]))]
    print(f"  {name} {kind}:")
    for r in tab:
        print("    " + "  ".join(v.ljust(w[c]) for c, v in enumerate(r)).rstrip())
PY
fi

"$CTL" -c "$INI" throttle reset >/dev/null || fail "gatehouse-ctl throttle reset failed"
if grep -qiE 'fatal|abort|segv|sanitizer' "$STATE/log/settings.log"; then
	say "responder log mentions a crash:"
	grep -iE 'fatal|abort|segv|sanitizer' "$STATE/log/settings.log" | tail -n 5
	FAILED=1
fi
if ! kill -0 "$SETTINGS_PID" 2>/dev/null; then
	fail "the responder (pid $SETTINGS_PID) is gone"
fi

say
say "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min after the run, the run's own load included)"
say "== done in $((SECONDS - T0)) s: $( ((FAILED)) && echo FAILED || echo ok) (wrk outputs and logs in $WORK; state kept in $STATE)"
exit "$FAILED"
