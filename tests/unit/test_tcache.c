/* Unit tests of the budgeted cache (fcgi/core/tcache.c): hits give back the
 * bytes stored; a company holds at most its share of the budget, losing its
 * own least recently used entry past it while other companies keep theirs;
 * past the whole budget the least recently served company's oldest entry
 * goes first; the doorkeeper admits a key on its second offer once the
 * cache is full; oversized values are never kept; drops, the allocator's
 * failure, NULL caches; threads never see another key's value. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tcache.h"

static void mkkey(unsigned char key[TCACHE_KEY_LEN], unsigned tenant, unsigned n)
{
	memset(key, 0, TCACHE_KEY_LEN);
	/* The hash reads the first 8 bytes: spread them. */
	for (int i = 0; i < 8; i++)
		key[i] = (unsigned char)((n * 2654435761u + tenant * 40503u) >> (i * 3));
	memcpy(key + 16, &tenant, sizeof tenant);
	memcpy(key + 24, &n, sizeof n);
}

/* A value that names its key, so a wrong hit shows. */
static void put(struct tcache *c, unsigned tenant, unsigned n, size_t len)
{
	unsigned char key[TCACHE_KEY_LEN];
	char *v = malloc(len);

	mkkey(key, tenant, n);
	memset(v, 'a' + (int)(n % 26), len);
	snprintf(v, len, "%u/%u", tenant, n);
	tcache_put(c, key, v, len, tenant);
	free(v);
}

/* 1: kept with the right bytes, 0: absent, -1: a wrong value. */
static int has(struct tcache *c, unsigned tenant, unsigned n)
{
	unsigned char key[TCACHE_KEY_LEN];
	char want[32];
	void *v = NULL;
	size_t len = 0;
	int rc;

	mkkey(key, tenant, n);
	if (tcache_get(c, key, malloc, &v, &len) != 0)
		return 0;
	snprintf(want, sizeof want, "%u/%u", tenant, n);
	rc = strcmp(v, want) == 0 && ((char *)v)[len] == '\0' ? 1 : -1;
	free(v);
	return rc;
}

static void *fail_alloc(size_t n)
{
	(void)n;
	return NULL;
}

static void test_basics(void)
{
	struct tcache *c = tcache_new(100000, 100, 0);
	struct tcache_stats s;
	unsigned char key[TCACHE_KEY_LEN];
	void *v = NULL;
	size_t len;

	ok(c != NULL, "a cache of 100,000 bytes");
	ok(tcache_new(0, 50, 0) == NULL, "a budget of 0 is no cache");
	put(c, 1, 1, 500);
	is_int(has(c, 1, 1), 1, "a value stored is got back, the same bytes, NUL after");
	is_int(has(c, 1, 2), 0, "another key misses");
	mkkey(key, 1, 1);
	is_int(tcache_get(c, key, fail_alloc, &v, &len), -2, "a failed allocation is -2");
	put(c, 1, 1, 600);
	is_int(has(c, 1, 1), 1, "a newer value replaces the old");
	tcache_get_stats(c, &s);
	is_int(s.entries, 1, "the replaced entry is gone");
	put(c, 1, 3, 100000 / 8 + 1);
	is_int(has(c, 1, 3), 0, "a value over an eighth of the budget is not kept");
	tcache_drop(c, key);
	is_int(has(c, 1, 1), 0, "a dropped key misses");
	tcache_get_stats(c, &s);
	is_int(s.entries, 0, "no entries after the drop");
	is_int(s.bytes, 0, "no bytes after the drop");
	is_int(tcache_tenant_bytes(c, 1), 0, "the company holds nothing");
	tcache_free(c);
	tcache_free(NULL);
	tcache_put(NULL, key, "x", 1, 1);
	tcache_drop(NULL, key);
	ok(tcache_get(NULL, key, malloc, &v, &len) == -1, "a NULL cache misses");
}

static void test_tenant_share(void)
{
	struct tcache *c = tcache_new(40000, 25, 0);
	int mine = 1, others = 1;

	for (unsigned t = 2; t <= 3; t++)
		for (unsigned n = 0; n < 5; n++)
			put(c, t, n, 1000);
	for (unsigned n = 0; n < 40; n++)
		put(c, 1, n, 1000);
	ok(tcache_tenant_bytes(c, 1) <= 10000,
	   "a company holds at most its 25%% of the budget (%zu bytes)", tcache_tenant_bytes(c, 1));
	for (unsigned n = 30; n < 40; n++)
		mine &= has(c, 1, n) != -1;
	is_int(has(c, 1, 39), 1, "its newest entry is kept");
	is_int(has(c, 1, 0), 0, "its oldest went");
	ok(mine, "what it holds is its own");
	for (unsigned t = 2; t <= 3; t++)
		for (unsigned n = 0; n < 5; n++)
			others &= has(c, t, n) == 1;
	ok(others, "the other companies kept every entry");
	tcache_free(c);
}

static void test_least_recent_tenant(void)
{
	struct tcache *c = tcache_new(20000, 100, 0);
	int kept1 = 1;

	/* Four companies of four entries: about 17,000 bytes. */
	for (unsigned t = 1; t <= 4; t++)
		for (unsigned n = 0; n < 4; n++)
			put(c, t, n, 1000);
	for (unsigned n = 0; n < 4; n++)
		kept1 &= has(c, 1, n) == 1; /* company 1 served last */
	ok(kept1, "company 1 holds all four");
	for (unsigned n = 0; n < 6; n++)
		put(c, 5, n, 1000);
	is_int(has(c, 2, 0), 0, "past the budget, the least recently served company's oldest went");
	is_int(has(c, 1, 0), 1, "the company served last kept its oldest");
	is_int(has(c, 5, 5), 1, "the new company's entry is kept");
	{
		struct tcache_stats s;
		tcache_get_stats(c, &s);
		ok(s.bytes <= s.budget, "within the budget (%zu of %zu)", s.bytes, s.budget);
		ok(s.evicted > 0, "evictions counted (%llu)", s.evicted);
	}
	tcache_free(c);
}

static void test_doorkeeper(void)
{
	struct tcache *c = tcache_new(16000, 100, 1);

	/* 14 entries of 1,000 bytes and their headers: nearly full. */
	for (unsigned n = 0; n < 14; n++)
		put(c, 1, n, 1000);
	is_int(has(c, 1, 13), 1, "while there is room, everything offered is kept");
	put(c, 2, 100, 1000);
	is_int(has(c, 2, 100), 0, "once full, a key offered once is not kept");
	is_int(has(c, 1, 0), 1, "and evicted nothing");
	put(c, 2, 100, 1000);
	is_int(has(c, 2, 100), 1, "offered again, it is kept");
	tcache_free(c);
}

struct worker {
	struct tcache *c;
	unsigned id;
	int wrong;
};

static void *work(void *p)
{
	struct worker *w = p;
	unsigned seed = w->id;

	for (int i = 0; i < 20000; i++) {
		unsigned t = 1 + rand_r(&seed) % 4, n = rand_r(&seed) % 64;
		if (rand_r(&seed) % 3 == 0)
			put(w->c, t, n, 200 + n * 10);
		else if (has(w->c, t, n) < 0)
			w->wrong++;
	}
	return NULL;
}

static void test_threads(void)
{
	struct tcache *c = tcache_new(60000, 30, 1);
	struct worker w[4];
	pthread_t th[4];
	struct tcache_stats s;
	int wrong = 0;

	for (unsigned i = 0; i < 4; i++) {
		w[i] = (struct worker){c, i + 1, 0};
		pthread_create(&th[i], NULL, work, &w[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		wrong += w[i].wrong;
	}
	is_int(wrong, 0, "4 threads, 80,000 gets and puts: never another key's value");
	tcache_get_stats(c, &s);
	ok(s.bytes <= s.budget, "the budget held (%zu of %zu)", s.bytes, s.budget);
	ok(s.hits > 0 && s.stored > 0, "hits (%llu) and stores (%llu) happened", s.hits, s.stored);
	for (unsigned t = 1; t <= 4; t++)
		ok(tcache_tenant_bytes(c, t) <= 60000 * 30 / 100, "company %u within its share", t);
	tcache_free(c);
}

int main(void)
{
	test_basics();
	test_tenant_share();
	test_least_recent_tenant();
	test_doorkeeper();
	test_threads();
	return done_testing();
}
