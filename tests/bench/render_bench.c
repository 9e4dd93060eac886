/* Render microbenchmark: one stylesheet applied to one page XML document,
 * in one thread, through the responder's own render module (compiled once,
 * the same security preferences).  Prints the median and the best of 7
 * batches in microseconds per render, and the HTML size.
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

#include "pool.h"
#include "render.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *names[2];
	double us[7];
	xmlDocPtr doc;
	xmlChar *out = NULL;
	int len = 0, n;
	size_t used = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: %s XSLT_DIR SHEET PAGE.xml [RENDERS_PER_BATCH]\n", argv[0]);
		return 2;
	}
	n = argc > 4 ? atoi(argv[4]) : 2000;
	names[0] = argv[2];
	names[1] = NULL;
	if (pool_install() != 0)
		return 1;
	if (render_init(argv[1], names) != 0 || (doc = xmlReadFile(argv[3], NULL, 0)) == NULL) {
		fprintf(stderr, "render_bench: cannot load %s/%s.xsl or %s\n", argv[1], argv[2], argv[3]);
		return 1;
	}
	for (int b = 0; b < 7; b++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int i = 0; i < n; i++) {
			pool_begin();
			if (render_html(argv[2], doc, &out, &len) != 0)
				return 1;
			xmlFree(out);
			used = pool_used();
			pool_end();
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us[b] = ((double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / n;
	}
	qsort(us, 7, sizeof us[0], cmp);
	printf("%s: median %.1f us, best %.1f us per render, %d bytes of HTML, %zu bytes of pool\n",
	       argv[2], us[3], us[0], len, used);
	xmlFreeDoc(doc);
	render_free();
	pool_thread_free();
	xmlCleanupParser();
	return 0;
}
