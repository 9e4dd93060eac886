/* Statements of the invitation ledger (invitation.c, sql/026): see
 * stmt_list.h. */
/* An invitation queued: tenant, user, its mail, the address, the days its
 * link lasts. */
DB_STMT(INVITATION_ADD, .params = 5, .cols = 0, .flags = 0, .roles = R_S | R_P | R_C,
	.sql = "INSERT INTO portal_invitations (tenant_id, portal_user_id, mail_id, email, "
	       "expires_at) VALUES (?, ?, ?, ?, NOW(6) + INTERVAL ? DAY)")
/* The mailer's outcome of an invitation's mail: sent, or bounced with the
 * server's answer. */
DB_STMT(INVITATION_SENT, .params = 1, .cols = 0, .flags = 0, .roles = R_M,
	.sql = "UPDATE portal_invitations SET sent_at = COALESCE(sent_at, NOW(6)) WHERE mail_id = "
	       "?")
DB_STMT(INVITATION_BOUNCED, .params = 2, .cols = 0, .flags = 0, .roles = R_M,
	.sql = "UPDATE portal_invitations SET bounced_at = NOW(6), bounce_answer = LEFT(?, 500) "
	       "WHERE mail_id = ?")
/* Its link used: the user's latest invitation accepted.  Parameters: the
 * user, twice. */
DB_STMT(INVITATION_ACCEPTED, .params = 2, .cols = 0, .flags = 0, .roles = R_P,
	.sql = "UPDATE portal_invitations SET accepted_at = NOW(6) WHERE portal_user_id = ? AND id "
	       "= (SELECT MAX(x.id) FROM portal_invitations x WHERE x.portal_user_id = ?) AND "
	       "accepted_at IS NULL")
/* A user's invitations, the latest first (at most 20): the state (as
 * db.h says it), the dates, the answer of a bounce.  Parameters: user,
 * tenant. */
DB_STMT(INVITATION_LIST, .params = 2, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT CASE WHEN accepted_at IS NOT NULL THEN 'accepted' WHEN bounced_at IS NOT "
	       "NULL THEN 'bounced' WHEN expires_at <= NOW(6) THEN 'expired' WHEN sent_at IS NOT "
	       "NULL THEN 'invited' ELSE 'queued' END, email, "
	       "DATE_FORMAT(queued_at, '%Y-%m-%dT%H:%i:%sZ'), "
	       "DATE_FORMAT(expires_at, '%Y-%m-%dT%H:%i:%sZ'), "
	       "COALESCE(DATE_FORMAT(sent_at, '%Y-%m-%dT%H:%i:%sZ'), ''), "
	       "COALESCE(DATE_FORMAT(bounced_at, '%Y-%m-%dT%H:%i:%sZ'), ''), bounce_answer, "
	       "COALESCE(DATE_FORMAT(accepted_at, '%Y-%m-%dT%H:%i:%sZ'), ''), reminders, "
	       "COALESCE(DATE_FORMAT(reminded_at, '%Y-%m-%dT%H:%i:%sZ'), '') FROM "
	       "portal_invitations WHERE portal_user_id = ? AND tenant_id = ? ORDER BY id DESC "
	       "LIMIT 20")
/* Each portal user of a customer with an invitation: the latest one, by
 * the user's email (the customer's page, customer_edit.c).  The state as
 * the customer's page says it: accepted, bounced, expired, reminded (a
 * reminder went out), invited (queued or sent).  Columns: the user, the
 * state, then the ledger's columns as INVITATION_LIST's.  Parameters:
 * customer, tenant. */
DB_STMT(INVITATION_BY_CUSTOMER, .params = 2, .cols = 11, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT pu.id, CASE WHEN i.accepted_at IS NOT NULL THEN 'accepted' WHEN "
	       "i.bounced_at IS NOT NULL THEN 'bounced' WHEN i.expires_at <= NOW(6) THEN "
	       "'expired' WHEN i.reminders > 0 THEN 'reminded' ELSE 'invited' END, i.email, "
	       "DATE_FORMAT(i.queued_at, '%Y-%m-%dT%H:%i:%sZ'), "
	       "DATE_FORMAT(i.expires_at, '%Y-%m-%dT%H:%i:%sZ'), "
	       "COALESCE(DATE_FORMAT(i.sent_at, '%Y-%m-%dT%H:%i:%sZ'), ''), "
	       "COALESCE(DATE_FORMAT(i.bounced_at, '%Y-%m-%dT%H:%i:%sZ'), ''), i.bounce_answer, "
	       "COALESCE(DATE_FORMAT(i.accepted_at, '%Y-%m-%dT%H:%i:%sZ'), ''), i.reminders, "
	       "COALESCE(DATE_FORMAT(i.reminded_at, '%Y-%m-%dT%H:%i:%sZ'), '') FROM portal_users "
	       "pu "
	       "JOIN portal_invitations i ON i.id = (SELECT MAX(x.id) FROM portal_invitations x "
	       "WHERE x.portal_user_id = pu.id) WHERE pu.customer_id = ? AND pu.tenant_id = ? "
	       "ORDER BY pu.email")
/* Invitations due a reminder (gatehouse-ctl invitations remind): each
 * user's latest, sent, neither accepted nor bounced, its link good for 30
 * minutes more at least, the user still without a password and active,
 * the company's portal on and its reminders too; the first after
 * remind_days, the second within remind_before_days of the end.  Columns:
 * the invitation, tenant, user, company, email, reminders so far, minutes
 * its link has left.  Parameters: remind_days, remind_before_days. */
DB_STMT(INVITATION_DUE, .params = 2, .cols = 7, .flags = DB_Q_READ, .roles = R_C,
	.sql = "SELECT i.id, i.tenant_id, i.portal_user_id, pu.company_name, pu.email, "
	       "i.reminders, TIMESTAMPDIFF(MINUTE, NOW(6), i.expires_at) FROM portal_invitations i "
	       "JOIN portal_users pu ON pu.id = i.portal_user_id JOIN tenants t ON t.id = "
	       "i.tenant_id WHERE i.id = (SELECT MAX(x.id) FROM portal_invitations x WHERE "
	       "x.portal_user_id = i.portal_user_id) AND i.accepted_at IS NULL AND i.bounced_at IS "
	       "NULL AND i.sent_at IS NOT NULL AND i.expires_at > NOW(6) + INTERVAL 30 MINUTE AND "
	       "t.portal_enabled = 1 AND t.invite_reminders = 1 AND pu.password_hash IS NULL AND "
	       "pu.status = 'active' AND ((i.reminders = 0 AND i.sent_at <= NOW(6) - INTERVAL ? "
	       "DAY) OR (i.reminders = 1 AND i.expires_at <= NOW(6) + INTERVAL ? DAY)) ORDER BY "
	       "i.id LIMIT 500")
/* A reminder queued as mail mail_id for invitation id. */
DB_STMT(INVITATION_REMINDED, .params = 2, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "UPDATE portal_invitations SET reminders = reminders + 1, reminded_at = NOW(6), "
	       "mail_id = ? WHERE id = ?")
/* The company's reminders switch (Portal Access Settings). */
DB_STMT(TENANT_REMINDERS_GET, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT invite_reminders FROM tenants WHERE id = ?")
DB_STMT(TENANT_REMINDERS_SET, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE tenants SET invite_reminders = ? WHERE id = ?")
/* The company's portal users never invited (no password, no invitation,
 * access not revoked): how many, and their ids (Portal Access Settings'
 * "invite them all"). */
#define PU_NOT_INVITED                                                                             \
	"FROM portal_users WHERE tenant_id = ? AND password_hash IS NULL AND invite_state = "      \
	"'none' AND status = 'active'"
DB_STMT(PU_NOT_INVITED_COUNT, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COUNT(*) " PU_NOT_INVITED)
DB_STMT(PU_NOT_INVITED_IDS, .params = 2, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT id " PU_NOT_INVITED " ORDER BY id LIMIT ?")
#undef PU_NOT_INVITED
