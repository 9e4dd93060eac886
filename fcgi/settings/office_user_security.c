/* /settings/office-users/security: a Super Admin requires two-step
 * verification for an office user (who enrols at the next sign-in), stops
 * requiring it, or resets it (a lost phone: the key and recovery codes go,
 * and so do the user's sessions). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"

enum { F_ID, F_ACTION };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED, "Office user"},
	[F_ACTION] = {"action", val_line, 16, VAL_REQUIRED, "Action"},
};

static enum page_result sec_post(struct http *h)
{
	unsigned id = (unsigned)h->f[F_ID].num;
	const char *action = h->f[F_ACTION].str, *audit;
	struct db_office_user u;
	enum db_result rc;
	char where[128];

	if (strcmp(action, "require") == 0)
		audit = "office_user.mfa_required";
	else if (strcmp(action, "unrequire") == 0)
		audit = "office_user.mfa_not_required";
	else if (strcmp(action, "reset") == 0)
		audit = "office_user.mfa_reset";
	else
		return http_bad_request(h, "Unknown action: use require, unrequire or reset.");
	snprintf(where, sizeof where, "/settings/office-users/edit?id=%u", id);
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	if ((rc = db_office_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK)
		goto out;
	if (strcmp(action, "reset") == 0) {
		if ((rc = db_mfa_reset(h->db, DB_OFFICE, h->sess.tenant_id, id)) == DB_OK &&
		    id != h->sess.user_id)
			rc = db_session_delete_office_user(h->db, id);
	} else
		rc = db_mfa_require(h->db, DB_OFFICE, h->sess.tenant_id, id,
				    strcmp(action, "require") == 0);
	if (rc == DB_OK)
		rc = http_audit(h, audit, u.email, NULL, NULL);
out:
	return http_txn_end(h, rc, where);
}

const struct page page_office_user_security = {
	.path = "/settings/office-users/security",
	.name = "office-user-security",
	.title = "Office user sign-in security",
	.methods = HTTP_POST,
	.auth = PAGE_OFFICE,
	.need_view = DB_PERM_SUPER,
	.need_edit = DB_PERM_SUPER,
	.form = form,
	.nform = sizeof form / sizeof form[0],
	.post = sec_post,
};
