/* Office users: sign-in, the ctl tool's accounts, the Office Users list
 * through the list-order cache, one user's page (permissions, tombstones,
 * extras, own mail connection) (statements: stmt_office_user.h). */
#include "config.h"

#include <string.h>

#include "internal.h"

enum db_result db_office_login(struct db *db, const char *email, struct db_login *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	memset(out, 0, sizeof *out);
	db_arg_str(&a, email);
	db_col_uint(&c, &out->id);
	db_col_uint(&c, &out->tenant_id);
	db_col_str(&c, out->hash, sizeof out->hash);
	db_col_bool(&c, &out->active);
	return db_one(db, DBQ_OFFICE_LOGIN, &a, &c);
}

enum db_result db_office_insert(struct db *db, unsigned tenant_id, const char *email,
				const char *hash, const char *role, const char *first,
				const char *last, unsigned *id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, email);
	db_arg_str(&a, hash);
	db_arg_str(&a, role);
	db_arg_str(&a, first);
	db_arg_str(&a, last);
	return db_insert(db, DBQ_OFFICE_INSERT, &a, id);
}

enum db_result db_office_set_perm(struct db *db, unsigned user_id, const char *module, int level)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, user_id);
	db_arg_str(&a, module);
	db_arg_ll(&a, level);
	return db_exec(db, DBQ_OFFICE_SET_PERM, &a);
}

enum db_result db_office_set_active(struct db *db, unsigned user_id, int active)
{
	struct db_args a = DB_ARGS();

	db_arg_bool(&a, active);
	db_arg_uint(&a, user_id);
	return db_exec(db, DBQ_OFFICE_SET_ACTIVE, &a);
}

enum db_result db_office_user_set_tz(struct db *db, unsigned tenant_id, unsigned id,
				     const char *zone)
{
	return db_exec_text(db, DBQ_OU_SET_TZ, zone, id, tenant_id);
}

enum db_result db_office_user_set_password(struct db *db, unsigned tenant_id, unsigned id,
					   const char *hash)
{
	return db_exec_text(db, DBQ_OU_SET_PASSWORD, hash, id, tenant_id);
}

/* ---- the list and one user ---- */

struct ou_row {
	struct db_office_user u;
	db_office_user_fn fn;
	void *ctx;
};

/* OU_COLS's nine columns, and with full the seven of one user's page. */
static void ou_cols(struct db_cols *c, struct db_office_user *u, int full)
{
	db_col_uint(c, &u->id);
	db_col_str(c, u->email, sizeof u->email);
	db_col_str(c, u->first, sizeof u->first);
	db_col_str(c, u->last, sizeof u->last);
	db_col_str(c, u->role, sizeof u->role);
	db_col_str(c, u->phone, sizeof u->phone);
	db_col_bool(c, &u->active);
	db_col_int(c, &u->settings);
	db_col_time(c, u->last_sign_in);
	if (!full)
		return;
	db_col_str(c, u->mobile_provider, sizeof u->mobile_provider);
	db_col_str(c, u->street, sizeof u->street);
	db_col_str(c, u->city, sizeof u->city);
	db_col_str(c, u->state, sizeof u->state);
	db_col_str(c, u->zip, sizeof u->zip);
	db_col_str(c, u->country, sizeof u->country);
	db_col_str(c, u->default_screen, sizeof u->default_screen);
}

static int ou_row(void *ctx)
{
	struct ou_row *r = ctx;

	return r->fn ? r->fn(r->ctx, &r->u) : 0;
}

/* The Office Users list's sorts (email, first, last, role, status): the
 * role's key is its place in the ENUM, the status's the active flag. */
#define OU_SORT(n, k, ints)                                                                        \
	{                                                                                          \
		{DBQ_OU_WALK_##n##_ASC, DBQ_OU_WALK_##n##_DESC},                                   \
			{DBQ_OU_PLAIN_##n##_ASC, DBQ_OU_PLAIN_##n##_DESC},                         \
			{DBQ_OU_WORDS_##n##_ASC, DBQ_OU_WORDS_##n##_DESC}, k, ints                 \
	}
static const struct db_view_sort ou_sorts[5] = {
	OU_SORT(EMAIL, 1, 0), OU_SORT(FIRST, 3, 0),  OU_SORT(LAST, 3, 0),
	OU_SORT(ROLE, 2, 1),  OU_SORT(STATUS, 2, 1),
};
#undef OU_SORT

/* The same sorts with the filter "signed in: never / over 90 days". */
#define OU_FSORT(f, n, k, ints)                                                                    \
	{                                                                                          \
		{DBQ_OU_##f##_WALK_##n##_ASC, DBQ_OU_##f##_WALK_##n##_DESC},                       \
			{DBQ_OU_##f##_PLAIN_##n##_ASC, DBQ_OU_##f##_PLAIN_##n##_DESC},             \
			{DBQ_OU_##f##_WORDS_##n##_ASC, DBQ_OU_##f##_WORDS_##n##_DESC}, k, ints     \
	}
static const struct db_view_sort ou_never_sorts[5] = {
	OU_FSORT(NEVER, EMAIL, 1, 0), OU_FSORT(NEVER, FIRST, 3, 0),  OU_FSORT(NEVER, LAST, 3, 0),
	OU_FSORT(NEVER, ROLE, 2, 1),  OU_FSORT(NEVER, STATUS, 2, 1),
};
static const struct db_view_sort ou_old_sorts[5] = {
	OU_FSORT(OLD, EMAIL, 1, 0), OU_FSORT(OLD, FIRST, 3, 0),  OU_FSORT(OLD, LAST, 3, 0),
	OU_FSORT(OLD, ROLE, 2, 1),  OU_FSORT(OLD, STATUS, 2, 1),
};
#undef OU_FSORT

enum db_result db_office_users_view(struct db *db, unsigned tenant_id, struct list_view *lv,
				    db_office_user_fn fn, void *ctx, struct list_fetched *f)
{
	return db_office_users_view_signin(db, tenant_id, lv, DB_SIGNIN_ANY, fn, ctx, f);
}

enum db_result db_office_users_view_signin(struct db *db, unsigned tenant_id, struct list_view *lv,
					   enum db_signin signin, db_office_user_fn fn, void *ctx,
					   struct list_fetched *f)
{
	struct db_view v = {.list = 3,
			    .sorts = ou_sorts,
			    .nsorts = 5,
			    .plain_total = 1,
			    .count_all = DBQ_OU_TOTAL,
			    .count_words = DBQ_OU_COUNT_WORDS,
			    .version = DBQ_OU_LIST_VERSION,
			    .by_ids = DBQ_OU_BY_IDS};
	struct db_cols c = DB_COLS();
	struct ou_row r;

	/* A facet: its own walks and counts, no page cache, no V_TOTAL. */
	if (signin != DB_SIGNIN_ANY) {
		int never = signin == DB_SIGNIN_NEVER;
		v.sorts = never ? ou_never_sorts : ou_old_sorts;
		v.facet = 1;
		v.plain_total = 0;
		v.count_all = never ? DBQ_OU_COUNT_NEVER : DBQ_OU_COUNT_OLD;
		v.count_all_capped = 1;
		v.count_words = never ? DBQ_OU_COUNT_WORDS_NEVER : DBQ_OU_COUNT_WORDS_OLD;
	}

	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	ou_cols(&c, &r.u, 0);
	return db_view_run(db, &v, tenant_id, lv, &c, &r.u.id, ou_row, &r, f);
}

enum db_result db_office_user_get(struct db *db, unsigned tenant_id, unsigned id,
				  struct db_office_user *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct db_office_user u;
	enum db_result rc;

	memset(&u, 0, sizeof u);
	ou_cols(&c, &u, 1);
	db_arg_row(&a, id, tenant_id);
	if ((rc = db_one(db, DBQ_OU_GET, &a, &c)) == DB_OK)
		*out = u;
	return rc;
}

/* The ten text columns after the role, in the statements' order. */
static void ou_texts(struct db_args *a, const struct db_office_user *u)
{
	db_arg_str(a, u->first);
	db_arg_str(a, u->last);
	db_arg_str(a, u->phone);
	db_arg_str(a, u->mobile_provider);
	db_arg_str(a, u->street);
	db_arg_str(a, u->city);
	db_arg_str(a, u->state);
	db_arg_str(a, u->zip);
	db_arg_str(a, u->country);
	db_arg_str(a, u->default_screen);
}

enum db_result db_office_user_add(struct db *db, unsigned tenant_id, const struct db_office_user *u,
				  const char *hash, unsigned *id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, u->email);
	db_arg_str(&a, hash);
	db_arg_str(&a, u->role);
	ou_texts(&a, u);
	return db_insert(db, DBQ_OU_INSERT_FULL, &a, id);
}

enum db_result db_office_user_update(struct db *db, unsigned tenant_id,
				     const struct db_office_user *u)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, u->email);
	db_arg_str(&a, u->role);
	ou_texts(&a, u);
	db_arg_uint(&a, u->id);
	db_arg_uint(&a, tenant_id);
	return db_exec(db, DBQ_OU_UPDATE, &a);
}

enum db_result db_office_reset_target(struct db *db, const char *email, struct db_office_reset *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	memset(out, 0, sizeof *out);
	db_arg_str(&a, email);
	db_col_uint(&c, &out->id);
	db_col_uint(&c, &out->tenant_id);
	db_col_bool(&c, &out->active);
	db_col_str(&c, out->email, sizeof out->email);
	db_col_str(&c, out->company, sizeof out->company);
	return db_one(db, DBQ_OU_RESET_TARGET, &a, &c);
}

/* ---- permissions, status, deletion ---- */

struct perm_ctx {
	char module[33];
	int level;
	int *levels;
	const char *const *keys;
	size_t n;
};

static int perm_row(void *p)
{
	struct perm_ctx *c = p;

	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->keys[i], c->module) == 0)
			c->levels[i] = c->level;
	return 0;
}

enum db_result db_office_user_perms(struct db *db, unsigned user_id, const char *const *keys,
				    size_t n, int *levels)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct perm_ctx x;

	memset(&x, 0, sizeof x);
	for (size_t i = 0; i < n; i++)
		levels[i] = 0;
	x.levels = levels;
	x.keys = keys;
	x.n = n;
	db_col_str(&c, x.module, sizeof x.module);
	db_col_int(&c, &x.level);
	db_arg_uint(&a, user_id);
	return db_run(db, DBQ_OU_PERMS, &a, &c, perm_row, &x);
}

/* The login is kept as a tombstone first, never to be used again (unless
 * the user is restored within [people] restore_days: sql/027). */
enum db_result db_office_user_delete(struct db *db, unsigned tenant_id, unsigned id,
				     const char *email)
{
	struct db_args t = DB_ARGS(), a = DB_ARGS();
	enum db_result rc;

	db_arg_str(&t, email);
	db_arg_uint(&t, tenant_id);
	if ((rc = db_exec(db, DBQ_TOMBSTONE_ADD, &t)) != DB_OK ||
	    (rc = db_office_tombstone_keep(db, tenant_id, id)) != DB_OK)
		return rc;
	db_arg_row(&a, id, tenant_id);
	return db_exec1(db, DBQ_OU_DELETE, &a);
}

enum db_result db_office_user_set_active(struct db *db, unsigned tenant_id, unsigned id, int active)
{
	struct db_args a = DB_ARGS();

	db_arg_bool(&a, active);
	db_arg_row(&a, id, tenant_id);
	return db_exec(db, DBQ_OU_SET_ACTIVE_T, &a);
}

enum db_result db_office_supers_locked(struct db *db, unsigned tenant_id, unsigned *ids, size_t max,
				       unsigned *n)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct db_idbuf x = {.ids = ids, .max = max};
	enum db_result rc;

	db_arg_uint(&a, tenant_id);
	db_col_uint(&c, &x.id);
	rc = db_run(db, DBQ_OU_SUPERS_LOCKED, &a, &c, db_idbuf_add, &x);
	*n = (unsigned)x.n;
	return rc;
}

enum db_result db_office_login_tombstoned(struct db *db, const char *email, int *yes)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	long long n = 0;
	enum db_result rc;

	db_arg_str(&a, email);
	db_col_ll(&c, &n);
	rc = db_run(db, DBQ_TOMBSTONE_HAS, &a, &c, NULL, NULL);
	*yes = n > 0;
	return rc;
}

enum db_result db_office_user_extras(struct db *db, unsigned tenant_id, unsigned id,
				     int *all_vehicles, char *notify, size_t notifysz)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	int all = 1;
	enum db_result rc;

	db_arg_row(&a, id, tenant_id);
	db_col_bool(&c, &all);
	db_col_str(&c, notify, notifysz);
	if ((rc = db_one(db, DBQ_OU_EXTRAS, &a, &c)) == DB_OK)
		*all_vehicles = all;
	return rc;
}

enum db_result db_office_user_set_extras(struct db *db, unsigned tenant_id, unsigned id,
					 int all_vehicles, const char *notify)
{
	struct db_args a = DB_ARGS();

	db_arg_bool(&a, all_vehicles);
	db_arg_str(&a, notify);
	db_arg_row(&a, id, tenant_id);
	return db_exec(db, DBQ_OU_SET_EXTRAS, &a);
}

/* ---- the user's own outgoing mail (the Email tab) ---- */

enum db_result db_office_mail_get(struct db *db, unsigned tenant_id, unsigned id,
				  struct db_office_mail *m)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	memset(m, 0, sizeof *m);
	db_arg_row(&a, id, tenant_id);
	db_col_str(&c, m->provider, sizeof m->provider);
	db_col_str(&c, m->host, sizeof m->host);
	db_col_uint(&c, &m->port);
	db_col_str(&c, m->security, sizeof m->security);
	db_col_str(&c, m->user, sizeof m->user);
	db_col_blob(&c, m->password, sizeof m->password, &m->password_len);
	db_col_str(&c, m->tested_at, sizeof m->tested_at);
	db_col_bool(&c, &m->test_ok);
	db_col_str(&c, m->test_result, sizeof m->test_result);
	return db_one(db, DBQ_OU_MAIL_GET, &a, &c);
}

enum db_result db_office_mail_set(struct db *db, unsigned tenant_id, unsigned id,
				  const struct db_office_mail *m)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, m->provider);
	db_arg_str(&a, m->host);
	db_arg_uint(&a, m->port);
	db_arg_str(&a, m->security);
	db_arg_str(&a, m->user);
	db_arg_row(&a, id, tenant_id);
	return db_exec(db, DBQ_OU_MAIL_SET, &a);
}

enum db_result db_office_mail_password(struct db *db, unsigned tenant_id, unsigned id,
				       const unsigned char *sealed, size_t len)
{
	struct db_args a = DB_ARGS();

	db_arg_blob(&a, sealed, len);
	db_arg_row(&a, id, tenant_id);
	return db_exec(db, DBQ_OU_MAIL_PASSWORD, &a);
}

enum db_result db_office_mail_tested(struct db *db, unsigned tenant_id, unsigned id, int ok,
				     const char *result)
{
	struct db_args a = DB_ARGS();

	db_arg_bool(&a, ok);
	db_arg_str(&a, result);
	db_arg_row(&a, id, tenant_id);
	return db_exec(db, DBQ_OU_MAIL_TESTED, &a);
}
