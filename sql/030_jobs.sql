-- Background jobs of the settings pages (issue 15): a CSV import of portal
-- users (its dry run, then the import) and the Portal Access list's bulk
-- actions.  The page that starts one writes a row here and answers at
-- once; gatehouse-jobs claims it (a lease, as the mailer claims mail),
-- works through its items in order, one transaction per item that also
-- writes the item's line of the report and moves `done`, so a worker
-- killed half way loses nothing and repeats nothing: the next claim goes
-- on after the last committed item.  The page shows the progress and the
-- report, and can be left and revisited.
CREATE TABLE IF NOT EXISTS jobs (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id      INT UNSIGNED NOT NULL,
  office_user_id INT UNSIGNED NULL,
  -- Who started it and from where, for the audit entries the worker writes.
  actor_email    VARCHAR(254) NOT NULL DEFAULT '',
  ip             VARCHAR(45)  NOT NULL DEFAULT '',
  request_id     VARCHAR(16)  NOT NULL DEFAULT '',
  -- import: check (the dry run), then run; bulk: run only.
  kind           ENUM('import','bulk') NOT NULL,
  phase          ENUM('check','run') NOT NULL DEFAULT 'check',
  state          ENUM('queued','running','done','failed') NOT NULL DEFAULT 'queued',
  -- bulk: resend, revoke, restore, group, delete; import: ''.
  action         VARCHAR(16)  NOT NULL DEFAULT '',
  arg            INT UNSIGNED NOT NULL DEFAULT 0,
  title          VARCHAR(255) NOT NULL DEFAULT '',
  -- import: the file as uploaded (UTF-8, at most [import] max_bytes);
  -- bulk: the portal users' ids, 4 bytes each, little-endian, in order.
  input          MEDIUMBLOB   NOT NULL,
  total          INT UNSIGNED NOT NULL DEFAULT 0,
  done           INT UNSIGNED NOT NULL DEFAULT 0,
  error          VARCHAR(500) NOT NULL DEFAULT '',
  created_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  started_at     DATETIME(6)  NULL,
  finished_at    DATETIME(6)  NULL,
  lease_until    DATETIME(6)  NULL,
  lease_token    BINARY(16)   NULL,
  KEY jobs_tenant (tenant_id, id),
  KEY jobs_due (state, lease_until),
  CONSTRAINT jobs_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT jobs_office_user_fk FOREIGN KEY (office_user_id) REFERENCES office_users (id)
    ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The report: one line per item and phase (the file's line, or the bulk
-- action's n-th user), with what happened and why.
CREATE TABLE IF NOT EXISTS job_items (
  job_id  BIGINT UNSIGNED  NOT NULL,
  phase   ENUM('check','run') NOT NULL,
  n       INT UNSIGNED     NOT NULL,
  outcome ENUM('create','update','skip','error','done') NOT NULL,
  subject VARCHAR(254)     NOT NULL DEFAULT '',
  message VARCHAR(500)     NOT NULL DEFAULT '',
  PRIMARY KEY (job_id, phase, n),
  KEY job_items_outcome (job_id, phase, outcome, n),
  CONSTRAINT job_items_job_fk FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
