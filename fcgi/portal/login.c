/* /portal/<slug>/: the client portal's sign-in page, on its own or framed
 * by the tenant's website.  The same throttles and messages as the office
 * sign-in; a password is checked even for unknown logins (same cost, same
 * answer).  After the password: the portal, or the MFA code (stage "mfa"),
 * or MFA enrolment when it is required and not set up (stage "enrol"). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "invite.h"
#include "log.h"
#include "pages.h"
#include "pw_flow.h"
#include "xml.h"

enum { Q_OUT, Q_RESET };
static const struct val_field query[] = {
	[Q_OUT] = {"signed_out", val_bool, 1, 0, "Signed out"},
	[Q_RESET] = {"reset", val_bool, 1, 0, "Password reset"},
};

enum { F_EMAIL, F_PASSWORD };
static const struct val_field form[] = {
	/* Any text is accepted as a login: a malformed one is just a failed
	 * sign-in, with the same message as any other. */
	[F_EMAIL] = {"email", val_line, 254, VAL_REQUIRED, "Email"},
	[F_PASSWORD] = {"password", val_secret, 1024, VAL_REQUIRED | VAL_SECRET, "Password"},
};

/* Where a session of this stage goes next. */
static const char *stage_page(enum sign_in stage)
{
	return stage == SIGN_IN_FULL ? "home" : stage == SIGN_IN_MFA ? "mfa" : "mfa/enrol";
}

static enum page_result login_get(struct http *h, xmlNodePtr root)
{
	char csrf[AUTH_CSRF_LEN + 1], path[128];
	xmlNodePtr n;

	if (h->method == HTTP_GET && h->portal_in) {
		/* Already past the password: straight on. */
		portal_url(h, stage_page(h->stage), path, sizeof path);
		return http_redirect(h, path);
	}
	http_portal_path(h, path, sizeof path);
	http_pre_csrf(h, path, csrf);
	n = xml_el(root, "portal-login");
	xml_attr(n, "csrf", csrf);
	xml_attr(n, "state", h->tenant.portal_enabled ? "open" : "disabled");
	if (h->cookie_refused)
		xml_attr(n, "cookies-refused", "1");
	if (h->method == HTTP_GET && h->q[Q_OUT].st == VAL_OK && h->q[Q_OUT].num)
		http_notice(h, "success", "You have signed out.");
	if (h->method == HTTP_GET && h->q[Q_RESET].st == VAL_OK && h->q[Q_RESET].num)
		http_notice(h, "success", "Your password is set. Sign in with it now.");
	return PAGE_OK;
}

/* Tells the owner that sign-in is paused, in a transaction of its own: a
 * failed notice must not make the sign-in answer differ. */
static void lockout_notice(struct http *h, const char *email, long long secs)
{
	enum db_result rc;

	if ((rc = db_begin(h->db)) == DB_OK &&
	    (rc = invite_enqueue_lockout(h->db, h->conf, &h->tenant, email, (secs + 59) / 60)) ==
		    DB_OK)
		rc = db_commit(h->db);
	if (rc != DB_OK) {
		db_rollback(h->db);
		log_warn("lockout notice not queued");
	}
}

/* A refused sign-in in the tenant's audit log, a statement of its own
 * (the attempt is counted already).  A login that names no account is
 * not written down as typed (it may be a password in the wrong box). */
static void audit_refused(struct http *h, const struct db_portal_login *u, enum page_result r,
			  long long lock, int has_password)
{
	const char *what = r == PAGE_THROTTLED      ? "portal_user.sign_in_refused"
			   : u->id != 0 && lock > 0 ? "portal_user.locked"
						    : "portal_user.sign_in_failed";
	char detail[64];

	if (r != PAGE_UNAUTHORIZED && r != PAGE_THROTTLED)
		return;
	if (r == PAGE_THROTTLED)
		snprintf(detail, sizeof detail, "too many attempts");
	else if (u->id == 0)
		snprintf(detail, sizeof detail, "unknown login");
	else if (lock > 0)
		snprintf(detail, sizeof detail, "wrong password; locked for %lld minutes",
			 (lock + 59) / 60);
	else
		snprintf(detail, sizeof detail, "%s",
			 has_password ? "wrong password" : "no password set");
	if (http_audit_self(h, h->tenant.id, DB_ACTOR_PORTAL, u->id, u->id ? u->email : "", what,
			    detail) != DB_OK)
		log_warn("refused sign-in not audited");
}

/* The session and its audit entry, in one transaction. */
struct opening {
	const struct db_portal_login *u;
	enum sign_in stage;
};

static enum db_result open_session(struct http *h, const void *ctx)
{
	const struct opening *o = ctx;

	return portal_session_start(h, o->u->id, o->u->customer_id, o->stage);
}

static enum db_result start(struct http *h, const struct db_portal_login *u, enum sign_in stage)
{
	struct opening o = {u, stage};
	struct db_audit a = {
		.tenant_id = h->tenant.id,
		.actor_kind = DB_ACTOR_PORTAL,
		.actor_id = u->id,
		.actor_email = u->email,
		.action = "portal_user.sign_in",
		.target_kind = "portal_user",
		.target_id = u->id,
		.target = u->email,
		.new_value = http_stage_owed(stage),
	};

	return http_session_audited(h, open_session, &o, &a);
}

static enum page_result login_post(struct http *h)
{
	const char *pw = h->f[F_PASSWORD].str;
	char lower[255], key[300], where[128];
	struct db_portal_login u;
	enum db_result drc = DB_NOTFOUND;
	enum page_result r;
	long long lock = 0;
	enum sign_in stage;
	int has_password;

	memset(&u, 0, sizeof u);
	if (!h->tenant.portal_enabled) {
		/* No credential works while the portal is off; the page says so. */
		h->status = 403;
		return PAGE_INVALID;
	}
	/* In a flood, refused before any database work (auth_gate_full). */
	if (auth_gate_full())
		return pwflow_busy(h);
	/* Logins are ASCII: anything else is no account (pwflow_login_lower). */
	if (pwflow_login_lower(h->f[F_EMAIL].str, lower, sizeof lower) &&
	    (drc = db_portal_login(h->db, h->tenant.id, lower, &u)) != DB_OK && drc != DB_NOTFOUND)
		return http_db_fail(drc);
	auth_portal_account(drc == DB_OK ? u.id : 0, h->tenant.id, lower, key, sizeof key);
	/* No password set yet (an invitation not taken up) checks against the
	 * dummy hash like an unknown login. */
	r = pwflow_sign_in(h, key, drc == DB_OK && u.hash[0] ? u.hash : NULL, pw, &lock);
	has_password = u.hash[0] != '\0';
	sodium_memzero(u.hash, sizeof u.hash);
	if (r == PAGE_UNAUTHORIZED && drc == DB_OK && lock > 0)
		lockout_notice(h, u.email, lock);
	if (r != PAGE_OK) {
		audit_refused(h, &u, r, drc == DB_OK ? lock : 0, has_password);
		return r;
	}
	if (!u.active) {
		/* Said only after the right password: nothing to learn for
		 * anyone else. */
		char msg[300];
		snprintf(msg, sizeof msg,
			 "Your access to this portal has been revoked. Please contact %s.",
			 h->tenant.company);
		http_notice(h, "error", msg);
		if (http_audit_self(h, h->tenant.id, DB_ACTOR_PORTAL, u.id, u.email,
				    "portal_user.sign_in_refused", "access revoked") != DB_OK)
			log_warn("refused sign-in not audited");
		h->status = 403;
		return PAGE_INVALID;
	}
	stage = u.mfa_enabled ? SIGN_IN_MFA : u.mfa_required ? SIGN_IN_ENROL : SIGN_IN_FULL;
	if ((drc = start(h, &u, stage)) != DB_OK)
		return http_db_fail(drc);
	portal_url(h, stage_page(stage), where, sizeof where);
	return http_redirect(h, where);
}

const struct page page_portal_login = {
	.path = "/portal/*/",
	.name = "portal-login",
	.title = "Sign in",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_PUBLIC,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = login_get,
	.post = login_post,
};
