/* loadgen: a closed-loop HTTP load generator that reports latency per
 * class of request (issue 16's benchmark: each view kind, each workload,
 * separately), which wrk cannot.
 *
 *   loadgen [-c CONNS] [-d SECONDS] [-w WARMUP] BASE-URL FILE
 *
 * FILE has one request per line: CLASS <tab> WEIGHT <tab> COOKIE <tab> PATH
 * (COOKIE "-" for none; "H:" and header lines separated by '|' for
 * headers instead, e.g. the feed's "H:Authorization: Bearer K|If-None-Match:
 * \"E\"").  A 304 counts as an answer, not a failure.  CONNS connections (kept alive) each send a
 * request, wait for its answer, and send the next, drawn at random by
 * weight.  After WARMUP seconds the counts start; after SECONDS more they
 * stop and one line per class is printed, then one per group of classes
 * (the part of a class's name before a dot: "small.*"), then the total:
 *
 *   class N req/s p50_ms p90_ms p99_ms max_ms non2xx
 *
 * Latency is from the request's start to its last byte, as wrk measures. */
#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLASSES 32

struct req {
	int cls;
	double weight; /* cumulative */
	char *url, *cookie;
	struct curl_slist *headers;
};

struct samples {
	char name[64];
	uint32_t *us;
	size_t n, cap;
	unsigned long long bad;
};

struct conn {
	CURL *e;
	int cls;
	double t0;
};

static struct req *reqs;
static size_t nreqs;
static struct samples cls[MAX_CLASSES];
static int ncls;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: a draw in [0, 1). */
static double draw(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static int class_of(const char *name)
{
	for (int i = 0; i < ncls; i++)
		if (strcmp(cls[i].name, name) == 0)
			return i;
	if (ncls == MAX_CLASSES) {
		fprintf(stderr, "loadgen: more than %d classes\n", MAX_CLASSES);
		exit(2);
	}
	snprintf(cls[ncls].name, sizeof cls[ncls].name, "%s", name);
	return ncls++;
}

static void load(const char *base, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[16384];
	size_t cap = 0;
	double sum = 0;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char *c = strtok(line, "\t"), *w = strtok(NULL, "\t"), *k = strtok(NULL, "\t"),
		     *p = strtok(NULL, "\t\n");
		if (c == NULL || w == NULL || k == NULL || p == NULL || line[0] == '#')
			continue;
		if (nreqs == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((reqs = realloc(reqs, cap * sizeof *reqs)) == NULL)
				exit(2);
		}
		sum += atof(w);
		reqs[nreqs].cls = class_of(c);
		reqs[nreqs].weight = sum;
		if ((reqs[nreqs].url = malloc(strlen(base) + strlen(p) + 1)) == NULL)
			exit(2);
		strcpy(reqs[nreqs].url, base);
		strcat(reqs[nreqs].url, p);
		reqs[nreqs].cookie = NULL;
		reqs[nreqs].headers = NULL;
		if (strncmp(k, "H:", 2) == 0) {
			for (char *save = NULL, *h = strtok_r(k + 2, "|", &save); h != NULL;
			     h = strtok_r(NULL, "|", &save))
				reqs[nreqs].headers = curl_slist_append(reqs[nreqs].headers, h);
		} else if (strcmp(k, "-") != 0)
			reqs[nreqs].cookie = strdup(k);
		nreqs++;
	}
	fclose(f);
	if (nreqs == 0 || sum <= 0) {
		fprintf(stderr, "loadgen: no requests in %s\n", path);
		exit(2);
	}
}

static const struct req *pick(void)
{
	double x = draw() * reqs[nreqs - 1].weight;
	size_t lo = 0, hi = nreqs - 1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (reqs[mid].weight > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return &reqs[lo];
}

static size_t discard(char *p, size_t s, size_t n, void *u)
{
	(void)p;
	(void)u;
	return s * n;
}

static void start(CURLM *m, struct conn *c)
{
	const struct req *r = pick();

	curl_multi_remove_handle(m, c->e);
	curl_easy_setopt(c->e, CURLOPT_URL, r->url);
	curl_easy_setopt(c->e, CURLOPT_COOKIE, r->cookie);
	curl_easy_setopt(c->e, CURLOPT_HTTPHEADER, r->headers);
	c->cls = r->cls;
	c->t0 = now();
	curl_multi_add_handle(m, c->e);
}

static void record(struct conn *c, double t, long status, int counting)
{
	struct samples *s = &cls[c->cls];

	if (!counting)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		if ((s->us = realloc(s->us, s->cap * sizeof *s->us)) == NULL)
			exit(2);
	}
	s->us[s->n++] = (uint32_t)((t - c->t0) * 1e6);
	if ((status < 200 || status > 299) && status != 304)
		s->bad++;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static double pct(const uint32_t *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return n ? v[i] / 1000.0 : 0;
}

static void report(const struct samples *s, double secs)
{
	printf("%-24s %8zu %9.1f %8.2f %8.2f %8.2f %8.2f %6llu\n", s->name, s->n,
	       (double)s->n / secs, pct(s->us, s->n, 0.5), pct(s->us, s->n, 0.9),
	       pct(s->us, s->n, 0.99), s->n ? s->us[s->n - 1] / 1000.0 : 0, s->bad);
}

int main(int argc, char **argv)
{
	int conns = 32, opt;
	double secs = 20, warm = 3;
	struct conn *c;
	CURLM *m;

	while ((opt = getopt(argc, argv, "c:d:w:")) != -1) {
		if (opt == 'c')
			conns = atoi(optarg);
		else if (opt == 'd')
			secs = atof(optarg);
		else if (opt == 'w')
			warm = atof(optarg);
		else
			return 2;
	}
	if (argc - optind != 2 || conns < 1) {
		fprintf(stderr, "usage: loadgen [-c CONNS] [-d SECONDS] [-w WARMUP] BASE FILE\n");
		return 2;
	}
	load(argv[optind], argv[optind + 1]);
	curl_global_init(CURL_GLOBAL_ALL);
	m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)conns);
	if ((c = calloc((size_t)conns, sizeof *c)) == NULL)
		return 2;
	for (int i = 0; i < conns; i++) {
		c[i].e = curl_easy_init();
		curl_easy_setopt(c[i].e, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(c[i].e, CURLOPT_PRIVATE, &c[i]);
		curl_easy_setopt(c[i].e, CURLOPT_TIMEOUT, 60L);
		start(m, &c[i]);
	}
	double t_start = now(), t_count = t_start + warm, t_end = t_count + secs;
	int running = 1;
	for (;;) {
		double t = now();
		CURLMsg *msg;
		int left;

		if (t >= t_end)
			break;
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct conn *k;
			long status = 0;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&k);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
			if (msg->data.result != CURLE_OK)
				status = 0;
			t = now();
			record(k, t, status, t >= t_count && k->t0 >= t_count);
			start(m, k);
		}
		curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	struct samples all = {.name = "all"}, grp;
	printf("%-24s %8s %9s %8s %8s %8s %8s %6s\n", "class", "n", "req/s", "p50_ms", "p90_ms",
	       "p99_ms", "max_ms", "non2xx");
	for (int i = 0; i < ncls; i++) {
		qsort(cls[i].us, cls[i].n, sizeof *cls[i].us, cmp_u32);
		report(&cls[i], secs);
		all.n += cls[i].n;
		all.bad += cls[i].bad;
	}
	/* Each group: the samples of its classes together. */
	for (int i = 0; i < ncls; i++) {
		const char *dot = strchr(cls[i].name, '.');
		int seen = 0;
		if (dot == NULL)
			continue;
		for (int j = 0; j < i; j++)
			seen |= strncmp(cls[j].name, cls[i].name,
					(size_t)(dot - cls[i].name + 1)) == 0;
		if (seen)
			continue;
		memset(&grp, 0, sizeof grp);
		snprintf(grp.name, sizeof grp.name, "%.*s*", (int)(dot - cls[i].name + 1),
			 cls[i].name);
		if ((grp.us = malloc((all.n + 1) * sizeof *grp.us)) == NULL)
			return 2;
		for (int j = i; j < ncls; j++)
			if (strncmp(cls[j].name, cls[i].name, (size_t)(dot - cls[i].name + 1)) ==
			    0) {
				memcpy(grp.us + grp.n, cls[j].us, cls[j].n * sizeof *grp.us);
				grp.n += cls[j].n;
				grp.bad += cls[j].bad;
			}
		qsort(grp.us, grp.n, sizeof *grp.us, cmp_u32);
		report(&grp, secs);
		free(grp.us);
	}
	if ((all.us = malloc((all.n + 1) * sizeof *all.us)) == NULL)
		return 2;
	all.n = 0;
	for (int i = 0; i < ncls; i++) {
		memcpy(all.us + all.n, cls[i].us, cls[i].n * sizeof *all.us);
		all.n += cls[i].n;
	}
	qsort(all.us, all.n, sizeof *all.us, cmp_u32);
	report(&all, secs);
	for (int i = 0; i < conns; i++) {
		curl_multi_remove_handle(m, c[i].e);
		curl_easy_cleanup(c[i].e);
	}
	curl_multi_cleanup(m);
	curl_global_cleanup();
	return 0;
}
