/* Background jobs and the import's look-ups (statements: stmt_job.h;
 * sql/030). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *const db_job_outcomes[DB_JOB_NOUTCOMES] = {"create", "update", "skip", "error", "done"};

/* JOB_COLS's eighteen, in order. */
static void cols_job(struct db_cols *c, struct db_job *j)
{
	db_col_u64(c, &j->id);
	db_col_uint(c, &j->tenant_id);
	db_col_uint(c, &j->office_user_id);
	db_col_str(c, j->actor_email, sizeof j->actor_email);
	db_col_str(c, j->ip, sizeof j->ip);
	db_col_str(c, j->request_id, sizeof j->request_id);
	db_col_str(c, j->kind, sizeof j->kind);
	db_col_str(c, j->phase, sizeof j->phase);
	db_col_str(c, j->state, sizeof j->state);
	db_col_str(c, j->action, sizeof j->action);
	db_col_uint(c, &j->arg);
	db_col_str(c, j->title, sizeof j->title);
	db_col_uint(c, &j->total);
	db_col_uint(c, &j->done);
	db_col_str(c, j->error, sizeof j->error);
	db_col_time(c, j->created);
	db_col_time(c, j->started);
	db_col_time(c, j->finished);
}

enum db_result db_job_add(struct db *db, const struct db_job *j, const void *input, size_t len,
			  uint64_t *id)
{
	struct db_args a = DB_ARGS();
	enum db_result rc;

	db_arg_uint(&a, j->tenant_id);
	if (j->office_user_id != 0)
		db_arg_uint(&a, j->office_user_id);
	else
		db_arg_null(&a);
	db_arg_str(&a, j->actor_email);
	db_arg_str(&a, j->ip);
	db_arg_str(&a, j->request_id);
	db_arg_str(&a, j->kind);
	db_arg_str(&a, j->kind);
	db_arg_str(&a, j->action);
	db_arg_uint(&a, j->arg);
	db_arg_str(&a, j->title);
	db_arg_blob(&a, input, len);
	db_arg_uint(&a, j->total);
	if ((rc = db_exec(db, DBQ_JOB_ADD, &a)) == DB_OK)
		*id = a.insert_id;
	return rc;
}

enum db_result db_job_get(struct db *db, unsigned tenant_id, uint64_t id, struct db_job *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	db_arg_u64(&a, id);
	db_arg_uint(&a, tenant_id);
	cols_job(&c, out);
	return db_one(db, DBQ_JOB_GET, &a, &c);
}

struct job_rows {
	db_job_fn fn;
	void *ctx;
	struct db_job j;
};

static int job_row(void *ctx)
{
	struct job_rows *r = ctx;
	return r->fn(r->ctx, &r->j);
}

enum db_result db_jobs_recent(struct db *db, unsigned tenant_id, const char *kind, unsigned limit,
			      db_job_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct job_rows r = {fn, ctx, {0}};

	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, kind);
	db_arg_uint(&a, limit);
	cols_job(&c, &r.j);
	return db_run(db, DBQ_JOB_RECENT, &a, &c, job_row, &r);
}

enum db_result db_job_run(struct db *db, const struct db_job *by, uint64_t id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, by->office_user_id);
	db_arg_str(&a, by->actor_email);
	db_arg_str(&a, by->ip);
	db_arg_str(&a, by->request_id);
	db_arg_u64(&a, id);
	db_arg_uint(&a, by->tenant_id);
	return db_exec1(db, DBQ_JOB_RUN, &a);
}

enum db_result db_job_claim(struct db *db, unsigned lease_secs, const unsigned char token[16],
			    struct db_job *out, unsigned char *input, size_t input_sz,
			    size_t *input_len)
{
	struct db_args a = DB_ARGS(), b = DB_ARGS();
	struct db_cols c = DB_COLS();
	enum db_result rc;

	db_arg_uint(&a, lease_secs);
	db_arg_blob(&a, token, 16);
	if ((rc = db_exec(db, DBQ_JOB_CLAIM, &a)) != DB_OK)
		return rc;
	if (a.affected == 0)
		return DB_NOTFOUND;
	db_arg_blob(&b, token, 16);
	cols_job(&c, out);
	db_col_uint(&c, &out->claims);
	db_col_blob(&c, input, input_sz, input_len);
	return db_one(db, DBQ_JOB_CLAIMED, &b, &c);
}

enum db_result db_job_item(struct db *db, const struct db_job *j, const unsigned char token[16],
			   unsigned lease_secs, unsigned done, unsigned n, const char *outcome,
			   const char *subject, const char *message)
{
	struct db_args a = DB_ARGS(), b = DB_ARGS();
	/* job_items.subject and .message: VARCHAR(254) and (500). */
	char subj[254 * 4 + 1], msg[500 * 4 + 1];
	enum db_result rc;

	db_arg_uint(&a, done);
	db_arg_uint(&a, lease_secs);
	db_arg_u64(&a, j->id);
	db_arg_blob(&a, token, 16);
	if ((rc = db_exec1(db, DBQ_JOB_STEP, &a)) != DB_OK)
		return rc;
	db_arg_u64(&b, j->id);
	db_arg_str(&b, j->phase);
	db_arg_uint(&b, n);
	db_arg_str(&b, outcome);
	db_arg_str(&b, db_clip(subject, 254, subj, sizeof subj));
	db_arg_str(&b, db_clip(message, 500, msg, sizeof msg));
	return db_exec(db, DBQ_JOB_ITEM_ADD, &b);
}

enum db_result db_job_finish(struct db *db, uint64_t id, const unsigned char token[16],
			     const char *state, const char *error)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, state);
	db_arg_str(&a, error);
	db_arg_u64(&a, id);
	db_arg_blob(&a, token, 16);
	return db_exec1(db, DBQ_JOB_FINISH, &a);
}

struct item_rows {
	db_job_item_fn fn;
	void *ctx;
	struct db_job_item it;
};

static int item_row(void *ctx)
{
	struct item_rows *r = ctx;
	return r->fn(r->ctx, &r->it);
}

enum db_result db_job_items(struct db *db, uint64_t job_id, const char *phase, const char *outcome,
			    unsigned after, db_job_item_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct item_rows r = {fn, ctx, {0}};

	db_arg_u64(&a, job_id);
	db_arg_str(&a, phase);
	db_arg_str(&a, outcome);
	db_arg_str(&a, outcome);
	db_arg_uint(&a, after);
	db_col_uint(&c, &r.it.n);
	db_col_str(&c, r.it.outcome, sizeof r.it.outcome);
	db_col_str(&c, r.it.subject, sizeof r.it.subject);
	db_col_str(&c, r.it.message, sizeof r.it.message);
	return db_run(db, DBQ_JOB_ITEMS, &a, &c, item_row, &r);
}

struct count_rows {
	unsigned *counts;
	char outcome[8];
	unsigned n;
};

static int count_row(void *ctx)
{
	struct count_rows *r = ctx;

	for (int k = 0; k < DB_JOB_NOUTCOMES; k++)
		if (strcmp(r->outcome, db_job_outcomes[k]) == 0)
			r->counts[k] = r->n;
	return 0;
}

enum db_result db_job_counts(struct db *db, uint64_t job_id, const char *phase,
			     unsigned counts[DB_JOB_NOUTCOMES])
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct count_rows r = {counts, "", 0};

	memset(counts, 0, DB_JOB_NOUTCOMES * sizeof *counts);
	db_arg_u64(&a, job_id);
	db_arg_str(&a, phase);
	db_col_str(&c, r.outcome, sizeof r.outcome);
	db_col_uint(&c, &r.n);
	return db_run(db, DBQ_JOB_COUNTS, &a, &c, count_row, &r);
}

/* ---- the import's look-ups ---- */

enum db_result db_import_customer(struct db *db, unsigned tenant_id, const char *name, unsigned id,
				  unsigned *n, unsigned *out_id, char *out_name, size_t name_sz)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	unsigned cid = 0;
	char cname[801] = "";
	enum db_result rc;

	if (name != NULL) {
		db_arg_uint(&a, tenant_id);
		db_arg_str(&a, name);
	} else
		db_arg_row(&a, id, tenant_id);
	db_col_uint(&c, &cid);
	db_col_str(&c, cname, sizeof cname);
	rc = db_run(db, name != NULL ? DBQ_IMPORT_CUSTOMER : DBQ_IMPORT_CUSTOMER_ID, &a, &c, NULL,
		    NULL);
	*n = (unsigned)c.rows;
	*out_id = cid;
	snprintf(out_name, name_sz, "%s", cname);
	return rc;
}

/* One id column of statement q with parameters a: 0 when no row. */
static enum db_result one_id(struct db *db, enum db_stmt q, struct db_args *a, unsigned *n,
			     unsigned *id)
{
	struct db_cols c = DB_COLS();
	enum db_result rc;

	*id = 0;
	db_col_uint(&c, id);
	rc = db_run(db, q, a, &c, NULL, NULL);
	if (n != NULL)
		*n = (unsigned)c.rows;
	return rc;
}

enum db_result db_import_group(struct db *db, unsigned tenant_id, const char *name, unsigned *id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, name);
	return one_id(db, DBQ_IMPORT_GROUP, &a, NULL, id);
}

enum db_result db_import_group_default(struct db *db, unsigned tenant_id, unsigned *id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	return one_id(db, DBQ_IMPORT_GROUP_DEFAULT, &a, NULL, id);
}

enum db_result db_import_site(struct db *db, unsigned tenant_id, unsigned customer_id,
			      const char *name, unsigned *n, unsigned *id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, customer_id);
	db_arg_str(&a, name);
	return one_id(db, DBQ_IMPORT_SITE, &a, n, id);
}

enum db_result db_import_user(struct db *db, unsigned tenant_id, const char *email, int lock,
			      struct db_import_user *out)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();

	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, email);
	db_col_uint(&c, &out->id);
	db_col_uint(&c, &out->customer_id);
	db_col_str(&c, out->company, sizeof out->company);
	db_col_uint(&c, &out->group_id);
	db_col_bool(&c, &out->all_sites);
	db_col_str(&c, out->contact, sizeof out->contact);
	return db_one(db, lock ? DBQ_IMPORT_USER : DBQ_IMPORT_USER_PEEK, &a, &c);
}

enum db_result db_import_contact(struct db *db, unsigned tenant_id, unsigned customer_id,
				 const char *name, const char *email, unsigned user_id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, customer_id);
	db_arg_str(&a, name);
	db_arg_str(&a, email);
	db_arg_uint(&a, user_id);
	db_arg_str(&a, name);
	return db_exec(db, DBQ_IMPORT_CONTACT, &a);
}

enum db_result db_import_user_add(struct db *db, unsigned tenant_id, unsigned customer_id,
				  const char *company, const char *email, unsigned group_id,
				  int all_sites, unsigned *id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, customer_id);
	db_arg_str(&a, company);
	db_arg_str(&a, email);
	db_arg_uint(&a, group_id);
	db_arg_bool(&a, all_sites);
	return db_insert(db, DBQ_IMPORT_USER_ADD, &a, id);
}
