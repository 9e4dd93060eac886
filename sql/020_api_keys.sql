-- Partner API keys (issue 14): what opens the feed responder (/feed/...).
--
-- A key's text is shown once (fcgi/core/apikey.h: "ghk_" + key_id + "_" +
-- a 256-bit secret); only the secret's keyed BLAKE2b is kept here, so this
-- table alone cannot sign anyone in.  key_id is public (lists, logs).
-- Rolling a key keeps the previous secret's hash valid until prev_until.
-- The address allow-list is CIDR entries, comma-separated ('' allows any).
CREATE TABLE IF NOT EXISTS api_keys (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id    INT UNSIGNED NOT NULL,
  key_id       CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name         VARCHAR(100) NOT NULL,
  scopes       SET('portal_users', 'customers', 'sites', 'groups', 'office_users', 'records',
                   'audit', 'changes') NOT NULL,
  secret_hash  BINARY(32) NOT NULL,
  prev_hash    BINARY(32) NULL,
  prev_until   DATETIME(6) NULL,
  allow_cidrs  VARCHAR(2000) NOT NULL DEFAULT '',
  created_by   VARCHAR(255) NOT NULL,
  created_at   DATETIME(6) NOT NULL DEFAULT NOW(6),
  expires_at   DATETIME(6) NULL,
  revoked_at   DATETIME(6) NULL,
  last_used_at DATETIME(6) NULL,
  last_used_ip VARCHAR(45) NULL,
  rate_per_s   SMALLINT UNSIGNED NOT NULL DEFAULT 10,
  burst        SMALLINT UNSIGNED NOT NULL DEFAULT 50,
  UNIQUE KEY api_keys_key_id (key_id),
  KEY api_keys_tenant (tenant_id, created_at),
  CONSTRAINT api_keys_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
