-- What the client portal shows (issue 6): each customer's invoices,
-- estimates, jobs, documents and equipment, optionally on one of its sites.
-- A record without a site is customer-wide: only portal users who see all
-- of the customer's sites see it (TrackTik: the portal only ever shows
-- records of granted sites).
CREATE TABLE IF NOT EXISTS customer_records (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id    INT UNSIGNED NOT NULL,
  customer_id  INT UNSIGNED NOT NULL,
  site_id      INT UNSIGNED NULL,
  kind         ENUM('invoice','estimate','job','document','equipment') NOT NULL,
  ref          VARCHAR(40)   NOT NULL,
  title        VARCHAR(200)  NOT NULL,
  detail       VARCHAR(2000) NOT NULL DEFAULT '',
  rec_date     DATE          NOT NULL,
  amount_cents BIGINT        NULL,
  -- invoice: open, payment_pending, paid; estimate: sent, approved,
  -- declined; job: requested, scheduled, completed; others: '' .
  status       VARCHAR(20)   NOT NULL DEFAULT '',
  -- documents: only public ones reach the portal.
  public       TINYINT(1)    NOT NULL DEFAULT 1,
  changed_by   VARCHAR(254)  NOT NULL DEFAULT '',
  changed_at   DATETIME      NULL,
  KEY customer_records_list (customer_id, kind, rec_date),
  KEY customer_records_site (site_id),
  CONSTRAINT customer_records_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT customer_records_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT customer_records_site_fk FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
