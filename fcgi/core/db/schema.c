/* The schema_version table the ctl tool's migrations keep (statements:
 * stmt_schema.h; the migrations themselves: fcgi/ctl/migrate.c). */
#include "config.h"

#include "internal.h"

enum db_result db_schema_init(struct db *db)
{
	return db_exec(db, DBQ_SCHEMA_VERSION_CREATE, NULL);
}

enum db_result db_schema_applied(struct db *db, unsigned version, int *yes)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	unsigned got = 0;
	enum db_result rc;

	*yes = 0;
	db_arg_uint(&a, version);
	db_col_uint(&c, &got);
	if ((rc = db_run(db, DBQ_SCHEMA_VERSION_HAS, &a, &c, NULL, NULL)) == DB_OK)
		*yes = c.rows == 1;
	return rc;
}

enum db_result db_schema_record(struct db *db, unsigned version, const char *name)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, version);
	db_arg_str(&a, name);
	return db_exec(db, DBQ_SCHEMA_VERSION_ADD, &a);
}
