/* Statements of the session domain (session.c): see stmt_list.h. */
DB_STMT(SESSION_INSERT, .params = 12, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO sessions (token_hash, kind, tenant_id, office_user_id, "
	       "portal_user_id, expires_at, ip, user_agent, stage) VALUES (?, ?, ?, "
	       "IF(? = 'office', ?, NULL), IF(? = 'portal', ?, NULL), "
	       "IF(? = 'full', NOW(6) + INTERVAL ? HOUR, NOW(6) + INTERVAL 10 MINUTE), ?, ?, ?)")
/* Everything a settings request needs, in one row by its key: the
 * session with the copies sql/032's triggers keep on it of its user (still
 * active, same tenant), the user's settings permission, the tenant and the
 * tenant's open inbox items for the menu's "Inbox (N)".  Kept in the
 * transaction that changes them, so a revocation still refuses the next
 * request on every host; a join of the five tables cost MariaDB twice the
 * CPU (76 us a read against 38, 8 clients at once). */
DB_STMT(SESSION_OFFICE, .params = 2, .cols = 24, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT s.id, s.tenant_id, s.office_user_id, s.u_email, s.u_first_name, "
	       "s.u_last_name, s.u_settings, TIMESTAMPDIFF(SECOND, s.last_seen_at, NOW(6)), "
	       "s.stage, s.u_mfa_required, s.u_mfa_enabled, "
	       "s.tenant_id, s.t_slug, s.t_company_name, s.t_street, s.t_city, s.t_state, s.t_zip, "
	       "s.t_country, s.t_portal_enabled, s.t_frame_origins, s.t_time_zone, "
	       "COALESCE(s.u_time_zone, ''), s.t_inbox_open "
	       "FROM sessions s "
	       "WHERE s.token_hash = ? AND s.kind = 'office' AND s.u_active = 1 "
	       "AND s.expires_at > NOW(6) AND s.last_seen_at > NOW(6) - INTERVAL ? MINUTE")
/* A portal request's session: its user (active) or, for a secure
 * token link, its customer (while the customer has no portal users),
 * in the tenant of the request's slug, while the portal is on. */
DB_STMT(SESSION_PORTAL, .params = 3, .cols = 14, .flags = DB_Q_READ, .roles = R_P,
	.sql = "SELECT s.id, COALESCE(s.portal_user_id, 0), c.id, s.stage, COALESCE(pu.email, ''), "
	       "c.name, TIMESTAMPDIFF(SECOND, s.last_seen_at, NOW(6)), COALESCE(pu.mfa_required, "
	       "0), "
	       "COALESCE(pu.mfa_secret IS NOT NULL, 0), "
	       /* What the session may see: the user's group, or for a token
		* link the tenant's "Non-Portal Users". */
	       "COALESCE((SELECT g.perms FROM portal_groups g WHERE g.id = pu.group_id), "
	       "(SELECT g.perms FROM portal_groups g WHERE g.tenant_id = s.tenant_id AND "
	       "g.is_system = 1 LIMIT 1), ''), COALESCE(pu.time_zone, ''), "
	       /* An office user viewing as the client (sql/025): who, and
		* until when. */
	       "COALESCE(s.viewed_by, 0), COALESCE((SELECT o.email FROM office_users o WHERE o.id "
	       "= "
	       "s.viewed_by), ''), DATE_FORMAT(s.expires_at, '%Y-%m-%dT%H:%i:%sZ') "
	       "FROM sessions s JOIN tenants t ON t.id = s.tenant_id "
	       "LEFT JOIN portal_users pu ON pu.id = s.portal_user_id AND pu.tenant_id = "
	       "s.tenant_id "
	       "JOIN customers c ON c.id = COALESCE(pu.customer_id, s.customer_id) "
	       "AND c.tenant_id = s.tenant_id "
	       "WHERE s.token_hash = ? AND s.kind = 'portal' AND s.tenant_id = ? "
	       "AND t.portal_enabled = 1 AND s.expires_at > NOW(6) "
	       "AND s.last_seen_at > NOW(6) - INTERVAL ? MINUTE "
	       "AND ((s.portal_user_id IS NOT NULL AND pu.status = 'active') OR "
	       "(s.portal_user_id IS NULL AND NOT EXISTS (SELECT 1 FROM portal_users x "
	       "WHERE x.customer_id = s.customer_id)))")
/* "View as this client" (sql/025): a portal user's session for an office
 * user, read-only, for minutes.  Parameters: token hash, tenant, portal
 * user, the office user, minutes, address, browser; the portal user must
 * be the tenant's and active. */
DB_STMT(VIEW_AS_INSERT, .params = 8, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO sessions (token_hash, kind, tenant_id, portal_user_id, customer_id, "
	       "stage, expires_at, ip, user_agent, viewed_by) SELECT ?, 'portal', pu.tenant_id, "
	       "pu.id, pu.customer_id, 'full', NOW(6) + INTERVAL ? MINUTE, ?, ?, ? FROM "
	       "portal_users pu WHERE pu.tenant_id = ? AND pu.id = ? AND pu.status = 'active' "
	       "AND ? > 0")
/* A session's last use, noted once a minute (its page reads seen_secs):
 * requests of one session that all read it before the first one's touch
 * committed change nothing again (one row write and its redo, not one per
 * request queued on the row's lock). */
DB_STMT(SESSION_TOUCH, .params = 1, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_S | R_P,
	.sql = "UPDATE sessions SET last_seen_at = NOW(6) WHERE id = ? AND last_seen_at < "
	       "NOW(6) - INTERVAL 30 SECOND")
DB_STMT(SESSION_DELETE, .params = 1, .cols = 0, .flags = 0, .roles = R_S | R_P,
	.sql = "DELETE FROM sessions WHERE token_hash = ?")
DB_STMT(SESSION_DELETE_OFFICE_USER, .params = 1, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "DELETE FROM sessions WHERE office_user_id = ?")
DB_STMT(SESSION_DELETE_TENANT_PORTAL, .params = 1, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM sessions WHERE tenant_id = ? AND kind = 'portal'")
/* Bounded: run on the sign-in path, so a backlog drains over time. */
DB_STMT(SESSION_PURGE, .params = 1, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_S | R_P,
	.sql = "DELETE FROM sessions WHERE expires_at < NOW(6) OR "
	       "last_seen_at < NOW(6) - INTERVAL ? MINUTE LIMIT 200")
DB_STMT(SESSION_DELETE_PORTAL_USER, .params = 1, .cols = 0, .flags = 0, .roles = R_S | R_P,
	.sql = "DELETE FROM sessions WHERE portal_user_id = ?")
DB_STMT(PORTAL_SESSION_INSERT, .params = 8, .cols = 0, .flags = 0, .roles = R_P,
	.sql = "INSERT INTO sessions (token_hash, kind, tenant_id, portal_user_id, customer_id, "
	       "stage, expires_at, ip, user_agent) VALUES (?, 'portal', ?, NULLIF(?, 0), "
	       "NULLIF(?, 0), ?, NOW(6) + INTERVAL ? MINUTE, ?, ?)")
DB_STMT(PORTAL_SESSION_LIST, .params = 2, .cols = 5, .flags = DB_Q_READ, .roles = R_P,
	.sql = "SELECT DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), "
	       "DATE_FORMAT(last_seen_at, '%Y-%m-%dT%H:%i:%sZ'), ip, user_agent, token_hash = ? "
	       "FROM sessions WHERE portal_user_id = ? AND kind = 'portal' AND stage = 'full' "
	       "AND expires_at > NOW(6) ORDER BY last_seen_at DESC, id DESC LIMIT 50")
DB_STMT(PORTAL_SESSION_DELETE_OTHERS, .params = 2, .cols = 0, .flags = 0, .roles = R_P,
	.sql = "DELETE FROM sessions WHERE portal_user_id = ? AND token_hash <> ?")
DB_STMT(PORTAL_SESSION_DELETE_CUSTOMER, .params = 1, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM sessions WHERE customer_id = ?")
/* An office user's sessions (issue 15), latest first, those owing an MFA
 * code too.  Parameters: the current token hash, the user, the tenant. */
DB_STMT(OU_SESSION_LIST, .params = 3, .cols = 6, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT id, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), "
	       "DATE_FORMAT(last_seen_at, '%Y-%m-%dT%H:%i:%sZ'), ip, user_agent, token_hash = ? "
	       "FROM sessions WHERE office_user_id = ? AND tenant_id = ? AND kind = 'office' AND "
	       "expires_at > NOW(6) ORDER BY last_seen_at DESC, id DESC LIMIT 50")
/* One of them: session, user, tenant. */
DB_STMT(OU_SESSION_END, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM sessions WHERE id = ? AND office_user_id = ? AND tenant_id = ? AND "
	       "kind = 'office'")
/* All but the one of the token hash given: user, tenant, hash. */
DB_STMT(OU_SESSIONS_END, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM sessions WHERE office_user_id = ? AND tenant_id = ? AND kind = "
	       "'office' AND token_hash <> ?")
DB_STMT(OU_SESSIONS_DELETE_OTHERS, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM sessions WHERE office_user_id = ? AND token_hash <> ?")
