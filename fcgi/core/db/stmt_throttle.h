/* Statements of the throttle domain (throttle.c): see stmt_list.h. */
DB_STMT(THROTTLE_PURGE, .params = 0, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_S | R_P,
	.sql = "DELETE FROM login_throttle WHERE window_start < NOW(6) - "
	       "INTERVAL 1 DAY AND (locked_until IS NULL OR locked_until < NOW(6)) "
	       "LIMIT 200")
/* ON DUPLICATE KEY takes an exclusive lock at once; INSERT IGNORE
 * would take a shared one and deadlock with the FOR UPDATE below. */
DB_STMT(THROTTLE_ENSURE, .params = 2, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_S | R_P,
	.sql = "INSERT INTO login_throttle (key_hash, window_start, attempts, "
	       "portal_user_id) VALUES (?, NOW(6), 0, NULLIF(?, 0)) ON DUPLICATE "
	       "KEY UPDATE portal_user_id = COALESCE(portal_user_id, "
	       "VALUES(portal_user_id))")
DB_STMT(THROTTLE_LOCK, .params = 1, .cols = 3, .flags = DB_Q_READ, .roles = R_S | R_P,
	.sql = "SELECT attempts, TIMESTAMPDIFF(SECOND, window_start, NOW(6)), "
	       "GREATEST(0, TIMESTAMPDIFF(SECOND, NOW(6), COALESCE(locked_until, NOW(6)))) "
	       "FROM login_throttle WHERE key_hash = ? FOR UPDATE")
DB_STMT(THROTTLE_SET, .params = 5, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_S | R_P,
	.sql = "UPDATE login_throttle SET window_start = NOW(6) - INTERVAL ? SECOND, "
	       "attempts = ?, locked_until = IF(? > 0, NOW(6) + INTERVAL ? SECOND, "
	       "NULL) WHERE key_hash = ?")
DB_STMT(THROTTLE_CLEAR, .params = 1, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_S | R_P,
	.sql = "DELETE FROM login_throttle WHERE key_hash = ?")
/* Gives one attempt back, and the lock it may have set (an attempt is
 * only ever reserved while no lock stands). */
DB_STMT(THROTTLE_REFUND, .params = 1, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_S | R_P,
	.sql = "UPDATE login_throttle SET attempts = attempts - 1, "
	       "locked_until = NULL WHERE key_hash = ? AND attempts > 0")
DB_STMT(THROTTLE_CLEAR_ALL, .params = 0, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "DELETE FROM login_throttle")
DB_STMT(THROTTLE_PEEK, .params = 1, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT attempts, GREATEST(0, TIMESTAMPDIFF(SECOND, NOW(6), "
	       "COALESCE(locked_until, NOW(6)))) FROM login_throttle WHERE key_hash = ?")
