# Sourced by the shell test scripts (tests/install, tests/cluster): a time
# box.  timebox_start SECS DIR: past SECS the script gets SIGTERM (its TERM
# trap cleans up; the tests not run fail the plan) and so do its children,
# by their parent's id (a stuck command in the foreground would hold off
# the trap until it ends).  The watchdog keeps no descriptor of the output
# open (a reader of a pipe would wait for it); DIR holds its sleep's pid.
# timebox_stop: called from the script's cleanup.
# shellcheck shell=bash

timebox_start() {
	local secs=$1 dir=$2 me=$$
	(
		exec >/dev/null 2>&1 </dev/null
		sleep "$secs" &
		echo $! >"$dir/watchdog-sleep.pid"
		wait $!
		kill -TERM "$me"
		pkill -TERM -P "$me"
	) &
	TIMEBOX_PID=$!
	TIMEBOX_DIR=$dir
}

timebox_stop() {
	if [ -n "${TIMEBOX_PID:-}" ]; then
		kill "$TIMEBOX_PID" 2>/dev/null
		[ -s "$TIMEBOX_DIR/watchdog-sleep.pid" ] && kill "$(cat "$TIMEBOX_DIR/watchdog-sleep.pid")" 2>/dev/null
		TIMEBOX_PID=
	fi
	return 0
}
