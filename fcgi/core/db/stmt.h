/* The statement table: every statement the application runs, indexed by
 * enum db_stmt, each with what MariaDB must agree on (its parameter and
 * column counts, checked when it is prepared), whether it may be retried
 * after a reconnect, and the roles (processes) that may run it.  The
 * entries live in one fragment per domain (stmt_<domain>.h), included here
 * for the enum and in stmt.c for the table, so the two cannot drift.
 * Internal to fcgi/core/db/ (and its tests). */
#ifndef GH_DB_STMT_H
#define GH_DB_STMT_H

#include <stddef.h>

/* .flags */
#define DB_Q_READ 0x1u /* no effect of its own: may run again once after a reconnect */
/* Rows handed over as MariaDB sends them, not once all have arrived, so
 * that the server's producing and ours overlapping (the feed's pages).  The
 * row function must not run a statement, and once a row was handed over
 * the statement is not run again. */
#define DB_Q_STREAM 0x2u
/* A write that needs no audit entry of its own: bookkeeping of a request
 * (a session's last use, sign-in counters, a key's last use) or part of
 * an action audited as a whole (a TOTP step used at an audited sign-in). */
#define DB_Q_HOUSEKEEPING 0x4u
/* The audit entry itself (db_request_changes counts it apart). */
#define DB_Q_AUDIT 0x8u
/* Prepared and checked only on a cluster's connections (stmt_cluster.h). */
#define DB_Q_CLUSTER 0x10u

struct db_stmt_def {
	const char *name; /* the enum's name without DBQ_, for messages */
	const char *sql;
	unsigned char params, cols; /* as MariaDB counts them */
	unsigned char flags;        /* DB_Q_* */
	unsigned char roles;        /* DB_ROLE_* bits (db.h): who may run it */
};

/* DB_STMT(ID, .sql = ..., .params = n, .cols = n, .flags = ..., .roles = ...) */
#define DB_STMT(id, ...) DBQ_##id,
enum db_stmt {
#include "stmt_list.h"
	DBQ__COUNT
};
#undef DB_STMT

/* The table (stmt.c): DBQ__COUNT entries. */
extern const struct db_stmt_def db_stmts[DBQ__COUNT];

/* The names of a role set ("settings,portal"), for messages: into buf. */
const char *db_role_names(unsigned roles, char *buf, size_t sz);

#endif
