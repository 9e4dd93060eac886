/* Statements of the portal_user domain (portal_user.c): see stmt_list.h. */
/* Plain columns: the status and the ISO time are made in C (portal_user.c,
 * bind.c).  As a CASE and a DATE_FORMAT they cost MariaDB 8 us of a 10-row
 * page statement's 43 (measured: 5,000 executions in a procedure loop).  PU_STATUS: what
 * pstatus_decide needs, the sign-in lock as the microseconds left on the
 * copy of the throttle's locked_until that sql/016 keeps on the row (NULL
 * for none, which most rows are): a column and one difference, no lookup
 * of login_throttle per row. */
#define PU_STATUS(a)                                                                               \
	a ".status, " a ".password_hash IS NOT NULL, " a ".invite_state, "                         \
	  "TIMESTAMPDIFF(MICROSECOND, NOW(6), " a ".locked_until)"
#define PU_KEY "pu.id, pu.customer_id, pu.company_name, pu.email"
#define PU_COLS PU_KEY ", " PU_STATUS("pu") ", pu.last_sign_in_at"
#define PU_FILTER "AND (? = '' OR p.company_name LIKE ? OR p.email LIKE ?) "
/* The first pages of the unfiltered list (deep ones come from the list-order
 * cache): the sort's index named, so that MariaDB, which plans a prepared
 * statement again at every execution, does not weigh both indexes each time
 * (half the statement's cost, measured).  Each row carries the tenant's count,
 * which saves the page a statement of its own (a tenth of its cost).  Rows
 * are read as the index walks: cheaper than a deferred join on the first
 * pages (0.06 against 0.10 ms at offset 0), dearer further on (0.95 against
 * 0.25 ms at offset 990), so portal_access.c takes the cache from offset 200. */
#define PU_ALL(index, order)                                                                       \
	"SELECT " PU_COLS ", COALESCE(c.n, 0) FROM portal_users pu FORCE INDEX (" index ") "       \
	"LEFT JOIN portal_user_counts c ON c.tenant_id = pu.tenant_id "                            \
	"WHERE pu.tenant_id = ? " order " LIMIT ? OFFSET ?"

DB_STMT(PU_SET_TZ, .params = 3, .cols = 0, .flags = 0, .roles = R_P,
	.sql = "UPDATE portal_users SET time_zone = NULLIF(?, '') WHERE id = ? AND "
	       "tenant_id = ?")
/* The list-order cache (listcache.c): the version triggers keep, a
 * view's whole id order (ascending; descending is its reverse, the
 * keys being unique), and the rows of one slice, in slice order. */
DB_STMT(PU_VERSION, .params = 1, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT n, version FROM portal_user_counts WHERE tenant_id = ?")
DB_STMT(PU_IDS_COMPANY, .params = 4, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT p.id FROM portal_users p WHERE p.tenant_id = ? " PU_FILTER
	       "ORDER BY p.company_name, p.email")
DB_STMT(PU_IDS_EMAIL, .params = 4, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT p.id FROM portal_users p WHERE p.tenant_id = ? " PU_FILTER
	       "ORDER BY p.email")
/* With the list's version read in the same statement (one snapshot):
 * listcache_read keeps an order's page when it matches. */
DB_STMT(PU_BY_IDS, .params = 2, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT " PU_COLS ", COALESCE(c.version, 0) FROM JSON_TABLE(?, '$[*]' "
	       "COLUMNS (n FOR ORDINALITY, id INT UNSIGNED PATH '$')) j "
	       "JOIN portal_users pu ON pu.id = j.id "
	       "LEFT JOIN portal_user_counts c ON c.tenant_id = pu.tenant_id "
	       "WHERE pu.tenant_id = ? ORDER BY j.n")
/* Views filtered by status (sql/016): their order moves with the
 * status's inputs too, so their version is the list's plus the status
 * version (both only grow).  The order reads the inputs and C decides
 * (pstatus_decide), as for every row shown. */
DB_STMT(PU_STATUS_VERSION, .params = 1, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT c.n, c.version + COALESCE((SELECT s.version FROM "
	       "portal_user_status_versions s WHERE s.tenant_id = c.tenant_id), 0) "
	       "FROM portal_user_counts c WHERE c.tenant_id = ?")
DB_STMT(PU_IDS_STATUS_COMPANY, .params = 4, .cols = 5, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT p.id, " PU_STATUS("p") " FROM portal_users p "
					      "WHERE p.tenant_id = ? " PU_FILTER
					      "ORDER BY p.company_name, p.email")
DB_STMT(PU_IDS_STATUS_EMAIL, .params = 4, .cols = 5, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT p.id, " PU_STATUS("p") " FROM portal_users p "
					      "WHERE p.tenant_id = ? " PU_FILTER "ORDER BY p.email")
DB_STMT(PU_BY_IDS_STATUS, .params = 2, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT " PU_COLS ", COALESCE(c.version, 0) + COALESCE(s.version, 0) FROM "
	       "JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY, id INT UNSIGNED PATH '$')) j "
	       "JOIN portal_users pu ON pu.id = j.id "
	       "LEFT JOIN portal_user_counts c ON c.tenant_id = pu.tenant_id "
	       "LEFT JOIN portal_user_status_versions s ON s.tenant_id = pu.tenant_id "
	       "WHERE pu.tenant_id = ? ORDER BY j.n")
DB_STMT(PU_ALL_COMPANY_ASC, .params = 3, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = PU_ALL("portal_users_company", "ORDER BY pu.company_name ASC, pu.email ASC"))
DB_STMT(PU_ALL_COMPANY_DESC, .params = 3, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = PU_ALL("portal_users_company", "ORDER BY pu.company_name DESC, pu.email DESC"))
DB_STMT(PU_ALL_EMAIL_ASC, .params = 3, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = PU_ALL("portal_users_tenant_email", "ORDER BY pu.email ASC"))
DB_STMT(PU_ALL_EMAIL_DESC, .params = 3, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = PU_ALL("portal_users_tenant_email", "ORDER BY pu.email DESC"))
DB_STMT(PU_GET, .params = 2, .cols = 9, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT " PU_COLS " FROM portal_users pu WHERE pu.id = ? AND pu.tenant_id = ?")
DB_STMT(PU_ADD, .params = 6, .cols = 0, .flags = 0, .roles = R_S | R_P | R_C,
	.sql = "INSERT INTO portal_users (tenant_id, customer_id, company_name, email, "
	       "password_hash, password_set_at) VALUES (?, ?, ?, ?, ?, IF(? = 1, NOW(6), NULL))")
DB_STMT(PU_UPDATE, .params = 5, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE portal_users SET customer_id = ?, company_name = ?, email = ? "
	       "WHERE id = ? AND tenant_id = ?")
DB_STMT(PU_SET_PASSWORD, .params = 3, .cols = 0, .flags = 0, .roles = R_S | R_P,
	.sql = "UPDATE portal_users SET password_hash = ?, password_set_at = NOW(6) "
	       "WHERE id = ? AND tenant_id = ?")
DB_STMT(PU_SET_INVITE, .params = 4, .cols = 0, .flags = 0, .roles = R_S | R_P,
	.sql = "UPDATE portal_users SET invite_state = ?, invite_mail_id = "
	       "NULLIF(?, 0) WHERE id = ? AND tenant_id = ?")
DB_STMT(PU_DELETE, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM portal_users WHERE id = ? AND tenant_id = ?")
/* The portal's sign-in: the account of one tenant (emails are unique
 * per tenant, not across tenants). */
DB_STMT(PORTAL_LOGIN, .params = 2, .cols = 7, .flags = DB_Q_READ, .roles = R_P,
	.sql = "SELECT pu.id, pu.customer_id, COALESCE(pu.password_hash, ''), pu.status = "
	       "'active', "
	       "pu.mfa_required OR COALESCE(g.require_mfa, 0), pu.mfa_secret IS NOT NULL, pu.email "
	       "FROM portal_users pu LEFT JOIN portal_groups g ON g.id = pu.group_id "
	       "WHERE pu.tenant_id = ? AND pu.email = ?")
DB_STMT(PU_SIGNED_IN, .params = 1, .cols = 0, .flags = 0, .roles = R_P,
	.sql = "UPDATE portal_users SET last_sign_in_at = NOW(6) WHERE id = ?")
DB_STMT(PU_ACCESS_GET, .params = 2, .cols = 3, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COALESCE(group_id, 0), status = 'active', email_reports FROM "
	       "portal_users WHERE id = ? AND tenant_id = ?")
DB_STMT(PU_ACCESS_SET, .params = 5, .cols = 0, .flags = 0, .roles = R_S | R_P,
	.sql = "UPDATE portal_users SET group_id = ?, status = IF(? = 1, 'active', "
	       "'revoked'), email_reports = ? WHERE id = ? AND tenant_id = ?")
/* A customer's portal users (the portal's Colleagues page, the
 * customer's settings page): group, status inputs, last sign-in and
 * the name of the contact the user was enabled from (one at most). */
DB_STMT(PU_BY_CUSTOMER, .params = 2, .cols = 12, .flags = DB_Q_READ, .roles = R_S | R_P,
	.sql = "SELECT pu.id, pu.email, pu.status = 'active', COALESCE(g.id, 0), "
	       "COALESCE(g.name, ''), COALESCE(g.perms, ''), " PU_STATUS(
		       "pu") ", "
			     "pu.last_sign_in_at, COALESCE(ct.name, '') FROM portal_users pu "
			     "LEFT JOIN portal_groups g ON g.id = pu.group_id "
			     "LEFT JOIN customer_contacts ct ON ct.portal_user_id = pu.id "
			     "WHERE pu.customer_id = ? AND pu.tenant_id = ? ORDER BY pu.email")

#undef PU_STATUS
#undef PU_COLS
#undef PU_FILTER
#undef PU_ALL
