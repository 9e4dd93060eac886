/* The partner feed's reads (statements: stmt_feed.h; the change log:
 * sql/022). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum db_result db_feed_head(struct db *db, unsigned tenant_id, struct db_feed_head *h)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	memset(h, 0, sizeof *h);
	for (int i = 0; i < 3; i++)
		db_arg_uint(&a, tenant_id);
	db_col_u64(&c, &h->seq);
	db_col_u64(&c, &h->floor);
	db_col_bool(&c, &h->pending);
	return db_one(db, DBQ_FEED_HEAD, &a, &c);
}

/* The pending ids as a JSON array, "[1,2,3]" (FEED_STAMP's argument). */
struct pending {
	char *json;
	size_t len, cap;
	unsigned n;
	uint64_t id;
};

static int pending_row(void *p)
{
	struct pending *q = p;
	int w = snprintf(q->json + q->len, q->cap - q->len, "%s%llu", q->n ? "," : "[",
			 (unsigned long long)q->id);

	if (w < 0 || (size_t)w >= q->cap - q->len)
		return 1;
	q->len += (size_t)w;
	q->n++;
	return 0;
}

enum db_result db_feed_stamp(struct db *db, unsigned tenant_id)
{
	struct db_args lock = DB_ARGS(), sel = DB_ARGS(), stamp = DB_ARGS(), end = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct pending q = {.cap = 1000 * 21 + 4};
	enum db_result rc;

	if ((q.json = malloc(q.cap)) == NULL)
		return DB_ERR;
	db_arg_uint(&lock, tenant_id);
	db_arg_uint(&sel, tenant_id);
	db_col_u64(&c, &q.id);
	if ((rc = db_begin(db)) != DB_OK)
		goto out;
	if ((rc = db_exec(db, DBQ_FEED_LOCK, &lock)) != DB_OK ||
	    (rc = db_run(db, DBQ_FEED_PENDING, &sel, &c, pending_row, &q)) != DB_OK)
		goto out;
	if (q.n > 0) {
		snprintf(q.json + q.len, q.cap - q.len, "]");
		db_arg_str(&stamp, q.json);
		db_arg_uint(&stamp, tenant_id);
		db_arg_uint(&end, q.n);
		db_arg_uint(&end, tenant_id);
		if ((rc = db_exec(db, DBQ_FEED_STAMP, &stamp)) != DB_OK ||
		    (rc = db_exec(db, DBQ_FEED_STAMP_END, &end)) != DB_OK)
			goto out;
	}
	rc = db_commit(db);
out:
	if (rc != DB_OK)
		db_rollback(db);
	free(q.json);
	return rc;
}

struct change_row {
	struct db_feed_change c;
	int (*fn)(void *ctx, const struct db_feed_change *c);
	void *ctx;
};

static int change_row(void *p)
{
	struct change_row *r = p;
	return r->fn(r->ctx, &r->c);
}

enum db_result db_feed_changes(struct db *db, unsigned tenant_id, uint64_t after, unsigned limit,
			       int (*fn)(void *ctx, const struct db_feed_change *c), void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct change_row r;

	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	db_arg_uint(&a, tenant_id);
	db_arg_u64(&a, after);
	db_arg_uint(&a, limit);
	db_col_u64(&c, &r.c.seq);
	db_col_uint(&c, &r.c.resource);
	db_col_uint(&c, &r.c.id);
	db_col_uint(&c, &r.c.op);
	db_col_time(&c, r.c.at);
	return db_run(db, DBQ_FEED_CHANGES, &a, &c, change_row, &r);
}

/* A page's rows into one struct (row), handed to fn as they come. */
struct page_row {
	void *row;
	int (*fn)(void *ctx, const void *row);
	void *ctx;
};

static int page_row(void *p)
{
	struct page_row *r = p;
	return r->fn(r->ctx, r->row);
}

static void cols_portal_user(struct db_cols *c, struct db_feed_portal_user *u)
{
	db_col_uint(c, &u->id);
	db_col_uint(c, &u->part);
	db_col_uint(c, &u->customer_id);
	db_col_uint(c, &u->group_id);
	db_col_str(c, u->email, sizeof u->email);
	db_col_str(c, u->company, sizeof u->company);
	db_col_str(c, u->access, sizeof u->access);
	db_col_str(c, u->invitation, sizeof u->invitation);
	db_col_bool(c, &u->password_set);
	db_col_bool(c, &u->mfa_required);
	db_col_bool(c, &u->mfa_enrolled);
	db_col_bool(c, &u->all_sites);
	db_col_bool(c, &u->email_reports);
	db_col_time(c, u->locked_until);
	db_col_str(c, u->time_zone, sizeof u->time_zone);
	db_col_time(c, u->created_at);
}

static void cols_customer(struct db_cols *c, struct db_feed_customer *u)
{
	db_col_uint(c, &u->id);
	db_col_uint(c, &u->part);
	db_col_uint(c, &u->rid);
	db_col_uint(c, &u->link);
	db_col_str(c, u->name, sizeof u->name);
	db_col_str(c, u->email, sizeof u->email);
	db_col_str(c, u->phone, sizeof u->phone);
	db_col_str(c, u->street, sizeof u->street);
	db_col_str(c, u->city, sizeof u->city);
	db_col_str(c, u->state, sizeof u->state);
	db_col_str(c, u->zip, sizeof u->zip);
	db_col_time(c, u->created_at);
}

static void cols_group(struct db_cols *c, struct db_feed_group *g)
{
	db_col_uint(c, &g->id);
	db_col_str(c, g->name, sizeof g->name);
	db_col_bool(c, &g->system);
	db_col_bool(c, &g->is_default);
	db_col_bool(c, &g->require_mfa);
	db_col_str(c, g->perms, sizeof g->perms);
}

static void cols_office_user(struct db_cols *c, struct db_feed_office_user *u)
{
	db_col_uint(c, &u->id);
	db_col_uint(c, &u->part);
	db_col_str(c, u->email, sizeof u->email);
	db_col_str(c, u->role, sizeof u->role);
	db_col_str(c, u->first_name, sizeof u->first_name);
	db_col_str(c, u->last_name, sizeof u->last_name);
	db_col_str(c, u->phone, sizeof u->phone);
	db_col_bool(c, &u->active);
	db_col_bool(c, &u->mfa_required);
	db_col_bool(c, &u->mfa_enrolled);
	db_col_str(c, u->time_zone, sizeof u->time_zone);
	db_col_time(c, u->created_at);
	db_col_int(c, &u->level);
}

static void cols_record(struct db_cols *c, struct db_feed_record *r)
{
	db_col_uint(c, &r->id);
	db_col_uint(c, &r->customer_id);
	db_col_uint(c, &r->site_id);
	db_col_str(c, r->kind, sizeof r->kind);
	db_col_str(c, r->ref, sizeof r->ref);
	db_col_str(c, r->title, sizeof r->title);
	db_col_str(c, r->detail, sizeof r->detail);
	db_col_time(c, r->date);
	db_col_ll(c, &r->amount_cents);
	db_col_bool(c, &r->has_amount);
	db_col_str(c, r->status, sizeof r->status);
	db_col_bool(c, &r->public_);
	db_col_str(c, r->changed_by, sizeof r->changed_by);
	db_col_time(c, r->changed_at);
}

/* The row structs are large (a record's detail alone is 8 KB): one on
 * the heap per call, not on a worker's 1 MiB stack.  Freed here. */
enum db_result db_feed_page(struct db *db, enum db_feed_resource res, unsigned tenant_id,
			    unsigned after, unsigned limit, int (*fn)(void *ctx, const void *row),
			    void *ctx)
{
	static const size_t size[] = {
		[DB_FEED_PORTAL_USER] = sizeof(struct db_feed_portal_user),
		[DB_FEED_CUSTOMER] = sizeof(struct db_feed_customer),
		[DB_FEED_GROUP] = sizeof(struct db_feed_group),
		[DB_FEED_OFFICE_USER] = sizeof(struct db_feed_office_user),
	};
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct page_row r = {.fn = fn, .ctx = ctx};
	enum db_stmt id;
	enum db_result rc;

	if (res < DB_FEED_PORTAL_USER || res > DB_FEED_OFFICE_USER)
		return DB_ERR;
	if ((r.row = calloc(1, size[res])) == NULL)
		return DB_ERR;
	switch (res) {
	case DB_FEED_PORTAL_USER:
		cols_portal_user(&c, r.row);
		id = DBQ_FEED_PORTAL_USERS;
		break;
	case DB_FEED_CUSTOMER:
		cols_customer(&c, r.row);
		id = DBQ_FEED_CUSTOMERS;
		break;
	case DB_FEED_GROUP:
		cols_group(&c, r.row);
		id = DBQ_FEED_GROUPS;
		break;
	default:
		cols_office_user(&c, r.row);
		id = DBQ_FEED_OFFICE_USERS;
		break;
	}
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, after);
	db_arg_uint(&a, limit);
	rc = db_run(db, id, &a, &c, page_row, &r);
	free(r.row);
	return rc;
}

enum db_result db_feed_records(struct db *db, unsigned tenant_id, const char *kind, unsigned after,
			       unsigned limit, int (*fn)(void *ctx, const void *row), void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct page_row r = {.fn = fn, .ctx = ctx};
	enum db_result rc;

	if ((r.row = calloc(1, sizeof(struct db_feed_record))) == NULL)
		return DB_ERR;
	cols_record(&c, r.row);
	db_arg_uint(&a, tenant_id);
	if (kind != NULL) {
		db_arg_str(&a, kind);
		db_arg_uint(&a, after);
		db_arg_uint(&a, limit);
		rc = db_run(db, DBQ_FEED_RECORDS, &a, &c, page_row, &r);
	} else {
		db_arg_uint(&a, after + 1);
		rc = db_run(db, DBQ_FEED_RECORD, &a, &c, page_row, &r);
	}
	free(r.row);
	return rc;
}

enum db_result db_feed_purge(struct db *db, unsigned days, unsigned long long *removed)
{
	struct db_args a = DB_ARGS(), f = DB_ARGS();
	enum db_result rc;

	*removed = 0;
	db_arg_uint(&a, days);
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = db_exec(db, DBQ_FEED_PURGE, &a)) == DB_OK &&
	    (rc = db_exec(db, DBQ_FEED_FLOOR, &f)) == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK)
		db_rollback(db);
	else
		*removed = a.affected;
	return rc;
}
