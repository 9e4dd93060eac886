/* /settings/office-users/security: a Super Admin requires two-step
 * verification for an office user (who enrols at the next sign-in), stops
 * requiring it, or resets it (a lost phone: the key and recovery codes go,
 * and so do the user's sessions).  A reset asks first: GET ?id=N&action=reset
 * is a confirmation page whose form sends confirm=1; a reset POSTed without
 * it comes back as that page, changing nothing (no JavaScript needed). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "xml.h"

enum { Q_ID, Q_ACTION };
static const struct val_field query[] = {
	[Q_ID] = {"id", val_id, 10, VAL_REQUIRED, "Office user"},
	[Q_ACTION] = {"action", val_line, 16, VAL_REQUIRED, "Action"},
};

enum { F_ID, F_ACTION, F_CONFIRM };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED, "Office user"},
	[F_ACTION] = {"action", val_line, 16, VAL_REQUIRED, "Action"},
	[F_CONFIRM] = {"confirm", val_bool, 1, 0, "Confirm"},
};

/* The confirmation of a reset (only a reset asks). */
static enum page_result sec_get(struct http *h, xmlNodePtr root)
{
	const struct val_value *id = h->method == HTTP_GET ? &h->q[Q_ID] : &h->f[F_ID];
	const struct val_value *ac = h->method == HTTP_GET ? &h->q[Q_ACTION] : &h->f[F_ACTION];
	struct db_office_user u;
	enum db_result rc;
	int req = 0, en = 0;
	xmlNodePtr page;

	if (id->st != VAL_OK || ac->st != VAL_OK || strcmp(ac->str, "reset") != 0)
		return http_bad_request(h,
					"Only a reset of two-step verification asks for "
					"confirmation: use action=reset and an office user's id.");
	if ((rc = db_office_user_get(h->db, h->sess.tenant_id, (unsigned)id->num, &u)) != DB_OK ||
	    (rc = db_mfa_state(h->db, DB_OFFICE, h->sess.tenant_id, u.id, &req, &en)) != DB_OK)
		return http_db_fail(rc);
	page = xml_el(root, "office-user-security");
	xml_attr(page, "action", "reset");
	xml_attr_bool(settings_office_user_xml(h, page, &u), "mfa-enabled", en);
	return PAGE_OK;
}

static enum page_result sec_post(struct http *h)
{
	unsigned id = (unsigned)h->f[F_ID].num;
	const char *action = h->f[F_ACTION].str, *audit, *done;
	struct db_office_user u;
	enum db_result rc;
	char where[128];

	if (strcmp(action, "require") == 0) {
		audit = "office_user.mfa_required";
		done = "mfa-required";
	} else if (strcmp(action, "unrequire") == 0) {
		audit = "office_user.mfa_not_required";
		done = "mfa-not-required";
	} else if (strcmp(action, "reset") == 0) {
		audit = "office_user.mfa_reset";
		done = "mfa-reset";
		if (h->f[F_CONFIRM].st != VAL_OK || !h->f[F_CONFIRM].num) {
			/* Not confirmed: the confirmation page, nothing changed. */
			h->status = 200;
			return PAGE_INVALID;
		}
	} else
		return http_bad_request(h, "Unknown action: use require, unrequire or reset.");
	snprintf(where, sizeof where, "/settings/office-users/edit?id=%u&done=%s", id, done);
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
	return http_done(h, rc, where);
}

const struct page page_office_user_security = {
	.path = "/settings/office-users/security",
	.name = "office-user-security",
	.title = "Reset two-step verification",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_SUPER,
	.need_edit = DB_PERM_SUPER,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = sec_get,
	.post = sec_post,
	.txn = 1, /* the core begins, commits or rolls back */
};
