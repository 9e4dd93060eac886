/* Statements of the people domain (people.c, sql/027): tombstones of
 * deleted portal and office users, their restore and purge; dormant
 * accounts (gatehouse-ctl dormant); office users' last sign-in.  See
 * stmt_list.h. */

/* ---- portal users ---- */

/* A deleted portal user's tombstone, copied from its row (and its granted
 * sites) in the transaction of the delete.  Parameters: id, tenant. */
DB_STMT(PT_ADD, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO portal_user_tombstones (tenant_id, user_id, customer_id, company_name, "
	       "email, group_id, all_sites, email_reports, mfa_required, time_zone, status) "
	       "SELECT tenant_id, id, customer_id, company_name, email, group_id, all_sites, "
	       "email_reports, mfa_required, time_zone, status FROM portal_users WHERE id = ? AND "
	       "tenant_id = ?")
DB_STMT(PT_ADD_SITES, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO portal_user_tombstone_sites (tombstone_id, site_id) SELECT ?, site_id "
	       "FROM portal_user_sites WHERE portal_user_id = ?")
/* The Deleted view: the tenant's tombstones within the period, newest
 * first.  Parameters: days (the end), tenant, days, limit. */
DB_STMT(PT_LIST, .params = 4, .cols = 6, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT id, user_id, company_name, email, deleted_at, deleted_at + INTERVAL ? DAY "
	       "FROM portal_user_tombstones FORCE INDEX (portal_user_tombstones_tenant) WHERE "
	       "tenant_id = ? AND deleted_at >= NOW(6) - INTERVAL ? DAY ORDER BY deleted_at DESC, "
	       "id DESC LIMIT ?")
/* One tombstone, locked for its restore; the last column says whether it
 * is still within the period.  Parameters: days, id, tenant. */
DB_STMT(PT_GET, .params = 3, .cols = 6, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT user_id, customer_id, company_name, email, deleted_at >= NOW(6) - INTERVAL "
	       "? DAY, status = 'active' FROM portal_user_tombstones WHERE id = ? AND tenant_id = "
	       "? FOR UPDATE")
/* The user back under its old id (DB_DUP: the login was taken again);
 * the default group when its group was deleted meanwhile (the insert
 * trigger of sql/008).  Parameters: id, tenant. */
DB_STMT(PT_RESTORE, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO portal_users (id, tenant_id, customer_id, company_name, email, "
	       "group_id, all_sites, email_reports, mfa_required, time_zone, status) SELECT "
	       "user_id, tenant_id, customer_id, company_name, email, group_id, all_sites, "
	       "email_reports, mfa_required, time_zone, status FROM portal_user_tombstones WHERE "
	       "id = ? AND tenant_id = ?")
DB_STMT(PT_RESTORE_SITES, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO portal_user_sites (portal_user_id, site_id) SELECT ?, site_id FROM "
	       "portal_user_tombstone_sites WHERE tombstone_id = ?")
DB_STMT(PT_DELETE, .params = 2, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "DELETE FROM portal_user_tombstones WHERE id = ? AND tenant_id = ?")
/* The purge: tombstones past the period, oldest first.  Parameters: days,
 * limit. */
DB_STMT(PT_EXPIRED, .params = 2, .cols = 4, .flags = DB_Q_READ, .roles = R_C,
	.sql = "SELECT id, tenant_id, user_id, email FROM portal_user_tombstones FORCE INDEX "
	       "(portal_user_tombstones_purge) WHERE deleted_at < NOW(6) - INTERVAL ? DAY ORDER BY "
	       "deleted_at, id LIMIT ?")

/* ---- office users ---- */

/* Kept besides the details: whether MFA is required, the Email tab's
 * connection (never its password). */
#define OT_MORE "mfa_required, mail_provider, smtp_host, smtp_port, smtp_security, smtp_user"

DB_STMT(OT_ADD, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO office_user_tombstones (tenant_id, user_id, email, role, first_name, "
	       "last_name, phone, mobile_provider, street, city, state, zip, country, "
	       "default_screen, all_vehicles, notifications, time_zone, active, " OT_MORE
	       ") SELECT tenant_id, id, email, role, first_name, last_name, phone, "
	       "mobile_provider, street, city, state, zip, country, default_screen, all_vehicles, "
	       "notifications, time_zone, active, " OT_MORE " FROM office_users WHERE id = ? AND "
	       "tenant_id = ?")
DB_STMT(OT_ADD_PERMS, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO office_user_tombstone_perms (tombstone_id, module, level) SELECT ?, "
	       "module, level FROM office_user_perms WHERE user_id = ?")
DB_STMT(OT_ADD_CALS, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO office_user_tombstone_calendars (tombstone_id, calendar_id) SELECT ?, "
	       "calendar_id FROM office_user_calendars WHERE user_id = ?")
DB_STMT(OT_ADD_VANS, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO office_user_tombstone_vehicles (tombstone_id, vehicle_id) SELECT ?, "
	       "vehicle_id FROM office_user_vehicles WHERE user_id = ?")
DB_STMT(OT_LIST, .params = 4, .cols = 7, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT id, user_id, CONCAT_WS(' ', NULLIF(first_name, ''), NULLIF(last_name, '')), "
	       "email, role, deleted_at, deleted_at + INTERVAL ? DAY FROM office_user_tombstones "
	       "FORCE INDEX (office_user_tombstones_tenant) WHERE tenant_id = ? AND deleted_at >= "
	       "NOW(6) - INTERVAL ? DAY ORDER BY deleted_at DESC, id DESC LIMIT ?")
DB_STMT(OT_GET, .params = 3, .cols = 5, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT user_id, email, role, deleted_at >= NOW(6) - INTERVAL ? DAY, active FROM "
	       "office_user_tombstones WHERE id = ? AND tenant_id = ? FOR UPDATE")
/* Back with no password (an empty hash never verifies) and no session:
 * the restore mails a set-password link.  Parameters: id, tenant. */
DB_STMT(OT_RESTORE, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO office_users (id, tenant_id, email, password_hash, role, first_name, "
	       "last_name, phone, mobile_provider, street, city, state, zip, country, "
	       "default_screen, all_vehicles, notifications, time_zone, active, " OT_MORE
	       ") SELECT user_id, tenant_id, email, '', role, first_name, last_name, phone, "
	       "mobile_provider, street, city, state, zip, country, default_screen, all_vehicles, "
	       "notifications, time_zone, active, " OT_MORE " FROM office_user_tombstones WHERE "
	       "id = ? AND tenant_id = ?")
DB_STMT(OT_RESTORE_PERMS, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO office_user_perms (user_id, module, level) SELECT ?, module, level "
	       "FROM office_user_tombstone_perms WHERE tombstone_id = ?")
DB_STMT(OT_RESTORE_CALS, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO office_user_calendars (user_id, calendar_id) SELECT ?, calendar_id "
	       "FROM office_user_tombstone_calendars WHERE tombstone_id = ?")
DB_STMT(OT_RESTORE_VANS, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO office_user_vehicles (user_id, vehicle_id) SELECT ?, vehicle_id FROM "
	       "office_user_tombstone_vehicles WHERE tombstone_id = ?")
/* The login, burned at the delete, free again for its own user.
 * Parameters: email, tenant. */
DB_STMT(OT_UNBURN, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM office_login_tombstones WHERE email = ? AND tenant_id = ?")
DB_STMT(OT_DELETE, .params = 2, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "DELETE FROM office_user_tombstones WHERE id = ? AND tenant_id = ?")
DB_STMT(OT_EXPIRED, .params = 2, .cols = 4, .flags = DB_Q_READ, .roles = R_C,
	.sql = "SELECT id, tenant_id, user_id, email FROM office_user_tombstones FORCE INDEX "
	       "(office_user_tombstones_purge) WHERE deleted_at < NOW(6) - INTERVAL ? DAY ORDER BY "
	       "deleted_at, id LIMIT ?")

#undef OT_MORE

/* ---- sign-in and dormant accounts ---- */

/* A full office sign-in: the list's Last sign-in; a dormant warning is
 * forgotten. */
DB_STMT(OU_SIGNED_IN, .params = 1, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_S,
	.sql = "UPDATE office_users SET last_sign_in_at = NOW(6), dormant_warned_at = NULL WHERE "
	       "id = ?")
/* Due a warning: active accounts (a portal user with a password) not
 * signed in for the days given (dormant_days - 7), not warned yet; with
 * the company's name and slug for the mail.  Parameters: days, a tenant
 * twice (0: every one), limit. */
DB_STMT(PD_WARN_DUE, .params = 4, .cols = 5, .flags = DB_Q_READ, .roles = R_C,
	.sql = "SELECT pu.id, pu.tenant_id, pu.email, t.company_name, t.slug FROM portal_users pu "
	       "JOIN tenants t ON t.id = pu.tenant_id WHERE pu.status = 'active' AND "
	       "pu.password_hash IS NOT NULL AND pu.dormant_warned_at IS NULL AND "
	       "COALESCE(pu.last_sign_in_at, pu.password_set_at, pu.created_at) < NOW(6) - "
	       "INTERVAL ? DAY AND (? = 0 OR pu.tenant_id = ?) ORDER BY pu.id LIMIT ?")
/* Due deactivation: warned at least a week ago and still not signed in
 * for dormant_days.  Parameters as PD_WARN_DUE's. */
DB_STMT(PD_OFF_DUE, .params = 4, .cols = 5, .flags = DB_Q_READ, .roles = R_C,
	.sql = "SELECT pu.id, pu.tenant_id, pu.email, t.company_name, t.slug FROM portal_users pu "
	       "JOIN tenants t ON t.id = pu.tenant_id WHERE pu.status = 'active' AND "
	       "pu.dormant_warned_at < NOW(6) - INTERVAL 7 DAY AND COALESCE(pu.last_sign_in_at, "
	       "pu.password_set_at, pu.created_at) < NOW(6) - INTERVAL ? DAY AND (? = 0 OR "
	       "pu.tenant_id = ?) ORDER BY pu.id "
	       "LIMIT ?")
DB_STMT(PD_WARNED, .params = 1, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "UPDATE portal_users SET dormant_warned_at = NOW(6) WHERE id = ? AND "
	       "dormant_warned_at IS NULL")
/* Revoked, the warning forgotten: restored by the office, the account is
 * warned again before it goes dormant again. */
DB_STMT(PD_OFF, .params = 1, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "UPDATE portal_users SET status = 'revoked', dormant_warned_at = NULL WHERE id = ? "
	       "AND status = 'active'")
DB_STMT(PD_SESSIONS_END, .params = 1, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "DELETE FROM sessions WHERE portal_user_id = ?")
DB_STMT(OD_WARN_DUE, .params = 4, .cols = 5, .flags = DB_Q_READ, .roles = R_C,
	.sql = "SELECT u.id, u.tenant_id, u.email, t.company_name, t.slug FROM office_users u "
	       "JOIN tenants t ON t.id = u.tenant_id WHERE u.active = 1 AND u.dormant_warned_at IS "
	       "NULL AND COALESCE(u.last_sign_in_at, u.created_at) < NOW(6) - INTERVAL ? DAY "
	       "AND (? = 0 OR u.tenant_id = ?) ORDER BY u.id LIMIT ?")
DB_STMT(OD_OFF_DUE, .params = 4, .cols = 5, .flags = DB_Q_READ, .roles = R_C,
	.sql = "SELECT u.id, u.tenant_id, u.email, t.company_name, t.slug FROM office_users u "
	       "JOIN tenants t ON t.id = u.tenant_id WHERE u.active = 1 AND u.dormant_warned_at < "
	       "NOW(6) - INTERVAL 7 DAY AND COALESCE(u.last_sign_in_at, u.created_at) < NOW(6) - "
	       "INTERVAL ? DAY AND (? = 0 OR u.tenant_id = ?) ORDER BY u.id LIMIT ?")
DB_STMT(OD_WARNED, .params = 1, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "UPDATE office_users SET dormant_warned_at = NOW(6) WHERE id = ? AND "
	       "dormant_warned_at IS NULL")
DB_STMT(OD_OFF, .params = 1, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "UPDATE office_users SET active = 0, dormant_warned_at = NULL WHERE id = ? AND "
	       "active = 1")
DB_STMT(OD_SESSIONS_END, .params = 1, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "DELETE FROM sessions WHERE office_user_id = ?")
/* The tenant's other active Super Admins: a dormant last one is warned but
 * never deactivated (the company would be locked out).  Parameters:
 * tenant, id. */
DB_STMT(OD_OTHER_SUPERS, .params = 2, .cols = 1, .flags = DB_Q_READ, .roles = R_C,
	.sql = "SELECT COUNT(*) FROM office_users u JOIN office_user_perms p ON p.user_id = u.id "
	       "AND p.module = 'settings' AND p.level >= 3 WHERE u.tenant_id = ? AND u.active = 1 "
	       "AND u.id <> ?")
