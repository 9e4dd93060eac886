/* Statements of the webhooks domain (db/hooks.c; sql/023): see
 * stmt_list.h.  The settings page (R_S) keeps the endpoints;
 * gatehouse-hooks (R_H) queues and delivers. */
DB_STMT(HOOK_INSERT, .params = 6, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO webhooks (tenant_id, url, events, secret_sealed, created_by, "
	       "after_seq) VALUES (?, ?, ?, ?, ?, COALESCE((SELECT seq FROM feed_seq WHERE "
	       "tenant_id = ?), 0))")
/* The tenant's endpoints, with their pending and failed deliveries. */
DB_STMT(HOOK_LIST, .params = 1, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT w.id, w.url, w.events, w.enabled, w.disabled_reason, w.created_by, "
	       "w.created_at, w.failing_since, (SELECT COUNT(*) FROM webhook_deliveries d WHERE "
	       "d.webhook_id = w.id AND d.status = 'pending'), (SELECT COUNT(*) FROM "
	       "webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'failed') FROM "
	       "webhooks w WHERE w.tenant_id = ? ORDER BY w.id")
/* Enabling clears the failure run; a disabled endpoint's pending
 * deliveries wait (next_at far ahead) and are due again when it is enabled.
 * Parameters: enabled, reason, id, tenant. */
DB_STMT(HOOK_ENABLE, .params = 4, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE webhooks SET enabled = ?, disabled_reason = ?, failing_since = NULL WHERE "
	       "id = ? AND tenant_id = ?")
/* Parameters: enabled, webhook id, tenant. */
DB_STMT(HOOK_PAUSE, .params = 3, .cols = 0, .flags = 0, .roles = R_S | R_H,
	.sql = "UPDATE webhook_deliveries SET next_at = IF(?, NOW(6), '2999-01-01') WHERE "
	       "webhook_id = ? AND tenant_id = ? AND status = 'pending'")
DB_STMT(HOOK_DELETE, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM webhooks WHERE id = ? AND tenant_id = ?")
/* An endpoint's delivery log, newest first: id, seq, resource, id, op,
 * status, attempts, first and last attempt, last answer's code, error.
 * Parameters: webhook id, tenant. */
DB_STMT(HOOK_LOG, .params = 2, .cols = 11, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT d.id, d.seq, d.resource, d.rid, d.op, d.status, d.attempts, d.first_at, "
	       "d.last_at, COALESCE(d.last_code, 0), d.last_error FROM webhook_deliveries d JOIN "
	       "webhooks w ON w.id = d.webhook_id WHERE d.webhook_id = ? AND w.tenant_id = ? "
	       "ORDER BY d.id DESC LIMIT 50")

/* ---- gatehouse-hooks ---- */
/* The tenants with an enabled endpoint. */
DB_STMT(HOOK_TENANTS, .params = 0, .cols = 1, .flags = DB_Q_READ, .roles = R_H,
	.sql = "SELECT DISTINCT tenant_id FROM webhooks WHERE enabled = 1")
/* A tenant's enabled endpoints: id, events, queued up to. */
DB_STMT(HOOK_SCAN, .params = 1, .cols = 3, .flags = DB_Q_READ, .roles = R_H,
	.sql = "SELECT id, events, after_seq FROM webhooks WHERE tenant_id = ? AND enabled = 1")
/* How far one round queues: up to 500 changes after a seq.  Parameters:
 * after, tenant, after. */
DB_STMT(HOOK_UPTO, .params = 3, .cols = 1, .flags = DB_Q_READ, .roles = R_H,
	.sql = "SELECT COALESCE(MAX(x.seq), ?) FROM (SELECT seq FROM feed_changes WHERE tenant_id "
	       "= ? AND seq > ? ORDER BY seq LIMIT 500) x")
/* One delivery per change of the endpoint's events in (after, upto]; a
 * change queued already is left (a second round after a crash).
 * Parameters: webhook, tenant, after, upto, events. */
DB_STMT(HOOK_QUEUE, .params = 5, .cols = 0, .flags = 0, .roles = R_H,
	.sql = "INSERT IGNORE INTO webhook_deliveries (webhook_id, tenant_id, seq, resource, rid, "
	       "op, at) SELECT ?, tenant_id, seq, resource, rid, op, at FROM feed_changes WHERE "
	       "tenant_id = ? AND seq > ? AND seq <= ? AND FIND_IN_SET(resource, ?)")
/* Parameters: upto, webhook, after (unchanged since read, or nothing). */
DB_STMT(HOOK_ADVANCE, .params = 3, .cols = 0, .flags = 0, .roles = R_H,
	.sql = "UPDATE webhooks SET after_seq = ? WHERE id = ? AND after_seq = ?")
/* A claim, as the mailer's (stmt_outbox.h): the next due delivery,
 * passing over rows another worker is claiming this instant; then its
 * lease; committed before any POST. */
DB_STMT(HOOK_CLAIM, .params = 0, .cols = 1, .flags = DB_Q_READ, .roles = R_H,
	.sql = "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_at <= NOW(6) "
	       "ORDER BY next_at, id LIMIT 1 FOR UPDATE SKIP LOCKED")
/* Parameters: claim, lease seconds, id. */
DB_STMT(HOOK_LEASE, .params = 3, .cols = 0, .flags = 0, .roles = R_H,
	.sql = "UPDATE webhook_deliveries SET claim = ?, attempts = attempts + 1, next_at = NOW(6) "
	       "+ INTERVAL ? SECOND, first_at = COALESCE(first_at, NOW(6)) WHERE id = ?")
/* The claimed delivery: endpoint, tenant, seq, resource, id, op, time,
 * attempts, seconds since the first, url, sealed secret, enabled, slug. */
DB_STMT(HOOK_GET, .params = 1, .cols = 13, .flags = DB_Q_READ, .roles = R_H,
	.sql = "SELECT d.webhook_id, d.tenant_id, d.seq, d.resource + 0, d.rid, d.op + 0, d.at, "
	       "d.attempts, TIMESTAMPDIFF(SECOND, d.first_at, NOW(6)), w.url, w.secret_sealed, "
	       "w.enabled, t.slug FROM webhook_deliveries d JOIN webhooks w ON w.id = "
	       "d.webhook_id JOIN tenants t ON t.id = d.tenant_id WHERE d.id = ?")
/* The outcome, written by the claim's holder only.  Parameters: code,
 * error, id, claim (DONE: code, id, claim). */
DB_STMT(HOOK_DONE, .params = 3, .cols = 0, .flags = 0, .roles = R_H,
	.sql = "UPDATE webhook_deliveries SET status = 'delivered', claim = NULL, last_at = "
	       "NOW(6), last_code = ?, last_error = '' WHERE id = ? AND claim = ?")
/* Parameters: seconds until the next try, code, error, id, claim. */
DB_STMT(HOOK_RETRY, .params = 5, .cols = 0, .flags = 0, .roles = R_H,
	.sql = "UPDATE webhook_deliveries SET claim = NULL, next_at = NOW(6) + INTERVAL ? SECOND, "
	       "last_at = NOW(6), last_code = NULLIF(?, 0), last_error = ? WHERE id = ? AND claim "
	       "= ?")
DB_STMT(HOOK_FAILED, .params = 4, .cols = 0, .flags = 0, .roles = R_H,
	.sql = "UPDATE webhook_deliveries SET status = 'failed', claim = NULL, last_at = NOW(6), "
	       "last_code = NULLIF(?, 0), last_error = ? WHERE id = ? AND claim = ?")
/* The endpoint's health: a success ends a failure run, a failure starts
 * one; a run longer than the give-up time disables it (affected: 1, once).
 * GIVE_UP parameters: reason, webhook, seconds. */
DB_STMT(HOOK_HEALTHY, .params = 1, .cols = 0, .flags = 0, .roles = R_H,
	.sql = "UPDATE webhooks SET failing_since = NULL WHERE id = ? AND failing_since IS NOT "
	       "NULL")
DB_STMT(HOOK_FAILING, .params = 1, .cols = 0, .flags = 0, .roles = R_H,
	.sql = "UPDATE webhooks SET failing_since = COALESCE(failing_since, NOW(6)) WHERE id = ?")
DB_STMT(HOOK_GIVE_UP, .params = 3, .cols = 0, .flags = 0, .roles = R_H,
	.sql = "UPDATE webhooks SET enabled = 0, disabled_reason = ? WHERE id = ? AND enabled = 1 "
	       "AND failing_since <= NOW(6) - INTERVAL ? SECOND")
/* Who is told when an endpoint is disabled: the tenant's active Super
 * Admins (Settings: Super Admin), with the company's name. */
DB_STMT(HOOK_ADMINS, .params = 1, .cols = 2, .flags = DB_Q_READ, .roles = R_H,
	.sql = "SELECT u.email, t.company_name FROM office_users u JOIN office_user_perms p ON "
	       "p.user_id = u.id AND p.module = 'settings' AND p.level = 3 JOIN tenants t ON t.id "
	       "= u.tenant_id WHERE u.tenant_id = ? AND u.active = 1 ORDER BY u.id")
