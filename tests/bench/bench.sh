#!/usr/bin/env bash
# Gatehouse benchmark: our pages against the shared reference responders, then
# a login flood.  Brings up its own stack and the reference responders, and
# stops both at the end (also on failure or Ctrl-C).
#
# Part 1 (wrk -t2 -c32 --latency, the targets run one after the other, round
# after round, so a noisy moment hits all of them alike):
#   settings  GET /settings/client/portal-access-settings, signed in as admin
#             (session lookup + tenant read + page XML + XSLT)
#   login     GET /settings/login (public page)
#   portal    GET /portal/demo/ (the client portal's login page, public)
#   ref-xslt  reference /ref/xslt  (in-memory XML + cached XSLT)
#   ref-db    reference /ref/db    (session lookup + 25-row query + XML + XSLT)
#   floor     reference /ref/floor (fixed 4 KiB page: the FastCGI floor)
# Any non-2xx answer fails the bench.  The bar: settings req/s >= 1.0x the
# req/s of /ref/db, and settings p99 <= 10 ms.
#
# Part 2 (login floods), each while the login page is timed every 20 ms and
# the responder's RSS is sampled; each prints the status counts, the POST
# latency and throughput, the login page's latency during the flood and the
# responder's peak RSS (VmHWM):
#   office  200 simultaneous POST /settings/login with a wrong password for
#           one account (401 until the account throttle trips, then 429;
#           503 when the hash queue is full)
#   portal  200 simultaneous POST /portal/demo/ with the right password, by
#           200 portal users (flood-N@abm-apartments.example.com, added once)
#           from 200 loopback addresses (127.0.1.N), as 200 customers would:
#           sign-in throughput (303; 503 when the hash queue is full) of
#           gatehouse-portal.  One account or one address would be cut to 5
#           or 20 attempts in flight by the sign-in throttle.
#
# Env: GH_SRCDIR, GH_BUILDDIR   as for tests/run (defaults: this script's
#                               ../.. and $PWD)
#      BENCH_SECONDS  wrk duration of one measurement (default 8)
#      BENCH_ROUNDS   rounds over the five targets (default 2)
#      BENCH_PORT     port of the Gatehouse stack (default 18280)
#      BENCH_REF_PORT port of the reference nginx (default 18290)
#      BENCH_STATE    state dir of the stack (default $GH_BUILDDIR/tests/out/bench-stack)
#      REFERENCE_DIR  reference work dir (default $GH_BUILDDIR/tests/out/reference)
#      BENCH_FLOOD    simultaneous wrong-password POSTs (default 200)
#      BENCH_ENFORCE_BAR=1  also exit non-zero when the bar does not hold
# Exit status: 0 when every request was answered as expected, 1 otherwise.
set -uo pipefail

SRC=${GH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${GH_BUILDDIR:-$PWD}
SRC=$(cd "$SRC" && pwd) || exit 1
BUILD=$(cd "$BUILD" && pwd) || exit 1
export GH_SRCDIR=$SRC GH_BUILDDIR=$BUILD
OUT=$BUILD/tests/out
SECS=${BENCH_SECONDS:-8}
ROUNDS=${BENCH_ROUNDS:-2}
PORT=${BENCH_PORT:-18280}
REF_PORT=${BENCH_REF_PORT:-18290}
STATE=${BENCH_STATE:-$OUT/bench-stack}
FLOOD=${BENCH_FLOOD:-200}
export REFERENCE_DIR=${REFERENCE_DIR:-$OUT/reference}
REF_SCRIPT=$SRC/../shared/bench/reference
STACK=$SRC/scripts/gh-stack
CTL=$BUILD/gatehouse-ctl
INI=$STATE/gatehouse.ini
BASE=http://127.0.0.1:$PORT
REF=http://127.0.0.1:$REF_PORT
WORK=$OUT/bench
LUA=$SRC/tests/bench/count.lua # shared by the bench scripts
JAR=$WORK/cookies.txt
SETTINGS_PATH=/settings/client/portal-access-settings
BENCH_NAME=bench
# shellcheck source=tests/bench/lib.sh
. "$SRC/tests/bench/lib.sh"
bench_require
[[ -x $CTL ]] || die "$CTL not found (build first, or set GH_BUILDDIR)"
[[ $SECS =~ ^[0-9]+$ && $ROUNDS =~ ^[0-9]+$ && $FLOOD =~ ^[0-9]+$ ]] ||
	die "BENCH_SECONDS, BENCH_ROUNDS and BENCH_FLOOD must be whole numbers"

# ------------------------------------------------------------------ cleanup
cleanup() {
	trap - EXIT INT TERM
	bench_stop_servers
}
trap cleanup EXIT
trap 'say "bench: interrupted"; exit 130' INT TERM

T0=$SECONDS

bench_machine
bench_servers

# ------------------------------------------------------------------ sign in
# GET the sign-in page as XML (sets the gh_pre cookie, gives the csrf), POST it.
rm -f "$JAR"
csrf=$(curl -sf -c "$JAR" -b "$JAR" "$BASE/settings/login?format=xml" |
	sed -n 's/.*<login[^>]* csrf="\([0-9a-f]*\)".*/\1/p')
[[ -n $csrf ]] || die "no csrf in $BASE/settings/login?format=xml"
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
	--data-urlencode "email=admin@demo.test" --data-urlencode "password=gatehouse-demo" \
	--data-urlencode "csrf=$csrf" "$BASE/settings/login")
session=$(awk '$6 == "gh_office" {print $7}' "$JAR")
[[ $code == 303 && -n $session ]] || die "sign-in as admin@demo.test failed (HTTP $code, no gh_office cookie)"
code=$(curl -s -o "$WORK/settings-page.html" -w '%{http_code}' -H "Cookie: gh_office=$session" "$BASE$SETTINGS_PATH")
[[ $code == 200 ]] || die "GET $SETTINGS_PATH with the session cookie answered $code"
grep -q 'Client Portal Access Settings' "$WORK/settings-page.html" || die "GET $SETTINGS_PATH did not render the settings page"
say "signed in as admin@demo.test (session cookie gh_office)"

# ------------------------------------------------------------------ wrk
# tests/bench/count.lua counts non-2xx answers and prints one RESULT line (us).

names=(settings login portal)
urls=("$BASE$SETTINGS_PATH" "$BASE/settings/login" "$BASE/portal/demo/")
cookies=("gh_office=$session" "" "")
if ((have_ref)); then
	names+=(ref-xslt ref-db floor)
	urls+=("$REF/ref/xslt" "$REF/ref/db" "$REF/ref/floor")
	cookies+=("" "" "")
fi
declare -A REQS DUR P50S P99 NON2XX SOCKERR

# run_wrk INDEX SECONDS OUTFILE
run_wrk() {
	BENCH_COOKIE=${cookies[$1]} wrk -t2 -c32 -d"$2"s --latency -s "$LUA" "${urls[$1]}" >"$3" 2>&1
}

say
say "== wrk -t2 -c32 -d${SECS}s --latency, $ROUNDS round(s) over ${#names[@]} targets (warm-up 1 s each first)"
for i in "${!names[@]}"; do run_wrk "$i" 1 "$WORK/wrk-warmup-${names[$i]}.txt"; done
for ((r = 1; r <= ROUNDS; r++)); do
	for i in "${!names[@]}"; do
		n=${names[$i]}
		f=$WORK/wrk-$n-$r.txt
		run_wrk "$i" "$SECS" "$f"
		line=$(grep '^RESULT ' "$f" | tail -n 1)
		if [[ -z $line ]]; then
			fail "wrk gave no result for $n (round $r): $(tail -n 3 "$f" | paste -sd' ')"
			continue
		fi
		eval "$(sed 's/^RESULT //; s/ /\n/g' <<<"$line" | grep -E '^[a-z0-9_]+=' | sed 's/^/w_/')"
		REQS[$n]=$((${REQS[$n]:-0} + w_requests))
		DUR[$n]=$((${DUR[$n]:-0} + w_duration_us))
		P50S[$n]="${P50S[$n]:-} $w_p50_us"
		((w_p99_us > ${P99[$n]:-0})) && P99[$n]=$w_p99_us
		NON2XX[$n]=$((${NON2XX[$n]:-0} + w_non2xx))
		SOCKERR[$n]=$((${SOCKERR[$n]:-0} + w_sockerr))
		printf '  round %d  %-9s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  non-2xx %d%s  socket errors %d\n' \
			"$r" "$n" "$(awk -v q="$w_requests" -v d="$w_duration_us" 'BEGIN {print q * 1e6 / d}')" \
			"$(awk -v u="$w_p50_us" 'BEGIN {print u / 1000}')" "$(awk -v u="$w_p99_us" 'BEGIN {print u / 1000}')" \
			"$w_non2xx" "${w_codes:+ ($w_codes)}" "$w_sockerr"
	done
done

rps() { awk -v q="${REQS[$1]:-0}" -v d="${DUR[$1]:-0}" 'BEGIN {printf "%.0f", (d > 0 ? q * 1e6 / d : 0)}'; }

say
say "== results (req/s over all rounds; p50: median of the rounds; p99: worst round)"
printf '%-10s %-40s %10s %9s %9s %10s %10s\n' page url req/s p50-ms p99-ms x/ref-db x/ref-xslt
for i in "${!names[@]}"; do
	n=${names[$i]}
	[[ -n ${REQS[$n]:-} ]] || continue
	r=$(rps "$n")
	p50=$(median <<<"${P50S[$n]}")
	xdb=- xxs=-
	if ((have_ref)) && [[ $n != ref-* && $n != floor ]]; then
		xdb=$(awk -v a="$r" -v b="$(rps ref-db)" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else printf "-"}')
		xxs=$(awk -v a="$r" -v b="$(rps ref-xslt)" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else printf "-"}')
	fi
	printf '%-10s %-40s %10s %9s %9s %10s %10s\n' "$n" "${urls[$i]#http://127.0.0.1:}" "$r" \
		"$(ms "$p50")" "$(ms "${P99[$n]}")" "$xdb" "$xxs"
	if ((${NON2XX[$n]:-0} > 0)); then
		fail "$n: ${NON2XX[$n]} non-2xx answers (details in $WORK/wrk-$n-*.txt)"
	fi
	((${SOCKERR[$n]:-0} > 0)) && say "  note: $n: ${SOCKERR[$n]} socket errors (connect/read/write/timeout)"
done

say
if [[ -n ${REQS[settings]:-} ]]; then
	p99ms=$(ms "${P99[settings]}")
	p99ok=$(awk -v p="$p99ms" 'BEGIN {print ((p <= 10.0) ? 1 : 0)}')
	if ((have_ref)) && [[ -n ${REQS[ref-db]:-} ]]; then
		ratio=$(awk -v a="$(rps settings)" -v b="$(rps ref-db)" 'BEGIN {if (b > 0) printf "%.2f", a / b; else printf "0"}')
		rok=$(awk -v x="$ratio" 'BEGIN {print ((x >= 1.0) ? 1 : 0)}')
		if ((rok && p99ok)); then
			say "bar: HOLDS (settings page ${ratio}x /ref/db req/s >= 1.0x, p99 ${p99ms} ms <= 10 ms)"
		else
			say "bar: DOES NOT HOLD (settings page ${ratio}x /ref/db req/s$( ((rok)) || printf ' < 1.0x'), p99 ${p99ms} ms$( ((p99ok)) || printf ' > 10 ms'))"
			[[ ${BENCH_ENFORCE_BAR:-0} == 1 ]] && fail "the bar does not hold"
		fi
	else
		say "bar: cannot be judged without /ref/db (settings p99 ${p99ms} ms $( ((p99ok)) && echo '<=' || echo '>') 10 ms)"
	fi
fi

# ------------------------------------------------------------------ login floods
# flood NAME LOGIN_PATH EMAIL PASSWORD PID ALLOWED REQUIRED: ALLOWED and
# REQUIRED are comma-separated statuses (every answer must be allowed; each
# required one must occur).
flood() {
	local name=$1 path=$2 email=$3 pw=$4 pid=$5 allowed=$6 required=$7 xml fcsrf fpre
	say
	say "== $name login flood: $FLOOD simultaneous POST $path as $email"
	"$CTL" -c "$INI" throttle reset >/dev/null || fail "gatehouse-ctl throttle reset failed"
	rm -f "$WORK/flood-cookies.txt"
	xml=$(curl -sf -c "$WORK/flood-cookies.txt" "$BASE$path?format=xml")
	fcsrf=$(sed -n 's/.*<\(portal-\)\{0,1\}login[^>]* csrf="\([0-9a-f]*\)".*/\2/p' <<<"$xml")
	fpre=$(awk '$6 == "gh_pre" {print $7}' "$WORK/flood-cookies.txt")
	if [[ -z $fcsrf || -z $fpre ]]; then
		fail "no csrf / gh_pre cookie for the $name flood"
		return
	fi
	python3 - "$PORT" "$FLOOD" "$fcsrf" "$fpre" "$pid" "$path" "$email" "$pw" "$allowed" "$required" <<'PY' || FAILED=1
import http.client, sys, threading, time, urllib.parse, collections

port, n, csrf, pre, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
path, email, password = sys.argv[6], sys.argv[7], sys.argv[8]
allowed = {int(x) for x in sys.argv[9].split(",")}
required = {int(x) for x in sys.argv[10].split(",")}
headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": "gh_pre=" + pre}
# "{i}" in the email: one account (and one source address) per POST.
distinct = "{i}" in email
def body_of(i):
    return urllib.parse.urlencode({"email": email.replace("{i}", str(i)), "password": password,
                                   "csrf": csrf}).encode()
def mem():
    d = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM"):
                    d[k] = int(v.split()[0]) / 1024.0
    except OSError:
        pass
    return d

before = mem()
statuses = collections.Counter()
post_ms = []
lock = threading.Lock()
go = threading.Barrier(n + 1)
stop = threading.Event()

def post(i):
    src = (f"127.0.{1 + i // 250}.{1 + i % 250}", 0) if distinct else None
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=src)
    try:
        c.connect()
    except OSError as e:
        go.wait()
        with lock:
            statuses["connect error"] += 1
        return
    go.wait()
    t = time.perf_counter()
    try:
        c.request("POST", path, body=body_of(i), headers=headers)
        r = c.getresponse()
        r.read()
        s = r.status
    except Exception as e:  # noqa: BLE001 - any failure is counted
        s = type(e).__name__
    dt = (time.perf_counter() - t) * 1000
    with lock:
        statuses[s] += 1
        post_ms.append(dt)
    c.close()

probe = []  # (ms, status) of GET path (the login page) during the flood
def prober():
    while not stop.is_set():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        t = time.perf_counter()
        try:
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            s = r.status
        except Exception as e:  # noqa: BLE001
            s = type(e).__name__
        probe.append(((time.perf_counter() - t) * 1000, s))
        c.close()
        stop.wait(0.02)

peak_rss = [before.get("VmRSS", 0.0)]
def sampler():
    while not stop.is_set():
        m = mem()
        if "VmRSS" in m:
            peak_rss[0] = max(peak_rss[0], m["VmRSS"])
        stop.wait(0.005)

workers = [threading.Thread(target=post, args=(i,)) for i in range(n)]
for w in workers:
    w.start()
aux = [threading.Thread(target=prober), threading.Thread(target=sampler)]
go.wait()
t0 = time.perf_counter()
for a in aux:
    a.start()
for w in workers:
    w.join()
flood_s = time.perf_counter() - t0
stop.set()
for a in aux:
    a.join()
after = mem()

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))] if xs else float("nan")

order = sorted(statuses, key=lambda s: (not isinstance(s, int), str(s)))
print(f"POST statuses:      " + ", ".join(f"{s} x{statuses[s]}" for s in order)
      + f"  (all {n} answered in {flood_s:.2f} s)")
print(f"POST latency:       p50 {pct(post_ms, 50):.1f} ms, p99 {pct(post_ms, 99):.1f} ms, max {max(post_ms):.1f} ms;"
      f" throughput {n / flood_s:.0f} POST/s, {sum(c for s, c in statuses.items() if s == 303) / flood_s:.1f} sign-ins/s")
pl = [ms for ms, s in probe]
pst = collections.Counter(s for ms, s in probe)
print(f"GET {path} during the flood: {len(probe)} requests, statuses "
      + ", ".join(f"{s} x{c}" for s, c in sorted(pst.items(), key=lambda kv: str(kv[0])))
      + f", p50 {pct(pl, 50):.1f} ms, max {max(pl) if pl else float('nan'):.1f} ms")
print(f"responder RSS:      before {before.get('VmRSS', 0):.1f} MiB, peak sampled {peak_rss[0]:.1f} MiB, "
      f"after {after.get('VmRSS', 0):.1f} MiB; peak RSS (VmHWM) {after.get('VmHWM', 0):.1f} MiB")

ok = True
unexpected = {s: c for s, c in statuses.items() if s not in allowed}
if unexpected:
    print(f"bench: FAIL: unexpected flood answers: {unexpected}")
    ok = False
for s in sorted(required):
    if statuses.get(s, 0) == 0:
        print(f"bench: FAIL: no {s} at all")
        ok = False
if not probe or any(s != 200 for ms, s in probe):
    print(f"bench: FAIL: GET {path} did not keep answering 200 during the flood")
    ok = False
sys.exit(0 if ok else 1)
PY
	"$CTL" -c "$INI" throttle reset >/dev/null || fail "gatehouse-ctl throttle reset failed"
	if ! kill -0 "$pid" 2>/dev/null; then
		fail "the responder (pid $pid) is gone after the $name flood"
	fi
}

# 401 proves the wrong password was checked, 429 that the throttle tripped.
flood office /settings/login editor@demo.test not-the-password "$SETTINGS_PID" 401,429,503 401,429
PORTAL_PID=$(tr -dc 0-9 <"$STATE/run/portal.pid")
# The portal on, and the flood's accounts (with client@demo.test's password).
portal_sql="UPDATE tenants SET portal_enabled = 1 WHERE slug = 'demo';
INSERT IGNORE INTO portal_users (tenant_id, customer_id, company_name, email, password_hash)
  SELECT pu.tenant_id, pu.customer_id, pu.company_name,
         CONCAT('flood-', s.seq, '@abm-apartments.example.com'), pu.password_hash
  FROM portal_users pu JOIN seq_0_to_$((FLOOD - 1)) s WHERE pu.email = 'client@demo.test'"
"$STACK" sql "$portal_sql" --state "$STATE" >/dev/null || fail "cannot prepare the portal flood"
flood portal /portal/demo/ 'flood-{i}@abm-apartments.example.com' gatehouse-demo "$PORTAL_PID" 303,503 303
for log in settings portal; do
	if grep -qiE 'fatal|abort|segv|sanitizer' "$STATE/log/$log.log"; then
		say "$log responder log mentions a crash:"
		grep -iE 'fatal|abort|segv|sanitizer' "$STATE/log/$log.log" | tail -n 5
		FAILED=1
	fi
done

say
say "== done in $((SECONDS - T0)) s: $( ((FAILED)) && echo FAILED || echo ok) (wrk outputs and logs in $WORK)"
exit "$FAILED"
