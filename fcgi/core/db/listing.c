/* The list views of customers, portal users and office users (issue 16):
 * one page of a view, read in one statement whatever the tenant's size,
 * and its count, bounded.
 *
 * A view without a filter walks the sort's index from the page's cursor.
 * With one, the plan depends on the filter's rarest word, as the words
 * index counts it (at most VIEW_WORDS_MAX + 1 entries read): a rare word
 * leads (its rows are read through the words index, checked and sorted:
 * their number is the cost), a common one does not (the sort's index is
 * walked and each row checked: about per / share-of-rows rows are read).
 * Either way a page reads a few thousand index entries at most. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "tcache.h"

/* At most this many rows read through the words index for a page: past
 * it, the sort's walk finds a page sooner (measured on 1,000,000 portal
 * users: a row read through the words index costs 3.4 us, one walked 1.3
 * us; a word on 3,000 rows is where they meet). */
#define VIEW_WORDS_MAX 3000

void db_view_pattern(const struct list_view *lv, size_t i, char out[DB_VIEW_PATTERN])
{
	const unsigned char *w = (const unsigned char *)lv->word[i];
	size_t o = 0, chars = 0;

	/* The index keeps a word's first LIST_WORD_INDEXED characters. */
	for (; w[o] != '\0' && o + 2 < DB_VIEW_PATTERN; o++) {
		if ((w[o] & 0xc0) != 0x80 && chars++ == LIST_WORD_INDEXED)
			break;
		out[o] = (char)w[o];
	}
	if (lv->word_prefix[i] || w[o] != '\0')
		out[o++] = '%';
	out[o] = '\0';
}

/* How many entries of the words index pattern matches, up to cap + 1, and
 * the signature bits of the typed word. */
static enum db_result estimate(struct db *db, unsigned list, unsigned tenant_id, const char *word,
			       const char *pattern, unsigned cap, unsigned long long *n,
			       uint64_t *bits)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	uint64_t v = 0;
	enum db_result rc;

	for (int i = 0; i < 4; i++)
		db_arg_str(&a, word);
	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, list);
	db_arg_str(&a, pattern);
	db_arg_uint(&a, cap + 1);
	db_col_u64(&c, &v);
	db_col_u64(&c, bits);
	rc = db_one(db, DBQ_VIEW_ESTIMATE, &a, &c);
	*n = v;
	return rc;
}

enum db_result db_view_plan(struct db *db, unsigned list, unsigned tenant_id,
			    const struct list_view *lv, struct db_view_plan *p)
{
	char pat[DB_VIEW_PATTERN];
	unsigned long long n;
	uint64_t bits = 0;
	enum db_result rc;

	memset(p, 0, sizeof p[0]);
	p->entries = ~0ULL;
	for (size_t i = 0; i < lv->nwords; i++) {
		db_view_pattern(lv, i, pat);
		if ((rc = estimate(db, list, tenant_id, lv->word[i], pat, VIEW_WORDS_MAX, &n,
				   &bits)) != DB_OK)
			return rc;
		p->mask |= bits;
		if (n < p->entries) {
			p->entries = n;
			memcpy(p->pattern, pat, sizeof pat);
			p->single = lv->nwords == 1;
		}
		if (n == 0)
			break;
	}
	p->words = lv->nwords > 0 && p->entries <= VIEW_WORDS_MAX;
	return DB_OK;
}

/* One run of a view's statement: the caller's row columns, then the
 * sort's key, kept for the page's cursors. */
struct view_run {
	struct list_view *lv;
	const struct db_view_sort *sort;
	db_row_fn row;
	void *ctx;
	const unsigned *row_id; /* where the row's id is; NULL: not kept */
	unsigned ids[100];      /* the ids of the rows shown, for the page cache */
	char key[LIST_KEYS_MAX][1024];
	size_t keylen[LIST_KEYS_MAX];
	int back;       /* walked backwards */
	size_t n;       /* rows fetched */
	int more;       /* a row past the page */
	int first_set;  /* the cursor of the first row fetched is made */
	uint64_t total; /* the list's count, when the statement reads it */
};

/* The cursor of the row just fetched into lv->first or lv->last: in the
 * order shown, a forward walk starts with the first row, a backward one
 * ends with it. */
static void view_cursor(struct view_run *r, int first_fetched)
{
	const char *v[LIST_KEYS_MAX];
	char *out = first_fetched != r->back ? r->lv->first : r->lv->last;

	for (size_t i = 0; i < r->sort->nkeys; i++) {
		v[i] = r->key[i];
		r->keylen[i] = strlen(r->key[i]);
	}
	if (list_cursor(r->lv, v, r->keylen, r->sort->nkeys, out) != 0)
		out[0] = '\0';
}

static int view_row(void *ctx)
{
	struct view_run *r = ctx;

	if (++r->n > r->lv->per) {
		r->more = 1;
		return 0;
	}
	if (r->row_id != NULL && r->n <= 100)
		r->ids[r->n - 1] = *r->row_id;
	/* Each row shown may be the last: its cursor is made while its key is
	 * in the buffers (the row past the page overwrites them). */
	view_cursor(r, !r->first_set);
	if (!r->first_set) {
		view_cursor(r, 0);
		r->first_set = 1;
	}
	return r->row != NULL ? r->row(r->ctx) : 0;
}

/* Key column i of the page's cursor as a parameter: NULL when the page
 * has no cursor (V_KSn then holds for every row), a number for the key's
 * number columns. */
static void bind_key(struct db_args *a, const struct db_view_sort *s, const struct list_view *lv,
		     size_t i)
{
	if (lv->from != LIST_FROM_AFTER && lv->from != LIST_FROM_BEFORE)
		db_arg_null(a);
	else if (s->key_int & (1u << i))
		db_arg_ll(a, strtoll(lv->key[i], NULL, 10));
	else
		db_arg_str(a, lv->key[i]);
}

/* V_KSn's parameters: the first key (or NULL), then each key, all but the
 * last twice. */
static void bind_cursor(struct db_args *a, const struct db_view_sort *s, const struct list_view *lv)
{
	bind_key(a, s, lv, 0);
	for (size_t i = 0; i < s->nkeys; i++) {
		bind_key(a, s, lv, i);
		if (i + 1 < s->nkeys)
			bind_key(a, s, lv, i);
	}
}

static void bind_phrases(struct db_args *a, const struct list_view *lv)
{
	for (size_t i = 0; i < LIST_PHRASES_MAX; i++)
		db_arg_str(a, i < lv->nphrases ? lv->phrase[i] : "%");
}

static void bind_extra(struct db_args *a, const unsigned *extra, size_t n)
{
	for (size_t i = 0; i < n; i++)
		db_arg_uint(a, extra[i]);
}

/* The page of lv: its rows to row(ctx) through c (the caller's columns;
 * the key's are added), the cursors of the first and last into lv, into r
 * the rows fetched (and their ids, when row_id says where c puts them).
 * DB_NOTFOUND: a cursor of another shape (a damaged link). */
static enum db_result view_rows(struct db *db, const struct db_view *v, unsigned tenant_id,
				struct list_view *lv, const struct db_view_plan *p,
				struct db_cols *c, db_row_fn row, void *ctx, const unsigned *row_id,
				struct view_run *r)
{
	struct db_args a = DB_ARGS();
	int desc, plain = lv->nwords == 0 && !p->words;

	lv->first[0] = lv->last[0] = '\0';
	memset(r, 0, sizeof *r);
	if (lv->sort >= v->nsorts ||
	    ((lv->from == LIST_FROM_AFTER || lv->from == LIST_FROM_BEFORE) &&
	     lv->nkeys != v->sorts[lv->sort].nkeys))
		return DB_NOTFOUND;
	r->row_id = row_id;
	r->lv = lv;
	r->sort = &v->sorts[lv->sort];
	r->row = row;
	r->ctx = ctx;
	r->back = lv->from == LIST_FROM_BEFORE || lv->from == LIST_FROM_END;
	desc = (lv->desc != 0) != r->back;
	for (size_t i = 0; i < r->sort->nkeys; i++)
		db_col_str(c, r->key[i], sizeof r->key[i]);
	if (plain && v->plain_total) {
		db_col_u64(c, &r->total);
		db_arg_uint(&a, tenant_id);
	}
	db_arg_uint(&a, tenant_id);
	if (p->words) {
		db_arg_str(&a, p->pattern);
		db_arg_uint(&a, tenant_id);
		bind_extra(&a, v->words_extra, v->nwords_extra);
	} else
		bind_extra(&a, v->walk_extra, v->nwalk_extra);
	bind_cursor(&a, r->sort, lv);
	if (!p->words && !plain) {
		db_arg_u64(&a, p->mask);
		db_arg_u64(&a, p->mask);
	}
	if (!plain)
		bind_phrases(&a, lv);
	db_arg_uint(&a, lv->per + 1);
	return db_run(db,
		      p->words ? r->sort->words[desc]
		      : plain  ? r->sort->plain[desc]
			       : r->sort->walk[desc],
		      &a, c, view_row, r);
}

/* A filter's count through statement v->count_words: the rows with a word
 * of the plan's pattern (at most the cap) and how many pass the rest. */
static enum db_result count_words(struct db *db, const struct db_view *v, unsigned tenant_id,
				  const struct list_view *lv, const struct db_view_plan *p,
				  unsigned long long *total, int *exact)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	uint64_t rows = 0, pass = 0;
	enum db_result rc;

	bind_extra(&a, v->words_extra, v->nwords_extra);
	bind_phrases(&a, lv);
	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, p->pattern);
	db_arg_uint(&a, LIST_COUNT_CAP + 1);
	db_arg_uint(&a, tenant_id);
	db_col_u64(&c, &rows);
	db_col_u64(&c, &pass);
	rc = db_one(db, v->count_words, &a, &c);
	/* Past the cap, what is known is that pass rows match: "more than
	 * pass - 1". */
	*exact = rows <= LIST_COUNT_CAP;
	*total = *exact || pass == 0 ? pass : pass - 1;
	return rc;
}

/* One word and nothing else to check: its rows, counted in the words
 * index alone. */
static enum db_result count_word(struct db *db, const struct db_view *v, unsigned tenant_id,
				 const struct db_view_plan *p, unsigned long long *total,
				 int *exact)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	uint64_t n = 0;
	enum db_result rc;

	db_arg_uint(&a, tenant_id);
	db_arg_uint(&a, v->list);
	db_arg_str(&a, p->pattern);
	db_arg_uint(&a, LIST_COUNT_CAP + 1);
	db_col_u64(&c, &n);
	rc = db_one(db, DBQ_VIEW_COUNT_WORD, &a, &c);
	*exact = n <= LIST_COUNT_CAP;
	*total = *exact ? n : LIST_COUNT_CAP;
	return rc;
}

/* Without a filter: v->count_all (the tenant's count, or a facet's,
 * bounded when count_all_capped). */
static enum db_result count_all(struct db *db, const struct db_view *v, unsigned tenant_id,
				unsigned long long *total, int *exact)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	uint64_t n = 0;
	enum db_result rc;

	db_arg_uint(&a, tenant_id);
	bind_extra(&a, v->count_extra, v->ncount_extra);
	if (v->count_all_capped)
		db_arg_uint(&a, LIST_COUNT_CAP + 1);
	db_col_u64(&c, &n);
	rc = db_run(db, v->count_all, &a, &c, NULL, NULL);
	*exact = !v->count_all_capped || n <= LIST_COUNT_CAP;
	*total = *exact ? n : LIST_COUNT_CAP;
	return rc;
}

enum db_result db_view_count(struct db *db, const struct db_view *v, unsigned tenant_id,
			     const struct list_view *lv, const struct db_view_plan *p,
			     unsigned long long *total, int *exact)
{
	*total = 0;
	*exact = 1;
	if (lv->nwords == 0)
		return count_all(db, v, tenant_id, total, exact);
	if (p->entries == 0)
		return DB_OK;
	if (p->single && !v->facet)
		return count_word(db, v, tenant_id, p, total, exact);
	return count_words(db, v, tenant_id, lv, p, total, exact);
}

/* ---- the page cache ----
 * A filtered view's page (without a facet: a status filter's rows move as
 * locks end) is kept by tenant in a tcache (its budgets: tcache.h): the
 * ids shown, in the walk's order, with what the page found and the
 * version of the list it was read at.  A page asked for again is read by
 * its ids with the list's version in one statement; when the version has
 * moved (a row in, out or along the list: the counts table's triggers),
 * the copy is dropped and the page read from the database.  The rows shown
 * are always read fresh: only which rows, and in what order, is kept. */

static struct tcache *pages;

int db_view_cache_init(size_t budget, unsigned tenant_percent)
{
	const char *env = getenv("GH_VIEW_CACHE");

	db_view_cache_free();
	if (budget == 0 || (env != NULL && strcmp(env, "0") == 0))
		return 0;
	return (pages = tcache_new(budget, tenant_percent, 0)) != NULL ? 0 : -1;
}

void db_view_cache_free(void)
{
	tcache_free(pages);
	pages = NULL;
}

void db_view_cache_stats(struct tcache_stats *s)
{
	tcache_get_stats(pages, s);
}

/* A page as kept: its cursors (first, then last) follow the struct. */
struct kept {
	uint64_t version, total;
	uint32_t n;
	uint8_t more, exact;
	uint16_t first_len, last_len;
	unsigned ids[100];
	char cursors[];
};

static void key_add(crypto_generichash_state *st, const void *p, size_t len)
{
	uint32_t n = (uint32_t)len;

	crypto_generichash_update(st, (const unsigned char *)&n, sizeof n);
	crypto_generichash_update(st, p, len);
}

/* The page's key: everything that decides which rows it shows. */
static void page_key(const struct db_view *v, unsigned tenant_id, const struct list_view *lv,
		     unsigned char key[TCACHE_KEY_LEN])
{
	crypto_generichash_state st;
	unsigned head[6] = {tenant_id,          v->list, lv->sort,
			    (unsigned)lv->desc, lv->per, (unsigned)lv->from};

	crypto_generichash_init(&st, NULL, 0, TCACHE_KEY_LEN);
	key_add(&st, head, sizeof head);
	for (size_t i = 0; i < lv->nkeys; i++)
		key_add(&st, lv->key[i], lv->keylen[i]);
	for (size_t i = 0; i < lv->nphrases; i++)
		key_add(&st, lv->phrase[i], strlen(lv->phrase[i]));
	crypto_generichash_final(&st, key, TCACHE_KEY_LEN);
}

static enum db_result list_version(struct db *db, enum db_stmt q, unsigned tenant_id,
				   uint64_t *version)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	enum db_result rc;

	*version = 0;
	db_arg_uint(&a, tenant_id);
	db_col_u64(&c, version);
	rc = db_run(db, q, &a, &c, NULL, NULL);
	return rc;
}

/* The ids as a JSON array for JSON_TABLE: digits and commas, bound as
 * data. */
static void ids_json(char *json, size_t sz, const unsigned *ids, size_t n)
{
	size_t o = 0;

	o += (size_t)snprintf(json + o, sz - o, "[");
	for (size_t i = 0; i < n && o < sz; i++)
		o += (size_t)snprintf(json + o, sz - o, "%s%u", i ? "," : "", ids[i]);
	if (o < sz)
		snprintf(json + o, sz - o, "]");
}

struct kept_run {
	db_row_fn row;
	void *ctx;
	uint64_t version;
	size_t n;
};

static int kept_row(void *p)
{
	struct kept_run *k = p;

	k->n++;
	return k->row != NULL ? k->row(k->ctx) : 0;
}

/* The kept page k, read by its ids: DB_OK with *fresh set when the list
 * has not moved since (f and lv's cursors then as kept). */
static enum db_result read_kept(struct db *db, const struct db_view *v, unsigned tenant_id,
				struct list_view *lv, struct db_cols *c, db_row_fn row, void *ctx,
				const struct kept *k, struct list_fetched *f, int *fresh)
{
	struct db_args a = DB_ARGS();
	struct kept_run run = {row, ctx, 0, 0};
	char json[100 * 11 + 3];
	enum db_result rc;

	*fresh = 0;
	ids_json(json, sizeof json, k->ids, k->n);
	db_arg_str(&a, json);
	db_arg_uint(&a, tenant_id);
	db_col_u64(c, &run.version);
	if ((rc = db_run(db, v->by_ids, &a, c, kept_row, &run)) != DB_OK)
		return rc;
	if (run.n != k->n || run.version != k->version)
		return DB_OK;
	*fresh = 1;
	f->shown = k->n;
	f->more = k->more;
	f->total = k->total;
	f->exact = k->exact;
	memcpy(lv->first, k->cursors, k->first_len);
	lv->first[k->first_len] = '\0';
	memcpy(lv->last, k->cursors + k->first_len, k->last_len);
	lv->last[k->last_len] = '\0';
	return DB_OK;
}

static void keep(const unsigned char *key, unsigned tenant_id, uint64_t version,
		 const struct list_view *lv, const struct view_run *r, const struct list_fetched *f)
{
	size_t fl = strlen(lv->first), ll = strlen(lv->last);
	struct kept *k = malloc(sizeof *k + fl + ll);

	if (k == NULL)
		return;
	memset(k, 0, sizeof *k);
	k->version = version;
	k->total = f->total;
	k->n = (uint32_t)f->shown;
	k->more = (uint8_t)f->more;
	k->exact = (uint8_t)f->exact;
	k->first_len = (uint16_t)fl;
	k->last_len = (uint16_t)ll;
	memcpy(k->ids, r->ids, sizeof k->ids);
	memcpy(k->cursors, lv->first, fl);
	memcpy(k->cursors + fl, lv->last, ll);
	tcache_put(pages, key, k, sizeof *k + fl + ll, tenant_id);
	free(k);
}

/* A page's rows and count from the database (the plan, the rows, then the
 * count), into r and f. */
static enum db_result view_read(struct db *db, const struct db_view *v, unsigned tenant_id,
				struct list_view *lv, struct db_cols *c, const unsigned *row_id,
				db_row_fn row, void *ctx, struct view_run *r,
				struct list_fetched *f)
{
	struct db_view_plan p;
	enum db_result rc;

	if ((rc = db_view_plan(db, v->list, tenant_id, lv, &p)) != DB_OK)
		return rc;
	if (lv->by_words && lv->nwords > 0)
		p.words = 1;
	if ((rc = view_rows(db, v, tenant_id, lv, &p, c, row, ctx, row_id, r)) != DB_OK)
		return rc;
	f->shown = r->n < lv->per ? r->n : lv->per;
	f->more = r->more;
	/* A filtered walk that stopped at its bound before filling the page:
	 * the matches lie far along the sort; the words index finds them. */
	if (!p.words && lv->nwords > 0 && !f->more && db_warned(db)) {
		lv->by_words = 1;
		f->again = 1;
		return DB_OK;
	}
	if (lv->nwords == 0 && v->plain_total && r->n > 0) {
		f->total = r->total;
		f->exact = 1;
		return DB_OK;
	}
	return db_view_count(db, v, tenant_id, lv, &p, &f->total, &f->exact);
}

enum db_result db_view_run(struct db *db, const struct db_view *v, unsigned tenant_id,
			   struct list_view *lv, struct db_cols *c, const unsigned *row_id,
			   db_row_fn row, void *ctx, struct list_fetched *f)
{
	unsigned char key[TCACHE_KEY_LEN];
	struct view_run r;
	uint64_t version = 0;
	int cached = pages != NULL && lv->nwords > 0 && !v->facet, fresh;
	void *val;
	size_t len;
	enum db_result rc;

	memset(f, 0, sizeof *f);
	if (cached) {
		page_key(v, tenant_id, lv, key);
		if (!lv->no_cache && tcache_get(pages, key, malloc, &val, &len) == 0) {
			rc = len >= sizeof(struct kept)
				     ? read_kept(db, v, tenant_id, lv, c, row, ctx, val, f, &fresh)
				     : DB_ERR;
			free(val);
			if (rc == DB_OK && !fresh) {
				/* Stale: dropped, and the page read again (its
				 * rows handed so far do not count). */
				tcache_drop(pages, key);
				lv->no_cache = 1;
				f->again = 1;
			}
			return rc;
		}
		/* The version first: the page read after it is at least as
		 * new, so a change in between only makes the copy stale. */
		if ((rc = list_version(db, v->version, tenant_id, &version)) != DB_OK)
			return rc;
	}
	if ((rc = view_read(db, v, tenant_id, lv, c, row_id, row, ctx, &r, f)) != DB_OK)
		return rc;
	/* An empty page is not kept: read by no ids, it could not show the
	 * list's version (and finding no row is cheap). */
	if (cached && !f->again && f->shown > 0)
		keep(key, tenant_id, version, lv, &r, f);
	return DB_OK;
}

int db_idbuf_add(void *ctx)
{
	struct db_idbuf *c = ctx;

	if (c->n < c->max)
		c->ids[c->n] = c->id;
	c->n++;
	return 0;
}
