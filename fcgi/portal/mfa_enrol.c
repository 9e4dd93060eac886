/* /portal/<slug>/mfa/enrol: setting up TOTP.  GET makes (once) a pending
 * key, sealed in the user's row, and shows it as a QR code and as text;
 * POST checks a code from the app against it, turns MFA on, and shows ten
 * recovery codes once (only their hashes are kept).  A user required to use
 * MFA lands here after the password (stage "enrol") and is signed in when
 * it is done; a signed-in user may come from the account page. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "mfa_flow.h"
#include "pages.h"
#include "xml.h"

static int allowed(const struct http *h)
{
	return h->psess.user_id != 0 && (h->stage == SIGN_IN_ENROL || h->stage == SIGN_IN_FULL);
}

static enum page_result enrol_get(struct http *h, xmlNodePtr root)
{
	struct mfaflow_user u;
	char url[160];
	xmlNodePtr n;

	if (!allowed(h))
		return PAGE_FORBIDDEN;
	portal_mfa_user(h, &u);
	n = xml_el(root, "portal-mfa-enrol");
	portal_url(h, "mfa/enrol", url, sizeof url);
	xml_attr(n, "action", url);
	portal_url(h, "home", url, sizeof url);
	xml_attr(n, "continue", url);
	portal_url(h, "account", url, sizeof url);
	xml_attr(n, "back", url);
	return mfaflow_enrol_xml(h, n, &u);
}

static enum page_result enrol_post(struct http *h)
{
	struct mfaflow_user u;
	char again[160];

	if (!allowed(h))
		return PAGE_FORBIDDEN;
	portal_mfa_user(h, &u);
	portal_url(h, "mfa/enrol", again, sizeof again);
	return mfaflow_enrol_post(h, &u, again);
}

const struct page page_portal_mfa_enrol = {
	.path = "/portal/*/mfa/enrol",
	.name = "portal-mfa-enrol",
	.title = "Set up two-step verification",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_STAGE,
	PAGE_FORM(mfaflow_code_form),
	.get = enrol_get,
	.post = enrol_post,
};
