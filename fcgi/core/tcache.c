/* Tenant-budgeted cache (see tcache.h). */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tcache.h"

/* The doorkeeper keeps this much of a key: a false match only admits an
 * entry one sighting early. */
#define DOOR_LEN 16
/* An entry larger than budget / ENTRY_SHARE is never kept rather than
 * crowd out the rest. */
#define ENTRY_SHARE 8

struct entry;

/* A tenant's part: its entries (most recent first), their bytes, and its
 * place among the tenants (most recently served first). */
struct tenant {
	unsigned id;
	size_t bytes;
	struct tenant *hnext;
	struct tenant *prev, *next;
	struct entry *lru; /* the sentinel of its entries' list, after the struct */
};

struct entry {
	unsigned char key[TCACHE_KEY_LEN];
	struct entry *hnext;       /* bucket chain */
	struct entry *prev, *next; /* its tenant's list */
	struct tenant *t;
	size_t len;
	unsigned char val[];
};

struct tcache {
	pthread_mutex_t mu;
	struct entry **buckets;
	struct tenant **tbuckets;
	size_t nbuckets; /* a power of two; also the doorkeeper's size */
	unsigned char (*door)[DOOR_LEN];
	struct tenant tlru; /* sentinel of the tenants' list */
	size_t tenant_cap;
	struct tcache_stats st;
};

static size_t entry_size(size_t len)
{
	return sizeof(struct entry) + len;
}

static size_t slot(const struct tcache *c, const unsigned char *key)
{
	uint64_t v;

	memcpy(&v, key, sizeof v); /* keys are digests: any 8 bytes do */
	return (size_t)v & (c->nbuckets - 1);
}

static size_t tslot(const struct tcache *c, unsigned id)
{
	return (id * 2654435761u) & (c->nbuckets - 1);
}

struct tcache *tcache_new(size_t budget, unsigned tenant_percent, int doorkeeper)
{
	struct tcache *c;

	if (budget == 0 || (c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	pthread_mutex_init(&c->mu, NULL);
	/* One bucket per 4 KiB of budget: chains stay short for pages of
	 * 10-40 KiB, and longer ones for small entries cost little. */
	c->nbuckets = 256;
	while (c->nbuckets < budget / 4096 && c->nbuckets < ((size_t)1 << 20))
		c->nbuckets *= 2;
	c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
	c->tbuckets = calloc(c->nbuckets, sizeof *c->tbuckets);
	if (doorkeeper)
		c->door = calloc(c->nbuckets, sizeof *c->door);
	if (c->buckets == NULL || c->tbuckets == NULL || (doorkeeper && c->door == NULL)) {
		tcache_free(c);
		return NULL;
	}
	c->tlru.prev = c->tlru.next = &c->tlru;
	c->tenant_cap = budget / 100 * (tenant_percent ? tenant_percent : 100);
	c->st.budget = budget;
	return c;
}

static void entry_free(struct entry *e)
{
	if (e == NULL)
		return;
	sodium_memzero(e->val, e->len);
	free(e);
}

void tcache_free(struct tcache *c)
{
	if (c == NULL)
		return;
	while (c->tlru.next != &c->tlru) {
		struct tenant *t = c->tlru.next;
		while (t->lru->next != t->lru) {
			struct entry *e = t->lru->next;
			t->lru->next = e->next;
			entry_free(e);
		}
		c->tlru.next = t->next;
		free(t);
	}
	free(c->buckets);
	free(c->tbuckets);
	free(c->door);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* The tenant's part, made (and put last among tenants) when make. */
static struct tenant *tenant_of(struct tcache *c, unsigned id, int make)
{
	struct tenant *t = c->tbuckets[tslot(c, id)];

	while (t != NULL && t->id != id)
		t = t->hnext;
	if (t != NULL || !make)
		return t;
	if ((t = calloc(1, sizeof *t + sizeof *t->lru)) == NULL)
		return NULL;
	t->id = id;
	t->lru = (struct entry *)(t + 1);
	t->lru->prev = t->lru->next = t->lru;
	t->hnext = c->tbuckets[tslot(c, id)];
	c->tbuckets[tslot(c, id)] = t;
	t->prev = c->tlru.prev;
	t->next = &c->tlru;
	c->tlru.prev->next = t;
	c->tlru.prev = t;
	return t;
}

/* A tenant with nothing left goes. */
static void tenant_drop_if_empty(struct tcache *c, struct tenant *t)
{
	struct tenant **pp = &c->tbuckets[tslot(c, t->id)];

	if (t->lru->next != t->lru)
		return;
	while (*pp != t)
		pp = &(*pp)->hnext;
	*pp = t->hnext;
	t->prev->next = t->next;
	t->next->prev = t->prev;
	free(t);
}

/* e first in its tenant's list, its tenant first among tenants. */
static void touch(struct tcache *c, struct entry *e)
{
	struct entry *head = e->t->lru;
	struct tenant *t = e->t;

	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->next = head->next;
	e->prev = head;
	head->next->prev = e;
	head->next = e;
	t->prev->next = t->next;
	t->next->prev = t->prev;
	t->next = c->tlru.next;
	t->prev = &c->tlru;
	c->tlru.next->prev = t;
	c->tlru.next = t;
}

static struct entry *find(struct tcache *c, const unsigned char *key)
{
	struct entry *e = c->buckets[slot(c, key)];

	while (e != NULL && memcmp(e->key, key, TCACHE_KEY_LEN) != 0)
		e = e->hnext;
	return e;
}

/* Unlinks e from its bucket and its tenant's list. */
static void unlink_entry(struct tcache *c, struct entry *e)
{
	struct entry **pp = &c->buckets[slot(c, e->key)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	e->prev->next = e->next;
	e->next->prev = e->prev;
	c->st.entries--;
	c->st.bytes -= entry_size(e->len);
	e->t->bytes -= entry_size(e->len);
}

int tcache_get(struct tcache *c, const unsigned char key[TCACHE_KEY_LEN], void *(*alloc)(size_t),
	       void **out, size_t *len)
{
	struct entry *e;
	int rc = -1;

	*out = NULL;
	*len = 0;
	if (c == NULL)
		return -1;
	pthread_mutex_lock(&c->mu);
	if ((e = find(c, key)) == NULL) {
		c->st.misses++;
		goto out;
	}
	if ((*out = alloc(e->len + 1)) == NULL) {
		rc = -2;
		goto out;
	}
	memcpy(*out, e->val, e->len);
	((unsigned char *)*out)[e->len] = '\0';
	*len = e->len;
	touch(c, e);
	c->st.hits++;
	rc = 0;
out:
	pthread_mutex_unlock(&c->mu);
	return rc;
}

/* The entry to evict: the tenant's own oldest while it is over its cap,
 * else the oldest of the least recently served tenant. */
static struct entry *victim(struct tcache *c, const struct tenant *t)
{
	const struct tenant *o;

	if (t->bytes > c->tenant_cap && t->lru->prev != t->lru)
		return t->lru->prev;
	for (o = c->tlru.prev; o != &c->tlru; o = o->prev)
		if (o->lru->prev != o->lru)
			return o->lru->prev;
	return NULL;
}

/* Whether key may be kept: always while there is room, else only on its
 * second offer (doorkeeper). */
static int admit(struct tcache *c, const unsigned char *key, size_t size)
{
	size_t i = slot(c, key);

	if (c->door == NULL || c->st.bytes + size <= c->st.budget ||
	    memcmp(c->door[i], key, DOOR_LEN) == 0)
		return 1;
	memcpy(c->door[i], key, DOOR_LEN); /* first sighting: remember only */
	return 0;
}

void tcache_put(struct tcache *c, const unsigned char key[TCACHE_KEY_LEN], const void *val,
		size_t len, unsigned tenant)
{
	struct entry *e = NULL, *gone = NULL, *old;
	struct tenant *t;
	size_t size = entry_size(len), i;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	if (size > c->st.budget / ENTRY_SHARE || size > c->tenant_cap || !admit(c, key, size))
		goto out;
	if ((t = tenant_of(c, tenant, 1)) == NULL || (e = malloc(size)) == NULL)
		goto out;                   /* not storing is always correct */
	if ((old = find(c, key)) != NULL) { /* a newer value of the same key */
		struct tenant *ot = old->t;
		unlink_entry(c, old);
		old->hnext = gone;
		gone = old;
		if (ot != t)
			tenant_drop_if_empty(c, ot);
	}
	memcpy(e->key, key, TCACHE_KEY_LEN);
	memcpy(e->val, val, len);
	e->len = len;
	e->t = t;
	i = slot(c, key);
	e->hnext = c->buckets[i];
	c->buckets[i] = e;
	e->prev = e->next = e;
	touch(c, e);
	c->st.entries++;
	c->st.bytes += size;
	t->bytes += size;
	c->st.stored++;
	/* Evicted entries are chained through hnext and wiped after unlock;
	 * their tenants, once empty, go at once (nothing points at them). */
	while ((t->bytes > c->tenant_cap || c->st.bytes > c->st.budget) &&
	       (old = victim(c, t)) != NULL) {
		struct tenant *ot = old->t;
		unlink_entry(c, old);
		old->hnext = gone;
		gone = old;
		c->st.evicted++;
		if (ot != t)
			tenant_drop_if_empty(c, ot);
	}
out:
	pthread_mutex_unlock(&c->mu);
	while (gone != NULL) {
		struct entry *next = gone->hnext;
		entry_free(gone);
		gone = next;
	}
}

void tcache_drop(struct tcache *c, const unsigned char key[TCACHE_KEY_LEN])
{
	struct entry *e;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	if ((e = find(c, key)) != NULL) {
		struct tenant *t = e->t;
		unlink_entry(c, e);
		tenant_drop_if_empty(c, t);
	}
	pthread_mutex_unlock(&c->mu);
	entry_free(e);
}

void tcache_get_stats(struct tcache *c, struct tcache_stats *s)
{
	memset(s, 0, sizeof *s);
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	*s = c->st;
	pthread_mutex_unlock(&c->mu);
}

size_t tcache_tenant_bytes(struct tcache *c, unsigned tenant)
{
	struct tenant *t;
	size_t n = 0;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->mu);
	if ((t = tenant_of(c, tenant, 0)) != NULL)
		n = t->bytes;
	pthread_mutex_unlock(&c->mu);
	return n;
}
