/* The invitation ledger (statements: stmt_invitation.h; sql/026). */
#include "config.h"

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
	return db_run(db, DBQ_INVITATION_LIST, &a, &c, inv_row, &x);
}
