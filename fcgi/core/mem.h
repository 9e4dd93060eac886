/* A responder's memory after a burst (issue 16): it comes back to a stated
 * bound ([settings] memory_mb).  What a burst leaves behind is free memory
 * glibc's heaps keep for reuse (many threads, many arenas); the request
 * pool keeps at most 2 MiB per thread and the render cache its budget, so
 * the bound holds once the heaps give back what they do not use. */
#ifndef GH_MEM_H
#define GH_MEM_H

#include <stddef.h>

/* Start-up, before the threads: at most two malloc arenas per core (glibc's
 * default is eight; the request pool keeps libxml2 off them anyway). */
void mem_init(void);

/* The process's resident set, in KiB (0 if /proc cannot say). */
size_t mem_rss_kb(void);

/* Called once a second: when the resident set is over bound_mb, the heaps
 * give back their free memory (malloc_trim).  Returns the resident set in
 * KiB afterwards. */
size_t mem_tend(unsigned bound_mb);

#endif
