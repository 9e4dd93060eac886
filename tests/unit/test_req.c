/* Unit tests for fcgi/core/req.c: percent-decoding, the UTF-8 check, urlencoded
 * forms and Cookie headers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"
#include "lib/testonly.h"
#include "tap.h"

/* A literal with its length, so that tables can hold embedded NULs. */
#define L(s) s, sizeof(s) - 1

static const char *rcname(enum req_result rc)
{
	switch (rc) {
	case REQ_OK: return "REQ_OK";
	case REQ_BAD: return "REQ_BAD";
	case REQ_TOO_LARGE: return "REQ_TOO_LARGE";
	case REQ_NOMEM: return "REQ_NOMEM";
	}
	return "?";
}

#define show(s, len) tap_show((s), (len))

/* ------------------------------------------------------------------ */
/* req_urldecode                                                       */
/* ------------------------------------------------------------------ */

static void test_urldecode(void)
{
	static const struct {
		const char *in;
		const char *want;
		size_t wantlen;
	} good[] = {
		{"", L("")},
		{"abc", L("abc")},
		{"a+b", L("a b")},
		{"++", L("  ")},
		{"%41", L("A")},
		{"%4a%4A", L("JJ")},
		{"%2B", L("+")},
		{"%2b%2B", L("++")},
		{"%25", L("%")},
		{"%2541", L("%41")}, /* decoded once only */
		{"100%25+sure", L("100% sure")},
		{"a=b&c", L("a=b&c")}, /* no special meaning here */
		{"%09", L("\t")},
		{"%0A", L("\n")},
		{"%0d%0a", L("\r\n")},
		{"tab%09and%0Anewline", L("tab\tand\nnewline")},
		{"%7E", L("~")},
		{"%20", L(" ")},
		{"%C3%A9", L("\xc3\xa9")},               /* e-acute */
		{"\xc3\xa9", L("\xc3\xa9")},             /* raw UTF-8 passes through */
		{"%C2%A0", L("\xc2\xa0")},               /* U+00A0, first after the C1 block */
		{"%DF%BF", L("\xdf\xbf")},               /* U+07FF, last 2-byte */
		{"%E0%A0%80", L("\xe0\xa0\x80")},        /* U+0800, first 3-byte */
		{"%E2%82%AC", L("\xe2\x82\xac")},        /* euro sign */
		{"%ED%9F%BF", L("\xed\x9f\xbf")},        /* U+D7FF, just below the surrogates */
		{"%EE%80%80", L("\xee\x80\x80")},        /* U+E000, just above */
		{"%EF%BF%BD", L("\xef\xbf\xbd")},        /* U+FFFD */
		{"%F0%90%80%80", L("\xf0\x90\x80\x80")}, /* U+10000, first 4-byte */
		{"%F0%9F%98%80", L("\xf0\x9f\x98\x80")}, /* emoji */
		{"\xf0\x9f\x98\x80", L("\xf0\x9f\x98\x80")},
		{"%F4%8F%BF%BF", L("\xf4\x8f\xbf\xbf")}, /* U+10FFFF, the last */
		{"%f0%9f%98%80+%e2%82%ac", L("\xf0\x9f\x98\x80 \xe2\x82\xac")},
	};
	static const char *const bad[] = {
		"%zz",
		"%4",
		"%",
		"a%",
		"%4g",
		"%g4",
		"%%41",
		"a%4",
		"%+1",
		"%-1",
		"% 41",
		/* NUL and other C0 controls, DEL */
		"%00",
		"a%00b",
		"%01",
		"%08",
		"%0B",
		"%0C",
		"%1F",
		"%7F",
		"\x01",
		"\x1f",
		"\x7f",
		/* overlong forms */
		"%C0%AF",
		"%C0%80",
		"%C1%BF",
		"%E0%80%AF",
		"%E0%9F%BF",
		"%F0%80%80%AF",
		"%F0%8F%BF%BF",
		/* UTF-16 surrogates */
		"%ED%A0%80",
		"%ED%AF%BF",
		"%ED%B0%80",
		"%ED%BF%BF",
		"%ED%A0%BD%ED%B8%80",
		/* past U+10FFFF, and bytes never used */
		"%F4%90%80%80",
		"%F5%80%80%80",
		"%F7%BF%BF%BF",
		"%F8%88%80%80%80",
		"%FE",
		"%FF",
		"\xff",
		"\xfe",
		/* C1 controls */
		"%C2%80",
		"%C2%85",
		"%C2%9F",
		/* the noncharacters XML forbids */
		"%EF%BF%BE",
		"%EF%BF%BF",
		/* broken sequences */
		"%80",
		"%BF",
		"\x80",
		"%C3",
		"a%C3",
		"%C3%28",
		"%C3A",
		"%E2%82",
		"%E2%28%A1",
		"%E2%82%28",
		"%F0%9F%98",
		"%F0%9F%98%28",
		"%F0%9F%98+",
		"%C3+",
	};
	char *out;
	size_t outlen;
	enum req_result rc;

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		outlen = 999;
		rc = req_urldecode(good[i].in, strlen(good[i].in), &out, &outlen);
		if (!ok(rc == REQ_OK && out != NULL && outlen == good[i].wantlen &&
				memcmp(out, good[i].want, outlen) == 0 && out[outlen] == '\0',
			"urldecode good '%s'", show(good[i].in, strlen(good[i].in))))
			diag("  got %s '%s' (%zu bytes)", rcname(rc),
			     out ? show(out, outlen) : "(null)", outlen);
		free(out);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		out = (char *)"sentinel";
		rc = req_urldecode(bad[i], strlen(bad[i]), &out, &outlen);
		if (!ok(rc == REQ_BAD && out == NULL, "urldecode bad '%s' -> REQ_BAD, *out NULL",
			show(bad[i], strlen(bad[i]))))
			diag("  got %s", rcname(rc));
		if (rc == REQ_OK)
			free(out);
	}

	/* len is honoured, not the NUL. */
	rc = req_urldecode("%41BC", 3, &out, &outlen);
	ok(rc == REQ_OK && outlen == 1 && strcmp(out, "A") == 0, "urldecode stops at len");
	free(out);
	rc = req_urldecode("abc%4", 3, &out, &outlen);
	ok(rc == REQ_OK && outlen == 3 && strcmp(out, "abc") == 0,
	   "urldecode ignores a broken escape past len");
	free(out);
	/* An escape cut by len is truncated even though bytes follow. */
	out = NULL;
	rc = req_urldecode("%41", 2, &out, &outlen);
	is_int(rc, REQ_BAD, "urldecode '%4' (len cuts the escape) -> REQ_BAD");
	if (rc == REQ_OK)
		free(out);
	/* outlen may be NULL. */
	rc = req_urldecode("x%79z", 5, &out, NULL);
	ok(rc == REQ_OK && strcmp(out, "xyz") == 0, "urldecode with outlen NULL");
	free(out);
	/* Embedded raw NUL within len is refused. */
	out = NULL;
	rc = req_urldecode("a\0b", 3, &out, &outlen);
	is_int(rc, REQ_BAD, "urldecode raw NUL within len -> REQ_BAD");
	if (rc == REQ_OK)
		free(out);
}

/* ------------------------------------------------------------------ */
/* req_utf8_valid                                                      */
/* ------------------------------------------------------------------ */

static void test_utf8(void)
{
	static const struct {
		const char *s;
		size_t len;
		int want;
	} t[] = {
		{L(""), 1},
		{L("abc"), 1},
		{L(" ~"), 1},
		{L("\t\n\r"), 1},
		{L("\xc3\xa9"), 1},
		{L("\xc2\xa0"), 1},
		{L("\xdf\xbf"), 1},
		{L("\xe0\xa0\x80"), 1},
		{L("\xe2\x82\xac"), 1},
		{L("\xed\x9f\xbf"), 1},
		{L("\xee\x80\x80"), 1},
		{L("\xef\xbf\xbd"), 1},
		{L("\xef\xb7\x90"), 1}, /* U+FDD0: a noncharacter XML still allows */
		{L("\xf0\x90\x80\x80"), 1},
		{L("\xf0\x9f\x98\x80"), 1},
		{L("\xf4\x8f\xbf\xbf"), 1},
		{L("a\xc3\xa9z\xe2\x82\xac\xf0\x9f\x98\x80!"), 1},
		/* NUL, C0 controls other than tab/LF/CR, DEL */
		{L("\0"), 0},
		{L("a\0b"), 0},
		{L("\x01"), 0},
		{L("\x08"), 0},
		{L("\x0b"), 0},
		{L("\x0c"), 0},
		{L("\x1b"), 0},
		{L("\x1f"), 0},
		{L("\x7f"), 0},
		{L("ok\x7f"), 0},
		/* lone continuation bytes, invalid lead bytes */
		{L("\x80"), 0},
		{L("\xbf"), 0},
		{L("a\x80"), 0},
		{L("\xc0\x80"), 0},
		{L("\xc0\xaf"), 0},
		{L("\xc1\xbf"), 0},
		{L("\xf5\x80\x80\x80"), 0},
		{L("\xf8\x88\x80\x80\x80"), 0},
		{L("\xfc\x84\x80\x80\x80\x80"), 0},
		{L("\xfe"), 0},
		{L("\xff"), 0},
		/* truncated */
		{L("\xc3"), 0},
		{L("a\xc3"), 0},
		{L("\xe2\x82"), 0},
		{L("\xf0\x9f\x98"), 0},
		{L("\xf0\x9f"), 0},
		/* bad continuation */
		{L("\xc3\x28"), 0},
		{L("\xc3\xc3\xa9"), 0},
		{L("\xe2\x28\xa1"), 0},
		{L("\xe2\x82\x28"), 0},
		{L("\xf0\x28\x8c\xbc"), 0},
		{L("\xf0\x9f\x98\x28"), 0},
		/* overlong */
		{L("\xe0\x80\xaf"), 0},
		{L("\xe0\x9f\xbf"), 0},
		{L("\xf0\x80\x80\xaf"), 0},
		{L("\xf0\x8f\xbf\xbf"), 0},
		/* surrogates */
		{L("\xed\xa0\x80"), 0},
		{L("\xed\xad\xbf"), 0},
		{L("\xed\xb0\x80"), 0},
		{L("\xed\xbf\xbf"), 0},
		/* past U+10FFFF */
		{L("\xf4\x90\x80\x80"), 0},
		{L("\xf7\xbf\xbf\xbf"), 0},
		/* C1 controls */
		{L("\xc2\x80"), 0},
		{L("\xc2\x85"), 0},
		{L("\xc2\x9f"), 0},
		/* U+FFFE, U+FFFF */
		{L("\xef\xbf\xbe"), 0},
		{L("\xef\xbf\xbf"), 0},
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		ok(!!req_utf8_valid(t[i].s, t[i].len) == t[i].want, "utf8 %s '%s'",
		   t[i].want ? "valid" : "invalid", show(t[i].s, t[i].len));
	/* len is honoured: a truncated tail outside len does not count... */
	ok(req_utf8_valid("ab\xc3", 2), "utf8 stops at len");
	/* ...and a sequence cut by len is truncated. */
	ok(!req_utf8_valid("\xc3\xa9", 1), "utf8 sequence cut by len is invalid");
	ok(!req_utf8_valid("\xf0\x9f\x98\x80", 3), "utf8 4-byte sequence cut by len is invalid");
}

/* ------------------------------------------------------------------ */
/* req_parse_urlencoded                                                */
/* ------------------------------------------------------------------ */

static const struct req_limits lim = {.body_max = 65536, .fields_max = 4, .field_max = 16};

static enum req_result form(const char *s, struct req_pairs *p)
{
	memset(p, 0, sizeof *p);
	return req_parse_urlencoded(s, strlen(s), &lim, p);
}

/* Every pair: key non-empty, strlen(val) == vlen. */
static int pairs_sane(const struct req_pairs *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].key == NULL || p->v[i].key[0] == '\0' || p->v[i].val == NULL ||
		    strlen(p->v[i].val) != p->v[i].vlen)
			return 0;
	return 1;
}

static void test_urlencoded(void)
{
	struct req_pairs p;
	enum req_result rc;
	char buf[1024];

	/* Empty input and empty segments. */
	static const char *const none[] = {"", "&", "&&", "&&&&&&&&&&"};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
		rc = form(none[i], &p);
		ok(rc == REQ_OK && p.n == 0, "form '%s' -> no pairs", none[i]);
		req_pairs_free(&p);
	}

	rc = form("a", &p);
	ok(rc == REQ_OK && p.n == 1 && strcmp(p.v[0].key, "a") == 0 &&
		   strcmp(p.v[0].val, "") == 0 && p.v[0].vlen == 0,
	   "form 'a' -> a=\"\"");
	req_pairs_free(&p);

	rc = form("a=", &p);
	ok(rc == REQ_OK && p.n == 1 && strcmp(p.v[0].key, "a") == 0 && p.v[0].vlen == 0,
	   "form 'a=' -> a=\"\"");
	req_pairs_free(&p);

	rc = form("a=1&a=2", &p);
	ok(rc == REQ_OK && p.n == 2, "form 'a=1&a=2' keeps both");
	is_str(req_pairs_get(&p, "a"), "1", "req_pairs_get returns the first");
	is_int(req_pairs_count(&p, "a"), 2, "req_pairs_count a == 2");
	is_int(req_pairs_count(&p, "b"), 0, "req_pairs_count b == 0");
	ok(req_pairs_get(&p, "b") == NULL, "req_pairs_get missing -> NULL");
	ok(req_pairs_get(&p, "A") == NULL, "req_pairs_get is case-sensitive");
	ok(p.n == 2 && strcmp(p.v[1].val, "2") == 0, "second value kept in order");
	req_pairs_free(&p);

	rc = form("&&a=1&&b=two&&", &p);
	ok(rc == REQ_OK && p.n == 2, "empty segments skipped");
	is_str(req_pairs_get(&p, "a"), "1", "a == 1");
	is_str(req_pairs_get(&p, "b"), "two", "b == two");
	req_pairs_free(&p);

	rc = form("q=hello+world%21&e=%C3%A9&x=a%3Db&y=b=c", &p);
	ok(rc == REQ_OK && p.n == 4 && pairs_sane(&p), "decoded form parses");
	is_str(req_pairs_get(&p, "q"), "hello world!", "'+' and %21 decoded");
	is_str(req_pairs_get(&p, "e"), "\xc3\xa9", "UTF-8 value");
	ok(p.n == 4 && p.v[1].vlen == 2, "vlen counts bytes");
	is_str(req_pairs_get(&p, "x"), "a=b", "%3D in a value");
	is_str(req_pairs_get(&p, "y"), "b=c", "second '=' belongs to the value");
	req_pairs_free(&p);

	rc = form("a%3Db=1&k%5F=2", &p);
	ok(rc == REQ_OK && p.n == 2, "escaped printable key characters");
	is_str(req_pairs_get(&p, "a=b"), "1", "key 'a=b' from a%3Db");
	is_str(req_pairs_get(&p, "k_"), "2", "key 'k_' from k%5F");
	req_pairs_free(&p);

	rc = form("t=a%09b%0Ac%0D", &p);
	ok(rc == REQ_OK && p.n == 1, "tab/LF/CR allowed in a value");
	is_str(req_pairs_get(&p, "t"), "a\tb\nc\r", "tab/LF/CR decoded");
	req_pairs_free(&p);

	/* len is honoured. */
	memset(&p, 0, sizeof p);
	rc = req_parse_urlencoded("a=1&b=2", 3, &lim, &p);
	ok(rc == REQ_OK && p.n == 1 && req_pairs_get(&p, "b") == NULL, "form stops at len");
	req_pairs_free(&p);

	/* Appends to a list already holding pairs. */
	memset(&p, 0, sizeof p);
	rc = req_parse_urlencoded("a=1", 3, &lim, &p);
	if (rc == REQ_OK)
		rc = req_parse_urlencoded("b=2&a=3", 7, &lim, &p);
	ok(rc == REQ_OK && p.n == 3, "form parses append");
	is_int(req_pairs_count(&p, "a"), 2, "appended a counted twice");
	req_pairs_free(&p);

	/* Field count: 4 allowed, the 5th refused; empty segments do not count. */
	rc = form("a=1&b=2&c=3&d=4", &p);
	ok(rc == REQ_OK && p.n == 4, "fields_max fields accepted");
	req_pairs_free(&p);
	rc = form("&&&&&&&&a=1&b=2&&&c=3&d=4&&&&", &p);
	ok(rc == REQ_OK && p.n == 4, "empty segments do not count against fields_max");
	req_pairs_free(&p);
	rc = form("a=1&b=2&c=3&d=4&e=5", &p);
	is_int(rc, REQ_TOO_LARGE, "fields_max + 1 fields -> REQ_TOO_LARGE");
	req_pairs_free(&p);
	rc = form("a&a&a&a&a", &p);
	is_int(rc, REQ_TOO_LARGE, "5 bare keys -> REQ_TOO_LARGE");
	req_pairs_free(&p);

	/* Value length: field_max (16) decoded bytes. */
	rc = form("v=0123456789abcdef", &p);
	ok(rc == REQ_OK && p.n == 1 && p.v[0].vlen == 16, "value of field_max bytes accepted");
	req_pairs_free(&p);
	rc = form("v=0123456789abcdefg", &p);
	is_int(rc, REQ_TOO_LARGE, "value of field_max + 1 bytes -> REQ_TOO_LARGE");
	req_pairs_free(&p);
	rc = form("v=%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41", &p);
	ok(rc == REQ_OK && p.n == 1 && p.v[0].vlen == 16, "16 escaped bytes (48 encoded) accepted");
	req_pairs_free(&p);
	rc = form("v=%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41", &p);
	is_int(rc, REQ_TOO_LARGE, "17 escaped bytes -> REQ_TOO_LARGE");
	req_pairs_free(&p);
	rc = form("v=%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80", &p);
	ok(rc == REQ_OK && p.n == 1 && p.v[0].vlen == 16, "four emoji = 16 bytes accepted");
	req_pairs_free(&p);
	rc = form("v=%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80x", &p);
	is_int(rc, REQ_TOO_LARGE, "four emoji + 1 byte -> REQ_TOO_LARGE");
	req_pairs_free(&p);
	memset(buf, 'x', 600);
	memcpy(buf, "v=", 2);
	buf[600] = '\0';
	rc = form(buf, &p);
	is_int(rc, REQ_TOO_LARGE, "598-byte value -> REQ_TOO_LARGE");
	req_pairs_free(&p);

	/* Key length: 64 is the most. */
	memset(buf, 'k', 64);
	strcpy(buf + 64, "=1");
	rc = form(buf, &p);
	ok(rc == REQ_OK && p.n == 1 && strlen(p.v[0].key) == 64, "64-char key accepted");
	req_pairs_free(&p);
	memset(buf, 'k', 65);
	strcpy(buf + 65, "=1");
	rc = form(buf, &p);
	is_int(rc, REQ_BAD, "65-char key -> REQ_BAD");
	req_pairs_free(&p);
	memset(buf, 'k', 65);
	buf[65] = '\0';
	rc = form(buf, &p);
	is_int(rc, REQ_BAD, "65-char bare key -> REQ_BAD");
	req_pairs_free(&p);
	memset(buf, 'k', 900);
	strcpy(buf + 900, "=1");
	rc = form(buf, &p);
	ok(rc == REQ_BAD || rc == REQ_TOO_LARGE, "900-char key refused (%s)", rcname(rc));
	req_pairs_free(&p);

	/* A table of refused forms. */
	static const struct {
		const char *in;
		enum req_result want;
	} bad[] = {
		{"a b=1", REQ_BAD},
		{"a+b=1", REQ_BAD},
		{"a%20b=1", REQ_BAD},
		{" a=1", REQ_BAD},
		{"a =1", REQ_BAD},
		{"a%09=1", REQ_BAD},
		{"a%0A=1", REQ_BAD},
		{"a%0D=1", REQ_BAD},
		{"a%01=1", REQ_BAD},
		{"a%00=1", REQ_BAD},
		{"a%7F=1", REQ_BAD},
		{"a\x7f=1", REQ_BAD},
		{"a\t=1", REQ_BAD},
		{"%C3%A9=1", REQ_BAD},
		{"\xc3\xa9=1", REQ_BAD},
		{"%C2%A0=1", REQ_BAD},
		{"=1", REQ_BAD},
		{"=", REQ_BAD},
		{"ok=1&=2", REQ_BAD},
		{"%zz=1", REQ_BAD},
		{"a%=1", REQ_BAD},
		{"a=%zz", REQ_BAD},
		{"a=%", REQ_BAD},
		{"a=%4", REQ_BAD},
		{"a=1%", REQ_BAD},
		{"a=%00", REQ_BAD},
		{"a=x%00y", REQ_BAD},
		{"a=%01", REQ_BAD},
		{"a=%7F", REQ_BAD},
		{"a=%C0%AF", REQ_BAD},
		{"a=%ED%A0%80", REQ_BAD},
		{"a=%C2%80", REQ_BAD},
		{"a=%FF", REQ_BAD},
		{"a=%EF%BF%BF", REQ_BAD},
		{"a=\xff", REQ_BAD},
		{"a=\x01", REQ_BAD},
		{"a=1&b=%zz", REQ_BAD},
		{"a=1&b c=2", REQ_BAD},
		{"a=1&b=2&c=3&d=4&e=5", REQ_TOO_LARGE},
		{"a=11111111111111111", REQ_TOO_LARGE},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rc = form(bad[i].in, &p);
		if (!ok(rc == bad[i].want, "form '%s' -> %s", show(bad[i].in, strlen(bad[i].in)),
			rcname(bad[i].want)))
			diag("  got %s", rcname(rc));
		ok(pairs_sane(&p), "  pairs appended before the error are sane");
		req_pairs_free(&p);
	}
}

/* ------------------------------------------------------------------ */
/* req_parse_cookies                                                   */
/* ------------------------------------------------------------------ */

static enum req_result cookies(const char *s, struct req_pairs *p)
{
	memset(p, 0, sizeof *p);
	return req_parse_cookies(s, strlen(s), &lim, p);
}

static void test_cookies(void)
{
	struct req_pairs p;
	enum req_result rc;
	char buf[256];

	rc = cookies("a=1", &p);
	ok(rc == REQ_OK && p.n == 1, "cookie 'a=1'");
	is_str(req_pairs_get(&p, "a"), "1", "a == 1");
	req_pairs_free(&p);

	rc = cookies("gh_session=abc-DEF_123; gh_pre=xyz", &p);
	ok(rc == REQ_OK && p.n == 2 && pairs_sane(&p), "two cookies");
	is_str(req_pairs_get(&p, "gh_session"), "abc-DEF_123", "first cookie");
	is_str(req_pairs_get(&p, "gh_pre"), "xyz", "second cookie");
	req_pairs_free(&p);

	rc = cookies("a=1;b=2", &p);
	ok(rc == REQ_OK && p.n == 2, "no space after ';'");
	is_str(req_pairs_get(&p, "b"), "2", "b == 2");
	req_pairs_free(&p);

	rc = cookies("   a=1  ;   b=2   ;;; ", &p);
	ok(rc == REQ_OK && p.n == 2, "extra spaces and semicolons");
	is_str(req_pairs_get(&p, "a"), "1", "trailing spaces trimmed from a value");
	is_str(req_pairs_get(&p, "b"), "2", "b == 2");
	ok(p.n == 2 && p.v[0].vlen == 1 && p.v[1].vlen == 1, "vlen after trimming");
	req_pairs_free(&p);

	rc = cookies("q=\"quoted\"; e=\"\"", &p);
	ok(rc == REQ_OK && p.n == 2, "quoted values");
	is_str(req_pairs_get(&p, "q"), "quoted", "quotes removed");
	is_str(req_pairs_get(&p, "e"), "", "\"\" -> empty value");
	ok(p.n == 2 && p.v[0].vlen == 6 && p.v[1].vlen == 0, "vlen of quoted values");
	req_pairs_free(&p);

	rc = cookies("a=", &p);
	ok(rc == REQ_OK && p.n == 1 && p.v[0].vlen == 0, "empty value kept");
	req_pairs_free(&p);

	rc = cookies("a=b=c", &p);
	ok(rc == REQ_OK && p.n == 1, "'=' inside a value");
	is_str(req_pairs_get(&p, "a"), "b=c", "value 'b=c'");
	req_pairs_free(&p);

	rc = cookies("a=1; a=2", &p);
	ok(rc == REQ_OK && p.n == 2 && req_pairs_count(&p, "a") == 2, "duplicate names kept");
	is_str(req_pairs_get(&p, "a"), "1", "first duplicate wins in get");
	req_pairs_free(&p);

	rc = cookies("tok=%41+b", &p);
	ok(rc == REQ_OK && p.n == 1, "cookie values are not percent-decoded");
	is_str(req_pairs_get(&p, "tok"), "%41+b", "raw value");
	req_pairs_free(&p);

	/* Malformed pairs are skipped, the good ones kept. */
	static const struct {
		const char *in;
		size_t n; /* pairs expected */
		const char *key, *val;
	} skip[] = {
		{"", 0, NULL, NULL},
		{";", 0, NULL, NULL},
		{" ; ; ", 0, NULL, NULL},
		{"junk", 0, NULL, NULL},
		{"=", 0, NULL, NULL},
		{"=1", 0, NULL, NULL},
		{"junk; ok=1", 1, "ok", "1"},
		{"ok=1; junk", 1, "ok", "1"},
		{"=1; ok=1", 1, "ok", "1"},
		{"a b=1; ok=1", 1, "ok", "1"},
		{"a =1; ok=1", 1, "ok", "1"},
		{"a= 1; ok=1", 1, "ok", "1"},
		{"a=x y; ok=1", 1, "ok", "1"},
		{"a=x,y; ok=1", 1, "ok", "1"},
		{"a=x\\y; ok=1", 1, "ok", "1"},
		{"a=x\"y; ok=1", 1, "ok", "1"},
		{"a=\"; ok=1", 1, "ok", "1"},
		{"a=\"x; ok=1", 1, "ok", "1"},
		{"a=x\"; ok=1", 1, "ok", "1"},
		{"a=\"x\"y\"; ok=1", 1, "ok", "1"},
		{"a=\xc3\xa9; ok=1", 1, "ok", "1"},
		{"a=\x01; ok=1", 1, "ok", "1"},
		{"a=\x7f; ok=1", 1, "ok", "1"},
		{"a=x\ty; ok=1", 1, "ok", "1"},
		{"(a)=1; ok=1", 1, "ok", "1"},
		{"a@b=1; ok=1", 1, "ok", "1"},
		{"a/b=1; ok=1", 1, "ok", "1"},
		{"a:b=1; ok=1", 1, "ok", "1"},
		{"a\"=1; ok=1", 1, "ok", "1"},
		{"\xc3\xa9=1; ok=1", 1, "ok", "1"},
		{"a\x01=1; ok=1", 1, "ok", "1"},
		{"a=0123456789abcdefg; ok=1", 1, "ok", "1"}, /* value over field_max */
		{"ok=1; a=0123456789abcdefg", 1, "ok", "1"},
	};
	for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++) {
		rc = cookies(skip[i].in, &p);
		if (!ok(rc == REQ_OK && p.n == skip[i].n && pairs_sane(&p) &&
				(skip[i].key == NULL ||
				 (req_pairs_get(&p, skip[i].key) != NULL &&
				  strcmp(req_pairs_get(&p, skip[i].key), skip[i].val) == 0)),
			"cookie '%s' -> %zu pair(s), malformed skipped",
			show(skip[i].in, strlen(skip[i].in)), skip[i].n))
			diag("  got %s, %zu pairs", rcname(rc), p.n);
		req_pairs_free(&p);
	}

	/* Key length: 64 kept, 65 skipped (not fatal). */
	memset(buf, 'k', 64);
	strcpy(buf + 64, "=1; ok=2");
	rc = cookies(buf, &p);
	ok(rc == REQ_OK && p.n == 2, "64-char cookie name kept");
	req_pairs_free(&p);
	memset(buf, 'k', 65);
	strcpy(buf + 65, "=1; ok=2");
	rc = cookies(buf, &p);
	ok(rc == REQ_OK && p.n == 1 && req_pairs_get(&p, "ok") != NULL, "65-char name skipped");
	req_pairs_free(&p);

	/* Value length: field_max (16) kept, even quoted. */
	rc = cookies("a=0123456789abcdef; b=\"0123456789abcdef\"", &p);
	ok(rc == REQ_OK && p.n == 2 && p.v[0].vlen == 16 && p.v[1].vlen == 16,
	   "16-byte values kept (quotes not counted)");
	req_pairs_free(&p);

	/* Count: fields_max valid cookies, malformed ones not counted. */
	rc = cookies("a=1; b=2; c=3; d=4", &p);
	ok(rc == REQ_OK && p.n == 4, "fields_max cookies accepted");
	req_pairs_free(&p);
	rc = cookies("a=1; x y=0; b=2; junk; c=3; =9; d=4; e=\xff", &p);
	ok(rc == REQ_OK && p.n == 4, "malformed cookies do not count against fields_max");
	req_pairs_free(&p);
	rc = cookies("a=1; b=2; c=3; d=4; e=5", &p);
	is_int(rc, REQ_TOO_LARGE, "fields_max + 1 cookies -> REQ_TOO_LARGE");
	req_pairs_free(&p);
	rc = cookies("a=1;a=1;a=1;a=1;a=1;a=1;a=1;a=1", &p);
	is_int(rc, REQ_TOO_LARGE, "8 duplicate cookies -> REQ_TOO_LARGE");
	req_pairs_free(&p);

	/* len is honoured. */
	memset(&p, 0, sizeof p);
	rc = req_parse_cookies("a=1; b=2", 3, &lim, &p);
	ok(rc == REQ_OK && p.n == 1 && req_pairs_get(&p, "b") == NULL, "cookies stop at len");
	req_pairs_free(&p);
	memset(&p, 0, sizeof p);
	rc = req_parse_cookies("a=\"x\"", 4, &lim, &p);
	ok(rc == REQ_OK && p.n == 0, "quote cut by len -> skipped");
	req_pairs_free(&p);
}

/* ------------------------------------------------------------------ */
/* req_pairs helpers                                                   */
/* ------------------------------------------------------------------ */

/* Run in a child (tap_survives): each one's way of breaking is a crash. */
static void free_null(void *arg)
{
	(void)arg;
	req_pairs_free(NULL);
}

/* A list of 100 pairs freed twice: the second call must find the first
 * one's reset (a dangling v would be freed again: glibc aborts, ASan
 * reports), and the list must stay empty. */
static void free_twice(void *arg)
{
	static const struct req_limits big = {65536, 1000, 64};
	struct req_pairs p = {0};

	(void)arg;
	if (req_parse_urlencoded("a=1&b=2&c=3", 11, &big, &p) != REQ_OK || p.n != 3)
		_exit(3);
	req_pairs_free(&p);
	req_pairs_free(&p);
	_exit(p.v == NULL && p.n == 0 && p.cap == 0 ? 0 : 4);
}

static void test_pairs(void)
{
	struct req_pairs p = {0};
	enum req_result rc;

	ok(tap_survives(free_null, NULL), "req_pairs_free(NULL) is safe (in a child: it exits 0)");
	req_pairs_free(&p);
	ok(p.v == NULL && p.n == 0 && p.cap == 0, "req_pairs_free on an empty list");
	ok(req_pairs_get(&p, "a") == NULL && req_pairs_count(&p, "a") == 0, "get/count on empty");

	/* Growth past the initial capacity. */
	static const struct req_limits big = {65536, 1000, 64};
	char form_[4096];
	size_t o = 0;
	for (int i = 0; i < 100; i++)
		o += (size_t)snprintf(form_ + o, sizeof form_ - o, "%sk%d=%d", i ? "&" : "", i % 10,
				      i);
	rc = req_parse_urlencoded(form_, o, &big, &p);
	ok(rc == REQ_OK && p.n == 100 && p.cap >= 100, "100 pairs parsed (list grows)");
	is_int(req_pairs_count(&p, "k3"), 10, "count k3 == 10");
	is_str(req_pairs_get(&p, "k3"), "3", "first k3 == 3");
	is_str(req_pairs_get(&p, "k9"), "9", "first k9 == 9");
	ok(p.n == 100 && strcmp(p.v[99].val, "99") == 0, "last pair in order");
	req_pairs_free(&p);
	ok(p.v == NULL && p.n == 0 && p.cap == 0, "req_pairs_free resets the list");
	ok(tap_survives(free_twice, NULL),
	   "req_pairs_free twice is safe (in a child: no abort, the list stays empty)");
}

int main(void)
{
	test_urldecode();
	test_utf8();
	test_urlencoded();
	test_cookies();
	test_pairs();
	return done_testing();
}
