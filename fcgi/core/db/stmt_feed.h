/* Statements of the partner feed (db/feed.c; sql/022): see stmt_list.h.
 *
 * The change log's head: the last seq handed out, the lowest kept, and
 * whether committed changes wait for a seq (sql/022, "Commit order"). */
DB_STMT(FEED_HEAD, .params = 3, .cols = 3, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = "SELECT (SELECT seq FROM feed_seq WHERE tenant_id = ?), (SELECT floor_seq FROM "
	       "feed_seq WHERE tenant_id = ?), EXISTS (SELECT 1 FROM feed_changes WHERE tenant_id "
	       "= ? AND seq IS NULL)")
/* Numbering, in a transaction of its own (the feed's sessions read
 * committed: db/core.c): the tenant's feed_seq row made if missing and
 * locked (every numbering of the tenant waits here); the committed rows
 * without a seq read by a plain read, which passes over a writer's
 * uncommitted rows instead of waiting for them; those rows numbered after
 * the row's seq in id order, each found by its primary key (nothing else
 * is locked); the row's seq moved past them.  A row numbered already is
 * left as it is (a gap in the numbers, never a repeat). */
DB_STMT(FEED_LOCK, .params = 1, .cols = 0, .flags = 0, .roles = R_F | R_H,
	.sql = "INSERT INTO feed_seq (tenant_id) VALUES (?) ON DUPLICATE KEY UPDATE seq = seq")
DB_STMT(FEED_PENDING, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = "SELECT id FROM feed_changes WHERE tenant_id = ? AND seq IS NULL ORDER BY id LIMIT "
	       "1000")
/* Parameters: the ids as a JSON array (in id order), the tenant.  The rows
 * are reached by their ids only (forced: through the tenant's index the
 * update would lock, and wait for, the uncommitted rows it passes). */
DB_STMT(FEED_STAMP, .params = 2, .cols = 0, .flags = 0, .roles = R_F | R_H,
	.sql = "UPDATE JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY, id BIGINT UNSIGNED PATH "
	       "'$')) j STRAIGHT_JOIN feed_changes c FORCE INDEX (PRIMARY) ON c.id = j.id JOIN "
	       "feed_seq s ON s.tenant_id = ? SET c.seq = s.seq + j.n WHERE c.seq IS NULL")
/* Parameters: how many were numbered, the tenant. */
DB_STMT(FEED_STAMP_END, .params = 2, .cols = 0, .flags = 0, .roles = R_F | R_H,
	.sql = "UPDATE feed_seq SET seq = seq + ? WHERE tenant_id = ?")
/* A page of changes after a seq, in seq order.  Parameters: the tenant,
 * the seq, the limit. */
DB_STMT(FEED_CHANGES, .params = 3, .cols = 5, .flags = DB_Q_READ, .roles = R_F,
	.sql = "SELECT seq, resource + 0, rid, op + 0, at FROM feed_changes WHERE tenant_id = ? "
	       "AND seq > ? ORDER BY seq LIMIT ?")

/* The snapshots.  Each reads a page of a tenant's resources by id after a
 * key (tenant, after, limit), its nested rows (a part above 0) following
 * their resource's row; a change's resource is the page of one after id - 1
 * (the caller checks the id).  Never a secret: whether a password or an MFA
 * secret is set, not what it is. */
#define FEED_PAGE(table)                                                                           \
	"WITH p AS (SELECT id FROM " table " WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?) "

/* Portal users, then their granted sites: id, part, and the user's
 * customer, group, email, company, access, invitation, password set, MFA
 * required, MFA enrolled, all sites, email reports, locked until, time
 * zone, created (a site: its id in the customer column). */
DB_STMT(FEED_PORTAL_USERS, .params = 3, .cols = 16, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = FEED_PAGE("portal_users") "SELECT pu.id, 0 AS part, pu.customer_id, pu.group_id, "
					 "pu.email, pu.company_name, pu.status, pu.invite_state, "
					 "pu.password_hash IS NOT "
					 "NULL, pu.mfa_required, pu.mfa_secret IS NOT NULL, "
					 "pu.all_sites, pu.email_reports, "
					 "pu.locked_until, pu.time_zone, pu.created_at FROM p JOIN "
					 "portal_users pu ON pu.id "
					 "= p.id UNION ALL SELECT pus.portal_user_id, 1, "
					 "pus.site_id, NULL, NULL, NULL, "
					 "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
					 "NULL FROM p JOIN "
					 "portal_user_sites pus ON pus.portal_user_id = p.id ORDER "
					 "BY 1, 2, 3")
/* Customers, their contacts (part 1) and sites (part 2): id, part, the
 * row's own id, a link (a contact's portal user, a site's parent), name,
 * email (a site: its address), phone, street, city, state, zip, created. */
DB_STMT(FEED_CUSTOMERS, .params = 3, .cols = 12, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = FEED_PAGE("customers") "SELECT c.id, 0 AS part, c.id AS rid, NULL, c.name, "
				      "c.primary_email, c.phone, c.street, c.city, c.state, c.zip, "
				      "c.created_at FROM p "
				      "JOIN customers c ON c.id = p.id UNION ALL SELECT "
				      "cc.customer_id, 1, cc.id, "
				      "cc.portal_user_id, cc.name, cc.email, cc.phone, NULL, NULL, "
				      "NULL, NULL, NULL FROM "
				      "p JOIN customer_contacts cc ON cc.customer_id = p.id UNION "
				      "ALL SELECT s.customer_id, "
				      "2, s.id, s.parent_id, s.name, s.address, NULL, NULL, NULL, "
				      "NULL, NULL, NULL FROM p "
				      "JOIN sites s ON s.customer_id = p.id ORDER BY 1, 2, 3")
/* Portal groups: id, name, system, default, MFA required, permissions. */
DB_STMT(FEED_GROUPS, .params = 3, .cols = 6, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = "SELECT id, name, is_system, is_default, require_mfa, perms FROM portal_groups "
	       "WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?")
/* Office users, then their permissions (part 1: the module in the email
 * column, the level in the last): id, part, email, role, first and last
 * name, phone, active, MFA required, MFA enrolled, time zone, created,
 * level. */
DB_STMT(FEED_OFFICE_USERS, .params = 3, .cols = 13, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = FEED_PAGE("office_users") "SELECT u.id, 0 AS part, u.email, u.role, u.first_name, "
					 "u.last_name, u.phone, u.active, u.mfa_required, "
					 "u.mfa_secret IS NOT NULL, "
					 "u.time_zone, u.created_at, NULL FROM p JOIN office_users "
					 "u ON u.id = p.id UNION "
					 "ALL SELECT m.user_id, 1, m.module, NULL, NULL, NULL, "
					 "NULL, NULL, NULL, NULL, NULL, "
					 "NULL, m.level FROM p JOIN office_user_perms m ON "
					 "m.user_id = p.id ORDER BY 1, 2, 3")
/* Customer records of one kind: id, customer, site, kind, ref, title,
 * detail, date, amount in cents and whether there is one, status, public,
 * changed by, changed at.
 * Parameters: tenant, kind, after, limit. */
#define FEED_RECORD_COLS                                                                           \
	"SELECT id, customer_id, site_id, kind, ref, title, detail, rec_date, amount_cents, "      \
	"amount_cents IS NOT NULL, status, public, changed_by, changed_at FROM customer_records "
DB_STMT(FEED_RECORDS, .params = 4, .cols = 14, .flags = DB_Q_READ, .roles = R_F,
	.sql = FEED_RECORD_COLS "WHERE tenant_id = ? AND kind = ? AND id > ? ORDER BY id LIMIT ?")
/* One record of any kind (a change's): tenant, id. */
DB_STMT(FEED_RECORD, .params = 2, .cols = 14, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = FEED_RECORD_COLS "WHERE tenant_id = ? AND id = ?")
#undef FEED_RECORD_COLS
#undef FEED_PAGE

/* gatehouse-ctl feed purge: the changes older than the cutoff, then the
 * tenant floors raised past them (a follower behind a floor gets 410).
 * Parameters: the age in days; none. */
DB_STMT(FEED_PURGE, .params = 1, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "DELETE FROM feed_changes WHERE seq IS NOT NULL AND at < NOW(6) - INTERVAL ? DAY")
DB_STMT(FEED_FLOOR, .params = 0, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "UPDATE feed_seq s SET floor_seq = GREATEST(floor_seq, COALESCE((SELECT MIN(c.seq) "
	       "- 1 FROM feed_changes c WHERE c.tenant_id = s.tenant_id AND c.seq IS NOT NULL), "
	       "s.seq))")
