/* /settings/client/portal-access (seed 000): the tenant's portal users,
 * with their status as the portal's sign-in decides it (pstatus.h), a
 * filter by status and one by invitation state (the ledger's latest
 * invitation, kept on the user's row: sql/028) beside the text filter. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "list.h"
#include "pages.h"
#include "pstatus.h"
#include "xml.h"

static const struct list_col cols[] = {
	{"company", "Company"},
	{"email", "Email"},
};
static const struct list_spec spec = {cols, 2, 10};

enum { Q_STATUS = LIST_NQUERY, Q_INVITATION, Q_DONE, Q_COUNT, Q_SELECT };
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

/* The invitation filter's keys, by enum db_invitation_state. */
static const char *const inv_keys[DB_INV__COUNT] = {
	[DB_INV_NOT_INVITED] = "not_invited", [DB_INV_INVITED] = "invited",
	[DB_INV_REMINDED] = "reminded",       [DB_INV_ACCEPTED] = "accepted",
	[DB_INV_BOUNCED] = "bounced",         [DB_INV_EXPIRED] = "expired",
};

static int inv_parse(const char *key)
{
	for (int i = 0; key != NULL && i < DB_INV__COUNT; i++)
		if (strcmp(key, inv_keys[i]) == 0)
			return i;
	return -1;
}

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
	lv->facet2_name = "invitation";
	if (q[Q_INVITATION].st == VAL_OK) {
		int s = inv_parse(q[Q_INVITATION].str);
		if (s < 0)
			return "Invitation is not_invited, invited, reminded, accepted, expired or "
			       "bounced.";
		lv->facet2 = inv_keys[s];
	}
	return NULL;
}

void portal_access_href(char *out, size_t sz, const struct list_view *lv, const char *extra)
{
	char q[LIST_CURSOR_MAX + 1600];

	list_query(q, sizeof q, &spec, lv, 1);
	snprintf(out, sz, "/settings/client/portal-access?%s%s%s", q, extra ? "&" : "",
		 extra ? extra : "");
}

void portal_access_keep(xmlNodePtr page, const struct val_field *tab, const struct val_value *v)
{
	for (size_t i = 0; i < PORTAL_ACCESS_NVIEW; i++) {
		if (v[i].st != VAL_OK)
			continue;
		xmlNodePtr k = xml_el(page, "keep");
		xml_attr(k, "name", tab[i].name);
		xml_attr(k, "value", v[i].raw);
	}
}

/* A page's rows and the request they are for. */
struct pa_rows {
	struct http *h;
	xmlNodePtr rows;
};

static int add_row(void *ctx, const struct db_portal_user *u)
{
	struct pa_rows *p = ctx;
	xmlNodePtr n = xml_el(p->rows, "user");

	/* "Locked" ends with time, without a write to move a version. */
	if (u->lock_us > 0)
		http_memo_off(p->h);
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

/* A page of lv, filtered by status and invitation state when the view
 * says so: read by key whatever the tenant's size (db.h, "The list
 * views"). */
enum db_result portal_access_fetch(struct http *h, struct list_view *lv, db_portal_user_fn fn,
				   void *ctx, struct list_fetched *f)
{
	int status = lv->facet[0] != '\0' ? pstatus_parse(lv->facet) : -1;
	int invitation = lv->facet2[0] != '\0' ? inv_parse(lv->facet2) : -1;

	return db_portal_users_view_inv(h->db, h->sess.tenant_id, lv, status, invitation, fn, ctx,
					f);
}

static int pa_fetch(void *ctx, struct list_view *lv, xmlNodePtr rows, struct list_fetched *f)
{
	struct pa_rows p = {ctx, rows};

	return portal_access_fetch(ctx, lv, add_row, &p, f);
}

/* The page memo's versions (sql/033).  A status or invitation filter's
 * rows move with time (a lock's end, an invitation's): not kept so. */
static enum db_result pa_version(struct http *h, uint64_t v[2])
{
	if (h->q[Q_STATUS].st == VAL_OK || h->q[Q_INVITATION].st == VAL_OK)
		return DB_NOTFOUND;
	return db_portal_users_shown_version(h->db, h->sess.tenant_id, v);
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
	if ((rc = (enum db_result)list_page(page, &spec, &lv, pa_fetch, h)) == DB_NOTFOUND)
		return http_bad_request(h,
					"This page's link is damaged: go back to the first page.");
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
	.memo_version = pa_version,
};
