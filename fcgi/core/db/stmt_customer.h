/* Statements of the customer domain (customer.c): see stmt_list.h. */
#define CUST_COLS                                                                                  \
	"c.id, c.name, c.primary_email, c.phone, c.street, c.city, c.state, c.zip, "               \
	"(SELECT COUNT(*) FROM portal_users x WHERE x.customer_id = c.id)"
/* The Customers list (db/listing.c), as the Office Users list: by name
 * (unique in the tenant) or by email, then name. */
#define CUST_WALK(ix, ks, keys, order, filt, lim)                                                  \
	"SELECT " CUST_COLS ", " keys " FROM customers c FORCE INDEX (" ix ") WHERE "              \
	"c.tenant_id = ? " ks filt "ORDER BY " order lim
#define CUST_WORDS(ks, keys, order)                                                                \
	"SELECT " CUST_COLS ", " keys " FROM " V_CANDIDATES(                                       \
		"1") "JOIN customers c ON c.id = "                                                 \
		     "cand.id WHERE c.tenant_id = ? " ks V_PHRASES("c") "ORDER BY " order          \
									" LIMIT ?"
#define CUST_VIEW(name, n, ix, ks, keys, order)                                                    \
	DB_STMT(CUST_WALK_##name, .params = 8 + (n), .cols = 9 + (n) / 2, .flags = DB_Q_READ,      \
		.roles = R_S, .sql = CUST_WALK(ix, ks, keys, order, V_FILTER("c"), V_WALK_LIMIT))  \
	DB_STMT(CUST_PLAIN_##name, .params = 3 + (n), .cols = 9 + (n) / 2 + 1, .flags = DB_Q_READ, \
		.roles = R_S,                                                                      \
		.sql = CUST_WALK(ix, ks, keys V_TOTAL("customer_counts"), order, "",               \
				 V_PLAIN_LIMIT))                                                   \
	DB_STMT(CUST_WORDS_##name, .params = 8 + (n), .cols = 9 + (n) / 2, .flags = DB_Q_READ,     \
		.roles = R_S, .sql = CUST_WORDS(ks, keys, order))

DB_STMT(CUSTOMER_INSERT, .params = 8, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "INSERT INTO customers (tenant_id, name, primary_email, phone, street, "
	       "city, state, zip) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
DB_STMT(CUSTOMER_BY_NAME, .params = 2, .cols = 1, .flags = DB_Q_READ, .roles = R_C,
	.sql = "SELECT id FROM customers WHERE tenant_id = ? AND name = ?")
DB_STMT(CUST_TOTAL, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT n FROM customer_counts WHERE tenant_id = ?")
CUST_VIEW(NAME_ASC, 2, "customers_name_sig", V_KS1(">", "c.name"), "c.name", "c.name")
CUST_VIEW(NAME_DESC, 2, "customers_name_sig", V_KS1("<", "c.name"), "c.name", "c.name DESC")
CUST_VIEW(EMAIL_ASC, 4, "customers_tenant_email", V_KS2(">", "c.primary_email", ">", "c.name"),
	  "c.primary_email, c.name", "c.primary_email, c.name")
CUST_VIEW(EMAIL_DESC, 4, "customers_tenant_email", V_KS2("<", "c.primary_email", "<", "c.name"),
	  "c.primary_email, c.name", "c.primary_email DESC, c.name DESC")
DB_STMT(CUST_LIST_VERSION, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT version FROM customer_counts WHERE tenant_id = ?")
DB_STMT(CUST_BY_IDS, .params = 2, .cols = 10, .flags = DB_Q_READ, .roles = R_S,
	.sql = V_BY_IDS(CUST_COLS, "customers c", "c", "", "customer_counts"))
DB_STMT(CUST_COUNT_WORDS, .params = 8, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = V_COUNT_WORDS("1", "customers c", "c", "1 "))
DB_STMT(CUST_GET, .params = 2, .cols = 9, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT " CUST_COLS " FROM customers c WHERE c.id = ? AND c.tenant_id = ?")
DB_STMT(CUST_UPDATE, .params = 9, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE customers SET name = ?, primary_email = ?, phone = ?, street = ?, "
	       "city = ?, state = ?, zip = ? WHERE id = ? AND tenant_id = ?")
DB_STMT(CUST_OPTIONS, .params = 1, .cols = 9, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT " CUST_COLS " FROM customers c WHERE c.tenant_id = ? "
	       "ORDER BY c.name, c.id LIMIT 5000")
DB_STMT(PU_RENAME_COMPANY, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE portal_users SET company_name = ? WHERE customer_id = ? AND tenant_id = ?")
DB_STMT(CUST_TOKEN_SET, .params = 4, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE customers SET portal_token_hash = ?, portal_token_sealed = ?, "
	       "portal_token_at = NOW(6) WHERE id = ? AND tenant_id = ?")
DB_STMT(CUST_TOKEN_GET, .params = 2, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COALESCE(portal_token_sealed, ''), "
	       "COALESCE(DATE_FORMAT(portal_token_at, '%Y-%m-%dT%H:%i:%sZ'), '') "
	       "FROM customers WHERE id = ? AND tenant_id = ?")
DB_STMT(CUST_BY_TOKEN, .params = 2, .cols = 2, .flags = DB_Q_READ, .roles = R_P,
	.sql = "SELECT c.id, (SELECT COUNT(*) FROM portal_users x WHERE "
	       "x.customer_id = c.id) FROM customers c WHERE c.portal_token_hash = ? "
	       "AND c.tenant_id = ?")
DB_STMT(CONTACT_LIST, .params = 2, .cols = 6, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT c.id, c.name, c.email, c.phone, COALESCE(c.portal_user_id, 0), "
	       "COALESCE(pu.email, '') FROM customer_contacts c LEFT JOIN portal_users pu "
	       "ON pu.id = c.portal_user_id WHERE c.customer_id = ? AND c.tenant_id = ? "
	       "ORDER BY c.name, c.id")
DB_STMT(CONTACT_ADD, .params = 5, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO customer_contacts (tenant_id, customer_id, name, email, phone) "
	       "VALUES (?, ?, ?, ?, ?)")
DB_STMT(CONTACT_GET, .params = 2, .cols = 7, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT c.id, c.name, c.email, c.phone, COALESCE(c.portal_user_id, 0), "
	       "COALESCE(pu.email, ''), c.customer_id FROM customer_contacts c LEFT JOIN "
	       "portal_users pu ON pu.id = c.portal_user_id WHERE c.id = ? AND "
	       "c.tenant_id = ? FOR UPDATE")
DB_STMT(CONTACT_LINK, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE customer_contacts SET portal_user_id = ? WHERE id = ? AND "
	       "tenant_id = ? AND portal_user_id IS NULL")

#undef CUST_COLS
#undef CUST_WALK
#undef CUST_WORDS
#undef CUST_VIEW
