/* People who leave (issue 15, sql/027): the tombstones of deleted portal
 * and office users (kept by the deletes themselves, listed, restored,
 * purged), dormant accounts (gatehouse-ctl dormant) and office users'
 * last sign-in. */
#include "config.h"

#include <string.h>

#include "internal.h"

/* Statement q with (a, b). */
static enum db_result pair(struct db *db, enum db_stmt q, unsigned a, unsigned b)
{
	struct db_args x = DB_ARGS();

	db_arg_uint(&x, a);
	db_arg_uint(&x, b);
	return db_exec(db, q, &x);
}

enum db_result db_portal_tombstone_keep(struct db *db, unsigned tenant_id, unsigned id)
{
	struct db_args a = DB_ARGS();
	unsigned tid = 0;
	enum db_result rc;

	db_arg_row(&a, id, tenant_id);
	if ((rc = db_insert(db, DBQ_PT_ADD, &a, &tid)) != DB_OK)
		return rc;
	if (a.affected == 0)
		return DB_NOTFOUND; /* another tenant's id, or gone */
	return pair(db, DBQ_PT_ADD_SITES, tid, id);
}

enum db_result db_office_tombstone_keep(struct db *db, unsigned tenant_id, unsigned id)
{
	struct db_args a = DB_ARGS();
	unsigned tid = 0;
	enum db_result rc;

	db_arg_row(&a, id, tenant_id);
	if ((rc = db_insert(db, DBQ_OT_ADD, &a, &tid)) != DB_OK)
		return rc;
	if (a.affected == 0)
		return DB_NOTFOUND;
	if ((rc = pair(db, DBQ_OT_ADD_PERMS, tid, id)) == DB_OK &&
	    (rc = pair(db, DBQ_OT_ADD_CALS, tid, id)) == DB_OK)
		rc = pair(db, DBQ_OT_ADD_VANS, tid, id);
	return rc;
}

struct tomb_rows {
	struct db_tombstone t;
	db_tombstone_fn fn;
	void *ctx;
};

static int tomb_row(void *ctx)
{
	struct tomb_rows *x = ctx;

	return x->fn(x->ctx, &x->t);
}

enum db_result db_tombstones(struct db *db, enum db_who who, unsigned tenant_id, unsigned days,
			     unsigned limit, db_tombstone_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct tomb_rows x;

	memset(&x, 0, sizeof x);
	x.fn = fn;
	x.ctx = ctx;
	db_arg_uint(&a, days);
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, days);
	db_arg_uint(&a, limit);
	db_col_uint(&c, &x.t.id);
	db_col_uint(&c, &x.t.user_id);
	db_col_str(&c, x.t.name, sizeof x.t.name);
	db_col_str(&c, x.t.email, sizeof x.t.email);
	if (who == DB_OFFICE)
		db_col_str(&c, x.t.role, sizeof x.t.role);
	db_col_time(&c, x.t.deleted_at);
	db_col_time(&c, x.t.until);
	return db_run(db, who == DB_OFFICE ? DBQ_OT_LIST : DBQ_PT_LIST, &a, &c, tomb_row, &x);
}

enum db_result db_portal_tombstone_restore(struct db *db, unsigned tenant_id, unsigned id,
					   unsigned days, struct db_restored *out)
{
	struct db_args a = DB_ARGS(), r = DB_ARGS();
	struct db_cols c = DB_COLS();
	enum db_result rc;

	memset(out, 0, sizeof *out);
	db_arg_uint(&a, days);
	db_arg_row(&a, id, tenant_id);
	db_col_uint(&c, &out->user_id);
	db_col_uint(&c, &out->customer_id);
	db_col_str(&c, out->name, sizeof out->name);
	db_col_str(&c, out->email, sizeof out->email);
	db_col_bool(&c, &out->within);
	db_col_bool(&c, &out->active);
	if ((rc = db_one(db, DBQ_PT_GET, &a, &c)) != DB_OK || !out->within)
		return rc;
	/* DB_DUP: the login was given to someone else meanwhile. */
	db_arg_row(&r, id, tenant_id);
	if ((rc = db_exec1(db, DBQ_PT_RESTORE, &r)) == DB_OK &&
	    (rc = pair(db, DBQ_PT_RESTORE_SITES, out->user_id, id)) == DB_OK)
		rc = pair(db, DBQ_PT_DELETE, id, tenant_id);
	return rc;
}

enum db_result db_office_tombstone_restore(struct db *db, unsigned tenant_id, unsigned id,
					   unsigned days, struct db_restored *out)
{
	struct db_args a = DB_ARGS(), r = DB_ARGS(), u = DB_ARGS();
	struct db_cols c = DB_COLS();
	enum db_result rc;

	memset(out, 0, sizeof *out);
	db_arg_uint(&a, days);
	db_arg_row(&a, id, tenant_id);
	db_col_uint(&c, &out->user_id);
	db_col_str(&c, out->email, sizeof out->email);
	db_col_str(&c, out->role, sizeof out->role);
	db_col_bool(&c, &out->within);
	db_col_bool(&c, &out->active);
	if ((rc = db_one(db, DBQ_OT_GET, &a, &c)) != DB_OK || !out->within)
		return rc;
	db_arg_row(&r, id, tenant_id);
	db_arg_str(&u, out->email);
	db_arg_uint(&u, tenant_id);
	if ((rc = db_exec1(db, DBQ_OT_RESTORE, &r)) == DB_OK &&
	    (rc = pair(db, DBQ_OT_RESTORE_PERMS, out->user_id, id)) == DB_OK &&
	    (rc = pair(db, DBQ_OT_RESTORE_CALS, out->user_id, id)) == DB_OK &&
	    (rc = pair(db, DBQ_OT_RESTORE_VANS, out->user_id, id)) == DB_OK &&
	    (rc = db_exec(db, DBQ_OT_UNBURN, &u)) == DB_OK)
		rc = pair(db, DBQ_OT_DELETE, id, tenant_id);
	return rc;
}

struct expired_rows {
	struct db_expired e;
	struct db_expired *out;
	size_t n, max;
};

static int expired_row(void *ctx)
{
	struct expired_rows *x = ctx;

	if (x->n < x->max)
		x->out[x->n++] = x->e;
	return 0;
}

enum db_result db_tombstones_expired(struct db *db, enum db_who who, unsigned days,
				     struct db_expired *out, size_t max, size_t *n)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct expired_rows x;
	enum db_result rc;

	memset(&x, 0, sizeof x);
	x.out = out;
	x.max = max;
	db_arg_uint(&a, days);
	db_arg_uint(&a, (unsigned)max);
	db_col_uint(&c, &x.e.id);
	db_col_uint(&c, &x.e.tenant_id);
	db_col_uint(&c, &x.e.user_id);
	db_col_str(&c, x.e.email, sizeof x.e.email);
	rc = db_run(db, who == DB_OFFICE ? DBQ_OT_EXPIRED : DBQ_PT_EXPIRED, &a, &c, expired_row,
		    &x);
	*n = x.n;
	return rc;
}

enum db_result db_tombstone_purge(struct db *db, enum db_who who, unsigned tenant_id, unsigned id)
{
	return pair(db, who == DB_OFFICE ? DBQ_OT_DELETE : DBQ_PT_DELETE, id, tenant_id);
}

enum db_result db_office_user_signed_in(struct db *db, unsigned id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, id);
	return db_exec(db, DBQ_OU_SIGNED_IN, &a);
}

enum db_result db_dormant_due(struct db *db, enum db_who who, int off, unsigned days,
			      unsigned tenant_id, struct db_expired *out, size_t max, size_t *n)
{
	static const enum db_stmt q[2][2] = {{DBQ_PD_WARN_DUE, DBQ_PD_OFF_DUE},
					     {DBQ_OD_WARN_DUE, DBQ_OD_OFF_DUE}};
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct expired_rows x;
	enum db_result rc;

	memset(&x, 0, sizeof x);
	x.out = out;
	x.max = max;
	db_arg_uint(&a, days);
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, (unsigned)max);
	db_col_uint(&c, &x.e.user_id);
	db_col_uint(&c, &x.e.tenant_id);
	db_col_str(&c, x.e.email, sizeof x.e.email);
	db_col_str(&c, x.e.company, sizeof x.e.company);
	db_col_str(&c, x.e.slug, sizeof x.e.slug);
	rc = db_run(db, q[who == DB_OFFICE][off != 0], &a, &c, expired_row, &x);
	*n = x.n;
	return rc;
}

enum db_result db_dormant_warned(struct db *db, enum db_who who, unsigned id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, id);
	return db_exec1(db, who == DB_OFFICE ? DBQ_OD_WARNED : DBQ_PD_WARNED, &a);
}

enum db_result db_dormant_off(struct db *db, enum db_who who, unsigned id)
{
	struct db_args a = DB_ARGS(), s = DB_ARGS();
	enum db_result rc;

	db_arg_uint(&a, id);
	db_arg_uint(&s, id);
	if ((rc = db_exec1(db, who == DB_OFFICE ? DBQ_OD_OFF : DBQ_PD_OFF, &a)) != DB_OK)
		return rc;
	return db_exec(db, who == DB_OFFICE ? DBQ_OD_SESSIONS_END : DBQ_PD_SESSIONS_END, &s);
}

enum db_result db_dormant_other_supers(struct db *db, unsigned tenant_id, unsigned id, unsigned *n)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	long long v = 0;
	enum db_result rc;

	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, id);
	db_col_ll(&c, &v);
	rc = db_one(db, DBQ_OD_OTHER_SUPERS, &a, &c);
	*n = (unsigned)v;
	return rc;
}
