/* Statements of the tenant domain (tenant.c): see stmt_list.h. */
#define TENANT_COLS                                                                                \
	"id, slug, company_name, street, city, state, zip, country, portal_enabled, "              \
	"frame_origins, time_zone"

DB_STMT(TENANT_BY_SLUG, .params = 1, .cols = 11, .flags = DB_Q_READ, .roles = R_P | R_C,
	.sql = "SELECT " TENANT_COLS " FROM tenants WHERE slug = ?")
DB_STMT(TENANT_GET_LOCKED, .params = 1, .cols = 11, .flags = DB_Q_READ, .roles = R_S | R_C,
	.sql = "SELECT " TENANT_COLS " FROM tenants WHERE id = ? FOR UPDATE")
DB_STMT(TENANT_INSERT, .params = 7, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "INSERT INTO tenants (slug, company_name, street, city, state, zip, "
	       "country) VALUES (?, ?, ?, ?, ?, ?, ?)")
DB_STMT(TENANT_SET_PORTAL, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE tenants SET portal_enabled = ?, frame_origins = ? WHERE id = ?")
DB_STMT(TENANT_SET_TZ, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE tenants SET time_zone = ? WHERE id = ?")

DB_STMT(TENANT_GET, .params = 1, .cols = 11, .flags = DB_Q_READ, .roles = R_J,
	.sql = "SELECT " TENANT_COLS " FROM tenants WHERE id = ?")
#undef TENANT_COLS
