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

/* A page's nested rows (sites, contacts, permissions), read before the
 * page by its id range: packed, their text in one buffer, so memory is what
 * they hold, not their columns' widths. */
struct nested {
	struct nest_row {
		unsigned owner, id, link, part;
		int level;
		size_t s[3]; /* offsets into text */
	} * v;
	size_t n, cap, next;
	char *text;
	size_t tlen, tcap;
	/* The row being fetched. */
	unsigned owner, id, link, part;
	int level;
	char a[1201], b[1201], c[161];
	int failed;
};

static size_t nest_text(struct nested *q, const char *t)
{
	size_t n = strlen(t) + 1, at = q->tlen;

	if (q->tlen + n > q->tcap) {
		size_t cap = q->tcap ? q->tcap * 2 : 16384;
		char *p;
		while (cap < q->tlen + n)
			cap *= 2;
		if ((p = realloc(q->text, cap)) == NULL) {
			q->failed = 1;
			return 0;
		}
		q->text = p;
		q->tcap = cap;
	}
	memcpy(q->text + at, t, n);
	q->tlen += n;
	return at;
}

static int nest_row(void *p)
{
	struct nested *q = p;
	struct nest_row *r;

	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 256;
		struct nest_row *v = realloc(q->v, cap * sizeof *v);
		if (v == NULL)
			return 1;
		q->v = v;
		q->cap = cap;
	}
	r = &q->v[q->n++];
	r->owner = q->owner;
	r->id = q->id;
	r->link = q->link;
	r->part = q->part;
	r->level = q->level;
	r->s[0] = nest_text(q, q->a);
	r->s[1] = nest_text(q, q->b);
	r->s[2] = nest_text(q, q->c);
	return q->failed;
}

/* Runs a nested statement (tenant, after, last) into q, its rows marked
 * part.  Columns: owner, then what the kind has (see stmt_feed.h). */
static enum db_result nest_read(struct db *db, enum db_stmt id, unsigned part, unsigned tenant,
				unsigned after, unsigned last, struct nested *q)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	db_arg_uint(&a, tenant);
	db_arg_uint(&a, after);
	db_arg_uint(&a, last);
	q->part = part;
	q->id = q->link = 0;
	q->level = 0;
	q->a[0] = q->b[0] = q->c[0] = '\0';
	db_col_uint(&c, &q->owner);
	switch (id) {
	case DBQ_FEED_PU_SITES: db_col_uint(&c, &q->id); break;
	case DBQ_FEED_OU_PERMS:
		db_col_str(&c, q->a, sizeof q->a);
		db_col_int(&c, &q->level);
		break;
	default: /* contacts, sites */
		db_col_uint(&c, &q->id);
		db_col_uint(&c, &q->link);
		db_col_str(&c, q->a, sizeof q->a);
		db_col_str(&c, q->b, sizeof q->b);
		if (id == DBQ_FEED_CUST_CONTACTS)
			db_col_str(&c, q->c, sizeof q->c);
		break;
	}
	return db_run(db, id, &a, &c, nest_row, q);
}

/* The nested rows of owner, in the order read (contacts before sites: the
 * contacts were read first), each into the page's row struct and handed
 * to fn. */
static int nest_emit(struct nested *q, unsigned owner, enum db_feed_resource res, void *row,
		     int (*fn)(void *ctx, const void *row), void *ctx)
{
	while (q->next < q->n && q->v[q->next].owner < owner)
		q->next++;
	for (; q->next < q->n && q->v[q->next].owner == owner; q->next++) {
		const struct nest_row *r = &q->v[q->next];
		const char *a = q->text + r->s[0], *b = q->text + r->s[1], *c = q->text + r->s[2];
		if (res == DB_FEED_PORTAL_USER) {
			struct db_feed_portal_user *u = row;
			u->part = 1;
			u->customer_id = r->id; /* a granted site */
		} else if (res == DB_FEED_CUSTOMER) {
			struct db_feed_customer *u = row;
			u->part = r->part;
			u->rid = r->id;
			u->link = r->link;
			snprintf(u->name, sizeof u->name, "%s", a);
			snprintf(u->email, sizeof u->email, "%s", b);
			snprintf(u->phone, sizeof u->phone, "%s", c);
		} else {
			struct db_feed_office_user *u = row;
			u->part = 1;
			snprintf(u->email, sizeof u->email, "%s", a);
			u->level = r->level;
		}
		if (fn(ctx, row) != 0)
			return 1;
	}
	return 0;
}

static int by_owner(const void *x, const void *y)
{
	const struct nest_row *a = x, *b = y;

	if (a->owner != b->owner)
		return a->owner < b->owner ? -1 : 1;
	if (a->part != b->part)
		return a->part < b->part ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Each owner's nested rows together, contacts (part 1) before sites. */
static void qsort_owner(struct nested *q)
{
	qsort(q->v, q->n, sizeof *q->v, by_owner);
}

/* A page's rows into one struct (row), handed to fn as they come, each
 * followed by its nested rows. */
struct page_row {
	void *row;
	enum db_feed_resource res;
	struct nested *q;
	int (*fn)(void *ctx, const void *row);
	void *ctx;
};

static unsigned row_id(const struct page_row *r)
{
	return *(const unsigned *)r->row; /* each struct begins with its id */
}

static int page_row(void *p)
{
	struct page_row *r = p;
	unsigned id = row_id(r);

	if (r->fn(r->ctx, r->row) != 0)
		return 1;
	return r->q != NULL ? nest_emit(r->q, id, r->res, r->row, r->fn, r->ctx) : 0;
}

/* The page's nested rows into q: the page's last id (bound), then its
 * sites, contacts and sites, or permissions by the id range. */
static enum db_result page_nested(struct db *db, enum db_feed_resource res, enum db_stmt bound,
				  unsigned tenant_id, unsigned after, unsigned limit,
				  struct nested *q)
{
	struct db_args b = DB_ARGS();
	struct db_cols bc = DB_COLS();
	unsigned last = 0;
	enum db_result rc;

	db_arg_uint(&b, tenant_id);
	db_arg_uint(&b, after);
	db_arg_uint(&b, limit);
	db_col_uint(&bc, &last);
	if ((rc = db_one(db, bound, &b, &bc)) != DB_OK || last <= after)
		return rc;
	if (res == DB_FEED_PORTAL_USER)
		return nest_read(db, DBQ_FEED_PU_SITES, 1, tenant_id, after, last, q);
	if (res == DB_FEED_OFFICE_USER)
		return nest_read(db, DBQ_FEED_OU_PERMS, 1, tenant_id, after, last, q);
	if ((rc = nest_read(db, DBQ_FEED_CUST_CONTACTS, 1, tenant_id, after, last, q)) == DB_OK &&
	    (rc = nest_read(db, DBQ_FEED_CUST_SITES, 2, tenant_id, after, last, q)) == DB_OK &&
	    q->n > 1)
		qsort_owner(q); /* each customer's contacts, then its sites */
	return rc;
}

/* Binds res's columns into row; its page statement and its bound
 * statement (DBQ__COUNT: none, nothing nested). */
static void page_stmts(enum db_feed_resource res, struct db_cols *c, void *row, enum db_stmt *page,
		       enum db_stmt *bound)
{
	switch (res) {
	case DB_FEED_PORTAL_USER:
		cols_portal_user(c, row);
		*page = DBQ_FEED_PORTAL_USERS;
		*bound = DBQ_FEED_PU_BOUND;
		break;
	case DB_FEED_CUSTOMER:
		cols_customer(c, row);
		*page = DBQ_FEED_CUSTOMERS;
		*bound = DBQ_FEED_CUST_BOUND;
		break;
	case DB_FEED_GROUP:
		cols_group(c, row);
		*page = DBQ_FEED_GROUPS;
		*bound = DBQ__COUNT;
		break;
	default:
		cols_office_user(c, row);
		*page = DBQ_FEED_OFFICE_USERS;
		*bound = DBQ_FEED_OU_BOUND;
		break;
	}
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
	struct page_row r = {.res = res, .fn = fn, .ctx = ctx};
	enum db_stmt page, bound;
	enum db_result rc = DB_ERR;

	if (res < DB_FEED_PORTAL_USER || res > DB_FEED_OFFICE_USER)
		return DB_ERR;
	if ((r.row = calloc(1, size[res])) == NULL)
		return DB_ERR;
	page_stmts(res, &c, r.row, &page, &bound);
	if (bound == DBQ__COUNT)
		rc = DB_OK;
	else if ((r.q = calloc(1, sizeof *r.q)) != NULL)
		rc = page_nested(db, res, bound, tenant_id, after, limit, r.q);
	if (rc == DB_OK) {
		db_arg_uint(&a, tenant_id);
		db_arg_uint(&a, after);
		db_arg_uint(&a, limit);
		rc = db_run(db, page, &a, &c, page_row, &r);
	}
	if (r.q != NULL) {
		free(r.q->v);
		free(r.q->text);
		free(r.q);
	}
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
