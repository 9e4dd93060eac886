/* Statements of the outbox domain (outbox.c): see stmt_list.h. */
DB_STMT(OUTBOX_ENQUEUE, .params = 7, .cols = 0, .flags = 0, .roles = R_S | R_P | R_H | R_C,
	.sql = "INSERT INTO mail_outbox (tenant_id, kind, to_addr, subject, payload, "
	       "secret, message_id) VALUES (?, ?, ?, ?, ?, ?, ?)")
/* A claim is its own short transaction: this finds the next due row
 * (skipping rows another mailer is claiming this instant), then
 * Q_OUTBOX_LEASE marks it and the claim commits before any SMTP.
 * next_attempt_at is also the lease's end: a message whose mailer
 * died is due again once the lease has run out. */
DB_STMT(OUTBOX_CLAIM, .params = 0, .cols = 10, .flags = DB_Q_READ, .roles = R_M,
	.sql = "SELECT id, tenant_id, kind, to_addr, subject, payload, "
	       "COALESCE(secret, ''), attempts, TIMESTAMPDIFF(SECOND, created_at, NOW(6)), "
	       "message_id FROM mail_outbox WHERE status = 'queued' AND "
	       "next_attempt_at <= NOW(6) ORDER BY next_attempt_at, id LIMIT 1 "
	       "FOR UPDATE SKIP LOCKED")
/* Each claim counts as an attempt, so a message that kills its mailer
 * every time still runs out of tries.  A message queued without a
 * Message-ID (before 015) gets one now, kept for every attempt. */
DB_STMT(OUTBOX_LEASE, .params = 4, .cols = 0, .flags = 0, .roles = R_M,
	.sql = "UPDATE mail_outbox SET claim = ?, attempts = attempts + 1, "
	       "next_attempt_at = NOW(6) + INTERVAL ? SECOND, "
	       "message_id = IF(message_id = '', ?, message_id) WHERE id = ?")
/* The outcome is written only by the claim's holder: after a lease ran
 * out and another mailer took the message, the first one's late
 * outcome changes nothing. */
DB_STMT(OUTBOX_SENT, .params = 2, .cols = 0, .flags = 0, .roles = R_M,
	.sql = "UPDATE mail_outbox SET status = 'sent', secret = NULL, sent_at = NOW(6), "
	       "claim = NULL, last_error = '' WHERE id = ? AND claim = ?")
DB_STMT(OUTBOX_RETRY, .params = 4, .cols = 0, .flags = 0, .roles = R_M,
	.sql = "UPDATE mail_outbox SET claim = NULL, next_attempt_at = "
	       "NOW(6) + INTERVAL ? SECOND, last_error = ? WHERE id = ? AND claim = ?")
DB_STMT(OUTBOX_FAILED, .params = 3, .cols = 0, .flags = 0, .roles = R_M,
	.sql = "UPDATE mail_outbox SET status = 'failed', secret = NULL, claim = NULL, "
	       "last_error = ? WHERE id = ? AND claim = ?")
DB_STMT(INVITE_STATE, .params = 2, .cols = 0, .flags = 0, .roles = R_M,
	.sql = "UPDATE portal_users SET invite_state = ? WHERE invite_mail_id = ?")
