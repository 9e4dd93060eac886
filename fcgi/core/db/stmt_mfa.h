/* Statements of the mfa domain (mfa.c): see stmt_list.h. */
/* Locked: MFA steps and password changes of one user run one at a
 * time, so a code or a recovery code cannot be used twice by racing. */
DB_STMT(PU_AUTH_LOCKED, .params = 2, .cols = 8, .flags = DB_Q_READ, .roles = R_P,
	.sql = "SELECT COALESCE(password_hash, ''), mfa_required, COALESCE(mfa_secret, ''), "
	       "COALESCE(mfa_pending, ''), mfa_last_step, email, company_name, status = 'active' "
	       "FROM portal_users WHERE id = ? AND tenant_id = ? FOR UPDATE")
DB_STMT(PU_MFA_SET_PENDING, .params = 3, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_P,
	.sql = "UPDATE portal_users SET mfa_pending = ? WHERE id = ? AND tenant_id = ?")
DB_STMT(PU_MFA_ENABLE, .params = 3, .cols = 0, .flags = 0, .roles = R_P,
	.sql = "UPDATE portal_users SET mfa_secret = mfa_pending, mfa_pending = "
	       "NULL, mfa_last_step = ?, mfa_enabled_at = NOW(6) WHERE id = ? AND "
	       "tenant_id = ? AND mfa_pending IS NOT NULL")
DB_STMT(PU_MFA_STEP, .params = 3, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_P,
	.sql = "UPDATE portal_users SET mfa_last_step = ? WHERE id = ? AND "
	       "mfa_last_step < ?")
DB_STMT(PU_MFA_RESET, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE portal_users SET mfa_secret = NULL, mfa_pending = NULL, "
	       "mfa_last_step = 0, mfa_enabled_at = NULL WHERE id = ? AND tenant_id = ?")
DB_STMT(PU_MFA_REQUIRE, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE portal_users SET mfa_required = ? WHERE id = ? AND tenant_id = ?")
DB_STMT(RECOVERY_DELETE_ALL, .params = 1, .cols = 0, .flags = 0, .roles = R_S | R_P,
	.sql = "DELETE FROM portal_mfa_recovery WHERE portal_user_id = ?")
DB_STMT(RECOVERY_INSERT, .params = 2, .cols = 0, .flags = 0, .roles = R_P,
	.sql = "INSERT INTO portal_mfa_recovery (portal_user_id, code_hash) VALUES (?, ?)")
DB_STMT(RECOVERY_USE, .params = 2, .cols = 0, .flags = 0, .roles = R_P,
	.sql = "DELETE FROM portal_mfa_recovery WHERE portal_user_id = ? AND code_hash = ?")
DB_STMT(RECOVERY_COUNT, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_P,
	.sql = "SELECT COUNT(*) FROM portal_mfa_recovery WHERE portal_user_id = ?")
DB_STMT(PU_MFA_STATE, .params = 2, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT mfa_required, mfa_secret IS NOT NULL FROM portal_users "
	       "WHERE id = ? AND tenant_id = ?")
DB_STMT(OFF_AUTH_LOCKED, .params = 2, .cols = 8, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT password_hash, mfa_required, COALESCE(mfa_secret, ''), "
	       "COALESCE(mfa_pending, ''), mfa_last_step, email, '', active = 1 "
	       "FROM office_users WHERE id = ? AND tenant_id = ? FOR UPDATE")
DB_STMT(OFF_MFA_SET_PENDING, .params = 3, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_S,
	.sql = "UPDATE office_users SET mfa_pending = ? WHERE id = ? AND tenant_id = ?")
DB_STMT(OFF_MFA_ENABLE, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_users SET mfa_secret = mfa_pending, mfa_pending = "
	       "NULL, mfa_last_step = ?, mfa_enabled_at = NOW(6) WHERE id = ? AND "
	       "tenant_id = ? AND mfa_pending IS NOT NULL")
DB_STMT(OFF_MFA_STEP, .params = 3, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_S,
	.sql = "UPDATE office_users SET mfa_last_step = ? WHERE id = ? AND "
	       "mfa_last_step < ?")
DB_STMT(OFF_MFA_RESET, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_users SET mfa_secret = NULL, mfa_pending = NULL, "
	       "mfa_last_step = 0, mfa_enabled_at = NULL WHERE id = ? AND tenant_id = ?")
DB_STMT(OFF_MFA_REQUIRE, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_users SET mfa_required = ? WHERE id = ? AND tenant_id = ?")
DB_STMT(OFF_RECOVERY_DELETE_ALL, .params = 1, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM office_mfa_recovery WHERE office_user_id = ?")
DB_STMT(OFF_RECOVERY_INSERT, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO office_mfa_recovery (office_user_id, code_hash) VALUES (?, ?)")
DB_STMT(OFF_RECOVERY_USE, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM office_mfa_recovery WHERE office_user_id = ? AND code_hash = ?")
DB_STMT(OFF_RECOVERY_COUNT, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COUNT(*) FROM office_mfa_recovery WHERE office_user_id = ?")
DB_STMT(OFF_MFA_STATE, .params = 2, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT mfa_required, mfa_secret IS NOT NULL FROM office_users "
	       "WHERE id = ? AND tenant_id = ?")
