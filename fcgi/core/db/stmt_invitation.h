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
	.sql = "UPDATE portal_invitations SET sent_at = NOW(6) WHERE mail_id = ?")
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
DB_STMT(INVITATION_LIST, .params = 2, .cols = 8, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT CASE WHEN accepted_at IS NOT NULL THEN 'accepted' WHEN bounced_at IS NOT "
	       "NULL THEN 'bounced' WHEN expires_at <= NOW(6) THEN 'expired' WHEN sent_at IS NOT "
	       "NULL THEN 'invited' ELSE 'queued' END, email, "
	       "DATE_FORMAT(queued_at, '%Y-%m-%dT%H:%i:%sZ'), "
	       "DATE_FORMAT(expires_at, '%Y-%m-%dT%H:%i:%sZ'), "
	       "COALESCE(DATE_FORMAT(sent_at, '%Y-%m-%dT%H:%i:%sZ'), ''), "
	       "COALESCE(DATE_FORMAT(bounced_at, '%Y-%m-%dT%H:%i:%sZ'), ''), bounce_answer, "
	       "COALESCE(DATE_FORMAT(accepted_at, '%Y-%m-%dT%H:%i:%sZ'), '') FROM "
	       "portal_invitations WHERE portal_user_id = ? AND tenant_id = ? ORDER BY id DESC "
	       "LIMIT 20")
