-- TrackTik: the portal user's email is also where report notifications go,
-- when the user asks for them ("email me reports").
ALTER TABLE portal_users
  ADD COLUMN IF NOT EXISTS email_reports TINYINT(1) NOT NULL DEFAULT 0;
