/* /settings/account: the signed-in office user's own account, whatever
 * their settings level: change the password (the current one required, its
 * guesses throttled with the sign-in's), which ends every other session of
 * theirs and any reset link, in one transaction; and the time zone their
 * pages show dates in (/settings/account/time-zone; empty: the tenant's);
 * where they are signed in, ending one session or every other one
 * (/settings/account/sessions).
 * Two-step verification has its own page (/settings/mfa/enrol), linked
 * from here. */
#include "config.h"

#include <stdio.h>

#include "pages.h"
#include "pw_flow.h"
#include "xml.h"

enum { Q_DONE };
VAL_CHOICE(done_choice, "Unknown notice.", "password", "time-zone", "session", "sessions")
static const char *const said[] = {
	"Your password is changed. Your other sessions have been signed out.",
	"Dates are now shown in the time zone you chose.",
	"That session is signed out.",
	"Your other sessions are signed out.",
};

static const struct val_field query[] = {
	[Q_DONE] = {"done", done_choice, 16, 0, "Done"},
};

enum { F_TZ };
static const struct val_field tz_form[] = {
	[F_TZ] = PAGE_TZ_FIELD,
};

static enum page_result account_get(struct http *h, xmlNodePtr root)
{
	enum db_result rc;
	xmlNodePtr n, z;

	http_said(h, &h->q[Q_DONE], said);
	n = xml_el(root, "office-account");
	xml_attr(n, "email", h->sess.email);
	xml_attr(n, "first", h->sess.first);
	xml_attr(n, "last", h->sess.last);
	xml_attr_bool(n, "mfa", h->sess.mfa_enabled);
	z = xml_el(n, "sessions");
	if ((rc = db_office_sessions(h->db, h->sess.tenant_id, h->sess.user_id, h->token_hash,
				     settings_session_xml, z)) != DB_OK)
		return http_db_fail(rc);
	z = page_zones(n, "time-zone");
	xml_attr(z, "own", h->sess.time_zone);
	xml_attr(z, "tenant", h->sess.tenant.time_zone);
	return PAGE_OK;
}

static enum page_result tz_post(struct http *h)
{
	const char *zone = h->f[F_TZ].st == VAL_OK ? h->f[F_TZ].str : "";
	enum db_result rc;

	if ((rc = db_office_user_set_tz(h->db, h->sess.tenant_id, h->sess.user_id, zone)) == DB_OK)
		rc = http_audit_on(h, "office_user.time_zone", "office_user", h->sess.user_id,
				   h->sess.email, h->sess.time_zone, zone);
	return http_done(h, rc, "/settings/account?done=time-zone");
}

static enum page_result account_post(struct http *h)
{
	char hash[AUTH_HASH_LEN] = "", key[64];
	enum page_result r;
	enum db_result rc;

	/* The current password is guessed here as at sign-in: the same
	 * account and address counters (login.c's key). */
	snprintf(key, sizeof key, "user:%u", h->sess.user_id);
	if ((r = pwflow_change(h, DB_OFFICE, h->sess.tenant_id, h->sess.user_id, key, hash)) !=
	    PAGE_OK)
		return r;
	if ((rc = db_begin(h->db)) != DB_OK)
		goto out;
	if ((rc = db_office_user_set_password(h->db, h->sess.tenant_id, h->sess.user_id, hash)) !=
		    DB_OK ||
	    (rc = db_office_sessions_delete_others(h->db, h->sess.user_id, h->token_hash)) !=
		    DB_OK ||
	    (rc = db_office_token_kill(h->db, h->sess.user_id)) != DB_OK)
		goto out;
	rc = http_audit(h, "office_user.change_password", h->sess.email, NULL, NULL);
out:
	sodium_memzero(hash, sizeof hash);
	return http_txn_end(h, rc, "/settings/account?done=password");
}

VAL_CHOICE(op_choice, "Unknown action.", "end", "others")
enum { OP_END, OP_OTHERS };
enum { F_OP, F_SESSION };
static const struct val_field sessions_form[] = {
	[F_OP] = {"op", op_choice, 8, VAL_REQUIRED, "Action"},
	[F_SESSION] = {"session", val_uint, 20, 0, "Session"},
};

/* One of one's own sessions signed out (this one too: a sign-out), or
 * every other one. */
static enum page_result sessions_post(struct http *h)
{
	unsigned long long n = 0;
	enum db_result rc;

	if (h->f[F_OP].num == OP_OTHERS) {
		if ((rc = db_office_sessions_end(h->db, h->sess.tenant_id, h->sess.user_id,
						 h->token_hash, &n)) == DB_OK)
			rc = http_audit_on(h, "office_user.sessions_ended", "office_user",
					   h->sess.user_id, h->sess.email, NULL,
					   http_text(h, "%llu other sessions signed out", n));
		return http_done(h, rc, "/settings/account?done=sessions");
	}
	if (h->f[F_SESSION].st != VAL_OK)
		return http_bad_request(h, "Which session?");
	if ((rc = db_office_session_end(h->db, h->sess.tenant_id, h->sess.user_id,
					(uint64_t)h->f[F_SESSION].num)) == DB_OK)
		rc = http_audit_on(h, "office_user.session_ended", "office_user", h->sess.user_id,
				   h->sess.email, NULL,
				   http_text(h, "session %lld signed out", h->f[F_SESSION].num));
	return http_done(h, rc, "/settings/account?done=session");
}

/* What both routes of the account page declare: one document, every
 * signed-in office user's own, whatever their settings level. */
#define ACCOUNT_ROUTE                                                                              \
	.name = "office-account", .title = "Your account", .auth = PAGE_SIGNED_IN,                 \
	.need_view = DB_PERM_NONE, .need_edit = DB_PERM_NONE, .get = account_get

const struct page page_office_account = {
	.path = "/settings/account",
	ACCOUNT_ROUTE,
	.methods = HTTP_GET | HTTP_POST,
	PAGE_QUERY(query),
	PAGE_FORM(pwflow_change_form),
	.post = account_post,
};

const struct page page_office_time_zone = {
	.path = "/settings/account/time-zone",
	ACCOUNT_ROUTE,
	.methods = HTTP_POST,
	PAGE_FORM(tz_form),
	.post = tz_post,
	.txn = 1,
};

const struct page page_office_sessions_own = {
	.path = "/settings/account/sessions",
	ACCOUNT_ROUTE,
	.methods = HTTP_POST,
	PAGE_FORM(sessions_form),
	.post = sessions_post,
	.txn = 1,
};
