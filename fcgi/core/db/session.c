/* Sessions of office and portal users (statements: stmt_session.h).  Only
 * a token's SHA-256 is ever stored or looked up. */
#include "config.h"

#include <string.h>

#include "internal.h"

enum db_result db_session_insert(struct db *db, const unsigned char hash[32], const char *kind,
				 unsigned tenant_id, unsigned user_id, unsigned abs_hours,
				 const char *ip, const char *ua, const char *stage)
{
	struct db_args a = DB_ARGS();

	db_arg_blob(&a, hash, 32);
	db_arg_str(&a, kind);
	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, kind); /* office_user_id when the kind is office */
	db_arg_uint(&a, user_id);
	db_arg_str(&a, kind); /* portal_user_id when it is portal */
	db_arg_uint(&a, user_id);
	db_arg_str(&a, stage); /* a full session lives abs_hours, others 10 minutes */
	db_arg_uint(&a, abs_hours);
	db_arg_str(&a, ip);
	db_arg_str(&a, ua);
	db_arg_str(&a, stage);
	return db_exec(db, DBQ_SESSION_INSERT, &a);
}

enum db_result db_session_office(struct db *db, const unsigned char hash[32], unsigned idle_min,
				 struct db_session *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	memset(out, 0, sizeof *out);
	db_arg_blob(&a, hash, 32);
	db_arg_uint(&a, idle_min);
	db_col_u64(&c, &out->id);
	db_col_uint(&c, &out->tenant_id);
	db_col_uint(&c, &out->user_id);
	db_col_str(&c, out->email, sizeof out->email);
	db_col_str(&c, out->first, sizeof out->first);
	db_col_str(&c, out->last, sizeof out->last);
	db_col_int(&c, &out->settings);
	db_col_ll(&c, &out->seen_secs);
	db_col_str(&c, out->stage, sizeof out->stage);
	db_col_bool(&c, &out->mfa_required);
	db_col_bool(&c, &out->mfa_enabled);
	db_cols_tenant(&c, &out->tenant);
	db_col_str(&c, out->time_zone, sizeof out->time_zone);
	db_col_uint(&c, &out->inbox_open);
	return db_one(db, DBQ_SESSION_OFFICE, &a, &c);
}

enum db_result db_session_portal(struct db *db, const unsigned char hash[32], unsigned tenant_id,
				 unsigned idle_min, struct db_portal_session *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	memset(out, 0, sizeof *out);
	db_arg_blob(&a, hash, 32);
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, idle_min);
	db_col_u64(&c, &out->id);
	db_col_uint(&c, &out->user_id);
	db_col_uint(&c, &out->customer_id);
	db_col_str(&c, out->stage, sizeof out->stage);
	db_col_str(&c, out->email, sizeof out->email);
	db_col_str(&c, out->company, sizeof out->company);
	db_col_ll(&c, &out->seen_secs);
	db_col_bool(&c, &out->mfa_required);
	db_col_bool(&c, &out->mfa_enabled);
	db_col_str(&c, out->perms, sizeof out->perms);
	db_col_str(&c, out->time_zone, sizeof out->time_zone);
	db_col_uint(&c, &out->viewer_id);
	db_col_str(&c, out->viewer, sizeof out->viewer);
	db_col_str(&c, out->ends, sizeof out->ends);
	return db_one(db, DBQ_SESSION_PORTAL, &a, &c);
}

enum db_result db_view_as_start(struct db *db, const unsigned char hash[32], unsigned tenant_id,
				unsigned user_id, unsigned viewer, unsigned minutes, const char *ip,
				const char *ua)
{
	struct db_args a = DB_ARGS();

	db_arg_blob(&a, hash, 32);
	db_arg_uint(&a, minutes);
	db_arg_str(&a, ip);
	db_arg_str(&a, ua);
	db_arg_uint(&a, viewer);
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, user_id);
	db_arg_uint(&a, viewer);
	return db_exec1(db, DBQ_VIEW_AS_INSERT, &a);
}

enum db_result db_portal_session_insert(struct db *db, const unsigned char hash[32],
					unsigned tenant_id, unsigned user_id, unsigned customer_id,
					const char *stage, unsigned minutes, const char *ip,
					const char *ua)
{
	struct db_args a = DB_ARGS();

	db_arg_blob(&a, hash, 32);
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, user_id);
	db_arg_uint(&a, customer_id);
	db_arg_str(&a, stage);
	db_arg_uint(&a, minutes);
	db_arg_str(&a, ip);
	db_arg_str(&a, ua);
	return db_exec(db, DBQ_PORTAL_SESSION_INSERT, &a);
}

struct psess_ctx {
	struct db_session_row r;
	db_session_fn fn;
	void *ctx;
};

/* A session list's columns after the id: created, seen, address,
 * browser, whether it is the current one. */
static void session_cols(struct db_cols *c, struct db_session_row *r)
{
	db_col_str(c, r->created, sizeof r->created);
	db_col_str(c, r->seen, sizeof r->seen);
	db_col_str(c, r->ip, sizeof r->ip);
	db_col_str(c, r->ua, sizeof r->ua);
	db_col_bool(c, &r->current);
}

static int psess_row(void *p)
{
	struct psess_ctx *x = p;

	return x->fn(x->ctx, &x->r);
}

enum db_result db_portal_sessions(struct db *db, unsigned user_id, const unsigned char hash[32],
				  db_session_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct psess_ctx x;

	memset(&x, 0, sizeof x);
	x.fn = fn;
	x.ctx = ctx;
	db_arg_blob(&a, hash, 32);
	db_arg_uint(&a, user_id);
	session_cols(&c, &x.r);
	return db_run(db, DBQ_PORTAL_SESSION_LIST, &a, &c, psess_row, &x);
}

/* Statement q with one id (a user's, a tenant's, a customer's). */
static enum db_result by_id(struct db *db, enum db_stmt q, unsigned id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, id);
	return db_exec(db, q, &a);
}

/* Statement q with (user id, the token hash of the session to keep). */
static enum db_result all_but(struct db *db, enum db_stmt q, unsigned user_id,
			      const unsigned char keep[32])
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, user_id);
	db_arg_blob(&a, keep, 32);
	return db_exec(db, q, &a);
}

enum db_result db_portal_sessions_delete_others(struct db *db, unsigned user_id,
						const unsigned char keep[32])
{
	return all_but(db, DBQ_PORTAL_SESSION_DELETE_OTHERS, user_id, keep);
}

enum db_result db_portal_sessions_delete_customer(struct db *db, unsigned customer_id)
{
	return by_id(db, DBQ_PORTAL_SESSION_DELETE_CUSTOMER, customer_id);
}

enum db_result db_office_sessions_delete_others(struct db *db, unsigned user_id,
						const unsigned char keep[32])
{
	if (keep == NULL)
		return db_session_delete_office_user(db, user_id);
	return all_but(db, DBQ_OU_SESSIONS_DELETE_OTHERS, user_id, keep);
}

enum db_result db_session_touch(struct db *db, uint64_t id)
{
	struct db_args a = DB_ARGS();

	db_arg_u64(&a, id);
	return db_exec(db, DBQ_SESSION_TOUCH, &a);
}

enum db_result db_session_delete(struct db *db, const unsigned char hash[32])
{
	struct db_args a = DB_ARGS();

	db_arg_blob(&a, hash, 32);
	return db_exec(db, DBQ_SESSION_DELETE, &a);
}

enum db_result db_session_delete_office_user(struct db *db, unsigned user_id)
{
	return by_id(db, DBQ_SESSION_DELETE_OFFICE_USER, user_id);
}

enum db_result db_session_delete_portal_user(struct db *db, unsigned user_id)
{
	return by_id(db, DBQ_SESSION_DELETE_PORTAL_USER, user_id);
}

enum db_result db_session_delete_tenant_portal(struct db *db, unsigned tenant_id)
{
	return by_id(db, DBQ_SESSION_DELETE_TENANT_PORTAL, tenant_id);
}

/* Bounded statements on the sign-in paths: a backlog drains over time. */
enum db_result db_purge(struct db *db, unsigned idle_min)
{
	enum db_result rc;

	if ((rc = by_id(db, DBQ_SESSION_PURGE, idle_min)) != DB_OK)
		return rc;
	return db_exec(db, DBQ_THROTTLE_PURGE, NULL);
}

enum db_result db_office_sessions(struct db *db, unsigned tenant_id, unsigned user_id,
				  const unsigned char current[32], db_session_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct psess_ctx x;

	memset(&x, 0, sizeof x);
	x.fn = fn;
	x.ctx = ctx;
	db_arg_blob(&a, current, 32);
	db_arg_uint(&a, user_id);
	db_arg_uint(&a, tenant_id);
	db_col_u64(&c, &x.r.id);
	session_cols(&c, &x.r);
	return db_run(db, DBQ_OU_SESSION_LIST, &a, &c, psess_row, &x);
}

enum db_result db_office_session_end(struct db *db, unsigned tenant_id, unsigned user_id,
				     uint64_t id)
{
	struct db_args a = DB_ARGS();

	db_arg_u64(&a, id);
	db_arg_uint(&a, user_id);
	db_arg_uint(&a, tenant_id);
	return db_exec1(db, DBQ_OU_SESSION_END, &a);
}

enum db_result db_office_sessions_end(struct db *db, unsigned tenant_id, unsigned user_id,
				      const unsigned char keep[32], unsigned long long *ended)
{
	static const unsigned char none[32]; /* no token hashes to zeros */
	struct db_args a = DB_ARGS();
	enum db_result rc;

	db_arg_uint(&a, user_id);
	db_arg_uint(&a, tenant_id);
	db_arg_blob(&a, keep != NULL ? keep : none, 32);
	rc = db_exec(db, DBQ_OU_SESSIONS_END, &a);
	*ended = rc == DB_OK ? a.affected : 0;
	return rc;
}
