-- The portal's sign-in (issue 4): MFA, session stages, secure token links.

-- TOTP: the key is sealed with the secrets key (auth_seal), never stored in
-- clear.  mfa_pending holds the key being enrolled until the first code
-- proves the authenticator app has it.  mfa_last_step is the 30 s step of
-- the last code accepted: a code is never accepted twice.
ALTER TABLE portal_users
  ADD COLUMN IF NOT EXISTS mfa_required  TINYINT(1)     NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS mfa_secret    VARBINARY(128) NULL,
  ADD COLUMN IF NOT EXISTS mfa_pending   VARBINARY(128) NULL,
  ADD COLUMN IF NOT EXISTS mfa_last_step BIGINT         NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS mfa_enabled_at DATETIME(6)   NULL;

-- Keyed BLAKE2b of each unused recovery code; a used code's row is deleted.
CREATE TABLE IF NOT EXISTS portal_mfa_recovery (
  portal_user_id INT UNSIGNED NOT NULL,
  code_hash      BINARY(32)   NOT NULL,
  PRIMARY KEY (portal_user_id, code_hash),
  CONSTRAINT portal_mfa_recovery_user_fk FOREIGN KEY (portal_user_id)
    REFERENCES portal_users (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- stage: 'full' is signed in; 'mfa' has passed the password and owes a
-- code; 'enrol' has passed the password and must set MFA up first.
-- customer_id: a session opened by a customer's secure token link (no
-- portal user, portal_user_id NULL).
ALTER TABLE sessions
  ADD COLUMN IF NOT EXISTS stage       ENUM('full','mfa','enrol') NOT NULL DEFAULT 'full',
  ADD COLUMN IF NOT EXISTS customer_id INT UNSIGNED NULL,
  ADD INDEX IF NOT EXISTS sessions_customer (customer_id);

-- FOREIGN KEY IF NOT EXISTS (MariaDB): a second run of this file is harmless.
ALTER TABLE sessions
  ADD CONSTRAINT sessions_customer_fk FOREIGN KEY IF NOT EXISTS (customer_id)
    REFERENCES customers (id) ON DELETE CASCADE;

-- The customer's secure token link: looked up by hash; the token itself is
-- kept sealed (auth_seal) only so that office users can copy the link again.
ALTER TABLE customers
  ADD COLUMN IF NOT EXISTS portal_token_hash   BINARY(32)     NULL,
  ADD COLUMN IF NOT EXISTS portal_token_sealed VARBINARY(128) NULL,
  ADD COLUMN IF NOT EXISTS portal_token_at     DATETIME(6)    NULL,
  ADD UNIQUE INDEX IF NOT EXISTS customers_portal_token (portal_token_hash);

-- Revoking a portal user ends their sessions at once, however the row is
-- changed (the settings pages, gatehouse-ctl, a DBA): restoring the user
-- later must not bring old sessions back.
CREATE TRIGGER IF NOT EXISTS portal_users_revoked AFTER UPDATE ON portal_users
  FOR EACH ROW DELETE FROM sessions
  WHERE portal_user_id = NEW.id AND NEW.status = 'revoked' AND OLD.status <> 'revoked';
