/* The list-order cache: a small array of entries under one mutex, evicted
 * least recently used, bounded in entries and in ids held. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "listcache.h"
#include "list.h"

#define LC_SLOTS 32
#define LC_MAX_IDS (8u << 20) /* 32 MiB of ids over all entries */
#define LC_FILTER_MAX 404
#define LC_FACET_MAX 31

struct entry {
	int used, building;
	unsigned tenant_id, sort;
	enum listcache_list list;
	char filter[LC_FILTER_MAX + 1];
	char facet[LC_FACET_MAX + 1];
	uint64_t version;
	/* CLOCK_MONOTONIC nanoseconds after which the order may be wrong
	 * whatever the version (the build's ttl); 0: never. */
	uint64_t expires;
	unsigned *ids; /* owned */
	size_t n;
	unsigned long long tick;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t built = PTHREAD_COND_INITIALIZER;
static struct entry slots[LC_SLOTS];
static unsigned long long ticks;
static size_t held; /* ids over all entries */

static const char *facet_of(const struct listcache_key *k)
{
	return k->facet != NULL ? k->facet : "";
}

static int same_view(const struct entry *e, const struct listcache_key *k)
{
	return e->used && e->tenant_id == k->tenant_id && e->list == k->list &&
	       e->sort == k->sort && strcmp(e->filter, k->filter) == 0 &&
	       strcmp(e->facet, facet_of(k)) == 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* An order past its lifetime is as good as stale. */
static int expired(const struct entry *e)
{
	return e->expires != 0 && now_ns() >= e->expires;
}

/* The expiry of an order built now that stays right ttl_ms (-1: for ever).
 * 0 ms still expires (1 ns from now): such an order is used once, never
 * kept for the next request. */
static uint64_t expiry(long long ttl_ms)
{
	return ttl_ms < 0 ? 0 : now_ns() + (uint64_t)ttl_ms * 1000000u + 1;
}

static void drop(struct entry *e)
{
	held -= e->n;
	free(e->ids);
	memset(e, 0, sizeof *e);
}

/* A slot for a new view: a free one, else the least recently used one that
 * is not being built.  NULL when every slot is being built. */
static struct entry *victim(void)
{
	struct entry *best = NULL;
	for (size_t i = 0; i < LC_SLOTS; i++) {
		struct entry *e = &slots[i];
		if (!e->used)
			return e;
		if (!e->building && (best == NULL || e->tick < best->tick))
			best = e;
	}
	if (best)
		drop(best);
	return best;
}

/* Frees least recently used entries until n more ids fit. */
static void make_room(size_t n, const struct entry *keep)
{
	while (held + n > LC_MAX_IDS) {
		struct entry *old = NULL;
		for (size_t i = 0; i < LC_SLOTS; i++) {
			struct entry *e = &slots[i];
			if (e->used && !e->building && e != keep && e->ids &&
			    (old == NULL || e->tick < old->tick))
				old = e;
		}
		if (old == NULL)
			return;
		drop(old);
	}
}

static void copy_slice(const struct entry *e, unsigned long long offset, unsigned want, int desc,
		       unsigned *out, size_t *got, unsigned long long *total)
{
	size_t k = 0;
	*total = e->n;
	for (unsigned long long i = offset; i < e->n && k < want; i++)
		out[k++] = desc ? e->ids[e->n - 1 - i] : e->ids[i];
	*got = k;
}

/* A view the cache cannot hold (a filter too long, every slot busy):
 * built, sliced and freed. */
static int build_uncached(unsigned long long offset, unsigned want, int desc, unsigned *out,
			  size_t *got, unsigned long long *total, listcache_build_fn build,
			  void *ctx)
{
	struct entry tmp;
	long long ttl = -1;

	memset(&tmp, 0, sizeof tmp);
	if (build(ctx, &tmp.ids, &tmp.n, &ttl) != 0) {
		free(tmp.ids);
		return 1;
	}
	copy_slice(&tmp, offset, want, desc, out, got, total);
	free(tmp.ids);
	return 0;
}

int listcache_slice(const struct listcache_key *k, uint64_t version, unsigned long long offset,
		    unsigned want, int desc, unsigned *out, size_t *got, unsigned long long *total,
		    listcache_build_fn build, void *ctx)
{
	struct entry *e = NULL;
	unsigned *ids = NULL;
	size_t n = 0, flen = strlen(k->filter), klen = strlen(facet_of(k));
	long long ttl = -1;
	int rc = 0;

	*got = 0;
	*total = 0;
	if (flen > LC_FILTER_MAX || klen > LC_FACET_MAX)
		return build_uncached(offset, want, desc, out, got, total, build, ctx);
	pthread_mutex_lock(&lock);
	for (;;) {
		e = NULL;
		for (size_t i = 0; i < LC_SLOTS; i++)
			if (same_view(&slots[i], k)) {
				e = &slots[i];
				break;
			}
		if (e == NULL || !e->building)
			break;
		pthread_cond_wait(&built, &lock); /* someone is building this view */
	}
	if (e != NULL && e->version == version && !expired(e)) {
		e->tick = ++ticks;
		copy_slice(e, offset, want, desc, out, got, total);
		pthread_mutex_unlock(&lock);
		return 0;
	}
	if (e != NULL)
		drop(e);
	if ((e = victim()) == NULL) {
		pthread_mutex_unlock(&lock);
		return build_uncached(offset, want, desc, out, got, total, build, ctx);
	}
	e->used = e->building = 1;
	e->tenant_id = k->tenant_id;
	e->list = k->list;
	e->sort = k->sort;
	memcpy(e->filter, k->filter, flen + 1);  /* flen <= LC_FILTER_MAX, checked above */
	memcpy(e->facet, facet_of(k), klen + 1); /* klen <= LC_FACET_MAX */
	e->version = version;
	e->tick = ++ticks;
	pthread_mutex_unlock(&lock);

	/* The scan runs without the lock; threads asking for this view wait. */
	rc = build(ctx, &ids, &n, &ttl);

	pthread_mutex_lock(&lock);
	e->building = 0;
	if (rc != 0) {
		free(ids);
		drop(e);
	} else {
		make_room(n, e);
		e->ids = ids;
		e->n = n;
		e->expires = expiry(ttl);
		held += n;
		copy_slice(e, offset, want, desc, out, got, total);
		if (held > LC_MAX_IDS) /* this one alone is too big to keep */
			drop(e);
	}
	pthread_cond_broadcast(&built);
	pthread_mutex_unlock(&lock);
	return rc;
}

int listcache_page(const struct listcache_key *k, uint64_t version, struct list_view *lv,
		   unsigned ids[100], size_t *n, listcache_build_fn build, void *ctx)
{
	unsigned long long total, offset = (unsigned long long)(lv->page - 1) * lv->per;
	unsigned want = lv->per > 100 ? 100 : lv->per;

	/* The requested page; once the total is known, the last page instead
	 * when it lies past the end. */
	if (listcache_slice(k, version, offset, want, lv->desc, ids, n, &total, build, ctx) != 0)
		return -1;
	list_window(lv, total);
	if (lv->offset != offset && listcache_slice(k, version, lv->offset, want, lv->desc, ids, n,
						    &total, build, ctx) != 0)
		return -1;
	return 0;
}

int listcache_peek(const struct listcache_key *k, struct list_view *lv, unsigned ids[100],
		   size_t *n, uint64_t *version)
{
	unsigned long long total, offset = (unsigned long long)(lv->page - 1) * lv->per;
	unsigned want = lv->per > 100 ? 100 : lv->per;
	int rc = -1;

	*n = 0;
	if (strlen(k->filter) > LC_FILTER_MAX || strlen(facet_of(k)) > LC_FACET_MAX)
		return -1;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < LC_SLOTS; i++) {
		struct entry *e = &slots[i];
		if (!same_view(e, k) || e->building || expired(e))
			continue;
		e->tick = ++ticks;
		copy_slice(e, offset, want, lv->desc, ids, n, &total);
		list_window(lv, total);
		if (lv->offset != offset)
			copy_slice(e, lv->offset, want, lv->desc, ids, n, &total);
		*version = e->version;
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

/* The <list> of lv under page and the rows of ids in it. */
static enum db_result read_rows(const struct listcache_reader *r, void *ctx, xmlNodePtr page,
				const struct list_view *lv, const unsigned *ids, size_t n,
				xmlNodePtr *rows, uint64_t *version)
{
	if ((*rows = list_xml(page, r->spec, lv)) == NULL)
		return DB_ERR;
	return r->rows(ctx, ids, n, *rows, version);
}

enum db_result listcache_read(const struct listcache_key *k, struct list_view *lv,
			      const struct listcache_reader *r, void *ctx, struct listcache_db *b,
			      xmlNodePtr page)
{
	unsigned ids[100];
	unsigned long long total;
	uint64_t kept, now;
	xmlNodePtr rows = NULL;
	size_t n;
	enum db_result rc;
	/* The peek fits lv's window to the held order: a stale order could
	 * have moved the page asked for (a page past its end). */
	const struct list_view asked = *lv;

	if (listcache_peek(k, lv, ids, &n, &kept) == 0 && n > 0) {
		if ((rc = read_rows(r, ctx, page, lv, ids, n, &rows, &now)) != DB_OK)
			return rc;
		if (now == kept)
			return DB_OK;
		list_xml_undo(rows); /* the order is stale: as if it were not held */
	}
	*lv = asked;
	if ((rc = r->version(b->db, b->tenant_id, &total, &now)) != DB_OK)
		return rc;
	if (listcache_page(k, now, lv, ids, &n, listcache_db_build, b) != 0)
		return b->rc != DB_OK ? b->rc : DB_ERR;
	return read_rows(r, ctx, page, lv, ids, n, &rows, &now);
}

int listcache_db_build(void *ctx, unsigned **ids, size_t *n, long long *ttl_ms)
{
	struct listcache_db *b = ctx;
	b->rc = b->ids_ttl != NULL ? b->ids_ttl(b->db, b->tenant_id, b->lv, ids, n, ttl_ms)
				   : b->ids(b->db, b->tenant_id, b->lv, ids, n);
	return b->rc != DB_OK;
}
