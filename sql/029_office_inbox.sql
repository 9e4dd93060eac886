-- The office's inbox (issue 15): what clients did in the portal (a service
-- request, an invoice marked paid, an estimate approved), one item each,
-- written in the same transaction as the client's action, until an office
-- user marks it handled.
--
-- An item is a record of what happened, kept like an audit entry: the
-- portal user's email stays with it (a user deleted later still names who
-- acted; portal_user_id becomes NULL), and it names its record and
-- customer by id without a foreign key, so that no delete cascades past
-- the triggers below (MariaDB fires none for a cascade) and the kept count
-- always counts what the list shows.  open_item is derived from
-- handled_at so that the two cannot disagree.
--
-- The list is newest first by (created_at, id), per state (open or
-- handled) or all, with or without a kind: each view has an index that
-- ends in created_at (InnoDB appends the primary key), so a page is one
-- index range read from the cursor.
CREATE TABLE IF NOT EXISTS office_inbox (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id         INT UNSIGNED NOT NULL,
  record_id         INT UNSIGNED NOT NULL,
  customer_id       INT UNSIGNED NOT NULL,
  portal_user_id    INT UNSIGNED NULL,
  portal_user_email VARCHAR(254) NOT NULL DEFAULT '',
  kind              VARCHAR(24)  NOT NULL, -- the portal's action: job_request, invoice_pay, ...
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
  KEY inbox_portal_user (portal_user_id),
  CONSTRAINT inbox_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT inbox_portal_user_fk FOREIGN KEY (portal_user_id) REFERENCES portal_users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The tenant's open items, kept by the triggers in the transaction that
-- changes them: the menu's "Inbox (N)" on every settings page is then one
-- primary-key row read with the session (stmt_session.h), not a count.
-- Never below 0 (a drifted count must not make a DELETE fail).
CREATE TABLE IF NOT EXISTS office_inbox_counts (
  tenant_id  INT UNSIGNED NOT NULL PRIMARY KEY,
  open_items INT UNSIGNED NOT NULL DEFAULT 0,
  CONSTRAINT inbox_counts_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;

DROP TRIGGER IF EXISTS office_inbox_count_insert;
CREATE TRIGGER office_inbox_count_insert AFTER INSERT ON office_inbox
FOR EACH ROW
BEGIN
  IF NEW.handled_at IS NULL THEN
    INSERT INTO office_inbox_counts (tenant_id, open_items) VALUES (NEW.tenant_id, 1)
      ON DUPLICATE KEY UPDATE open_items = open_items + 1;
  END IF;
END;

DROP TRIGGER IF EXISTS office_inbox_count_update;
CREATE TRIGGER office_inbox_count_update AFTER UPDATE ON office_inbox
FOR EACH ROW
BEGIN
  IF OLD.handled_at IS NULL AND (NEW.handled_at IS NOT NULL OR OLD.tenant_id <> NEW.tenant_id) THEN
    UPDATE office_inbox_counts SET open_items = IF(open_items > 0, open_items - 1, 0)
      WHERE tenant_id = OLD.tenant_id;
  END IF;
  IF NEW.handled_at IS NULL AND (OLD.handled_at IS NOT NULL OR OLD.tenant_id <> NEW.tenant_id) THEN
    INSERT INTO office_inbox_counts (tenant_id, open_items) VALUES (NEW.tenant_id, 1)
      ON DUPLICATE KEY UPDATE open_items = open_items + 1;
  END IF;
END;

DROP TRIGGER IF EXISTS office_inbox_count_delete;
CREATE TRIGGER office_inbox_count_delete AFTER DELETE ON office_inbox
FOR EACH ROW
BEGIN
  IF OLD.handled_at IS NULL THEN
    UPDATE office_inbox_counts SET open_items = IF(open_items > 0, open_items - 1, 0)
      WHERE tenant_id = OLD.tenant_id;
  END IF;
END;

-- Run again, the counts are counted afresh.
INSERT IGNORE INTO office_inbox_counts (tenant_id, open_items)
  SELECT DISTINCT tenant_id, 0 FROM office_inbox;
UPDATE office_inbox_counts c SET c.open_items =
  (SELECT COUNT(*) FROM office_inbox i WHERE i.tenant_id = c.tenant_id AND i.handled_at IS NULL);
