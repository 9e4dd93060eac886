/* /settings/client/portal-access/view-as: "View as this client" (issue
 * 15).  Opens the portal as one portal user sees it, in a session of its
 * own (never the client's: no password, no token of theirs), marked with
 * the office user (sessions.viewed_by, sql/025) so that the portal refuses
 * every change in it and shows who is looking, for VIEW_AS_MINUTES.  The
 * start is audited here, the end by the portal's sign-out. */
#include "config.h"

#include <stdio.h>

#include <sodium.h>

#include "pages.h"

#define VIEW_AS_MINUTES 15

enum { F_ID };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED, "Portal user"},
};

static enum page_result view_as_post(struct http *h)
{
	unsigned id = (unsigned)h->f[F_ID].num;
	char cookie[AUTH_COOKIE_LEN + 1], path[96], to[128];
	unsigned char hash[32];
	struct db_portal_user u;
	enum db_result rc;

	if ((rc = db_portal_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK)
		return http_db_fail(rc);
	if (!h->sess.tenant.portal_enabled) {
		h->error_msg = "The client portal is off: turn it on to view it as a client.";
		return PAGE_CONFLICT;
	}
	auth_token_fresh(cookie, hash);
	rc = db_view_as_start(h->db, hash, h->sess.tenant_id, id, h->sess.user_id, VIEW_AS_MINUTES,
			      h->addr, h->ua);
	sodium_memzero(hash, sizeof hash);
	if (rc == DB_NOTFOUND) {
		sodium_memzero(cookie, sizeof cookie);
		h->error_msg = "This portal user cannot sign in (access revoked): nothing to view.";
		return PAGE_CONFLICT;
	}
	if (rc == DB_OK)
		rc = http_audit_on(h, "portal_user.view_as_start", "portal_user", id, u.email, NULL,
				   "read-only, 15 minutes");
	if (rc != DB_OK) {
		sodium_memzero(cookie, sizeof cookie);
		return http_db_fail(rc);
	}
	snprintf(path, sizeof path, "/portal/%s/", h->sess.tenant.slug);
	http_set_cookie(h, HTTP_COOKIE_PORTAL, cookie, path, VIEW_AS_MINUTES * 60, "None");
	sodium_memzero(cookie, sizeof cookie);
	snprintf(to, sizeof to, "/portal/%s/home", h->sess.tenant.slug);
	return http_redirect(h, to);
}

const struct page page_portal_user_view_as = {
	.path = "/settings/client/portal-access/view-as",
	.name = "portal-user-view-as",
	.title = "View as this client",
	.methods = HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_EDIT,
	.need_edit = DB_PERM_EDIT,
	PAGE_FORM(form),
	.post = view_as_post,
	.txn = 1,
};
