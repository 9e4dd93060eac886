/* /settings/calendars and /settings/vehicles: the tenant's calendars and
 * vehicles, simple lists that office users' permissions refer to
 * (Scheduling needs at least one calendar; the map shows all vehicles or
 * chosen ones).  One POST adds (name) or removes (delete=id) an entry;
 * removing one also removes it from every user's permissions. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "xml.h"

enum { Q_DONE };
static const struct val_field query[] = {
	[Q_DONE] = {"done", val_line, 10, 0, "Done"},
};

enum { F_NAME, F_DELETE };
static const struct val_field form[] = {
	[F_NAME] = {"name", val_line, 100, 0, "Name"},
	[F_DELETE] = {"delete", val_id, 10, 0, "Entry"},
};

static enum db_named_kind kind(const struct http *h)
{
	return h->page == &page_vehicles ? DB_VEHICLES : DB_CALENDARS;
}

static const char *noun(const struct http *h)
{
	return kind(h) == DB_VEHICLES ? "vehicle" : "calendar";
}

static int add_item(void *ctx, const struct db_named *n)
{
	xmlNodePtr e = xml_text_el(ctx, "item", n->name);
	xml_attr_int(e, "id", n->id);
	return 0;
}

static enum page_result nl_get(struct http *h, xmlNodePtr root)
{
	char msg[100];
	enum db_result rc;
	xmlNodePtr page;

	page = xml_el(root, "named-list");
	xml_attr(page, "kind", kind(h) == DB_VEHICLES ? "vehicles" : "calendars");
	xml_attr_bool(page, "editable", h->sess.settings >= DB_PERM_EDIT);
	if ((rc = db_named_list(h->db, kind(h), h->sess.tenant_id, add_item, page)) != DB_OK)
		return http_db_fail(rc);
	if (h->method == HTTP_GET && h->q[Q_DONE].st == VAL_OK) {
		snprintf(msg, sizeof msg, "The %s was %s.", noun(h),
			 strcmp(h->q[Q_DONE].str, "deleted") == 0 ? "removed" : "added");
		http_notice(h, "success", msg);
	}
	return PAGE_OK;
}

static enum page_result nl_post(struct http *h)
{
	char where[128], what[120];
	enum db_result rc;
	unsigned id = 0;
	int del = h->f[F_DELETE].st == VAL_OK;

	if (!del && h->f[F_NAME].st != VAL_OK)
		return http_field_error(h, F_NAME, "Enter a name.");
	snprintf(where, sizeof where, "%s?done=%s", h->page->path, del ? "deleted" : "added");
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	if (del) {
		id = (unsigned)h->f[F_DELETE].num;
		rc = db_named_delete(h->db, kind(h), h->sess.tenant_id, id);
		snprintf(what, sizeof what, "%s %u", noun(h), id);
	} else {
		rc = db_named_add(h->db, kind(h), h->sess.tenant_id, h->f[F_NAME].str, &id);
		snprintf(what, sizeof what, "%s", h->f[F_NAME].str);
		if (rc == DB_DUP) {
			db_rollback(h->db);
			return http_field_error(h, F_NAME, "There is one with this name already.");
		}
	}
	if (rc == DB_OK)
		rc = http_audit(h, kind(h) == DB_VEHICLES ? (del ? "vehicle.delete" : "vehicle.add")
							   : (del ? "calendar.delete" : "calendar.add"),
				what, NULL, NULL);
	return http_txn_end(h, rc, where);
}

const struct page page_calendars = {
	.path = "/settings/calendars",
	.name = "named-list",
	.title = "Calendars",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_OFFICE,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	.query = query,
	.nquery = sizeof query / sizeof query[0],
	.form = form,
	.nform = sizeof form / sizeof form[0],
	.get = nl_get,
	.post = nl_post,
	.menu_section = "Office",
};

const struct page page_vehicles = {
	.path = "/settings/vehicles",
	.name = "named-list",
	.title = "Vehicles",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_OFFICE,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	.query = query,
	.nquery = sizeof query / sizeof query[0],
	.form = form,
	.nform = sizeof form / sizeof form[0],
	.get = nl_get,
	.post = nl_post,
	.menu_section = "Office",
};
