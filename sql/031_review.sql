-- Found by the review of issue 15's change: two things the earlier
-- migrations (sql/027, sql/030) left out.

-- How many times a job was claimed since an item of it was last done
-- (issue 15, sql/030): a job whose next item fails every time (its worker
-- dies on it, or the database refuses it again and again) is ended as
-- failed after a few claims instead of being taken again for ever.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS claims TINYINT UNSIGNED NOT NULL DEFAULT 0;

-- A deleted user's access as it was (sql/027): a revoked portal user or a
-- deactivated office user comes back revoked or deactivated, and is not
-- mailed a link, rather than getting access back by being restored.
ALTER TABLE portal_user_tombstones
  ADD COLUMN IF NOT EXISTS status ENUM('active','revoked') NOT NULL DEFAULT 'active';
ALTER TABLE office_user_tombstones
  ADD COLUMN IF NOT EXISTS active TINYINT(1) NOT NULL DEFAULT 1;
