/* Customers' records, what the client portal shows: invoices, estimates,
 * jobs, documents, equipment (statements: stmt_record.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct record_row {
	struct db_record r;
	db_record_fn fn;
	void *ctx;
};

static int record_row(void *p)
{
	struct record_row *x = p;

	return x->fn(x->ctx, &x->r);
}

enum db_result db_portal_user_own_only(struct db *db, unsigned tenant_id, unsigned user_id,
				       int *own)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	enum db_result rc;

	*own = 0;
	db_arg_row(&a, user_id, tenant_id);
	db_col_bool(&c, own);
	if ((rc = db_one(db, DBQ_REC_OWN_ONLY, &a, &c)) == DB_NOTFOUND)
		rc = DB_OK;
	return rc;
}

enum db_result db_portal_records(struct db *db, unsigned tenant_id, unsigned customer_id,
				 unsigned user_id, const char *kind, unsigned only_id,
				 db_record_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct record_row *x;
	enum db_result rc;
	int own = 0;

	/* About 10 KiB: off the worker's stack. */
	if ((x = calloc(1, sizeof *x)) == NULL)
		return DB_ERR;
	x->fn = fn;
	x->ctx = ctx;
	db_col_uint(&c, &x->r.id);
	db_col_uint(&c, &x->r.site_id);
	db_col_ll(&c, &x->r.amount_cents);
	db_col_str(&c, x->r.ref, sizeof x->r.ref);
	db_col_str(&c, x->r.title, sizeof x->r.title);
	db_col_str(&c, x->r.detail, sizeof x->r.detail);
	db_col_str(&c, x->r.date, sizeof x->r.date);
	db_col_str(&c, x->r.status, sizeof x->r.status);
	db_col_str(&c, x->r.site, sizeof x->r.site);
	/* A user whose group shows only their own jobs, estimates and
	 * invoices reads those they are the contact of (sql/028). */
	if (user_id != 0 && (strcmp(kind, "job") == 0 || strcmp(kind, "estimate") == 0 ||
			     strcmp(kind, "invoice") == 0)) {
		if ((rc = db_portal_user_own_only(db, tenant_id, user_id, &own)) != DB_OK)
			goto out;
		if (own)
			db_arg_uint(&a, user_id);
	}
	db_arg_row(&a, customer_id, tenant_id);
	db_arg_str(&a, kind);
	db_arg_uint(&a, user_id); /* 0: a token session, every site */
	db_arg_uint(&a, user_id); /* a user with all sites */
	db_arg_uint(&a, user_id); /* or the granted ones */
	db_arg_uint(&a, only_id); /* 0: every record */
	db_arg_uint(&a, only_id);
	rc = db_run(db, own ? DBQ_REC_LIST_OWN : DBQ_REC_LIST, &a, &c, record_row, x);
out:
	free(x);
	return rc;
}

enum db_result db_record_status(struct db *db, unsigned tenant_id, unsigned customer_id,
				unsigned id, const char *kind, const char *from, const char *to,
				const char *by)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, to);
	db_arg_str(&a, by);
	db_arg_uint(&a, id);
	db_arg_row(&a, customer_id, tenant_id);
	db_arg_str(&a, kind);
	db_arg_str(&a, from);
	return db_exec1(db, DBQ_REC_STATUS, &a);
}

enum db_result db_record_add(struct db *db, const struct db_record_new *r, unsigned *id)
{
	struct db_args a = DB_ARGS(), ref = DB_ARGS();
	enum db_result rc;

	db_arg_uint(&a, r->tenant_id);
	db_arg_uint(&a, r->customer_id);
	db_arg_uint(&a, r->site_id);
	db_arg_str(&a, r->kind);
	db_arg_str(&a, r->ref ? r->ref : "");
	db_arg_str(&a, r->title);
	db_arg_str(&a, r->detail ? r->detail : "");
	db_arg_str(&a, r->date);
	db_arg_ll(&a, r->amount_cents);
	db_arg_str(&a, r->status ? r->status : "");
	db_arg_bool(&a, r->is_public);
	db_arg_str(&a, r->by ? r->by : "");
	db_arg_uint(&a, r->contact_user_id);
	if ((rc = db_insert(db, DBQ_REC_ADD, &a, id)) != DB_OK)
		return rc;
	if (r->ref != NULL && r->ref[0] != '\0')
		return DB_OK;
	/* A portal request's number, once its id is known. */
	db_arg_uint(&ref, *id);
	return db_exec(db, DBQ_REC_REF, &ref);
}

enum db_result db_record_count(struct db *db, unsigned tenant_id, unsigned customer_id, unsigned *n)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	*n = 0;
	db_arg_row(&a, customer_id, tenant_id);
	db_col_uint(&c, n);
	return db_run(db, DBQ_REC_COUNT, &a, &c, NULL, NULL);
}

enum db_result db_record_set_contact(struct db *db, unsigned tenant_id, unsigned id,
				     const char *email)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, email);
	db_arg_row(&a, id, tenant_id);
	return db_exec(db, DBQ_REC_SET_CONTACT, &a);
}
