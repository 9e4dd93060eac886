/* /settings/inbox: what clients did in the portal (issue 15): service
 * requests, invoices marked paid (payment pending) and estimates
 * approved, each with the client (portal user and customer), the time and
 * a link to the record, open items newest first, paged by cursor (?older=,
 * ?newer=: an item's time and id, as the audit log pages), filtered by
 * state (open, handled, all) and kind.  Office users with Edit mark an
 * item handled, or every ticked one, in one transaction with an audit
 * entry each (inbox.handle).  The menu counts the open items ("Inbox
 * (N)", menu_count). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"
#include "pages.h"
#include "xml.h"

#define INBOX_COUNT_CAP 1001u

static const char *const kinds[] = {"job_request", "invoice_pay", "estimate_approve", NULL};
static const char *const kind_labels[] = {"Service requests", "Payments marked pending",
					  "Estimates approved"};
_Static_assert(sizeof kinds / sizeof kinds[0] == sizeof kind_labels / sizeof kind_labels[0] + 1,
	       "a label for each kind");

static const char *kind_choice(const char *in, size_t len, struct val_value *out)
{
	return val_choice(kinds, "Unknown kind of item.", in, len, out);
}

/* The states in db_inbox_filter's order. */
static const char *const states[] = {"open", "handled", "all", NULL};
static const char *state_choice(const char *in, size_t len, struct val_value *out)
{
	return val_choice(states, "Show open, handled or all items.", in, len, out);
}

VAL_CHOICE(per_choice, "Show 25, 50 or 100 items a page.", "25", "50", "100")
VAL_CHOICE(done_choice, "Unknown notice.", "handled", "already")

enum { Q_STATE, Q_KIND, Q_OLDER, Q_NEWER, Q_PER, Q_DONE };
static const struct val_field query[] = {
	[Q_STATE] = {"state", state_choice, 8, 0, "Show"},
	[Q_KIND] = {"kind", kind_choice, 20, 0, "Kind"},
	[Q_OLDER] = {"older", list_val_time_cursor, LIST_TIME_CURSOR_MAX, 0, "Older"},
	[Q_NEWER] = {"newer", list_val_time_cursor, LIST_TIME_CURSOR_MAX, 0, "Newer"},
	[Q_PER] = {"per", per_choice, 3, 0, "Items per page"},
	[Q_DONE] = {"done", done_choice, 8, 0, "Done"},
};

/* item: the ticked items; one: the item whose own button was pressed
 * (then the ticks are not read); state and kind: the view to go back to. */
enum { F_ITEM, F_ONE, F_STATE, F_KIND };
static const struct val_field form[] = {
	[F_ITEM] = {"item", val_id, 10, VAL_MULTI, "Items"},
	[F_ONE] = {"one", val_id, 10, 0, "Item"},
	[F_STATE] = {"state", state_choice, 8, 0, "Show"},
	[F_KIND] = {"kind", kind_choice, 20, 0, "Kind"},
};

/* The view's filter from the query (or, after a POST, the form). */
static void read_filter(const struct http *h, struct db_inbox_filter *f)
{
	const struct val_value *st = h->method == HTTP_POST ? &h->f[F_STATE] : &h->q[Q_STATE];
	const struct val_value *k = h->method == HTTP_POST ? &h->f[F_KIND] : &h->q[Q_KIND];

	f->state = st->st == VAL_OK ? (int)st->num : 0;
	f->kind = k->st == VAL_OK ? kinds[k->num] : "";
}

/* The view as a query string (state and kind), for the pager's links and
 * the POST's redirect. */
static void view_query(const struct db_inbox_filter *f, char *out, size_t sz)
{
	out[0] = '\0';
	if (f->state != 0)
		list_param(out, sz, "state", states[f->state]);
	if (f->kind[0] != '\0')
		list_param(out, sz, "kind", f->kind);
}

/* ---- the page ---- */

static int add_item(void *ctx, const struct db_inbox_item *r)
{
	struct list_timepage *p = ctx;
	char href[600];
	xmlNodePtr e;

	if (list_timepage_row(p, r->cursor, r->id))
		return 0;
	e = xml_el(p->rows, "item");
	xml_attr_int(e, "id", (long long)r->id);
	xml_attr(e, "when", r->when);
	xml_attr(e, "kind", r->kind);
	xml_attr_int(e, "record-id", r->record_id);
	xml_attr_int(e, "customer-id", r->customer_id);
	if (r->portal_user_id != 0)
		xml_attr_int(e, "portal-user-id", r->portal_user_id);
	/* No settings page lists a customer's records: the link is the
	 * customer's page, naming the record by its ref. */
	snprintf(href, sizeof href, "/settings/customers/edit?id=%u", r->customer_id);
	list_param(href, sizeof href, "record", r->ref);
	xml_attr(e, "href", href);
	if (r->handled) {
		xml_attr(e, "handled", "1");
		xml_attr(e, "handled-at", r->handled_at);
	}
	xml_text_el(e, "customer", r->customer);
	xml_text_el(e, "email", r->email);
	xml_text_el(e, "ref", r->ref);
	xml_text_el(e, "title", r->title);
	xml_text_el(e, "status", r->status);
	if (r->handled && r->handled_by[0] != '\0')
		xml_text_el(e, "handled-by", r->handled_by);
	return 0;
}

struct walk {
	struct http *h;
	const struct db_inbox_filter *f;
	struct list_timepage *p;
};

/* One page's walk from a place (list_timepage_read). */
static int walk(void *ctx, int newer, const char *t, unsigned long long id)
{
	struct walk *w = ctx;

	return (int)db_inbox_page(w->h->db, w->h->sess.tenant_id, w->f,
				  newer ? DB_AUDIT_NEWER : DB_AUDIT_OLDER, t, id, w->p->per + 1,
				  add_item, w->p);
}

static enum page_result inbox_get(struct http *h, xmlNodePtr root)
{
	static const unsigned pers[] = {25, 50, 100};
	struct db_inbox_filter f;
	struct list_timepage p;
	struct walk w = {h, &f, &p};
	int get = h->method == HTTP_GET, newer = get && h->q[Q_NEWER].st == VAL_OK;
	const char *c = !get                         ? NULL
			: newer                      ? h->q[Q_NEWER].str
			: h->q[Q_OLDER].st == VAL_OK ? h->q[Q_OLDER].str
						     : NULL;
	char q[200];
	unsigned count = 0;
	xmlNodePtr page, ks;
	enum db_result rc;

	read_filter(h, &f);
	memset(&p, 0, sizeof p);
	p.per = get && h->q[Q_PER].st == VAL_OK ? pers[h->q[Q_PER].num] : 50;
	if (get && h->q[Q_DONE].st == VAL_OK)
		http_notice(h, h->q[Q_DONE].num == 0 ? "success" : "info",
			    h->q[Q_DONE].num == 0 ? "Marked handled."
						  : "Already handled: nothing to do.");
	page = xml_el(root, "inbox");
	xml_attr(page, "state", states[f.state]);
	if (f.kind[0] != '\0')
		xml_attr(page, "kind", f.kind);
	xml_attr_bool(page, "editable", h->sess.settings >= DB_PERM_EDIT);
	ks = xml_el(page, "kinds");
	for (size_t i = 0; kinds[i] != NULL; i++)
		xml_attr(xml_text_el(ks, "kind", kind_labels[i]), "name", kinds[i]);
	p.rows = xml_el(page, "items");
	if ((rc = (enum db_result)list_timepage_read(&p, newer, c, walk, &w)) != DB_OK)
		return http_db_fail(rc);
	/* A newest page that holds the whole view counts it; the open items
	 * are counted already (the menu's); any other view is counted, up to
	 * 1,000. */
	if (list_timepage_whole(&p))
		count = p.n;
	else if (f.state == 0 && f.kind[0] == '\0')
		count = h->sess.inbox_open; /* the open items, kept (sql/029) */
	else if ((rc = db_inbox_count(h->db, h->sess.tenant_id, &f, INBOX_COUNT_CAP, &count)) !=
		 DB_OK)
		return http_db_fail(rc);
	xml_attr_int(page, "count", count > 1000 ? 1000 : count);
	xml_attr(page, "count-exact", count > 1000 ? "0" : "1");
	xml_attr_int(page, "per", p.per);
	view_query(&f, q, sizeof q);
	xml_attr(page, "query", q);
	list_timepage_links(&p, page);
	return PAGE_OK;
}

/* Marks item id handled with its audit entry; *was_open 0 when someone
 * had already (nothing written).  DB_NOTFOUND: not the tenant's.  it: the
 * caller's room for the item. */
static enum db_result handle_one(struct http *h, uint64_t id, struct db_inbox_item *it,
				 int *was_open)
{
	char target[400];
	enum db_result rc;

	*was_open = 0;
	if ((rc = db_inbox_get(h->db, h->sess.tenant_id, id, it)) != DB_OK || it->handled)
		return rc;
	if ((rc = db_inbox_handle(h->db, h->sess.tenant_id, id, h->sess.user_id, h->sess.email)) !=
	    DB_OK)
		return rc;
	*was_open = 1;
	snprintf(target, sizeof target, "%s %s (inbox item %llu)", it->kind, it->ref,
		 (unsigned long long)id);
	return http_audit_on(h, "inbox.handle", "customer", it->customer_id, target, "open",
			     "handled");
}

static enum page_result inbox_post(struct http *h)
{
	const struct val_value *ticked = &h->f[F_ITEM];
	struct db_inbox_filter f;
	struct db_inbox_item *it = NULL;
	enum db_result rc = DB_OK;
	char to[300], q[200];
	unsigned done = 0;
	int was_open;

	if (h->f[F_ONE].st != VAL_OK && (ticked->st != VAL_OK || ticked->nnums == 0))
		return http_field_error(h, F_ITEM, "Tick the items to mark handled.");
	/* About 3 KiB: off the worker's stack; freed here. */
	if ((it = calloc(1, sizeof *it)) == NULL) {
		rc = DB_ERR;
		goto out;
	}
	if (h->f[F_ONE].st == VAL_OK) {
		rc = handle_one(h, (uint64_t)h->f[F_ONE].num, it, &was_open);
		done += was_open;
	} else
		for (size_t i = 0; rc == DB_OK && i < ticked->nnums; i++) {
			rc = handle_one(h, (uint64_t)ticked->nums[i], it, &was_open);
			done += was_open;
		}
out:
	free(it);
	read_filter(h, &f);
	view_query(&f, q, sizeof q);
	snprintf(to, sizeof to, "/settings/inbox?%s%sdone=%s", q, q[0] ? "&" : "",
		 done > 0 ? "handled" : "already");
	return http_done(h, rc, to);
}

/* The menu's "Inbox (N)": the tenant's open items, kept by sql/029's
 * triggers and read with the session (no statement of its own). */
static enum db_result inbox_menu_count(struct http *h, unsigned *n)
{
	*n = h->sess.inbox_open;
	return DB_OK;
}

const struct page page_inbox = {
	.path = "/settings/inbox",
	.name = "inbox",
	.title = "Inbox",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = inbox_get,
	.post = inbox_post,
	.txn = 1,
	.menu_section = "Client",
	.menu_count = inbox_menu_count,
	.memo = 1, /* items hold no secret */
};
