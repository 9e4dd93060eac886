-- Customers' sites (TrackTik): a site may be a master site with sub-sites.
-- A portal user sees every site of their customer (all_sites = 1), or only
-- the granted ones.
CREATE TABLE IF NOT EXISTS sites (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id   INT UNSIGNED NOT NULL,
  customer_id INT UNSIGNED NOT NULL,
  parent_id   INT UNSIGNED NULL,
  name        VARCHAR(200) NOT NULL,
  address     VARCHAR(300) NOT NULL DEFAULT '',
  UNIQUE KEY sites_customer_name (customer_id, name),
  KEY sites_parent (parent_id),
  CONSTRAINT sites_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT sites_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT sites_parent_fk FOREIGN KEY (parent_id) REFERENCES sites (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS portal_user_sites (
  portal_user_id INT UNSIGNED NOT NULL,
  site_id        INT UNSIGNED NOT NULL,
  PRIMARY KEY (portal_user_id, site_id),
  CONSTRAINT portal_user_sites_user_fk FOREIGN KEY (portal_user_id) REFERENCES portal_users (id) ON DELETE CASCADE,
  CONSTRAINT portal_user_sites_site_fk FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE CASCADE
) ENGINE=InnoDB;

ALTER TABLE portal_users
  ADD COLUMN IF NOT EXISTS all_sites TINYINT(1) NOT NULL DEFAULT 1;
