/* /settings/client/portal-access/bulk-action (issue 15): one action on the
 * ticked portal users, or on every one the list's view holds: resend the
 * invitation, revoke or restore access, change the permission group,
 * delete.  GET (from the list's form, with its view and the ticked ids)
 * shows the choices; POST makes a job of it (sql/030) that gatehouse-jobs
 * runs one user at a time, each in its own transaction with its audit
 * entry, and answers with the job's page: its progress, counts per outcome
 * and report, which can be left and revisited. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"
#include "xml.h"

/* "All matching" walks the view: at most this many users in one job. */
#define ALL_MAX 100000

VAL_CHOICE(action_choice, "Choose an action.", "resend", "revoke", "restore", "group", "delete")
VAL_CHOICE(scope_choice, "Scope is selected or all.", "selected", "all")
enum { A_RESEND, A_REVOKE, A_RESTORE, A_GROUP, A_DELETE };
enum { S_SELECTED, S_ALL };
static const char *const titles[] = {
	[A_RESEND] = "Resend invitation",
	[A_REVOKE] = "Revoke access",
	[A_RESTORE] = "Restore access",
	[A_GROUP] = "Change group",
	[A_DELETE] = "Delete",
};

enum { Q_ID = PORTAL_ACCESS_NVIEW };
static const struct val_field query[] = {
	PORTAL_ACCESS_VIEW_FIELDS,
	[Q_ID] = {"id", val_id, 10, VAL_MULTI, "Portal users"},
};

enum { F_ID = PORTAL_ACCESS_NVIEW, F_ACTION, F_GROUP, F_SCOPE };
static const struct val_field form[] = {
	PORTAL_ACCESS_VIEW_FIELDS,
	[F_ID] = {"id", val_id, 10, VAL_MULTI, "Portal users"},
	[F_ACTION] = {"action", action_choice, 10, VAL_REQUIRED, "Action"},
	[F_GROUP] = {"group", val_id, 10, 0, "Permission group"},
	[F_SCOPE] = {"scope", scope_choice, 10, VAL_REQUIRED, "Which users"},
};

static enum page_result bulk_get(struct http *h, xmlNodePtr root)
{
	int get = h->method == HTTP_GET;
	const struct val_value *view = get ? h->q : h->f;
	const struct val_value *ids = get ? &h->q[Q_ID] : &h->f[F_ID];
	struct db_portal_user u;
	struct list_view lv;
	enum db_result rc;
	xmlNodePtr page, n;
	const char *bad;
	char back[LIST_CURSOR_MAX + 1700];

	if ((bad = portal_access_view(view, &lv)) != NULL)
		return http_bad_request(h, bad);
	portal_access_href(back, sizeof back, &lv, NULL);
	page = xml_el(root, "portal-bulk-action");
	xml_attr(page, "back", back);
	xml_attr_int(page, "max", ALL_MAX);
	if (lv.filter[0] != '\0')
		xml_attr(page, "filter", lv.filter);
	if (lv.facet[0] != '\0')
		xml_attr(page, "status", lv.facet);
	if (lv.facet2[0] != '\0')
		xml_attr(page, "invitation", lv.facet2);
	portal_access_keep(page, get ? query : form, view);
	for (size_t i = 0; ids->st == VAL_OK && i < ids->nnums; i++) {
		/* Another tenant's id, or one already gone: 404. */
		if ((rc = db_portal_user_get(h->db, h->sess.tenant_id, (unsigned)ids->nums[i],
					     &u)) != DB_OK)
			return http_db_fail(rc);
		n = xml_el(page, "user");
		xml_attr_int(n, "id", u.id);
		xml_text_el(n, "company", u.company);
		xml_text_el(n, "email", u.email);
	}
	if ((rc = settings_group_options(h, xml_el(page, "groups"), 0)) != DB_OK)
		return http_db_fail(rc);
	return PAGE_OK;
}

/* The ids of every portal user the view holds, walked a page of 100 at a
 * time in the list's own order. */
struct ids {
	unsigned *v;
	size_t n, cap, page_start;
	int over;
};

static int collect(void *ctx, const struct db_portal_user *u)
{
	struct ids *x = ctx;

	if (x->n == x->cap) {
		if (x->cap >= ALL_MAX) {
			x->over = 1;
			return 0;
		}
		size_t cap = x->cap ? x->cap * 4 : 1024;
		unsigned *v = realloc(x->v, (cap > ALL_MAX ? ALL_MAX : cap) * sizeof *v);
		if (v == NULL)
			return 1;
		x->v = v;
		x->cap = cap > ALL_MAX ? ALL_MAX : cap;
	}
	x->v[x->n++] = u->id;
	return 0;
}

static enum db_result walk_view(struct http *h, struct list_view *lv, struct ids *x)
{
	struct list_fetched f;
	enum db_result rc;

	lv->from = LIST_FROM_START;
	lv->nkeys = 0;
	lv->per = 100;
	for (;;) {
		memset(&f, 0, sizeof f);
		x->page_start = x->n;
		lv->last[0] = '\0';
		rc = portal_access_fetch(h, lv, collect, x, &f);
		if (rc != DB_OK)
			return rc;
		if (f.again) { /* the rows handed over do not count */
			x->n = x->page_start;
			continue;
		}
		if (!f.more || x->over)
			return DB_OK;
		if (list_view_next(lv) != NULL)
			return DB_ERR;
	}
}

/* The group a change of group names: PAGE_OK with g, or the form's
 * error. */
static enum page_result chosen_group(struct http *h, struct db_group *g)
{
	enum db_result rc;

	if (h->f[F_GROUP].st != VAL_OK)
		return http_field_error(h, F_GROUP, "Choose the permission group.");
	if ((rc = settings_group_chosen(h, (unsigned)h->f[F_GROUP].num, g)) == DB_NOTFOUND)
		return http_field_error(h, F_GROUP, "Choose one of your permission groups.");
	return rc == DB_OK ? PAGE_OK : http_db_fail(rc);
}

/* The ticked users into x, each this tenant's (another tenant's id, or
 * one already gone: DB_NOTFOUND, a 404). */
static enum db_result ticked(struct http *h, struct ids *x)
{
	const struct val_value *ids = &h->f[F_ID];
	struct db_portal_user u;
	enum db_result rc = DB_OK;

	for (size_t i = 0; i < ids->nnums && rc == DB_OK; i++) {
		rc = db_portal_user_get(h->db, h->sess.tenant_id, (unsigned)ids->nums[i], &u);
		if (rc == DB_OK && collect(x, &u) != 0)
			rc = DB_ERR;
	}
	return rc;
}

/* The job of action on x's users (the ids as the worker reads them: 4
 * bytes each, little-endian) and its audit entry; *id the job's. */
static enum db_result bulk_job(struct http *h, int action, const struct db_group *g,
			       const struct ids *x, int all, uint64_t *id)
{
	unsigned char *input = malloc(x->n * 4);
	struct db_job j;
	enum db_result rc = DB_ERR;

	if (input == NULL)
		goto out;
	for (size_t i = 0; i < x->n; i++) {
		input[i * 4] = (unsigned char)x->v[i];
		input[i * 4 + 1] = (unsigned char)(x->v[i] >> 8);
		input[i * 4 + 2] = (unsigned char)(x->v[i] >> 16);
		input[i * 4 + 3] = (unsigned char)(x->v[i] >> 24);
	}
	settings_job_actor(h, &j);
	snprintf(j.kind, sizeof j.kind, "bulk");
	snprintf(j.action, sizeof j.action, "%s", h->f[F_ACTION].str);
	j.arg = g->id;
	j.total = (unsigned)x->n;
	snprintf(j.title, sizeof j.title, "%s%s%s: %zu portal user%s", titles[action],
		 action == A_GROUP ? " to " : "", action == A_GROUP ? g->name : "", x->n,
		 x->n == 1 ? "" : "s");
	if ((rc = db_job_add(h->db, &j, input, x->n * 4, id)) == DB_OK)
		rc = http_audit(h, "portal_user.bulk", j.title, NULL,
				all ? "all the view holds" : "the ticked users");
out:
	free(input);
	return rc;
}

static enum page_result bulk_post(struct http *h)
{
	int action = (int)h->f[F_ACTION].num, all = h->f[F_SCOPE].num == S_ALL;
	struct ids x = {0};
	struct list_view lv;
	struct db_group g = {0};
	uint64_t id = 0;
	enum page_result r = PAGE_OK;
	enum db_result rc;
	char where[96] = "";
	const char *bad;

	if ((bad = portal_access_view(h->f, &lv)) != NULL)
		return http_bad_request(h, bad);
	if (action == A_GROUP && (r = chosen_group(h, &g)) != PAGE_OK)
		return r;
	if (!all && h->f[F_ID].st != VAL_OK)
		return http_field_error(h, F_SCOPE,
					"No portal user is ticked: tick some in the list, or "
					"choose all the view holds.");
	if ((rc = all ? walk_view(h, &lv, &x) : ticked(h, &x)) != DB_OK)
		goto out;
	if (x.over)
		r = http_field_error(h, F_SCOPE,
				     http_text(h,
					       "This view holds more than %d portal users: narrow "
					       "it with a filter first.",
					       ALL_MAX));
	else if (x.n == 0)
		r = http_field_error(h, F_SCOPE, "This view holds no portal user.");
	else if ((rc = bulk_job(h, action, &g, &x, all, &id)) == DB_OK)
		snprintf(where, sizeof where, "/settings/client/portal-access/job?id=%llu",
			 (unsigned long long)id);
out:
	free(x.v);
	return r != PAGE_OK ? r : http_done(h, rc, where);
}

const struct page page_portal_bulk_action = {
	.path = "/settings/client/portal-access/bulk-action",
	.name = "portal-bulk-action",
	.title = "Bulk Action",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_EDIT,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = bulk_get,
	.post = bulk_post,
	.txn = 1,
};
