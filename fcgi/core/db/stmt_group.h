/* Statements of the group domain (group.c): see stmt_list.h. */
DB_STMT(GROUP_LIST, .params = 1, .cols = 8, .flags = DB_Q_READ, .roles = R_S | R_P,
	.sql = "SELECT g.id, g.name, g.is_system, g.is_default, g.require_mfa, g.perms, "
	       "(SELECT COUNT(*) FROM portal_users x WHERE x.group_id = g.id), g.visibility = "
	       "'own' "
	       "FROM portal_groups g WHERE g.tenant_id = ? ORDER BY g.is_system DESC, g.name")
DB_STMT(GROUP_GET, .params = 2, .cols = 8, .flags = DB_Q_READ, .roles = R_S | R_P,
	.sql = "SELECT g.id, g.name, g.is_system, g.is_default, g.require_mfa, g.perms, "
	       "(SELECT COUNT(*) FROM portal_users x WHERE x.group_id = g.id), g.visibility = "
	       "'own' "
	       "FROM portal_groups g WHERE g.id = ? AND g.tenant_id = ?")
DB_STMT(GROUP_ADD, .params = 6, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO portal_groups (tenant_id, name, is_default, require_mfa, perms, "
	       "visibility) VALUES (?, ?, ?, ?, ?, IF(? = 1, 'own', 'all'))")
DB_STMT(GROUP_UPDATE, .params = 7, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE portal_groups SET name = ?, is_default = ?, require_mfa = ?, "
	       "perms = ?, visibility = IF(? = 1, 'own', 'all') WHERE id = ? AND tenant_id = ?")
/* One default: the one being set; the system group never is. */
DB_STMT(GROUP_CLEAR_DEFAULT, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE portal_groups SET is_default = 0 WHERE tenant_id = ? "
	       "AND id <> ?")
/* Never the system group, never one with members. */
DB_STMT(GROUP_DELETE, .params = 2, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "DELETE FROM portal_groups WHERE id = ? AND tenant_id = ? AND "
	       "is_system = 0 AND NOT EXISTS (SELECT 1 FROM portal_users x WHERE "
	       "x.group_id = portal_groups.id)")
