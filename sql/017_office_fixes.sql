-- Office users (issue 12): "Forgot password?" on the office sign-in.
-- Re-runnable like every migration (IF NOT EXISTS).

-- Single-use password-reset links of office users.  Only SHA-256 of the
-- 256-bit token is kept (the token itself travels sealed in the mail
-- outbox row until the mailer sends it); a link lives an hour, dies on use,
-- and a new link or a changed password ends the user's live ones.  Portal
-- links stay in one_time_tokens, whose rows name a portal user; deleting an
-- office user deletes its links.
CREATE TABLE IF NOT EXISTS office_reset_tokens (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  token_hash     BINARY(32)   NOT NULL,
  tenant_id      INT UNSIGNED NOT NULL,
  office_user_id INT UNSIGNED NOT NULL,
  created_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  expires_at     DATETIME(6)  NOT NULL,
  used_at        DATETIME(6)  NULL,
  UNIQUE KEY office_reset_tokens_hash (token_hash),
  KEY office_reset_tokens_user (office_user_id, used_at),
  CONSTRAINT office_reset_tokens_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT office_reset_tokens_user_fk FOREIGN KEY (office_user_id)
    REFERENCES office_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
