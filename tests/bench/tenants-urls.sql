-- The requests of the big-tenant benchmark (tenants-bench.sh), made from the
-- data tenants-data.sh loaded: one line per request for tests/bench/loadgen
-- (KIND <tab> TENANT <tab> COOKIE <tab> PATH; the script adds the weights).
-- Each tenant's Portal Access list: its first page, an email order, a
-- filter on a word of one of its own users (a last name, a first name or
-- its company's first word, as someone looking for that user would type
-- it: five letters) and a deep page (the page after a row a long way in,
-- its cursor made as fcgi/core/list.c makes them).  The big tenant gets
-- 200 filters and 200 deep pages, each tenant of 500 users one of each.

SET SESSION max_statement_time = 0;

-- The rows the filters and deep pages come from: for a tenant of 500 users
-- the one at a place its slug hashes to; for the big tenant 200 places.
CREATE OR REPLACE TEMPORARY TABLE bench_pick (tenant_id INT UNSIGNED, k INT, rn INT,
  PRIMARY KEY (tenant_id, rn))
SELECT t.id AS tenant_id, 0 AS k, 1 + CRC32(t.slug) MOD 400 + 50 AS rn
FROM tenants t WHERE t.slug LIKE 'bench-s%'
UNION ALL
SELECT t.id, s.seq, 1 + CRC32(CONCAT(t.slug, s.seq)) MOD (SELECT CAST(n AS SIGNED) - 100 FROM portal_user_counts c WHERE c.tenant_id = t.id) + 50
FROM tenants t JOIN seq_1_to_200 s WHERE t.slug = 'bench-big';

CREATE OR REPLACE TEMPORARY TABLE bench_rows (tenant_id INT UNSIGNED, k INT, rn INT,
  company_name VARCHAR(200), email VARCHAR(254))
SELECT p.tenant_id, p.k, p.rn, r.company_name, r.email FROM bench_pick p JOIN (
  SELECT u.tenant_id, u.company_name, u.email,
    ROW_NUMBER() OVER (PARTITION BY u.tenant_id ORDER BY u.company_name, u.email) AS rn
  FROM portal_users u JOIN tenants t ON t.id = u.tenant_id WHERE t.slug LIKE 'bench-%') r
  ON r.tenant_id = p.tenant_id AND r.rn = p.rn;

SELECT 'first', t.slug, 'x', '/settings/client/portal-access'
FROM tenants t WHERE t.slug LIKE 'bench-%'
UNION ALL
SELECT 'sort', t.slug, 'x', '/settings/client/portal-access?sort=email'
FROM tenants t WHERE t.slug LIKE 'bench-%'
UNION ALL
SELECT 'filter', t.slug, 'x', CONCAT('/settings/client/portal-access?q=', LOWER(LEFT(
  CASE CRC32(CONCAT(b.email, b.k)) MOD 4
    WHEN 0 THEN SUBSTRING_INDEX(b.email, '.', 1)
    WHEN 1 THEN SUBSTRING_INDEX(b.company_name, ' ', 1)
    ELSE REGEXP_REPLACE(SUBSTRING_INDEX(SUBSTRING_INDEX(b.email, '@', 1), '.', -1), '[0-9]+$', '')
  END, 5)))
FROM bench_rows b JOIN tenants t ON t.id = b.tenant_id
UNION ALL
SELECT 'deep', t.slug, 'x', CONCAT('/settings/client/portal-access?after=',
  REPLACE(REPLACE(REPLACE(REPLACE(TO_BASE64(CONCAT(CHAR(0, 0, 2),
    CHAR(LENGTH(b.company_name) DIV 256, LENGTH(b.company_name) MOD 256), b.company_name,
    CHAR(LENGTH(b.email) DIV 256, LENGTH(b.email) MOD 256), b.email)),
    '\n', ''), '+', '-'), '/', '_'), '=', ''), '&at=', b.rn + 1)
FROM bench_rows b JOIN tenants t ON t.id = b.tenant_id;
