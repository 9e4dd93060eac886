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

/* The doorkeeper keeps this much of a digest: a false match only admits a
 * page one sighting early. */
#define DOOR_LEN 16
/* A page larger than budget / ENTRY_SHARE is rendered every time rather
 * than crowd out the rest. */
#define ENTRY_SHARE 8
#define MAX_DEPTH 256

struct entry {
	unsigned char key[RCACHE_KEY_LEN];
	struct entry *hnext;       /* bucket chain */
	struct entry *prev, *next; /* recency list, most recent first */
	size_t len;
	unsigned char html[];
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int on;
static unsigned char hkey[crypto_generichash_KEYBYTES];
static struct entry **buckets;
static size_t nbuckets; /* a power of two; also the doorkeeper's size */
static unsigned char (*door)[DOOR_LEN];
static struct entry lru = {.prev = &lru, .next = &lru};
static struct rcache_stats st;

static size_t entry_size(size_t len)
{
	return sizeof(struct entry) + len;
}

static size_t slot(const unsigned char *key)
{
	uint64_t v;

	memcpy(&v, key, sizeof v); /* the digest is uniform: any 8 bytes do */
	return (size_t)v & (nbuckets - 1);
}

static void lru_unlink(struct entry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void lru_front(struct entry *e)
{
	e->next = lru.next;
	e->prev = &lru;
	lru.next->prev = e;
	lru.next = e;
}

static void entry_free(struct entry *e)
{
	if (e == NULL)
		return;
	sodium_memzero(e->html, e->len); /* pages hold csrf tokens */
	free(e);
}

/* Unlinks e from its bucket and the recency list; mu held. */
static void entry_drop(struct entry *e)
{
	struct entry **pp = &buckets[slot(e->key)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(e);
	st.entries--;
	st.bytes -= entry_size(e->len);
}

static struct entry *find(const unsigned char *key)
{
	struct entry *e = buckets[slot(key)];

	while (e != NULL && memcmp(e->key, key, RCACHE_KEY_LEN) != 0)
		e = e->hnext;
	return e;
}

int rcache_init(size_t budget)
{
	const char *env = getenv("GH_RENDER_CACHE");
	int rc = -1;

	rcache_free();
	if (budget == 0 || (env != NULL && strcmp(env, "0") == 0))
		return 0;
	/* One bucket (and one doorkeeper slot) per 4 KiB of budget: a list
	 * page is 10-40 KiB, so chains stay short. */
	nbuckets = 256;
	while (nbuckets < budget / 4096 && nbuckets < ((size_t)1 << 20))
		nbuckets *= 2;
	if ((buckets = calloc(nbuckets, sizeof *buckets)) == NULL ||
	    (door = calloc(nbuckets, sizeof *door)) == NULL)
		goto out;
	randombytes_buf(hkey, sizeof hkey);
	memset(&st, 0, sizeof st);
	st.budget = budget;
	on = 1;
	rc = 0;
out:
	if (rc != 0) {
		log_err("rcache: out of memory for %zu buckets", nbuckets);
		rcache_free();
	}
	return rc;
}

void rcache_free(void)
{
	pthread_mutex_lock(&mu);
	while (lru.next != &lru) {
		struct entry *e = lru.next;
		lru_unlink(e);
		entry_free(e);
	}
	free(buckets);
	free(door);
	sodium_memzero(hkey, sizeof hkey);
	buckets = NULL;
	door = NULL;
	nbuckets = 0;
	on = 0;
	memset(&st, 0, sizeof st);
	pthread_mutex_unlock(&mu);
}

int rcache_enabled(void)
{
	return on;
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

/* ---- lookups ---- */

enum rcache_result rcache_get(const unsigned char key[RCACHE_KEY_LEN], xmlChar **out, int *len)
{
	enum rcache_result rc = RCACHE_MISS;
	struct entry *e;

	*out = NULL;
	*len = 0;
	pthread_mutex_lock(&mu);
	if (!on)
		goto out;
	if ((e = find(key)) == NULL) {
		st.misses++;
		goto out;
	}
	/* xmlMalloc is the request pool in the responders: a pointer bump. */
	if ((*out = xmlMalloc(e->len + 1)) == NULL) {
		rc = RCACHE_NOMEM;
		goto out;
	}
	memcpy(*out, e->html, e->len);
	(*out)[e->len] = '\0';
	*len = (int)e->len;
	lru_unlink(e);
	lru_front(e);
	st.hits++;
	rc = RCACHE_HIT;
out:
	pthread_mutex_unlock(&mu);
	return rc;
}

void rcache_put(const unsigned char key[RCACHE_KEY_LEN], const xmlChar *html, int len)
{
	struct entry *e = NULL, *gone = NULL;
	size_t i;

	if (len < 0)
		return;
	pthread_mutex_lock(&mu);
	if (!on || entry_size((size_t)len) > st.budget / ENTRY_SHARE)
		goto out;
	i = slot(key);
	/* While there is room, every page is kept; a full cache keeps a page
	 * only on its second sighting, so one-off views do not evict. */
	if (st.bytes + entry_size((size_t)len) > st.budget && memcmp(door[i], key, DOOR_LEN) != 0) {
		memcpy(door[i], key, DOOR_LEN); /* first sighting: remember only */
		goto out;
	}
	if (find(key) != NULL) /* another thread stored it meanwhile */
		goto out;
	if ((e = malloc(entry_size((size_t)len))) == NULL)
		goto out; /* not storing is always correct */
	memcpy(e->key, key, RCACHE_KEY_LEN);
	memcpy(e->html, html, (size_t)len);
	e->len = (size_t)len;
	e->hnext = buckets[i];
	buckets[i] = e;
	lru_front(e);
	st.entries++;
	st.bytes += entry_size(e->len);
	st.stored++;
	/* Evicted entries are chained through hnext and wiped after unlock. */
	while (st.bytes > st.budget) {
		struct entry *old = lru.prev;
		entry_drop(old);
		old->hnext = gone;
		gone = old;
		st.evicted++;
	}
out:
	pthread_mutex_unlock(&mu);
	while (gone != NULL) {
		struct entry *next = gone->hnext;
		entry_free(gone);
		gone = next;
	}
}

void rcache_get_stats(struct rcache_stats *s)
{
	pthread_mutex_lock(&mu);
	*s = st;
	pthread_mutex_unlock(&mu);
}
