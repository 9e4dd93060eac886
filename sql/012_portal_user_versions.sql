-- A per-tenant version of the portal users' list order, bumped by triggers
-- whenever a row arrives, leaves, or changes a column the list sorts or
-- filters on (company_name, email).  The settings responder caches a
-- filtered or deep view's id order under it (fcgi/core/listcache.c): a
-- cached order is used only while the version it was built at is current.

ALTER TABLE portal_user_counts
  ADD COLUMN IF NOT EXISTS version BIGINT UNSIGNED NOT NULL DEFAULT 0;

DROP TRIGGER IF EXISTS portal_users_count_insert;
CREATE TRIGGER portal_users_count_insert AFTER INSERT ON portal_users
  FOR EACH ROW INSERT INTO portal_user_counts (tenant_id, n, version) VALUES (NEW.tenant_id, 1, 1)
  ON DUPLICATE KEY UPDATE n = n + 1, version = version + 1;

DROP TRIGGER IF EXISTS portal_users_count_delete;
CREATE TRIGGER portal_users_count_delete AFTER DELETE ON portal_users
  FOR EACH ROW UPDATE portal_user_counts SET n = n - 1, version = version + 1
  WHERE tenant_id = OLD.tenant_id;

DROP TRIGGER IF EXISTS portal_users_list_version;
CREATE TRIGGER portal_users_list_version AFTER UPDATE ON portal_users
  FOR EACH ROW UPDATE portal_user_counts SET version = version + 1
  WHERE tenant_id IN (OLD.tenant_id, NEW.tenant_id)
    AND (NOT (OLD.email <=> NEW.email) OR NOT (OLD.company_name <=> NEW.company_name)
         OR OLD.tenant_id <> NEW.tenant_id);
