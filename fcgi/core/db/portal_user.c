/* Portal users: the Portal Access list through the list-order cache, each
 * row's status as the sign-in decides it (pstatus.c), the user's own row,
 * sign-in, access and a customer's portal users (statements:
 * stmt_portal_user.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pstatus.h"

/* PU_STATUS's three columns: what pstatus_decide needs. */
struct status_cols {
	unsigned pstate; /* sql/019: 3 revoked, 2 a password, 1 invited, 0 none */
	char invite[12];
	long long lock_us; /* NULL (no lock, most rows): 0 */
};

static void status_cols(struct db_cols *c, struct status_cols *s)
{
	db_col_uint(c, &s->pstate);
	db_col_str(c, s->invite, sizeof s->invite);
	db_col_ll(c, &s->lock_us);
}

static enum pstatus status_decide(const struct status_cols *s)
{
	struct pstatus_facts f;

	f.revoked = s->pstate == 3;
	f.has_password = s->pstate == 2;
	f.invite_state = s->invite;
	f.lock_us = s->lock_us;
	return pstatus_decide(&f);
}

/* A row of PU_COLS. */
struct pu_row {
	struct db_portal_user u;
	struct status_cols st;
	db_portal_user_fn fn;
	void *ctx;
};

static void pu_cols(struct db_cols *c, struct pu_row *r)
{
	struct db_portal_user *u = &r->u;

	db_col_uint(c, &u->id);
	db_col_uint(c, &u->customer_id);
	db_col_str(c, u->company, sizeof u->company);
	db_col_str(c, u->email, sizeof u->email);
	status_cols(c, &r->st);
	db_col_time(c, u->last_sign_in);
}

/* The status and the lock as the page shows them, then the caller's fn. */
static int pu_row(void *ctx)
{
	struct pu_row *r = ctx;
	struct db_portal_user *u = &r->u;

	snprintf(u->status, sizeof u->status, "%s", pstatus_key(status_decide(&r->st)));
	u->invite_bounced = strcmp(r->st.invite, "bounced") == 0;
	u->lock_us = pstatus_lock_left_us(r->st.lock_us);
	return r->fn ? r->fn(r->ctx, u) : 0;
}

/* The Portal Access list's sorts (company, email), and the walks of one
 * status's index and of the locked users. */
static const struct db_view_sort pu_sorts[2] = {
	{{DBQ_PU_WALK_CO_ASC, DBQ_PU_WALK_CO_DESC},
	 {DBQ_PU_PLAIN_WALK_CO_ASC, DBQ_PU_PLAIN_WALK_CO_DESC},
	 {DBQ_PU_WORDS_CO_ASC, DBQ_PU_WORDS_CO_DESC},
	 2,
	 0},
	{{DBQ_PU_WALK_EM_ASC, DBQ_PU_WALK_EM_DESC},
	 {DBQ_PU_PLAIN_WALK_EM_ASC, DBQ_PU_PLAIN_WALK_EM_DESC},
	 {DBQ_PU_WORDS_EM_ASC, DBQ_PU_WORDS_EM_DESC},
	 1,
	 0},
};
static const struct db_view_sort pu_state_sorts[2] = {
	{{DBQ_PU_STATE_CO_ASC, DBQ_PU_STATE_CO_DESC},
	 {DBQ_PU_PLAIN_STATE_CO_ASC, DBQ_PU_PLAIN_STATE_CO_DESC},
	 {DBQ_PU_WORDS_CO_ASC, DBQ_PU_WORDS_CO_DESC},
	 2,
	 0},
	{{DBQ_PU_STATE_EM_ASC, DBQ_PU_STATE_EM_DESC},
	 {DBQ_PU_PLAIN_STATE_EM_ASC, DBQ_PU_PLAIN_STATE_EM_DESC},
	 {DBQ_PU_WORDS_EM_ASC, DBQ_PU_WORDS_EM_DESC},
	 1,
	 0},
};
static const struct db_view_sort pu_locked_sorts[2] = {
	{{DBQ_PU_LOCKED_CO_ASC, DBQ_PU_LOCKED_CO_DESC},
	 {DBQ_PU_PLAIN_LOCKED_CO_ASC, DBQ_PU_PLAIN_LOCKED_CO_DESC},
	 {DBQ_PU_WORDS_CO_ASC, DBQ_PU_WORDS_CO_DESC},
	 2,
	 0},
	{{DBQ_PU_LOCKED_EM_ASC, DBQ_PU_LOCKED_EM_DESC},
	 {DBQ_PU_PLAIN_LOCKED_EM_ASC, DBQ_PU_PLAIN_LOCKED_EM_DESC},
	 {DBQ_PU_WORDS_EM_ASC, DBQ_PU_WORDS_EM_DESC},
	 1,
	 0},
};

static const struct db_view_sort pu_inv_sorts[2] = {
	{{DBQ_PU_INV_CO_ASC, DBQ_PU_INV_CO_DESC},
	 {DBQ_PU_PLAIN_INV_CO_ASC, DBQ_PU_PLAIN_INV_CO_DESC},
	 {DBQ_PU_WORDS_INV_CO_ASC, DBQ_PU_WORDS_INV_CO_DESC},
	 2,
	 0},
	{{DBQ_PU_INV_EM_ASC, DBQ_PU_INV_EM_DESC},
	 {DBQ_PU_PLAIN_INV_EM_ASC, DBQ_PU_PLAIN_INV_EM_DESC},
	 {DBQ_PU_WORDS_INV_EM_ASC, DBQ_PU_WORDS_INV_EM_DESC},
	 1,
	 0},
};

/* The status filter as the statements take it: pstate 0-3 (not invited,
 * invited, active, revoked: sql/019), 4 locked, 9 none. */
static unsigned facet_code(int status)
{
	switch (status) {
	case PSTATUS_NOT_INVITED: return 0;
	case PSTATUS_INVITED: return 1;
	case PSTATUS_ACTIVE: return 2;
	case PSTATUS_REVOKED: return 3;
	case PSTATUS_LOCKED: return 4;
	default: return 9;
	}
}

enum db_result db_portal_users_view(struct db *db, unsigned tenant_id, struct list_view *lv,
				    int status, db_portal_user_fn fn, void *ctx,
				    struct list_fetched *f)
{
	unsigned code = facet_code(status), facet[3] = {code, code, code};
	struct db_view v = {.list = 2,
			    .sorts = pu_sorts,
			    .nsorts = 2,
			    .words_extra = facet,
			    .nwords_extra = 3,
			    .count_all = DBQ_PU_TOTAL,
			    .count_words = DBQ_PU_COUNT_WORDS,
			    .version = DBQ_PU_LIST_VERSION,
			    .by_ids = DBQ_PU_BY_IDS};
	struct db_cols c = DB_COLS();
	struct pu_row r;

	v.facet = code != 9;
	v.plain_total = code == 9;
	if (code == 4) {
		v.sorts = pu_locked_sorts;
		v.count_all = DBQ_PU_COUNT_LOCKED;
		v.count_all_capped = 1;
	} else if (code != 9) {
		v.sorts = pu_state_sorts;
		v.walk_extra = v.count_extra = facet;
		v.nwalk_extra = v.ncount_extra = 1;
		v.count_all = DBQ_PU_COUNT_STATE;
		v.count_all_capped = 1;
	}
	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	pu_cols(&c, &r);
	return db_view_run(db, &v, tenant_id, lv, &c, &r.u.id, pu_row, &r, f);
}

enum db_result db_portal_users_view_inv(struct db *db, unsigned tenant_id, struct list_view *lv,
					int status, int invitation, db_portal_user_fn fn, void *ctx,
					struct list_fetched *f)
{
	unsigned code = facet_code(status), state = (unsigned)invitation;
	/* Invited and Reminded: only while the link is good (PU_INV). */
	unsigned live = invitation == DB_INV_INVITED || invitation == DB_INV_REMINDED;
	unsigned walk[5] = {state, live, code, code, code},
		 words[5] = {code, code, code, state, live};
	struct db_view v = {.list = 2,
			    .sorts = pu_inv_sorts,
			    .nsorts = 2,
			    .walk_extra = walk,
			    .nwalk_extra = 5,
			    .words_extra = words,
			    .nwords_extra = 5,
			    .count_extra = walk,
			    .ncount_extra = 5,
			    .count_all = DBQ_PU_COUNT_INV,
			    .count_all_capped = 1,
			    .count_words = DBQ_PU_COUNT_WORDS_INV,
			    .facet = 1,
			    .version = DBQ_PU_LIST_VERSION,
			    .by_ids = DBQ_PU_BY_IDS};
	struct db_cols c = DB_COLS();
	struct pu_row r;

	if (invitation < 0 || invitation >= DB_INV__COUNT)
		return db_portal_users_view(db, tenant_id, lv, status, fn, ctx, f);
	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	pu_cols(&c, &r);
	return db_view_run(db, &v, tenant_id, lv, &c, &r.u.id, pu_row, &r, f);
}

enum db_result db_portal_users_shown_version(struct db *db, unsigned tenant_id, uint64_t v[2])
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	v[0] = v[1] = 0;
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, tenant_id);
	db_col_u64(&c, &v[0]);
	db_col_u64(&c, &v[1]);
	return db_one(db, DBQ_PU_SHOWN_VERSION, &a, &c);
}

enum db_result db_invitations_expire(struct db *db, unsigned long long *n)
{
	struct db_args none = DB_ARGS(), audit = DB_ARGS(), move = DB_ARGS();
	struct db_cols c = DB_COLS();
	char cut[32] = "";
	enum db_result rc;

	*n = 0;
	db_col_str(&c, cut, sizeof cut);
	if ((rc = db_begin(db)) == DB_OK && (rc = db_one(db, DBQ_PU_INV_CUT, &none, &c)) == DB_OK) {
		/* Bound once read: a string's length is taken when bound. */
		db_arg_str(&audit, cut);
		db_arg_str(&move, cut);
		if ((rc = db_exec(db, DBQ_PU_INV_EXPIRED_AUDIT, &audit)) == DB_OK &&
		    (rc = db_exec(db, DBQ_PU_INV_EXPIRE, &move)) == DB_OK)
			rc = db_commit(db);
	}
	if (rc != DB_OK)
		db_rollback(db);
	else
		*n = move.affected;
	return rc;
}

enum db_result db_portal_user_get(struct db *db, unsigned tenant_id, unsigned id,
				  struct db_portal_user *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct pu_row r;
	enum db_result rc;

	memset(&r, 0, sizeof r);
	pu_cols(&c, &r);
	db_arg_row(&a, id, tenant_id);
	if ((rc = db_run(db, DBQ_PU_GET, &a, &c, pu_row, &r)) != DB_OK)
		return rc;
	if (c.rows != 1)
		return DB_NOTFOUND;
	*out = r.u;
	return DB_OK;
}

enum db_result db_portal_user_add(struct db *db, unsigned tenant_id, unsigned customer_id,
				  const char *company, const char *email, const char *hash,
				  unsigned *id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, customer_id);
	db_arg_str(&a, company);
	db_arg_str(&a, email);
	db_arg_str(&a, hash);
	db_arg_bool(&a, hash != NULL); /* password_set_at */
	return db_insert(db, DBQ_PU_ADD, &a, id);
}

enum db_result db_portal_user_update(struct db *db, unsigned tenant_id, unsigned id,
				     unsigned customer_id, const char *company, const char *email)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, customer_id);
	db_arg_str(&a, company);
	db_arg_str(&a, email);
	db_arg_row(&a, id, tenant_id);
	return db_exec(db, DBQ_PU_UPDATE, &a);
}

enum db_result db_portal_user_set_password(struct db *db, unsigned tenant_id, unsigned id,
					   const char *hash)
{
	return db_exec_text(db, DBQ_PU_SET_PASSWORD, hash, id, tenant_id);
}

enum db_result db_portal_user_set_tz(struct db *db, unsigned tenant_id, unsigned id,
				     const char *zone)
{
	return db_exec_text(db, DBQ_PU_SET_TZ, zone, id, tenant_id);
}

enum db_result db_portal_user_invite(struct db *db, unsigned tenant_id, unsigned id,
				     const char *state, uint64_t mail_id)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, state);
	db_arg_u64(&a, mail_id);
	db_arg_row(&a, id, tenant_id);
	return db_exec(db, DBQ_PU_SET_INVITE, &a);
}

enum db_result db_portal_user_delete(struct db *db, unsigned tenant_id, unsigned id,
				     unsigned long long *deleted)
{
	struct db_args a = DB_ARGS();
	enum db_result rc;

	if (deleted != NULL)
		*deleted = 0;
	/* Kept for [people] restore_days first (sql/027). */
	if ((rc = db_portal_tombstone_keep(db, tenant_id, id)) != DB_OK)
		return rc == DB_NOTFOUND ? DB_OK : rc;
	db_arg_row(&a, id, tenant_id);
	if ((rc = db_exec(db, DBQ_PU_DELETE, &a)) == DB_OK && deleted != NULL)
		*deleted = a.affected;
	return rc;
}

/* ---- sign-in ---- */

enum db_result db_portal_login(struct db *db, unsigned tenant_id, const char *email,
			       struct db_portal_login *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	memset(out, 0, sizeof *out);
	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, email);
	db_col_uint(&c, &out->id);
	db_col_uint(&c, &out->customer_id);
	db_col_str(&c, out->hash, sizeof out->hash);
	db_col_bool(&c, &out->active);
	db_col_bool(&c, &out->mfa_required);
	db_col_bool(&c, &out->mfa_enabled);
	db_col_str(&c, out->email, sizeof out->email);
	return db_one(db, DBQ_PORTAL_LOGIN, &a, &c);
}

enum db_result db_portal_user_signed_in(struct db *db, unsigned id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, id);
	return db_exec(db, DBQ_PU_SIGNED_IN, &a);
}

/* ---- access: group, status, report mail ---- */

enum db_result db_portal_access_get(struct db *db, unsigned tenant_id, unsigned id,
				    unsigned *group_id, int *active, int *reports)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	*active = 0;
	*reports = 0;
	db_arg_row(&a, id, tenant_id);
	db_col_uint(&c, group_id);
	db_col_bool(&c, active);
	db_col_bool(&c, reports);
	return db_one(db, DBQ_PU_ACCESS_GET, &a, &c);
}

enum db_result db_portal_access_set(struct db *db, unsigned tenant_id, unsigned id,
				    unsigned group_id, int active, int reports)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, group_id);
	db_arg_bool(&a, active);
	db_arg_bool(&a, reports);
	db_arg_row(&a, id, tenant_id);
	return db_exec(db, DBQ_PU_ACCESS_SET, &a);
}

/* ---- a customer's portal users ---- */

struct colleague_row {
	struct db_colleague c;
	struct status_cols st;
	db_colleague_fn fn;
	void *ctx;
};

static int colleague_row(void *p)
{
	struct colleague_row *r = p;

	snprintf(r->c.status, sizeof r->c.status, "%s", pstatus_key(status_decide(&r->st)));
	return r->fn(r->ctx, &r->c);
}

enum db_result db_colleagues(struct db *db, unsigned tenant_id, unsigned customer_id,
			     db_colleague_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct colleague_row r;

	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	db_col_uint(&c, &r.c.id);
	db_col_str(&c, r.c.email, sizeof r.c.email);
	db_col_bool(&c, &r.c.active);
	db_col_uint(&c, &r.c.group_id);
	db_col_str(&c, r.c.group, sizeof r.c.group);
	db_col_str(&c, r.c.perms, sizeof r.c.perms);
	status_cols(&c, &r.st);
	db_col_time(&c, r.c.last_sign_in);
	db_col_str(&c, r.c.name, sizeof r.c.name);
	db_arg_row(&a, customer_id, tenant_id);
	return db_run(db, DBQ_PU_BY_CUSTOMER, &a, &c, colleague_row, &r);
}
