/* The list engine shared by every list page (customers, portal users, office
 * users): its query fields, sort keys, filter, paging and the <list> XML that
 * the stylesheets turn into headers, the filter bar and the pager.  Every
 * view is a link: the whole state lives in the query string.
 *
 * Paging is by key, never by offset (issue 16): a page starts after the
 * last row of the page before it (?after=), ends before the first row of
 * the one after it (?before=), or is the list's end (?end=1).  Each link
 * carries the sort key of that row as a cursor, so a page costs what the
 * first page costs however deep it is.  ?at= is the position of the page's
 * first row for "26 - 50 of 1,000": carried by the links, shown, never
 * trusted for anything else.
 *
 * The filter finds the rows where every word typed begins a word of the
 * row (see sql/019_list_search.sql for what a row's words are): words are
 * split at ASCII punctuation; text typed without spaces ("john.smith@acme")
 * is a phrase, its words in that order, each complete but the last. */
#ifndef GH_LIST_H
#define GH_LIST_H

#include <libxml/tree.h>
#include <stddef.h>

#include "valid.h"

#define LIST_PHRASES_MAX 4   /* space-separated parts of a filter */
#define LIST_WORDS_MAX 16    /* words of a filter, all phrases together */
#define LIST_WORD_INDEXED 32 /* characters of a word the index keeps */
#define LIST_KEYS_MAX 3      /* columns of a sort's key */
#define LIST_CURSOR_MAX 4200 /* a cursor, base64url */
/* Counts above this many are "more than ..." when counting them exactly
 * would read more rows than a page does. */
#define LIST_COUNT_CAP 10000

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
		{"q", val_line, 400, 0, "Filter"}, {"per", val_uint, 3, 0, "Items per page"},      \
		{"after", val_cursor, LIST_CURSOR_MAX, 0, "After"},                                \
		{"before", val_cursor, LIST_CURSOR_MAX, 0, "Before"},                              \
		{"end", val_bool, 1, 0, "End"},                                                    \
	{                                                                                          \
		"at", val_uint, 10, 0, "Position"                                                  \
	}
#define LIST_NQUERY 8

/* Where a page starts. */
enum list_from {
	LIST_FROM_START,  /* the first page */
	LIST_FROM_AFTER,  /* after the row of the cursor */
	LIST_FROM_BEFORE, /* before it: walked backwards, shown forwards */
	LIST_FROM_END,    /* the last page: walked backwards from the end */
};

struct list_view {
	unsigned sort; /* index into spec->cols */
	int desc;
	const char *filter; /* as typed, "" when none; points into the validated values */
	unsigned per;       /* 10, 25, 50 or 100 */
	/* The filter: its phrases as LIKE patterns on a row's search_text
	 * ("% john smith%"), and each word as typed, with whether it is a
	 * prefix (the last of its phrase) or a whole word. */
	size_t nphrases, nwords;
	char phrase[LIST_PHRASES_MAX][420];
	const char *word[LIST_WORDS_MAX];
	int word_prefix[LIST_WORDS_MAX];
	char wordbuf[420];
	/* Where the page starts: the cursor's key values (NUL-terminated,
	 * in keybuf) and the position the link said. */
	enum list_from from;
	size_t nkeys;
	const char *key[LIST_KEYS_MAX];
	size_t keylen[LIST_KEYS_MAX];
	char keybuf[LIST_CURSOR_MAX];
	unsigned long long at; /* 1-based position of the first row shown; 0: unknown */
	/* A page's own filter beside q (the portal users' status), kept in
	 * every link as q is and dropped by Clear filter: its query name and
	 * value.  list_view_read sets none (NULL, ""); the page sets them. */
	const char *facet_name, *facet;
	/* A second one, kept the same way (the portal users' invitation
	 * state); list_view_read sets none (NULL, ""). */
	const char *facet2_name, *facet2;
	/* Set by the database layer between two reads of one page: walking
	 * the sort's index for the filter read too far (read it again through
	 * the words index); the page cache's copy was stale (read it again
	 * from the database). */
	int by_words, no_cache;
	/* What the page found (list_found): rows shown, whether there are rows
	 * before and after them, the total (or, when !total_exact, a number
	 * the total is more than), the cursors of the first and last rows. */
	size_t shown;
	int has_prev, has_next;
	unsigned long long total;
	int total_exact;
	char first[LIST_CURSOR_MAX], last[LIST_CURSOR_MAX];
};

/* What reading a page found: rows shown, whether a row lies past them in
 * the walk's direction, the view's count, exact or (exact 0) a number it
 * is more than. */
struct list_fetched {
	size_t shown;
	int more;
	unsigned long long total;
	int exact;
	int again; /* read it again (the rows handed so far do not count) */
};

/* Reads the view from the validated query values v[0..LIST_NQUERY).
 * Returns NULL, or a message for a 400 (unknown sort key, bad direction,
 * a page size other than 10/25/50/100, a filter of too many parts, a
 * damaged cursor or one of another order). */
const char *list_view_read(const struct list_spec *spec, const struct val_value *v,
			   struct list_view *out);

/* Encodes the sort key of a row shown (n values, each of len[i] bytes) as
 * the cursor *out (lv->first or lv->last), for lv's order.  Returns -1 when
 * it does not fit (the link is then left out). */
int list_cursor(const struct list_view *lv, const char *const *val, const size_t *len, size_t n,
		char out[LIST_CURSOR_MAX]);

/* Sets what the page found once its rows are read: shown rows, whether a
 * row lies past them in the walk's direction (more), and the total (exact
 * or a lower bound); works out has_prev, has_next and the position. */
void list_found(struct list_view *lv, size_t shown, int more, unsigned long long total,
		int total_exact);

/* Adds <list ...> with the columns, page sizes, counts and the pager's
 * links under parent; the caller adds its rows under the returned node.
 * Call list_found first. */
xmlNodePtr list_xml(xmlNodePtr parent, const struct list_spec *spec, const struct list_view *lv);

/* Puts the rows under rows in reverse order: a page walked backwards
 * (LIST_FROM_BEFORE, LIST_FROM_END) is shown forwards. */
void list_rows_reverse(xmlNodePtr rows);

/* Reads lv's page into rows (in the walk's order) and says what it found;
 * returns 0 or a nonzero code (an enum db_result) that list_page passes
 * on. */
typedef int (*list_fetch_fn)(void *ctx, struct list_view *lv, xmlNodePtr rows,
			     struct list_fetched *f);

/* A whole list under parent: the page through fetch (again when fetch
 * asks, from the first page when a "Previous" reached the list's start, or
 * the last when a "Next" found its rows gone), then <list> (list_xml)
 * around the rows in the order shown.  Returns 0 or fetch's code. */
int list_page(xmlNodePtr parent, const struct list_spec *spec, struct list_view *lv,
	      list_fetch_fn fetch, void *ctx);

/* After a page read into lv (its last row's cursor in lv->last): lv
 * becomes the page after it, to walk a whole view page by page (a bulk
 * action on every row a view holds).  NULL, or why not. */
const char *list_view_next(struct list_view *lv);
/* The query string of lv's view (sort, dir, q and the facet when set, per,
 * and with_position: where the page starts), encoded, into out: what a page
 * that leaves the list (a delete confirmation) links back with. */
void list_query(char *out, size_t sz, const struct list_spec *spec, const struct list_view *lv,
		int with_position);

/* Appends "name=value" to the query string out (after a "&" unless out is
 * empty), value percent-encoded (all but A-Z a-z 0-9 - _ . ~); cut short
 * rather than overflow. */
void list_param(char *out, size_t sz, const char *name, const char *value);

/* ---- logs paged by (time, id): the audit log, the office inbox ----
 * Newest first, a page at a time from either end: ?older= and ?newer=
 * carry a row's place as "YYYYMMDDhhmmssffffff-ID" (its time's digits and
 * its id), so any page costs what the newest does. */
#define LIST_TIME_CURSOR_MAX 41
/* A cursor in that form (a validator for a page's field table). */
const char *list_val_time_cursor(const char *in, size_t len, struct val_value *out);
/* The cursor of a row (time's 20 digits, id) into out. */
void list_time_cursor(char out[LIST_TIME_CURSOR_MAX + 1], const char *time_digits,
		      unsigned long long id);
/* A cursor read back: its time's digits into t, its id returned. */
unsigned long long list_time_cursor_read(const char *c, char t[21]);

struct list_timepage {
	xmlNodePtr rows;    /* where the page's rows go */
	unsigned per;       /* rows a page shows */
	int newer;          /* the walk went towards the newest (set by the read) */
	const char *cursor; /* where it started; NULL: the newest end */
	unsigned n;         /* rows read, the one past the page included */
	char first[LIST_TIME_CURSOR_MAX + 1], last[LIST_TIME_CURSOR_MAX + 1];
};
/* Each row the walk reads, with its place: 1 when it is the row past the
 * page (not shown; it says there is more), else 0 with its place noted. */
int list_timepage_row(struct list_timepage *p, const char *time_digits, unsigned long long id);
/* The page: walk(ctx, newer, t, id) reads per + 1 rows from a place (t
 * "", id 0: the end it walks from), calling list_timepage_row for each;
 * a walk towards the newest that finds none shows the newest page
 * instead.  Rows end up in the order shown.  walk's nonzero is returned. */
int list_timepage_read(struct list_timepage *p, int newer, const char *cursor,
		       int (*walk)(void *ctx, int newer, const char *t, unsigned long long id),
		       void *ctx);
/* Whether the page shows the whole view (the newest page, nothing past
 * it): its count is then p->n, uncounted. */
int list_timepage_whole(const struct list_timepage *p);
/* The pager's older= and newer= cursors on page, where there are such
 * pages. */
void list_timepage_links(const struct list_timepage *p, xmlNodePtr page);

#endif