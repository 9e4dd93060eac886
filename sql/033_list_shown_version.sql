-- The Portal Access list's page memo (issue 16): a page is answered from
-- the render cache by the session, the query and two versions of the
-- tenant's list, without being built, so the two must move whenever
-- anything the page shows of its rows does.  portal_user_counts.version
-- moves with a row in, out or along the list (company, email: 012, 014);
-- portal_user_status_versions.version with the status's inputs and the
-- sign-in lock (016's trigger).  The trigger below moves the latter with
-- the rest a row shows: its customer (the row's link), whether its
-- invitation bounced, and its last sign-in.  A trigger of its own, not 016's
-- redefined, so that 016 run again (it may be) leaves it whole; a change of
-- both kinds bumps twice, which is as good as once.  The status table, not
-- the count row, so a sign-in never waits for, or holds up, the row every
-- add and delete locks.  The mailer moving an invitation from queued to
-- sent changes nothing shown and bumps nothing.  Every statement may run
-- again.

DROP TRIGGER IF EXISTS portal_users_shown_version;
CREATE TRIGGER portal_users_shown_version AFTER UPDATE ON portal_users
FOR EACH ROW
BEGIN
  IF NOT (OLD.customer_id <=> NEW.customer_id)
      OR (OLD.invite_state = 'bounced') <> (NEW.invite_state = 'bounced')
      OR NOT (OLD.last_sign_in_at <=> NEW.last_sign_in_at) THEN
    INSERT INTO portal_user_status_versions (tenant_id, version) VALUES (NEW.tenant_id, 1)
      ON DUPLICATE KEY UPDATE version = version + 1;
  END IF;
END;
