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

enum csv_result csv_parse(const char *text, size_t len, size_t max_rows, size_t max_field,
			  struct csv_table *t)
{
	enum csv_result rc = CSV_NOMEM;
	size_t i = 0, line = 1, cap = 0, start = 0;
	char *o;
	struct csv_row *r;

	memset(t, 0, sizeof *t);
	if (len >= 3 && memcmp(text, CSV_BOM, 3) == 0)
		text += 3, len -= 3;
	/* Text as the forms take it (req.h): the line of the first character
	 * that is not, for the message. */
	for (size_t k = 0, n; !req_utf8_valid(text, len) && k < len; k += n) {
		unsigned cp;
		n = req_utf8_char((const unsigned char *)text + k, len - k, &cp);
		if (n == 0 || !req_utf8_valid(text + k, n)) {
			t->err_line = line;
			return CSV_NOT_UTF8;
		}
		line += cp == '\n';
	}
	line = 1;
	t->sep = guess_sep(text, len);
	/* The fields' text is shorter than its source by a separator or a line
	 * end per field but the last: with the NULs, len + 1 at most. */
	if ((t->buf = o = malloc(len + 2)) == NULL)
		goto fail;
	while (i < len) {
		if (add_row(t, &cap) != 0)
			goto fail;
		r = &t->rows[t->nrows - 1];
		r->line = line;
		for (;;) { /* one field */
			if (r->n == CSV_FIELDS_MAX) {
				rc = CSV_FIELDS;
				goto fail_at;
			}
			r->f[r->n++] = o;
			start = (size_t)(o - t->buf);
			if (i < len && text[i] == '"') {
				for (i++;; i++) {
					if (i == len) {
						rc = CSV_QUOTE;
						goto fail_at;
					}
					if (text[i] == '"' && i + 1 < len && text[i + 1] == '"')
						*o++ = '"', i++;
					else if (text[i] == '"')
						break;
					else
						line += text[i] == '\n', *o++ = text[i];
				}
				i++; /* the closing quote */
				if (i < len && text[i] != t->sep && text[i] != '\n' &&
				    text[i] != '\r') {
					rc = CSV_QUOTE;
					goto fail_at;
				}
			} else {
				while (i < len && text[i] != t->sep && text[i] != '\n' &&
				       text[i] != '\r')
					*o++ = text[i++];
			}
			if ((size_t)(o - t->buf) - start > max_field) {
				rc = CSV_FIELD_LEN;
				goto fail_at;
			}
			*o++ = '\0';
			if (i < len && text[i] == t->sep) {
				i++;
				continue;
			}
			break;
		}
		if (i < len && text[i] == '\r')
			i++;
		if (i < len && text[i] == '\n')
			i++;
		line++;
		if (blank(r))
			t->nrows--;
		else if (t->nrows > max_rows) {
			rc = CSV_ROWS;
			goto fail_at;
		}
	}
	if (t->nrows == 0) {
		rc = CSV_EMPTY;
		goto fail_at;
	}
	return CSV_OK;
fail_at:
	line = t->nrows > 0 ? t->rows[t->nrows - 1].line : line;
fail:
	csv_free(t);
	t->err_line = line;
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
