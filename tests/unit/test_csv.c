/* Unit tests for fcgi/core/csv.c (files as spreadsheets write them, and
 * fields written for them) and req_parse_multipart (fcgi/core/req.c): the
 * parsers of Portal Access > Import's upload. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "req.h"
#include "tap.h"

#define L(s) s, sizeof(s) - 1

/* Row r of t as "f1|f2|..." into out. */
static const char *joined(const struct csv_table *t, size_t r, char *out, size_t sz)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t k = 0; k < t->rows[r].n; k++)
		n += (size_t)snprintf(out + n, sz - n, "%s%s", k ? "|" : "", t->rows[r].f[k]);
	return out;
}

static void parses(const char *what, const char *in, size_t len, char sep, size_t nrows,
		   const char *row1, size_t line1)
{
	struct csv_table t;
	char buf[300] = "";
	enum csv_result rc = csv_parse(in, len, 100, 100, &t);

	if (rc == CSV_OK && t.nrows > 1)
		joined(&t, 1, buf, sizeof buf);
	if (!ok(rc == CSV_OK && t.sep == sep && t.nrows == nrows && strcmp(buf, row1) == 0 &&
			(nrows < 2 || t.rows[1].line == line1),
		"csv: %s", what))
		diag("rc %d sep '%c' rows %zu row 1 \"%s\" at line %zu", rc, t.sep, t.nrows, buf,
		     nrows > 1 && rc == CSV_OK ? t.rows[1].line : 0);
	csv_free(&t);
}

static void refuses(const char *what, const char *in, size_t len, size_t max_rows,
		    enum csv_result want, size_t line)
{
	struct csv_table t;
	enum csv_result rc = csv_parse(in, len, max_rows, 20, &t);

	if (!ok(rc == want && t.err_line == line && t.rows == NULL, "csv refuses %s", what))
		diag("rc %d line %zu", rc, t.err_line);
}

struct out {
	char s[200];
	size_t n;
};

static int put(void *ctx, const char *s, size_t n)
{
	struct out *o = ctx;
	if (o->n + n >= sizeof o->s)
		return 1;
	memcpy(o->s + o->n, s, n);
	o->n += n;
	o->s[o->n] = '\0';
	return 0;
}

static void writes(const char *field, int last, const char *want)
{
	struct out o = {"", 0};

	csv_put_field(field, last, put, &o);
	if (!ok(strcmp(o.s, want) == 0, "csv writes [%s]", field))
		diag("got [%s]", o.s);
}

static void test_csv(void)
{
	char msg[200];

	parses("plain, LF", L("email,company\na@x,Cool Air\n"), ',', 2, "a@x|Cool Air", 2);
	parses("Excel's \";\" with a byte order mark and CRLF",
	       L("\xEF\xBB\xBF"
		 "email;company\r\na@x;\"Cool; Air\"\r\n"),
	       ';', 2, "a@x|Cool; Air", 2);
	parses("tabs", L("email\tcompany\na@x\tZ\n"), '\t', 2, "a@x|Z", 2);
	parses("a doubled quote and a line break inside quotes",
	       L("email,name\n\"a@x\",\"O\"\"Neil\nJr\"\nb@x,c\n"), ',', 3, "a@x|O\"Neil\nJr", 2);
	parses("blank lines skipped, line numbers kept", L("email\n\n\r\nb@x\n"), ',', 2, "b@x", 4);
	parses("no line end at the end", L("email,company\na@x,"), ',', 2, "a@x|", 2);
	parses("a quoted header's \",\" does not count as a separator", L("\"a,b\";c\nx;y\n"), ';',
	       2, "x|y", 2);
	refuses("Latin-1", L("email\nj\xf6rg\n"), 10, CSV_NOT_UTF8, 2);
	refuses("a NUL", L("email\na\0b\n"), 10, CSV_NOT_UTF8, 2);
	refuses("an unclosed quote", L("email\n\"a\nb\n"), 10, CSV_QUOTE, 2);
	refuses("text after a closing quote", L("email\n\"a\"b,c\n"), 10, CSV_QUOTE, 2);
	refuses("too many lines", L("h\n1\n2\n3\n"), 3, CSV_ROWS, 4);
	refuses("a field too long", L("h\n123456789012345678901\n"), 10, CSV_FIELD_LEN, 2);
	refuses("nothing", L("\xEF\xBB\xBF\r\n\n"), 10, CSV_EMPTY, 3);
	{
		char many[200] = "h\n";
		for (int i = 0; i < CSV_FIELDS_MAX; i++)
			strcat(many, "a,");
		strcat(many, "a\n");
		refuses("more than 32 fields", many, strlen(many), 10, CSV_FIELDS, 2);
	}
	ok(strstr(csv_message(CSV_ROWS, 9, 10001, msg, sizeof msg), "more than 10000 lines") !=
		   NULL,
	   "csv: the message of too many lines names the limit without the header");
	ok(strstr(csv_message(CSV_NOT_UTF8, 7, 10, msg, sizeof msg), "Line 7") != NULL,
	   "csv: a message names the line");
	writes("plain", 0, "plain,");
	writes("a,b", 1, "\"a,b\"\r\n");
	writes("say \"hi\"", 0, "\"say \"\"hi\"\"\",");
	writes("a;b", 0, "\"a;b\",");
	writes("=SUM(A1)", 0, "'=SUM(A1),");
	writes("-1", 0, "'-1,");
	writes("@x, y", 0, "\"'@x, y\",");
}

static void test_multipart(void)
{
	static const char body[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n"
		"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
		"filename=\"C:\\\\Users\\\\ann\\\\list;1.csv\"\r\nContent-Type: text/csv\r\n\r\n"
		"a,b\r\n\xff\r\n--XyZ--\r\n";
	struct req_limits lim = {1 << 20, 10, 100};
	struct req_pairs p = {0};
	char b[80], fname[64];
	enum req_result rc;

	ok(req_multipart_boundary("multipart/form-data; boundary=XyZ", b, sizeof b) == 0 &&
		   strcmp(b, "XyZ") == 0,
	   "multipart: the boundary");
	ok(req_multipart_boundary("multipart/form-data; boundary=\"a b\"", b, sizeof b) == 0 &&
		   strcmp(b, "a b") == 0,
	   "multipart: a quoted boundary");
	ok(req_multipart_boundary("application/x-www-form-urlencoded", b, sizeof b) != 0 &&
		   req_multipart_boundary("multipart/form-data", b, sizeof b) != 0,
	   "multipart: no boundary, no multipart");
	rc = req_parse_multipart(body, sizeof body - 1, "XyZ", &lim, 100, &p, fname, sizeof fname);
	ok(rc == REQ_OK && p.n == 2 && strcmp(p.v[0].key, "csrf") == 0 &&
		   strcmp(p.v[0].val, "abc") == 0 && strcmp(p.v[1].key, "file") == 0 &&
		   p.v[1].vlen == 6 && memcmp(p.v[1].val, "a,b\r\n\xff", 6) == 0,
	   "multipart: a text field and a file (any bytes, CRLF kept)");
	ok(strcmp(fname, "list;1.csv") == 0, "multipart: the file's name without its path");
	req_pairs_free(&p);
	rc = req_parse_multipart(body, sizeof body - 1, "XyZ", &lim, 5, &p, fname, sizeof fname);
	ok(rc == REQ_TOO_LARGE, "multipart: a file over its limit: too large");
	req_pairs_free(&p);
	lim.fields_max = 1;
	rc = req_parse_multipart(body, sizeof body - 1, "XyZ", &lim, 100, &p, fname, sizeof fname);
	ok(rc == REQ_TOO_LARGE, "multipart: more parts than the limit: too large");
	req_pairs_free(&p);
	lim.fields_max = 10;
	{
		static const char bad_text[] = "--XyZ\r\nContent-Disposition: form-data; "
					       "name=\"q\"\r\n\r\n\xff\r\n--XyZ--";
		static const char two_files[] =
			"--XyZ\r\nContent-Disposition: form-data; name=\"a\"; "
			"filename=\"1\"\r\n\r\n"
			"x\r\n--XyZ\r\nContent-Disposition: form-data; name=\"b\"; filename=\"2\""
			"\r\n\r\ny\r\n--XyZ--";
		static const char unterminated[] =
			"--XyZ\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\nabc";
		static const char no_name[] = "--XyZ\r\nContent-Disposition: form-data\r\n\r\n"
					      "abc\r\n--XyZ--";
		const struct {
			const char *what, *in;
			size_t len;
		} bad[] = {
			{"a text field that is not UTF-8", L(bad_text)},
			{"two files", L(two_files)},
			{"no closing delimiter", L(unterminated)},
			{"a part without a name", L(no_name)},
			{"another boundary", L("--Other\r\n\r\n--Other--")},
		};
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			rc = req_parse_multipart(bad[i].in, bad[i].len, "XyZ", &lim, 100, &p, fname,
						 sizeof fname);
			ok(rc == REQ_BAD, "multipart refuses %s", bad[i].what);
			req_pairs_free(&p);
		}
	}
}

int main(void)
{
	test_csv();
	test_multipart();
	return done_testing();
}
