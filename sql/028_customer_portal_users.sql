-- The customer's view of its own portal users (issue 15): a visibility
-- level per portal group, the contact of a record, and each portal user's
-- invitation state as a stored column the Portal Access list filters by.

-- What a group's users see of the records of their granted sites:
-- 'all' the customer's (as before), or 'own': the jobs, estimates and
-- invoices whose contact they are (documents and equipment belong to a
-- site, not to a person: shown as for 'all').  A token link (no portal
-- user) always sees 'all'.
ALTER TABLE portal_groups
  ADD COLUMN IF NOT EXISTS visibility ENUM('all','own') NOT NULL DEFAULT 'all';

-- A record's contact: the portal user who asked for it (a service request)
-- or whom the office names.  The user's id, not an address: an address
-- changes (the user's own edit, the office's) and may be reused by another
-- user after a delete, and the portal's question is "is this session's
-- user the contact", which an id answers with one index range.  A user
-- deleted leaves the record to the customer (SET NULL).  The index serves
-- an "own records only" user's lists: its records of one kind, newest
-- first (fcgi/core/db/stmt_record.h, REC_LIST_OWN).
ALTER TABLE customer_records
  ADD COLUMN IF NOT EXISTS contact_portal_user_id INT UNSIGNED NULL,
  ADD KEY IF NOT EXISTS customer_records_contact (contact_portal_user_id, kind, rec_date);
ALTER TABLE customer_records
  ADD CONSTRAINT customer_records_contact_fk FOREIGN KEY IF NOT EXISTS (contact_portal_user_id)
    REFERENCES portal_users (id) ON DELETE SET NULL;

-- Each portal user's invitation state as the ledger's latest row has it
-- (sql/026), kept on the user's row so that the Portal Access list's
-- filter by invitation state walks an index (issue 16: no scan of a big
-- tenant): inv_state 0 not invited (no invitation), 1 invited (queued or
-- sent), 2 reminded, 3 accepted, 4 bounced, 5 expired; inv_expires, when
-- the latest one's link ends.  Kept by the ledger's own triggers, so every
-- writer (the responders, the mailer, gatehouse-ctl) keeps it right, but
-- for the clock: an invitation's end moves it from 1 or 2 to 5 without a
-- write, so `gatehouse-ctl invitations remind` (hourly) moves those whose
-- link has ended (portal_users_inv_expiry), and the list's filters
-- Invited and Reminded also check inv_expires, which their indexes hold:
-- an ended invitation is never shown as a live one.
ALTER TABLE portal_users
  ADD COLUMN IF NOT EXISTS inv_state TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS inv_expires DATETIME(6) NULL;

-- The list's two sorts over one invitation state, each holding every
-- column the list shows (as sql/019's): a page is read from the index.
ALTER TABLE portal_users
  ADD KEY IF NOT EXISTS portal_users_inv_company (tenant_id, inv_state, company_name, email,
    word_sig, customer_id, pstate, invite_state, locked_until, last_sign_in_at, inv_expires),
  ADD KEY IF NOT EXISTS portal_users_inv_email (tenant_id, inv_state, email, word_sig,
    company_name, customer_id, pstate, invite_state, locked_until, last_sign_in_at,
    inv_expires),
  ADD KEY IF NOT EXISTS portal_users_inv_expiry (inv_state, inv_expires);

DROP TRIGGER IF EXISTS portal_invitations_state_insert;
CREATE TRIGGER portal_invitations_state_insert AFTER INSERT ON portal_invitations FOR EACH ROW
  UPDATE portal_users SET inv_state = 1, inv_expires = NEW.expires_at
   WHERE id = NEW.portal_user_id;

-- An outcome of an older invitation (a mail sent late) does not move the
-- state: only the user's latest invitation is its state.  The order is
-- INVITATION_LIST's (stmt_invitation.h): accepted, bounced, expired, then
-- reminded or invited.
DROP TRIGGER IF EXISTS portal_invitations_state_update;
CREATE TRIGGER portal_invitations_state_update AFTER UPDATE ON portal_invitations FOR EACH ROW
  UPDATE portal_users SET
    inv_state = CASE WHEN NEW.accepted_at IS NOT NULL THEN 3
                     WHEN NEW.bounced_at IS NOT NULL THEN 4
                     WHEN NEW.expires_at <= NOW(6) THEN 5
                     WHEN NEW.reminders > 0 THEN 2 ELSE 1 END,
    inv_expires = NEW.expires_at
   WHERE id = NEW.portal_user_id
     AND NEW.id = (SELECT MAX(x.id) FROM portal_invitations x
                    WHERE x.portal_user_id = NEW.portal_user_id);

-- The users already invited.
UPDATE portal_users pu
  JOIN portal_invitations i ON i.id = (SELECT MAX(x.id) FROM portal_invitations x
                                        WHERE x.portal_user_id = pu.id)
   SET pu.inv_state = CASE WHEN i.accepted_at IS NOT NULL THEN 3
                           WHEN i.bounced_at IS NOT NULL THEN 4
                           WHEN i.expires_at <= NOW(6) THEN 5
                           WHEN i.reminders > 0 THEN 2 ELSE 1 END,
       pu.inv_expires = i.expires_at;
