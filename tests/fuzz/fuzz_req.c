/* libFuzzer target for fcgi/core/req.c.
 *
 * The input is split on its first '\n': the part before goes to
 * req_parse_urlencoded, the part after to req_parse_cookies (with no '\n',
 * both get the whole input).  req_urldecode and req_utf8_valid see the whole
 * input.  Each part is copied into a buffer of exactly its size, so reading
 * past len is caught by ASan.  Any broken invariant aborts.
 *
 * Built by tests/fuzz/run-fuzz.sh with clang -fsanitize=fuzzer, and by
 * automake (with replay.c) as tests/fuzz/replay_req for corpus replay. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"
#include "lib/testonly.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_req: invariant failed: %s (%s:%d)\n", #c, __FILE__,  \
				__LINE__);                                                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* An independent UTF-8 check written from the Unicode well-formed byte
 * sequence table (Table 3-7) plus the policy of req.h: no NUL, no C0
 * controls but tab/LF/CR, no DEL, no C1 controls, no U+FFFE/U+FFFF. */
static int ref_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char b = s[i];
		size_t left = len - i;

		if (b < 0x80) {
			if (b == 0x7f || (b < 0x20 && b != 0x09 && b != 0x0a && b != 0x0d))
				return 0;
			i += 1;
		} else if (b >= 0xc2 && b <= 0xdf) {
			if (left < 2 || s[i + 1] < 0x80 || s[i + 1] > 0xbf)
				return 0;
			if (b == 0xc2 && s[i + 1] <= 0x9f) /* C1 controls */
				return 0;
			i += 2;
		} else if (b >= 0xe0 && b <= 0xef) {
			unsigned char lo = 0x80, hi = 0xbf;
			if (b == 0xe0)
				lo = 0xa0;
			if (b == 0xed)
				hi = 0x9f;
			if (left < 3 || s[i + 1] < lo || s[i + 1] > hi || s[i + 2] < 0x80 ||
			    s[i + 2] > 0xbf)
				return 0;
			if (b == 0xef && s[i + 1] == 0xbf && (s[i + 2] == 0xbe || s[i + 2] == 0xbf))
				return 0;
			i += 3;
		} else if (b >= 0xf0 && b <= 0xf4) {
			unsigned char lo = 0x80, hi = 0xbf;
			if (b == 0xf0)
				lo = 0x90;
			if (b == 0xf4)
				hi = 0x8f;
			if (left < 4 || s[i + 1] < lo || s[i + 1] > hi || s[i + 2] < 0x80 ||
			    s[i + 2] > 0xbf || s[i + 3] < 0x80 || s[i + 3] > 0xbf)
				return 0;
			i += 4;
		} else
			return 0;
	}
	return 1;
}

static int cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
	       (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

static int token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?={}", c) == NULL;
}

/* An exactly-sized heap copy (never NULL, even for size 0). */
static char *copy(const uint8_t *p, size_t n)
{
	char *b = malloc(n ? n : 1);
	CHECK(b != NULL);
	if (n)
		memcpy(b, p, n);
	return b;
}

static void check_pairs_common(const struct req_pairs *p, const struct req_limits *lim)
{
	CHECK(p->n <= p->cap);
	CHECK(p->n == 0 || p->v != NULL);
	CHECK(p->n <= lim->fields_max);
	for (size_t i = 0; i < p->n; i++) {
		const struct req_pair *e = &p->v[i];
		size_t klen;
		CHECK(e->key != NULL && e->val != NULL);
		klen = strlen(e->key);
		CHECK(klen > 0 && klen <= 64);
		CHECK(strlen(e->val) == e->vlen);
		CHECK(e->vlen <= lim->field_max);
		CHECK(req_utf8_valid(e->val, e->vlen));
		CHECK(req_utf8_valid(e->key, klen));
		/* get() returns the first pair with this key; count() sees it. */
		const char *first = req_pairs_get(p, e->key);
		CHECK(first != NULL);
		CHECK(req_pairs_count(p, e->key) >= 1);
		for (size_t j = 0; j < p->n; j++)
			if (strcmp(p->v[j].key, e->key) == 0) {
				CHECK(first == p->v[j].val);
				break;
			}
	}
}

static void fuzz_form(const uint8_t *d, size_t n, const struct req_limits *lim)
{
	struct req_pairs p = {0};
	char *b = copy(d, n);
	enum req_result rc = req_parse_urlencoded(b, n, lim, &p);

	CHECK(rc == REQ_OK || rc == REQ_BAD || rc == REQ_TOO_LARGE);
	check_pairs_common(&p, lim);
	for (size_t i = 0; i < p.n; i++)
		for (const char *k = p.v[i].key; *k; k++)
			CHECK((unsigned char)*k > 0x20 && (unsigned char)*k < 0x7f);
	/* Parsing appends: a second pass over the same text adds the same pairs. */
	if (rc == REQ_OK) {
		size_t n1 = p.n;
		struct req_limits twice = *lim;
		twice.fields_max = lim->fields_max * 2;
		CHECK(req_parse_urlencoded(b, n, &twice, &p) == REQ_OK);
		CHECK(p.n == 2 * n1);
		for (size_t i = 0; i < n1; i++) {
			CHECK(strcmp(p.v[i].key, p.v[n1 + i].key) == 0);
			CHECK(p.v[i].vlen == p.v[n1 + i].vlen);
			CHECK(memcmp(p.v[i].val, p.v[n1 + i].val, p.v[i].vlen) == 0);
		}
	}
	req_pairs_free(&p);
	CHECK(p.n == 0 && p.v == NULL);
	free(b);
}

static void fuzz_cookies(const uint8_t *d, size_t n, const struct req_limits *lim)
{
	struct req_pairs p = {0};
	char *b = copy(d, n);
	enum req_result rc = req_parse_cookies(b, n, lim, &p);

	/* Malformed pairs are skipped: only "too many" is an error. */
	CHECK(rc == REQ_OK || rc == REQ_TOO_LARGE);
	check_pairs_common(&p, lim);
	for (size_t i = 0; i < p.n; i++) {
		for (const char *k = p.v[i].key; *k; k++)
			CHECK(token_char((unsigned char)*k));
		for (size_t j = 0; j < p.v[i].vlen; j++)
			CHECK(cookie_octet((unsigned char)p.v[i].val[j]));
	}
	req_pairs_free(&p);
	free(b);
}

static void fuzz_decode(const uint8_t *d, size_t n)
{
	char *b = copy(d, n), *out = (char *)"sentinel";
	size_t outlen = (size_t)-1;
	enum req_result rc = req_urldecode(b, n, &out, &outlen);
	int valid = req_utf8_valid(b, n);

	/* The UTF-8 check agrees with the reference. */
	CHECK(!valid == !ref_utf8_valid((const unsigned char *)b, n));
	CHECK(rc == REQ_OK || rc == REQ_BAD);
	if (rc == REQ_OK) {
		CHECK(out != NULL);
		CHECK(outlen <= n);
		CHECK(out[outlen] == '\0');
		CHECK(strlen(out) == outlen);
		CHECK(req_utf8_valid(out, outlen));
		CHECK(ref_utf8_valid((const unsigned char *)out, outlen));
	} else
		CHECK(out == NULL);
	/* Without '%' or '+', decoding is the identity on valid text. */
	if (memchr(b, '%', n) == NULL && memchr(b, '+', n) == NULL) {
		CHECK((rc == REQ_OK) == !!valid);
		if (rc == REQ_OK)
			CHECK(outlen == n && memcmp(out, b, n) == 0);
	}
	if (rc == REQ_OK)
		free(out);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct req_limits small = {.body_max = 4096, .fields_max = 8, .field_max = 64};
	static const struct req_limits large = {
		.body_max = 65536, .fields_max = 64, .field_max = 8192};
	const uint8_t *nl = size ? memchr(data, '\n', size) : NULL;
	const uint8_t *form = data, *cookie = data;
	size_t formlen = size, cookielen = size;

	if (nl != NULL) {
		formlen = (size_t)(nl - data);
		cookie = nl + 1;
		cookielen = size - formlen - 1;
	}
	fuzz_decode(data, size);
	fuzz_form(form, formlen, &small);
	fuzz_form(form, formlen, &large);
	fuzz_cookies(cookie, cookielen, &small);
	fuzz_cookies(cookie, cookielen, &large);
	return 0;
}
