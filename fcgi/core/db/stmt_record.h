/* Statements of the record domain (record.c): see stmt_list.h. */
/* What a portal session may see: records of its customer, public
 * documents only, and, for a user restricted to some sites, only
 * records on those sites (customer-wide ones need all sites). */
#define REC_COLS(hint)                                                                             \
	"SELECT r.id, COALESCE(r.site_id, 0), COALESCE(r.amount_cents, -1), r.ref, r.title, "      \
	"r.detail, DATE_FORMAT(r.rec_date, '%Y-%m-%d'), r.status, COALESCE(s.name, '') "           \
	"FROM customer_records r " hint "LEFT JOIN sites s ON s.id = r.site_id "
#define REC_SEEN                                                                                   \
	"AND (r.kind <> 'document' OR r.public = 1) "                                              \
	"AND (? = 0 OR (SELECT all_sites FROM portal_users WHERE id = ?) = 1 OR "                  \
	"r.site_id IN (SELECT site_id FROM portal_user_sites WHERE portal_user_id = ?)) "          \
	"AND (? = 0 OR r.id = ?) ORDER BY r.rec_date DESC, r.id DESC LIMIT 200"
DB_STMT(REC_LIST, .params = 8, .cols = 9, .flags = DB_Q_READ, .roles = R_P,
	.sql = REC_COLS("") "WHERE r.customer_id = ? AND r.tenant_id = ? AND r.kind = ? " REC_SEEN)
/* The same for a user whose group shows only their own jobs, estimates
 * and invoices (portal_groups.visibility 'own', sql/028): the records
 * they are the contact of, a range of customer_records_contact.  The
 * first parameter is the user. */
DB_STMT(REC_LIST_OWN, .params = 9, .cols = 9, .flags = DB_Q_READ, .roles = R_P,
	.sql = REC_COLS(
		"FORCE INDEX (customer_records_contact) ") "WHERE "
							   "r.contact_portal_user_id = ? AND "
							   "r.customer_id = ? AND r.tenant_id = ? "
							   "AND r.kind = ? " REC_SEEN)
#undef REC_COLS
#undef REC_SEEN
/* Whether a portal user's group shows them only their own records. */
DB_STMT(REC_OWN_ONLY, .params = 2, .cols = 1, .flags = DB_Q_READ, .roles = R_P,
	.sql = "SELECT COALESCE((SELECT g.visibility = 'own' FROM portal_groups g WHERE g.id = "
	       "pu.group_id), 0) FROM portal_users pu WHERE pu.id = ? AND pu.tenant_id = ?")
DB_STMT(REC_STATUS, .params = 7, .cols = 0, .flags = 0, .roles = R_P,
	.sql = "UPDATE customer_records SET status = ?, changed_by = ?, "
	       "changed_at = UTC_TIMESTAMP() WHERE id = ? AND customer_id = ? AND "
	       "tenant_id = ? AND kind = ? AND status = ?")
DB_STMT(REC_ADD, .params = 13, .cols = 0, .flags = 0, .roles = R_P | R_C,
	.sql = "INSERT INTO customer_records (tenant_id, customer_id, site_id, kind, ref, "
	       "title, detail, rec_date, amount_cents, status, public, changed_by, changed_at, "
	       "contact_portal_user_id) VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, NULLIF(?, -1), "
	       "?, ?, ?, UTC_TIMESTAMP(), NULLIF(?, 0))")
/* A portal request's number, once its id is known. */
DB_STMT(REC_REF, .params = 1, .cols = 0, .flags = 0, .roles = R_P | R_C,
	.sql = "UPDATE customer_records SET ref = CONCAT('REQ-', id) WHERE id = ? AND ref = ''")
/* A record's contact: the customer's portal user of an address (the demo
 * data, gatehouse-ctl demo).  Parameters: the address, the record, the
 * tenant. */
DB_STMT(REC_SET_CONTACT, .params = 3, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "UPDATE customer_records r SET r.contact_portal_user_id = (SELECT pu.id FROM "
	       "portal_users pu WHERE pu.tenant_id = r.tenant_id AND pu.customer_id = "
	       "r.customer_id AND pu.email = ?) WHERE r.id = ? AND r.tenant_id = ?")
DB_STMT(REC_COUNT, .params = 2, .cols = 1, .flags = DB_Q_READ, .roles = R_C,
	.sql = "SELECT COUNT(*) FROM customer_records WHERE customer_id = ? AND tenant_id = ?")
