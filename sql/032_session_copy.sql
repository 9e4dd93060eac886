-- An office session's row carries what every settings request reads with
-- it (issue 16): its user's name, email, state, MFA and time zone, the
-- user's settings permission, the tenant's columns and its open inbox
-- items.  The session read is then one row by its key, not a join of five
-- tables (measured: 38 us of MariaDB CPU a read against 76, 8 clients at
-- once; the 2,000-tenant mix +16% req/s).
--
-- The copies are kept by the triggers below, in the transaction of the
-- change that moves them, so nothing can read a stale copy: a deactivated
-- user, a permission taken away or a user moved to another tenant refuses
-- the next request on every host, as the join did.  A changed source row
-- that moves no copied column (a sign-in's last_sign_in_at, a password)
-- writes no session.  Office sessions only: a portal session's copies stay
-- NULL.  Every statement may run again.

ALTER TABLE sessions
  ADD COLUMN IF NOT EXISTS u_email          VARCHAR(254) NULL,
  ADD COLUMN IF NOT EXISTS u_first_name     VARCHAR(100) NULL,
  ADD COLUMN IF NOT EXISTS u_last_name      VARCHAR(100) NULL,
  -- 1 while the user is active and still the session's tenant's; NULL or
  -- 0 refuses the session (stmt_session.h, SESSION_OFFICE).
  ADD COLUMN IF NOT EXISTS u_active         TINYINT(1) NULL,
  ADD COLUMN IF NOT EXISTS u_mfa_required   TINYINT(1) NULL,
  ADD COLUMN IF NOT EXISTS u_mfa_enabled    TINYINT(1) NULL,
  ADD COLUMN IF NOT EXISTS u_time_zone      VARCHAR(64) NULL,
  ADD COLUMN IF NOT EXISTS u_settings       TINYINT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS t_slug           VARCHAR(63) NULL,
  ADD COLUMN IF NOT EXISTS t_company_name   VARCHAR(200) NULL,
  ADD COLUMN IF NOT EXISTS t_street         VARCHAR(200) NULL,
  ADD COLUMN IF NOT EXISTS t_city           VARCHAR(100) NULL,
  ADD COLUMN IF NOT EXISTS t_state          VARCHAR(100) NULL,
  ADD COLUMN IF NOT EXISTS t_zip            VARCHAR(20) NULL,
  ADD COLUMN IF NOT EXISTS t_country        VARCHAR(100) NULL,
  ADD COLUMN IF NOT EXISTS t_portal_enabled TINYINT(1) NULL,
  ADD COLUMN IF NOT EXISTS t_frame_origins  VARCHAR(6000) NULL,
  ADD COLUMN IF NOT EXISTS t_time_zone      VARCHAR(64) NULL,
  ADD COLUMN IF NOT EXISTS t_inbox_open     INT UNSIGNED NULL;

-- A new office session copies its user, permission and tenant as they are
-- in the inserting transaction.  A user who is not the session's tenant's
-- leaves u_active NULL: the session is never valid (the join's
-- u.tenant_id = s.tenant_id).
DROP TRIGGER IF EXISTS sessions_office_copy;
CREATE TRIGGER sessions_office_copy BEFORE INSERT ON sessions
FOR EACH ROW
BEGIN
  -- MariaDB's SELECT ... INTO takes variables, not NEW's columns.
  DECLARE v_email VARCHAR(254);
  DECLARE v_first, v_last VARCHAR(100);
  DECLARE v_active, v_mfa_required, v_mfa_enabled, v_portal TINYINT;
  DECLARE v_utz, v_ttz VARCHAR(64);
  DECLARE v_settings TINYINT UNSIGNED;
  DECLARE v_slug VARCHAR(63);
  DECLARE v_company, v_street VARCHAR(200);
  DECLARE v_city, v_state, v_country VARCHAR(100);
  DECLARE v_zip VARCHAR(20);
  DECLARE v_frames VARCHAR(6000);
  DECLARE v_inbox INT UNSIGNED;
  IF NEW.kind = 'office' THEN
    SELECT u.email, u.first_name, u.last_name, u.active, u.mfa_required,
           IF(u.id IS NULL, NULL, u.mfa_secret IS NOT NULL), u.time_zone, COALESCE(p.level, 0),
           t.slug, t.company_name, t.street, t.city, t.state, t.zip, t.country,
           t.portal_enabled, t.frame_origins, t.time_zone, COALESCE(ic.open_items, 0)
      INTO v_email, v_first, v_last, v_active, v_mfa_required, v_mfa_enabled, v_utz,
           v_settings, v_slug, v_company, v_street, v_city, v_state, v_zip, v_country,
           v_portal, v_frames, v_ttz, v_inbox
      FROM tenants t
      LEFT JOIN office_users u ON u.id = NEW.office_user_id AND u.tenant_id = t.id
      LEFT JOIN office_user_perms p ON p.user_id = u.id AND p.module = 'settings'
      LEFT JOIN office_inbox_counts ic ON ic.tenant_id = t.id
     WHERE t.id = NEW.tenant_id;
    SET NEW.u_email = v_email, NEW.u_first_name = v_first, NEW.u_last_name = v_last,
        NEW.u_active = v_active, NEW.u_mfa_required = v_mfa_required,
        NEW.u_mfa_enabled = v_mfa_enabled, NEW.u_time_zone = v_utz, NEW.u_settings = v_settings,
        NEW.t_slug = v_slug, NEW.t_company_name = v_company, NEW.t_street = v_street,
        NEW.t_city = v_city, NEW.t_state = v_state, NEW.t_zip = v_zip,
        NEW.t_country = v_country, NEW.t_portal_enabled = v_portal,
        NEW.t_frame_origins = v_frames, NEW.t_time_zone = v_ttz, NEW.t_inbox_open = v_inbox;
  END IF;
END;

-- The user's columns, byte for byte (the collation calls 'a' and 'A'
-- equal; a rename of case must show).
DROP TRIGGER IF EXISTS office_users_session_copy;
CREATE TRIGGER office_users_session_copy AFTER UPDATE ON office_users
FOR EACH ROW
BEGIN
  IF NOT (BINARY OLD.email <=> BINARY NEW.email)
      OR NOT (BINARY OLD.first_name <=> BINARY NEW.first_name)
      OR NOT (BINARY OLD.last_name <=> BINARY NEW.last_name)
      OR NOT (OLD.active <=> NEW.active)
      OR NOT (OLD.mfa_required <=> NEW.mfa_required)
      OR (OLD.mfa_secret IS NULL) <> (NEW.mfa_secret IS NULL)
      OR NOT (BINARY OLD.time_zone <=> BINARY NEW.time_zone)
      OR OLD.tenant_id <> NEW.tenant_id THEN
    UPDATE sessions
       SET u_email = NEW.email, u_first_name = NEW.first_name, u_last_name = NEW.last_name,
           u_active = IF(tenant_id = NEW.tenant_id, NEW.active, 0),
           u_mfa_required = NEW.mfa_required, u_mfa_enabled = NEW.mfa_secret IS NOT NULL,
           u_time_zone = NEW.time_zone
     WHERE office_user_id = NEW.id AND kind = 'office';
  END IF;
END;

-- The settings permission: set, changed or taken away (no row is level 0).
-- A user's rows deleted with the user (ON DELETE CASCADE fires no trigger)
-- take the user's sessions with them (sessions_office_fk).
DROP TRIGGER IF EXISTS office_user_perms_session_insert;
CREATE TRIGGER office_user_perms_session_insert AFTER INSERT ON office_user_perms
FOR EACH ROW
BEGIN
  IF NEW.module = 'settings' THEN
    UPDATE sessions SET u_settings = NEW.level
     WHERE office_user_id = NEW.user_id AND kind = 'office';
  END IF;
END;

DROP TRIGGER IF EXISTS office_user_perms_session_update;
CREATE TRIGGER office_user_perms_session_update AFTER UPDATE ON office_user_perms
FOR EACH ROW
BEGIN
  IF OLD.module = 'settings' AND (NEW.module <> 'settings' OR NEW.user_id <> OLD.user_id) THEN
    UPDATE sessions SET u_settings = 0
     WHERE office_user_id = OLD.user_id AND kind = 'office';
  END IF;
  IF NEW.module = 'settings' THEN
    UPDATE sessions SET u_settings = NEW.level
     WHERE office_user_id = NEW.user_id AND kind = 'office';
  END IF;
END;

DROP TRIGGER IF EXISTS office_user_perms_session_delete;
CREATE TRIGGER office_user_perms_session_delete AFTER DELETE ON office_user_perms
FOR EACH ROW
BEGIN
  IF OLD.module = 'settings' THEN
    UPDATE sessions SET u_settings = 0
     WHERE office_user_id = OLD.user_id AND kind = 'office';
  END IF;
END;

-- The tenant's columns.
DROP TRIGGER IF EXISTS tenants_session_copy;
CREATE TRIGGER tenants_session_copy AFTER UPDATE ON tenants
FOR EACH ROW
BEGIN
  IF NOT (BINARY OLD.slug <=> BINARY NEW.slug)
      OR NOT (BINARY OLD.company_name <=> BINARY NEW.company_name)
      OR NOT (BINARY OLD.street <=> BINARY NEW.street)
      OR NOT (BINARY OLD.city <=> BINARY NEW.city)
      OR NOT (BINARY OLD.state <=> BINARY NEW.state)
      OR NOT (BINARY OLD.zip <=> BINARY NEW.zip)
      OR NOT (BINARY OLD.country <=> BINARY NEW.country)
      OR NOT (OLD.portal_enabled <=> NEW.portal_enabled)
      OR NOT (BINARY OLD.frame_origins <=> BINARY NEW.frame_origins)
      OR NOT (BINARY OLD.time_zone <=> BINARY NEW.time_zone) THEN
    UPDATE sessions
       SET t_slug = NEW.slug, t_company_name = NEW.company_name, t_street = NEW.street,
           t_city = NEW.city, t_state = NEW.state, t_zip = NEW.zip, t_country = NEW.country,
           t_portal_enabled = NEW.portal_enabled, t_frame_origins = NEW.frame_origins,
           t_time_zone = NEW.time_zone
     WHERE tenant_id = NEW.id AND kind = 'office';
  END IF;
END;

-- The open inbox items (kept by sql/029's triggers on office_inbox).
DROP TRIGGER IF EXISTS office_inbox_counts_session_insert;
CREATE TRIGGER office_inbox_counts_session_insert AFTER INSERT ON office_inbox_counts
FOR EACH ROW
  UPDATE sessions SET t_inbox_open = NEW.open_items
   WHERE tenant_id = NEW.tenant_id AND kind = 'office';

DROP TRIGGER IF EXISTS office_inbox_counts_session_update;
CREATE TRIGGER office_inbox_counts_session_update AFTER UPDATE ON office_inbox_counts
FOR EACH ROW
BEGIN
  IF OLD.tenant_id <> NEW.tenant_id THEN
    UPDATE sessions SET t_inbox_open = 0
     WHERE tenant_id = OLD.tenant_id AND kind = 'office';
  END IF;
  IF OLD.tenant_id <> NEW.tenant_id OR OLD.open_items <> NEW.open_items THEN
    UPDATE sessions SET t_inbox_open = NEW.open_items
     WHERE tenant_id = NEW.tenant_id AND kind = 'office';
  END IF;
END;

DROP TRIGGER IF EXISTS office_inbox_counts_session_delete;
CREATE TRIGGER office_inbox_counts_session_delete AFTER DELETE ON office_inbox_counts
FOR EACH ROW
  UPDATE sessions SET t_inbox_open = 0
   WHERE tenant_id = OLD.tenant_id AND kind = 'office';

-- The sessions open now, copied once (run again, copied afresh).
UPDATE sessions s
  JOIN tenants t ON t.id = s.tenant_id
  LEFT JOIN office_users u ON u.id = s.office_user_id AND u.tenant_id = s.tenant_id
  LEFT JOIN office_user_perms p ON p.user_id = u.id AND p.module = 'settings'
  LEFT JOIN office_inbox_counts ic ON ic.tenant_id = s.tenant_id
   SET s.u_email = u.email, s.u_first_name = u.first_name, s.u_last_name = u.last_name,
       s.u_active = u.active, s.u_mfa_required = u.mfa_required,
       s.u_mfa_enabled = IF(u.id IS NULL, NULL, u.mfa_secret IS NOT NULL),
       s.u_time_zone = u.time_zone, s.u_settings = COALESCE(p.level, 0),
       s.t_slug = t.slug, s.t_company_name = t.company_name, s.t_street = t.street,
       s.t_city = t.city, s.t_state = t.state, s.t_zip = t.zip, s.t_country = t.country,
       s.t_portal_enabled = t.portal_enabled, s.t_frame_origins = t.frame_origins,
       s.t_time_zone = t.time_zone, s.t_inbox_open = COALESCE(ic.open_items, 0)
 WHERE s.kind = 'office';
