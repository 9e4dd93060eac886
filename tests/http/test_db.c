/* The statement table against the stack's MariaDB (issue 13, part 2):
 * each role's start-up check (every statement of the role prepared, its
 * parameter and column counts as MariaDB counts them), a count that differs
 * caught at prepare time and at run time, a statement of another role
 * refused before anything reaches the server, the descriptors' finishing of
 * each row, and transactions' edges (db_in_txn, a rollback with none open). */
#include "config.h"

#include <mysql.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "db.h"
#include "db/internal.h"
#include "tap.h"
#include "http/client.h"

static struct conf app, admin;

/* The statements a role's start-up check prepares: outside a cluster
 * (cluster 0) all but those of stmt_cluster.h. */
static size_t role_count_in(unsigned role, int cluster)
{
	size_t n = 0;

	for (size_t i = 0; i < DBQ__COUNT; i++)
		n += (db_stmts[i].roles & role) != 0 &&
		     (cluster || !(db_stmts[i].flags & DB_Q_CLUSTER));
	return n;
}

static size_t role_count(unsigned role)
{
	return role_count_in(role, 0);
}

static unsigned qmarks(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '?';
	return n;
}

/* The table itself: every entry filled, its parameters those of its SQL,
 * only reads may be retried, and the roles that own something. */
static void test_table(void)
{
	size_t empty = 0, bad_params = 0, bad_read = 0, bad_stream = 0, roleless = 0;
	char names[64];

	for (size_t i = 0; i < DBQ__COUNT; i++) {
		const struct db_stmt_def *d = &db_stmts[i];
		if (d->name == NULL || d->sql == NULL) {
			empty++;
			continue;
		}
		if (qmarks(d->sql) != d->params) {
			bad_params++;
			diag("%s: %u '?' in its SQL, .params %u", d->name, qmarks(d->sql),
			     d->params);
		}
		if ((d->flags & DB_Q_READ) && strncmp(d->sql, "SELECT", 6) != 0 &&
		    strncmp(d->sql, "WITH ", 5) != 0 &&
		    strncmp(d->sql, "SET STATEMENT wsrep_sync_wait = 0 FOR SELECT ", 45) != 0) {
			bad_read++;
			diag("%s may be retried but is not a SELECT", d->name);
		}
		if ((d->flags & DB_Q_STREAM) && !(d->flags & DB_Q_READ)) {
			bad_stream++;
			diag("%s is streamed but is not a read", d->name);
		}
		if (d->roles == 0) {
			roleless++;
			diag("%s: no role may run it", d->name);
		}
	}
	is_int(empty, 0, "every statement of the enum has an entry (name and SQL)");
	is_int(bad_params, 0, "every entry's .params is the number of '?' in its SQL");
	is_int(bad_read, 0, "only SELECTs may be retried after a reconnect (DB_Q_READ)");
	is_int(bad_stream, 0, "only reads are streamed (DB_Q_STREAM)");
	is_int(roleless, 0, "every statement has a role that may run it");
	/* The feed responder (issue 14): its key's row, its last use, its
	 * rate limit's token and wait, the change log, the snapshots and the
	 * audit document (issue 15); the purge is gatehouse-ctl's, and the
	 * feed writes no audit entry. */
	ok(role_count(DB_ROLE_FEED) == 25 && (db_stmts[DBQ_AUDIT_FEED].roles == DB_ROLE_FEED) &&
		   !(db_stmts[DBQ_AUDIT_INSERT].roles & DB_ROLE_FEED) &&
		   (db_stmts[DBQ_KEY_AUTH].roles & DB_ROLE_FEED) &&
		   (db_stmts[DBQ_KEY_USED].roles & DB_ROLE_FEED) &&
		   (db_stmts[DBQ_KEY_TAKE].roles & DB_ROLE_FEED) &&
		   (db_stmts[DBQ_KEY_WAIT].roles & DB_ROLE_FEED) &&
		   (db_stmts[DBQ_FEED_CHANGES].roles == DB_ROLE_FEED) &&
		   !(db_stmts[DBQ_FEED_PURGE].roles & DB_ROLE_FEED),
	   "the feed role prepares its five API key statements and twenty of its own (%zu)",
	   role_count(DB_ROLE_FEED));
	is_int(role_count(DB_ROLE_MAILER), 9,
	       "the mailer prepares its six outbox statements, the audit entry and the "
	       "invitation ledger's two outcomes only");
	diag("%d statements: settings %zu, portal %zu, feed %zu, mailer %zu, ctl %zu",
	     (int)DBQ__COUNT, role_count(DB_ROLE_SETTINGS), role_count(DB_ROLE_PORTAL),
	     role_count(DB_ROLE_FEED), role_count(DB_ROLE_MAILER), role_count(DB_ROLE_CTL));
	ok(strcmp(db_role_names(DB_ROLE_SETTINGS | DB_ROLE_CTL, names, sizeof names),
		  "settings,ctl") == 0,
	   "role sets are named in messages (%s)", names);
}

/* Each role's start-up check against the migrated test database: the
 * responders' and the mailer's with the application's account, the ctl
 * tool's with the administrative one (its migration statements need DDL
 * grants the application's account lacks). */
static void test_startup(void)
{
	static const struct {
		unsigned role;
		const char *name;
		int admin;
	} roles[] = {{DB_ROLE_SETTINGS, "settings", 0}, {DB_ROLE_PORTAL, "portal", 0},
		     {DB_ROLE_FEED, "feed", 0},         {DB_ROLE_MAILER, "mailer", 0},
		     {DB_ROLE_CTL, "ctl", 1},           {DB_ROLE_HOOKS, "hooks", 0}};

	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		struct db *db = db_open(roles[i].admin ? &admin : &app, roles[i].role, 0, 0);
		enum db_result rc = db ? db_prepare_all(db) : DB_LOST;
		if (!ok(rc == DB_OK, "%s: the start-up check passes", roles[i].name) && db)
			diag("%s", db_errmsg(db));
		is_int(db ? db_prepared_count(db) : 0, role_count(roles[i].role),
		       "... and prepared exactly the role's statements");
		db_close(db);
	}
}

/* A copy of the table with one entry's counts changed: the start-up check
 * names the statement, and running it is refused. */
static void test_counts(void)
{
	static struct db_stmt_def t[DBQ__COUNT];
	struct db *db = db_open(&app, DB_ROLE_PORTAL, 0, 0);
	struct db_tenant ten;

	if (!ok(db != NULL, "the portal role connects"))
		return;
	memcpy(t, db_stmts, sizeof t);
	t[DBQ_TENANT_BY_SLUG].cols = 10;
	db_use_table(db, t);
	ok(db_prepare_all(db) == DB_ERR && strstr(db_errmsg(db), "TENANT_BY_SLUG") &&
		   strstr(db_errmsg(db), "11 columns"),
	   "a column count MariaDB does not agree with fails the start-up check, naming the "
	   "statement (%s)",
	   db_errmsg(db));
	ok(db_tenant_by_slug(db, "demo", &ten) == DB_ERR,
	   "... and the wrapper whose columns no longer match the table is refused");
	memcpy(t, db_stmts, sizeof t);
	t[DBQ_SESSION_PORTAL].params = 2;
	db_use_table(db, t);
	ok(db_prepare_all(db) == DB_ERR && strstr(db_errmsg(db), "SESSION_PORTAL") &&
		   strstr(db_errmsg(db), "3 parameters"),
	   "so does a parameter count (%s)", db_errmsg(db));
	db_use_table(db, db_stmts);
	ok(db_prepare_all(db) == DB_OK, "the real table passes again on the same connection");

	/* Descriptors that do not match the statement: refused before
	 * anything is sent. */
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	unsigned id = 0;
	db_arg_str(&a, "demo");
	db_arg_uint(&a, 1);
	db_col_uint(&c, &id);
	ok(db_run(db, DBQ_TENANT_BY_SLUG, &a, &c, NULL, NULL) == DB_ERR &&
		   strstr(db_errmsg(db), "2 parameters and 1 columns bound"),
	   "db_run refuses descriptors with the wrong counts (%s)", db_errmsg(db));
	ok(db_tenant_by_slug(db, "demo", &ten) == DB_OK && strcmp(ten.slug, "demo") == 0,
	   "the wrapper runs the statement (demo: %s, zone %s)", ten.slug, ten.time_zone);
	db_close(db);
}

/* The one runner of raw SQL (whole migration files, db_exec_script): the
 * ctl role on a multi-statement connection only; any other connection is
 * refused before anything is sent.  Then the ctl tool's runs it. */
static void test_script(void)
{
	static const char script[] = "CREATE TABLE test_db_script (id INT PRIMARY KEY) "
				     "ENGINE=InnoDB; DROP TABLE test_db_script";
	struct db *app_db = db_open(&app, DB_ROLE_SETTINGS, DB_MULTI_STATEMENTS, 0);
	struct db *plain = db_open(&admin, DB_ROLE_CTL, 0, 0);
	struct db *ctl = db_open(&admin, DB_ROLE_CTL, DB_MULTI_STATEMENTS | DB_UNBOUNDED, 0);
	char *n;

	free(sql1("DROP TABLE IF EXISTS test_db_script"));
	ok(app_db && db_exec_script(app_db, script, sizeof script - 1, "t") == DB_ERR &&
		   strstr(db_errmsg(app_db), "ctl role") != NULL,
	   "a responder's connection may not run a script (%s)", app_db ? db_errmsg(app_db) : "");
	ok(plain && db_exec_script(plain, script, sizeof script - 1, "t") == DB_ERR,
	   "nor the ctl tool's without multiple statements");
	n = sql1("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
		 "AND table_name = 'test_db_script'");
	ok(n && strcmp(n, "0") == 0, "... and neither sent anything (no table made)");
	free(n);
	ok(ctl && db_exec_script(ctl, script, sizeof script - 1, "t") == DB_OK,
	   "the ctl tool's multi-statement connection runs the whole script (%s)",
	   ctl ? db_errmsg(ctl) : "no connection");
	db_close(app_db);
	db_close(plain);
	db_close(ctl);
}

/* A statement of another role: DB_ERR and a log line, nothing prepared. */
static void test_roles(void)
{
	struct db *db = db_open(&app, DB_ROLE_MAILER, 0, 0);
	unsigned char claim[DB_CLAIM_LEN] = {0};
	struct db_tenant t;

	if (!ok(db != NULL, "the mailer role connects"))
		return;
	ok(db_tenant_by_slug(db, "demo", &t) == DB_ERR, "the mailer may not read a tenant");
	ok(strstr(db_errmsg(db), "TENANT_BY_SLUG") && strstr(db_errmsg(db), "mailer"),
	   "the refusal names the statement and the role (%s)", db_errmsg(db));
	is_int(db_prepared_count(db), 0, "nothing was prepared for it");
	ok(db_outbox_sent(db, UINT64_MAX, claim) == DB_NOTFOUND,
	   "its own statements run (a claim that is not ours: not found)");
	db_close(db);
	db = db_open(&app, DB_ROLE_SETTINGS, 0, 0);
	ok(db != NULL && db_tenant_by_slug(db, "demo", &t) == DB_ERR,
	   "the settings responder may not run the portal's slug look-up");
	db_close(db);
}

/* TENANT_BY_SLUG's columns with the slug into slug[sz] and the rest into
 * scratch buffers; the slug buffer is filled with 'X' first. */
static enum db_result slug_into(struct db *db, char *slug, size_t sz)
{
	static char text[8][6001];
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	unsigned id = 0;
	int on = 0;

	memset(slug, 'X', sz);
	db_arg_str(&a, "demo");
	db_col_uint(&c, &id);
	db_col_str(&c, slug, sz);
	for (int i = 0; i < 6; i++)
		db_col_str(&c, text[i], sizeof text[i]);
	db_col_bool(&c, &on);
	db_col_str(&c, text[6], sizeof text[6]);
	db_col_str(&c, text[7], sizeof text[7]);
	return db_one(db, DBQ_TENANT_BY_SLUG, &a, &c);
}

/* The core finishes string columns: a value that fills its buffer to the
 * last byte is still terminated (the client library leaves no NUL then),
 * and one that does not fit is an error, never a cut string. */
static void test_strings(void)
{
	struct db *db = db_open(&app, DB_ROLE_PORTAL, 0, 0);
	char slug[5];

	if (!ok(db != NULL, "the portal role connects"))
		return;
	ok(slug_into(db, slug, sizeof slug) == DB_OK && memcmp(slug, "demo", 5) == 0,
	   "a string that fills its buffer exactly is NUL-terminated by the core");
	ok(slug_into(db, slug, 4) == DB_ERR && strstr(db_errmsg(db), "truncated"),
	   "a string longer than its buffer is an error (%s)", db_errmsg(db));
	db_close(db);
}

struct names {
	int n, ok;
};

static int named_row(void *ctx, const struct db_named *nm)
{
	struct names *x = ctx;

	x->n++;
	/* Delivery Schedule, then the shorter Service Calendar: each row's
	 * string ends where that row's value does. */
	if (strcmp(nm->name, x->n == 1 ? "Delivery Schedule" : "Service Calendar") == 0)
		x->ok++;
	return 0;
}

static void test_rows_and_txn(void)
{
	struct db *db = db_open(&app, DB_ROLE_SETTINGS, 0, 0);
	struct names x = {0, 0};
	struct db_tenant t;
	char *v = sql1("SELECT id FROM tenants WHERE slug = 'demo'");
	unsigned demo = v ? (unsigned)atoi(v) : 0;

	free(v);
	if (!ok(db != NULL && demo > 0, "the settings role connects; the demo tenant is there"))
		return;
	ok(db_named_list(db, DB_CALENDARS, demo, named_row, &x) == DB_OK && x.n == 2 && x.ok == 2,
	   "string columns are NUL-terminated row by row (a long value, then a shorter one)");
	ok(!db_in_txn(db), "no transaction open at first");
	db_rollback(db);
	db_rollback(NULL);
	ok(!db_in_txn(db), "a rollback with none open is harmless");
	ok(db_begin(db) == DB_OK && db_in_txn(db), "db_begin opens one (db_in_txn)");
	ok(db_tenant_get_locked(db, demo, &t) == DB_OK && t.id == demo &&
		   strcmp(t.slug, "demo") == 0 && t.portal_enabled >= 0 && t.portal_enabled <= 1,
	   "a locked read inside it (flags come back as 0 or 1)");
	db_rollback(db);
	ok(!db_in_txn(db), "db_rollback closes it");
	ok(db_begin(db) == DB_OK && db_commit(db) == DB_OK && !db_in_txn(db),
	   "db_commit closes one too");
	db_rollback(db);
	ok(!db_in_txn(db) && db_tenant_get_locked(db, demo, &t) == DB_OK,
	   "a rollback after a commit is harmless too, and the connection goes on");
	db_close(db);
}

static unsigned sql_uint(const char *q)
{
	char *v = sql1("%s", q);
	unsigned n = v ? (unsigned)strtoul(v, NULL, 10) : 0;

	free(v);
	return n;
}

static enum db_result session_read(struct db *db, const unsigned char hash[32],
				   struct db_session *s)
{
	return db_session_office(db, hash, 60, s);
}

/* An office session's copies of its user, permission, tenant and inbox
 * count (sql/032, read by SESSION_OFFICE alone): made with the session,
 * and following every change of what they copy at once, a deactivation or
 * a permission taken away included; a user who is not the session's
 * tenant's never signs in.  Its own tenant, made here. */
static void test_session_copy(void)
{
	struct db *db = db_open(&app, DB_ROLE_SETTINGS, 0, 0);
	struct db_session s;
	unsigned char hash[32], hash2[32];
	char slug[64], q[512];
	unsigned tid, tid2, uid;

	if (!ok(db != NULL, "session copies: the settings role connects"))
		return;
	snprintf(slug, sizeof slug, "dbcopy-%d", (int)getpid());
	free(sql1(
		"INSERT INTO tenants (slug, company_name, city) VALUES ('%s', 'Copy Co', 'Oslo'), "
		"('%s-b', 'Other Co', '')",
		slug, slug));
	snprintf(q, sizeof q, "SELECT id FROM tenants WHERE slug = '%s'", slug);
	tid = sql_uint(q);
	snprintf(q, sizeof q, "SELECT id FROM tenants WHERE slug = '%s-b'", slug);
	tid2 = sql_uint(q);
	free(sql1("INSERT INTO office_users (tenant_id, email, password_hash, role, first_name, "
		  "last_name) VALUES (%u, '%s@copy.example', 'x', 'admin', 'Ann', 'Lee')",
		  tid, slug));
	snprintf(q, sizeof q, "SELECT id FROM office_users WHERE tenant_id = %u", tid);
	uid = sql_uint(q);
	free(sql1(
		"INSERT INTO office_user_perms (user_id, module, level) VALUES (%u, 'settings', 2)",
		uid));
	if (!ok(tid > 0 && tid2 > 0 && uid > 0, "session copies: a tenant and its office user"))
		goto out;
	randombytes_buf(hash, sizeof hash);
	randombytes_buf(hash2, sizeof hash2);
	ok(db_session_insert(db, hash, "office", tid, uid, 8, "127.0.0.1", "test_db", "full") ==
			   DB_OK &&
		   session_read(db, hash, &s) == DB_OK && s.user_id == uid && s.tenant_id == tid &&
		   strcmp(s.first, "Ann") == 0 && strcmp(s.last, "Lee") == 0 && s.settings == 2 &&
		   s.tenant.id == tid && strcmp(s.tenant.slug, slug) == 0 &&
		   strcmp(s.tenant.company, "Copy Co") == 0 && strcmp(s.tenant.city, "Oslo") == 0 &&
		   strcmp(s.tenant.time_zone, "UTC") == 0 && s.time_zone[0] == '\0' &&
		   s.inbox_open == 0 && !s.mfa_required && !s.mfa_enabled,
	   "a new session carries its user, permission and tenant as they are");
	free(sql1("UPDATE office_users SET first_name = 'ann', email = 'new-%s@copy.example', "
		  "time_zone = 'Europe/Oslo', mfa_required = 1 WHERE id = %u",
		  slug, uid));
	ok(session_read(db, hash, &s) == DB_OK && strcmp(s.first, "ann") == 0 &&
		   strncmp(s.email, "new-", 4) == 0 && strcmp(s.time_zone, "Europe/Oslo") == 0 &&
		   s.mfa_required,
	   "a rename (of case only, too), a new email, zone and MFA rule show on the next read");
	free(sql1("UPDATE office_users SET mfa_secret = 'x' WHERE id = %u", uid));
	ok(session_read(db, hash, &s) == DB_OK && s.mfa_enabled, "MFA set up shows");
	free(sql1(
		"UPDATE office_user_perms SET level = 1 WHERE user_id = %u AND module = 'settings'",
		uid));
	ok(session_read(db, hash, &s) == DB_OK && s.settings == 1, "a lower permission shows");
	free(sql1("DELETE FROM office_user_perms WHERE user_id = %u", uid));
	ok(session_read(db, hash, &s) == DB_OK && s.settings == 0,
	   "a permission taken away is none at once");
	free(sql1(
		"INSERT INTO office_user_perms (user_id, module, level) VALUES (%u, 'settings', 3)",
		uid));
	ok(session_read(db, hash, &s) == DB_OK && s.settings == 3, "and one given back shows");
	free(sql1("UPDATE tenants SET company_name = 'Renamed Co', portal_enabled = 1, "
		  "frame_origins = 'https://copy.example', time_zone = 'America/Chicago' WHERE id "
		  "= %u",
		  tid));
	ok(session_read(db, hash, &s) == DB_OK && strcmp(s.tenant.company, "Renamed Co") == 0 &&
		   s.tenant.portal_enabled == 1 &&
		   strcmp(s.tenant.frame_origins, "https://copy.example") == 0 &&
		   strcmp(s.tenant.time_zone, "America/Chicago") == 0,
	   "the tenant's rename, portal and frame origins show");
	free(sql1("INSERT INTO office_inbox_counts (tenant_id, open_items) VALUES (%u, 4) ON "
		  "DUPLICATE KEY UPDATE open_items = 4",
		  tid));
	ok(session_read(db, hash, &s) == DB_OK && s.inbox_open == 4, "the inbox count shows");
	free(sql1("UPDATE office_inbox_counts SET open_items = 3 WHERE tenant_id = %u", tid));
	ok(session_read(db, hash, &s) == DB_OK && s.inbox_open == 3, "and follows it");
	ok(db_session_insert(db, hash2, "office", tid, uid, 8, "127.0.0.1", "test_db", "full") ==
			   DB_OK &&
		   session_read(db, hash2, &s) == DB_OK && s.inbox_open == 3 && s.settings == 3 &&
		   strcmp(s.tenant.company, "Renamed Co") == 0,
	   "a second session copies the same");
	free(sql1("UPDATE office_users SET active = 0 WHERE id = %u", uid));
	ok(session_read(db, hash, &s) == DB_NOTFOUND && session_read(db, hash2, &s) == DB_NOTFOUND,
	   "a deactivated user's sessions are refused at once");
	free(sql1("UPDATE office_users SET active = 1 WHERE id = %u", uid));
	ok(session_read(db, hash, &s) == DB_OK, "and open again on reactivation, as with the join");
	free(sql1("UPDATE office_users SET tenant_id = %u WHERE id = %u", tid2, uid));
	ok(session_read(db, hash, &s) == DB_NOTFOUND,
	   "a user moved to another tenant: the session is refused");
	free(sql1("UPDATE office_users SET tenant_id = %u WHERE id = %u", tid, uid));
	ok(session_read(db, hash, &s) == DB_OK && s.user_id == uid,
	   "and opens again once the user is back, as with the join");
	randombytes_buf(hash2, sizeof hash2);
	ok(db_session_insert(db, hash2, "office", tid2, uid, 8, "127.0.0.1", "test_db", "full") ==
			   DB_OK &&
		   session_read(db, hash2, &s) == DB_NOTFOUND,
	   "a session made for a tenant the user is not in never opens");
out:
	free(sql1("DELETE FROM sessions WHERE tenant_id IN (%u, %u)", tid, tid2));
	free(sql1("DELETE FROM office_users WHERE tenant_id IN (%u, %u)", tid, tid2));
	db_close(db);
}

struct streamed {
	unsigned n, stop_at, last_id;
	int ordered;
};

static int streamed_row(void *ctx, const void *row)
{
	struct streamed *x = ctx;
	const struct db_feed_portal_user *u = row;

	if (u->part != 0)
		return 0;
	x->ordered &= u->id > x->last_id;
	x->last_id = u->id;
	return ++x->n == x->stop_at;
}

/* A streamed statement (DB_Q_STREAM, the feed's pages): its rows arrive
 * one by one, all of them and in order; a row function that stops it leaves
 * the connection able to run the next statement (the rest of the result
 * read and dropped), and the same page read again is whole. */
static void test_stream(void)
{
	struct db *db = db_open(&app, DB_ROLE_FEED, 0, 0);
	char *v = sql1("SELECT COUNT(*) FROM portal_users pu JOIN tenants t ON t.id = pu.tenant_id "
		       "WHERE t.slug = 'demo'");
	char *d = sql1("SELECT id FROM tenants WHERE slug = 'demo'");
	unsigned want = v ? (unsigned)atoi(v) : 0, demo = d ? (unsigned)atoi(d) : 0;
	struct streamed all = {0, 0, 0, 1}, cut = {0, 1, 0, 1}, again = {0, 0, 0, 1};
	struct db_feed_head h;

	free(v);
	free(d);
	if (!ok(db != NULL && want > 1,
		"the feed role connects; the demo tenant has %u portal users", want))
		goto out;
	ok(db_feed_page(db, DB_FEED_PORTAL_USER, demo, 0, 1000, streamed_row, &all) == DB_OK &&
		   all.n == want && all.ordered,
	   "a streamed page hands over every row, in order (%u of %u)", all.n, want);
	ok(db_feed_page(db, DB_FEED_PORTAL_USER, demo, 0, 1000, streamed_row, &cut) == DB_ERR &&
		   cut.n == 1,
	   "a row function that stops a streamed statement stops it (DB_ERR after 1 row)");
	ok(db_feed_head(db, demo, &h) == DB_OK, "the next statement runs on the same connection");
	ok(db_feed_page(db, DB_FEED_PORTAL_USER, demo, 0, 1000, streamed_row, &again) == DB_OK &&
		   again.n == want,
	   "and the same page read again is whole (%u rows)", again.n);
out:
	db_close(db);
}

/* A statement of the portal role that reads one number (the query q),
 * run on a connection made with conf c, after the cluster's causal wait
 * statement set to sync_wait (unless it is -1): 0 with *v set, -1 if
 * db_open or a statement failed. */
static int read_number_after(const struct conf *c, int sync_wait, const char *q, unsigned *v)
{
	static struct db_stmt_def t[DBQ__COUNT];
	struct db *db = db_open(c, DB_ROLE_PORTAL, 0, 0);
	struct db_args a = DB_ARGS(), set = DB_ARGS();
	struct db_cols cols = DB_COLS();
	int rc = -1;

	if (db == NULL)
		return -1;
	memcpy(t, db_stmts, sizeof t);
	t[DBQ_TENANT_BY_SLUG].sql = q;
	t[DBQ_TENANT_BY_SLUG].params = 0;
	t[DBQ_TENANT_BY_SLUG].cols = 1;
	db_use_table(db, t);
	db_col_uint(&cols, v);
	if (sync_wait >= 0) {
		db_arg_uint(&set, (unsigned)sync_wait);
		if (db_exec(db, DBQ_GALERA_SYNC_WAIT, &set) != DB_OK)
			goto out;
	}
	if (db_one(db, DBQ_TENANT_BY_SLUG, &a, &cols) == DB_OK)
		rc = 0;
out:
	if (rc != 0)
		diag("%s", db_errmsg(db));
	db_close(db);
	return rc;
}

static int read_number(const struct conf *c, const char *q, unsigned *v)
{
	return read_number_after(c, -1, q, v);
}

/* The stack's gatehouse.ini with more [database] lines (later lines win),
 * loaded into c; 0 on success. */
static int conf_with(const char *state, const char *more, struct conf *c)
{
	char src[1024], path[] = "/tmp/gh-db-ini-XXXXXX", err[512], buf[8192];
	FILE *in, *out;
	size_t n;
	int fd = mkstemp(path), rc = -1;

	snprintf(src, sizeof src, "%s/gatehouse.ini", state);
	if (fd < 0 || (in = fopen(src, "r")) == NULL)
		goto out;
	if ((out = fdopen(fd, "w")) == NULL) {
		fclose(in);
		goto out;
	}
	fd = -1;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	fprintf(out, "\n[database]\n%s", more);
	fclose(out);
	if ((rc = conf_load(path, c, err, sizeof err)) != 0)
		diag("%s", err);
out:
	if (fd >= 0)
		close(fd);
	unlink(path);
	return rc;
}

/* [database] failover (issue 17): the primary's socket does not exist;
 * the failover list is tried in order, the first that answers is used. */
static void test_failover(const char *state)
{
	static struct conf c;
	char more[1600];
	unsigned v = 0;

	snprintf(more, sizeof more,
		 "socket = %s/run/no-such-db.sock\nfailover = unix:%s/run/none.sock, unix:%s\n",
		 state, state, app.db.socket);
	if (!ok(conf_with(state, more, &c) == 0 && c.db.nservers == 2,
		"an ini whose primary socket does not exist, two failover sockets (%zu)",
		c.db.nservers))
		return;
	ok(read_number(&c, "SELECT 42", &v) == 0 && v == 42,
	   "the connection is made to the second failover server, which answers (%u)", v);
	snprintf(more, sizeof more, "socket = %s/run/no-such-db.sock\nfailover =\n", state);
	ok(conf_with(state, more, &c) == 0 && c.db.nservers == 0 &&
		   db_open(&c, DB_ROLE_PORTAL, 0, 0) == NULL,
	   "without the failover list the same primary cannot be connected");
	snprintf(more, sizeof more,
		 "socket = %s/run/no-such-db.sock\nfailover = unix:%s/run/none.sock\n", state,
		 state);
	ok(conf_with(state, more, &c) == 0 && c.db.nservers == 1 &&
		   db_open(&c, DB_ROLE_PORTAL, 0, 0) == NULL,
	   "nor when no failover server answers either");
}

/* A cluster's connections ([database] sync_wait or failover set) also
 * prepare the two statements of stmt_cluster.h, for every role; the other
 * connections never do (a MariaDB without wsrep could not).  On this
 * server, built with wsrep but in no cluster, the state read says "not
 * Galera" and the connection goes on. */
static void test_cluster_statements(const struct conf *c)
{
	static const unsigned roles[] = {DB_ROLE_SETTINGS, DB_ROLE_PORTAL, DB_ROLE_FEED,
					 DB_ROLE_MAILER,   DB_ROLE_HOOKS,  DB_ROLE_JOBS};
	size_t good = 0;

	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		struct db *db = db_open(c, roles[i], 0, 0);
		enum db_result rc = db ? db_prepare_all(db) : DB_LOST;
		size_t n = db ? db_prepared_count(db) : 0;
		if (rc == DB_OK && n == role_count_in(roles[i], 1) && n == role_count(roles[i]) + 2)
			good++;
		else
			diag("role %u: %s, %zu prepared, %zu expected", roles[i],
			     db ? db_errmsg(db) : "no connection", n, role_count_in(roles[i], 1));
		db_close(db);
	}
	is_int(good, sizeof roles / sizeof roles[0],
	       "with sync_wait set, every role's start-up check also prepares the cluster's "
	       "two statements (GALERA_STATE, GALERA_SYNC_WAIT)");
	ok((db_stmts[DBQ_GALERA_STATE].flags & DB_Q_CLUSTER) &&
		   (db_stmts[DBQ_GALERA_SYNC_WAIT].flags & DB_Q_CLUSTER) &&
		   role_count_in(DB_ROLE_SETTINGS, 1) == role_count(DB_ROLE_SETTINGS) + 2,
	   "outside a cluster they are left out (test_startup's counts)");
}

/* [database] sync_wait: each connection's wsrep_sync_wait (this server is
 * built with wsrep: the variable exists without a cluster). */
static void test_sync_wait(const char *state)
{
	static struct conf c;
	unsigned v = 99;
	int rc;

	ok(read_number(&app, "SELECT @@session.wsrep_sync_wait", &v) == 0 && v == 0,
	   "without sync_wait the session's wsrep_sync_wait is the server's (0)");
	if (!ok(conf_with(state, "sync_wait = 3\n", &c) == 0 && c.db.sync_wait == 3,
		"an ini with sync_wait = 3"))
		return;
	v = 99;
	ok(read_number(&c, "SELECT @@session.wsrep_sync_wait", &v) == 0 && v == 3,
	   "a connection made with it has wsrep_sync_wait = 3 (%u)", v);
	test_cluster_statements(&c);
	v = 99;
	rc = read_number_after(&c, 0, "SELECT @@session.wsrep_sync_wait", &v);
	ok(rc == 0 && v == 0,
	   "the cluster's causal wait statement, its value a parameter, sets the connection's "
	   "wsrep_sync_wait (3 to %u: a node alone)",
	   v);
	v = 99;
	rc = read_number_after(&c, 1, "SELECT @@session.wsrep_sync_wait", &v);
	ok(rc == 0 && v == 1, "... and back (%u)", v);
}

/* Galera replicates only tables with a primary key (a row without one
 * cannot be identified on the other nodes): every table of the schema
 * has one. */
static void test_primary_keys(void)
{
	char *v = sql1("SELECT CONCAT(COUNT(*), ':', IFNULL(GROUP_CONCAT(t.table_name), '')) "
		       "FROM information_schema.tables t WHERE t.table_schema = DATABASE() "
		       "AND t.table_type = 'BASE TABLE' AND NOT EXISTS (SELECT 1 FROM "
		       "information_schema.table_constraints k WHERE k.table_schema = "
		       "t.table_schema AND k.table_name = t.table_name AND k.constraint_type = "
		       "'PRIMARY KEY')");
	char *n = sql1("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
		       "DATABASE() AND table_type = 'BASE TABLE'");

	ok(v != NULL && strcmp(v, "0:") == 0 && n != NULL && atoi(n) > 40,
	   "every one of the %s tables has a primary key (without: %s)", n ? n : "?", v ? v : "?");
	free(v);
	free(n);
}

int main(void)
{
	const char *state = env_or("GH_TEST_STATE", "tests/out/stack");
	char path[1024], err[512];

	test_table();
	snprintf(path, sizeof path, "%s/gatehouse.ini", state);
	if (!ok(conf_load(path, &app, err, sizeof err) == 0, "the stack's gatehouse.ini loads"))
		return done_testing();
	snprintf(path, sizeof path, "%s/gatehouse-admin.ini", state);
	if (!ok(conf_load(path, &admin, err, sizeof err) == 0, "and its gatehouse-admin.ini"))
		return done_testing();
	if (mysql_library_init(0, NULL, NULL) != 0)
		return done_testing();
	test_startup();
	test_counts();
	test_roles();
	test_script();
	test_strings();
	test_rows_and_txn();
	test_session_copy();
	test_stream();
	test_failover(state);
	test_sync_wait(state);
	test_primary_keys();
	mysql_library_end();
	return done_testing();
}
