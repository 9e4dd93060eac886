/* The tenant's calendars and vehicles, and office users' links to them
 * (statements: stmt_named.h). */
#include "config.h"

#include <string.h>

#include "internal.h"

/* The statements of each kind (enum db_named_kind). */
static const struct {
	enum db_stmt list, add, del;                /* the tenant's */
	enum db_stmt links, links_clear, links_add; /* an office user's */
} q[2] = {
	[DB_CALENDARS] = {DBQ_CAL_LIST, DBQ_CAL_ADD, DBQ_CAL_DELETE, DBQ_OU_CALS, DBQ_OU_CALS_CLEAR,
			  DBQ_OU_CALS_ADD},
	[DB_VEHICLES] = {DBQ_VEH_LIST, DBQ_VEH_ADD, DBQ_VEH_DELETE, DBQ_OU_VEHS, DBQ_OU_VEHS_CLEAR,
			 DBQ_OU_VEHS_ADD},
};

struct named_row {
	struct db_named n;
	db_named_fn fn;
	void *ctx;
};

static int named_row(void *p)
{
	struct named_row *r = p;

	return r->fn(r->ctx, &r->n);
}

enum db_result db_named_list(struct db *db, enum db_named_kind k, unsigned tenant_id,
			     db_named_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct named_row r;

	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	db_col_uint(&c, &r.n.id);
	db_col_str(&c, r.n.name, sizeof r.n.name);
	db_arg_uint(&a, tenant_id);
	return db_run(db, q[k].list, &a, &c, named_row, &r);
}

enum db_result db_named_add(struct db *db, enum db_named_kind k, unsigned tenant_id,
			    const char *name, unsigned *id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, name);
	return db_insert(db, q[k].add, &a, id);
}

enum db_result db_named_delete(struct db *db, enum db_named_kind k, unsigned tenant_id, unsigned id)
{
	struct db_args a = DB_ARGS();

	db_arg_row(&a, id, tenant_id);
	return db_exec1(db, q[k].del, &a);
}

enum db_result db_user_links(struct db *db, enum db_named_kind k, unsigned user_id, unsigned *ids,
			     size_t max, size_t *n)
{
	return db_ids_of(db, q[k].links, user_id, ids, max, n);
}

/* Only the tenant's own: another tenant's id adds nothing. */
enum db_result db_user_links_set(struct db *db, enum db_named_kind k, unsigned tenant_id,
				 unsigned user_id, const unsigned *ids, size_t n, size_t *added)
{
	struct db_args a = DB_ARGS();
	enum db_result rc;

	*added = 0;
	db_arg_uint(&a, user_id);
	if ((rc = db_exec(db, q[k].links_clear, &a)) != DB_OK)
		return rc;
	return db_links_add(db, q[k].links_add, user_id, ids, n, tenant_id, added);
}
