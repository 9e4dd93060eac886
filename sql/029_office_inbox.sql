-- The office's inbox (issue 15): what clients did in the portal (a service
-- request, an invoice marked paid, an estimate approved), one item each,
-- written in the same transaction as the client's action, until an office
-- user marks it handled.
--
-- The portal user's email is kept with the item: a user deleted later
-- still names who acted (portal_user_id becomes NULL).  open_item is
-- derived from handled_at so that the two cannot disagree.
--
-- The list is newest first by (created_at, id), per state (open or
-- handled) or all, with or without a kind: each view has an index that
-- ends in created_at (InnoDB appends the primary key), so a page is one
-- index range read from the cursor.  The menu's count of open items is a
-- range of inbox_open read from the index alone, capped (stmt_inbox.h).
CREATE TABLE IF NOT EXISTS office_inbox (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id         INT UNSIGNED NOT NULL,
  record_id         INT UNSIGNED NOT NULL,
  customer_id       INT UNSIGNED NOT NULL,
  portal_user_id    INT UNSIGNED NULL,
  portal_user_email VARCHAR(254) NOT NULL DEFAULT '',
  kind              VARCHAR(24)  NOT NULL, -- portal action: job_request, invoice_pay, ...
  created_at        DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  handled_at        DATETIME(6)  NULL,
  handled_by        INT UNSIGNED NULL,
  handled_by_email  VARCHAR(254) NOT NULL DEFAULT '',
  open_item         TINYINT(1) AS (handled_at IS NULL) STORED,
  KEY inbox_open (tenant_id, open_item, created_at),
  KEY inbox_open_kind (tenant_id, open_item, kind, created_at),
  KEY inbox_all (tenant_id, created_at),
  KEY inbox_all_kind (tenant_id, kind, created_at),
  KEY inbox_record (record_id),
  KEY inbox_customer (customer_id),
  KEY inbox_portal_user (portal_user_id),
  CONSTRAINT inbox_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT inbox_record_fk FOREIGN KEY (record_id) REFERENCES customer_records (id) ON DELETE CASCADE,
  CONSTRAINT inbox_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT inbox_portal_user_fk FOREIGN KEY (portal_user_id) REFERENCES portal_users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
