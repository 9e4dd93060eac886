/* Per-request memory pool for libxml2 and libxslt (see pool.h). */
#include "config.h"

#include "pool.h"

#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#ifdef HAVE_VALGRIND_MEMCHECK_H
#include <valgrind/memcheck.h>
#else
#define VALGRIND_CREATE_MEMPOOL(pool, rz, zeroed) ((void)0)
#define VALGRIND_DESTROY_MEMPOOL(pool) ((void)0)
#define VALGRIND_MEMPOOL_ALLOC(pool, p, n) ((void)0)
#define VALGRIND_MEMPOOL_FREE(pool, p) ((void)0)
#define VALGRIND_MEMPOOL_CHANGE(pool, a, b, n) ((void)0)
#define VALGRIND_MAKE_MEM_NOACCESS(p, n) ((void)0)
#define VALGRIND_MAKE_MEM_DEFINED(p, n) ((void)0)
#define VALGRIND_MAKE_MEM_UNDEFINED(p, n) ((void)0)
#endif

#ifdef HAVE_VALGRIND_MEMCHECK_H
/* Client requests cost a few instructions even outside valgrind, in the
 * hottest function here: made only when running under it. */
static int vg;
#define VG(req)                                                                                    \
	do {                                                                                       \
		if (vg)                                                                            \
			req;                                                                       \
	} while (0)
#else
#define VG(req) ((void)0)
#endif

/* AddressSanitizer checks each malloc()ed block; the pool would hide
 * overflows between neighbours, so sanitizer builds compile it out. */
#if defined(__SANITIZE_ADDRESS__)
#define POOL_COMPILED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_COMPILED 0
#endif
#endif
#ifndef POOL_COMPILED
#define POOL_COMPILED 1
#endif

/* A 10-row list page's documents and transform take ~350 KiB of pool
 * (measured, tests/bench/render_bench): one block holds a typical page.  A
 * thread keeps up to POOL_KEEP of blocks between requests: giving them back
 * each time would cost an mmap, a munmap and their page faults. */
#define POOL_BLOCK (512 * 1024)
#define POOL_KEEP (2 * 1024 * 1024)
/* Larger requests (big output buffers, which grow by realloc) go to malloc. */
#define POOL_BIG (32 * 1024)
/* Freed blocks are not reused within a window (only the latest goes back):
 * past this much, a window's allocations go to malloc, so that one huge
 * render cannot make the pool hold its garbage without bound. */
#define POOL_MAX (32 * 1024 * 1024)

/* Every block handed to libxml2 starts after this header, pool or heap, so
 * xmlFree and xmlRealloc know where it came from and how big it is. */
struct hdr {
	size_t size;
	uint32_t tag;
	uint32_t pad;
};
_Static_assert(sizeof(struct hdr) == 16, "the header keeps 16-byte alignment");

enum { TAG_POOL = 0x9f3c51a7u, TAG_HEAP = 0x4e12d8b3u };

struct block {
	struct block *next;
	size_t cap;
	/* cap bytes of data follow, 16-aligned */
};
_Static_assert(sizeof(struct block) == 16, "the data after a block header is 16-aligned");

struct pool {
	struct block *first, *cur;
	char *p, *end;
	void *last; /* the latest allocation: it can grow or be taken back in place */
	size_t used;
	int open, known; /* known: described to valgrind */
	int paused;      /* pool_pause(): open again at pool_resume() */
	int wipe;        /* pool_wipe(): zero what the window used */
};

static _Thread_local struct pool tp;

static size_t round16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

static void *heap_alloc(size_t n)
{
	struct hdr *h;

	if (n > SIZE_MAX - sizeof *h || (h = malloc(sizeof *h + n)) == NULL)
		return NULL;
	h->size = n;
	h->tag = TAG_HEAP;
	return h + 1;
}

/* A fresh block of at least need bytes; NULL when out of memory. */
static struct block *block_new(size_t need)
{
	size_t cap = need > POOL_BLOCK ? need : POOL_BLOCK;
	struct block *b = malloc(sizeof *b + cap);

	if (b == NULL)
		return NULL;
	b->next = NULL;
	b->cap = cap;
	VG(VALGRIND_MAKE_MEM_NOACCESS(b + 1, cap));
	return b;
}

static void *pool_xmalloc(size_t n)
{
	size_t need = sizeof(struct hdr) + round16(n);
	struct hdr *h;

	if (!tp.open || n > POOL_BIG || tp.used + need > POOL_MAX)
		return heap_alloc(n);
	if ((size_t)(tp.end - tp.p) < need) {
		struct block *b = tp.cur->next;
		if (b == NULL && (b = block_new(need)) == NULL)
			return heap_alloc(n);
		tp.cur->next = b;
		tp.cur = b;
		tp.p = (char *)(b + 1);
		tp.end = tp.p + b->cap;
	}
	h = (struct hdr *)tp.p;
	VG(VALGRIND_MAKE_MEM_UNDEFINED(h, sizeof *h));
	h->size = n;
	h->tag = TAG_POOL;
	tp.p += need;
	tp.used += need;
	tp.last = h + 1;
	VG(VALGRIND_MEMPOOL_ALLOC(&tp, h + 1, n));
	return h + 1;
}

static void pool_xfree(void *p)
{
	struct hdr *h;

	if (p == NULL)
		return;
	h = (struct hdr *)p - 1;
	if (h->tag == TAG_HEAP) {
		h->tag = 0;
		if (tp.open && tp.wipe)
			sodium_memzero(h + 1, h->size);
		free(h);
	} else if (h->tag == TAG_POOL) {
		/* Released with the window; the latest block goes back now
		 * (libxml2 frees many temporaries right after making them). */
		if (tp.open && p == tp.last) {
			tp.p = (char *)h;
			tp.used -= sizeof *h + round16(h->size);
			tp.last = NULL;
		}
		VG(VALGRIND_MEMPOOL_FREE(&tp, p));
	} else
		log_err("pool: xmlFree of a block it did not hand out (%p): left alone", p);
}

static void *pool_xrealloc(void *p, size_t n)
{
	struct hdr *h;
	void *q;

	if (p == NULL)
		return pool_xmalloc(n);
	h = (struct hdr *)p - 1;
	if (h->tag == TAG_HEAP) {
		struct hdr *g;
		if (tp.open && tp.wipe) {
			/* realloc may leave the old bytes behind: copy, wipe, free. */
			if ((q = heap_alloc(n)) == NULL)
				return NULL;
			memcpy(q, p, n < h->size ? n : h->size);
			pool_xfree(p);
			return q;
		}
		if (n > SIZE_MAX - sizeof *h || (g = realloc(h, sizeof *h + n)) == NULL)
			return NULL;
		g->size = n;
		return g + 1;
	}
	if (h->tag != TAG_POOL) {
		log_err("pool: xmlRealloc of a block it did not hand out (%p)", p);
		return NULL;
	}
	/* The latest block grows in place while its pool block has room. */
	if (tp.open && p == tp.last && n <= POOL_BIG &&
	    (size_t)(tp.end - (char *)p) >= round16(n)) {
		VG(VALGRIND_MEMPOOL_CHANGE(&tp, p, p, n));
		if (n > h->size)
			VG(VALGRIND_MAKE_MEM_UNDEFINED((char *)p + h->size, n - h->size));
		tp.used += round16(n) - round16(h->size);
		tp.p = (char *)p + round16(n);
		h->size = n;
		return p;
	}
	if (n <= h->size) {
		VG(VALGRIND_MEMPOOL_CHANGE(&tp, p, p, n));
		h->size = n;
		return p;
	}
	if ((q = pool_xmalloc(n)) == NULL)
		return NULL;
	memcpy(q, p, h->size);
	pool_xfree(p);
	return q;
}

static char *pool_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *q = pool_xmalloc(n);

	if (q != NULL)
		memcpy(q, s, n);
	return q;
}

static int installed;

int pool_install(void)
{
	const char *env = getenv("GH_POOL");

	if (!POOL_COMPILED || (env != NULL && strcmp(env, "0") == 0))
		return 0;
#ifdef HAVE_VALGRIND_MEMCHECK_H
	vg = RUNNING_ON_VALGRIND > 0;
#endif
	if (xmlMemSetup(pool_xfree, pool_xmalloc, pool_xrealloc, pool_xstrdup) != 0)
		return -1;
	installed = 1;
	return 0;
}

void pool_begin(void)
{
	if (!installed || tp.open)
		return;
	if (tp.first == NULL) {
		if ((tp.first = block_new(POOL_BLOCK)) == NULL)
			return; /* no pool this time: libxml2 gets malloc() */
		if (!tp.known) {
			VG(VALGRIND_CREATE_MEMPOOL(&tp, 0, 0));
			tp.known = 1;
		}
	}
	tp.cur = tp.first;
	tp.p = (char *)(tp.first + 1);
	tp.end = tp.p + tp.first->cap;
	tp.last = NULL;
	tp.used = 0;
	tp.wipe = 0;
	tp.open = 1;
}

void pool_pause(void)
{
	if (tp.open) {
		tp.open = 0;
		tp.paused = 1;
	}
}

void pool_resume(void)
{
	if (tp.paused) {
		tp.paused = 0;
		tp.open = 1;
		tp.last = NULL; /* it may have been freed meanwhile */
	}
}

void pool_wipe(void)
{
	if (tp.open)
		tp.wipe = 1;
}

void pool_end(void)
{
	struct block *b, *next;
	size_t kept = 0;

	pool_resume(); /* a window paused and not resumed still ends */
	if (!tp.open)
		return;
	/* libxml2's last error of this thread outlives the window: its
	 * strings are in the pool. */
	xmlResetLastError();
	if (tp.wipe) {
		/* Every block up to the current one may hold the secret,
		 * also past tp.p (a freed latest allocation moves it back). */
		for (b = tp.first; b != NULL; b = b == tp.cur ? NULL : b->next) {
			VG(VALGRIND_MAKE_MEM_UNDEFINED(b + 1, b->cap));
			sodium_memzero(b + 1, b->cap);
		}
		tp.wipe = 0;
	}
	tp.open = 0;
	for (b = tp.first; b->next != NULL;) {
		if (kept + b->cap + b->next->cap <= POOL_KEEP) {
			kept += b->cap;
			b = b->next;
			continue;
		}
		next = b->next->next;
		VG(VALGRIND_MAKE_MEM_UNDEFINED(b->next + 1, b->next->cap));
		free(b->next);
		b->next = next;
	}
	if (tp.known) {
		/* Every chunk is gone: valgrind reports any later access. */
		VG(VALGRIND_DESTROY_MEMPOOL(&tp));
		VG(VALGRIND_CREATE_MEMPOOL(&tp, 0, 0));
	}
	for (b = tp.first; b != NULL; b = b->next)
		VG(VALGRIND_MAKE_MEM_NOACCESS(b + 1, b->cap));
	tp.cur = tp.first;
	tp.p = tp.end = NULL;
	tp.last = NULL;
}

void pool_thread_free(void)
{
	if (tp.open)
		pool_end();
	while (tp.first != NULL) {
		struct block *next = tp.first->next;
		VG(VALGRIND_MAKE_MEM_UNDEFINED(tp.first + 1, tp.first->cap));
		free(tp.first);
		tp.first = next;
	}
	tp.cur = NULL;
	if (tp.known) {
		VG(VALGRIND_DESTROY_MEMPOOL(&tp));
		tp.known = 0;
	}
}

size_t pool_used(void)
{
	return tp.used;
}
