/* /settings/calendars and /settings/vehicles: the tenant's calendars and
 * vehicles, simple lists that office users' permissions refer to
 * (Scheduling at Edit needs at least one calendar; the map shows all
 * vehicles or chosen ones).  A POST adds one (name), or removes the ticked
 * ones (delete=id, repeated) once confirmed: GET ?remove=id... is the
 * confirmation, whose form sends confirm=1; a removal POSTed without it comes
 * back as the confirmation, changing nothing (no JavaScript needed).
 * Removing one also removes it from every user's permissions. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "xml.h"

enum { Q_DONE, Q_N, Q_REMOVE };
enum { DONE_ADDED, DONE_REMOVED };
VAL_CHOICE(done_choice, "Unknown notice.", "added", "removed")

static const struct val_field query[] = {
	[Q_DONE] = {"done", done_choice, 10, 0, "Done"},
	[Q_N] = {"n", val_uint, 3, 0, "Count"},
	/* the entries ticked for removal: the page asks to confirm */
	[Q_REMOVE] = {"remove", val_id, 10, VAL_MULTI, "Entries"},
};

enum { F_NAME, F_DELETE, F_CONFIRM };
static const struct val_field form[] = {
	[F_NAME] = {"name", val_line, 100, 0, "Name"},
	[F_DELETE] = {"delete", val_id, 10, VAL_MULTI, "Entries"},
	[F_CONFIRM] = {"confirm", val_bool, 1, 0, "Confirm"},
};

static enum db_named_kind kind(const struct http *h)
{
	return h->page == &page_vehicles ? DB_VEHICLES : DB_CALENDARS;
}

static const char *noun(const struct http *h, long long n)
{
	if (kind(h) == DB_VEHICLES)
		return n == 1 ? "vehicle" : "vehicles";
	return n == 1 ? "calendar" : "calendars";
}

struct items {
	xmlNodePtr parent;
	const struct val_value *ticked; /* the ids to confirm, or NULL */
	size_t nticked;                 /* of them, those that exist */
};

static int add_item(void *ctx, const struct db_named *n)
{
	struct items *it = ctx;
	xmlNodePtr e = xml_text_el(it->parent, "item", n->name);
	xml_attr_int(e, "id", n->id);
	for (size_t i = 0; it->ticked != NULL && i < it->ticked->nnums; i++)
		if ((unsigned)it->ticked->nums[i] == n->id) {
			xml_attr(e, "remove", "1");
			it->nticked++;
			break;
		}
	return 0;
}

static enum page_result nl_get(struct http *h, xmlNodePtr root)
{
	const struct val_value *ticked = h->method == HTTP_GET ? &h->q[Q_REMOVE] : &h->f[F_DELETE];
	struct items it = {NULL, NULL, 0};
	char msg[100];
	enum db_result rc;
	xmlNodePtr page;

	page = xml_el(root, "named-list");
	xml_attr(page, "kind", kind(h) == DB_VEHICLES ? "vehicles" : "calendars");
	xml_attr_bool(page, "editable", h->sess.settings >= DB_PERM_EDIT);
	it.parent = page;
	if (ticked->st == VAL_OK && h->sess.settings >= DB_PERM_EDIT)
		it.ticked = ticked;
	if ((rc = db_named_list(h->db, kind(h), h->sess.tenant_id, add_item, &it)) != DB_OK)
		return http_db_fail(rc);
	/* The confirmation: how many of the ticked ones are still there. */
	if (it.ticked != NULL)
		xml_attr_int(page, "confirm", (long long)it.nticked);
	if (h->method == HTTP_GET && h->q[Q_DONE].st == VAL_OK) {
		const char *one = kind(h) == DB_VEHICLES ? "Vehicle" : "Calendar";
		long long n = h->q[Q_N].st == VAL_OK ? h->q[Q_N].num : 1;
		if (h->q[Q_DONE].num != DONE_REMOVED)
			snprintf(msg, sizeof msg, "%s added.", one);
		else if (n == 1)
			snprintf(msg, sizeof msg, "%s removed.", one);
		else
			snprintf(msg, sizeof msg, "%lld %s removed.", n, noun(h, n));
		http_notice(h, "success", msg);
	}
	return PAGE_OK;
}

static enum page_result nl_post(struct http *h)
{
	const struct val_value *del = &h->f[F_DELETE];
	char where[128], what[120];
	enum db_result rc = DB_OK;
	unsigned id = 0;

	if (del->st != VAL_OK && h->f[F_NAME].st != VAL_OK)
		return http_field_error(h, F_NAME, "Enter a name.");
	if (del->st == VAL_OK && (h->f[F_CONFIRM].st != VAL_OK || !h->f[F_CONFIRM].num)) {
		/* Not confirmed: the confirmation, nothing removed. */
		h->status = 200;
		return PAGE_INVALID;
	}
	if (del->st == VAL_OK) {
		snprintf(where, sizeof where, "%s?done=removed&n=%zu", h->page->path, del->nnums);
		for (size_t i = 0; rc == DB_OK && i < del->nnums; i++) {
			id = (unsigned)del->nums[i];
			snprintf(what, sizeof what, "%s %u", noun(h, 1), id);
			if ((rc = db_named_delete(h->db, kind(h), h->sess.tenant_id, id)) == DB_OK)
				rc = http_audit(h,
						kind(h) == DB_VEHICLES ? "vehicle.delete"
								       : "calendar.delete",
						what, NULL, NULL);
		}
		goto out;
	}
	snprintf(where, sizeof where, "%s?done=added", h->page->path);
	rc = db_named_add(h->db, kind(h), h->sess.tenant_id, h->f[F_NAME].str, &id);
	if (rc == DB_DUP)
		return http_field_error(h, F_NAME, "There is one with this name already.");
	if (rc == DB_OK)
		rc = http_audit(h, kind(h) == DB_VEHICLES ? "vehicle.add" : "calendar.add",
				h->f[F_NAME].str, NULL, NULL);
out:
	return http_done(h, rc, where);
}

/* Calendars and vehicles are one page at two paths (kind() tells them
 * apart): everything but the path and the title, the transaction the
 * core's. */
#define NAMED_LIST_PAGE                                                                            \
	.name = "named-list", .methods = HTTP_GET | HTTP_POST, .auth = PAGE_SIGNED_IN,             \
	.need_view = DB_PERM_VIEW, .need_edit = DB_PERM_EDIT, PAGE_QUERY(query), PAGE_FORM(form),  \
	.get = nl_get, .post = nl_post, .txn = 1, .menu_section = "Office"

const struct page page_calendars = {
	.path = "/settings/calendars",
	.title = "Calendars",
	NAMED_LIST_PAGE,
};

const struct page page_vehicles = {
	.path = "/settings/vehicles",
	.title = "Vehicles",
	NAMED_LIST_PAGE,
};
