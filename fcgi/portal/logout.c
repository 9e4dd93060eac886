/* /portal/<slug>/logout: ends the portal session on the server. */
#include "config.h"

#include "pages.h"

static enum page_result logout_post(struct http *h)
{
	char path[128], to[160];
	enum db_result rc;

	if ((rc = db_session_delete(h->db, h->token_hash)) != DB_OK ||
	    (rc = portal_audit(h, "portal_user.sign_out", h->psess.email, NULL, NULL)) != DB_OK)
		return http_db_fail(rc);
	http_portal_path(h, path, sizeof path);
	http_set_cookie(h, HTTP_COOKIE_PORTAL, "", path, 0, "None");
	snprintf(to, sizeof to, "%s?signed_out=1", path);
	return http_redirect(h, to);
}

const struct page page_portal_logout = {
	.path = "/portal/*/logout",
	.name = "portal-logout",
	.title = "Sign out",
	.methods = HTTP_POST,
	.auth = PAGE_STAGE,
	.post = logout_post,
	.txn = 1,
};
