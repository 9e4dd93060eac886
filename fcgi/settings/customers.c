/* /settings/customers: the tenant's customers (the portal's companies). */
#include "config.h"

#include <string.h>

#include "list.h"
#include "pages.h"
#include "xml.h"

static const struct list_col cols[] = {
	{"name", "Name"},
	{"email", "Primary email"},
};
static const struct list_spec spec = {cols, 2, 10};

enum { Q_DONE = LIST_NQUERY };
VAL_CHOICE(done_choice, "Unknown notice.", "saved")
static const char *const said[] = {"Customer saved."};

static const struct val_field query[] = {
	LIST_QUERY_FIELDS,
	[Q_DONE] = {"done", done_choice, 10, 0, "Done"},
};

static int add_row(void *ctx, const struct db_customer *c)
{
	xmlNodePtr n = xml_el(ctx, "customer");
	xml_attr_int(n, "id", c->id);
	xml_text_el(n, "name", c->name);
	xml_text_el(n, "email", c->email);
	xml_text_el(n, "phone", c->phone);
	xml_text_el(n, "city", c->city);
	xml_attr_int(n, "portal-users", c->portal_users);
	return 0;
}

static int cust_fetch(void *ctx, struct list_view *lv, xmlNodePtr rows, struct list_fetched *f)
{
	struct http *h = ctx;

	return db_customers_view(h->db, h->sess.tenant_id, lv, add_row, rows, f);
}

static enum page_result customers_get(struct http *h, xmlNodePtr root)
{
	struct list_view lv;
	enum db_result rc;
	const char *bad;
	xmlNodePtr page;

	if ((bad = list_view_read(&spec, h->q, &lv)) != NULL)
		return http_bad_request(h, bad);
	page = xml_el(root, "customers");
	xml_attr_bool(page, "editable", h->sess.settings >= DB_PERM_EDIT);
	if ((rc = (enum db_result)list_page(page, &spec, &lv, cust_fetch, h)) == DB_NOTFOUND)
		return http_bad_request(h,
					"This page's link is damaged: go back to the first page.");
	if (rc != DB_OK)
		return http_db_fail(rc);
	http_said(h, &h->q[Q_DONE], said);
	return PAGE_OK;
}

const struct page page_customers = {
	.path = "/settings/customers",
	.name = "customers",
	.title = "Customers",
	.methods = HTTP_GET,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(query),
	.get = customers_get,
	.menu_section = "Customers",
	.memo = 1, /* a list: shows no secret */
};
