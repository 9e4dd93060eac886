/* One-time tokens: portal invitations and password resets, and office
 * password-reset links (statements: stmt_token.h).  Only a token's SHA-256
 * is kept; a new one ends the older live ones of its user and purpose. */
#include "config.h"

#include <string.h>

#include "internal.h"

enum db_result db_token_kill(struct db *db, unsigned user_id, const char *purpose)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, user_id);
	db_arg_str(&a, purpose);
	return db_exec(db, DBQ_TOKEN_KILL, &a);
}

enum db_result db_token_new(struct db *db, unsigned tenant_id, unsigned user_id,
			    const char *purpose, const unsigned char hash[32], unsigned valid_min)
{
	struct db_args a = DB_ARGS();
	enum db_result rc;

	if ((rc = db_token_kill(db, user_id, purpose)) != DB_OK)
		return rc;
	db_arg_blob(&a, hash, 32);
	db_arg_str(&a, purpose);
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, user_id);
	db_arg_uint(&a, valid_min);
	return db_exec(db, DBQ_TOKEN_INSERT, &a);
}

enum db_result db_token_find(struct db *db, unsigned tenant_id, const char *purpose,
			     const unsigned char hash[32], struct db_token *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	memset(out, 0, sizeof *out);
	db_arg_blob(&a, hash, 32);
	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, purpose);
	db_col_u64(&c, &out->id);
	db_col_uint(&c, &out->user_id);
	db_col_bool(&c, &out->live);
	db_col_str(&c, out->email, sizeof out->email);
	db_col_str(&c, out->company, sizeof out->company);
	return db_one(db, DBQ_TOKEN_LOOKUP, &a, &c);
}

/* Statement q with one token id: DB_NOTFOUND unless it was live. */
static enum db_result use(struct db *db, enum db_stmt q, uint64_t id)
{
	struct db_args a = DB_ARGS();

	db_arg_u64(&a, id);
	return db_exec1(db, q, &a);
}

enum db_result db_token_use(struct db *db, uint64_t id)
{
	return use(db, DBQ_TOKEN_USE, id);
}

/* ---- office password-reset links ---- */

enum db_result db_office_token_kill(struct db *db, unsigned user_id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, user_id);
	return db_exec(db, DBQ_OU_TOKEN_KILL, &a);
}

enum db_result db_office_token_new(struct db *db, unsigned tenant_id, unsigned user_id,
				   const unsigned char hash[32], unsigned valid_min)
{
	struct db_args a = DB_ARGS();
	enum db_result rc;

	if ((rc = db_office_token_kill(db, user_id)) != DB_OK)
		return rc;
	db_arg_blob(&a, hash, 32);
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, user_id);
	db_arg_uint(&a, valid_min);
	return db_exec(db, DBQ_OU_TOKEN_INSERT, &a);
}

enum db_result db_office_token_find(struct db *db, const unsigned char hash[32],
				    struct db_office_token *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	memset(out, 0, sizeof *out);
	db_arg_blob(&a, hash, 32);
	db_col_u64(&c, &out->id);
	db_col_uint(&c, &out->user_id);
	db_col_uint(&c, &out->tenant_id);
	db_col_bool(&c, &out->live);
	db_col_bool(&c, &out->active);
	db_col_str(&c, out->email, sizeof out->email);
	return db_one(db, DBQ_OU_TOKEN_LOOKUP, &a, &c);
}

enum db_result db_office_token_use(struct db *db, uint64_t id)
{
	return use(db, DBQ_OU_TOKEN_USE, id);
}
