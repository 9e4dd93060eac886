/* /portal/<slug>/set-password?token=T: the invitation's single-use link, and
 * /portal/<slug>/reset?token=T: the "Forgot password?" mail's.  A live link
 * shows the form; a used or expired one says so and offers a fresh link
 * (request_link.c, or forgot.c for a reset); setting the password uses the
 * link up, ends every other link and every session of the user, in one
 * transaction.  It never signs in: the user then signs in with the new
 * password, and MFA, if on, still asks for its code. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "pw_flow.h"
#include "xml.h"

enum { Q_TOKEN, Q_DONE, Q_SENT };
static const struct val_field query[] = {
	[Q_TOKEN] = {"token", val_line, 64, 0, "Link"},
	[Q_DONE] = {"done", val_bool, 1, 0, "Done"},
	[Q_SENT] = {"sent", val_bool, 1, 0, "Sent"},
};

static const char *purpose(const struct http *h)
{
	return h->page == &page_reset_password ? "reset_password" : "set_password";
}

/* Looks the link up: "ok", "expired" or "invalid"; tok filled when found. */
static const char *link_state(struct http *h, const struct db_tenant *t, const char *token,
			      struct db_token *tok, enum db_result *rc)
{
	unsigned char hash[32];

	*rc = DB_OK;
	if (auth_token_digest(token, hash) != 0)
		return "invalid";
	*rc = db_token_find(h->db, t->id, purpose(h), hash, tok);
	if (*rc == DB_NOTFOUND) {
		*rc = DB_OK;
		return "invalid";
	}
	return *rc != DB_OK ? NULL : tok->live ? "ok" : "expired";
}

static enum page_result sp_get(struct http *h, xmlNodePtr root)
{
	struct db_tenant t;
	struct db_token tok;
	enum page_result r;
	enum db_result rc;
	char csrf[AUTH_CSRF_LEN + 1], link[700], path[128];
	const char *state, *token;
	xmlNodePtr n;

	if ((r = portal_tenant(h, &t)) != PAGE_OK)
		return r;
	memset(&tok, 0, sizeof tok);
	token = h->method == HTTP_POST
			? (h->f[PWFLOW_F_TOKEN].st == VAL_OK ? h->f[PWFLOW_F_TOKEN].str : NULL)
			: (h->q[Q_TOKEN].st == VAL_OK ? h->q[Q_TOKEN].str : NULL);
	if (!t.portal_enabled)
		state = "disabled";
	else if (h->method == HTTP_GET && h->q[Q_DONE].st == VAL_OK && h->q[Q_DONE].num)
		state = "done";
	else if (h->method == HTTP_GET && h->q[Q_SENT].st == VAL_OK && h->q[Q_SENT].num)
		state = "sent";
	else if ((state = link_state(h, &t, token, &tok, &rc)) == NULL)
		return http_db_fail(rc);
	pwflow_link_status(h, state);
	snprintf(path, sizeof path, "/portal/%s/", t.slug);
	http_pre_csrf(h, path, csrf);
	n = xml_el(root, "set-password");
	xml_attr(n, "state", state);
	xml_attr(n, "purpose", h->page == &page_reset_password ? "reset" : "invitation");
	xml_attr(n, "csrf", csrf);
	xml_attr(n, "company-name", t.company);
	snprintf(link, sizeof link, "%s/portal/%s/", h->conf->web.base_url, t.slug);
	xml_attr(n, "direct-link", link);
	xml_attr(n, "slug", t.slug);
	if (strcmp(state, "ok") == 0 || strcmp(state, "expired") == 0) {
		xml_text_el(n, "token", token);
		xml_text_el(n, "email", tok.email);
	}
	return PAGE_OK;
}

static enum page_result sp_post(struct http *h)
{
	char hash[AUTH_HASH_LEN] = "", where[128];
	unsigned char th[32];
	struct db_tenant t;
	struct db_token tok;
	enum page_result r;
	enum db_result rc;

	if ((r = portal_tenant(h, &t)) != PAGE_OK)
		return r;
	if (!t.portal_enabled)
		return PAGE_INVALID; /* the form comes back saying the portal is off */
	if (auth_token_digest(h->f[PWFLOW_F_TOKEN].str, th) != 0)
		return PAGE_INVALID; /* re-rendered as "invalid" */
	if ((r = pwflow_new_hash(h, hash)) != PAGE_OK)
		return r;
	if ((rc = db_begin(h->db)) != DB_OK)
		goto out;
	if ((rc = db_token_find(h->db, t.id, purpose(h), th, &tok)) == DB_NOTFOUND ||
	    (rc == DB_OK && (rc = db_token_use(h->db, tok.id)) == DB_NOTFOUND)) {
		/* Unknown, used (perhaps a moment ago, by a twin request) or
		 * expired: nothing changes, the page says which. */
		db_rollback(h->db);
		sodium_memzero(hash, sizeof hash);
		return PAGE_INVALID;
	}
	if (rc != DB_OK ||
	    (rc = db_portal_user_set_password(h->db, t.id, tok.user_id, hash)) != DB_OK ||
	    (rc = db_token_kill(h->db, tok.user_id, "set_password")) != DB_OK ||
	    (h->page != &page_reset_password &&
	     (rc = db_invitation_accepted(h->db, tok.user_id)) != DB_OK) ||
	    (rc = db_token_kill(h->db, tok.user_id, "reset_password")) != DB_OK ||
	    (rc = db_session_delete_portal_user(h->db, tok.user_id)) != DB_OK)
		goto out;
	rc = http_audit_self(h, t.id, DB_ACTOR_PORTAL, tok.user_id, tok.email,
			     h->page == &page_reset_password ? "portal_user.reset_password"
							     : "portal_user.set_password",
			     NULL);
out:
	sodium_memzero(hash, sizeof hash);
	if (h->page == &page_reset_password)
		snprintf(where, sizeof where, "/portal/%s/?reset=1", t.slug);
	else
		snprintf(where, sizeof where, "/portal/%s/set-password?done=1", t.slug);
	return http_txn_end(h, rc, where);
}

/* The invitation's link and the reset mail's are one page at two paths:
 * everything but the path and the title. */
#define LINK_PAGE                                                                                  \
	.name = "set-password", .methods = HTTP_GET | HTTP_POST, .auth = PAGE_PUBLIC,              \
	PAGE_QUERY(query), PAGE_FORM(pwflow_link_form), .get = sp_get, .post = sp_post

const struct page page_set_password = {
	.path = "/portal/*/set-password",
	.title = "Set your password",
	LINK_PAGE,
};

const struct page page_reset_password = {
	.path = "/portal/*/reset",
	.title = "Reset your password",
	LINK_PAGE,
};
