/* Customers (the tenant's client companies), their contacts and their
 * secure token links (statements: stmt_customer.h). */
#include "config.h"

#include <string.h>

#include "internal.h"

enum db_result db_customer_by_name(struct db *db, unsigned tenant_id, const char *name,
				   unsigned *id)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, name);
	db_col_uint(&c, id);
	return db_one(db, DBQ_CUSTOMER_BY_NAME, &a, &c);
}

struct cust_row {
	struct db_customer c;
	db_customer_fn fn;
	void *ctx;
};

/* CUST_COLS's nine columns. */
static void cust_cols(struct db_cols *c, struct db_customer *k)
{
	db_col_uint(c, &k->id);
	db_col_str(c, k->name, sizeof k->name);
	db_col_str(c, k->email, sizeof k->email);
	db_col_str(c, k->phone, sizeof k->phone);
	db_col_str(c, k->street, sizeof k->street);
	db_col_str(c, k->city, sizeof k->city);
	db_col_str(c, k->state, sizeof k->state);
	db_col_str(c, k->zip, sizeof k->zip);
	db_col_uint(c, &k->portal_users);
}

static int cust_row(void *ctx)
{
	struct cust_row *r = ctx;

	return r->fn ? r->fn(r->ctx, &r->c) : 0;
}

/* Statement q with a set, every row to fn. */
static enum db_result cust_list(struct db *db, enum db_stmt q, struct db_args *a, db_customer_fn fn,
				void *ctx)
{
	struct db_cols c = DB_COLS();
	struct cust_row r;

	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	cust_cols(&c, &r.c);
	return db_run(db, q, a, &c, cust_row, &r);
}

/* The Customers list's sorts: name (unique in the tenant), email then
 * name. */
static const struct db_view_sort cust_sorts[2] = {
	{{DBQ_CUST_WALK_NAME_ASC, DBQ_CUST_WALK_NAME_DESC},
	 {DBQ_CUST_PLAIN_NAME_ASC, DBQ_CUST_PLAIN_NAME_DESC},
	 {DBQ_CUST_WORDS_NAME_ASC, DBQ_CUST_WORDS_NAME_DESC},
	 1,
	 0},
	{{DBQ_CUST_WALK_EMAIL_ASC, DBQ_CUST_WALK_EMAIL_DESC},
	 {DBQ_CUST_PLAIN_EMAIL_ASC, DBQ_CUST_PLAIN_EMAIL_DESC},
	 {DBQ_CUST_WORDS_EMAIL_ASC, DBQ_CUST_WORDS_EMAIL_DESC},
	 2,
	 0},
};

enum db_result db_customers_view(struct db *db, unsigned tenant_id, struct list_view *lv,
				 db_customer_fn fn, void *ctx, struct list_fetched *f)
{
	static const struct db_view v = {.list = 1,
					 .sorts = cust_sorts,
					 .nsorts = 2,
					 .plain_total = 1,
					 .count_all = DBQ_CUST_TOTAL,
					 .count_words = DBQ_CUST_COUNT_WORDS,
					 .version = DBQ_CUST_LIST_VERSION,
					 .by_ids = DBQ_CUST_BY_IDS};
	struct db_cols c = DB_COLS();
	struct cust_row r;

	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	cust_cols(&c, &r.c);
	return db_view_run(db, &v, tenant_id, lv, &c, &r.c.id, cust_row, &r, f);
}

enum db_result db_customers_all(struct db *db, unsigned tenant_id, db_customer_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	return cust_list(db, DBQ_CUST_OPTIONS, &a, fn, ctx);
}

enum db_result db_customer_get(struct db *db, unsigned tenant_id, unsigned id,
			       struct db_customer *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct db_customer k;
	enum db_result rc;

	memset(&k, 0, sizeof k);
	db_arg_row(&a, id, tenant_id);
	cust_cols(&c, &k);
	if ((rc = db_one(db, DBQ_CUST_GET, &a, &c)) == DB_OK)
		*out = k;
	return rc;
}

/* The seven text columns, in the statements' order. */
static void cust_texts(struct db_args *a, const struct db_customer *c)
{
	db_arg_str(a, c->name);
	db_arg_str(a, c->email);
	db_arg_str(a, c->phone);
	db_arg_str(a, c->street);
	db_arg_str(a, c->city);
	db_arg_str(a, c->state);
	db_arg_str(a, c->zip);
}

enum db_result db_customer_add(struct db *db, unsigned tenant_id, const struct db_customer *c,
			       unsigned *id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	cust_texts(&a, c);
	return db_insert(db, DBQ_CUSTOMER_INSERT, &a, id);
}

enum db_result db_customer_update(struct db *db, unsigned tenant_id, const struct db_customer *c)
{
	struct db_args a = DB_ARGS(), rn = DB_ARGS();
	enum db_result rc;

	cust_texts(&a, c);
	db_arg_uint(&a, c->id);
	db_arg_uint(&a, tenant_id);
	if ((rc = db_exec(db, DBQ_CUST_UPDATE, &a)) != DB_OK)
		return rc;
	/* The company name copied onto its portal users follows. */
	db_arg_str(&rn, c->name);
	db_arg_uint(&rn, c->id);
	db_arg_uint(&rn, tenant_id);
	return db_exec(db, DBQ_PU_RENAME_COMPANY, &rn);
}

/* ---- secure token links ---- */

enum db_result db_customer_token_set(struct db *db, unsigned tenant_id, unsigned id,
				     const unsigned char hash[32], const unsigned char *sealed,
				     size_t len)
{
	struct db_args a = DB_ARGS();

	db_arg_blob(&a, hash, 32);
	db_arg_blob(&a, sealed, len);
	db_arg_row(&a, id, tenant_id);
	return db_exec1(db, DBQ_CUST_TOKEN_SET, &a);
}

enum db_result db_customer_token_get(struct db *db, unsigned tenant_id, unsigned id,
				     unsigned char *sealed, size_t sz, size_t *len, char at[24])
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	enum db_result rc;

	*len = 0;
	at[0] = '\0';
	db_arg_row(&a, id, tenant_id);
	db_col_blob(&c, sealed, sz, len);
	db_col_str(&c, at, 24);
	if ((rc = db_one(db, DBQ_CUST_TOKEN_GET, &a, &c)) != DB_OK)
		*len = 0;
	return rc;
}

enum db_result db_customer_by_token(struct db *db, unsigned tenant_id, const unsigned char hash[32],
				    unsigned *id, unsigned *portal_users)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	*portal_users = 0;
	db_arg_blob(&a, hash, 32);
	db_arg_uint(&a, tenant_id);
	db_col_uint(&c, id);
	db_col_uint(&c, portal_users);
	return db_one(db, DBQ_CUST_BY_TOKEN, &a, &c);
}

/* ---- contacts ---- */

struct contact_row {
	struct db_contact c;
	db_contact_fn fn;
	void *ctx;
};

static void contact_cols(struct db_cols *c, struct db_contact *k)
{
	db_col_uint(c, &k->id);
	db_col_str(c, k->name, sizeof k->name);
	db_col_str(c, k->email, sizeof k->email);
	db_col_str(c, k->phone, sizeof k->phone);
	db_col_uint(c, &k->portal_user_id);
	db_col_str(c, k->login, sizeof k->login);
}

static int contact_row(void *p)
{
	struct contact_row *r = p;

	return r->fn ? r->fn(r->ctx, &r->c) : 0;
}

enum db_result db_contacts(struct db *db, unsigned tenant_id, unsigned customer_id,
			   db_contact_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct contact_row r;

	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	contact_cols(&c, &r.c);
	db_arg_row(&a, customer_id, tenant_id);
	return db_run(db, DBQ_CONTACT_LIST, &a, &c, contact_row, &r);
}

enum db_result db_contact_add(struct db *db, unsigned tenant_id, unsigned customer_id,
			      const char *name, const char *email, const char *phone)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, customer_id);
	db_arg_str(&a, name);
	db_arg_str(&a, email);
	db_arg_str(&a, phone);
	return db_exec(db, DBQ_CONTACT_ADD, &a);
}

enum db_result db_contact_get_locked(struct db *db, unsigned tenant_id, unsigned id,
				     struct db_contact *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct db_contact k;
	enum db_result rc;

	memset(&k, 0, sizeof k);
	db_arg_row(&a, id, tenant_id);
	contact_cols(&c, &k);
	db_col_uint(&c, &k.customer_id);
	if ((rc = db_one(db, DBQ_CONTACT_GET, &a, &c)) == DB_OK)
		*out = k;
	return rc;
}

enum db_result db_contact_link(struct db *db, unsigned tenant_id, unsigned id, unsigned user_id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, user_id);
	db_arg_row(&a, id, tenant_id);
	return db_exec1(db, DBQ_CONTACT_LINK, &a);
}
