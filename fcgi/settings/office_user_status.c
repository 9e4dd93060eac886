/* /settings/office-users/status: deactivate or reactivate an office user.
 * Deactivating ends the user's sessions at once; nobody deactivates
 * themselves, and the last active Super Admin stays active. */
#include "config.h"

#include <stdio.h>

#include "pages.h"

enum { F_ID, F_ACTIVE };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED, "Office user"},
	[F_ACTIVE] = {"active", val_bool, 1, VAL_REQUIRED, "Active"},
};

static enum page_result status_post(struct http *h)
{
	unsigned id = (unsigned)h->f[F_ID].num, ids[2], n = 0;
	int active = (int)h->f[F_ACTIVE].num;
	struct db_office_user u;
	enum db_result rc;

	if (id == h->sess.user_id) {
		h->error_msg = "You cannot change your own status; another Super Admin can.";
		return PAGE_CONFLICT;
	}
	if ((rc = db_office_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK)
		goto out;
	if (!active && u.active && u.settings >= DB_PERM_SUPER) {
		if ((rc = db_office_supers_locked(h->db, h->sess.tenant_id, ids, 2, &n)) != DB_OK)
			goto out;
		if (n <= 1) {
			h->error_msg =
				"This is the last active Super Admin: make another one first.";
			return PAGE_CONFLICT;
		}
	}
	if ((rc = db_office_user_set_active(h->db, h->sess.tenant_id, id, active)) != DB_OK ||
	    (!active && (rc = db_session_delete_office_user(h->db, id)) != DB_OK))
		goto out;
	rc = http_audit(h, active ? "office_user.activate" : "office_user.deactivate", u.email,
			u.active ? "active" : "inactive", active ? "active" : "inactive");
out:
	return http_done(h, rc,
			 active ? "/settings/office-users?done=activated"
				: "/settings/office-users?done=deactivated");
}

const struct page page_office_user_status = {
	.path = "/settings/office-users/status",
	.name = "office-user-status",
	.title = "Office user status",
	.methods = HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_SUPER,
	.need_edit = DB_PERM_SUPER,
	PAGE_FORM(form),
	.post = status_post,
	.txn = 1, /* the core begins, commits or rolls back */
};
