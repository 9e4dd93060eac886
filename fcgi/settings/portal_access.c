/* /settings/client/portal-access (seed 000): the tenant's portal users,
 * with their status as the portal's sign-in decides it (pstatus.h) and a
 * filter by status beside the text filter. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "list.h"
#include "listcache.h"
#include "pages.h"
#include "pstatus.h"
#include "xml.h"

static const struct list_col cols[] = {
	{"company", "Company"},
	{"email", "Email"},
};
static const struct list_spec spec = {cols, 2, 10};

enum { Q_SORT, Q_DIR, Q_FILTER, Q_PAGE, Q_PER, Q_STATUS, Q_DONE, Q_COUNT, Q_SELECT };
/* The notices a redirect back here asks for (?done=), and ?select=all. */
enum { DONE_ADDED, DONE_INVITED, DONE_SAVED, DONE_DELETED };
VAL_CHOICE(done_choice, "Unknown notice.", "added", "invited", "saved", "deleted")
VAL_CHOICE(select_choice, "Select is all.", "all")

static const struct val_field query[] = {
	PORTAL_ACCESS_VIEW_FIELDS,
	[Q_DONE] = {"done", done_choice, 10, 0, "Done"},
	/* How many a change touched, for its notice ("3 portal users deleted."). */
	[Q_COUNT] = {"n", val_uint, 3, 0, "Count"},
	/* "Select all on this page" without JavaScript: the page again, every
	 * row ticked. */
	[Q_SELECT] = {"select", select_choice, 3, 0, "Select"},
};

const char *portal_access_view(const struct val_value *q, struct list_view *lv)
{
	const char *bad;

	if ((bad = list_view_read(&spec, q, lv)) != NULL)
		return bad;
	lv->facet_name = "status";
	if (q[Q_STATUS].st == VAL_OK) {
		int s = pstatus_parse(q[Q_STATUS].str);
		if (s < 0)
			return "Status is not_invited, invited, active, revoked or locked.";
		lv->facet = pstatus_key((enum pstatus)s);
	}
	return NULL;
}

void portal_access_href(char *out, size_t sz, const struct list_view *lv, const char *extra)
{
	char q[1500];

	list_query(q, sizeof q, &spec, lv, 1);
	snprintf(out, sz, "/settings/client/portal-access?%s%s%s", q, extra ? "&" : "",
		 extra ? extra : "");
}

static int add_row(void *ctx, const struct db_portal_user *u)
{
	xmlNodePtr n = xml_el(ctx, "user");
	xml_attr_int(n, "id", u->id);
	xml_attr_int(n, "customer-id", u->customer_id);
	xml_attr(n, "status", u->status);
	if (u->invite_bounced)
		xml_attr(n, "invite-bounced", "1");
	xml_text_el(n, "company", u->company);
	xml_text_el(n, "email", u->email);
	xml_text_el(n, "last-sign-in", u->last_sign_in);
	return 0;
}

/* The notices a redirect back to the list may ask for; n, when given, is
 * how many users the change touched. */
static void done_notice(struct http *h, const struct val_value *done, const struct val_value *n)
{
	static const char *const said[] = {
		[DONE_ADDED] = "Portal user added.",
		[DONE_INVITED] = "Portal user added and invited.",
		[DONE_SAVED] = "Portal user saved.",
		[DONE_DELETED] = NULL, /* counted, below */
	};

	if (done->st != VAL_OK || done->num != DONE_DELETED) {
		http_said(h, done, said);
		return;
	}
	if (n->st == VAL_OK)
		http_notice(h, "success",
			    http_text(h, "%lld portal user%s deleted.", n->num,
				      n->num == 1 ? "" : "s"));
	else
		http_notice(h, "success", "Portal users deleted.");
}

/* Views that read many rows to show a few: a substring filter scans every
 * user of the tenant, a deep page walks the index up to its offset.  They
 * are served from the list-order cache; the first pages of an unfiltered
 * list read the index directly (as fast, and no order to build).  Offset
 * 200: the direct statement costs ~0.25 ms there, four times the first
 * page's, and grows with the offset (db/stmt_portal_user.h, PU_ALL). */
#define PA_DEEP_OFFSET 200

/* The page of lv through the cache (listcache_read). */
static enum db_result pa_rows(void *ctx, const unsigned *ids, size_t n, xmlNodePtr rows,
			      uint64_t *version)
{
	struct http *h = ctx;
	return db_portal_users_by_ids(h->db, h->sess.tenant_id, ids, n, add_row, rows, version);
}

/* The same for a view filtered by status: the order's version moves with
 * the status's inputs too (db.h). */
static enum db_result pa_rows_status(void *ctx, const unsigned *ids, size_t n, xmlNodePtr rows,
				     uint64_t *version)
{
	struct http *h = ctx;
	return db_portal_users_by_ids_status(h->db, h->sess.tenant_id, ids, n, add_row, rows,
					     version);
}

/* Filtered by status, a view is an order the list-order cache keeps like
 * any filtered view: built once per version (and, while a sign-in lock
 * stands, until it ends), never a statement per row of the first page. */
static enum db_result cached_page(struct http *h, struct list_view *lv, xmlNodePtr page)
{
	static const struct listcache_reader reader = {&spec, db_portal_users_version, pa_rows};
	static const struct listcache_reader by_status = {&spec, db_portal_users_status_version,
							  pa_rows_status};
	struct listcache_key k = {h->sess.tenant_id, LISTCACHE_PORTAL_USERS, lv->sort, lv->filter,
				  lv->facet};
	struct listcache_db b = {h->db, h->sess.tenant_id, lv, db_portal_user_ids, DB_OK, NULL};

	if (lv->facet[0] == '\0')
		return listcache_read(&k, lv, &reader, h, &b, page);
	b.ids_ttl = db_portal_user_ids_status;
	return listcache_read(&k, lv, &by_status, h, &b, page);
}

/* The first pages of an unfiltered list, straight from the sort's index: the
 * rows come with the total, so the <list> around them is made after them. */
static enum db_result direct_page(struct http *h, struct list_view *lv, xmlNodePtr page)
{
	xmlNodePtr held = NULL, rows;
	unsigned long long total = 0, offset = (unsigned long long)(lv->page - 1) * lv->per;
	uint64_t version;
	enum db_result rc = DB_ERR;

	if (page == NULL || (held = xmlNewDocNode(page->doc, NULL, BAD_CAST "rows", NULL)) == NULL)
		goto out;
	lv->offset = offset;
	if ((rc = db_portal_users_page(h->db, h->sess.tenant_id, lv, &total, add_row, held)) !=
	    DB_OK)
		goto out;
	if (held->children == NULL) {
		/* Empty, or past the end: the count decides, then the last page. */
		if ((rc = db_portal_users_version(h->db, h->sess.tenant_id, &total, &version)) !=
		    DB_OK)
			goto out;
		list_window(lv, total);
		if (lv->offset != offset &&
		    (rc = db_portal_users_page(h->db, h->sess.tenant_id, lv, &total, add_row,
					       held)) != DB_OK)
			goto out;
	}
	list_window(lv, total);
	if ((rows = list_xml(page, &spec, lv)) == NULL) {
		rc = DB_ERR;
		goto out;
	}
	xmlFreeNode(xmlReplaceNode(rows, held));
	held = NULL;
out:
	xmlFreeNode(held);
	return rc;
}

static enum page_result pa_get(struct http *h, xmlNodePtr root)
{
	struct list_view lv;
	enum db_result rc;
	const char *bad;
	xmlNodePtr page;

	if ((bad = portal_access_view(h->q, &lv)) != NULL)
		return http_bad_request(h, bad);
	page = xml_el(root, "portal-access");
	xml_attr_bool(page, "editable", h->sess.settings >= DB_PERM_EDIT);
	xml_attr_bool(page, "portal-enabled", h->sess.tenant.portal_enabled);
	if (h->q[Q_SELECT].st == VAL_OK && h->sess.settings >= DB_PERM_EDIT)
		xml_attr(page, "select-all", "1");
	if (lv.filter[0] != '\0' || lv.facet[0] != '\0' ||
	    (unsigned long long)(lv.page - 1) * lv.per >= PA_DEEP_OFFSET)
		rc = cached_page(h, &lv, page);
	else
		rc = direct_page(h, &lv, page);
	if (rc != DB_OK)
		return http_db_fail(rc);
	done_notice(h, &h->q[Q_DONE], &h->q[Q_COUNT]);
	return PAGE_OK;
}

const struct page page_portal_access = {
	.path = "/settings/client/portal-access",
	.name = "portal-access",
	.title = "Portal Access",
	.methods = HTTP_GET,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(query),
	.get = pa_get,
	.menu_section = "Client",
	.memo = 1, /* a list: shows no secret */
};
