/* Unit tests of the render cache (fcgi/core/rcache.c): keys tell apart every
 * pair of documents that could render differently (values, names, nesting,
 * token boundaries, attribute order, unescaped text, the stylesheet) and
 * agree on equal ones; a page is stored at once while there is room, on its
 * second sighting once the cache is full; hits
 * return the stored bytes; the budget holds with least-recently-used
 * eviction; an oversized page is never stored; the off switches (budget 0,
 * GH_RENDER_CACHE=0); threads sharing the cache never get another key's
 * page; the page memo's keys move with each of their inputs and are of
 * their own kind; render_page gives the bytes render_html gives, inside the request
 * pool as the responders run it; and the stylesheets of the pages that use
 * the cache read nothing but their document. */
#include "config.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pool.h"
#include "rcache.h"
#include "render.h"
#include "tap.h"
#include "xml.h"

static xmlDocPtr parse(const char *s)
{
	return xmlReadMemory(s, (int)strlen(s), "t.xml", NULL, XML_PARSE_NONET);
}

/* 1 when sheet/a and sheet/b get different keys. */
static int differ(const char *sheet_a, const char *a, const char *sheet_b, const char *b)
{
	unsigned char ka[RCACHE_KEY_LEN], kb[RCACHE_KEY_LEN];
	xmlDocPtr da = parse(a), db = parse(b);
	int rc = -1;

	if (da != NULL && db != NULL && rcache_key(sheet_a, da, ka) == 0 &&
	    rcache_key(sheet_b, db, kb) == 0)
		rc = memcmp(ka, kb, sizeof ka) != 0;
	xmlFreeDoc(da);
	xmlFreeDoc(db);
	return rc;
}

/* A page of n bytes that names key k, so a wrong hit is seen. */
static void page_for(unsigned k, char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('a' + (k + i) % 26);
	snprintf(buf, n, "<p>page %u</p>", k);
}

static void key_for(unsigned k, unsigned char key[RCACHE_KEY_LEN])
{
	char doc[64];
	xmlDocPtr d;

	snprintf(doc, sizeof doc, "<page n=\"%u\"/>", k);
	d = parse(doc);
	if (d == NULL || rcache_key("list", d, key) != 0)
		memset(key, 0, RCACHE_KEY_LEN);
	xmlFreeDoc(d);
}

/* The tenant offer() offers pages of. */
static unsigned offer_tenant;

/* Offers page k once, as after one render. */
static void offer(unsigned k, size_t n)
{
	unsigned char key[RCACHE_KEY_LEN];
	char *buf = malloc(n);

	if (buf == NULL)
		return;
	key_for(k, key);
	page_for(k, buf, n);
	rcache_put(key, (const xmlChar *)buf, (int)n, offer_tenant);
	free(buf);
}

/* Offers page k twice: stored even when the cache is full. */
static void store(unsigned k, size_t n)
{
	offer(k, n);
	offer(k, n);
}

/* 1 if page k is a hit with the right bytes, 0 if a miss, -1 if wrong. */
static int fetch(unsigned k, size_t n)
{
	unsigned char key[RCACHE_KEY_LEN];
	xmlChar *out = NULL;
	char *want = malloc(n);
	int len = 0, rc;

	if (want == NULL)
		return -1;
	key_for(k, key);
	page_for(k, want, n);
	switch (rcache_get(key, &out, &len)) {
	case RCACHE_HIT:
		rc = (size_t)len == n && memcmp(out, want, n) == 0 && out[len] == '\0' ? 1 : -1;
		break;
	case RCACHE_MISS: rc = 0; break;
	default: rc = -1; break;
	}
	xmlFree(out);
	free(want);
	return rc;
}

#define THREAD_KEYS 64
#define THREAD_OPS 3000

static void *hammer(void *arg)
{
	unsigned seed = (unsigned)(size_t)arg;
	size_t wrong = 0;

	for (int i = 0; i < THREAD_OPS; i++) {
		unsigned k = (unsigned)rand_r(&seed) % THREAD_KEYS;
		size_t n = 1000 + k * 37;
		int r = fetch(k, n);
		if (r < 0)
			wrong++;
		else if (r == 0)
			store(k, n);
	}
	return (void *)wrong;
}

/* ---- the memo pages' stylesheets read nothing but the document ----
 * A hit is only right if a render depends on the document alone: these
 * XSLT features would make it depend on something else (another file,
 * node addresses, the processor, a side effect skipped on a hit). */
static const char *const impure[] = {"document(",
				     "key(",
				     "generate-id(",
				     "system-property(",
				     "unparsed-entity-uri(",
				     "xsl:message",
				     "xsl:key",
				     "extension-element-prefixes",
				     "exsl",
				     "date:",
				     NULL};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else
			buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

/* Checks dir/file and, recursively, what it includes or imports; returns
 * the number of problems (a missing file is one). */
static int check_sheet(const char *dir, const char *file, int depth)
{
	char path[4096];
	char *text;
	int bad = 0;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (depth > 8 || (text = slurp(path)) == NULL) {
		diag("cannot read %s", path);
		return 1;
	}
	for (const char *const *w = impure; *w != NULL; w++)
		if (strstr(text, *w) != NULL) {
			diag("%s uses %s", file, *w);
			bad++;
		}
	for (const char *p = text; (p = strstr(p, "<xsl:")) != NULL; p++) {
		if (strncmp(p, "<xsl:include", 12) != 0 && strncmp(p, "<xsl:import", 11) != 0)
			continue;
		const char *h = strstr(p, "href=\""), *e;
		if (h == NULL || (e = strchr(h + 6, '"')) == NULL || (size_t)(e - h - 6) >= 256)
			return bad + 1;
		char inc[256];
		memcpy(inc, h + 6, (size_t)(e - h - 6));
		inc[e - h - 6] = '\0';
		bad += check_sheet(dir, inc, depth + 1);
	}
	free(text);
	return bad;
}

/* A cache holding a page, freed twice: the second call must find the
 * first one's reset (a page freed again aborts, or ASan reports), nothing
 * is served after, and the cache starts again from scratch. */
static void free_twice(void *arg)
{
	(void)arg;
	if (rcache_init(1 << 20, 100) != 0)
		_exit(3);
	store(1, 100);
	if (fetch(1, 100) != 1)
		_exit(4);
	rcache_free();
	rcache_free();
	if (rcache_enabled() || fetch(1, 100) != 0)
		_exit(5);
	if (rcache_init(1 << 20, 100) != 0)
		_exit(6);
	store(2, 100);
	_exit(fetch(2, 100) == 1 && fetch(1, 100) == 0 ? 0 : 7);
}

int main(void)
{
	const char *srcdir = getenv("GH_SRCDIR");
	struct rcache_stats s;
	char dir[4096];

	if (sodium_init() < 0 || pool_install() != 0)
		return 1;
	xmlInitParser();
	ok(rcache_init(1 << 20, 100) == 0 && rcache_enabled(), "on with a 1 MiB budget");

	/* ---- keys ---- */
	is_int(differ("list", "<a x=\"1\"><b>t</b></a>", "list", "<a x=\"1\"><b>t</b></a>"), 0,
	       "equal documents: equal keys");
	is_int(differ("list", "<a/>", "error", "<a/>"), 1, "another stylesheet: another key");
	is_int(differ("list", "<a x=\"1\"/>", "list", "<a x=\"2\"/>"), 1, "an attribute value");
	is_int(differ("list", "<a x=\"1\"/>", "list", "<a y=\"1\"/>"), 1, "an attribute name");
	is_int(differ("list", "<a>t</a>", "list", "<a>u</a>"), 1, "a text");
	is_int(differ("list", "<a>t</a>", "list", "<b>t</b>"), 1, "an element name");
	is_int(differ("list", "<a x=\"1\"/>", "list", "<a><x>1</x></a>"), 1,
	       "an attribute against a child element of the same name and text");
	is_int(differ("list", "<a b=\"xy\" c=\"z\"/>", "list", "<a b=\"x\" c=\"yz\"/>"), 1,
	       "a boundary moved between two attribute values");
	is_int(differ("list", "<a><b>xy</b><c>z</c></a>", "list", "<a><b>x</b><c>yz</c></a>"), 1,
	       "a boundary moved between two texts");
	is_int(differ("list", "<a b=\"1\" c=\"2\"/>", "list", "<a c=\"2\" b=\"1\"/>"), 1,
	       "attribute order (the output may follow it)");
	is_int(differ("list", "<a><b/><c/></a>", "list", "<a><b><c/></b></a>"), 1,
	       "siblings against nesting");
	is_int(differ("list", "<a><b/></a>", "list", "<a><b/><!--c--></a>"), 1, "a comment");
	is_int(differ("list", "<a>x<![CDATA[y]]></a>", "list", "<a>xy</a>"), 1,
	       "CDATA against text");
	is_int(differ("list", "<a xmlns=\"urn:x\"/>", "list", "<a/>"), 1, "a namespace");
	is_int(differ("list", "<a/>", "list", "<a></a>"), 0,
	       "the same tree written two ways: one key");
	{
		/* libxml2 marks text that XSLT's disable-output-escaping made:
		 * it serialises differently, so it must key differently. */
		xmlDocPtr d1 = parse("<a>&lt;b&gt;</a>"), d2 = parse("<a>&lt;b&gt;</a>");
		unsigned char k1[RCACHE_KEY_LEN], k2[RCACHE_KEY_LEN];
		xmlDocGetRootElement(d2)->children->name = xmlStringTextNoenc;
		ok(rcache_key("list", d1, k1) == 0 && rcache_key("list", d2, k2) == 0 &&
			   memcmp(k1, k2, sizeof k1) != 0,
		   "unescaped text against escaped text");
		xmlFreeDoc(d1);
		xmlFreeDoc(d2);
	}
	{
		xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
		xmlNodePtr n = xmlNewDocNode(d, NULL, BAD_CAST "a", NULL);
		unsigned char k[RCACHE_KEY_LEN];
		xmlDocSetRootElement(d, n);
		for (int i = 0; i < 300; i++)
			n = xmlNewChild(n, NULL, BAD_CAST "a", NULL);
		is_int(rcache_key("list", d, k), -1, "a document 300 levels deep is not keyed");
		xmlFreeDoc(d);
	}
	{
		unsigned char k1[RCACHE_KEY_LEN], k2[RCACHE_KEY_LEN];
		key_for(7, k1);
		rcache_init(1 << 20, 100);
		key_for(7, k2);
		ok(memcmp(k1, k2, sizeof k1) != 0,
		   "keys are keyed: another process (init) gives another key");
	}

	/* ---- the page memo's keys (rcache_input_key) ---- */
	{
		unsigned char sa[32], sb[32], k[6][RCACHE_KEY_LEN], kd[RCACHE_KEY_LEN];
		uint64_t v[2] = {7, 9}, w[2] = {7, 10}, x[2] = {8, 9};
		xmlDocPtr d = parse("<a/>");
		int apart = 1;
		memset(sa, 1, sizeof sa);
		memset(sb, 1, sizeof sb);
		sb[31] = 2;
		rcache_input_key("portal-access", sa, v, "q=a", k[0]);
		rcache_input_key("portal-access", sa, v, "q=a", k[1]);
		ok(memcmp(k[0], k[1], RCACHE_KEY_LEN) == 0, "memo: the same inputs, the same key");
		rcache_input_key("portal-access", sb, v, "q=a", k[1]);
		rcache_input_key("portal-access", sa, w, "q=a", k[2]);
		rcache_input_key("portal-access", sa, x, "q=a", k[3]);
		rcache_input_key("portal-access", sa, v, "q=ab", k[4]);
		rcache_input_key("customers", sa, v, "q=a", k[5]);
		for (int i = 0; i < 6; i++)
			for (int j = i + 1; j < 6; j++)
				apart &= memcmp(k[i], k[j], RCACHE_KEY_LEN) != 0;
		ok(apart, "memo: a session, either version, the query and the page each move the "
			  "key");
		rcache_input_key("portal-access", sa, v, NULL, k[1]);
		rcache_input_key("portal-access", sa, v, "", k[2]);
		ok(memcmp(k[1], k[2], RCACHE_KEY_LEN) != 0 &&
			   memcmp(k[1], k[0], RCACHE_KEY_LEN) != 0,
		   "memo: no query string and an empty one are told apart");
		ok(d != NULL && rcache_key("portal-access", d, kd) == 0 &&
			   memcmp(kd, k[0], RCACHE_KEY_LEN) != 0,
		   "memo: a document's key is of another kind");
		rcache_put(k[0], BAD_CAST "<p>memo</p>", 11, 3);
		xmlChar *out = NULL;
		int len = 0;
		ok(rcache_get(k[0], &out, &len) == RCACHE_HIT && len == 11 &&
			   memcmp(out, "<p>memo</p>", 11) == 0,
		   "memo: a page kept under its key comes back");
		xmlFree(out);
		xmlFreeDoc(d);
		/* The session's digest: every byte counts, zeros included. */
		unsigned char x1[300], x2[300], d1[32], d2[32];
		int told = 1;
		memset(x1, 0, sizeof x1);
		memcpy(x1 + 17, "ab", 2);
		memcpy(x1 + 280, "cd", 2);
		memcpy(x2, x1, sizeof x2);
		rcache_sparse_digest(x1, sizeof x1, d1);
		rcache_sparse_digest(x2, sizeof x2, d2);
		ok(memcmp(d1, d2, 32) == 0, "sparse digest: equal bytes, equal digests");
		for (size_t i = 0; i < sizeof x2; i++) {
			x2[i] ^= 0x40; /* any byte changed, a zero one or not */
			rcache_sparse_digest(x2, sizeof x2, d2);
			told &= memcmp(d1, d2, 32) != 0;
			x2[i] ^= 0x40;
		}
		ok(told, "sparse digest: any one of 300 bytes changed changes it");
		memcpy(x2 + 17, "a\0b", 3); /* "ab\0" -> "a\0b": a boundary moved */
		rcache_sparse_digest(x2, sizeof x2, d2);
		ok(memcmp(d1, d2, 32) != 0, "sparse digest: a run split elsewhere changes it");
		/* The counts below start from an empty cache. */
		rcache_free();
		rcache_init(1 << 20, 100);
	}

	/* ---- admission, hits ---- */
	{
		unsigned char key[RCACHE_KEY_LEN];
		char page[5000];
		key_for(1, key);
		page_for(1, page, sizeof page);
		is_int(fetch(1, sizeof page), 0, "an unseen page: a miss");
		rcache_put(key, (const xmlChar *)page, (int)sizeof page, 0);
		rcache_get_stats(&s);
		is_int(s.entries, 1, "room in the budget: kept at once");
		is_int(s.stored, 1, "stats: one stored");
		is_int(fetch(1, sizeof page), 1, "a hit gives the stored bytes, NUL-terminated");
		rcache_put(key, (const xmlChar *)page, (int)sizeof page, 0);
		rcache_get_stats(&s);
		is_int(s.entries, 1, "offering a stored page again stores nothing twice");
		is_int(s.hits, 1, "stats: one hit");
		is_int(s.misses, 1, "stats: one miss");
		ok(s.bytes > sizeof page && s.bytes < sizeof page + 256, "stats: bytes held (%zu)",
		   s.bytes);
	}

	/* ---- budget, eviction, the doorkeeper ---- */
	rcache_init(64 * 1024, 100); /* pages of 4000 bytes: 16 fit, at most 8 KiB each */
	for (unsigned k = 0; k < 16; k++)
		offer(k, 4000);
	rcache_get_stats(&s);
	is_int(s.entries, 16, "16 pages of 4000 bytes fill 64 KiB, each kept at once");
	is_int(fetch(0, 4000), 1, "page 0 is used again (now the most recent)");
	offer(16, 4000);
	rcache_get_stats(&s);
	is_int(s.entries, 16, "full: a page seen once is not kept");
	is_int(s.evicted, 0, "and evicts nothing");
	is_int(fetch(16, 4000), 0, "so it is a miss");
	offer(16, 4000);
	is_int(fetch(16, 4000), 1, "full: a page seen twice is kept");
	rcache_get_stats(&s);
	ok(s.bytes <= s.budget, "the budget holds (%zu of %zu bytes)", s.bytes, s.budget);
	is_int(s.evicted, 1, "one page was evicted for it");
	is_int(fetch(1, 4000), 0, "the least recently used page went");
	is_int(fetch(0, 4000), 1, "the page used again stayed");
	store(99, 9000);
	is_int(fetch(99, 9000), 0, "a page over an eighth of the budget is never stored");

	/* ---- budgets by tenant (issue 16) ---- */
	rcache_init(64 * 1024, 25); /* a tenant may hold 16 KiB: four pages of 4000 */
	offer_tenant = 7;
	for (unsigned k = 100; k < 110; k++)
		offer(k, 4000);
	ok(rcache_tenant_bytes(7) <= 16 * 1024 && rcache_tenant_bytes(7) > 12 * 1024,
	   "a tenant holds at most its share (%zu of 16384 bytes)", rcache_tenant_bytes(7));
	is_int(fetch(109, 4000), 1, "its newest page is kept");
	is_int(fetch(100, 4000), 0, "its oldest made room: its own, nobody else's");
	/* The busy tenant 7 keeps being served while 40 others each show a
	 * page once, twice (so each is admitted): the budget is exceeded
	 * over and over, and the idle tenants' pages are the ones to go. */
	for (unsigned k = 200; k < 240; k++) {
		offer_tenant = 1000 + k;
		store(k, 4000);
		offer_tenant = 7;
		fetch(109, 4000);
	}
	rcache_get_stats(&s);
	ok(s.bytes <= s.budget, "the budget holds through the churn (%zu of %zu bytes)", s.bytes,
	   s.budget);
	is_int(fetch(109, 4000), 1, "others' churn did not evict the busy tenant's page");
	is_int(fetch(106, 4000), 1,
	       "nor its pages not asked for meanwhile (a tenant is as recent as its latest page)");
	is_int(fetch(239, 4000), 1, "the latest of the others is there");
	is_int(fetch(200, 4000), 0, "the earliest of the others went");
	offer_tenant = 0;

	/* ---- off ---- */
	rcache_init(0, 100);
	ok(!rcache_enabled(), "budget 0: off");
	store(1, 100);
	is_int(fetch(1, 100), 0, "off: nothing is stored");
	setenv("GH_RENDER_CACHE", "0", 1);
	rcache_init(1 << 20, 100);
	ok(!rcache_enabled(), "GH_RENDER_CACHE=0: off whatever the budget");
	unsetenv("GH_RENDER_CACHE");
	rcache_free();
	ok(tap_survives(free_twice, NULL),
	   "rcache_free twice is harmless (in a child: no crash; off, empty, and usable again)");

	/* ---- threads ---- */
	{
		pthread_t t[4];
		size_t wrong = 0;
		unsigned long long gets;
		rcache_init(24 * 1024, 100); /* ~8 of the 64 pages: constant eviction */
		for (size_t i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, hammer, (void *)(i + 1));
		for (size_t i = 0; i < 4; i++) {
			void *r;
			pthread_join(t[i], &r);
			wrong += (size_t)r;
		}
		rcache_get_stats(&s);
		gets = s.hits + s.misses;
		is_int(wrong, 0, "4 threads, 12000 lookups: never another key's page");
		is_int(gets, 4 * THREAD_OPS, "every lookup counted once");
		ok(s.hits > 0 && s.evicted > 0, "hits (%llu) and evictions (%llu) both happened",
		   s.hits, s.evicted);
		ok(s.bytes <= s.budget, "the budget holds under threads");
	}

	/* ---- stylesheets ---- */
	snprintf(dir, sizeof dir, "%s/xslt", srcdir ? srcdir : ".");
	{
		/* The pages with .memo = 1 (fcgi/settings, fcgi/portal). */
		static const char *const memo[] = {
			"portal-access.xsl",  "customers.xsl",
			"office-users.xsl",   "portal-access-settings.xsl",
			"portal-records.xsl", "portal-home.xsl",
			"portal-sites.xsl",   NULL};
		for (const char *const *m = memo; *m != NULL; m++)
			is_int(check_sheet(dir, *m, 0), 0, *m);
		char evil[] = "/tmp/gh-rcache-XXXXXX";
		char path[4200];
		FILE *f;
		ok(mkdtemp(evil) != NULL, "a scratch dir");
		snprintf(path, sizeof path, "%s/a.xsl", evil);
		if ((f = fopen(path, "w")) != NULL) {
			fputs("<xsl:include href=\"b.xsl\"/>", f);
			fclose(f);
		}
		snprintf(path, sizeof path, "%s/b.xsl", evil);
		if ((f = fopen(path, "w")) != NULL) {
			fputs("<xsl:value-of select=\"generate-id(.)\"/>", f);
			fclose(f);
		}
		is_int(check_sheet(evil, "a.xsl", 0), 1,
		       "the check finds generate-id() in an included sheet");
		unlink(path);
		snprintf(path, sizeof path, "%s/a.xsl", evil);
		unlink(path);
		rmdir(evil);
	}

	/* ---- render_page against render_html, in the request pool ---- */
	static const char *const sheets[] = {"error", NULL};
	ok(render_init(dir, sheets) == 0, "stylesheets compiled");
	rcache_init(1 << 20, 100);
	{
		xmlDocPtr doc = xml_doc("error");
		xmlNodePtr e = xmlDocGetRootElement(doc);
		xmlChar *want = NULL, *got[3] = {NULL, NULL, NULL};
		int wlen = 0, glen[3] = {0, 0, 0}, same = 1;
		xml_attr_int(e, "status", 404);
		xml_text_el(e, "title", "Not Found");
		xml_text_el(e, "message", "Not <found> & gone");
		int hits[3] = {0, 0, 0}, hit = 1;
		ok(render_html("error", doc, &want, &wlen) == 0, "render_html");
		for (int i = 0; i < 3; i++) {
			/* One request window each, as the responders run it: the
			 * copy a hit returns is pool memory. */
			pool_begin();
			if (render_page("error", doc, &got[i], &glen[i], &hits[i], 0) != 0 ||
			    glen[i] != wlen || memcmp(got[i], want, (size_t)wlen) != 0)
				same = 0;
			xmlFree(got[i]);
			pool_end();
		}
		ok(same, "render_page three times: the bytes of render_html each time");
		ok(!hits[0] && hits[1] && hits[2], "the second and third were hits (kept at once)");
		rcache_get_stats(&s);
		is_int(s.hits, 2, "stats: two hits");
		xmlNodeSetContent(xmlGetLastChild(e), BAD_CAST "more");
		xmlChar *changed = NULL;
		int clen = 0;
		ok(render_page("error", doc, &changed, &clen, &hit, 0) == 0 && !hit &&
			   strstr((char *)changed, "more"),
		   "a changed document renders anew");
		xmlFree(changed);
		xmlFree(want);
		xmlFreeDoc(doc);
	}
	rcache_free();
	render_free();
	pool_thread_free();
	xmlCleanupParser();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
