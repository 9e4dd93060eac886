/* /portal/<slug>/request-link: a used or expired set-password link asks for
 * a fresh one, sent to the address the link was made for (never one the
 * visitor types), at most 5 per user per 15 minutes. */
#include "config.h"

#include <stdio.h>

#include "invite.h"
#include "pages.h"

enum { F_TOKEN };
static const struct val_field form[] = {
	[F_TOKEN] = {"token", val_line, 64, VAL_REQUIRED, "Link"},
};

static enum page_result rl_post(struct http *h)
{
	unsigned char th[32];
	char key[64], where[128];
	struct db_tenant t;
	struct db_token tok;
	enum page_result r;
	enum db_result rc;
	enum auth_result arc;
	long long retry = 0;

	if ((r = portal_tenant(h, &t)) != PAGE_OK)
		return r;
	snprintf(where, sizeof where, "/portal/%s/set-password?sent=1", t.slug);
	if (!t.portal_enabled)
		return http_redirect(h, where); /* the page then says the portal is off */
	if (auth_token_digest(h->f[F_TOKEN].str, th) != 0)
		return http_redirect(h, where);
	if ((rc = db_token_find(h->db, t.id, "set_password", th, &tok)) == DB_NOTFOUND)
		return http_redirect(h, where); /* the same answer: nothing to learn */
	if (rc != DB_OK)
		return http_db_fail(rc);
	snprintf(key, sizeof key, "relink:%u", tok.user_id);
	if ((arc = auth_throttle_reserve(h->db, key, h->addr, &retry)) == AUTH_LOCKED) {
		h->retry_after = retry;
		return PAGE_THROTTLED;
	}
	if (arc != AUTH_OK)
		return PAGE_UNAVAILABLE;
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	if ((rc = invite_enqueue(h->db, h->conf, &t, tok.user_id, tok.company, tok.email)) != DB_OK)
		goto out;
	rc = http_audit_self(h, t.id, DB_ACTOR_PORTAL, tok.user_id, tok.email,
			     "portal_user.request_link", NULL);
out:
	return http_txn_end(h, rc, where);
}

const struct page page_request_link = {
	.path = "/portal/*/request-link",
	.name = "request-link",
	.title = "New link",
	.methods = HTTP_POST,
	.auth = PAGE_PUBLIC,
	PAGE_FORM(form),
	.post = rl_post,
};
