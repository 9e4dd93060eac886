/* The invitation ledger (statements: stmt_invitation.h; sql/026). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum db_result db_invitation_add(struct db *db, unsigned tenant_id, unsigned user_id,
				 uint64_t mail_id, const char *email, unsigned days)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, user_id);
	db_arg_u64(&a, mail_id);
	db_arg_str(&a, email);
	db_arg_uint(&a, days);
	return db_exec(db, DBQ_INVITATION_ADD, &a);
}

enum db_result db_invitation_outcome(struct db *db, uint64_t mail_id, const char *answer)
{
	struct db_args a = DB_ARGS();

	if (answer != NULL)
		db_arg_str(&a, answer);
	db_arg_u64(&a, mail_id);
	return db_exec(db, answer != NULL ? DBQ_INVITATION_BOUNCED : DBQ_INVITATION_SENT, &a);
}

enum db_result db_invitation_accepted(struct db *db, unsigned user_id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, user_id);
	db_arg_uint(&a, user_id);
	return db_exec(db, DBQ_INVITATION_ACCEPTED, &a);
}

struct inv_rows {
	struct db_invitation i;
	db_invitation_fn fn;
	void *ctx;
};

static int inv_row(void *p)
{
	struct inv_rows *x = p;

	return x->fn(x->ctx, &x->i);
}

enum db_result db_invitations(struct db *db, unsigned tenant_id, unsigned user_id,
			      db_invitation_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct inv_rows x;

	memset(&x, 0, sizeof x);
	x.fn = fn;
	x.ctx = ctx;
	db_arg_uint(&a, user_id);
	db_arg_uint(&a, tenant_id);
	db_col_str(&c, x.i.state, sizeof x.i.state);
	db_col_str(&c, x.i.email, sizeof x.i.email);
	db_col_str(&c, x.i.queued, sizeof x.i.queued);
	db_col_str(&c, x.i.expires, sizeof x.i.expires);
	db_col_str(&c, x.i.sent, sizeof x.i.sent);
	db_col_str(&c, x.i.bounced, sizeof x.i.bounced);
	db_col_str(&c, x.i.answer, sizeof x.i.answer);
	db_col_str(&c, x.i.accepted, sizeof x.i.accepted);
	db_col_uint(&c, &x.i.reminders);
	db_col_str(&c, x.i.reminded, sizeof x.i.reminded);
	return db_run(db, DBQ_INVITATION_LIST, &a, &c, inv_row, &x);
}

struct inv_user_rows {
	struct db_invitation i;
	unsigned user_id;
	db_user_invitation_fn fn;
	void *ctx;
};

static int inv_user_row(void *p)
{
	struct inv_user_rows *x = p;

	return x->fn(x->ctx, x->user_id, &x->i);
}

enum db_result db_customer_invitations(struct db *db, unsigned tenant_id, unsigned customer_id,
				       db_user_invitation_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct inv_user_rows *x;
	enum db_result rc;

	/* About 1.5 KiB: off the worker's stack. */
	if ((x = calloc(1, sizeof *x)) == NULL)
		return DB_ERR;
	x->fn = fn;
	x->ctx = ctx;
	db_arg_row(&a, customer_id, tenant_id);
	db_col_uint(&c, &x->user_id);
	db_col_str(&c, x->i.state, sizeof x->i.state);
	db_col_str(&c, x->i.email, sizeof x->i.email);
	db_col_str(&c, x->i.queued, sizeof x->i.queued);
	db_col_str(&c, x->i.expires, sizeof x->i.expires);
	db_col_str(&c, x->i.sent, sizeof x->i.sent);
	db_col_str(&c, x->i.bounced, sizeof x->i.bounced);
	db_col_str(&c, x->i.answer, sizeof x->i.answer);
	db_col_str(&c, x->i.accepted, sizeof x->i.accepted);
	db_col_uint(&c, &x->i.reminders);
	db_col_str(&c, x->i.reminded, sizeof x->i.reminded);
	rc = db_run(db, DBQ_INVITATION_BY_CUSTOMER, &a, &c, inv_user_row, x);
	free(x);
	return rc;
}

struct due {
	struct db_reminder r, *all;
	size_t n;
};

static int due_row(void *p)
{
	struct due *d = p;

	if (d->n < 500)
		d->all[d->n++] = d->r;
	return 0;
}

enum db_result db_invitations_due(struct db *db, unsigned remind_days, unsigned before_days,
				  db_reminder_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct due d;
	enum db_result rc;

	memset(&d, 0, sizeof d);
	if ((d.all = calloc(500, sizeof *d.all)) == NULL)
		return DB_ERR;
	db_arg_uint(&a, remind_days);
	db_arg_uint(&a, before_days);
	db_col_u64(&c, &d.r.id);
	db_col_uint(&c, &d.r.tenant_id);
	db_col_uint(&c, &d.r.user_id);
	db_col_str(&c, d.r.company, sizeof d.r.company);
	db_col_str(&c, d.r.email, sizeof d.r.email);
	db_col_uint(&c, &d.r.reminders);
	db_col_ll(&c, &d.r.minutes_left);
	/* Read whole first: each reminder runs statements of its own. */
	rc = db_run(db, DBQ_INVITATION_DUE, &a, &c, due_row, &d);
	for (size_t i = 0; rc == DB_OK && i < d.n; i++)
		if (fn(ctx, &d.all[i]) != 0)
			rc = DB_ERR;
	free(d.all);
	return rc;
}

enum db_result db_invitation_reminded(struct db *db, uint64_t id, uint64_t mail_id)
{
	struct db_args a = DB_ARGS();

	db_arg_u64(&a, mail_id);
	db_arg_u64(&a, id);
	return db_exec1(db, DBQ_INVITATION_REMINDED, &a);
}

enum db_result db_tenant_reminders(struct db *db, unsigned tenant_id, int *on)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	*on = 1;
	db_arg_uint(&a, tenant_id);
	db_col_bool(&c, on);
	return db_one(db, DBQ_TENANT_REMINDERS_GET, &a, &c);
}

enum db_result db_tenant_set_reminders(struct db *db, unsigned tenant_id, int on)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, on ? 1 : 0);
	db_arg_uint(&a, tenant_id);
	return db_exec(db, DBQ_TENANT_REMINDERS_SET, &a);
}

enum db_result db_portal_users_not_invited(struct db *db, unsigned tenant_id, unsigned long long *n)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	uint64_t v = 0;
	enum db_result rc;

	db_arg_uint(&a, tenant_id);
	db_col_u64(&c, &v);
	rc = db_one(db, DBQ_PU_NOT_INVITED_COUNT, &a, &c);
	*n = v;
	return rc;
}

enum db_result db_portal_users_not_invited_ids(struct db *db, unsigned tenant_id, unsigned *ids,
					       size_t max, size_t *n)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct db_idbuf x = {.ids = ids, .max = max};
	enum db_result rc;

	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, (unsigned)max);
	db_col_uint(&c, &x.id);
	rc = db_run(db, DBQ_PU_NOT_INVITED_IDS, &a, &c, db_idbuf_add, &x);
	*n = x.n < max ? x.n : max;
	return rc;
}
