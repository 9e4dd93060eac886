/* snapshot: a partner's full snapshot of one feed document, as fast as a
 * client can take it: libcurl on one kept-alive connection, following
 * <next href> from the first page to the last, each body read to its last
 * byte and scanned on the fly (no document kept).
 *
 *   snapshot BASE-URL PATH KEY
 *
 * prints: pages resources bytes seconds */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct page {
	char tail[1024]; /* the body's last bytes: <next> is near the end */
	size_t tlen, bytes;
	unsigned long items;
	char carry[32]; /* the stream's last bytes: a match cut by a chunk boundary */
	size_t clen;
};

static const char *item; /* "<portal-user " */

static size_t on_data(char *p, size_t s, size_t n, void *u)
{
	struct page *pg = u;
	size_t len = s * n, il = strlen(item), k = len < il - 1 ? len : il - 1;
	char buf[64];

	pg->bytes += len;
	/* A match that began in the bytes before this chunk. */
	memcpy(buf, pg->carry, pg->clen);
	memcpy(buf + pg->clen, p, k);
	for (size_t i = 0; i < pg->clen && i + il <= pg->clen + k; i++)
		pg->items += memcmp(buf + i, item, il) == 0;
	for (const char *q = p; (q = memmem(q, len - (size_t)(q - p), item, il)) != NULL; q += il)
		pg->items++;
	/* The stream's last il - 1 bytes. */
	if (len >= il - 1) {
		memcpy(pg->carry, p + len - (il - 1), il - 1);
		pg->clen = il - 1;
	} else {
		size_t keep = pg->clen + len > il - 1 ? il - 1 - len : pg->clen;
		memmove(pg->carry, pg->carry + pg->clen - keep, keep);
		memcpy(pg->carry + keep, p, len);
		pg->clen = keep + len;
	}
	if (len >= sizeof pg->tail) {
		memcpy(pg->tail, p + len - (sizeof pg->tail - 1), sizeof pg->tail - 1);
		pg->tlen = sizeof pg->tail - 1;
	} else {
		size_t keep =
			pg->tlen + len < sizeof pg->tail ? pg->tlen : sizeof pg->tail - 1 - len;
		memmove(pg->tail, pg->tail + pg->tlen - keep, keep);
		memcpy(pg->tail + keep, p, len);
		pg->tlen = keep + len;
	}
	pg->tail[pg->tlen] = '\0';
	return len;
}

int main(int argc, char **argv)
{
	char url[2048], auth[256], path[1024], itembuf[64];
	struct curl_slist *h = NULL;
	struct timespec t0, t1;
	unsigned long pages = 0, items = 0, bytes = 0;
	CURL *c;

	if (argc != 4) {
		fprintf(stderr, "usage: snapshot BASE-URL PATH KEY\n");
		return 2;
	}
	/* The element counted: the document's name without its s. */
	snprintf(path, sizeof path, "%s", argv[2]);
	{
		const char *doc = strrchr(argv[2], '/') ? strrchr(argv[2], '/') + 1 : argv[2];
		size_t n = strcspn(doc, "?");
		snprintf(itembuf, sizeof itembuf, "<%.*s ", (int)(n > 0 ? n - 1 : 0), doc);
		item = itembuf;
	}
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", argv[3]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = curl_easy_init();
	h = curl_slist_append(h, auth);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (path[0]) {
		struct page pg;
		long status = 0;
		char *nx, *end;
		memset(&pg, 0, sizeof pg);
		snprintf(url, sizeof url, "%s%s", argv[1], path);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &pg);
		if (curl_easy_perform(c) != CURLE_OK ||
		    (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status), status != 200)) {
			fprintf(stderr, "snapshot: %s: %ld\n", url, status);
			return 1;
		}
		pages++;
		items += pg.items;
		bytes += pg.bytes;
		path[0] = '\0';
		if ((nx = strstr(pg.tail, " href=\"")) != NULL &&
		    (end = strchr(nx + 7, '"')) != NULL) {
			size_t o = 0;
			for (char *q = nx + 7; q < end && o + 1 < sizeof path; q++) {
				if (strncmp(q, "&amp;", 5) == 0) {
					path[o++] = '&';
					q += 4;
				} else
					path[o++] = *q;
			}
			path[o] = '\0';
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%lu %lu %lu %.3f\n", pages, items, bytes,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return 0;
}
