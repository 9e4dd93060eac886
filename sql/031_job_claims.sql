-- How many times a job was claimed since an item of it was last done
-- (issue 15, sql/030): a job whose next item fails every time (its worker
-- dies on it, or the database refuses it again and again) is ended as
-- failed after a few claims instead of being taken again for ever.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS claims TINYINT UNSIGNED NOT NULL DEFAULT 0;
