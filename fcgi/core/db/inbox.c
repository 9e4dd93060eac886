/* The office's inbox: what clients did in the portal (statements:
 * stmt_inbox.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum db_result db_inbox_add(struct db *db, unsigned tenant_id, unsigned record_id,
			    unsigned customer_id, unsigned portal_user_id, const char *email,
			    const char *kind)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, record_id);
	db_arg_uint(&a, customer_id);
	db_arg_uint(&a, portal_user_id);
	db_arg_str(&a, email != NULL ? email : "");
	db_arg_str(&a, kind);
	return db_exec1(db, DBQ_INBOX_ADD, &a);
}

static void cols_item(struct db_cols *c, struct db_inbox_item *r)
{
	db_col_u64(c, &r->id);
	db_col_time(c, r->when);
	db_col_str(c, r->kind, sizeof r->kind);
	db_col_uint(c, &r->record_id);
	db_col_uint(c, &r->customer_id);
	db_col_str(c, r->customer, sizeof r->customer);
	db_col_uint(c, &r->portal_user_id);
	db_col_str(c, r->email, sizeof r->email);
	db_col_str(c, r->ref, sizeof r->ref);
	db_col_str(c, r->title, sizeof r->title);
	db_col_str(c, r->status, sizeof r->status);
	db_col_bool(c, &r->handled);
	db_col_time(c, r->handled_at);
	db_col_str(c, r->handled_by, sizeof r->handled_by);
	db_col_str(c, r->cursor, sizeof r->cursor);
}

struct inbox_rows {
	struct db_inbox_item *r;
	db_inbox_fn fn;
	void *ctx;
};

static int inbox_row(void *p)
{
	struct inbox_rows *x = p;

	return x->fn(x->ctx, x->r);
}

/* The view's statement (the OLDER one; NEWER and COUNT follow it in
 * stmt_inbox.h's order) and its values after the tenant. */
static enum db_stmt view(const struct db_inbox_filter *f, struct db_args *a)
{
	int kind = f->kind != NULL && f->kind[0] != '\0';

	if (f->state == 0 || f->state == 1)
		db_arg_uint(a, f->state == 0 ? 1 : 0); /* open_item */
	if (kind)
		db_arg_str(a, f->kind);
	if (f->state == 0 || f->state == 1)
		return kind ? DBQ_INBOX_OLDER_STATE_KIND : DBQ_INBOX_OLDER_STATE;
	return kind ? DBQ_INBOX_OLDER_ALL_KIND : DBQ_INBOX_OLDER_ALL;
}

enum db_result db_inbox_page(struct db *db, unsigned tenant_id, const struct db_inbox_filter *f,
			     enum db_audit_dir dir, const char *cursor_time, uint64_t cursor_id,
			     unsigned limit, db_inbox_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct inbox_rows x = {NULL, fn, ctx};
	enum db_stmt q;
	char t[27];
	uint64_t id;
	enum db_result rc;

	id = db_cursor_time(t, cursor_time, cursor_id, dir == DB_AUDIT_OLDER);
	/* About 2 KiB: off the worker's stack, like the other rows. */
	if ((x.r = calloc(1, sizeof *x.r)) == NULL)
		return DB_ERR;
	cols_item(&c, x.r);
	db_arg_uint(&a, tenant_id);
	q = view(f, &a);
	if (dir == DB_AUDIT_NEWER)
		q = (enum db_stmt)(q + 1);
	db_arg_str(&a, t);
	db_arg_str(&a, t);
	db_arg_u64(&a, id);
	db_arg_uint(&a, limit);
	rc = db_run(db, q, &a, &c, inbox_row, &x);
	free(x.r);
	return rc;
}

enum db_result db_inbox_count(struct db *db, unsigned tenant_id, const struct db_inbox_filter *f,
			      unsigned cap, unsigned *n)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	enum db_stmt q;

	*n = 0;
	db_arg_uint(&a, tenant_id);
	q = (enum db_stmt)(view(f, &a) + 2);
	db_arg_uint(&a, cap);
	db_col_uint(&c, n);
	return db_one(db, q, &a, &c);
}

enum db_result db_inbox_get(struct db *db, unsigned tenant_id, uint64_t id,
			    struct db_inbox_item *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	memset(out, 0, sizeof *out);
	cols_item(&c, out);
	db_arg_u64(&a, id);
	db_arg_uint(&a, tenant_id);
	return db_one(db, DBQ_INBOX_GET, &a, &c);
}

enum db_result db_inbox_handle(struct db *db, unsigned tenant_id, uint64_t id, unsigned user_id,
			       const char *email)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, user_id);
	db_arg_str(&a, email != NULL ? email : "");
	db_arg_u64(&a, id);
	db_arg_uint(&a, tenant_id);
	return db_exec1(db, DBQ_INBOX_HANDLE, &a);
}
