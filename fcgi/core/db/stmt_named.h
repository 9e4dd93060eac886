/* Statements of the named domain (named.c): see stmt_list.h. */
DB_STMT(CAL_LIST, .params = 1, .cols = 2, .flags = DB_Q_READ, .roles = R_S | R_C,
	.sql = "SELECT id, name FROM calendars WHERE tenant_id = ? ORDER BY name, id")
DB_STMT(CAL_ADD, .params = 2, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "INSERT INTO calendars (tenant_id, name) VALUES (?, ?)")
DB_STMT(CAL_DELETE, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM calendars WHERE id = ? AND tenant_id = ?")
DB_STMT(VEH_LIST, .params = 1, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT id, name FROM vehicles WHERE tenant_id = ? ORDER BY name, id")
DB_STMT(VEH_ADD, .params = 2, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "INSERT INTO vehicles (tenant_id, name) VALUES (?, ?)")
DB_STMT(VEH_DELETE, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM vehicles WHERE id = ? AND tenant_id = ?")
DB_STMT(OU_CALS, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S | R_C,
	.sql = "SELECT calendar_id FROM office_user_calendars WHERE user_id = ? ORDER BY "
	       "calendar_id")
DB_STMT(OU_CALS_CLEAR, .params = 1, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "DELETE FROM office_user_calendars WHERE user_id = ?")
/* Only the tenant's own calendars: another tenant's id adds nothing. */
DB_STMT(OU_CALS_ADD, .params = 3, .cols = 0, .flags = 0, .roles = R_S | R_C,
	.sql = "INSERT INTO office_user_calendars (user_id, calendar_id) SELECT ?, id "
	       "FROM calendars WHERE id = ? AND tenant_id = ?")
DB_STMT(OU_VEHS, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT vehicle_id FROM office_user_vehicles WHERE user_id = ? ORDER BY vehicle_id")
DB_STMT(OU_VEHS_CLEAR, .params = 1, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM office_user_vehicles WHERE user_id = ?")
DB_STMT(OU_VEHS_ADD, .params = 3, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO office_user_vehicles (user_id, vehicle_id) SELECT ?, id "
	       "FROM vehicles WHERE id = ? AND tenant_id = ?")
