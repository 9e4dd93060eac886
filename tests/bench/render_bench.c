/* Render microbenchmark: one stylesheet applied to one page XML document,
 * in one thread, through the responder's own render module (compiled once,
 * the same security preferences).  Prints the median and the best of 7
 * batches in microseconds per render, and the HTML size; then the same for
 * a render-cache hit (render_page with the page kept: the document's
 * digest, the lookup and the copy).
 *
 *   tests/bench/render_bench XSLT_DIR SHEET PAGE.xml [RENDERS_PER_BATCH]
 *
 * Each render runs in a request window of the per-request pool, as in the
 * responders; GH_POOL=0 in the environment measures plain malloc instead.
 * Page XML comes from the stack with ?format=xml.  Used to weigh a
 * stylesheet change before a wrk run (figures in README, Benchmarks). */
#include "config.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sodium.h>

#include "pool.h"
#include "rcache.h"
#include "render.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median and best of 7 batches of n calls, in microseconds a call: through
 * the render cache (kept) or render_html (rendered).  *len, *used: the last
 * call's HTML size and pool use. */
static int batches(const char *sheet, xmlDocPtr doc, int n, int kept, double us[7], int *len,
		   size_t *used)
{
	xmlChar *out = NULL;
	int hit = 0;

	for (int b = 0; b < 7; b++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int i = 0; i < n; i++) {
			pool_begin();
			if ((kept ? render_page(sheet, doc, &out, len, &hit, 0)
				  : render_html(sheet, doc, &out, len)) != 0 ||
			    (kept && i > 0 && !hit))
				return -1;
			xmlFree(out);
			*used = pool_used();
			pool_end();
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us[b] = ((double)(t1.tv_sec - t0.tv_sec) * 1e6 +
			 (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) /
			n;
	}
	qsort(us, 7, sizeof us[0], cmp);
	return 0;
}

int main(int argc, char **argv)
{
	const char *names[2];
	double us[7];
	xmlDocPtr doc;
	int len = 0, n;
	size_t used = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: %s XSLT_DIR SHEET PAGE.xml [RENDERS_PER_BATCH]\n", argv[0]);
		return 2;
	}
	n = argc > 4 ? atoi(argv[4]) : 2000;
	names[0] = argv[2];
	names[1] = NULL;
	if (sodium_init() < 0 || pool_install() != 0)
		return 1;
	if (render_init(argv[1], names) != 0 || (doc = xmlReadFile(argv[3], NULL, 0)) == NULL) {
		fprintf(stderr, "render_bench: cannot load %s/%s.xsl or %s\n", argv[1], argv[2],
			argv[3]);
		return 1;
	}
	if (batches(argv[2], doc, n, 0, us, &len, &used) != 0)
		return 1;
	printf("%s: median %.1f us, best %.1f us per render, %d bytes of HTML, %zu bytes of pool\n",
	       argv[2], us[3], us[0], len, used);
	if (rcache_init(16u << 20, 100) != 0 || batches(argv[2], doc, n, 1, us, &len, &used) != 0)
		return 1;
	printf("%s: median %.1f us, best %.1f us per render-cache hit (digest, lookup, copy)\n",
	       argv[2], us[3], us[0]);
	rcache_free();
	xmlFreeDoc(doc);
	render_free();
	pool_thread_free();
	xmlCleanupParser();
	return 0;
}
