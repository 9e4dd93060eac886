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

enum { F_CODE };
static const struct val_field form[] = {
	[F_CODE] = {"code", val_line, 32, VAL_REQUIRED, "Code"},
};

static int allowed(const struct http *h)
{
	return h->psess.user_id != 0 && (h->stage == SIGN_IN_ENROL || h->stage == SIGN_IN_FULL);
}

static enum page_result enrol_get(struct http *h, xmlNodePtr root)
{
	struct mfaflow_done *done = h->ctx;
	unsigned char key[MFA_KEY_BYTES];
	int enabled = 0;
	enum db_result rc;
	enum page_result r = PAGE_OK;
	xmlNodePtr n;

	if (!allowed(h))
		return PAGE_FORBIDDEN;
	char url[160];
	n = xml_el(root, "portal-mfa-enrol");
	xml_attr(n, "required", h->stage == SIGN_IN_ENROL ? "1" : "0");
	portal_url(h, "mfa/enrol", url, sizeof url);
	xml_attr(n, "action", url);
	portal_url(h, "home", url, sizeof url);
	xml_attr(n, "continue", url);
	portal_url(h, "account", url, sizeof url);
	xml_attr(n, "back", url);
	xml_attr(n, "csrf", h->csrf);
	if (done != NULL && done->shown) {
		mfaflow_done_xml(n, done->codes);
		return PAGE_OK;
	}
	if ((rc = mfaflow_pending(h->db, DB_PORTAL, h->tenant.id, h->psess.user_id, key,
				  &enabled)) != DB_OK)
		return http_db_fail(rc);
	if (enabled) {
		xml_attr(n, "state", "enabled");
		return PAGE_OK;
	}
	xml_attr(n, "state", "setup");
	if (mfaflow_setup_xml(n, h->tenant.company, h->psess.email, key) != 0)
		r = PAGE_ERROR;
	sodium_memzero(key, sizeof key);
	return r;
}

static enum page_result enrol_post(struct http *h)
{
	struct mfaflow_done *done = http_ctx(h, sizeof *done);
	enum mfaflow_enable_result er;
	enum db_result rc;
	int promote = h->stage == SIGN_IN_ENROL;
	char to[160];

	if (!allowed(h))
		return PAGE_FORBIDDEN;
	if (done == NULL)
		return PAGE_ERROR;
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	er = mfaflow_enable(h->db, DB_PORTAL, h->tenant.id, h->psess.user_id, h->f[F_CODE].str,
			    done->codes);
	if (er != MFAFLOW_ON) {
		db_rollback(h->db);
		if (er == MFAFLOW_NOTHING) {
			/* On already, or no key shown yet: start over from the page. */
			portal_url(h, "mfa/enrol", to, sizeof to);
			return http_redirect(h, to);
		}
		if (er == MFAFLOW_ERR)
			return PAGE_ERROR;
		return http_field_error(h, F_CODE,
					"The code is not correct. Check the time on your phone and "
					"try the code shown now.");
	}
	if ((rc = portal_audit(h, "portal_user.mfa_enabled", h->psess.email, NULL, NULL)) != DB_OK)
		goto out;
	/* Enrolment after the password completes the sign-in. */
	if (promote && (rc = portal_session_start(h, h->psess.user_id, h->psess.customer_id,
						  SIGN_IN_FULL)) != DB_OK)
		goto out;
	rc = db_commit(h->db);
out:
	if (rc != DB_OK) {
		db_rollback(h->db);
		h->ncookies = 0;
		sodium_memzero(done, sizeof *done);
		return http_db_fail(rc);
	}
	/* Shown once, in this answer; never stored in clear. */
	done->shown = 1;
	h->status = 200;
	return PAGE_INVALID;
}

const struct page page_portal_mfa_enrol = {
	.path = "/portal/*/mfa/enrol",
	.name = "portal-mfa-enrol",
	.title = "Set up two-step verification",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_STAGE,
	PAGE_FORM(form),
	.get = enrol_get,
	.post = enrol_post,
};
