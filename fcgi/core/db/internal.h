/* The inside of the db module, for its wrappers (fcgi/core/db/) and tests:
 * a statement runs through db_run() with two typed, sequential descriptors,
 * one for its parameters and one for its columns:
 *
 *	struct db_args a = DB_ARGS();
 *	struct db_cols c = DB_COLS();
 *	db_arg_uint(&a, id);
 *	db_arg_str(&a, email);
 *	db_col_uint(&c, &u->id);
 *	db_col_str(&c, u->email, sizeof u->email);
 *	rc = db_one(db, DBQ_PU_GET, &a, &c);
 *
 * Each call binds the next '?' or the next column of the select list; the
 * counts must be the statement's (stmt.h), or db_run refuses.  After each
 * fetched row the core finishes the columns (strings NUL-terminated, flags
 * made 0/1, times made ISO 8601, NULL made 0 or "") before the row callback
 * sees them.  Pages never see any of this: they call db.h. */
#ifndef GH_DB_INTERNAL_H
#define GH_DB_INTERNAL_H

#include <mysql.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "stmt.h"

#define DB_ARGS_MAX 16 /* the most parameters of any statement, and room */
#define DB_COLS_MAX 24 /* the most columns (DBQ_SESSION_OFFICE: 23) */

/* Parameters.  Numbers are copied into the descriptor; strings and blobs
 * are pointed to and must live until db_run returns.  The descriptor must
 * not be copied once bound (its binds point into itself). */
struct db_args {
	unsigned n;                             /* parameters bound so far */
	int overflow;                           /* more than DB_ARGS_MAX: db_run refuses */
	unsigned long long affected, insert_id; /* set by db_run */
	union {
		unsigned u;
		uint64_t u64;
		long long ll;
	} v[DB_ARGS_MAX];
	unsigned long len[DB_ARGS_MAX];
	MYSQL_BIND b[DB_ARGS_MAX];
};
#define DB_ARGS()                                                                                  \
	{                                                                                          \
		.n = 0                                                                             \
	}

void db_arg_uint(struct db_args *a, unsigned v);
void db_arg_u64(struct db_args *a, uint64_t v);
void db_arg_ll(struct db_args *a, long long v);
void db_arg_bool(struct db_args *a, int v);        /* as the number 0 or 1 */
void db_arg_str(struct db_args *a, const char *s); /* NULL: SQL NULL */
void db_arg_blob(struct db_args *a, const void *p, size_t len);
void db_arg_null(struct db_args *a);
/* A row's id, then the tenant that must own it: how the statements on one
 * of a tenant's rows end ("... WHERE id = ? AND tenant_id = ?"). */
void db_arg_row(struct db_args *a, unsigned id, unsigned tenant_id);

/* Columns: where each value of a row goes, and how it is finished. */
enum db_col_kind {
	DB_COL_NUM,  /* bound in place; NULL: 0 */
	DB_COL_INT,  /* an int through a long long */
	DB_COL_BOOL, /* an int, 0 or 1 */
	DB_COL_STR,  /* NUL-terminated text; NULL: "" */
	DB_COL_BLOB, /* bytes and their length; NULL: length 0 */
	DB_COL_TIME, /* DATETIME as "YYYY-MM-DDTHH:MM:SSZ"; NULL: "" */
};
struct db_col {
	enum db_col_kind kind;
	void *dst;
	size_t sz;
	size_t *len; /* DB_COL_BLOB */
	union {
		long long ll;
		MYSQL_TIME t;
	} tmp;
};
struct db_cols {
	unsigned n;   /* columns bound so far */
	int overflow; /* more than DB_COLS_MAX: db_run refuses */
	size_t rows;  /* set by db_run: rows fetched */
	struct db_col col[DB_COLS_MAX];
	unsigned long len[DB_COLS_MAX];
	my_bool null[DB_COLS_MAX];
	MYSQL_BIND b[DB_COLS_MAX];
};
#define DB_COLS()                                                                                  \
	{                                                                                          \
		.n = 0                                                                             \
	}

void db_col_uint(struct db_cols *c, unsigned *v);
void db_col_u64(struct db_cols *c, uint64_t *v);
void db_col_ll(struct db_cols *c, long long *v);
void db_col_int(struct db_cols *c, int *v);
void db_col_bool(struct db_cols *c, int *v);
void db_col_str(struct db_cols *c, char *buf, size_t sz); /* sz counts the NUL */
void db_col_blob(struct db_cols *c, unsigned char *buf, size_t sz, size_t *len);
void db_col_time(struct db_cols *c, char out[24]);
/* Finishes one fetched row's columns (the core, after each fetch). */
void db_cols_finish(struct db_cols *c);

/* Called for each row once its columns are finished; nonzero stops the
 * statement with DB_ERR. */
typedef int (*db_row_fn)(void *ctx);

/* Runs statement id: binds a (NULL: none), executes, fetches every row into
 * c (NULL: no result) calling row(ctx) for each (row may be NULL).  Refused
 * with DB_ERR and a log line when the process's role may not run it or the
 * descriptors' counts are not the statement's.  A lost connection is made
 * again on the next use; a DB_Q_READ statement is retried at once unless
 * its transaction had already done work (then DB_LOST: the request fails
 * cleanly, nothing half-written). */
enum db_result db_run(struct db *db, enum db_stmt id, struct db_args *a, struct db_cols *c,
		      db_row_fn row, void *ctx);

/* db_run without a result. */
enum db_result db_exec(struct db *db, enum db_stmt id, struct db_args *a);
/* db_exec, then DB_NOTFOUND unless it changed exactly one row. */
enum db_result db_exec1(struct db *db, enum db_stmt id, struct db_args *a);
/* db_exec of an INSERT; the new row's id into *id (id may be NULL). */
enum db_result db_insert(struct db *db, enum db_stmt id, struct db_args *a, unsigned *newid);
/* db_run without a callback, then DB_NOTFOUND unless exactly one row came. */
enum db_result db_one(struct db *db, enum db_stmt id, struct db_args *a, struct db_cols *c);

/* ---- shared by the domains ---- */

/* tenant.c: the eleven columns of a tenant (TENANT_COLS's order). */
void db_cols_tenant(struct db_cols *c, struct db_tenant *t);

/* listing.c: the list views of customers, portal and office users. */
/* tenant, filter, like, like: what every list statement starts with. */
void db_args_view(struct db_args *a, unsigned tenant_id, const struct list_view *lv);
/* A list's count and order version (portal_user_counts, office_user_counts):
 * both 0 when the tenant has no row yet. */
enum db_result db_list_version(struct db *db, enum db_stmt q, unsigned tenant_id,
			       unsigned long long *total, uint64_t *version);
/* A growing id array (row callback db_ids_add, the id bound at .id). */
struct db_ids {
	unsigned id, *ids;
	size_t n, cap;
	int oom;
};
int db_ids_add(void *ctx);
/* A view's ids in the order of statement q (db_args_view's parameters):
 * *ids is malloc'd and the caller (the list-order cache) frees it. */
enum db_result db_view_ids(struct db *db, enum db_stmt q, unsigned tenant_id,
			   const struct list_view *lv, unsigned **ids, size_t *n);
/* The rows of one page by id through statement q (a JSON array of the ids,
 * then the tenant): c and row as for db_run; *version gets *seen (read with
 * the rows) only if every id came back. */
enum db_result db_rows_by_ids(struct db *db, enum db_stmt q, unsigned tenant_id,
			      const unsigned *ids, size_t n, struct db_cols *c, db_row_fn row,
			      void *ctx, const uint64_t *seen, uint64_t *version);
/* Up to max ids into ids while counting them all (row callback db_idbuf_add,
 * the id bound at .id). */
struct db_idbuf {
	unsigned id, *ids;
	size_t n, max;
};
int db_idbuf_add(void *ctx);

/* shared.c: statements several domains run the same way. */
/* Statement q with (text, id, tenant): one text column of a tenant's row
 * set. */
enum db_result db_exec_text(struct db *db, enum db_stmt q, const char *text, unsigned id,
			    unsigned tenant_id);
/* Statement q with the one parameter id, whose rows are one id each: the
 * first max into ids, *n of them. */
enum db_result db_ids_of(struct db *db, enum db_stmt q, unsigned id, unsigned *ids, size_t max,
			 size_t *n);
/* Statement q once for each of ids, with (user_id, ids[i]) and, when
 * tenant_id is not 0, the tenant (so another tenant's id adds nothing): a
 * link already there is no error; *added counts the rows added. */
enum db_result db_links_add(struct db *db, enum db_stmt q, unsigned user_id, const unsigned *ids,
			    size_t n, unsigned tenant_id, size_t *added);

/* ---- tests only (tests/http/test_db.c) ---- */

/* Makes db use defs (DBQ__COUNT entries) instead of db_stmts: a doctored
 * copy proves the checks.  Closes what was prepared. */
void db_use_table(struct db *db, const struct db_stmt_def *defs);
/* How many statements db has prepared now. */
size_t db_prepared_count(const struct db *db);

#endif
