/* /portal/<slug>/t?token=T: a customer's secure token link (seed 003).
 * While the customer has no portal users it opens the customer's portal
 * without a password (read-only until permission groups exist); once the
 * customer has one, it leads to the sign-in page instead.  Tokens are
 * looked up by hash; a rotated token is simply no longer found.  The
 * session is a new one with its own cookie, and the answer is a redirect,
 * so the token leaves the address bar (and any Referer) at once. */
#include "config.h"

#include <stdio.h>

#include "log.h"
#include "pages.h"

enum { Q_TOKEN };
static const struct val_field query[] = {
	[Q_TOKEN] = {"token", val_line, 64, VAL_REQUIRED, "Link"},
};

static enum db_result open_session(struct http *h, const void *ctx)
{
	return portal_session_start(h, 0, *(const unsigned *)ctx, SIGN_IN_FULL);
}

static enum page_result token_get(struct http *h, xmlNodePtr root)
{
	struct db_audit a = {
		.actor_kind = DB_ACTOR_PORTAL,
		.actor_email = "the customer's secure link",
		.action = "portal.token_sign_in",
		.target_kind = "customer",
		.target = "",
	};
	unsigned char hash[32];
	unsigned cid = 0, users = 0;
	char to[160];
	enum db_result rc;

	(void)root;
	/* A malformed link is answered as an unknown one. */
	if (auth_token_digest(h->q[Q_TOKEN].str, hash) != 0)
		rc = DB_NOTFOUND;
	else
		rc = db_customer_by_token(h->db, h->tenant.id, hash, &cid, &users);
	sodium_memzero(hash, sizeof hash);
	if (rc == DB_NOTFOUND) {
		h->error_msg = "This link is not valid. It may have been replaced by a newer one.";
		return PAGE_NOT_FOUND;
	}
	if (rc != DB_OK)
		return http_db_fail(rc);
	portal_url(h, "", to, sizeof to);
	/* Portal off (the sign-in page says so) or the customer has users. */
	if (!h->tenant.portal_enabled || users > 0)
		return http_redirect(h, to);
	/* The session and its audit entry together: the link's holder is
	 * the customer, no user of it. */
	a.tenant_id = h->tenant.id;
	a.target_id = cid;
	if ((rc = http_session_audited(h, open_session, &cid, &a)) != DB_OK)
		return http_db_fail(rc);
	log_info("portal opened by token link of customer %u", cid);
	portal_url(h, "home", to, sizeof to);
	return http_redirect(h, to);
}

const struct page page_portal_token = {
	.path = "/portal/*/t",
	.name = "portal-token",
	.title = "Client portal",
	.methods = HTTP_GET,
	.auth = PAGE_PUBLIC,
	PAGE_QUERY(query),
	.get = token_get,
	.redirects_only = 1,
};
