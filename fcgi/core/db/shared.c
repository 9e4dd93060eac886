/* Statements several domain files run the same way (internal.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "req.h"

enum db_result db_exec_text(struct db *db, enum db_stmt q, const char *text, unsigned id,
			    unsigned tenant_id)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, text);
	db_arg_row(&a, id, tenant_id);
	return db_exec(db, q, &a);
}

enum db_result db_ids_of(struct db *db, enum db_stmt q, unsigned id, unsigned *ids, size_t max,
			 size_t *n)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	struct db_idbuf x = {.ids = ids, .max = max};
	enum db_result rc;

	db_col_uint(&c, &x.id);
	db_arg_uint(&a, id);
	rc = db_run(db, q, &a, &c, db_idbuf_add, &x);
	*n = x.n < max ? x.n : max;
	return rc;
}

enum db_result db_links_add(struct db *db, enum db_stmt q, unsigned user_id, const unsigned *ids,
			    size_t n, unsigned tenant_id, size_t *added)
{
	enum db_result rc;

	*added = 0;
	for (size_t i = 0; i < n; i++) {
		struct db_args b = DB_ARGS();
		db_arg_uint(&b, user_id);
		db_arg_uint(&b, ids[i]);
		if (tenant_id != 0)
			db_arg_uint(&b, tenant_id);
		if ((rc = db_exec(db, q, &b)) != DB_OK && rc != DB_DUP)
			return rc;
		*added += rc == DB_OK ? b.affected : 0;
	}
	return DB_OK;
}

uint64_t db_cursor_time(char t[27], const char *cursor_time, uint64_t cursor_id, int older)
{
	if (cursor_time != NULL && strlen(cursor_time) == 20 &&
	    strspn(cursor_time, "0123456789") == 20) {
		snprintf(t, 27, "%.4s-%.2s-%.2s %.2s:%.2s:%.2s.%.6s", cursor_time, cursor_time + 4,
			 cursor_time + 6, cursor_time + 8, cursor_time + 10, cursor_time + 12,
			 cursor_time + 14);
		return cursor_id;
	}
	snprintf(t, 27, "%s", older ? "9999-12-31 23:59:59.999999" : "1000-01-01 00:00:00.000000");
	return older ? UINT64_MAX : 0;
}

const char *db_clip(const char *src, size_t chars, char *out, size_t sz)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t o = 0, left = strlen(src);

	for (; left > 0 && chars > 0; chars--) {
		unsigned cp;
		size_t n = req_utf8_char(p, left, &cp), w = n > 0 ? n : 1;
		if (o + w >= sz)
			break;
		if (n > 0)
			memcpy(out + o, p, n);
		else
			out[o] = '?';
		o += w, p += w, left -= w;
	}
	out[o] = '\0';
	return out;
}
