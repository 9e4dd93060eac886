/* CSV as spreadsheets write it (RFC 4180 and what Excel does in many
 * locales): an optional UTF-8 byte order mark, fields separated by ",",
 * ";" or a tab (the one the first line uses most, outside quotes), quoted
 * fields with "" for a quote and line breaks inside, lines ended by LF or
 * CRLF, blank lines skipped.  The text must be UTF-8 (checked here). */
#ifndef GH_CSV_H
#define GH_CSV_H

#include <stddef.h>

#define CSV_FIELDS_MAX 32

enum csv_result {
	CSV_OK = 0,
	CSV_EMPTY,     /* no line at all */
	CSV_NOT_UTF8,  /* a byte that starts no UTF-8 character, or a NUL */
	CSV_QUOTE,     /* a quoted field not closed, or text after its closing quote */
	CSV_ROWS,      /* more lines than the limit */
	CSV_FIELDS,    /* a line with more fields than CSV_FIELDS_MAX */
	CSV_FIELD_LEN, /* a field longer than the limit */
	CSV_NOMEM,
};

struct csv_row {
	size_t line;                   /* the file's line the row starts on, from 1 */
	size_t n;                      /* fields */
	const char *f[CSV_FIELDS_MAX]; /* NUL-terminated, inside the table's buffer */
};

struct csv_table {
	char sep;     /* ',', ';' or '\t' */
	size_t nrows; /* the header included */
	struct csv_row *rows;
	char *buf;       /* the fields' text */
	size_t err_line; /* where parsing stopped, for a message */
};

/* Parses text[0..len) into *t (rows, header first).  max_rows counts the
 * header; max_field is in bytes.  On failure t->err_line says where and t
 * holds nothing to free.  On success the caller frees t with csv_free. */
enum csv_result csv_parse(const char *text, size_t len, size_t max_rows, size_t max_field,
			  struct csv_table *t);

/* Frees what csv_parse gave t (not t itself); accepts NULL. */
void csv_free(struct csv_table *t);

/* A sentence for r at line (static or in buf, of size sz). */
const char *csv_message(enum csv_result r, size_t line, size_t max_rows, char *buf, size_t sz);

/* Where written CSV goes: n bytes of s; nonzero stops the writer. */
typedef int (*csv_put_fn)(void *ctx, const char *s, size_t n);

/* One field of a written CSV (RFC 4180 with ",": quoted when it holds a
 * comma, semicolon, tab, quote, CR or LF; a line ends in CRLF after the
 * last), and a field
 * a spreadsheet would take for a formula (its first character one of
 * = + - @ TAB CR) prefixed with an apostrophe, shown as text, never run.
 * 0, or put's nonzero. */
int csv_put_field(const char *s, int last, csv_put_fn put, void *ctx);

/* The UTF-8 byte order mark spreadsheet programs need to read UTF-8. */
#define CSV_BOM "\xEF\xBB\xBF"

#endif
