-- Office users (issue 5): the user's details beyond the login, and the
-- logins that were deleted, which can never be used again.

ALTER TABLE office_users
  ADD COLUMN IF NOT EXISTS mobile_provider VARCHAR(32)  NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS street          VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS city            VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS state           VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS zip             VARCHAR(20)  NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS country         VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS default_screen  VARCHAR(32)  NOT NULL DEFAULT 'settings',
  ADD INDEX IF NOT EXISTS office_users_tenant_email (tenant_id, email),
  ADD INDEX IF NOT EXISTS office_users_tenant_first (tenant_id, first_name, last_name, email),
  ADD INDEX IF NOT EXISTS office_users_tenant_last (tenant_id, last_name, first_name, email);

-- Office logins are unique across tenants (office_users_email), so a
-- deleted one is kept here by itself: adding it again is refused, in any
-- tenant.
CREATE TABLE IF NOT EXISTS office_login_tombstones (
  email      VARCHAR(254) NOT NULL PRIMARY KEY,
  tenant_id  INT UNSIGNED NOT NULL,
  deleted_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  CONSTRAINT office_login_tombstones_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
