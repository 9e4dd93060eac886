/* Render cache: a content-addressed memo of page renders.
 *
 * A render is a pure function of the stylesheet and the page document:
 * stylesheets get no parameters, may read no file and reach no network
 * (render.c forbids it), and use no clock.  So a render is keyed by a keyed
 * BLAKE2b-256 digest of the stylesheet's name and an injective encoding of
 * the whole document, and a hit hands back exactly the bytes a render would
 * make.  Nothing can be stale and nothing needs invalidating: changed data
 * is a different document, hence a different key.  The document carries the
 * session (user, csrf token), so an entry only ever answers the session
 * whose page it is.
 *
 * A page that says what its answer depends on (http.h, struct page
 * .memo_version) is kept under a second kind of key instead: its name, a
 * digest of the session, versions the database moves with every change the
 * page shows, and the query (rcache_input_key).  Such a key is known before
 * the page is built, so a hit skips the page's statement and build too.
 *
 * Measured on the portal users list: the render is half of the page's CPU
 * (?format=xml, the same document without the render, serves twice the
 * req/s); a hit, the digest, the lookup and the copy, costs 10.6 us for the
 * 10-row page against 150 us for its render (tests/bench/render_bench).
 *
 * Admission: while the budget has room, every page rendered is stored;
 * once it is full, a page is stored only the second time its digest is
 * seen (a "doorkeeper" remembers recent digests), so one-off pages do not
 * push out the pages people come back to.  Budgets by tenant (issue 16):
 * a tenant may hold at most a share of the cache (its own oldest page goes
 * when it would hold more), so a big tenant cannot crowd out the rest; past
 * the whole budget, the oldest page of the least recently served tenant
 * goes, so other tenants' one-off views cannot push out the pages a busy
 * tenant keeps coming back to.  Stored pages hold csrf tokens: they are
 * wiped (sodium_memzero) when dropped.  Thread-safe.
 *
 * "Pure" holds because the memo pages' stylesheets, and all they include,
 * read nothing outside the document: no document(), key(), generate-id(),
 * system-property(), xsl:message or extension (test_rcache checks the
 * files). */
#ifndef GH_RCACHE_H
#define GH_RCACHE_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#define RCACHE_KEY_LEN 32

enum rcache_result {
	RCACHE_HIT = 0,
	RCACHE_MISS,
	RCACHE_NOMEM,
};

struct rcache_stats {
	unsigned long long hits, misses, stored, evicted;
	size_t entries, bytes, budget;
};

/* Start-up, before threads (tests may call it again after rcache_free):
 * a budget of bytes for stored pages, of which one tenant may hold
 * tenant_percent; budget 0, or GH_RENDER_CACHE=0 in the environment, turns
 * the cache off.  Returns -1 when out of memory. */
int rcache_init(size_t budget, unsigned tenant_percent);

/* Drops every entry (wiped) and turns the cache off. */
void rcache_free(void);

/* 1 when the cache is on. */
int rcache_enabled(void);

/* The key of (sheet, doc).  The stylesheet is named, not read: reloading
 * stylesheets would need rcache_free() first (they are compiled once, at
 * start-up).  Returns -1 for a document that is not kept: over 256 levels
 * deep (ours have fewer than 16) or holding a node our builders never make
 * (a DTD, an entity declaration, ...). */
int rcache_key(const char *sheet, xmlDocPtr doc, unsigned char key[RCACHE_KEY_LEN]);

/* The page memo's key (http.h, struct page .memo_version): the page's
 * stylesheet, the session's digest, the versions its data was read at and
 * the request's query string (NULL: none).  A key of its own kind: no
 * document's key is ever one. */
void rcache_input_key(const char *sheet, const unsigned char session[32], const uint64_t v[2],
		      const char *query, unsigned char key[RCACHE_KEY_LEN]);

/* A digest of the n bytes at p, for a struct zeroed before it was filled
 * (a session as read): its runs of nonzero bytes with their offsets, which
 * tell apart any two of the same size, so the zeros of its strings' unused tails
 * cost nothing to hash (measured: 11 us for the office session's 11 KiB
 * hashed whole). */
void rcache_sparse_digest(const void *p, size_t n, unsigned char out[RCACHE_KEY_LEN]);

/* On RCACHE_HIT, *out is a copy of the stored page from xmlMalloc (the
 * caller frees it with xmlFree) and *len its length. */
enum rcache_result rcache_get(const unsigned char key[RCACHE_KEY_LEN], xmlChar **out, int *len);

/* Offers the page rendered for key after a miss, a page of tenant (0: of
 * none, a sign-in page): stored if the budget has room or key was seen
 * before (see admission above), and the page is at most an eighth of the
 * budget and within a tenant's share; copied, so html stays the caller's. */
void rcache_put(const unsigned char key[RCACHE_KEY_LEN], const xmlChar *html, int len,
		unsigned tenant);

void rcache_get_stats(struct rcache_stats *s);

/* The bytes tenant's pages hold now. */
size_t rcache_tenant_bytes(unsigned tenant);

#endif
