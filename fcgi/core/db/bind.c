/* The statement descriptors (internal.h): parameters and columns bound in
 * order, and each fetched row's columns finished in one place. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

/* ---- parameters ---- */

/* The next parameter's bind, cleared; NULL past DB_ARGS_MAX (db_run then
 * refuses the statement). */
static MYSQL_BIND *arg_next(struct db_args *a)
{
	MYSQL_BIND *b;

	if (a->n >= DB_ARGS_MAX) {
		a->overflow = 1;
		return NULL;
	}
	b = &a->b[a->n++];
	memset(b, 0, sizeof *b);
	return b;
}

static void arg_num(struct db_args *a, enum enum_field_types type, int is_unsigned, void *buf)
{
	MYSQL_BIND *b = &a->b[a->n - 1];

	b->buffer_type = type;
	b->buffer = buf;
	b->is_unsigned = (my_bool)is_unsigned;
}

void db_arg_uint(struct db_args *a, unsigned v)
{
	if (arg_next(a) == NULL)
		return;
	a->v[a->n - 1].u = v;
	arg_num(a, MYSQL_TYPE_LONG, 1, &a->v[a->n - 1].u);
}

void db_arg_u64(struct db_args *a, uint64_t v)
{
	if (arg_next(a) == NULL)
		return;
	a->v[a->n - 1].u64 = v;
	arg_num(a, MYSQL_TYPE_LONGLONG, 1, &a->v[a->n - 1].u64);
}

void db_arg_ll(struct db_args *a, long long v)
{
	if (arg_next(a) == NULL)
		return;
	a->v[a->n - 1].ll = v;
	arg_num(a, MYSQL_TYPE_LONGLONG, 0, &a->v[a->n - 1].ll);
}

void db_arg_bool(struct db_args *a, int v)
{
	db_arg_ll(a, v != 0);
}

void db_arg_null(struct db_args *a)
{
	/* Only ever read by the client library. */
	static my_bool is_null = 1;
	MYSQL_BIND *b = arg_next(a);

	if (b == NULL)
		return;
	b->buffer_type = MYSQL_TYPE_NULL;
	b->is_null = &is_null;
}

void db_arg_str(struct db_args *a, const char *s)
{
	MYSQL_BIND *b;

	if (s == NULL) {
		db_arg_null(a);
		return;
	}
	if ((b = arg_next(a)) == NULL)
		return;
	a->len[a->n - 1] = strlen(s);
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)s;
	b->buffer_length = a->len[a->n - 1];
	b->length = &a->len[a->n - 1];
}

void db_arg_row(struct db_args *a, unsigned id, unsigned tenant_id)
{
	db_arg_uint(a, id);
	db_arg_uint(a, tenant_id);
}

/* p NULL with len 0 is an empty value, not SQL NULL (db_arg_null). */
void db_arg_blob(struct db_args *a, const void *p, size_t len)
{
	MYSQL_BIND *b = arg_next(a);

	if (b == NULL)
		return;
	a->len[a->n - 1] = (unsigned long)len;
	b->buffer_type = MYSQL_TYPE_BLOB;
	b->buffer = (void *)p;
	b->buffer_length = a->len[a->n - 1];
	b->length = &a->len[a->n - 1];
}

/* ---- columns ---- */

/* The next column, its bind cleared and its NULL flag and length wired;
 * NULL past DB_COLS_MAX (db_run then refuses the statement). */
static struct db_col *col_next(struct db_cols *c, enum db_col_kind kind, void *dst, size_t sz)
{
	struct db_col *k;
	MYSQL_BIND *b;

	if (c->n >= DB_COLS_MAX) {
		c->overflow = 1;
		return NULL;
	}
	k = &c->col[c->n];
	b = &c->b[c->n];
	memset(b, 0, sizeof *b);
	b->is_null = &c->null[c->n];
	b->length = &c->len[c->n];
	k->kind = kind;
	k->dst = dst;
	k->sz = sz;
	k->len = NULL;
	c->n++;
	return k;
}

static void col_num(struct db_cols *c, void *v, size_t sz, enum enum_field_types type,
		    int is_unsigned)
{
	MYSQL_BIND *b;

	if (col_next(c, DB_COL_NUM, v, sz) == NULL)
		return;
	b = &c->b[c->n - 1];
	b->buffer_type = type;
	b->buffer = v;
	b->is_unsigned = (my_bool)is_unsigned;
}

void db_col_uint(struct db_cols *c, unsigned *v)
{
	col_num(c, v, sizeof *v, MYSQL_TYPE_LONG, 1);
}

void db_col_u64(struct db_cols *c, uint64_t *v)
{
	col_num(c, v, sizeof *v, MYSQL_TYPE_LONGLONG, 1);
}

void db_col_ll(struct db_cols *c, long long *v)
{
	col_num(c, v, sizeof *v, MYSQL_TYPE_LONGLONG, 0);
}

/* int and flag columns go through a long long of the descriptor: any
 * integer column fits it, and the value is narrowed when the row is done. */
static void col_via_ll(struct db_cols *c, int *v, enum db_col_kind kind)
{
	struct db_col *k = col_next(c, kind, v, sizeof *v);

	if (k == NULL)
		return;
	c->b[c->n - 1].buffer_type = MYSQL_TYPE_LONGLONG;
	c->b[c->n - 1].buffer = &k->tmp.ll;
}

void db_col_int(struct db_cols *c, int *v)
{
	col_via_ll(c, v, DB_COL_INT);
}

void db_col_bool(struct db_cols *c, int *v)
{
	col_via_ll(c, v, DB_COL_BOOL);
}

/* Every buffer is sized to its column (4 bytes a character, and the NUL):
 * a longer value is a bug that db_run reports, never a cut string. */
void db_col_str(struct db_cols *c, char *buf, size_t sz)
{
	if (col_next(c, DB_COL_STR, buf, sz) == NULL)
		return;
	c->b[c->n - 1].buffer_type = MYSQL_TYPE_STRING;
	c->b[c->n - 1].buffer = buf;
	c->b[c->n - 1].buffer_length = sz - 1;
}

void db_col_blob(struct db_cols *c, unsigned char *buf, size_t sz, size_t *len)
{
	struct db_col *k = col_next(c, DB_COL_BLOB, buf, sz);

	if (k == NULL)
		return;
	k->len = len;
	c->b[c->n - 1].buffer_type = MYSQL_TYPE_BLOB;
	c->b[c->n - 1].buffer = buf;
	c->b[c->n - 1].buffer_length = sz;
}

/* Stored in UTC (the connection's time zone is +00:00). */
void db_col_time(struct db_cols *c, char out[24])
{
	struct db_col *k = col_next(c, DB_COL_TIME, out, 24);

	if (k == NULL)
		return;
	c->b[c->n - 1].buffer_type = MYSQL_TYPE_DATETIME;
	c->b[c->n - 1].buffer = &k->tmp.t;
}

/* "YYYY-MM-DDTHH:MM:SSZ" into out (24 bytes), by hand: snprintf here was
 * the feed's second cost after the XML writer (a time or two a row). */
static void iso_time(char *out, const MYSQL_TIME *t)
{
	const unsigned v[6] = {t->year % 10000, t->month % 100,  t->day % 100,
			       t->hour % 100,   t->minute % 100, t->second % 100};
	static const char sep[6] = {'-', '-', 'T', ':', ':', 'Z'};
	char *p = out;

	*p++ = (char)('0' + v[0] / 1000);
	*p++ = (char)('0' + v[0] / 100 % 10);
	*p++ = (char)('0' + v[0] / 10 % 10);
	*p++ = (char)('0' + v[0] % 10);
	*p++ = sep[0];
	for (int i = 1; i < 6; i++) {
		*p++ = (char)('0' + v[i] / 10);
		*p++ = (char)('0' + v[i] % 10);
		*p++ = sep[i];
	}
	*p = '\0';
}

static void finish_one(struct db_col *k, unsigned long len, int null)
{
	const MYSQL_TIME *t = &k->tmp.t;

	switch (k->kind) {
	case DB_COL_NUM:
		if (null)
			memset(k->dst, 0, k->sz);
		break;
	case DB_COL_INT: *(int *)k->dst = null ? 0 : (int)k->tmp.ll; break;
	case DB_COL_BOOL: *(int *)k->dst = !null && k->tmp.ll != 0; break;
	case DB_COL_STR: ((char *)k->dst)[null ? 0 : len < k->sz ? len : k->sz - 1] = '\0'; break;
	case DB_COL_BLOB: *k->len = null || len > k->sz ? 0 : len; break;
	case DB_COL_TIME:
		if (null)
			((char *)k->dst)[0] = '\0';
		else
			iso_time(k->dst, t);
		break;
	}
}

void db_cols_finish(struct db_cols *c)
{
	for (unsigned i = 0; i < c->n; i++)
		finish_one(&c->col[i], c->len[i], c->null[i] != 0);
}
