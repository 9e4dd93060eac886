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

#define DB_ARGS_MAX                                                                                \
	20             /* the most parameters of any statement (PU_WORDS_INV_CO_*: 17), and room   \
			*/
#define DB_COLS_MAX 24 /* the most columns (DBQ_SESSION_OFFICE: 24) */

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

/* Whether the last statement left warnings (a walk that stopped at its
 * ROWS EXAMINED bound, listing.c). */
int db_warned(const struct db *db);

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
/* One sort of a list: its statements by the walk's direction (0 ascending,
 * 1 descending), the number of its key columns (selected last by each
 * statement) and which of them are numbers (bit i: column i). */
struct db_view_sort {
	enum db_stmt walk[2];  /* the sort's index from the cursor (V_KSn) */
	enum db_stmt plain[2]; /* the same without a filter (index only) */
	enum db_stmt words[2]; /* the rows a word names (V_CANDIDATES) */
	unsigned nkeys, key_int;
};
/* A list view: its list in list_words, its sorts, the parameters its
 * statements take after the tenant (a page's own filter), and its counts:
 * count_all without a filter (tenant, count_extra, then the cap when
 * count_all_capped), count_words with one (V_COUNT_WORDS, verify's
 * parameters being words_extra: the facet's, or none). */
struct db_view {
	unsigned list;
	const struct db_view_sort *sorts;
	size_t nsorts;
	const unsigned *walk_extra, *words_extra, *count_extra;
	size_t nwalk_extra, nwords_extra, ncount_extra;
	enum db_stmt count_all, count_words;
	int count_all_capped;
	int facet; /* a page's own filter applies (words_extra then says which) */
	/* The plain walks end with the list's count (V_TOTAL): no count_all
	 * when they found a row. */
	int plain_total;
	/* The page cache (filtered views without a facet): the list's
	 * version (its counts table), and a page's rows by id with it. */
	enum db_stmt version, by_ids;
};
/* How a filtered view is read: through the words index (words) with the
 * pattern of the filter's rarest word, or by the sort's walk; entries: that
 * word's index entries (up to a cap); single: the filter is that word. */
#define DB_VIEW_PATTERN 136
struct db_view_plan {
	int words, single;
	unsigned long long entries;
	uint64_t mask; /* every word's signature bits (V_SIG) */
	char pattern[DB_VIEW_PATTERN];
};
/* Word i of the filter as a LIKE pattern on list_words.word. */
void db_view_pattern(const struct list_view *lv, size_t i, char out[DB_VIEW_PATTERN]);
enum db_result db_view_plan(struct db *db, unsigned list, unsigned tenant_id,
			    const struct list_view *lv, struct db_view_plan *p);
/* The view's count: exact, or (exact 0) a number the count is more than. */
enum db_result db_view_count(struct db *db, const struct db_view *v, unsigned tenant_id,
			     const struct list_view *lv, const struct db_view_plan *p,
			     unsigned long long *total, int *exact);
/* The plan, the rows, then the count; a filtered view's page through the
 * page cache.  row_id: where c puts each row's id. */
enum db_result db_view_run(struct db *db, const struct db_view *v, unsigned tenant_id,
			   struct list_view *lv, struct db_cols *c, const unsigned *row_id,
			   db_row_fn row, void *ctx, struct list_fetched *f);
/* Up to max ids into ids while counting them all (row callback db_idbuf_add,
 * the id bound at .id). */
struct db_idbuf {
	unsigned id, *ids;
	size_t n, max;
};
int db_idbuf_add(void *ctx);

/* shared.c: statements several domains run the same way. */
/* src as a VARCHAR(chars) column takes it under strict mode, into out
 * (size sz, >= 4 * chars + 1 for all of it): at most chars characters,
 * cut between characters, a byte that starts no UTF-8 character as "?".
 * Returns out.  For text made of what users typed (a name beside an
 * email, a file's cell), which must not make the write fail. */
const char *db_clip(const char *src, size_t chars, char *out, size_t sz);
/* A (time, id) cursor as a walk binds it (the audit log's, the inbox's):
 * its time's 20 digits in MariaDB's own form into t (the digits alone
 * would be read as a number), and the id to bind returned; no cursor (or
 * a malformed one): past every row in the walk's direction (older: the
 * newest end). */
uint64_t db_cursor_time(char t[27], const char *cursor_time, uint64_t cursor_id, int older);
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
