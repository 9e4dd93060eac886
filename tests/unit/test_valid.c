/* Unit tests for fcgi/core/valid.c: every validator with good and bad inputs,
 * origin normalisation and the val_run table driver. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common_passwords.h"
#include "req.h"
#include "tap.h"
#include "valid.h"

#define show(s) tap_show((s), strlen(s))

static char *rep(char c, size_t n)
{
	char *s = malloc(n + 1);
	if (s == NULL)
		abort();
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* Runs fn on s: returns its message (NULL = accepted; one that names a
 * value lives in v.msg, so it is copied out before v goes); the
 * normalised string, if any, is left in *str (caller frees). */
static const char *run(val_fn fn, const char *s, char **str, long long *num)
{
	static char msg[sizeof((struct val_value *)0)->msg];
	struct val_value v;
	const char *err;

	memset(&v, 0, sizeof v);
	v.num = -12345;
	err = fn(s, strlen(s), &v);
	if (str)
		*str = v.str;
	else
		free(v.str);
	if (num)
		*num = v.num;
	if (err == v.msg) {
		memcpy(msg, v.msg, sizeof msg);
		err = msg;
	}
	return err;
}

/* Every input in bad[] is refused with a message. */
static void refuse_all(const char *what, val_fn fn, const char *const *bad, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *str = NULL;
		const char *err = run(fn, bad[i], &str, NULL);
		if (!ok(err != NULL && *err != '\0', "%s refuses '%s'", what, show(bad[i])))
			diag("  accepted as '%s'", str ? show(str) : "(no string)");
		free(str);
	}
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */

static void test_line_secret(void)
{
	char *s;
	const char *e;

	e = run(val_line, "  Hello, world \t", &s, NULL);
	ok(e == NULL, "val_line accepts text");
	is_str(s, "Hello, world", "val_line trims spaces and tabs");
	free(s);
	e = run(val_line, "", &s, NULL);
	ok(e == NULL && s != NULL && *s == '\0', "val_line accepts an empty string");
	free(s);
	static const char *const bad[] = {"a\nb", "a\rb", "a\tb", "line\n\nline", "x\r\n"};
	refuse_all("val_line", val_line, bad, NELEM(bad));
	is_str(run(val_line, "a\nb", NULL, NULL), "Use a single line.", "val_line message");
	/* Names that would show something else than they hold (issue 12.7). */
	static const char *const unseen[] = {
		"Cool \xe2\x80\xae"
		"Air",             /* U+202E right-to-left override */
		"ABM\xe2\x80\x8b", /* U+200B zero-width space */
		"\xef\xbb\xbf"
		"Loop", /* U+FEFF */
		"a\xe2\x81\xa6"
		"b\xe2\x81\xa9", /* U+2066 isolate .. U+2069 */
		"x\xe2\x80\x8e", /* U+200E left-to-right mark */
		"x\xd8\x9c",     /* U+061C Arabic letter mark */
		"\xe3\x85\xa4",  /* U+3164 Hangul filler (an "empty" name) */
		"a\xc2\xad"
		"b", /* U+00AD soft hyphen */
		"a\xe2\x81\xa0"
		"b",                   /* U+2060 word joiner */
		"tag\xf3\xa0\x81\x81", /* U+E0041 tag character */
		"\xe2\x80\x8d"
		"Anderson",              /* U+200D joiner at the start */
		"Anderson \xe2\x80\x8c", /* U+200C non-joiner at the end */
		"a\x01"
		"b",
		"a\x7f"
		"b",
		"a\xc2\x85"
		"b", /* C0, DEL, C1 controls */
		"a\xff"
		"b",
		"a\xe2\x82", /* not UTF-8 */
	};
	refuse_all("val_line", val_line, unseen, NELEM(unseen));
	is_str(run(val_line,
		   "Cool \xe2\x80\xae"
		   "Air",
		   NULL, NULL),
	       "Remove the text-direction control characters (such as U+202E right-to-left "
	       "override): they change how the text is shown without being seen.",
	       "val_line names the direction override");
	ok(strstr(run(val_line, "ABM\xe2\x80\x8b", NULL, NULL), "U+200B") != NULL,
	   "val_line names the zero-width space");
	static const char *const fine[] = {
		"M\xc3\xbcller & S\xc3\xb6hne",                         /* Latin with accents */
		"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d",                     /* Hebrew, right to left */
		"\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7",             /* Arabic */
		"\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xb1\xd9\x88\xd9\x85", /* Persian with ZWNJ */
		"\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x94\xa7 Crew",    /* emoji ZWJ sequence */
		"\xe5\x8c\x97\xe4\xba\xac",                             /* CJK */
	};
	for (size_t i = 0; i < NELEM(fine); i++)
		ok(run(val_line, fine[i], NULL, NULL) == NULL, "val_line accepts '%s'",
		   show(fine[i]));

	e = run(val_secret, " x ", &s, NULL);
	ok(e == NULL, "val_secret accepts any text");
	is_str(s, " x ", "val_secret keeps it verbatim");
	free(s);
	static const char *const bad2[] = {""};
	refuse_all("val_secret", val_secret, bad2, NELEM(bad2));
}

static void test_email(void)
{
	static const struct {
		const char *in, *want;
	} good[] = {
		{"name@example.com", "name@example.com"},
		{"  Name@Example.COM\t", "name@example.com"},
		{"\t\tA.B+tag@Sub.Example.co.UK  ", "a.b+tag@sub.example.co.uk"},
		{"a!#$%&'*+/=?^_`{|}~-z@x.io", "a!#$%&'*+/=?^_`{|}~-z@x.io"},
		{"x@a-b.c-d.com", "x@a-b.c-d.com"},
		{"x@xn--bcher-kva.de", "x@xn--bcher-kva.de"},
		{"1@2.de", "1@2.de"},
		{"a@b.c", "a@b.c"},
	};
	for (size_t i = 0; i < NELEM(good); i++) {
		char *s = NULL;
		const char *e = run(val_email, good[i].in, &s, NULL);
		if (!ok(e == NULL && s != NULL && strcmp(s, good[i].want) == 0,
			"val_email '%s' -> '%s'", show(good[i].in), good[i].want))
			diag("  got %s / '%s'", e ? e : "ok", s ? s : "(null)");
		free(s);
	}

	static const char *const bad[] = {
		"",
		"   ",
		"\t",
		"plainaddress",
		"example.com",
		"@",
		"@example.com",
		"name@",
		"a@b@example.com",
		"a@@example.com",
		"a@example@com",
		".a@example.com",
		"a.@example.com",
		"a..b@example.com",
		".@example.com",
		"a@.example.com",
		"a@example..com",
		"a@example.com.",
		"a@.",
		"a@..",
		"a@-example.com",
		"a@example-.com",
		"a@ex.-ample.com",
		"a@ex.ample-.com",
		"a@example.com-",
		"a@-.com",
		"a@localhost",
		"a@example",
		"a@com",
		"a@x.",
		"\"quoted\"@example.com",
		"\"a b\"@example.com",
		"\"a@b\"@example.com",
		"a@[192.168.0.1]",
		"a@[IPv6:::1]",
		"a@[::1]",
		"j\xc3\xb6rg@example.com",
		"a@b\xc3\xbc\x63her.de",
		"\xe2\x82\xac@example.com",
		"a b@example.com",
		"a@exa mple.com",
		"a\n@example.com",
		"a@example.com\n",
		"a\r@example.com",
		"a@example.com\r\n",
		"a\x01@example.com",
		"a@ex\x7f.com",
		"a(b)@example.com",
		"a,b@example.com",
		"a;b@example.com",
		"a:b@example.com",
		"a<b>@example.com",
		"a[b]@example.com",
		"a\\b@example.com",
		"a\"b@example.com",
		"a@ex_ample.com",
		"a@example.c_m",
		"a@exa+mple.com",
		"a@example.com/x",
		"a@example.com:25",
		"mailto:a@example.com",
	};
	refuse_all("val_email", val_email, bad, NELEM(bad));

	/* Length limits: 64-char local part, 63-char label, 254 in total. */
	char buf[400], *l64 = rep('l', 64), *l65 = rep('l', 65), *d63 = rep('d', 63),
		       *d64 = rep('d', 64);
	char *s = NULL;
	snprintf(buf, sizeof buf, "%s@example.com", l64);
	ok(run(val_email, buf, &s, NULL) == NULL, "val_email accepts a 64-char local part");
	free(s), s = NULL;
	snprintf(buf, sizeof buf, "%s@example.com", l65);
	ok(run(val_email, buf, NULL, NULL) != NULL, "val_email refuses a 65-char local part");
	snprintf(buf, sizeof buf, "a@%s.com", d63);
	ok(run(val_email, buf, &s, NULL) == NULL, "val_email accepts a 63-char label");
	free(s), s = NULL;
	snprintf(buf, sizeof buf, "a@%s.com", d64);
	ok(run(val_email, buf, NULL, NULL) != NULL, "val_email refuses a 64-char label");
	/* 64 + 1 + 63 + 1 + 63 + 1 + 61 = 254 */
	char *d61 = rep('e', 61), *d62 = rep('e', 62);
	snprintf(buf, sizeof buf, "%s@%s.%s.%s", l64, d63, d63, d61);
	is_int(strlen(buf), 254, "254-char address built");
	ok(run(val_email, buf, &s, NULL) == NULL, "val_email accepts 254 characters");
	free(s), s = NULL;
	snprintf(buf, sizeof buf, "%s@%s.%s.%s", l64, d63, d63, d62);
	is_int(strlen(buf), 255, "255-char address built");
	is_str(run(val_email, buf, NULL, NULL), "An email address has at most 254 characters.",
	       "val_email refuses 255 characters");
	snprintf(buf, sizeof buf, "  %s@%s.%s.%s  ", l64, d63, d63, d61);
	ok(run(val_email, buf, &s, NULL) == NULL, "val_email: length counted after trimming");
	free(s), s = NULL;
	free(l64), free(l65), free(d63), free(d64), free(d61), free(d62);
	is_str(run(val_email, "nope", NULL, NULL), "Enter an email address like name@example.com.",
	       "val_email message");
	is_str(run(val_email, "  ", NULL, NULL), "Enter an email address.",
	       "val_email empty message");
}

static void test_password(void)
{
	char *s = NULL, buf[512];
	const char *e;

	static const char *const good[] = {
		"Tr0ub4dor&",
		"correct horse battery staple",
		"zzzzzzzzzz",
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		"password123 ", /* not the listed word */
	};
	for (size_t i = 0; i < NELEM(good); i++) {
		e = run(val_password, good[i], &s, NULL);
		ok(e == NULL && s != NULL && strcmp(s, good[i]) == 0, "val_password accepts '%s'",
		   show(good[i]));
		free(s), s = NULL;
	}

	static const char *const bad[] = {
		"",
		"short",
		"Tr0ub4dor",
		"123456789",
		/* 9 characters in 18 bytes: counted as characters */
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		/* 3 emoji = 12 bytes, 3 characters */
		"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80",
		"password123",
		"PassWord123",
		"PASSWORD123",
		"pAsSwOrD123",
		"Gatehouse123",
		"1234567890",
		"qwertyuiop",
		"QWERTYUIOP",
		"iloveyou123",
		"P@ssw0rd123",
	};
	refuse_all("val_password", val_password, bad, NELEM(bad));
	is_str(run(val_password, "Tr0ub4dor", NULL, NULL), "Use at least 10 characters.",
	       "9 characters: message");
	is_str(run(val_password, bad[4], NULL, NULL), "Use at least 10 characters.",
	       "9 two-byte characters (18 bytes): too short");
	is_str(run(val_password, "PassWord123", NULL, NULL),
	       "This password is too common; choose another.", "common password: message");

	/* Byte limit: 128 bytes accepted, 129 refused. */
	char *p128 = rep('q', 128), *p129 = rep('q', 129);
	ok(run(val_password, p128, &s, NULL) == NULL, "val_password accepts 128 bytes");
	free(s), s = NULL;
	is_str(run(val_password, p129, NULL, NULL), "Use at most 128 bytes.",
	       "val_password refuses 129 bytes");
	free(p128), free(p129);
	buf[0] = '\0';
	for (int i = 0; i < 42; i++)
		strcat(buf, "\xe2\x82\xac");
	ok(run(val_password, buf, &s, NULL) == NULL, "42 euro signs (126 bytes) accepted");
	free(s), s = NULL;
	strcat(buf, "\xe2\x82\xac");
	is_str(run(val_password, buf, NULL, NULL), "Use at most 128 bytes.",
	       "43 euro signs (129 bytes, 43 characters) refused");

	/* Every listed password is found, whatever its case. */
	size_t n = NELEM(val_common_pw), found = 0, found_upper = 0;
	for (size_t i = 0; i < n; i++) {
		char up[256];
		size_t j;
		found += val_password_common(val_common_pw[i]) != 0;
		for (j = 0; val_common_pw[i][j] && j < sizeof up - 1; j++)
			up[j] = (char)toupper((unsigned char)val_common_pw[i][j]);
		up[j] = '\0';
		found_upper += val_password_common(up) != 0;
	}
	is_int(found, n, "val_password_common finds every listed password");
	is_int(found_upper, n, "... and in upper case");
	ok(!val_password_common("not on any list 7f3a"), "val_password_common: unlisted");
	ok(!val_password_common(""), "val_password_common: empty");
}

static void test_bool_uint_hex_fmt(void)
{
	static const struct {
		const char *in;
		int want;
	} bools[] = {
		{"1", 1},    {"on", 1},  {"true", 1},  {"yes", 1}, {"ON", 1},
		{"True", 1}, {"YES", 1}, {"0", 0},     {"off", 0}, {"false", 0},
		{"no", 0},   {"OFF", 0}, {"False", 0}, {"No", 0},
	};
	for (size_t i = 0; i < NELEM(bools); i++) {
		long long num;
		const char *e = run(val_bool, bools[i].in, NULL, &num);
		ok(e == NULL && num == bools[i].want, "val_bool '%s' -> %d", bools[i].in,
		   bools[i].want);
	}
	static const char *const badb[] = {
		"",      "2",    "-1", "y",  "n",    "t",       "f",  "onn", "of",  "tru",
		"truee", "yess", " 1", "1 ", "on\n", "enabled", "10", "01",  "o n", "\xc3\xa9"};
	refuse_all("val_bool", val_bool, badb, NELEM(badb));

	static const struct {
		const char *in;
		long long want;
	} uints[] = {
		{"0", 0},
		{"7", 7},
		{"0042", 42},
		{"65535", 65535},
		{"4294967296", 4294967296LL},
		{"123456789012345", 123456789012345LL},
		{"999999999999999", 999999999999999LL},
		{"000000000000001", 1},
	};
	for (size_t i = 0; i < NELEM(uints); i++) {
		long long num;
		const char *e = run(val_uint, uints[i].in, NULL, &num);
		ok(e == NULL && num == uints[i].want, "val_uint '%s' -> %lld", uints[i].in,
		   uints[i].want);
	}
	static const char *const badu[] = {
		"",
		" ",
		"-1",
		"+1",
		"-0",
		" 1",
		"1 ",
		"1.5",
		"1.",
		".5",
		"1e3",
		"0x1f",
		"abc",
		"1a",
		"1,000",
		"1_000",
		"\xd9\xa1" /* Arabic-Indic one */,
		"9007199254740993",
		"99999999999999999999",
		"18446744073709551617",
	};
	refuse_all("val_uint", val_uint, badu, NELEM(badu));
	ok(run(val_uint, "1000000000000000", NULL, NULL) != NULL,
	   "val_uint refuses 16 digits, as valid.h documents");

	const char *h = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char *s = NULL;
	ok(run(val_hex64, h, &s, NULL) == NULL && s && strcmp(s, h) == 0,
	   "val_hex64 accepts 64 hex");
	free(s), s = NULL;
	static const char *const badh[] = {
		"",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
		"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
		"0123456789abcdeg0123456789abcdef0123456789abcdef0123456789abcdef",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde ",
		" 123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"0x23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd\xc3\xa9",
	};
	refuse_all("val_hex64", val_hex64, badh, NELEM(badh));

	static const struct {
		const char *in;
		long long want;
	} dates[] = {{"2026-11-23", 20261123},
		     {"2000-02-29", 20000229},
		     {"2024-02-29", 20240229},
		     {"2099-12-31", 20991231},
		     {"2000-01-01", 20000101}};
	for (size_t i = 0; i < NELEM(dates); i++) {
		long long dn = 0;
		char *ds = NULL;
		const char *e = run(val_date, dates[i].in, &ds, &dn);
		ok(e == NULL && dn == dates[i].want && ds && strcmp(ds, dates[i].in) == 0,
		   "val_date '%s' -> %lld", dates[i].in, dates[i].want);
		free(ds);
	}
	static const char *const badd[] = {
		"",
		"2026-1-23",
		"2026-11-3",
		"26-11-23",
		"2026/11/23",
		"2026-11-23 ",
		" 2026-11-23",
		"2026-13-01",
		"2026-00-10",
		"2026-11-00",
		"2026-11-31",
		"2026-02-29",
		"2025-02-29",
		"1999-12-31",
		"2100-01-01",
		"2026-04-31",
		"2026-11-2x",
		"+026-11-23",
		"2026-11-23T00",
		"\xd9\xa2"
		"026-11-23",
		"2026-1\xd9\xa1"
		"-23",
	};
	refuse_all("val_date", val_date, badd, NELEM(badd));

	long long num;
	ok(run(val_format, "xml", NULL, &num) == NULL && num == 1, "val_format xml -> 1");
	ok(run(val_format, "html", NULL, &num) == NULL && num == 0, "val_format html -> 0");
	static const char *const badf[] = {"",     "XML",  "Html",  "json",  "htm",
					   "xmll", " xml", "html ", "xhtml", "text"};
	refuse_all("val_format", val_format, badf, NELEM(badf));
}

static void test_localpath(void)
{
	static const char *const good[] = {
		"/settings/",
		"/settings/x",
		"/settings/portal-access",
		"/settings/a/b.c",
		"/settings/x?next=1&y=2",
		"/settings/x#top",
		"/settings/.well",
		"/settings/x..y",
	};
	for (size_t i = 0; i < NELEM(good); i++) {
		char *s = NULL;
		const char *e = run(val_localpath, good[i], &s, NULL);
		ok(e == NULL && s && strcmp(s, good[i]) == 0, "val_localpath accepts '%s'",
		   good[i]);
		free(s);
	}
	static const char *const bad[] = {
		"",
		"/",
		"/settings",
		"/settingsx/",
		"/Settings/x",
		"/other",
		"/settings2/x",
		"settings/x",
		" /settings/x",
		"//evil",
		"//evil.com/settings/",
		"///evil.com",
		"/\\evil",
		"/\\/evil.com",
		"\\\\evil",
		"https://x",
		"http://x/settings/",
		"https://evil.com/settings/",
		"javascript:alert(1)",
		"data:text/html,x",
		"/settings/../x",
		"/settings/..",
		"/settings/x/../../y",
		"/settings/..%2fx",
		"/settings//evil.com",
		"/settings/x//y",
		"/settings/\\evil",
		"/settings\\x",
		"/settings/x y",
		"/settings/x\ty",
		"/settings/x\n",
		"/settings/\r\nX: y",
		"/settings/\x7f",
		"/settings/\x01",
		"/settings/\xc3\xa9",
	};
	refuse_all("val_localpath", val_localpath, bad, NELEM(bad));
}

static void test_origins(void)
{
	static const struct {
		const char *in, *want;
	} good[] = {
		{"https://example.com", "https://example.com"},
		{"HTTPS://EXAMPLE.COM", "https://example.com"},
		{"Https://Example.Com:443", "https://example.com"},
		{"http://example.com:80", "http://example.com"},
		{"HTTP://Example.com:80/", "http://example.com"},
		{"https://example.com:80", "https://example.com:80"},
		{"http://example.com:443", "http://example.com:443"},
		{"https://example.com/", "https://example.com"},
		{"https://example.com:8443/", "https://example.com:8443"},
		{"https://example.com:00443", "https://example.com"},
		{"http://localhost:8080", "http://localhost:8080"},
		{"http://localhost", "http://localhost"},
		{"https://a-b.c-d.example", "https://a-b.c-d.example"},
		{"https://xn--bcher-kva.de", "https://xn--bcher-kva.de"},
		{"https://1.2.3.4:65535", "https://1.2.3.4:65535"},
		{"https://x.io:1", "https://x.io:1"},
		{"https://[::1]", "https://[::1]"},
		{"http://[::1]:8080", "http://[::1]:8080"},
		{"https://[::1]:443/", "https://[::1]"},
		{"https://[2001:DB8::1]", "https://[2001:db8::1]"},
		{"https://[::ffff:192.0.2.1]", "https://[::ffff:192.0.2.1]"},
	};
	char out[300];
	const char *e;

	for (size_t i = 0; i < NELEM(good); i++) {
		memset(out, 'X', sizeof out);
		out[sizeof out - 1] = '\0';
		e = val_origin_one(good[i].in, strlen(good[i].in), out, sizeof out);
		if (!ok(e == NULL && strcmp(out, good[i].want) == 0, "origin '%s' -> '%s'",
			good[i].in, good[i].want))
			diag("  got %s / '%s'", e ? e : "ok", e ? "" : out);
	}
	char *l63 = rep('a', 63), *l64 = rep('a', 64), buf[600];
	snprintf(buf, sizeof buf, "https://%s.com", l63);
	ok(val_origin_one(buf, strlen(buf), out, sizeof out) == NULL, "origin: 63-char label ok");
	snprintf(buf, sizeof buf, "https://%s.com", l64);
	ok(val_origin_one(buf, strlen(buf), out, sizeof out) != NULL, "origin: 64-char label bad");
	snprintf(buf, sizeof buf, "https://%s.%s.%s.%s.com", l63, l63, l63, l63);
	is_str(val_origin_one(buf, strlen(buf), out, sizeof out),
	       "An origin has at most 260 characters.", "origin: over 260 characters");
	free(l63), free(l64);

	/* len is honoured. */
	e = val_origin_one("https://a.com/path", 13, out, sizeof out);
	ok(e == NULL && strcmp(out, "https://a.com") == 0, "origin: stops at len");

	static const char *const bad[] = {
		"",
		"example.com",
		"//example.com",
		"ftp://example.com",
		"ws://example.com",
		"javascript://example.com",
		"file:///etc/passwd",
		"https:/example.com",
		"https:example.com",
		"https://",
		"http://",
		"https:///",
		"https://x.com/path",
		"https://x.com//",
		"https://x.com/?",
		"https://x.com?q=1",
		"https://x.com/?q=1",
		"https://x.com#f",
		"https://x.com/#f",
		"https://a@b",
		"https://a@b.com",
		"https://user:pw@b.com",
		"https://@b.com",
		"https://-a.com",
		"https://a-.com",
		"https://a.-b.com",
		"https://a..com",
		"https://.a.com",
		"https://a.com.",
		"https://.",
		"https://a_b.com",
		"https://a b.com",
		" https://a.com",
		"https://a.com ",
		"https://a.com\n",
		"https://\xc3\xa9.com",
		"https://a.com\\",
		"https://a.com\\@b.com",
		"https://[]",
		"https://[::1",
		"https://[::g]",
		"https://[::1]x",
		"https://[::1]:",
		"https://[ ::1]",
		"https://a.com:",
		"https://a.com:x",
		"https://a.com:80x",
		"https://a.com:8 0",
		"https://:443",
		"https://a.com:0",
		"https://a.com:00",
		"https://a.com:65536",
		"https://a.com:99999999999999999999",
		"https://a.com:-1",
		"https://a.com:+1",
		"https://a.com:80:80",
	};
	for (size_t i = 0; i < NELEM(bad); i++) {
		e = val_origin_one(bad[i], strlen(bad[i]), out, sizeof out);
		if (!ok(e != NULL, "origin refuses '%s'", show(bad[i])))
			diag("  accepted as '%s'", out);
	}
	is_str(val_origin_one("https://a.com:0", 15, out, sizeof out),
	       "A port is a number from 1 to 65535.", "port 0: message");
	is_str(val_origin_one("https://a.com:65536", 19, out, sizeof out),
	       "A port is a number from 1 to 65535.", "port 65536: message");
	ok(val_origin_one("https://a.com:65535", 19, out, sizeof out) == NULL, "port 65535 ok");

	/* The list. */
	char *s = NULL;
	e = run(val_origins, "https://a.com\nHTTP://B.com:80/", &s, NULL);
	ok(e == NULL, "val_origins: two lines");
	is_str(s, "https://a.com\nhttp://b.com", "val_origins normalises each line");
	free(s), s = NULL;
	e = run(val_origins, "  https://a.com, https://b.com https://c.com\r\n\r\nhttps://d.com\t,",
		&s, NULL);
	ok(e == NULL, "val_origins: spaces, commas, tabs, CRLF separate");
	is_str(s, "https://a.com\nhttps://b.com\nhttps://c.com\nhttps://d.com",
	       "val_origins: four origins");
	free(s), s = NULL;
	e = run(val_origins,
		"https://a.com\nHTTPS://A.COM:443\nhttps://a.com/\nhttps://a.co\n"
		"https://a.com:8443\nhttps://a.co",
		&s, NULL);
	ok(e == NULL, "val_origins: duplicates");
	is_str(s, "https://a.com\nhttps://a.co\nhttps://a.com:8443",
	       "duplicates collapse after normalisation; prefixes are not duplicates");
	free(s), s = NULL;
	e = run(val_origins, "", &s, NULL);
	ok(e == NULL && s && *s == '\0', "val_origins: empty -> empty list");
	free(s), s = NULL;
	e = run(val_origins, " ,\r\n\t\n", &s, NULL);
	ok(e == NULL && s && *s == '\0', "val_origins: separators only -> empty list");
	free(s), s = NULL;

	/* 20 distinct are fine, 21 are not; duplicates do not count. */
	char list[4096];
	size_t o = 0;
	for (int i = 1; i <= 20; i++)
		o += (size_t)snprintf(list + o, sizeof list - o, "https://h%d.example\n", i);
	for (int i = 1; i <= 5; i++)
		o += (size_t)snprintf(list + o, sizeof list - o, "HTTPS://H%d.EXAMPLE:443/\n", i);
	e = run(val_origins, list, &s, NULL);
	ok(e == NULL, "val_origins: 20 distinct + 5 duplicates accepted");
	size_t lines = 0;
	for (const char *p = s; p && *p; p++)
		lines += *p == '\n';
	is_int(s && *s ? lines + 1 : 0, 20, "... giving 20 origins");
	free(s), s = NULL;
	o += (size_t)snprintf(list + o, sizeof list - o, "https://h21.example\n");
	e = run(val_origins, list, &s, NULL);
	ok(e != NULL && strncmp(e, "At most 20", 10) == 0,
	   "val_origins: 21 distinct -> 'At most 20'");
	ok(s == NULL, "val_origins: no list on error");
	free(s), s = NULL;

	/* Errors name the line. */
	static const struct {
		const char *in, *want;
	} lined[] = {
		{"ftp://c.com",
		 "Line 1: Use scheme://host[:port] with http or https, and no path."},
		{"https://a.com\nhttps://b.com\nftp://c.com",
		 "Line 3: Use scheme://host[:port] with http or https, and no path."},
		{"https://a.com\r\nhttps://b.com\r\nhttps://c.com/x\r\n",
		 "Line 3: Use scheme://host[:port] with http or https, and no path."},
		{"\n\n\nhttps://a@b",
		 "Line 4: Use scheme://host[:port] with http or https, and no path."},
		{"https://a.com, https://b.com:0", "Line 1: A port is a number from 1 to 65535."},
		{"https://a.com\n  https://b.com  https://c.com:65536",
		 "Line 2: A port is a number from 1 to 65535."},
	};
	for (size_t i = 0; i < NELEM(lined); i++) {
		e = run(val_origins, lined[i].in, &s, NULL);
		is_str(e, lined[i].want, "val_origins error names the line");
		free(s), s = NULL;
	}
}

/* ------------------------------------------------------------------ */

static enum req_result parse(const char *form, struct req_pairs *p)
{
	static const struct req_limits lim = {65536, 64, 8192};
	memset(p, 0, sizeof *p);
	return req_parse_urlencoded(form, strlen(form), &lim, p);
}

/* val_values_free(NULL, n) must not walk n values it was not given; values
 * freed twice must find the first call's reset (str and nums NULL). */
static void free_null(void *arg)
{
	struct val_value v[2];

	(void)arg;
	memset(v, 0, sizeof v);
	val_values_free(NULL, 0);
	val_values_free(NULL, 5);
	if ((v[0].str = strdup("a-secret-value")) == NULL ||
	    (v[1].nums = calloc(3, sizeof *v[1].nums)) == NULL)
		_exit(3);
	val_values_free(v, 2);
	val_values_free(v, 2);
	_exit(v[0].str == NULL && v[1].nums == NULL ? 0 : 4);
}

static void test_run(void)
{
	static const struct val_field tab[] = {
		{"email", val_email, 254, VAL_REQUIRED, "Email"},
		{"password", val_password, 128, VAL_REQUIRED | VAL_SECRET, "Password"},
		{"remember", val_bool, 5, 0, "Remember me"},
		{"next", val_localpath, 512, 0, "Next"},
		{"count", val_uint, 5, 0, "Count"},
	};
	enum { EMAIL, PASSWORD, REMEMBER, NEXT, COUNT, NF };
	struct val_value v[NF];
	struct req_pairs in;
	size_t errs;

	/* All good. */
	parse("email=+Me%40Example.com+&password=correct+horse&remember=on&next=%2Fsettings%2Fx"
	      "&count=00042&ignored=1",
	      &in);
	errs = val_run(tab, NF, &in, v);
	is_int(errs, 0, "val_run: all valid -> 0 errors");
	is_int(v[EMAIL].st, VAL_OK, "email OK");
	is_str(v[EMAIL].str, "me@example.com", "email normalised");
	is_str(v[EMAIL].raw, " Me@Example.com ", "raw is the submitted value");
	ok(v[EMAIL].raw == req_pairs_get(&in, "email"), "raw points into the request");
	ok(v[EMAIL].error == NULL, "no error");
	is_str(v[PASSWORD].str, "correct horse", "password kept");
	ok(v[REMEMBER].st == VAL_OK && v[REMEMBER].num == 1, "remember -> 1");
	is_str(v[NEXT].str, "/settings/x", "next");
	ok(v[COUNT].st == VAL_OK && v[COUNT].num == 42, "count -> 42");
	val_values_free(v, NF);
	ok(v[EMAIL].str == NULL && v[NEXT].str == NULL, "val_values_free clears the strings");
	val_values_free(v, NF);
	req_pairs_free(&in);

	/* Required missing, optional absent. */
	parse("remember=&other=x", &in);
	errs = val_run(tab, NF, &in, v);
	is_int(errs, 2, "val_run: two required fields missing -> 2 errors");
	ok(v[EMAIL].st == VAL_INVALID && v[EMAIL].raw == NULL, "missing email invalid, raw NULL");
	is_str(v[EMAIL].error, "This field is required.", "required message");
	is_str(v[PASSWORD].error, "This field is required.", "required message (password)");
	ok(v[REMEMBER].st == VAL_ABSENT && v[REMEMBER].error == NULL && v[REMEMBER].raw != NULL &&
		   *v[REMEMBER].raw == '\0',
	   "empty optional -> VAL_ABSENT, raw \"\"");
	ok(v[NEXT].st == VAL_ABSENT && v[NEXT].error == NULL && v[NEXT].raw == NULL &&
		   v[NEXT].str == NULL,
	   "absent optional -> VAL_ABSENT, no error, raw NULL");
	val_values_free(v, NF);
	req_pairs_free(&in);

	/* Required but empty. */
	parse("email=&password=", &in);
	errs = val_run(tab, NF, &in, v);
	is_int(errs, 2, "val_run: required but empty -> 2 errors");
	is_str(v[EMAIL].error, "This field is required.", "empty required message");
	val_values_free(v, NF);
	req_pairs_free(&in);

	/* Duplicates: invalid, for required and optional fields, even if equal or empty. */
	parse("email=a%40b.com&email=a%40b.com&password=correct+horse&remember=1&remember=0"
	      "&next=&next=",
	      &in);
	errs = val_run(tab, NF, &in, v);
	is_int(errs, 3, "val_run: three duplicated fields -> 3 errors");
	is_str(v[EMAIL].error, "Submitted more than once.", "duplicate email");
	is_str(v[REMEMBER].error, "Submitted more than once.", "duplicate optional");
	is_str(v[NEXT].error, "Submitted more than once.", "duplicate empty optional");
	ok(v[EMAIL].st == VAL_INVALID && v[EMAIL].str == NULL, "duplicate: invalid, no str");
	ok(v[PASSWORD].st == VAL_OK, "other fields still validated");
	val_values_free(v, NF);
	req_pairs_free(&in);

	/* maxlen: checked in bytes before the validator. */
	parse("email=a%40b.com&password=correct+horse&count=12345", &in);
	errs = val_run(tab, NF, &in, v);
	ok(errs == 0 && v[COUNT].num == 12345, "val_run: value of maxlen bytes accepted");
	val_values_free(v, NF);
	req_pairs_free(&in);
	parse("email=a%40b.com&password=correct+horse&count=123456&remember=false", &in);
	errs = val_run(tab, NF, &in, v);
	is_int(errs, 1, "val_run: maxlen + 1 -> 1 error");
	is_str(v[COUNT].error, "Too long.", "maxlen message");
	ok(v[REMEMBER].st == VAL_OK && v[REMEMBER].num == 0, "remember=false -> 0");
	val_values_free(v, NF);
	req_pairs_free(&in);

	/* The validator's message, and no string left behind. */
	parse("email=nope&password=PassWord123&next=%2F%2Fevil.com&count=1x", &in);
	errs = val_run(tab, NF, &in, v);
	is_int(errs, 4, "val_run: four invalid values -> 4 errors");
	is_str(v[EMAIL].error, "Enter an email address like name@example.com.", "email message");
	is_str(v[PASSWORD].error, "This password is too common; choose another.",
	       "password message");
	is_str(v[NEXT].error, "Not a local address.", "next message");
	is_str(v[COUNT].error, "Enter a whole number.", "count message");
	ok(v[EMAIL].str == NULL && v[PASSWORD].str == NULL && v[NEXT].str == NULL,
	   "invalid values hold no string");
	is_str(v[EMAIL].raw, "nope", "raw kept for echoing");
	val_values_free(v, NF);
	req_pairs_free(&in);

	/* No input at all, and an empty table. */
	errs = val_run(tab, NF, NULL, v);
	ok(errs == 2 && v[EMAIL].st == VAL_INVALID && v[REMEMBER].st == VAL_ABSENT,
	   "val_run with NULL input: required fields invalid, others absent");
	val_values_free(v, NF);
	parse("a=1", &in);
	is_int(val_run(tab, 0, &in, v), 0, "val_run with an empty table");
	req_pairs_free(&in);

	ok(tap_survives(free_null, NULL),
	   "val_values_free(NULL, n) is safe, and freeing values twice too (in a child)");
}

int main(void)
{
	test_line_secret();
	test_email();
	test_password();
	test_bool_uint_hex_fmt();
	test_localpath();
	test_origins();
	test_run();
	return done_testing();
}
