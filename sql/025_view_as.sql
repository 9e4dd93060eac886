-- "View as this client" (issue 15): a portal session opened by an office
-- user to see the portal as one portal user sees it, read-only, for 15
-- minutes.  viewed_by names the office user; the portal refuses every
-- change in such a session and shows who is looking.  Never the client's
-- own session: a row of its own, ended with the office user's account.
ALTER TABLE sessions
  ADD COLUMN viewed_by INT UNSIGNED NULL,
  ADD CONSTRAINT sessions_viewed_by_fk FOREIGN KEY (viewed_by) REFERENCES office_users (id)
    ON DELETE CASCADE;
