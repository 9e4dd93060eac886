#!/usr/bin/env bash
# Browser tests: headless Chromium (/usr/bin/chromium, Debian's package) driven
# by playwright-core against a running stack.  Prints TAP.
#
# Env: GH_TEST_PORT  port of the stack on 127.0.0.1 (tests/run starts the stack)
#      GH_TEST_STATE its state dir (optional: sign-in throttles are reset there first)
#      GH_SRCDIR     source dir (default: two levels above this script)
#      GH_BUILDDIR   build dir (default: $PWD); the screenshot goes to
#                    $GH_BUILDDIR/tests/out/portal-settings.png
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
	cp -f "$SRCB/portal-settings.mjs" "$DIR/" || bail "cannot copy portal-settings.mjs to $DIR"
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
exec node portal-settings.mjs
