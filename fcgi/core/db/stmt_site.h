/* Statements of the site domain (site.c): see stmt_list.h. */
/* Masters first, each followed by its sub-sites. */
DB_STMT(SITE_LIST, .params = 2, .cols = 4, .flags = DB_Q_READ, .roles = R_S | R_C,
	.sql = "SELECT s.id, COALESCE(s.parent_id, 0), s.name, s.address FROM sites s "
	       "LEFT JOIN sites p ON p.id = s.parent_id WHERE s.customer_id = ? AND "
	       "s.tenant_id = ? ORDER BY COALESCE(p.name, s.name), s.parent_id IS NOT NULL, "
	       "s.name")
DB_STMT(SITE_ADD, .params = 5, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "INSERT INTO sites (tenant_id, customer_id, parent_id, name, address) "
	       "VALUES (?, ?, NULLIF(?, 0), ?, ?)")
/* A master must be a top-level site of the same customer. */
DB_STMT(SITE_PARENT_OK, .params = 3, .cols = 1, .flags = DB_Q_READ, .roles = R_S | R_C,
	.sql = "SELECT COUNT(*) FROM sites WHERE id = ? AND customer_id = ? AND "
	       "tenant_id = ? AND parent_id IS NULL")
DB_STMT(PU_SITES, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT site_id FROM portal_user_sites WHERE portal_user_id = ?")
DB_STMT(PU_SITES_CLEAR, .params = 1, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM portal_user_sites WHERE portal_user_id = ?")
/* Only sites of the user's own customer. */
DB_STMT(PU_SITES_ADD, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO portal_user_sites (portal_user_id, site_id) SELECT pu.id, "
	       "s.id FROM portal_users pu JOIN sites s ON s.customer_id = pu.customer_id "
	       "AND s.tenant_id = pu.tenant_id WHERE pu.id = ? AND s.id = ?")
DB_STMT(PU_ALL_SITES, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE portal_users SET all_sites = ? WHERE id = ? AND tenant_id = ?")
DB_STMT(PU_ALL_SITES_GET, .params = 2, .cols = 1, .flags = DB_Q_READ, .roles = R_S | R_P,
	.sql = "SELECT all_sites FROM portal_users WHERE id = ? AND tenant_id = ?")
/* What a portal session may see: the customer's sites, all of them or
 * the granted ones (a token session: all). */
DB_STMT(PORTAL_SITES, .params = 5, .cols = 4, .flags = DB_Q_READ, .roles = R_P,
	.sql = "SELECT s.id, COALESCE(s.parent_id, 0), s.name, s.address FROM sites s "
	       "LEFT JOIN sites p ON p.id = s.parent_id WHERE s.customer_id = ? AND s.tenant_id = "
	       "? "
	       "AND (? = 0 OR (SELECT all_sites FROM portal_users WHERE id = ?) = 1 OR "
	       "s.id IN (SELECT site_id FROM portal_user_sites WHERE portal_user_id = ?)) "
	       "ORDER BY COALESCE(p.name, s.name), s.parent_id IS NOT NULL, s.name")
