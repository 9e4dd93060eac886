/* Customers' sites (TrackTik) and the ones each portal user may see
 * (statements: stmt_site.h). */
#include "config.h"

#include <string.h>

#include "internal.h"

struct site_row {
	struct db_site s;
	db_site_fn fn;
	void *ctx;
};

static int site_row(void *p)
{
	struct site_row *r = p;

	return r->fn(r->ctx, &r->s);
}

/* Statement q with a set, each master site followed by its sub-sites. */
static enum db_result site_list(struct db *db, enum db_stmt q, struct db_args *a, db_site_fn fn,
				void *ctx)
{
	struct db_cols c = DB_COLS();
	struct site_row r;

	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	db_col_uint(&c, &r.s.id);
	db_col_uint(&c, &r.s.parent_id);
	db_col_str(&c, r.s.name, sizeof r.s.name);
	db_col_str(&c, r.s.address, sizeof r.s.address);
	return db_run(db, q, a, &c, site_row, &r);
}

enum db_result db_sites(struct db *db, unsigned tenant_id, unsigned customer_id, db_site_fn fn,
			void *ctx)
{
	struct db_args a = DB_ARGS();

	db_arg_row(&a, customer_id, tenant_id);
	return site_list(db, DBQ_SITE_LIST, &a, fn, ctx);
}

enum db_result db_portal_sites(struct db *db, unsigned tenant_id, unsigned customer_id,
			       unsigned user_id, db_site_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();

	db_arg_row(&a, customer_id, tenant_id);
	db_arg_uint(&a, user_id); /* 0: a token session, every site */
	db_arg_uint(&a, user_id); /* a user with all sites */
	db_arg_uint(&a, user_id); /* or the granted ones */
	return site_list(db, DBQ_PORTAL_SITES, &a, fn, ctx);
}

/* A master must be a top-level site of the same customer. */
static enum db_result parent_ok(struct db *db, unsigned tenant_id, unsigned customer_id,
				unsigned parent_id)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	long long ok = 0;
	enum db_result rc;

	db_arg_uint(&a, parent_id);
	db_arg_row(&a, customer_id, tenant_id);
	db_col_ll(&c, &ok);
	if ((rc = db_run(db, DBQ_SITE_PARENT_OK, &a, &c, NULL, NULL)) != DB_OK)
		return rc;
	return ok ? DB_OK : DB_NOTFOUND;
}

enum db_result db_site_add(struct db *db, unsigned tenant_id, unsigned customer_id,
			   unsigned parent_id, const char *name, const char *address)
{
	struct db_args a = DB_ARGS();
	enum db_result rc;

	if (parent_id && (rc = parent_ok(db, tenant_id, customer_id, parent_id)) != DB_OK)
		return rc;
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, customer_id);
	db_arg_uint(&a, parent_id);
	db_arg_str(&a, name);
	db_arg_str(&a, address);
	return db_exec(db, DBQ_SITE_ADD, &a);
}

enum db_result db_user_all_sites(struct db *db, unsigned tenant_id, unsigned user_id, int *all)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	enum db_result rc;

	*all = 1;
	db_arg_row(&a, user_id, tenant_id);
	db_col_bool(&c, all);
	if ((rc = db_one(db, DBQ_PU_ALL_SITES_GET, &a, &c)) != DB_OK)
		*all = 1;
	return rc;
}

enum db_result db_user_sites(struct db *db, unsigned user_id, unsigned *ids, size_t max, size_t *n)
{
	return db_ids_of(db, DBQ_PU_SITES, user_id, ids, max, n);
}

/* all: every site of the customer; else the given ones, of the user's own
 * customer only. */
enum db_result db_user_sites_set(struct db *db, unsigned tenant_id, unsigned user_id, int all,
				 const unsigned *ids, size_t n, size_t *added)
{
	struct db_args a = DB_ARGS(), clear = DB_ARGS();
	enum db_result rc;

	*added = 0;
	db_arg_bool(&a, all);
	db_arg_row(&a, user_id, tenant_id);
	if ((rc = db_exec(db, DBQ_PU_ALL_SITES, &a)) != DB_OK)
		return rc;
	db_arg_uint(&clear, user_id);
	if ((rc = db_exec(db, DBQ_PU_SITES_CLEAR, &clear)) != DB_OK)
		return rc;
	/* The statement checks the sites are the user's customer's. */
	return all ? DB_OK : db_links_add(db, DBQ_PU_SITES_ADD, user_id, ids, n, 0, added);
}
