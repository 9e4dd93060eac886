-- Foundation schema: tenants, office users and their module permissions,
-- customers, portal users, sessions, login throttles, audit log.
-- Every statement is idempotent (IF NOT EXISTS): a migration interrupted half
-- way can simply be run again.  Text is utf8mb4; the _unicode_ci collation
-- makes unique email indexes case-insensitive.

CREATE TABLE IF NOT EXISTS tenants (
  id             INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug           VARCHAR(63)  NOT NULL,
  company_name   VARCHAR(200) NOT NULL,
  street         VARCHAR(200) NOT NULL DEFAULT '',
  city           VARCHAR(100) NOT NULL DEFAULT '',
  state          VARCHAR(100) NOT NULL DEFAULT '',
  zip            VARCHAR(20)  NOT NULL DEFAULT '',
  country        VARCHAR(100) NOT NULL DEFAULT '',
  portal_enabled TINYINT(1)   NOT NULL DEFAULT 0,
  -- Validated, normalised scheme://host[:port] origins, one per line.
  frame_origins  VARCHAR(6000) NOT NULL DEFAULT '',
  created_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY tenants_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Office logins are unique across all tenants, so /settings/login needs only an
-- email; that is stricter than "unique in the tenant" and never ambiguous.
CREATE TABLE IF NOT EXISTS office_users (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id     INT UNSIGNED NOT NULL,
  email         VARCHAR(254) NOT NULL,
  password_hash VARCHAR(128) NOT NULL,
  role          ENUM('view_only','edit_view','admin','customize') NOT NULL,
  first_name    VARCHAR(100) NOT NULL DEFAULT '',
  last_name     VARCHAR(100) NOT NULL DEFAULT '',
  phone         VARCHAR(40)  NOT NULL DEFAULT '',
  active        TINYINT(1)   NOT NULL DEFAULT 1,
  created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY office_users_email (email),
  KEY office_users_tenant (tenant_id),
  CONSTRAINT office_users_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The module permission matrix, one row per (user, module).  Levels:
-- 0 no access, 1 view, 2 edit, 3 super admin (settings only); on/off modules
-- use 0/2; map uses 0/1.  The preset roles are written as rows too: one model.
CREATE TABLE IF NOT EXISTS office_user_perms (
  user_id INT UNSIGNED NOT NULL,
  module  VARCHAR(32)  NOT NULL,
  level   TINYINT UNSIGNED NOT NULL,
  PRIMARY KEY (user_id, module),
  CONSTRAINT office_user_perms_user_fk FOREIGN KEY (user_id) REFERENCES office_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS customers (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id     INT UNSIGNED NOT NULL,
  name          VARCHAR(200) NOT NULL,
  primary_email VARCHAR(254) NOT NULL DEFAULT '',
  phone         VARCHAR(40)  NOT NULL DEFAULT '',
  street        VARCHAR(200) NOT NULL DEFAULT '',
  city          VARCHAR(100) NOT NULL DEFAULT '',
  state         VARCHAR(100) NOT NULL DEFAULT '',
  zip           VARCHAR(20)  NOT NULL DEFAULT '',
  created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY customers_tenant_name (tenant_id, name),
  CONSTRAINT customers_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS portal_users (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id     INT UNSIGNED NOT NULL,
  customer_id   INT UNSIGNED NOT NULL,
  email         VARCHAR(254) NOT NULL,
  password_hash VARCHAR(128) NULL,
  status        ENUM('active','revoked') NOT NULL DEFAULT 'active',
  created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY portal_users_tenant_email (tenant_id, email),
  KEY portal_users_customer (customer_id),
  CONSTRAINT portal_users_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT portal_users_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Sessions of both kinds.  Only SHA-256 of the 256-bit cookie token is kept.
CREATE TABLE IF NOT EXISTS sessions (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  token_hash     BINARY(32)   NOT NULL,
  kind           ENUM('office','portal') NOT NULL,
  tenant_id      INT UNSIGNED NOT NULL,
  office_user_id INT UNSIGNED NULL,
  portal_user_id INT UNSIGNED NULL,
  created_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  last_seen_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  expires_at     DATETIME(6)  NOT NULL,
  ip             VARCHAR(45)  NOT NULL DEFAULT '',
  user_agent     VARCHAR(255) NOT NULL DEFAULT '',
  UNIQUE KEY sessions_token (token_hash),
  KEY sessions_office_user (office_user_id),
  KEY sessions_portal_user (portal_user_id),
  KEY sessions_tenant_kind (tenant_id, kind),
  KEY sessions_expires (expires_at),
  KEY sessions_seen (last_seen_at),
  CONSTRAINT sessions_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT sessions_office_fk FOREIGN KEY (office_user_id) REFERENCES office_users (id) ON DELETE CASCADE,
  CONSTRAINT sessions_portal_fk FOREIGN KEY (portal_user_id) REFERENCES portal_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Sign-in throttles, keyed by SHA-256 of "account:<email>" or "addr:<ip>".
-- attempts counts failures and attempts in flight inside the window.
CREATE TABLE IF NOT EXISTS login_throttle (
  key_hash     BINARY(32)  NOT NULL PRIMARY KEY,
  window_start DATETIME(6) NOT NULL,
  attempts     INT UNSIGNED NOT NULL DEFAULT 0,
  locked_until DATETIME(6) NULL,
  KEY login_throttle_window (window_start)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS audit_log (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id     INT UNSIGNED NOT NULL,
  actor_user_id INT UNSIGNED NULL,
  actor_email   VARCHAR(254) NOT NULL DEFAULT '',
  action        VARCHAR(64)  NOT NULL,
  target        VARCHAR(200) NOT NULL DEFAULT '',
  old_value     TEXT         NULL,
  new_value     TEXT         NULL,
  request_id    CHAR(16)     NOT NULL DEFAULT '',
  ip            VARCHAR(45)  NOT NULL DEFAULT '',
  created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY audit_tenant_time (tenant_id, created_at),
  CONSTRAINT audit_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
