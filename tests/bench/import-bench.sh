#!/usr/bin/env bash
# Gatehouse import benchmark (issue 15): Portal Access > Import of a CSV
# file of 10,000 portal users, through nginx as a browser sends it, run by
# gatehouse-jobs.  Brings up its own stack and stops it at the end.
#
# Data: one company with 1,000 customers (two sites each) and 1,000 portal
# users, loaded with set-based SQL, and its Super Admin's session written
# as a row (no sign-in, as tests/bench/tenants-data.sh does).  The file:
# 9,000 new users (name, group, one site) and the 1,000 existing ones with
# a site to change, as Excel writes CSV in a ";" locale (byte order mark,
# CRLF).
#
# Figures: the upload's answer (the file parsed and checked, the job
# written), the check (each line looked up, nothing written), the import
# (one transaction per line: the user, group, sites, contact, invitation
# mail, audit entry and report line), lines per second for each; the same
# file checked again (every line unchanged); and memory: gatehouse-jobs's
# peak RSS (VmHWM), the settings responder's RSS before and after (its
# peak is its start-up's: the stylesheets compiled).  The issue asks for
# time and memory; there is no bar.  MariaDB is the import's bottleneck
# (one core busy with the lines' statements and the portal users'
# triggers; a commit costs 0.1 ms here).
#
# Env: GH_SRCDIR, GH_BUILDDIR   as for tests/run
#      IMPORTBENCH_PORT (18780), IMPORTBENCH_STATE (default
#      $GH_BUILDDIR/tests/out/importbench-stack), BENCH_ROWS (10000)
set -euo pipefail

SRC=${GH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${GH_BUILDDIR:-$PWD}
SRC=$(cd "$SRC" && pwd)
BUILD=$(cd "$BUILD" && pwd)
export GH_SRCDIR=$SRC GH_BUILDDIR=$BUILD
OUT=$BUILD/tests/out
ROWS=${BENCH_ROWS:-10000}
PORT=${IMPORTBENCH_PORT:-18780}
STATE=${IMPORTBENCH_STATE:-$OUT/importbench-stack}
STACK=$SRC/scripts/gh-stack
CTL=$BUILD/gatehouse-ctl
BASE=http://127.0.0.1:$PORT
WORK=$OUT/importbench-work
BENCH_NAME=import-bench
FAILED=0
say() { printf '%s\n' "$*"; }
die() { printf '%s: error: %s\n' "$BENCH_NAME" "$*" >&2; exit 1; }
fail() { printf '%s: FAIL: %s\n' "$BENCH_NAME" "$*"; FAILED=1; }

mkdir -p "$WORK"
: >"$WORK/stack.log"
cleanup() { "$STACK" down --state "$STATE" >>"$WORK/stack.log" 2>&1 || true; }
trap cleanup EXIT INT TERM
sql() { "$STACK" sql --state "$STATE" -- -N -B; }
rss() { awk -v k="$2:" '$1 == k {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

say "== machine"
say "nproc: $(nproc); memory: $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); load: $(cut -d' ' -f1-3 /proc/loadavg)"
say "== data"
"$STACK" down --state "$STATE" >>"$WORK/stack.log" 2>&1 || true
rm -rf "$STATE"
"$STACK" up --port "$PORT" --state "$STATE" >>"$WORK/stack.log" 2>&1 ||
	die "the stack did not start (log $WORK/stack.log)"
"$CTL" -c "$STATE/gatehouse-admin.ini" tenant create importbench 'Import Bench Co' >/dev/null
EXISTING=$((ROWS / 10))
sql <<SQL || die "loading the data failed"
SET @t = (SELECT id FROM tenants WHERE slug = 'importbench');
UPDATE tenants SET portal_enabled = 1 WHERE id = @t;
INSERT INTO office_users (tenant_id, email, password_hash, role, first_name, last_name)
  VALUES (@t, 'bench-admin@importbench.test', '\$argon2id\$bench', 'admin', 'Bench', 'Admin');
SET @u = LAST_INSERT_ID();
INSERT INTO office_user_perms (user_id, module, level) VALUES (@u, 'settings', 3);
INSERT INTO sessions (token_hash, kind, tenant_id, office_user_id, expires_at, stage)
  VALUES (UNHEX(SHA2(UNHEX(SHA2('gatehouse-bench:importbench', 256)), 256)), 'office', @t, @u,
          NOW(6) + INTERVAL 1 DAY, 'full');
INSERT INTO portal_groups (tenant_id, name, perms) VALUES (@t, 'Managers', 'jobs_view');
INSERT INTO customers (tenant_id, name, primary_email)
  SELECT @t, CONCAT('Customer ', s.seq), CONCAT('office', s.seq, '@cust.example') FROM seq_1_to_1000 s;
INSERT INTO sites (tenant_id, customer_id, name)
  SELECT @t, c.id, x.name FROM customers c JOIN (SELECT 'North' name UNION ALL SELECT 'South') x
  WHERE c.tenant_id = @t;
INSERT INTO portal_users (tenant_id, customer_id, company_name, email)
  SELECT @t, c.id, c.name, CONCAT('old', s.seq, '@user.example') FROM seq_1_to_$EXISTING s
  JOIN customers c ON c.tenant_id = @t AND c.name = CONCAT('Customer ', 1 + s.seq % 1000);
SQL
COOKIE="gh_office=$(sql <<<"SELECT REPLACE(REPLACE(REPLACE(TO_BASE64(UNHEX(SHA2('gatehouse-bench:importbench', 256))), '+', '-'), '/', '_'), '=', '')")"
CSRF=$(curl -s -b "$COOKIE" "$BASE/settings/client/portal-access/import?format=xml" |
	sed -n 's/.*csrf="\([0-9a-f]*\)".*/\1/p' | head -n1)
[[ -n $CSRF ]] || die "no session (the import page gave no CSRF token)"

python3 - "$WORK/users.csv" "$ROWS" "$EXISTING" <<'PY'
import sys
path, rows, existing = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, 'w', encoding='utf-8-sig', newline='') as f:
    f.write('Email;Company;First name;Last name;Group;Sites\r\n')
    for i in range(1, existing + 1):
        f.write(f'old{i}@user.example;Customer {1 + i % 1000};;;;South\r\n')
    for i in range(rows - existing):
        f.write(f'new{i}@user.example;Customer {1 + i % 1000};First{i};"Last; {i}";Managers;North\r\n')
PY
say "file: $ROWS lines, $(stat -c %s "$WORK/users.csv") bytes"

JOBS_PID=$(tr -dc 0-9 <"$STATE/run/jobs.pid")
SETTINGS_PID=$(tr -dc 0-9 <"$STATE/run/settings.pid")
S0=$(rss "$SETTINGS_PID" VmRSS)

# upload FILE: the job's id in $JOB_ID, the answer's time in $UP_MS.
upload() {
	local out
	out=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url} %{time_total}' -b "$COOKIE" \
		-F "csrf=$CSRF" -F "file=@$1;type=text/csv" "$BASE/settings/client/portal-access/import")
	[[ ${out%% *} == 303 ]] || die "the upload answered ${out%% *}"
	UP_MS=$(awk -v s="${out##* }" 'BEGIN {printf "%.0f", s * 1000}')
	out=${out#* }
	out=${out%% *}
	JOB_ID=${out##*id=}
}

# wait_job ID PHASE: until its state is done; prints "seconds lines/s".
wait_job() {
	local st
	for _ in $(seq 6000); do
		st=$(sql <<<"SELECT state FROM jobs WHERE id = $1 AND phase = '$2'")
		[[ $st == done || $st == failed ]] && break
		sleep 0.1
	done
	[[ $st == done ]] || fail "job $1 ($2) ended $st"
	sql <<<"SELECT CONCAT(ROUND(TIMESTAMPDIFF(MICROSECOND, started_at, finished_at) / 1e6, 2), ' s, ',
	        ROUND(total / (TIMESTAMPDIFF(MICROSECOND, started_at, finished_at) / 1e6)), ' lines/s') FROM jobs WHERE id = $1"
}

say "== import of $ROWS lines"
upload "$WORK/users.csv"
ID=$JOB_ID
say "upload (parsed, checked, stored): $UP_MS ms"
say "check:  $(wait_job "$ID" check)"
say "        $(sql <<<"SELECT GROUP_CONCAT(CONCAT(outcome, ' ', n) SEPARATOR ', ') FROM (SELECT outcome, COUNT(*) n FROM job_items WHERE job_id = $ID AND phase = 'check' GROUP BY outcome) x")"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$COOKIE" -d "csrf=$CSRF&id=$ID&op=run" "$BASE/settings/client/portal-access/job")
[[ $code == 303 ]] || die "Import answered $code"
say "import: $(wait_job "$ID" run)"
say "        $(sql <<<"SELECT GROUP_CONCAT(CONCAT(outcome, ' ', n) SEPARATOR ', ') FROM (SELECT outcome, COUNT(*) n FROM job_items WHERE job_id = $ID AND phase = 'run' GROUP BY outcome) x")"
n=$(sql <<<"SELECT COUNT(*) FROM portal_users WHERE tenant_id = (SELECT id FROM tenants WHERE slug = 'importbench')")
[[ $n == $((ROWS + 0)) ]] || fail "the company has $n portal users, not $ROWS"
upload "$WORK/users.csv"
ID2=$JOB_ID
say "the same file again: upload $UP_MS ms, check $(wait_job "$ID2" check)"
say "== memory"
say "gatehouse-jobs: peak RSS $(rss "$JOBS_PID" VmHWM) MiB, now $(rss "$JOBS_PID" VmRSS) MiB"
say "settings responder: RSS $S0 MiB before, $(rss "$SETTINGS_PID" VmRSS) MiB after (peak $(rss "$SETTINGS_PID" VmHWM) MiB)"
((FAILED == 0)) || exit 1
