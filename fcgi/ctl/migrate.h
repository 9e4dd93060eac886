/* gatehouse-ctl migrate: the numbered files of sql/, in order. */
#ifndef GH_CTL_MIGRATE_H
#define GH_CTL_MIGRATE_H

#include "db.h"

/* Applies sqldir/NNN_*.sql in order, each recorded in schema_version;
 * already applied files are skipped.  Progress goes to stdout when verbose;
 * on failure err says why.  db: role DB_ROLE_CTL, opened with
 * DB_MULTI_STATEMENTS. */
enum db_result ctl_migrate(struct db *db, const char *sqldir, int verbose, char *err, size_t errsz);

#endif
