/* CSV read from spreadsheets and written for them (csv.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "req.h"

/* The separator the header line uses most outside quotes: ';' from Excel
 * in locales with a decimal comma, a tab from "Text (tab delimited)". */
static char guess_sep(const char *s, size_t len)
{
	size_t comma = 0, semi = 0, tab = 0;
	int quoted = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && (s[i] == '\n' || s[i] == '\r'))
			break;
		else if (!quoted)
			comma += s[i] == ',', semi += s[i] == ';', tab += s[i] == '\t';
	}
	if (semi > comma && semi >= tab)
		return ';';
	return tab > comma ? '\t' : ',';
}

/* Appends a row to t (rows grown by doubling).  0, or -1 out of memory. */
static int add_row(struct csv_table *t, size_t *cap)
{
	if (t->nrows == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct csv_row *r = realloc(t->rows, ncap * sizeof *r);
		if (r == NULL)
			return -1;
		t->rows = r;
		*cap = ncap;
	}
	memset(&t->rows[t->nrows++], 0, sizeof *t->rows);
	return 0;
}

/* A row whose only field is empty: a blank line, dropped. */
static int blank(const struct csv_row *r)
{
	return r->n == 1 && r->f[0][0] == '\0';
}

/* The line of the first character that is not text as the forms take it
 * (req.h), or 0 when all of it is: one check of the whole, and only when
 * that fails one pass to find where. */
static size_t bad_utf8_line(const char *text, size_t len)
{
	size_t line = 1;

	if (req_utf8_valid(text, len))
		return 0;
	for (size_t k = 0, n; k < len; k += n) {
		unsigned cp;
		n = req_utf8_char((const unsigned char *)text + k, len - k, &cp);
		if (n == 0 || !req_utf8_valid(text + k, n))
			return line;
		line += cp == '\n';
	}
	return line;
}

/* Where reading is: the text, the next byte, the line it is on, and where
 * the next field's text goes. */
struct reader {
	const char *s;
	size_t len, i, line;
	char sep, *o;
};

static int field_end(const struct reader *r)
{
	return r->i == r->len || r->s[r->i] == r->sep || r->s[r->i] == '\n' || r->s[r->i] == '\r';
}

/* One field, quoted or not, into r->o (NUL-terminated). */
static enum csv_result read_field(struct reader *r, size_t max_field)
{
	char *start = r->o;

	if (r->i < r->len && r->s[r->i] == '"') {
		for (r->i++;; r->i++) {
			if (r->i == r->len)
				return CSV_QUOTE;
			if (r->s[r->i] == '"' && r->i + 1 < r->len && r->s[r->i + 1] == '"')
				*r->o++ = '"', r->i++;
			else if (r->s[r->i] == '"')
				break;
			else
				r->line += r->s[r->i] == '\n', *r->o++ = r->s[r->i];
		}
		r->i++; /* the closing quote */
		if (!field_end(r))
			return CSV_QUOTE;
	} else {
		while (!field_end(r))
			*r->o++ = r->s[r->i++];
	}
	if ((size_t)(r->o - start) > max_field)
		return CSV_FIELD_LEN;
	*r->o++ = '\0';
	return CSV_OK;
}

/* One row's fields and its line end. */
static enum csv_result read_row(struct reader *r, struct csv_row *row, size_t max_field)
{
	enum csv_result rc;

	row->line = r->line;
	for (;;) {
		if (row->n == CSV_FIELDS_MAX)
			return CSV_FIELDS;
		row->f[row->n++] = r->o;
		if ((rc = read_field(r, max_field)) != CSV_OK)
			return rc;
		if (r->i < r->len && r->s[r->i] == r->sep) {
			r->i++;
			continue;
		}
		break;
	}
	if (r->i < r->len && r->s[r->i] == '\r')
		r->i++;
	if (r->i < r->len && r->s[r->i] == '\n')
		r->i++;
	r->line++;
	return CSV_OK;
}

enum csv_result csv_parse(const char *text, size_t len, size_t max_rows, size_t max_field,
			  struct csv_table *t)
{
	struct reader r = {.s = text, .len = len, .line = 1};
	enum csv_result rc = CSV_NOMEM;
	size_t cap = 0;

	memset(t, 0, sizeof *t);
	if (len >= 3 && memcmp(text, CSV_BOM, 3) == 0)
		r.s += 3, r.len -= 3;
	if ((r.line = bad_utf8_line(r.s, r.len)) != 0) {
		t->err_line = r.line;
		return CSV_NOT_UTF8;
	}
	r.line = 1;
	t->sep = r.sep = guess_sep(r.s, r.len);
	/* The fields' text is shorter than its source by a separator or a line
	 * end per field but the last: with the NULs, len + 1 at most. */
	if ((t->buf = r.o = malloc(r.len + 2)) == NULL)
		goto out;
	while (r.i < r.len) {
		if (add_row(t, &cap) != 0)
			goto out;
		if ((rc = read_row(&r, &t->rows[t->nrows - 1], max_field)) != CSV_OK) {
			r.line = t->rows[t->nrows - 1].line;
			goto out;
		}
		rc = CSV_NOMEM;
		if (blank(&t->rows[t->nrows - 1])) {
			t->nrows--;
		} else if (t->nrows > max_rows) {
			r.line = t->rows[t->nrows - 1].line;
			rc = CSV_ROWS;
			goto out;
		}
	}
	if (t->nrows > 0)
		return CSV_OK;
	rc = CSV_EMPTY;
out:
	csv_free(t);
	t->err_line = r.line;
	return rc;
}

void csv_free(struct csv_table *t)
{
	if (t == NULL)
		return;
	free(t->rows);
	free(t->buf);
	t->rows = NULL;
	t->buf = NULL;
	t->nrows = 0;
}

const char *csv_message(enum csv_result r, size_t line, size_t max_rows, char *buf, size_t sz)
{
	switch (r) {
	case CSV_OK: return "";
	case CSV_EMPTY:
		return "The file is empty: it needs a header line and one line per portal user.";
	case CSV_NOT_UTF8:
		snprintf(buf, sz,
			 "Line %zu is not UTF-8 text (or holds a control character). Save the "
			 "file as \"CSV UTF-8\" and upload it again.",
			 line);
		return buf;
	case CSV_QUOTE:
		snprintf(buf, sz,
			 "Line %zu: a quoted field is not closed, or text follows its closing "
			 "quote.",
			 line);
		return buf;
	case CSV_ROWS:
		snprintf(buf, sz, "The file has more than %zu lines of portal users: split it.",
			 max_rows - 1);
		return buf;
	case CSV_FIELDS:
		snprintf(buf, sz, "Line %zu has more than %d fields.", line, CSV_FIELDS_MAX);
		return buf;
	case CSV_FIELD_LEN:
		snprintf(buf, sz, "Line %zu has a field that is too long.", line);
		return buf;
	case CSV_NOMEM: break;
	}
	return "The file could not be read: out of memory.";
}

int csv_put_field(const char *s, int last, csv_put_fn put, void *ctx)
{
	size_t n = strlen(s);
	/* ";" and tab too: a reader may take either for the separator. */
	int quote = strpbrk(s, ",;\t\"\r\n") != NULL;
	int formula = n > 0 && strchr("=+-@\t\r", s[0]) != NULL;

	if (quote && put(ctx, "\"", 1) != 0)
		return 1;
	if (formula && put(ctx, "'", 1) != 0)
		return 1;
	for (const char *p = s; *p != '\0';) {
		const char *q = quote ? strchr(p, '"') : NULL;
		size_t k = q != NULL ? (size_t)(q - p) + 1 : strlen(p);
		if (put(ctx, p, k) != 0)
			return 1;
		if (q != NULL && put(ctx, "\"", 1) != 0) /* a quote doubled */
			return 1;
		p += k;
	}
	if (quote && put(ctx, "\"", 1) != 0)
		return 1;
	return put(ctx, last ? "\r\n" : ",", last ? 2 : 1);
}
