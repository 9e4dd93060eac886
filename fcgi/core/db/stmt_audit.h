/* Statements of the audit domain (audit.c): see stmt_list.h. */
DB_STMT(AUDIT_INSERT, .params = 12, .cols = 0, .flags = DB_Q_AUDIT, .roles = R_S | R_P | R_C | R_M,
	.sql = "INSERT INTO audit_log (tenant_id, actor_kind, actor_user_id, actor_email, action, "
	       "target_kind, target_id, target, old_value, new_value, request_id, ip) VALUES "
	       "(?, ?, NULLIF(?, 0), ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?)")

/* Settings > Audit log (sql/024): newest first by (created_at, id), one
 * statement per index that drives the walk (the unfiltered list, or the
 * filter by actor, action, kind of action or target; the other filters
 * apply to the rows it reads) and direction (OLDER: the page after a
 * cursor going back in time; NEWER: the page before it, walked forwards
 * and shown reversed).  Parameters: the tenant, the driving filter's value
 * (not for ALL), the date range [from, to), the cursor (its time twice,
 * its id), each filter twice (actor, action, category, target: "" for
 * none), the limit.  Columns: AUDIT_COLS. */
#define AUDIT_COLS                                                                                 \
	"SELECT id, created_at, actor_kind, COALESCE(actor_user_id, 0), actor_email, action, "     \
	"target_kind, COALESCE(target_id, 0), target, COALESCE(old_value, ''), "                   \
	"COALESCE(new_value, ''), ip, request_id, DATE_FORMAT(created_at, '%Y%m%d%H%i%s%f') "
#define AUDIT_FILTERS                                                                              \
	"AND created_at >= ? AND created_at < ? "                                                  \
	"AND (? = '' OR actor_email = ?) AND (? = '' OR action = ?) "                              \
	"AND (? = '' OR category = ?) AND (? = '' OR target = ?) "
#define AUDIT_WALK(ix, drive, cmp, order)                                                          \
	AUDIT_COLS "FROM audit_log FORCE INDEX (" ix ") WHERE tenant_id = ? " drive                \
		   "AND created_at >= ? AND created_at < ? AND (created_at " cmp                   \
		   " ? OR (created_at = ? AND "                                                    \
		   "id " cmp                                                                       \
		   " ?)) AND (? = '' OR actor_email = ?) AND (? = '' OR action = ?) AND (? = '' "  \
		   "OR category = ?) AND (? = '' OR target = ?) ORDER BY created_at " order        \
		   ", id " order " LIMIT ?"
/* The view's count, read no further than 1,001 entries ("more than
 * 1,000": counting 10,001 took 1.3-2.2 ms of an index, ten times the
 * page's own statement); ONLY: the driving filter alone (with the days),
 * read from its index alone (with the other filters every row is read
 * too, 5x the time). */
#define AUDIT_COUNT(ix, drive)                                                                     \
	"SELECT COUNT(*) FROM (SELECT 1 FROM audit_log FORCE INDEX (" ix                           \
	") WHERE tenant_id = ? " drive AUDIT_FILTERS "LIMIT 1001) x"
#define AUDIT_COUNT_ONLY(ix, drive)                                                                \
	"SELECT COUNT(*) FROM (SELECT 1 FROM audit_log FORCE INDEX (" ix                           \
	") WHERE tenant_id = ? " drive "AND created_at >= ? AND created_at < ? LIMIT 1001) x"
#define AUDIT_VIEW(name, n, ix, drive)                                                             \
	DB_STMT(AUDIT_OLDER_##name, .params = 15 + (n), .cols = 14, .flags = DB_Q_READ,            \
		.roles = R_S, .sql = AUDIT_WALK(ix, drive, "<", "DESC"))                           \
	DB_STMT(AUDIT_NEWER_##name, .params = 15 + (n), .cols = 14, .flags = DB_Q_READ,            \
		.roles = R_S, .sql = AUDIT_WALK(ix, drive, ">", "ASC"))                            \
	DB_STMT(AUDIT_COUNT_##name, .params = 11 + (n), .cols = 1, .flags = DB_Q_READ,             \
		.roles = R_S, .sql = AUDIT_COUNT(ix, drive))                                       \
	DB_STMT(AUDIT_COUNT_ONLY_##name, .params = 3 + (n), .cols = 1, .flags = DB_Q_READ,         \
		.roles = R_S, .sql = AUDIT_COUNT_ONLY(ix, drive))
AUDIT_VIEW(ALL, 0, "audit_tenant_time", "")
AUDIT_VIEW(ACTOR, 1, "audit_actor", "AND actor_email = ? ")
AUDIT_VIEW(ACTION, 1, "audit_action", "AND action = ? ")
AUDIT_VIEW(CATEGORY, 1, "audit_category", "AND category = ? ")
AUDIT_VIEW(TARGET, 1, "audit_target", "AND target = ? ")
#undef AUDIT_VIEW
#undef AUDIT_COUNT
#undef AUDIT_COUNT_ONLY
#undef AUDIT_WALK
#undef AUDIT_FILTERS

/* The partner feed's audit document (feed scope "audit"): by id within
 * the tenant, after a cursor, only entries older than 10 seconds: an entry
 * whose transaction commits after a later one's is then not passed over
 * by a partner following the pages.  Parameters: tenant, after, limit. */
DB_STMT(AUDIT_FEED, .params = 3, .cols = 14, .flags = DB_Q_READ | DB_Q_STREAM, .roles = R_F,
	.sql = AUDIT_COLS "FROM audit_log FORCE INDEX (audit_feed) WHERE tenant_id = ? AND id > ? "
			  "AND created_at < NOW(6) - INTERVAL 10 SECOND ORDER BY id LIMIT ?")
#undef AUDIT_COLS

/* Retention (gatehouse-ctl audit purge): the tenants with entries older
 * than the cut-off (one probe of audit_tenant_time each), then a batch of
 * one tenant's oldest, each batch in a transaction with its own entry. */
DB_STMT(AUDIT_PURGE_TENANTS, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_C,
	.sql = "SELECT t.id FROM tenants t WHERE EXISTS (SELECT 1 FROM audit_log a WHERE "
	       "a.tenant_id = t.id AND a.created_at < NOW(6) - INTERVAL ? DAY) ORDER BY t.id")
DB_STMT(AUDIT_PURGE, .params = 3, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "DELETE FROM audit_log WHERE tenant_id = ? AND created_at < NOW(6) - INTERVAL ? DAY "
	       "ORDER BY created_at LIMIT ?")
