#!/usr/bin/env bash
# Runs each of the stack's responders under valgrind (memcheck, leak check)
# for a smoke workload through nginx, then SIGTERM.  TAP: the workload
# answered as expected, exit 0 and no errors or leaks, the stack back.
#   settings: sign-in, pages, XML, errors, a save, a bad save, the audit
#             log (a filter, a bad cursor, both exports, streamed), the
#             account page, "view as this client", Office Users signed in
#             never, a portal user deleted, Deleted, restored (and again:
#             404), Import (a CSV file uploaded, a bad one, the job's page
#             and report), a bulk action's choices, sign-out
#   jobs:     gatehouse-jobs runs an import's check and run, and a bulk
#             action (then SIGTERM)
#   portal:   login page, a wrong and a right sign-in, home, account, MFA
#             enrolment page (QR code), a wrong code, forgot password, an
#             unknown slug and token, sign-out
#   feed:     every document (the audit trail's too), pages by cursor,
#             changes, a 304, a schema, no
#             key, a wrong key, a bad cursor, a bad limit, an unknown kind
# The workload runs in a tenant of its own (gatehouse-ctl tenant create, its
# Super Admin, a customer and a portal user), so it leaves the demo alone.
# Env: GH_SRCDIR, GH_BUILDDIR, GH_TEST_PORT, GH_TEST_STATE (set by tests/run).
set -u
B=http://127.0.0.1:${GH_TEST_PORT:?}
ST=${GH_TEST_STATE:?}
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
if ! command -v valgrind >/dev/null; then t 1 "valgrind is installed"; echo "1..$n"; exit 1; fi
if nm "$GH_BUILDDIR/gatehouse-settings" 2>/dev/null | grep -q __asan_init; then
	echo "1..0 # SKIP sanitizer build: valgrind cannot run ASan binaries"
	exit 0
fi
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
PW=gatehouse-demo
SLUG=vg-$(date +%s)-$$
ADMIN=admin@$SLUG.test
CLIENT=client@$SLUG.test
sql() { "$GH_SRCDIR/scripts/gh-stack" sql "$1" --state "$ST" -- -N; }
ctl() { "$GH_BUILDDIR/gatehouse-ctl" -c "$ST/gatehouse.ini" "$@" >/dev/null; }
ctl tenant create "$SLUG" 'Valgrind Field Services' &&
	echo "$PW" | ctl user create --tenant "$SLUG" --email "$ADMIN" --super-admin &&
	sql "UPDATE tenants SET portal_enabled = 1 WHERE slug = '$SLUG';
	     INSERT INTO customers (tenant_id, name) SELECT id, 'ABM Apartments' FROM tenants WHERE slug = '$SLUG';
	     INSERT INTO portal_users (tenant_id, customer_id, company_name, email, password_hash, password_set_at)
	     SELECT c.tenant_id, c.id, c.name, '$CLIENT', u.password_hash, NOW(6) FROM customers c
	     JOIN office_users u ON u.tenant_id = c.tenant_id AND u.email = '$ADMIN'
	     WHERE c.tenant_id = (SELECT id FROM tenants WHERE slug = '$SLUG');
	     INSERT INTO portal_users (tenant_id, customer_id, company_name, email)
	     SELECT c.tenant_id, c.id, c.name, 'gone@$SLUG.test' FROM customers c
	     WHERE c.tenant_id = (SELECT id FROM tenants WHERE slug = '$SLUG')" &&
	[ "$(sql "SELECT COUNT(*) FROM portal_users WHERE email = '$CLIENT'")" = 1 ]
t $? "a tenant of the workload's own ($SLUG): its admin, a customer and a portal user"
codes=""
c() { codes="$codes $(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" "$@")"; }
csrf() { curl -s -b "$jar" -c "$jar" "$B$1?format=xml" | grep -o 'csrf="[0-9a-f]*"' | head -n 1 | cut -d'"' -f2; }

workload_settings() {
	local k
	k=$(csrf /settings/login)
	c -d "csrf=$k&email=$ADMIN&password=wrong-password" "$B/settings/login"
	c -d "csrf=$k&email=$ADMIN&password=$PW" "$B/settings/login"
	for u in /settings/ /settings/client/portal-access-settings \
		"/settings/client/portal-access-settings?format=xml" /settings/nope "/settings/login?next=%zz"; do
		c "$B$u"
	done
	k=$(csrf /settings/client/portal-access-settings)
	c -d "csrf=$k&enabled=1&frame_origins=https://a.example" "$B/settings/client/portal-access-settings"
	c -d "csrf=$k&enabled=1&frame_origins=ftp://a" "$B/settings/client/portal-access-settings"
	for u in /settings/audit-log "/settings/audit-log?category=office_user&per=25" \
		"/settings/audit-log/export?as=csv" "/settings/audit-log/export?as=xml" \
		"/settings/audit-log?older=2026x" /settings/account; do
		c "$B$u"
	done
	c -d "csrf=$k&id=$(sql "SELECT id FROM portal_users WHERE email = '$CLIENT'")" \
		"$B/settings/client/portal-access/view-as"
	c "$B/settings/office-users?signin=never"
	c -d "csrf=$k&id=$(sql "SELECT id FROM portal_users WHERE email = 'gone@$SLUG.test'")" \
		"$B/settings/client/portal-access/delete"
	c "$B/settings/client/portal-access/deleted"
	k=$(sql "SELECT id FROM portal_user_tombstones WHERE email = 'gone@$SLUG.test'")
	c -d "csrf=$(csrf /settings/client/portal-access/deleted)&id=$k" \
		"$B/settings/client/portal-access/deleted"
	c -d "csrf=$(csrf /settings/client/portal-access/deleted)&id=$k" \
		"$B/settings/client/portal-access/deleted"
	upload 'email;company;first name\r\nvg1@x.example;ABM Apartments;"A; B"\r\n'
	upload 'email,company\nj\366rg@x.example,ABM Apartments\n'
	k=$(sql "SELECT MAX(id) FROM jobs WHERE tenant_id = (SELECT id FROM tenants WHERE slug = '$SLUG')")
	c "$B/settings/client/portal-access/job?id=$k"
	c "$B/settings/client/portal-access/job/report?id=$k"
	c "$B/settings/client/portal-access/bulk-action?q=abm"
	k=$(csrf /settings/client/portal-access-settings)
	c -d "csrf=$k" "$B/settings/logout"
}

# upload TEXT: TEXT (printf's escapes) as a CSV file to Portal Access > Import.
upload() {
	local f
	f=$(mktemp)
	printf "$1" >"$f"
	c -F "csrf=$(csrf /settings/client/portal-access/import)" -F "file=@$f;type=text/csv" \
		"$B/settings/client/portal-access/import"
	rm -f "$f"
}

# The jobs worker under valgrind: an import checked and run, a bulk action.
check_jobs() {
	local vpid rc job k vlog=$ST/log/valgrind-jobs.log
	kill "$(cat "$ST/run/jobs.sup.pid")" "$(cat "$ST/run/jobs.pid")" 2>/dev/null
	sleep 0.5
	valgrind --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=9 --log-file="$vlog" \
		"$GH_BUILDDIR/gatehouse-jobs" -c "$ST/gatehouse.ini" 2>>"$ST/log/jobs-valgrind.log" &
	vpid=$!
	: >"$jar"
	k=$(csrf /settings/login)
	c -d "csrf=$k&email=$ADMIN&password=$PW" "$B/settings/login"
	codes=""
	upload 'email;company;first name;sites\r\nvg2@x.example;ABM Apartments;Val Grind;all\r\nbad;ABM Apartments;;\r\n'
	job=$(sql "SELECT MAX(id) FROM jobs WHERE tenant_id = (SELECT id FROM tenants WHERE slug = '$SLUG')")
	wait_job "$job" check
	c -d "csrf=$(csrf /settings/client/portal-access/import)&id=$job&op=run" \
		"$B/settings/client/portal-access/job"
	wait_job "$job" run
	c -d "csrf=$(csrf /settings/client/portal-access/import)&q=vg2&action=revoke&scope=all" \
		"$B/settings/client/portal-access/bulk-action"
	job=$(sql "SELECT MAX(id) FROM jobs WHERE tenant_id = (SELECT id FROM tenants WHERE slug = '$SLUG')")
	wait_job "$job" run
	[ "$codes" = " 303 303 303" ] &&
		[ "$(sql "SELECT status FROM portal_users WHERE email = 'vg2@x.example'")" = revoked ]
	t $? "jobs: an import and a bulk action done under valgrind:$codes"
	kill -TERM "$vpid"
	wait "$vpid"
	rc=$?
	t $rc "jobs: the worker exited 0 under valgrind: no memory errors, no leaks (exit $rc)"
	grep -E "ERROR SUMMARY|definitely lost|indirectly lost" "$vlog" | sed 's/^/# /'
}

# wait_job ID PHASE: until the job's PHASE is done (60 s at most).
wait_job() {
	for _ in $(seq 600); do
		[ "$(sql "SELECT state FROM jobs WHERE id = $1 AND phase = '$2'")" = done ] && return
		sleep 0.1
	done
}

workload_portal() {
	local k p=/portal/$SLUG/
	k=$(csrf $p)
	c -d "csrf=$k&email=$CLIENT&password=wrong-password" "$B$p"
	c -d "csrf=$k&email=$CLIENT&password=$PW" "$B$p"
	for u in home account mfa/enrol "mfa/enrol?format=xml" forgot; do
		c "$B$p$u"
	done
	for u in invoices "jobs?format=xml" equipment "documents?id=4294967295" colleagues; do
		c "$B$p$u"
	done
	k=$(csrf ${p}home)
	c -d "csrf=$k&code=000000" "$B${p}mfa/enrol"
	c -d "csrf=$k&action=pay&id=4294967295" "$B${p}invoices"
	c -d "csrf=$k&action=request&date=2000-01-01&description=x" "$B${p}jobs"
	c "$B/portal/no-such-tenant/"
	c "$B${p}t?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	c -d "csrf=$k" "$B${p}logout"
	k=$(csrf ${p}forgot)
	c -d "csrf=$k&email=nobody@abm.example.com" "$B${p}forgot"
}

workload_feed() {
	local key h f=/feed/$SLUG d et
	key=$("$GH_BUILDDIR/gatehouse-ctl" -c "$ST/gatehouse.ini" key create --tenant "$SLUG" --name vg \
		--scopes portal_users,customers,sites,groups,office_users,records,audit,changes |
		sed -n 's/^key: *//p')
	h="Authorization: Bearer $key"
	for d in portal-users customers groups office-users records/invoices records/jobs changes \
		"portal-users?limit=1" "changes?limit=1" audit "audit?limit=1"; do
		c -H "$h" "$B$f/$d"
	done
	d=$(curl -s -H "$h" "$B$f/customers?limit=1" | sed -n 's/.*<next after="\([^"]*\)".*/\1/p')
	c -H "$h" "$B$f/customers?limit=1&after=$d"
	et=$(curl -s -D - -o /dev/null -H "$h" "$B$f/groups" | sed -n 's/^ETag: *//Ip' | tr -d '\r')
	c -H "$h" -H "If-None-Match: $et" "$B$f/groups"
	c "$B/feed/schema/v1/changes.xsd"
	c "$B$f/portal-users"
	c -H "Authorization: Bearer ghk_aaaaaaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "$B$f/portal-users"
	c -H "$h" "$B$f/portal-users?after=AAAA"
	c -H "$h" "$B$f/portal-users?limit=5000"
	c -H "$h" "$B$f/records/widgets"
}

# check NAME EXPECTED: NAME's responder under valgrind for workload_NAME.
check() {
	local name=$1 want=$2 pid vpid rc vlog=$ST/log/valgrind-$1.log
	local bin=$GH_BUILDDIR/gatehouse-$name sock=$ST/run/$name.sock
	"$GH_BUILDDIR/gatehouse-ctl" -c "$ST/gatehouse.ini" throttle reset >/dev/null
	pid=$(cat "$ST/run/$name.pid")
	kill "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	valgrind --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=9 --log-file="$vlog" \
		"$bin" -c "$ST/gatehouse.ini" 2>>"$ST/log/$name-valgrind.log" &
	vpid=$!
	for _ in $(seq 300); do [ -S "$sock" ] && break; sleep 0.1; done
	sleep 1
	codes=""
	: >"$jar"
	"workload_$name"
	[ "$codes" = "$want" ]
	t $? "$name: smoke workload under valgrind answered as expected:$codes"
	kill -TERM "$vpid"
	wait "$vpid"
	rc=$?
	t $rc "$name: the responder exited 0 under valgrind: no memory errors, no leaks (exit $rc)"
	grep -E "ERROR SUMMARY|definitely lost|indirectly lost" "$vlog" | sed 's/^/# /'
}

check settings " 401 303 200 200 200 404 400 303 422 200 200 200 200 400 200 303 200 303 200 303 404 303 422 200 200 200 303"
check portal " 401 303 200 200 200 200 200 200 200 200 404 403 422 404 422 404 404 303 303"
check feed " 200 200 200 200 200 200 200 200 200 200 200 200 304 200 401 401 400 400 400"
"$GH_SRCDIR/scripts/gh-stack" up --port "$GH_TEST_PORT" --state "$ST" >/dev/null 2>&1
t $? "the stack's responders are back"
# The worker last: it needs the settings responder up to be given work.
check_jobs
"$GH_SRCDIR/scripts/gh-stack" up --port "$GH_TEST_PORT" --state "$ST" >/dev/null 2>&1
t $? "the stack's jobs worker is back"
echo "1..$n"
