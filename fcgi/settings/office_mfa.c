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

enum { F_CODE };
static const struct val_field form[] = {
	[F_CODE] = {"code", val_line, 32, VAL_REQUIRED, "Code"},
};

/* The session becomes a signed-in one: a new token (the one that knew only
 * the password never is), the old row gone.  Caller's transaction. */
static enum db_result promote(struct http *h)
{
	unsigned char hash[32];
	char cookie[AUTH_COOKIE_LEN + 1];
	enum db_result rc;

	if ((rc = db_session_delete(h->db, h->token_hash)) != DB_OK)
		return rc;
	auth_token_fresh(cookie, hash);
	rc = db_session_insert(h->db, hash, "office", h->sess.tenant_id, h->sess.user_id,
			       h->conf->sec.session_abs_hours, h->addr, h->ua, "full");
	sodium_memzero(hash, sizeof hash);
	if (rc == DB_OK)
		http_set_cookie(h, HTTP_COOKIE_OFFICE, cookie, "/settings",
				(long long)h->conf->sec.session_abs_hours * 3600, "Strict");
	sodium_memzero(cookie, sizeof cookie);
	return rc;
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
	char key[64];
	enum page_result r;
	enum db_result rc;

	if (h->stage != SIGN_IN_MFA)
		return http_redirect(h, "/settings/");
	snprintf(key, sizeof key, "office-mfa:%u", h->sess.user_id);
	if ((r = mfaflow_verify(h, DB_OFFICE, h->sess.tenant_id, h->sess.user_id, F_CODE, key)) !=
	    PAGE_OK)
		return r;
	if ((rc = promote(h)) != DB_OK || (rc = db_commit(h->db)) != DB_OK) {
		db_rollback(h->db);
		h->ncookies = 0;
		auth_throttle_settle(h->db, key, h->addr, AUTH_SETTLE_UNCHECKED);
		return http_db_fail(rc);
	}
	auth_throttle_settle(h->db, key, h->addr, AUTH_SETTLE_OK);
	return http_redirect(h, "/settings/");
}

static enum page_result enrol_get(struct http *h, xmlNodePtr root)
{
	struct mfaflow_done *done = h->ctx;
	unsigned char key[MFA_KEY_BYTES];
	int enabled = 0;
	enum db_result rc;
	enum page_result r = PAGE_OK;
	xmlNodePtr n;

	if (h->stage == SIGN_IN_MFA)
		return http_redirect(h, "/settings/mfa");
	n = xml_el(root, "office-mfa-enrol");
	xml_attr(n, "required", h->stage == SIGN_IN_ENROL ? "1" : "0");
	xml_attr(n, "action", "/settings/mfa/enrol");
	xml_attr(n, "continue", "/settings/");
	xml_attr(n, "back", "/settings/");
	xml_attr(n, "csrf", h->csrf);
	if (done != NULL && done->shown) {
		mfaflow_done_xml(n, done->codes);
		return PAGE_OK;
	}
	if ((rc = mfaflow_pending(h->db, DB_OFFICE, h->sess.tenant_id, h->sess.user_id, key,
				  &enabled)) != DB_OK)
		return http_db_fail(rc);
	if (enabled) {
		xml_attr(n, "state", "enabled");
		return PAGE_OK;
	}
	xml_attr(n, "state", "setup");
	if (mfaflow_setup_xml(n, h->sess.tenant.company, h->sess.email, key) != 0)
		r = PAGE_ERROR;
	sodium_memzero(key, sizeof key);
	return r;
}

static enum page_result enrol_post(struct http *h)
{
	struct mfaflow_done *done = http_ctx(h, sizeof *done);
	enum mfaflow_enable_result er;
	enum db_result rc;

	if (h->stage == SIGN_IN_MFA)
		return http_redirect(h, "/settings/mfa");
	if (done == NULL)
		return PAGE_ERROR;
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	er = mfaflow_enable(h->db, DB_OFFICE, h->sess.tenant_id, h->sess.user_id, h->f[F_CODE].str,
			    done->codes);
	if (er != MFAFLOW_ON) {
		db_rollback(h->db);
		if (er == MFAFLOW_NOTHING)
			return http_redirect(h, "/settings/mfa/enrol");
		if (er == MFAFLOW_ERR)
			return PAGE_ERROR;
		return http_field_error(h, F_CODE,
					"The code is not correct. Check the time on your phone and "
					"try the code shown now.");
	}
	if ((rc = http_audit(h, "office_user.mfa_enabled", h->sess.email, NULL, NULL)) != DB_OK ||
	    (h->stage == SIGN_IN_ENROL && (rc = promote(h)) != DB_OK) ||
	    (rc = db_commit(h->db)) != DB_OK) {
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

const struct page page_office_mfa = {
	.path = "/settings/mfa",
	.name = "office-mfa",
	.title = "Two-step verification",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_STAGE,
	PAGE_FORM(form),
	.get = mfa_get,
	.post = mfa_post,
};

const struct page page_office_mfa_enrol = {
	.path = "/settings/mfa/enrol",
	.name = "office-mfa-enrol",
	.title = "Set up two-step verification",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_STAGE,
	PAGE_FORM(form),
	.get = enrol_get,
	.post = enrol_post,
};
