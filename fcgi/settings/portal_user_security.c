/* /settings/client/portal-access/security: an office user's hand on a
 * portal user's sign-in: require MFA (or stop requiring it), reset MFA
 * (a lost phone: the key and recovery codes go, and so do the user's
 * sessions), and unlock sign-in after the throttle paused it. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"

enum { F_ID, F_ACTION };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED, "Portal user"},
	[F_ACTION] = {"action", val_line, 16, VAL_REQUIRED, "Action"},
};

static enum page_result security_post(struct http *h)
{
	unsigned id = (unsigned)h->f[F_ID].num;
	const char *action = h->f[F_ACTION].str, *done, *audit;
	struct db_portal_user u;
	enum db_result rc;
	char target[1100], where[128], key[64];

	if (strcmp(action, "require") == 0 || strcmp(action, "unrequire") == 0) {
		done = action[0] == 'r' ? "mfa-on" : "mfa-off";
		audit = action[0] == 'r' ? "portal_user.mfa_required"
					 : "portal_user.mfa_not_required";
	} else if (strcmp(action, "reset") == 0) {
		done = "mfa-reset";
		audit = "portal_user.mfa_reset";
	} else if (strcmp(action, "unlock") == 0) {
		done = "unlocked";
		audit = "portal_user.unlock";
	} else
		return http_bad_request(h,
					"Unknown action: use require, unrequire, reset or unlock.");
	snprintf(where, sizeof where, "/settings/client/portal-access/edit?id=%u&done=%s", id,
		 done);
	if ((rc = db_portal_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK)
		goto out;
	if (strcmp(done, "mfa-on") == 0 || strcmp(done, "mfa-off") == 0)
		rc = db_mfa_require(h->db, DB_PORTAL, h->sess.tenant_id, id,
				    strcmp(action, "require") == 0);
	else if (strcmp(done, "mfa-reset") == 0) {
		/* Whoever holds the old phone must not stay signed in. */
		if ((rc = db_mfa_reset(h->db, DB_PORTAL, h->sess.tenant_id, id)) == DB_OK)
			rc = db_session_delete_portal_user(h->db, id);
	} else {
		auth_portal_account(id, h->sess.tenant_id, "", key, sizeof key);
		rc = auth_throttle_unlock(h->db, key) == AUTH_OK ? DB_OK : DB_ERR;
	}
	if (rc != DB_OK)
		goto out;
	snprintf(target, sizeof target, "%s <%s>", u.company, u.email);
	rc = http_audit(h, audit, target, NULL, NULL);
out:
	return http_done(h, rc, where);
}

const struct page page_portal_user_security = {
	.path = "/settings/client/portal-access/security",
	.name = "portal-user-security",
	.title = "Portal user sign-in security",
	.methods = HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	PAGE_FORM(form),
	.post = security_post,
	.txn = 1, /* the core begins, commits or rolls back */
};
