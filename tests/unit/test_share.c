/* Unit tests of each company's share of the threads (fcgi/core/share.c):
 * the limit from the percent (never below one); a company at its share is
 * refused at once without a wait, admitted when one of its own requests
 * ends within the wait, refused when none does; at most a share's worth
 * wait; other companies are never held up; tenant 0 needs no slot; many
 * threads never run more than the share of one company at once; a company
 * served alone uses every thread but one, until another company comes. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "share.h"
#include "tap.h"

static void test_limit(void)
{
	struct share_stats s;
	int all = 1;

	ok(share_init(8, 50, 0) == 0, "8 threads, a 50%% share, no wait");
	is_int(share_limit(), 4, "a company may hold 4");
	/* Another company was served just now: nobody is served alone. */
	share_enter(99);
	share_leave(99);
	for (int i = 0; i < 4; i++)
		all &= share_enter(7) == SHARE_OK;
	ok(all, "its first 4 requests enter");
	is_int(share_enter(7), SHARE_FULL, "the fifth is refused at once");
	is_int(share_enter(8), SHARE_OK, "another company's request enters");
	is_int(share_enter(0), SHARE_OK, "a request of no company enters");
	share_leave(0);
	share_leave(7);
	is_int(share_enter(7), SHARE_OK, "once one ended, the company's next enters");
	share_get_stats(&s);
	is_int(s.refused, 1, "one refusal counted");
	is_int(s.entered, 7, "seven entries counted");
	for (int i = 0; i < 4; i++)
		share_leave(7);
	share_leave(8);
	share_leave(7); /* one too many: ignored */
	all = 1;
	for (int i = 0; i < 4; i++)
		all &= share_enter(7) == SHARE_OK;
	ok(all && share_enter(7) == SHARE_FULL, "an extra leave gives no extra slot");
	share_free();
	ok(share_init(8, 1, 0) == 0 && share_limit() == 1, "1%% of 8 threads is still one");
	share_free();
	is_int(share_enter(7), SHARE_OK, "without a table (not started), everything enters");
}

struct waiter {
	unsigned tenant;
	enum share_result r;
};

static void *enter_thread(void *p)
{
	struct waiter *w = p;

	w->r = share_enter(w->tenant);
	return NULL;
}

/* Waits (up to 5 s) until n requests have waited. */
static int waited(unsigned long long n)
{
	struct share_stats s;

	for (int i = 0; i < 5000; i++) {
		share_get_stats(&s);
		if (s.waited >= n)
			return 1;
		usleep(1000);
	}
	return 0;
}

static void test_wait(void)
{
	struct waiter w[3] = {{5, SHARE_FULL}, {5, SHARE_FULL}, {5, SHARE_FULL}};
	pthread_t th[2];
	enum share_result r;

	share_init(8, 50, 10000);
	share_enter(6);
	share_leave(6);
	for (int i = 0; i < 4; i++)
		share_enter(5);
	pthread_create(&th[0], NULL, enter_thread, &w[0]);
	ok(waited(1), "a request over the share waits");
	pthread_create(&th[1], NULL, enter_thread, &w[1]);
	ok(waited(2), "a second waits");
	is_int(share_enter(5), SHARE_FULL,
	       "a third is refused at once: at most a share's worth wait");
	is_int(share_enter(6), SHARE_OK, "another company's request enters while they wait");
	share_leave(6);
	share_leave(5);
	share_leave(5);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	ok(w[0].r == SHARE_OK && w[1].r == SHARE_OK, "both waiting requests enter as slots free");
	for (int i = 0; i < 4; i++)
		share_leave(5);
	share_free();

	/* 4 threads, a share of 3: one waiter would take the last thread. */
	share_init(4, 75, 10000);
	share_enter(6);
	share_leave(6);
	for (int i = 0; i < 3; i++)
		share_enter(5);
	is_int(share_enter(5), SHARE_FULL,
	       "no request waits when it would leave the other companies no thread");
	for (int i = 0; i < 3; i++)
		share_leave(5);
	share_free();

	share_init(4, 50, 30);
	share_enter(6);
	share_leave(6);
	share_enter(5);
	share_enter(5);
	r = share_enter(5);
	is_int(r, SHARE_FULL, "with no request ending, the wait ends in a refusal");
	share_leave(5);
	share_leave(5);
	is_int(share_enter(5), SHARE_OK, "afterwards the company enters again");
	share_leave(5);
	share_free();
}

static atomic_int running[4], peak[4], refused;

static void *busy(void *p)
{
	unsigned id = (unsigned)(size_t)p, seed = id;

	for (int i = 0; i < 3000; i++) {
		unsigned t = 1 + rand_r(&seed) % 3;
		int now, old;
		if (share_enter(t) != SHARE_OK) {
			refused++;
			continue;
		}
		now = ++running[t];
		old = peak[t];
		while (now > old && !atomic_compare_exchange_weak(&peak[t], &old, now))
			;
		if (rand_r(&seed) % 8 == 0)
			usleep(20);
		running[t]--;
		share_leave(t);
	}
	return NULL;
}

static void test_threads(void)
{
	pthread_t th[12];
	int within = 1;

	share_init(13, 25, 1000);
	share_enter(9); /* a fourth company, present throughout */
	for (size_t i = 0; i < 12; i++)
		pthread_create(&th[i], NULL, busy, (void *)(i + 1));
	for (int i = 0; i < 12; i++)
		pthread_join(th[i], NULL);
	share_leave(9);
	for (int t = 1; t <= 3; t++)
		within &= peak[t] <= 3 && running[t] == 0;
	ok(within,
	   "12 threads, 3 companies, 36,000 requests: never more than 3 of one at once "
	   "(peaks %d %d %d)",
	   peak[1], peak[2], peak[3]);
	ok(peak[1] == 3 || peak[2] == 3 || peak[3] == 3, "and the share was reached");
	diag("%d refused (waits of up to 1 s)", (int)refused);
	share_free();
}

/* A company served alone uses every thread but one; once another comes,
 * its share again. */
static void test_solo(void)
{
	struct share_stats s;
	int all = 1;

	share_init(8, 50, 0);
	for (int i = 0; i < 7; i++)
		all &= share_enter(7) == SHARE_OK;
	ok(all, "a company served alone: 7 of 8 threads");
	is_int(share_enter(7), SHARE_FULL, "not the last one");
	share_get_stats(&s);
	ok(s.solo >= 7, "solo entries counted (%llu)", s.solo);
	is_int(share_enter(8), SHARE_OK, "another company's request takes the thread kept");
	share_leave(8);
	for (int i = 0; i < 3; i++)
		share_leave(7);
	is_int(share_enter(7), SHARE_FULL,
	       "another company served within the second: back to the share (4 running)");
	usleep((SHARE_SOLO_MS + 100) * 1000);
	is_int(share_enter(7), SHARE_OK, "a second later, alone again: beyond the share");
	for (int i = 0; i < 5; i++)
		share_leave(7);
	share_free();
}

int main(void)
{
	test_limit();
	test_wait();
	test_threads();
	test_solo();
	return done_testing();
}
