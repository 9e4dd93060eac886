/* Statements of a Galera cluster's connections (core.c): run by the db
 * module itself at connect and once a second after (galera_size,
 * galera_causal), by every role.  DB_Q_CLUSTER: prepared and checked only
 * when [database] failover or sync_wait is set, since a MariaDB built
 * without wsrep cannot prepare @@wsrep_on. */
/* Whether the server is a Galera node, its local state and its cluster's
 * size; not itself a causal read (a node cut off could not answer one). */
DB_STMT(GALERA_STATE, .params = 0, .cols = 3, .flags = DB_Q_READ | DB_Q_CLUSTER,
	.roles = R_S | R_P | R_M | R_C | R_F | R_H | R_J,
	.sql = "SET STATEMENT wsrep_sync_wait = 0 FOR SELECT @@wsrep_on, (SELECT VARIABLE_VALUE "
	       "FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = "
	       "'WSREP_LOCAL_STATE_COMMENT'), (SELECT VARIABLE_VALUE FROM "
	       "information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_CLUSTER_SIZE')")
/* The connection's causal wait: [database] sync_wait, or 0 on a node alone. */
DB_STMT(GALERA_SYNC_WAIT, .params = 1, .cols = 0, .flags = DB_Q_HOUSEKEEPING | DB_Q_CLUSTER,
	.roles = R_S | R_P | R_M | R_C | R_F | R_H | R_J, .sql = "SET SESSION wsrep_sync_wait = ?")
