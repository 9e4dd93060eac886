#!/usr/bin/env bash
# Benchmark: Gatehouse on a Galera cluster (scripts/gh-cluster), side by side
# in one run:
#   - the first page of the Customers list through nginx (wrk -t2 -c32, a
#     warm-up, then GH_BENCH_SECS, 15 s) with 1, 2 and 3 responder hosts on
#     3 Galera nodes, and with 1 host on a cluster of 1 node (nodes 2 and 3
#     stopped); each also without causal reads ([database] sync_wait 0);
#   - writes (portal users added by 4 writers, tests/cluster/writer.py) with
#     1 and 3 hosts on 3 nodes and with 1 host on 1 node;
# each with the CPU each kind of process used (nginx, the hosts' settings
# responders, the mariadbd nodes, the load generator), in seconds of CPU
# per second of the run (2.00 = both cores).  On 2 cores the figures show
# where the time goes, not how the cluster scales: docs/deploy.md, "How a
# cluster scales", reads them.
#
# Usage: tests/bench/cluster-bench.sh   (from the build dir, after make)
# Env: GH_BENCH_CLUSTER_PORT (28090; the nodes on + 2001 ...), GH_BENCH_SECS.
set -u
BENCH_NAME=cluster-bench
SRC=${GH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${GH_BUILDDIR:-$PWD}
export GH_SRCDIR=$SRC GH_BUILDDIR=$BUILD
PORT=${GH_BENCH_CLUSTER_PORT:-28090}
SECS=${GH_BENCH_SECS:-15}
ST=$BUILD/tests/out/bench-cluster
WORK=$ST/work
U=http://127.0.0.1:$PORT
# shellcheck source=tests/bench/lib.sh
. "$SRC/tests/bench/lib.sh"
command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"

REF_SCRIPT=$SRC/../shared/bench/reference
REF_PORT=$((PORT + 5))
export REFERENCE_DIR=$ST/reference
cl() { "$SRC/scripts/gh-stack" cluster "$@" --state "$ST"; }
cleanup() {
	cl down >/dev/null 2>&1
	[ -x "$REF_SCRIPT" ] && "$REF_SCRIPT" down >/dev/null 2>&1
}
trap cleanup EXIT

pids_of() { # GROUP: the pids of that kind of process
	local f
	case $1 in
	nginx)
		f=$ST/front/run/nginx.pid
		[ -f "$f" ] && { cat "$f"; pgrep -P "$(cat "$f")"; }
		;;
	settings) for f in "$ST"/host*/run/settings.pid; do [ -f "$f" ] && cat "$f"; done ;;
	mariadbd) for f in "$ST"/node*/mariadb.pid; do [ -f "$f" ] && cat "$f"; done ;;
	esac
}
GROUPS_=(nginx settings mariadbd)

# run LABEL CMD...: runs CMD (a load generator) and prints the CPU split.
declare -A before
cpu_begin() {
	local g
	for g in "${GROUPS_[@]}"; do before[$g]=$(bench_ticks $(pids_of "$g")); done
	CPU_T0=$(date +%s.%N)
	LOAD_T0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
}
cpu_end() {
	local g now secs hz out=
	hz=$(getconf CLK_TCK)
	secs=$(awk -v a="$CPU_T0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
	for g in "${GROUPS_[@]}"; do
		now=$(bench_ticks $(pids_of "$g"))
		out="$out $g $(awk -v d=$((now - before[$g])) -v s="$secs" -v hz="$hz" 'BEGIN { printf "%.2f", d / hz / s }')"
	done
	gen=$(awk -v d=$(($(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat) - LOAD_T0)) -v s="$secs" -v hz="$hz" 'BEGIN { printf "%.2f", d / hz / s }')
	echo "$out load-generator $gen"
}

COOKIE=
signin() {
	local J=$WORK/jar csrf
	rm -f "$J"
	csrf=$(curl -s -b "$J" -c "$J" -H 'Accept: application/xml' "$U/settings/login" |
		sed -n 's/.*<login[^>]* csrf="\([^"]*\)".*/\1/p' | head -n 1)
	curl -s -b "$J" -c "$J" -o /dev/null --data-urlencode "csrf=$csrf" \
		--data-urlencode "email=admin@demo.test" --data-urlencode "password=gatehouse-demo" "$U/settings/login"
	COOKIE=$(awk '$6 == "gh_office" { print $6 "=" $7 }' "$J" | tail -n 1)
	CSRF=$(curl -s -b "$J" -H 'Accept: application/xml' "$U/settings/" |
		sed -n 's/.*<session[^>]* csrf="\([^"]*\)".*/\1/p' | head -n 1)
	[ -n "$COOKIE" ] && [ -n "$CSRF" ] || die "cannot sign in as admin@demo.test"
}

# reads LABEL: the list page under wrk; one table row.
reads() {
	local out rps p50 p99 cpu
	wrk -t2 -c32 -d3s -H "Cookie: $COOKIE" "$U/settings/customers" >/dev/null 2>&1
	cpu_begin
	out=$(wrk -t2 -c32 -d"${SECS}s" --latency -H "Cookie: $COOKIE" "$U/settings/customers" 2>&1)
	cpu=$(cpu_end)
	rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
	p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
	p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
	non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
	printf '| %s | %s | %s | %s | %s | %s |%s\n' "$1" "$rps" "$(ratio "$rps")" "$p50" "$p99" "${non2xx:-0}" "$(cpu_fmt "$cpu")"
}
REF_RPS=
ratio() { [ -n "$REF_RPS" ] && awk -v a="$1" -v b="$REF_RPS" 'BEGIN { printf "%.2fx", a / b }' || echo "-"; }

# The reference page /ref/db (its own MariaDB, no Galera) in the same run.
ref_row() {
	local out
	if [ ! -x "$REF_SCRIPT" ] || ! "$REF_SCRIPT" up "$REF_PORT" >"$WORK/reference.log" 2>&1; then
		say "(no reference: $REF_SCRIPT did not start; see $WORK/reference.log)"
		return
	fi
	wrk -t2 -c32 -d3s "http://127.0.0.1:$REF_PORT/ref/db" >/dev/null 2>&1
	out=$(wrk -t2 -c32 -d"${SECS}s" --latency "http://127.0.0.1:$REF_PORT/ref/db" 2>&1)
	REF_RPS=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
	printf '| /ref/db (reference; one MariaDB, no Galera) | %s | 1.00x | %s | %s | %s | - | - | - | - |\n' "$REF_RPS" \
		"$(awk '$1 == "50%" { print $2 }' <<<"$out")" "$(awk '$1 == "99%" { print $2 }' <<<"$out")" \
		"$(awk '/Non-2xx/ { print $NF }' <<<"$out")"
	"$REF_SCRIPT" down >/dev/null 2>&1
	# down signals and leaves: its mariadbd must be gone before our rows.
	for _ in $(seq 100); do [ -S "$REFERENCE_DIR/my.sock" ] || break; sleep 0.1; done
}

# writes LABEL: 4 writers for SECS; one table row.
writes() {
	local f=$WORK/writes.out acks per cpu
	cid=$(cl sql 1 "SELECT c.id FROM customers c JOIN tenants t ON t.id = c.tenant_id
		WHERE t.slug = 'demo' ORDER BY c.id LIMIT 1" 2>/dev/null | tail -n 1)
	cpu_begin
	python3 "$SRC/tests/cluster/writer.py" --port "$PORT" --cookie "$COOKIE" --csrf "$CSRF" \
		--customer "$cid" --prefix "bench$RANDOM" --secs "$SECS" --threads 4 --out "$f"
	cpu=$(cpu_end)
	acks=$(awk '$5 == "ack"' "$f" | wc -l)
	per=$(awk -v a="$acks" -v s="$SECS" 'BEGIN { printf "%.0f", a / s }')
	p50=$(awk '$5 == "ack" { print ($2 - $1) * 1000 }' "$f" | median)
	printf '| %s | %s | - | %.1fms | %s | %s |%s\n' "$1" "$per" "$p50" "-" \
		"$(awk '$5 != "ack"' "$f" | wc -l)" "$(cpu_fmt "$cpu")"
	# The demo company stays as it was: the benchmark's users go.
	cl sql 1 "DELETE FROM portal_users WHERE email LIKE 'bench%@cluster.test'" >/dev/null 2>&1
}
cpu_fmt() { awk '{ printf " %s | %s | %s | %s |", $2, $4, $6, $8 }' <<<"$1"; }

header() {
	say
	say "| $1 | req/s | vs /ref/db | p50 | p99 | not 2xx | nginx | settings | mariadbd | load generator |"
	say "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
}

mkdir -p "$WORK"
bench_machine
say "run:     $SECS s per row after a 3 s warm-up; CPU in cores (seconds of CPU per second)"
# A new cluster each run: the same data, no purge of an earlier run's rows.
cl down >/dev/null 2>&1
rm -rf "$ST/node1" "$ST/node2" "$ST/node3" "$ST/host1" "$ST/host2" "$ST/host3" "$ST/front"
say
say "== starting a cluster of 3 nodes and 3 hosts on port $PORT"
cl up --port "$PORT" --hosts 3 >"$WORK/up.log" 2>&1 || { tail -n 20 "$WORK/up.log"; die "cluster up failed"; }
signin

header "Customers list, first page (wrk -t2 -c32)"
ref_row
for h in 1 2 3; do
	cl up --hosts "$h" >>"$WORK/up.log" 2>&1 || die "cluster up --hosts $h failed"
	reads "$h host(s), 3 nodes"
done
GH_DB_SYNC_WAIT=0 cl up --hosts 3 >>"$WORK/up.log" 2>&1
reads "3 hosts, 3 nodes, sync_wait 0"
cl up --hosts 1 >>"$WORK/up.log" 2>&1
cl node-stop 3 >>"$WORK/up.log" 2>&1
cl node-stop 2 >>"$WORK/up.log" 2>&1
reads "1 host, 1 node (2 and 3 stopped)"
GH_DB_SYNC_WAIT=0 cl up --hosts 1 >>"$WORK/up.log" 2>&1
reads "1 host, 1 node, sync_wait 0"
cl up --hosts 1 >>"$WORK/up.log" 2>&1

header "Portal users added (4 writers, one POST each)"
writes "1 host, 1 node (2 and 3 stopped)"
cl node-start 2 >>"$WORK/up.log" 2>&1
cl node-start 3 >>"$WORK/up.log" 2>&1
writes "1 host, 3 nodes"
cl up --hosts 3 >>"$WORK/up.log" 2>&1
writes "3 hosts, 3 nodes"
say
say "cluster: $(for i in 1 2 3; do printf 'node%s %s ' "$i" "$(cl sql "$i" "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | tail -n1 | cut -f2)"; done)"
exit "$FAILED"
