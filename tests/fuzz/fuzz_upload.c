/* libFuzzer target for the upload's parsers: fcgi/core/csv.c (csv_parse,
 * and csv_put_field's output read back) and req_parse_multipart of
 * fcgi/core/req.c.
 *
 * The whole input goes to csv_parse (small limits, so that the limits'
 * paths are reached too) and, as a body with the boundary "b", to
 * req_parse_multipart.  Each gets a buffer of exactly the input's size, so
 * reading past it is caught by ASan.  Invariants: every field is
 * NUL-terminated inside the table's buffer and is UTF-8; rows start on
 * non-decreasing lines; a row written back with csv_put_field and parsed
 * again gives the same fields (a formula's apostrophe aside); every
 * multipart pair is within the limits.  Any broken one aborts.
 *
 * Built by tests/fuzz/run-fuzz.sh with clang -fsanitize=fuzzer, and by
 * automake (with replay.c) as tests/fuzz/replay_upload for corpus replay. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_upload: invariant failed: %s (%s:%d)\n", #c,         \
				__FILE__, __LINE__);                                               \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

struct out {
	char *s;
	size_t n, cap;
};

static int put(void *ctx, const char *s, size_t n)
{
	struct out *o = ctx;

	if (o->n + n + 1 > o->cap) {
		size_t cap = (o->n + n + 1) * 2;
		char *p = realloc(o->s, cap);
		if (p == NULL)
			return 1;
		o->s = p;
		o->cap = cap;
	}
	memcpy(o->s + o->n, s, n);
	o->n += n;
	o->s[o->n] = '\0';
	return 0;
}

static void check_csv(const char *in, size_t len)
{
	struct csv_table t, u;
	struct out o = {0};
	size_t line = 0;

	if (csv_parse(in, len, 50, 200, &t) != CSV_OK) {
		CHECK(t.rows == NULL && t.buf == NULL);
		return;
	}
	CHECK(t.nrows >= 1 && t.nrows <= 50);
	for (size_t i = 0; i < t.nrows; i++) {
		const struct csv_row *r = &t.rows[i];
		CHECK(r->line >= line && r->n >= 1 && r->n <= CSV_FIELDS_MAX);
		line = r->line;
		for (size_t k = 0; k < r->n; k++) {
			size_t n = strlen(r->f[k]);
			CHECK(r->f[k] >= t.buf && r->f[k] + n < t.buf + len + 2);
			CHECK(n <= 200 && req_utf8_valid(r->f[k], n));
		}
	}
	/* The first row written back and read again: the same fields, when
	 * none starts like a formula (those gain an apostrophe). */
	for (size_t k = 0; k < t.rows[0].n; k++) {
		const char *f = t.rows[0].f[k];
		if ((f[0] != '\0' && strchr("=+-@\t\r", f[0]) != NULL) ||
		    (k == 0 && strncmp(f, CSV_BOM, 3) == 0))
			goto out;
		CHECK(csv_put_field(f, k + 1 == t.rows[0].n, put, &o) == 0);
	}
	if (t.sep == ',' && !(t.rows[0].n == 1 && t.rows[0].f[0][0] == '\0') &&
	    csv_parse(o.s, o.n, 50, 400, &u) == CSV_OK) {
		CHECK(u.rows[0].n == t.rows[0].n);
		for (size_t k = 0; k < u.rows[0].n; k++)
			CHECK(strcmp(u.rows[0].f[k], t.rows[0].f[k]) == 0);
		csv_free(&u);
	}
out:
	free(o.s);
	csv_free(&t);
}

static void check_multipart(const char *in, size_t len)
{
	struct req_limits lim = {1 << 20, 8, 64};
	struct req_pairs p = {0};
	char fname[32];

	if (req_parse_multipart(in, len, "b", &lim, 256, &p, fname, sizeof fname) == REQ_OK)
		CHECK(p.n <= 8);
	for (size_t i = 0; i < p.n; i++) {
		CHECK(p.v[i].key[0] != '\0' && strlen(p.v[i].key) <= 64);
		CHECK(p.v[i].vlen <= 256 && p.v[i].val[p.v[i].vlen] == '\0');
	}
	CHECK(strlen(fname) < sizeof fname);
	req_pairs_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	check_csv(buf, size);
	check_multipart(buf, size);
	free(buf);
	return 0;
}
