/* MFA of portal and office users: the same model in portal_users /
 * portal_mfa_recovery and office_users / office_mfa_recovery, one
 * statement of each (statements: stmt_mfa.h). */
#include "config.h"

#include <string.h>

#include "internal.h"

enum mfa_op {
	OP_AUTH_LOCKED,
	OP_SET_PENDING,
	OP_ENABLE,
	OP_STEP,
	OP_RESET,
	OP_REQUIRE,
	OP_RECOVERY_DELETE_ALL,
	OP_RECOVERY_INSERT,
	OP_RECOVERY_USE,
	OP_RECOVERY_COUNT,
	OP_STATE,
	OP__COUNT
};

/* By enum db_who (DB_PORTAL, DB_OFFICE), then by operation. */
static const enum db_stmt mfa_q[2][OP__COUNT] = {
	{DBQ_PU_AUTH_LOCKED, DBQ_PU_MFA_SET_PENDING, DBQ_PU_MFA_ENABLE, DBQ_PU_MFA_STEP,
	 DBQ_PU_MFA_RESET, DBQ_PU_MFA_REQUIRE, DBQ_RECOVERY_DELETE_ALL, DBQ_RECOVERY_INSERT,
	 DBQ_RECOVERY_USE, DBQ_RECOVERY_COUNT, DBQ_PU_MFA_STATE},
	{DBQ_OFF_AUTH_LOCKED, DBQ_OFF_MFA_SET_PENDING, DBQ_OFF_MFA_ENABLE, DBQ_OFF_MFA_STEP,
	 DBQ_OFF_MFA_RESET, DBQ_OFF_MFA_REQUIRE, DBQ_OFF_RECOVERY_DELETE_ALL,
	 DBQ_OFF_RECOVERY_INSERT, DBQ_OFF_RECOVERY_USE, DBQ_OFF_RECOVERY_COUNT, DBQ_OFF_MFA_STATE},
};

static enum db_stmt q(enum db_who who, enum mfa_op op)
{
	return mfa_q[who == DB_OFFICE][op];
}

/* The caller wipes *out (sodium_memzero) when done: it holds the password
 * hash and the sealed keys. */
enum db_result db_mfa_auth_locked(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
				  struct db_mfa_auth *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	memset(out, 0, sizeof *out);
	db_arg_row(&a, id, tenant_id);
	db_col_str(&c, out->hash, sizeof out->hash);
	db_col_bool(&c, &out->mfa_required);
	db_col_blob(&c, out->mfa_secret, sizeof out->mfa_secret, &out->secret_len);
	db_col_blob(&c, out->mfa_pending, sizeof out->mfa_pending, &out->pending_len);
	db_col_ll(&c, &out->last_step);
	db_col_str(&c, out->email, sizeof out->email);
	db_col_str(&c, out->company, sizeof out->company);
	db_col_bool(&c, &out->active);
	return db_one(db, q(who, OP_AUTH_LOCKED), &a, &c);
}

enum db_result db_mfa_set_pending(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
				  const unsigned char *sealed, size_t len)
{
	struct db_args a = DB_ARGS();

	db_arg_blob(&a, sealed, len);
	db_arg_row(&a, id, tenant_id);
	return db_exec(db, q(who, OP_SET_PENDING), &a);
}

enum db_result db_mfa_enable(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
			     long long step)
{
	struct db_args a = DB_ARGS();

	db_arg_ll(&a, step);
	db_arg_row(&a, id, tenant_id);
	return db_exec1(db, q(who, OP_ENABLE), &a);
}

enum db_result db_mfa_step(struct db *db, enum db_who who, unsigned id, long long step)
{
	struct db_args a = DB_ARGS();

	db_arg_ll(&a, step);
	db_arg_uint(&a, id);
	db_arg_ll(&a, step); /* only a later step than the last one used */
	return db_exec1(db, q(who, OP_STEP), &a);
}

/* Statement op with one user id. */
static enum db_result by_user(struct db *db, enum db_who who, enum mfa_op op, unsigned id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, id);
	return db_exec(db, q(who, op), &a);
}

enum db_result db_mfa_reset(struct db *db, enum db_who who, unsigned tenant_id, unsigned id)
{
	struct db_args a = DB_ARGS();
	enum db_result rc;

	db_arg_row(&a, id, tenant_id);
	if ((rc = db_exec(db, q(who, OP_RESET), &a)) != DB_OK)
		return rc;
	return by_user(db, who, OP_RECOVERY_DELETE_ALL, id);
}

enum db_result db_mfa_require(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
			      int on)
{
	struct db_args a = DB_ARGS();

	db_arg_bool(&a, on);
	db_arg_row(&a, id, tenant_id);
	return db_exec(db, q(who, OP_REQUIRE), &a);
}

enum db_result db_mfa_state(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
			    int *required, int *enabled)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	*required = 0;
	*enabled = 0;
	db_arg_row(&a, id, tenant_id);
	db_col_bool(&c, required);
	db_col_bool(&c, enabled);
	return db_one(db, q(who, OP_STATE), &a, &c);
}

enum db_result db_mfa_recovery_set(struct db *db, enum db_who who, unsigned id,
				   const unsigned char (*hashes)[32], size_t n)
{
	enum db_result rc;

	if ((rc = by_user(db, who, OP_RECOVERY_DELETE_ALL, id)) != DB_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct db_args a = DB_ARGS();
		db_arg_uint(&a, id);
		db_arg_blob(&a, hashes[i], 32);
		if ((rc = db_exec(db, q(who, OP_RECOVERY_INSERT), &a)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

enum db_result db_mfa_recovery_use(struct db *db, enum db_who who, unsigned id,
				   const unsigned char hash[32])
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, id);
	db_arg_blob(&a, hash, 32);
	return db_exec1(db, q(who, OP_RECOVERY_USE), &a);
}

enum db_result db_mfa_recovery_count(struct db *db, enum db_who who, unsigned id, unsigned *n)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	*n = 0;
	db_arg_uint(&a, id);
	db_col_uint(&c, n);
	return db_run(db, q(who, OP_RECOVERY_COUNT), &a, &c, NULL, NULL);
}
