/* Sign-in throttles, counted atomically in the database (statements:
 * stmt_throttle.h); auth.c decides, inside its own transactions. */
#include "config.h"

#include <string.h>

#include "internal.h"

enum db_result db_throttle_lock(struct db *db, const unsigned char key[32], unsigned portal_user_id,
				struct db_throttle *t)
{
	struct db_args a = DB_ARGS(), k = DB_ARGS();
	struct db_cols c = DB_COLS();
	enum db_result rc;

	memset(t, 0, sizeof *t);
	db_arg_blob(&a, key, 32);
	db_arg_uint(&a, portal_user_id);
	if ((rc = db_exec(db, DBQ_THROTTLE_ENSURE, &a)) != DB_OK)
		return rc;
	db_arg_blob(&k, key, 32);
	db_col_uint(&c, &t->attempts);
	db_col_ll(&c, &t->age_secs);
	db_col_ll(&c, &t->locked_secs);
	return db_one(db, DBQ_THROTTLE_LOCK, &k, &c);
}

enum db_result db_throttle_set(struct db *db, const unsigned char key[32], long long age_secs,
			       unsigned attempts, long long lock_secs)
{
	struct db_args a = DB_ARGS();

	db_arg_ll(&a, age_secs);
	db_arg_uint(&a, attempts);
	db_arg_ll(&a, lock_secs); /* a lock at all */
	db_arg_ll(&a, lock_secs); /* and its length */
	db_arg_blob(&a, key, 32);
	return db_exec(db, DBQ_THROTTLE_SET, &a);
}

static enum db_result by_key(struct db *db, enum db_stmt q, const unsigned char key[32])
{
	struct db_args a = DB_ARGS();

	db_arg_blob(&a, key, 32);
	return db_exec(db, q, &a);
}

enum db_result db_throttle_clear(struct db *db, const unsigned char key[32])
{
	return by_key(db, DBQ_THROTTLE_CLEAR, key);
}

enum db_result db_throttle_refund(struct db *db, const unsigned char key[32])
{
	return by_key(db, DBQ_THROTTLE_REFUND, key);
}

enum db_result db_throttle_clear_all(struct db *db)
{
	return db_exec(db, DBQ_THROTTLE_CLEAR_ALL, NULL);
}

enum db_result db_throttle_peek(struct db *db, const unsigned char key[32], struct db_throttle *t)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	memset(t, 0, sizeof *t);
	db_arg_blob(&a, key, 32);
	db_col_uint(&c, &t->attempts);
	db_col_ll(&c, &t->locked_secs);
	return db_run(db, DBQ_THROTTLE_PEEK, &a, &c, NULL, NULL);
}
