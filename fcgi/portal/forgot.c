/* /portal/<slug>/forgot: "Forgot password?".  The answer is the same
 * whether or not the email has an account (no enumeration): the reset mail
 * goes only to an existing, active account, at most 5 per account per 15
 * minutes, and the link lives conf mail.reset_valid_minutes. */
#include "config.h"

#include <stdio.h>

#include "invite.h"
#include "pages.h"
#include "pw_flow.h"
#include "xml.h"

static enum page_result forgot_get(struct http *h, xmlNodePtr root)
{
	char path[128];

	http_portal_path(h, path, sizeof path);
	pwflow_forgot_xml(h, root, "portal-forgot", path, h->tenant.portal_enabled,
			  (int)h->conf->mail.reset_valid_minutes);
	return PAGE_OK;
}

static enum page_result forgot_post(struct http *h)
{
	struct db_portal_login u;
	char key[300], where[160];
	enum page_result r;
	enum db_result rc;

	portal_url(h, "forgot?sent=1", where, sizeof where);
	if (!h->tenant.portal_enabled)
		return PAGE_INVALID;
	rc = db_portal_login(h->db, h->tenant.id, h->f[PWFLOW_F_EMAIL].str, &u);
	sodium_memzero(u.hash, sizeof u.hash);
	if (rc == DB_NOTFOUND || (rc == DB_OK && !u.active))
		return http_redirect(h, where);
	if (rc != DB_OK)
		return http_db_fail(rc);
	/* Limited per account (not per address only), so nobody can flood a
	 * customer's inbox; past the limit the answer is still the same. */
	snprintf(key, sizeof key, "reset:%u", u.id);
	if ((r = pwflow_forgot_counted(h, key, where)) != PAGE_OK)
		return r;
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	if ((rc = invite_enqueue_reset(h->db, h->conf, &h->tenant, u.id, u.email)) != DB_OK)
		goto out;
	rc = http_audit_self(h, h->tenant.id, DB_ACTOR_PORTAL, u.id, u.email,
			     "portal_user.reset_requested", NULL);
out:
	return http_txn_end(h, rc, where);
}

const struct page page_portal_forgot = {
	.path = "/portal/*/forgot",
	.name = "portal-forgot",
	.title = "Forgot password",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_PUBLIC,
	PAGE_QUERY(pwflow_forgot_query),
	PAGE_FORM(pwflow_forgot_form),
	.get = forgot_get,
	.post = forgot_post,
};
