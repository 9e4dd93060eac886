/* /portal/<slug>/account: the signed-in user's own account: change the
 * password (the current one required), two-step verification, and the
 * user's sessions with "sign out other sessions", and the time zone dates
 * are shown in.  The forms post to /account/password, /account/sessions and
 * /account/time-zone. */
#include "config.h"

#include "log.h"
#include "pages.h"
#include "pw_flow.h"
#include "xml.h"

enum { Q_DONE };
VAL_CHOICE(done_choice, "Unknown notice.", "password", "sessions", "time-zone")
static const char *const said[] = {
	"Your password is changed. Your other sessions have been signed out.",
	"Your other sessions have been signed out.",
	"Dates are now shown in the time zone you chose.",
};

static const struct val_field query[] = {
	[Q_DONE] = {"done", done_choice, 16, 0, "Done"},
};

enum { F_TZ };
static const struct val_field tz_form[] = {
	[F_TZ] = PAGE_TZ_FIELD,
};

static int add_session(void *ctx, const struct db_session_row *r)
{
	xmlNodePtr s = xml_el(ctx, "session");
	xml_attr(s, "created", r->created);
	xml_attr(s, "last-seen", r->seen);
	xml_attr(s, "ip", r->ip);
	xml_attr(s, "user-agent", r->ua);
	if (r->current)
		xml_attr(s, "current", "1");
	return 0;
}

static enum page_result account_get(struct http *h, xmlNodePtr root)
{
	unsigned left = 0;
	enum db_result rc;
	xmlNodePtr n, list;

	/* A secure token link opens a customer's portal, not an account. */
	if (h->psess.user_id == 0)
		return PAGE_FORBIDDEN;
	http_said(h, &h->q[Q_DONE], said);
	n = xml_el(root, "portal-account");
	xml_attr(n, "email", h->psess.email);
	xml_attr(n, "company", h->psess.company);
	xml_attr(n, "mfa", h->psess.mfa_enabled ? "1" : "0");
	xml_attr(n, "mfa-required", h->psess.mfa_required ? "1" : "0");
	if (h->psess.mfa_enabled) {
		if ((rc = db_mfa_recovery_count(h->db, DB_PORTAL, h->psess.user_id, &left)) !=
		    DB_OK)
			return http_db_fail(rc);
		xml_attr_int(n, "recovery-codes-left", (int)left);
	}
	list = xml_el(n, "sessions");
	if ((rc = db_portal_sessions(h->db, h->psess.user_id, h->token_hash, add_session, list)) !=
	    DB_OK)
		return http_db_fail(rc);
	list = page_zones(n, "time-zone");
	xml_attr(list, "own", h->psess.time_zone);
	xml_attr(list, "tenant", h->tenant.time_zone);
	return PAGE_OK;
}

static enum page_result tz_post(struct http *h)
{
	const char *zone = h->f[F_TZ].st == VAL_OK ? h->f[F_TZ].str : "";
	char to[160];
	enum db_result rc;

	if (h->psess.user_id == 0)
		return PAGE_FORBIDDEN;
	if ((rc = db_portal_user_set_tz(h->db, h->tenant.id, h->psess.user_id, zone)) == DB_OK)
		rc = portal_audit(h, "portal_user.time_zone", h->psess.email, h->psess.time_zone,
				  zone);
	portal_url(h, "account?done=time-zone", to, sizeof to);
	return http_done(h, rc, to);
}

static enum page_result password_post(struct http *h)
{
	char hash[AUTH_HASH_LEN] = "", key[64], to[160];
	enum page_result r;
	enum db_result rc;

	if (h->psess.user_id == 0)
		return PAGE_FORBIDDEN;
	/* The current password is guessed here as at sign-in: same throttle. */
	auth_portal_account(h->psess.user_id, h->tenant.id, "", key, sizeof key);
	if ((r = pwflow_change(h, DB_PORTAL, h->tenant.id, h->psess.user_id, key, hash)) != PAGE_OK)
		return r;
	if ((rc = db_begin(h->db)) != DB_OK)
		goto out;
	if ((rc = db_portal_user_set_password(h->db, h->tenant.id, h->psess.user_id, hash)) !=
		    DB_OK ||
	    (rc = db_token_kill(h->db, h->psess.user_id, "reset_password")) != DB_OK ||
	    (rc = db_portal_sessions_delete_others(h->db, h->psess.user_id, h->token_hash)) !=
		    DB_OK)
		goto out;
	rc = portal_audit(h, "portal_user.change_password", h->psess.email, NULL, NULL);
out:
	sodium_memzero(hash, sizeof hash);
	portal_url(h, "account?done=password", to, sizeof to);
	return http_txn_end(h, rc, to);
}

static enum page_result sessions_post(struct http *h)
{
	char to[160];
	enum db_result rc;

	if (h->psess.user_id == 0)
		return PAGE_FORBIDDEN;
	if ((rc = db_portal_sessions_delete_others(h->db, h->psess.user_id, h->token_hash)) ==
	    DB_OK)
		rc = portal_audit(h, "portal_user.sessions_ended", h->psess.email, NULL,
				  "the other sessions signed out");
	portal_url(h, "account?done=sessions", to, sizeof to);
	return http_done(h, rc, to);
}

/* What every route of the account page declares: one document, the
 * signed-in user's own (a form that fails comes back as it). */
#define ACCOUNT_ROUTE                                                                              \
	.name = "portal-account", .title = "Your account", .auth = PAGE_SIGNED_IN,                 \
	.get = account_get

const struct page page_portal_account = {
	.path = "/portal/*/account",
	ACCOUNT_ROUTE,
	.methods = HTTP_GET,
	PAGE_QUERY(query),
};

const struct page page_portal_password = {
	.path = "/portal/*/account/password",
	ACCOUNT_ROUTE,
	.methods = HTTP_POST,
	PAGE_FORM(pwflow_change_form),
	.post = password_post,
};

const struct page page_portal_sessions = {
	.path = "/portal/*/account/sessions",
	ACCOUNT_ROUTE,
	.methods = HTTP_POST,
	.post = sessions_post,
	.txn = 1,
};

const struct page page_portal_time_zone = {
	.path = "/portal/*/account/time-zone",
	ACCOUNT_ROUTE,
	.methods = HTTP_POST,
	PAGE_FORM(tz_form),
	.post = tz_post,
	.txn = 1,
};
