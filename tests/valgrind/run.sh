#!/usr/bin/env bash
# Runs the stack's responder under valgrind (memcheck, leak check) for a
# smoke workload through nginx: sign-in, pages, XML, errors, a save, a bad
# save, sign-out; then SIGTERM.  TAP: exit 0 and no errors or leaks.
# Env: GH_SRCDIR, GH_BUILDDIR, GH_TEST_PORT, GH_TEST_STATE (set by tests/run).
set -u
B=http://127.0.0.1:${GH_TEST_PORT:?}
ST=${GH_TEST_STATE:?}
BIN=${GH_BUILDDIR:?}/gatehouse-settings
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
if ! command -v valgrind >/dev/null; then t 1 "valgrind is installed"; echo "1..$n"; exit 1; fi
if nm "$BIN" 2>/dev/null | grep -q __asan_init; then
	echo "1..0 # SKIP sanitizer build: valgrind cannot run ASan binaries"
	exit 0
fi
"$GH_BUILDDIR/gatehouse-ctl" -c "$ST/gatehouse.ini" throttle reset >/dev/null
pid=$(cat "$ST/run/settings.pid")
kill "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
vlog=$ST/log/valgrind.log
valgrind --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=9 --log-file="$vlog" \
	"$BIN" -c "$ST/gatehouse.ini" 2>>"$ST/log/settings-valgrind.log" &
vpid=$!
for _ in $(seq 300); do [ -S "$ST/run/settings.sock" ] && break; sleep 0.1; done
sleep 1
jar=$(mktemp)
codes=""
c() { codes="$codes $(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" "$@")"; }
csrf() { curl -s -b "$jar" -c "$jar" "$B$1?format=xml" | grep -o 'csrf="[0-9a-f]*"' | head -n 1 | cut -d'"' -f2; }
k=$(csrf /settings/login)
c -d "csrf=$k&email=admin@demo.test&password=wrong-password" "$B/settings/login"
c -d "csrf=$k&email=admin@demo.test&password=gatehouse-demo" "$B/settings/login"
for u in /settings/ /settings/client/portal-access-settings \
	"/settings/client/portal-access-settings?format=xml" /settings/nope "/settings/login?next=%zz"; do
	c "$B$u"
done
k=$(csrf /settings/client/portal-access-settings)
c -d "csrf=$k&enabled=1&frame_origins=https://a.example" "$B/settings/client/portal-access-settings"
c -d "csrf=$k&enabled=1&frame_origins=ftp://a" "$B/settings/client/portal-access-settings"
c -d "csrf=$k" "$B/settings/logout"
rm -f "$jar"
[ "$codes" = " 401 303 200 200 200 404 400 303 422 303" ]
t $? "smoke workload under valgrind answered as expected:$codes"
kill -TERM "$vpid"
wait "$vpid"
rc=$?
t $rc "the responder exited 0 under valgrind: no memory errors, no leaks (exit $rc)"
grep -E "ERROR SUMMARY|definitely lost|indirectly lost" "$vlog" | sed 's/^/# /'
"$GH_SRCDIR/scripts/gh-stack" up --port "$GH_TEST_PORT" --state "$ST" >/dev/null 2>&1
t $? "the stack's responder is back"
echo "1..$n"
