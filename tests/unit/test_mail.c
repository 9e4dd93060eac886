/* Unit tests for fcgi/core/mail.c: RFC 2047 header values (checked with a
 * decoder written here, not mail.c's), quoted-printable and base64 round
 * trips, Message-ID and Date, whole messages parsed back (headers, boundary,
 * both parts, CRLF only, lines <= 998), and the invitation stylesheets.
 * Env: GH_SRCDIR (default ".") locates xslt/. */
#include "config.h"

#include <dirent.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxslt/xslt.h>
#include <sodium.h>

#include "mail.h"
#include "lib/testonly.h"
#include "render.h"
#include "tap.h"
#include "xml.h"

#define TOKEN "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde" /* 43 base64url */

static const char *env_or_dot(void)
{
	const char *s = getenv("GH_SRCDIR");
	return s && *s ? s : ".";
}

/* ---- helpers: an independent RFC 2047 decoder and line checks ---- */

static int utf8_valid(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k;
		unsigned cp;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			k = 2, cp = p[i] & 0x1f;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			k = 3, cp = p[i] & 0x0f;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			k = 4, cp = p[i] & 0x07;
		else
			return 0;
		if (i + k > n)
			return 0;
		for (size_t j = 1; j < k; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + j] & 0x3f);
		}
		if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k;
	}
	return 1;
}

struct words {
	int count, max_len, bad; /* bad: a word not whole UTF-8 characters, or malformed */
};

/* Unfolds and decodes a header value: encoded-words "=?UTF-8?B?...?="
 * become their bytes, white space between two of them disappears.
 * Returns a malloc'd string (the caller frees it). */
static char *decode_2047(const char *v, struct words *w)
{
	size_t len = strlen(v), o = 0, after_word = 0;
	char *u = malloc(len + 1), *out = malloc(len + 1);
	int last_word = 0;

	memset(w, 0, sizeof *w);
	/* Unfold: CRLF followed by white space. */
	for (size_t i = 0, k = 0; i <= len; i++) {
		if (v[i] == '\r' && v[i + 1] == '\n' && (v[i + 2] == ' ' || v[i + 2] == '\t')) {
			i++;
			continue;
		}
		u[k++] = v[i];
	}
	for (const char *p = u; *p;) {
		const char *q;
		if (strncmp(p, "=?UTF-8?B?", 10) == 0 && (q = strstr(p + 10, "?=")) != NULL) {
			size_t n = 0, wl = (size_t)(q + 2 - p);
			unsigned char bin[128];
			/* The white space before this word goes when a word came before.
			 */
			if (last_word)
				o = after_word;
			if (sodium_base642bin(bin, sizeof bin, p + 10, (size_t)(q - p - 10), NULL,
					      &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
			    !utf8_valid(bin, n))
				w->bad++;
			memcpy(out + o, bin, n);
			o += n;
			w->count++;
			if ((int)wl > w->max_len)
				w->max_len = (int)wl;
			p = q + 2;
			last_word = 1;
			after_word = o;
			continue;
		}
		if (*p != ' ' && *p != '\t')
			last_word = 0;
		out[o++] = *p++;
	}
	out[o] = '\0';
	free(u);
	return out;
}

/* Longest line (CRLF not counted); *bare counts LFs without CR and CRs
 * without LF. */
static size_t longest_line(const char *s, size_t len, int *bare)
{
	size_t best = 0, cur = 0;

	*bare = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
			if (cur > best)
				best = cur;
			cur = 0;
			i++;
		} else if (s[i] == '\r' || s[i] == '\n') {
			(*bare)++;
			cur++;
		} else
			cur++;
	}
	return cur > best ? cur : best;
}

/* n copies of piece into out (cut to fit). */
static void repeat(char *out, size_t sz, const char *piece, int n)
{
	size_t o = 0, len = strlen(piece);

	for (int i = 0; i < n && o + len < sz; i++, o += len)
		memcpy(out + o, piece, len);
	out[o] = '\0';
}

/* s with every lone LF made CRLF (what QP decoding gives back); the caller
 * frees it. */
static char *crlf(const char *s, size_t len, size_t *outlen)
{
	char *o = malloc(len * 2 + 1);
	size_t k = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			o[k++] = '\r';
		o[k++] = s[i];
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}

/* ---- RFC 2047 ---- */

static void test_hdr(void)
{
	char *e, *d;
	struct words w;
	int bare;

	e = mail_hdr_encode("Your client portal access", 9);
	is_str(e, "Your client portal access", "2047: printable ASCII comes back untouched");
	free(e);
	e = mail_hdr_encode("", 9);
	is_str(e, "", "2047: the empty value stays empty");
	free(e);

	const char *lng = "Demo Field Services has given you access to its client portal, "
			  "which you can open from the direct link in this message at any time";
	e = mail_hdr_encode(lng, 9);
	ok(strstr(e, "=?") == NULL, "2047: long ASCII is not encoded");
	ok(strstr(e, "\r\n ") != NULL, "2047: long ASCII is folded before a space");
	d = decode_2047(e, &w);
	is_str(d, lng, "2047: long ASCII unfolds to the original");
	ok(9 + longest_line(e, strlen(e), &bare) <= 78 && bare == 0,
	   "2047: folded ASCII lines stay within 78 columns, CRLF only");
	free(d);
	free(e);

	e = mail_hdr_encode("Caf\xc3\xa9 Z\xc3\xbcrich", 9);
	ok(strncmp(e, "=?UTF-8?B?", 10) == 0, "2047: UTF-8 becomes an encoded-word (%s)", e);
	d = decode_2047(e, &w);
	is_str(d, "Caf\xc3\xa9 Z\xc3\xbcrich", "2047: UTF-8 decodes to the original");
	ok(w.count == 1 && w.bad == 0, "2047: a short value is one encoded-word");
	free(d);
	free(e);

	/* Long, with 2-, 3- and 4-byte characters so that word ends fall
	 * inside multi-byte sequences if the encoder is careless. */
	static const char piece[] = "Gr\xc3\xbc\xc3\x9f"
				    "e aus K\xc3\xb6ln \xe2\x82\xac \xf0\x9f\x94\x91 ";
	char big[1200];
	repeat(big, sizeof big, piece, 12);
	e = mail_hdr_encode(big, 9);
	d = decode_2047(e, &w);
	is_str(d, big, "2047: a long UTF-8 value decodes to the original");
	ok(w.count > 5, "2047: a long value is split into several encoded-words (%d)", w.count);
	ok(w.max_len <= 75, "2047: no encoded-word is longer than 75 characters (longest %d)",
	   w.max_len);
	ok(w.bad == 0, "2047: every encoded-word holds whole UTF-8 characters");
	{
		size_t first = strcspn(e, "\r");
		ok(9 + first <= 76 && longest_line(e, strlen(e), &bare) <= 76 && bare == 0,
		   "2047: lines with encoded-words are at most 76 characters, folded "
		   "with CRLF");
		int folds_ok = 1;
		for (const char *p = e; (p = strstr(p, "\r\n")) != NULL; p += 2)
			folds_ok &= p[2] == ' ';
		ok(folds_ok, "2047: every line break is followed by a space (folding)");
	}
	free(d);
	free(e);

	e = mail_hdr_encode("Hello\r\nBcc: victim@example.com", 9);
	d = decode_2047(e, &w);
	is_str(d, "Hello  Bcc: victim@example.com",
	       "2047: CR and LF become spaces: a value cannot start a header");
	free(d);
	free(e);

	e = mail_hdr_encode("bad \xff byte", 9);
	d = decode_2047(e, &w);
	is_str(d, "bad \xef\xbf\xbd byte", "2047: invalid UTF-8 becomes U+FFFD");
	free(d);
	free(e);

	e = mail_hdr_encode("literal =?UTF-8?B?eA==?= text", 9);
	d = decode_2047(e, &w);
	ok(strncmp(e, "=?UTF-8?B?", 10) == 0,
	   "2047: ASCII that looks like an encoded-word is encoded");
	is_str(d, "literal =?UTF-8?B?eA==?= text", "2047: ... and decodes to itself");
	free(d);
	free(e);

	e = mail_hdr_encode("\xc3\xa9t\xc3\xa9", 70);
	ok(strncmp(e, "\r\n =?UTF-8?B?", 13) == 0,
	   "2047: after a long header name the value starts on a folded line");
	free(e);
}

static void test_addr(void)
{
	char *e, *d;
	struct words w;

	e = mail_addr_encode("Gatehouse", "no-reply@gatehouse.test", 6);
	is_str(e, "Gatehouse <no-reply@gatehouse.test>", "from: an atom name as it is");
	free(e);
	e = mail_addr_encode("Acme, Inc. \"Ops\"", "a@b.example", 6);
	is_str(e, "\"Acme, Inc. \\\"Ops\\\"\" <a@b.example>",
	       "from: specials make a quoted string");
	free(e);
	e = mail_addr_encode("", "a@b.example", 6);
	is_str(e, "<a@b.example>", "from: no name, just the address");
	free(e);
	e = mail_addr_encode("Caf\xc3\xa9 Gatehouse", "a@b.example", 6);
	d = decode_2047(e, &w);
	ok(strncmp(e, "=?UTF-8?B?", 10) == 0 && strstr(e, " <a@b.example>") != NULL,
	   "from: a UTF-8 name is encoded, the address is not (%s)", e);
	is_str(d, "Caf\xc3\xa9 Gatehouse <a@b.example>", "from: the name decodes");
	free(d);
	free(e);

	static const char *good[] = {"franco@coolair.example.com", "a+b@x.y", "o'neil@x.example"};
	static const char *bad[] = {
		"",        "@x.y",  "a@",           "no-at-sign", "a b@x.y", "a@x.y\r\nBcc: v@x",
		"<a@x.y>", "a@b@c", "\xc3\xa9@x.y", "a,b@x.y",    "a\"@x.y"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		ok(mail_addr_ok(good[i]), "addr_ok accepts %s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ok(!mail_addr_ok(bad[i]), "addr_ok refuses bad address #%zu", i);
}

/* ---- body encodings ---- */

static void qp_case(const char *name, const char *in, size_t len)
{
	size_t elen = 0, dlen = 0, wlen = 0;
	char *e = mail_qp_encode(in, len, &elen);
	char *d = e ? mail_qp_decode(e, elen, &dlen) : NULL;
	char *want = crlf(in, len, &wlen);
	int bare = 0, clean = 1;

	ok(d != NULL && dlen == wlen && memcmp(d, want, wlen) == 0, "qp round trip: %s", name);
	ok(e != NULL && longest_line(e, elen, &bare) <= 76 && bare == 0,
	   "qp: %s: lines <= 76, CRLF only", name);
	for (size_t i = 0; e != NULL && i < elen; i++) {
		unsigned char c = (unsigned char)e[i];
		if ((c < 0x20 && c != '\r' && c != '\n') || c > 0x7e)
			clean = 0;
		if (c == '\r' && i > 0 && (e[i - 1] == ' ' || e[i - 1] == '\t'))
			clean = 0; /* trailing white space */
		if ((i == 0 || e[i - 1] == '\n') && c == '.')
			clean = 0;
	}
	ok(clean, "qp: %s: printable ASCII, no trailing white space, no leading dot", name);
	free(e);
	free(d);
	free(want);
}

static void test_qp(void)
{
	size_t n;
	char *e;
	char all[256], longline[400];

	e = mail_qp_encode("a=b caf\xc3\xa9 end ", 14, &n);
	is_str(e, "a=3Db caf=C3=A9 end=20", "qp: '=', UTF-8 and trailing space encoded");
	free(e);
	e = mail_qp_encode("line\n.dot\r\nx", 12, &n);
	is_str(e, "line\r\n=2Edot\r\nx", "qp: LF and CRLF become CRLF; a leading dot is encoded");
	free(e);

	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	memset(longline, 'x', sizeof longline);
	for (size_t i = 70; i < sizeof longline; i += 77)
		longline[i] = '.';
	qp_case("every byte", all, sizeof all);
	qp_case("a 400-character line", longline, sizeof longline);
	qp_case("UTF-8 text with LF",
		"Gr\xc3\xbc\xc3\x9f"
		"e\n\nZeile zwei \xe2\x82\xac\n",
		24);
	qp_case("trailing tab before LF", "a\t\nb \n", 6);
	qp_case("lone CR", "a\rb\r", 4);
	qp_case("empty", "", 0);
	char eqs[200];
	memset(eqs, '=', sizeof eqs);
	qp_case("200 equals signs", eqs, sizeof eqs);
}

static void test_b64(void)
{
	size_t n = 0, dn = 0;
	char *e = mail_b64_encode((const unsigned char *)"hello", 5, &n);
	unsigned char *d;
	unsigned char rnd[700];
	int bare;

	is_str(e, "aGVsbG8=", "b64: known answer");
	free(e);
	randombytes_buf(rnd, sizeof rnd);
	for (size_t len = 0; len <= sizeof rnd; len += len < 10 ? 1 : 97) {
		e = mail_b64_encode(rnd, len, &n);
		d = mail_b64_decode(e, n, &dn);
		ok(d != NULL && dn == len && memcmp(d, rnd, len) == 0 &&
			   longest_line(e, n, &bare) <= 76 && bare == 0,
		   "b64 round trip of %zu bytes, lines <= 76", len);
		free(e);
		free(d);
	}
	ok(mail_b64_decode("a*b=", 4, &dn) == NULL, "b64: not base64 is refused");
}

static void test_id_date(void)
{
	char a[MAIL_ID_MAX], b[MAIL_ID_MAX], d[40];
	size_t i;

	ok(mail_message_id("no-reply@gatehouse.test", a, sizeof a) == 0 &&
		   mail_message_id("no-reply@gatehouse.test", b, sizeof b) == 0,
	   "message-id: made");
	for (i = 1; i < 33 && strchr("0123456789abcdef", a[i]) != NULL; i++)
		;
	ok(a[0] == '<' && i == 33 && strcmp(a + 33, "@gatehouse.test>") == 0,
	   "message-id: <32 hex@domain of from_address> (%s)", a);
	ok(strcmp(a, b) != 0, "message-id: random each time");
	ok(mail_message_id("x@y", a, 10) == -1, "message-id: too small a buffer is refused");
	ok(mail_date(0, d, sizeof d) == 0, "date: made");
	is_str(d, "Thu, 01 Jan 1970 00:00:00 +0000", "date: the epoch");
	mail_date(1795513500, d, sizeof d);
	is_str(d, "Tue, 24 Nov 2026 09:45:00 +0000", "date: RFC 5322 form");
	mail_date(951782400 + 86399, d, sizeof d);
	is_str(d, "Tue, 29 Feb 2000 23:59:59 +0000", "date: a leap day");
}

/* ---- whole messages ---- */

/* The value of header name in the header block hdr (unfolded copy in out). */
static int header(const char *hdr, const char *name, char *out, size_t sz)
{
	size_t nl = strlen(name);
	for (const char *p = hdr; *p;) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			size_t o = 0;
			p += nl + 1;
			while (*p == ' ')
				p++;
			while (*p && o + 1 < sz) {
				if (p[0] == '\r' && p[1] == '\n') {
					if (p[2] != ' ' && p[2] != '\t')
						break;
					p += 2;
					continue;
				}
				out[o++] = *p++;
			}
			out[o] = '\0';
			return 1;
		}
		p = strstr(p, "\r\n");
		if (p == NULL)
			break;
		p += 2;
	}
	return 0;
}

/* Finds the part of type ctype between the boundaries and decodes it. */
static char *part(const char *body, const char *boundary, const char *ctype, size_t *len)
{
	char delim[100], v[200], cte[64];
	const char *p, *end, *hdr_end;
	char *hdr;

	snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	for (p = strstr(body, delim); p != NULL; p = end) {
		p += strlen(delim);
		if (strncmp(p, "--", 2) == 0)
			return NULL;
		p += 2; /* CRLF */
		end = strstr(p, delim);
		hdr_end = strstr(p, "\r\n\r\n");
		if (end == NULL || hdr_end == NULL || hdr_end > end)
			return NULL;
		hdr = strndup(p, (size_t)(hdr_end - p + 2));
		int match = header(hdr, "Content-Type", v, sizeof v) &&
			    strncmp(v, ctype, strlen(ctype)) == 0 &&
			    strstr(v, "charset=UTF-8") != NULL &&
			    header(hdr, "Content-Transfer-Encoding", cte, sizeof cte);
		free(hdr);
		if (!match)
			continue;
		const char *data = hdr_end + 4;
		if (strcmp(cte, "quoted-printable") == 0)
			return mail_qp_decode(data, (size_t)(end - data), len);
		if (strcmp(cte, "base64") == 0)
			return (char *)mail_b64_decode(data, (size_t)(end - data), len);
		return NULL;
	}
	return NULL;
}

static void test_build(void)
{
	const char *text = "Hello,\n\nCaf\xc3\xa9 has given you access.\n"
			   "https://portal.example.com/portal/demo/set-password?token=" TOKEN "\n";
	const char *html = "<!DOCTYPE html><html><body><p>Caf\xc3\xa9</p><a href=\"x\">"
			   "https://portal.example.com/portal/demo/set-password?token=" TOKEN
			   "</a></body></html>";
	const char *subject =
		"Zugang zum Kundenportal von Caf\xc3\xa9 Z\xc3\xbcrich \xc3\x96lservice "
		"GmbH & S\xc3\xb6hne (Niederlassung M\xc3\xbcnchen)";
	char id[MAIL_ID_MAX], v[1000], boundary[100];
	struct mail_msg m = {
		.from_name = "Gatehouse \xc3\x9c",
		.from_addr = "no-reply@gatehouse.test",
		.to = "franco@coolair.example.com",
		.subject = subject,
		.message_id = id,
		.date = 1795513500,
		.text = text,
		.textlen = strlen(text),
		.html = html,
		.htmllen = strlen(html),
	};
	char *msg = NULL, *hdr, *t, *h, *want, *d;
	size_t len = 0, tl = 0, hl = 0, wl = 0;
	int bare = 0;
	struct words w;

	mail_message_id(m.from_addr, id, sizeof id);
	is_int(mail_build(&m, &msg, &len), MAIL_OK, "build: a message is made");
	if (msg == NULL)
		return;
	ok(strlen(msg) == len, "build: the length is right");
	ok(longest_line(msg, len, &bare) <= 998, "build: every line is at most 998 characters");
	is_int(bare, 0, "build: CRLF line ends only, no bare LF or CR");
	ok(len >= 2 && memcmp(msg + len - 2, "\r\n", 2) == 0, "build: ends with CRLF");
	const char *sep = strstr(msg, "\r\n\r\n");
	ok(sep != NULL, "build: a blank line ends the header block");
	if (sep == NULL)
		goto out;
	hdr = strndup(msg, (size_t)(sep - msg + 2));
	ok(header(hdr, "Date", v, sizeof v) && strcmp(v, "Tue, 24 Nov 2026 09:45:00 +0000") == 0,
	   "build: Date");
	ok(header(hdr, "To", v, sizeof v) && strcmp(v, "franco@coolair.example.com") == 0,
	   "build: To");
	ok(header(hdr, "Message-ID", v, sizeof v) && strcmp(v, id) == 0, "build: Message-ID");
	ok(header(hdr, "MIME-Version", v, sizeof v) && strcmp(v, "1.0") == 0,
	   "build: MIME-Version");
	ok(header(hdr, "From", v, sizeof v), "build: From");
	d = decode_2047(v, &w);
	is_str(d, "Gatehouse \xc3\x9c <no-reply@gatehouse.test>", "build: From decodes");
	free(d);
	ok(header(hdr, "Subject", v, sizeof v), "build: Subject");
	d = decode_2047(v, &w);
	is_str(d, subject, "build: Subject decodes to the original");
	ok(w.count >= 2 && w.max_len <= 75 && w.bad == 0,
	   "build: the Subject is folded into encoded-words of <= 75 characters");
	free(d);
	ok(strstr(hdr, "\r\nBcc") == NULL && strncmp(hdr, "Bcc", 3) != 0, "build: no stray header");
	ok(header(hdr, "Content-Type", v, sizeof v) &&
		   strncmp(v, "multipart/alternative;", 22) == 0,
	   "build: multipart/alternative");
	const char *bq = strstr(v, "boundary=\"");
	ok(bq != NULL, "build: with a boundary parameter");
	if (bq == NULL) {
		free(hdr);
		goto out;
	}
	snprintf(boundary, sizeof boundary, "%.*s", (int)strcspn(bq + 10, "\""), bq + 10);
	free(hdr);
	{
		char delim[120];
		int n = 0;
		snprintf(delim, sizeof delim, "\r\n--%s\r\n", boundary);
		for (const char *p = msg; (p = strstr(p, delim)) != NULL; p++)
			n++;
		is_int(n, 2, "build: two parts");
		snprintf(delim, sizeof delim, "\r\n--%s--\r\n", boundary);
		ok(strstr(msg, delim) != NULL, "build: the closing boundary");
	}
	t = part(sep, boundary, "text/plain", &tl);
	h = part(sep, boundary, "text/html", &hl);
	want = crlf(text, strlen(text), &wl);
	ok(t != NULL && tl == wl && memcmp(t, want, wl) == 0, "build: the text part decodes back");
	ok(h != NULL && hl == strlen(html) && memcmp(h, html, hl) == 0,
	   "build: the HTML part decodes back");
	free(t);
	free(h);
	free(want);
	mail_wipe_free(msg, len);
	msg = NULL;

	/* Mostly non-Latin text: base64 is shorter, and must decode as well. */
	char jp[900];
	repeat(jp, sizeof jp, "\xe3\x83\x9d\xe3\x83\xbc\xe3\x82\xbf\xe3\x83\xab\xe3\x81\xb8\n", 40);
	m.text = jp;
	m.textlen = strlen(jp);
	is_int(mail_build(&m, &msg, &len), MAIL_OK, "build: a Japanese text part");
	ok(msg != NULL && strstr(msg, "Content-Transfer-Encoding: base64") != NULL,
	   "build: mostly non-ASCII goes out as base64");
	if (msg != NULL && (sep = strstr(msg, "\r\n\r\n")) != NULL) {
		const char *bp = strstr(msg, "boundary=\"") + 10;
		snprintf(boundary, sizeof boundary, "%.*s", (int)strcspn(bp, "\""), bp);
		t = part(sep, boundary, "text/plain", &tl);
		want = crlf(jp, strlen(jp), &wl);
		ok(t != NULL && tl == strlen(jp) && memcmp(t, jp, tl) == 0,
		   "build: the base64 part decodes back");
		ok(longest_line(msg, len, &bare) <= 998 && bare == 0, "build: base64 lines fine");
		free(t);
		free(want);
	} else {
		ok(0, "build: the base64 part decodes back");
		ok(0, "build: base64 lines fine");
	}
	mail_wipe_free(msg, len);
	msg = NULL;

	m.to = "victim@example.com\r\nBcc: other@example.com";
	is_int(mail_build(&m, &msg, &len), MAIL_INVALID, "build: a bad recipient is refused");
	ok(msg == NULL, "build: ... and nothing is returned");
	m.to = "franco@coolair.example.com";
	m.subject = "Hi\r\nBcc: other@example.com";
	mail_build(&m, &msg, &len);
	ok(msg != NULL && strstr(msg, "\r\nBcc:") == NULL, "build: a subject cannot add a header");
out:
	mail_wipe_free(msg, len);
}

/* ---- the invitation stylesheets ---- */

static const char *payload(const char *company, const char *days)
{
	static char buf[2048];
	snprintf(buf, sizeof buf,
		 "<mail kind=\"invitation\"><tenant-name>Demo Field Services</tenant-name>"
		 "<company>%s</company><login>franco@coolair.example.com</login>"
		 "<direct-link>http://127.0.0.1:8080/portal/demo/</direct-link>"
		 "<link-base>http://127.0.0.1:8080/portal/demo/set-password?token=</link-base>"
		 "<valid-days>%s</valid-days></mail>",
		 company, days);
	return buf;
}

/* mail_body_free(NULL), of an empty body (twice: it must stay empty) and
 * mail_wipe_free(NULL, n): none may touch memory it was not given. */
static void free_nothing(void *arg)
{
	struct mail_body b = {0};

	(void)arg;
	mail_body_free(NULL);
	mail_body_free(&b);
	mail_body_free(&b);
	mail_wipe_free(NULL, 0);
	mail_wipe_free(NULL, 64);
	_exit(b.text == NULL && b.html == NULL && b.textlen == 0 ? 0 : 3);
}

static void test_render(void)
{
	char dir[1024], err[200];
	struct mail_body b;
	const char *link = "http://127.0.0.1:8080/portal/demo/set-password?token=" TOKEN;
	enum mail_result rc;

	snprintf(dir, sizeof dir, "%s/xslt", env_or_dot());
	ok(render_init(dir, mail_sheets) == 0, "render: the mail stylesheets compile");

	rc = mail_render("invitation", payload("Cool Air", "7"), TOKEN, &b, err, sizeof err);
	is_int(rc, MAIL_OK, "render: an invitation renders");
	if (rc == MAIL_OK) {
		ok(strncmp(b.text, "Hello,", 6) == 0, "text: a greeting");
		ok(strstr(b.text,
			  "Demo Field Services has given you access to its client portal") != NULL,
		   "text: who gives access to what");
		ok(strstr(b.text, "franco@coolair.example.com") != NULL, "text: the login");
		ok(strstr(b.text, "http://127.0.0.1:8080/portal/demo/\n") != NULL,
		   "text: the direct link");
		ok(strstr(b.text, link) != NULL, "text: the set-password link with the token");
		ok(strstr(b.text, "valid for 7 days") != NULL, "text: valid for 7 days");
		ok(strstr(b.text, "never sends passwords by email") != NULL,
		   "text: the password note");
		ok(strchr(b.text, '<') == NULL, "text: no markup");
		ok(strstr(b.html, "<!DOCTYPE html") != NULL && strstr(b.html, "<style") != NULL,
		   "html: a document with its CSS inside");
		ok(strstr(b.html, "Demo Field Services</strong> has given you access to "
				  "its client portal") != NULL,
		   "html: who gives access to what");
		char href[300];
		snprintf(href, sizeof href, "href=\"%s\"", link);
		ok(strstr(b.html, href) != NULL, "html: the set-password link with the token");
		ok(strstr(b.html, "href=\"http://127.0.0.1:8080/portal/demo/\"") != NULL,
		   "html: the direct link");
		ok(strstr(b.html, "valid for 7 days") != NULL, "html: valid for 7 days");
		ok(strstr(b.html, "never sends passwords by email") != NULL,
		   "html: the password note");
	}
	mail_body_free(&b);

	rc = mail_render("invitation",
			 payload("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co", "1"), TOKEN, &b,
			 err, sizeof err);
	ok(rc == MAIL_OK && strstr(b.html, "<script>") == NULL &&
		   strstr(b.html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co") != NULL,
	   "html: markup in a value is escaped");
	ok(rc == MAIL_OK && strstr(b.text, "<script>alert(1)</script> & Co") != NULL,
	   "text: values as they are");
	ok(rc == MAIL_OK && strstr(b.text, "valid for 1 day ") != NULL, "text: valid for 1 day");
	mail_body_free(&b);

	rc = mail_render("invitation", payload("Cool Air", "7"), NULL, &b, err, sizeof err);
	ok(rc == MAIL_OK && strstr(b.text, "set-password") == NULL &&
		   strstr(b.html, "set-password") == NULL,
	   "render: without a token there is no set-password link");
	mail_body_free(&b);

	/* The office users' password reset (issue 12). */
	rc = mail_render(
		"office-reset",
		"<mail kind=\"office-reset\"><tenant-name>Demo Field Services</tenant-name>"
		"<login>ada@demo.test</login>"
		"<sign-in-link>http://127.0.0.1:8080/settings/login</sign-in-link>"
		"<link-base>http://127.0.0.1:8080/settings/reset?token=</link-base>"
		"<valid-minutes>60</valid-minutes></mail>",
		TOKEN, &b, err, sizeof err);
	ok(rc == MAIL_OK, "render: an office reset renders (%s)", err);
	if (rc == MAIL_OK) {
		ok(strstr(b.text, "http://127.0.0.1:8080/settings/reset?token=" TOKEN) != NULL &&
			   strstr(b.text, "valid for 60 minutes") != NULL &&
			   strstr(b.text, "ada@demo.test") != NULL && strchr(b.text, '<') == NULL,
		   "office reset, text: the login, the link with the token, an hour");
		ok(strstr(b.html, "href=\"http://127.0.0.1:8080/settings/reset?token=" TOKEN
				  "\"") != NULL &&
			   strstr(b.html, "<style") != NULL &&
			   strstr(b.html, "sent by Gatehouse") != NULL,
		   "office reset, html: the link, inside the shared mail frame");
	}
	mail_body_free(&b);

	/* The dormant account's warning (issue 15): no secret, the sign-in link. */
	rc = mail_render("dormant",
			 "<mail kind=\"dormant\" account=\"office\"><tenant-name>Demo Field "
			 "Services</tenant-name><login>ada@demo.test</login>"
			 "<sign-in-link>http://127.0.0.1:8080/settings/login</sign-in-link>"
			 "<days>83</days></mail>",
			 NULL, &b, err, sizeof err);
	ok(rc == MAIL_OK, "render: a dormant warning renders (%s)", err);
	if (rc == MAIL_OK) {
		ok(strstr(b.text, "office account ada@demo.test") != NULL &&
			   strstr(b.text, "not been used for 83 days") != NULL &&
			   strstr(b.text, "http://127.0.0.1:8080/settings/login") != NULL &&
			   strchr(b.text, '<') == NULL,
		   "dormant, text: the account, the days, the sign-in link");
		ok(strstr(b.html, "href=\"http://127.0.0.1:8080/settings/login\"") != NULL &&
			   strstr(b.html, "deactivated in a week") != NULL &&
			   strstr(b.html, "sent by Gatehouse") != NULL,
		   "dormant, html: the sign-in button, inside the shared mail frame");
	}
	mail_body_free(&b);

	rc = mail_render("newsletter", payload("Cool Air", "7"), NULL, &b, err, sizeof err);
	ok(rc == MAIL_INVALID && strstr(err, "unknown mail kind 'newsletter'") != NULL &&
		   b.text == NULL,
	   "render: an unknown kind is refused for good (%s)", err);
	rc = mail_render("caf\xc3\xa9", payload("Cool Air", "7"), NULL, &b, err, sizeof err);
	ok(rc == MAIL_INVALID && strstr(err, "'(not ASCII)'") != NULL,
	   "render: a non-ASCII kind is not quoted into the error (%s)", err);
	rc = mail_render("invitation", "<mail><oops></mail>", NULL, &b, err, sizeof err);
	ok(rc == MAIL_INVALID && strstr(err, "well-formed") != NULL,
	   "render: a broken payload is refused for good (%s)", err);
	rc = mail_render("invitation", "<page/>", NULL, &b, err, sizeof err);
	ok(rc == MAIL_INVALID, "render: a payload whose root is not <mail> is refused");
	rc = mail_render("invitation", "<mail kind=\"invitation\"/>", TOKEN, &b, err, sizeof err);
	ok(rc == MAIL_INVALID && strstr(err, "link-base") != NULL && strstr(err, TOKEN) == NULL,
	   "render: a token without <link-base> is refused, the token not quoted (%s)", err);
	ok(tap_survives(free_nothing, NULL),
	   "free functions accept NULL and an empty body (in a child: no crash)");
	render_free();
}

/* The whole file, NUL-terminated (caller frees), or NULL. */
static char *slurp_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *t = NULL;
	long n;

	if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (t = malloc((size_t)n + 1)) != NULL) {
		if (fread(t, 1, (size_t)n, f) != (size_t)n) {
			free(t);
			t = NULL;
		} else
			t[n] = '\0';
	}
	if (f != NULL)
		fclose(f);
	return t;
}

/* Every kind's HTML part is the shared frame (mail-html.xsl) with its own
 * title and body: imported, never copied (one style block, one footer). */
static void test_frame_imported(void)
{
	char dir[600], path[1200];
	DIR *d;
	struct dirent *e;
	int kinds = 0, imported = 0;

	snprintf(dir, sizeof dir, "%s/xslt/mail", env_or_dot());
	if ((d = opendir(dir)) == NULL) {
		ok(0, "%s opens", dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char *t;
		if (n < 9 || strcmp(e->d_name + n - 9, "-html.xsl") != 0 ||
		    strcmp(e->d_name, "mail-html.xsl") == 0)
			continue;
		kinds++;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if ((t = slurp_file(path)) == NULL)
			continue;
		if (strstr(t, "<xsl:import href=\"mail-html.xsl\"/>") != NULL &&
		    strstr(t, "<style") == NULL)
			imported++;
		else
			diag("%s copies the frame instead of importing mail-html.xsl", e->d_name);
		free(t);
	}
	closedir(d);
	ok(kinds >= 4 && imported == kinds,
	   "every kind's HTML part imports the shared frame (%d of %d)", imported, kinds);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	xmlInitParser();
	test_hdr();
	test_addr();
	test_qp();
	test_b64();
	test_id_date();
	test_build();
	test_render();
	test_frame_imported();
	xmlCleanupParser();
	return done_testing();
}
