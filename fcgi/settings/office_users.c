/* /settings/office-users: the tenant's office users (seed 004).  Only a
 * Super Admin manages office users, so only a Super Admin sees the list. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "list.h"
#include "pages.h"
#include "xml.h"

static const struct list_col cols[] = {
	{"email", "Login Name"}, {"first", "First Name"}, {"last", "Last Name"},
	{"role", "Permissions"}, {"status", "Status"},
};
static const struct list_spec spec = {cols, 5, 10};

enum { Q_DONE = LIST_NQUERY, Q_N, Q_SIGNIN };
/* The filter "signed in: never / over 90 days" (enum db_signin - 1). */
VAL_CHOICE(signin_choice, "Signed in is never or over90.", "never", "over90")
enum { DONE_SAVED, DONE_ADDED, DONE_DELETED, DONE_DEACTIVATED, DONE_ACTIVATED };
VAL_CHOICE(done_choice, "Unknown notice.", "saved", "added", "deleted", "deactivated", "activated")
static const char *const said[] = {
	[DONE_SAVED] = "Office user saved.",
	[DONE_ADDED] = "Office user added. They can sign in now.",
	[DONE_DELETED] = "Office user deleted. Restore them under Deleted office users while the "
			 "restore period lasts; after it their login can never be used again.",
	[DONE_DEACTIVATED] = "Deactivated: signed out everywhere, and cannot sign in.",
	[DONE_ACTIVATED] = "Active again: they can sign in.",
};

static const struct val_field query[] = {
	LIST_QUERY_FIELDS,
	[Q_DONE] = {"done", done_choice, 16, 0, "Done"},
	/* how many the action took (done=deleted) */
	[Q_N] = {"n", val_uint, 3, 0, "Count"},
	[Q_SIGNIN] = {"signin", signin_choice, 8, 0, "Signed in"},
};

static int add_row(void *ctx, const struct db_office_user *u)
{
	xmlNodePtr n = xml_el(ctx, "user");
	xml_attr_int(n, "id", u->id);
	xml_attr(n, "role", u->role);
	xml_attr(n, "status", u->active ? "active" : "inactive");
	xml_attr(n, "settings", u->settings >= DB_PERM_SUPER ? "super" : "");
	xml_text_el(n, "email", u->email);
	xml_text_el(n, "first", u->first);
	xml_text_el(n, "last", u->last);
	xml_text_el(n, "phone", u->phone);
	xml_text_el(n, "last-sign-in", u->last_sign_in);
	return 0;
}

static int ou_fetch(void *ctx, struct list_view *lv, xmlNodePtr rows, struct list_fetched *f)
{
	struct http *h = ctx;
	enum db_signin si = h->q[Q_SIGNIN].st != VAL_OK ? DB_SIGNIN_ANY
			    : h->q[Q_SIGNIN].num == 0   ? DB_SIGNIN_NEVER
							: DB_SIGNIN_OLD;

	return db_office_users_view_signin(h->db, h->sess.tenant_id, lv, si, add_row, rows, f);
}

static enum page_result office_users_get(struct http *h, xmlNodePtr root)
{
	struct list_view lv;
	enum db_result rc;
	const char *bad;
	xmlNodePtr page;

	if ((bad = list_view_read(&spec, h->q, &lv)) != NULL)
		return http_bad_request(h, bad);
	/* Kept in the list's links and forms like the text filter. */
	lv.facet_name = "signin";
	if (h->q[Q_SIGNIN].st == VAL_OK)
		lv.facet = h->q[Q_SIGNIN].str;
	page = xml_el(root, "office-users");
	xml_attr_int(page, "self", h->sess.user_id);
	if ((rc = (enum db_result)list_page(page, &spec, &lv, ou_fetch, h)) == DB_NOTFOUND)
		return http_bad_request(h,
					"This page's link is damaged: go back to the first page.");
	if (rc != DB_OK)
		return http_db_fail(rc);
	if (h->q[Q_DONE].st == VAL_OK && h->q[Q_DONE].num == DONE_DELETED &&
	    h->q[Q_N].st == VAL_OK && h->q[Q_N].num > 1)
		http_notice(
			h, "success",
			http_text(h,
				  "%lld office users deleted. Restore them under Deleted office "
				  "users while the restore period lasts; after it their logins "
				  "can never be used again.",
				  h->q[Q_N].num));
	else
		http_said(h, &h->q[Q_DONE], said);
	return PAGE_OK;
}

const struct page page_office_users = {
	.path = "/settings/office-users",
	.name = "office-users",
	.title = "Office Users",
	.methods = HTTP_GET,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_SUPER,
	.need_edit = DB_PERM_SUPER,
	PAGE_QUERY(query),
	.get = office_users_get,
	.menu_section = "Office",
	.memo = 1, /* a list: shows no secret */
};
