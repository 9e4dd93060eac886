/* /settings/account: the signed-in office user's own account, whatever
 * their settings level: change the password (the current one required, its
 * guesses throttled with the sign-in's), which ends every other session of
 * theirs and any reset link, in one transaction; and the time zone their
 * pages show dates in (/settings/account/time-zone; empty: the tenant's).
 * Two-step verification has its own page (/settings/mfa/enrol), linked
 * from here. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "tz.h"
#include "xml.h"

enum { Q_DONE };
VAL_CHOICE(done_choice, "Unknown notice.", "password", "time-zone")
static const char *const said[] = {
	"Your password is changed. Your other sessions have been signed out.",
	"Dates are now shown in the time zone you chose.",
};

static const struct val_field query[] = {
	[Q_DONE] = {"done", done_choice, 16, 0, "Done"},
};

enum { F_CURRENT, F_PASSWORD, F_CONFIRM };
static const struct val_field form[] = {
	[F_CURRENT] = {"current", val_secret, 1024, VAL_REQUIRED | VAL_SECRET, "Current password"},
	[F_PASSWORD] = {"password", val_password, 1024, VAL_REQUIRED | VAL_SECRET, "New password"},
	[F_CONFIRM] = {"confirm", val_secret, 1024, VAL_REQUIRED | VAL_SECRET,
		       "Repeat the new password"},
};

enum { F_TZ };
static const struct val_field tz_form[] = {
	[F_TZ] = {"time_zone", val_tz, TZ_NAME_MAX, 0, "Time zone"},
};

static enum page_result account_get(struct http *h, xmlNodePtr root)
{
	xmlNodePtr n, z;

	http_said(h, &h->q[Q_DONE], said);
	n = xml_el(root, "office-account");
	xml_attr(n, "email", h->sess.email);
	xml_attr(n, "first", h->sess.first);
	xml_attr(n, "last", h->sess.last);
	xml_attr_bool(n, "mfa", h->sess.mfa_enabled);
	z = xml_el(n, "time-zone");
	xml_attr(z, "own", h->sess.time_zone);
	xml_attr(z, "tenant", h->sess.tenant.time_zone);
	for (size_t i = 0; i < tz_count(); i++)
		xml_text_el(z, "zone", tz_name(i));
	return PAGE_OK;
}

static enum page_result tz_post(struct http *h)
{
	const char *zone = h->f[F_TZ].st == VAL_OK ? h->f[F_TZ].str : "";
	enum db_result rc;

	if ((rc = db_office_user_set_tz(h->db, h->sess.tenant_id, h->sess.user_id, zone)) != DB_OK)
		return http_db_fail(rc);
	return http_redirect(h, "/settings/account?done=time-zone");
}

static enum page_result account_post(struct http *h)
{
	struct db_mfa_auth a;
	char hash[AUTH_HASH_LEN] = "", key[64];
	enum auth_result arc;
	enum db_result rc;
	long long retry = 0;

	if (strcmp(h->f[F_PASSWORD].str, h->f[F_CONFIRM].str) != 0)
		return http_field_error(h, F_CONFIRM, "The two passwords differ.");
	/* The current password is guessed here as at sign-in: the same
	 * account and address counters (login.c's key). */
	snprintf(key, sizeof key, "user:%u", h->sess.user_id);
	if ((arc = auth_throttle_reserve(h->db, key, h->addr, &retry)) == AUTH_LOCKED)
		return http_throttled(h, "Too many wrong passwords", retry);
	if (arc != AUTH_OK)
		return PAGE_UNAVAILABLE;
	if ((rc = db_mfa_auth_locked(h->db, DB_OFFICE, h->sess.tenant_id, h->sess.user_id, &a)) !=
	    DB_OK) {
		auth_throttle_settle(h->db, key, h->addr, AUTH_SETTLE_UNCHECKED);
		return http_db_fail(rc);
	}
	arc = auth_password_verify(a.hash[0] ? a.hash : NULL, h->f[F_CURRENT].str);
	sodium_memzero(&a, sizeof a);
	if (arc == AUTH_BUSY || arc == AUTH_ERR) {
		auth_throttle_settle(h->db, key, h->addr, AUTH_SETTLE_UNCHECKED);
		h->retry_after = 2;
		return PAGE_BUSY;
	}
	if (arc != AUTH_OK) {
		auth_throttle_settle(h->db, key, h->addr, AUTH_SETTLE_FAILED);
		return http_field_error(h, F_CURRENT, "This is not your current password.");
	}
	auth_throttle_settle(h->db, key, h->addr, AUTH_SETTLE_OK);
	/* Hash before the transaction: 60 ms is too long to hold row locks. */
	if ((arc = auth_password_hash(h->f[F_PASSWORD].str, hash)) != AUTH_OK) {
		h->retry_after = 2;
		return arc == AUTH_BUSY ? PAGE_BUSY : PAGE_ERROR;
	}
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

const struct page page_office_account = {
	.path = "/settings/account",
	.name = "office-account",
	.title = "Your account",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	/* Every signed-in office user's own, whatever their settings level. */
	.need_view = DB_PERM_NONE,
	.need_edit = DB_PERM_NONE,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = account_get,
	.post = account_post,
};

const struct page page_office_time_zone = {
	.path = "/settings/account/time-zone",
	.name = "office-account",
	.title = "Your account",
	.methods = HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_NONE,
	.need_edit = DB_PERM_NONE,
	PAGE_FORM(tz_form),
	.get = account_get,
	.post = tz_post,
};
