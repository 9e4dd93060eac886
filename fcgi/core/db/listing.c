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

#include "internal.h"

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
	char key[LIST_KEYS_MAX][1024];
	size_t keylen[LIST_KEYS_MAX];
	int back;      /* walked backwards */
	size_t n;      /* rows fetched */
	int more;      /* a row past the page */
	int first_set; /* the cursor of the first row fetched is made */
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

enum db_result db_view_rows(struct db *db, const struct db_view *v, unsigned tenant_id,
			    struct list_view *lv, const struct db_view_plan *p, struct db_cols *c,
			    db_row_fn row, void *ctx, size_t *shown, int *more)
{
	struct db_args a = DB_ARGS();
	struct view_run run, *r = &run;
	enum db_result rc;
	int desc;

	*shown = 0;
	*more = 0;
	lv->first[0] = lv->last[0] = '\0';
	if (lv->sort >= v->nsorts ||
	    ((lv->from == LIST_FROM_AFTER || lv->from == LIST_FROM_BEFORE) &&
	     lv->nkeys != v->sorts[lv->sort].nkeys))
		return DB_NOTFOUND;
	memset(r, 0, sizeof *r);
	r->lv = lv;
	r->sort = &v->sorts[lv->sort];
	r->row = row;
	r->ctx = ctx;
	r->back = lv->from == LIST_FROM_BEFORE || lv->from == LIST_FROM_END;
	desc = (lv->desc != 0) != r->back;
	for (size_t i = 0; i < r->sort->nkeys; i++)
		db_col_str(c, r->key[i], sizeof r->key[i]);
	db_arg_uint(&a, tenant_id);
	if (p->words) {
		db_arg_str(&a, p->pattern);
		db_arg_uint(&a, tenant_id);
		bind_extra(&a, v->words_extra, v->nwords_extra);
	} else
		bind_extra(&a, v->walk_extra, v->nwalk_extra);
	bind_cursor(&a, r->sort, lv);
	if (!p->words) {
		db_arg_u64(&a, p->mask);
		db_arg_u64(&a, p->mask);
	}
	bind_phrases(&a, lv);
	db_arg_uint(&a, lv->per + 1);
	rc = db_run(db, p->words ? r->sort->words[desc] : r->sort->walk[desc], &a, c, view_row, r);
	*shown = r->n < lv->per ? r->n : lv->per;
	*more = r->more;
	return rc;
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
	if (p->single && v->nwords_extra == 0)
		return count_word(db, v, tenant_id, p, total, exact);
	return count_words(db, v, tenant_id, lv, p, total, exact);
}

enum db_result db_view_run(struct db *db, const struct db_view *v, unsigned tenant_id,
			   struct list_view *lv, struct db_cols *c, db_row_fn row, void *ctx,
			   struct list_fetched *f)
{
	struct db_view_plan p;
	enum db_result rc;

	memset(f, 0, sizeof *f);
	if ((rc = db_view_plan(db, v->list, tenant_id, lv, &p)) != DB_OK)
		return rc;
	if (lv->by_words && lv->nwords > 0)
		p.words = 1;
	if ((rc = db_view_rows(db, v, tenant_id, lv, &p, c, row, ctx, &f->shown, &f->more)) !=
	    DB_OK)
		return rc;
	/* A filtered walk that stopped at its bound before filling the page:
	 * the matches lie far along the sort; the words index finds them. */
	if (!p.words && lv->nwords > 0 && !f->more && db_warned(db)) {
		lv->by_words = 1;
		f->again = 1;
		return DB_OK;
	}
	return db_view_count(db, v, tenant_id, lv, &p, &f->total, &f->exact);
}

int db_idbuf_add(void *ctx)
{
	struct db_idbuf *c = ctx;

	if (c->n < c->max)
		c->ids[c->n] = c->id;
	c->n++;
	return 0;
}
