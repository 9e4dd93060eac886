/* /portal/<slug>/logout: ends the portal session on the server. */
#include "config.h"

#include <stdio.h>

#include "pages.h"

static enum page_result logout_post(struct http *h)
{
	char path[128], to[160];
	enum db_result rc;

	if (h->psess.viewer_id != 0) {
		/* The end of an office user's view: audited as theirs, and back
		 * to the portal user's page in the settings. */
		struct db_audit a = {
			.tenant_id = h->tenant.id,
			.actor_kind = DB_ACTOR_OFFICE,
			.actor_id = h->psess.viewer_id,
			.actor_email = h->psess.viewer,
			.action = "portal_user.view_as_end",
			.target_kind = "portal_user",
			.target_id = h->psess.user_id,
			.target = h->psess.email,
		};
		if ((rc = db_session_delete(h->db, h->token_hash)) != DB_OK ||
		    (rc = http_audit_entry(h, &a)) != DB_OK)
			return http_db_fail(rc);
		http_portal_path(h, path, sizeof path);
		http_set_cookie(h, HTTP_COOKIE_PORTAL, "", path, 0, "None");
		snprintf(to, sizeof to, "/settings/client/portal-access/edit?id=%u&done=viewed",
			 h->psess.user_id);
		return http_redirect(h, to);
	}
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
