-- Lists that cost what a page costs, whatever the tenant's size (issue 16).
--
-- A list's filter finds the rows where every word typed begins a word of
-- the row (docs/features.md, "Filters").  A row's words are the runs of
-- characters between ASCII punctuation, spaces and controls:
-- "john.smith@acme-air.example" has the words john, smith, acme, air,
-- example.  Case and accents do not count (the collation's rule).
--
-- Three things per row, each kept by MariaDB itself, so that every writer
-- (the responders, gatehouse-ctl, a bulk load in SQL) keeps them right:
--  - search_text, the row's words each after one space (a stored generated
--    column): what a filter's phrases are checked against (LIKE '% john
--    smi%');
--  - list_words, each distinct word of each row once: the index a rare
--    word of a filter reads instead of the tenant's rows (a prefix is a
--    range of it), kept by triggers;
--  - word_sig, a 64-bit signature of the row's words (bit CRC32 of the
--    collation weights of each word's first 4 and first 5 characters,
--    modulo 64), kept by triggers and stored in each sort's index: walking
--    a sort's index for a common word, a row whose signature lacks the
--    word's bits is passed over in the index, without reading the row.
--    fcgi/core/db/stmt_list.h (V_SIG) computes a typed word's bits with
--    the same expression; tests/http/test_lists.c checks that they agree.
-- All plain InnoDB, so a Galera cluster replicates them like any other
-- table (the rows triggers write are replicated; triggers do not run
-- again on the other nodes).
--
-- list: 1 customers, 2 portal users, 3 office users.  A word is kept to its
-- first 32 characters; a longer word typed still narrows through
-- search_text.

CREATE TABLE IF NOT EXISTS list_words (
  tenant_id INT UNSIGNED     NOT NULL,
  list      TINYINT UNSIGNED NOT NULL,
  word      VARCHAR(32)      NOT NULL,
  id        INT UNSIGNED     NOT NULL,
  PRIMARY KEY (tenant_id, list, word, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The separators, as fcgi/core/list.c splits what is typed: every ASCII
-- character but letters and digits.  Everything else (accented letters,
-- other scripts) belongs to words.
ALTER TABLE customers
  ADD COLUMN IF NOT EXISTS search_text VARCHAR(520) AS (CONCAT(' ', TRIM(REGEXP_REPLACE(
    CONCAT(name, ' ', primary_email), '[\\x{00}-\\x{2F}\\x{3A}-\\x{40}\\x{5B}-\\x{60}\\x{7B}-\\x{7F}]+', ' ')))) STORED,
  ADD COLUMN IF NOT EXISTS word_sig BIGINT UNSIGNED NOT NULL DEFAULT 0;
ALTER TABLE portal_users
  ADD COLUMN IF NOT EXISTS search_text VARCHAR(520) AS (CONCAT(' ', TRIM(REGEXP_REPLACE(
    CONCAT(company_name, ' ', email), '[\\x{00}-\\x{2F}\\x{3A}-\\x{40}\\x{5B}-\\x{60}\\x{7B}-\\x{7F}]+', ' ')))) STORED,
  ADD COLUMN IF NOT EXISTS word_sig BIGINT UNSIGNED NOT NULL DEFAULT 0;
ALTER TABLE office_users
  ADD COLUMN IF NOT EXISTS search_text VARCHAR(520) AS (CONCAT(' ', TRIM(REGEXP_REPLACE(
    CONCAT(first_name, ' ', last_name, ' ', email), '[\\x{00}-\\x{2F}\\x{3A}-\\x{40}\\x{5B}-\\x{60}\\x{7B}-\\x{7F}]+', ' ')))) STORED,
  ADD COLUMN IF NOT EXISTS word_sig BIGINT UNSIGNED NOT NULL DEFAULT 0;

-- A portal user's status as far as it does not depend on the clock
-- (pstatus.c decides the same, in this order: revoked, active = a password
-- is set, invited = an invitation queued, sent or bounced, not invited);
-- a sign-in lock, which ends with time, is read from locked_until.
ALTER TABLE portal_users
  ADD COLUMN IF NOT EXISTS pstate TINYINT UNSIGNED AS (CASE WHEN status = 'revoked' THEN 3
    WHEN password_hash IS NOT NULL THEN 2 WHEN invite_state <> 'none' THEN 1 ELSE 0 END) STORED;

-- Keyset paging (a page starts after the last row of the one before it,
-- never at an offset) walks each sort's index from where the page starts:
-- every order a list offers has one, ending in a key unique in the tenant,
-- then word_sig.  The Portal Access list's indexes also hold every column
-- the list shows (fcgi/core/db/stmt_portal_user.h, PU_COLS), so a page is
-- read from the index alone: no row is looked up (a tenth of the
-- statement's cost, measured on 1,000,000 users).
ALTER TABLE portal_users
  DROP KEY IF EXISTS portal_users_company,
  ADD KEY portal_users_company (tenant_id, company_name, email, word_sig, customer_id, pstate,
    invite_state, locked_until, last_sign_in_at),
  ADD KEY IF NOT EXISTS portal_users_email_sig (tenant_id, email, word_sig, company_name,
    customer_id, pstate, invite_state, locked_until, last_sign_in_at),
  ADD KEY IF NOT EXISTS portal_users_state_company (tenant_id, pstate, company_name, email,
    word_sig, customer_id, invite_state, locked_until, last_sign_in_at),
  ADD KEY IF NOT EXISTS portal_users_state_email (tenant_id, pstate, email, word_sig,
    company_name, customer_id, invite_state, locked_until, last_sign_in_at),
  ADD KEY IF NOT EXISTS portal_users_state_lock (tenant_id, pstate, locked_until);
ALTER TABLE office_users
  DROP KEY IF EXISTS office_users_tenant_email,
  DROP KEY IF EXISTS office_users_tenant_first,
  DROP KEY IF EXISTS office_users_tenant_last,
  ADD KEY office_users_tenant_email (tenant_id, email, word_sig),
  ADD KEY office_users_tenant_first (tenant_id, first_name, last_name, email, word_sig),
  ADD KEY office_users_tenant_last (tenant_id, last_name, first_name, email, word_sig),
  ADD KEY IF NOT EXISTS office_users_tenant_role (tenant_id, role, email, word_sig),
  ADD KEY IF NOT EXISTS office_users_tenant_active (tenant_id, active DESC, email, word_sig);
ALTER TABLE customers
  ADD KEY IF NOT EXISTS customers_name_sig (tenant_id, name, word_sig),
  ADD KEY IF NOT EXISTS customers_tenant_email (tenant_id, primary_email, name, word_sig);

-- The customers' count and list version per tenant, as portal_user_counts
-- and office_user_counts keep theirs: the unfiltered list's total without
-- counting its rows, and a number that moves with every change that could
-- move a row in or out of a view or along it (a name or an email, byte for
-- byte), for the list views' page cache (fcgi/core/db/listing.c).
CREATE TABLE IF NOT EXISTS customer_counts (
  tenant_id INT UNSIGNED    NOT NULL PRIMARY KEY,
  n         INT UNSIGNED    NOT NULL DEFAULT 0,
  version   BIGINT UNSIGNED NOT NULL DEFAULT 0,
  CONSTRAINT customer_counts_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;
DROP TRIGGER IF EXISTS customers_count_insert;
CREATE TRIGGER customers_count_insert AFTER INSERT ON customers FOR EACH ROW
  INSERT INTO customer_counts (tenant_id, n, version) VALUES (NEW.tenant_id, 1, 1)
  ON DUPLICATE KEY UPDATE n = n + 1, version = version + 1;
DROP TRIGGER IF EXISTS customers_count_delete;
CREATE TRIGGER customers_count_delete AFTER DELETE ON customers FOR EACH ROW
  UPDATE customer_counts SET n = IF(n > 0, n - 1, 0), version = version + 1
  WHERE tenant_id = OLD.tenant_id;
DROP TRIGGER IF EXISTS customers_list_version;
CREATE TRIGGER customers_list_version AFTER UPDATE ON customers
FOR EACH ROW
BEGIN
  IF OLD.tenant_id <> NEW.tenant_id THEN
    UPDATE customer_counts SET n = IF(n > 0, n - 1, 0), version = version + 1
      WHERE tenant_id = OLD.tenant_id;
    INSERT INTO customer_counts (tenant_id, n, version) VALUES (NEW.tenant_id, 1, 1)
      ON DUPLICATE KEY UPDATE n = n + 1, version = version + 1;
  ELSEIF NOT (BINARY OLD.name <=> BINARY NEW.name)
      OR NOT (BINARY OLD.primary_email <=> BINARY NEW.primary_email) THEN
    UPDATE customer_counts SET version = version + 1 WHERE tenant_id = NEW.tenant_id;
  END IF;
END;
INSERT INTO customer_counts (tenant_id, n, version)
SELECT tenant_id, COUNT(*), 1 FROM customers GROUP BY tenant_id
ON DUPLICATE KEY UPDATE n = VALUES(n), version = version + 1;

-- The triggers: a row's words are search_text split at its spaces (it
-- holds no ASCII punctuation, so nothing in the JSON array needs escaping).
-- Two words of a row that the collation calls equal (Café, cafe) are one
-- entry: INSERT IGNORE.  An update that leaves the text as it was (a
-- sign-in, a password) touches no word.

DROP TRIGGER IF EXISTS customers_sig_insert;
CREATE TRIGGER customers_sig_insert BEFORE INSERT ON customers FOR EACH ROW
  SET NEW.word_sig = (SELECT COALESCE(BIT_OR(IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 4, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 4))) % 64), 0) |
    IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 5, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 5))) % 64), 0)), 0) FROM
    JSON_TABLE(CONCAT('["', REPLACE(TRIM(NEW.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j);

DROP TRIGGER IF EXISTS customers_sig_update;
CREATE TRIGGER customers_sig_update BEFORE UPDATE ON customers FOR EACH ROW
  SET NEW.word_sig = IF(BINARY OLD.search_text <=> BINARY NEW.search_text, NEW.word_sig,
    (SELECT COALESCE(BIT_OR(IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 4, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 4))) % 64), 0) |
    IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 5, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 5))) % 64), 0)), 0) FROM
    JSON_TABLE(CONCAT('["', REPLACE(TRIM(NEW.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j));

DROP TRIGGER IF EXISTS customers_words_insert;
CREATE TRIGGER customers_words_insert AFTER INSERT ON customers FOR EACH ROW
  INSERT IGNORE INTO list_words (tenant_id, list, word, id)
  SELECT NEW.tenant_id, 1, LEFT(j.w, 32), NEW.id FROM JSON_TABLE(CONCAT('["', REPLACE(TRIM(NEW.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
  WHERE j.w <> '';

DROP TRIGGER IF EXISTS customers_words_delete;
CREATE TRIGGER customers_words_delete AFTER DELETE ON customers FOR EACH ROW
  DELETE w FROM list_words w JOIN JSON_TABLE(CONCAT('["', REPLACE(TRIM(OLD.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
  ON w.tenant_id = OLD.tenant_id AND w.list = 1 AND w.word = LEFT(j.w, 32) AND w.id = OLD.id;

DROP TRIGGER IF EXISTS customers_words_update;
CREATE TRIGGER customers_words_update AFTER UPDATE ON customers FOR EACH ROW
BEGIN
  IF NOT (BINARY OLD.search_text <=> BINARY NEW.search_text) OR OLD.tenant_id <> NEW.tenant_id THEN
    DELETE w FROM list_words w JOIN JSON_TABLE(CONCAT('["', REPLACE(TRIM(OLD.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
    ON w.tenant_id = OLD.tenant_id AND w.list = 1 AND w.word = LEFT(j.w, 32) AND w.id = OLD.id;
    INSERT IGNORE INTO list_words (tenant_id, list, word, id)
    SELECT NEW.tenant_id, 1, LEFT(j.w, 32), NEW.id FROM JSON_TABLE(CONCAT('["', REPLACE(TRIM(NEW.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
    WHERE j.w <> '';
  END IF;
END;

DROP TRIGGER IF EXISTS portal_users_sig_insert;
CREATE TRIGGER portal_users_sig_insert BEFORE INSERT ON portal_users FOR EACH ROW
  SET NEW.word_sig = (SELECT COALESCE(BIT_OR(IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 4, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 4))) % 64), 0) |
    IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 5, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 5))) % 64), 0)), 0) FROM
    JSON_TABLE(CONCAT('["', REPLACE(TRIM(NEW.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j);

DROP TRIGGER IF EXISTS portal_users_sig_update;
CREATE TRIGGER portal_users_sig_update BEFORE UPDATE ON portal_users FOR EACH ROW
  SET NEW.word_sig = IF(BINARY OLD.search_text <=> BINARY NEW.search_text, NEW.word_sig,
    (SELECT COALESCE(BIT_OR(IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 4, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 4))) % 64), 0) |
    IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 5, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 5))) % 64), 0)), 0) FROM
    JSON_TABLE(CONCAT('["', REPLACE(TRIM(NEW.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j));

DROP TRIGGER IF EXISTS portal_users_words_insert;
CREATE TRIGGER portal_users_words_insert AFTER INSERT ON portal_users FOR EACH ROW
  INSERT IGNORE INTO list_words (tenant_id, list, word, id)
  SELECT NEW.tenant_id, 2, LEFT(j.w, 32), NEW.id FROM JSON_TABLE(CONCAT('["', REPLACE(TRIM(NEW.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
  WHERE j.w <> '';

DROP TRIGGER IF EXISTS portal_users_words_delete;
CREATE TRIGGER portal_users_words_delete AFTER DELETE ON portal_users FOR EACH ROW
  DELETE w FROM list_words w JOIN JSON_TABLE(CONCAT('["', REPLACE(TRIM(OLD.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
  ON w.tenant_id = OLD.tenant_id AND w.list = 2 AND w.word = LEFT(j.w, 32) AND w.id = OLD.id;

DROP TRIGGER IF EXISTS portal_users_words_update;
CREATE TRIGGER portal_users_words_update AFTER UPDATE ON portal_users FOR EACH ROW
BEGIN
  IF NOT (BINARY OLD.search_text <=> BINARY NEW.search_text) OR OLD.tenant_id <> NEW.tenant_id THEN
    DELETE w FROM list_words w JOIN JSON_TABLE(CONCAT('["', REPLACE(TRIM(OLD.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
    ON w.tenant_id = OLD.tenant_id AND w.list = 2 AND w.word = LEFT(j.w, 32) AND w.id = OLD.id;
    INSERT IGNORE INTO list_words (tenant_id, list, word, id)
    SELECT NEW.tenant_id, 2, LEFT(j.w, 32), NEW.id FROM JSON_TABLE(CONCAT('["', REPLACE(TRIM(NEW.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
    WHERE j.w <> '';
  END IF;
END;

DROP TRIGGER IF EXISTS office_users_sig_insert;
CREATE TRIGGER office_users_sig_insert BEFORE INSERT ON office_users FOR EACH ROW
  SET NEW.word_sig = (SELECT COALESCE(BIT_OR(IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 4, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 4))) % 64), 0) |
    IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 5, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 5))) % 64), 0)), 0) FROM
    JSON_TABLE(CONCAT('["', REPLACE(TRIM(NEW.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j);

DROP TRIGGER IF EXISTS office_users_sig_update;
CREATE TRIGGER office_users_sig_update BEFORE UPDATE ON office_users FOR EACH ROW
  SET NEW.word_sig = IF(BINARY OLD.search_text <=> BINARY NEW.search_text, NEW.word_sig,
    (SELECT COALESCE(BIT_OR(IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 4, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 4))) % 64), 0) |
    IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 5, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 5))) % 64), 0)), 0) FROM
    JSON_TABLE(CONCAT('["', REPLACE(TRIM(NEW.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j));

DROP TRIGGER IF EXISTS office_users_words_insert;
CREATE TRIGGER office_users_words_insert AFTER INSERT ON office_users FOR EACH ROW
  INSERT IGNORE INTO list_words (tenant_id, list, word, id)
  SELECT NEW.tenant_id, 3, LEFT(j.w, 32), NEW.id FROM JSON_TABLE(CONCAT('["', REPLACE(TRIM(NEW.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
  WHERE j.w <> '';

DROP TRIGGER IF EXISTS office_users_words_delete;
CREATE TRIGGER office_users_words_delete AFTER DELETE ON office_users FOR EACH ROW
  DELETE w FROM list_words w JOIN JSON_TABLE(CONCAT('["', REPLACE(TRIM(OLD.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
  ON w.tenant_id = OLD.tenant_id AND w.list = 3 AND w.word = LEFT(j.w, 32) AND w.id = OLD.id;

DROP TRIGGER IF EXISTS office_users_words_update;
CREATE TRIGGER office_users_words_update AFTER UPDATE ON office_users FOR EACH ROW
BEGIN
  IF NOT (BINARY OLD.search_text <=> BINARY NEW.search_text) OR OLD.tenant_id <> NEW.tenant_id THEN
    DELETE w FROM list_words w JOIN JSON_TABLE(CONCAT('["', REPLACE(TRIM(OLD.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
    ON w.tenant_id = OLD.tenant_id AND w.list = 3 AND w.word = LEFT(j.w, 32) AND w.id = OLD.id;
    INSERT IGNORE INTO list_words (tenant_id, list, word, id)
    SELECT NEW.tenant_id, 3, LEFT(j.w, 32), NEW.id FROM JSON_TABLE(CONCAT('["', REPLACE(TRIM(NEW.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
    WHERE j.w <> '';
  END IF;
END;

-- The rows already there.
UPDATE customers r SET r.word_sig = (SELECT COALESCE(BIT_OR(IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 4, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 4))) % 64), 0) |
    IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 5, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 5))) % 64), 0)), 0) FROM
    JSON_TABLE(CONCAT('["', REPLACE(TRIM(r.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j);
INSERT IGNORE INTO list_words (tenant_id, list, word, id)
SELECT r.tenant_id, 1, LEFT(j.w, 32), r.id FROM customers r, JSON_TABLE(CONCAT('["', REPLACE(TRIM(r.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
WHERE j.w <> '';
UPDATE portal_users r SET r.word_sig = (SELECT COALESCE(BIT_OR(IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 4, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 4))) % 64), 0) |
    IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 5, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 5))) % 64), 0)), 0) FROM
    JSON_TABLE(CONCAT('["', REPLACE(TRIM(r.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j);
INSERT IGNORE INTO list_words (tenant_id, list, word, id)
SELECT r.tenant_id, 2, LEFT(j.w, 32), r.id FROM portal_users r, JSON_TABLE(CONCAT('["', REPLACE(TRIM(r.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
WHERE j.w <> '';
UPDATE office_users r SET r.word_sig = (SELECT COALESCE(BIT_OR(IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 4, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 4))) % 64), 0) |
    IF(CHAR_LENGTH(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci) >= 5, 1 << (CRC32(WEIGHT_STRING(LEFT(CONVERT(j.w USING utf8mb4) COLLATE utf8mb4_unicode_ci, 5))) % 64), 0)), 0) FROM
    JSON_TABLE(CONCAT('["', REPLACE(TRIM(r.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j);
INSERT IGNORE INTO list_words (tenant_id, list, word, id)
SELECT r.tenant_id, 3, LEFT(j.w, 32), r.id FROM office_users r, JSON_TABLE(CONCAT('["', REPLACE(TRIM(r.search_text), ' ', '","'), '"]'),
    '$[*]' COLUMNS (w VARCHAR(520) PATH '$')) j
WHERE j.w <> '';
