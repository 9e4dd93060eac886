/* Per-request memory pool for libxml2 and libxslt, in the manner of nginx's
 * ngx_pool_t.  A page's documents (its XML, the XSLT result tree, the XPath
 * objects of the transform) are thousands of small blocks that all die
 * together when the answer has been sent; taking them from a per-thread
 * block by bumping a pointer, and releasing them all at once, removes the
 * allocator from the profile (it was a third of a list page's responder time,
 * measured).
 *
 * Only memory that libxml2 allocates through xmlMalloc between pool_begin()
 * and pool_end() on the same thread comes from the pool; everything else
 * (start-up stylesheets, other threads, other libraries) is malloc()ed as
 * before.  Builds with AddressSanitizer leave libxml2's allocator alone, so
 * every block stays individually checked; under valgrind the pool describes
 * itself to memcheck (VALGRIND_MEMPOOL_*), so a use after xmlFree or after
 * pool_end is still reported (an overflow into the next block's header is
 * not: headers stay addressable). */
#ifndef GH_POOL_H
#define GH_POOL_H

#include <stddef.h>

/* Makes the pool libxml2's allocator (xmlMemSetup).  Start-up only, before
 * xmlInitParser() and before any thread: returns -1 if libxml2 refused.  A
 * no-op returning 0 when the pool is compiled out (sanitizer builds) or
 * disabled with GH_POOL=0 in the environment. */
int pool_install(void);

/* Opens the calling thread's request window: libxml2's allocations come from
 * the thread's pool until pool_end(). */
void pool_begin(void);

/* Closes the window and releases at once everything the pool handed out
 * since pool_begin(): no pointer into it may be used afterwards.  Up to
 * 2 MiB of the thread's blocks are kept for the next request. */
void pool_end(void);

/* A streamed answer (an export as it is read) frees what libxml2 takes
 * for it as it goes, and may be large: between pool_pause() and
 * pool_resume() the open window lends nothing (malloc), and what it lent
 * before stays valid.  No-ops without a window. */
void pool_pause(void);
void pool_resume(void);

/* The calling thread's open window holds a secret (a form action carried a
 * typed password back into the page, http.h): pool_end() then zeroes every
 * byte the window took from its blocks, and xmlFree zeroes the heap blocks
 * it frees until then.  A no-op without a window (or a pool). */
void pool_wipe(void);

/* Frees the calling thread's blocks (thread exit).  Safe when it has none. */
void pool_thread_free(void);

/* Bytes of pool the calling thread's current (or last) window holds,
 * headers included, for the benchmarks and tests.  A window stops taking
 * from the pool at 32 MiB (later allocations are malloc()ed). */
size_t pool_used(void);

#endif
