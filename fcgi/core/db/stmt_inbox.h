/* Statements of the inbox domain (inbox.c): see stmt_list.h. */
/* An item for the office, in the transaction of the client's action (a
 * part of that action, audited with it).  Parameters: tenant, record,
 * customer, portal user (0: none), their email, kind. */
DB_STMT(INBOX_ADD, .params = 6, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_P,
	.sql = "INSERT INTO office_inbox (tenant_id, record_id, customer_id, portal_user_id, "
	       "portal_user_email, kind) VALUES (?, ?, ?, NULLIF(?, 0), ?, ?)")

/* Settings > Inbox (sql/029): newest first by (created_at, id), one
 * statement per index that drives the walk (a state, open or handled,
 * with or without a kind; or all items, with or without a kind) and
 * direction (OLDER: the page after a cursor going back in time; NEWER: the
 * page before it, walked forwards and shown reversed).  Parameters: the
 * tenant, the view's values (open_item, kind: as its index has them), the
 * cursor (its time twice, its id), the limit.  Columns: INBOX_COLS. */
#define INBOX_COLS                                                                                 \
	"SELECT i.id, i.created_at, i.kind, i.record_id, i.customer_id, COALESCE(c.name, ''), "    \
	"COALESCE(i.portal_user_id, 0), i.portal_user_email, COALESCE(r.ref, ''), "                \
	"COALESCE(r.title, ''), COALESCE(r.status, ''), "                                          \
	"i.handled_at IS NOT NULL, COALESCE(i.handled_at, i.created_at), i.handled_by_email, "     \
	"DATE_FORMAT(i.created_at, '%Y%m%d%H%i%s%f') "
/* An item's record and customer, as they are now (an item outlives them:
 * sql/029), each by its primary key: the ids are the item's tenant's, as
 * the portal's action wrote them (a condition on the tenant here made
 * MariaDB read the customers by tenant instead). */
#define INBOX_JOINS                                                                                \
	"LEFT JOIN customer_records r ON r.id = i.record_id "                                      \
	"LEFT JOIN customers c ON c.id = i.customer_id "
#define INBOX_WALK(ix, view, cmp, order)                                                           \
	INBOX_COLS                                                                                 \
	"FROM office_inbox i FORCE INDEX (" ix ") " INBOX_JOINS "WHERE i.tenant_id = ? " view      \
	"AND (i.created_at " cmp " ? OR (i.created_at = ? AND i.id " cmp " ?)) "                   \
	"ORDER BY i.created_at " order ", i.id " order " LIMIT ?"
/* The view's count from its index alone, read no further than the cap
 * given.  (The menu's count is not this: it is kept, sql/029, and read
 * with the session.) */
#define INBOX_COUNT(ix, view)                                                                      \
	"SELECT COUNT(*) FROM (SELECT 1 FROM office_inbox i FORCE INDEX (" ix                      \
	") WHERE i.tenant_id = ? " view "LIMIT ?) x"
#define INBOX_VIEW(name, n, ix, view)                                                              \
	DB_STMT(INBOX_OLDER_##name, .params = 5 + (n), .cols = 15, .flags = DB_Q_READ,             \
		.roles = R_S, .sql = INBOX_WALK(ix, view, "<", "DESC"))                            \
	DB_STMT(INBOX_NEWER_##name, .params = 5 + (n), .cols = 15, .flags = DB_Q_READ,             \
		.roles = R_S, .sql = INBOX_WALK(ix, view, ">", "ASC"))                             \
	DB_STMT(INBOX_COUNT_##name, .params = 2 + (n), .cols = 1, .flags = DB_Q_READ,              \
		.roles = R_S, .sql = INBOX_COUNT(ix, view))
INBOX_VIEW(STATE, 1, "inbox_open", "AND i.open_item = ? ")
INBOX_VIEW(STATE_KIND, 2, "inbox_open_kind", "AND i.open_item = ? AND i.kind = ? ")
INBOX_VIEW(ALL, 0, "inbox_all", "")
INBOX_VIEW(ALL_KIND, 1, "inbox_all_kind", "AND i.kind = ? ")
#undef INBOX_VIEW
#undef INBOX_COUNT
#undef INBOX_WALK

/* One item of the tenant (another tenant's: no row), for marking it
 * handled.  Parameters: id, tenant.  Columns: INBOX_COLS. */
DB_STMT(INBOX_GET, .params = 2, .cols = 15, .flags = DB_Q_READ, .roles = R_S,
	.sql = INBOX_COLS "FROM office_inbox i " INBOX_JOINS "WHERE i.id = ? AND i.tenant_id = ? "
			  "FOR UPDATE")
#undef INBOX_JOINS
#undef INBOX_COLS
/* Marks an open item handled.  Parameters: office user, their email, id,
 * tenant. */
DB_STMT(INBOX_HANDLE, .params = 4, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE office_inbox SET handled_at = NOW(6), handled_by = ?, handled_by_email = ? "
	       "WHERE id = ? AND tenant_id = ? AND handled_at IS NULL")
