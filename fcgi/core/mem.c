#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"

void mem_init(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	mallopt(M_ARENA_MAX, (int)(cores > 0 ? cores * 2 : 2));
}

size_t mem_rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0, rss = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu %lu", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return (size_t)rss * ((size_t)sysconf(_SC_PAGESIZE) / 1024);
}

size_t mem_tend(unsigned bound_mb)
{
	static time_t warned;
	size_t kb = mem_rss_kb(), bound = (size_t)bound_mb * 1024;

	if (kb <= bound)
		return kb;
	malloc_trim(0);
	kb = mem_rss_kb();
	/* Still over: what is held is in use (the bound is too low for the
	 * threads and the render cache): said once a minute at most. */
	if (kb > bound && time(NULL) - warned >= 60) {
		warned = time(NULL);
		log_warn("memory: %zu MiB resident after giving back free memory, over the %u MiB "
			 "of memory_mb",
			 kb / 1024, bound_mb);
	}
	return kb;
}
