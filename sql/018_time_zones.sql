-- Dates and times are shown in the viewer's time zone: the tenant's (set in
-- Portal Access Settings; UTC until then), or the user's own when set.
-- Names are IANA zones (tz_known(): zone1970.tab and UTC), checked by the
-- application; NULL on a user: the tenant's.
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC';
ALTER TABLE office_users ADD COLUMN IF NOT EXISTS time_zone VARCHAR(64) NULL;
ALTER TABLE portal_users ADD COLUMN IF NOT EXISTS time_zone VARCHAR(64) NULL;
