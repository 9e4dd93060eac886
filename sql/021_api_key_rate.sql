-- Per-key rate limits (issue 14): a token bucket per key, in the key's row,
-- so that every responder process (on any host) draws on one budget.  A
-- request takes a token in one UPDATE (fcgi/core/db/stmt_apikey.h,
-- KEY_TAKE): the tokens refill at rate_per_s up to burst since rate_at.
ALTER TABLE api_keys
  ADD COLUMN IF NOT EXISTS rate_tokens DOUBLE NOT NULL DEFAULT 50,
  ADD COLUMN IF NOT EXISTS rate_at DATETIME(6) NULL;
