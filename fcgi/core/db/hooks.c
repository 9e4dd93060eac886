/* Webhooks: the settings page's endpoints and gatehouse-hooks' queue and
 * deliveries (statements: stmt_hooks.h; tables: sql/023). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum db_result db_webhook_add(struct db *db, unsigned tenant_id, const char *url,
			      const char *events, const unsigned char *sealed, size_t sealed_len,
			      const char *created_by, unsigned *id)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, url);
	db_arg_str(&a, events);
	db_arg_blob(&a, sealed, sealed_len);
	db_arg_str(&a, created_by);
	db_arg_uint(&a, tenant_id);
	return db_insert(db, DBQ_HOOK_INSERT, &a, id);
}

struct hook_row {
	struct db_webhook w;
	int (*fn)(void *ctx, const struct db_webhook *w);
	void *ctx;
};

static int hook_row(void *p)
{
	struct hook_row *r = p;
	return r->fn(r->ctx, &r->w);
}

enum db_result db_webhook_list(struct db *db, unsigned tenant_id,
			       int (*fn)(void *ctx, const struct db_webhook *w), void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct hook_row *r = calloc(1, sizeof *r);
	enum db_result rc;

	if (r == NULL)
		return DB_ERR;
	r->fn = fn;
	r->ctx = ctx;
	db_arg_uint(&a, tenant_id);
	db_col_uint(&c, &r->w.id);
	db_col_str(&c, r->w.url, sizeof r->w.url);
	db_col_str(&c, r->w.events, sizeof r->w.events);
	db_col_bool(&c, &r->w.enabled);
	db_col_str(&c, r->w.disabled_reason, sizeof r->w.disabled_reason);
	db_col_str(&c, r->w.created_by, sizeof r->w.created_by);
	db_col_time(&c, r->w.created_at);
	db_col_time(&c, r->w.failing_since);
	db_col_ll(&c, &r->w.pending);
	db_col_ll(&c, &r->w.failed);
	rc = db_run(db, DBQ_HOOK_LIST, &a, &c, hook_row, r);
	free(r);
	return rc;
}

/* The endpoint's pending deliveries due now (enabled) or held. */
static enum db_result pause(struct db *db, unsigned tenant_id, unsigned id, int enabled)
{
	struct db_args a = DB_ARGS();

	db_arg_bool(&a, enabled);
	db_arg_row(&a, id, tenant_id);
	return db_exec(db, DBQ_HOOK_PAUSE, &a);
}

enum db_result db_webhook_enable(struct db *db, unsigned tenant_id, unsigned id, int enabled,
				 const char *reason)
{
	struct db_args a = DB_ARGS();
	enum db_result rc;

	db_arg_bool(&a, enabled);
	db_arg_str(&a, enabled ? "" : reason);
	db_arg_row(&a, id, tenant_id);
	if ((rc = db_exec(db, DBQ_HOOK_ENABLE, &a)) != DB_OK)
		return rc;
	return pause(db, tenant_id, id, enabled);
}

enum db_result db_webhook_delete(struct db *db, unsigned tenant_id, unsigned id)
{
	struct db_args a = DB_ARGS();

	db_arg_row(&a, id, tenant_id);
	return db_exec1(db, DBQ_HOOK_DELETE, &a);
}

struct log_row {
	struct db_webhook_delivery d;
	int (*fn)(void *ctx, const struct db_webhook_delivery *d);
	void *ctx;
};

static int log_row(void *p)
{
	struct log_row *r = p;
	return r->fn(r->ctx, &r->d);
}

enum db_result db_webhook_log(struct db *db, unsigned tenant_id, unsigned id,
			      int (*fn)(void *ctx, const struct db_webhook_delivery *d), void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct log_row *r = calloc(1, sizeof *r);
	enum db_result rc;

	if (r == NULL)
		return DB_ERR;
	r->fn = fn;
	r->ctx = ctx;
	db_arg_row(&a, id, tenant_id);
	db_col_u64(&c, &r->d.id);
	db_col_u64(&c, &r->d.seq);
	db_col_str(&c, r->d.resource, sizeof r->d.resource);
	db_col_uint(&c, &r->d.rid);
	db_col_str(&c, r->d.op, sizeof r->d.op);
	db_col_str(&c, r->d.status, sizeof r->d.status);
	db_col_uint(&c, &r->d.attempts);
	db_col_time(&c, r->d.first_at);
	db_col_time(&c, r->d.last_at);
	db_col_uint(&c, &r->d.code);
	db_col_str(&c, r->d.error, sizeof r->d.error);
	rc = db_run(db, DBQ_HOOK_LOG, &a, &c, log_row, r);
	free(r);
	return rc;
}

/* ---- gatehouse-hooks ---- */

/* Up to 64 tenants or endpoints a round: the rest wait for the next. */
#define ROUND_MAX 64

struct ids {
	unsigned v[ROUND_MAX], n, cur;
};

static int id_row(void *p)
{
	struct ids *l = p;

	if (l->n < ROUND_MAX)
		l->v[l->n++] = l->cur;
	return 0;
}

struct scan {
	unsigned id[ROUND_MAX], n;
	uint64_t after[ROUND_MAX];
	char events[ROUND_MAX][200];
	unsigned cur_id;
	uint64_t cur_after;
	char cur_events[200];
};

static int scan_row(void *p)
{
	struct scan *s = p;

	if (s->n < ROUND_MAX) {
		s->id[s->n] = s->cur_id;
		s->after[s->n] = s->cur_after;
		memcpy(s->events[s->n], s->cur_events, sizeof s->cur_events);
		s->n++;
	}
	return 0;
}

/* One endpoint: the changes after its position queued, the position
 * moved, in one transaction (a second worker moving it first leaves this
 * one's insertions as duplicates of its own, ignored). */
static enum db_result queue_one(struct db *db, unsigned tenant, unsigned hook, uint64_t after,
				const char *events, unsigned *queued)
{
	struct db_args u = DB_ARGS(), q = DB_ARGS(), adv = DB_ARGS();
	struct db_cols c = DB_COLS();
	uint64_t upto = after;
	enum db_result rc;

	db_arg_u64(&u, after);
	db_arg_uint(&u, tenant);
	db_arg_u64(&u, after);
	db_col_u64(&c, &upto);
	if ((rc = db_one(db, DBQ_HOOK_UPTO, &u, &c)) != DB_OK || upto <= after)
		return rc;
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	db_arg_uint(&q, hook);
	db_arg_uint(&q, tenant);
	db_arg_u64(&q, after);
	db_arg_u64(&q, upto);
	db_arg_str(&q, events);
	db_arg_u64(&adv, upto);
	db_arg_uint(&adv, hook);
	db_arg_u64(&adv, after);
	if ((rc = db_exec(db, DBQ_HOOK_QUEUE, &q)) == DB_OK &&
	    (rc = db_exec(db, DBQ_HOOK_ADVANCE, &adv)) == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK)
		db_rollback(db);
	else
		*queued += (unsigned)q.affected;
	return rc;
}

enum db_result db_hooks_queue(struct db *db, unsigned *queued)
{
	struct db_cols c = DB_COLS();
	struct ids t = {.n = 0};
	struct scan *s = calloc(1, sizeof *s);
	enum db_result rc;

	*queued = 0;
	if (s == NULL)
		return DB_ERR;
	db_col_uint(&c, &t.cur);
	if ((rc = db_run(db, DBQ_HOOK_TENANTS, NULL, &c, id_row, &t)) != DB_OK)
		goto out;
	for (unsigned i = 0; i < t.n && rc == DB_OK; i++) {
		struct db_feed_head h;
		struct db_args a = DB_ARGS();
		struct db_cols sc = DB_COLS();
		if ((rc = db_feed_head(db, t.v[i], &h)) == DB_OK && h.pending)
			rc = db_feed_stamp(db, t.v[i]);
		if (rc != DB_OK)
			break;
		s->n = 0;
		db_arg_uint(&a, t.v[i]);
		db_col_uint(&sc, &s->cur_id);
		db_col_str(&sc, s->cur_events, sizeof s->cur_events);
		db_col_u64(&sc, &s->cur_after);
		if ((rc = db_run(db, DBQ_HOOK_SCAN, &a, &sc, scan_row, s)) != DB_OK)
			break;
		for (unsigned k = 0; k < s->n && rc == DB_OK; k++)
			rc = queue_one(db, t.v[i], s->id[k], s->after[k], s->events[k], queued);
	}
out:
	free(s);
	return rc;
}

enum db_result db_hooks_claim(struct db *db, const unsigned char claim[DB_CLAIM_LEN],
			      unsigned lease_secs, struct db_hook_job *j)
{
	struct db_args l = DB_ARGS(), g = DB_ARGS();
	struct db_cols c = DB_COLS(), gc = DB_COLS();
	enum db_result rc;

	memset(j, 0, sizeof *j);
	db_col_u64(&c, &j->id);
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = db_one(db, DBQ_HOOK_CLAIM, NULL, &c)) != DB_OK)
		goto fail;
	db_arg_blob(&l, claim, DB_CLAIM_LEN);
	db_arg_uint(&l, lease_secs);
	db_arg_u64(&l, j->id);
	if ((rc = db_exec(db, DBQ_HOOK_LEASE, &l)) != DB_OK || (rc = db_commit(db)) != DB_OK)
		goto fail;
	db_arg_u64(&g, j->id);
	db_col_uint(&gc, &j->webhook_id);
	db_col_uint(&gc, &j->tenant_id);
	db_col_u64(&gc, &j->seq);
	db_col_uint(&gc, &j->resource);
	db_col_uint(&gc, &j->rid);
	db_col_uint(&gc, &j->op);
	db_col_time(&gc, j->at);
	db_col_uint(&gc, &j->attempts);
	db_col_ll(&gc, &j->age_secs);
	db_col_str(&gc, j->url, sizeof j->url);
	db_col_blob(&gc, j->sealed, sizeof j->sealed, &j->sealed_len);
	db_col_bool(&gc, &j->enabled);
	db_col_str(&gc, j->slug, sizeof j->slug);
	return db_one(db, DBQ_HOOK_GET, &g, &gc);
fail:
	db_rollback(db);
	return rc;
}

/* Runs outcome statement q, whose last two parameters are (id, claim). */
static enum db_result outcome(struct db *db, enum db_stmt q, struct db_args *a, uint64_t id,
			      const unsigned char *claim)
{
	db_arg_u64(a, id);
	db_arg_blob(a, claim, DB_CLAIM_LEN);
	return db_exec1(db, q, a);
}

enum db_result db_hooks_done(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN],
			     unsigned code)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, code);
	return outcome(db, DBQ_HOOK_DONE, &a, id, claim);
}

enum db_result db_hooks_retry(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN],
			      unsigned secs, unsigned code, const char *err)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, secs);
	db_arg_uint(&a, code);
	db_arg_str(&a, err);
	return outcome(db, DBQ_HOOK_RETRY, &a, id, claim);
}

enum db_result db_hooks_failed(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN],
			       unsigned code, const char *err)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, code);
	db_arg_str(&a, err);
	return outcome(db, DBQ_HOOK_FAILED, &a, id, claim);
}

enum db_result db_hooks_health(struct db *db, unsigned tenant_id, unsigned webhook_id, int ok,
			       unsigned give_up_secs, const char *reason, int *disabled)
{
	struct db_args a = DB_ARGS(), g = DB_ARGS();
	enum db_result rc;

	*disabled = 0;
	db_arg_uint(&a, webhook_id);
	if (ok)
		return db_exec(db, DBQ_HOOK_HEALTHY, &a);
	if ((rc = db_exec(db, DBQ_HOOK_FAILING, &a)) != DB_OK)
		return rc;
	db_arg_str(&g, reason);
	db_arg_uint(&g, webhook_id);
	db_arg_uint(&g, give_up_secs);
	if ((rc = db_exec(db, DBQ_HOOK_GIVE_UP, &g)) != DB_OK || g.affected == 0)
		return rc;
	*disabled = 1;
	return pause(db, tenant_id, webhook_id, 0);
}

struct admin_row {
	char email[1017], company[801];
	int (*fn)(void *ctx, const char *email, const char *company);
	void *ctx;
};

static int admin_row(void *p)
{
	struct admin_row *r = p;
	return r->fn(r->ctx, r->email, r->company);
}

enum db_result db_hooks_admins(struct db *db, unsigned tenant_id,
			       int (*fn)(void *ctx, const char *email, const char *company),
			       void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct admin_row *r = calloc(1, sizeof *r);
	enum db_result rc;

	if (r == NULL)
		return DB_ERR;
	r->fn = fn;
	r->ctx = ctx;
	db_arg_uint(&a, tenant_id);
	db_col_str(&c, r->email, sizeof r->email);
	db_col_str(&c, r->company, sizeof r->company);
	rc = db_run(db, DBQ_HOOK_ADMINS, &a, &c, admin_row, r);
	free(r);
	return rc;
}
