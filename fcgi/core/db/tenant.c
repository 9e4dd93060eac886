/* Tenants: the field-service companies (statements: stmt_tenant.h). */
#include "config.h"

#include <string.h>

#include "internal.h"

void db_cols_tenant(struct db_cols *c, struct db_tenant *t)
{
	db_col_uint(c, &t->id);
	db_col_str(c, t->slug, sizeof t->slug);
	db_col_str(c, t->company, sizeof t->company);
	db_col_str(c, t->street, sizeof t->street);
	db_col_str(c, t->city, sizeof t->city);
	db_col_str(c, t->state, sizeof t->state);
	db_col_str(c, t->zip, sizeof t->zip);
	db_col_str(c, t->country, sizeof t->country);
	db_col_bool(c, &t->portal_enabled);
	db_col_str(c, t->frame_origins, sizeof t->frame_origins);
	db_col_str(c, t->time_zone, sizeof t->time_zone);
}

/* Statement q with one parameter, set by the caller, and a tenant's row. */
static enum db_result tenant_fetch(struct db *db, enum db_stmt q, struct db_args *a,
				   struct db_tenant *out)
{
	struct db_cols c = DB_COLS();

	db_cols_tenant(&c, out);
	return db_one(db, q, a, &c);
}

enum db_result db_tenant_get_locked(struct db *db, unsigned id, struct db_tenant *out)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, id);
	return tenant_fetch(db, DBQ_TENANT_GET_LOCKED, &a, out);
}

enum db_result db_tenant_by_slug(struct db *db, const char *slug, struct db_tenant *out)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, slug);
	return tenant_fetch(db, DBQ_TENANT_BY_SLUG, &a, out);
}

enum db_result db_tenant_insert(struct db *db, const struct db_tenant *t, unsigned *id)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, t->slug);
	db_arg_str(&a, t->company);
	db_arg_str(&a, t->street);
	db_arg_str(&a, t->city);
	db_arg_str(&a, t->state);
	db_arg_str(&a, t->zip);
	db_arg_str(&a, t->country);
	return db_insert(db, DBQ_TENANT_INSERT, &a, id);
}

enum db_result db_tenant_set_portal(struct db *db, unsigned id, int enabled, const char *origins)
{
	struct db_args a = DB_ARGS();

	db_arg_bool(&a, enabled);
	db_arg_str(&a, origins);
	db_arg_uint(&a, id);
	return db_exec(db, DBQ_TENANT_SET_PORTAL, &a);
}

enum db_result db_tenant_set_tz(struct db *db, unsigned id, const char *zone)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, zone);
	db_arg_uint(&a, id);
	return db_exec(db, DBQ_TENANT_SET_TZ, &a);
}

enum db_result db_tenant_get(struct db *db, unsigned id, struct db_tenant *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	db_arg_uint(&a, id);
	db_cols_tenant(&c, out);
	return db_one(db, DBQ_TENANT_GET, &a, &c);
}
