/* Statements of the portal_user domain (portal_user.c): see stmt_list.h. */
/* Plain columns: the status and the ISO time are made in C (portal_user.c,
 * bind.c).  As a CASE and a DATE_FORMAT they cost MariaDB 8 us of a 10-row
 * page statement's 43 (measured: 5,000 executions in a procedure loop).
 * PU_STATUS: what pstatus_decide needs: pstate (sql/019: revoked, a
 * password, an invitation, none), the invitation's state, and the sign-in
 * lock as the microseconds left on the copy of the throttle's locked_until
 * that sql/016 keeps on the row (NULL for none, which most rows are).
 * Every column a list shows is in each sort's index (sql/019): a page is
 * read from the index alone. */
#define PU_STATUS(a)                                                                               \
	a ".pstate, " a ".invite_state, TIMESTAMPDIFF(MICROSECOND, NOW(6), " a ".locked_until)"
#define PU_KEY "pu.id, pu.customer_id, pu.company_name, pu.email"
#define PU_COLS PU_KEY ", " PU_STATUS("pu") ", pu.last_sign_in_at"
DB_STMT(PU_SET_TZ, .params = 3, .cols = 0, .flags = 0, .roles = R_P,
	.sql = "UPDATE portal_users SET time_zone = NULLIF(?, '') WHERE id = ? AND "
	       "tenant_id = ?")
/* The Portal Access list (db/listing.c): for each sort (company: company,
 * email; email: email) and direction, a walk of the sort's index from the
 * cursor (V_KS) with the filter's phrases checked on each row, the same
 * walk over one status's index, the locked users (few, sorted), and the
 * rows the words index names for a word of the filter.  Each selects the
 * sort's key after PU_COLS, for the cursors. */
#define PU_UNLOCKED                                                                                \
	"(pu.pstate = 3 OR pu.locked_until IS NULL OR pu.locked_until < NOW(6) + INTERVAL 1 "      \
	"SECOND) "
#define PU_LOCKED "pu.pstate IN (0, 1, 2) AND pu.locked_until >= NOW(6) + INTERVAL 1 SECOND "
/* The status filter as one condition: 9 none, 0-3 pstate, 4 locked. */
#define PU_FACET "AND (? = 9 OR (? = 4 AND " PU_LOCKED ") OR (pu.pstate = ? AND " PU_UNLOCKED ")) "
#define PU_SELECT(keys) "SELECT " PU_COLS ", " keys " FROM "
/* Each walk as a filter's (filt: V_FILTER, lim: V_WALK_LIMIT) and as a
 * plain one ("", V_PLAIN_LIMIT). */
#define PU_WALK(ix, ks, keys, order, filt, lim)                                                    \
	PU_SELECT(keys)                                                                            \
	"portal_users pu FORCE INDEX (" ix ") WHERE pu.tenant_id = ? " ks filt "ORDER BY " order lim
#define PU_WALK_STATE(ix, ks, keys, order, filt, lim)                                              \
	PU_SELECT(keys)                                                                            \
	"portal_users pu FORCE INDEX (" ix ") WHERE pu.tenant_id = ? AND "                         \
	"pu.pstate = ? AND " PU_UNLOCKED ks filt "ORDER BY " order lim
#define PU_WALK_LOCKED(ix, ks, keys, order, filt, lim)                                             \
	PU_SELECT(keys)                                                                            \
	"portal_users pu FORCE INDEX (portal_users_state_lock) WHERE "                             \
	"pu.tenant_id = ? AND " PU_LOCKED ks filt "ORDER BY " order lim
/* One walk's two statements: WALK (filtered, n + 6 parameters) and PLAIN
 * (n; the whole list's plain walk with tot, V_TOTAL, as a last column). */
#define PU_VIEW(walk, name, n, nc, ix, ks, keys, order, tot)                                       \
	DB_STMT(PU_##name, .params = (n) + 6, .cols = nc, .flags = DB_Q_READ, .roles = R_S,        \
		.sql = walk(ix, ks, keys, order, V_FILTER("pu"), V_WALK_LIMIT))                    \
	DB_STMT(PU_PLAIN_##name, .params = (n) + (sizeof(tot) > 1),                                \
		.cols = (nc) + (sizeof(tot) > 1), .flags = DB_Q_READ, .roles = R_S,                \
		.sql = walk(ix, ks, keys tot, order, "", V_PLAIN_LIMIT))
#define PU_TOT V_TOTAL("portal_user_counts")
#define PU_WORDS(ks, keys, order)                                                                  \
	PU_SELECT(keys)                                                                            \
	V_CANDIDATES("2")                                                                          \
	"JOIN portal_users pu ON pu.id = cand.id WHERE "                                           \
	"pu.tenant_id = ? " PU_FACET ks V_PHRASES("pu") "ORDER BY " order " LIMIT ?"
#define PU_CO "pu.company_name, pu.email"
#define PU_CO_ASC V_KS2(">", "pu.company_name", ">", "pu.email")
#define PU_CO_DESC V_KS2("<", "pu.company_name", "<", "pu.email")
#define PU_CO_DOWN "pu.company_name DESC, pu.email DESC"
#define PU_EM_ASC V_KS1(">", "pu.email")
#define PU_EM_DESC V_KS1("<", "pu.email")

DB_STMT(PU_TOTAL, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT n FROM portal_user_counts WHERE tenant_id = ?")
PU_VIEW(PU_WALK, WALK_CO_ASC, 6, 10, "portal_users_company", PU_CO_ASC, PU_CO, PU_CO, PU_TOT)
PU_VIEW(PU_WALK, WALK_CO_DESC, 6, 10, "portal_users_company", PU_CO_DESC, PU_CO, PU_CO_DOWN, PU_TOT)
PU_VIEW(PU_WALK, WALK_EM_ASC, 4, 9, "portal_users_email_sig", PU_EM_ASC, "pu.email", "pu.email",
	PU_TOT)
PU_VIEW(PU_WALK, WALK_EM_DESC, 4, 9, "portal_users_email_sig", PU_EM_DESC, "pu.email",
	"pu.email DESC", PU_TOT)
PU_VIEW(PU_WALK_STATE, STATE_CO_ASC, 7, 10, "portal_users_state_company", PU_CO_ASC, PU_CO, PU_CO,
	"")
PU_VIEW(PU_WALK_STATE, STATE_CO_DESC, 7, 10, "portal_users_state_company", PU_CO_DESC, PU_CO,
	PU_CO_DOWN, "")
PU_VIEW(PU_WALK_STATE, STATE_EM_ASC, 5, 9, "portal_users_state_email", PU_EM_ASC, "pu.email",
	"pu.email", "")
PU_VIEW(PU_WALK_STATE, STATE_EM_DESC, 5, 9, "portal_users_state_email", PU_EM_DESC, "pu.email",
	"pu.email DESC", "")
PU_VIEW(PU_WALK_LOCKED, LOCKED_CO_ASC, 6, 10, "", PU_CO_ASC, PU_CO, PU_CO, "")
PU_VIEW(PU_WALK_LOCKED, LOCKED_CO_DESC, 6, 10, "", PU_CO_DESC, PU_CO, PU_CO_DOWN, "")
PU_VIEW(PU_WALK_LOCKED, LOCKED_EM_ASC, 4, 9, "", PU_EM_ASC, "pu.email", "pu.email", "")
PU_VIEW(PU_WALK_LOCKED, LOCKED_EM_DESC, 4, 9, "", PU_EM_DESC, "pu.email", "pu.email DESC", "")
DB_STMT(PU_WORDS_CO_ASC, .params = 15, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = PU_WORDS(PU_CO_ASC, PU_CO, PU_CO))
DB_STMT(PU_WORDS_CO_DESC, .params = 15, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = PU_WORDS(PU_CO_DESC, PU_CO, PU_CO_DOWN))
DB_STMT(PU_WORDS_EM_ASC, .params = 13, .cols = 9, .flags = DB_Q_READ, .roles = R_S,
	.sql = PU_WORDS(PU_EM_ASC, "pu.email", "pu.email"))
DB_STMT(PU_WORDS_EM_DESC, .params = 13, .cols = 9, .flags = DB_Q_READ, .roles = R_S,
	.sql = PU_WORDS(PU_EM_DESC, "pu.email", "pu.email DESC"))
/* Counts, each read no further than the cap (the last parameter): a
 * status's users (its index holds pstate and locked_until: no row is
 * read), the locked ones, and a filter's (see V_COUNT_WORDS). */
DB_STMT(PU_COUNT_STATE, .params = 3, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COUNT(*) FROM (SELECT 1 FROM portal_users pu FORCE INDEX "
	       "(portal_users_state_lock) WHERE pu.tenant_id = ? AND pu.pstate = ? AND " PU_UNLOCKED
	       "LIMIT ?) x")
DB_STMT(PU_COUNT_LOCKED, .params = 2, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COUNT(*) FROM (SELECT 1 FROM portal_users pu FORCE INDEX "
	       "(portal_users_state_lock) WHERE pu.tenant_id = ? AND " PU_LOCKED "LIMIT ?) x")
DB_STMT(PU_LIST_VERSION, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT version FROM portal_user_counts WHERE tenant_id = ?")
/* The Portal Access page memo's versions (sql/033): the list's rows in,
 * out and along it, and the rest a row shows; 0 before the first. */
DB_STMT(PU_SHOWN_VERSION, .params = 2, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COALESCE((SELECT version FROM portal_user_counts WHERE tenant_id = ?), 0), "
	       "COALESCE((SELECT version FROM portal_user_status_versions WHERE tenant_id = ?), 0)")
DB_STMT(PU_BY_IDS, .params = 2, .cols = 9, .flags = DB_Q_READ, .roles = R_S,
	.sql = V_BY_IDS(PU_COLS, "portal_users pu", "pu", "", "portal_user_counts"))
DB_STMT(PU_COUNT_WORDS, .params = 11, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = V_COUNT_WORDS("2", "portal_users pu", "pu", "1 " PU_FACET))
DB_STMT(PU_GET, .params = 2, .cols = 8, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT " PU_COLS " FROM portal_users pu WHERE pu.id = ? AND pu.tenant_id = ?")
DB_STMT(PU_ADD, .params = 6, .cols = 0, .flags = 0, .roles = R_S | R_P | R_C,
	.sql = "INSERT INTO portal_users (tenant_id, customer_id, company_name, email, "
	       "password_hash, password_set_at) VALUES (?, ?, ?, ?, ?, IF(? = 1, NOW(6), NULL))")
DB_STMT(PU_UPDATE, .params = 5, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE portal_users SET customer_id = ?, company_name = ?, email = ? "
	       "WHERE id = ? AND tenant_id = ?")
DB_STMT(PU_SET_PASSWORD, .params = 3, .cols = 0, .flags = 0, .roles = R_S | R_P,
	.sql = "UPDATE portal_users SET password_hash = ?, password_set_at = NOW(6) "
	       "WHERE id = ? AND tenant_id = ?")
DB_STMT(PU_SET_INVITE, .params = 4, .cols = 0, .flags = 0, .roles = R_S | R_P | R_C,
	.sql = "UPDATE portal_users SET invite_state = ?, invite_mail_id = "
	       "NULLIF(?, 0) WHERE id = ? AND tenant_id = ?")
DB_STMT(PU_DELETE, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM portal_users WHERE id = ? AND tenant_id = ?")
/* The portal's sign-in: the account of one tenant (emails are unique
 * per tenant, not across tenants). */
DB_STMT(PORTAL_LOGIN, .params = 2, .cols = 7, .flags = DB_Q_READ, .roles = R_P,
	.sql = "SELECT pu.id, pu.customer_id, COALESCE(pu.password_hash, ''), pu.status = "
	       "'active', "
	       "pu.mfa_required OR COALESCE(g.require_mfa, 0), pu.mfa_secret IS NOT NULL, pu.email "
	       "FROM portal_users pu LEFT JOIN portal_groups g ON g.id = pu.group_id "
	       "WHERE pu.tenant_id = ? AND pu.email = ?")
DB_STMT(PU_SIGNED_IN, .params = 1, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_P,
	.sql = "UPDATE portal_users SET last_sign_in_at = NOW(6), dormant_warned_at = NULL WHERE "
	       "id = ?")
DB_STMT(PU_ACCESS_GET, .params = 2, .cols = 3, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COALESCE(group_id, 0), status = 'active', email_reports FROM "
	       "portal_users WHERE id = ? AND tenant_id = ?")
DB_STMT(PU_ACCESS_SET, .params = 5, .cols = 0, .flags = 0, .roles = R_S | R_P,
	.sql = "UPDATE portal_users SET group_id = ?, status = IF(? = 1, 'active', "
	       "'revoked'), email_reports = ? WHERE id = ? AND tenant_id = ?")
/* A customer's portal users (the portal's Colleagues page, the
 * customer's settings page): group, status inputs, last sign-in and
 * the name of the contact the user was enabled from (one at most). */
DB_STMT(PU_BY_CUSTOMER, .params = 2, .cols = 11, .flags = DB_Q_READ, .roles = R_S | R_P,
	.sql = "SELECT pu.id, pu.email, pu.status = 'active', COALESCE(g.id, 0), "
	       "COALESCE(g.name, ''), COALESCE(g.perms, ''), " PU_STATUS(
		       "pu") ", "
			     "pu.last_sign_in_at, COALESCE(ct.name, '') FROM portal_users pu "
			     "LEFT JOIN portal_groups g ON g.id = pu.group_id "
			     "LEFT JOIN customer_contacts ct ON ct.portal_user_id = pu.id "
			     "WHERE pu.customer_id = ? AND pu.tenant_id = ? ORDER BY pu.email")

/* The filter by invitation state (sql/028), beside the status filter: a
 * walk of the state's index (portal_users_inv_company, _email) from the
 * cursor, with the status filter checked in the index.  PU_INV: the state,
 * then whether its link must still be good (Invited, Reminded: 1; the
 * index holds inv_expires, so an invitation ended since the hourly sweep
 * is passed over there).  Walk extras: state, live, then PU_FACET's three;
 * the words' extras: PU_FACET's three, then state, live. */
#define PU_INV "AND pu.inv_state = ? AND (? = 0 OR pu.inv_expires > NOW(6)) "
#define PU_WALK_INV(ix, ks, keys, order, filt, lim)                                                \
	PU_SELECT(keys)                                                                            \
	"portal_users pu FORCE INDEX (" ix ") WHERE pu.tenant_id = ? " PU_INV PU_FACET ks filt     \
	"ORDER BY " order lim
#define PU_WORDS_INV(ks, keys, order)                                                              \
	PU_SELECT(keys)                                                                            \
	V_CANDIDATES("2")                                                                          \
	"JOIN portal_users pu ON pu.id = cand.id WHERE "                                           \
	"pu.tenant_id = ? " PU_FACET PU_INV ks V_PHRASES("pu") "ORDER BY " order " LIMIT ?"
PU_VIEW(PU_WALK_INV, INV_CO_ASC, 11, 10, "portal_users_inv_company", PU_CO_ASC, PU_CO, PU_CO, "")
PU_VIEW(PU_WALK_INV, INV_CO_DESC, 11, 10, "portal_users_inv_company", PU_CO_DESC, PU_CO, PU_CO_DOWN,
	"")
PU_VIEW(PU_WALK_INV, INV_EM_ASC, 9, 9, "portal_users_inv_email", PU_EM_ASC, "pu.email", "pu.email",
	"")
PU_VIEW(PU_WALK_INV, INV_EM_DESC, 9, 9, "portal_users_inv_email", PU_EM_DESC, "pu.email",
	"pu.email DESC", "")
DB_STMT(PU_WORDS_INV_CO_ASC, .params = 17, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = PU_WORDS_INV(PU_CO_ASC, PU_CO, PU_CO))
DB_STMT(PU_WORDS_INV_CO_DESC, .params = 17, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = PU_WORDS_INV(PU_CO_DESC, PU_CO, PU_CO_DOWN))
DB_STMT(PU_WORDS_INV_EM_ASC, .params = 15, .cols = 9, .flags = DB_Q_READ, .roles = R_S,
	.sql = PU_WORDS_INV(PU_EM_ASC, "pu.email", "pu.email"))
DB_STMT(PU_WORDS_INV_EM_DESC, .params = 15, .cols = 9, .flags = DB_Q_READ, .roles = R_S,
	.sql = PU_WORDS_INV(PU_EM_DESC, "pu.email", "pu.email DESC"))
/* Its counts, read no further than the cap: without a text filter, in the
 * state's index (every column checked is in it); with one, V_COUNT_WORDS. */
DB_STMT(PU_COUNT_INV, .params = 7, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COUNT(*) FROM (SELECT 1 FROM portal_users pu FORCE INDEX "
	       "(portal_users_inv_company) WHERE pu.tenant_id = ? " PU_INV PU_FACET "LIMIT ?) x")
DB_STMT(PU_COUNT_WORDS_INV, .params = 13, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = V_COUNT_WORDS("2", "portal_users pu", "pu", "1 " PU_FACET PU_INV))
/* Invitations whose link has ended since the last run move to expired
 * (gatehouse-ctl invitations remind, hourly), each with its audit entry,
 * in one transaction: the database's time once (the cut), then the audit
 * entries and the move of the same rows (portal_users_inv_expiry). */
DB_STMT(PU_INV_CUT, .params = 0, .cols = 1, .flags = DB_Q_READ, .roles = R_C,
	.sql = "SELECT DATE_FORMAT(NOW(6), '%Y-%m-%d %H:%i:%s.%f')")
DB_STMT(PU_INV_EXPIRED_AUDIT, .params = 1, .cols = 0, .flags = DB_Q_AUDIT, .roles = R_C,
	.sql = "INSERT INTO audit_log (tenant_id, actor_kind, actor_email, action, target_kind, "
	       "target_id, target, old_value, new_value) SELECT pu.tenant_id, 'system', '', "
	       "'portal_user.invitation_expired', 'portal_user', pu.id, pu.email, "
	       "IF(pu.inv_state = 2, 'reminded', 'invited'), 'expired' FROM portal_users pu FORCE "
	       "INDEX (portal_users_inv_expiry) WHERE pu.inv_state IN (1, 2) AND pu.inv_expires <= "
	       "?")
DB_STMT(PU_INV_EXPIRE, .params = 1, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "UPDATE portal_users SET inv_state = 5 WHERE inv_state IN (1, 2) AND inv_expires "
	       "<= ?")
#undef PU_INV
#undef PU_WALK_INV
#undef PU_WORDS_INV

#undef PU_STATUS
#undef PU_KEY
#undef PU_COLS
#undef PU_UNLOCKED
#undef PU_LOCKED
#undef PU_FACET
#undef PU_SELECT
#undef PU_WALK
#undef PU_WALK_STATE
#undef PU_WALK_LOCKED
#undef PU_VIEW
#undef PU_TOT
#undef PU_WORDS
#undef PU_CO
#undef PU_CO_ASC
#undef PU_CO_DESC
#undef PU_CO_DOWN
#undef PU_EM_ASC
#undef PU_EM_DESC
