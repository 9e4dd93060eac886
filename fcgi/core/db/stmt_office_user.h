/* Statements of the office_user domain (office_user.c): see stmt_list.h. */
/* With OU_PERM joined: a join costs MariaDB 21 us of a 10-row page, the
 * correlated subquery it replaced 37 (procedure loop, 5,000 executions);
 * (user_id, module) is the primary key, so one row at most. */
#define OU_COLS                                                                                    \
	"u.id, u.email, u.first_name, u.last_name, u.role, u.phone, u.active, "                    \
	"COALESCE(p.level, 0), u.last_sign_in_at"
#define OU_PERM "LEFT JOIN office_user_perms p ON p.user_id = u.id AND p.module = 'settings' "
DB_STMT(OU_SET_TZ, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_users SET time_zone = NULLIF(?, '') WHERE id = ? AND "
	       "tenant_id = ?")
DB_STMT(OFFICE_LOGIN, .params = 1, .cols = 4, .flags = DB_Q_READ, .roles = R_S | R_C,
	.sql = "SELECT id, tenant_id, password_hash, active FROM office_users WHERE email = ?")
DB_STMT(OFFICE_INSERT, .params = 6, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "INSERT INTO office_users (tenant_id, email, password_hash, role, "
	       "first_name, last_name) VALUES (?, ?, ?, ?, ?, ?)")
DB_STMT(OFFICE_SET_PERM, .params = 3, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "INSERT INTO office_user_perms (user_id, module, level) VALUES "
	       "(?, ?, ?) ON DUPLICATE KEY UPDATE level = VALUES(level)")
DB_STMT(OFFICE_SET_ACTIVE, .params = 2, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "UPDATE office_users SET active = ? WHERE id = ?")
/* The Office Users list (db/listing.c): for each sort and direction, the
 * sort's index walked from the cursor with the filter's phrases checked
 * on each row, and the rows the words index names for a word of the
 * filter, each selecting the sort's key last.  Every key ends with the
 * login (unique); the role is compared by its place in the ENUM (the
 * order ORDER BY gives it), the status is Active first. */
#define OU_WALK(ix, ks, keys, order, filt, lim)                                                    \
	"SELECT " OU_COLS ", " keys " FROM office_users u FORCE INDEX (" ix ") " OU_PERM           \
	"WHERE u.tenant_id = ? " ks filt "ORDER BY " order lim
#define OU_WORDS(ks, keys, order)                                                                  \
	"SELECT " OU_COLS ", " keys                                                                \
	" FROM " V_CANDIDATES("3") "JOIN office_users u ON u.id = cand.id " OU_PERM                \
				   "WHERE u.tenant_id = ? " ks V_PHRASES("u") "ORDER BY " order    \
									      " LIMIT ?"
#define OU_VIEW(name, n, ix, ks, keys, order)                                                      \
	DB_STMT(OU_WALK_##name, .params = 8 + (n), .cols = 9 + (n) / 2, .flags = DB_Q_READ,        \
		.roles = R_S, .sql = OU_WALK(ix, ks, keys, order, V_FILTER("u"), V_WALK_LIMIT))    \
	DB_STMT(OU_PLAIN_##name, .params = 3 + (n), .cols = 9 + (n) / 2 + 1, .flags = DB_Q_READ,   \
		.roles = R_S,                                                                      \
		.sql = OU_WALK(ix, ks, keys V_TOTAL("office_user_counts"), order, "",              \
			       V_PLAIN_LIMIT))                                                     \
	DB_STMT(OU_WORDS_##name, .params = 8 + (n), .cols = 9 + (n) / 2, .flags = DB_Q_READ,       \
		.roles = R_S, .sql = OU_WORDS(ks, keys, order))
#define OU_FL "u.first_name, u.last_name, u.email"
#define OU_LF "u.last_name, u.first_name, u.email"

DB_STMT(OU_TOTAL, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT n FROM office_user_counts WHERE tenant_id = ?")
OU_VIEW(EMAIL_ASC, 2, "office_users_tenant_email", V_KS1(">", "u.email"), "u.email", "u.email")
OU_VIEW(EMAIL_DESC, 2, "office_users_tenant_email", V_KS1("<", "u.email"), "u.email",
	"u.email DESC")
OU_VIEW(FIRST_ASC, 6, "office_users_tenant_first",
	V_KS3(">", "u.first_name", ">", "u.last_name", ">", "u.email"), OU_FL, OU_FL)
OU_VIEW(FIRST_DESC, 6, "office_users_tenant_first",
	V_KS3("<", "u.first_name", "<", "u.last_name", "<", "u.email"), OU_FL,
	"u.first_name DESC, u.last_name DESC, u.email DESC")
OU_VIEW(LAST_ASC, 6, "office_users_tenant_last",
	V_KS3(">", "u.last_name", ">", "u.first_name", ">", "u.email"), OU_LF, OU_LF)
OU_VIEW(LAST_DESC, 6, "office_users_tenant_last",
	V_KS3("<", "u.last_name", "<", "u.first_name", "<", "u.email"), OU_LF,
	"u.last_name DESC, u.first_name DESC, u.email DESC")
OU_VIEW(ROLE_ASC, 4, "office_users_tenant_role", V_KS2(">", "u.role", ">", "u.email"),
	"u.role + 0, u.email", "u.role, u.email")
OU_VIEW(ROLE_DESC, 4, "office_users_tenant_role", V_KS2("<", "u.role", "<", "u.email"),
	"u.role + 0, u.email", "u.role DESC, u.email DESC")
OU_VIEW(STATUS_ASC, 4, "office_users_tenant_active", V_KS2("<", "u.active", ">", "u.email"),
	"u.active, u.email", "u.active DESC, u.email")
OU_VIEW(STATUS_DESC, 4, "office_users_tenant_active", V_KS2(">", "u.active", "<", "u.email"),
	"u.active, u.email", "u.active, u.email DESC")
DB_STMT(OU_LIST_VERSION, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT version FROM office_user_counts WHERE tenant_id = ?")
DB_STMT(OU_BY_IDS, .params = 2, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = V_BY_IDS(OU_COLS, "office_users u", "u", OU_PERM, "office_user_counts"))
DB_STMT(OU_COUNT_WORDS, .params = 8, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = V_COUNT_WORDS("3", "office_users u", "u", "1 "))
/* The filter "signed in: never / over 90 days" (sql/027), a facet of its
 * own per value (as the Portal Access list's Locked): each sort's walk
 * reads office_users_tenant_signin (never: the NULLs, one ref; over 90
 * days: one range) and sorts what it found; its words and counts check
 * the same condition. */
#define OU_NEVER "u.last_sign_in_at IS NULL "
#define OU_OLD "u.last_sign_in_at < NOW(6) - INTERVAL 90 DAY "
#define OU_FWALK(cond, ks, keys, order, filt, lim)                                                 \
	"SELECT " OU_COLS ", " keys " FROM office_users u FORCE INDEX "                            \
	"(office_users_tenant_signin) " OU_PERM "WHERE u.tenant_id = ? AND " cond ks filt          \
	"ORDER BY " order lim
#define OU_FWORDS(cond, ks, keys, order)                                                           \
	"SELECT " OU_COLS ", " keys                                                                \
	" FROM " V_CANDIDATES("3") "JOIN office_users u ON u.id = "                                \
				   "cand.id " OU_PERM "WHERE "                                     \
				   "u.tenant_id = ? AND " cond ks V_PHRASES("u") "ORDER BY " order \
										 " LIMIT ?"
#define OU_FVIEW(f, cond, name, n, ks, keys, order)                                                \
	DB_STMT(OU_##f##_WALK_##name, .params = 8 + (n), .cols = 9 + (n) / 2, .flags = DB_Q_READ,  \
		.roles = R_S, .sql = OU_FWALK(cond, ks, keys, order, V_FILTER("u"), V_WALK_LIMIT)) \
	DB_STMT(OU_##f##_PLAIN_##name, .params = 2 + (n), .cols = 9 + (n) / 2, .flags = DB_Q_READ, \
		.roles = R_S, .sql = OU_FWALK(cond, ks, keys, order, "", V_PLAIN_LIMIT))           \
	DB_STMT(OU_##f##_WORDS_##name, .params = 8 + (n), .cols = 9 + (n) / 2, .flags = DB_Q_READ, \
		.roles = R_S, .sql = OU_FWORDS(cond, ks, keys, order))
#define OU_FVIEWS(f, cond)                                                                         \
	OU_FVIEW(f, cond, EMAIL_ASC, 2, V_KS1(">", "u.email"), "u.email", "u.email")               \
	OU_FVIEW(f, cond, EMAIL_DESC, 2, V_KS1("<", "u.email"), "u.email", "u.email DESC")         \
	OU_FVIEW(f, cond, FIRST_ASC, 6,                                                            \
		 V_KS3(">", "u.first_name", ">", "u.last_name", ">", "u.email"), OU_FL, OU_FL)     \
	OU_FVIEW(f, cond, FIRST_DESC, 6,                                                           \
		 V_KS3("<", "u.first_name", "<", "u.last_name", "<", "u.email"), OU_FL,            \
		 "u.first_name DESC, u.last_name DESC, u.email DESC")                              \
	OU_FVIEW(f, cond, LAST_ASC, 6,                                                             \
		 V_KS3(">", "u.last_name", ">", "u.first_name", ">", "u.email"), OU_LF, OU_LF)     \
	OU_FVIEW(f, cond, LAST_DESC, 6,                                                            \
		 V_KS3("<", "u.last_name", "<", "u.first_name", "<", "u.email"), OU_LF,            \
		 "u.last_name DESC, u.first_name DESC, u.email DESC")                              \
	OU_FVIEW(f, cond, ROLE_ASC, 4, V_KS2(">", "u.role", ">", "u.email"),                       \
		 "u.role + 0, u.email", "u.role, u.email")                                         \
	OU_FVIEW(f, cond, ROLE_DESC, 4, V_KS2("<", "u.role", "<", "u.email"),                      \
		 "u.role + 0, u.email", "u.role DESC, u.email DESC")                               \
	OU_FVIEW(f, cond, STATUS_ASC, 4, V_KS2("<", "u.active", ">", "u.email"),                   \
		 "u.active, u.email", "u.active DESC, u.email")                                    \
	OU_FVIEW(f, cond, STATUS_DESC, 4, V_KS2(">", "u.active", "<", "u.email"),                  \
		 "u.active, u.email", "u.active, u.email DESC")
OU_FVIEWS(NEVER, OU_NEVER)
OU_FVIEWS(OLD, OU_OLD)
DB_STMT(OU_COUNT_NEVER, .params = 2, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COUNT(*) FROM (SELECT 1 FROM office_users u FORCE INDEX "
	       "(office_users_tenant_signin) WHERE u.tenant_id = ? AND " OU_NEVER "LIMIT ?) x")
DB_STMT(OU_COUNT_OLD, .params = 2, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COUNT(*) FROM (SELECT 1 FROM office_users u FORCE INDEX "
	       "(office_users_tenant_signin) WHERE u.tenant_id = ? AND " OU_OLD "LIMIT ?) x")
DB_STMT(OU_COUNT_WORDS_NEVER, .params = 8, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = V_COUNT_WORDS("3", "office_users u", "u", OU_NEVER))
DB_STMT(OU_COUNT_WORDS_OLD, .params = 8, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = V_COUNT_WORDS("3", "office_users u", "u", OU_OLD))
#undef OU_FVIEWS
#undef OU_FVIEW
#undef OU_FWORDS
#undef OU_FWALK
#undef OU_NEVER
#undef OU_OLD
DB_STMT(OU_GET, .params = 2, .cols = 16, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT " OU_COLS ", u.mobile_provider, u.street, u.city, u.state, u.zip, "
	       "u.country, u.default_screen FROM office_users u " OU_PERM
	       "WHERE u.id = ? AND u.tenant_id = ?")
DB_STMT(OU_INSERT_FULL, .params = 14, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO office_users (tenant_id, email, password_hash, role, first_name, "
	       "last_name, phone, mobile_provider, street, city, state, zip, country, "
	       "default_screen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
DB_STMT(OU_UPDATE, .params = 14, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_users SET email = ?, role = ?, first_name = ?, last_name = ?, "
	       "phone = ?, mobile_provider = ?, street = ?, city = ?, state = ?, zip = ?, "
	       "country = ?, default_screen = ? WHERE id = ? AND tenant_id = ?")
DB_STMT(OU_SET_PASSWORD, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_users SET password_hash = ? WHERE id = ? AND tenant_id = ?")
/* "Forgot password?": whom a login names (logins are unique across
 * tenants), and the company's name for the mail. */
DB_STMT(OU_RESET_TARGET, .params = 1, .cols = 5, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT u.id, u.tenant_id, u.active = 1, u.email, t.company_name "
	       "FROM office_users u JOIN tenants t ON t.id = u.tenant_id WHERE "
	       "u.email = ?")
DB_STMT(OU_PERMS, .params = 1, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT module, level FROM office_user_perms WHERE user_id = ?")
DB_STMT(OU_DELETE, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM office_users WHERE id = ? AND tenant_id = ?")
DB_STMT(OU_SET_ACTIVE_T, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_users SET active = ? WHERE id = ? AND tenant_id = ?")
/* Locks the tenant's active Super Admins' rows: two requests that
 * would each remove "another" Super Admin cannot both pass. */
DB_STMT(OU_SUPERS_LOCKED, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT u.id FROM office_users u JOIN office_user_perms p ON p.user_id = u.id "
	       "AND p.module = 'settings' AND p.level = 3 WHERE u.tenant_id = ? AND u.active = 1 "
	       "ORDER BY u.id FOR UPDATE")
DB_STMT(TOMBSTONE_ADD, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO office_login_tombstones (email, tenant_id) VALUES (?, ?) "
	       "ON DUPLICATE KEY UPDATE deleted_at = NOW(6)")
DB_STMT(TOMBSTONE_HAS, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COUNT(*) FROM office_login_tombstones WHERE email = ?")
DB_STMT(OU_EXTRAS, .params = 2, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT all_vehicles, notifications FROM office_users WHERE id = ? AND "
	       "tenant_id = ?")
DB_STMT(OU_SET_EXTRAS, .params = 4, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_users SET all_vehicles = ?, notifications = ? WHERE id = ? "
	       "AND tenant_id = ?")
DB_STMT(OU_MAIL_GET, .params = 2, .cols = 9, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT mail_provider, smtp_host, smtp_port, smtp_security, smtp_user, "
	       "COALESCE(smtp_password, ''), COALESCE(DATE_FORMAT(smtp_test_at, "
	       "'%Y-%m-%dT%H:%i:%sZ'), ''), smtp_test_ok, smtp_test_result FROM office_users "
	       "WHERE id = ? AND tenant_id = ?")
DB_STMT(OU_MAIL_SET, .params = 7, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_users SET mail_provider = ?, smtp_host = ?, smtp_port = ?, "
	       "smtp_security = ?, smtp_user = ? WHERE id = ? AND tenant_id = ?")
DB_STMT(OU_MAIL_PASSWORD, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_users SET smtp_password = ? WHERE id = ? AND tenant_id = ?")
DB_STMT(OU_MAIL_TESTED, .params = 4, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_users SET smtp_test_at = NOW(6), smtp_test_ok = ?, "
	       "smtp_test_result = ? WHERE id = ? AND tenant_id = ?")

#undef OU_COLS
#undef OU_PERM
#undef OU_WALK
#undef OU_WORDS
#undef OU_VIEW
#undef OU_FL
#undef OU_LF
