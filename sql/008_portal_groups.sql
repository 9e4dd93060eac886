-- Portal permission groups (issue 6, seed 003): what a portal user may see
-- and do.  Each tenant has the system group "Non-Portal Users" (what a
-- customer's secure token link opens while the customer has no portal
-- users; never deleted) and one default group, given to new portal users.
CREATE TABLE IF NOT EXISTS portal_groups (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id   INT UNSIGNED NOT NULL,
  name        VARCHAR(100) NOT NULL,
  is_system   TINYINT(1)   NOT NULL DEFAULT 0,
  is_default  TINYINT(1)   NOT NULL DEFAULT 0,
  require_mfa TINYINT(1)   NOT NULL DEFAULT 0,
  perms       SET('invoices_view','invoices_pay','estimates_view','estimates_approve',
                  'jobs_view','jobs_request','documents_view','equipment_view','sites_view',
                  'reports_email','manage_colleagues') NOT NULL DEFAULT '',
  UNIQUE KEY portal_groups_tenant_name (tenant_id, name),
  CONSTRAINT portal_groups_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every tenant's two starting groups.
INSERT IGNORE INTO portal_groups (tenant_id, name, is_system, perms)
  SELECT id, 'Non-Portal Users', 1, 'invoices_view,jobs_view,documents_view' FROM tenants;
INSERT IGNORE INTO portal_groups (tenant_id, name, is_default, perms)
  SELECT id, 'Customers', 1,
         'invoices_view,invoices_pay,estimates_view,estimates_approve,jobs_view,jobs_request,documents_view,equipment_view,sites_view'
    FROM tenants;

ALTER TABLE portal_users
  ADD COLUMN IF NOT EXISTS group_id INT UNSIGNED NULL,
  ADD INDEX IF NOT EXISTS portal_users_group (group_id);
UPDATE portal_users pu
  JOIN portal_groups g ON g.tenant_id = pu.tenant_id AND g.is_default = 1
   SET pu.group_id = g.id
 WHERE pu.group_id IS NULL;
ALTER TABLE portal_users
  ADD CONSTRAINT portal_users_group_fk FOREIGN KEY IF NOT EXISTS (group_id) REFERENCES portal_groups (id);

-- New portal users get the tenant's default group, however they are added.
CREATE TRIGGER IF NOT EXISTS portal_users_default_group BEFORE INSERT ON portal_users
  FOR EACH ROW SET NEW.group_id = COALESCE(NEW.group_id,
    (SELECT g.id FROM portal_groups g WHERE g.tenant_id = NEW.tenant_id AND g.is_default = 1 LIMIT 1));

-- New tenants get the two starting groups.
CREATE TRIGGER IF NOT EXISTS tenants_portal_groups AFTER INSERT ON tenants
  FOR EACH ROW INSERT INTO portal_groups (tenant_id, name, is_system, is_default, perms)
    SELECT NEW.id, x.name, x.sys, x.def, x.perms FROM (
      SELECT 'Non-Portal Users' AS name, 1 AS sys, 0 AS def,
             'invoices_view,jobs_view,documents_view' AS perms
      UNION ALL
      SELECT 'Customers', 0, 1,
             'invoices_view,invoices_pay,estimates_view,estimates_approve,jobs_view,jobs_request,documents_view,equipment_view,sites_view') x;

-- A customer's contacts (seed 003); a contact may become a portal user.
CREATE TABLE IF NOT EXISTS customer_contacts (
  id             INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id      INT UNSIGNED NOT NULL,
  customer_id    INT UNSIGNED NOT NULL,
  name           VARCHAR(200) NOT NULL,
  email          VARCHAR(254) NOT NULL DEFAULT '',
  phone          VARCHAR(40)  NOT NULL DEFAULT '',
  portal_user_id INT UNSIGNED NULL,
  UNIQUE KEY customer_contacts_portal_user (portal_user_id),
  KEY customer_contacts_customer (customer_id),
  CONSTRAINT customer_contacts_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT customer_contacts_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT customer_contacts_user_fk FOREIGN KEY (portal_user_id) REFERENCES portal_users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
