-- The invitation ledger (issue 15): every invitation a portal user was
-- sent, with its dates: queued (and when its link expires), sent by the
-- mailer, bounced (with the SMTP server's answer), accepted (a password
-- set through its link).  The latest row is the user's invitation state,
-- shown on the user's page; the rows before it are its history.
CREATE TABLE IF NOT EXISTS portal_invitations (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id      INT UNSIGNED NOT NULL,
  portal_user_id INT UNSIGNED NOT NULL,
  mail_id        BIGINT UNSIGNED NULL,
  email          VARCHAR(254) NOT NULL,
  queued_at      DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  expires_at     DATETIME(6)  NOT NULL,
  sent_at        DATETIME(6)  NULL,
  bounced_at     DATETIME(6)  NULL,
  bounce_answer  VARCHAR(500) NOT NULL DEFAULT '',
  accepted_at    DATETIME(6)  NULL,
  -- Reminders sent for it (gatehouse-ctl invitations remind): each a new
  -- link, good until the invitation's own end, that replaces the last.
  reminders      TINYINT UNSIGNED NOT NULL DEFAULT 0,
  reminded_at    DATETIME(6)  NULL,
  KEY portal_invitations_user (portal_user_id, id),
  KEY portal_invitations_mail (mail_id),
  KEY portal_invitations_tenant (tenant_id, queued_at),
  CONSTRAINT portal_invitations_user_fk FOREIGN KEY (portal_user_id)
    REFERENCES portal_users (id) ON DELETE CASCADE,
  CONSTRAINT portal_invitations_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Whether the company's invited users who have not accepted are reminded
-- ([portal] remind_days, remind_before_days): Portal Access Settings.
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS invite_reminders TINYINT(1) NOT NULL DEFAULT 1;
