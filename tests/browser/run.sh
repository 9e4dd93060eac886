#!/usr/bin/env bash
# Browser tests: headless Chromium (/usr/bin/chromium, Debian's package) driven
# by playwright-core against a running stack.  Runs every tests/browser/*.mjs
# in turn (portal-settings.mjs first, then the others by name) and prints ONE
# TAP stream: each test's ok / not ok lines are renumbered to follow on from
# the previous test's, its own plan is checked and dropped, and a single plan
# comes last.  A test that crashes, exits non-zero without a failing test, or
# whose plan does not match what it printed adds one "not ok" line.
#
# Env: GH_TEST_PORT  port of the stack on 127.0.0.1 (tests/run starts the stack)
#      GH_TEST_STATE its state dir (sign-in throttles are reset there first;
#                    portal-access.mjs reads the SMTP sink's mail/new there)
#      GH_SRCDIR     source dir (default: two levels above this script)
#      GH_BUILDDIR   build dir (default: $PWD); screenshots go to
#                    $GH_BUILDDIR/tests/out/*.png
#      GH_BROWSER_TESTS  optional: the .mjs names to run (default: all)
#
# playwright-core comes from the npm registry, pinned by package-lock.json
# (npm ci; no browser download: it only drives the system Chromium).  It is
# installed into tests/browser/node_modules, or, when the source dir is
# read-only (distcheck), into $GH_BUILDDIR/tests/out/browser-node.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${GH_SRCDIR:-$(cd "$HERE/../.." && pwd)}
BUILD=${GH_BUILDDIR:-$PWD}
export GH_SRCDIR=$SRC GH_BUILDDIR=$BUILD
SRCB=$SRC/tests/browser
[ -f "$SRCB/package.json" ] || SRCB=$HERE

bail() { # bail MESSAGE: one failing test, a plan, exit 1
	echo "not ok 1 - $1"
	echo "1..1"
	exit 1
}

[ -n "${GH_TEST_PORT:-}" ] || bail "GH_TEST_PORT is not set (the stack's port; tests/run sets it)"
command -v node >/dev/null || bail "node not found (apt-get install nodejs npm)"
command -v npm >/dev/null || bail "npm not found (apt-get install npm)"
[ -x /usr/bin/chromium ] || bail "/usr/bin/chromium not found (apt-get install chromium)"

# The version package.json pins.
want=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' "$SRCB/package.json" | head -n 1)
[ -n "$want" ] || bail "no playwright-core version in $SRCB/package.json"

installed_ok() { # DIR: node_modules there holds the pinned playwright-core
	local v
	v=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$1/node_modules/playwright-core/package.json" 2>/dev/null | head -n 1)
	[ "$v" = "$want" ]
}

npm_install() { # DIR
	echo "# installing playwright-core $want into $1/node_modules (npm ci)"
	local log=$BUILD/tests/out/browser-npm-ci.log
	mkdir -p "$BUILD/tests/out"
	(cd "$1" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1 ||
		{ sed 's/^/#   /' "$log" | tail -n 20; return 1; }
}

# A directory we may write to.  Checks the mode bits too: root may write
# anywhere, but a tree made read-only (make distcheck: chmod a-w) is not ours.
writable() {
	[ -d "$1" ] && [ -w "$1" ] && [ -n "$(find "$1" -maxdepth 0 -perm -u+w 2>/dev/null)" ]
}

# Where to run from: ESM resolves "playwright-core" next to the script file
# (NODE_PATH does not apply to import), so the test runs from the directory
# that holds node_modules.
if installed_ok "$SRCB"; then
	DIR=$SRCB
elif writable "$SRCB" && { [ ! -e "$SRCB/node_modules" ] || writable "$SRCB/node_modules"; }; then
	npm_install "$SRCB" || bail "npm ci in $SRCB failed"
	DIR=$SRCB
else
	DIR=$BUILD/tests/out/browser-node
	mkdir -p "$DIR" || bail "cannot create $DIR"
	if ! cmp -s "$SRCB/package-lock.json" "$DIR/package-lock.json" || ! installed_ok "$DIR"; then
		cp -f "$SRCB/package.json" "$SRCB/package-lock.json" "$DIR/" || bail "cannot copy package*.json to $DIR"
		npm_install "$DIR" || bail "npm ci in $DIR failed"
	fi
	cp -f "$SRCB"/*.mjs "$DIR/" || bail "cannot copy the tests (*.mjs) to $DIR"
fi
installed_ok "$DIR" || bail "playwright-core $want is not installed in $DIR/node_modules"

mkdir -p "$BUILD/tests/out"
# Sign-in throttles left by earlier suites (tests/http tries wrong passwords)
# must not decide whether the demo users can sign in here.
if [ -n "${GH_TEST_STATE:-}" ] && [ -f "$GH_TEST_STATE/gatehouse.ini" ] && [ -x "$BUILD/gatehouse-ctl" ]; then
	"$BUILD/gatehouse-ctl" -c "$GH_TEST_STATE/gatehouse.ini" throttle reset >/dev/null 2>&1 ||
		echo "# gatehouse-ctl throttle reset failed (continuing)"
fi
cd "$DIR" || bail "cannot cd to $DIR"

# The tests, portal-settings.mjs first.
tests=()
if [ -n "${GH_BROWSER_TESTS:-}" ]; then
	read -r -a tests <<<"$GH_BROWSER_TESTS"
else
	[ -f "$SRCB/portal-settings.mjs" ] && tests+=(portal-settings.mjs)
	for f in "$SRCB"/*.mjs; do
		f=${f##*/}
		[ -f "$SRCB/$f" ] && [ "$f" != portal-settings.mjs ] && [ "$f" != lib.mjs ] && [ "$f" != mail.mjs ] && tests+=("$f")
	done
fi
[ "${#tests[@]}" -gt 0 ] || bail "no tests (*.mjs) in $SRCB"

# One TAP stream: number every ok / not ok line (with or without a number of
# its own) in sequence; each test's plan is checked, not printed.
shopt -s lastpipe
total=0 failures=0
tap() { # tap ok|not ok DESCRIPTION
	total=$((total + 1))
	[ "$1" = ok ] || failures=$((failures + 1))
	printf '%s %d%s\n' "$1" "$total" "$2"
}
tap_re='^(not ok|ok)( [0-9]+)?( .*)?$'
for t in "${tests[@]}"; do
	echo "# ---- $t"
	if [ ! -f "$DIR/$t" ]; then
		tap "not ok" " - $t: not found in $DIR"
		continue
	fi
	count=0 bad=0 plan=
	node "$t" | while IFS= read -r line || [ -n "$line" ]; do
		if [[ $line =~ $tap_re ]]; then
			count=$((count + 1))
			[ "${BASH_REMATCH[1]}" = ok ] || bad=$((bad + 1))
			tap "${BASH_REMATCH[1]}" "${BASH_REMATCH[3]}"
		elif [[ $line =~ ^1\.\.([0-9]+) ]]; then
			plan=${BASH_REMATCH[1]}
		else
			printf '%s\n' "$line"
		fi
	done
	rc=${PIPESTATUS[0]}
	if [ -z "$plan" ] || [ "$plan" -ne "$count" ]; then
		tap "not ok" " - $t: plan ${plan:-missing} but $count test(s) ran (exit status $rc)"
	elif [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		tap "not ok" " - $t exited with status $rc without a failing test"
	fi
done
echo "1..$total"
[ "$failures" -eq 0 ]
