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
	unsigned threads, limit, waiters, wait_ms;
	unsigned busy; /* requests running or waiting, of every tenant */
	/* The latest tenant to ask, and the latest before it of another
	 * tenant, with when they asked: whether a tenant is served alone. */
	struct {
		unsigned tenant;
		struct timespec at;
	} recent[2];
	struct share_stats st;
} S = {.mu = PTHREAD_MUTEX_INITIALIZER, .freed = PTHREAD_COND_INITIALIZER};

int share_init(unsigned threads, unsigned percent, unsigned wait_ms)
{
	pthread_condattr_t ca;

	share_free();
	S.cap = (size_t)threads * 2 + 2;
	if ((S.t = calloc(S.cap, sizeof *S.t)) == NULL)
		return -1;
	S.threads = threads;
	S.busy = 0;
	memset(S.recent, 0, sizeof S.recent);
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

/* Whether tenant_id, asking now, is served alone: no other tenant's
 * request is running or waiting, nor asked within SHARE_SOLO_MS.  Notes the
 * request in S.recent. */
static int alone(const struct slot *s, unsigned tenant_id, const struct timespec *now)
{
	long long since;

	if (S.recent[0].tenant != tenant_id) {
		S.recent[1] = S.recent[0];
		S.recent[0].tenant = tenant_id;
	}
	S.recent[0].at = *now;
	if (S.busy > s->running + s->waiting)
		return 0;
	if (S.recent[1].tenant == 0)
		return 1;
	since = (long long)(now->tv_sec - S.recent[1].at.tv_sec) * 1000 +
		(now->tv_nsec - S.recent[1].at.tv_nsec) / 1000000;
	return since > SHARE_SOLO_MS;
}

enum share_result share_enter(unsigned tenant_id)
{
	struct timespec deadline, now;
	enum share_result r = SHARE_FULL;
	struct slot *s;
	unsigned cap, waiters;
	int late = 0;

	if (tenant_id == 0 || S.t == NULL)
		return SHARE_OK;
	clock_gettime(CLOCK_MONOTONIC, &now);
	deadline = now;
	deadline.tv_sec += S.wait_ms / 1000;
	deadline.tv_nsec += (long)(S.wait_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&S.mu);
	if ((s = find(tenant_id, 1)) == NULL)
		goto out;
	/* Served alone, a tenant may use every thread but one (kept for the
	 * next tenant to come), and one more request may wait for it. */
	cap = S.limit;
	waiters = S.waiters;
	if (alone(s, tenant_id, &now) && S.threads > 1) {
		cap = cap > S.threads - 1 ? cap : S.threads - 1;
		waiters = 1;
		S.st.solo++;
	}
	if (s->running >= cap) {
		if (s->waiting >= waiters || S.wait_ms == 0) {
			release(s);
			goto out;
		}
		s->waiting++;
		S.busy++;
		S.st.waited++;
		while (s->running >= cap && !late)
			late = wait_until(&deadline);
		s->waiting--;
		S.busy--;
		if (s->running >= cap) {
			release(s);
			goto out;
		}
	}
	s->running++;
	S.busy++;
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
		S.busy--;
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
