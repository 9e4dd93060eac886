/* Render cache (see rcache.h). */
#include "config.h"

#include "rcache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parserInternals.h>
#include <libxml/xmlmemory.h>
#include <sodium.h>

#include "log.h"
#include "tcache.h"

#define MAX_DEPTH 256

/* The pages, in a tenant-budgeted cache (tcache.h) with a doorkeeper. */
static struct tcache *cache;
static unsigned char hkey[crypto_generichash_KEYBYTES];

int rcache_init(size_t budget, unsigned tenant_percent)
{
	const char *env = getenv("GH_RENDER_CACHE");

	rcache_free();
	if (budget == 0 || (env != NULL && strcmp(env, "0") == 0))
		return 0;
	if ((cache = tcache_new(budget, tenant_percent, 1)) == NULL) {
		log_err("rcache: out of memory for a cache of %zu bytes", budget);
		return -1;
	}
	randombytes_buf(hkey, sizeof hkey);
	return 0;
}

void rcache_free(void)
{
	tcache_free(cache);
	cache = NULL;
	sodium_memzero(hkey, sizeof hkey);
}

int rcache_enabled(void)
{
	return cache != NULL;
}

/* ---- the key ----
 * The document as a stream of tokens, each a tag byte, a 64-bit length and
 * that many bytes; element children are bracketed by their own tags.  No
 * token stream is a prefix of another's, and the tree can be read back from
 * its stream, so two documents share a stream only if they are the same
 * tree: the digest is as collision-resistant as BLAKE2b itself. */

struct hstate {
	crypto_generichash_state gs;
	size_t n;
	unsigned char buf[4096]; /* batches the many short tokens */
};

static void h_bytes(struct hstate *h, const void *p, size_t len)
{
	if (len > sizeof h->buf - h->n) {
		crypto_generichash_update(&h->gs, h->buf, h->n);
		h->n = 0;
		if (len > sizeof h->buf) {
			crypto_generichash_update(&h->gs, p, len);
			return;
		}
	}
	memcpy(h->buf + h->n, p, len);
	h->n += len;
}

/* A NULL string (no namespace prefix, say) is its own token, apart from
 * "": the serialiser may write the two differently. */
static void h_tok(struct hstate *h, unsigned char tag, const xmlChar *s)
{
	unsigned char hdr[9];
	uint64_t len = s != NULL ? strlen((const char *)s) : UINT64_MAX;

	hdr[0] = tag;
	for (int i = 0; i < 8; i++)
		hdr[1 + i] = (unsigned char)(len >> (8 * i));
	h_bytes(h, hdr, sizeof hdr);
	if (s != NULL && len > 0)
		h_bytes(h, s, (size_t)len);
}

static void h_ns(struct hstate *h, unsigned char tag, const xmlNs *ns)
{
	if (ns != NULL) {
		h_tok(h, tag, ns->prefix);
		h_tok(h, tag, ns->href);
	}
}

static int h_nodes(struct hstate *h, const xmlNode *n, int depth)
{
	if (depth > MAX_DEPTH)
		return -1;
	for (; n != NULL; n = n->next) {
		switch (n->type) {
		case XML_ELEMENT_NODE:
			h_tok(h, 'E', n->name);
			h_ns(h, 'N', n->ns);
			for (const xmlNs *d = n->nsDef; d != NULL; d = d->next)
				h_ns(h, 'D', d);
			for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
				h_tok(h, 'A', a->name);
				h_ns(h, 'n', a->ns);
				if (h_nodes(h, a->children, depth + 1) != 0)
					return -1;
				h_tok(h, 'a', NULL);
			}
			h_tok(h, '>', NULL);
			if (h_nodes(h, n->children, depth + 1) != 0)
				return -1;
			h_tok(h, '<', NULL);
			break;
		case XML_TEXT_NODE:
			/* libxml2 marks text it must not escape (noenc); that
			 * changes the output, so it changes the key. */
			h_tok(h, n->name == xmlStringTextNoenc ? 't' : 'T', n->content);
			break;
		case XML_CDATA_SECTION_NODE: h_tok(h, 'C', n->content); break;
		case XML_COMMENT_NODE: h_tok(h, 'M', n->content); break;
		case XML_PI_NODE:
			h_tok(h, 'P', n->name);
			h_tok(h, 'p', n->content);
			break;
		case XML_ENTITY_REF_NODE: h_tok(h, 'R', n->name); break;
		default:
			/* Not made by our builders (DTD, XInclude, ...), and its
			 * content is not walked here: such a page is not kept. */
			return -1;
		}
	}
	return 0;
}

int rcache_key(const char *sheet, xmlDocPtr doc, unsigned char key[RCACHE_KEY_LEN])
{
	struct hstate h;
	int rc = -1;

	crypto_generichash_init(&h.gs, hkey, sizeof hkey, RCACHE_KEY_LEN);
	h.n = 0;
	h_tok(&h, 'S', (const xmlChar *)sheet);
	if (h_nodes(&h, doc->children, 0) != 0)
		goto out;
	crypto_generichash_update(&h.gs, h.buf, h.n);
	crypto_generichash_final(&h.gs, key, RCACHE_KEY_LEN);
	rc = 0;
out:
	sodium_memzero(&h, sizeof h); /* the buffer held page content */
	return rc;
}

void rcache_sparse_digest(const void *p, size_t n, unsigned char out[RCACHE_KEY_LEN])
{
	const unsigned char *b = p;
	crypto_generichash_state st;
	uint64_t w, hdr[2];
	size_t i = 0, j;

	crypto_generichash_init(&st, NULL, 0, RCACHE_KEY_LEN);
	while (i < n) {
		/* Zeros skipped a word at a time: most of such a struct is
		 * the empty tails of its strings. */
		while (i + 8 <= n && (memcpy(&w, b + i, 8), w == 0))
			i += 8;
		while (i < n && b[i] == 0)
			i++;
		for (j = i; j < n && b[j] != 0; j++)
			;
		if (j > i) {
			hdr[0] = i;
			hdr[1] = j - i;
			crypto_generichash_update(&st, (const unsigned char *)hdr, sizeof hdr);
			crypto_generichash_update(&st, b + i, j - i);
		}
		i = j;
	}
	crypto_generichash_final(&st, out, RCACHE_KEY_LEN);
	sodium_memzero(&st, sizeof st);
}

void rcache_input_key(const char *sheet, const unsigned char session[32], const uint64_t v[2],
		      const char *query, unsigned char key[RCACHE_KEY_LEN])
{
	struct hstate h;
	unsigned char vb[16];

	crypto_generichash_init(&h.gs, hkey, sizeof hkey, RCACHE_KEY_LEN);
	h.n = 0;
	/* 'I' where a document's key starts with 'S': the two never meet. */
	h_tok(&h, 'I', (const xmlChar *)sheet);
	h_bytes(&h, session, 32);
	for (int i = 0; i < 16; i++)
		vb[i] = (unsigned char)(v[i / 8] >> (8 * (i % 8)));
	h_bytes(&h, vb, sizeof vb);
	h_tok(&h, 'Q', (const xmlChar *)query);
	crypto_generichash_update(&h.gs, h.buf, h.n);
	crypto_generichash_final(&h.gs, key, RCACHE_KEY_LEN);
	sodium_memzero(&h, sizeof h);
}

/* ---- lookups ---- */

/* xmlMalloc is the request pool in the responders: a pointer bump. */
static void *xml_alloc(size_t n)
{
	return xmlMalloc(n);
}

enum rcache_result rcache_get(const unsigned char key[RCACHE_KEY_LEN], xmlChar **out, int *len)
{
	void *p;
	size_t n;
	int rc = tcache_get(cache, key, xml_alloc, &p, &n);

	*out = rc == 0 ? p : NULL;
	*len = rc == 0 ? (int)n : 0;
	return rc == 0 ? RCACHE_HIT : rc == -2 ? RCACHE_NOMEM : RCACHE_MISS;
}

void rcache_put(const unsigned char key[RCACHE_KEY_LEN], const xmlChar *html, int len,
		unsigned tenant)
{
	if (len >= 0)
		tcache_put(cache, key, html, (size_t)len, tenant);
}

void rcache_get_stats(struct rcache_stats *s)
{
	struct tcache_stats t;

	tcache_get_stats(cache, &t);
	s->hits = t.hits;
	s->misses = t.misses;
	s->stored = t.stored;
	s->evicted = t.evicted;
	s->entries = t.entries;
	s->bytes = t.bytes;
	s->budget = t.budget;
}

size_t rcache_tenant_bytes(unsigned tenant)
{
	return tcache_tenant_bytes(cache, tenant);
}
