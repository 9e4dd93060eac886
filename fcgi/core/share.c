#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "share.h"

/* A tenant with requests running or waiting.  Each holds a thread, so
 * there are never more than the threads: a table of twice as many slots,
 * open addressing, an entry freed when its counts fall to zero (a
 * tombstone keeps the probe chains whole and is reused by the next new
 * tenant). */
struct slot {
	unsigned tenant; /* 0: free */
	unsigned running, waiting;
	int dead; /* a tombstone */
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t freed;
	struct slot *t;
	size_t cap;
	unsigned limit, waiters, wait_ms;
	struct share_stats st;
} S = {.mu = PTHREAD_MUTEX_INITIALIZER, .freed = PTHREAD_COND_INITIALIZER};

int share_init(unsigned threads, unsigned percent, unsigned wait_ms)
{
	pthread_condattr_t ca;

	share_free();
	S.cap = (size_t)threads * 2 + 2;
	if ((S.t = calloc(S.cap, sizeof *S.t)) == NULL)
		return -1;
	S.limit = threads * percent / 100;
	if (S.limit < 1)
		S.limit = 1;
	/* Waiting holds a thread too: a tenant's running and waiting requests
	 * together leave the others a thread when the threads allow it. */
	S.waiters = S.limit / 2 > 0 ? S.limit / 2 : 1;
	if (S.waiters > threads - S.limit - (threads > S.limit))
		S.waiters = threads > S.limit ? threads - S.limit - 1 : 0;
	S.wait_ms = wait_ms;
	memset(&S.st, 0, sizeof S.st);
	/* Waits are timed on the monotonic clock: a clock change moves none. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_destroy(&S.freed);
	pthread_cond_init(&S.freed, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

void share_free(void)
{
	free(S.t);
	S.t = NULL;
	S.cap = 0;
}

unsigned share_limit(void)
{
	return S.limit;
}

/* The tenant's slot, made when make (NULL when absent, or full: never, the
 * table having room for every thread). */
static struct slot *find(unsigned tenant, int make)
{
	size_t i = (tenant * 2654435761u) % S.cap;
	struct slot *tomb = NULL;

	for (size_t n = 0; n < S.cap; n++, i = (i + 1) % S.cap) {
		struct slot *s = &S.t[i];
		if (s->tenant == tenant && !s->dead)
			return s;
		if (s->dead && tomb == NULL)
			tomb = s;
		if (s->tenant == 0 && !s->dead) {
			if (!make)
				return NULL;
			s = tomb != NULL ? tomb : s;
			memset(s, 0, sizeof *s);
			s->tenant = tenant;
			return s;
		}
	}
	if (make && tomb != NULL) {
		memset(tomb, 0, sizeof *tomb);
		tomb->tenant = tenant;
		return tomb;
	}
	return NULL;
}

static void release(struct slot *s)
{
	if (s->running == 0 && s->waiting == 0)
		s->dead = 1;
}

/* Waits on the condition until deadline; nonzero once it has passed. */
static int wait_until(const struct timespec *deadline)
{
	return pthread_cond_timedwait(&S.freed, &S.mu, deadline) == ETIMEDOUT;
}

enum share_result share_enter(unsigned tenant_id)
{
	struct timespec deadline;
	enum share_result r = SHARE_FULL;
	struct slot *s;
	int late = 0;

	if (tenant_id == 0 || S.t == NULL)
		return SHARE_OK;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += S.wait_ms / 1000;
	deadline.tv_nsec += (long)(S.wait_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&S.mu);
	if ((s = find(tenant_id, 1)) == NULL)
		goto out;
	if (s->running >= S.limit) {
		if (s->waiting >= S.waiters || S.wait_ms == 0) {
			release(s);
			goto out;
		}
		s->waiting++;
		S.st.waited++;
		while (s->running >= S.limit && !late)
			late = wait_until(&deadline);
		s->waiting--;
		if (s->running >= S.limit) {
			release(s);
			goto out;
		}
	}
	s->running++;
	S.st.entered++;
	r = SHARE_OK;
out:
	if (r != SHARE_OK)
		S.st.refused++;
	pthread_mutex_unlock(&S.mu);
	return r;
}

void share_leave(unsigned tenant_id)
{
	struct slot *s;

	if (tenant_id == 0 || S.t == NULL)
		return;
	pthread_mutex_lock(&S.mu);
	if ((s = find(tenant_id, 0)) != NULL && s->running > 0) {
		s->running--;
		release(s);
		/* Waiters of every tenant share the condition: wake them all,
		 * each checks its own tenant. */
		pthread_cond_broadcast(&S.freed);
	}
	pthread_mutex_unlock(&S.mu);
}

void share_get_stats(struct share_stats *s)
{
	pthread_mutex_lock(&S.mu);
	*s = S.st;
	pthread_mutex_unlock(&S.mu);
}
