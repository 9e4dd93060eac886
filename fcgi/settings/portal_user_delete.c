/* /settings/client/portal-access/delete: GET with the ticked ids shows a
 * confirmation naming them (no JavaScript needed); POST deletes them all in
 * one transaction.  Their sessions and links go with them (foreign keys). */
#include "config.h"

#include <stdio.h>

#include "pages.h"
#include "xml.h"

enum { Q_ID };
static const struct val_field query[] = {
	[Q_ID] = {"id", val_id, 10, VAL_REQUIRED | VAL_MULTI, "Portal users"},
};

enum { F_ID };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED | VAL_MULTI, "Portal users"},
};

static enum page_result del_get(struct http *h, xmlNodePtr root)
{
	const struct val_value *ids = h->method == HTTP_GET ? &h->q[Q_ID] : &h->f[F_ID];
	struct db_portal_user u;
	enum db_result rc;
	xmlNodePtr page, n;

	page = xml_el(root, "portal-user-delete");
	xml_attr_int(page, "count", (long long)ids->nnums);
	for (size_t i = 0; i < ids->nnums; i++) {
		/* Another tenant's id, or one already gone: 404. */
		if ((rc = db_portal_user_get(h->db, h->sess.tenant_id, (unsigned)ids->nums[i], &u)) !=
		    DB_OK)
			return http_db_fail(rc);
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
	unsigned long long n = 0;
	enum db_result rc;
	char target[300];

	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	for (size_t i = 0; i < ids->nnums; i++) {
		unsigned id = (unsigned)ids->nums[i];
		if ((rc = db_portal_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK ||
		    (rc = db_portal_user_delete(h->db, h->sess.tenant_id, id, &n)) != DB_OK)
			goto out;
		snprintf(target, sizeof target, "%s <%s>", u.company, u.email);
		if ((rc = http_audit(h, "portal_user.delete", target, target, NULL)) != DB_OK)
			goto out;
	}
out:
	return http_txn_end(h, rc, "/settings/client/portal-access?done=deleted");
}

const struct page page_portal_user_delete = {
	.path = "/settings/client/portal-access/delete",
	.name = "portal-user-delete",
	.title = "Delete Portal Users",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_OFFICE,
	.need_view = DB_PERM_EDIT,
	.need_edit = DB_PERM_EDIT,
	.query = query,
	.nquery = sizeof query / sizeof query[0],
	.form = form,
	.nform = sizeof form / sizeof form[0],
	.get = del_get,
	.post = del_post,
};
