-- Office users (issue 5): the user's details beyond the login, and the
-- logins that were deleted, which can never be used again.

ALTER TABLE office_users
  ADD COLUMN IF NOT EXISTS mobile_provider VARCHAR(32)  NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS street          VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS city            VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS state           VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS zip             VARCHAR(20)  NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS country         VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS default_screen  VARCHAR(32)  NOT NULL DEFAULT 'settings',
  ADD INDEX IF NOT EXISTS office_users_tenant_email (tenant_id, email),
  ADD INDEX IF NOT EXISTS office_users_tenant_first (tenant_id, first_name, last_name, email),
  ADD INDEX IF NOT EXISTS office_users_tenant_last (tenant_id, last_name, first_name, email);

-- Office logins are unique across tenants (office_users_email), so a
-- deleted one is kept here by itself: adding it again is refused, in any
-- tenant.
CREATE TABLE IF NOT EXISTS office_login_tombstones (
  email      VARCHAR(254) NOT NULL PRIMARY KEY,
  tenant_id  INT UNSIGNED NOT NULL,
  deleted_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  CONSTRAINT office_login_tombstones_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The tenant's calendars and vehicles (managed in settings), which office
-- users' permissions refer to.
CREATE TABLE IF NOT EXISTS calendars (
  id        INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id INT UNSIGNED NOT NULL,
  name      VARCHAR(100) NOT NULL,
  UNIQUE KEY calendars_tenant_name (tenant_id, name),
  CONSTRAINT calendars_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS vehicles (
  id        INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id INT UNSIGNED NOT NULL,
  name      VARCHAR(100) NOT NULL,
  UNIQUE KEY vehicles_tenant_name (tenant_id, name),
  CONSTRAINT vehicles_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which calendars a user works with, which vehicles they see on the map
-- (all_vehicles = 1: every vehicle, now and later), and which events they
-- are told about.
CREATE TABLE IF NOT EXISTS office_user_calendars (
  user_id     INT UNSIGNED NOT NULL,
  calendar_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (user_id, calendar_id),
  CONSTRAINT office_user_calendars_user_fk FOREIGN KEY (user_id) REFERENCES office_users (id) ON DELETE CASCADE,
  CONSTRAINT office_user_calendars_cal_fk FOREIGN KEY (calendar_id) REFERENCES calendars (id) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS office_user_vehicles (
  user_id    INT UNSIGNED NOT NULL,
  vehicle_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (user_id, vehicle_id),
  CONSTRAINT office_user_vehicles_user_fk FOREIGN KEY (user_id) REFERENCES office_users (id) ON DELETE CASCADE,
  CONSTRAINT office_user_vehicles_vehicle_fk FOREIGN KEY (vehicle_id) REFERENCES vehicles (id) ON DELETE CASCADE
) ENGINE=InnoDB;

ALTER TABLE office_users
  ADD COLUMN IF NOT EXISTS all_vehicles  TINYINT(1) NOT NULL DEFAULT 1,
  ADD COLUMN IF NOT EXISTS notifications SET('job_added','inventory_added','customer_added',
                                             'equipment_added','mobile_user') NOT NULL DEFAULT '';
