-- An office user's own outgoing mail connection (issue 5, the Email tab).
-- mail_provider: 'default' sends through the company's server (the mailer's
-- [mail] settings); 'smtp' through the user's own server; 'google' and
-- 'office365' through OAuth2 once the operator has configured them.  The
-- SMTP password is sealed with the secrets key (auth_seal), never in clear.
ALTER TABLE office_users
  ADD COLUMN IF NOT EXISTS mail_provider ENUM('default','smtp','google','office365') NOT NULL DEFAULT 'default',
  ADD COLUMN IF NOT EXISTS smtp_host     VARCHAR(253) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS smtp_port     SMALLINT UNSIGNED NOT NULL DEFAULT 587,
  ADD COLUMN IF NOT EXISTS smtp_security ENUM('starttls','tls','none') NOT NULL DEFAULT 'starttls',
  ADD COLUMN IF NOT EXISTS smtp_user     VARCHAR(254) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS smtp_password VARBINARY(600) NULL;

-- The last "Send test mail": when, whether it went, and what the server said.
ALTER TABLE office_users
  ADD COLUMN IF NOT EXISTS smtp_test_at     DATETIME(6)  NULL,
  ADD COLUMN IF NOT EXISTS smtp_test_ok     TINYINT(1)   NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS smtp_test_result VARCHAR(400) NOT NULL DEFAULT '';
