# Shared by the benchmark scripts (sourced).  Expects: BENCH_NAME, STACK,
# STATE, PORT, INI, CTL, WORK, REF_SCRIPT, REF_PORT, REF, REFERENCE_DIR, BASE.
# shellcheck shell=bash

FAILED=0
say() { printf '%s\n' "$*"; }
fail() { printf '%s: FAIL: %s\n' "$BENCH_NAME" "$*"; FAILED=1; }
die() { printf '%s: error: %s\n' "$BENCH_NAME" "$*" >&2; exit 1; }

ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# bench_ticks PID...: user + system CPU ticks (getconf CLK_TCK a second)
# of those processes, their threads included; a pid gone counts 0.
bench_ticks() {
	local p t=0 v
	for p in "$@"; do
		v=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null) || continue
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

bench_require() {
	command -v curl >/dev/null || die "curl not found (apt-get install curl)"
	command -v python3 >/dev/null || die "python3 not found (apt-get install python3)"
	command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
	mkdir -p "$WORK" "$REFERENCE_DIR" || die "cannot create $WORK"
}

# Stops what bench_servers started; called from each script's cleanup.
stack_started=0 ref_started=0
bench_stop_servers() {
	if ((stack_started)); then
		"$CTL" -c "$INI" throttle reset >/dev/null 2>&1 || true
		"$STACK" down --state "$STATE" >>"$WORK/stack.log" 2>&1 ||
			say "$BENCH_NAME: gh-stack down failed (see $WORK/stack.log)"
	fi
	if ((ref_started)); then
		"$REF_SCRIPT" down >>"$WORK/reference.log" 2>&1 || true
		# reference down signals and leaves: wait until its mariadbd has gone.
		for _ in $(seq 100); do [[ -S $REFERENCE_DIR/my.sock ]] || break; sleep 0.1; done
	fi
}

bench_machine() {
	say "== machine"
	say "nproc:   $(nproc)"
	say "cpu:     $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sort | uniq -c | awk '{c = $1; $1 = ""; printf "%s%s x%d", (NR > 1 ? "; " : ""), substr($0, 2), c}')"
	say "kernel:  $(uname -srm)"
	say "memory:  $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
	say "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min before the run)"
	say "wrk:     $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2), nginx $(nginx -v 2>&1 | sed 's|.*/||'), $(mariadbd --version 2>/dev/null | awk '{print $3}')"
}

# Starts the Gatehouse stack (retrying while a binary is being rebuilt) and
# the reference responders; sets SETTINGS_PID and have_ref.
bench_servers() {
	say
	say "== servers"
	: >"$WORK/stack.log"
	for try in 1 2 3; do
		stack_started=1
		"$STACK" up --port "$PORT" --state "$STATE" >>"$WORK/stack.log" 2>&1 && break
		if ((try < 3)) && tail -n 3 "$WORK/stack.log" | grep -q 'not found: build it first'; then
			say "gh-stack up: a binary is missing (being rebuilt?); retrying in 20 s"
			sleep 20
			continue
		fi
		tail -n 20 "$WORK/stack.log"
		die "the Gatehouse stack did not start (log $WORK/stack.log)"
	done
	SETTINGS_PID=$(tr -dc 0-9 <"$STATE/run/settings.pid")
	say "gatehouse: $BASE (state $STATE, responder pid $SETTINGS_PID, $(sed -n 's/^threads *= *//p' "$INI" | head -n1) threads)"
	have_ref=0
	if [[ -x $REF_SCRIPT ]]; then
		ref_started=1
		if "$REF_SCRIPT" up "$REF_PORT" >"$WORK/reference.log" 2>&1; then
			have_ref=1
			say "reference: $REF (dir $REFERENCE_DIR): $(grep '^/ref/' "$WORK/reference.log" | paste -sd' ' | sed 's/  */ /g')"
		else
			tail -n 20 "$WORK/reference.log"
			fail "the reference responders did not start (log $WORK/reference.log): no ratios"
		fi
	else
		say "reference: $REF_SCRIPT is absent: measuring our pages only, no ratios"
	fi
	"$CTL" -c "$INI" throttle reset >/dev/null || fail "gatehouse-ctl throttle reset failed"
}
