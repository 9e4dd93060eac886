/* HTTP tests of the portal responder (fcgi/portal/) against the real stack:
 * sign-in on the direct link, frame-ancestors and cookies, throttling and
 * the lockout notice, sessions (sign-out, revocation, deletion, password
 * change, another tenant's slug), forgot / reset password, MFA (codes from
 * oathtool, replay, recovery codes, required MFA, reset by an admin) and
 * customers' secure token links.  Each test makes a tenant of its own
 * (common.h, fx_make), so none meets another's leftovers, and none uses or
 * restores the demo's.  Every XML answer is schema-checked. */
#include "config.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "common.h"
#include "tap.h"

#define P(rest) fxp(&fx, rest)
#define PA "/settings/client/portal-access"

static char stamp[32];
static struct fx fx; /* the running test's tenant */

/* Makes the running test's tenant (fx) with the parts in what: one check. */
static int begin(const char *test, unsigned what)
{
	int made = fx_make(&fx, "portal", "Portal Field Services", what) == 0;
	return ok(made, "%s: a tenant of its own (%s)", test, fx.slug);
}

static void test_login_page(void)
{
	struct hc *g = client();
	struct fx other;
	char hdr[8192];
	xmlDocPtr d;

	begin("login page", FX_PORTAL_ON);
	ok(fx_make(&other, "portal-other", "Other Field Services", FX_PORTAL_ON) == 0,
	   "and another, with the portal on and no frame origin");
	free(sql1("UPDATE tenants SET portal_enabled = 1, frame_origins = "
		  "'https://www.demo.example\nhttp://localhost:3000' WHERE slug = '%s'",
		  fx.slug));
	d = get_xml(g, fx.portal, 200, "the direct link's login page");
	ok(xp_is(d, "string(/page/portal/@company-name)", fx.name) &&
		   xp_is(d, "string(/page/portal-login/@state)", "open"),
	   "names the tenant; the portal is open");
	xmlFreeDoc(d);
	hc_clear_cookies(g);
	ok(status_of(g, "GET", fx.portal, NULL, NULL, hdr, sizeof hdr) == 200 &&
		   strstr(hdr, "frame-ancestors 'self' https://www.demo.example "
			       "http://localhost:3000\r\n") &&
		   !strstr(hdr, "X-Frame-Options"),
	   "frame-ancestors lists the tenant's origins, and no X-Frame-Options contradicts it");
	ok(strstr(hdr, "gh_pre=") && strstr(hdr, "SameSite=None; Partitioned") &&
		   strstr(hdr, "Secure;"),
	   "the form's pre-session cookie is Secure; SameSite=None; Partitioned (usable in a "
	   "third-party frame)");
	ok(status_of(g, "GET", other.portal, NULL, NULL, hdr, sizeof hdr) == 200 &&
		   strstr(hdr, "frame-ancestors 'none'") && strstr(hdr, "X-Frame-Options: DENY"),
	   "a tenant listing no origin: frame-ancestors 'none' and X-Frame-Options: DENY");
	ok(post_form(g, fx.portal, P("request-link"), "x=1", &d, NULL, 0) == 422 && d &&
		   hc_valid(d),
	   "a POST-only page with a missing field: a 422 error page (it once crashed the "
	   "responder)");
	xmlFreeDoc(d);
	d = get_xml(g, "/portal/no-such-tenant/", 404, "an unknown slug: 404");
	xmlFreeDoc(d);
	ok(get_status(g, "/settings/client/portal-access") == 303,
	   "(the settings pages are unaffected)");
	hc_free(g);
}

static void test_signin(void)
{
	struct hc *a = client(), *b = client();
	struct fx other;
	char email[128], loc[512], old[128], body[600], cpath[200];
	char *id;
	xmlDocPtr d;

	begin("sign-in", FX_CUSTOMERS | FX_PORTAL_ON);
	snprintf(cpath, sizeof cpath, "Path=%s;", fx.portal);
	snprintf(email, sizeof email, "signin-%s@abm.example.com", stamp);
	id = fx_portal_user(&fx, email, "ABM Apartments");
	ok(id && *id, "a portal user with a password exists");

	ok(portal_login(a, fx.slug, email, "wrong-password-1", NULL, 0) == 401,
	   "a wrong password: 401");
	ok(portal_login(a, fx.slug, "nobody@abm.example.com", PW, NULL, 0) == 401,
	   "an unknown email: the same 401");
	{
		char csrf[65];
		struct hc_resp r;
		hc_csrf(a, fx.portal, csrf);
		snprintf(body, sizeof body, "csrf=%s&email=nobody%%40x.test&password=x", csrf);
		hc_req(a, "POST", fx.portal, "application/x-www-form-urlencoded", body,
		       "Accept: application/xml", &r);
		d = hc_xml(&r);
		ok(r.status == 401 && d && hc_valid(d) &&
			   xp_is(d, "string(/page/notice[@kind='error'])",
				 "The email or password is incorrect."),
		   "the message does not say which was wrong");
		xmlFreeDoc(d);
		hc_resp_free(&r);
	}
	ok(portal_login(a, fx.slug, email, PW, loc, sizeof loc) == 303 &&
		   strcmp(loc, P("home")) == 0,
	   "the right password: 303 to the portal home");
	snprintf(old, sizeof old, "%s", hc_cookie(a, "gh_portal") ? hc_cookie(a, "gh_portal") : "");
	d = get_xml(a, P("home"), 200, "the home");
	ok(xp_is(d, "string(/page/portal-home/@email)", email) &&
		   xp_is(d, "string(/page/portal-home/@company)", "ABM Apartments") &&
		   xp_is(d, "string(/page/portal-session/@stage)", "full"),
	   "names the user and the customer");
	xmlFreeDoc(d);
	ok(count_is("1",
		    "SELECT COUNT(*) FROM portal_users WHERE email = '%s' AND last_sign_in_at > "
		    "NOW(6) - INTERVAL 1 MINUTE",
		    email),
	   "the sign-in time is recorded (the Last sign-in column)");
	{
		struct hc_resp r;
		char csrf[65], set[512];
		hc_csrf(b, fx.portal, csrf);
		char e[300];
		urlenc(email, e, sizeof e);
		snprintf(body, sizeof body, "csrf=%s&email=%s&password=%s", csrf, e, PW);
		hc_req(b, "POST", fx.portal, "application/x-www-form-urlencoded", body, NULL, &r);
		ok(r.status == 303 && hc_set_cookie(&r, "gh_portal", set, sizeof set) &&
			   strstr(set, cpath) && strstr(set, "HttpOnly") && strstr(set, "Secure") &&
			   strstr(set, "SameSite=None") && strstr(set, "Partitioned"),
		   "the session cookie: Path=<direct link>; HttpOnly; Secure; SameSite=None; "
		   "Partitioned (%s)",
		   set);
		hc_resp_free(&r);
	}
	ok(strcmp(old, hc_cookie(b, "gh_portal") ?: "") != 0, "each sign-in gets a new token");
	ok(get_status(a, P("home")) == 200, "the first session still works beside the second");

	/* Another tenant's slug with this session: refused. */
	ok(fx_make(&other, "portal-other", "Other Field Services", FX_PORTAL_ON) == 0,
	   "another tenant, its portal on");
	struct hc *x = client();
	hc_set_cookie_value(x, "gh_portal", hc_cookie(a, "gh_portal"));
	snprintf(cpath, sizeof cpath, "%shome", other.portal);
	ok(get_status(x, cpath) == 303,
	   "the session under another tenant's slug: refused (303 to sign-in)");
	snprintf(cpath, sizeof cpath, "%shome?format=xml", other.portal);
	ok(status_of(x, "GET", cpath, NULL, NULL, NULL, 0) == 401, "as XML: 401");
	hc_free(x);

	/* CSRF: none, forged, and the pre-session cookie missing. */
	snprintf(body, sizeof body, "email=%s&password=%s", "x%40y.test", PW);
	ok(status_of(b, "POST", fx.portal, body, NULL, NULL, 0) == 403,
	   "sign-in without a CSRF token: 403");
	snprintf(body, sizeof body, "csrf=%064d&email=x%%40y.test&password=x", 0);
	ok(status_of(b, "POST", fx.portal, body, NULL, NULL, 0) == 403, "with a forged one: 403");
	{
		struct hc *n = client();
		char csrf[65];
		struct hc_resp r;
		hc_csrf(n, fx.portal, csrf);
		hc_clear_cookies(n); /* a browser that refused the cookie */
		snprintf(body, sizeof body, "csrf=%s&email=x%%40y.test&password=x", csrf);
		hc_req(n, "POST", fx.portal, "application/x-www-form-urlencoded", body,
		       "Accept: application/xml", &r);
		d = hc_xml(&r);
		ok(r.status == 403 && d && hc_valid(d) &&
			   xp_is(d, "string(/page/portal-login/@cookies-refused)", "1"),
		   "without the pre-session cookie (storage refused in a frame): 403 and the page "
		   "offers a new tab");
		xmlFreeDoc(d);
		hc_resp_free(&r);
		hc_free(n);
	}
	ok(status_of(a, "POST", P("logout"), "csrf=0", NULL, NULL, 0) == 403,
	   "sign-out with a bad CSRF token: 403");

	/* Sign-out ends the session on the server. */
	char token[128];
	snprintf(token, sizeof token, "%s", hc_cookie(a, "gh_portal") ?: "");
	ok(post_form(a, P("home"), P("logout"), "x=1", NULL, loc, sizeof loc) == 303 &&
		   strcmp(loc, P("?signed_out=1")) == 0,
	   "sign out: 303 to the login page");
	x = client();
	hc_set_cookie_value(x, "gh_portal", token);
	ok(get_status(x, P("home")) == 303, "the old token no longer works");
	hc_free(x);

	/* Revoked and deleted users lose their sessions at once. */
	ok(get_status(b, P("home")) == 200, "another session of the user works");
	free(sql1("UPDATE portal_users SET status = 'revoked' WHERE id = %s", id));
	ok(get_status(b, P("home")) == 303, "revoked: the session ends at once");
	{
		struct hc_resp r;
		char csrf[65], e[300];
		hc_csrf(b, fx.portal, csrf);
		urlenc(email, e, sizeof e);
		snprintf(body, sizeof body, "csrf=%s&email=%s&password=%s", csrf, e, PW);
		hc_req(b, "POST", fx.portal, "application/x-www-form-urlencoded", body,
		       "Accept: application/xml", &r);
		d = hc_xml(&r);
		char *msg = d ? xp(d, "string(/page/notice[@kind='error'])") : strdup("");
		ok(r.status == 403 && d && hc_valid(d) && strstr(msg, "revoked"),
		   "a revoked user's right password: 403, \"%s\"", msg);
		free(msg);
		xmlFreeDoc(d);
		hc_resp_free(&r);
	}
	free(sql1("UPDATE portal_users SET status = 'active' WHERE id = %s", id));
	long st = portal_login(b, fx.slug, email, PW, NULL, 0);
	if (!ok(st == 303, "restored: signs in again"))
		diag("status %ld", st);
	free(sql1("DELETE FROM portal_users WHERE id = %s", id));
	ok(get_status(b, P("home")) == 303, "deleted: the session ends at once");

	/* The portal off: the page says so, no credential works, and sessions end. */
	snprintf(email, sizeof email, "off-%s@abm.example.com", stamp);
	free(id);
	id = fx_portal_user(&fx, email, "ABM Apartments");
	ok(portal_login(b, fx.slug, email, PW, NULL, 0) == 303, "signed in while the portal is on");
	struct hc *admin = client();
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in to settings");
	ok(post_form(admin, "/settings/client/portal-access-settings",
		     "/settings/client/portal-access-settings", "frame_origins=", NULL, NULL,
		     0) == 303,
	   "admin turns the portal off in settings");
	ok(get_status(b, P("home")) == 303, "the portal session has ended");
	d = get_xml(b, fx.portal, 200, "the login page while off");
	ok(xp_is(d, "string(/page/portal-login/@state)", "disabled"),
	   "says the portal is unavailable");
	xmlFreeDoc(d);
	ok(portal_login(b, fx.slug, email, PW, NULL, 0) == 403,
	   "the right password does not sign in: 403");
	free(id);
	hc_free(admin);
	hc_free(a);
	hc_free(b);
}

static void test_throttle(void)
{
	struct hc *g = client(), *admin = client();
	char email[128], path[128];
	long st = 0;
	char *id;
	int locked = 0;

	begin("throttle", FX_STAFF | FX_CUSTOMERS | FX_PORTAL_ON);
	throttle_reset();
	snprintf(email, sizeof email, "locked-%s@abm.example.com", stamp);
	id = fx_portal_user(&fx, email, "ABM Apartments");
	for (int i = 0; i < 5; i++)
		st = portal_login(g, fx.slug, email, "wrong-password-1", NULL, 0);
	ok(st == 401, "five wrong passwords: 401 each");
	/* Spelt differently, the same account. */
	char upper[128];
	for (size_t i = 0; i <= strlen(email); i++)
		upper[i] = (char)(email[i] >= 'a' && email[i] <= 'z' ? email[i] - 32 : email[i]);
	st = portal_login(g, fx.slug, upper, PW, NULL, 0);
	ok(st == 429, "then even the right password (in capitals): 429 while locked");
	for (int i = 0; i < 50 && !locked; i++) {
		char *v = sql1("SELECT COUNT(*) FROM mail_outbox WHERE to_addr = '%s' AND kind = "
			       "'lockout'",
			       email);
		locked = v && strcmp(v, "1") == 0;
		free(v);
		if (!locked)
			usleep(100000);
	}
	ok(locked, "the user gets one lockout notice by mail");
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in to settings");
	snprintf(path, sizeof path, PA "/edit?id=%s", id);
	xmlDocPtr d = get_xml(admin, path, 200, "the portal user's page");
	ok(d && xp_is(d, "string(number(//security/@locked-seconds) > 0)", "true"),
	   "shows sign-in as paused");
	xmlFreeDoc(d);
	char fields[128];
	snprintf(fields, sizeof fields, "id=%s&action=unlock", id);
	ok(post_form(admin, path, PA "/security", fields, NULL, NULL, 0) == 303,
	   "admin unlocks sign-in");
	ok(portal_login(g, fx.slug, email, PW, NULL, 0) == 303, "the user signs in at once");
	ok(count_is("1",
		    "SELECT COUNT(*) FROM audit_log WHERE action = 'portal_user.unlock' AND target "
		    "LIKE '%%%s%%'",
		    email),
	   "the unlock is audited");
	snprintf(fields, sizeof fields, "id=%s&action=explode", id);
	ok(post_form(admin, path, PA "/security", fields, NULL, NULL, 0) == 400,
	   "an unknown action: 400");
	{
		struct hc *viewer = client();
		ok(hc_login(viewer, fx.viewer, PW) == 303 &&
			   post_form(viewer, path, PA "/security", "id=1&action=unlock", NULL, NULL,
				     0) == 403,
		   "a view-only office user cannot unlock: 403");
		hc_free(viewer);
	}
	free(id);
	throttle_reset();
	hc_free(g);
	hc_free(admin);
}

static void test_reset(void)
{
	struct hc *g = client(), *s1 = client();
	char email[128], fields[600], path[256], tok[44], loc[512], e[300];
	char *id;
	xmlDocPtr d;

	begin("reset", FX_CUSTOMERS | FX_PORTAL_ON);
	snprintf(email, sizeof email, "reset-%s@abm.example.com", stamp);
	id = fx_portal_user(&fx, email, "ABM Apartments");
	urlenc(email, e, sizeof e);
	ok(portal_login(s1, fx.slug, email, PW, NULL, 0) == 303, "the user has a session");
	d = get_xml(g, P("forgot"), 200, "the forgot-password page");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "email=nobody-%s%%40abm.example.com", stamp);
	ok(post_form(g, P("forgot"), P("forgot"), fields, NULL, loc, sizeof loc) == 303 &&
		   strcmp(loc, P("forgot?sent=1")) == 0,
	   "an unknown email: 303 to \"check your email\"");
	snprintf(fields, sizeof fields, "email=%s", e);
	ok(post_form(g, P("forgot"), P("forgot"), fields, NULL, loc, sizeof loc) == 303 &&
		   strcmp(loc, P("forgot?sent=1")) == 0,
	   "a known email: the very same answer");
	ok(post_form(g, P("forgot"), P("forgot"), "email=not-an-email", NULL, NULL, 0) == 422,
	   "a malformed email: 422");
	ok(mail_link(email, "reset?token=", tok) == 0, "the reset mail reaches the SMTP sink");
	ok(count_is("1",
		    "SELECT COUNT(*) FROM one_time_tokens t JOIN portal_users p ON p.id = "
		    "t.portal_user_id WHERE p.email = '%s' AND t.purpose = 'reset_password' AND "
		    "t.used_at IS NULL AND t.expires_at BETWEEN NOW(6) + INTERVAL 59 MINUTE AND "
		    "NOW(6) + INTERVAL 61 MINUTE",
		    email),
	   "its link is single-use and valid for one hour");
	snprintf(path, sizeof path, P("reset?token=%s"), tok);
	d = get_xml(g, path, 200, "the reset link");
	ok(xp_is(d, "string(/page/set-password/@purpose)", "reset") &&
		   xp_is(d, "string(/page/set-password/@state)", "ok"),
	   "shows the new-password form");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "token=%s&password=Portal-reset-9&confirm=Portal-reset-9",
		 tok);
	ok(post_form(g, path, P("reset"), fields, NULL, loc, sizeof loc) == 303 &&
		   strcmp(loc, P("?reset=1")) == 0,
	   "a new password: 303 to the login page");
	ok(get_status(s1, P("home")) == 303, "every session of the user has ended");
	ok(portal_login(g, fx.slug, email, PW, NULL, 0) == 401, "the old password no longer works");
	ok(portal_login(g, fx.slug, email, "Portal-reset-9", NULL, 0) == 303, "the new one does");
	d = get_xml(g, path, 410, "the used link: 410");
	ok(xp_is(d, "string(/page/set-password/@state)", "expired"), "offers a new one");
	xmlFreeDoc(d);
	/* An expired link. */
	snprintf(fields, sizeof fields, "email=%s", e);
	post_form(g, P("forgot"), P("forgot"), fields, NULL, NULL, 0);
	char tok2[44] = "";
	for (int i = 0;
	     i < 75 && (mail_link(email, "reset?token=", tok2) != 0 || strcmp(tok2, tok) == 0); i++)
		usleep(200000);
	free(sql1("UPDATE one_time_tokens t JOIN portal_users p ON p.id = t.portal_user_id SET "
		  "t.expires_at = NOW(6) - INTERVAL 1 SECOND WHERE p.email = '%s' AND t.used_at IS "
		  "NULL",
		  email));
	snprintf(path, sizeof path, P("reset?token=%s"), tok2);
	d = get_xml(g, path, 410, "an expired reset link: 410");
	xmlFreeDoc(d);
	d = get_xml(g, P("reset?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 404,
		    "an unknown one: 404");
	xmlFreeDoc(d);
	ok(count_is("1",
		    "SELECT COUNT(*) FROM audit_log WHERE action = 'portal_user.reset_password' "
		    "AND target = '%s'",
		    email),
	   "the reset is audited");
	free(id);
	hc_free(g);
	hc_free(s1);
}

static void test_account(void)
{
	struct hc *a = client(), *b = client();
	char email[128], loc[512];
	char *id;
	xmlDocPtr d;

	begin("account", FX_CUSTOMERS | FX_PORTAL_ON);
	snprintf(email, sizeof email, "account-%s@abm.example.com", stamp);
	id = fx_portal_user(&fx, email, "ABM Apartments");
	ok(portal_login(a, fx.slug, email, PW, NULL, 0) == 303 &&
		   portal_login(b, fx.slug, email, PW, NULL, 0) == 303,
	   "two sessions of one user");
	d = get_xml(a, P("account"), 200, "the account page");
	ok(xp_is(d, "count(//sessions/session)", "2") &&
		   xp_is(d, "count(//sessions/session[@current='1'])", "1"),
	   "lists both sessions, this one marked");
	xmlFreeDoc(d);
	ok(post_form(a, P("account"), P("account/password"),
		     "current=wrong-pass-1&password=Portal-new-77&confirm=Portal-new-77", &d, NULL,
		     0) == 422 &&
		   d && hc_valid(d) &&
		   xp_is(d, "string(//form/field[@name='current']/@error)",
			 "This is not your current password."),
	   "change password with a wrong current one: 422");
	xmlFreeDoc(d);
	ok(post_form(a, P("account"), P("account/password"),
		     "current=" PW "&password=Portal-new-77&confirm=Portal-new-78", NULL, NULL,
		     0) == 422,
	   "two different new passwords: 422");
	ok(post_form(a, P("account"), P("account/password"),
		     "current=" PW "&password=Portal-new-77&confirm=Portal-new-77", NULL, loc,
		     sizeof loc) == 303 &&
		   strcmp(loc, P("account?done=password")) == 0,
	   "the right current password: 303");
	ok(get_status(b, P("home")) == 303 && get_status(a, P("home")) == 200,
	   "the other session has ended; this one goes on");
	ok(portal_login(b, fx.slug, email, "Portal-new-77", NULL, 0) == 303,
	   "the new password signs in");
	ok(post_form(a, P("account"), P("account/sessions"), "x=1", NULL, loc, sizeof loc) == 303 &&
		   get_status(b, P("home")) == 303 && get_status(a, P("home")) == 200,
	   "\"Sign out other sessions\" ends the others only");
	/* The office sets a new password: the user's sessions end. */
	struct hc *admin = client();
	char path[128], fields[300], *cid, e[300];
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in");
	cid = sql1("SELECT customer_id FROM portal_users WHERE id = %s", id);
	urlenc(email, e, sizeof e);
	snprintf(path, sizeof path, PA "/edit?id=%s", id);
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s&password=Office-set-55", id,
		 cid, e);
	ok(post_form(admin, path, PA "/edit", fields, NULL, NULL, 0) == 303,
	   "admin sets a new password");
	ok(get_status(a, P("home")) == 303, "the user's session has ended");
	ok(portal_login(a, fx.slug, email, "Office-set-55", NULL, 0) == 303,
	   "the new password signs in");
	/* Idle and absolute time-outs. */
	free(sql1("UPDATE sessions SET last_seen_at = NOW(6) - INTERVAL 1 DAY WHERE portal_user_id "
		  "= %s",
		  id));
	ok(get_status(a, P("home")) == 303, "an idle session has ended");
	portal_login(a, fx.slug, email, "Office-set-55", NULL, 0);
	free(sql1("UPDATE sessions SET expires_at = NOW(6) - INTERVAL 1 SECOND WHERE "
		  "portal_user_id = %s",
		  id));
	ok(get_status(a, P("home")) == 303, "a session past its absolute lifetime has ended");
	free(cid);
	hc_free(admin);
	free(id);
	hc_free(a);
	hc_free(b);
}

static void test_mfa(void)
{
	struct hc *a = client(), *admin = client();
	char email[128], key[64], code[16], fields[256], loc[512], path[128], rc1[16] = "";
	char *id, *v;
	xmlDocPtr d;

	begin("MFA", FX_CUSTOMERS | FX_PORTAL_ON);
	snprintf(email, sizeof email, "mfa-%s@abm.example.com", stamp);
	id = fx_portal_user(&fx, email, "ABM Apartments");
	ok(portal_login(a, fx.slug, email, PW, NULL, 0) == 303, "signed in");
	d = get_xml(a, P("mfa/enrol"), 200, "the enrolment page");
	v = xp(d, "string(/page/portal-mfa-enrol/@secret)");
	snprintf(key, sizeof key, "%s", v);
	free(v);
	v = xp(d, "string(//qr/@path)");
	ok(strlen(key) == 39 && xp_is(d, "string(/page/portal-mfa-enrol/@state)", "setup") &&
		   v[0] == 'M',
	   "a key in text and a QR code");
	free(v);
	xmlFreeDoc(d);
	d = get_xml(a, P("mfa/enrol"), 200, "the page again");
	ok(xp_is(d, "string(/page/portal-mfa-enrol/@secret)", key), "shows the same pending key");
	xmlFreeDoc(d);
	ok(count_is("1",
		    "SELECT COUNT(*) FROM portal_users WHERE email = '%s' AND mfa_pending IS NOT "
		    "NULL AND LENGTH(mfa_pending) = 60 AND mfa_secret IS NULL",
		    email),
	   "the pending key is stored sealed (nonce + MAC + 20 bytes), not in clear");
	ok(post_form(a, P("mfa/enrol"), P("mfa/enrol"), "code=000000", NULL, NULL, 0) == 422,
	   "a wrong code: 422");
	ok(oathtool(key, NULL, code) == 0, "oathtool computes a code (%s)", code);
	snprintf(fields, sizeof fields, "code=%s", code);
	ok(post_form(a, P("mfa/enrol"), P("mfa/enrol"), fields, &d, NULL, 0) == 200 && d &&
		   hc_valid(d) && xp_is(d, "string(/page/portal-mfa-enrol/@state)", "done") &&
		   xp_is(d, "count(//recovery-codes/code)", "10"),
	   "oathtool's code turns MFA on and shows 10 recovery codes");
	v = d ? xp(d, "string(//recovery-codes/code[1])") : strdup("");
	snprintf(rc1, sizeof rc1, "%s", v);
	free(v);
	xmlFreeDoc(d);
	ok(count_is("10",
		    "SELECT COUNT(*) FROM portal_mfa_recovery r JOIN portal_users p ON p.id = "
		    "r.portal_user_id WHERE p.email = '%s'",
		    email),
	   "10 recovery codes stored, as hashes");
	ok(post_form(a, P("home"), P("logout"), "x=1", NULL, NULL, 0) == 303, "signed out");

	ok(portal_login(a, fx.slug, email, PW, loc, sizeof loc) == 303 &&
		   strcmp(loc, P("mfa")) == 0,
	   "the password now leads to the code page");
	ok(get_status(a, P("home")) == 303 && get_status(a, P("account")) == 303,
	   "with only the password, the portal stays closed");
	d = get_xml(a, P("mfa"), 200, "the code page");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "code=%s", code);
	ok(post_form(a, P("mfa"), P("mfa"), fields, &d, NULL, 0) == 422 && d &&
		   xp_is(d, "string(//form/field[@name='code']/@error)",
			 "This code was used already. Wait for the next one."),
	   "the enrolment's code again: refused as a replay");
	xmlFreeDoc(d);
	ok(oathtool(key, "now + 30 seconds", code) == 0, "oathtool's next code");
	snprintf(fields, sizeof fields, "code=%s", code);
	ok(post_form(a, P("mfa"), P("mfa"), fields, NULL, loc, sizeof loc) == 303 &&
		   strcmp(loc, P("home")) == 0 && get_status(a, P("home")) == 200,
	   "is accepted (one step of tolerance) and signs in");
	ok(post_form(a, P("home"), P("logout"), "x=1", NULL, NULL, 0) == 303, "signed out");
	portal_login(a, fx.slug, email, PW, NULL, 0);
	ok(post_form(a, P("mfa"), P("mfa"), fields, NULL, NULL, 0) == 422,
	   "the same code cannot sign in twice");
	snprintf(fields, sizeof fields, "code=%s", rc1);
	ok(post_form(a, P("mfa"), P("mfa"), fields, NULL, NULL, 0) == 303 &&
		   get_status(a, P("home")) == 200,
	   "a recovery code signs in");
	post_form(a, P("home"), P("logout"), "x=1", NULL, NULL, 0);
	portal_login(a, fx.slug, email, PW, NULL, 0);
	ok(post_form(a, P("mfa"), P("mfa"), fields, NULL, NULL, 0) == 422,
	   "the used recovery code is refused");
	d = NULL;
	long st = 0;
	for (int i = 0; i < 6; i++)
		st = post_form(a, P("mfa"), P("mfa"), "code=123456", NULL, NULL, 0);
	ok(st == 429, "wrong codes are throttled like passwords: 429");
	throttle_reset();

	/* A password reset leaves MFA on. */
	{
		char e[300], tok[44], rp[256];
		urlenc(email, e, sizeof e);
		snprintf(fields, sizeof fields, "email=%s", e);
		struct hc *g = client();
		ok(post_form(g, P("forgot"), P("forgot"), fields, NULL, NULL, 0) == 303 &&
			   mail_link(email, "reset?token=", tok) == 0,
		   "the MFA user asks for a reset link");
		snprintf(rp, sizeof rp, P("reset?token=%s"), tok);
		snprintf(fields, sizeof fields,
			 "token=%s&password=Portal-mfa-reset-1&confirm=Portal-mfa-reset-1", tok);
		ok(post_form(g, rp, P("reset"), fields, NULL, NULL, 0) == 303,
		   "and sets a new password");
		ok(portal_login(g, fx.slug, email, "Portal-mfa-reset-1", loc, sizeof loc) == 303 &&
			   strcmp(loc, P("mfa")) == 0 && get_status(g, P("home")) == 303,
		   "the reset never bypasses MFA: the sign-in still asks for a code");
		hc_free(g);
	}

	/* An admin resets MFA (a lost phone): sessions end, the key goes. */
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in");
	snprintf(path, sizeof path, PA "/edit?id=%s", id);
	d = get_xml(admin, path, 200, "the portal user's page");
	ok(xp_is(d, "string(//security/@mfa-enabled)", "1"), "says MFA is on");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&action=reset", id);
	ok(post_form(admin, path, PA "/security", fields, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "done=mfa-reset"),
	   "admin resets MFA");
	ok(count_is("0",
		    "SELECT COUNT(*) FROM portal_users p LEFT JOIN portal_mfa_recovery r ON "
		    "r.portal_user_id = p.id WHERE p.email = '%s' AND (p.mfa_secret IS NOT NULL OR "
		    "r.code_hash IS NOT NULL)",
		    email),
	   "the key and the recovery codes are gone");
	/* Required MFA: the next sign-in enrols first. */
	snprintf(fields, sizeof fields, "id=%s&action=require", id);
	ok(post_form(admin, path, PA "/security", fields, NULL, NULL, 0) == 303,
	   "admin requires MFA for the user");
	ok(portal_login(a, fx.slug, email, "Portal-mfa-reset-1", loc, sizeof loc) == 303 &&
		   strcmp(loc, P("mfa/enrol")) == 0,
	   "the next sign-in goes to enrolment");
	ok(get_status(a, P("home")) == 303, "and the portal stays closed until it is done");
	d = get_xml(a, P("mfa/enrol"), 200, "the enrolment page (required)");
	ok(xp_is(d, "string(/page/portal-mfa-enrol/@required)", "1"), "says MFA is required");
	v = xp(d, "string(/page/portal-mfa-enrol/@secret)");
	snprintf(key, sizeof key, "%s", v);
	free(v);
	xmlFreeDoc(d);
	oathtool(key, NULL, code);
	snprintf(fields, sizeof fields, "code=%s", code);
	ok(post_form(a, P("mfa/enrol"), P("mfa/enrol"), fields, NULL, NULL, 0) == 200 &&
		   get_status(a, P("home")) == 200,
	   "enrolling completes the sign-in");
	ok(count_is("1",
		    "SELECT COUNT(*) FROM audit_log WHERE action = 'portal_user.mfa_reset' AND "
		    "target LIKE '%%%s%%'",
		    email),
	   "the admin's reset is audited");
	free(id);
	hc_free(a);
	hc_free(admin);
}

static void test_token_link(void)
{
	struct hc *admin = client(), *g = client(), *x = client();
	char name[128], path[256], loc[512], fields[128], link[512], old[512];
	char *cid, *v;
	xmlDocPtr d;

	begin("token link", FX_STAFF | FX_CUSTOMERS | FX_PORTAL_ON);
	snprintf(name, sizeof name, "Token Test %s", stamp);
	free(sql1("INSERT INTO customers (tenant_id, name) SELECT id, '%s' FROM tenants WHERE slug "
		  "= '%s'",
		  name, fx.slug));
	cid = fx_customer(&fx, name);
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in");
	snprintf(path, sizeof path, "/settings/customers/edit?id=%s", cid);
	d = get_xml(admin, path, 200, "a customer without a link");
	ok(xp_is(d, "count(//token-link/@href)", "0"), "has no link yet");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s", cid);
	ok(post_form(admin, path, "/settings/customers/token", fields, NULL, loc, sizeof loc) ==
		   303,
	   "admin makes a secure token link");
	d = get_xml(admin, path, 200, "the customer's page");
	v = xp(d, "string(//token-link/@href)");
	snprintf(link, sizeof link, "%s", v);
	free(v);
	ok(strstr(link, P("t?token=")) != NULL && xp_is(d, "string(//token-link/@active)", "1"),
	   "shows the link, active while the customer has no portal users");
	xmlFreeDoc(d);
	ok(count_is("1",
		    "SELECT COUNT(*) FROM customers WHERE id = %s AND portal_token_hash IS NOT "
		    "NULL AND LENGTH(portal_token_sealed) = 83",
		    cid),
	   "stored as a hash (and sealed for display), never in clear");
	{
		struct hc *viewer = client();
		hc_login(viewer, fx.viewer, PW);
		d = get_xml(viewer, path, 200, "the customer's page for a view-only user");
		ok(xp_is(d, "count(//token-link/@href)", "0") &&
			   xp_is(d, "count(//token-link/@created)", "1"),
		   "a view-only user sees that a link exists, not the link");
		xmlFreeDoc(d);
		hc_free(viewer);
	}
	const char *rel = strstr(link, "/portal/");
	ok(status_of(g, "GET", rel, NULL, NULL, NULL, 0) == 303 &&
		   hc_cookie(g, "gh_portal") != NULL,
	   "the link opens a session without a password");
	d = get_xml(g, P("home"), 200, "the token session's home");
	ok(xp_is(d, "string(/page/portal-home/@company)", name) &&
		   xp_is(d, "string(/page/portal-home/@kind)", "token"),
	   "the customer's portal");
	v = sql1("SELECT perms FROM portal_groups WHERE is_system = 1 AND tenant_id = %s", fx.tq);
	char *keys = xp(d, "string(translate(normalize-space(concat(//sections/section[1]/@key, ' "
			   "', //sections/section[2]/@key, ' ', //sections/section[3]/@key, ' ', "
			   "//sections/section[4]/@key)), ' ', ','))");
	ok(v && strcmp(keys, v) == 0, "with what the \"Non-Portal Users\" group grants (%s)", keys);
	free(keys);
	free(v);
	xmlFreeDoc(d);
	ok(get_status(g, P("account")) == 403, "a token session has no account page: 403");
	/* The record sections follow the group; a token session never acts. */
	ok(get_status(g, P("invoices")) == 200 &&
		   status_of(g, "GET", P("estimates"), NULL, "Accept: application/xml", NULL, 0) ==
			   403,
	   "it sees Invoices, not Estimates (as \"Non-Portal Users\" grants)");
	free(sql1("UPDATE portal_groups SET perms = CONCAT(perms, ',invoices_pay') WHERE is_system "
		  "= 1 AND tenant_id = %s",
		  fx.tq));
	free(sql1("INSERT INTO customer_records (tenant_id, customer_id, kind, ref, title, "
		  "rec_date, amount_cents, status) SELECT tenant_id, id, 'invoice', 'TOK-1', "
		  "'Token test', CURDATE(), 100, 'open' FROM customers WHERE id = %s",
		  cid));
	v = sql1("SELECT id FROM customer_records WHERE customer_id = %s", cid);
	char pay[64];
	snprintf(pay, sizeof pay, "action=pay&id=%s", v);
	ok(post_form(g, P("home"), P("invoices"), pay, NULL, NULL, 0) == 403 &&
		   count_is("open", "SELECT status FROM customer_records WHERE id = %s", v),
	   "paying through a token link: 403 even when the group may pay");
	free(v);
	snprintf(old, sizeof old, "%s", rel);
	ok(post_form(admin, path, "/settings/customers/token", fields, NULL, NULL, 0) == 303,
	   "admin replaces the link");
	ok(get_status(g, P("home")) == 303, "the sessions the old link opened end");
	ok(get_status(x, old) == 404, "the old link: 404");
	d = get_xml(admin, path, 200, "the customer's page");
	v = xp(d, "string(//token-link/@href)");
	snprintf(link, sizeof link, "%s", strstr(v, "/portal/") ? strstr(v, "/portal/") : "");
	free(v);
	xmlFreeDoc(d);
	char email[128];
	snprintf(email, sizeof email, "tok-%s@abm.example.com", stamp);
	free(fx_portal_user(&fx, email, name));
	ok(get_status(x, link) == 303 && hc_cookie(x, "gh_portal") == NULL,
	   "once the customer has a portal user, the link leads to the sign-in page (no session)");
	d = get_xml(x, P("t?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 404,
		    "an unknown token: 404");
	xmlFreeDoc(d);
	ok(count_is("2",
		    "SELECT COUNT(*) FROM audit_log WHERE action = 'customer.portal_token_rotated' "
		    "AND target = '%s'",
		    name),
	   "making and replacing the link are audited");
	free(cid);
	hc_free(admin);
	hc_free(g);
	hc_free(x);
}

/* Portal permission groups (issue 6): the two starting groups, add,
 * default, delete refused while used and for the system group, a user's
 * group and status (revoke / restore), a group requiring MFA, and what the
 * portal home lists. */
static void test_groups(void)
{
	struct hc *admin = client(), *u = client();
	char name[64], fields[512], email[128], path[256], loc[512], e[300];
	char *gid, *uid, *v;
	xmlDocPtr d;

	begin("groups", FX_CUSTOMERS | FX_PORTAL_ON);
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in");
	d = get_xml(admin, "/settings/client/portal-groups", 200, "the groups");
	ok(xp_is(d, "string(//group[@system='1']/name)", "Non-Portal Users") &&
		   xp_is(d, "count(//group[@default='1'])", "1"),
	   "the system group and one default group");
	xmlFreeDoc(d);
	snprintf(name, sizeof name, "Billing %s", stamp);
	snprintf(fields, sizeof fields, "name=%s&perm_invoices_view=1&perm_invoices_pay=1", name);
	ok(post_form(admin, "/settings/client/portal-groups/edit",
		     "/settings/client/portal-groups/edit", fields, NULL, loc, sizeof loc) == 303,
	   "admin adds a group");
	ok(post_form(admin, "/settings/client/portal-groups/edit",
		     "/settings/client/portal-groups/edit", fields, NULL, NULL, 0) == 422,
	   "a second one of that name: 422");
	gid = sql1("SELECT id FROM portal_groups WHERE tenant_id = %s AND name = '%s'", fx.tq,
		   name);
	snprintf(email, sizeof email, "group-%s@abm.example.com", stamp);
	uid = fx_portal_user(&fx, email, "ABM Apartments");
	v = sql1("SELECT g.is_default FROM portal_users p JOIN portal_groups g ON g.id = "
		 "p.group_id WHERE p.id = %s",
		 uid);
	ok(v && strcmp(v, "1") == 0, "a new portal user is in the default group");
	free(v);
	/* The user's group and status, on their page. */
	char *cid = sql1("SELECT customer_id FROM portal_users WHERE id = %s", uid);
	char *sys =
		sql1("SELECT id FROM portal_groups WHERE is_system = 1 AND tenant_id = %s", fx.tq);
	urlenc(email, e, sizeof e);
	snprintf(path, sizeof path, PA "/edit?id=%s", uid);
	d = get_xml(admin, path, 200, "the portal user's page");
	ok(xp_is(d, "string(//user/@access)", "active") &&
		   xp_is(d, "count(//groups/group[@selected='1'])", "1") &&
		   xp_is(d, "count(//groups/group[. = 'Non-Portal Users'])", "0"),
	   "shows the group (the system group is not offered) and Active");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s&group=%s", uid, cid, e, sys);
	ok(post_form(admin, path, PA "/edit", fields, NULL, NULL, 0) == 422,
	   "the system group: 422");
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s&group=%s", uid, cid, e, gid);
	ok(post_form(admin, path, PA "/edit", fields, NULL, NULL, 0) == 303,
	   "admin puts the user in the new group");
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s&group=%s&email_reports=1", uid,
		 cid, e, gid);
	ok(post_form(admin, path, PA "/edit", fields, NULL, NULL, 0) == 303,
	   "and ticks \"Email me reports\"");
	d = get_xml(admin, path, 200, "the page");
	ok(xp_is(d, "string(//user/@email-reports)", "1"), "which is kept");
	xmlFreeDoc(d);
	ok(portal_login(u, fx.slug, email, PW, NULL, 0) == 303, "the user signs in");
	d = get_xml(u, P("home"), 200, "their home");
	ok(xp_is(d, "count(//sections/section)", "2") &&
		   xp_is(d, "string(//sections/section[1]/@key)", "invoices_view") &&
		   xp_is(d, "string(//sections/section[2]/@key)", "invoices_pay"),
	   "lists exactly what the group grants");
	xmlFreeDoc(d);
	/* Deleting a group in use is refused, saying how many. */
	snprintf(fields, sizeof fields, "id=%s&name=x&delete=1", gid);
	d = NULL;
	long st = post_form(admin, "/settings/client/portal-groups",
			    "/settings/client/portal-groups/edit", fields, &d, NULL, 0);
	v = d ? xp(d, "string(/error/message)") : strdup("");
	ok(st == 409 && strstr(v, "has 1 member"), "a group with a member is not deleted: 409 (%s)",
	   v);
	free(v);
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&name=x&delete=1", sys);
	ok(post_form(admin, "/settings/client/portal-groups", "/settings/client/portal-groups/edit",
		     fields, NULL, NULL, 0) == 409,
	   "nor the system group: 409");
	/* Revoke: sessions end, sign-in refused; restore without an invitation. */
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s&group=%s&status=revoked", uid,
		 cid, e, gid);
	ok(post_form(admin, path, PA "/edit", fields, NULL, NULL, 0) == 303,
	   "admin revokes the user");
	ok(get_status(u, P("home")) == 303, "their session ends at once");
	ok(portal_login(u, fx.slug, email, PW, NULL, 0) == 403, "and sign-in is refused (revoked)");
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s&group=%s&status=active", uid,
		 cid, e, gid);
	ok(post_form(admin, path, PA "/edit", fields, NULL, NULL, 0) == 303 &&
		   portal_login(u, fx.slug, email, PW, NULL, 0) == 303,
	   "restored, they sign in again");
	v = sql1("SELECT COUNT(*) FROM audit_log WHERE action IN ('portal_user.revoke', "
		 "'portal_user.restore') AND target = '%s'",
		 email);
	ok(v && strcmp(v, "2") == 0, "revoke and restore are audited");
	free(v);
	/* A group that requires MFA. */
	snprintf(fields, sizeof fields, "id=%s&name=%s&perm_invoices_view=1&require_mfa=1", gid,
		 name);
	ok(post_form(admin, "/settings/client/portal-groups", "/settings/client/portal-groups/edit",
		     fields, NULL, NULL, 0) == 303,
	   "the group now requires MFA");
	post_form(u, P("home"), P("logout"), "x=1", NULL, NULL, 0);
	ok(portal_login(u, fx.slug, email, PW, loc, sizeof loc) == 303 &&
		   strcmp(loc, P("mfa/enrol")) == 0,
	   "its member enrols at the next sign-in");
	/* Default: one at a time. */
	snprintf(fields, sizeof fields, "id=%s&name=%s&perm_invoices_view=1&default=1", gid, name);
	ok(post_form(admin, "/settings/client/portal-groups", "/settings/client/portal-groups/edit",
		     fields, NULL, NULL, 0) == 303,
	   "the group becomes the default");
	v = sql1("SELECT GROUP_CONCAT(name) FROM portal_groups WHERE is_default = 1 AND tenant_id "
		 "= %s",
		 fx.tq);
	ok(v && strcmp(v, name) == 0, "and is the only one (%s)", v ? v : "");
	free(v);
	/* A default group cannot go: the starting one is the default again
	 * (as in SQL), and the group loses its member. */
	free(sql1("UPDATE portal_groups SET is_default = 1 WHERE name = 'Customers' AND tenant_id "
		  "= %s",
		  fx.tq));
	free(sql1("UPDATE portal_groups SET is_default = 0 WHERE id = %s", gid));
	free(sql1("DELETE FROM portal_users WHERE id = %s", uid));
	snprintf(fields, sizeof fields, "id=%s&name=x&delete=1", gid);
	ok(post_form(admin, "/settings/client/portal-groups", "/settings/client/portal-groups/edit",
		     fields, NULL, loc, sizeof loc) == 303,
	   "once empty, it is deleted");
	free(gid);
	free(uid);
	free(cid);
	free(sys);
	hc_free(admin);
	hc_free(u);
}

/* Bulk "Enable portal access" on customers: a portal user per primary
 * email, skipping customers without one and emails that have access. */
static void test_bulk(void)
{
	struct hc *admin = client();
	char n1[64], n2[64], n3[64], path[400], fields[400], e1[128];
	char *c1, *c2, *c3, *g;
	xmlDocPtr d;

	begin("bulk", FX_CUSTOMERS | FX_PORTAL_ON);
	snprintf(n1, sizeof n1, "Bulk One %s", stamp);
	snprintf(n2, sizeof n2, "Bulk Two %s", stamp);
	snprintf(n3, sizeof n3, "Bulk Three %s", stamp);
	snprintf(e1, sizeof e1, "bulk1-%s@bulk.example.com", stamp);
	free(sql1("INSERT INTO customers (tenant_id, name, primary_email) SELECT id, '%s', '%s' "
		  "FROM tenants WHERE slug = '%s'",
		  n1, e1, fx.slug));
	free(sql1("INSERT INTO customers (tenant_id, name, primary_email) SELECT id, '%s', '' FROM "
		  "tenants WHERE slug = '%s'",
		  n2, fx.slug));
	free(sql1("INSERT INTO customers (tenant_id, name, primary_email) SELECT id, '%s', "
		  "'office@abm-apartments.example.com' FROM tenants WHERE slug = '%s'",
		  n3, fx.slug));
	c1 = fx_customer(&fx, n1);
	c2 = fx_customer(&fx, n2);
	c3 = fx_customer(&fx, n3);
	g = sql1("SELECT id FROM portal_groups WHERE name = 'Customers' AND tenant_id = %s", fx.tq);
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in");
	snprintf(path, sizeof path, "/settings/customers/enable-portal?id=%s&id=%s&id=%s", c1, c2,
		 c3);
	d = get_xml(admin, path, 200, "the bulk confirmation");
	ok(xp_is(d, "count(//customer)", "3") &&
		   xp_is(d, "string(//groups/group[@selected='1'])", "Customers"),
	   "names the three customers, the default group chosen");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&id=%s&id=%s&group=%s", c1, c2, c3, g);
	ok(post_form(admin, path, "/settings/customers/enable-portal", fields, &d, NULL, 0) ==
			   200 &&
		   d && hc_valid(d),
	   "Enable portal access: 200 with a report");
	char want[3][80];
	snprintf(want[0], sizeof want[0], "string(//customer[@id='%s']/@result)", c1);
	snprintf(want[1], sizeof want[1], "string(//customer[@id='%s']/@result)", c2);
	snprintf(want[2], sizeof want[2], "string(//customer[@id='%s']/@result)", c3);
	ok(d && xp_is(d, want[0], "invited") && xp_is(d, want[1], "skipped-no-email") &&
		   xp_is(d, want[2], "skipped-exists"),
	   "per customer: invited, skipped (no primary email), skipped (has access)");
	xmlFreeDoc(d);
	char tok[44];
	ok(mail_link(e1, "set-password?token=", tok) == 0, "the invitation reaches the sink");
	ok(post_form(admin, path, "/settings/customers/enable-portal", fields, &d, NULL, 0) ==
			   200 &&
		   d && xp_is(d, want[0], "skipped-exists"),
	   "run again: the first one is skipped now");
	xmlFreeDoc(d);
	char *sys =
		sql1("SELECT id FROM portal_groups WHERE is_system = 1 AND tenant_id = %s", fx.tq);
	snprintf(fields, sizeof fields, "id=%s&group=%s", c1, sys);
	ok(post_form(admin, path, "/settings/customers/enable-portal", fields, NULL, NULL, 0) ==
		   422,
	   "the system group cannot be chosen: 422");
	free(sys);
	free(c1);
	free(c2);
	free(c3);
	free(g);
	hc_free(admin);
}

/* Contacts: add, enable as portal user with and without an email. */
static void test_contacts(void)
{
	struct hc *admin = client(), *u = client();
	char name[64], path[256], fields[600], mail[128], cname[64], login[64];
	char *cid, *g, *k1, *k2, *v;
	xmlDocPtr d;

	begin("contacts", FX_CUSTOMERS | FX_PORTAL_ON);
	snprintf(name, sizeof name, "Contacts Co %s", stamp);
	free(sql1("INSERT INTO customers (tenant_id, name) SELECT id, '%s' FROM tenants WHERE slug "
		  "= '%s'",
		  name, fx.slug));
	cid = fx_customer(&fx, name);
	g = sql1("SELECT id FROM portal_groups WHERE name = 'Customers' AND tenant_id = %s", fx.tq);
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in");
	snprintf(path, sizeof path, "/settings/customers/edit?id=%s", cid);
	snprintf(mail, sizeof mail, "contact-%s@contacts.example.com", stamp);
	snprintf(fields, sizeof fields, "customer=%s&name=Ann+Mail&email=%s&phone=555-0150", cid,
		 mail);
	ok(post_form(admin, path, "/settings/customers/contacts", fields, NULL, NULL, 0) == 303,
	   "admin adds a contact with an email");
	snprintf(cname, sizeof cname, "Bob NoMail");
	snprintf(fields, sizeof fields, "customer=%s&name=Bob+NoMail", cid);
	ok(post_form(admin, path, "/settings/customers/contacts", fields, NULL, NULL, 0) == 303,
	   "and one without");
	d = get_xml(admin, path, 200, "the customer's page");
	ok(xp_is(d, "count(//contacts/contact)", "2") &&
		   xp_is(d, "count(//contacts/contact/portal-user)", "0"),
	   "lists both contacts, neither a portal user yet");
	xmlFreeDoc(d);
	k1 = sql1("SELECT id FROM customer_contacts WHERE customer_id = %s AND name = 'Ann Mail'",
		  cid);
	k2 = sql1("SELECT id FROM customer_contacts WHERE customer_id = %s AND name = 'Bob NoMail'",
		  cid);
	snprintf(fields, sizeof fields, "contact=%s&group=%s&require_mfa=1", k1, g);
	ok(post_form(admin, path, "/settings/customers/contacts/enable", fields, NULL, NULL, 0) ==
		   303,
	   "Enable portal user (Require MFA) for the contact with an email");
	v = sql1("SELECT CONCAT(pu.mfa_required, '|', pu.invite_state, '|', c.portal_user_id = "
		 "pu.id) FROM portal_users pu JOIN customer_contacts c ON c.id = %s WHERE pu.email "
		 "= '%s'",
		 k1, mail);
	ok(v && (strcmp(v, "1|queued|1") == 0 || strcmp(v, "1|sent|1") == 0),
	   "a portal user with MFA required, invited, linked (%s)", v ? v : "");
	free(v);
	ok(post_form(admin, path, "/settings/customers/contacts/enable", fields, NULL, NULL, 0) ==
		   409,
	   "a second time: 409");
	snprintf(fields, sizeof fields, "contact=%s&group=%s", k2, g);
	ok(post_form(admin, path, "/settings/customers/contacts/enable", fields, NULL, NULL, 0) ==
		   400,
	   "without an email, a login is needed: 400");
	snprintf(login, sizeof login, "bob-%s", stamp);
	snprintf(fields, sizeof fields, "contact=%s&group=%s&login=%s", k2, g, login);
	ok(post_form(admin, path, "/settings/customers/contacts/enable", fields, &d, NULL, 0) ==
			   200 &&
		   d && hc_valid(d),
	   "with a login: 200, the credentials shown once");
	char *pw = d ? xp(d, "string(//contact-enabled/password)") : strdup("");
	ok(strlen(pw) == 20 && xp_is(d, "string(//contact-enabled/login)", login),
	   "a 20-character password");
	xmlFreeDoc(d);
	v = sql1("SELECT COUNT(*) FROM mail_outbox WHERE to_addr = '%s'", login);
	ok(v && strcmp(v, "0") == 0, "nothing is mailed for it");
	free(v);
	ok(portal_login(u, fx.slug, login, pw, NULL, 0) == 303 && get_status(u, P("home")) == 200,
	   "the contact signs in to the portal with that login and password");
	free(pw);
	free(cid);
	free(g);
	free(k1);
	free(k2);
	hc_free(admin);
	hc_free(u);
}

/* Sites (TrackTik): a master site with three sub-sites; a portal user
 * granted two of them sees exactly those; the third and another
 * customer's sites are 404; a group without "Sites: view" gets 403. */
static void test_sites(void)
{
	struct hc *admin = client(), *u = client();
	char name[64], path[256], fields[600], email[128], e[300], sp[128];
	char *cid, *uid, *m, *s1, *s2, *s3, *g, *v;
	xmlDocPtr d;

	/* The demo's records: other customers' sites, which must stay out of
	 * reach. */
	begin("sites", FX_CUSTOMERS | FX_RECORDS | FX_PORTAL_ON);
	snprintf(name, sizeof name, "Sites Co %s", stamp);
	free(sql1("INSERT INTO customers (tenant_id, name) SELECT id, '%s' FROM tenants WHERE slug "
		  "= '%s'",
		  name, fx.slug));
	cid = fx_customer(&fx, name);
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in");
	snprintf(path, sizeof path, "/settings/customers/edit?id=%s", cid);
	snprintf(fields, sizeof fields, "customer=%s&name=Tower&address=1+Main", cid);
	ok(post_form(admin, path, "/settings/customers/sites", fields, NULL, NULL, 0) == 303,
	   "a master site");
	m = sql1("SELECT id FROM sites WHERE customer_id = %s AND name = 'Tower'", cid);
	for (int i = 1; i <= 3; i++) {
		snprintf(fields, sizeof fields, "customer=%s&name=Floor+%d&parent=%s", cid, i, m);
		post_form(admin, path, "/settings/customers/sites", fields, NULL, NULL, 0);
	}
	d = get_xml(admin, path, 200, "the customer's page");
	ok(xp_is(d, "count(//sites/site)", "4") && xp_is(d, "count(//sites/site[@parent])", "3"),
	   "lists the master and its three sub-sites");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "customer=%s&name=Basement&parent=999999", cid);
	ok(post_form(admin, path, "/settings/customers/sites", fields, NULL, NULL, 0) == 409,
	   "a sub-site of a site that is not this customer's master: 409");
	s1 = sql1("SELECT id FROM sites WHERE customer_id = %s AND name = 'Floor 1'", cid);
	s2 = sql1("SELECT id FROM sites WHERE customer_id = %s AND name = 'Floor 2'", cid);
	s3 = sql1("SELECT id FROM sites WHERE customer_id = %s AND name = 'Floor 3'", cid);
	snprintf(email, sizeof email, "sites-%s@abm.example.com", stamp);
	free(fx_portal_user(&fx, email, "ABM Apartments"));
	free(sql1(
		"UPDATE portal_users SET customer_id = %s, company_name = '%s' WHERE email = '%s'",
		cid, name, email));
	uid = sql1("SELECT id FROM portal_users WHERE email = '%s'", email);
	g = sql1("SELECT group_id FROM portal_users WHERE id = %s", uid);
	urlenc(email, e, sizeof e);
	snprintf(path, sizeof path, PA "/edit?id=%s", uid);
	snprintf(fields, sizeof fields,
		 "id=%s&customer=%s&email=%s&group=%s&sites=chosen&site=%s&site=%s", uid, cid, e, g,
		 s1, s2);
	ok(post_form(admin, path, PA "/edit", fields, NULL, NULL, 0) == 303,
	   "admin grants two of the three sub-sites");
	d = get_xml(admin, path, 200, "the user's page");
	ok(xp_is(d, "string(//sites/@all)", "0") && xp_is(d, "count(//sites/site[@granted])", "2"),
	   "which says so");
	xmlFreeDoc(d);
	ok(portal_login(u, fx.slug, email, PW, NULL, 0) == 303, "the user signs in");
	d = get_xml(u, P("sites"), 200, "their sites");
	ok(xp_is(d, "count(//portal-sites/site)", "2") &&
		   xp_is(d, "string(//portal-sites/site[1]/name)", "Floor 1") &&
		   xp_is(d, "string(//portal-sites/site[2]/name)", "Floor 2"),
	   "exactly the two granted sub-sites");
	xmlFreeDoc(d);
	snprintf(sp, sizeof sp, P("sites?id=%s"), s1);
	ok(get_status(u, sp) == 200, "a granted site opens");
	snprintf(sp, sizeof sp, P("sites?id=%s"), s3);
	ok(status_of(u, "GET", sp, NULL, "Accept: application/xml", NULL, 0) == 404,
	   "the ungranted one: 404");
	/* Cool Air's Warehouse A: this tenant's, another customer's. */
	v = sql1("SELECT s.id FROM sites s JOIN customers c ON c.id = s.customer_id WHERE "
		 "c.tenant_id = %s AND c.name = 'Cool Air' AND s.name = 'Warehouse A'",
		 fx.tq);
	snprintf(sp, sizeof sp, "%ssites?id=%s", fx.portal, v ? v : "0");
	ok(v && atoi(v) > 0 &&
		   status_of(u, "GET", sp, NULL, "Accept: application/xml", NULL, 0) == 404,
	   "another customer's site: 404");
	free(v);
	snprintf(fields, sizeof fields,
		 "id=%s&customer=%s&email=%s&group=%s&sites=chosen&site=999999", uid, cid, e, g);
	ok(post_form(admin, path, PA "/edit", fields, NULL, NULL, 0) == 422,
	   "granting a site of no such customer: 422");
	/* Without "Sites: view": 403 and no menu entry. */
	free(sql1("UPDATE portal_groups SET perms = REPLACE(perms, 'sites_view', 'documents_view') "
		  "WHERE id = %s",
		  g));
	ok(status_of(u, "GET", P("sites"), NULL, "Accept: application/xml", NULL, 0) == 403,
	   "a group without Sites: 403");
	d = get_xml(u, P("home"), 200, "the home");
	ok(xp_is(d, "count(//sections/section[@key='sites_view'])", "0"),
	   "and no Sites entry on the home");
	xmlFreeDoc(d);
	free(cid);
	free(uid);
	free(m);
	free(s1);
	free(s2);
	free(s3);
	free(g);
	hc_free(admin);
	hc_free(u);
}

/* The customer's own admin: a portal user whose group grants "Manage
 * colleagues" invites colleagues into groups that grant no more than theirs,
 * revokes and restores them, and cannot exceed their own group. */
static void test_colleagues(void)
{
	struct hc *boss = client(), *other = client();
	char name[64], e1[128], e2[128], fields[600], gname[64], big[64];
	char *cid, *uid, *small, *large, *v;
	xmlDocPtr d;

	begin("colleagues", FX_CUSTOMERS | FX_PORTAL_ON);
	snprintf(name, sizeof name, "Colleagues Co %s", stamp);
	free(sql1("INSERT INTO customers (tenant_id, name) SELECT id, '%s' FROM tenants WHERE slug "
		  "= '%s'",
		  name, fx.slug));
	cid = fx_customer(&fx, name);
	snprintf(gname, sizeof gname, "Admins %s", stamp);
	snprintf(big, sizeof big, "Payers %s", stamp);
	free(sql1("INSERT INTO portal_groups (tenant_id, name, perms) SELECT id, '%s', "
		  "'invoices_view,manage_colleagues' FROM tenants WHERE slug = '%s'",
		  gname, fx.slug));
	free(sql1("INSERT INTO portal_groups (tenant_id, name, perms) SELECT id, '%s', "
		  "'invoices_view,invoices_pay' FROM tenants WHERE slug = '%s'",
		  big, fx.slug));
	small = sql1("SELECT id FROM portal_groups WHERE tenant_id = %s AND name = '%s'", fx.tq,
		     gname);
	large = sql1("SELECT id FROM portal_groups WHERE tenant_id = %s AND name = '%s'", fx.tq,
		     big);
	snprintf(e1, sizeof e1, "boss-%s@colleagues.example.com", stamp);
	free(fx_portal_user(&fx, e1, "ABM Apartments"));
	free(sql1("UPDATE portal_users SET customer_id = %s, company_name = '%s', group_id = %s "
		  "WHERE email = '%s'",
		  cid, name, small, e1));
	ok(portal_login(boss, fx.slug, e1, PW, NULL, 0) == 303, "the customer's admin signs in");
	d = get_xml(boss, P("colleagues"), 200, "the Colleagues page");
	ok(xp_is(d, "count(//colleagues/colleague)", "1") &&
		   xp_is(d, "string(//colleague/@manageable)", "0") &&
		   xp_is(d, "count(//groups/group)", "1"),
	   "lists themselves (not manageable) and only the groups within theirs");
	xmlFreeDoc(d);
	snprintf(e2, sizeof e2, "mate-%s%%40colleagues.example.com", stamp);
	snprintf(fields, sizeof fields, "action=invite&email=%s&group=%s", e2, large);
	ok(post_form(boss, P("colleagues"), P("colleagues"), fields, NULL, NULL, 0) == 403,
	   "inviting into a group that grants more (pay invoices): 403");
	snprintf(fields, sizeof fields, "action=invite&email=%s&group=%s", e2, small);
	ok(post_form(boss, P("colleagues"), P("colleagues"), fields, NULL, NULL, 0) == 303,
	   "inviting into their own group: 303");
	snprintf(e2, sizeof e2, "mate-%s@colleagues.example.com", stamp);
	uid = sql1("SELECT id FROM portal_users WHERE email = '%s' AND customer_id = %s", e2, cid);
	ok(uid && *uid, "the colleague is a portal user of the same customer");
	v = sql1("SELECT COUNT(*) FROM mail_outbox WHERE to_addr = '%s' AND kind = 'invitation'",
		 e2);
	ok(v && strcmp(v, "1") == 0, "and is invited");
	free(v);
	snprintf(fields, sizeof fields, "action=revoke&id=%s", uid);
	ok(post_form(boss, P("colleagues"), P("colleagues"), fields, NULL, NULL, 0) == 303,
	   "revoked by the admin");
	v = sql1("SELECT status FROM portal_users WHERE id = %s", uid);
	ok(v && strcmp(v, "revoked") == 0, "the colleague is revoked");
	free(v);
	snprintf(fields, sizeof fields, "action=restore&id=%s", uid);
	ok(post_form(boss, P("colleagues"), P("colleagues"), fields, NULL, NULL, 0) == 303,
	   "and restored");
	v = sql1("SELECT status FROM portal_users WHERE id = %s", uid);
	ok(v && strcmp(v, "active") == 0, "the colleague is active again");
	free(v);
	/* A colleague whose group grants more (pays invoices) is out of reach. */
	char e4[128], *higher;
	snprintf(e4, sizeof e4, "payer-%s@colleagues.example.com", stamp);
	free(fx_portal_user(&fx, e4, "ABM Apartments"));
	free(sql1("UPDATE portal_users SET customer_id = %s, company_name = '%s', group_id = %s "
		  "WHERE email = '%s'",
		  cid, name, large, e4));
	higher = sql1("SELECT id FROM portal_users WHERE email = '%s'", e4);
	snprintf(fields, sizeof fields, "action=revoke&id=%s", higher);
	ok(post_form(boss, P("colleagues"), P("colleagues"), fields, NULL, NULL, 0) == 403,
	   "revoking a colleague whose group grants more: 403");
	v = sql1("SELECT status FROM portal_users WHERE id = %s", higher);
	ok(v && strcmp(v, "active") == 0, "and that colleague stays active");
	free(v);
	free(higher);
	char *foreign =
		sql1("SELECT MIN(id) FROM portal_users WHERE tenant_id = %s AND customer_id <> %s",
		     fx.tq, cid);
	snprintf(fields, sizeof fields, "action=revoke&id=%s", foreign);
	ok(post_form(boss, P("colleagues"), P("colleagues"), fields, NULL, NULL, 0) == 404,
	   "another customer's portal user: 404");
	free(foreign);
	/* Without Manage colleagues: 403. */
	char e3[128];
	snprintf(e3, sizeof e3, "plain-%s@colleagues.example.com", stamp);
	free(fx_portal_user(&fx, e3, "ABM Apartments"));
	ok(portal_login(other, fx.slug, e3, PW, NULL, 0) == 303 &&
		   status_of(other, "GET", P("colleagues"), NULL, "Accept: application/xml", NULL,
			     0) == 403,
	   "a portal user without Manage colleagues: 403");
	/* Records shown (sql/028): a group showing all the customer's records
	 * grants more than one showing its users only their own. */
	char seeall[64], e5[128], *wide, *seer;
	snprintf(seeall, sizeof seeall, "All records %s", stamp);
	free(sql1("INSERT INTO portal_groups (tenant_id, name, perms) SELECT id, '%s', "
		  "'invoices_view' FROM tenants WHERE slug = '%s'",
		  seeall, fx.slug));
	wide = sql1("SELECT id FROM portal_groups WHERE tenant_id = %s AND name = '%s'", fx.tq,
		    seeall);
	free(sql1("UPDATE portal_groups SET visibility = 'own' WHERE id = %s", small));
	d = get_xml(boss, P("colleagues"), 200, "the Colleagues page, own records only");
	snprintf(fields, sizeof fields, "count(//groups/group[@id='%s'])", wide);
	ok(xp_is(d, fields, "0") && xp_is(d, "count(//groups/group)", "1"),
	   "own records only: a group of fewer permissions that shows all records is not offered");
	xmlFreeDoc(d);
	snprintf(e5, sizeof e5, "seer-%s%%40colleagues.example.com", stamp);
	snprintf(fields, sizeof fields, "action=invite&email=%s&group=%s", e5, wide);
	ok(post_form(boss, P("colleagues"), P("colleagues"), fields, NULL, NULL, 0) == 403,
	   "inviting into it: 403");
	snprintf(e5, sizeof e5, "seer-%s@colleagues.example.com", stamp);
	free(fx_portal_user(&fx, e5, "ABM Apartments"));
	free(sql1("UPDATE portal_users SET customer_id = %s, company_name = '%s', group_id = %s "
		  "WHERE email = '%s'",
		  cid, name, wide, e5));
	seer = sql1("SELECT id FROM portal_users WHERE email = '%s'", e5);
	snprintf(fields, sizeof fields, "action=revoke&id=%s", seer);
	ok(post_form(boss, P("colleagues"), P("colleagues"), fields, NULL, NULL, 0) == 403 &&
		   count_is("active", "SELECT status FROM portal_users WHERE id = %s", seer),
	   "revoking a colleague who sees all records: 403, still active");
	snprintf(fields, sizeof fields, "action=revoke&id=%s", uid);
	ok(post_form(boss, P("colleagues"), P("colleagues"), fields, NULL, NULL, 0) == 303,
	   "a colleague of the same (own records) group: still within reach");
	free(sql1("UPDATE portal_groups SET visibility = 'all' WHERE id = %s", small));
	free(wide);
	free(seer);
	free(cid);
	free(uid);
	free(small);
	free(large);
	hc_free(boss);
	hc_free(other);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	xmlInitParser();
	test_env();
	snprintf(stamp, sizeof stamp, "%ld%03d", (long)time(NULL), (int)(getpid() % 1000));
	throttle_reset();

	test_login_page();
	test_signin();
	test_throttle();
	test_reset();
	test_account();
	test_mfa();
	test_token_link();
	test_groups();
	test_bulk();
	test_contacts();
	test_sites();
	test_colleagues();

	xmlCleanupParser();
	curl_global_cleanup();
	return done_testing();
}
