-- People who leave (issue 15): a deleted portal or office user kept as a
-- tombstone for [people] restore_days, so the office can restore them;
-- dormant accounts warned, then deactivated; office users' last sign-in.
--
-- A tombstone holds what a restore brings back: the login, the customer,
-- the group and sites (portal); the names, role, permissions, calendars,
-- vehicles and details (office).  Never a password, MFA secret or session:
-- a restored user gets a fresh invitation (portal) or a set-password link
-- (office).  user_id is the deleted row's id, given back on restore so the
-- audit log's links to it still lead to the user.  The purge
-- (gatehouse-ctl people purge) removes tombstones past the period; an
-- office login stays burned in office_login_tombstones (sql/005) as before.
CREATE TABLE IF NOT EXISTS portal_user_tombstones (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id     INT UNSIGNED NOT NULL,
  user_id       INT UNSIGNED NOT NULL,
  customer_id   INT UNSIGNED NOT NULL,
  company_name  VARCHAR(200) NOT NULL DEFAULT '',
  email         VARCHAR(254) NOT NULL,
  group_id      INT UNSIGNED NULL,
  all_sites     TINYINT(1)   NOT NULL DEFAULT 1,
  email_reports TINYINT(1)   NOT NULL DEFAULT 0,
  mfa_required  TINYINT(1)   NOT NULL DEFAULT 0,
  time_zone     VARCHAR(64)  NULL,
  deleted_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY portal_user_tombstones_tenant (tenant_id, deleted_at),
  KEY portal_user_tombstones_customer (customer_id),
  KEY portal_user_tombstones_group (group_id),
  KEY portal_user_tombstones_purge (deleted_at),
  CONSTRAINT portal_user_tombstones_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  -- A customer deleted meanwhile takes its users' tombstones along; a
  -- group deleted meanwhile leaves the restore to the default group.
  CONSTRAINT portal_user_tombstones_customer_fk FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT portal_user_tombstones_group_fk FOREIGN KEY (group_id)
    REFERENCES portal_groups (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS portal_user_tombstone_sites (
  tombstone_id INT UNSIGNED NOT NULL,
  site_id      INT UNSIGNED NOT NULL,
  PRIMARY KEY (tombstone_id, site_id),
  KEY portal_user_tombstone_sites_site (site_id),
  CONSTRAINT portal_user_tombstone_sites_t_fk FOREIGN KEY (tombstone_id)
    REFERENCES portal_user_tombstones (id) ON DELETE CASCADE,
  CONSTRAINT portal_user_tombstone_sites_site_fk FOREIGN KEY (site_id)
    REFERENCES sites (id) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS office_user_tombstones (
  id              INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id       INT UNSIGNED NOT NULL,
  user_id         INT UNSIGNED NOT NULL,
  email           VARCHAR(254) NOT NULL,
  role            ENUM('view_only','edit_view','admin','customize') NOT NULL,
  first_name      VARCHAR(100) NOT NULL DEFAULT '',
  last_name       VARCHAR(100) NOT NULL DEFAULT '',
  phone           VARCHAR(40)  NOT NULL DEFAULT '',
  mobile_provider VARCHAR(32)  NOT NULL DEFAULT '',
  street          VARCHAR(200) NOT NULL DEFAULT '',
  city            VARCHAR(100) NOT NULL DEFAULT '',
  state           VARCHAR(100) NOT NULL DEFAULT '',
  zip             VARCHAR(20)  NOT NULL DEFAULT '',
  country         VARCHAR(100) NOT NULL DEFAULT '',
  default_screen  VARCHAR(32)  NOT NULL DEFAULT 'settings',
  all_vehicles    TINYINT(1)   NOT NULL DEFAULT 1,
  notifications   SET('job_added','inventory_added','customer_added',
                      'equipment_added','mobile_user') NOT NULL DEFAULT '',
  time_zone       VARCHAR(64)  NULL,
  mfa_required    TINYINT(1)   NOT NULL DEFAULT 0,
  -- The Email tab's connection, never its password (sql/006).
  mail_provider   ENUM('default','smtp','google','office365') NOT NULL DEFAULT 'default',
  smtp_host       VARCHAR(253) NOT NULL DEFAULT '',
  smtp_port       SMALLINT UNSIGNED NOT NULL DEFAULT 587,
  smtp_security   ENUM('starttls','tls','none') NOT NULL DEFAULT 'starttls',
  smtp_user       VARCHAR(254) NOT NULL DEFAULT '',
  deleted_at      DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY office_user_tombstones_tenant (tenant_id, deleted_at),
  KEY office_user_tombstones_email (email),
  KEY office_user_tombstones_purge (deleted_at),
  CONSTRAINT office_user_tombstones_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS office_user_tombstone_perms (
  tombstone_id INT UNSIGNED NOT NULL,
  module       VARCHAR(32)  NOT NULL,
  level        TINYINT UNSIGNED NOT NULL,
  PRIMARY KEY (tombstone_id, module),
  CONSTRAINT office_user_tombstone_perms_t_fk FOREIGN KEY (tombstone_id)
    REFERENCES office_user_tombstones (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS office_user_tombstone_calendars (
  tombstone_id INT UNSIGNED NOT NULL,
  calendar_id  INT UNSIGNED NOT NULL,
  PRIMARY KEY (tombstone_id, calendar_id),
  KEY office_user_tombstone_calendars_cal (calendar_id),
  CONSTRAINT office_user_tombstone_calendars_t_fk FOREIGN KEY (tombstone_id)
    REFERENCES office_user_tombstones (id) ON DELETE CASCADE,
  CONSTRAINT office_user_tombstone_calendars_cal_fk FOREIGN KEY (calendar_id)
    REFERENCES calendars (id) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS office_user_tombstone_vehicles (
  tombstone_id INT UNSIGNED NOT NULL,
  vehicle_id   INT UNSIGNED NOT NULL,
  PRIMARY KEY (tombstone_id, vehicle_id),
  KEY office_user_tombstone_vehicles_vehicle (vehicle_id),
  CONSTRAINT office_user_tombstone_vehicles_t_fk FOREIGN KEY (tombstone_id)
    REFERENCES office_user_tombstones (id) ON DELETE CASCADE,
  CONSTRAINT office_user_tombstone_vehicles_vehicle_fk FOREIGN KEY (vehicle_id)
    REFERENCES vehicles (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- Office users' last full sign-in (settings_session_start), for the Office
-- Users list's column and its filter "signed in: never / over 90 days",
-- served by office_users_tenant_signin (a NULL, never, sorts first).
-- dormant_warned_at: gatehouse-ctl dormant mailed the warning (so never
-- twice); a sign-in clears it.
ALTER TABLE office_users
  ADD COLUMN IF NOT EXISTS last_sign_in_at   DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS dormant_warned_at DATETIME(6) NULL,
  ADD KEY IF NOT EXISTS office_users_tenant_signin (tenant_id, last_sign_in_at, email);
ALTER TABLE portal_users
  ADD COLUMN IF NOT EXISTS dormant_warned_at DATETIME(6) NULL;
