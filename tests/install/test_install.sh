#!/usr/bin/env bash
# Installs Gatehouse the way docs/deploy.md says, onto this machine's own
# nginx configuration and a MariaDB of its own, and checks the result (TAP):
#
#  1. make install DESTDIR=scratch with --prefix/--sysconfdir as a package
#     would: the layout, the configured paths in the units, the ini and the
#     nginx snippets (no /usr/local, no DESTDIR, no placeholder), the man
#     pages, and an edited gatehouse.ini never overwritten by the next
#     make install (gatehouse.ini.new beside it);
#  2. make install with a prefix in the scratch dir, then the walk-through:
#     the system's /etc/nginx copied, its default server {} serving another
#     site, the installed snippet included in that server and the upstreams
#     in http {}; nginx -t; a private MariaDB where the database and the
#     account are made with docs/deploy.md's own SQL; migrate, the first
#     tenant and Super Admin with the installed gatehouse-ctl; the responders
#     and workers started with the ExecStart lines of the installed units
#     (as the current user); then, through nginx: the other site, the
#     sign-in page, a sign-in, the tenant's portal, the static CSS, the feed;
#     an upgrade's migrate, a backup and restore as the doc says; make
#     uninstall.
#
# Everything lives in one scratch dir and is stopped and removed at the end.
# Env: GH_SRCDIR, GH_BUILDDIR (the configured build tree),
# GH_INSTALL_PORT (nginx; default: GH_TEST_PORT + 4, the port after the
# stack's, 18084; the mailer is pointed at it + 1000 but sends nothing).
# Time-boxed: GH_INSTALL_SECS, 110 s.
set -u
SRC=${GH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${GH_BUILDDIR:-$PWD}
PORT=${GH_INSTALL_PORT:-$((${GH_TEST_PORT:-18080} + 4))}
LIMIT=${GH_INSTALL_SECS:-110}
# A short path: unix socket paths are at most 107 bytes.
# shellcheck source=tests/lib/timebox.sh
. "$SRC/tests/lib/timebox.sh"
S=$(mktemp -d /tmp/gh-install.XXXXXX) || exit 1
chmod 755 "$S"
n=0 failed=0
ok() { # CONDITION-RESULT DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
note() { echo "# $*"; }
PLAN=33
echo "1..$PLAN"

pids=()
nginx_pid=
mdb_pid=
cleanup() {
	local p
	timebox_stop
	[ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	[ -n "$mdb_pid" ] && kill -TERM "$mdb_pid" 2>/dev/null
	for p in $nginx_pid "${pids[@]}" $mdb_pid; do
		for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$S"
}
trap cleanup EXIT
trap 'echo "# interrupted (the time box of $LIMIT s, or a signal)"; exit 1' INT TERM
# The time box: past it the run is interrupted (cleaned up) and the missing
# tests fail the plan.
timebox_start "$LIMIT" "$S"

bail() { # the rest cannot run: the plan's missing tests are the failure
	echo "# $*"
	for f in "$S"/log/*.log "$S/checks.log"; do
		[ -s "$f" ] && { echo "# --- $f"; tail -n 15 "$f" | sed 's/^/#   /'; }
	done
	exit 1
}
mkdir -p "$S/log" "$S/run"
for p in nginx mariadbd mariadb mariadb-install-db mariadb-dump curl groff; do
	command -v "$p" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$p" >/dev/null 2>&1 || bail "$p not found (autogen.sh installs it)"
done
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
	bail "127.0.0.1:$PORT is in use"
fi

# ---------------------------------------------------------------- 1. DESTDIR
D=$S/dest
make -C "$BUILD" install DESTDIR="$D" prefix=/opt/gatehouse sysconfdir=/etc/opt/gatehouse \
	>"$S/log/install-destdir.log" 2>&1
ok $? "make install DESTDIR=... prefix=/opt/gatehouse sysconfdir=/etc/opt/gatehouse"
missing=
for b in settings portal feed hooks jobs mailer ctl; do
	[ -x "$D/opt/gatehouse/sbin/gatehouse-$b" ] || missing="$missing gatehouse-$b"
done
for f in share/gatehouse/xslt/static/app.css share/gatehouse/xslt/schema share/gatehouse/sql \
	share/gatehouse/conf/gatehouse-locations.conf share/gatehouse/conf/gatehouse-upstreams.conf \
	lib/systemd/system/gatehouse-settings.service lib/systemd/system/gatehouse-migrate.service \
	lib/systemd/system/gatehouse-dormant.timer share/man/man5/gatehouse.ini.5 \
	share/man/man8/gatehouse-ctl.8 share/man/man8/gatehouse-settings.8 \
	share/man/man8/gatehouse-portal.8 share/man/man8/gatehouse-mailer.8; do
	[ -e "$D/opt/gatehouse/$f" ] || missing="$missing $f"
done
[ -z "$missing" ]
ok $? "the seven programs in sbin, stylesheets, migrations, snippets, units, man pages${missing:+ (missing:$missing)}"
[ "$(ls "$D"/opt/gatehouse/share/gatehouse/sql/*.sql | wc -l)" = "$(ls "$SRC"/sql/[0-9][0-9][0-9]_*.sql | wc -l)" ]
ok $? "every migration installed"
ini=$D/etc/opt/gatehouse/gatehouse/gatehouse.ini
[ -f "$ini" ] && [ "$(stat -c %a "$ini")" = 640 ]
ok $? "gatehouse.ini under sysconfdir/gatehouse, mode 0640"
grep -qx 'ExecStart=/opt/gatehouse/sbin/gatehouse-settings -c /etc/opt/gatehouse/gatehouse/gatehouse.ini' \
	"$D/opt/gatehouse/lib/systemd/system/gatehouse-settings.service" &&
	grep -qx 'ExecStart=/opt/gatehouse/sbin/gatehouse-ctl -c /etc/opt/gatehouse/gatehouse/gatehouse.ini migrate --sql-dir /opt/gatehouse/share/gatehouse/sql' \
		"$D/opt/gatehouse/lib/systemd/system/gatehouse-migrate.service"
ok $? "the units' ExecStart name the installed programs, config and migrations"
grep -qx 'xslt_dir = /opt/gatehouse/share/gatehouse/xslt' "$ini" &&
	grep -qx 'secrets_key_file = /etc/opt/gatehouse/gatehouse/secrets.key' "$ini" &&
	grep -q 'alias "/opt/gatehouse/share/gatehouse/xslt/static/";' \
		"$D/opt/gatehouse/share/gatehouse/conf/gatehouse-locations.conf"
ok $? "the ini and the nginx snippet name the installed stylesheets, key and static files"
left=$(grep -rlE '/usr/local|@[A-Z_]+@|/etc/gatehouse' "$D/opt/gatehouse/lib/systemd" "$ini" \
	"$D/opt/gatehouse/share/man" \
	"$D/opt/gatehouse/share/gatehouse/conf/gatehouse-locations.conf" \
	"$D/opt/gatehouse/share/gatehouse/conf/gatehouse-upstreams.conf" 2>/dev/null |
	while read -r f; do
		grep -vE '^\s*[#;]' "$f" | grep -qE '/usr/local|@[A-Z_]+@|/etc/gatehouse' && echo "$f"
	done)
leak=$(grep -rlF "$D" "$D" 2>/dev/null)
[ -z "$left$leak" ]
ok $? "units, ini, snippets, man pages: no /usr/local, /etc/gatehouse, placeholder or DESTDIR left${left:+ ($left)}${leak:+ (DESTDIR in $leak)}"
bad=
for m in "$D"/opt/gatehouse/share/man/man*/*; do
	w=$(cd "$D/opt/gatehouse/share/man" && groff -man -ww -z -Tutf8 "$m" 2>&1)
	[ -z "$w" ] || bad="$bad $(basename "$m"): $w"
done
[ -z "$bad" ]
ok $? "the man pages render without a warning${bad:+ ($bad)}"
echo "; edited by the admin" >>"$ini"
make -C "$BUILD" install DESTDIR="$D" prefix=/opt/gatehouse sysconfdir=/etc/opt/gatehouse \
	>"$S/log/install-again.log" 2>&1 &&
	tail -n 1 "$ini" | grep -q 'edited by the admin' && [ -f "$ini.new" ] &&
	grep -q 'gatehouse.ini exists: kept' "$S/log/install-again.log"
ok $? "make install again keeps the edited gatehouse.ini, puts gatehouse.ini.new beside it and says so"

# ---------------------------------------------------------------- 2. live
P=$S/gh
ETC=$P/etc/gatehouse
make -C "$BUILD" install prefix="$P" sysconfdir="$P/etc" >"$S/log/install.log" 2>&1
ok $? "make install prefix=SCRATCH (the installation that runs)"
UNITS=$P/lib/systemd/system
INI=$ETC/gatehouse.ini
[ -f "$INI" ] || bail "no $INI"

# The database and its account, with the SQL of docs/deploy.md (the block
# after the "deploy-test: database" marker), its password filled in.
note "MariaDB in $S/db"
mdb_user=()
[ "$(id -u)" = 0 ] && mdb_user=(--user=root)
SOCK=$S/run/mysql.sock
mariadb-install-db --no-defaults --datadir="$S/db" "${mdb_user[@]}" \
	--auth-root-authentication-method=normal >"$S/log/mariadb-install.log" 2>&1 </dev/null ||
	bail "mariadb-install-db failed"
mkdir -p "$S/db-tmp"
setsid mariadbd --no-defaults --datadir="$S/db" --socket="$SOCK" --skip-networking \
	--pid-file="$S/run/mariadbd.pid" "${mdb_user[@]}" --tmpdir="$S/db-tmp" \
	--innodb-buffer-pool-size=64M --character-set-server=utf8mb4 \
	--collation-server=utf8mb4_unicode_ci </dev/null >>"$S/log/mariadb.log" 2>&1 &
mdb_pid=$!
sql() { mariadb --no-defaults -S "$SOCK" -uroot "$@"; }
for _ in $(seq 300); do
	sql -e 'SELECT 1' >/dev/null 2>&1 && break
	kill -0 "$mdb_pid" 2>/dev/null || bail "mariadbd exited"
	sleep 0.1
done
DBPW=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
awk '/<!-- deploy-test: database -->/ { on = 1; next } on && /^```sql/ { in_b = 1; next }
	in_b && /^```/ { exit } in_b { print }' "$SRC/docs/deploy.md" | sed "s/DB-PASSWORD/$DBPW/" >"$S/db.sql"
[ -s "$S/db.sql" ] && sql <"$S/db.sql" >>"$S/checks.log" 2>&1
ok $? "the database and its account made with docs/deploy.md's SQL"

# The ini as an admin edits it (docs/deploy.md): the database, the public
# address, sockets the current user may create (no systemd RuntimeDirectory
# here), plain http for this test.
ini_set() { # SECTION KEY VALUE
	awk -v s="[$1]" -v k="$2" -v v="$3" '
		/^\[/ { sec = $0 }
		sec == s && $0 ~ "^" k " *=" { print k " = " v; next } { print }' "$INI" >"$INI.tmp" &&
		cat "$INI.tmp" >"$INI" && rm -f "$INI.tmp"
}
ini_set database socket "$SOCK"
ini_set database password "$DBPW"
ini_set web base_url "http://127.0.0.1:$PORT"
ini_set security cookie_secure 0
ini_set settings listen "$S/run/settings.sock"
ini_set portal listen "$S/run/portal.sock"
ini_set feed listen "$S/run/feed.sock"
ini_set mail smtp_url "smtp://127.0.0.1:$((PORT + 1000))"
ini_set settings threads 4
ini_set portal threads 4
ini_set feed threads 4
ini_set security hash_queue 1
(umask 077 && head -c 32 /dev/urandom >"$ETC/secrets.key")

# Runs the ExecStart line of an installed unit (as the current user).
exec_start() { # UNIT
	sed -n 's/^ExecStart=//p' "$UNITS/$1" | tail -n 1
}
cmd=$(exec_start gatehouse-migrate.service)
case $cmd in "$P/sbin/gatehouse-ctl -c $INI migrate --sql-dir $P/share/gatehouse/sql") r=0 ;; *) r=1 ;; esac
[ $r = 0 ] && $cmd >"$S/log/migrate.log" 2>&1
ok $? "migrations applied with gatehouse-migrate.service's ExecStart"
SLUG=acme-install
ADMIN=admin@acme-install.test
ADMINPW=Install-Test-$DBPW
CTL="$P/sbin/gatehouse-ctl -c $INI"
$CTL tenant create "$SLUG" "Acme Install Ltd" >>"$S/log/ctl.log" 2>&1 &&
	printf '%s\n' "$ADMINPW" | $CTL user create --tenant "$SLUG" --email "$ADMIN" --super-admin \
		>>"$S/log/ctl.log" 2>&1
ok $? "the first tenant and its Super Admin made with the installed gatehouse-ctl"

for u in settings portal feed mailer hooks jobs; do
	cmd=$(exec_start "gatehouse-$u.service")
	case $cmd in "$P/sbin/gatehouse-$u -c $INI") ;; *) bail "gatehouse-$u.service: ExecStart=$cmd" ;; esac
	setsid $cmd </dev/null >"$S/log/$u.log" 2>&1 &
	pids+=($!)
done
for _ in $(seq 200); do
	[ -S "$S/run/settings.sock" ] && [ -S "$S/run/portal.sock" ] && [ -S "$S/run/feed.sock" ] && break
	sleep 0.1
done
[ -S "$S/run/settings.sock" ] && [ -S "$S/run/portal.sock" ] && [ -S "$S/run/feed.sock" ]
ok $? "the responders, started as their units' ExecStart, listen"

# nginx: the system's own configuration, copied.  Its paths are moved into
# the scratch dir (pid, logs, temporary files, includes); its sites are
# replaced by one default server {} serving another site, into which the
# installed snippet is included, as docs/deploy.md says.
N=$S/nginx
cp -a /etc/nginx "$N"
rm -f "$N"/sites-enabled/* "$N"/conf.d/*.conf
mkdir -p "$S/site" "$N/tmp"
echo '<!DOCTYPE html><title>Other site</title><p>the host site of this server</p>' >"$S/site/index.html"
echo 'other site asset' >"$S/site/other.txt"
sed -i -e "s|/etc/nginx/|$N/|g" -e '/^\s*user\s/d' -e '/^\s*pid\s/d' \
	-e 's|^\(\s*\)error_log\s.*|\1error_log '"$S"'/log/nginx-error.log;|' \
	-e 's|^\(\s*\)access_log\s.*|\1access_log '"$S"'/log/nginx-access.log;|' \
	-e 's|^http\s*{|http {\n\tclient_body_temp_path '"$N"'/tmp/body;\n\tproxy_temp_path '"$N"'/tmp/proxy;\n\tfastcgi_temp_path '"$N"'/tmp/fastcgi;\n\tuwsgi_temp_path '"$N"'/tmp/uwsgi;\n\tscgi_temp_path '"$N"'/tmp/scgi;|' \
	"$N/nginx.conf"
# The upstreams of the installed file, pointed at this test's sockets.
sed "s|unix:/run/gatehouse/|unix:$S/run/|" "$P/share/gatehouse/conf/gatehouse-upstreams.conf" \
	>"$N/conf.d/gatehouse.conf"
cat >"$N/sites-enabled/default" <<EOF
server {
	listen 127.0.0.1:$PORT default_server;
	server_name _;
	root $S/site;
	index index.html;
	location / {
		try_files \$uri \$uri/ =404;
	}

	include $P/share/gatehouse/conf/gatehouse-locations.conf;
}
EOF
NGINX_USER=
[ "$(id -u)" = 0 ] && NGINX_USER="user $(id -un);"
G="$NGINX_USER pid $S/run/nginx.pid; daemon off;"
nginx -t -c "$N/nginx.conf" -e "$S/log/nginx-error.log" -g "$G" >"$S/log/nginx-t.log" 2>&1
ok $? "nginx -t: the system's configuration with the snippet and the upstreams"
nginx -c "$N/nginx.conf" -e "$S/log/nginx-error.log" -g "$G" </dev/null >"$S/log/nginx.log" 2>&1 &
nginx_pid=$!

U=http://127.0.0.1:$PORT
for _ in $(seq 100); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$U/settings/login") || code=000
	[ "$code" != 000 ] && [ "$code" != 502 ] && break
	sleep 0.1
done
[ "$(curl -s --max-time 5 "$U/")" = "$(cat "$S/site/index.html")" ] &&
	[ "$(curl -s --max-time 5 "$U/other.txt")" = "other site asset" ]
ok $? "the server's other site is still served (/ and /other.txt)"
code=$(curl -s -o "$S/login.html" -w '%{http_code} %{content_type}' --max-time 5 "$U/settings/login")
[ "${code%% *}" = 200 ] && grep -q '<form' "$S/login.html" && grep -q 'name="password"' "$S/login.html"
ok $? "/settings/login through nginx: 200, the sign-in form ($code)"
code=$(curl -s -o "$S/app.css" -w '%{http_code} %{content_type}' --max-time 5 "$U/static/app.css")
[ "$code" = "200 text/css" ] && cmp -s "$S/app.css" "$P/share/gatehouse/xslt/static/app.css"
ok $? "/static/app.css: 200 text/css, the installed file ($code)"

# A sign-in of the Super Admin, as a browser does it (the XML answers carry
# the form's token).
J=$S/cookies
X=(-s --max-time 10 -b "$J" -c "$J" -H 'Accept: application/xml')
csrf=$(curl "${X[@]}" "$U/settings/login" | sed -n 's/.*<login[^>]* csrf="\([^"]*\)".*/\1/p' | head -n 1)
code=$(curl "${X[@]}" -o /dev/null -w '%{http_code} %{redirect_url}' --data-urlencode "csrf=$csrf" \
	--data-urlencode "email=$ADMIN" --data-urlencode "password=$ADMINPW" "$U/settings/login")
[ -n "$csrf" ] && [ "${code%% *}" = 303 ]
ok $? "sign-in as the Super Admin: 303 ($code)"
curl "${X[@]}" -o "$S/home.xml" "$U/settings/"
scsrf=$(sed -n 's/.*<session[^>]* csrf="\([^"]*\)".*/\1/p' "$S/home.xml" | head -n 1)
grep -q "$ADMIN" "$S/home.xml" && [ -n "$scsrf" ]
ok $? "the settings home answers the signed-in Super Admin"
# The portal of the new tenant, switched on by its Super Admin.
code=$(curl "${X[@]}" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$scsrf" \
	-d enabled=1 -d reminders=1 -d frame_origins= "$U/settings/client/portal-access-settings")
[ "$code" = 303 ]
ok $? "the Super Admin switches the tenant's portal on: 303 ($code)"
code=$(curl -s -o "$S/portal.html" -w '%{http_code}' --max-time 5 "$U/portal/$SLUG/")
[ "$code" = 200 ] && grep -q 'Acme Install Ltd' "$S/portal.html"
ok $? "/portal/$SLUG/: 200, the tenant's portal sign-in ($code)"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$U/portal/no-such-tenant/")
[ "$code" = 404 ]
ok $? "/portal/no-such-tenant/: 404 ($code)"
code=$(curl -s -o "$S/feed.xml" -w '%{http_code}' --max-time 5 "$U/feed/$SLUG/customers")
[ "$code" = 401 ] && grep -q '<error' "$S/feed.xml"
ok $? "/feed/$SLUG/customers without a key: the feed responder's 401 ($code)"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$U/feed/$SLUG/customers?api_key=ghk_x")
[ "$code" = 400 ]
ok $? "a key in the feed's URL: the snippet's 400 ($code)"
alive=0
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
[ "$alive" = 6 ]
ok $? "the six programs still run ($alive of 6)"

# Stopped as systemd stops them: SIGTERM, exit 0.
for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
clean=0
for p in "${pids[@]}"; do wait "$p" && clean=$((clean + 1)); done
pids=()
[ "$clean" = 6 ]
ok $? "SIGTERM: all six exit 0 ($clean of 6)"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$U/settings/login")
[ "$code" = 503 ]
ok $? "the responders down: nginx answers 503, not 502 ($code)"

# An upgrade's migrate, with everything stopped: nothing to apply, harmless.
before=$(sql -N gatehouse -e 'SELECT COUNT(*) FROM schema_version' 2>&1)
$(exec_start gatehouse-migrate.service) >>"$S/log/migrate.log" 2>&1 &&
	[ "$(sql -N gatehouse -e 'SELECT COUNT(*) FROM schema_version' 2>&1)" = "$before" ]
ok $? "migrate again (an upgrade's step): exit 0, nothing applied twice ($before migrations)"

# Backup and restore as docs/deploy.md says, then the settings responder
# again: the Super Admin's session of before the backup still works.
mariadb-dump --no-defaults -S "$SOCK" -uroot --single-transaction --triggers --routines gatehouse \
	>"$S/backup.sql" 2>"$S/log/dump.log" &&
	sql -e 'DROP DATABASE IF EXISTS gatehouse;
		CREATE DATABASE gatehouse CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci' &&
	sql gatehouse <"$S/backup.sql" >>"$S/log/dump.log" 2>&1
ok $? "mariadb-dump --single-transaction, then the database dropped and restored from it"
setsid $(exec_start gatehouse-settings.service) </dev/null >>"$S/log/settings.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$U/settings/login") || code=000
	[ "$code" = 200 ] && break
	sleep 0.1
done
curl "${X[@]}" -o "$S/home2.xml" "$U/settings/"
grep -q "$ADMIN" "$S/home2.xml"
ok $? "after the restore, the Super Admin's session and the settings home answer again"
for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p"; done
pids=()

kill -QUIT "$nginx_pid" 2>/dev/null
wait "$nginx_pid"
ok $? "nginx stops cleanly"
nginx_pid=

# Upgrade path: make uninstall removes the package's files, keeps the
# admin's gatehouse.ini.
make -C "$BUILD" uninstall prefix="$P" sysconfdir="$P/etc" >"$S/log/uninstall.log" 2>&1 &&
	[ ! -e "$P/sbin/gatehouse-settings" ] && [ ! -e "$UNITS/gatehouse-settings.service" ] && [ -f "$INI" ]
ok $? "make uninstall removes the programs and units, keeps gatehouse.ini"
[ "$n" -eq "$PLAN" ] || echo "# plan $PLAN but $n tests ran"
[ "$failed" -eq 0 ] || {
	for f in "$S"/log/*.log; do
		[ -s "$f" ] && { echo "# --- $f"; tail -n 8 "$f" | sed 's/^/#   /'; }
	done
}
exit $((failed > 0))
