/* Statements of the API key domain (apikey.c): see stmt_list.h. */
DB_STMT(KEY_INSERT, .params = 8, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "INSERT INTO api_keys (tenant_id, key_id, name, scopes, secret_hash, allow_cidrs, "
	       "created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''))")
/* Newest first; the status as the feed will decide it: revoked, expired,
 * or active; the rate limit. */
DB_STMT(KEY_LIST, .params = 1, .cols = 11, .flags = DB_Q_READ, .roles = R_S | R_C,
	.sql = "SELECT key_id, name, scopes, created_by, created_at, expires_at, last_used_at, "
	       "COALESCE(last_used_ip, ''), CASE WHEN revoked_at IS NOT NULL THEN 'revoked' WHEN "
	       "expires_at IS NOT NULL AND expires_at <= NOW(6) THEN 'expired' ELSE 'active' END, "
	       "rate_per_s, burst FROM api_keys WHERE tenant_id = ? ORDER BY created_at DESC, id "
	       "DESC")
DB_STMT(KEY_REVOKE, .params = 2, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "UPDATE api_keys SET revoked_at = NOW(6), prev_hash = NULL, prev_until = NULL "
	       "WHERE key_id = ? AND tenant_id = ? AND revoked_at IS NULL")
/* Rolling: a new secret, the previous one kept working for the grace
 * period in days (0: not at all).  MariaDB assigns left to right, so
 * prev_hash takes the secret being replaced.  Parameters: the grace three
 * times, the new hash, the key id, the tenant. */
DB_STMT(KEY_ROLL, .params = 6, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "UPDATE api_keys SET prev_hash = IF(? > 0, secret_hash, NULL), prev_until = "
	       "IF(? > 0, NOW(6) + INTERVAL ? DAY, NULL), secret_hash = ? WHERE key_id = ? "
	       "AND tenant_id = ? AND revoked_at IS NULL")
/* A key's rate limit: requests a second and burst (the bucket starts
 * full, as of now: rate_at always moves, so the row counts as changed even
 * when the figures are the same, and 0 rows means no such key).
 * Parameters: rate, burst, burst, key id, tenant. */
DB_STMT(KEY_RATE, .params = 5, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "UPDATE api_keys SET rate_per_s = ?, burst = ?, rate_tokens = ?, rate_at = NOW(6) "
	       "WHERE key_id = ? AND tenant_id = ? AND revoked_at IS NULL")
/* A request's key (the feed responder): by its public id, with its
 * tenant's slug, both secrets' stored forms (the previous one while its
 * grace lasts), whether it is revoked or expired, its scopes, its
 * allow-list, its rate, and whether its last use was noted this minute
 * (KEY_USED then has nothing to do). */
DB_STMT(KEY_AUTH, .params = 1, .cols = 10, .flags = DB_Q_READ, .roles = R_F | R_S,
	.sql = "SELECT k.id, k.tenant_id, t.slug, k.secret_hash, IF(k.prev_until > NOW(6), "
	       "k.prev_hash, NULL), k.revoked_at IS NOT NULL OR (k.expires_at IS NOT NULL AND "
	       "k.expires_at <= NOW(6)), k.scopes + 0, k.allow_cidrs, k.rate_per_s, "
	       "k.last_used_at >= NOW(6) - INTERVAL 60 SECOND FROM api_keys k JOIN tenants t ON "
	       "t.id = k.tenant_id WHERE k.key_id = ?")
/* Its last use, written at most once a minute a key. */
DB_STMT(KEY_USED, .params = 2, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_F | R_S,
	.sql = "UPDATE api_keys SET last_used_at = NOW(6), last_used_ip = ? WHERE id = ? AND "
	       "(last_used_at IS NULL OR last_used_at < NOW(6) - INTERVAL 60 SECOND)")
/* The key's tokens (sql/021): refilled at rate_per_s up to burst since
 * rate_at; no row changed when none is left.  Then how many microseconds
 * until the next token (KEY_WAIT). */
#define KEY_REFILL                                                                                 \
	"LEAST(burst, rate_tokens + IFNULL(TIMESTAMPDIFF(MICROSECOND, rate_at, NOW(6)), 1e12) * "  \
	"rate_per_s / 1e6)"
/* Takes up to ? whole tokens at once (a process spends them over the
 * next quarter second: one write for several requests), at least one or
 * none; how many: KEY_GOT.  Parameters: at most, the key. */
DB_STMT(KEY_TAKE, .params = 2, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_F | R_S,
	.sql = "UPDATE api_keys SET rate_tokens = " KEY_REFILL
	       " - (@gh_key_got := LEAST(?, FLOOR(" KEY_REFILL
	       "))), rate_at = NOW(6) WHERE id = ? AND " KEY_REFILL " >= 1")
DB_STMT(KEY_GOT, .params = 0, .cols = 1, .flags = DB_Q_READ, .roles = R_F | R_S,
	.sql = "SELECT @gh_key_got")
DB_STMT(KEY_WAIT, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_F | R_S,
	.sql = "SELECT CEIL((1 - " KEY_REFILL ") * 1e6 / GREATEST(rate_per_s, 1)) FROM api_keys "
	       "WHERE id = ?")
#undef KEY_REFILL
