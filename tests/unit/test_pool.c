/* Unit tests of the per-request pool (fcgi/core/pool.c) as libxml2's
 * allocator: alignment, in-place growth and take-back of the latest block,
 * copies, large blocks, blocks spanning several pool blocks, reuse across
 * windows, allocations outside a window, one pool per thread, pool_wipe, and a whole
 * document plus an XSLT render made and freed inside a window.  In sanitizer
 * builds the pool is compiled out: the pass-through checks still run. */
#include "config.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "render.h"
#include "tap.h"
#include "xml.h"

static int aligned(const void *p)
{
	return ((uintptr_t)p & 15) == 0;
}

static void *other_thread(void *arg)
{
	void **out = arg;
	pool_begin();
	out[0] = xmlMalloc(40);
	out[1] = (void *)(uintptr_t)pool_used();
	xmlFree(out[0]);
	pool_end();
	pool_thread_free();
	return NULL;
}

/* In a window: xmlFree(NULL) neither crashes (pool_xfree follows the
 * header before a pointer) nor moves the pool; the latest block is still
 * the latest and goes back when freed. */
static void free_null(void *arg)
{
	int on = *(int *)arg;
	pool_begin();
	char *a = xmlMalloc(24);
	size_t used = pool_used();
	xmlFree(NULL);
	if (pool_used() != used)
		_exit(3);
	xmlFree(a);
	char *b = xmlMalloc(24);
	if (on && b != a)
		_exit(4);
	xmlFree(b);
	pool_end();
}

/* pool_thread_free twice, then the thread's pool works again from scratch. */
static void thread_free_twice(void *arg)
{
	int on = *(int *)arg;
	pool_begin();
	char *a = xmlMalloc(100);
	memset(a, 'a', 100);
	pool_end();
	pool_thread_free();
	pool_thread_free();
	pool_begin();
	char *b = xmlMalloc(100);
	if (b == NULL)
		_exit(3);
	memset(b, 'b', 100);
	if (on && pool_used() >= 1024)
		_exit(4);
	xmlFree(b);
	pool_end();
	pool_thread_free();
}

int main(int argc, char **argv)
{
	const char *srcdir = getenv("GH_SRCDIR");
	char dir[4096];
	int on;

	(void)argc;
	(void)argv;
	ok(pool_install() == 0, "pool_install");
	xmlInitParser();

	/* Is the pool compiled in (not a sanitizer build)? */
	pool_begin();
	char *a = xmlMalloc(24);
	on = pool_used() > 0;
	xmlFree(a);
	pool_end();
	if (!on)
		diag("the pool is compiled out (sanitizer build): pass-through checks only");

	pool_begin();
	char *p = xmlMalloc(100), *q = xmlMalloc(1), *g = NULL;
	ok(p != NULL && q != NULL && aligned(p) && aligned(q), "blocks are 16-byte aligned");
	memset(p, 'x', 100);
	q[0] = 'y';
	ok(p[99] == 'x' && q[0] == 'y', "blocks do not overlap");
	if (on) {
		size_t used = pool_used();
		ok(used >= 100 + 1 + 32, "pool_used counts what was handed out (%zu)", used);
		/* The latest block goes back at once and is handed out again. */
		xmlFree(q);
		char *r = xmlMalloc(8);
		ok(r == q, "the latest block, freed, is reused");
		/* It grows in place while it is the latest. */
		g = xmlRealloc(r, 4000);
		ok(g == r, "the latest block grows in place");
		memset(g, 'g', 4000);
		/* p is not the latest: growing it copies. */
		char *p2 = xmlRealloc(p, 300);
		ok(p2 != NULL && p2 != p && memcmp(p2, "xxxxxxxxxx", 10) == 0 && p2[99] == 'x',
		   "an earlier block grows by copy, contents kept");
		p = p2;
		ok(g[3999] == 'g', "the copy left its neighbour alone");
		/* Shrinking keeps the block, latest or not. */
		ok(xmlRealloc(p, 10) == p, "shrinking the latest block keeps it");
		ok(xmlRealloc(g, 100) == g && g[99] == 'g', "shrinking an earlier block keeps it");
		/* Taking the latest back gives its bytes back to pool_used. */
		size_t before_t = pool_used();
		char *t = xmlMalloc(200);
		ok(pool_used() == before_t + 16 + 208, "pool_used counts header and rounding");
		xmlFree(t);
		ok(pool_used() == before_t, "the latest, taken back, is no longer counted");
	}
	/* Large blocks are malloc()ed and freed at once. */
	char *big = xmlMalloc(100000);
	ok(big != NULL && aligned(big), "a large block (100,000 bytes)");
	memset(big, 'b', 100000);
	char *big2 = xmlRealloc(big, 200000);
	ok(big2 != NULL && big2[99999] == 'b', "a large block grows, contents kept");
	xmlFree(big2);
	char *d = (char *)xmlStrdup(BAD_CAST "duplicate me");
	ok(d != NULL && strcmp(d, "duplicate me") == 0, "xmlStrdup");
	char *m = xmlMemStrdup("mem strdup");
	ok(m != NULL && strcmp(m, "mem strdup") == 0, "xmlMemStrdup");
	ok(tap_survives(free_null, &on),
	   "xmlFree(NULL) is harmless (in a child: no crash, the pool does not move)");

	/* More than a pool block in small pieces: all distinct and writable. */
	char *pieces[40000];
	int distinct = 1;
	for (int i = 0; i < 40000; i++) {
		pieces[i] = xmlMalloc(48);
		if (pieces[i] == NULL) {
			distinct = 0;
			break;
		}
		memset(pieces[i], i & 0xff, 48);
	}
	for (int i = 0; distinct && i < 40000; i++)
		if ((unsigned char)pieces[i][0] != (i & 0xff) ||
		    (unsigned char)pieces[i][47] != (i & 0xff))
			distinct = 0;
	ok(distinct, "40,000 blocks of 48 bytes (several pool blocks): each keeps its bytes");
	if (on)
		ok(pool_used() > 2 * 1024 * 1024, "pool_used spans the blocks (%zu)", pool_used());
	/* Freed as a caller must: no-ops in the pool, checked for leaks by
	 * LeakSanitizer in builds without it. */
	xmlFree(p);
	xmlFree(on ? g : q);
	xmlFree(d);
	xmlFree(m);
	for (int i = 0; distinct && i < 40000; i++)
		xmlFree(pieces[i]);
	pool_end();

	/* A window stops taking from the pool at 32 MiB: 40 MiB in 4 KiB
	 * pieces all succeed, the pool holds at most its cap. */
	pool_begin();
	static char *many[10240];
	int all = 1;
	for (int i = 0; i < 10240; i++)
		if ((many[i] = xmlMalloc(4096)) == NULL)
			all = 0;
		else
			many[i][4095] = 'm';
	ok(all, "40 MiB in one window: every allocation succeeds");
	if (on)
		ok(pool_used() <= 32 * 1024 * 1024, "the pool holds at most 32 MiB of it (%zu)",
		   pool_used());
	for (int i = 0; i < 10240; i++)
		xmlFree(many[i]);
	pool_end();

	/* The next window starts over in the same first block. */
	pool_begin();
	char *again = xmlMalloc(24);
	if (on)
		ok(again == a, "a new window starts at the start of the first block");
	ok(pool_used() < 1024, "pool_used starts over (%zu)", pool_used());
	xmlFree(again);
	pool_end();

	/* Outside a window: plain heap blocks, freed one by one. */
	size_t before = pool_used();
	char *out = xmlMalloc(64);
	ok(out != NULL && aligned(out), "outside a window: a heap block");
	ok(pool_used() == before, "outside a window the pool is untouched");
	char *out2 = xmlRealloc(out, 128);
	ok(out2 != NULL, "outside a window: realloc");
	xmlFree(out2);

	/* Another thread has its own pool. */
	void *res[2] = {NULL, NULL};
	pthread_t t;
	pool_begin();
	char *mine = xmlMalloc(40);
	char *hold[100];
	for (int i = 0; i < 100; i++)
		hold[i] = xmlMalloc(1000); /* our window holds ~100 KB */
	size_t ours = pool_used();
	ok(pthread_create(&t, NULL, other_thread, res) == 0 && pthread_join(t, NULL) == 0,
	   "another thread allocates in its own window");
	ok(res[0] != NULL && res[0] != mine, "its block is not ours");
	if (on) {
		ok((uintptr_t)res[1] > 0 && (uintptr_t)res[1] < 1024,
		   "it counted only its own use (%zu bytes)", (size_t)(uintptr_t)res[1]);
		ok(pool_used() == ours, "and ours did not move");
	}
	xmlFree(mine);
	for (int i = 0; i < 100; i++)
		xmlFree(hold[i]);
	pool_end();

	/* pool_wipe: a window that held a secret (a password a form action
	 * carried back, http.h) is zeroed when it ends.  The first block stays
	 * with the thread, so its bytes can still be read here. */
	if (on) {
		static const char secret[] = "carried-secret";
		pool_begin();
		char *s1 = xmlMalloc(sizeof secret);
		memcpy(s1, secret, sizeof secret);
		pool_end();
		ok(memcmp(s1, secret, sizeof secret) == 0,
		   "a window's bytes stay after it (no pool_wipe)");
		pool_begin();
		pool_wipe();
		char *s2 = xmlMalloc(sizeof secret), *s3 = xmlMalloc(64);
		memcpy(s2, secret, sizeof secret);
		memcpy(s3, secret, sizeof secret);
		xmlFree(s3); /* the latest, given back: its bytes too */
		pool_end();
		int zero = 1;
		for (size_t i = 0; i < sizeof secret; i++)
			zero &= s2[i] == 0 && s3[i] == 0;
		ok(zero, "pool_wipe: pool_end zeroes what the window held, freed blocks too");
		pool_begin();
		char *s4 = xmlMalloc(8);
		ok(s4 != NULL && pool_used() < 1024, "the next window works as before");
		xmlFree(s4);
		pool_end();
	}

	/* A document and a render, made and freed inside windows. */
	snprintf(dir, sizeof dir, "%s/xslt", srcdir ? srcdir : ".");
	static const char *const sheets[] = {"error", NULL};
	ok(render_init(dir, sheets) == 0, "stylesheets compiled outside any window");
	for (int i = 0; i < 3; i++) {
		xmlChar *html = NULL;
		int len = 0;
		pool_begin();
		xmlDocPtr doc = xml_doc("error");
		xmlNodePtr e = xmlDocGetRootElement(doc);
		xml_attr_int(e, "status", 404);
		xml_attr(e, "request-id", "0123456789abcdef");
		xml_text_el(e, "title", "Not Found");
		xml_text_el(e, "message", "Not <found> & gone");
		int rc = render_html("error", doc, &html, &len);
		ok(rc == 0 && html != NULL && strstr((char *)html, "Not &lt;found&gt; &amp; gone"),
		   "render %d in a window: escaped text in the HTML", i + 1);
		xmlFree(html);
		xmlFreeDoc(doc);
		pool_end();
	}
	render_free();
	pool_thread_free();
	ok(tap_survives(thread_free_twice, &on),
	   "pool_thread_free twice is harmless (in a child: no crash, the pool works after)");
	xmlCleanupParser();
	return done_testing();
}
