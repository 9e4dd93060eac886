/* The audit log (statement: stmt_audit.h). */
#include "config.h"

#include "internal.h"

enum db_result db_audit(struct db *db, const struct db_audit *e)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, e->tenant_id);
	db_arg_uint(&a, e->actor_id); /* 0: the system, stored as NULL */
	db_arg_str(&a, e->actor_email ? e->actor_email : "");
	db_arg_str(&a, e->action);
	db_arg_str(&a, e->target ? e->target : "");
	db_arg_str(&a, e->old_value);
	db_arg_str(&a, e->new_value);
	db_arg_str(&a, e->request_id ? e->request_id : "");
	db_arg_str(&a, e->ip ? e->ip : "");
	return db_exec(db, DBQ_AUDIT_INSERT, &a);
}
