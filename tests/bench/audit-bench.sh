#!/usr/bin/env bash
# Gatehouse audit log benchmark (issue 15): Settings > Audit log of one
# company with 1,000,000 entries, against the shared reference page in the
# same run.  Brings up its own stack and the reference responders, stops
# both at the end; the stack's state dir (and the entries in it) is kept,
# so a second run skips the load.
#
# Data: one company, its Super Admin's session written as a row with the
# hash of a known token (no sign-in, as tests/bench/tenants-data.sh does),
# and 1,000,000 entries by one set-based INSERT: 200 actors, 8 actions of
# 6 kinds, 50,000 targets, one entry a second over 11.6 days.
#
# Views (tests/bench/loadgen -c 32, BENCH_SECONDS after BENCH_WARMUP, each
# alone, then all together): the newest page (first), one actor's 5,000
# entries (actor), one kind's 250,000 (category), one target's 20
# (target), one day of 86,400 (day), and a page half way down the log by
# its cursor (deep); then /ref/db by the same client.  Goal (the issue:
# figures, no bar): p50 at 32 connections for the first page and a filtered
# page, beside /ref/db's.  Each view's statement must read a page, not the
# log: the responder's request log has each request's time; the figures say
# it.
#
# Env: GH_SRCDIR, GH_BUILDDIR   as for tests/run
#      BENCH_SECONDS (10), BENCH_WARMUP (3), BENCH_ENTRIES (1000000)
#      AUDITBENCH_PORT (18680), AUDITBENCH_REF_PORT (18690),
#      AUDITBENCH_STATE (default $GH_BUILDDIR/tests/out/auditbench-stack)
set -euo pipefail

SRC=${GH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${GH_BUILDDIR:-$PWD}
SRC=$(cd "$SRC" && pwd)
BUILD=$(cd "$BUILD" && pwd)
export GH_SRCDIR=$SRC GH_BUILDDIR=$BUILD
OUT=$BUILD/tests/out
SECS=${BENCH_SECONDS:-10}
WARM=${BENCH_WARMUP:-3}
N=${BENCH_ENTRIES:-1000000}
PORT=${AUDITBENCH_PORT:-18680}
REF_PORT=${AUDITBENCH_REF_PORT:-18690}
STATE=${AUDITBENCH_STATE:-$OUT/auditbench-stack}
export REFERENCE_DIR=${REFERENCE_DIR:-$OUT/auditbench-reference}
export GH_DB_BUFFER_POOL=${GH_DB_BUFFER_POOL:-1G}
REF_SCRIPT=$SRC/../shared/bench/reference
STACK=$SRC/scripts/gh-stack
CTL=$BUILD/gatehouse-ctl
INI=$STATE/gatehouse.ini
BASE=http://127.0.0.1:$PORT
REF=http://127.0.0.1:$REF_PORT
WORK=$OUT/auditbench-work
BENCH_NAME=audit-bench
. "$SRC/tests/bench/lib.sh"
bench_require

cleanup() { bench_stop_servers; }
trap cleanup EXIT INT TERM

sql() { "$STACK" sql --state "$STATE" -- -N -B; }

load_data() {
	local marker=$STATE/auditbench-$N
	if [[ -f $marker ]]; then
		say "data: kept from an earlier run ($marker)"
		return
	fi
	say "data: one company of $N audit entries (a fresh state dir)"
	"$STACK" down --state "$STATE" >>"$WORK/stack.log" 2>&1 || true
	rm -rf "$STATE"
	"$STACK" up --port "$PORT" --state "$STATE" >>"$WORK/stack.log" 2>&1 ||
		die "the stack did not start (log $WORK/stack.log)"
	"$CTL" -c "$STATE/gatehouse-admin.ini" tenant create auditbench 'Audit Bench Co' >/dev/null
	local t0=$SECONDS
	sql <<SQL || die "loading the data failed"
SET SESSION max_statement_time = 0;
SET @t = (SELECT id FROM tenants WHERE slug = 'auditbench');
INSERT INTO office_users (tenant_id, email, password_hash, role, first_name, last_name)
  VALUES (@t, 'bench-admin@auditbench.test', '\$argon2id\$bench', 'admin', 'Bench', 'Admin');
SET @u = LAST_INSERT_ID();
INSERT INTO office_user_perms (user_id, module, level) VALUES (@u, 'settings', 3);
INSERT INTO sessions (token_hash, kind, tenant_id, office_user_id, expires_at, stage)
  VALUES (UNHEX(SHA2(UNHEX(SHA2('gatehouse-bench:auditbench', 256)), 256)), 'office', @t, @u,
          NOW(6) + INTERVAL 30 DAY, 'full');
INSERT INTO audit_log (tenant_id, actor_kind, actor_email, action, target_kind, target_id, target,
                       old_value, new_value, request_id, ip, created_at)
  SELECT @t, 'office', CONCAT('user', s.seq % 200, '@bench.example'),
         ELT(1 + s.seq % 8, 'portal_user.update', 'portal_user.add', 'customer.update',
             'office_user.sign_in', 'portal_user.sign_in', 'contact.add', 'site.add',
             'portal_group.update'),
         '', NULL, CONCAT('target', s.seq % 50000), CONCAT('before ', s.seq), CONCAT('after ', s.seq),
         LPAD(HEX(s.seq), 16, '0'), '192.0.2.1',
         TIMESTAMP('2026-11-20 00:00:00') + INTERVAL s.seq SECOND
    FROM seq_1_to_$N s;
ANALYZE TABLE audit_log;
SQL
	say "data: loaded in $((SECONDS - t0)) s"
	: >"$marker"
}

mkdir -p "$WORK"
: >"$WORK/stack.log"
bench_machine
cc -O2 -o "$WORK/loadgen" "$SRC/tests/bench/loadgen.c" -lcurl || die "building loadgen failed"
load_data
bench_servers
sql <<<"UPDATE sessions SET last_seen_at = NOW(6), expires_at = NOW(6) + INTERVAL 30 DAY WHERE tenant_id = (SELECT id FROM tenants WHERE slug = 'auditbench')" ||
	die "refreshing the session failed"
COOKIE="gh_office=$(sql <<<"SELECT REPLACE(REPLACE(REPLACE(TO_BASE64(UNHEX(SHA2('gatehouse-bench:auditbench', 256))), '+', '-'), '/', '_'), '=', '')")"
# Half way down the log: the cursor of the entry N/2 (time digits, id).
DEEP=$(sql <<<"SELECT CONCAT(DATE_FORMAT(created_at, '%Y%m%d%H%i%s%f'), '-', id) FROM audit_log WHERE tenant_id = (SELECT id FROM tenants WHERE slug = 'auditbench') ORDER BY created_at, id LIMIT 1 OFFSET $((N / 2))")
code=$(curl -s -o "$WORK/first.xml" -w '%{http_code}' -b "$COOKIE" "$BASE/settings/audit-log?format=xml")
[[ $code == 200 ]] || die "the audit log answered $code (session?)"
say "first page: $(grep -o 'count="[0-9]*" count-exact="[01]"' "$WORK/first.xml")"

views=(
	"first	/settings/audit-log"
	"actor	/settings/audit-log?actor=user7%40bench.example"
	"category	/settings/audit-log?category=customer"
	"target	/settings/audit-log?target=target123"
	"day	/settings/audit-log?from=2026-11-25&to=2026-11-25"
	"deep	/settings/audit-log?older=$DEEP"
)
: >"$WORK/all.txt"
for v in "${views[@]}"; do
	kind=${v%%	*} path=${v#*	}
	code=$(curl -s -o /dev/null -w '%{http_code}' -b "$COOKIE" "$BASE$path")
	[[ $code == 200 ]] || fail "$kind ($path) answered $code"
	printf '%s\t1\t%s\t%s\n' "$kind" "$COOKIE" "$path" >"$WORK/$kind.txt"
	cat "$WORK/$kind.txt" >>"$WORK/all.txt"
done

run() { # NAME FILE BASE
	say
	say "== $1: loadgen -c 32, $WARM s warm-up, $SECS s"
	"$WORK/loadgen" -c 32 -d "$SECS" -w "$WARM" "$3" "$2" >"$WORK/$1.out" || die "loadgen failed on $1"
	cat "$WORK/$1.out"
}
for v in "${views[@]}"; do
	kind=${v%%	*}
	run "$kind" "$WORK/$kind.txt" "$BASE"
done
run mixed "$WORK/all.txt" "$BASE"
awk '$1 != "class" && $1 != "all" && $8 > 0 {bad = 1} END {exit bad}' "$WORK"/{first,actor,category,target,day,deep,mixed}.out ||
	fail "answers other than 200"
if ((have_ref)); then
	printf 'ref\t1\t-\t/ref/db\n' >"$WORK/ref.txt"
	run ref "$WORK/ref.txt" "$REF"
fi

say
say "== summary (p50 / p99 ms, req/s)"
for k in first actor category target day deep; do
	awk -v k="$k" '$1 == k {printf "%-9s p50 %6s  p99 %6s  %8s req/s\n", k, $4, $6, $3}' "$WORK/$k.out"
done
if ((have_ref)); then
	awk '$1 == "ref" {printf "%-9s p50 %6s  p99 %6s  %8s req/s\n", "/ref/db", $4, $6, $3}' "$WORK/ref.out"
fi
RSS=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$SETTINGS_PID/status")
say "settings responder RSS after the runs: $RSS MiB"
exit "${FAILED:-0}"
