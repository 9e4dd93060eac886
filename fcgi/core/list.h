/* The list engine shared by every list page (customers, portal users, office
 * users): its query fields, sort keys, filter, paging and the <list> XML that
 * the stylesheets turn into headers, the filter bar and the pager.  Every
 * view is a link: the whole state lives in the query string. */
#ifndef GH_LIST_H
#define GH_LIST_H

#include <libxml/tree.h>
#include <stddef.h>

#include "valid.h"

struct list_col {
	const char *key;   /* ?sort=key */
	const char *label; /* column header */
};

struct list_spec {
	const struct list_col *cols; /* sortable columns; index = sort id */
	size_t ncols;
	unsigned default_per; /* 10 */
};

/* The query fields of a list page, in this order, for the page's table. */
#define LIST_QUERY_FIELDS                                                                          \
	{"sort", val_line, 32, 0, "Sort"}, {"dir", val_line, 4, 0, "Direction"},                   \
		{"q", val_line, 400, 0, "Filter"}, {"page", val_uint, 9, 0, "Page"},               \
	{                                                                                          \
		"per", val_uint, 3, 0, "Items per page"                                            \
	}
#define LIST_NQUERY 5

struct list_view {
	unsigned sort; /* index into spec->cols */
	int desc;
	const char *filter; /* "" when none; points into the validated values */
	unsigned page;      /* 1-based, clamped to the last page by list_window */
	unsigned per;       /* 10, 25, 50 or 100 */
	unsigned long long total, offset;
	unsigned pages;
	char like[810]; /* the filter as a LIKE pattern: %term% with %, _, \ escaped */
	/* A page's own filter beside q (the portal users' status), kept in
	 * every link as q is and dropped by Clear filter: its query name and
	 * value.  list_view_read sets none (NULL, ""); the page sets them. */
	const char *facet_name, *facet;
};

/* Reads the view from the validated query values v[0..LIST_NQUERY).
 * Returns NULL, or a message for a 400 (unknown sort key, bad direction,
 * a page size other than 10/25/50/100). */
const char *list_view_read(const struct list_spec *spec, const struct val_value *v,
			   struct list_view *out);

/* With the total known, clamps the page (a page past the end shows the last)
 * and sets offset and pages. */
void list_window(struct list_view *lv, unsigned long long total);

/* Adds <list ...> with the columns, page sizes and counts under parent; the
 * caller adds its rows under the returned node. */
xmlNodePtr list_xml(xmlNodePtr parent, const struct list_spec *spec, const struct list_view *lv);

/* Takes out again the <list> whose rows element list_xml returned (a page
 * read again; see listcache_read).  Accepts NULL. */
void list_xml_undo(xmlNodePtr rows);

/* The query string of lv's view (sort, dir, q and the facet when set, per,
 * and page when with_page and past the first), encoded, into out: what a
 * page that leaves the list (a delete confirmation) links back with. */
void list_query(char *out, size_t sz, const struct list_spec *spec, const struct list_view *lv,
		int with_page);

#endif
