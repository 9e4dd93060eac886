/* Statements of the token domain (token.c): see stmt_list.h. */
DB_STMT(TOKEN_KILL, .params = 2, .cols = 0, .flags = 0, .roles = R_S | R_P | R_C,
	.sql = "UPDATE one_time_tokens SET used_at = NOW(6) WHERE portal_user_id = ? "
	       "AND purpose = ? AND used_at IS NULL")
DB_STMT(TOKEN_INSERT, .params = 5, .cols = 0, .flags = 0, .roles = R_S | R_P | R_C,
	.sql = "INSERT INTO one_time_tokens (token_hash, purpose, tenant_id, "
	       "portal_user_id, expires_at) VALUES (?, ?, ?, ?, NOW(6) + INTERVAL ? MINUTE)")
DB_STMT(TOKEN_LOOKUP, .params = 3, .cols = 5, .flags = DB_Q_READ, .roles = R_P,
	.sql = "SELECT t.id, t.portal_user_id, (t.used_at IS NULL AND t.expires_at > "
	       "NOW(6)), pu.email, pu.company_name FROM one_time_tokens t JOIN "
	       "portal_users pu ON pu.id = t.portal_user_id AND pu.tenant_id = t.tenant_id "
	       "WHERE t.token_hash = ? AND t.tenant_id = ? AND t.purpose = ?")
/* Single use, atomically: of two racing uses only one changes the row. */
DB_STMT(TOKEN_USE, .params = 1, .cols = 0, .flags = 0, .roles = R_P,
	.sql = "UPDATE one_time_tokens SET used_at = NOW(6) WHERE id = ? AND used_at IS "
	       "NULL AND expires_at > NOW(6)")
/* Office password-reset links (sql/017_office_fixes.sql): only the
 * token's SHA-256 is kept; a new link, a used one or a changed
 * password ends the user's live ones. */
DB_STMT(OU_TOKEN_KILL, .params = 1, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_reset_tokens SET used_at = NOW(6) WHERE "
	       "office_user_id = ? AND used_at IS NULL")
DB_STMT(OU_TOKEN_INSERT, .params = 4, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO office_reset_tokens (token_hash, tenant_id, "
	       "office_user_id, expires_at) VALUES (?, ?, ?, NOW(6) + INTERVAL ? "
	       "MINUTE)")
DB_STMT(OU_TOKEN_LOOKUP, .params = 1, .cols = 6, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT t.id, t.office_user_id, t.tenant_id, (t.used_at IS NULL AND t.expires_at > "
	       "NOW(6)), u.active, u.email FROM office_reset_tokens t JOIN office_users u ON "
	       "u.id = t.office_user_id AND u.tenant_id = t.tenant_id WHERE t.token_hash = ?")
DB_STMT(OU_TOKEN_USE, .params = 1, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_reset_tokens SET used_at = NOW(6) WHERE id = ? AND "
	       "used_at IS NULL AND expires_at > NOW(6)")
