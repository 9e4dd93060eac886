/* The connection: connect, prepare each statement of the process's role
 * and check it against the table, run one statement, transactions, and
 * what an error means.  One struct db per worker thread (a MariaDB
 * connection is not shared). */
#include "config.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "log.h"

struct db {
	const struct conf *conf;
	unsigned flags;
	unsigned role;                  /* DB_ROLE_* bits: whose statements */
	const struct db_stmt_def *defs; /* db_stmts, or a test's copy */
	MYSQL *m;
	MYSQL_STMT *st[DBQ__COUNT];
	int in_txn;
	unsigned txn_stmts; /* statements run in the current transaction */
	int transient;      /* a statement failed with a "try later" error */
	int deadlock;       /* ... with a deadlock, since db_begin (db_deadlocked) */
	/* The server of the connection: 0 the primary, i + 1 failover item i;
	 * -1 none yet.  A switch is logged once. */
	int server;
	/* A server passed over until this time (CLOCK_MONOTONIC seconds) by
	 * the next connects, unless no other answers: see broken_trigger().
	 * Index as server; drop: close the connection at the next begin. */
	time_t avoid[1 + CONF_DB_FAILOVER_MAX];
	int drop;
	/* Causal reads switched off on a node alone (galera_causal), and
	 * when to look again at the cluster's size. */
	int causal_off;
	time_t causal_check;
	/* Changes since db_transient_clear() that stayed (committed, or run
	 * outside a transaction), and audit entries among them; the current
	 * transaction's until it ends (db_request_changes). */
	unsigned writes, audits, txn_writes, txn_audits;
	char err[256];
};

static void db_disconnect(struct db *db)
{
	for (size_t i = 0; i < DBQ__COUNT; i++) {
		if (db->st[i] != NULL)
			mysql_stmt_close(db->st[i]);
		db->st[i] = NULL;
	}
	if (db->m != NULL)
		mysql_close(db->m);
	db->m = NULL;
}

#define INIT_COMMON                                                                                \
	"SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"                    \
	"NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', "                     \
	"tx_isolation = 'REPEATABLE-READ'"

static time_t mono_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static int attempt(struct db *db, enum db_stmt id, struct db_args *a, struct db_cols *c,
		   db_row_fn row, void *ctx, enum db_result *rc, unsigned *err);

/* Whether the connection belongs to a cluster ([database] failover or
 * sync_wait set): its statements of stmt_cluster.h are then prepared. */
static int clustered(const struct conf *c)
{
	return c->db.nservers > 0 || c->db.sync_wait > 0;
}

/* A statement of stmt_cluster.h on the connection being made or checked:
 * straight to the server (no reconnect, no retry), not counted as a
 * transaction's work, and leaving db->err as it was (connect_one gathers
 * its reasons there).  0 when it ran. */
static int cluster_run(struct db *db, enum db_stmt id, struct db_args *a, struct db_cols *c)
{
	char err[sizeof db->err];
	unsigned e = 0, stmts = db->txn_stmts;
	enum db_result rc = DB_ERR;
	int f;

	memcpy(err, db->err, sizeof err);
	f = attempt(db, id, a, c, NULL, NULL, &rc, &e);
	memcpy(db->err, err, sizeof err);
	db->txn_stmts = stmts;
	return f == 0 && rc == DB_OK ? 0 : -1;
}

/* Galera: whether the server is a node that is Synced, and the size of its
 * cluster (0: not Galera, or the check failed; the first statement will
 * say more).  -1 on a node that is not Synced. */
static int galera_size(struct db *db)
{
	struct db_cols c = DB_COLS();
	char on[8], state[64], size[32];

	db_col_str(&c, on, sizeof on);
	db_col_str(&c, state, sizeof state);
	db_col_str(&c, size, sizeof size);
	if (cluster_run(db, DBQ_GALERA_STATE, NULL, &c) != 0 || c.rows == 0 || strcmp(on, "1") != 0)
		return 0;
	if (strcmp(state, "Synced") != 0)
		return -1;
	return atoi(size);
}

/* Causal reads ([database] sync_wait) in a cluster of one node: measured
 * here, Galera then answers each waiting read only at its next keepalive
 * (200 ms to 1 s; 18 list pages a second instead of 5,000), and there is
 * no other node to wait for.  So a connection to a node alone reads
 * without the wait; each connection looks again once a second (at
 * db_begin, or a statement outside a transaction) how many nodes there
 * are: a read may miss a write committed on a node that joined within
 * that second. */
static void galera_causal(struct db *db, int size)
{
	struct db_args a = DB_ARGS();
	int alone = size == 1;

	db->causal_check = mono_secs() + 1;
	if (alone == db->causal_off)
		return;
	db_arg_uint(&a, alone ? 0 : db->conf->db.sync_wait);
	if (cluster_run(db, DBQ_GALERA_SYNC_WAIT, &a, NULL) == 0) {
		db->causal_off = alone;
		log_info("db: %s", alone ? "the node is alone: reads without waiting (sync_wait 0)"
					 : "the node has company: causal reads again");
	}
}

/* Once a second on a connection with causal reads, outside a
 * transaction: whether the node is alone (galera_causal). */
static void causal_recheck(struct db *db)
{
	if (db->conf->db.sync_wait > 0 && !db->in_txn && mono_secs() >= db->causal_check)
		galera_causal(db, galera_size(db));
}

/* A Galera node that is not Synced (joining, catching up by IST, or cut
 * off from the primary component) accepts connections but answers
 * "WSREP has not yet prepared node" or reads what is not yet applied: a
 * responder of a cluster ([database] failover or sync_wait set) takes the
 * next server instead. */
static int galera_unready(struct db *db, const struct conf *c)
{
	int size;

	if (!clustered(c))
		return 0;
	if ((size = galera_size(db)) < 0)
		return 1;
	db->causal_off = 0;
	if (c->db.sync_wait > 0)
		galera_causal(db, size);
	return 0;
}

/* One server: host and port, or a socket (host NULL).  0 with db->m
 * connected; -1 with the reason appended to db->err. */
static int connect_one(struct db *db, const char *host, unsigned port, const char *sock,
		       const char *init)
{
	const struct conf *c = db->conf;
	unsigned timeout = 5, rw = 30;
	my_bool off = 0;
	unsigned long cflags = (db->flags & DB_MULTI_STATEMENTS) ? CLIENT_MULTI_STATEMENTS : 0;
	size_t used = strlen(db->err);

	if ((db->m = mysql_init(NULL)) == NULL)
		return -1;
	mysql_options(db->m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db->m, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_options(db->m, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_options(db->m, MYSQL_OPT_RECONNECT, &off);
	mysql_options(db->m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->m, MYSQL_INIT_COMMAND, init);
	if (mysql_real_connect(db->m, host, c->db.user, c->db.password[0] ? c->db.password : NULL,
			       c->db.name, host ? port : 0, host ? NULL : sock, cflags) != NULL) {
		if (!galera_unready(db, c))
			return 0;
		snprintf(db->err + used, sizeof db->err - used, "%s%s",
			 used ? "; " : "connect: ", "a Galera node not Synced");
	} else
		snprintf(db->err + used, sizeof db->err - used, "%s%s",
			 used ? "; " : "connect: ", mysql_error(db->m));
	mysql_close(db->m);
	db->m = NULL;
	return -1;
}

/* The primary, then each [database] failover server in order: the first
 * that answers is used until its connection is lost (the next connect
 * starts again from the primary). */
static int db_connect(struct db *db)
{
	const struct conf *c = db->conf;
	char init[512], name[600];
	int server = -1;
	time_t now;

	db_disconnect(db);
	db->err[0] = '\0';
	/* UTC everywhere, and strict mode so bad data is an error, not a warning.
	 * Repeatable read whatever the server's default: one statement is one
	 * snapshot.
	 * Every statement is bounded: a lock held elsewhere (a row, a table,
	 * a metadata lock) or a runaway statement ends in an error within
	 * seconds, so a worker thread is never held for the 30 s read timeout
	 * and one stuck table cannot take every thread (DB_UNBOUNDED: the ctl
	 * tool's migrations and demo data). */
	if (db->flags & DB_UNBOUNDED)
		snprintf(init, sizeof init, "%s", INIT_COMMON);
	else
		snprintf(init, sizeof init,
			 "%s, innodb_lock_wait_timeout = %u, lock_wait_timeout = %u, "
			 "max_statement_time = %u",
			 INIT_COMMON, c->db.lock_wait_secs, c->db.lock_wait_secs,
			 c->db.statement_secs);
	/* The feed reads in single statements, and numbers the change log
	 * (db/feed.c) by reading committed rows: under repeatable read that
	 * read would lock, and wait for, every change a writer has not yet
	 * committed.  Read committed reads around them. */
	if (db->role == DB_ROLE_FEED || db->role == DB_ROLE_HOOKS)
		snprintf(init + strlen(init), sizeof init - strlen(init),
			 ", tx_isolation = 'READ-COMMITTED'");
	/* Galera: a read first waits until this node has applied every write
	 * committed anywhere before it (a session revoked through one node is
	 * refused by every other at once). */
	if (c->db.sync_wait > 0)
		snprintf(init + strlen(init), sizeof init - strlen(init), ", wsrep_sync_wait = %u",
			 c->db.sync_wait);
	/* Servers passed over for a while are tried last (pass 1). */
	now = mono_secs();
	for (int pass = 0; pass < 2 && server < 0; pass++)
		for (size_t i = 0; server < 0 && i <= c->db.nservers; i++) {
			const char *host = i == 0 ? c->db.host : c->db.servers[i - 1].host;
			unsigned port = i == 0 ? c->db.port : c->db.servers[i - 1].port;
			const char *sock = i == 0 ? c->db.socket : c->db.servers[i - 1].socket;
			if ((db->avoid[i] > now) != (pass == 1))
				continue;
			if (connect_one(db, host[0] ? host : NULL, port, sock[0] ? sock : NULL,
					init) == 0)
				server = (int)i;
		}
	if (server < 0)
		return -1;
	if (server != db->server && server > 0) {
		const struct conf_db_server *sv = &c->db.servers[server - 1];
		if (sv->host[0])
			snprintf(name, sizeof name, "%s:%u", sv->host, sv->port);
		else
			snprintf(name, sizeof name, "unix:%s", sv->socket);
		if (db->err[0] != '\0')
			log_warn("db: the primary cannot be connected (%s): connected to failover "
				 "%s",
				 db->err, name);
		else
			log_warn("db: the primary is passed over for a while (see above): "
				 "connected to failover %s",
				 name);
	} else if (server != db->server && db->server > 0)
		log_warn("db: connected to the primary again");
	db->server = server;
	db->err[0] = '\0';
	return 0;
}

struct db *db_open(const struct conf *c, unsigned role, unsigned flags, int lazy)
{
	struct db *db = calloc(1, sizeof *db);

	if (db == NULL)
		return NULL;
	db->conf = c;
	db->role = role;
	db->flags = flags;
	db->defs = db_stmts;
	db->server = -1;
	if (db_connect(db) != 0 && !lazy) {
		log_err("db: %s", db->err);
		free(db);
		return NULL;
	}
	return db;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db);
}

const char *db_errmsg(struct db *db)
{
	return db->err;
}

static int lost(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONN_HOST_ERROR ||
	       e == CR_CONNECTION_ERROR || e == ER_CONNECTION_KILLED ||
	       e == CR_SERVER_LOST_EXTENDED || e == ER_SERVER_SHUTDOWN ||
	       e == CR_COMMANDS_OUT_OF_SYNC;
}

/* Galera's own "not now": the node is not (or no longer) part of the
 * primary component ("WSREP has not yet prepared node for application
 * use", ER_UNKNOWN_COM_ERROR), or the commit could not be replicated
 * (ER_ERROR_DURING_COMMIT), or a lock wait was aborted for a replicated
 * transaction (ER_LOCK_ABORTED).  A certification failure is
 * ER_LOCK_DEADLOCK, a deadlock like InnoDB's. */
static int galera_not_now(unsigned e)
{
	return e == ER_UNKNOWN_COM_ERROR || e == ER_ERROR_DURING_COMMIT || e == ER_LOCK_ABORTED;
}

/* A statement prepared and checked at start-up that fails to parse can
 * only have met a trigger its server could not read. */
#define AVOID_SECS 60
static int broken_trigger(unsigned e, const char *msg)
{
	return e == ER_PARSE_ERROR && strstr(msg, "has an error in its body") != NULL;
}

/* Errors that say "not now" rather than "never": the server is read-only
 * (a failover in progress, a replica), a lock or a statement outlived its
 * bound, a deadlock, the connection went away.  The request answers 503
 * with Retry-After; trying again later is the right thing for the user. */
static int transient(unsigned e)
{
	return e == ER_OPTION_PREVENTS_STATEMENT || e == ER_LOCK_WAIT_TIMEOUT ||
	       e == ER_LOCK_DEADLOCK || e == ER_STATEMENT_TIMEOUT || e == ER_QUERY_INTERRUPTED ||
	       e == CR_SERVER_LOST || e == CR_SERVER_GONE_ERROR || galera_not_now(e);
}

/* what: the statement's name, or the operation's ("commit"). */
static enum db_result classify(struct db *db, unsigned e, const char *msg, const char *what)
{
	char text[sizeof db->err];

	if (e == ER_DUP_ENTRY)
		return DB_DUP;
	/* msg may be db->err itself: copied before it is rewritten. */
	snprintf(text, sizeof text, "%s", msg);
	snprintf(db->err, sizeof db->err, "%s: %u %s", what, e, text);
	if (broken_trigger(e, text)) {
		/* Measured on a 3-node cluster under conflicting writes: after
		 * a certification conflict MariaDB 10.11 can keep a table copy
		 * whose trigger it failed to read, and every statement given
		 * that copy fails until FLUSH TABLES on that node.  Not this
		 * request's fault: 503, and this connection goes to another
		 * server for a minute (the node's log says which table). */
		log_err("db: %s: this server is passed over for %d s (FLUSH TABLES on it mends it)",
			db->err, AVOID_SECS);
		if (db->server >= 0)
			db->avoid[db->server] = mono_secs() + AVOID_SECS;
		db->drop = 1;
		db->transient = 1;
		return DB_BUSY;
	}
	if (transient(e))
		db->transient = 1;
	if (e == ER_LOCK_DEADLOCK)
		db->deadlock = 1;
	if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT)
		return DB_RETRY;
	if (lost(e))
		return DB_LOST;
	if (transient(e)) {
		log_warn("db: %s", db->err);
		return DB_BUSY;
	}
	log_err("db: %s", db->err);
	return DB_ERR;
}

int db_transient(const struct db *db)
{
	return db != NULL && db->transient;
}

int db_warned(const struct db *db)
{
	return db->m != NULL && mysql_warning_count(db->m) > 0;
}

int db_deadlocked(const struct db *db)
{
	return db != NULL && db->deadlock;
}

void db_deadlock_mark(struct db *db)
{
	if (db != NULL)
		db->deadlock = 1;
}

int db_clustered(const struct db *db)
{
	return db != NULL && clustered(db->conf);
}

void db_deadlock_clear(struct db *db)
{
	if (db != NULL)
		db->deadlock = 0;
}

void db_transient_clear(struct db *db)
{
	if (db != NULL) {
		db->transient = 0;
		db->deadlock = 0;
		db->writes = db->audits = 0;
	}
}

void db_request_changes(const struct db *db, unsigned *writes, unsigned *audits)
{
	*writes = db != NULL ? db->writes : 0;
	*audits = db != NULL ? db->audits : 0;
}

/* A statement that changed something (not a read, not housekeeping), and
 * whether it was an audit entry: counted at once, or when its transaction
 * commits. */
static void count_change(struct db *db, enum db_stmt id)
{
	unsigned f = db->defs[id].flags;
	int audit = (f & DB_Q_AUDIT) != 0;

	if (f & (DB_Q_READ | DB_Q_HOUSEKEEPING))
		return;
	if (db->in_txn) {
		db->txn_writes += !audit;
		db->txn_audits += audit;
	} else {
		db->writes += !audit;
		db->audits += audit;
	}
}

/* Prepares statement id unless it is already, and checks MariaDB's counts
 * of its parameters and columns against the table's.  0; -1 with db->err
 * written and *err the MariaDB error; -2 with db->err written when a count
 * differs (the table and the SQL disagree: a bug, never transient). */
static int prepare(struct db *db, enum db_stmt id, unsigned *err)
{
	const struct db_stmt_def *d = &db->defs[id];
	unsigned long params;
	unsigned cols;
	MYSQL_STMT *st;

	*err = 0;
	if (db->st[id] != NULL)
		return 0;
	if ((st = mysql_stmt_init(db->m)) == NULL) {
		*err = CR_OUT_OF_MEMORY;
		snprintf(db->err, sizeof db->err, "prepare %s: out of memory", d->name);
		return -1;
	}
	if (mysql_stmt_prepare(st, d->sql, strlen(d->sql)) != 0) {
		*err = mysql_stmt_errno(st);
		snprintf(db->err, sizeof db->err, "prepare %s: %s", d->name, mysql_stmt_error(st));
		mysql_stmt_close(st);
		return -1;
	}
	params = mysql_stmt_param_count(st);
	cols = mysql_stmt_field_count(st);
	if (params != d->params || cols != d->cols) {
		snprintf(db->err, sizeof db->err,
			 "statement %s: MariaDB counts %lu parameters and %u columns, the "
			 "statement table says %u and %u",
			 d->name, params, cols, d->params, d->cols);
		mysql_stmt_close(st);
		return -2;
	}
	db->st[id] = st;
	return 0;
}

/* A statement the process may not run, or descriptors that do not match
 * it: a programming error, refused before anything is sent. */
static enum db_result check_call(struct db *db, enum db_stmt id, const struct db_args *a,
				 const struct db_cols *c)
{
	const struct db_stmt_def *d = &db->defs[id];
	unsigned na = a ? a->n : 0, nc = c ? c->n : 0;
	char have[64], may[64];

	if (!(d->roles & db->role)) {
		snprintf(db->err, sizeof db->err, "statement %s is not for a %s process (only %s)",
			 d->name, db_role_names(db->role, have, sizeof have),
			 db_role_names(d->roles, may, sizeof may));
		log_err("db: %s", db->err);
		return DB_ERR;
	}
	if ((a && a->overflow) || (c && c->overflow) || na != d->params || nc != d->cols) {
		snprintf(db->err, sizeof db->err,
			 "statement %s: %u parameters and %u columns bound, it has %u and %u",
			 d->name, na, nc, d->params, d->cols);
		log_err("db: %s", db->err);
		return DB_ERR;
	}
	return DB_OK;
}

/* A connection for the next statement: none is made inside a transaction
 * that has done work (it is gone with the old one). */
static enum db_result ensure_connected(struct db *db)
{
	if (db->drop && !db->in_txn) {
		db->drop = 0;
		db_disconnect(db);
	}
	if (db->m != NULL) {
		causal_recheck(db);
		return DB_OK;
	}
	if (db->in_txn && db->txn_stmts > 0)
		return DB_LOST;
	if (db_connect(db) != 0) {
		log_err("db: %s", db->err);
		return DB_LOST;
	}
	if (db->in_txn && mysql_autocommit(db->m, 0) != 0) {
		db_disconnect(db);
		return DB_LOST;
	}
	return DB_OK;
}

/* Fetches every row into c, finishing each and handing it to row.  0 when
 * done; 1 with *rc set when a row was refused or a column did not fit; -1
 * when MariaDB failed (its error on st). */
static int fetch_rows(struct db *db, enum db_stmt id, MYSQL_STMT *st, struct db_cols *c,
		      db_row_fn row, void *ctx, enum db_result *rc)
{
	int f, done = -1;

	c->rows = 0;
	if (mysql_stmt_bind_result(st, c->b) != 0 ||
	    (!(db->defs[id].flags & DB_Q_STREAM) && mysql_stmt_store_result(st) != 0))
		return -1;
	while ((f = mysql_stmt_fetch(st)) == 0) {
		c->rows++;
		db_cols_finish(c);
		if (row != NULL && row(ctx) != 0) {
			*rc = DB_ERR;
			done = 1;
			goto out;
		}
	}
	if (f == MYSQL_DATA_TRUNCATED) {
		/* Every buffer is sized to its column; truncation is a bug. */
		snprintf(db->err, sizeof db->err, "statement %s: truncated column",
			 db->defs[id].name);
		log_err("db: %s", db->err);
		*rc = DB_ERR;
		done = 1;
	} else if (f == MYSQL_NO_DATA)
		done = 0;
out:
	mysql_stmt_free_result(st);
	return done;
}

/* One attempt: 0 done (*rc), -1 failed with *err the MariaDB error. */
static int attempt(struct db *db, enum db_stmt id, struct db_args *a, struct db_cols *c,
		   db_row_fn row, void *ctx, enum db_result *rc, unsigned *err)
{
	MYSQL_STMT *st;
	int f;

	if ((f = prepare(db, id, err)) == -2) {
		log_err("db: %s", db->err);
		*rc = DB_ERR;
		return 0;
	}
	if (f != 0)
		return -1;
	st = db->st[id];
	if ((a != NULL && a->n > 0 && mysql_stmt_bind_param(st, a->b) != 0) ||
	    mysql_stmt_execute(st) != 0)
		goto stmt_fail;
	*rc = DB_OK;
	if (c != NULL && c->n > 0 && (f = fetch_rows(db, id, st, c, row, ctx, rc)) != 0) {
		if (f > 0)
			return 0;
		goto stmt_fail;
	}
	if (a != NULL) {
		a->affected = mysql_stmt_affected_rows(st);
		a->insert_id = mysql_stmt_insert_id(st);
	}
	if (db->in_txn)
		db->txn_stmts++;
	count_change(db, id);
	return 0;
stmt_fail:
	*err = mysql_stmt_errno(st);
	snprintf(db->err, sizeof db->err, "statement %s: %s", db->defs[id].name,
		 mysql_stmt_error(st));
	return -1;
}

enum db_result db_run(struct db *db, enum db_stmt id, struct db_args *a, struct db_cols *c,
		      db_row_fn row, void *ctx)
{
	enum db_result rc;
	unsigned err = 0;
	int tries = 0;

	if ((rc = check_call(db, id, a, c)) != DB_OK)
		return rc;
again:
	if ((rc = ensure_connected(db)) != DB_OK)
		return rc;
	if (attempt(db, id, a, c, row, ctx, &rc, &err) == 0)
		return rc;
	if (lost(err)) {
		log_warn("db: connection lost (%u), reconnecting", err);
		db_disconnect(db);
		/* Only a read is retried: a write may have been applied
		 * before the connection died, and must not happen twice. */
		if (tries++ == 0 && !(db->in_txn && db->txn_stmts > 0) &&
		    (db->defs[id].flags & DB_Q_READ) && (c == NULL || c->rows == 0))
			goto again;
		return DB_LOST;
	}
	return classify(db, err, db->err, db->defs[id].name);
}

enum db_result db_prepare_all(struct db *db)
{
	unsigned err = 0, n = 0;
	char roles[64];

	if (db->m == NULL && db_connect(db) != 0) {
		log_err("db: %s", db->err);
		return DB_LOST;
	}
	for (size_t i = 0; i < DBQ__COUNT; i++) {
		if (!(db->defs[i].roles & db->role) ||
		    ((db->defs[i].flags & DB_Q_CLUSTER) && !clustered(db->conf)))
			continue;
		if (prepare(db, (enum db_stmt)i, &err) != 0) {
			log_err("db: start-up check (%s): %s",
				db_role_names(db->role, roles, sizeof roles), db->err);
			return DB_ERR;
		}
		n++;
	}
	log_info("db: %u statements of the %s role prepared and checked", n,
		 db_role_names(db->role, roles, sizeof roles));
	return DB_OK;
}

void db_use_table(struct db *db, const struct db_stmt_def *defs)
{
	for (size_t i = 0; i < DBQ__COUNT; i++) {
		if (db->st[i] != NULL)
			mysql_stmt_close(db->st[i]);
		db->st[i] = NULL;
	}
	db->defs = defs;
}

size_t db_prepared_count(const struct db *db)
{
	size_t n = 0;

	for (size_t i = 0; i < DBQ__COUNT; i++)
		n += db->st[i] != NULL;
	return n;
}

/* ---- transactions ---- */

enum db_result db_begin(struct db *db)
{
	if (db->drop) {
		db->drop = 0;
		db_disconnect(db);
	}
	if (db->m == NULL && db_connect(db) != 0) {
		log_err("db: %s", db->err);
		return DB_LOST;
	}
	causal_recheck(db);
	if (mysql_autocommit(db->m, 0) != 0) {
		/* The server went away while idle: reconnect once and go on. */
		if (db_connect(db) != 0 || mysql_autocommit(db->m, 0) != 0) {
			log_err("db: begin: %s", db->m ? mysql_error(db->m) : db->err);
			db_disconnect(db);
			return DB_LOST;
		}
	}
	db->in_txn = 1;
	db->deadlock = 0;
	db->txn_stmts = 0;
	db->txn_writes = db->txn_audits = 0;
	return DB_OK;
}

enum db_result db_commit(struct db *db)
{
	enum db_result rc = DB_OK;

	if (db->m == NULL || mysql_commit(db->m) != 0) {
		unsigned e = db->m ? mysql_errno(db->m) : CR_SERVER_GONE_ERROR;
		rc = lost(e) ? DB_LOST : classify(db, e, db->m ? mysql_error(db->m) : "", "commit");
		if (db->m != NULL)
			mysql_rollback(db->m);
	}
	if (db->m != NULL && mysql_autocommit(db->m, 1) != 0)
		db_disconnect(db);
	if (rc == DB_OK) {
		db->writes += db->txn_writes;
		db->audits += db->txn_audits;
	}
	db->txn_writes = db->txn_audits = 0;
	db->in_txn = 0;
	return rc;
}

void db_rollback(struct db *db)
{
	if (db == NULL || !db->in_txn)
		return;
	if (db->m != NULL && (mysql_rollback(db->m) != 0 || mysql_autocommit(db->m, 1) != 0))
		db_disconnect(db);
	db->txn_writes = db->txn_audits = 0;
	db->in_txn = 0;
}

int db_in_txn(const struct db *db)
{
	return db != NULL && db->in_txn;
}

/* ---- migrations (the ctl tool) ---- */

/* DDL cannot be prepared as one statement list, so this is the one place
 * that sends raw SQL: whole migration files from the repository's sql/,
 * for the ctl tool only. */
enum db_result db_exec_script(struct db *db, const char *sql, size_t len, const char *what)
{
	int st;

	if (!(db->role & DB_ROLE_CTL) || !(db->flags & DB_MULTI_STATEMENTS)) {
		snprintf(db->err, sizeof db->err,
			 "%s: scripts need the ctl role and a "
			 "multi-statement connection",
			 what);
		return DB_ERR;
	}
	if (db->m == NULL && db_connect(db) != 0)
		return DB_LOST;
	if (mysql_real_query(db->m, sql, (unsigned long)len) != 0) {
		snprintf(db->err, sizeof db->err, "%s: %s", what, mysql_error(db->m));
		return DB_ERR;
	}
	do {
		MYSQL_RES *res = mysql_store_result(db->m);
		if (res != NULL)
			mysql_free_result(res);
		if ((st = mysql_next_result(db->m)) > 0) {
			snprintf(db->err, sizeof db->err, "%s: %s", what, mysql_error(db->m));
			return DB_ERR;
		}
	} while (st == 0);
	return DB_OK;
}

/* ---- the shapes most wrappers take ---- */

enum db_result db_exec(struct db *db, enum db_stmt id, struct db_args *a)
{
	return db_run(db, id, a, NULL, NULL, NULL);
}

enum db_result db_exec1(struct db *db, enum db_stmt id, struct db_args *a)
{
	enum db_result rc = db_run(db, id, a, NULL, NULL, NULL);

	return rc == DB_OK && a->affected != 1 ? DB_NOTFOUND : rc;
}

enum db_result db_insert(struct db *db, enum db_stmt id, struct db_args *a, unsigned *newid)
{
	enum db_result rc = db_run(db, id, a, NULL, NULL, NULL);

	if (rc == DB_OK && newid != NULL)
		*newid = (unsigned)a->insert_id;
	return rc;
}

enum db_result db_one(struct db *db, enum db_stmt id, struct db_args *a, struct db_cols *c)
{
	enum db_result rc = db_run(db, id, a, c, NULL, NULL);

	return rc == DB_OK && c->rows != 1 ? DB_NOTFOUND : rc;
}
