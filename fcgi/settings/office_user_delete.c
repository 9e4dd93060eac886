/* /settings/office-users/delete: GET with the ticked ids shows a
 * confirmation naming them; POST deletes them in one transaction, keeping
 * each login as a tombstone (never to be used again).  Sessions and
 * permissions go with the rows.  Nobody deletes themselves, and the
 * tenant keeps at least one active Super Admin. */
#include "config.h"

#include <stdio.h>

#include "pages.h"
#include "xml.h"

enum { Q_ID };
static const struct val_field query[] = {
	[Q_ID] = {"id", val_id, 10, VAL_REQUIRED | VAL_MULTI, "Office users"},
};

enum { F_ID };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED | VAL_MULTI, "Office users"},
};

static enum page_result del_get(struct http *h, xmlNodePtr root)
{
	const struct val_value *ids = h->method == HTTP_GET ? &h->q[Q_ID] : &h->f[F_ID];
	struct db_office_user u;
	enum db_result rc;
	xmlNodePtr page;

	page = xml_el(root, "office-user-delete");
	xml_attr_int(page, "count", (long long)ids->nnums);
	for (size_t i = 0; i < ids->nnums; i++) {
		if ((rc = db_office_user_get(h->db, h->sess.tenant_id, (unsigned)ids->nums[i],
					     &u)) != DB_OK)
			return http_db_fail(rc);
		settings_office_user_xml(h, page, &u);
	}
	return PAGE_OK;
}

static int listed(const struct val_value *ids, unsigned id)
{
	for (size_t i = 0; i < ids->nnums; i++)
		if ((unsigned)ids->nums[i] == id)
			return 1;
	return 0;
}

static enum page_result del_post(struct http *h)
{
	const struct val_value *ids = &h->f[F_ID];
	struct db_office_user u;
	unsigned supers[64], n = 0, left = 0;
	enum db_result rc;
	char where[80];

	snprintf(where, sizeof where, "/settings/office-users?done=deleted&n=%zu", ids->nnums);
	if (listed(ids, h->sess.user_id)) {
		h->error_msg = "You cannot delete yourself; another Super Admin can.";
		return PAGE_CONFLICT;
	}
	if ((rc = db_office_supers_locked(h->db, h->sess.tenant_id, supers, 64, &n)) != DB_OK)
		goto out;
	for (unsigned i = 0; i < n && i < 64; i++)
		left += !listed(ids, supers[i]);
	if (n > 0 && left == 0 && n <= 64) {
		h->error_msg =
			"That would delete the last active Super Admin: make another one first.";
		return PAGE_CONFLICT;
	}
	for (size_t i = 0; i < ids->nnums; i++) {
		unsigned id = (unsigned)ids->nums[i];
		if ((rc = db_office_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK ||
		    (rc = db_office_user_delete(h->db, h->sess.tenant_id, id, u.email)) != DB_OK ||
		    (rc = http_audit(h, "office_user.delete", u.email, u.role, NULL)) != DB_OK)
			goto out;
	}
out:
	return http_done(h, rc, where);
}

const struct page page_office_user_delete = {
	.path = "/settings/office-users/delete",
	.name = "office-user-delete",
	.title = "Delete Office Users",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_SUPER,
	.need_edit = DB_PERM_SUPER,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = del_get,
	.post = del_post,
	.txn = 1, /* the core begins, commits or rolls back */
};
