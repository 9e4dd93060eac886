/* Portal users from a CSV file (Portal Access > Import, issue 15): what
 * each line of the file would do (the check) and doing it (the run), one
 * line at a time in the caller's transaction.  The page checks the file's
 * shape when it is uploaded; gatehouse-jobs runs the lines.
 *
 * Columns, by their header (case, spaces, "-" and "_" do not count):
 * email (required); company (a customer's exact name) or customer (its
 * number); first name and last name, or name; group (a permission group's
 * name; empty: the default group for a new user, unchanged for one that
 * exists); sites (site names separated by "|", or "all"; empty: all for a
 * new user, unchanged otherwise).  A line whose email has portal access
 * already updates that user if its customer is the same. */
#ifndef GH_PIMPORT_H
#define GH_PIMPORT_H

#include <stddef.h>

#include "conf.h"
#include "csv.h"
#include "db.h"

enum pimport_col {
	PI_EMAIL,
	PI_COMPANY,
	PI_CUSTOMER,
	PI_FIRST,
	PI_LAST,
	PI_NAME,
	PI_GROUP,
	PI_SITES,
	PI_NCOLS
};

struct pimport {
	struct db *db;
	const struct conf *conf;
	const struct db_tenant *tenant;
	const struct db_job *job; /* who acts, for the audit entries */
	const struct csv_table *t;
	int col[PI_NCOLS]; /* the column of each, or -1 */
	size_t *first;     /* each row's first row with the same email (pimport_prepare) */
};

/* Maps t's header to p->col: NULL, or what is wrong (static, or in buf). */
const char *pimport_header(struct pimport *p, char *buf, size_t sz);

/* Finds the repeated emails (p->first, freed by pimport_free).  0, or -1
 * out of memory. */
int pimport_prepare(struct pimport *p);
void pimport_free(struct pimport *p);

/* Row i (1 .. t->nrows - 1) checked (apply 0: nothing written) or applied
 * (with its audit entry): its outcome (DB_JOB_CREATE .. DB_JOB_ERROR), the
 * email as subject and a sentence in msg.  A line that cannot be imported
 * is DB_JOB_ERROR with DB_OK; another result is the database's failure
 * (the caller rolls back). */
enum db_result pimport_row(struct pimport *p, size_t i, int apply, enum db_job_outcome *out,
			   char *subject, size_t subject_sz, char *msg, size_t msg_sz);

#endif
