/* Unit tests for fcgi/core/list.c (issue 16): how a filter splits into
 * phrases and words, the words index's patterns, cursors both ways and
 * every way they can be damaged, where a page starts and what its pager
 * links to, and list_page's fall-backs (Previous reaching the start, Next
 * finding its rows gone) with the rows shown in order. */
#include "config.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "list.h"
#include "tap.h"
#include "xml.h"

static const struct list_col cols[] = {{"company", "Company"}, {"email", "Email"}};
static const struct list_spec spec = {cols, 2, 10};

/* The query values of a view: sort, dir, q, per, after, before, end, at
 * (NULL: absent). */
static const char *view(struct list_view *lv, const char *sort, const char *dir, const char *q,
			const char *after, const char *before, int end, long long at)
{
	static struct val_value v[LIST_NQUERY];
	const char *s[] = {sort, dir, q, NULL, after, before};

	memset(v, 0, sizeof v);
	for (size_t i = 0; i < 6; i++)
		if (s[i] != NULL) {
			v[i].st = VAL_OK;
			v[i].str = (char *)s[i];
		}
	if (end) {
		v[6].st = VAL_OK;
		v[6].num = 1;
	}
	if (at) {
		v[7].st = VAL_OK;
		v[7].num = at;
	}
	return list_view_read(&spec, v, lv);
}

static void test_filter(void)
{
	struct list_view lv;
	char pat[DB_VIEW_PATTERN];

	ok(view(&lv, NULL, NULL, "john.smith@acme", NULL, NULL, 0, 0) == NULL, "a pasted login");
	is_int(lv.nphrases, 1, "is one phrase");
	is_str(lv.phrase[0], "% john smith acme%", "its words in order, the last a prefix");
	is_int(lv.nwords, 3, "of three words");
	ok(!lv.word_prefix[0] && !lv.word_prefix[1] && lv.word_prefix[2],
	   "john and smith whole, acme a prefix");
	db_view_pattern(&lv, 0, pat);
	is_str(pat, "john", "a whole word's pattern is the word");
	db_view_pattern(&lv, 2, pat);
	is_str(pat, "acme%", "a prefix's pattern ends in %");

	ok(view(&lv, NULL, NULL, "  Smith \t acme ", NULL, NULL, 0, 0) == NULL, "two parts");
	is_int(lv.nphrases, 2, "spaces separate phrases");
	is_str(lv.phrase[0], "% Smith%", "the first");
	is_str(lv.phrase[1], "% acme%", "the second");
	ok(lv.word_prefix[0] && lv.word_prefix[1], "each a prefix");

	ok(view(&lv, NULL, NULL, "@@ -- !", NULL, NULL, 0, 0) == NULL && lv.nphrases == 0 &&
		   lv.nwords == 0,
	   "punctuation alone filters nothing");
	ok(view(&lv, NULL, NULL, "Zürich-Öl", NULL, NULL, 0, 0) == NULL &&
		   strcmp(lv.word[0], "Zürich") == 0 && strcmp(lv.word[1], "Öl") == 0,
	   "letters beyond ASCII belong to words");
	ok(view(&lv, NULL, NULL, "a b c d e", NULL, NULL, 0, 0) != NULL,
	   "five parts: refused with a message");
	ok(view(&lv, NULL, NULL, "a b c d", NULL, NULL, 0, 0) == NULL, "four parts are fine");
	ok(view(&lv, NULL, NULL, "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q", NULL, NULL, 0, 0) != NULL,
	   "seventeen words: refused");

	/* The index keeps 32 characters of a word (UTF-8 counted as
	 * characters). */
	ok(view(&lv, NULL, NULL, "ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ.x", NULL, NULL, 0, 0) ==
		   NULL,
	   "a 40-character word");
	db_view_pattern(&lv, 0, pat);
	ok(strlen(pat) == 32 * 2 + 1 && pat[64] == '%', "its pattern: 32 characters, then %%");
}

/* A cursor made for (sort, dir) and read back by view(after=). */
static void test_cursor(void)
{
	struct list_view lv, back;
	char cur[LIST_CURSOR_MAX];
	const char *vals[2] = {"Acme & Co", "ann@acme.example"};
	size_t lens[2] = {9, 16};

	view(&lv, "company", "desc", NULL, NULL, NULL, 0, 0);
	ok(list_cursor(&lv, vals, lens, 2, cur) == 0 &&
		   strspn(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
			       "nopqrstuvwxyz0123456789-_") == strlen(cur),
	   "a cursor is base64url");
	ok(view(&back, "company", "desc", NULL, cur, NULL, 0, 26) == NULL, "read back");
	ok(back.from == LIST_FROM_AFTER && back.nkeys == 2 && strcmp(back.key[0], vals[0]) == 0 &&
		   strcmp(back.key[1], vals[1]) == 0 && back.at == 26,
	   "the same keys, after them, at 26");
	ok(view(&back, "company", "asc", NULL, cur, NULL, 0, 0) != NULL,
	   "another direction's cursor: refused");
	ok(view(&back, "email", "desc", NULL, NULL, cur, 0, 0) != NULL,
	   "another sort's cursor: refused");
	ok(view(&back, "company", "desc", NULL, "AAAA", NULL, 0, 0) != NULL,
	   "a cursor too short: refused");
	cur[strlen(cur) - 2] = '\0';
	ok(view(&back, "company", "desc", NULL, cur, NULL, 0, 0) != NULL,
	   "a truncated cursor: refused");
	ok(view(&back, "company", "desc", NULL, "@@@", NULL, 0, 0) != NULL, "not base64: refused");
	{
		const char *nul[1] = {"a\0b"};
		size_t nl[1] = {3};
		list_cursor(&lv, nul, nl, 1, cur);
		ok(view(&back, "company", "desc", NULL, cur, NULL, 0, 0) != NULL,
		   "a key with a NUL byte: refused");
	}
	ok(view(&back, NULL, NULL, NULL, "QQ", "QQ", 0, 0) != NULL,
	   "after and before together: refused");
	ok(view(&back, NULL, NULL, NULL, NULL, NULL, 1, 0) == NULL && back.from == LIST_FROM_END,
	   "end=1: the last page");
}

static void test_found(void)
{
	struct list_view lv;

	view(&lv, NULL, NULL, NULL, NULL, NULL, 0, 0);
	list_found(&lv, 10, 1, 95, 1);
	ok(lv.at == 1 && !lv.has_prev && lv.has_next, "first page: 1, no previous, a next");
	view(&lv, NULL, NULL, NULL, "QQ", NULL, 0, 0);
	lv.from = LIST_FROM_AFTER;
	lv.at = 41;
	list_found(&lv, 10, 0, 50, 1);
	ok(lv.at == 41 && lv.has_prev && !lv.has_next, "after a row, nothing past: no next");
	lv.from = LIST_FROM_BEFORE;
	lv.at = 11;
	list_found(&lv, 10, 0, 50, 1);
	ok(lv.at == 1 && !lv.has_prev && lv.has_next,
	   "before a row, nothing more: it is the start");
	lv.from = LIST_FROM_END;
	list_found(&lv, 5, 1, 95, 1);
	ok(lv.at == 91 && lv.has_prev && !lv.has_next, "the end of 95: 91 - 95");
	list_found(&lv, 5, 1, 10000, 0);
	ok(lv.at == 0 && !lv.total_exact, "the end of a count not known: no position");
	lv.from = LIST_FROM_AFTER;
	lv.at = 20001;
	list_found(&lv, 10, 1, 10000, 0);
	is_int(lv.total, 20010, "more than: at least the rows shown so far, and one after");
}

/* list_page with a fetch that serves rows "r<n>" of a list of 25, in the
 * walk's order, as the database would. */
struct fake {
	int calls;
	enum list_from from[2];
};

static int fetch(void *ctx, struct list_view *lv, xmlNodePtr rows, struct list_fetched *f)
{
	struct fake *k = ctx;
	int n = 25, start, step, count = 0;
	char id[8];

	k->from[k->calls++ % 2] = lv->from;
	switch (lv->from) {
	case LIST_FROM_START: start = 1, step = 1; break;
	case LIST_FROM_END: start = n, step = -1; break;
	case LIST_FROM_AFTER: start = atoi(lv->key[0]) + 1, step = 1; break;
	default: start = atoi(lv->key[0]) - 1, step = -1; break;
	}
	for (int i = start; i >= 1 && i <= n && count <= (int)lv->per; i += step, count++)
		if (count < (int)lv->per) {
			snprintf(id, sizeof id, "r%d", i);
			xml_el(rows, id);
		}
	f->shown = count < (int)lv->per ? (size_t)count : lv->per;
	f->more = count > (int)lv->per;
	f->total = (unsigned long long)n;
	f->exact = 1;
	return 0;
}

static const char *first_row(xmlNodePtr list)
{
	for (xmlNodePtr n = list->children; n; n = n->next)
		if (xmlStrcmp(n->name, BAD_CAST "rows") == 0)
			return n->children ? (const char *)n->children->name : "";
	return NULL;
}

static void test_page(void)
{
	xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewDocNode(d, NULL, BAD_CAST "page", NULL);
	struct list_view lv;
	struct fake k = {0};
	const char *keys[1] = {"3"};
	size_t lens[1] = {1};
	char cur[LIST_CURSOR_MAX];

	xmlDocSetRootElement(d, root);
	view(&lv, NULL, NULL, NULL, NULL, NULL, 0, 0);
	list_cursor(&lv, keys, lens, 1, cur);
	view(&lv, NULL, NULL, NULL, NULL, cur, 0, 0);
	lv.nkeys = 1;
	ok(list_page(root, &spec, &lv, fetch, &k) == 0 && k.calls == 2 &&
		   k.from[1] == LIST_FROM_START && lv.at == 1,
	   "Previous reaching the start: the first page, read again");
	is_str(first_row(root->last), "r1", "starting with the first row");
	view(&lv, NULL, NULL, NULL, NULL, NULL, 1, 0);
	k.calls = 0;
	ok(list_page(root, &spec, &lv, fetch, &k) == 0 && k.calls == 1 && lv.at == 16,
	   "the last page: 16 - 25");
	is_str(first_row(root->last), "r16", "shown forwards though walked backwards");
	keys[0] = "25";
	lens[0] = 2;
	view(&lv, NULL, NULL, NULL, NULL, NULL, 0, 0);
	list_cursor(&lv, keys, lens, 1, cur);
	view(&lv, NULL, NULL, NULL, cur, NULL, 0, 30);
	k.calls = 0;
	ok(list_page(root, &spec, &lv, fetch, &k) == 0 && k.calls == 2 &&
		   k.from[1] == LIST_FROM_END,
	   "Next finding its rows gone: the last page");
	xmlFreeDoc(d);
}

static void test_links(void)
{
	xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewDocNode(d, NULL, BAD_CAST "page", NULL), l;
	struct list_view lv;
	xmlChar *a;

	xmlDocSetRootElement(d, root);
	view(&lv, "email", "desc", "a b", NULL, NULL, 0, 0);
	list_found(&lv, 10, 1, 95, 1);
	strcpy(lv.last, "LAST");
	list_xml(root, &spec, &lv);
	l = root->last;
	a = xmlGetProp(l, BAD_CAST "query-next");
	is_str((const char *)a, "sort=email&dir=desc&q=a%20b&per=10&after=LAST&at=11",
	       "Next: the view, after the last row shown, at 11");
	xmlFree(a);
	ok(xmlHasProp(l, BAD_CAST "query-prev") == NULL, "no Previous on the first page");
	xmlFreeDoc(d);
}

/* A page's two own filters (Portal Access: status, invitation state) are
 * kept in every link as q is, and dropped by Clear filter. */
static void test_facets(void)
{
	xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewDocNode(d, NULL, BAD_CAST "page", NULL), l;
	struct list_view lv;
	xmlChar *a;
	char q[600];

	xmlDocSetRootElement(d, root);
	view(&lv, "email", "asc", NULL, NULL, NULL, 0, 0);
	ok(lv.facet2_name == NULL && lv.facet2 != NULL && lv.facet2[0] == '\0',
	   "a view starts with no second filter");
	lv.facet_name = "status";
	lv.facet = "revoked";
	lv.facet2_name = "invitation";
	lv.facet2 = "bounced";
	list_query(q, sizeof q, &spec, &lv, 0);
	is_str(q, "sort=email&dir=asc&status=revoked&invitation=bounced&per=10",
	       "the view's query: both filters");
	list_found(&lv, 10, 1, 95, 1);
	strcpy(lv.last, "LAST");
	list_xml(root, &spec, &lv);
	l = root->last;
	a = xmlGetProp(l, BAD_CAST "facet2");
	is_str((const char *)a, "bounced", "the list names the second filter's value");
	xmlFree(a);
	a = xmlGetProp(l, BAD_CAST "query-next");
	ok(a && strstr((const char *)a, "invitation=bounced") != NULL, "Next keeps it");
	xmlFree(a);
	a = xmlGetProp(l, BAD_CAST "query-clear");
	ok(a && strstr((const char *)a, "invitation=") == NULL &&
		   strstr((const char *)a, "status=") == NULL,
	   "Clear filter drops both");
	xmlFree(a);
	xmlFreeDoc(d);
}

int main(void)
{
	test_filter();
	test_cursor();
	test_found();
	test_page();
	test_links();
	test_facets();
	return done_testing();
}
