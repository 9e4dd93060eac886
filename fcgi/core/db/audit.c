/* The audit log (statement: stmt_audit.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const actor_kinds[] = {
	[DB_ACTOR_OFFICE] = "office",
	[DB_ACTOR_PORTAL] = "portal",
	[DB_ACTOR_KEY] = "key",
	[DB_ACTOR_SYSTEM] = "system",
};

const char *db_actor_name(enum db_actor k)
{
	return k <= DB_ACTOR_SYSTEM ? actor_kinds[k] : "system";
}

enum db_result db_audit(struct db *db, const struct db_audit *e)
{
	struct db_args a = DB_ARGS();
	/* audit_log.actor_email and .target: VARCHAR(254) and (200); a
	 * target is a name as shown ("company <email>"), cut rather than let
	 * the change it records fail. */
	char actor[254 * 4 + 1], target[200 * 4 + 1];

	db_arg_uint(&a, e->tenant_id);
	db_arg_str(&a, db_actor_name(e->actor_kind));
	db_arg_uint(&a, e->actor_id); /* 0: none or unknown, stored as NULL */
	db_arg_str(&a, db_clip(e->actor_email ? e->actor_email : "", 254, actor, sizeof actor));
	db_arg_str(&a, e->action);
	db_arg_str(&a, e->target_kind ? e->target_kind : "");
	db_arg_uint(&a, e->target_id);
	db_arg_str(&a, db_clip(e->target ? e->target : "", 200, target, sizeof target));
	db_arg_str(&a, e->old_value);
	db_arg_str(&a, e->new_value);
	db_arg_str(&a, e->request_id ? e->request_id : "");
	db_arg_str(&a, e->ip ? e->ip : "");
	return db_exec(db, DBQ_AUDIT_INSERT, &a);
}

static void cols_row(struct db_cols *c, struct db_audit_row *r)
{
	db_col_u64(c, &r->id);
	db_col_time(c, r->when);
	db_col_str(c, r->actor_kind, sizeof r->actor_kind);
	db_col_uint(c, &r->actor_id);
	db_col_str(c, r->actor, sizeof r->actor);
	db_col_str(c, r->action, sizeof r->action);
	db_col_str(c, r->target_kind, sizeof r->target_kind);
	db_col_uint(c, &r->target_id);
	db_col_str(c, r->target, sizeof r->target);
	db_col_str(c, r->old_value, sizeof r->old_value);
	db_col_str(c, r->new_value, sizeof r->new_value);
	db_col_str(c, r->ip, sizeof r->ip);
	db_col_str(c, r->request_id, sizeof r->request_id);
	db_col_str(c, r->cursor, sizeof r->cursor);
}

struct audit_rows {
	struct db_audit_row *r;
	db_audit_fn fn;
	void *ctx;
};

static int audit_row(void *p)
{
	struct audit_rows *x = p;

	return x->fn(x->ctx, x->r);
}

/* The filter that drives the walk (its index, the most selective given:
 * a target, an actor, an action, a kind of action), as its statements'
 * offset from the ALL ones; *drive its value (NULL for ALL). */
static unsigned driver(const struct db_audit_filter *f, const char **drive)
{
	const struct {
		const char *v;
		enum db_stmt older;
	} by[] = {
		{f->target, DBQ_AUDIT_OLDER_TARGET},
		{f->actor, DBQ_AUDIT_OLDER_ACTOR},
		{f->action, DBQ_AUDIT_OLDER_ACTION},
		{f->category, DBQ_AUDIT_OLDER_CATEGORY},
	};

	for (size_t i = 0; i < sizeof by / sizeof by[0]; i++)
		if (by[i].v[0] != '\0') {
			*drive = by[i].v;
			return (unsigned)(by[i].older - DBQ_AUDIT_OLDER_ALL);
		}
	*drive = NULL;
	return 0;
}

/* The filters' parameters after the cursor: each twice. */
static void bind_filters(struct db_args *a, const struct db_audit_filter *f)
{
	const char *v[4] = {f->actor, f->action, f->category, f->target};

	for (int i = 0; i < 4; i++) {
		db_arg_str(a, v[i]);
		db_arg_str(a, v[i]);
	}
}

static void bind_range(struct db_args *a, const struct db_audit_filter *f)
{
	db_arg_str(a, f->from[0] ? f->from : "1000-01-01 00:00:00");
	db_arg_str(a, f->to[0] ? f->to : "9999-12-31 23:59:59");
}

enum db_result db_audit_page(struct db *db, unsigned tenant_id, const struct db_audit_filter *f,
			     enum db_audit_dir dir, const char *cursor_time, uint64_t cursor_id,
			     unsigned limit, db_audit_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct audit_rows x = {NULL, fn, ctx};
	const char *drive;
	unsigned off = driver(f, &drive);
	enum db_stmt q = (enum db_stmt)(
		(dir == DB_AUDIT_OLDER ? DBQ_AUDIT_OLDER_ALL : DBQ_AUDIT_NEWER_ALL) + off);
	char t[27];
	uint64_t id;
	enum db_result rc;

	id = db_cursor_time(t, cursor_time, cursor_id, dir == DB_AUDIT_OLDER);
	if ((x.r = calloc(1, sizeof *x.r)) == NULL)
		return DB_ERR;
	cols_row(&c, x.r);
	db_arg_uint(&a, tenant_id);
	if (drive != NULL)
		db_arg_str(&a, drive);
	bind_range(&a, f);
	db_arg_str(&a, t);
	db_arg_str(&a, t);
	db_arg_u64(&a, id);
	bind_filters(&a, f);
	db_arg_uint(&a, limit);
	rc = db_run(db, q, &a, &c, audit_row, &x);
	free(x.r);
	return rc;
}

enum db_result db_audit_count(struct db *db, unsigned tenant_id, const struct db_audit_filter *f,
			      unsigned long long *n)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	const char *drive;
	unsigned off = driver(f, &drive);
	int given = (f->actor[0] != '\0') + (f->action[0] != '\0') + (f->category[0] != '\0') +
		    (f->target[0] != '\0');
	uint64_t v = 0;
	enum db_result rc;

	/* Each filter's statements follow each other in one order
	 * (stmt_audit.h), so its offset holds for all of them.  One filter
	 * or none: its index alone counts. */
	db_arg_uint(&a, tenant_id);
	if (drive != NULL)
		db_arg_str(&a, drive);
	bind_range(&a, f);
	if (given > 1)
		bind_filters(&a, f);
	db_col_u64(&c, &v);
	rc = db_one(
		db,
		(enum db_stmt)((given > 1 ? DBQ_AUDIT_COUNT_ALL : DBQ_AUDIT_COUNT_ONLY_ALL) + off),
		&a, &c);
	*n = v;
	return rc;
}

enum db_result db_audit_feed(struct db *db, unsigned tenant_id, uint64_t after, unsigned limit,
			     db_audit_fn fn, void *ctx)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct audit_rows x = {NULL, fn, ctx};
	enum db_result rc;

	if ((x.r = calloc(1, sizeof *x.r)) == NULL)
		return DB_ERR;
	cols_row(&c, x.r);
	db_arg_uint(&a, tenant_id);
	db_arg_u64(&a, after);
	db_arg_uint(&a, limit);
	rc = db_run(db, DBQ_AUDIT_FEED, &a, &c, audit_row, &x);
	free(x.r);
	return rc;
}

#define AUDIT_PURGE_BATCH 10000u

/* One batch of tenant's entries older than days, with its own entry. */
static enum db_result purge_batch(struct db *db, unsigned tenant_id, unsigned days,
				  unsigned long long *n)
{
	struct db_args a = DB_ARGS();
	char said[96];
	enum db_result rc;

	*n = 0;
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, days);
	db_arg_uint(&a, AUDIT_PURGE_BATCH);
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = db_exec(db, DBQ_AUDIT_PURGE, &a)) == DB_OK && a.affected > 0) {
		struct db_audit e = {
			.tenant_id = tenant_id,
			.actor_kind = DB_ACTOR_SYSTEM,
			.actor_email = "",
			.action = "audit.purge",
			.new_value = said,
		};
		snprintf(said, sizeof said, "%llu entries older than %u days removed",
			 (unsigned long long)a.affected, days);
		rc = db_audit(db, &e);
	}
	if (rc == DB_OK && (rc = db_commit(db)) == DB_OK)
		*n = a.affected;
	if (rc != DB_OK)
		db_rollback(db);
	return rc;
}

enum db_result db_audit_purge(struct db *db, unsigned days, unsigned long long *removed)
{
	unsigned ids[1024];
	size_t n = 0;
	unsigned long long got;
	enum db_result rc;

	*removed = 0;
	/* A tenant at a time, up to 1,024 a round: a run leaves none behind. */
	do {
		if ((rc = db_ids_of(db, DBQ_AUDIT_PURGE_TENANTS, days, ids,
				    sizeof ids / sizeof ids[0], &n)) != DB_OK)
			return rc;
		for (size_t i = 0; i < n; i++)
			do {
				if ((rc = purge_batch(db, ids[i], days, &got)) != DB_OK)
					return rc;
				*removed += got;
			} while (got == AUDIT_PURGE_BATCH);
	} while (n == sizeof ids / sizeof ids[0]);
	return DB_OK;
}
