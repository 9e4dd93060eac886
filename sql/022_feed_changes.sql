-- The partner feed's change log (issue 14): every insert, update and delete
-- of a fed resource (a portal user, a customer with its contacts and sites,
-- a portal group, an office user with its permissions, a customer record),
-- written by triggers in the transaction of the change itself, so a write
-- that rolls back leaves no change behind, whoever writes (the responders,
-- gatehouse-ctl, a DBA's SQL).
--
-- Commit order, not start order.  A change's row gets its id when its
-- transaction writes it, but transactions commit in another order than
-- they wrote: numbering by id, a follower that read up to id 12 while the
-- transaction holding id 11 was still open would never see 11.  So the
-- order a follower reads is not the id but seq, given only to committed
-- rows, in a transaction of its own, by whoever reads the feed first
-- (fcgi/core/db/stmt_feed.h, FEED_STAMP_*): under the tenant's feed_seq row
-- lock, every committed row without a seq gets the next numbers.  A row
-- committed later is numbered later, above every seq already handed out,
-- so a follower that has read up to seq N has seen every change numbered
-- N or less, and every change it has not seen will be numbered above N.
-- Writers never wait for each other: they only insert.
--
-- A change names its resource and id; the feed shows the resource's state
-- as it is when the change is read (a later change of the same resource
-- follows it), or a tombstone for a delete.  Triggers do not see foreign
-- key cascades, so a delete that cascades names what it changes itself
-- (the customer's records; a site's portal users and records).  The
-- trigger-written rows are plain InnoDB rows: a Galera cluster replicates
-- them like any other.

CREATE TABLE IF NOT EXISTS feed_changes (
  id        BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id INT UNSIGNED    NOT NULL,
  seq       BIGINT UNSIGNED NULL,
  resource  ENUM('portal_user','customer','group','office_user','record') NOT NULL,
  rid       INT UNSIGNED    NOT NULL,
  op        ENUM('insert','update','delete') NOT NULL,
  at        DATETIME(6)     NOT NULL DEFAULT NOW(6),
  KEY feed_changes_seq (tenant_id, seq)
) ENGINE=InnoDB;

-- Per tenant: the last seq handed out, and the lowest still kept (a purge
-- raises it; a follower behind it must take a new snapshot: 410).
CREATE TABLE IF NOT EXISTS feed_seq (
  tenant_id INT UNSIGNED    NOT NULL PRIMARY KEY,
  seq       BIGINT UNSIGNED NOT NULL DEFAULT 0,
  floor_seq BIGINT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB;

-- ---- portal users (their sites included) ----
DROP TRIGGER IF EXISTS portal_users_feed_insert;
CREATE TRIGGER portal_users_feed_insert AFTER INSERT ON portal_users FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (NEW.tenant_id, 'portal_user', NEW.id, 'insert');

-- Only what the feed shows: a sign-in's time or a password's new hash is
-- not a change of the resource (password_set is: NULL or not).
DROP TRIGGER IF EXISTS portal_users_feed_update;
CREATE TRIGGER portal_users_feed_update AFTER UPDATE ON portal_users FOR EACH ROW
BEGIN
  IF NOT (OLD.customer_id <=> NEW.customer_id AND OLD.company_name <=> NEW.company_name
          AND OLD.email <=> NEW.email AND OLD.status <=> NEW.status
          AND OLD.group_id <=> NEW.group_id AND OLD.invite_state <=> NEW.invite_state
          AND (OLD.password_hash IS NULL) = (NEW.password_hash IS NULL)
          AND OLD.mfa_required <=> NEW.mfa_required
          AND (OLD.mfa_secret IS NULL) = (NEW.mfa_secret IS NULL)
          AND OLD.all_sites <=> NEW.all_sites AND OLD.email_reports <=> NEW.email_reports
          AND OLD.locked_until <=> NEW.locked_until AND OLD.time_zone <=> NEW.time_zone) THEN
    INSERT INTO feed_changes (tenant_id, resource, rid, op)
    VALUES (NEW.tenant_id, 'portal_user', NEW.id, 'update');
  END IF;
END;

-- BEFORE: the contacts that name the user are still linked (the delete
-- unlinks them by cascade, which no trigger sees).
DROP TRIGGER IF EXISTS portal_users_feed_delete;
CREATE TRIGGER portal_users_feed_delete BEFORE DELETE ON portal_users FOR EACH ROW
BEGIN
  FOR r IN (SELECT DISTINCT tenant_id, customer_id FROM customer_contacts
             WHERE portal_user_id = OLD.id) DO
    INSERT INTO feed_changes (tenant_id, resource, rid, op)
    VALUES (r.tenant_id, 'customer', r.customer_id, 'update');
  END FOR;
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (OLD.tenant_id, 'portal_user', OLD.id, 'delete');
END;

DROP TRIGGER IF EXISTS portal_user_sites_feed_insert;
CREATE TRIGGER portal_user_sites_feed_insert AFTER INSERT ON portal_user_sites FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES ((SELECT tenant_id FROM portal_users WHERE id = NEW.portal_user_id), 'portal_user',
          NEW.portal_user_id, 'update');
DROP TRIGGER IF EXISTS portal_user_sites_feed_delete;
CREATE TRIGGER portal_user_sites_feed_delete AFTER DELETE ON portal_user_sites FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES ((SELECT tenant_id FROM portal_users WHERE id = OLD.portal_user_id), 'portal_user',
          OLD.portal_user_id, 'update');

-- ---- customers (their contacts and sites included) ----
DROP TRIGGER IF EXISTS customers_feed_insert;
CREATE TRIGGER customers_feed_insert AFTER INSERT ON customers FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (NEW.tenant_id, 'customer', NEW.id, 'insert');
DROP TRIGGER IF EXISTS customers_feed_update;
CREATE TRIGGER customers_feed_update AFTER UPDATE ON customers FOR EACH ROW
BEGIN
  IF NOT (OLD.name <=> NEW.name AND OLD.primary_email <=> NEW.primary_email
          AND OLD.phone <=> NEW.phone AND OLD.street <=> NEW.street AND OLD.city <=> NEW.city
          AND OLD.state <=> NEW.state AND OLD.zip <=> NEW.zip) THEN
    INSERT INTO feed_changes (tenant_id, resource, rid, op)
    VALUES (NEW.tenant_id, 'customer', NEW.id, 'update');
  END IF;
END;
-- Its records, contacts and sites go by cascade.
DROP TRIGGER IF EXISTS customers_feed_delete;
CREATE TRIGGER customers_feed_delete BEFORE DELETE ON customers FOR EACH ROW
BEGIN
  FOR r IN (SELECT id FROM customer_records WHERE customer_id = OLD.id) DO
    INSERT INTO feed_changes (tenant_id, resource, rid, op)
    VALUES (OLD.tenant_id, 'record', r.id, 'delete');
  END FOR;
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (OLD.tenant_id, 'customer', OLD.id, 'delete');
END;

DROP TRIGGER IF EXISTS customer_contacts_feed_insert;
CREATE TRIGGER customer_contacts_feed_insert AFTER INSERT ON customer_contacts FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (NEW.tenant_id, 'customer', NEW.customer_id, 'update');
DROP TRIGGER IF EXISTS customer_contacts_feed_update;
CREATE TRIGGER customer_contacts_feed_update AFTER UPDATE ON customer_contacts FOR EACH ROW
BEGIN
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (NEW.tenant_id, 'customer', NEW.customer_id, 'update');
  IF OLD.customer_id <> NEW.customer_id THEN
    INSERT INTO feed_changes (tenant_id, resource, rid, op)
    VALUES (OLD.tenant_id, 'customer', OLD.customer_id, 'update');
  END IF;
END;
DROP TRIGGER IF EXISTS customer_contacts_feed_delete;
CREATE TRIGGER customer_contacts_feed_delete AFTER DELETE ON customer_contacts FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (OLD.tenant_id, 'customer', OLD.customer_id, 'update');

DROP TRIGGER IF EXISTS sites_feed_insert;
CREATE TRIGGER sites_feed_insert AFTER INSERT ON sites FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (NEW.tenant_id, 'customer', NEW.customer_id, 'update');
DROP TRIGGER IF EXISTS sites_feed_update;
CREATE TRIGGER sites_feed_update AFTER UPDATE ON sites FOR EACH ROW
BEGIN
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (NEW.tenant_id, 'customer', NEW.customer_id, 'update');
  IF OLD.customer_id <> NEW.customer_id THEN
    INSERT INTO feed_changes (tenant_id, resource, rid, op)
    VALUES (OLD.tenant_id, 'customer', OLD.customer_id, 'update');
  END IF;
END;
-- A site's delete takes its sub-sites, their portal users' grants and
-- their records' site by cascade: named here, before they go.
DROP TRIGGER IF EXISTS sites_feed_delete;
CREATE TRIGGER sites_feed_delete BEFORE DELETE ON sites FOR EACH ROW
BEGIN
  FOR r IN (SELECT DISTINCT pus.portal_user_id AS id FROM portal_user_sites pus
             WHERE pus.site_id IN (WITH RECURSIVE sub AS (SELECT OLD.id AS id UNION ALL
                                    SELECT s.id FROM sites s JOIN sub ON s.parent_id = sub.id)
                                   SELECT id FROM sub)) DO
    INSERT INTO feed_changes (tenant_id, resource, rid, op)
    VALUES (OLD.tenant_id, 'portal_user', r.id, 'update');
  END FOR;
  FOR r IN (SELECT id FROM customer_records
             WHERE site_id IN (WITH RECURSIVE sub AS (SELECT OLD.id AS id UNION ALL
                                SELECT s.id FROM sites s JOIN sub ON s.parent_id = sub.id)
                               SELECT id FROM sub)) DO
    INSERT INTO feed_changes (tenant_id, resource, rid, op)
    VALUES (OLD.tenant_id, 'record', r.id, 'update');
  END FOR;
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (OLD.tenant_id, 'customer', OLD.customer_id, 'update');
END;

-- ---- portal groups ----
DROP TRIGGER IF EXISTS portal_groups_feed_insert;
CREATE TRIGGER portal_groups_feed_insert AFTER INSERT ON portal_groups FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (NEW.tenant_id, 'group', NEW.id, 'insert');
DROP TRIGGER IF EXISTS portal_groups_feed_update;
CREATE TRIGGER portal_groups_feed_update AFTER UPDATE ON portal_groups FOR EACH ROW
BEGIN
  IF NOT (OLD.name <=> NEW.name AND OLD.is_default <=> NEW.is_default
          AND OLD.require_mfa <=> NEW.require_mfa AND OLD.perms <=> NEW.perms) THEN
    INSERT INTO feed_changes (tenant_id, resource, rid, op)
    VALUES (NEW.tenant_id, 'group', NEW.id, 'update');
  END IF;
END;
DROP TRIGGER IF EXISTS portal_groups_feed_delete;
CREATE TRIGGER portal_groups_feed_delete AFTER DELETE ON portal_groups FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (OLD.tenant_id, 'group', OLD.id, 'delete');

-- ---- office users (their permissions included) ----
DROP TRIGGER IF EXISTS office_users_feed_insert;
CREATE TRIGGER office_users_feed_insert AFTER INSERT ON office_users FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (NEW.tenant_id, 'office_user', NEW.id, 'insert');
DROP TRIGGER IF EXISTS office_users_feed_update;
CREATE TRIGGER office_users_feed_update AFTER UPDATE ON office_users FOR EACH ROW
BEGIN
  IF NOT (OLD.email <=> NEW.email AND OLD.role <=> NEW.role
          AND OLD.first_name <=> NEW.first_name AND OLD.last_name <=> NEW.last_name
          AND OLD.phone <=> NEW.phone AND OLD.active <=> NEW.active
          AND OLD.mfa_required <=> NEW.mfa_required
          AND (OLD.mfa_secret IS NULL) = (NEW.mfa_secret IS NULL)
          AND OLD.time_zone <=> NEW.time_zone) THEN
    INSERT INTO feed_changes (tenant_id, resource, rid, op)
    VALUES (NEW.tenant_id, 'office_user', NEW.id, 'update');
  END IF;
END;
DROP TRIGGER IF EXISTS office_users_feed_delete;
CREATE TRIGGER office_users_feed_delete AFTER DELETE ON office_users FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (OLD.tenant_id, 'office_user', OLD.id, 'delete');

DROP TRIGGER IF EXISTS office_user_perms_feed_insert;
CREATE TRIGGER office_user_perms_feed_insert AFTER INSERT ON office_user_perms FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES ((SELECT tenant_id FROM office_users WHERE id = NEW.user_id), 'office_user',
          NEW.user_id, 'update');
DROP TRIGGER IF EXISTS office_user_perms_feed_update;
CREATE TRIGGER office_user_perms_feed_update AFTER UPDATE ON office_user_perms FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES ((SELECT tenant_id FROM office_users WHERE id = NEW.user_id), 'office_user',
          NEW.user_id, 'update');
DROP TRIGGER IF EXISTS office_user_perms_feed_delete;
CREATE TRIGGER office_user_perms_feed_delete AFTER DELETE ON office_user_perms FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES ((SELECT tenant_id FROM office_users WHERE id = OLD.user_id), 'office_user',
          OLD.user_id, 'update');

-- ---- customer records ----
DROP TRIGGER IF EXISTS customer_records_feed_insert;
CREATE TRIGGER customer_records_feed_insert AFTER INSERT ON customer_records FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (NEW.tenant_id, 'record', NEW.id, 'insert');
DROP TRIGGER IF EXISTS customer_records_feed_update;
CREATE TRIGGER customer_records_feed_update AFTER UPDATE ON customer_records FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (NEW.tenant_id, 'record', NEW.id, 'update');
DROP TRIGGER IF EXISTS customer_records_feed_delete;
CREATE TRIGGER customer_records_feed_delete AFTER DELETE ON customer_records FOR EACH ROW
  INSERT INTO feed_changes (tenant_id, resource, rid, op)
  VALUES (OLD.tenant_id, 'record', OLD.id, 'delete');

-- The snapshots walk a tenant's rows by id (/feed/<slug>/...; the records
-- one kind at a time): an index range each, whatever the other tenants.
ALTER TABLE customer_records
  ADD INDEX IF NOT EXISTS customer_records_feed (tenant_id, kind, id);
ALTER TABLE portal_users ADD INDEX IF NOT EXISTS portal_users_feed (tenant_id, id);
ALTER TABLE customers ADD INDEX IF NOT EXISTS customers_feed (tenant_id, id);
ALTER TABLE portal_groups ADD INDEX IF NOT EXISTS portal_groups_feed (tenant_id, id);
