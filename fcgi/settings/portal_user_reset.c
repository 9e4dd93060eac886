/* /settings/client/portal-access/send-reset: the office sends a portal user
 * the portal's own password-reset mail (Syncro: "send password reset" on
 * the customer's page).  The same mail, link and limit as the portal's
 * "Forgot password?" (fcgi/portal/forgot.c): a reset token and the outbox
 * row in one transaction, at most 5 per user per 15 minutes whoever asks.
 * Refused with a message while the portal is off (the link would open
 * nothing) and for a revoked user (their sign-in is refused anyway);
 * another tenant's user is 404. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"

enum { F_ID };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED, "Portal user"},
};

static enum page_result reset_post(struct http *h)
{
	unsigned id = (unsigned)h->f[F_ID].num;
	struct db_portal_user u;
	enum db_result rc;
	enum auth_result arc;
	long long retry = 0;
	char key[64], target[1100], where[128];

	if ((rc = db_portal_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK)
		return http_db_fail(rc);
	if (!h->sess.tenant.portal_enabled) {
		h->error_msg =
			"The Client Portal is off: no password reset was sent. Turn it on in "
			"Portal Access Settings first.";
		return PAGE_CONFLICT;
	}
	if (strcmp(u.status, "revoked") == 0) {
		h->error_msg = "This portal user's access is revoked: no password reset was sent. "
			       "Restore their access first.";
		return PAGE_CONFLICT;
	}
	/* The forgot-password flow's own counter (its key), so neither way
	 * can flood the user's inbox. */
	snprintf(key, sizeof key, "reset:%u", u.id);
	if ((arc = auth_throttle_reserve(h->db, key, h->addr, &retry)) == AUTH_LOCKED) {
		h->error_msg = "Too many password reset emails for this user: try again later.";
		h->retry_after = retry;
		return PAGE_THROTTLED;
	}
	if (arc != AUTH_OK)
		return PAGE_UNAVAILABLE;
	snprintf(where, sizeof where, "/settings/customers/edit?id=%u&done=reset", u.customer_id);
	/* Read again inside the transaction: revoked or deleted meanwhile is
	 * no mail. */
	if ((rc = db_portal_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK)
		goto out;
	if (strcmp(u.status, "revoked") == 0) {
		h->error_msg = "This portal user's access is revoked: no password reset was sent. "
			       "Restore their access first.";
		return PAGE_CONFLICT;
	}
	if ((rc = invite_enqueue_reset(h->db, h->conf, &h->sess.tenant, u.id, u.email)) != DB_OK)
		goto out;
	snprintf(target, sizeof target, "%s <%s>", u.company, u.email);
	rc = http_audit(h, "portal_user.reset_sent", target, NULL, NULL);
out:
	return http_done(h, rc, where);
}

const struct page page_portal_user_reset = {
	.path = "/settings/client/portal-access/send-reset",
	.name = "portal-user-reset",
	.title = "Send password reset",
	.methods = HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	PAGE_FORM(form),
	.post = reset_post,
	.txn = 1, /* the core begins, commits or rolls back */
};
