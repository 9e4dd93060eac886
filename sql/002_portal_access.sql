-- Portal access: portal users' state, one-time tokens, the mail outbox.

-- company_name is the customer's name copied onto each portal user, kept in
-- step in the same transaction as any rename, so the list sorts and filters
-- from one index without a join.  invite_state follows the latest invitation
-- mail: none (never sent: the portal was off), queued, sent, bounced.
ALTER TABLE portal_users
  ADD COLUMN IF NOT EXISTS company_name VARCHAR(200) NOT NULL DEFAULT '' AFTER customer_id,
  ADD COLUMN IF NOT EXISTS invite_state ENUM('none','queued','sent','bounced') NOT NULL DEFAULT 'none',
  ADD COLUMN IF NOT EXISTS invite_mail_id BIGINT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS password_set_at DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS last_sign_in_at DATETIME(6) NULL,
  ADD INDEX IF NOT EXISTS portal_users_company (tenant_id, company_name, email),
  ADD INDEX IF NOT EXISTS portal_users_invite_mail (invite_mail_id);

UPDATE portal_users pu JOIN customers c ON c.id = pu.customer_id
  SET pu.company_name = c.name WHERE pu.company_name = '';

-- Single-use links (set password, reset password).  Only SHA-256 of the
-- 256-bit token is kept; a new link for the same purpose kills older ones.
CREATE TABLE IF NOT EXISTS one_time_tokens (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  token_hash     BINARY(32)   NOT NULL,
  purpose        ENUM('set_password','reset_password') NOT NULL,
  tenant_id      INT UNSIGNED NOT NULL,
  portal_user_id INT UNSIGNED NOT NULL,
  created_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  expires_at     DATETIME(6)  NOT NULL,
  used_at        DATETIME(6)  NULL,
  UNIQUE KEY one_time_tokens_hash (token_hash),
  KEY one_time_tokens_user (portal_user_id, purpose),
  CONSTRAINT one_time_tokens_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT one_time_tokens_user_fk FOREIGN KEY (portal_user_id) REFERENCES portal_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The transactional outbox: a mail row is written in the same transaction as
-- the change that causes it; gatehouse-mailer delivers it.  payload is the
-- mail's XML document (rendered by xslt/mail/<kind>-text.xsl and -html.xsl);
-- secret holds a one-time token sealed with the secrets key (libsodium
-- secretbox), wiped once the mail is sent or has failed for good.
CREATE TABLE IF NOT EXISTS mail_outbox (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id       INT UNSIGNED NOT NULL,
  kind            VARCHAR(32)  NOT NULL,
  to_addr         VARCHAR(254) NOT NULL,
  subject         VARCHAR(250) NOT NULL,
  payload         TEXT         NOT NULL,
  secret          VARBINARY(255) NULL,
  status          ENUM('queued','sent','failed') NOT NULL DEFAULT 'queued',
  attempts        INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  last_error      VARCHAR(500) NOT NULL DEFAULT '',
  message_id      VARCHAR(200) NOT NULL DEFAULT '',
  created_at      DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  sent_at         DATETIME(6)  NULL,
  KEY mail_outbox_due (status, next_attempt_at),
  CONSTRAINT mail_outbox_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
