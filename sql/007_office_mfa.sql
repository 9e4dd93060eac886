-- Office users' second factor (issue 5): the same TOTP model as the
-- portal's (sql/004_portal_login.sql): the key sealed with the secrets key,
-- a pending key during enrolment, the last accepted step (no code twice),
-- and keyed hashes of unused recovery codes.
ALTER TABLE office_users
  ADD COLUMN IF NOT EXISTS mfa_required   TINYINT(1)     NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS mfa_secret     VARBINARY(128) NULL,
  ADD COLUMN IF NOT EXISTS mfa_pending    VARBINARY(128) NULL,
  ADD COLUMN IF NOT EXISTS mfa_last_step  BIGINT         NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS mfa_enabled_at DATETIME(6)    NULL;

CREATE TABLE IF NOT EXISTS office_mfa_recovery (
  office_user_id INT UNSIGNED NOT NULL,
  code_hash      BINARY(32)   NOT NULL,
  PRIMARY KEY (office_user_id, code_hash),
  CONSTRAINT office_mfa_recovery_user_fk FOREIGN KEY (office_user_id)
    REFERENCES office_users (id) ON DELETE CASCADE
) ENGINE=InnoDB;
