-- The portal users' count and list version (003, 012) kept as the office
-- users' are (013): a row moved to another tenant moves its count, a change
-- of company or email is seen byte for byte (the collation calls 'a' and
-- 'a ' equal; a LIKE filter does not), the count never goes below 0 (a
-- drifted count must not make a DELETE fail), and an update that moves
-- nothing (a sign-in's last_sign_in_at, a password) touches, and so locks,
-- no count row.

DROP TRIGGER IF EXISTS portal_users_count_delete;
CREATE TRIGGER portal_users_count_delete AFTER DELETE ON portal_users
  FOR EACH ROW UPDATE portal_user_counts SET n = IF(n > 0, n - 1, 0), version = version + 1
  WHERE tenant_id = OLD.tenant_id;

DROP TRIGGER IF EXISTS portal_users_list_version;
CREATE TRIGGER portal_users_list_version AFTER UPDATE ON portal_users
FOR EACH ROW
BEGIN
  IF OLD.tenant_id <> NEW.tenant_id THEN
    UPDATE portal_user_counts SET n = IF(n > 0, n - 1, 0), version = version + 1
      WHERE tenant_id = OLD.tenant_id;
    INSERT INTO portal_user_counts (tenant_id, n, version) VALUES (NEW.tenant_id, 1, 1)
      ON DUPLICATE KEY UPDATE n = n + 1, version = version + 1;
  ELSEIF NOT (BINARY OLD.email <=> BINARY NEW.email)
      OR NOT (BINARY OLD.company_name <=> BINARY NEW.company_name) THEN
    UPDATE portal_user_counts SET version = version + 1 WHERE tenant_id = NEW.tenant_id;
  END IF;
END;
