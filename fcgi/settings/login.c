/* /settings/login: office sign-in, with "Forgot password?" (office_password.c). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "pages.h"
#include "pw_flow.h"
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

/* The password of the account named by the email, throttled per account
 * and address: PAGE_OK with the account in *u (wiped hash), or the answer
 * (429, 401, 503). */
static enum page_result check_password(struct http *h, struct db_login *u)
{
	char lower[255], key[300];
	enum db_result drc = DB_NOTFOUND;
	enum page_result r;

	/* Logins are ASCII (the email validator says so): anything else is no
	 * account (pwflow_login_lower). */
	if (pwflow_login_lower(h->f[F_EMAIL].str, lower, sizeof lower) &&
	    (drc = db_office_login(h->db, lower, u)) != DB_OK && drc != DB_NOTFOUND)
		return http_db_fail(drc);
	/* The account limit counts per account (its id), however it is spelt. */
	if (drc == DB_OK)
		snprintf(key, sizeof key, "user:%u", u->id);
	else
		snprintf(key, sizeof key, "email:%s", lower);
	/* Unknown and deactivated accounts, and a restored one with no
	 * password yet (an empty hash, sql/027), are checked against a dummy
	 * hash: same cost, same answer, so timing and messages tell nothing
	 * about who exists. */
	r = pwflow_sign_in(h, key, drc == DB_OK && u->active && u->hash[0] ? u->hash : NULL,
			   h->f[F_PASSWORD].str, NULL);
	sodium_memzero(u->hash, sizeof u->hash);
	return r;
}

/* A refused sign-in of an account, in its tenant's audit log, as a
 * statement of its own (the attempt is counted already).  A login that
 * names no account has no tenant: the log line only. */
static void audit_refused(struct http *h, const struct db_login *u, const char *login,
			  enum page_result r)
{
	if (u->id == 0 || (r != PAGE_UNAUTHORIZED && r != PAGE_THROTTLED))
		return;
	if (http_audit_self(h, u->tenant_id, DB_ACTOR_OFFICE, u->id, login,
			    r == PAGE_THROTTLED ? "office_user.sign_in_refused"
						: "office_user.sign_in_failed",
			    r == PAGE_THROTTLED ? "too many attempts"
			    : u->active         ? "wrong password"
						: "account inactive") != DB_OK)
		log_warn("refused sign-in not audited");
}

struct opening {
	const struct db_login *u;
	enum sign_in stage;
};

static enum db_result open_session(struct http *h, const void *ctx)
{
	const struct opening *o = ctx;

	return settings_session_start(h, o->u->tenant_id, o->u->id, o->stage);
}

/* The session and its audit entry, in one transaction. */
static enum db_result start(struct http *h, const struct db_login *u, const char *login,
			    enum sign_in stage)
{
	struct opening o = {u, stage};
	struct db_audit a = {
		.tenant_id = u->tenant_id,
		.actor_kind = DB_ACTOR_OFFICE,
		.actor_id = u->id,
		.actor_email = login,
		.action = "office_user.sign_in",
		.target_kind = "office_user",
		.target_id = u->id,
		.target = login,
		.new_value = http_stage_owed(stage),
	};

	return http_session_audited(h, open_session, &o, &a);
}

static enum page_result login_post(struct http *h)
{
	struct db_login u;
	enum db_result drc;
	enum page_result r;
	enum sign_in stage;
	char login[255] = "";
	int req = 0, en = 0;

	memset(&u, 0, sizeof u);
	/* In a flood, refused before any database work (auth_gate_full). */
	if (auth_gate_full())
		return pwflow_busy(h);
	if (!pwflow_login_lower(h->f[F_EMAIL].str, login, sizeof login))
		login[0] = '\0';
	if ((r = check_password(h, &u)) != PAGE_OK) {
		audit_refused(h, &u, login, r);
		return r;
	}
	/* With MFA on, the password only opens the code page (stage "mfa");
	 * with MFA required and not set up, the enrolment (stage "enrol"). */
	if ((drc = db_mfa_state(h->db, DB_OFFICE, u.tenant_id, u.id, &req, &en)) != DB_OK)
		return http_db_fail(drc);
	stage = en ? SIGN_IN_MFA : req ? SIGN_IN_ENROL : SIGN_IN_FULL;
	/* A new token at every sign-in: a token planted before sign-in
	 * (session fixation) is never promoted. */
	if ((drc = start(h, &u, login, stage)) != DB_OK)
		return http_db_fail(drc);
	/* Housekeeping rides on sign-ins: bounded, and off every other path. */
	if (db_purge(h->db, h->conf->sec.session_idle_min) != DB_OK)
		log_warn("purge failed");
	http_set_cookie(h, HTTP_COOKIE_PRE, "", "/settings/login", 0, "Strict");
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
