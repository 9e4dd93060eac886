/* /settings/mfa and /settings/mfa/enrol: an office user's two-step
 * verification (the portal's model, shared through mfa_flow.c).  After the
 * password, a user with MFA on owes a code (session stage "mfa"), a user
 * required to use it and without it enrols first (stage "enrol"); either
 * way the session gets a new token when it becomes a signed-in one.  A
 * signed-in user may enrol from here too. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "mfa_flow.h"
#include "pages.h"
#include "xml.h"

/* The session becomes a signed-in one: a new token (the one that knew only
 * the password never is), the old row gone.  Caller's transaction. */
static enum db_result promote(struct http *h)
{
	enum db_result rc;

	if ((rc = db_session_delete(h->db, h->token_hash)) != DB_OK)
		return rc;
	return settings_session_start(h, h->sess.tenant_id, h->sess.user_id, SIGN_IN_FULL);
}

/* The signed-in office user's MFA, for mfa_flow.c's steps. */
static void me(struct http *h, struct mfaflow_user *u)
{
	*u = (struct mfaflow_user){.who = DB_OFFICE,
				   .tenant_id = h->sess.tenant_id,
				   .id = h->sess.user_id,
				   .issuer = h->sess.tenant.company,
				   .account = h->sess.email,
				   .enabled_action = "office_user.mfa_enabled",
				   .passed_action = "office_user.sign_in_mfa",
				   .failed_action = "office_user.mfa_failed",
				   .promote = promote};
}

static enum page_result mfa_get(struct http *h, xmlNodePtr root)
{
	xmlNodePtr n;

	if (h->stage != SIGN_IN_MFA)
		return http_redirect(h, h->stage == SIGN_IN_ENROL ? "/settings/mfa/enrol"
								  : "/settings/");
	n = xml_el(root, "office-mfa");
	xml_attr(n, "email", h->sess.email);
	xml_attr(n, "action", "/settings/mfa");
	xml_attr(n, "logout", "/settings/logout");
	xml_attr(n, "csrf", h->csrf);
	return PAGE_OK;
}

static enum page_result mfa_post(struct http *h)
{
	struct mfaflow_user u;
	char key[64];
	enum page_result r;

	if (h->stage != SIGN_IN_MFA)
		return http_redirect(h, "/settings/");
	me(h, &u);
	snprintf(key, sizeof key, "office-mfa:%u", h->sess.user_id);
	if ((r = mfaflow_sign_in(h, &u, key)) != PAGE_OK)
		return r;
	return http_redirect(h, "/settings/");
}

static enum page_result enrol_get(struct http *h, xmlNodePtr root)
{
	struct mfaflow_user u;
	xmlNodePtr n;

	if (h->stage == SIGN_IN_MFA)
		return http_redirect(h, "/settings/mfa");
	me(h, &u);
	n = xml_el(root, "office-mfa-enrol");
	xml_attr(n, "action", "/settings/mfa/enrol");
	xml_attr(n, "continue", "/settings/");
	xml_attr(n, "back", "/settings/");
	return mfaflow_enrol_xml(h, n, &u);
}

static enum page_result enrol_post(struct http *h)
{
	struct mfaflow_user u;

	if (h->stage == SIGN_IN_MFA)
		return http_redirect(h, "/settings/mfa");
	me(h, &u);
	return mfaflow_enrol_post(h, &u, "/settings/mfa/enrol");
}

const struct page page_office_mfa = {
	.path = "/settings/mfa",
	.name = "office-mfa",
	.title = "Two-step verification",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_STAGE,
	PAGE_FORM(mfaflow_code_form),
	.get = mfa_get,
	.post = mfa_post,
};

const struct page page_office_mfa_enrol = {
	.path = "/settings/mfa/enrol",
	.name = "office-mfa-enrol",
	.title = "Set up two-step verification",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_STAGE,
	PAGE_FORM(mfaflow_code_form),
	.get = enrol_get,
	.post = enrol_post,
};
