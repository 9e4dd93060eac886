/* libFuzzer target for the list engine's parsers (fcgi/core/list.c): a
 * list page's query string, as a browser sends it, through the real field
 * table (req_parse_urlencoded, val_run with LIST_QUERY_FIELDS) into
 * list_view_read, which splits the filter and decodes the cursor.  On a
 * view it accepts: at most LIST_PHRASES_MAX phrases and LIST_WORDS_MAX
 * words, each word non-empty and of word characters, each phrase a LIKE
 * pattern "% ...%" of its words only; a cursor's keys as many as its sort
 * has, and list_cursor of those keys read back to the same keys; the pager's
 * XML built whatever was typed.  Any broken invariant aborts.
 *
 * Built by tests/fuzz/run-fuzz.sh fuzz_list, and by automake (with
 * replay.c) as tests/fuzz/replay_list for corpus replay. */
#include "config.h"

#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"
#include "req.h"
#include "valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_list: invariant failed: %s (%s:%d)\n", #c, __FILE__, \
				__LINE__);                                                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static const struct val_field fields[LIST_NQUERY] = {LIST_QUERY_FIELDS};
static const struct list_col cols[] = {{"company", "Company"}, {"email", "Email"}};
static const struct list_spec spec = {cols, 2, 10};

static int word_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c >= 0x80;
}

static void check_filter(const struct list_view *lv)
{
	CHECK(lv->nphrases <= LIST_PHRASES_MAX);
	CHECK(lv->nwords <= LIST_WORDS_MAX);
	CHECK(lv->nwords >= lv->nphrases);
	for (size_t i = 0; i < lv->nwords; i++) {
		CHECK(lv->word[i] != NULL && lv->word[i][0] != '\0');
		for (const char *c = lv->word[i]; *c; c++)
			CHECK(word_char((unsigned char)*c));
	}
	for (size_t i = 0; i < lv->nphrases; i++) {
		const char *p = lv->phrase[i];
		size_t n = strlen(p);
		CHECK(n >= 4 && p[0] == '%' && p[1] == ' ' && p[n - 1] == '%');
		for (size_t k = 2; k + 1 < n; k++)
			CHECK(word_char((unsigned char)p[k]) || (p[k] == ' ' && p[k - 1] != ' '));
	}
}

/* The keys of a cursor, encoded again and read back, are the same keys. */
static void check_cursor(const struct list_view *lv)
{
	char enc[LIST_CURSOR_MAX];
	const char *keys[LIST_KEYS_MAX];
	size_t lens[LIST_KEYS_MAX];
	struct val_value v[LIST_NQUERY];
	struct list_view back;
	const char *err;

	CHECK(lv->nkeys <= LIST_KEYS_MAX);
	for (size_t i = 0; i < lv->nkeys; i++) {
		keys[i] = lv->key[i];
		lens[i] = lv->keylen[i];
	}
	if (list_cursor(lv, keys, lens, lv->nkeys, enc) != 0)
		return;
	memset(v, 0, sizeof v);
	for (size_t i = 0; i < LIST_NQUERY; i++)
		v[i].st = VAL_ABSENT;
	v[0].st = VAL_OK;
	v[0].str = (char *)cols[lv->sort].key;
	v[0].raw = v[0].str;
	v[1].st = VAL_OK;
	v[1].str = (char *)(lv->desc ? "desc" : "asc");
	v[1].raw = v[1].str;
	v[4].st = VAL_OK;
	v[4].str = enc;
	v[4].raw = enc;
	memset(&back, 0, sizeof back);
	err = list_view_read(&spec, v, &back);
	CHECK(err == NULL);
	CHECK(back.from == LIST_FROM_AFTER && back.nkeys == lv->nkeys);
	for (size_t i = 0; i < lv->nkeys; i++)
		CHECK(back.keylen[i] == lv->keylen[i] &&
		      memcmp(back.key[i], lv->key[i], lv->keylen[i]) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct req_limits lim = {65536, 64, 8192};
	struct req_pairs in = {0};
	struct val_value v[LIST_NQUERY];
	struct list_view lv;
	char *buf = malloc(size + 1);

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	memset(v, 0, sizeof v);
	if (req_parse_urlencoded(buf, size, &lim, &in) == REQ_OK &&
	    val_run(fields, LIST_NQUERY, &in, v) == 0) {
		memset(&lv, 0, sizeof lv);
		if (list_view_read(&spec, v, &lv) == NULL) {
			xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
			xmlNodePtr root = xmlNewDocNode(d, NULL, BAD_CAST "page", NULL);
			CHECK(lv.sort < spec.ncols);
			CHECK(lv.per == 10 || lv.per == 25 || lv.per == 50 || lv.per == 100);
			check_filter(&lv);
			if (lv.from == LIST_FROM_AFTER || lv.from == LIST_FROM_BEFORE)
				check_cursor(&lv);
			xmlDocSetRootElement(d, root);
			list_found(&lv, 3, 1, 12345, 0);
			CHECK(list_xml(root, &spec, &lv) != NULL);
			xmlFreeDoc(d);
		}
	}
	val_values_free(v, LIST_NQUERY);
	req_pairs_free(&in);
	free(buf);
	return 0;
}
