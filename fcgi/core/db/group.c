/* Portal permission groups (statements: stmt_group.h). */
#include "config.h"

#include <string.h>

#include "internal.h"

struct group_row {
	struct db_group g;
	db_group_fn fn;
	void *ctx;
};

static void group_cols(struct db_cols *c, struct db_group *g)
{
	db_col_uint(c, &g->id);
	db_col_str(c, g->name, sizeof g->name);
	db_col_bool(c, &g->is_system);
	db_col_bool(c, &g->is_default);
	db_col_bool(c, &g->require_mfa);
	db_col_str(c, g->perms, sizeof g->perms);
	db_col_uint(c, &g->members);
	db_col_bool(c, &g->own_only);
}

static int group_row(void *p)
{
	struct group_row *r = p;

	return r->fn ? r->fn(r->ctx, &r->g) : 0;
}

enum db_result db_groups(struct db *db, unsigned tenant_id, db_group_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct group_row r;

	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	group_cols(&c, &r.g);
	db_arg_uint(&a, tenant_id);
	return db_run(db, DBQ_GROUP_LIST, &a, &c, group_row, &r);
}

enum db_result db_group_get(struct db *db, unsigned tenant_id, unsigned id, struct db_group *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct db_group g;
	enum db_result rc;

	memset(&g, 0, sizeof g);
	group_cols(&c, &g);
	db_arg_row(&a, id, tenant_id);
	if ((rc = db_one(db, DBQ_GROUP_GET, &a, &c)) == DB_OK)
		*out = g;
	return rc;
}

static enum db_result group_insert(struct db *db, unsigned tenant_id, struct db_group *g)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, g->name);
	db_arg_bool(&a, g->is_default);
	db_arg_bool(&a, g->require_mfa);
	db_arg_str(&a, g->perms);
	db_arg_bool(&a, g->own_only);
	return db_insert(db, DBQ_GROUP_ADD, &a, &g->id);
}

static enum db_result group_update(struct db *db, unsigned tenant_id, const struct db_group *g)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, g->name);
	db_arg_bool(&a, g->is_default);
	db_arg_bool(&a, g->require_mfa);
	db_arg_str(&a, g->perms);
	db_arg_bool(&a, g->own_only);
	db_arg_uint(&a, g->id);
	db_arg_uint(&a, tenant_id);
	return db_exec(db, DBQ_GROUP_UPDATE, &a);
}

enum db_result db_group_save(struct db *db, unsigned tenant_id, struct db_group *g)
{
	struct db_args a = DB_ARGS();
	enum db_result rc;

	rc = g->id == 0 ? group_insert(db, tenant_id, g) : group_update(db, tenant_id, g);
	if (rc != DB_OK || !g->is_default)
		return rc;
	/* One default: the one just saved. */
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, g->id);
	return db_exec(db, DBQ_GROUP_CLEAR_DEFAULT, &a);
}

enum db_result db_group_delete(struct db *db, unsigned tenant_id, unsigned id)
{
	struct db_args a = DB_ARGS();

	db_arg_row(&a, id, tenant_id);
	return db_exec1(db, DBQ_GROUP_DELETE, &a);
}
