/* /settings/login: office sign-in, with "Forgot password?" (office_password.c). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "pages.h"
#include "xml.h"

enum { Q_NEXT, Q_RESET };
static const struct val_field query[] = {
	[Q_NEXT] = {"next", val_localpath, 512, 0, "Next page"},
	/* back from /settings/reset: the password was changed */
	[Q_RESET] = {"reset", val_bool, 1, 0, "Reset"},
};

enum { F_EMAIL, F_PASSWORD, F_NEXT };
static const struct val_field form[] = {
	/* Any text is accepted as a login here: a malformed email is just a
	 * failed sign-in, with the same message as any other. */
	[F_EMAIL] = {"email", val_line, 254, VAL_REQUIRED, "Email"},
	[F_PASSWORD] = {"password", val_secret, 1024, VAL_REQUIRED | VAL_SECRET, "Password"},
	[F_NEXT] = {"next", val_localpath, 512, 0, "Next page"},
};

static enum page_result login_get(struct http *h, xmlNodePtr root)
{
	char csrf[AUTH_CSRF_LEN + 1];
	const char *next = NULL;
	xmlNodePtr n;

	/* The sign-in form is bound to a pre-session cookie, so a forged
	 * cross-site sign-in (login CSRF) fails. */
	http_pre_csrf(h, "/settings/login", csrf);
	if (h->method == HTTP_POST && h->f[F_NEXT].st == VAL_OK)
		next = h->f[F_NEXT].str;
	else if (h->method == HTTP_GET && h->q[Q_NEXT].st == VAL_OK)
		next = h->q[Q_NEXT].str;
	if (h->method == HTTP_GET && h->q[Q_RESET].st == VAL_OK && h->q[Q_RESET].num)
		http_notice(h, "success",
			    "Your password is changed and every session of yours has "
			    "ended. Sign in with the new password.");
	n = xml_el(root, "login");
	xml_attr(n, "csrf", csrf);
	if (next != NULL)
		xml_attr(n, "next", next);
	return PAGE_OK;
}

/* Where the user lands: their default login screen when Gatehouse serves
 * it (Settings: the settings home; Customer: the customers list), else the
 * settings home.  The other modules live in the field-service app. */
static const char *landing(struct http *h, unsigned tenant_id, unsigned id)
{
	struct db_office_user u;

	if (db_office_user_get(h->db, tenant_id, id, &u) == DB_OK &&
	    strcmp(u.default_screen, "customer") == 0 && u.settings >= DB_PERM_VIEW)
		return "/settings/customers";
	return "/settings/";
}

static enum page_result busy(struct http *h)
{
	http_notice(h, "error", "The service is busy. Please try again in a moment.");
	h->retry_after = 2;
	return PAGE_BUSY;
}

/* The password of the account named by the email, throttled per account
 * and address: PAGE_OK with the account in *u (wiped hash), or the answer
 * (429, 401, 503). */
static enum page_result check_password(struct http *h, struct db_login *u)
{
	const char *email = h->f[F_EMAIL].str;
	char lower[255], key[300];
	enum db_result drc = DB_NOTFOUND;
	enum auth_result arc;
	long long retry = 0;
	int ascii = 1;
	size_t i;

	for (i = 0; email[i] && i < sizeof lower - 1; i++) {
		unsigned char c = (unsigned char)email[i];
		ascii &= c > 0x20 && c < 0x7f;
		lower[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	lower[i] = '\0';
	/* Logins are ASCII (the email validator says so).  Anything else is
	 * no account: the database's accent-folding collation must not let
	 * "\xc3\xa1dmin@..." reach admin@... under a throttle key of its own. */
	if (ascii && (drc = db_office_login(h->db, lower, u)) != DB_OK && drc != DB_NOTFOUND)
		return http_db_fail(drc);
	/* The account limit counts per account (its id), however it is spelt. */
	if (drc == DB_OK)
		snprintf(key, sizeof key, "user:%u", u->id);
	else
		snprintf(key, sizeof key, "email:%s", lower);
	if ((arc = auth_throttle_reserve(h->db, key, h->addr, &retry)) != AUTH_OK) {
		sodium_memzero(u->hash, sizeof u->hash);
		return arc == AUTH_LOCKED ? http_throttled(h, "Too many sign-in attempts", retry)
					  : PAGE_UNAVAILABLE;
	}
	/* Unknown accounts are checked against a dummy hash: same cost, same
	 * answer, so timing and messages tell nothing about who exists. */
	arc = auth_password_verify(drc == DB_OK ? u->hash : NULL, h->f[F_PASSWORD].str);
	sodium_memzero(u->hash, sizeof u->hash);
	if (arc == AUTH_BUSY || arc == AUTH_ERR) {
		/* Not the user's doing: the attempt is given back. */
		auth_throttle_settle(h->db, key, h->addr, AUTH_SETTLE_UNCHECKED);
		return busy(h);
	}
	if (arc != AUTH_OK || !u->active) {
		auth_throttle_settle(h->db, key, h->addr, AUTH_SETTLE_FAILED);
		log_info("rid=%s sign-in failed", h->rid);
		http_notice(h, "error", "The email or password is incorrect.");
		return PAGE_UNAUTHORIZED;
	}
	return auth_throttle_settle(h->db, key, h->addr, AUTH_SETTLE_OK) == AUTH_OK
		       ? PAGE_OK
		       : PAGE_UNAVAILABLE;
}

static enum page_result login_post(struct http *h)
{
	char cookie[AUTH_COOKIE_LEN + 1];
	unsigned char hash[32];
	struct db_login u;
	enum db_result drc;
	enum page_result r;
	enum sign_in stage;
	int req = 0, en = 0;

	memset(&u, 0, sizeof u);
	/* In a flood, refused before any database work (auth_gate_full). */
	if (auth_gate_full())
		return busy(h);
	if ((r = check_password(h, &u)) != PAGE_OK)
		return r;
	/* With MFA on, the password only opens the code page (stage "mfa");
	 * with MFA required and not set up, the enrolment (stage "enrol"). */
	if ((drc = db_mfa_state(h->db, DB_OFFICE, u.tenant_id, u.id, &req, &en)) != DB_OK)
		return http_db_fail(drc);
	stage = en ? SIGN_IN_MFA : req ? SIGN_IN_ENROL : SIGN_IN_FULL;
	/* A new token at every sign-in: a token planted before sign-in
	 * (session fixation) is never promoted. */
	auth_token_fresh(cookie, hash);
	drc = db_session_insert(h->db, hash, "office", u.tenant_id, u.id,
				h->conf->sec.session_abs_hours, h->addr, h->ua,
				http_sign_in_name(stage));
	sodium_memzero(hash, sizeof hash);
	if (drc != DB_OK) {
		sodium_memzero(cookie, sizeof cookie);
		return http_db_fail(drc);
	}
	/* Housekeeping rides on sign-ins: bounded, and off every other path. */
	if (db_purge(h->db, h->conf->sec.session_idle_min) != DB_OK)
		log_warn("rid=%s purge failed", h->rid);
	http_set_cookie(h, HTTP_COOKIE_OFFICE, cookie, "/settings",
			stage == SIGN_IN_FULL ? (long long)h->conf->sec.session_abs_hours * 3600
					      : 600,
			"Strict");
	http_set_cookie(h, HTTP_COOKIE_PRE, "", "/settings/login", 0, "Strict");
	sodium_memzero(cookie, sizeof cookie);
	if (stage != SIGN_IN_FULL)
		return http_redirect(h, stage == SIGN_IN_MFA ? "/settings/mfa"
							     : "/settings/mfa/enrol");
	if (h->f[F_NEXT].st == VAL_OK)
		return http_redirect(h, h->f[F_NEXT].str);
	return http_redirect(h, landing(h, u.tenant_id, u.id));
}

const struct page page_login = {
	.path = "/settings/login",
	.name = "login",
	.title = "Sign in",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_PUBLIC,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = login_get,
	.post = login_post,
};
