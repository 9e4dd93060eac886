/* Background jobs (sql/030, db/job.c): the pages that start and show them,
 * and gatehouse-jobs, which runs them.  The worker acts for the office
 * user who started a job and runs the settings pages' statements for it,
 * so it holds the settings role as well as its own (R_J). */
#define JOB_COLS                                                                                   \
	"j.id, j.tenant_id, COALESCE(j.office_user_id, 0), j.actor_email, j.ip, j.request_id, "    \
	"j.kind, j.phase, j.state, j.action, j.arg, j.title, j.total, j.done, j.error, "           \
	"j.created_at, j.started_at, j.finished_at"
DB_STMT(JOB_ADD, .params = 12, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "INSERT INTO jobs (tenant_id, office_user_id, actor_email, ip, request_id, kind, "
	       "phase, action, arg, title, input, total) VALUES (?, ?, ?, ?, ?, ?, "
	       "IF(? = 'import', 'check', 'run'), ?, ?, ?, ?, ?)")
DB_STMT(JOB_GET, .params = 2, .cols = 18, .flags = DB_Q_READ, .roles = R_S | R_J,
	.sql = "SELECT " JOB_COLS " FROM jobs j WHERE j.id = ? AND j.tenant_id = ?")
DB_STMT(JOB_RECENT, .params = 3, .cols = 18, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT " JOB_COLS " FROM jobs j WHERE j.tenant_id = ? AND j.kind = ? "
	       "ORDER BY j.id DESC LIMIT ?")
/* An import whose check is done: run it for real, acting for the office
 * user who asked (the audit entries name them, not the uploader). */
DB_STMT(JOB_RUN, .params = 6, .cols = 0, .flags = 0, .roles = R_S,
	.sql = "UPDATE jobs SET phase = 'run', state = 'queued', done = 0, claims = 0, "
	       "started_at = NULL, finished_at = NULL, lease_until = NULL, office_user_id = ?, "
	       "actor_email = ?, ip = ?, request_id = ? WHERE id = ? AND tenant_id = ? AND "
	       "kind = 'import' AND phase = 'check' AND state = 'done'")
/* The oldest job due: queued, or running with its lease run out (its
 * worker died); started_at first, as state changes after it. */
DB_STMT(JOB_CLAIM, .params = 2, .cols = 0, .flags = 0, .roles = R_J,
	.sql = "UPDATE jobs SET started_at = IF(state = 'queued', NOW(6), started_at), "
	       "claims = LEAST(claims + 1, 255), state = 'running', lease_until = NOW(6) + "
	       "INTERVAL ? SECOND, lease_token = ? "
	       "WHERE state IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < "
	       "NOW(6)) ORDER BY id LIMIT 1")
DB_STMT(JOB_CLAIMED, .params = 1, .cols = 20, .flags = DB_Q_READ, .roles = R_J,
	.sql = "SELECT " JOB_COLS ", j.claims, j.input FROM jobs j WHERE j.lease_token = ? AND "
	       "j.state = 'running'")
/* An item done: the count moves and the lease is renewed, only while the
 * lease is still the worker's. */
DB_STMT(JOB_STEP, .params = 4, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_J,
	.sql = "UPDATE jobs SET done = ?, claims = 0, lease_until = NOW(6) + INTERVAL ? SECOND "
	       "WHERE id = ? "
	       "AND lease_token = ? AND state = 'running'")
DB_STMT(JOB_ITEM_ADD, .params = 6, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_J,
	.sql = "INSERT INTO job_items (job_id, phase, n, outcome, subject, message) VALUES "
	       "(?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE outcome = VALUES(outcome), "
	       "subject = VALUES(subject), message = VALUES(message)")
/* The end: once nothing is left to run, the file (names and emails) goes;
 * the report stays.  (MariaDB assigns left to right: state is the new one
 * where input reads it.) */
DB_STMT(JOB_FINISH, .params = 4, .cols = 0, .flags = DB_Q_HOUSEKEEPING, .roles = R_J,
	.sql = "UPDATE jobs SET state = ?, error = ?, input = IF(phase = 'run' OR state = "
	       "'failed', '', input), finished_at = NOW(6), lease_until = NULL, "
	       "lease_token = NULL WHERE id = ? AND lease_token = ?")
DB_STMT(JOB_ITEMS, .params = 5, .cols = 4, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT n, outcome, subject, message FROM job_items WHERE job_id = ? AND "
	       "phase = ? AND (? = '' OR outcome = ?) AND n > ? ORDER BY n LIMIT 200")
DB_STMT(JOB_COUNTS, .params = 2, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT outcome, COUNT(*) FROM job_items WHERE job_id = ? AND phase = ? "
	       "GROUP BY outcome")

/* The import's look-ups (pimport.c), by what a file names. */
DB_STMT(IMPORT_CUSTOMER, .params = 2, .cols = 2, .flags = DB_Q_READ, .roles = R_J,
	.sql = "SELECT id, name FROM customers WHERE tenant_id = ? AND name = ? LIMIT 2")
DB_STMT(IMPORT_CUSTOMER_ID, .params = 2, .cols = 2, .flags = DB_Q_READ, .roles = R_J,
	.sql = "SELECT id, name FROM customers WHERE id = ? AND tenant_id = ?")
DB_STMT(IMPORT_GROUP, .params = 2, .cols = 1, .flags = DB_Q_READ, .roles = R_J,
	.sql = "SELECT id FROM portal_groups WHERE tenant_id = ? AND name = ? AND is_system = 0")
DB_STMT(IMPORT_GROUP_DEFAULT, .params = 1, .cols = 1, .flags = DB_Q_READ, .roles = R_J,
	.sql = "SELECT id FROM portal_groups WHERE tenant_id = ? ORDER BY is_default DESC, "
	       "is_system, id LIMIT 1")
DB_STMT(IMPORT_SITE, .params = 3, .cols = 1, .flags = DB_Q_READ, .roles = R_J,
	.sql = "SELECT id FROM sites WHERE tenant_id = ? AND customer_id = ? AND name = ? "
	       "LIMIT 2")
/* The portal user a line's email names, with what the import may change:
 * customer, group, all sites, and its contact's name; locked for the run,
 * read as it stands for the check (which changes nothing). */
#define IMPORT_USER_SQL                                                                            \
	"SELECT pu.id, pu.customer_id, pu.company_name, COALESCE(pu.group_id, 0), "                \
	"pu.all_sites, COALESCE((SELECT c.name FROM customer_contacts c WHERE "                    \
	"c.portal_user_id = pu.id), '') FROM portal_users pu WHERE pu.tenant_id = ? AND "          \
	"pu.email = ?"
DB_STMT(IMPORT_USER, .params = 2, .cols = 6, .flags = DB_Q_READ, .roles = R_J,
	.sql = IMPORT_USER_SQL " FOR UPDATE")
DB_STMT(IMPORT_USER_PEEK, .params = 2, .cols = 6, .flags = DB_Q_READ, .roles = R_J,
	.sql = IMPORT_USER_SQL)
#undef IMPORT_USER_SQL
/* A new portal user with its group and sites in one row: no second write
 * (each write of a portal user runs its list and feed triggers). */
DB_STMT(IMPORT_USER_ADD, .params = 6, .cols = 0, .flags = 0, .roles = R_J,
	.sql = "INSERT INTO portal_users (tenant_id, customer_id, company_name, email, group_id, "
	       "all_sites) VALUES (?, ?, ?, ?, ?, ?)")
DB_STMT(IMPORT_CONTACT, .params = 6, .cols = 0, .flags = 0, .roles = R_J,
	.sql = "INSERT INTO customer_contacts (tenant_id, customer_id, name, email, "
	       "portal_user_id) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE name = ?")
