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

/* The snapshots: a page of a tenant's resources by id after a key
 * (tenant, after, limit), each an index range walk (sql/022's indexes), no
 * temporary table.  Their nested rows (sites, contacts, permissions) are
 * read by the page's id range (tenant, after, the page's last id: BOUND)
 * and handed over after their resource's row (db/feed.c); a change's
 * resource is the page of one after id - 1 (the caller checks the id).
 * Never a secret: whether a password or an MFA secret is set, not what it
 * is. */
/* The (tenant_id, id) index is named: left to itself, MariaDB walks the
 * primary key from the cursor on, and a page then costs more the deeper it
 * is (2.4 ms at 10,000, 5 ms at 80,000; forced: 2.5 ms at both). */
#define FEED_PU_INDEX "portal_users FORCE INDEX (portal_users_feed)"
#define FEED_CUST_INDEX "customers FORCE INDEX (customers_feed)"
#define FEED_OU_INDEX "office_users FORCE INDEX (office_users_tenant)"
#define FEED_BOUND(table)                                                                          \
	"SELECT COALESCE(MAX(x.id), 0) FROM (SELECT id FROM " table " WHERE tenant_id = ? AND id " \
	"> ? ORDER BY id LIMIT ?) x"
DB_STMT(FEED_PU_BOUND, .params = 3, .cols = 1, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = FEED_BOUND(FEED_PU_INDEX))
DB_STMT(FEED_CUST_BOUND, .params = 3, .cols = 1, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = FEED_BOUND(FEED_CUST_INDEX))
DB_STMT(FEED_OU_BOUND, .params = 3, .cols = 1, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = FEED_BOUND(FEED_OU_INDEX))
#undef FEED_BOUND

/* Portal users: id, part (0), customer, group, email, company, access,
 * invitation, password set, MFA required, MFA enrolled, all sites, email
 * reports, locked until, time zone, created. */
DB_STMT(FEED_PORTAL_USERS, .params = 3, .cols = 16, .flags = DB_Q_READ | DB_Q_STREAM,
	.roles = R_F | R_H,
	.sql = "SELECT id, 0, customer_id, group_id, email, company_name, status, invite_state, "
	       "password_hash IS NOT NULL, mfa_required, mfa_secret IS NOT NULL, all_sites, "
	       "email_reports, locked_until, time_zone, created_at FROM " FEED_PU_INDEX " WHERE "
	       "tenant_id = ? AND id > ? ORDER BY id LIMIT ?")
/* Their granted sites: user, site.  Parameters: tenant, after, last. */
DB_STMT(FEED_PU_SITES, .params = 3, .cols = 2, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = "SELECT pus.portal_user_id, pus.site_id FROM portal_users pu JOIN portal_user_sites "
	       "pus ON pus.portal_user_id = pu.id WHERE pu.tenant_id = ? AND pu.id > ? AND pu.id "
	       "<= ? ORDER BY pus.portal_user_id, pus.site_id")
/* Customers: id, part (0), id, link (0), name, email, phone, street, city,
 * state, zip, created. */
DB_STMT(FEED_CUSTOMERS, .params = 3, .cols = 12, .flags = DB_Q_READ | DB_Q_STREAM,
	.roles = R_F | R_H,
	.sql = "SELECT id, 0, id, 0, name, primary_email, phone, street, city, state, zip, "
	       "created_at FROM " FEED_CUST_INDEX " WHERE tenant_id = ? AND id > ? ORDER BY id "
	       "LIMIT ?")
/* Their contacts: customer, id, portal user, name, email, phone; and
 * sites: customer, id, parent, name, address.  Parameters: tenant, after,
 * last. */
DB_STMT(FEED_CUST_CONTACTS, .params = 3, .cols = 6, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = "SELECT customer_id, id, portal_user_id, name, email, phone FROM customer_contacts "
	       "WHERE tenant_id = ? AND customer_id > ? AND customer_id <= ? ORDER BY "
	       "customer_id, id")
DB_STMT(FEED_CUST_SITES, .params = 3, .cols = 5, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = "SELECT customer_id, id, parent_id, name, address FROM sites WHERE tenant_id = ? "
	       "AND customer_id > ? AND customer_id <= ? ORDER BY customer_id, id")
/* Portal groups: id, name, system, default, MFA required, permissions. */
DB_STMT(FEED_GROUPS, .params = 3, .cols = 6, .flags = DB_Q_READ | DB_Q_STREAM, .roles = R_F | R_H,
	.sql = "SELECT id, name, is_system, is_default, require_mfa, perms FROM portal_groups "
	       "FORCE INDEX (portal_groups_feed) WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT "
	       "?")
/* Office users: id, part (0), email, role, first and last name, phone,
 * active, MFA required, MFA enrolled, time zone, created, level (0). */
DB_STMT(FEED_OFFICE_USERS, .params = 3, .cols = 13, .flags = DB_Q_READ | DB_Q_STREAM,
	.roles = R_F | R_H,
	.sql = "SELECT id, 0, email, role, first_name, last_name, phone, active, mfa_required, "
	       "mfa_secret IS NOT NULL, time_zone, created_at, 0 FROM " FEED_OU_INDEX " WHERE "
	       "tenant_id = ? AND id > ? ORDER BY id LIMIT ?")
/* Their permissions: user, module, level.  Parameters: tenant, after,
 * last. */
DB_STMT(FEED_OU_PERMS, .params = 3, .cols = 3, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = "SELECT m.user_id, m.module, m.level FROM office_users u JOIN office_user_perms m "
	       "ON m.user_id = u.id WHERE u.tenant_id = ? AND u.id > ? AND u.id <= ? ORDER BY "
	       "m.user_id, m.module")
/* Customer records of one kind: id, customer, site, kind, ref, title,
 * detail, date, amount in cents and whether there is one, status, public,
 * changed by, changed at.
 * Parameters: tenant, kind, after, limit. */
#define FEED_RECORD_COLS                                                                           \
	"SELECT id, customer_id, site_id, kind, ref, title, detail, rec_date, amount_cents, "      \
	"amount_cents IS NOT NULL, status, public, changed_by, changed_at FROM customer_records "
DB_STMT(FEED_RECORDS, .params = 4, .cols = 14, .flags = DB_Q_READ | DB_Q_STREAM, .roles = R_F,
	.sql = FEED_RECORD_COLS
	"FORCE INDEX (customer_records_feed) WHERE tenant_id = ? AND kind = ? "
	"AND id > ? ORDER BY id LIMIT ?")
/* One record of any kind (a change's): tenant, id. */
DB_STMT(FEED_RECORD, .params = 2, .cols = 14, .flags = DB_Q_READ, .roles = R_F | R_H,
	.sql = FEED_RECORD_COLS "WHERE tenant_id = ? AND id = ?")
#undef FEED_RECORD_COLS
#undef FEED_PU_INDEX
#undef FEED_CUST_INDEX
#undef FEED_OU_INDEX

/* gatehouse-ctl feed purge: the changes older than the cutoff, then the
 * tenant floors raised past them (a follower behind a floor gets 410).
 * Parameters: the age in days; none. */
DB_STMT(FEED_PURGE, .params = 1, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "DELETE FROM feed_changes WHERE seq IS NOT NULL AND at < NOW(6) - INTERVAL ? DAY")
DB_STMT(FEED_FLOOR, .params = 0, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "UPDATE feed_seq s SET floor_seq = GREATEST(floor_seq, COALESCE((SELECT MIN(c.seq) "
	       "- 1 FROM feed_changes c WHERE c.tenant_id = s.tenant_id AND c.seq IS NOT NULL), "
	       "s.seq))")
