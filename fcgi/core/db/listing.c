/* What the list pages' statements share (customers, portal users, office
 * users): a view's parameters, a list's count and version, a view's whole
 * id order for the list-order cache, and one page's rows by id. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

void db_args_view(struct db_args *a, unsigned tenant_id, const struct list_view *lv)
{
	db_arg_uint(a, tenant_id);
	db_arg_str(a, lv->filter);
	db_arg_str(a, lv->like);
	db_arg_str(a, lv->like);
}

enum db_result db_list_version(struct db *db, enum db_stmt q, unsigned tenant_id,
			       unsigned long long *total, uint64_t *version)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	uint64_t n = 0, v = 0;
	enum db_result rc;

	db_arg_uint(&a, tenant_id);
	db_col_u64(&c, &n);
	db_col_u64(&c, &v);
	rc = db_run(db, q, &a, &c, NULL, NULL);
	*total = n;
	*version = v;
	return rc;
}

int db_ids_add(void *ctx)
{
	struct db_ids *c = ctx;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		unsigned *ids = realloc(c->ids, cap * sizeof *ids);
		if (ids == NULL) {
			c->oom = 1;
			return 1;
		}
		c->ids = ids;
		c->cap = cap;
	}
	c->ids[c->n++] = c->id;
	return 0;
}

enum db_result db_view_ids(struct db *db, enum db_stmt q, unsigned tenant_id,
			   const struct list_view *lv, unsigned **ids, size_t *n)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct db_ids x = {0};
	enum db_result rc;

	*ids = NULL;
	*n = 0;
	db_args_view(&a, tenant_id, lv);
	db_col_uint(&c, &x.id);
	rc = db_run(db, q, &a, &c, db_ids_add, &x);
	if (rc == DB_OK && x.oom)
		rc = DB_ERR;
	if (rc != DB_OK) {
		free(x.ids);
		return rc;
	}
	*ids = x.ids;
	*n = x.n;
	return DB_OK;
}

/* The ids of one page (at most 100) as a JSON array for JSON_TABLE: digits
 * and commas only, bound as data.  -1 when there are too many. */
#define IDS_JSON_MAX (2 + 100 * 11)
static int ids_json(char json[IDS_JSON_MAX], const unsigned *ids, size_t n)
{
	size_t o = 0;

	if (n > 100)
		return -1;
	json[o++] = '[';
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(json + o, IDS_JSON_MAX - o, "%s%u", i ? "," : "", ids[i]);
	json[o++] = ']';
	json[o] = '\0';
	return 0;
}

enum db_result db_rows_by_ids(struct db *db, enum db_stmt q, unsigned tenant_id,
			      const unsigned *ids, size_t n, struct db_cols *c, db_row_fn row,
			      void *ctx, const uint64_t *seen, uint64_t *version)
{
	struct db_args a = DB_ARGS();
	char json[IDS_JSON_MAX];
	enum db_result rc;

	*version = DB_NO_VERSION;
	if (ids_json(json, ids, n) != 0)
		return DB_ERR;
	db_arg_str(&a, json);
	db_arg_uint(&a, tenant_id);
	if ((rc = db_run(db, q, &a, c, row, ctx)) == DB_OK && c->rows == n && n > 0)
		*version = *seen;
	return rc;
}

int db_idbuf_add(void *ctx)
{
	struct db_idbuf *c = ctx;

	if (c->n < c->max)
		c->ids[c->n] = c->id;
	c->n++;
	return 0;
}
