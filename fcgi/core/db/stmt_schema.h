/* Statements of the schema domain (schema.c): see stmt_list.h. */
DB_STMT(SCHEMA_VERSION_CREATE, .params = 0, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "CREATE TABLE IF NOT EXISTS schema_version (version INT UNSIGNED NOT NULL "
	       "PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at DATETIME(6) NOT NULL "
	       "DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB")
DB_STMT(SCHEMA_VERSION_HAS, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_C,
	.sql = "SELECT version FROM schema_version WHERE version = ?")
DB_STMT(SCHEMA_VERSION_ADD, .params = 2, .cols = 0, .flags = 0, .roles = R_C,
	.sql = "INSERT INTO schema_version (version, name) VALUES (?, ?)")
