/* /settings/client/portal-access (seed 000): the tenant's portal users. */
#include "config.h"

#include <string.h>

#include "list.h"
#include "listcache.h"
#include "pages.h"
#include "xml.h"

static const struct list_col cols[] = {
	{"company", "Company"},
	{"email", "Email"},
};
static const struct list_spec spec = {cols, 2, 10};

enum { Q_SORT, Q_DIR, Q_FILTER, Q_PAGE, Q_PER, Q_DONE };
static const struct val_field query[] = {
	LIST_QUERY_FIELDS,
	[Q_DONE] = {"done", val_line, 10, 0, "Done"},
};

static int add_row(void *ctx, const struct db_portal_user *u)
{
	xmlNodePtr n = xml_el(ctx, "user");
	xml_attr_int(n, "id", u->id);
	xml_attr_int(n, "customer-id", u->customer_id);
	xml_attr(n, "status", u->status);
	xml_text_el(n, "company", u->company);
	xml_text_el(n, "email", u->email);
	xml_text_el(n, "last-sign-in", u->last_sign_in);
	return 0;
}

/* The notices a redirect back to the list may ask for. */
static void done_notice(struct http *h, const char *done)
{
	static const struct {
		const char *key, *kind, *text;
	} notes[] = {
		{"added", "success", "Portal user added."},
		{"invited", "success", "Portal user added and invited."},
		{"saved", "success", "Portal user saved."},
		{"deleted", "success", "Portal users deleted."},
	};
	for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++)
		if (strcmp(done, notes[i].key) == 0)
			http_notice(h, notes[i].kind, notes[i].text);
}

/* Views that read many rows to show a few: a substring filter scans every
 * user of the tenant, a deep page walks the index up to its offset.  They
 * are served from the list-order cache; the first pages of an unfiltered
 * list read the index directly (as fast, and no order to build).  Offset
 * 200: the direct statement costs ~0.25 ms there, four times the first
 * page's, and grows with the offset (db.c, PU_ALL). */
#define PA_DEEP_OFFSET 200

/* The page of lv through the cache (listcache_read). */
static enum db_result pa_rows(void *ctx, const unsigned *ids, size_t n, xmlNodePtr rows,
			      uint64_t *version)
{
	struct http *h = ctx;
	return db_portal_users_by_ids(h->db, h->sess.tenant_id, ids, n, add_row, rows, version);
}

static enum db_result cached_page(struct http *h, struct list_view *lv, xmlNodePtr page)
{
	static const struct listcache_reader reader = {&spec, db_portal_users_version, pa_rows};
	struct listcache_key k = {h->sess.tenant_id, LISTCACHE_PORTAL_USERS, lv->sort, lv->filter};
	struct listcache_db b = {h->db, h->sess.tenant_id, lv, db_portal_user_ids, DB_OK};

	return listcache_read(&k, lv, &reader, h, &b, page);
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

	if ((bad = list_view_read(&spec, h->q, &lv)) != NULL)
		return http_bad_request(h, bad);
	page = xml_el(root, "portal-access");
	xml_attr_bool(page, "editable", h->sess.settings >= DB_PERM_EDIT);
	xml_attr_bool(page, "portal-enabled", h->sess.tenant.portal_enabled);
	if (lv.filter[0] != '\0' || (unsigned long long)(lv.page - 1) * lv.per >= PA_DEEP_OFFSET)
		rc = cached_page(h, &lv, page);
	else
		rc = direct_page(h, &lv, page);
	if (rc != DB_OK)
		return http_db_fail(rc);
	if (h->q[Q_DONE].st == VAL_OK)
		done_notice(h, h->q[Q_DONE].str);
	return PAGE_OK;
}

const struct page page_portal_access = {
	.path = "/settings/client/portal-access",
	.name = "portal-access",
	.title = "Portal Access",
	.methods = HTTP_GET,
	.auth = PAGE_OFFICE,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	.query = query,
	.nquery = sizeof query / sizeof query[0],
	.get = pa_get,
	.menu_section = "Client",
	.memo = 1, /* a list: shows no secret */
};
