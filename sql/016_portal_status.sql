-- Portal users' status as the portal's sign-in decides it (issue 12): Not
-- invited, Invited, Active, Revoked, Locked.  One C function decides it
-- (fcgi/core/pstatus.c); this file gives the lists its inputs as plain
-- columns (no per-row lookup on a list page) and the list-order cache a
-- version that moves whenever one of those inputs does.  Every statement
-- may run again.

-- The sign-in throttle's lock of a portal user's account, mirrored onto the
-- user's row.  A login_throttle row kept for a portal user's account names
-- the user (auth.c sets portal_user_id when it makes the row); the triggers
-- below copy locked_until across however that row changes: a sign-in, the
-- office's "Unlock sign-in", gatehouse-ctl throttle reset, the purge, a DBA.
ALTER TABLE login_throttle
  ADD COLUMN IF NOT EXISTS portal_user_id INT UNSIGNED NULL;
ALTER TABLE portal_users
  ADD COLUMN IF NOT EXISTS locked_until DATETIME(6) NULL;

-- Bumped whenever an input of the status changes as pstatus_decide reads
-- it: status, whether a password is set, whether an invitation was ever
-- queued (invite_state 'none' or not: the mailer moving one from queued to
-- sent or bounced changes no status, and bumps nothing), and locked_until
-- (any change: an order's lifetime is read from it).  A view of the list
-- filtered by status is cached under portal_user_counts.version + this
-- version (both only grow, so the sum moves whenever either does).  A table of its own, not a column
-- of portal_user_counts: a password set or a sign-in lock must not wait
-- for, or hold up, the count row that every add and delete locks (014).
CREATE TABLE IF NOT EXISTS portal_user_status_versions (
  tenant_id INT UNSIGNED NOT NULL PRIMARY KEY,
  version   BIGINT UNSIGNED NOT NULL DEFAULT 0,
  CONSTRAINT portal_user_status_versions_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;

DROP TRIGGER IF EXISTS portal_users_status_version;
CREATE TRIGGER portal_users_status_version AFTER UPDATE ON portal_users
FOR EACH ROW
BEGIN
  IF NOT (OLD.status <=> NEW.status)
      OR (OLD.password_hash IS NULL) <> (NEW.password_hash IS NULL)
      OR (OLD.invite_state = 'none') <> (NEW.invite_state = 'none')
      OR NOT (OLD.locked_until <=> NEW.locked_until) THEN
    INSERT INTO portal_user_status_versions (tenant_id, version) VALUES (NEW.tenant_id, 1)
      ON DUPLICATE KEY UPDATE version = version + 1;
  END IF;
END;

-- Throttle rows made before this file: the account key is SHA-256 of
-- "account", a NUL byte and "portal-user:<id>" (auth.c, throttle_key and
-- auth_portal_account).  Named while the mirror's triggers are away (a
-- trigger may not update portal_users, which this statement reads), then
-- the locks standing now are copied across once the triggers are back.
DROP TRIGGER IF EXISTS login_throttle_portal_insert;
DROP TRIGGER IF EXISTS login_throttle_portal_update;
DROP TRIGGER IF EXISTS login_throttle_portal_delete;
UPDATE login_throttle t
  JOIN portal_users pu
    ON t.key_hash = UNHEX(SHA2(CONCAT('account', CHAR(0), 'portal-user:', pu.id), 256))
   SET t.portal_user_id = pu.id
 WHERE t.portal_user_id IS NULL;

-- The mirror.  Guarded by IF, not by a WHERE clause: an UPDATE that finds
-- the user's row by its key locks it even when the rest of its WHERE does
-- not match, and most throttle writes (each sign-in attempt) change no lock.
CREATE TRIGGER login_throttle_portal_insert AFTER INSERT ON login_throttle
FOR EACH ROW
BEGIN
  IF NEW.portal_user_id IS NOT NULL AND NEW.locked_until IS NOT NULL THEN
    UPDATE portal_users SET locked_until = NEW.locked_until WHERE id = NEW.portal_user_id;
  END IF;
END;

CREATE TRIGGER login_throttle_portal_update AFTER UPDATE ON login_throttle
FOR EACH ROW
BEGIN
  IF NEW.portal_user_id IS NOT NULL
      AND (NOT (OLD.locked_until <=> NEW.locked_until)
           OR NOT (OLD.portal_user_id <=> NEW.portal_user_id)) THEN
    UPDATE portal_users SET locked_until = NEW.locked_until WHERE id = NEW.portal_user_id;
  END IF;
END;

CREATE TRIGGER login_throttle_portal_delete AFTER DELETE ON login_throttle
FOR EACH ROW
BEGIN
  IF OLD.portal_user_id IS NOT NULL AND OLD.locked_until IS NOT NULL THEN
    UPDATE portal_users SET locked_until = NULL WHERE id = OLD.portal_user_id;
  END IF;
END;

-- The locks standing now, including any a sign-in set while the triggers
-- were away.
UPDATE portal_users pu
  JOIN login_throttle t ON t.portal_user_id = pu.id
   SET pu.locked_until = t.locked_until
 WHERE NOT (pu.locked_until <=> t.locked_until);
