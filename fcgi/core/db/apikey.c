/* Partner API keys (statements: stmt_apikey.h). */
#include "config.h"

#include <string.h>

#include "internal.h"

enum db_result db_apikey_add(struct db *db, unsigned tenant_id, const char *key_id,
			     const char *name, const char *scopes, const unsigned char hash[32],
			     const char *allow, const char *created_by, const char *expires)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, key_id);
	db_arg_str(&a, name);
	db_arg_str(&a, scopes);
	db_arg_blob(&a, hash, 32);
	db_arg_str(&a, allow);
	db_arg_str(&a, created_by);
	db_arg_str(&a, expires);
	return db_exec(db, DBQ_KEY_INSERT, &a);
}

struct key_row {
	struct db_apikey k;
	db_apikey_fn fn;
	void *ctx;
};

static int key_row(void *p)
{
	struct key_row *r = p;

	return r->fn(r->ctx, &r->k);
}

enum db_result db_apikey_list(struct db *db, unsigned tenant_id, db_apikey_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct key_row r;

	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	db_arg_uint(&a, tenant_id);
	db_col_str(&c, r.k.key_id, sizeof r.k.key_id);
	db_col_str(&c, r.k.name, sizeof r.k.name);
	db_col_str(&c, r.k.scopes, sizeof r.k.scopes);
	db_col_str(&c, r.k.created_by, sizeof r.k.created_by);
	db_col_time(&c, r.k.created_at);
	db_col_time(&c, r.k.expires_at);
	db_col_time(&c, r.k.last_used_at);
	db_col_str(&c, r.k.last_used_ip, sizeof r.k.last_used_ip);
	db_col_str(&c, r.k.status, sizeof r.k.status);
	db_col_uint(&c, &r.k.rate);
	db_col_uint(&c, &r.k.burst);
	return db_run(db, DBQ_KEY_LIST, &a, &c, key_row, &r);
}

enum db_result db_apikey_revoke(struct db *db, unsigned tenant_id, const char *key_id)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, key_id);
	db_arg_uint(&a, tenant_id);
	return db_exec1(db, DBQ_KEY_REVOKE, &a);
}

enum db_result db_apikey_roll(struct db *db, unsigned tenant_id, const char *key_id,
			      const unsigned char hash[32], unsigned grace_days)
{
	struct db_args a = DB_ARGS();

	for (int i = 0; i < 3; i++)
		db_arg_uint(&a, grace_days);
	db_arg_blob(&a, hash, 32);
	db_arg_str(&a, key_id);
	db_arg_uint(&a, tenant_id);
	return db_exec1(db, DBQ_KEY_ROLL, &a);
}

enum db_result db_apikey_rate(struct db *db, unsigned tenant_id, const char *key_id, unsigned rate,
			      unsigned burst)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, rate);
	db_arg_uint(&a, burst);
	db_arg_uint(&a, burst);
	db_arg_str(&a, key_id);
	db_arg_uint(&a, tenant_id);
	return db_exec1(db, DBQ_KEY_RATE, &a);
}

enum db_result db_apikey_auth(struct db *db, const char *key_id, struct db_apikey_auth *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	size_t hlen = 0;
	enum db_result rc;

	memset(out, 0, sizeof *out);
	db_arg_str(&a, key_id);
	db_col_uint(&c, &out->id);
	db_col_uint(&c, &out->tenant_id);
	db_col_str(&c, out->slug, sizeof out->slug);
	db_col_blob(&c, out->hash, sizeof out->hash, &hlen);
	db_col_blob(&c, out->prev, sizeof out->prev, &out->prev_len);
	db_col_bool(&c, &out->dead);
	db_col_uint(&c, &out->scopes);
	db_col_str(&c, out->allow, sizeof out->allow);
	db_col_uint(&c, &out->rate);
	db_col_bool(&c, &out->used_lately);
	rc = db_one(db, DBQ_KEY_AUTH, &a, &c);
	if (rc == DB_OK && hlen != sizeof out->hash)
		rc = DB_ERR;
	if (out->prev_len != sizeof out->prev)
		out->prev_len = 0;
	return rc;
}

enum db_result db_apikey_used(struct db *db, unsigned id, const char *addr)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, addr);
	db_arg_uint(&a, id);
	return db_exec(db, DBQ_KEY_USED, &a);
}

enum db_result db_apikey_take(struct db *db, unsigned id, unsigned want, unsigned *got,
			      long long *wait_us)
{
	struct db_args a = DB_ARGS(), w = DB_ARGS();
	struct db_cols c = DB_COLS(), g = DB_COLS();
	long long n = 0;
	enum db_result rc;

	*wait_us = 0;
	*got = 0;
	db_arg_uint(&a, want > 0 ? want : 1);
	db_arg_uint(&a, id);
	if ((rc = db_exec1(db, DBQ_KEY_TAKE, &a)) == DB_OK) {
		db_col_ll(&g, &n);
		if ((rc = db_one(db, DBQ_KEY_GOT, NULL, &g)) == DB_OK)
			*got = n >= 1 ? (unsigned)n : 1;
		return rc;
	}
	if (rc != DB_NOTFOUND)
		return rc;
	db_arg_uint(&w, id);
	db_col_ll(&c, wait_us);
	if ((rc = db_one(db, DBQ_KEY_WAIT, &w, &c)) != DB_OK)
		return rc;
	return DB_NOTFOUND;
}
