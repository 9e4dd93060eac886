/* A byte-budgeted cache of values by 32-byte key, with budgets by tenant
 * (issue 16): what the render cache (rcache.h) and the list views' page
 * cache (db/listing.c) keep their entries in.
 *
 * A tenant may hold at most a share of the budget: when it would hold more,
 * its own least recently used entry goes, so a big tenant cannot crowd out
 * the rest.  Past the whole budget, the oldest entry of the least recently
 * served tenant goes (a tenant is as recent as its latest get or put), so
 * other tenants' one-off entries cannot push out what a busy tenant keeps
 * coming back to.  Admission, when asked for: while the budget has room,
 * everything offered is kept; once it is full, an entry is kept only the
 * second time its key is offered (a "doorkeeper" remembers recent keys),
 * so one-off entries do not evict.  Values are wiped (sodium_memzero) when
 * dropped: rendered pages hold csrf tokens.  Thread-safe. */
#ifndef GH_TCACHE_H
#define GH_TCACHE_H

#include <stddef.h>

#define TCACHE_KEY_LEN 32

struct tcache;

struct tcache_stats {
	unsigned long long hits, misses, stored, evicted;
	size_t entries, bytes, budget;
};

/* A cache of budget bytes, of which one tenant may hold tenant_percent;
 * doorkeeper: admission as above.  NULL when out of memory (or budget 0).
 * Free with tcache_free (NULL accepted). */
struct tcache *tcache_new(size_t budget, unsigned tenant_percent, int doorkeeper);
void tcache_free(struct tcache *c);

/* On a hit (0), *out is a copy of the value from alloc (the caller frees it
 * as alloc's memory is freed), with a NUL byte after its *len bytes; -1 on
 * a miss, -2 when alloc failed. */
int tcache_get(struct tcache *c, const unsigned char key[TCACHE_KEY_LEN], void *(*alloc)(size_t),
	       void **out, size_t *len);

/* Offers the value of key, tenant's (0: of none): kept as above, if at
 * most an eighth of the budget and within a tenant's share; copied. */
void tcache_put(struct tcache *c, const unsigned char key[TCACHE_KEY_LEN], const void *val,
		size_t len, unsigned tenant);

/* Drops key's entry, if any. */
void tcache_drop(struct tcache *c, const unsigned char key[TCACHE_KEY_LEN]);

void tcache_get_stats(struct tcache *c, struct tcache_stats *s);

/* The bytes tenant's entries hold now. */
size_t tcache_tenant_bytes(struct tcache *c, unsigned tenant);

#endif
