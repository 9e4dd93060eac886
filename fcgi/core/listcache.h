/* An in-process cache of list orders: for one view of a list (tenant, list,
 * sort column, filter, facet), the ids of every matching row in ascending
 * sort order, valid for one version of the tenant's rows (a counter the
 * database bumps by trigger on every change that could move a row in or out
 * of the order) and, for an order the clock changes too (the portal users
 * by status: a sign-in lock ends without a write), until its build's
 * lifetime runs out.  It turns a substring filter (a scan of every row) or a deep page
 * (an offset walked through the index) into a slice of an array, once the
 * order has been built; the rows shown are still read fresh from the
 * database by id.  Thread-safe; one build per view at a time (others wait
 * for it rather than run the same scan). */
#ifndef GH_LISTCACHE_H
#define GH_LISTCACHE_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "db.h"

enum listcache_list { LISTCACHE_PORTAL_USERS, LISTCACHE_OFFICE_USERS };

struct listcache_key {
	unsigned tenant_id;
	enum listcache_list list;
	unsigned sort;      /* the list's sort column */
	const char *filter; /* "" for none */
	const char *facet;  /* a page's own filter (list_view's facet); NULL or "" for none */
};

/* Builds the ascending id order of a view: ids into *ids (malloc'd; the
 * cache takes it over), their number into *n, and into *ttl_ms (which
 * starts at -1: for ever) how many milliseconds the order stays right
 * whatever the version, for a view that the clock changes too (a sign-in
 * lock ending).  Returns nonzero on failure. */
typedef int (*listcache_build_fn)(void *ctx, unsigned **ids, size_t *n, long long *ttl_ms);

/* The slice [offset, offset + want) of the view's order at version
 * (descending when desc): up to want ids into out, their number into *got,
 * the view's total into *total.  Builds the order through build (once, for
 * every thread that asks meanwhile) when the cache has none at this
 * version.  Returns 0, or nonzero when the build failed. */
int listcache_slice(const struct listcache_key *k, uint64_t version, unsigned long long offset,
		    unsigned want, int desc, unsigned *out, size_t *got, unsigned long long *total,
		    listcache_build_fn build, void *ctx);

/* The usual build: a db.h function that reads a view's whole id order
 * (db_portal_user_ids, db_office_user_ids).  Pass listcache_db_build as the
 * build and one of these as its context; rc is that thread's result, so a
 * lost connection (a 503) can be told from other failures. */
struct listcache_db {
	struct db *db;
	unsigned tenant_id;
	const struct list_view *lv;
	enum db_result (*ids)(struct db *db, unsigned tenant_id, const struct list_view *lv,
			      unsigned **ids, size_t *n);
	enum db_result rc;
	/* Instead of ids, for an order that also ends with time
	 * (db_portal_user_ids_status): the order and its lifetime. */
	enum db_result (*ids_ttl)(struct db *db, unsigned tenant_id, const struct list_view *lv,
				  unsigned **ids, size_t *n, long long *ttl_ms);
};
int listcache_db_build(void *ctx, unsigned **ids, size_t *n, long long *ttl_ms);

/* A list page through the cache: the slice at lv's page, lv's window set from
 * the view's total (list_window: a page past the end shows the last page),
 * the page's ids (at most lv->per, at most 100) into ids, their number into
 * *n.  Returns 0, or nonzero when the build failed. */
int listcache_page(const struct listcache_key *k, uint64_t version, struct list_view *lv,
		   unsigned ids[100], size_t *n, listcache_build_fn build, void *ctx);

/* The page of lv from the order the cache holds for k, whatever its
 * version, without building anything: as listcache_page, and the order's
 * version into *version.  Returns 0, or -1 when the cache holds no order
 * for k (or one is being built, or one past its lifetime). */
int listcache_peek(const struct listcache_key *k, struct list_view *lv, unsigned ids[100],
		   size_t *n, uint64_t *version);

/* What listcache_read needs of a list: its spec (for list_xml), the
 * list's count and version (db_portal_users_version, ...), and rows, which
 * puts the rows of ids under the page's rows element and reads the list's
 * version with them, as db_portal_users_by_ids does. */
struct listcache_reader {
	const struct list_spec *spec;
	enum db_result (*version)(struct db *db, unsigned tenant_id, unsigned long long *total,
				  uint64_t *version);
	enum db_result (*rows)(void *ctx, const unsigned *ids, size_t n, xmlNodePtr rows,
			       uint64_t *version);
};

/* A list page through the cache, in as few statements as it allows: its
 * <list> (list_xml, lv's window set) under page, the rows in it.  When the
 * cache holds an order for the view, its page's rows are read with the
 * list's version and kept when that is the order's version: one statement.
 * Otherwise (no order, or a stale one, whose <list> is taken out again):
 * the version, the order (built if need be, through b), then the rows.
 * Returns DB_OK, or the failing statement's result. */
enum db_result listcache_read(const struct listcache_key *k, struct list_view *lv,
			      const struct listcache_reader *r, void *ctx, struct listcache_db *b,
			      xmlNodePtr page);

#endif
