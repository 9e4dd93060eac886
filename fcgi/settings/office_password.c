/* "Forgot password?" for office users, the portal's model (forgot.c,
 * set_password.c) on the settings responder:
 *
 * /settings/forgot: an email; the answer is always the same 303 to
 * ?sent=1, whether or not the login exists or is active (no enumeration).
 * Each request counts against the login (or, for an unknown one, the email
 * as typed) and the address, like a sign-in: past the limit nothing is sent
 * and the answer is still the same.  A live, active login gets a reset link
 * (valid an hour, single use, only its hash stored) through the mail outbox.
 *
 * /settings/reset?token=T: a live link sets the password (the office
 * password rules), uses the link up and ends the user's other links and
 * every session of theirs, in one transaction; two-step verification stays
 * on.  A used or expired link (410), an unknown one (404) or a deactivated
 * user's (403) changes nothing.  It never signs in. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "pw_flow.h"
#include "xml.h"

static enum page_result forgot_get(struct http *h, xmlNodePtr root)
{
	pwflow_forgot_xml(h, root, "office-forgot", "/settings/forgot", 1,
			  INVITE_OFFICE_RESET_MINUTES);
	return PAGE_OK;
}

static enum page_result forgot_post(struct http *h)
{
	static const char where[] = "/settings/forgot?sent=1";
	const char *email = h->f[PWFLOW_F_EMAIL].str; /* trimmed, lowercased ASCII (val_email) */
	struct db_office_reset u;
	char key[300];
	enum page_result r;
	enum db_result rc;

	if ((rc = db_office_reset_target(h->db, email, &u)) != DB_OK && rc != DB_NOTFOUND)
		return http_db_fail(rc);
	/* Counted whoever it names, so the answer costs the same; a login's
	 * requests count together however it is spelt. */
	if (rc == DB_OK)
		snprintf(key, sizeof key, "office-reset:user:%u", u.id);
	else
		snprintf(key, sizeof key, "office-reset:email:%s", email);
	if ((r = pwflow_forgot_counted(h, key, where)) != PAGE_OK)
		return r;
	if (rc == DB_NOTFOUND || !u.active)
		return http_redirect(h, where);
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	if ((rc = invite_enqueue_office_reset(h->db, h->conf, u.tenant_id, u.company, u.id,
					      u.email)) != DB_OK)
		goto out;
	rc = http_audit_self(h, u.tenant_id, DB_ACTOR_OFFICE, u.id, u.email,
			     "office_user.reset_requested", NULL);
out:
	return http_txn_end(h, rc, where);
}

const struct page page_office_forgot = {
	.path = "/settings/forgot",
	.name = "office-forgot",
	.title = "Forgot password",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_PUBLIC,
	PAGE_QUERY(pwflow_forgot_query),
	PAGE_FORM(pwflow_forgot_form),
	.get = forgot_get,
	.post = forgot_post,
};

enum { RQ_TOKEN };
static const struct val_field reset_query[] = {
	[RQ_TOKEN] = {"token", val_line, 64, 0, "Link"},
};

/* The link's state: "ok", "expired" (used or too old), "inactive" (a
 * deactivated user's) or "invalid" (none); NULL when the database failed
 * (*rc).  tok is filled when the link exists. */
static const char *reset_state(struct http *h, const char *token, struct db_office_token *tok,
			       enum db_result *rc)
{
	unsigned char hash[32];

	*rc = DB_OK;
	memset(tok, 0, sizeof *tok);
	if (auth_token_digest(token, hash) != 0)
		return "invalid";
	*rc = db_office_token_find(h->db, hash, tok);
	sodium_memzero(hash, sizeof hash);
	if (*rc == DB_NOTFOUND) {
		*rc = DB_OK;
		return "invalid";
	}
	if (*rc != DB_OK)
		return NULL;
	return !tok->active ? "inactive" : tok->live ? "ok" : "expired";
}

static enum page_result reset_get(struct http *h, xmlNodePtr root)
{
	struct db_office_token tok;
	enum db_result rc;
	char csrf[AUTH_CSRF_LEN + 1];
	const char *state, *token;
	xmlNodePtr n;

	token = h->method == HTTP_POST
			? (h->f[PWFLOW_F_TOKEN].st == VAL_OK ? h->f[PWFLOW_F_TOKEN].str : NULL)
			: (h->q[RQ_TOKEN].st == VAL_OK ? h->q[RQ_TOKEN].str : NULL);
	if ((state = reset_state(h, token, &tok, &rc)) == NULL)
		return http_db_fail(rc);
	pwflow_link_status(h, state);
	http_pre_csrf(h, "/settings/reset", csrf);
	n = xml_el(root, "office-reset");
	xml_attr(n, "state", state);
	xml_attr(n, "csrf", csrf);
	if (strcmp(state, "ok") == 0) {
		xml_text_el(n, "token", token);
		xml_text_el(n, "email", tok.email);
	}
	return PAGE_OK;
}

static enum page_result reset_post(struct http *h)
{
	char hash[AUTH_HASH_LEN] = "";
	unsigned char th[32];
	struct db_office_token tok;
	enum page_result r;
	enum db_result rc;

	if (auth_token_digest(h->f[PWFLOW_F_TOKEN].str, th) != 0)
		return PAGE_INVALID; /* re-rendered as "invalid" */
	if ((r = pwflow_new_hash(h, hash)) != PAGE_OK) {
		sodium_memzero(th, sizeof th);
		return r;
	}
	if ((rc = db_begin(h->db)) != DB_OK)
		goto out;
	rc = db_office_token_find(h->db, th, &tok);
	if (rc == DB_OK && !tok.active)
		rc = DB_NOTFOUND;
	if (rc == DB_OK)
		rc = db_office_token_use(h->db, tok.id);
	if (rc == DB_NOTFOUND) {
		/* Unknown, used (perhaps a moment ago, by a twin request),
		 * expired, or a deactivated user's: nothing changes, and the
		 * page says which. */
		db_rollback(h->db);
		sodium_memzero(hash, sizeof hash);
		sodium_memzero(th, sizeof th);
		return PAGE_INVALID;
	}
	if (rc != DB_OK ||
	    (rc = db_office_user_set_password(h->db, tok.tenant_id, tok.user_id, hash)) != DB_OK ||
	    (rc = db_office_token_kill(h->db, tok.user_id)) != DB_OK ||
	    (rc = db_session_delete_office_user(h->db, tok.user_id)) != DB_OK)
		goto out;
	rc = http_audit_self(h, tok.tenant_id, DB_ACTOR_OFFICE, tok.user_id, tok.email,
			     "office_user.reset_password", NULL);
out:
	sodium_memzero(hash, sizeof hash);
	sodium_memzero(th, sizeof th);
	return http_txn_end(h, rc, "/settings/login?reset=1");
}

const struct page page_office_reset = {
	.path = "/settings/reset",
	.name = "office-reset",
	.title = "Reset your password",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_PUBLIC,
	PAGE_QUERY(reset_query),
	PAGE_FORM(pwflow_link_form),
	.get = reset_get,
	.post = reset_post,
};
