/* Unit tests of the list-order cache (fcgi/core/listcache.c): slices and
 * totals, descending order, versions, one build for many threads, failed
 * builds, views it cannot hold, the bound on ids held, and listcache_read:
 * one statement when the order held is the list's current one, the full
 * way (version, order, rows) when it is stale, lost a row, or none is held,
 * and each statement's failure passed on. */
#include "config.h"

#include <libxml/tree.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "list.h"
#include "listcache.h"
#include "tap.h"

struct src {
	size_t n;      /* ids 1..n */
	int fail;      /* the build fails */
	int builds;    /* how many times it ran */
	unsigned slow; /* microseconds a build takes */
	long long ttl; /* the order's lifetime in ms (-2: 0 ms); 0: for ever */
	pthread_mutex_t m;
};

static int build(void *p, unsigned **ids, size_t *n, long long *ttl_ms)
{
	struct src *s = p;
	if (s->ttl != 0)
		*ttl_ms = s->ttl < 0 ? 0 : s->ttl;
	pthread_mutex_lock(&s->m);
	s->builds++;
	pthread_mutex_unlock(&s->m);
	if (s->slow)
		usleep(s->slow);
	if (s->fail)
		return 1;
	*ids = malloc((s->n ? s->n : 1) * sizeof **ids);
	for (size_t i = 0; i < s->n; i++)
		(*ids)[i] = (unsigned)i + 1;
	*n = s->n;
	return 0;
}

static struct src src = {.n = 25, .m = PTHREAD_MUTEX_INITIALIZER};
static const struct listcache_key key = {7, LISTCACHE_PORTAL_USERS, 1, "abc", NULL};

static void *reader(void *p)
{
	unsigned out[10];
	size_t got;
	unsigned long long total;
	int *rc = p;
	*rc = listcache_slice(&key, 3, 0, 10, 0, out, &got, &total, build, &src) != 0 ||
	      got != 10 || out[0] != 1;
	return NULL;
}

/* ---- a list for listcache_read: the "database" is these counters ---- */
static struct {
	uint64_t version; /* the list's version in the database */
	size_t n;         /* its ids are 1..n */
	int lose_row;     /* the rows statement misses an id */
	enum db_result rows_rc, version_rc;
	int rows, versions, builds;
	unsigned first; /* the first id the last rows statement read */
} fk;

static enum db_result fk_version(struct db *db, unsigned tenant, unsigned long long *total,
				 uint64_t *version)
{
	(void)db;
	(void)tenant;
	fk.versions++;
	*total = fk.n;
	*version = fk.version;
	return fk.version_rc;
}

static enum db_result fk_ids(struct db *db, unsigned tenant, const struct list_view *lv,
			     unsigned **ids, size_t *n)
{
	(void)db;
	(void)tenant;
	(void)lv;
	fk.builds++;
	*ids = malloc((fk.n ? fk.n : 1) * sizeof **ids);
	if (*ids == NULL)
		return DB_ERR;
	for (size_t i = 0; i < fk.n; i++)
		(*ids)[i] = (unsigned)i + 1;
	*n = fk.n;
	return DB_OK;
}

static enum db_result fk_rows(void *ctx, const unsigned *ids, size_t n, xmlNodePtr rows,
			      uint64_t *version)
{
	(void)ctx;
	fk.rows++;
	fk.first = n ? ids[0] : 0;
	for (size_t i = 0; i < n; i++)
		xmlNewChild(rows, NULL, BAD_CAST "row", NULL);
	*version = fk.lose_row ? DB_NO_VERSION : fk.version;
	return fk.rows_rc;
}

static const struct list_col fk_cols[] = {{"name", "Name"}, {"email", "Email"}};
static const struct list_spec fk_spec = {fk_cols, 2, 10};

/* The page element listcache_read fills, emptied after each check. */
static xmlNodePtr fk_page;

/* 1 if the statements were as many as said, and the page holds exactly one
 * <list> with rows (the <list> of a stale read taken out again). */
static int fk_counts(int rows, int versions, int builds)
{
	int lists = 0, same;
	for (xmlNodePtr c = fk_page->children; c != NULL; c = c->next)
		lists += xmlStrEqual(c->name, BAD_CAST "list");
	same = fk.rows == rows && fk.versions == versions && fk.builds == builds && lists == 1;
	if (!same)
		diag("rows %d, versions %d, builds %d, <list> %d", fk.rows, fk.versions, fk.builds,
		     lists);
	fk.rows = fk.versions = fk.builds = 0;
	xmlFreeNodeList(fk_page->children);
	fk_page->children = fk_page->last = NULL;
	return same;
}

int main(void)
{
	unsigned out[10];
	size_t got;
	unsigned long long total;

	ok(listcache_slice(&key, 1, 0, 10, 0, out, &got, &total, build, &src) == 0 && got == 10 &&
		   total == 25 && out[0] == 1 && out[9] == 10,
	   "the first slice builds the order: ids 1..10 of 25");
	ok(listcache_slice(&key, 1, 20, 10, 0, out, &got, &total, build, &src) == 0 && got == 5 &&
		   out[0] == 21 && out[4] == 25 && src.builds == 1,
	   "the last, short slice comes from the cache (one build)");
	ok(listcache_slice(&key, 1, 0, 3, 1, out, &got, &total, build, &src) == 0 && got == 3 &&
		   out[0] == 25 && out[2] == 23 && src.builds == 1,
	   "descending is the order reversed, from the same entry");
	ok(listcache_slice(&key, 1, 30, 10, 0, out, &got, &total, build, &src) == 0 && got == 0 &&
		   total == 25,
	   "an offset past the end: no ids, the total");
	src.n = 30;
	ok(listcache_slice(&key, 2, 0, 10, 1, out, &got, &total, build, &src) == 0 && total == 30 &&
		   out[0] == 30 && src.builds == 2,
	   "a new version rebuilds");
	struct listcache_key other = key;
	other.filter = "abd";
	ok(listcache_slice(&other, 2, 0, 10, 0, out, &got, &total, build, &src) == 0 &&
		   src.builds == 3,
	   "another filter is another view");
	other = key;
	other.tenant_id = 8;
	ok(listcache_slice(&other, 2, 0, 10, 0, out, &got, &total, build, &src) == 0 &&
		   src.builds == 4,
	   "and so is another tenant");

	/* Eight threads ask for a view nobody has built: one build. */
	pthread_t t[8];
	int rcs[8];
	src.builds = 0;
	src.slow = 100000;
	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, reader, &rcs[i]);
	int bad = 0;
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		bad += rcs[i];
	}
	ok(bad == 0 && src.builds == 1, "8 threads at once: every one answered, one build (%d)",
	   src.builds);
	src.slow = 0;

	src.fail = 1;
	ok(listcache_slice(&key, 4, 0, 10, 0, out, &got, &total, build, &src) != 0 && got == 0,
	   "a failed build is an error");
	src.fail = 0;
	src.builds = 0;
	ok(listcache_slice(&key, 4, 0, 10, 0, out, &got, &total, build, &src) == 0 && got == 10 &&
		   src.builds == 1,
	   "and is not cached: the next request builds");

	char longf[500];
	memset(longf, 'x', sizeof longf - 1);
	longf[sizeof longf - 1] = '\0';
	other = key;
	other.filter = longf;
	src.builds = 0;
	listcache_slice(&other, 4, 0, 10, 0, out, &got, &total, build, &src);
	ok(listcache_slice(&other, 4, 0, 10, 0, out, &got, &total, build, &src) == 0 && got == 10 &&
		   src.builds == 2,
	   "a filter too long to keep is answered, built each time");

	/* More views than slots: the least recently used go, answers stay right. */
	src.builds = 0;
	for (unsigned i = 0; i < 40; i++) {
		other = key;
		other.tenant_id = 100 + i;
		listcache_slice(&other, 1, 0, 10, 0, out, &got, &total, build, &src);
	}
	ok(listcache_slice(&key, 4, 0, 10, 0, out, &got, &total, build, &src) == 0 && got == 10 &&
		   src.builds == 41,
	   "40 more views than slots evict the oldest, which is rebuilt when asked again");

	/* A view too big to keep (over 8 Mi ids) is answered and dropped. */
	src.n = (8u << 20) + 1;
	src.builds = 0;
	other = key;
	other.tenant_id = 999;
	ok(listcache_slice(&other, 1, (8u << 20) - 2, 10, 0, out, &got, &total, build, &src) == 0 &&
		   got == 3 && out[2] == (8u << 20) + 1,
	   "a view over the bound is answered");
	listcache_slice(&other, 1, 0, 1, 0, out, &got, &total, build, &src);
	ok(src.builds == 2, "and not kept");

	/* A facet (the portal users' status filter) is a view of its own. */
	src.n = 25;
	src.builds = 0;
	other = key;
	other.tenant_id = 300;
	listcache_slice(&other, 1, 0, 10, 0, out, &got, &total, build, &src);
	other.facet = "locked";
	ok(listcache_slice(&other, 1, 0, 10, 0, out, &got, &total, build, &src) == 0 &&
		   src.builds == 2,
	   "facet: a view of its own, built apart from the same view without it");
	ok(listcache_slice(&other, 1, 0, 10, 0, out, &got, &total, build, &src) == 0 &&
		   src.builds == 2,
	   "facet: and kept like any view");

	/* An order the clock changes too (a sign-in lock ending): kept while
	 * its lifetime lasts, built again after it at the same version. */
	{
		struct list_view pv = {.sort = 1, .filter = "abc", .page = 1, .per = 10};
		unsigned pids[100];
		uint64_t pver = 0;
		other.tenant_id = 301;
		src.ttl = 300;
		src.builds = 0;
		listcache_slice(&other, 1, 0, 10, 0, out, &got, &total, build, &src);
		ok(listcache_slice(&other, 1, 0, 10, 0, out, &got, &total, build, &src) == 0 &&
			   got == 10 && src.builds == 1,
		   "lifetime: kept while it lasts (300 ms)");
		ok(listcache_peek(&other, &pv, pids, &got, &pver) == 0 && pver == 1,
		   "lifetime: peek holds it meanwhile");
		usleep(350000);
		pv.page = 1;
		ok(listcache_peek(&other, &pv, pids, &got, &pver) == -1,
		   "lifetime: past it, peek holds nothing");
		ok(listcache_slice(&other, 1, 0, 10, 0, out, &got, &total, build, &src) == 0 &&
			   got == 10 && src.builds == 2,
		   "lifetime: past it, built again though the version is the same");
		other.tenant_id = 302;
		src.ttl = -2; /* 0 ms */
		src.builds = 0;
		listcache_slice(&other, 1, 0, 10, 0, out, &got, &total, build, &src);
		ok(listcache_slice(&other, 1, 0, 10, 0, out, &got, &total, build, &src) == 0 &&
			   got == 10 && src.builds == 2,
		   "lifetime: 0 ms is answered once, never kept");
		src.ttl = 0;
	}

	/* listcache_page: a list page, its window set from the view's total. */
	unsigned ids[100];
	struct list_view lv = {.sort = 0, .filter = "", .page = 2, .per = 10};
	struct listcache_key pk = {5, LISTCACHE_OFFICE_USERS, 0, "", NULL};
	src.n = 25;
	ok(listcache_page(&pk, 1, &lv, ids, &got, build, &src) == 0 && got == 10 && ids[0] == 11 &&
		   lv.total == 25 && lv.pages == 3 && lv.offset == 10,
	   "page: page 2 of 3, ids 11..20, the window set");
	lv.page = 9;
	lv.desc = 1;
	ok(listcache_page(&pk, 1, &lv, ids, &got, build, &src) == 0 && lv.page == 3 && got == 5 &&
		   ids[0] == 5 && ids[4] == 1,
	   "page: past the end, the last page (descending: 5..1)");
	lv = (struct list_view){.sort = 0, .filter = "", .page = 1, .per = 100};
	ok(listcache_page(&pk, 1, &lv, ids, &got, build, &src) == 0 && got == 25 && lv.pages == 1,
	   "page: 100 a page, all 25");
	src.n = 0;
	lv = (struct list_view){.sort = 0, .filter = "", .page = 4, .per = 10};
	ok(listcache_page(&pk, 2, &lv, ids, &got, build, &src) == 0 && got == 0 && lv.page == 1 &&
		   lv.total == 0,
	   "page: an empty view is page 1 of 1");
	src.fail = 1;
	ok(listcache_page(&pk, 3, &lv, ids, &got, build, &src) != 0, "page: a failed build fails");
	src.fail = 0;

	/* listcache_peek: the held order's page, whatever its version. */
	struct listcache_key rk = {6, LISTCACHE_PORTAL_USERS, 0, "", NULL};
	uint64_t v = 0;
	lv = (struct list_view){.sort = 0, .filter = "", .page = 2, .per = 10};
	ok(listcache_peek(&rk, &lv, ids, &got, &v) == -1, "peek: no order held");
	src.n = 25;
	listcache_page(&rk, 4, &lv, ids, &got, build, &src);
	lv = (struct list_view){.sort = 0, .filter = "", .page = 9, .per = 10, .desc = 1};
	ok(listcache_peek(&rk, &lv, ids, &got, &v) == 0 && v == 4 && lv.page == 3 && got == 5 &&
		   ids[0] == 5 && lv.total == 25,
	   "peek: the held order's last page (descending), its version, the window");

	/* listcache_read */
	static const struct listcache_reader rd = {&fk_spec, fk_version, fk_rows};
	struct listcache_db b = {NULL, 6, &lv, fk_ids, DB_OK, NULL};
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	fk_page = xmlNewDocNode(doc, NULL, BAD_CAST "page", NULL);
	xmlDocSetRootElement(doc, fk_page);
	fk.n = 25;
	fk.version = 4;
	lv = (struct list_view){.sort = 0, .filter = "", .page = 2, .per = 10};
	ok(listcache_read(&rk, &lv, &rd, NULL, &b, fk_page) == DB_OK && fk.first == 11 &&
		   fk_counts(1, 0, 0),
	   "read: the order held is current: one statement (the rows, ids 11..)");
	fk.version = 5;
	fk.n = 30;
	ok(listcache_read(&rk, &lv, &rd, NULL, &b, fk_page) == DB_OK && lv.total == 30 &&
		   fk_counts(2, 1, 1),
	   "read: the list moved on: rows taken out, version, order built, rows");
	ok(listcache_peek(&rk, &lv, ids, &got, &v) == 0 && v == 5,
	   "read: the order held is now 5's");
	fk.lose_row = 1;
	ok(listcache_read(&rk, &lv, &rd, NULL, &b, fk_page) == DB_OK && fk_counts(2, 1, 0),
	   "read: a row did not come back: taken out, read again the full way");
	fk.lose_row = 0;
	struct listcache_key nk = {6, LISTCACHE_PORTAL_USERS, 0, "new", NULL};
	ok(listcache_read(&nk, &lv, &rd, NULL, &b, fk_page) == DB_OK && fk_counts(1, 1, 1),
	   "read: no order held: version, build, rows");
	fk.n = 0;
	fk.version = 6;
	struct listcache_key ek = {6, LISTCACHE_PORTAL_USERS, 1, "", NULL};
	lv = (struct list_view){.sort = 1, .filter = "", .page = 1, .per = 10};
	ok(listcache_read(&ek, &lv, &rd, NULL, &b, fk_page) == DB_OK && lv.total == 0 &&
		   fk_counts(1, 1, 1),
	   "read: an empty list, the full way");
	ok(listcache_read(&ek, &lv, &rd, NULL, &b, fk_page) == DB_OK && fk_counts(1, 1, 0),
	   "read: an empty page held is read the full way (no rows to carry a version)");
	fk.n = 30;
	fk.version = 5;
	lv = (struct list_view){.sort = 0, .filter = "", .page = 1, .per = 10};
	fk.rows_rc = DB_LOST;
	ok(listcache_read(&rk, &lv, &rd, NULL, &b, fk_page) == DB_LOST && fk_counts(1, 0, 0),
	   "read: the rows statement fails: its result");
	fk.rows_rc = DB_OK;
	fk.version = 7;
	fk.version_rc = DB_ERR;
	ok(listcache_read(&rk, &lv, &rd, NULL, &b, fk_page) == DB_ERR && fk.versions == 1 &&
		   fk_page->children == NULL,
	   "read: the version statement fails: its result, the stale <list> taken out");
	fk.version_rc = DB_OK;
	fk.rows = fk.versions = fk.builds = 0;

	/* A stale order shorter than the page asked for, and an empty one: the
	 * page is the one asked for, not the held order's last.  An empty
	 * order is not read first (no rows to carry a version): one rows
	 * statement, not two. */
	static const struct {
		const char *filter, *held, *grown;
		size_t n;
		int rows;
	} stale[] = {
		{"short", "read: an order of 5 held",
		 "read: it went stale with 30: page 3 (ids 21..), as asked", 5, 2},
		{"empty", "read: an empty order held",
		 "read: 30 since: page 3 (ids 21..), as asked", 0, 1},
	};
	for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++) {
		struct listcache_key sk = {6, LISTCACHE_PORTAL_USERS, 0, stale[i].filter, NULL};
		fk.n = stale[i].n;
		fk.version = 8 + 2 * i;
		lv = (struct list_view){.sort = 0, .filter = stale[i].filter, .page = 1, .per = 10};
		ok(listcache_read(&sk, &lv, &rd, NULL, &b, fk_page) == DB_OK && fk_counts(1, 1, 1),
		   "%s", stale[i].held);
		fk.n = 30;
		fk.version = 9 + 2 * i;
		lv = (struct list_view){.sort = 0, .filter = stale[i].filter, .page = 3, .per = 10};
		ok(listcache_read(&sk, &lv, &rd, NULL, &b, fk_page) == DB_OK && lv.page == 3 &&
			   fk.first == 21 && lv.total == 30 && fk_counts(stale[i].rows, 1, 1),
		   "%s", stale[i].grown);
	}
	xmlFreeDoc(doc);
	return done_testing();
}
