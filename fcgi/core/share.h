/* Each tenant's share of a responder's worker threads (issue 16): no tenant
 * holds more than its share at once, so one tenant's slow or numerous
 * requests cannot take every thread from the others.  A request of a
 * tenant at its share waits briefly for one of the tenant's own requests to
 * end, else it is refused (503 with Retry-After).  Waiting holds a thread
 * too, so at most half a share waits, and never so many that the tenant
 * would hold every thread.  A tenant served alone (no other tenant's
 * request running, waiting, or asked within SHARE_SOLO_MS) may use every
 * thread but one: the limit protects the others, and there are none.
 * Thread-safe. */
#ifndef GH_SHARE_H
#define GH_SHARE_H

enum share_result {
	SHARE_OK = 0, /* the request holds one of its tenant's slots */
	SHARE_FULL,   /* the tenant's share is taken and stayed taken */
};

#define SHARE_SOLO_MS 1000

struct share_stats {
	unsigned long long entered, waited, refused;
	unsigned long long solo; /* requests that asked while their tenant was alone */
};

/* Start-up, before the threads: a tenant may hold percent of threads at
 * once (at least 1), a request waits up to wait_ms for its tenant's slot.
 * Returns -1 when out of memory.  Tests may call it again after
 * share_free(). */
int share_init(unsigned threads, unsigned percent, unsigned wait_ms);
void share_free(void);

/* The largest number of requests one tenant may have running at once. */
unsigned share_limit(void);

/* Takes one of tenant_id's slots (tenant 0: none needed, always SHARE_OK),
 * waiting as above.  On SHARE_OK the caller calls share_leave once. */
enum share_result share_enter(unsigned tenant_id);
void share_leave(unsigned tenant_id);

void share_get_stats(struct share_stats *s);

#endif
