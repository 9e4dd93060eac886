/* Statements of the audit domain (audit.c): see stmt_list.h. */
DB_STMT(AUDIT_INSERT, .params = 9, .cols = 0, .flags = 0, .roles = R_S | R_P,
	.sql = "INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, "
	       "action, target, old_value, new_value, request_id, ip) VALUES "
	       "(?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?)")
