#include "config.h"

#include <errno.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "pstatus.h"

/* The statement table: every query the application runs.  Index = enum q. */
enum q {
	Q_TENANT_BY_SLUG,
	Q_TENANT_GET_LOCKED,
	Q_TENANT_INSERT,
	Q_TENANT_SET_PORTAL,
	Q_TENANT_SET_TZ,
	Q_PU_SET_TZ,
	Q_OU_SET_TZ,
	Q_OFFICE_LOGIN,
	Q_OFFICE_INSERT,
	Q_OFFICE_SET_PERM,
	Q_OFFICE_SET_ACTIVE,
	Q_SESSION_INSERT,
	Q_SESSION_OFFICE,
	Q_SESSION_PORTAL,
	Q_SESSION_TOUCH,
	Q_SESSION_DELETE,
	Q_SESSION_DELETE_OFFICE_USER,
	Q_SESSION_DELETE_TENANT_PORTAL,
	Q_SESSION_PURGE,
	Q_THROTTLE_ENSURE,
	Q_THROTTLE_LOCK,
	Q_THROTTLE_SET,
	Q_THROTTLE_CLEAR,
	Q_THROTTLE_REFUND,
	Q_THROTTLE_CLEAR_ALL,
	Q_THROTTLE_PURGE,
	Q_AUDIT_INSERT,
	Q_CUSTOMER_INSERT,
	Q_CUSTOMER_BY_NAME,
	Q_CUST_COUNT,
	Q_CUST_PAGE_NAME_ASC,
	Q_CUST_PAGE_NAME_DESC,
	Q_CUST_PAGE_EMAIL_ASC,
	Q_CUST_PAGE_EMAIL_DESC,
	Q_CUST_GET,
	Q_CUST_UPDATE,
	Q_CUST_OPTIONS,
	Q_PU_RENAME_COMPANY,
	Q_PU_TOTAL,
	Q_PU_VERSION,
	Q_PU_IDS_COMPANY,
	Q_PU_IDS_EMAIL,
	Q_PU_BY_IDS,
	Q_PU_STATUS_VERSION,
	Q_PU_IDS_STATUS_COMPANY,
	Q_PU_IDS_STATUS_EMAIL,
	Q_PU_BY_IDS_STATUS,
	Q_PU_ALL_COMPANY_ASC,
	Q_PU_ALL_COMPANY_DESC,
	Q_PU_ALL_EMAIL_ASC,
	Q_PU_ALL_EMAIL_DESC,
	Q_PU_GET,
	Q_PU_ADD,
	Q_PU_UPDATE,
	Q_PU_SET_PASSWORD,
	Q_PU_SET_INVITE,
	Q_PU_DELETE,
	Q_TOKEN_KILL,
	Q_TOKEN_INSERT,
	Q_TOKEN_LOOKUP,
	Q_TOKEN_USE,
	Q_SESSION_DELETE_PORTAL_USER,
	Q_OUTBOX_ENQUEUE,
	Q_OUTBOX_CLAIM,
	Q_OUTBOX_LEASE,
	Q_OUTBOX_SENT,
	Q_OUTBOX_RETRY,
	Q_OUTBOX_FAILED,
	Q_INVITE_STATE,
	Q_PORTAL_LOGIN,
	Q_PORTAL_SESSION_INSERT,
	Q_PORTAL_SESSION_LIST,
	Q_PORTAL_SESSION_DELETE_OTHERS,
	Q_PORTAL_SESSION_DELETE_CUSTOMER,
	Q_PU_SIGNED_IN,
	Q_PU_AUTH_LOCKED,
	Q_PU_MFA_SET_PENDING,
	Q_PU_MFA_ENABLE,
	Q_PU_MFA_STEP,
	Q_PU_MFA_RESET,
	Q_PU_MFA_REQUIRE,
	Q_RECOVERY_DELETE_ALL,
	Q_RECOVERY_INSERT,
	Q_RECOVERY_USE,
	Q_RECOVERY_COUNT,
	Q_CUST_TOKEN_SET,
	Q_CUST_TOKEN_GET,
	Q_CUST_BY_TOKEN,
	Q_THROTTLE_PEEK,
	Q_PU_MFA_STATE,
	Q_OU_VERSION,
	Q_OU_IDS_EMAIL,
	Q_OU_IDS_FIRST,
	Q_OU_IDS_LAST,
	Q_OU_IDS_ROLE,
	Q_OU_IDS_STATUS,
	Q_OU_BY_IDS,
	Q_OU_GET,
	Q_OU_INSERT_FULL,
	Q_OU_UPDATE,
	Q_OU_SET_PASSWORD,
	Q_OU_SESSIONS_DELETE_OTHERS,
	Q_OU_TOKEN_KILL,
	Q_OU_TOKEN_INSERT,
	Q_OU_TOKEN_LOOKUP,
	Q_OU_TOKEN_USE,
	Q_OU_RESET_TARGET,
	Q_OU_SET_ROLE,
	Q_OU_PERMS,
	Q_OU_DELETE,
	Q_OU_SET_ACTIVE_T,
	Q_OU_SUPERS_LOCKED,
	Q_TOMBSTONE_ADD,
	Q_TOMBSTONE_HAS,
	Q_CAL_LIST,
	Q_CAL_ADD,
	Q_CAL_DELETE,
	Q_VEH_LIST,
	Q_VEH_ADD,
	Q_VEH_DELETE,
	Q_OU_CALS,
	Q_OU_CALS_CLEAR,
	Q_OU_CALS_ADD,
	Q_OU_VEHS,
	Q_OU_VEHS_CLEAR,
	Q_OU_VEHS_ADD,
	Q_OU_EXTRAS,
	Q_OU_SET_EXTRAS,
	Q_OU_MAIL_GET,
	Q_OU_MAIL_SET,
	Q_OU_MAIL_PASSWORD,
	Q_OU_MAIL_TESTED,
	Q_OFF_AUTH_LOCKED,
	Q_OFF_MFA_SET_PENDING,
	Q_OFF_MFA_ENABLE,
	Q_OFF_MFA_STEP,
	Q_OFF_MFA_RESET,
	Q_OFF_MFA_REQUIRE,
	Q_OFF_RECOVERY_DELETE_ALL,
	Q_OFF_RECOVERY_INSERT,
	Q_OFF_RECOVERY_USE,
	Q_OFF_RECOVERY_COUNT,
	Q_OFF_MFA_STATE,
	Q_GROUP_LIST,
	Q_GROUP_GET,
	Q_GROUP_ADD,
	Q_GROUP_UPDATE,
	Q_GROUP_CLEAR_DEFAULT,
	Q_GROUP_DELETE,
	Q_PU_ACCESS_GET,
	Q_PU_ACCESS_SET,
	Q_CONTACT_LIST,
	Q_CONTACT_ADD,
	Q_CONTACT_GET,
	Q_CONTACT_LINK,
	Q_SITE_LIST,
	Q_SITE_ADD,
	Q_SITE_PARENT_OK,
	Q_PU_SITES,
	Q_PU_SITES_CLEAR,
	Q_PU_SITES_ADD,
	Q_PU_ALL_SITES,
	Q_PU_ALL_SITES_GET,
	Q_PORTAL_SITES,
	Q_PU_BY_CUSTOMER,
	Q_REC_LIST,
	Q_REC_STATUS,
	Q_REC_ADD,
	Q_REC_REF,
	Q_REC_COUNT,
	Q_SCHEMA_VERSION_CREATE,
	Q_SCHEMA_VERSION_HAS,
	Q_SCHEMA_VERSION_ADD,
	Q__COUNT
};

#define TENANT_COLS                                                                        \
	"id, slug, company_name, street, city, state, zip, country, portal_enabled, "    \
	"frame_origins, time_zone"


#define CUST_COLS                                                                          \
	"c.id, c.name, c.primary_email, c.phone, c.street, c.city, c.state, c.zip, "      \
	"(SELECT COUNT(*) FROM portal_users x WHERE x.customer_id = c.id)"
#define CUST_FILTER "AND (? = '' OR c.name LIKE ? OR c.primary_email LIKE ?) "
#define CUST_PAGE "SELECT " CUST_COLS " FROM customers c WHERE c.tenant_id = ? " CUST_FILTER
/* Plain columns: the status and the ISO time are made in pu_fix.  As a CASE
 * and a DATE_FORMAT they cost MariaDB 8 us of a 10-row page statement's 43
 * (measured: 5,000 executions in a procedure loop).  PU_STATUS: what
 * pstatus_decide needs, the sign-in lock as the microseconds left on the
 * copy of the throttle's locked_until that sql/016 keeps on the row (NULL
 * for none, which most rows are): a column and one difference, no lookup
 * of login_throttle per row. */
#define PU_STATUS(a)                                                                       \
	a ".status, " a ".password_hash IS NOT NULL, " a ".invite_state, "                 \
	"TIMESTAMPDIFF(MICROSECOND, NOW(6), " a ".locked_until)"
#define PU_COLS                                                                            \
	"pu.id, pu.customer_id, pu.company_name, pu.email, " PU_STATUS("pu") ", "            \
	"pu.last_sign_in_at"
#define PU_NCOLS 9 /* PU_COLS's columns; pu_bind binds them */
#define PU_FILTER "AND (? = '' OR p.company_name LIKE ? OR p.email LIKE ?) "
/* The first pages of the unfiltered list (deep ones come from the list-order
 * cache): the sort's index named, so that MariaDB, which plans a prepared
 * statement again at every execution, does not weigh both indexes each time
 * (half the statement's cost, measured).  Each row carries the tenant's count,
 * which saves the page a statement of its own (a tenth of its cost).  Rows
 * are read as the index walks: cheaper than a deferred join on the first
 * pages (0.06 against 0.10 ms at offset 0), dearer further on (0.95 against
 * 0.25 ms at offset 990), so portal_access.c takes the cache from offset 200. */
#define PU_ALL(index, order)                                                               \
	"SELECT " PU_COLS ", COALESCE(c.n, 0) FROM portal_users pu FORCE INDEX (" index ") " \
	"LEFT JOIN portal_user_counts c ON c.tenant_id = pu.tenant_id "                   \
	"WHERE pu.tenant_id = ? " order " LIMIT ? OFFSET ?"

/* With OU_PERM joined: a join costs MariaDB 21 us of a 10-row page, the
 * correlated subquery it replaced 37 (procedure loop, 5,000 executions);
 * (user_id, module) is the primary key, so one row at most. */
#define OU_COLS                                                                            \
	"u.id, u.email, u.first_name, u.last_name, u.role, u.phone, u.active, "            \
	"COALESCE(p.level, 0)"
#define OU_PERM "LEFT JOIN office_user_perms p ON p.user_id = u.id AND p.module = 'settings' "
/* The login, or the full name ("Ada Admin" finds Ada Admin). */
#define OU_FILTER                                                                          \
	"AND (? = '' OR u.email LIKE ? OR CONCAT(u.first_name, ' ', u.last_name) LIKE ?) "
/* A view's whole id order, ascending (descending is its reverse: every
 * order ends with the login, unique in the tenant), for the list-order
 * cache; the rows shown are read by id. */
#define OU_IDS(order)                                                                      \
	"SELECT u.id FROM office_users u WHERE u.tenant_id = ? " OU_FILTER "ORDER BY " order

static const char *const sql[Q__COUNT] = {
	[Q_TENANT_BY_SLUG] = "SELECT " TENANT_COLS " FROM tenants WHERE slug = ?",
	[Q_TENANT_GET_LOCKED] = "SELECT " TENANT_COLS " FROM tenants WHERE id = ? FOR UPDATE",
	[Q_TENANT_INSERT] = "INSERT INTO tenants (slug, company_name, street, city, state, zip, "
			    "country) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[Q_TENANT_SET_PORTAL] =
		"UPDATE tenants SET portal_enabled = ?, frame_origins = ? WHERE id = ?",
	[Q_TENANT_SET_TZ] = "UPDATE tenants SET time_zone = ? WHERE id = ?",
	[Q_OU_SET_TZ] = "UPDATE office_users SET time_zone = NULLIF(?, '') WHERE id = ? AND "
			"tenant_id = ?",
	[Q_PU_SET_TZ] = "UPDATE portal_users SET time_zone = NULLIF(?, '') WHERE id = ? AND "
			"tenant_id = ?",
	[Q_OFFICE_LOGIN] =
		"SELECT id, tenant_id, password_hash, active FROM office_users WHERE email = ?",
	[Q_OFFICE_INSERT] = "INSERT INTO office_users (tenant_id, email, password_hash, role, "
			    "first_name, last_name) VALUES (?, ?, ?, ?, ?, ?)",
	[Q_OFFICE_SET_PERM] = "INSERT INTO office_user_perms (user_id, module, level) VALUES "
			      "(?, ?, ?) ON DUPLICATE KEY UPDATE level = VALUES(level)",
	[Q_OFFICE_SET_ACTIVE] = "UPDATE office_users SET active = ? WHERE id = ?",
	[Q_SESSION_INSERT] =
		"INSERT INTO sessions (token_hash, kind, tenant_id, office_user_id, "
		"portal_user_id, expires_at, ip, user_agent, stage) VALUES (?, ?, ?, "
		"IF(? = 'office', ?, NULL), IF(? = 'portal', ?, NULL), "
		"IF(? = 'full', NOW(6) + INTERVAL ? HOUR, NOW(6) + INTERVAL 10 MINUTE), ?, ?, ?)",
	/* Everything a settings request needs in one round trip: the session,
	 * its user (still active, same tenant), the tenant and the settings
	 * permission. */
	[Q_SESSION_OFFICE] =
		"SELECT s.id, s.tenant_id, u.id, u.email, u.first_name, u.last_name, "
		"COALESCE(p.level, 0), TIMESTAMPDIFF(SECOND, s.last_seen_at, NOW(6)), "
		"s.stage, u.mfa_required, u.mfa_secret IS NOT NULL, "
		"t.id, t.slug, t.company_name, t.street, t.city, t.state, t.zip, t.country, "
		"t.portal_enabled, t.frame_origins, t.time_zone, COALESCE(u.time_zone, '') "
		"FROM sessions s "
		"JOIN office_users u ON u.id = s.office_user_id AND u.tenant_id = s.tenant_id "
		"JOIN tenants t ON t.id = s.tenant_id "
		"LEFT JOIN office_user_perms p ON p.user_id = u.id AND p.module = 'settings' "
		"WHERE s.token_hash = ? AND s.kind = 'office' AND u.active = 1 "
		"AND s.expires_at > NOW(6) AND s.last_seen_at > NOW(6) - INTERVAL ? MINUTE",
	/* A portal request's session: its user (active) or, for a secure
	 * token link, its customer (while the customer has no portal users),
	 * in the tenant of the request's slug, while the portal is on. */
	[Q_SESSION_PORTAL] =
		"SELECT s.id, COALESCE(s.portal_user_id, 0), c.id, s.stage, COALESCE(pu.email, ''), "
		"c.name, TIMESTAMPDIFF(SECOND, s.last_seen_at, NOW(6)), COALESCE(pu.mfa_required, 0), "
		"COALESCE(pu.mfa_secret IS NOT NULL, 0), "
		/* What the session may see: the user's group, or for a token
		 * link the tenant's "Non-Portal Users". */
		"COALESCE((SELECT g.perms FROM portal_groups g WHERE g.id = pu.group_id), "
		"(SELECT g.perms FROM portal_groups g WHERE g.tenant_id = s.tenant_id AND "
		"g.is_system = 1 LIMIT 1), ''), COALESCE(pu.time_zone, '') "
		"FROM sessions s JOIN tenants t ON t.id = s.tenant_id "
		"LEFT JOIN portal_users pu ON pu.id = s.portal_user_id AND pu.tenant_id = s.tenant_id "
		"JOIN customers c ON c.id = COALESCE(pu.customer_id, s.customer_id) "
		"AND c.tenant_id = s.tenant_id "
		"WHERE s.token_hash = ? AND s.kind = 'portal' AND s.tenant_id = ? "
		"AND t.portal_enabled = 1 AND s.expires_at > NOW(6) "
		"AND s.last_seen_at > NOW(6) - INTERVAL ? MINUTE "
		"AND ((s.portal_user_id IS NOT NULL AND pu.status = 'active') OR "
		"(s.portal_user_id IS NULL AND NOT EXISTS (SELECT 1 FROM portal_users x "
		"WHERE x.customer_id = s.customer_id)))",
	[Q_SESSION_TOUCH] = "UPDATE sessions SET last_seen_at = NOW(6) WHERE id = ?",
	[Q_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?",
	[Q_SESSION_DELETE_OFFICE_USER] = "DELETE FROM sessions WHERE office_user_id = ?",
	[Q_SESSION_DELETE_TENANT_PORTAL] =
		"DELETE FROM sessions WHERE tenant_id = ? AND kind = 'portal'",
	/* Bounded: run on the sign-in path, so a backlog drains over time. */
	[Q_SESSION_PURGE] = "DELETE FROM sessions WHERE expires_at < NOW(6) OR "
			    "last_seen_at < NOW(6) - INTERVAL ? MINUTE LIMIT 200",
	[Q_THROTTLE_PURGE] = "DELETE FROM login_throttle WHERE window_start < NOW(6) - "
			     "INTERVAL 1 DAY AND (locked_until IS NULL OR locked_until < NOW(6)) "
			     "LIMIT 200",
	/* ON DUPLICATE KEY takes an exclusive lock at once; INSERT IGNORE
	 * would take a shared one and deadlock with the FOR UPDATE below. */
	[Q_THROTTLE_ENSURE] = "INSERT INTO login_throttle (key_hash, window_start, attempts, "
			      "portal_user_id) VALUES (?, NOW(6), 0, NULLIF(?, 0)) ON DUPLICATE "
			      "KEY UPDATE portal_user_id = COALESCE(portal_user_id, "
			      "VALUES(portal_user_id))",
	[Q_THROTTLE_LOCK] =
		"SELECT attempts, TIMESTAMPDIFF(SECOND, window_start, NOW(6)), "
		"GREATEST(0, TIMESTAMPDIFF(SECOND, NOW(6), COALESCE(locked_until, NOW(6)))) "
		"FROM login_throttle WHERE key_hash = ? FOR UPDATE",
	[Q_THROTTLE_SET] = "UPDATE login_throttle SET window_start = NOW(6) - INTERVAL ? SECOND, "
			   "attempts = ?, locked_until = IF(? > 0, NOW(6) + INTERVAL ? SECOND, "
			   "NULL) WHERE key_hash = ?",
	[Q_THROTTLE_CLEAR] = "DELETE FROM login_throttle WHERE key_hash = ?",
	/* Gives one attempt back, and the lock it may have set (an attempt is
	 * only ever reserved while no lock stands). */
	[Q_THROTTLE_REFUND] = "UPDATE login_throttle SET attempts = attempts - 1, "
			      "locked_until = NULL WHERE key_hash = ? AND attempts > 0",
	[Q_THROTTLE_CLEAR_ALL] = "DELETE FROM login_throttle",
	[Q_AUDIT_INSERT] = "INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, "
			   "action, target, old_value, new_value, request_id, ip) VALUES "
			   "(?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?)",
	[Q_CUSTOMER_INSERT] = "INSERT INTO customers (tenant_id, name, primary_email, phone, street, "
			      "city, state, zip) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_CUSTOMER_BY_NAME] = "SELECT id FROM customers WHERE tenant_id = ? AND name = ?",
	/* Lists: one statement per sort key and direction (no SQL is built from
	 * strings), the filter a case-insensitive substring (utf8mb4_unicode_ci)
	 * with LIKE metacharacters escaped by the list engine. */
	[Q_CUST_COUNT] = "SELECT COUNT(*) FROM customers c WHERE c.tenant_id = ? " CUST_FILTER,
	[Q_CUST_PAGE_NAME_ASC] = CUST_PAGE "ORDER BY c.name ASC, c.id ASC LIMIT ? OFFSET ?",
	[Q_CUST_PAGE_NAME_DESC] = CUST_PAGE "ORDER BY c.name DESC, c.id DESC LIMIT ? OFFSET ?",
	[Q_CUST_PAGE_EMAIL_ASC] =
		CUST_PAGE "ORDER BY c.primary_email ASC, c.name ASC, c.id ASC LIMIT ? OFFSET ?",
	[Q_CUST_PAGE_EMAIL_DESC] =
		CUST_PAGE "ORDER BY c.primary_email DESC, c.name DESC, c.id DESC LIMIT ? OFFSET ?",
	[Q_CUST_GET] = "SELECT " CUST_COLS " FROM customers c WHERE c.id = ? AND c.tenant_id = ?",
	[Q_CUST_UPDATE] = "UPDATE customers SET name = ?, primary_email = ?, phone = ?, street = ?, "
			  "city = ?, state = ?, zip = ? WHERE id = ? AND tenant_id = ?",
	[Q_CUST_OPTIONS] = "SELECT " CUST_COLS " FROM customers c WHERE c.tenant_id = ? "
			   "ORDER BY c.name, c.id LIMIT 5000",
	[Q_PU_RENAME_COMPANY] =
		"UPDATE portal_users SET company_name = ? WHERE customer_id = ? AND tenant_id = ?",
	/* Without a filter: the count the triggers keep, and inner queries
	 * that name only indexed columns, so they read the index alone. */
	[Q_PU_TOTAL] = "SELECT COALESCE((SELECT n FROM portal_user_counts WHERE tenant_id = ?), 0)",
	/* The list-order cache (listcache.c): the version triggers keep, a
	 * view's whole id order (ascending; descending is its reverse, the
	 * keys being unique), and the rows of one slice, in slice order. */
	[Q_PU_VERSION] = "SELECT n, version FROM portal_user_counts WHERE tenant_id = ?",
	[Q_PU_IDS_COMPANY] = "SELECT p.id FROM portal_users p WHERE p.tenant_id = ? " PU_FILTER
			     "ORDER BY p.company_name, p.email",
	[Q_PU_IDS_EMAIL] = "SELECT p.id FROM portal_users p WHERE p.tenant_id = ? " PU_FILTER
			   "ORDER BY p.email",
	/* With the list's version read in the same statement (one snapshot):
	 * listcache_read keeps an order's page when it matches. */
	[Q_PU_BY_IDS] = "SELECT " PU_COLS ", COALESCE(c.version, 0) FROM JSON_TABLE(?, '$[*]' "
			"COLUMNS (n FOR ORDINALITY, id INT UNSIGNED PATH '$')) j "
			"JOIN portal_users pu ON pu.id = j.id "
			"LEFT JOIN portal_user_counts c ON c.tenant_id = pu.tenant_id "
			"WHERE pu.tenant_id = ? ORDER BY j.n",
	/* Views filtered by status (sql/016): their order moves with the
	 * status's inputs too, so their version is the list's plus the status
	 * version (both only grow).  The order reads the inputs and C decides
	 * (pstatus_decide), as for every row shown. */
	[Q_PU_STATUS_VERSION] =
		"SELECT c.n, c.version + COALESCE((SELECT s.version FROM "
		"portal_user_status_versions s WHERE s.tenant_id = c.tenant_id), 0) "
		"FROM portal_user_counts c WHERE c.tenant_id = ?",
	[Q_PU_IDS_STATUS_COMPANY] = "SELECT p.id, " PU_STATUS("p") " FROM portal_users p "
				    "WHERE p.tenant_id = ? " PU_FILTER
				    "ORDER BY p.company_name, p.email",
	[Q_PU_IDS_STATUS_EMAIL] = "SELECT p.id, " PU_STATUS("p") " FROM portal_users p "
				  "WHERE p.tenant_id = ? " PU_FILTER "ORDER BY p.email",
	[Q_PU_BY_IDS_STATUS] =
		"SELECT " PU_COLS ", COALESCE(c.version, 0) + COALESCE(s.version, 0) FROM "
		"JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY, id INT UNSIGNED PATH '$')) j "
		"JOIN portal_users pu ON pu.id = j.id "
		"LEFT JOIN portal_user_counts c ON c.tenant_id = pu.tenant_id "
		"LEFT JOIN portal_user_status_versions s ON s.tenant_id = pu.tenant_id "
		"WHERE pu.tenant_id = ? ORDER BY j.n",
	[Q_PU_ALL_COMPANY_ASC] = PU_ALL("portal_users_company",
					"ORDER BY pu.company_name ASC, pu.email ASC"),
	[Q_PU_ALL_COMPANY_DESC] = PU_ALL("portal_users_company",
					 "ORDER BY pu.company_name DESC, pu.email DESC"),
	[Q_PU_ALL_EMAIL_ASC] = PU_ALL("portal_users_tenant_email", "ORDER BY pu.email ASC"),
	[Q_PU_ALL_EMAIL_DESC] = PU_ALL("portal_users_tenant_email", "ORDER BY pu.email DESC"),
	[Q_PU_GET] = "SELECT " PU_COLS " FROM portal_users pu WHERE pu.id = ? AND pu.tenant_id = ?",
	[Q_PU_ADD] = "INSERT INTO portal_users (tenant_id, customer_id, company_name, email, "
		     "password_hash, password_set_at) VALUES (?, ?, ?, ?, ?, IF(? = 1, NOW(6), NULL))",
	[Q_PU_UPDATE] = "UPDATE portal_users SET customer_id = ?, company_name = ?, email = ? "
			"WHERE id = ? AND tenant_id = ?",
	[Q_PU_SET_PASSWORD] = "UPDATE portal_users SET password_hash = ?, password_set_at = NOW(6) "
			      "WHERE id = ? AND tenant_id = ?",
	[Q_PU_SET_INVITE] = "UPDATE portal_users SET invite_state = ?, invite_mail_id = "
			    "NULLIF(?, 0) WHERE id = ? AND tenant_id = ?",
	[Q_PU_DELETE] = "DELETE FROM portal_users WHERE id = ? AND tenant_id = ?",
	[Q_TOKEN_KILL] = "UPDATE one_time_tokens SET used_at = NOW(6) WHERE portal_user_id = ? "
			 "AND purpose = ? AND used_at IS NULL",
	[Q_TOKEN_INSERT] = "INSERT INTO one_time_tokens (token_hash, purpose, tenant_id, "
			   "portal_user_id, expires_at) VALUES (?, ?, ?, ?, NOW(6) + INTERVAL ? MINUTE)",
	[Q_TOKEN_LOOKUP] = "SELECT t.id, t.portal_user_id, (t.used_at IS NULL AND t.expires_at > "
			   "NOW(6)), pu.email, pu.company_name FROM one_time_tokens t JOIN "
			   "portal_users pu ON pu.id = t.portal_user_id AND pu.tenant_id = t.tenant_id "
			   "WHERE t.token_hash = ? AND t.tenant_id = ? AND t.purpose = ?",
	/* Single use, atomically: of two racing uses only one changes the row. */
	[Q_TOKEN_USE] = "UPDATE one_time_tokens SET used_at = NOW(6) WHERE id = ? AND used_at IS "
			"NULL AND expires_at > NOW(6)",
	[Q_SESSION_DELETE_PORTAL_USER] = "DELETE FROM sessions WHERE portal_user_id = ?",
	[Q_OUTBOX_ENQUEUE] = "INSERT INTO mail_outbox (tenant_id, kind, to_addr, subject, payload, "
			     "secret, message_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
	/* A claim is its own short transaction: this finds the next due row
	 * (skipping rows another mailer is claiming this instant), then
	 * Q_OUTBOX_LEASE marks it and the claim commits before any SMTP.
	 * next_attempt_at is also the lease's end: a message whose mailer
	 * died is due again once the lease has run out. */
	[Q_OUTBOX_CLAIM] = "SELECT id, tenant_id, kind, to_addr, subject, payload, "
			   "COALESCE(secret, ''), attempts, TIMESTAMPDIFF(SECOND, created_at, NOW(6)), "
			   "message_id FROM mail_outbox WHERE status = 'queued' AND "
			   "next_attempt_at <= NOW(6) ORDER BY next_attempt_at, id LIMIT 1 "
			   "FOR UPDATE SKIP LOCKED",
	/* Each claim counts as an attempt, so a message that kills its mailer
	 * every time still runs out of tries.  A message queued without a
	 * Message-ID (before 015) gets one now, kept for every attempt. */
	[Q_OUTBOX_LEASE] = "UPDATE mail_outbox SET claim = ?, attempts = attempts + 1, "
			   "next_attempt_at = NOW(6) + INTERVAL ? SECOND, "
			   "message_id = IF(message_id = '', ?, message_id) WHERE id = ?",
	/* The outcome is written only by the claim's holder: after a lease ran
	 * out and another mailer took the message, the first one's late
	 * outcome changes nothing. */
	[Q_OUTBOX_SENT] = "UPDATE mail_outbox SET status = 'sent', secret = NULL, sent_at = NOW(6), "
			  "claim = NULL, last_error = '' WHERE id = ? AND claim = ?",
	[Q_OUTBOX_RETRY] = "UPDATE mail_outbox SET claim = NULL, next_attempt_at = "
			   "NOW(6) + INTERVAL ? SECOND, last_error = ? WHERE id = ? AND claim = ?",
	[Q_OUTBOX_FAILED] = "UPDATE mail_outbox SET status = 'failed', secret = NULL, claim = NULL, "
			    "last_error = ? WHERE id = ? AND claim = ?",
	[Q_INVITE_STATE] = "UPDATE portal_users SET invite_state = ? WHERE invite_mail_id = ?",
	/* The portal's sign-in: the account of one tenant (emails are unique
	 * per tenant, not across tenants). */
	[Q_PORTAL_LOGIN] =
		"SELECT pu.id, pu.customer_id, COALESCE(pu.password_hash, ''), pu.status = 'active', "
		"pu.mfa_required OR COALESCE(g.require_mfa, 0), pu.mfa_secret IS NOT NULL, pu.email "
		"FROM portal_users pu LEFT JOIN portal_groups g ON g.id = pu.group_id "
		"WHERE pu.tenant_id = ? AND pu.email = ?",
	[Q_PORTAL_SESSION_INSERT] =
		"INSERT INTO sessions (token_hash, kind, tenant_id, portal_user_id, customer_id, "
		"stage, expires_at, ip, user_agent) VALUES (?, 'portal', ?, NULLIF(?, 0), "
		"NULLIF(?, 0), ?, NOW(6) + INTERVAL ? MINUTE, ?, ?)",
	[Q_PORTAL_SESSION_LIST] =
		"SELECT DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), "
		"DATE_FORMAT(last_seen_at, '%Y-%m-%dT%H:%i:%sZ'), ip, user_agent, token_hash = ? "
		"FROM sessions WHERE portal_user_id = ? AND kind = 'portal' AND stage = 'full' "
		"AND expires_at > NOW(6) ORDER BY last_seen_at DESC, id DESC LIMIT 50",
	[Q_PORTAL_SESSION_DELETE_OTHERS] =
		"DELETE FROM sessions WHERE portal_user_id = ? AND token_hash <> ?",
	[Q_PORTAL_SESSION_DELETE_CUSTOMER] = "DELETE FROM sessions WHERE customer_id = ?",
	[Q_PU_SIGNED_IN] = "UPDATE portal_users SET last_sign_in_at = NOW(6) WHERE id = ?",
	/* Locked: MFA steps and password changes of one user run one at a
	 * time, so a code or a recovery code cannot be used twice by racing. */
	[Q_PU_AUTH_LOCKED] =
		"SELECT COALESCE(password_hash, ''), mfa_required, COALESCE(mfa_secret, ''), "
		"COALESCE(mfa_pending, ''), mfa_last_step, email, company_name, status = 'active' "
		"FROM portal_users WHERE id = ? AND tenant_id = ? FOR UPDATE",
	[Q_PU_MFA_SET_PENDING] =
		"UPDATE portal_users SET mfa_pending = ? WHERE id = ? AND tenant_id = ?",
	[Q_PU_MFA_ENABLE] = "UPDATE portal_users SET mfa_secret = mfa_pending, mfa_pending = "
			    "NULL, mfa_last_step = ?, mfa_enabled_at = NOW(6) WHERE id = ? AND "
			    "tenant_id = ? AND mfa_pending IS NOT NULL",
	[Q_PU_MFA_STEP] = "UPDATE portal_users SET mfa_last_step = ? WHERE id = ? AND "
			  "mfa_last_step < ?",
	[Q_PU_MFA_RESET] = "UPDATE portal_users SET mfa_secret = NULL, mfa_pending = NULL, "
			   "mfa_last_step = 0, mfa_enabled_at = NULL WHERE id = ? AND tenant_id = ?",
	[Q_PU_MFA_REQUIRE] =
		"UPDATE portal_users SET mfa_required = ? WHERE id = ? AND tenant_id = ?",
	[Q_RECOVERY_DELETE_ALL] = "DELETE FROM portal_mfa_recovery WHERE portal_user_id = ?",
	[Q_RECOVERY_INSERT] =
		"INSERT INTO portal_mfa_recovery (portal_user_id, code_hash) VALUES (?, ?)",
	[Q_RECOVERY_USE] =
		"DELETE FROM portal_mfa_recovery WHERE portal_user_id = ? AND code_hash = ?",
	[Q_RECOVERY_COUNT] = "SELECT COUNT(*) FROM portal_mfa_recovery WHERE portal_user_id = ?",
	[Q_CUST_TOKEN_SET] = "UPDATE customers SET portal_token_hash = ?, portal_token_sealed = ?, "
			     "portal_token_at = NOW(6) WHERE id = ? AND tenant_id = ?",
	[Q_CUST_TOKEN_GET] = "SELECT COALESCE(portal_token_sealed, ''), "
			     "COALESCE(DATE_FORMAT(portal_token_at, '%Y-%m-%dT%H:%i:%sZ'), '') "
			     "FROM customers WHERE id = ? AND tenant_id = ?",
	[Q_CUST_BY_TOKEN] = "SELECT c.id, (SELECT COUNT(*) FROM portal_users x WHERE "
			    "x.customer_id = c.id) FROM customers c WHERE c.portal_token_hash = ? "
			    "AND c.tenant_id = ?",
	[Q_PU_MFA_STATE] = "SELECT mfa_required, mfa_secret IS NOT NULL FROM portal_users "
			   "WHERE id = ? AND tenant_id = ?",
	[Q_THROTTLE_PEEK] =
		"SELECT attempts, GREATEST(0, TIMESTAMPDIFF(SECOND, NOW(6), "
		"COALESCE(locked_until, NOW(6)))) FROM login_throttle WHERE key_hash = ?",
	[Q_OU_VERSION] = "SELECT n, version FROM office_user_counts WHERE tenant_id = ?",
	[Q_OU_IDS_EMAIL] = OU_IDS("u.email"),
	[Q_OU_IDS_FIRST] = OU_IDS("u.first_name, u.last_name, u.email"),
	[Q_OU_IDS_LAST] = OU_IDS("u.last_name, u.first_name, u.email"),
	[Q_OU_IDS_ROLE] = OU_IDS("u.role, u.email"),
	[Q_OU_IDS_STATUS] = OU_IDS("u.active DESC, u.email"),
	[Q_OU_BY_IDS] = "SELECT " OU_COLS ", COALESCE(c.version, 0) FROM JSON_TABLE(?, '$[*]' "
			"COLUMNS (n FOR ORDINALITY, id INT UNSIGNED PATH '$')) j "
			"JOIN office_users u ON u.id = j.id " OU_PERM
			"LEFT JOIN office_user_counts c ON c.tenant_id = u.tenant_id "
			"WHERE u.tenant_id = ? ORDER BY j.n",
	[Q_OU_GET] = "SELECT " OU_COLS ", u.mobile_provider, u.street, u.city, u.state, u.zip, "
		     "u.country, u.default_screen FROM office_users u " OU_PERM
		     "WHERE u.id = ? AND u.tenant_id = ?",
	[Q_OU_INSERT_FULL] =
		"INSERT INTO office_users (tenant_id, email, password_hash, role, first_name, "
		"last_name, phone, mobile_provider, street, city, state, zip, country, "
		"default_screen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_OU_UPDATE] = "UPDATE office_users SET email = ?, role = ?, first_name = ?, last_name = ?, "
			"phone = ?, mobile_provider = ?, street = ?, city = ?, state = ?, zip = ?, "
			"country = ?, default_screen = ? WHERE id = ? AND tenant_id = ?",
	[Q_OU_SET_PASSWORD] =
		"UPDATE office_users SET password_hash = ? WHERE id = ? AND tenant_id = ?",
	[Q_OU_SESSIONS_DELETE_OTHERS] =
		"DELETE FROM sessions WHERE office_user_id = ? AND token_hash <> ?",
	/* Office password-reset links (sql/017_office_fixes.sql): only the
	 * token's SHA-256 is kept; a new link, a used one or a changed
	 * password ends the user's live ones. */
	[Q_OU_TOKEN_KILL] = "UPDATE office_reset_tokens SET used_at = NOW(6) WHERE "
			    "office_user_id = ? AND used_at IS NULL",
	[Q_OU_TOKEN_INSERT] = "INSERT INTO office_reset_tokens (token_hash, tenant_id, "
			      "office_user_id, expires_at) VALUES (?, ?, ?, NOW(6) + INTERVAL ? "
			      "MINUTE)",
	[Q_OU_TOKEN_LOOKUP] =
		"SELECT t.id, t.office_user_id, t.tenant_id, (t.used_at IS NULL AND t.expires_at > "
		"NOW(6)), u.active, u.email FROM office_reset_tokens t JOIN office_users u ON "
		"u.id = t.office_user_id AND u.tenant_id = t.tenant_id WHERE t.token_hash = ?",
	[Q_OU_TOKEN_USE] = "UPDATE office_reset_tokens SET used_at = NOW(6) WHERE id = ? AND "
			   "used_at IS NULL AND expires_at > NOW(6)",
	/* "Forgot password?": whom a login names (logins are unique across
	 * tenants), and the company's name for the mail. */
	[Q_OU_RESET_TARGET] = "SELECT u.id, u.tenant_id, u.active = 1, u.email, t.company_name "
			      "FROM office_users u JOIN tenants t ON t.id = u.tenant_id WHERE "
			      "u.email = ?",
	[Q_OU_SET_ROLE] = "UPDATE office_users SET role = ? WHERE id = ? AND tenant_id = ?",
	[Q_OU_PERMS] = "SELECT module, level FROM office_user_perms WHERE user_id = ?",
	[Q_OU_DELETE] = "DELETE FROM office_users WHERE id = ? AND tenant_id = ?",
	[Q_OU_SET_ACTIVE_T] =
		"UPDATE office_users SET active = ? WHERE id = ? AND tenant_id = ?",
	/* Locks the tenant's active Super Admins' rows: two requests that
	 * would each remove "another" Super Admin cannot both pass. */
	[Q_OU_SUPERS_LOCKED] =
		"SELECT u.id FROM office_users u JOIN office_user_perms p ON p.user_id = u.id "
		"AND p.module = 'settings' AND p.level = 3 WHERE u.tenant_id = ? AND u.active = 1 "
		"ORDER BY u.id FOR UPDATE",
	[Q_TOMBSTONE_ADD] = "INSERT INTO office_login_tombstones (email, tenant_id) VALUES (?, ?) "
			    "ON DUPLICATE KEY UPDATE deleted_at = NOW(6)",
	[Q_TOMBSTONE_HAS] = "SELECT COUNT(*) FROM office_login_tombstones WHERE email = ?",
	[Q_CAL_LIST] = "SELECT id, name FROM calendars WHERE tenant_id = ? ORDER BY name, id",
	[Q_CAL_ADD] = "INSERT INTO calendars (tenant_id, name) VALUES (?, ?)",
	[Q_CAL_DELETE] = "DELETE FROM calendars WHERE id = ? AND tenant_id = ?",
	[Q_VEH_LIST] = "SELECT id, name FROM vehicles WHERE tenant_id = ? ORDER BY name, id",
	[Q_VEH_ADD] = "INSERT INTO vehicles (tenant_id, name) VALUES (?, ?)",
	[Q_VEH_DELETE] = "DELETE FROM vehicles WHERE id = ? AND tenant_id = ?",
	[Q_OU_CALS] = "SELECT calendar_id FROM office_user_calendars WHERE user_id = ? ORDER BY calendar_id",
	[Q_OU_CALS_CLEAR] = "DELETE FROM office_user_calendars WHERE user_id = ?",
	/* Only the tenant's own calendars: another tenant's id adds nothing. */
	[Q_OU_CALS_ADD] = "INSERT INTO office_user_calendars (user_id, calendar_id) SELECT ?, id "
			  "FROM calendars WHERE id = ? AND tenant_id = ?",
	[Q_OU_VEHS] = "SELECT vehicle_id FROM office_user_vehicles WHERE user_id = ? ORDER BY vehicle_id",
	[Q_OU_VEHS_CLEAR] = "DELETE FROM office_user_vehicles WHERE user_id = ?",
	[Q_OU_VEHS_ADD] = "INSERT INTO office_user_vehicles (user_id, vehicle_id) SELECT ?, id "
			  "FROM vehicles WHERE id = ? AND tenant_id = ?",
	[Q_OU_EXTRAS] = "SELECT all_vehicles, notifications FROM office_users WHERE id = ? AND "
			"tenant_id = ?",
	[Q_OU_SET_EXTRAS] = "UPDATE office_users SET all_vehicles = ?, notifications = ? WHERE id = ? "
			    "AND tenant_id = ?",
	[Q_OU_MAIL_GET] =
		"SELECT mail_provider, smtp_host, smtp_port, smtp_security, smtp_user, "
		"COALESCE(smtp_password, ''), COALESCE(DATE_FORMAT(smtp_test_at, "
		"'%Y-%m-%dT%H:%i:%sZ'), ''), smtp_test_ok, smtp_test_result FROM office_users "
		"WHERE id = ? AND tenant_id = ?",
	[Q_OU_MAIL_SET] = "UPDATE office_users SET mail_provider = ?, smtp_host = ?, smtp_port = ?, "
			  "smtp_security = ?, smtp_user = ? WHERE id = ? AND tenant_id = ?",
	[Q_OU_MAIL_PASSWORD] =
		"UPDATE office_users SET smtp_password = ? WHERE id = ? AND tenant_id = ?",
	[Q_OU_MAIL_TESTED] = "UPDATE office_users SET smtp_test_at = NOW(6), smtp_test_ok = ?, "
			     "smtp_test_result = ? WHERE id = ? AND tenant_id = ?",
	[Q_OFF_AUTH_LOCKED] =
		"SELECT password_hash, mfa_required, COALESCE(mfa_secret, ''), "
		"COALESCE(mfa_pending, ''), mfa_last_step, email, '', active = 1 "
		"FROM office_users WHERE id = ? AND tenant_id = ? FOR UPDATE",
	[Q_OFF_MFA_SET_PENDING] =
		"UPDATE office_users SET mfa_pending = ? WHERE id = ? AND tenant_id = ?",
	[Q_OFF_MFA_ENABLE] = "UPDATE office_users SET mfa_secret = mfa_pending, mfa_pending = "
			     "NULL, mfa_last_step = ?, mfa_enabled_at = NOW(6) WHERE id = ? AND "
			     "tenant_id = ? AND mfa_pending IS NOT NULL",
	[Q_OFF_MFA_STEP] = "UPDATE office_users SET mfa_last_step = ? WHERE id = ? AND "
			   "mfa_last_step < ?",
	[Q_OFF_MFA_RESET] = "UPDATE office_users SET mfa_secret = NULL, mfa_pending = NULL, "
			    "mfa_last_step = 0, mfa_enabled_at = NULL WHERE id = ? AND tenant_id = ?",
	[Q_OFF_MFA_REQUIRE] =
		"UPDATE office_users SET mfa_required = ? WHERE id = ? AND tenant_id = ?",
	[Q_OFF_RECOVERY_DELETE_ALL] = "DELETE FROM office_mfa_recovery WHERE office_user_id = ?",
	[Q_OFF_RECOVERY_INSERT] =
		"INSERT INTO office_mfa_recovery (office_user_id, code_hash) VALUES (?, ?)",
	[Q_OFF_RECOVERY_USE] =
		"DELETE FROM office_mfa_recovery WHERE office_user_id = ? AND code_hash = ?",
	[Q_OFF_RECOVERY_COUNT] = "SELECT COUNT(*) FROM office_mfa_recovery WHERE office_user_id = ?",
	[Q_OFF_MFA_STATE] = "SELECT mfa_required, mfa_secret IS NOT NULL FROM office_users "
			    "WHERE id = ? AND tenant_id = ?",
	[Q_GROUP_LIST] = "SELECT g.id, g.name, g.is_system, g.is_default, g.require_mfa, g.perms, "
			 "(SELECT COUNT(*) FROM portal_users x WHERE x.group_id = g.id) FROM "
			 "portal_groups g WHERE g.tenant_id = ? ORDER BY g.is_system DESC, g.name",
	[Q_GROUP_GET] = "SELECT g.id, g.name, g.is_system, g.is_default, g.require_mfa, g.perms, "
			"(SELECT COUNT(*) FROM portal_users x WHERE x.group_id = g.id) FROM "
			"portal_groups g WHERE g.id = ? AND g.tenant_id = ?",
	[Q_GROUP_ADD] = "INSERT INTO portal_groups (tenant_id, name, is_default, require_mfa, perms) "
			"VALUES (?, ?, ?, ?, ?)",
	[Q_GROUP_UPDATE] = "UPDATE portal_groups SET name = ?, is_default = ?, require_mfa = ?, "
			   "perms = ? WHERE id = ? AND tenant_id = ?",
	/* One default: the one being set; the system group never is. */
	[Q_GROUP_CLEAR_DEFAULT] = "UPDATE portal_groups SET is_default = 0 WHERE tenant_id = ? "
				  "AND id <> ?",
	/* Never the system group, never one with members. */
	[Q_GROUP_DELETE] = "DELETE FROM portal_groups WHERE id = ? AND tenant_id = ? AND "
			   "is_system = 0 AND NOT EXISTS (SELECT 1 FROM portal_users x WHERE "
			   "x.group_id = portal_groups.id)",
	[Q_PU_ACCESS_GET] = "SELECT COALESCE(group_id, 0), status = 'active', email_reports FROM "
			    "portal_users WHERE id = ? AND tenant_id = ?",
	[Q_PU_ACCESS_SET] = "UPDATE portal_users SET group_id = ?, status = IF(? = 1, 'active', "
			    "'revoked'), email_reports = ? WHERE id = ? AND tenant_id = ?",
	[Q_CONTACT_LIST] = "SELECT c.id, c.name, c.email, c.phone, COALESCE(c.portal_user_id, 0), "
			   "COALESCE(pu.email, '') FROM customer_contacts c LEFT JOIN portal_users pu "
			   "ON pu.id = c.portal_user_id WHERE c.customer_id = ? AND c.tenant_id = ? "
			   "ORDER BY c.name, c.id",
	[Q_CONTACT_ADD] = "INSERT INTO customer_contacts (tenant_id, customer_id, name, email, phone) "
			  "VALUES (?, ?, ?, ?, ?)",
	[Q_CONTACT_GET] = "SELECT c.id, c.name, c.email, c.phone, COALESCE(c.portal_user_id, 0), "
			  "COALESCE(pu.email, ''), c.customer_id FROM customer_contacts c LEFT JOIN "
			  "portal_users pu ON pu.id = c.portal_user_id WHERE c.id = ? AND "
			  "c.tenant_id = ? FOR UPDATE",
	[Q_CONTACT_LINK] = "UPDATE customer_contacts SET portal_user_id = ? WHERE id = ? AND "
			   "tenant_id = ? AND portal_user_id IS NULL",
	/* Masters first, each followed by its sub-sites. */
	[Q_SITE_LIST] = "SELECT s.id, COALESCE(s.parent_id, 0), s.name, s.address FROM sites s "
			"LEFT JOIN sites p ON p.id = s.parent_id WHERE s.customer_id = ? AND "
			"s.tenant_id = ? ORDER BY COALESCE(p.name, s.name), s.parent_id IS NOT NULL, "
			"s.name",
	[Q_SITE_ADD] = "INSERT INTO sites (tenant_id, customer_id, parent_id, name, address) "
		       "VALUES (?, ?, NULLIF(?, 0), ?, ?)",
	/* A master must be a top-level site of the same customer. */
	[Q_SITE_PARENT_OK] = "SELECT COUNT(*) FROM sites WHERE id = ? AND customer_id = ? AND "
			     "tenant_id = ? AND parent_id IS NULL",
	[Q_PU_SITES] = "SELECT site_id FROM portal_user_sites WHERE portal_user_id = ?",
	[Q_PU_SITES_CLEAR] = "DELETE FROM portal_user_sites WHERE portal_user_id = ?",
	/* Only sites of the user's own customer. */
	[Q_PU_SITES_ADD] = "INSERT INTO portal_user_sites (portal_user_id, site_id) SELECT pu.id, "
			   "s.id FROM portal_users pu JOIN sites s ON s.customer_id = pu.customer_id "
			   "AND s.tenant_id = pu.tenant_id WHERE pu.id = ? AND s.id = ?",
	[Q_PU_ALL_SITES] = "UPDATE portal_users SET all_sites = ? WHERE id = ? AND tenant_id = ?",
	[Q_PU_ALL_SITES_GET] = "SELECT all_sites FROM portal_users WHERE id = ? AND tenant_id = ?",
	/* What a portal session may see: the customer's sites, all of them or
	 * the granted ones (a token session: all). */
	[Q_PORTAL_SITES] =
		"SELECT s.id, COALESCE(s.parent_id, 0), s.name, s.address FROM sites s "
		"LEFT JOIN sites p ON p.id = s.parent_id WHERE s.customer_id = ? AND s.tenant_id = ? "
		"AND (? = 0 OR (SELECT all_sites FROM portal_users WHERE id = ?) = 1 OR "
		"s.id IN (SELECT site_id FROM portal_user_sites WHERE portal_user_id = ?)) "
		"ORDER BY COALESCE(p.name, s.name), s.parent_id IS NOT NULL, s.name",
	/* A customer's portal users (the portal's Colleagues page, the
	 * customer's settings page): group, status inputs, last sign-in and
	 * the name of the contact the user was enabled from (one at most). */
	[Q_PU_BY_CUSTOMER] =
		"SELECT pu.id, pu.email, pu.status = 'active', COALESCE(g.id, 0), "
		"COALESCE(g.name, ''), COALESCE(g.perms, ''), " PU_STATUS("pu") ", "
		"pu.last_sign_in_at, COALESCE(ct.name, '') FROM portal_users pu "
		"LEFT JOIN portal_groups g ON g.id = pu.group_id "
		"LEFT JOIN customer_contacts ct ON ct.portal_user_id = pu.id "
		"WHERE pu.customer_id = ? AND pu.tenant_id = ? ORDER BY pu.email",
	/* What a portal session may see: records of its customer, public
	 * documents only, and, for a user restricted to some sites, only
	 * records on those sites (customer-wide ones need all sites). */
	[Q_REC_LIST] =
		"SELECT r.id, COALESCE(r.site_id, 0), COALESCE(r.amount_cents, -1), r.ref, r.title, "
		"r.detail, DATE_FORMAT(r.rec_date, '%Y-%m-%d'), r.status, COALESCE(s.name, '') "
		"FROM customer_records r LEFT JOIN sites s ON s.id = r.site_id "
		"WHERE r.customer_id = ? AND r.tenant_id = ? AND r.kind = ? "
		"AND (r.kind <> 'document' OR r.public = 1) "
		"AND (? = 0 OR (SELECT all_sites FROM portal_users WHERE id = ?) = 1 OR "
		"r.site_id IN (SELECT site_id FROM portal_user_sites WHERE portal_user_id = ?)) "
		"AND (? = 0 OR r.id = ?) ORDER BY r.rec_date DESC, r.id DESC LIMIT 200",
	[Q_REC_STATUS] = "UPDATE customer_records SET status = ?, changed_by = ?, "
			 "changed_at = UTC_TIMESTAMP() WHERE id = ? AND customer_id = ? AND "
			 "tenant_id = ? AND kind = ? AND status = ?",
	[Q_REC_ADD] = "INSERT INTO customer_records (tenant_id, customer_id, site_id, kind, ref, "
		      "title, detail, rec_date, amount_cents, status, public, changed_by, changed_at) "
		      "VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, NULLIF(?, -1), ?, ?, ?, "
		      "UTC_TIMESTAMP())",
	/* A portal request's number, once its id is known. */
	[Q_REC_REF] = "UPDATE customer_records SET ref = CONCAT('REQ-', id) WHERE id = ? AND ref = ''",
	[Q_REC_COUNT] = "SELECT COUNT(*) FROM customer_records WHERE customer_id = ? AND tenant_id = ?",
	[Q_SCHEMA_VERSION_CREATE] =
		"CREATE TABLE IF NOT EXISTS schema_version (version INT UNSIGNED NOT NULL "
		"PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at DATETIME(6) NOT NULL "
		"DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB",
	[Q_SCHEMA_VERSION_HAS] = "SELECT version FROM schema_version WHERE version = ?",
	[Q_SCHEMA_VERSION_ADD] = "INSERT INTO schema_version (version, name) VALUES (?, ?)",
};

struct db {
	const struct conf *conf;
	unsigned flags;
	MYSQL *m;
	MYSQL_STMT *st[Q__COUNT];
	int in_txn;
	unsigned txn_stmts; /* statements run in the current transaction */
	int transient;      /* a statement failed with a "try later" error (transient()) */
	char err[256];
};

static void db_disconnect(struct db *db)
{
	for (size_t i = 0; i < Q__COUNT; i++) {
		if (db->st[i] != NULL)
			mysql_stmt_close(db->st[i]);
		db->st[i] = NULL;
	}
	if (db->m != NULL)
		mysql_close(db->m);
	db->m = NULL;
}

#define INIT_COMMON                                                                       \
	"SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"           \
	"NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', "             \
	"tx_isolation = 'REPEATABLE-READ'"

static int db_connect(struct db *db)
{
	const struct conf *c = db->conf;
	char init[512];
	unsigned timeout = 5, rw = 30;
	my_bool off = 0;
	unsigned long cflags = (db->flags & DB_MULTI_STATEMENTS) ? CLIENT_MULTI_STATEMENTS : 0;

	db_disconnect(db);
	if ((db->m = mysql_init(NULL)) == NULL)
		return -1;
	mysql_options(db->m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db->m, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_options(db->m, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_options(db->m, MYSQL_OPT_RECONNECT, &off);
	mysql_options(db->m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* UTC everywhere, and strict mode so bad data is an error, not a warning.
	 * Repeatable read whatever the server's default: one statement is one
	 * snapshot (listcache_read trusts rows and version read together).
	 * Every statement is bounded: a lock held elsewhere (a row, a table,
	 * a metadata lock) or a runaway statement ends in an error within
	 * seconds, so a worker thread is never held for the 30 s read timeout
	 * and one stuck table cannot take every thread (DB_UNBOUNDED: the ctl
	 * tool's migrations and demo data). */
	if (db->flags & DB_UNBOUNDED)
		snprintf(init, sizeof init, "%s", INIT_COMMON);
	else
		snprintf(init, sizeof init,
			 "%s, innodb_lock_wait_timeout = %u, lock_wait_timeout = %u, "
			 "max_statement_time = %u",
			 INIT_COMMON, c->db.lock_wait_secs, c->db.lock_wait_secs,
			 c->db.statement_secs);
	mysql_options(db->m, MYSQL_INIT_COMMAND, init);
	if (mysql_real_connect(db->m, c->db.host[0] ? c->db.host : NULL, c->db.user,
			       c->db.password[0] ? c->db.password : NULL, c->db.name,
			       c->db.host[0] ? c->db.port : 0,
			       c->db.socket[0] && !c->db.host[0] ? c->db.socket : NULL,
			       cflags) == NULL) {
		snprintf(db->err, sizeof db->err, "connect: %s", mysql_error(db->m));
		mysql_close(db->m);
		db->m = NULL;
		return -1;
	}
	return 0;
}

struct db *db_open(const struct conf *c, unsigned flags, int lazy)
{
	struct db *db = calloc(1, sizeof *db);

	if (db == NULL)
		return NULL;
	db->conf = c;
	db->flags = flags;
	if (db_connect(db) != 0 && !lazy) {
		log_err("db: %s", db->err);
		free(db);
		return NULL;
	}
	return db;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db);
}

const char *db_errmsg(struct db *db)
{
	return db->err;
}

static int lost(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONN_HOST_ERROR ||
	       e == CR_CONNECTION_ERROR || e == ER_CONNECTION_KILLED || e == CR_SERVER_LOST_EXTENDED ||
	       e == ER_SERVER_SHUTDOWN || e == CR_COMMANDS_OUT_OF_SYNC;
}

/* Errors that say "not now" rather than "never": the server is read-only
 * (a failover in progress, a replica), a lock or a statement outlived its
 * bound, a deadlock, the connection went away.  The request answers 503
 * with Retry-After; trying again later is the right thing for the user. */
static int transient(unsigned e)
{
	return e == ER_OPTION_PREVENTS_STATEMENT || e == ER_LOCK_WAIT_TIMEOUT ||
	       e == ER_LOCK_DEADLOCK || e == ER_STATEMENT_TIMEOUT || e == ER_QUERY_INTERRUPTED ||
	       e == CR_SERVER_LOST || e == CR_SERVER_GONE_ERROR;
}

static enum db_result classify(struct db *db, unsigned e, const char *msg, enum q id)
{
	char text[sizeof db->err];

	if (e == ER_DUP_ENTRY)
		return DB_DUP;
	/* msg may be db->err itself: copied before it is rewritten. */
	snprintf(text, sizeof text, "%s", msg);
	snprintf(db->err, sizeof db->err, "stmt %d: %u %s", (int)id, e, text);
	if (transient(e))
		db->transient = 1;
	if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT)
		return DB_RETRY;
	if (lost(e))
		return DB_LOST;
	if (transient(e)) {
		log_warn("db: %s", db->err);
		return DB_BUSY;
	}
	log_err("db: %s", db->err);
	return DB_ERR;
}

int db_transient(const struct db *db)
{
	return db != NULL && db->transient;
}

void db_transient_clear(struct db *db)
{
	if (db != NULL)
		db->transient = 0;
}

static MYSQL_STMT *prepared(struct db *db, enum q id, unsigned *err)
{
	MYSQL_STMT *st;

	if (db->st[id] != NULL)
		return db->st[id];
	if ((st = mysql_stmt_init(db->m)) == NULL) {
		*err = CR_OUT_OF_MEMORY;
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql[id], strlen(sql[id])) != 0) {
		*err = mysql_stmt_errno(st);
		snprintf(db->err, sizeof db->err, "prepare %d: %s", (int)id, mysql_stmt_error(st));
		mysql_stmt_close(st);
		return NULL;
	}
	db->st[id] = st;
	return st;
}

typedef int (*row_fn)(void *ctx);

/* Runs one statement.  in/out are bound as given; for each fetched row, row()
 * is called (if set); *rows counts them.  A lost connection is re-established
 * on the next use; a read is retried at once unless a transaction had
 * already done work (then the caller gets DB_LOST and the whole request
 * fails cleanly, nothing half-written). */
static enum db_result run(struct db *db, enum q id, MYSQL_BIND *in, MYSQL_BIND *out, row_fn row,
			  void *ctx, size_t *rows, unsigned long long *affected,
			  unsigned long long *insert_id)
{
	MYSQL_STMT *st;
	unsigned err = 0;
	int tries = 0;
	enum db_result rc = DB_ERR;
	size_t n = 0;

again:
	if (db->m == NULL) {
		if (db->in_txn && db->txn_stmts > 0)
			return DB_LOST;
		if (db_connect(db) != 0) {
			log_err("db: %s", db->err);
			return DB_LOST;
		}
		if (db->in_txn && mysql_autocommit(db->m, 0) != 0) {
			db_disconnect(db);
			return DB_LOST;
		}
	}
	if ((st = prepared(db, id, &err)) == NULL)
		goto fail;
	if (in != NULL && mysql_stmt_bind_param(st, in) != 0)
		goto stmt_fail;
	if (mysql_stmt_execute(st) != 0)
		goto stmt_fail;
	if (out != NULL) {
		int f;
		if (mysql_stmt_bind_result(st, out) != 0 || mysql_stmt_store_result(st) != 0)
			goto stmt_fail;
		while ((f = mysql_stmt_fetch(st)) == 0) {
			n++;
			if (row != NULL && row(ctx) != 0) {
				mysql_stmt_free_result(st);
				rc = DB_ERR;
				goto done;
			}
		}
		if (f == MYSQL_DATA_TRUNCATED) {
			/* Every buffer is sized to its column; truncation is a bug. */
			snprintf(db->err, sizeof db->err, "stmt %d: truncated column", (int)id);
			log_err("db: %s", db->err);
			mysql_stmt_free_result(st);
			rc = DB_ERR;
			goto done;
		}
		if (f != MYSQL_NO_DATA) {
			mysql_stmt_free_result(st);
			goto stmt_fail;
		}
		mysql_stmt_free_result(st);
	}
	if (affected)
		*affected = mysql_stmt_affected_rows(st);
	if (insert_id)
		*insert_id = mysql_stmt_insert_id(st);
	if (rows)
		*rows = n;
	if (db->in_txn)
		db->txn_stmts++;
	return DB_OK;

stmt_fail:
	err = mysql_stmt_errno(st);
	snprintf(db->err, sizeof db->err, "stmt %d: %s", (int)id, mysql_stmt_error(st));
fail:
	if (err == 0 && db->m != NULL)
		err = mysql_errno(db->m);
	if (lost(err)) {
		log_warn("db: connection lost (%u), reconnecting", err);
		db_disconnect(db);
		/* Only a read is retried: a write may have been applied
		 * before the connection died, and must not happen twice. */
		if (tries++ == 0 && !(db->in_txn && db->txn_stmts > 0) &&
		    strncmp(sql[id], "SELECT", 6) == 0) {
			n = 0;
			goto again;
		}
		return DB_LOST;
	}
	rc = classify(db, err, db->err, id);
done:
	return rc;
}

enum db_result db_prepare_all(struct db *db)
{
	unsigned err = 0;

	if (db->m == NULL && db_connect(db) != 0)
		return DB_LOST;
	for (size_t i = 0; i < Q__COUNT; i++)
		if (i != Q_SCHEMA_VERSION_CREATE && prepared(db, (enum q)i, &err) == NULL) {
			log_err("db: %s", db->err);
			return DB_ERR;
		}
	return DB_OK;
}

enum db_result db_begin(struct db *db)
{
	if (db->m == NULL && db_connect(db) != 0) {
		log_err("db: %s", db->err);
		return DB_LOST;
	}
	if (mysql_autocommit(db->m, 0) != 0) {
		/* The server went away while idle: reconnect once and go on. */
		if (db_connect(db) != 0 || mysql_autocommit(db->m, 0) != 0) {
			log_err("db: begin: %s", db->m ? mysql_error(db->m) : db->err);
			db_disconnect(db);
			return DB_LOST;
		}
	}
	db->in_txn = 1;
	db->txn_stmts = 0;
	return DB_OK;
}

enum db_result db_commit(struct db *db)
{
	enum db_result rc = DB_OK;

	if (db->m == NULL || mysql_commit(db->m) != 0) {
		unsigned e = db->m ? mysql_errno(db->m) : CR_SERVER_GONE_ERROR;
		rc = lost(e) ? DB_LOST : classify(db, e, db->m ? mysql_error(db->m) : "", Q__COUNT);
		if (db->m != NULL)
			mysql_rollback(db->m);
	}
	if (db->m != NULL && mysql_autocommit(db->m, 1) != 0)
		db_disconnect(db);
	db->in_txn = 0;
	return rc;
}

int db_in_txn(const struct db *db)
{
	return db != NULL && db->in_txn;
}

void db_rollback(struct db *db)
{
	if (!db->in_txn)
		return;
	if (db->m != NULL && (mysql_rollback(db->m) != 0 || mysql_autocommit(db->m, 1) != 0))
		db_disconnect(db);
	db->in_txn = 0;
}

/* ---- binding helpers ---- */

static void b_int(MYSQL_BIND *b, long long *v)
{
	memset(b, 0, sizeof *b);
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
}

static void b_uint(MYSQL_BIND *b, unsigned *v)
{
	memset(b, 0, sizeof *b);
	b->buffer_type = MYSQL_TYPE_LONG;
	b->buffer = v;
	b->is_unsigned = 1;
}

static void b_u64(MYSQL_BIND *b, uint64_t *v)
{
	memset(b, 0, sizeof *b);
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
	b->is_unsigned = 1;
}

/* Input string; s NULL binds SQL NULL. */
static void b_str(MYSQL_BIND *b, const char *s, unsigned long *len)
{
	static my_bool is_null = 1;
	memset(b, 0, sizeof *b);
	b->buffer_type = MYSQL_TYPE_STRING;
	if (s == NULL) {
		b->buffer_type = MYSQL_TYPE_NULL;
		b->is_null = &is_null;
		return;
	}
	*len = strlen(s);
	b->buffer = (void *)s;
	b->buffer_length = *len;
	b->length = len;
}

static void b_blob(MYSQL_BIND *b, const unsigned char *p, unsigned long *len)
{
	memset(b, 0, sizeof *b);
	b->buffer_type = MYSQL_TYPE_BLOB;
	b->buffer = (void *)p;
	b->buffer_length = *len;
	b->length = len;
}

/* Output string: sz includes the NUL; fix_str() terminates it after fetch. */
static void b_out(MYSQL_BIND *b, char *buf, size_t sz, unsigned long *len)
{
	memset(b, 0, sizeof *b);
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = buf;
	b->buffer_length = sz - 1;
	b->length = len;
}

static void fix_str(char *buf, size_t sz, unsigned long len)
{
	buf[len < sz ? len : sz - 1] = '\0';
}

/* ---- tenants ---- */

struct tenant_row {
	struct db_tenant *t;
	unsigned long l[9];
	long long enabled;
	MYSQL_BIND out[11];
};

static void tenant_bind(struct tenant_row *r, struct db_tenant *t)
{
	memset(r, 0, sizeof *r);
	r->t = t;
	b_uint(&r->out[0], &t->id);
	b_out(&r->out[1], t->slug, sizeof t->slug, &r->l[0]);
	b_out(&r->out[2], t->company, sizeof t->company, &r->l[1]);
	b_out(&r->out[3], t->street, sizeof t->street, &r->l[2]);
	b_out(&r->out[4], t->city, sizeof t->city, &r->l[3]);
	b_out(&r->out[5], t->state, sizeof t->state, &r->l[4]);
	b_out(&r->out[6], t->zip, sizeof t->zip, &r->l[5]);
	b_out(&r->out[7], t->country, sizeof t->country, &r->l[6]);
	b_int(&r->out[8], &r->enabled);
	b_out(&r->out[9], t->frame_origins, sizeof t->frame_origins, &r->l[7]);
	b_out(&r->out[10], t->time_zone, sizeof t->time_zone, &r->l[8]);
}

static int tenant_fix(void *ctx)
{
	struct tenant_row *r = ctx;
	struct db_tenant *t = r->t;
	fix_str(t->slug, sizeof t->slug, r->l[0]);
	fix_str(t->company, sizeof t->company, r->l[1]);
	fix_str(t->street, sizeof t->street, r->l[2]);
	fix_str(t->city, sizeof t->city, r->l[3]);
	fix_str(t->state, sizeof t->state, r->l[4]);
	fix_str(t->zip, sizeof t->zip, r->l[5]);
	fix_str(t->country, sizeof t->country, r->l[6]);
	fix_str(t->frame_origins, sizeof t->frame_origins, r->l[7]);
	fix_str(t->time_zone, sizeof t->time_zone, r->l[8]);
	t->portal_enabled = r->enabled != 0;
	return 0;
}

static enum db_result tenant_fetch(struct db *db, enum q id, MYSQL_BIND *in,
				   struct db_tenant *out)
{
	struct tenant_row r;
	size_t rows = 0;
	enum db_result rc;

	tenant_bind(&r, out);
	if ((rc = run(db, id, in, r.out, tenant_fix, &r, &rows, NULL, NULL)) != DB_OK)
		return rc;
	return rows == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_tenant_get_locked(struct db *db, unsigned id, struct db_tenant *out)
{
	MYSQL_BIND in[1];
	b_uint(&in[0], &id);
	return tenant_fetch(db, Q_TENANT_GET_LOCKED, in, out);
}

enum db_result db_tenant_by_slug(struct db *db, const char *slug, struct db_tenant *out)
{
	MYSQL_BIND in[1];
	unsigned long l;
	b_str(&in[0], slug, &l);
	return tenant_fetch(db, Q_TENANT_BY_SLUG, in, out);
}

enum db_result db_tenant_insert(struct db *db, const struct db_tenant *t, unsigned *id)
{
	MYSQL_BIND in[7];
	unsigned long l[7];
	unsigned long long iid = 0;
	enum db_result rc;

	b_str(&in[0], t->slug, &l[0]);
	b_str(&in[1], t->company, &l[1]);
	b_str(&in[2], t->street, &l[2]);
	b_str(&in[3], t->city, &l[3]);
	b_str(&in[4], t->state, &l[4]);
	b_str(&in[5], t->zip, &l[5]);
	b_str(&in[6], t->country, &l[6]);
	rc = run(db, Q_TENANT_INSERT, in, NULL, NULL, NULL, NULL, NULL, &iid);
	if (rc == DB_OK && id)
		*id = (unsigned)iid;
	return rc;
}

enum db_result db_tenant_set_portal(struct db *db, unsigned id, int enabled, const char *origins)
{
	MYSQL_BIND in[3];
	long long en = enabled != 0;
	unsigned long l;

	b_int(&in[0], &en);
	b_str(&in[1], origins, &l);
	b_uint(&in[2], &id);
	return run(db, Q_TENANT_SET_PORTAL, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_tenant_set_tz(struct db *db, unsigned id, const char *zone)
{
	MYSQL_BIND in[2];
	unsigned long l;

	b_str(&in[0], zone, &l);
	b_uint(&in[1], &id);
	return run(db, Q_TENANT_SET_TZ, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_office_user_set_tz(struct db *db, unsigned tenant_id, unsigned id,
				     const char *zone)
{
	MYSQL_BIND in[3];
	unsigned long l;

	b_str(&in[0], zone, &l);
	b_uint(&in[1], &id);
	b_uint(&in[2], &tenant_id);
	return run(db, Q_OU_SET_TZ, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_portal_user_set_tz(struct db *db, unsigned tenant_id, unsigned id,
				     const char *zone)
{
	MYSQL_BIND in[3];
	unsigned long l;

	b_str(&in[0], zone, &l);
	b_uint(&in[1], &id);
	b_uint(&in[2], &tenant_id);
	return run(db, Q_PU_SET_TZ, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- office users ---- */

enum db_result db_office_login(struct db *db, const char *email, struct db_login *out)
{
	MYSQL_BIND in[1], o[4];
	unsigned long l, hl;
	long long active = 0;
	size_t rows = 0;
	enum db_result rc;

	memset(out, 0, sizeof *out);
	b_str(&in[0], email, &l);
	b_uint(&o[0], &out->id);
	b_uint(&o[1], &out->tenant_id);
	b_out(&o[2], out->hash, sizeof out->hash, &hl);
	b_int(&o[3], &active);
	if ((rc = run(db, Q_OFFICE_LOGIN, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	if (rows != 1)
		return DB_NOTFOUND;
	fix_str(out->hash, sizeof out->hash, hl);
	out->active = active != 0;
	return DB_OK;
}

enum db_result db_office_insert(struct db *db, unsigned tenant_id, const char *email,
				const char *hash, const char *role, const char *first,
				const char *last, unsigned *id)
{
	MYSQL_BIND in[6];
	unsigned long l[5];
	unsigned long long iid = 0;
	enum db_result rc;

	b_uint(&in[0], &tenant_id);
	b_str(&in[1], email, &l[0]);
	b_str(&in[2], hash, &l[1]);
	b_str(&in[3], role, &l[2]);
	b_str(&in[4], first, &l[3]);
	b_str(&in[5], last, &l[4]);
	rc = run(db, Q_OFFICE_INSERT, in, NULL, NULL, NULL, NULL, NULL, &iid);
	if (rc == DB_OK && id)
		*id = (unsigned)iid;
	return rc;
}

enum db_result db_office_set_perm(struct db *db, unsigned user_id, const char *module,
				  int level)
{
	MYSQL_BIND in[3];
	unsigned long l;
	long long lv = level;

	b_uint(&in[0], &user_id);
	b_str(&in[1], module, &l);
	b_int(&in[2], &lv);
	return run(db, Q_OFFICE_SET_PERM, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_office_set_active(struct db *db, unsigned user_id, int active)
{
	MYSQL_BIND in[2];
	long long a = active != 0;

	b_int(&in[0], &a);
	b_uint(&in[1], &user_id);
	return run(db, Q_OFFICE_SET_ACTIVE, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- sessions ---- */

enum db_result db_session_insert(struct db *db, const unsigned char hash[32], const char *kind,
				 unsigned tenant_id, unsigned user_id, unsigned abs_hours,
				 const char *ip, const char *ua, const char *stage)
{
	MYSQL_BIND in[12];
	unsigned long hl = 32, l[7];

	b_blob(&in[0], hash, &hl);
	b_str(&in[1], kind, &l[0]);
	b_uint(&in[2], &tenant_id);
	b_str(&in[3], kind, &l[1]);
	b_uint(&in[4], &user_id);
	b_str(&in[5], kind, &l[2]);
	b_uint(&in[6], &user_id);
	b_str(&in[7], stage, &l[5]);
	b_uint(&in[8], &abs_hours);
	b_str(&in[9], ip, &l[3]);
	b_str(&in[10], ua, &l[4]);
	b_str(&in[11], stage, &l[6]);
	return run(db, Q_SESSION_INSERT, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_session_office(struct db *db, const unsigned char hash[32],
				 unsigned idle_min, struct db_session *out)
{
	MYSQL_BIND in[2], o[23];
	struct tenant_row tr;
	unsigned long hl = 32, l[5];
	long long settings = 0, req = 0, en = 0;
	size_t rows = 0;
	enum db_result rc;

	memset(out, 0, sizeof *out);
	b_blob(&in[0], hash, &hl);
	b_uint(&in[1], &idle_min);
	b_u64(&o[0], &out->id);
	b_uint(&o[1], &out->tenant_id);
	b_uint(&o[2], &out->user_id);
	b_out(&o[3], out->email, sizeof out->email, &l[0]);
	b_out(&o[4], out->first, sizeof out->first, &l[1]);
	b_out(&o[5], out->last, sizeof out->last, &l[2]);
	b_int(&o[6], &settings);
	b_int(&o[7], &out->seen_secs);
	b_out(&o[8], out->stage, sizeof out->stage, &l[3]);
	b_int(&o[9], &req);
	b_int(&o[10], &en);
	tenant_bind(&tr, &out->tenant);
	memcpy(&o[11], tr.out, sizeof tr.out);
	b_out(&o[22], out->time_zone, sizeof out->time_zone, &l[4]);
	if ((rc = run(db, Q_SESSION_OFFICE, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	if (rows != 1)
		return DB_NOTFOUND;
	fix_str(out->time_zone, sizeof out->time_zone, l[4]);
	fix_str(out->email, sizeof out->email, l[0]);
	fix_str(out->first, sizeof out->first, l[1]);
	fix_str(out->last, sizeof out->last, l[2]);
	fix_str(out->stage, sizeof out->stage, l[3]);
	out->mfa_required = req != 0;
	out->mfa_enabled = en != 0;
	tenant_fix(&tr);
	out->settings = (int)settings;
	return DB_OK;
}

enum db_result db_session_touch(struct db *db, uint64_t id)
{
	MYSQL_BIND in[1];
	b_u64(&in[0], &id);
	return run(db, Q_SESSION_TOUCH, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_session_delete(struct db *db, const unsigned char hash[32])
{
	MYSQL_BIND in[1];
	unsigned long hl = 32;
	b_blob(&in[0], hash, &hl);
	return run(db, Q_SESSION_DELETE, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_session_delete_office_user(struct db *db, unsigned user_id)
{
	MYSQL_BIND in[1];
	b_uint(&in[0], &user_id);
	return run(db, Q_SESSION_DELETE_OFFICE_USER, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_session_delete_tenant_portal(struct db *db, unsigned tenant_id)
{
	MYSQL_BIND in[1];
	b_uint(&in[0], &tenant_id);
	return run(db, Q_SESSION_DELETE_TENANT_PORTAL, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_purge(struct db *db, unsigned idle_min)
{
	MYSQL_BIND in[1];
	enum db_result rc;

	b_uint(&in[0], &idle_min);
	if ((rc = run(db, Q_SESSION_PURGE, in, NULL, NULL, NULL, NULL, NULL, NULL)) != DB_OK)
		return rc;
	return run(db, Q_THROTTLE_PURGE, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- throttles ---- */

enum db_result db_throttle_lock(struct db *db, const unsigned char key[32],
				unsigned portal_user_id, struct db_throttle *t)
{
	MYSQL_BIND in[2], o[3];
	unsigned long kl = 32;
	long long attempts = 0;
	size_t rows = 0;
	enum db_result rc;

	memset(t, 0, sizeof *t);
	b_blob(&in[0], key, &kl);
	b_uint(&in[1], &portal_user_id);
	if ((rc = run(db, Q_THROTTLE_ENSURE, in, NULL, NULL, NULL, NULL, NULL, NULL)) != DB_OK)
		return rc;
	b_int(&o[0], &attempts);
	b_int(&o[1], &t->age_secs);
	b_int(&o[2], &t->locked_secs);
	if ((rc = run(db, Q_THROTTLE_LOCK, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	t->attempts = (unsigned)attempts;
	return rows == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_throttle_set(struct db *db, const unsigned char key[32], long long age_secs,
			       unsigned attempts, long long lock_secs)
{
	MYSQL_BIND in[5];
	unsigned long kl = 32;

	b_int(&in[0], &age_secs);
	b_uint(&in[1], &attempts);
	b_int(&in[2], &lock_secs);
	b_int(&in[3], &lock_secs);
	b_blob(&in[4], key, &kl);
	return run(db, Q_THROTTLE_SET, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_throttle_clear(struct db *db, const unsigned char key[32])
{
	MYSQL_BIND in[1];
	unsigned long kl = 32;
	b_blob(&in[0], key, &kl);
	return run(db, Q_THROTTLE_CLEAR, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_throttle_refund(struct db *db, const unsigned char key[32])
{
	MYSQL_BIND in[1];
	unsigned long kl = 32;
	b_blob(&in[0], key, &kl);
	return run(db, Q_THROTTLE_REFUND, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_throttle_clear_all(struct db *db)
{
	return run(db, Q_THROTTLE_CLEAR_ALL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- audit ---- */

enum db_result db_audit(struct db *db, const struct db_audit *a)
{
	MYSQL_BIND in[9];
	unsigned long l[7];
	unsigned tenant = a->tenant_id, actor = a->actor_id;

	b_uint(&in[0], &tenant);
	b_uint(&in[1], &actor);
	b_str(&in[2], a->actor_email ? a->actor_email : "", &l[0]);
	b_str(&in[3], a->action, &l[1]);
	b_str(&in[4], a->target ? a->target : "", &l[2]);
	b_str(&in[5], a->old_value, &l[3]);
	b_str(&in[6], a->new_value, &l[4]);
	b_str(&in[7], a->request_id ? a->request_id : "", &l[5]);
	b_str(&in[8], a->ip ? a->ip : "", &l[6]);
	return run(db, Q_AUDIT_INSERT, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- customers, portal users ---- */

static enum db_result id_by_tenant_text(struct db *db, enum q q, unsigned tenant_id,
					const char *text, unsigned *id)
{
	MYSQL_BIND in[2], o[1];
	unsigned long l;
	size_t rows = 0;
	enum db_result rc;

	b_uint(&in[0], &tenant_id);
	b_str(&in[1], text, &l);
	b_uint(&o[0], id);
	if ((rc = run(db, q, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	return rows == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_customer_by_name(struct db *db, unsigned tenant_id, const char *name,
				   unsigned *id)
{
	return id_by_tenant_text(db, Q_CUSTOMER_BY_NAME, tenant_id, name, id);
}

/* ---- customers ---- */

struct cust_row {
	struct db_customer c;
	unsigned long l[7];
	MYSQL_BIND out[9];
	db_customer_fn fn;
	void *ctx;
};

static void cust_bind(struct cust_row *r)
{
	struct db_customer *c = &r->c;
	b_uint(&r->out[0], &c->id);
	b_out(&r->out[1], c->name, sizeof c->name, &r->l[0]);
	b_out(&r->out[2], c->email, sizeof c->email, &r->l[1]);
	b_out(&r->out[3], c->phone, sizeof c->phone, &r->l[2]);
	b_out(&r->out[4], c->street, sizeof c->street, &r->l[3]);
	b_out(&r->out[5], c->city, sizeof c->city, &r->l[4]);
	b_out(&r->out[6], c->state, sizeof c->state, &r->l[5]);
	b_out(&r->out[7], c->zip, sizeof c->zip, &r->l[6]);
	b_uint(&r->out[8], &c->portal_users);
}

static int cust_fix(void *ctx)
{
	struct cust_row *r = ctx;
	struct db_customer *c = &r->c;
	fix_str(c->name, sizeof c->name, r->l[0]);
	fix_str(c->email, sizeof c->email, r->l[1]);
	fix_str(c->phone, sizeof c->phone, r->l[2]);
	fix_str(c->street, sizeof c->street, r->l[3]);
	fix_str(c->city, sizeof c->city, r->l[4]);
	fix_str(c->state, sizeof c->state, r->l[5]);
	fix_str(c->zip, sizeof c->zip, r->l[6]);
	return r->fn ? r->fn(r->ctx, c) : 0;
}

/* The parameters every list statement starts with: tenant and filter. */
struct list_args {
	unsigned tenant;
	uint64_t per, offset;
	unsigned long l[3];
	MYSQL_BIND in[6];
};

static void list_bind(struct list_args *a, unsigned tenant_id, const struct list_view *lv)
{
	a->tenant = tenant_id;
	a->per = lv->per;
	a->offset = lv->offset;
	b_uint(&a->in[0], &a->tenant);
	b_str(&a->in[1], lv->filter, &a->l[0]);
	b_str(&a->in[2], lv->like, &a->l[1]);
	b_str(&a->in[3], lv->like, &a->l[2]);
	b_u64(&a->in[4], &a->per);
	b_u64(&a->in[5], &a->offset);
}

static enum db_result count_rows(struct db *db, enum q q, unsigned tenant_id,
				 const struct list_view *lv, unsigned long long *total)
{
	struct list_args a;
	MYSQL_BIND o[1];
	uint64_t n = 0;

	list_bind(&a, tenant_id, lv);
	b_u64(&o[0], &n);
	enum db_result rc = run(db, q, a.in, o, NULL, NULL, NULL, NULL, NULL);
	*total = n;
	return rc;
}

enum db_result db_customers_count(struct db *db, unsigned tenant_id, const struct list_view *lv,
				  unsigned long long *total)
{
	return count_rows(db, Q_CUST_COUNT, tenant_id, lv, total);
}

enum db_result db_customers_page(struct db *db, unsigned tenant_id, const struct list_view *lv,
				 db_customer_fn fn, void *ctx)
{
	static const enum q by[2][2] = {{Q_CUST_PAGE_NAME_ASC, Q_CUST_PAGE_NAME_DESC},
					{Q_CUST_PAGE_EMAIL_ASC, Q_CUST_PAGE_EMAIL_DESC}};
	struct list_args a;
	struct cust_row r;

	if (lv->sort > 1)
		return DB_ERR;
	memset(&r, 0, sizeof r);
	cust_bind(&r);
	r.fn = fn;
	r.ctx = ctx;
	list_bind(&a, tenant_id, lv);
	return run(db, by[lv->sort][lv->desc != 0], a.in, r.out, cust_fix, &r, NULL, NULL, NULL);
}

enum db_result db_customers_all(struct db *db, unsigned tenant_id, db_customer_fn fn, void *ctx)
{
	MYSQL_BIND in[1];
	struct cust_row r;

	memset(&r, 0, sizeof r);
	cust_bind(&r);
	r.fn = fn;
	r.ctx = ctx;
	b_uint(&in[0], &tenant_id);
	return run(db, Q_CUST_OPTIONS, in, r.out, cust_fix, &r, NULL, NULL, NULL);
}

enum db_result db_customer_get(struct db *db, unsigned tenant_id, unsigned id,
			       struct db_customer *out)
{
	MYSQL_BIND in[2];
	struct cust_row r;
	size_t rows = 0;
	enum db_result rc;

	memset(&r, 0, sizeof r);
	cust_bind(&r);
	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	if ((rc = run(db, Q_CUST_GET, in, r.out, cust_fix, &r, &rows, NULL, NULL)) != DB_OK)
		return rc;
	if (rows != 1)
		return DB_NOTFOUND;
	*out = r.c;
	return DB_OK;
}

static void cust_in(MYSQL_BIND *in, unsigned long *l, const struct db_customer *c)
{
	b_str(&in[0], c->name, &l[0]);
	b_str(&in[1], c->email, &l[1]);
	b_str(&in[2], c->phone, &l[2]);
	b_str(&in[3], c->street, &l[3]);
	b_str(&in[4], c->city, &l[4]);
	b_str(&in[5], c->state, &l[5]);
	b_str(&in[6], c->zip, &l[6]);
}

enum db_result db_customer_add(struct db *db, unsigned tenant_id, const struct db_customer *c,
			       unsigned *id)
{
	MYSQL_BIND in[8];
	unsigned long l[7];
	unsigned long long iid = 0;
	enum db_result rc;

	b_uint(&in[0], &tenant_id);
	cust_in(in + 1, l, c);
	rc = run(db, Q_CUSTOMER_INSERT, in, NULL, NULL, NULL, NULL, NULL, &iid);
	if (rc == DB_OK && id)
		*id = (unsigned)iid;
	return rc;
}

enum db_result db_customer_update(struct db *db, unsigned tenant_id, const struct db_customer *c)
{
	MYSQL_BIND in[9], rn[3];
	unsigned long l[7], rl;
	unsigned id = c->id;
	enum db_result rc;

	cust_in(in, l, c);
	b_uint(&in[7], &id);
	b_uint(&in[8], &tenant_id);
	if ((rc = run(db, Q_CUST_UPDATE, in, NULL, NULL, NULL, NULL, NULL, NULL)) != DB_OK)
		return rc;
	b_str(&rn[0], c->name, &rl);
	b_uint(&rn[1], &id);
	b_uint(&rn[2], &tenant_id);
	return run(db, Q_PU_RENAME_COMPANY, rn, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- portal users ---- */

/* The outputs of PU_STATUS, bound at out[0..4) and read back by
 * status_fix: what pstatus_decide needs. */
struct status_cols {
	char status[12], invite[12];
	unsigned long l[2];
	unsigned has_password;
	long long lock_us;
	my_bool lock_null;
};

static void status_bind(MYSQL_BIND *out, struct status_cols *c)
{
	b_out(&out[0], c->status, sizeof c->status, &c->l[0]);
	b_uint(&out[1], &c->has_password);
	b_out(&out[2], c->invite, sizeof c->invite, &c->l[1]);
	b_int(&out[3], &c->lock_us);
	out[3].is_null = &c->lock_null;
}

static enum pstatus status_fix(struct status_cols *c)
{
	struct pstatus_facts f;

	fix_str(c->status, sizeof c->status, c->l[0]);
	fix_str(c->invite, sizeof c->invite, c->l[1]);
	f.revoked = strcmp(c->status, "revoked") == 0;
	f.has_password = c->has_password != 0;
	f.invite_state = c->invite;
	f.lock_us = c->lock_null ? 0 : c->lock_us;
	return pstatus_decide(&f);
}

/* A DATETIME(6) column as ISO 8601 UTC to the second ("" for NULL); stored
 * in UTC (the connection's time zone is +00:00). */
static void time_bind(MYSQL_BIND *b, MYSQL_TIME *t, my_bool *null)
{
	memset(b, 0, sizeof *b);
	b->buffer_type = MYSQL_TYPE_DATETIME;
	b->buffer = t;
	b->is_null = null;
}

static void iso_time(char out[24], const MYSQL_TIME *t, my_bool null)
{
	if (null)
		out[0] = '\0';
	else
		snprintf(out, 24, "%04u-%02u-%02uT%02u:%02u:%02uZ", t->year % 10000,
			 t->month % 100, t->day % 100, t->hour % 100, t->minute % 100,
			 t->second % 100);
}

struct pu_row {
	struct db_portal_user u;
	unsigned long l[2];
	struct status_cols st;
	MYSQL_TIME seen;
	my_bool seen_null;
	uint64_t total;   /* PU_ALL's last column: the tenant's count */
	uint64_t version; /* Q_PU_BY_IDS's: the list's version */
	MYSQL_BIND out[PU_NCOLS + 1];
	db_portal_user_fn fn;
	void *ctx;
};

static void pu_bind(struct pu_row *r)
{
	struct db_portal_user *u = &r->u;
	b_uint(&r->out[0], &u->id);
	b_uint(&r->out[1], &u->customer_id);
	b_out(&r->out[2], u->company, sizeof u->company, &r->l[0]);
	b_out(&r->out[3], u->email, sizeof u->email, &r->l[1]);
	status_bind(&r->out[4], &r->st);
	time_bind(&r->out[8], &r->seen, &r->seen_null);
}

static int pu_fix(void *ctx)
{
	struct pu_row *r = ctx;
	struct db_portal_user *u = &r->u;
	enum pstatus s;

	fix_str(u->company, sizeof u->company, r->l[0]);
	fix_str(u->email, sizeof u->email, r->l[1]);
	s = status_fix(&r->st);
	snprintf(u->status, sizeof u->status, "%s", pstatus_key(s));
	u->invite_bounced = strcmp(r->st.invite, "bounced") == 0;
	u->lock_us = pstatus_lock_left_us(r->st.lock_null ? 0 : r->st.lock_us);
	iso_time(u->last_sign_in, &r->seen, r->seen_null);
	return r->fn ? r->fn(r->ctx, u) : 0;
}

enum db_result db_portal_users_page(struct db *db, unsigned tenant_id, const struct list_view *lv,
				    unsigned long long *total, db_portal_user_fn fn, void *ctx)
{
	static const enum q by[2][2] = {{Q_PU_ALL_COMPANY_ASC, Q_PU_ALL_COMPANY_DESC},
					{Q_PU_ALL_EMAIL_ASC, Q_PU_ALL_EMAIL_DESC}};
	struct list_args a;
	struct pu_row r;
	enum db_result rc;

	*total = 0;
	if (lv->sort > 1 || lv->filter[0] != '\0')
		return DB_ERR;
	memset(&r, 0, sizeof r);
	pu_bind(&r);
	b_u64(&r.out[PU_NCOLS], &r.total);
	r.fn = fn;
	r.ctx = ctx;
	list_bind(&a, tenant_id, lv);
	/* tenant, LIMIT, OFFSET: the filter's three slots drop out. */
	a.in[1] = a.in[4];
	a.in[2] = a.in[5];
	rc = run(db, by[lv->sort][lv->desc != 0], a.in, r.out, pu_fix, &r, NULL, NULL, NULL);
	*total = r.total;
	return rc;
}

/* A list's count and order version (portal_user_counts, office_user_counts):
 * both 0 when the tenant has no row yet. */
static enum db_result list_version(struct db *db, enum q q, unsigned tenant_id,
				   unsigned long long *total, uint64_t *version)
{
	MYSQL_BIND in[1], o[2];
	uint64_t n = 0, v = 0;
	enum db_result rc;

	b_uint(&in[0], &tenant_id);
	b_u64(&o[0], &n);
	b_u64(&o[1], &v);
	rc = run(db, q, in, o, NULL, NULL, NULL, NULL, NULL);
	*total = n;
	*version = v;
	return rc;
}

enum db_result db_portal_users_version(struct db *db, unsigned tenant_id,
				       unsigned long long *total, uint64_t *version)
{
	return list_version(db, Q_PU_VERSION, tenant_id, total, version);
}

enum db_result db_portal_users_status_version(struct db *db, unsigned tenant_id,
					      unsigned long long *total, uint64_t *version)
{
	return list_version(db, Q_PU_STATUS_VERSION, tenant_id, total, version);
}

struct ids_ctx {
	unsigned id, *ids;
	size_t n, cap;
	int oom;
};

static int ids_add(void *p)
{
	struct ids_ctx *c = p;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		unsigned *ids = realloc(c->ids, cap * sizeof *ids);
		if (ids == NULL) {
			c->oom = 1;
			return 1;
		}
		c->ids = ids;
		c->cap = cap;
	}
	c->ids[c->n++] = c->id;
	return 0;
}

/* A view's ids in the order of statement q (list_bind's parameters):
 * *ids is malloc'd, the caller (the list-order cache) frees it. */
static enum db_result view_ids(struct db *db, enum q q, unsigned tenant_id,
			       const struct list_view *lv, unsigned **ids, size_t *n)
{
	struct list_args a;
	struct ids_ctx c;
	MYSQL_BIND o[1];
	enum db_result rc;

	*ids = NULL;
	*n = 0;
	memset(&c, 0, sizeof c);
	list_bind(&a, tenant_id, lv);
	b_uint(&o[0], &c.id);
	rc = run(db, q, a.in, o, ids_add, &c, NULL, NULL, NULL);
	if (rc == DB_OK && c.oom)
		rc = DB_ERR;
	if (rc != DB_OK) {
		free(c.ids);
		return rc;
	}
	*ids = c.ids;
	*n = c.n;
	return DB_OK;
}

/* The ids of one page (at most 100) as a JSON array for JSON_TABLE: digits
 * and commas only, bound as data.  -1 when there are too many. */
#define IDS_JSON_MAX (2 + 100 * 11)
static int ids_json(char json[IDS_JSON_MAX], const unsigned *ids, size_t n)
{
	size_t o = 0;

	if (n > 100)
		return -1;
	json[o++] = '[';
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(json + o, IDS_JSON_MAX - o, "%s%u", i ? "," : "", ids[i]);
	json[o++] = ']';
	json[o] = '\0';
	return 0;
}

enum db_result db_portal_user_ids(struct db *db, unsigned tenant_id, const struct list_view *lv,
				  unsigned **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	if (lv->sort > 1)
		return DB_ERR;
	return view_ids(db, lv->sort == 0 ? Q_PU_IDS_COMPANY : Q_PU_IDS_EMAIL, tenant_id, lv, ids,
			n);
}

struct status_ids {
	struct ids_ctx c;
	struct status_cols st;
	enum pstatus want;
	long long left_us; /* the soonest a lock read ends; -1: none */
};

static int status_ids_add(void *p)
{
	struct status_ids *s = p;
	long long left = pstatus_lock_left_us(s->st.lock_null ? 0 : s->st.lock_us);

	/* Any lock that ends changes that row's status, in or out of this
	 * view: the order is right only until the first one ends. */
	if (left > 0 && (s->left_us < 0 || left < s->left_us))
		s->left_us = left;
	if (status_fix(&s->st) != s->want)
		return 0;
	return ids_add(&s->c);
}

enum db_result db_portal_user_ids_status(struct db *db, unsigned tenant_id,
					 const struct list_view *lv, unsigned **ids, size_t *n,
					 long long *ttl_ms)
{
	struct list_args a;
	struct status_ids s;
	MYSQL_BIND o[5];
	int want;
	enum db_result rc;

	*ids = NULL;
	*n = 0;
	*ttl_ms = -1;
	if (lv->sort > 1 || lv->facet == NULL || (want = pstatus_parse(lv->facet)) < 0)
		return DB_ERR;
	memset(&s, 0, sizeof s);
	s.want = (enum pstatus)want;
	s.left_us = -1;
	list_bind(&a, tenant_id, lv);
	b_uint(&o[0], &s.c.id);
	status_bind(&o[1], &s.st);
	rc = run(db, lv->sort == 0 ? Q_PU_IDS_STATUS_COMPANY : Q_PU_IDS_STATUS_EMAIL, a.in, o,
		 status_ids_add, &s, NULL, NULL, NULL);
	if (rc == DB_OK && s.c.oom)
		rc = DB_ERR;
	if (rc != DB_OK) {
		free(s.c.ids);
		return rc;
	}
	*ids = s.c.ids;
	*n = s.c.n;
	if (s.left_us >= 0)
		*ttl_ms = s.left_us / 1000;
	return DB_OK;
}

/* The rows of one page by id through statement q (JSON_TABLE over the ids,
 * then the tenant), into out, fix called per row; *version, read into
 * *seen with the rows, stays only if every id came back. */
static enum db_result rows_by_ids(struct db *db, enum q q, unsigned tenant_id,
				  const unsigned *ids, size_t n, MYSQL_BIND *out,
				  int (*fix)(void *), void *ctx, const uint64_t *seen,
				  uint64_t *version)
{
	char json[IDS_JSON_MAX];
	MYSQL_BIND in[2];
	unsigned long jl;
	size_t rows = 0;
	enum db_result rc;

	*version = DB_NO_VERSION;
	if (ids_json(json, ids, n) != 0)
		return DB_ERR;
	b_str(&in[0], json, &jl);
	b_uint(&in[1], &tenant_id);
	if ((rc = run(db, q, in, out, fix, ctx, &rows, NULL, NULL)) == DB_OK && rows == n && n > 0)
		*version = *seen;
	return rc;
}

enum db_result db_portal_users_by_ids(struct db *db, unsigned tenant_id, const unsigned *ids,
				      size_t n, db_portal_user_fn fn, void *ctx, uint64_t *version)
{
	struct pu_row r;

	memset(&r, 0, sizeof r);
	pu_bind(&r);
	b_u64(&r.out[PU_NCOLS], &r.version);
	r.fn = fn;
	r.ctx = ctx;
	return rows_by_ids(db, Q_PU_BY_IDS, tenant_id, ids, n, r.out, pu_fix, &r, &r.version,
			   version);
}

enum db_result db_portal_users_by_ids_status(struct db *db, unsigned tenant_id,
					     const unsigned *ids, size_t n, db_portal_user_fn fn,
					     void *ctx, uint64_t *version)
{
	struct pu_row r;

	memset(&r, 0, sizeof r);
	pu_bind(&r);
	b_u64(&r.out[PU_NCOLS], &r.version);
	r.fn = fn;
	r.ctx = ctx;
	return rows_by_ids(db, Q_PU_BY_IDS_STATUS, tenant_id, ids, n, r.out, pu_fix, &r,
			   &r.version, version);
}

enum db_result db_portal_user_get(struct db *db, unsigned tenant_id, unsigned id,
				  struct db_portal_user *out)
{
	MYSQL_BIND in[2];
	struct pu_row r;
	size_t rows = 0;
	enum db_result rc;

	memset(&r, 0, sizeof r);
	pu_bind(&r);
	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	if ((rc = run(db, Q_PU_GET, in, r.out, pu_fix, &r, &rows, NULL, NULL)) != DB_OK)
		return rc;
	if (rows != 1)
		return DB_NOTFOUND;
	*out = r.u;
	return DB_OK;
}

enum db_result db_portal_user_add(struct db *db, unsigned tenant_id, unsigned customer_id,
				  const char *company, const char *email, const char *hash,
				  unsigned *id)
{
	MYSQL_BIND in[6];
	unsigned long l[3];
	long long has = hash != NULL;
	unsigned long long iid = 0;
	enum db_result rc;

	b_uint(&in[0], &tenant_id);
	b_uint(&in[1], &customer_id);
	b_str(&in[2], company, &l[0]);
	b_str(&in[3], email, &l[1]);
	b_str(&in[4], hash, &l[2]);
	b_int(&in[5], &has);
	rc = run(db, Q_PU_ADD, in, NULL, NULL, NULL, NULL, NULL, &iid);
	if (rc == DB_OK && id)
		*id = (unsigned)iid;
	return rc;
}

enum db_result db_portal_user_update(struct db *db, unsigned tenant_id, unsigned id,
				     unsigned customer_id, const char *company, const char *email)
{
	MYSQL_BIND in[5];
	unsigned long l[2];

	b_uint(&in[0], &customer_id);
	b_str(&in[1], company, &l[0]);
	b_str(&in[2], email, &l[1]);
	b_uint(&in[3], &id);
	b_uint(&in[4], &tenant_id);
	return run(db, Q_PU_UPDATE, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_portal_user_set_password(struct db *db, unsigned tenant_id, unsigned id,
					   const char *hash)
{
	MYSQL_BIND in[3];
	unsigned long l;

	b_str(&in[0], hash, &l);
	b_uint(&in[1], &id);
	b_uint(&in[2], &tenant_id);
	return run(db, Q_PU_SET_PASSWORD, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_portal_user_invite(struct db *db, unsigned tenant_id, unsigned id,
				     const char *state, uint64_t mail_id)
{
	MYSQL_BIND in[4];
	unsigned long l;

	b_str(&in[0], state, &l);
	b_u64(&in[1], &mail_id);
	b_uint(&in[2], &id);
	b_uint(&in[3], &tenant_id);
	return run(db, Q_PU_SET_INVITE, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_portal_user_delete(struct db *db, unsigned tenant_id, unsigned id,
				     unsigned long long *deleted)
{
	MYSQL_BIND in[2];

	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	return run(db, Q_PU_DELETE, in, NULL, NULL, NULL, NULL, deleted, NULL);
}

enum db_result db_token_new(struct db *db, unsigned tenant_id, unsigned user_id,
			    const char *purpose, const unsigned char hash[32], unsigned valid_min)
{
	MYSQL_BIND k[2], in[5];
	unsigned long l1, l2, hl = 32;
	enum db_result rc;

	b_uint(&k[0], &user_id);
	b_str(&k[1], purpose, &l1);
	if ((rc = run(db, Q_TOKEN_KILL, k, NULL, NULL, NULL, NULL, NULL, NULL)) != DB_OK)
		return rc;
	b_blob(&in[0], hash, &hl);
	b_str(&in[1], purpose, &l2);
	b_uint(&in[2], &tenant_id);
	b_uint(&in[3], &user_id);
	b_uint(&in[4], &valid_min);
	return run(db, Q_TOKEN_INSERT, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_token_find(struct db *db, unsigned tenant_id, const char *purpose,
			     const unsigned char hash[32], struct db_token *out)
{
	MYSQL_BIND in[3], o[5];
	unsigned long hl = 32, pl, l[2];
	long long live = 0;
	size_t rows = 0;
	enum db_result rc;

	memset(out, 0, sizeof *out);
	b_blob(&in[0], hash, &hl);
	b_uint(&in[1], &tenant_id);
	b_str(&in[2], purpose, &pl);
	b_u64(&o[0], &out->id);
	b_uint(&o[1], &out->user_id);
	b_int(&o[2], &live);
	b_out(&o[3], out->email, sizeof out->email, &l[0]);
	b_out(&o[4], out->company, sizeof out->company, &l[1]);
	if ((rc = run(db, Q_TOKEN_LOOKUP, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	if (rows != 1)
		return DB_NOTFOUND;
	fix_str(out->email, sizeof out->email, l[0]);
	fix_str(out->company, sizeof out->company, l[1]);
	out->live = live != 0;
	return DB_OK;
}

enum db_result db_token_kill(struct db *db, unsigned user_id, const char *purpose)
{
	MYSQL_BIND k[2];
	unsigned long l;

	b_uint(&k[0], &user_id);
	b_str(&k[1], purpose, &l);
	return run(db, Q_TOKEN_KILL, k, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_token_use(struct db *db, uint64_t id)
{
	MYSQL_BIND in[1];
	unsigned long long n = 0;
	enum db_result rc;

	b_u64(&in[0], &id);
	if ((rc = run(db, Q_TOKEN_USE, in, NULL, NULL, NULL, NULL, &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_session_delete_portal_user(struct db *db, unsigned user_id)
{
	MYSQL_BIND in[1];
	b_uint(&in[0], &user_id);
	return run(db, Q_SESSION_DELETE_PORTAL_USER, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- portal sign-in, sessions and MFA ---- */

enum db_result db_session_portal(struct db *db, const unsigned char hash[32], unsigned tenant_id,
				 unsigned idle_min, struct db_portal_session *out)
{
	MYSQL_BIND in[3], o[11];
	unsigned long hl = 32, l[5];
	long long req = 0, en = 0;
	size_t rows = 0;
	enum db_result rc;

	memset(out, 0, sizeof *out);
	b_blob(&in[0], hash, &hl);
	b_uint(&in[1], &tenant_id);
	b_uint(&in[2], &idle_min);
	b_out(&o[10], out->time_zone, sizeof out->time_zone, &l[4]);
	b_u64(&o[0], &out->id);
	b_uint(&o[1], &out->user_id);
	b_uint(&o[2], &out->customer_id);
	b_out(&o[3], out->stage, sizeof out->stage, &l[0]);
	b_out(&o[4], out->email, sizeof out->email, &l[1]);
	b_out(&o[5], out->company, sizeof out->company, &l[2]);
	b_int(&o[6], &out->seen_secs);
	b_int(&o[7], &req);
	b_int(&o[8], &en);
	b_out(&o[9], out->perms, sizeof out->perms, &l[3]);
	if ((rc = run(db, Q_SESSION_PORTAL, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	if (rows != 1)
		return DB_NOTFOUND;
	fix_str(out->stage, sizeof out->stage, l[0]);
	fix_str(out->email, sizeof out->email, l[1]);
	fix_str(out->company, sizeof out->company, l[2]);
	fix_str(out->perms, sizeof out->perms, l[3]);
	fix_str(out->time_zone, sizeof out->time_zone, l[4]);
	out->mfa_required = req != 0;
	out->mfa_enabled = en != 0;
	return DB_OK;
}

enum db_result db_portal_session_insert(struct db *db, const unsigned char hash[32],
					unsigned tenant_id, unsigned user_id, unsigned customer_id,
					const char *stage, unsigned minutes, const char *ip,
					const char *ua)
{
	MYSQL_BIND in[8];
	unsigned long hl = 32, l[3];

	b_blob(&in[0], hash, &hl);
	b_uint(&in[1], &tenant_id);
	b_uint(&in[2], &user_id);
	b_uint(&in[3], &customer_id);
	b_str(&in[4], stage, &l[0]);
	b_uint(&in[5], &minutes);
	b_str(&in[6], ip, &l[1]);
	b_str(&in[7], ua, &l[2]);
	return run(db, Q_PORTAL_SESSION_INSERT, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

struct psess_ctx {
	struct db_portal_session_row r;
	unsigned long l[4];
	long long cur;
	db_portal_session_fn fn;
	void *ctx;
};

static int psess_row(void *p)
{
	struct psess_ctx *c = p;
	fix_str(c->r.created, sizeof c->r.created, c->l[0]);
	fix_str(c->r.seen, sizeof c->r.seen, c->l[1]);
	fix_str(c->r.ip, sizeof c->r.ip, c->l[2]);
	fix_str(c->r.ua, sizeof c->r.ua, c->l[3]);
	c->r.current = c->cur != 0;
	return c->fn(c->ctx, &c->r);
}

enum db_result db_portal_sessions(struct db *db, unsigned user_id, const unsigned char hash[32],
				  db_portal_session_fn fn, void *ctx)
{
	MYSQL_BIND in[2], o[5];
	unsigned long hl = 32;
	struct psess_ctx c;

	memset(&c, 0, sizeof c);
	c.fn = fn;
	c.ctx = ctx;
	b_blob(&in[0], hash, &hl);
	b_uint(&in[1], &user_id);
	b_out(&o[0], c.r.created, sizeof c.r.created, &c.l[0]);
	b_out(&o[1], c.r.seen, sizeof c.r.seen, &c.l[1]);
	b_out(&o[2], c.r.ip, sizeof c.r.ip, &c.l[2]);
	b_out(&o[3], c.r.ua, sizeof c.r.ua, &c.l[3]);
	b_int(&o[4], &c.cur);
	return run(db, Q_PORTAL_SESSION_LIST, in, o, psess_row, &c, NULL, NULL, NULL);
}

enum db_result db_portal_sessions_delete_others(struct db *db, unsigned user_id,
						const unsigned char keep[32])
{
	MYSQL_BIND in[2];
	unsigned long hl = 32;

	b_uint(&in[0], &user_id);
	b_blob(&in[1], keep, &hl);
	return run(db, Q_PORTAL_SESSION_DELETE_OTHERS, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_portal_sessions_delete_customer(struct db *db, unsigned customer_id)
{
	MYSQL_BIND in[1];

	b_uint(&in[0], &customer_id);
	return run(db, Q_PORTAL_SESSION_DELETE_CUSTOMER, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_portal_login(struct db *db, unsigned tenant_id, const char *email,
			       struct db_portal_login *out)
{
	MYSQL_BIND in[2], o[7];
	unsigned long l, hl, el;
	long long active = 0, req = 0, en = 0;
	size_t rows = 0;
	enum db_result rc;

	memset(out, 0, sizeof *out);
	b_uint(&in[0], &tenant_id);
	b_str(&in[1], email, &l);
	b_uint(&o[0], &out->id);
	b_uint(&o[1], &out->customer_id);
	b_out(&o[2], out->hash, sizeof out->hash, &hl);
	b_int(&o[3], &active);
	b_int(&o[4], &req);
	b_int(&o[5], &en);
	b_out(&o[6], out->email, sizeof out->email, &el);
	if ((rc = run(db, Q_PORTAL_LOGIN, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	if (rows != 1)
		return DB_NOTFOUND;
	fix_str(out->hash, sizeof out->hash, hl);
	fix_str(out->email, sizeof out->email, el);
	out->active = active != 0;
	out->mfa_required = req != 0;
	out->mfa_enabled = en != 0;
	return DB_OK;
}

enum db_result db_portal_user_signed_in(struct db *db, unsigned id)
{
	MYSQL_BIND in[1];

	b_uint(&in[0], &id);
	return run(db, Q_PU_SIGNED_IN, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

static void b_out_blob(MYSQL_BIND *b, unsigned char *buf, size_t sz, unsigned long *len)
{
	memset(b, 0, sizeof *b);
	b->buffer_type = MYSQL_TYPE_BLOB;
	b->buffer = buf;
	b->buffer_length = sz;
	b->length = len;
}

enum db_result db_mfa_auth_locked(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
				   struct db_mfa_auth *out)
{
	MYSQL_BIND in[2], o[8];
	unsigned long l[5];
	long long req = 0, active = 0;
	size_t rows = 0;
	enum db_result rc;

	memset(out, 0, sizeof *out);
	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	b_out(&o[0], out->hash, sizeof out->hash, &l[0]);
	b_int(&o[1], &req);
	b_out_blob(&o[2], out->mfa_secret, sizeof out->mfa_secret, &l[1]);
	b_out_blob(&o[3], out->mfa_pending, sizeof out->mfa_pending, &l[2]);
	b_int(&o[4], &out->last_step);
	b_out(&o[5], out->email, sizeof out->email, &l[3]);
	b_out(&o[6], out->company, sizeof out->company, &l[4]);
	b_int(&o[7], &active);
	if ((rc = run(db, who == DB_OFFICE ? Q_OFF_AUTH_LOCKED : Q_PU_AUTH_LOCKED, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	if (rows != 1)
		return DB_NOTFOUND;
	fix_str(out->hash, sizeof out->hash, l[0]);
	out->secret_len = l[1] <= sizeof out->mfa_secret ? l[1] : 0;
	out->pending_len = l[2] <= sizeof out->mfa_pending ? l[2] : 0;
	fix_str(out->email, sizeof out->email, l[3]);
	fix_str(out->company, sizeof out->company, l[4]);
	out->mfa_required = req != 0;
	out->active = active != 0;
	return DB_OK;
}

enum db_result db_mfa_set_pending(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
					 const unsigned char *sealed, size_t len)
{
	MYSQL_BIND in[3];
	unsigned long sl = (unsigned long)len;

	b_blob(&in[0], sealed, &sl);
	b_uint(&in[1], &id);
	b_uint(&in[2], &tenant_id);
	return run(db, who == DB_OFFICE ? Q_OFF_MFA_SET_PENDING : Q_PU_MFA_SET_PENDING, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_mfa_enable(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
				    long long step)
{
	MYSQL_BIND in[3];
	unsigned long long n = 0;
	enum db_result rc;

	b_int(&in[0], &step);
	b_uint(&in[1], &id);
	b_uint(&in[2], &tenant_id);
	if ((rc = run(db, who == DB_OFFICE ? Q_OFF_MFA_ENABLE : Q_PU_MFA_ENABLE, in, NULL, NULL, NULL, NULL, &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_mfa_step(struct db *db, enum db_who who, unsigned id, long long step)
{
	MYSQL_BIND in[3];
	unsigned long long n = 0;
	enum db_result rc;

	b_int(&in[0], &step);
	b_uint(&in[1], &id);
	b_int(&in[2], &step);
	if ((rc = run(db, who == DB_OFFICE ? Q_OFF_MFA_STEP : Q_PU_MFA_STEP, in, NULL, NULL, NULL, NULL, &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_mfa_reset(struct db *db, enum db_who who, unsigned tenant_id, unsigned id)
{
	MYSQL_BIND in[2];
	enum db_result rc;

	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	if ((rc = run(db, who == DB_OFFICE ? Q_OFF_MFA_RESET : Q_PU_MFA_RESET, in, NULL, NULL, NULL, NULL, NULL, NULL)) != DB_OK)
		return rc;
	return run(db, who == DB_OFFICE ? Q_OFF_RECOVERY_DELETE_ALL : Q_RECOVERY_DELETE_ALL, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_mfa_require(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
			      int on)
{
	MYSQL_BIND in[3];
	long long v = on != 0;

	b_int(&in[0], &v);
	b_uint(&in[1], &id);
	b_uint(&in[2], &tenant_id);
	return run(db, who == DB_OFFICE ? Q_OFF_MFA_REQUIRE : Q_PU_MFA_REQUIRE, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_mfa_recovery_set(struct db *db, enum db_who who, unsigned id,
				   const unsigned char (*hashes)[32], size_t n)
{
	MYSQL_BIND in[2];
	unsigned long hl = 32;
	enum db_result rc;

	b_uint(&in[0], &id);
	if ((rc = run(db, who == DB_OFFICE ? Q_OFF_RECOVERY_DELETE_ALL : Q_RECOVERY_DELETE_ALL, in, NULL, NULL, NULL, NULL, NULL, NULL)) != DB_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		b_blob(&in[1], hashes[i], &hl);
		if ((rc = run(db, who == DB_OFFICE ? Q_OFF_RECOVERY_INSERT : Q_RECOVERY_INSERT, in, NULL, NULL, NULL, NULL, NULL, NULL)) !=
		    DB_OK)
			return rc;
	}
	return DB_OK;
}

enum db_result db_mfa_recovery_use(struct db *db, enum db_who who, unsigned id,
				   const unsigned char hash[32])
{
	MYSQL_BIND in[2];
	unsigned long hl = 32;
	unsigned long long n = 0;
	enum db_result rc;

	b_uint(&in[0], &id);
	b_blob(&in[1], hash, &hl);
	if ((rc = run(db, who == DB_OFFICE ? Q_OFF_RECOVERY_USE : Q_RECOVERY_USE, in, NULL, NULL, NULL, NULL, &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_mfa_recovery_count(struct db *db, enum db_who who, unsigned id, unsigned *n)
{
	MYSQL_BIND in[1], o[1];
	long long c = 0;
	enum db_result rc;

	b_uint(&in[0], &id);
	b_int(&o[0], &c);
	rc = run(db, who == DB_OFFICE ? Q_OFF_RECOVERY_COUNT : Q_RECOVERY_COUNT, in, o, NULL, NULL, NULL, NULL, NULL);
	*n = (unsigned)c;
	return rc;
}

enum db_result db_customer_token_set(struct db *db, unsigned tenant_id, unsigned id,
				     const unsigned char hash[32], const unsigned char *sealed,
				     size_t len)
{
	MYSQL_BIND in[4];
	unsigned long hl = 32, sl = (unsigned long)len;
	unsigned long long n = 0;
	enum db_result rc;

	b_blob(&in[0], hash, &hl);
	b_blob(&in[1], sealed, &sl);
	b_uint(&in[2], &id);
	b_uint(&in[3], &tenant_id);
	if ((rc = run(db, Q_CUST_TOKEN_SET, in, NULL, NULL, NULL, NULL, &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_customer_token_get(struct db *db, unsigned tenant_id, unsigned id,
				     unsigned char *sealed, size_t sz, size_t *len, char at[24])
{
	MYSQL_BIND in[2], o[2];
	unsigned long l[2];
	size_t rows = 0;
	enum db_result rc;

	*len = 0;
	at[0] = '\0';
	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	b_out_blob(&o[0], sealed, sz, &l[0]);
	b_out(&o[1], at, 24, &l[1]);
	if ((rc = run(db, Q_CUST_TOKEN_GET, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	if (rows != 1)
		return DB_NOTFOUND;
	*len = l[0] <= sz ? l[0] : 0;
	fix_str(at, 24, l[1]);
	return DB_OK;
}

enum db_result db_customer_by_token(struct db *db, unsigned tenant_id,
				    const unsigned char hash[32], unsigned *id,
				    unsigned *portal_users)
{
	MYSQL_BIND in[2], o[2];
	unsigned long hl = 32;
	long long n = 0;
	size_t rows = 0;
	enum db_result rc;

	b_blob(&in[0], hash, &hl);
	b_uint(&in[1], &tenant_id);
	b_uint(&o[0], id);
	b_int(&o[1], &n);
	if ((rc = run(db, Q_CUST_BY_TOKEN, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	*portal_users = (unsigned)n;
	return rows == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_mfa_state(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
			    int *required, int *enabled)
{
	MYSQL_BIND in[2], o[2];
	long long r = 0, e = 0;
	size_t rows = 0;
	enum db_result rc;

	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	b_int(&o[0], &r);
	b_int(&o[1], &e);
	if ((rc = run(db, who == DB_OFFICE ? Q_OFF_MFA_STATE : Q_PU_MFA_STATE, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	*required = r != 0;
	*enabled = e != 0;
	return rows == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_throttle_peek(struct db *db, const unsigned char key[32], struct db_throttle *t)
{
	MYSQL_BIND in[1], o[2];
	unsigned long kl = 32;
	long long attempts = 0;

	memset(t, 0, sizeof *t);
	b_blob(&in[0], key, &kl);
	b_int(&o[0], &attempts);
	b_int(&o[1], &t->locked_secs);
	enum db_result rc = run(db, Q_THROTTLE_PEEK, in, o, NULL, NULL, NULL, NULL, NULL);
	t->attempts = (unsigned)attempts;
	return rc;
}

/* Runs q with (id, tenant_id) as its parameters and expects one row:
 * DB_NOTFOUND otherwise (another tenant's id included). */
static enum db_result run_one(struct db *db, enum q q, unsigned id, unsigned tenant_id,
			      MYSQL_BIND *out, row_fn fix, void *ctx)
{
	MYSQL_BIND in[2];
	size_t rows = 0;
	enum db_result rc;

	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	if ((rc = run(db, q, in, out, fix, ctx, &rows, NULL, NULL)) != DB_OK)
		return rc;
	return rows == 1 ? DB_OK : DB_NOTFOUND;
}

/* ---- office users (the settings pages) ---- */

struct ou_row {
	struct db_office_user u;
	unsigned long l[12];
	long long active, settings;
	uint64_t version; /* the list's, read with the rows by id */
	db_office_user_fn fn;
	void *ctx;
	MYSQL_BIND out[15];
};

static void ou_bind(struct ou_row *r, int full)
{
	struct db_office_user *u = &r->u;
	b_uint(&r->out[0], &u->id);
	b_out(&r->out[1], u->email, sizeof u->email, &r->l[0]);
	b_out(&r->out[2], u->first, sizeof u->first, &r->l[1]);
	b_out(&r->out[3], u->last, sizeof u->last, &r->l[2]);
	b_out(&r->out[4], u->role, sizeof u->role, &r->l[3]);
	b_out(&r->out[5], u->phone, sizeof u->phone, &r->l[4]);
	b_int(&r->out[6], &r->active);
	b_int(&r->out[7], &r->settings);
	if (!full)
		return;
	b_out(&r->out[8], u->mobile_provider, sizeof u->mobile_provider, &r->l[5]);
	b_out(&r->out[9], u->street, sizeof u->street, &r->l[6]);
	b_out(&r->out[10], u->city, sizeof u->city, &r->l[7]);
	b_out(&r->out[11], u->state, sizeof u->state, &r->l[8]);
	b_out(&r->out[12], u->zip, sizeof u->zip, &r->l[9]);
	b_out(&r->out[13], u->country, sizeof u->country, &r->l[10]);
	b_out(&r->out[14], u->default_screen, sizeof u->default_screen, &r->l[11]);
}

static int ou_fix(void *ctx)
{
	struct ou_row *r = ctx;
	struct db_office_user *u = &r->u;
	char *const bufs[] = {u->email, u->first, u->last, u->role, u->phone, u->mobile_provider,
			      u->street, u->city, u->state, u->zip, u->country, u->default_screen};
	const size_t sizes[] = {sizeof u->email, sizeof u->first, sizeof u->last, sizeof u->role,
				sizeof u->phone, sizeof u->mobile_provider, sizeof u->street,
				sizeof u->city, sizeof u->state, sizeof u->zip, sizeof u->country,
				sizeof u->default_screen};
	for (size_t i = 0; i < 12; i++)
		fix_str(bufs[i], sizes[i], r->l[i]);
	u->active = r->active != 0;
	u->settings = (int)r->settings;
	return r->fn ? r->fn(r->ctx, u) : 0;
}

enum db_result db_office_users_version(struct db *db, unsigned tenant_id,
				       unsigned long long *total, uint64_t *version)
{
	return list_version(db, Q_OU_VERSION, tenant_id, total, version);
}

enum db_result db_office_user_ids(struct db *db, unsigned tenant_id, const struct list_view *lv,
				  unsigned **ids, size_t *n)
{
	static const enum q by[5] = {Q_OU_IDS_EMAIL, Q_OU_IDS_FIRST, Q_OU_IDS_LAST, Q_OU_IDS_ROLE,
				     Q_OU_IDS_STATUS};

	*ids = NULL;
	*n = 0;
	if (lv->sort > 4)
		return DB_ERR;
	return view_ids(db, by[lv->sort], tenant_id, lv, ids, n);
}

enum db_result db_office_users_by_ids(struct db *db, unsigned tenant_id, const unsigned *ids,
				      size_t n, db_office_user_fn fn, void *ctx, uint64_t *version)
{
	struct ou_row r;

	memset(&r, 0, sizeof r);
	ou_bind(&r, 0);
	b_u64(&r.out[8], &r.version);
	r.fn = fn;
	r.ctx = ctx;
	return rows_by_ids(db, Q_OU_BY_IDS, tenant_id, ids, n, r.out, ou_fix, &r, &r.version,
			   version);
}

enum db_result db_office_user_get(struct db *db, unsigned tenant_id, unsigned id,
				  struct db_office_user *out)
{
	struct ou_row r;
	enum db_result rc;

	memset(&r, 0, sizeof r);
	ou_bind(&r, 1);
	if ((rc = run_one(db, Q_OU_GET, id, tenant_id, r.out, ou_fix, &r)) == DB_OK)
		*out = r.u;
	return rc;
}

/* The twelve text columns of an office user, in statement order. */
static void ou_texts(MYSQL_BIND *in, unsigned long *l, const struct db_office_user *u)
{
	b_str(&in[0], u->email, &l[0]);
	b_str(&in[1], u->role, &l[1]);
	b_str(&in[2], u->first, &l[2]);
	b_str(&in[3], u->last, &l[3]);
	b_str(&in[4], u->phone, &l[4]);
	b_str(&in[5], u->mobile_provider, &l[5]);
	b_str(&in[6], u->street, &l[6]);
	b_str(&in[7], u->city, &l[7]);
	b_str(&in[8], u->state, &l[8]);
	b_str(&in[9], u->zip, &l[9]);
	b_str(&in[10], u->country, &l[10]);
	b_str(&in[11], u->default_screen, &l[11]);
}

enum db_result db_office_user_add(struct db *db, unsigned tenant_id, const struct db_office_user *u,
				  const char *hash, unsigned *id)
{
	MYSQL_BIND in[14], t[12];
	unsigned long l[12], hl;
	unsigned long long iid = 0;
	enum db_result rc;

	ou_texts(t, l, u);
	b_uint(&in[0], &tenant_id);
	in[1] = t[0];				/* email */
	b_str(&in[2], hash, &hl);
	in[3] = t[1];				/* role */
	memcpy(&in[4], &t[2], 10 * sizeof t[0]); /* first .. default_screen */
	rc = run(db, Q_OU_INSERT_FULL, in, NULL, NULL, NULL, NULL, NULL, &iid);
	if (rc == DB_OK && id)
		*id = (unsigned)iid;
	return rc;
}

enum db_result db_office_user_update(struct db *db, unsigned tenant_id,
				     const struct db_office_user *u)
{
	MYSQL_BIND in[14];
	unsigned long l[12];
	unsigned id = u->id;

	ou_texts(in, l, u);
	b_uint(&in[12], &id);
	b_uint(&in[13], &tenant_id);
	return run(db, Q_OU_UPDATE, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_office_user_set_password(struct db *db, unsigned tenant_id, unsigned id,
					   const char *hash)
{
	MYSQL_BIND in[3];
	unsigned long l;

	b_str(&in[0], hash, &l);
	b_uint(&in[1], &id);
	b_uint(&in[2], &tenant_id);
	return run(db, Q_OU_SET_PASSWORD, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_office_sessions_delete_others(struct db *db, unsigned user_id,
						const unsigned char keep[32])
{
	MYSQL_BIND in[2];
	unsigned long hl = 32;

	if (keep == NULL)
		return db_session_delete_office_user(db, user_id);
	b_uint(&in[0], &user_id);
	b_blob(&in[1], keep, &hl);
	return run(db, Q_OU_SESSIONS_DELETE_OTHERS, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_office_token_kill(struct db *db, unsigned user_id)
{
	MYSQL_BIND in[1];

	b_uint(&in[0], &user_id);
	return run(db, Q_OU_TOKEN_KILL, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_office_token_new(struct db *db, unsigned tenant_id, unsigned user_id,
				   const unsigned char hash[32], unsigned valid_min)
{
	MYSQL_BIND in[4];
	unsigned long hl = 32;
	enum db_result rc;

	if ((rc = db_office_token_kill(db, user_id)) != DB_OK)
		return rc;
	b_blob(&in[0], hash, &hl);
	b_uint(&in[1], &tenant_id);
	b_uint(&in[2], &user_id);
	b_uint(&in[3], &valid_min);
	return run(db, Q_OU_TOKEN_INSERT, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_office_token_find(struct db *db, const unsigned char hash[32],
				    struct db_office_token *out)
{
	MYSQL_BIND in[1], o[6];
	unsigned long hl = 32, l;
	long long live = 0, active = 0;
	size_t rows = 0;
	enum db_result rc;

	memset(out, 0, sizeof *out);
	b_blob(&in[0], hash, &hl);
	b_u64(&o[0], &out->id);
	b_uint(&o[1], &out->user_id);
	b_uint(&o[2], &out->tenant_id);
	b_int(&o[3], &live);
	b_int(&o[4], &active);
	b_out(&o[5], out->email, sizeof out->email, &l);
	if ((rc = run(db, Q_OU_TOKEN_LOOKUP, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	if (rows != 1)
		return DB_NOTFOUND;
	fix_str(out->email, sizeof out->email, l);
	out->live = live != 0;
	out->active = active != 0;
	return DB_OK;
}

enum db_result db_office_token_use(struct db *db, uint64_t id)
{
	MYSQL_BIND in[1];
	unsigned long long n = 0;
	enum db_result rc;

	b_u64(&in[0], &id);
	if ((rc = run(db, Q_OU_TOKEN_USE, in, NULL, NULL, NULL, NULL, &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_office_reset_target(struct db *db, const char *email,
				      struct db_office_reset *out)
{
	MYSQL_BIND in[1], o[5];
	unsigned long el, l[2];
	long long active = 0;
	size_t rows = 0;
	enum db_result rc;

	memset(out, 0, sizeof *out);
	b_str(&in[0], email, &el);
	b_uint(&o[0], &out->id);
	b_uint(&o[1], &out->tenant_id);
	b_int(&o[2], &active);
	b_out(&o[3], out->email, sizeof out->email, &l[0]);
	b_out(&o[4], out->company, sizeof out->company, &l[1]);
	if ((rc = run(db, Q_OU_RESET_TARGET, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	if (rows != 1)
		return DB_NOTFOUND;
	fix_str(out->email, sizeof out->email, l[0]);
	fix_str(out->company, sizeof out->company, l[1]);
	out->active = active != 0;
	return DB_OK;
}

struct perm_ctx {
	char module[33];
	unsigned long l;
	long long level;
	int *levels;
	const char *const *keys;
	size_t n;
	MYSQL_BIND out[2];
};

static int perm_fix(void *p)
{
	struct perm_ctx *c = p;
	fix_str(c->module, sizeof c->module, c->l);
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->keys[i], c->module) == 0)
			c->levels[i] = (int)c->level;
	return 0;
}

enum db_result db_office_user_perms(struct db *db, unsigned user_id, const char *const *keys,
				    size_t n, int *levels)
{
	MYSQL_BIND in[1];
	struct perm_ctx c;

	memset(&c, 0, sizeof c);
	for (size_t i = 0; i < n; i++)
		levels[i] = 0;
	c.levels = levels;
	c.keys = keys;
	c.n = n;
	b_out(&c.out[0], c.module, sizeof c.module, &c.l);
	b_int(&c.out[1], &c.level);
	b_uint(&in[0], &user_id);
	return run(db, Q_OU_PERMS, in, c.out, perm_fix, &c, NULL, NULL, NULL);
}

enum db_result db_office_user_delete(struct db *db, unsigned tenant_id, unsigned id,
				     const char *email)
{
	MYSQL_BIND in[2];
	unsigned long l;
	unsigned long long n = 0;
	enum db_result rc;

	b_str(&in[0], email, &l);
	b_uint(&in[1], &tenant_id);
	if ((rc = run(db, Q_TOMBSTONE_ADD, in, NULL, NULL, NULL, NULL, NULL, NULL)) != DB_OK)
		return rc;
	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	if ((rc = run(db, Q_OU_DELETE, in, NULL, NULL, NULL, NULL, &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_office_user_set_active(struct db *db, unsigned tenant_id, unsigned id, int active)
{
	MYSQL_BIND in[3];
	long long a = active != 0;

	b_int(&in[0], &a);
	b_uint(&in[1], &id);
	b_uint(&in[2], &tenant_id);
	return run(db, Q_OU_SET_ACTIVE_T, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

struct supers_ctx {
	unsigned id, n;
	unsigned *ids;
	size_t max;
	MYSQL_BIND out[1];
};

static int supers_fix(void *p)
{
	struct supers_ctx *c = p;
	if (c->n < c->max)
		c->ids[c->n] = c->id;
	c->n++;
	return 0;
}

enum db_result db_office_supers_locked(struct db *db, unsigned tenant_id, unsigned *ids,
				       size_t max, unsigned *n)
{
	MYSQL_BIND in[1];
	struct supers_ctx c;
	enum db_result rc;

	memset(&c, 0, sizeof c);
	c.ids = ids;
	c.max = max;
	b_uint(&c.out[0], &c.id);
	b_uint(&in[0], &tenant_id);
	rc = run(db, Q_OU_SUPERS_LOCKED, in, c.out, supers_fix, &c, NULL, NULL, NULL);
	*n = c.n;
	return rc;
}

enum db_result db_office_login_tombstoned(struct db *db, const char *email, int *yes)
{
	MYSQL_BIND in[1], o[1];
	unsigned long l;
	long long n = 0;
	enum db_result rc;

	b_str(&in[0], email, &l);
	b_int(&o[0], &n);
	rc = run(db, Q_TOMBSTONE_HAS, in, o, NULL, NULL, NULL, NULL, NULL);
	*yes = n > 0;
	return rc;
}

/* ---- calendars and vehicles, and office users' links to them ---- */

static const enum q named_q[2][3] = {{Q_CAL_LIST, Q_CAL_ADD, Q_CAL_DELETE},
				      {Q_VEH_LIST, Q_VEH_ADD, Q_VEH_DELETE}};
static const enum q links_q[2][3] = {{Q_OU_CALS, Q_OU_CALS_CLEAR, Q_OU_CALS_ADD},
				      {Q_OU_VEHS, Q_OU_VEHS_CLEAR, Q_OU_VEHS_ADD}};

struct named_row {
	struct db_named n;
	unsigned long l;
	db_named_fn fn;
	void *ctx;
	MYSQL_BIND out[2];
};

static int named_fix(void *p)
{
	struct named_row *r = p;
	fix_str(r->n.name, sizeof r->n.name, r->l);
	return r->fn(r->ctx, &r->n);
}

enum db_result db_named_list(struct db *db, enum db_named_kind k, unsigned tenant_id,
			     db_named_fn fn, void *ctx)
{
	MYSQL_BIND in[1];
	struct named_row r;

	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	b_uint(&r.out[0], &r.n.id);
	b_out(&r.out[1], r.n.name, sizeof r.n.name, &r.l);
	b_uint(&in[0], &tenant_id);
	return run(db, named_q[k][0], in, r.out, named_fix, &r, NULL, NULL, NULL);
}

enum db_result db_named_add(struct db *db, enum db_named_kind k, unsigned tenant_id,
			    const char *name, unsigned *id)
{
	MYSQL_BIND in[2];
	unsigned long l;
	unsigned long long iid = 0;
	enum db_result rc;

	b_uint(&in[0], &tenant_id);
	b_str(&in[1], name, &l);
	rc = run(db, named_q[k][1], in, NULL, NULL, NULL, NULL, NULL, &iid);
	if (rc == DB_OK && id)
		*id = (unsigned)iid;
	return rc;
}

enum db_result db_named_delete(struct db *db, enum db_named_kind k, unsigned tenant_id,
			       unsigned id)
{
	MYSQL_BIND in[2];
	unsigned long long n = 0;
	enum db_result rc;

	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	if ((rc = run(db, named_q[k][2], in, NULL, NULL, NULL, NULL, &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_NOTFOUND;
}

struct links_ctx {
	unsigned id, *ids;
	size_t n, max;
	MYSQL_BIND out[1];
};

static int links_fix(void *p)
{
	struct links_ctx *c = p;
	if (c->n < c->max)
		c->ids[c->n] = c->id;
	c->n++;
	return 0;
}

enum db_result db_user_links(struct db *db, enum db_named_kind k, unsigned user_id,
			     unsigned *ids, size_t max, size_t *n)
{
	MYSQL_BIND in[1];
	struct links_ctx c;
	enum db_result rc;

	memset(&c, 0, sizeof c);
	c.ids = ids;
	c.max = max;
	b_uint(&c.out[0], &c.id);
	b_uint(&in[0], &user_id);
	rc = run(db, links_q[k][0], in, c.out, links_fix, &c, NULL, NULL, NULL);
	*n = c.n < max ? c.n : max;
	return rc;
}

enum db_result db_user_links_set(struct db *db, enum db_named_kind k, unsigned tenant_id,
				 unsigned user_id, const unsigned *ids, size_t n, size_t *added)
{
	MYSQL_BIND in[3];
	unsigned long long a = 0;
	enum db_result rc;

	*added = 0;
	b_uint(&in[0], &user_id);
	if ((rc = run(db, links_q[k][1], in, NULL, NULL, NULL, NULL, NULL, NULL)) != DB_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		unsigned id = ids[i];
		b_uint(&in[1], &id);
		b_uint(&in[2], &tenant_id);
		if ((rc = run(db, links_q[k][2], in, NULL, NULL, NULL, NULL, &a, NULL)) != DB_OK &&
		    rc != DB_DUP)
			return rc;
		*added += rc == DB_OK ? a : 0;
	}
	return DB_OK;
}

enum db_result db_office_user_extras(struct db *db, unsigned tenant_id, unsigned id,
				     int *all_vehicles, char *notify, size_t notifysz)
{
	MYSQL_BIND in[2], o[2];
	long long all = 1;
	unsigned long l = 0;
	size_t rows = 0;
	enum db_result rc;

	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	b_int(&o[0], &all);
	b_out(&o[1], notify, notifysz, &l);
	if ((rc = run(db, Q_OU_EXTRAS, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	if (rows != 1)
		return DB_NOTFOUND;
	fix_str(notify, notifysz, l);
	*all_vehicles = all != 0;
	return DB_OK;
}

enum db_result db_office_user_set_extras(struct db *db, unsigned tenant_id, unsigned id,
					 int all_vehicles, const char *notify)
{
	MYSQL_BIND in[4];
	long long all = all_vehicles != 0;
	unsigned long l;

	b_int(&in[0], &all);
	b_str(&in[1], notify, &l);
	b_uint(&in[2], &id);
	b_uint(&in[3], &tenant_id);
	return run(db, Q_OU_SET_EXTRAS, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- office users' own mail connection ---- */

enum db_result db_office_mail_get(struct db *db, unsigned tenant_id, unsigned id,
				  struct db_office_mail *m)
{
	MYSQL_BIND in[2], o[9];
	unsigned long l[8];
	long long ok = 0;
	size_t rows = 0;
	enum db_result rc;

	memset(m, 0, sizeof *m);
	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	b_out(&o[0], m->provider, sizeof m->provider, &l[0]);
	b_out(&o[1], m->host, sizeof m->host, &l[1]);
	b_uint(&o[2], &m->port);
	b_out(&o[3], m->security, sizeof m->security, &l[2]);
	b_out(&o[4], m->user, sizeof m->user, &l[3]);
	b_out_blob(&o[5], m->password, sizeof m->password, &l[4]);
	b_out(&o[6], m->tested_at, sizeof m->tested_at, &l[5]);
	b_int(&o[7], &ok);
	b_out(&o[8], m->test_result, sizeof m->test_result, &l[6]);
	if ((rc = run(db, Q_OU_MAIL_GET, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	if (rows != 1)
		return DB_NOTFOUND;
	fix_str(m->provider, sizeof m->provider, l[0]);
	fix_str(m->host, sizeof m->host, l[1]);
	fix_str(m->security, sizeof m->security, l[2]);
	fix_str(m->user, sizeof m->user, l[3]);
	m->password_len = l[4] <= sizeof m->password ? l[4] : 0;
	fix_str(m->tested_at, sizeof m->tested_at, l[5]);
	fix_str(m->test_result, sizeof m->test_result, l[6]);
	m->test_ok = ok != 0;
	return DB_OK;
}

enum db_result db_office_mail_set(struct db *db, unsigned tenant_id, unsigned id,
				  const struct db_office_mail *m)
{
	MYSQL_BIND in[7];
	unsigned long l[4];
	unsigned port = m->port;

	b_str(&in[0], m->provider, &l[0]);
	b_str(&in[1], m->host, &l[1]);
	b_uint(&in[2], &port);
	b_str(&in[3], m->security, &l[2]);
	b_str(&in[4], m->user, &l[3]);
	b_uint(&in[5], &id);
	b_uint(&in[6], &tenant_id);
	return run(db, Q_OU_MAIL_SET, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_office_mail_password(struct db *db, unsigned tenant_id, unsigned id,
				       const unsigned char *sealed, size_t len)
{
	MYSQL_BIND in[3];
	unsigned long sl = (unsigned long)len;

	b_blob(&in[0], sealed, &sl);
	b_uint(&in[1], &id);
	b_uint(&in[2], &tenant_id);
	return run(db, Q_OU_MAIL_PASSWORD, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_office_mail_tested(struct db *db, unsigned tenant_id, unsigned id, int ok,
				     const char *result)
{
	MYSQL_BIND in[4];
	long long k = ok != 0;
	unsigned long l;

	b_int(&in[0], &k);
	b_str(&in[1], result, &l);
	b_uint(&in[2], &id);
	b_uint(&in[3], &tenant_id);
	return run(db, Q_OU_MAIL_TESTED, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- portal permission groups ---- */

struct group_row {
	struct db_group g;
	unsigned long l[2];
	long long sys, def, mfa, members;
	db_group_fn fn;
	void *ctx;
	MYSQL_BIND out[7];
};

static void group_bind(struct group_row *r)
{
	b_uint(&r->out[0], &r->g.id);
	b_out(&r->out[1], r->g.name, sizeof r->g.name, &r->l[0]);
	b_int(&r->out[2], &r->sys);
	b_int(&r->out[3], &r->def);
	b_int(&r->out[4], &r->mfa);
	b_out(&r->out[5], r->g.perms, sizeof r->g.perms, &r->l[1]);
	b_int(&r->out[6], &r->members);
}

static int group_fix(void *p)
{
	struct group_row *r = p;
	fix_str(r->g.name, sizeof r->g.name, r->l[0]);
	fix_str(r->g.perms, sizeof r->g.perms, r->l[1]);
	r->g.is_system = r->sys != 0;
	r->g.is_default = r->def != 0;
	r->g.require_mfa = r->mfa != 0;
	r->g.members = (unsigned)r->members;
	return r->fn ? r->fn(r->ctx, &r->g) : 0;
}

enum db_result db_groups(struct db *db, unsigned tenant_id, db_group_fn fn, void *ctx)
{
	MYSQL_BIND in[1];
	struct group_row r;

	memset(&r, 0, sizeof r);
	group_bind(&r);
	r.fn = fn;
	r.ctx = ctx;
	b_uint(&in[0], &tenant_id);
	return run(db, Q_GROUP_LIST, in, r.out, group_fix, &r, NULL, NULL, NULL);
}

enum db_result db_group_get(struct db *db, unsigned tenant_id, unsigned id, struct db_group *out)
{
	struct group_row r;
	enum db_result rc;

	memset(&r, 0, sizeof r);
	group_bind(&r);
	if ((rc = run_one(db, Q_GROUP_GET, id, tenant_id, r.out, group_fix, &r)) == DB_OK)
		*out = r.g;
	return rc;
}

enum db_result db_group_save(struct db *db, unsigned tenant_id, struct db_group *g)
{
	MYSQL_BIND in[6];
	unsigned long l[2];
	long long def = g->is_default != 0, mfa = g->require_mfa != 0;
	unsigned long long iid = 0, n = 0;
	enum db_result rc;

	if (g->id == 0) {
		b_uint(&in[0], &tenant_id);
		b_str(&in[1], g->name, &l[0]);
		b_int(&in[2], &def);
		b_int(&in[3], &mfa);
		b_str(&in[4], g->perms, &l[1]);
		if ((rc = run(db, Q_GROUP_ADD, in, NULL, NULL, NULL, NULL, NULL, &iid)) != DB_OK)
			return rc;
		g->id = (unsigned)iid;
	} else {
		b_str(&in[0], g->name, &l[0]);
		b_int(&in[1], &def);
		b_int(&in[2], &mfa);
		b_str(&in[3], g->perms, &l[1]);
		b_uint(&in[4], &g->id);
		b_uint(&in[5], &tenant_id);
		if ((rc = run(db, Q_GROUP_UPDATE, in, NULL, NULL, NULL, NULL, &n, NULL)) != DB_OK)
			return rc;
	}
	if (!g->is_default)
		return DB_OK;
	b_uint(&in[0], &tenant_id);
	b_uint(&in[1], &g->id);
	return run(db, Q_GROUP_CLEAR_DEFAULT, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_group_delete(struct db *db, unsigned tenant_id, unsigned id)
{
	MYSQL_BIND in[2];
	unsigned long long n = 0;
	enum db_result rc;

	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	if ((rc = run(db, Q_GROUP_DELETE, in, NULL, NULL, NULL, NULL, &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_portal_access_get(struct db *db, unsigned tenant_id, unsigned id,
				    unsigned *group_id, int *active, int *reports)
{
	MYSQL_BIND in[2], o[3];
	long long a = 0, rep = 0;
	size_t rows = 0;
	enum db_result rc;

	b_uint(&in[0], &id);
	b_uint(&in[1], &tenant_id);
	b_uint(&o[0], group_id);
	b_int(&o[1], &a);
	b_int(&o[2], &rep);
	if ((rc = run(db, Q_PU_ACCESS_GET, in, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		return rc;
	*active = a != 0;
	*reports = rep != 0;
	return rows == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_portal_access_set(struct db *db, unsigned tenant_id, unsigned id,
				    unsigned group_id, int active, int reports)
{
	MYSQL_BIND in[5];
	long long a = active != 0, rep = reports != 0;

	b_uint(&in[0], &group_id);
	b_int(&in[1], &a);
	b_int(&in[2], &rep);
	b_uint(&in[3], &id);
	b_uint(&in[4], &tenant_id);
	return run(db, Q_PU_ACCESS_SET, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- customers' contacts ---- */

struct contact_row {
	struct db_contact c;
	unsigned long l[4];
	db_contact_fn fn;
	void *ctx;
	MYSQL_BIND out[7];
};

static void contact_bind(struct contact_row *r, int with_customer)
{
	b_uint(&r->out[0], &r->c.id);
	b_out(&r->out[1], r->c.name, sizeof r->c.name, &r->l[0]);
	b_out(&r->out[2], r->c.email, sizeof r->c.email, &r->l[1]);
	b_out(&r->out[3], r->c.phone, sizeof r->c.phone, &r->l[2]);
	b_uint(&r->out[4], &r->c.portal_user_id);
	b_out(&r->out[5], r->c.login, sizeof r->c.login, &r->l[3]);
	if (with_customer)
		b_uint(&r->out[6], &r->c.customer_id);
}

static int contact_fix(void *p)
{
	struct contact_row *r = p;
	fix_str(r->c.name, sizeof r->c.name, r->l[0]);
	fix_str(r->c.email, sizeof r->c.email, r->l[1]);
	fix_str(r->c.phone, sizeof r->c.phone, r->l[2]);
	fix_str(r->c.login, sizeof r->c.login, r->l[3]);
	return r->fn ? r->fn(r->ctx, &r->c) : 0;
}

enum db_result db_contacts(struct db *db, unsigned tenant_id, unsigned customer_id,
			   db_contact_fn fn, void *ctx)
{
	MYSQL_BIND in[2];
	struct contact_row r;

	memset(&r, 0, sizeof r);
	contact_bind(&r, 0);
	r.fn = fn;
	r.ctx = ctx;
	b_uint(&in[0], &customer_id);
	b_uint(&in[1], &tenant_id);
	return run(db, Q_CONTACT_LIST, in, r.out, contact_fix, &r, NULL, NULL, NULL);
}

enum db_result db_contact_add(struct db *db, unsigned tenant_id, unsigned customer_id,
			      const char *name, const char *email, const char *phone)
{
	MYSQL_BIND in[5];
	unsigned long l[3];

	b_uint(&in[0], &tenant_id);
	b_uint(&in[1], &customer_id);
	b_str(&in[2], name, &l[0]);
	b_str(&in[3], email, &l[1]);
	b_str(&in[4], phone, &l[2]);
	return run(db, Q_CONTACT_ADD, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_contact_get_locked(struct db *db, unsigned tenant_id, unsigned id,
				     struct db_contact *out)
{
	struct contact_row r;
	enum db_result rc;

	memset(&r, 0, sizeof r);
	contact_bind(&r, 1);
	if ((rc = run_one(db, Q_CONTACT_GET, id, tenant_id, r.out, contact_fix, &r)) == DB_OK)
		*out = r.c;
	return rc;
}

enum db_result db_contact_link(struct db *db, unsigned tenant_id, unsigned id, unsigned user_id)
{
	MYSQL_BIND in[3];
	unsigned long long n = 0;
	enum db_result rc;

	b_uint(&in[0], &user_id);
	b_uint(&in[1], &id);
	b_uint(&in[2], &tenant_id);
	if ((rc = run(db, Q_CONTACT_LINK, in, NULL, NULL, NULL, NULL, &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_NOTFOUND;
}

/* ---- sites ---- */

struct site_row {
	struct db_site st;
	unsigned long l[2];
	db_site_fn fn;
	void *ctx;
	MYSQL_BIND out[4];
};

static void site_bind(struct site_row *r)
{
	b_uint(&r->out[0], &r->st.id);
	b_uint(&r->out[1], &r->st.parent_id);
	b_out(&r->out[2], r->st.name, sizeof r->st.name, &r->l[0]);
	b_out(&r->out[3], r->st.address, sizeof r->st.address, &r->l[1]);
}

static int site_fix(void *p)
{
	struct site_row *r = p;
	fix_str(r->st.name, sizeof r->st.name, r->l[0]);
	fix_str(r->st.address, sizeof r->st.address, r->l[1]);
	return r->fn(r->ctx, &r->st);
}

enum db_result db_sites(struct db *db, unsigned tenant_id, unsigned customer_id, db_site_fn fn,
			void *ctx)
{
	MYSQL_BIND in[2];
	struct site_row r;

	memset(&r, 0, sizeof r);
	site_bind(&r);
	r.fn = fn;
	r.ctx = ctx;
	b_uint(&in[0], &customer_id);
	b_uint(&in[1], &tenant_id);
	return run(db, Q_SITE_LIST, in, r.out, site_fix, &r, NULL, NULL, NULL);
}

enum db_result db_portal_sites(struct db *db, unsigned tenant_id, unsigned customer_id,
			       unsigned user_id, db_site_fn fn, void *ctx)
{
	MYSQL_BIND in[5];
	struct site_row r;

	memset(&r, 0, sizeof r);
	site_bind(&r);
	r.fn = fn;
	r.ctx = ctx;
	b_uint(&in[0], &customer_id);
	b_uint(&in[1], &tenant_id);
	b_uint(&in[2], &user_id);
	b_uint(&in[3], &user_id);
	b_uint(&in[4], &user_id);
	return run(db, Q_PORTAL_SITES, in, r.out, site_fix, &r, NULL, NULL, NULL);
}

enum db_result db_site_add(struct db *db, unsigned tenant_id, unsigned customer_id,
			   unsigned parent_id, const char *name, const char *address)
{
	MYSQL_BIND in[5];
	unsigned long l[2];
	enum db_result rc;

	if (parent_id) {
		MYSQL_BIND o[1];
		long long ok = 0;
		b_uint(&in[0], &parent_id);
		b_uint(&in[1], &customer_id);
		b_uint(&in[2], &tenant_id);
		b_int(&o[0], &ok);
		if ((rc = run(db, Q_SITE_PARENT_OK, in, o, NULL, NULL, NULL, NULL, NULL)) != DB_OK)
			return rc;
		if (!ok)
			return DB_NOTFOUND;
	}
	b_uint(&in[0], &tenant_id);
	b_uint(&in[1], &customer_id);
	b_uint(&in[2], &parent_id);
	b_str(&in[3], name, &l[0]);
	b_str(&in[4], address, &l[1]);
	return run(db, Q_SITE_ADD, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

enum db_result db_user_all_sites(struct db *db, unsigned tenant_id, unsigned user_id, int *all)
{
	MYSQL_BIND o[1];
	long long a = 1;
	enum db_result rc;

	b_int(&o[0], &a);
	rc = run_one(db, Q_PU_ALL_SITES_GET, user_id, tenant_id, o, NULL, NULL);
	*all = a != 0;
	return rc;
}

enum db_result db_user_sites(struct db *db, unsigned user_id, unsigned *ids, size_t max, size_t *n)
{
	MYSQL_BIND in[1];
	struct links_ctx c;
	enum db_result rc;

	memset(&c, 0, sizeof c);
	c.ids = ids;
	c.max = max;
	b_uint(&c.out[0], &c.id);
	b_uint(&in[0], &user_id);
	rc = run(db, Q_PU_SITES, in, c.out, links_fix, &c, NULL, NULL, NULL);
	*n = c.n < max ? c.n : max;
	return rc;
}

enum db_result db_user_sites_set(struct db *db, unsigned tenant_id, unsigned user_id, int all,
				 const unsigned *ids, size_t n, size_t *added)
{
	MYSQL_BIND in[3];
	long long a = all != 0;
	unsigned long long k = 0;
	enum db_result rc;

	*added = 0;
	b_int(&in[0], &a);
	b_uint(&in[1], &user_id);
	b_uint(&in[2], &tenant_id);
	if ((rc = run(db, Q_PU_ALL_SITES, in, NULL, NULL, NULL, NULL, NULL, NULL)) != DB_OK)
		return rc;
	b_uint(&in[0], &user_id);
	if ((rc = run(db, Q_PU_SITES_CLEAR, in, NULL, NULL, NULL, NULL, NULL, NULL)) != DB_OK)
		return rc;
	for (size_t i = 0; !all && i < n; i++) {
		unsigned id = ids[i];
		b_uint(&in[1], &id);
		if ((rc = run(db, Q_PU_SITES_ADD, in, NULL, NULL, NULL, NULL, &k, NULL)) != DB_OK &&
		    rc != DB_DUP)
			return rc;
		*added += rc == DB_OK ? k : 0;
	}
	return DB_OK;
}

/* ---- a customer's portal users (the portal's Colleagues page) ---- */

struct colleague_row {
	struct db_colleague c;
	unsigned long l[4];
	long long active;
	struct status_cols st;
	MYSQL_TIME seen;
	my_bool seen_null;
	db_colleague_fn fn;
	void *ctx;
	MYSQL_BIND out[12];
};

static int colleague_fix(void *p)
{
	struct colleague_row *r = p;
	fix_str(r->c.email, sizeof r->c.email, r->l[0]);
	fix_str(r->c.group, sizeof r->c.group, r->l[1]);
	fix_str(r->c.perms, sizeof r->c.perms, r->l[2]);
	fix_str(r->c.name, sizeof r->c.name, r->l[3]);
	r->c.active = r->active != 0;
	snprintf(r->c.status, sizeof r->c.status, "%s", pstatus_key(status_fix(&r->st)));
	iso_time(r->c.last_sign_in, &r->seen, r->seen_null);
	return r->fn(r->ctx, &r->c);
}

enum db_result db_colleagues(struct db *db, unsigned tenant_id, unsigned customer_id,
			     db_colleague_fn fn, void *ctx)
{
	MYSQL_BIND in[2];
	struct colleague_row r;

	memset(&r, 0, sizeof r);
	r.fn = fn;
	r.ctx = ctx;
	b_uint(&r.out[0], &r.c.id);
	b_out(&r.out[1], r.c.email, sizeof r.c.email, &r.l[0]);
	b_int(&r.out[2], &r.active);
	b_uint(&r.out[3], &r.c.group_id);
	b_out(&r.out[4], r.c.group, sizeof r.c.group, &r.l[1]);
	b_out(&r.out[5], r.c.perms, sizeof r.c.perms, &r.l[2]);
	status_bind(&r.out[6], &r.st);
	time_bind(&r.out[10], &r.seen, &r.seen_null);
	b_out(&r.out[11], r.c.name, sizeof r.c.name, &r.l[3]);
	b_uint(&in[0], &customer_id);
	b_uint(&in[1], &tenant_id);
	return run(db, Q_PU_BY_CUSTOMER, in, r.out, colleague_fix, &r, NULL, NULL, NULL);
}

/* ---- customers' records (what the client portal shows) ---- */

struct record_row {
	struct db_record r;
	unsigned long l[6];
	db_record_fn fn;
	void *ctx;
	MYSQL_BIND out[9];
};

static int record_fix(void *p)
{
	struct record_row *x = p;
	fix_str(x->r.ref, sizeof x->r.ref, x->l[0]);
	fix_str(x->r.title, sizeof x->r.title, x->l[1]);
	fix_str(x->r.detail, sizeof x->r.detail, x->l[2]);
	fix_str(x->r.date, sizeof x->r.date, x->l[3]);
	fix_str(x->r.status, sizeof x->r.status, x->l[4]);
	fix_str(x->r.site, sizeof x->r.site, x->l[5]);
	return x->fn(x->ctx, &x->r);
}

enum db_result db_portal_records(struct db *db, unsigned tenant_id, unsigned customer_id,
				 unsigned user_id, const char *kind, unsigned only_id,
				 db_record_fn fn, void *ctx)
{
	MYSQL_BIND in[8];
	unsigned long kl;
	struct record_row *x;
	enum db_result rc;

	/* About 10 KiB: off the worker's stack. */
	if ((x = calloc(1, sizeof *x)) == NULL)
		return DB_ERR;
	x->fn = fn;
	x->ctx = ctx;
	b_uint(&x->out[0], &x->r.id);
	b_uint(&x->out[1], &x->r.site_id);
	b_int(&x->out[2], &x->r.amount_cents);
	b_out(&x->out[3], x->r.ref, sizeof x->r.ref, &x->l[0]);
	b_out(&x->out[4], x->r.title, sizeof x->r.title, &x->l[1]);
	b_out(&x->out[5], x->r.detail, sizeof x->r.detail, &x->l[2]);
	b_out(&x->out[6], x->r.date, sizeof x->r.date, &x->l[3]);
	b_out(&x->out[7], x->r.status, sizeof x->r.status, &x->l[4]);
	b_out(&x->out[8], x->r.site, sizeof x->r.site, &x->l[5]);
	b_uint(&in[0], &customer_id);
	b_uint(&in[1], &tenant_id);
	b_str(&in[2], kind, &kl);
	b_uint(&in[3], &user_id);
	b_uint(&in[4], &user_id);
	b_uint(&in[5], &user_id);
	b_uint(&in[6], &only_id);
	b_uint(&in[7], &only_id);
	rc = run(db, Q_REC_LIST, in, x->out, record_fix, x, NULL, NULL, NULL);
	free(x);
	return rc;
}

enum db_result db_record_status(struct db *db, unsigned tenant_id, unsigned customer_id,
				unsigned id, const char *kind, const char *from, const char *to,
				const char *by)
{
	MYSQL_BIND in[7];
	unsigned long l[4];
	unsigned long long n = 0;
	enum db_result rc;

	b_str(&in[0], to, &l[0]);
	b_str(&in[1], by, &l[1]);
	b_uint(&in[2], &id);
	b_uint(&in[3], &customer_id);
	b_uint(&in[4], &tenant_id);
	b_str(&in[5], kind, &l[2]);
	b_str(&in[6], from, &l[3]);
	if ((rc = run(db, Q_REC_STATUS, in, NULL, NULL, NULL, NULL, &n, NULL)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_record_add(struct db *db, const struct db_record_new *r, unsigned *id)
{
	MYSQL_BIND in[12];
	unsigned long l[8];
	long long amount = r->amount_cents, pub = r->is_public != 0;
	unsigned tenant = r->tenant_id, customer = r->customer_id, site = r->site_id;
	unsigned long long iid = 0;
	enum db_result rc;

	b_uint(&in[0], &tenant);
	b_uint(&in[1], &customer);
	b_uint(&in[2], &site);
	b_str(&in[3], r->kind, &l[0]);
	b_str(&in[4], r->ref ? r->ref : "", &l[1]);
	b_str(&in[5], r->title, &l[2]);
	b_str(&in[6], r->detail ? r->detail : "", &l[3]);
	b_str(&in[7], r->date, &l[4]);
	b_int(&in[8], &amount);
	b_str(&in[9], r->status ? r->status : "", &l[5]);
	b_int(&in[10], &pub);
	b_str(&in[11], r->by ? r->by : "", &l[6]);
	if ((rc = run(db, Q_REC_ADD, in, NULL, NULL, NULL, NULL, NULL, &iid)) != DB_OK)
		return rc;
	*id = (unsigned)iid;
	if (r->ref == NULL || r->ref[0] == '\0') {
		b_uint(&in[0], id);
		rc = run(db, Q_REC_REF, in, NULL, NULL, NULL, NULL, NULL, NULL);
	}
	return rc;
}

enum db_result db_record_count(struct db *db, unsigned tenant_id, unsigned customer_id,
			       unsigned *n)
{
	MYSQL_BIND in[2], o[1];
	long long c = 0;
	enum db_result rc;

	b_uint(&in[0], &customer_id);
	b_uint(&in[1], &tenant_id);
	b_int(&o[0], &c);
	rc = run(db, Q_REC_COUNT, in, o, NULL, NULL, NULL, NULL, NULL);
	*n = (unsigned)c;
	return rc;
}

/* ---- mail outbox ---- */

enum db_result db_outbox_enqueue(struct db *db, unsigned tenant_id, const char *kind,
				 const char *to, const char *subject, const char *payload,
				 const unsigned char *secret, size_t secretlen,
				 const char *message_id, uint64_t *id)
{
	MYSQL_BIND in[7];
	unsigned long l[5], sl = (unsigned long)secretlen;
	unsigned long long iid = 0;
	static my_bool is_null = 1;
	enum db_result rc;

	b_uint(&in[0], &tenant_id);
	b_str(&in[1], kind, &l[0]);
	b_str(&in[2], to, &l[1]);
	b_str(&in[3], subject, &l[2]);
	b_str(&in[4], payload, &l[3]);
	b_blob(&in[5], secret, &sl);
	if (secret == NULL || secretlen == 0) {
		in[5].buffer_type = MYSQL_TYPE_NULL;
		in[5].is_null = &is_null;
	}
	b_str(&in[6], message_id, &l[4]);
	rc = run(db, Q_OUTBOX_ENQUEUE, in, NULL, NULL, NULL, NULL, NULL, &iid);
	if (rc == DB_OK && id)
		*id = iid;
	return rc;
}

enum db_result db_outbox_claim(struct db *db, const unsigned char claim[DB_CLAIM_LEN],
			       unsigned lease_secs, const char *message_id, struct db_mail *m)
{
	MYSQL_BIND o[10], in[4];
	unsigned long l[7], cl = DB_CLAIM_LEN;
	long long attempts = 0;
	size_t rows = 0;
	enum db_result rc;

	memset(m, 0, sizeof *m);
	b_u64(&o[0], &m->id);
	b_uint(&o[1], &m->tenant_id);
	b_out(&o[2], m->kind, sizeof m->kind, &l[0]);
	b_out(&o[3], m->to, sizeof m->to, &l[1]);
	b_out(&o[4], m->subject, sizeof m->subject, &l[2]);
	b_out(&o[5], m->payload, sizeof m->payload, &l[3]);
	memset(&o[6], 0, sizeof o[6]);
	o[6].buffer_type = MYSQL_TYPE_BLOB;
	o[6].buffer = m->secret;
	o[6].buffer_length = sizeof m->secret;
	o[6].length = &l[4];
	b_int(&o[7], &attempts);
	b_int(&o[8], &m->age_secs);
	b_out(&o[9], m->message_id, sizeof m->message_id, &l[5]);
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = run(db, Q_OUTBOX_CLAIM, NULL, o, NULL, NULL, &rows, NULL, NULL)) != DB_OK)
		goto fail;
	if (rows != 1) {
		rc = DB_NOTFOUND;
		goto fail;
	}
	fix_str(m->kind, sizeof m->kind, l[0]);
	fix_str(m->to, sizeof m->to, l[1]);
	fix_str(m->subject, sizeof m->subject, l[2]);
	fix_str(m->payload, sizeof m->payload, l[3]);
	fix_str(m->message_id, sizeof m->message_id, l[5]);
	m->secretlen = l[4];
	m->attempts = (unsigned)attempts;
	if (m->message_id[0] == '\0')
		snprintf(m->message_id, sizeof m->message_id, "%s", message_id);
	b_blob(&in[0], claim, &cl);
	b_uint(&in[1], &lease_secs);
	b_str(&in[2], m->message_id, &l[6]);
	b_u64(&in[3], &m->id);
	if ((rc = run(db, Q_OUTBOX_LEASE, in, NULL, NULL, NULL, NULL, NULL, NULL)) != DB_OK)
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return rc;
}

/* Runs an outcome statement whose last two parameters are (id, claim):
 * DB_NOTFOUND when the claim is no longer ours. */
static enum db_result outcome(struct db *db, enum q q, MYSQL_BIND *in, size_t n, uint64_t *id,
			      const unsigned char *claim)
{
	unsigned long cl = DB_CLAIM_LEN;
	unsigned long long affected = 0;
	enum db_result rc;

	b_u64(&in[n], id);
	b_blob(&in[n + 1], claim, &cl);
	if ((rc = run(db, q, in, NULL, NULL, NULL, NULL, &affected, NULL)) != DB_OK)
		return rc;
	return affected == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_result db_outbox_sent(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN])
{
	MYSQL_BIND in[2];

	return outcome(db, Q_OUTBOX_SENT, in, 0, &id, claim);
}

enum db_result db_outbox_retry(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN],
			       unsigned delay_secs, const char *error)
{
	MYSQL_BIND in[4];
	unsigned long l;

	b_uint(&in[0], &delay_secs);
	b_str(&in[1], error, &l);
	return outcome(db, Q_OUTBOX_RETRY, in, 2, &id, claim);
}

enum db_result db_outbox_failed(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN],
				const char *error)
{
	MYSQL_BIND in[3];
	unsigned long l;

	b_str(&in[0], error, &l);
	return outcome(db, Q_OUTBOX_FAILED, in, 1, &id, claim);
}

enum db_result db_invite_state(struct db *db, uint64_t mail_id, const char *state)
{
	MYSQL_BIND in[2];
	unsigned long l;

	b_str(&in[0], state, &l);
	b_u64(&in[1], &mail_id);
	return run(db, Q_INVITE_STATE, in, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- migrations ---- */

#include <dirent.h>

static int mig_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs a whole migration file: DDL cannot be prepared as one statement
 * list, so this is the one place that sends raw SQL, and only from files in
 * the repository's sql/ directory. */
static enum db_result exec_file(struct db *db, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long sz;
	enum db_result rc = DB_ERR;
	int st;

	if (f == NULL) {
		snprintf(db->err, sizeof db->err, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	if ((buf = malloc((size_t)sz + 1)) == NULL || fread(buf, 1, (size_t)sz, f) != (size_t)sz)
		goto out;
	buf[sz] = '\0';
	if (mysql_real_query(db->m, buf, (unsigned long)sz) != 0) {
		snprintf(db->err, sizeof db->err, "%s: %s", path, mysql_error(db->m));
		goto out;
	}
	do {
		MYSQL_RES *res = mysql_store_result(db->m);
		if (res != NULL)
			mysql_free_result(res);
		if ((st = mysql_next_result(db->m)) > 0) {
			snprintf(db->err, sizeof db->err, "%s: %s", path, mysql_error(db->m));
			goto out;
		}
	} while (st == 0);
	rc = DB_OK;
out:
	if (f != NULL)
		fclose(f);
	free(buf);
	return rc;
}

enum db_result db_migrate(struct db *db, const char *sqldir, int verbose)
{
	DIR *d = NULL;
	struct dirent *e;
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0;
	enum db_result rc = DB_ERR;

	if (!(db->flags & DB_MULTI_STATEMENTS)) {
		snprintf(db->err, sizeof db->err, "migrate needs a multi-statement connection");
		return DB_ERR;
	}
	if ((rc = run(db, Q_SCHEMA_VERSION_CREATE, NULL, NULL, NULL, NULL, NULL, NULL, NULL)) !=
	    DB_OK)
		return rc;
	rc = DB_ERR;
	if ((d = opendir(sqldir)) == NULL) {
		snprintf(db->err, sizeof db->err, "%s: %s", sqldir, strerror(errno));
		goto out;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 8 || strcmp(e->d_name + len - 4, ".sql") != 0 ||
		    strspn(e->d_name, "0123456789") != 3 || e->d_name[3] != '_')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof *nn);
			if (nn == NULL)
				goto out;
			names = nn;
		}
		if ((names[n] = strdup(e->d_name)) == NULL)
			goto out;
		n++;
	}
	qsort(names, n, sizeof *names, mig_cmp);
	for (size_t i = 0; i < n; i++) {
		unsigned version = (unsigned)atoi(names[i]), got = 0;
		MYSQL_BIND in[2], o[1];
		unsigned long l;
		size_t rows = 0;

		b_uint(&in[0], &version);
		b_uint(&o[0], &got);
		if ((rc = run(db, Q_SCHEMA_VERSION_HAS, in, o, NULL, NULL, &rows, NULL, NULL)) !=
		    DB_OK)
			goto out;
		if (rows == 1) {
			if (verbose)
				printf("migrate: %s already applied\n", names[i]);
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", sqldir, names[i]);
		if ((rc = exec_file(db, path)) != DB_OK)
			goto out;
		b_str(&in[1], names[i], &l);
		if ((rc = run(db, Q_SCHEMA_VERSION_ADD, in, NULL, NULL, NULL, NULL, NULL, NULL)) !=
		    DB_OK)
			goto out;
		if (verbose)
			printf("migrate: applied %s\n", names[i]);
	}
	rc = DB_OK;
out:
	if (d != NULL)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}
