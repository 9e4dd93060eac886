/* req_pairs_count: see testonly.h. */
#include "config.h"

#include <string.h>

#include "testonly.h"

size_t req_pairs_count(const struct req_pairs *p, const char *key)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += strcmp(p->v[i].key, key) == 0;
	return n;
}
