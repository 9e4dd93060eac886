/* /settings/client/portal-access/delete: GET with the ticked ids shows a
 * confirmation naming them (no JavaScript needed); POST deletes them all in
 * one transaction.  Their sessions and links go with them (foreign keys).
 * The list's view (sort, filter, status, page, page size) comes along from
 * the list's form: Cancel, and the list after the deletion, show it again.
 * Asked from a customer's page (from=customer), both go back there. */
#include "config.h"

#include <stdio.h>

#include "pages.h"
#include "xml.h"

VAL_CHOICE(from_choice, "From is customer.", "customer")
enum { Q_ID = PORTAL_ACCESS_NVIEW, Q_FROM };
static const struct val_field query[] = {
	PORTAL_ACCESS_VIEW_FIELDS,
	[Q_ID] = {"id", val_id, 10, VAL_REQUIRED | VAL_MULTI, "Portal users"},
	[Q_FROM] = {"from", from_choice, 8, 0, "From"},
};

enum { F_ID = PORTAL_ACCESS_NVIEW, F_FROM };
static const struct val_field form[] = {
	PORTAL_ACCESS_VIEW_FIELDS,
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED | VAL_MULTI, "Portal users"},
	[F_FROM] = {"from", from_choice, 8, 0, "From"},
};

/* The customer's page, when the deletion was asked from there. */
static void customer_href(char *out, size_t sz, unsigned customer_id, const char *done)
{
	snprintf(out, sz, "/settings/customers/edit?id=%u%s%s", customer_id, done ? "&" : "",
		 done ? done : "");
}

static enum page_result del_get(struct http *h, xmlNodePtr root)
{
	int get = h->method == HTTP_GET;
	const struct val_value *view = get ? h->q : h->f;
	const struct val_value *ids = get ? &h->q[Q_ID] : &h->f[F_ID];
	int from = (get ? &h->q[Q_FROM] : &h->f[F_FROM])->st == VAL_OK;
	struct db_portal_user u;
	struct list_view lv;
	enum db_result rc;
	xmlNodePtr page, n;
	const char *bad;
	char back[LIST_CURSOR_MAX + 1700];

	if ((bad = portal_access_view(view, &lv)) != NULL)
		return http_bad_request(h, bad);
	portal_access_href(back, sizeof back, &lv, NULL);
	page = xml_el(root, "portal-user-delete");
	xml_attr_int(page, "count", (long long)ids->nnums);
	if (!from)
		xml_attr(page, "back", back);
	portal_access_keep(page, get ? query : form, view);
	for (size_t i = 0; i < ids->nnums; i++) {
		/* Another tenant's id, or one already gone: 404. */
		if ((rc = db_portal_user_get(h->db, h->sess.tenant_id, (unsigned)ids->nums[i],
					     &u)) != DB_OK)
			return http_db_fail(rc);
		if (from && i == 0) {
			customer_href(back, sizeof back, u.customer_id, NULL);
			xml_attr(page, "back", back);
			n = xml_el(page, "keep");
			xml_attr(n, "name", "from");
			xml_attr(n, "value", "customer");
		}
		n = xml_el(page, "user");
		xml_attr_int(n, "id", u.id);
		xml_text_el(n, "company", u.company);
		xml_text_el(n, "email", u.email);
	}
	return PAGE_OK;
}

static enum page_result del_post(struct http *h)
{
	const struct val_value *ids = &h->f[F_ID];
	struct db_portal_user u;
	struct list_view lv;
	unsigned long long n = 0, deleted = 0;
	unsigned customer_id = 0;
	enum db_result rc;
	const char *bad;
	char target[300], done[40], where[LIST_CURSOR_MAX + 1800];

	/* A bad view is refused before anything is deleted. */
	if ((bad = portal_access_view(h->f, &lv)) != NULL)
		return http_bad_request(h, bad);
	for (size_t i = 0; i < ids->nnums; i++) {
		unsigned id = (unsigned)ids->nums[i];
		if ((rc = db_portal_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK ||
		    (rc = db_portal_user_delete(h->db, h->sess.tenant_id, id, &n)) != DB_OK)
			goto out;
		deleted += n;
		if (customer_id == 0)
			customer_id = u.customer_id;
		snprintf(target, sizeof target, "%s <%s>", u.company, u.email);
		if ((rc = http_audit(h, "portal_user.delete", target, target, NULL)) != DB_OK)
			goto out;
	}
out:
	/* The list as it was, with a notice that counts (portal_access.c). */
	snprintf(done, sizeof done, "done=deleted&n=%llu", deleted);
	if (h->f[F_FROM].st == VAL_OK && customer_id != 0)
		customer_href(where, sizeof where, customer_id, "done=deleted");
	else
		portal_access_href(where, sizeof where, &lv, done);
	return http_done(h, rc, where);
}

const struct page page_portal_user_delete = {
	.path = "/settings/client/portal-access/delete",
	.name = "portal-user-delete",
	.title = "Delete Portal Users",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_EDIT,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = del_get,
	.post = del_post,
	.txn = 1, /* the core begins, commits or rolls back */
};
