-- Webhooks (issue 14): the partner feed's changes pushed to a tenant's
-- endpoints, signed per the Standard Webhooks scheme.  gatehouse-hooks
-- queues one delivery per endpoint and change (from the change log of
-- sql/022, in commit order) and delivers it at least once: a delivery is
-- claimed in a committed transaction with a lease before the POST, so a
-- worker that dies mid-batch loses nothing (its claims run out and are
-- taken again, with the same webhook-id).

CREATE TABLE IF NOT EXISTS webhooks (
  id              INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id       INT UNSIGNED NOT NULL,
  url             VARCHAR(2000) NOT NULL,
  events          SET('portal_user','customer','group','office_user','record') NOT NULL,
  -- The signing secret (whsec_...), sealed with the secrets key: it must be
  -- read back to sign, so it cannot be a one-way hash.
  secret_sealed   VARBINARY(200) NOT NULL,
  enabled         TINYINT(1)   NOT NULL DEFAULT 1,
  disabled_reason VARCHAR(300) NOT NULL DEFAULT '',
  created_by      VARCHAR(255) NOT NULL,
  created_at      DATETIME(6)  NOT NULL DEFAULT NOW(6),
  -- The change log is queued up to here (the log's head when made).
  after_seq       BIGINT UNSIGNED NOT NULL DEFAULT 0,
  -- The first failure of the current run of failures (NULL: healthy).
  failing_since   DATETIME(6)  NULL,
  KEY webhooks_tenant (tenant_id),
  CONSTRAINT webhooks_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  webhook_id  INT UNSIGNED    NOT NULL,
  tenant_id   INT UNSIGNED    NOT NULL,
  seq         BIGINT UNSIGNED NOT NULL,
  resource    ENUM('portal_user','customer','group','office_user','record') NOT NULL,
  rid         INT UNSIGNED    NOT NULL,
  op          ENUM('insert','update','delete') NOT NULL,
  at          DATETIME(6)     NOT NULL, -- the change's time
  status      ENUM('pending','delivered','failed') NOT NULL DEFAULT 'pending',
  attempts    SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  -- Due at; while claimed, also the end of the claim's lease.
  next_at     DATETIME(6)     NOT NULL DEFAULT NOW(6),
  claim       BINARY(16)      NULL,
  first_at    DATETIME(6)     NULL,
  last_at     DATETIME(6)     NULL,
  last_code   SMALLINT UNSIGNED NULL,
  last_error  VARCHAR(300)    NOT NULL DEFAULT '',
  created_at  DATETIME(6)     NOT NULL DEFAULT NOW(6),
  UNIQUE KEY webhook_deliveries_change (webhook_id, seq),
  KEY webhook_deliveries_due (status, next_at),
  CONSTRAINT webhook_deliveries_hook_fk FOREIGN KEY (webhook_id) REFERENCES webhooks (id)
    ON DELETE CASCADE
) ENGINE=InnoDB;
