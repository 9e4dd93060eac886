/* /settings/client/portal-access/resend: a new invitation; the new link
 * kills every earlier one.  Back to the user's page, or to its customer's
 * when asked from there (from=customer). */
#include "config.h"

#include <stdio.h>

#include "pages.h"

VAL_CHOICE(from_choice, "From is customer.", "customer")
enum { F_ID, F_FROM };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED, "Portal user"},
	[F_FROM] = {"from", from_choice, 8, 0, "From"},
};

static enum page_result resend_post(struct http *h)
{
	unsigned id = (unsigned)h->f[F_ID].num;
	struct db_portal_user u;
	enum db_result rc;
	char target[300], where[128];

	snprintf(where, sizeof where, "/settings/client/portal-access/edit?id=%u&done=%s", id,
		 h->sess.tenant.portal_enabled ? "resent" : "off");
	if ((rc = db_portal_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK)
		goto out;
	if (h->f[F_FROM].st == VAL_OK)
		snprintf(where, sizeof where, "/settings/customers/edit?id=%u&done=%s",
			 u.customer_id, h->sess.tenant.portal_enabled ? "resent" : "off");
	if (!h->sess.tenant.portal_enabled)
		return http_redirect(h, where);
	if ((rc = invite_enqueue(h->db, h->conf, &h->sess.tenant, u.id, u.company, u.email)) !=
	    DB_OK)
		goto out;
	snprintf(target, sizeof target, "%s <%s>", u.company, u.email);
	rc = http_audit(h, "portal_user.resend_invitation", target, NULL, NULL);
out:
	return http_done(h, rc, where);
}

const struct page page_portal_user_resend = {
	.path = "/settings/client/portal-access/resend",
	.name = "portal-user-resend",
	.title = "Resend Invitation",
	.methods = HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	PAGE_FORM(form),
	.post = resend_post,
	.txn = 1, /* the core begins, commits or rolls back */
};
