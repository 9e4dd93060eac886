#!/usr/bin/env bash
# Prints the SQL that loads the big-tenant benchmark's data (issue 16) into a
# migrated Gatehouse database, set-based: no row is inserted on its own.
#   tenants-data.sh SMALL USERS BIG     e.g. 2000 500 1000000
# SMALL tenants bench-s0001... of USERS portal users each and one tenant
# bench-big of BIG portal users; every tenant has one customer per ten
# users (the users' companies), a Super Admin bench-admin@<slug>.test and an
# office session whose cookie is listed by
#   SELECT slug, cookie FROM bench_sessions
# (no sign-in: the session row is written with the hash of a known token).
# Names are drawn from word lists by a fixed hash of the tenant and the
# row's number (MD5: CRC32 is linear, so two CRC32 draws of one row would be
# tied to each other), so two loads are the same data, skewed as real names
# are (the square of a uniform draw: the first words of each list are far
# more common than the last).  Loading it again replaces it.
set -euo pipefail
small=${1:?usage: tenants-data.sh SMALL USERS BIG}
users=${2:?usage}
big=${3:?usage}

words() { # NAME WORD...: a table NAME(i, w), i from 0
	local name=$1 i=0 sep=
	shift
	printf 'CREATE OR REPLACE TEMPORARY TABLE %s (i INT PRIMARY KEY, w VARCHAR(40)) ENGINE=MEMORY;\n' "$name"
	printf 'INSERT INTO %s VALUES ' "$name"
	for w in "$@"; do
		printf "%s(%d,'%s')" "$sep" "$i" "$w"
		sep=,
		i=$((i + 1))
	done
	printf ';\n'
}

cat <<'SQL'
SET SESSION max_statement_time = 0, innodb_lock_wait_timeout = 600;
SET SESSION unique_checks = 0;
SQL
words bw_first James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William \
	Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy \
	Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna \
	Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa Timothy Deborah Ronald \
	Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy \
	Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott \
	Nicole Brandon Helen Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra \
	Frank Rachel Patrick Carolyn Raymond Janet Jack Catherine Dennis Maria Jerry Heather Tyler \
	Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia Douglas Victoria Zachary \
	Kelly Peter Lauren Kyle Christina Ethan Joan Walter Evelyn Noah Judith Jeremy Megan Christian \
	Andrea Keith Cheryl Roger Hannah Terry Jacqueline Gerald Martha Harold Gloria Sean Teresa \
	Austin Ann Carl Sara Arthur Madison Lawrence Frances Dylan Kathryn Jesse Janice Jordan Jean \
	Bryan Abigail Billy Alice Joe Judy Bruce Sophia Gabriel Grace Logan Denise Albert Amber \
	Willie Doris Alan Marilyn Juan Danielle Wayne Beverly Elijah Isabella Randy Theresa Roy Diana \
	Vincent Natalie Ralph Brittany Eugene Charlotte Russell Marie Bobby Kayla Mason Alexis Philip Lori
words bw_last Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez \
	Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White \
	Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen \
	Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez \
	Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy \
	Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox \
	Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez \
	Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan \
	Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson \
	Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson \
	Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez \
	McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns \
	Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt \
	Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice \
	Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn \
	Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott \
	Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry \
	Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval
words bw_trade Acme Allied Alpine Anchor Apex Arrow Aspen Atlas Aurora Beacon Bedrock Birch \
	Bluebird Bluewater Boulder Bridge Brightway Brook Canyon Capital Cardinal Cascade Cedar Centennial \
	Central Champion Citadel Clearview Coastal Cobalt Colonial Columbia Comet Compass Copper Cornerstone \
	Crescent Crest Crown Crystal Cypress Delta Diamond Dominion Eagle Eastside Echo Elite Elm \
	Emerald Empire Evergreen Excel Falcon Fairview Frontier Galaxy Garden Gateway Glacier Golden \
	Granite Greenfield Harbor Harmony Hawk Heritage Highland Horizon Hudson Imperial Independence \
	Iron Ironwood Jade Jupiter Keystone Lakeside Landmark Legacy Liberty Lighthouse Lincoln Maple \
	Meadow Meridian Metro Midland Midwest Millennium Mission Monarch Mountain National Nexus \
	Northern Northstar Northwind Oak Oakridge Ocean Olympic Omega Orbit Pacific Paramount Patriot \
	Peak Pelican Phoenix Pinnacle Pioneer Platinum Polar Premier Prestige Prime Pyramid Quantum \
	Quest Radiant Rainbow Redwood Regal Reliance Ridge Riverside Rock Royal Sage Sapphire Sentinel \
	Sequoia Sierra Silver Skyline Southern Sparrow Spectrum Spring Spruce Star Sterling Stone \
	Summit Sun Sunrise Superior Sycamore Titan Tower Trident Trinity Triumph Union United Unity \
	Valley Vanguard Venture Vertex Victory Vista Walnut Westside Willow Windsor Zenith
words bw_kind Apartments Condos Offices Dental Clinic Storage Plaza Mall Hotel School Bakery \
	Brewing Logistics Properties Realty Holdings Services Foods Motors Printing Fitness Medical \
	Church Library Warehouse Farms Marina Studios Hardware Pharmacy
words bw_suffix Inc LLC Co Group Partners Ltd Corp Associates

cat <<SQL
SET @nfirst = (SELECT COUNT(*) FROM bw_first), @nlast = (SELECT COUNT(*) FROM bw_last),
  @ntrade = (SELECT COUNT(*) FROM bw_trade), @nkind = (SELECT COUNT(*) FROM bw_kind),
  @nsuffix = (SELECT COUNT(*) FROM bw_suffix);

-- What an earlier load left (its tenants' rows, in the order the foreign keys want).
CREATE OR REPLACE TEMPORARY TABLE bench_old (id INT UNSIGNED PRIMARY KEY)
  SELECT id FROM tenants WHERE slug LIKE 'bench-%';
DELETE s FROM sessions s JOIN bench_old o ON o.id = s.tenant_id;
DELETE p FROM office_user_perms p JOIN office_users u ON u.id = p.user_id JOIN bench_old o ON o.id = u.tenant_id;
DELETE u FROM office_users u JOIN bench_old o ON o.id = u.tenant_id;
DELETE u FROM portal_users u JOIN bench_old o ON o.id = u.tenant_id;
DELETE c FROM customers c JOIN bench_old o ON o.id = c.tenant_id;

-- The tenants: ids kept when they exist, so sessions and URLs stay valid.
INSERT INTO tenants (slug, company_name, portal_enabled, time_zone)
SELECT CONCAT('bench-s', LPAD(seq, 4, '0')), CONCAT('Bench Services ', seq), 1, 'UTC'
FROM seq_1_to_${small}
ON DUPLICATE KEY UPDATE company_name = VALUES(company_name);
INSERT INTO tenants (slug, company_name, portal_enabled, time_zone)
VALUES ('bench-big', 'Bench Big Field Services', 1, 'UTC')
ON DUPLICATE KEY UPDATE company_name = VALUES(company_name);
CREATE OR REPLACE TEMPORARY TABLE bench_t (id INT UNSIGNED PRIMARY KEY, slug VARCHAR(64), users INT UNSIGNED)
  SELECT id, slug, IF(slug = 'bench-big', ${big}, ${users}) AS users FROM tenants WHERE slug LIKE 'bench-%';

-- One customer per ten users: "<Trade> <Trade> <Kind> <Suffix> <n>", unique
-- in the tenant by its number.
CREATE OR REPLACE TEMPORARY TABLE bench_c (tenant_id INT UNSIGNED, n INT UNSIGNED, name VARCHAR(200),
  domain VARCHAR(100), PRIMARY KEY (tenant_id, n))
SELECT STRAIGHT_JOIN t.id AS tenant_id, s.seq AS n, CONCAT(a.w, ' ', b.w, ' ', k.w, ' ', x.w, ' ', s.seq) AS name,
  LOWER(CONCAT(a.w, b.w, '.example')) AS domain
FROM (SELECT id, s.seq FROM bench_t JOIN seq_1_to_$((users / 10)) s WHERE users = ${users}
      UNION ALL SELECT id, s.seq FROM bench_t JOIN seq_1_to_$((big / 10)) s WHERE users = ${big}) s
JOIN bench_t t ON t.id = s.id
JOIN bw_trade a ON a.i = FLOOR(POW(CONV(LEFT(MD5(CONCAT('a', t.id, '.', s.seq)), 8), 16, 10) / 4294967296, 2) * @ntrade)
JOIN bw_trade b ON b.i = FLOOR(POW(CONV(LEFT(MD5(CONCAT('b', t.id, '.', s.seq)), 8), 16, 10) / 4294967296, 2) * @ntrade)
JOIN bw_kind k ON k.i = CONV(LEFT(MD5(CONCAT('k', t.id, '.', s.seq)), 8), 16, 10) MOD @nkind
JOIN bw_suffix x ON x.i = CONV(LEFT(MD5(CONCAT('x', t.id, '.', s.seq)), 8), 16, 10) MOD @nsuffix;
INSERT INTO customers (tenant_id, name, primary_email, phone, city)
SELECT tenant_id, name, CONCAT('office', n, '@', domain), CONCAT('555-', LPAD(n MOD 10000, 4, '0')),
  'Springfield' FROM bench_c ORDER BY tenant_id, n;

-- The users: first.last<n>@<company's domain>, ten to a company; the
-- status mix of a real portal (most active, some invited, a few revoked).
INSERT INTO portal_users (tenant_id, customer_id, company_name, email, password_hash, status,
  invite_state, last_sign_in_at)
SELECT STRAIGHT_JOIN c.tenant_id, c.id, c.name, LOWER(CONCAT(f.w, '.', l.w, s.seq, '@', b.domain)),
  IF(s.seq MOD 10 < 7, '\$argon2id\$bench', NULL), IF(s.seq MOD 50 = 0, 'revoked', 'active'),
  IF(s.seq MOD 10 < 9, 'sent', 'none'),
  IF(s.seq MOD 10 < 7, NOW(6) - INTERVAL (s.seq MOD 1000) HOUR, NULL)
FROM (SELECT id, s.seq FROM bench_t JOIN seq_1_to_${users} s WHERE users = ${users}
      UNION ALL SELECT id, s.seq FROM bench_t JOIN seq_1_to_${big} s WHERE users = ${big}) s
JOIN bench_t t ON t.id = s.id
JOIN bench_c b ON b.tenant_id = t.id AND b.n = (s.seq - 1) DIV 10 + 1
JOIN customers c ON c.tenant_id = t.id AND c.name = b.name
JOIN bw_first f ON f.i = FLOOR(POW(CONV(LEFT(MD5(CONCAT('f', t.id, '.', s.seq)), 8), 16, 10) / 4294967296, 2) * @nfirst)
JOIN bw_last l ON l.i = FLOOR(POW(CONV(LEFT(MD5(CONCAT('l', t.id, '.', s.seq)), 8), 16, 10) / 4294967296, 2) * @nlast)
ORDER BY t.id, s.seq;
SQL

cat <<'SQL'
-- A Super Admin per tenant and its signed-in session: the cookie is the
-- base64url of a token made from the slug, the row holds its SHA-256, as
-- auth.c's sign-in would write it.
INSERT INTO office_users (tenant_id, email, password_hash, role, first_name, last_name)
SELECT id, CONCAT('bench-admin@', slug, '.test'), '$argon2id$bench', 'admin', 'Bench', 'Admin'
FROM bench_t;
INSERT INTO office_user_perms (user_id, module, level)
SELECT u.id, 'settings', 3 FROM office_users u JOIN bench_t t ON t.id = u.tenant_id;
INSERT INTO sessions (token_hash, kind, tenant_id, office_user_id, expires_at, stage)
SELECT UNHEX(SHA2(UNHEX(SHA2(CONCAT('gatehouse-bench:', t.slug), 256)), 256)), 'office', t.id, u.id,
  NOW(6) + INTERVAL 7 DAY, 'full'
FROM bench_t t JOIN office_users u ON u.tenant_id = t.id;
SELECT t.slug, REPLACE(REPLACE(REPLACE(TO_BASE64(UNHEX(SHA2(CONCAT('gatehouse-bench:', t.slug), 256))),
  '+', '-'), '/', '_'), '=', '') AS cookie FROM bench_t t ORDER BY t.slug;
SQL
