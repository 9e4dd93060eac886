/* /portal/<slug>/mfa: the second step of a sign-in with MFA on.  The
 * session (stage "mfa") has passed the password; a TOTP code (one step of
 * tolerance, never the same step twice) or an unused recovery code makes it
 * a signed-in session with a new token.  Wrong codes count against the same
 * throttle as wrong passwords. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "mfa_flow.h"
#include "pages.h"
#include "xml.h"

/* Where a session of another stage belongs. */
static enum page_result elsewhere(struct http *h)
{
	char to[160];
	portal_url(h, h->stage == SIGN_IN_ENROL ? "mfa/enrol" : "home", to, sizeof to);
	return http_redirect(h, to);
}

static enum page_result mfa_get(struct http *h, xmlNodePtr root)
{
	if (h->stage != SIGN_IN_MFA)
		return elsewhere(h);
	char url[160];
	xmlNodePtr n = xml_el(root, "portal-mfa");
	xml_attr(n, "email", h->psess.email);
	portal_url(h, "mfa", url, sizeof url);
	xml_attr(n, "action", url);
	portal_url(h, "logout", url, sizeof url);
	xml_attr(n, "logout", url);
	xml_attr(n, "csrf", h->csrf);
	return PAGE_OK;
}

static enum page_result mfa_post(struct http *h)
{
	struct mfaflow_user u;
	char key[64], to[160];
	enum page_result r;

	if (h->stage != SIGN_IN_MFA)
		return elsewhere(h);
	portal_mfa_user(h, &u);
	snprintf(key, sizeof key, "mfa:%u", h->psess.user_id);
	if ((r = mfaflow_sign_in(h, &u, key)) != PAGE_OK)
		return r;
	portal_url(h, "home", to, sizeof to);
	return http_redirect(h, to);
}

const struct page page_portal_mfa = {
	.path = "/portal/*/mfa",
	.name = "portal-mfa",
	.title = "Two-step verification",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_STAGE,
	PAGE_FORM(mfaflow_code_form),
	.get = mfa_get,
	.post = mfa_post,
};
