/* HTTP tests against the real stack: nginx + gatehouse-settings + MariaDB.
 * Every XML response read here is validated against its schema.  Each test
 * that needs a tenant makes its own (common.h, fx_make): none uses the
 * demo's, except test_demo, which reads what `gatehouse-ctl demo` made. */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <libxml/parser.h>
#include <mysql.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "client.h"
#include "conf.h"
#include "db.h"
#include "tap.h"
#include "common.h"

#define PS "/settings/client/portal-access-settings"
#define PA "/settings/client/portal-access"

static char stamp[32];
static struct fx fx;  /* the running test's tenant */
static struct fx ac;  /* and, where it needs one, another (the demo's "acme") */
static char adm[300]; /* fx.admin, URL-encoded */

/* Makes the running test's tenant (fx) with the parts in what, and with
 * FX_NORTHWIND in other, a second tenant (ac) like the demo's acme: admin,
 * Northwind Storage, Service Calendar.  One check. */
static int begin(const char *test, unsigned what, int other)
{
	int made =
		fx_make(&fx, "http", "HTTP Field Services", what) == 0 &&
		(!other || fx_make(&ac, "http-acme", "Acme Heating & Cooling", FX_NORTHWIND) == 0);
	urlenc(fx.admin, adm, sizeof adm);
	return ok(made, "%s: a tenant of its own (%s%s%s)", test, fx.slug, other ? ", " : "",
		  other ? ac.slug : "");
}

/* tests/demo-digest.sql's answer: "acme <md5> demo <md5>" (caller frees),
 * NULL when it could not be read. */
static char *demo_digest(void)
{
	char cmd[3000], line[256], *out = NULL;
	size_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof cmd,
		 "GH_BUILDDIR='%s' '%s/scripts/gh-stack' sql --state '%s' -- -N < "
		 "'%s/tests/demo-digest.sql' 2>&1",
		 env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."), state,
		 env_or("GH_SRCDIR", "."));
	if ((p = popen(cmd, "r")) == NULL)
		return NULL;
	while (fgets(line, sizeof line, p) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		char *t = realloc(out, n + strlen(line) + 2);
		if (t == NULL)
			break;
		out = t;
		n += (size_t)sprintf(out + n, "%s%s", n ? " " : "", line);
	}
	if (pclose(p) != 0 || n == 0 || strlen(out) != 2 * (4 + 1 + 32) + 1) {
		diag("the demo's digest: %s", out ? out : "(nothing)");
		free(out);
		return NULL;
	}
	for (char *c = out; *c; c++)
		if (*c == '\t')
			*c = ' ';
	return out;
}

/* The one test that reads the demo tenant: `gatehouse-ctl demo` made what
 * the README promises (its logins and what each may do, the second tenant,
 * the customers, the client portal's login and records).  It signs in and
 * out, and changes nothing else (checked with the demo's digest). */
static void test_demo(void)
{
	static const struct {
		const char *email, *settings; /* NULL: cannot sign in */
	} logins[] = {
		{"admin@demo.test", "super"}, {"editor@demo.test", "edit"},
		{"viewer@demo.test", "view"}, {"custom@demo.test", "none"},
		{"inactive@demo.test", NULL}, {"admin@acme.test", "super"},
	};
	static const char *const customers[] = {
		"ABM Apartments",      "Anderson Windows", "Cool Air",       "Harbor View Condos",
		"Maple Street Dental", "Riverside Mall",   "Summit Offices", "The Loop",
	};
	char *before = demo_digest(), *after, *v, e[120];
	xmlDocPtr d;

	ok(before != NULL, "demo: its digest reads");
	for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
		struct hc *h = client();
		long st = hc_login(h, logins[i].email, PW);
		if (logins[i].settings == NULL) {
			ok(st == 401, "demo: %s cannot sign in (deactivated): %ld", logins[i].email,
			   st);
			hc_free(h);
			continue;
		}
		d = get_xml(h, "/settings/", 200, logins[i].email);
		ok(st == 303 && xp_is(d, "string(/page/session/@settings)", logins[i].settings) &&
			   xp_is(d, "string(/page/session/@tenant-slug)",
				 strstr(logins[i].email, "@acme") ? "acme" : "demo"),
		   "demo: %s signs in with settings permission %s", logins[i].email,
		   logins[i].settings);
		xmlFreeDoc(d);
		ok(post_form(h, "/settings/", "/settings/logout", "x=1", NULL, NULL, 0) == 303,
		   "demo: %s signs out", logins[i].email);
		hc_free(h);
	}
	v = sql1("SELECT GROUP_CONCAT(c.name ORDER BY c.name SEPARATOR '|') FROM customers c JOIN "
		 "tenants t ON t.id = c.tenant_id WHERE t.slug = 'demo'");
	{
		char want[400] = "";
		for (size_t i = 0; i < sizeof customers / sizeof customers[0]; i++)
			snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s",
				 i ? "|" : "", customers[i]);
		ok(v && strcmp(v, want) == 0, "demo: the README's eight customers (%s)",
		   v ? v : "");
	}
	free(v);
	ok(count_is("Demo Field Services|Acme Heating & Cooling",
		    "SELECT CONCAT((SELECT company_name FROM tenants WHERE slug = 'demo'), '|', "
		    "(SELECT company_name FROM tenants WHERE slug = '%s'))",
		    "acme"),
	   "demo: the tenants demo and acme");
	ok(count_is("ABM Apartments|$argon2id$",
		    "SELECT CONCAT(p.company_name, '|', LEFT(p.password_hash, 10)) FROM "
		    "portal_users p "
		    "JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = 'demo' AND p.email = '%s'",
		    "client@demo.test"),
	   "demo: the portal login client@demo.test, of ABM Apartments, with a password");
	/* What the client portal shows: 4 invoices, 2 estimates, 3 jobs, 3
	 * documents (one private), 3 pieces of equipment (in the order of
	 * the kind ENUM), on ABM Tower's three sub-sites or customer-wide. */
	snprintf(e, sizeof e, "%s", "ABM Apartments");
	ok(count_is(
		   "invoice:4:4|estimate:2:2|job:3:3|document:3:2|equipment:3:3",
		   "SELECT GROUP_CONCAT(CONCAT(kind, ':', n, ':', pub) ORDER BY kind SEPARATOR "
		   "'|') "
		   "FROM (SELECT r.kind, COUNT(*) n, SUM(r.public) pub FROM customer_records r "
		   "JOIN "
		   "customers c ON c.id = r.customer_id JOIN tenants t ON t.id = c.tenant_id WHERE "
		   "t.slug = 'demo' AND c.name = '%s' GROUP BY r.kind) k",
		   e),
	   "demo: ABM Apartments' records for the portal");
	ok(count_is("ABM Tower:North Wing,Parking Garage,South Wing",
		    "SELECT CONCAT(m.name, ':', GROUP_CONCAT(s.name ORDER BY s.name)) FROM sites s "
		    "JOIN sites m ON m.id = s.parent_id JOIN customers c ON c.id = s.customer_id "
		    "JOIN "
		    "tenants t ON t.id = c.tenant_id WHERE t.slug = 'demo' AND c.name = '%s' GROUP "
		    "BY "
		    "m.name",
		    e),
	   "demo: ABM Tower and its three sub-sites");
	after = demo_digest();
	ok(before && after && strcmp(before, after) == 0, "demo: reading it changed nothing (%s)",
	   after ? after : "");
	free(before);
	free(after);
}

static void test_headers(void)
{
	struct hc *h = client();
	struct hc_resp r;
	char b[1024];

	hc_get(h, "/settings/login", &r);
	ok(r.status == 200, "login page 200");
	ok(hc_header(&r, "Content-Type", b, sizeof b) && strstr(b, "text/html"), "HTML by default");
	const char *csp = hc_header(&r, "Content-Security-Policy", b, sizeof b);
	ok(csp && strstr(csp, "frame-ancestors 'none'") && strstr(csp, "script-src 'self'") &&
		   !strstr(csp, "unsafe-inline"),
	   "CSP: frame-ancestors 'none', no inline script");
	ok(hc_header(&r, "X-Content-Type-Options", b, sizeof b) && strcmp(b, "nosniff") == 0,
	   "X-Content-Type-Options: nosniff");
	ok(hc_header(&r, "Referrer-Policy", b, sizeof b) != NULL, "Referrer-Policy set");
	ok(hc_header(&r, "Cache-Control", b, sizeof b) && strstr(b, "no-store"), "no-store");
	ok(hc_header(&r, "X-Request-Id", b, sizeof b) && strlen(b) == 16, "X-Request-Id");
	const char *sc = hc_set_cookie(&r, "gh_pre", b, sizeof b);
	ok(sc && strstr(sc, "HttpOnly") && strstr(sc, "Secure") && strstr(sc, "SameSite=Strict"),
	   "pre-session cookie HttpOnly; Secure; SameSite=Strict");
	ok(strstr(r.body, "<script>") == NULL && strstr(r.body, " onclick=") == NULL,
	   "no inline script in the HTML");
	hc_resp_free(&r);

	xmlDocPtr d = get_xml(h, "/settings/login", 200, "login via Accept: application/xml");
	ok(xp_is(d, "string(/page/@name)", "login"), "login XML names the page");
	xmlFreeDoc(d);
	hc_get(h, "/settings/login?format=xml", &r);
	d = hc_xml(&r);
	ok(r.status == 200 && hc_valid(d), "?format=xml returns schema-valid XML");
	xmlFreeDoc(d);
	hc_resp_free(&r);
	hc_free(h);
}

static void test_errors(void)
{
	struct hc *h = client();
	struct hc_resp r;
	char b[1024], big[80000];
	xmlDocPtr d;

	d = get_xml(h, "/settings/nope", 404, "unknown page 404");
	ok(xp_is(d, "string(/error/@status)", "404"), "error XML carries the status");
	xmlFreeDoc(d);
	hc_get(h, "/settings/nope", &r);
	ok(r.status == 404 && strstr(r.body, "<html") && strstr(r.body, "Not Found"),
	   "404 as an HTML page");
	hc_resp_free(&r);

	hc_req(h, "PUT", "/settings/login", NULL, NULL, "Accept: application/xml", &r);
	d = hc_xml(&r);
	ok(r.status == 405 && hc_valid(d), "PUT is 405 with an XML error");
	ok(hc_header(&r, "Allow", b, sizeof b) && strstr(b, "POST"),
	   "405 names the allowed methods");
	xmlFreeDoc(d);
	hc_resp_free(&r);
	hc_req(h, "DELETE", "/settings/", NULL, NULL, NULL, &r);
	ok(r.status == 405, "DELETE is 405");
	hc_resp_free(&r);
	hc_req(h, "POST", "/settings/", "application/x-www-form-urlencoded", "a=1", NULL, &r);
	ok(r.status == 405, "POST to a GET-only page is 405");
	hc_resp_free(&r);

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "email=", 6);
	hc_req(h, "POST", "/settings/login", "application/x-www-form-urlencoded", big,
	       "Accept: application/xml", &r);
	d = hc_xml(&r);
	ok(r.status == 413 && hc_valid(d), "a body over the limit is 413");
	xmlFreeDoc(d);
	hc_resp_free(&r);

	/* Each bad request, as XML (schema-valid error document) and as HTML. */
	static const struct {
		const char *method, *path, *ctype, *body;
		long want;
		const char *name;
	} bad[] = {
		{"GET", "/settings/login?next=%zz", NULL, NULL, 400, "a malformed percent-escape"},
		{"GET", "/settings/login?next=%ff", NULL, NULL, 400, "invalid UTF-8 in the query"},
		{"POST", "/settings/login", "application/x-www-form-urlencoded",
		 "email=%C0%AF&password=x", 400, "an overlong UTF-8 form value"},
		{"POST", "/settings/login", "text/plain", "email=a", 415,
		 "a non-form content type"},
		{"GET", "/settings/login?format=pdf", NULL, NULL, 400, "an unknown format"},
		{"GET", "/settings/login?next=//evil.example", NULL, NULL, 400,
		 "an off-site next="},
		{"GET", "/settings/login?next=/settings/%00", NULL, NULL, 400,
		 "a NUL in the query"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		hc_req(h, bad[i].method, bad[i].path, bad[i].ctype, bad[i].body,
		       "Accept: application/xml", &r);
		d = hc_xml(&r);
		ok(r.status == bad[i].want && hc_valid(d), "%s: %ld, XML error", bad[i].name,
		   bad[i].want);
		xmlFreeDoc(d);
		hc_resp_free(&r);
		hc_req(h, bad[i].method, bad[i].path, bad[i].ctype, bad[i].body, NULL, &r);
		ok(r.status == bad[i].want && strstr(r.body, "<html"), "%s: %ld, HTML error page",
		   bad[i].name, bad[i].want);
		hc_resp_free(&r);
	}
	/* Too many fields. */
	char many[4000] = "";
	for (int i = 0; i < 100; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "f%d=1&", i);
	hc_post(h, "/settings/login", many, &r);
	ok(r.status == 413, "too many fields is 413");
	ok(strstr(r.body, "mysql") == NULL && strstr(r.body, "SELECT") == NULL,
	   "error pages say nothing of SQL");
	hc_resp_free(&r);
	hc_free(h);
}

static void test_signin(void)
{
	struct hc *h = client();
	struct hc_resp r;
	char csrf[65], b[1024], body[512];
	xmlDocPtr d;

	begin("sign-in", FX_STAFF, 0);
	throttle_reset();
	/* CSRF on the sign-in form. */
	snprintf(body, sizeof body, "email=%s&password=" PW, adm);
	hc_post(h, "/settings/login", body, &r);
	ok(r.status == 403, "sign-in without a CSRF token is 403");
	hc_resp_free(&r);
	hc_csrf(h, "/settings/login", csrf);
	snprintf(body, sizeof body, "csrf=%s&email=%s&password=" PW, csrf, adm);
	struct hc *other = client();
	hc_post(other, "/settings/login", body, &r);
	ok(r.status == 403, "a CSRF token without its pre-session cookie is 403");
	hc_resp_free(&r);
	hc_free(other);
	snprintf(body, sizeof body,
		 "csrf=0000000000000000000000000000000000000000000000000000000000000000"
		 "&email=%s&password=" PW,
		 adm);
	hc_post(h, "/settings/login", body, &r);
	ok(r.status == 403, "a wrong CSRF token is 403");
	hc_resp_free(&r);

	/* Wrong password: 401, the same message as an unknown account. */
	snprintf(body, sizeof body, "csrf=%s&email=%s&password=wrong-password", csrf, adm);
	hc_req(h, "POST", "/settings/login", "application/x-www-form-urlencoded", body,
	       "Accept: application/xml", &r);
	d = hc_xml(&r);
	ok(r.status == 401 && hc_valid(d), "wrong password: 401, schema-valid");
	char *msg1 = xp(d, "string(/page/notice[@kind='error'])");
	ok(xp_is(d, "string(/page/form/field[@name='email']/@value)", fx.admin),
	   "the email is kept on the re-rendered form");
	ok(xp_is(d, "string(/page/form/field[@name='password']/@value)", ""),
	   "the password is never echoed");
	ok(strstr(r.body, "wrong-password") == NULL, "the password appears nowhere in the page");
	xmlFreeDoc(d);
	hc_resp_free(&r);
	snprintf(body, sizeof body, "csrf=%s&email=nobody%%40%s.test&password=wrong-password", csrf,
		 fx.slug);
	hc_req(h, "POST", "/settings/login", "application/x-www-form-urlencoded", body,
	       "Accept: application/xml", &r);
	d = hc_xml(&r);
	char *msg2 = xp(d, "string(/page/notice[@kind='error'])");
	ok(r.status == 401 && strcmp(msg1, msg2) == 0 && *msg1,
	   "unknown account: same status and message (\"%s\")", msg1);
	free(msg1);
	free(msg2);
	xmlFreeDoc(d);
	hc_resp_free(&r);
	ok(hc_login(h, fx.inactive, PW) == 401, "an inactive office user cannot sign in");
	snprintf(body, sizeof body, "csrf=%s&email=&password=", csrf);
	hc_req(h, "POST", "/settings/login", "application/x-www-form-urlencoded", body,
	       "Accept: application/xml", &r);
	d = hc_xml(&r);
	ok(r.status == 422 && hc_valid(d) && xp_is(d, "count(/page/form/field[@error])", "2"),
	   "empty fields: 422 with a message per field");
	xmlFreeDoc(d);
	hc_resp_free(&r);

	/* Session fixation: a planted cookie is never promoted. */
	hc_set_cookie_value(h, "gh_office", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	hc_csrf(h, "/settings/login", csrf);
	{
		/* admin@<slug>.test as Admin@<SLUG>.test */
		char mixed[300];
		snprintf(mixed, sizeof mixed, "%s", adm);
		mixed[0] = 'A';
		for (char *c = strstr(mixed, "%40"); c && *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		snprintf(body, sizeof body, "csrf=%s&email=%s&password=" PW, csrf, mixed);
	}
	hc_post(h, "/settings/login", body, &r);
	ok(r.status == 303 && hc_header(&r, "Location", b, sizeof b) &&
		   strcmp(b, "/settings/") == 0,
	   "sign-in (email case-insensitive): 303 to /settings/");
	const char *sc = hc_set_cookie(&r, "gh_office", b, sizeof b);
	ok(sc && strstr(sc, "HttpOnly") && strstr(sc, "Secure") && strstr(sc, "SameSite=Strict"),
	   "session cookie HttpOnly; Secure; SameSite=Strict");
	hc_resp_free(&r);
	char tok1[128];
	snprintf(tok1, sizeof tok1, "%s", hc_cookie(h, "gh_office") ?: "");
	ok(strlen(tok1) == 43 && strcmp(tok1, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") != 0,
	   "a new 256-bit token replaces the planted one");
	/* Only the hash is stored: the cookie text is nowhere in the table. */
	char *plain = sql1("SELECT COUNT(*) FROM sessions WHERE HEX(token_hash) LIKE '%%%s%%' OR "
			   "user_agent LIKE '%%%s%%'",
			   tok1, tok1);
	ok(plain && strcmp(plain, "0") == 0, "the token itself is not stored");
	free(plain);

	d = get_xml(h, "/settings/", 200, "home page when signed in");
	ok(xp_is(d, "string(/page/session/@email)", fx.admin) &&
		   xp_is(d, "string(/page/session/@settings)", "super"),
	   "the session names the user and the permission");
	ok(xp_is(d, "count(/page/menu//item[@id='portal-access-settings'])", "1"),
	   "the menu offers Portal Access Settings");
	xmlFreeDoc(d);

	/* A second sign-in gets another token. */
	struct hc *h2 = client();
	ok(hc_login(h2, fx.admin, PW) == 303, "second sign-in");
	ok(strcmp(hc_cookie(h2, "gh_office") ?: "", tok1) != 0, "a new token at each sign-in");

	/* next= is honoured when local. */
	struct hc *h3 = client();
	hc_get(h3, PS, &r);
	ok(r.status == 303 && hc_header(&r, "Location", b, sizeof b) &&
		   strcmp(b, "/settings/login?next=" PS) == 0,
	   "signed out: 303 to sign-in with next=");
	hc_resp_free(&r);
	d = get_xml(h3, "/settings/login?next=" PS, 200, "login page with next");
	char *c3 = xp(d, "string(/page/login/@csrf)");
	xmlFreeDoc(d);
	snprintf(body, sizeof body, "csrf=%s&email=%s&password=" PW "&next=%s", c3, adm, PS);
	free(c3);
	hc_post(h3, "/settings/login", body, &r);
	ok(r.status == 303 && hc_header(&r, "Location", b, sizeof b) && strcmp(b, PS) == 0,
	   "after sign-in the user lands on next=");
	hc_resp_free(&r);
	struct hc *anon = client();
	d = get_xml(anon, PS, 401, "signed-out XML request: 401 error document");
	xmlFreeDoc(d);
	hc_free(anon);

	/* Sign-out ends the session on the server. */
	char old[128];
	snprintf(old, sizeof old, "%s", hc_cookie(h2, "gh_office"));
	hc_post(h2, "/settings/logout", "csrf=bad", &r);
	ok(r.status == 403, "sign-out without a valid CSRF token is 403");
	hc_resp_free(&r);
	hc_csrf(h2, "/settings/", csrf);
	snprintf(body, sizeof body, "csrf=%s", csrf);
	hc_post(h2, "/settings/logout", body, &r);
	ok(r.status == 303 && hc_header(&r, "Location", b, sizeof b) &&
		   strcmp(b, "/settings/login") == 0,
	   "sign-out: 303 to sign-in");
	hc_resp_free(&r);
	ok(hc_cookie(h2, "gh_office") == NULL, "sign-out clears the cookie");
	hc_set_cookie_value(h2, "gh_office", old);
	hc_get(h2, "/settings/", &r);
	ok(r.status == 303, "the old token no longer works after sign-out");
	hc_resp_free(&r);
	hc_free(h);
	hc_free(h2);
	hc_free(h3);
}

/* The editor's session last used secs ago, then a page: whether it
 * answered 200 and the seconds since the session's last use then meet
 * cond (SQL). */
static int seen_after(struct hc *h, int secs, const char *cond)
{
	struct hc_resp r;
	char *v;
	int good;

	free(sql1("UPDATE sessions s JOIN office_users u ON u.id = s.office_user_id SET "
		  "s.last_seen_at = NOW(6) - INTERVAL %d SECOND WHERE u.email = '%s'",
		  secs, fx.editor));
	hc_get(h, "/settings/", &r);
	v = sql1("SELECT TIMESTAMPDIFF(SECOND, s.last_seen_at, NOW(6)) %s FROM sessions s JOIN "
		 "office_users u ON u.id = s.office_user_id WHERE u.email = '%s'",
		 cond, fx.editor);
	good = r.status == 200 && v != NULL && strcmp(v, "1") == 0;
	if (!good)
		diag("status %ld, %s", (long)r.status, v ? v : "no session");
	hc_resp_free(&r);
	free(v);
	return good;
}

static void test_timeouts(void)
{
	struct hc *h = client();
	struct hc_resp r;
	char *v;

	begin("time-outs", FX_STAFF, 0);
	ok(hc_login(h, fx.editor, PW) == 303, "editor signs in");
	v = sql1("UPDATE sessions s JOIN office_users u ON u.id = s.office_user_id SET "
		 "s.last_seen_at = NOW(6) - INTERVAL 2 HOUR WHERE u.email = '%s'",
		 fx.editor);
	free(v);
	hc_get(h, "/settings/", &r);
	ok(r.status == 303, "an idle session (2 h > 60 min) is over");
	hc_resp_free(&r);
	ok(hc_login(h, fx.editor, PW) == 303, "editor signs in again");
	/* Its last use, noted at most once a minute (db SESSION_TOUCH). */
	ok(seen_after(h, 3000, "< 5"),
	   "a page of a session last used 50 minutes ago answers 200 and notes its use now");
	ok(seen_after(h, 20, "BETWEEN 19 AND 30"),
	   "one used 20 seconds ago is not written again (once a minute)");
	v = sql1("UPDATE sessions s JOIN office_users u ON u.id = s.office_user_id SET "
		 "s.expires_at = NOW(6) - INTERVAL 1 SECOND WHERE u.email = '%s'",
		 fx.editor);
	free(v);
	hc_get(h, "/settings/", &r);
	ok(r.status == 303, "a session past its absolute lifetime is over");
	hc_resp_free(&r);
	free(sql1("INSERT INTO login_throttle (key_hash, window_start, attempts) VALUES "
		  "(UNHEX(SHA2('stale-test', 256)), NOW(6) - INTERVAL 2 DAY, 3)"));
	ok(hc_login(h, fx.editor, PW) == 303, "editor signs in again");
	v = sql1("SELECT (SELECT COUNT(*) FROM sessions WHERE expires_at < NOW(6)) + (SELECT "
		 "COUNT(*) FROM login_throttle WHERE key_hash = UNHEX(SHA2('stale-test', 256)))");
	ok(v && strcmp(v, "0") == 0, "a sign-in purges dead sessions and stale throttle rows");
	free(v);
	shell("'%s/gatehouse-ctl' -c '%s' user deactivate %s >/dev/null",
	      env_or("GH_BUILDDIR", "."), ini, fx.editor);
	hc_get(h, "/settings/", &r);
	ok(r.status == 303, "deactivating a user ends the session on the next request");
	hc_resp_free(&r);
	hc_free(h);
}

/* POSTs the settings form as h; returns the status. */
static long save_settings(struct hc *h, const char *fields, xmlDocPtr *out)
{
	return post_form(h, PS, PS, fields, out, NULL, 0);
}

static void test_portal_settings(void)
{
	struct hc *admin = client(), *viewer = client(), *custom = client(), *editor = client();
	struct hc_resp r;
	xmlDocPtr d;
	char *v;

	begin("portal settings", FX_STAFF | FX_CUSTOMERS, 1);
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in");
	ok(save_settings(admin,
			 "enabled=1&frame_origins=HTTPS%3A%2F%2FWWW.Example.com%3A443%2F%0D%0Ahttp%"
			 "3A%2F%2Flocalhost%3A3000",
			 NULL) == 303,
	   "admin enables the portal with two origins: 303");
	d = get_xml(admin, PS "?saved=1", 200, "settings page after save");
	ok(xp_is(d, "string(/page/portal-settings/@enabled)", "1"), "the portal is enabled");
	ok(xp_is(d, "string(/page/portal-settings/@editable)", "1"), "editable for a super admin");
	ok(xp_is(d, "string(/page/notice[@kind='success'])", "Settings saved."), "saved notice");
	ok(xp_is(d, "string(/page/portal-settings/frame-origins/origin[1])",
		 "https://www.example.com") &&
		   xp_is(d, "string(/page/portal-settings/frame-origins/origin[2])",
			 "http://localhost:3000"),
	   "origins normalised (lowercase, default port and slash dropped)");
	char link[256];
	snprintf(link, sizeof link, "%s%s", base, fx.portal);
	ok(xp_is(d, "string(/page/portal-settings/direct-link)", link), "direct link %s", link);
	xmlFreeDoc(d);
	hc_get(admin, PS, &r);
	ok(r.status == 200 && strstr(r.body, "&lt;iframe src=") && strstr(r.body, "title=") &&
		   !strstr(r.body, "&lt;frame "),
	   "HTML shows the frame code as an <iframe> with a title");
	ok(strstr(r.body, link) != NULL, "HTML shows the direct link");
	hc_resp_free(&r);
	v = sql1("SELECT CONCAT(actor_email, '|', old_value, '|', new_value) FROM audit_log "
		 "WHERE action = 'portal_settings.update' AND tenant_id = %s ORDER BY id DESC "
		 "LIMIT 1",
		 fx.tq);
	char want[300];
	snprintf(want, sizeof want, "%s|enabled=", fx.admin);
	ok(v && strstr(v, want) &&
		   strstr(v, "|enabled=1; reminders=0; frame_origins=https://www.example.com "
			     "http://localhost:3000"),
	   "the save wrote an audit entry with old and new values");
	free(v);

	/* Invalid input: 422, messages, entered values, nothing written. */
	ok(save_settings(admin,
			 "enabled=1&frame_origins=https%3A%2F%2Fok.example%0Aftp%3A%2F%2Fbad",
			 &d) == 422,
	   "a bad origin: 422");
	ok(hc_valid(d) && xp_is(d, "string(/page/form/field[@name='frame_origins']/@value)",
				"https://ok.example\nftp://bad"),
	   "the entered text comes back");
	v = xp(d, "string(/page/form/field[@name='frame_origins']/@error)");
	ok(strncmp(v, "Line 2:", 7) == 0, "the message names the line (%s)", v);
	free(v);
	xmlFreeDoc(d);
	v = sql1("SELECT frame_origins FROM tenants WHERE slug = '%s'", fx.slug);
	ok(v && strcmp(v, "https://www.example.com\\nhttp://localhost:3000") == 0,
	   "nothing was written");
	free(v);
	ok(save_settings(admin, "enabled=maybe", NULL) == 422, "a bad switch value: 422");
	ok(save_settings(admin, "enabled=1&enabled=0", NULL) == 422, "a field sent twice: 422");

	/* CSRF. */
	char body[256];
	snprintf(body, sizeof body, "csrf=%064d&enabled=0", 0);
	hc_post(admin, PS, body, &r);
	ok(r.status == 403, "a POST with a wrong CSRF token: 403");
	hc_resp_free(&r);
	ok(hc_login(editor, fx.editor, PW) == 303, "editor signs in");
	char ecsrf[65];
	hc_csrf(editor, PS, ecsrf);
	snprintf(body, sizeof body, "csrf=%s&enabled=0", ecsrf);
	hc_post(admin, PS, body, &r);
	ok(r.status == 403, "another session's CSRF token: 403");
	hc_resp_free(&r);
	v = sql1("SELECT portal_enabled FROM tenants WHERE slug = '%s'", fx.slug);
	ok(v && strcmp(v, "1") == 0, "the forged posts changed nothing");
	free(v);

	/* Permission levels. */
	d = get_xml(editor, PS, 200, "settings edit sees the page");
	ok(xp_is(d, "string(/page/portal-settings/@editable)", "1"), "editable for settings edit");
	xmlFreeDoc(d);
	ok(save_settings(editor,
			 "enabled=1&frame_origins=https%3A%2F%2Fwww.example.com%0Ahttp%3A%2F%"
			 "2Flocalhost%3A3000",
			 NULL) == 303,
	   "settings edit may save");
	ok(hc_login(viewer, fx.viewer, PW) == 303, "viewer signs in");
	d = get_xml(viewer, PS, 200, "settings view sees the page");
	ok(xp_is(d, "string(/page/portal-settings/@editable)", "0"), "read-only for settings view");
	xmlFreeDoc(d);
	ok(save_settings(viewer, "enabled=0", NULL) == 403, "settings view: a POST is 403");
	v = sql1("SELECT portal_enabled FROM tenants WHERE slug = '%s'", fx.slug);
	ok(v && strcmp(v, "1") == 0, "the viewer's POST changed nothing");
	free(v);
	ok(hc_login(custom, fx.custom, PW) == 303, "no-access user signs in");
	d = get_xml(custom, PS, 403, "settings no access: 403");
	xmlFreeDoc(d);
	d = get_xml(custom, "/settings/", 200, "no-access user's home");
	ok(xp_is(d, "count(//item[@id='portal-access-settings'])", "0"),
	   "no menu entry without access");
	xmlFreeDoc(d);
	ok(save_settings(custom, "enabled=0", NULL) == 403, "no access: a POST is 403");

	/* Tenant isolation: the tenant comes from the session. */
	struct hc *acme = client();
	char stray[300];
	ok(hc_login(acme, ac.admin, PW) == 303, "another tenant's admin signs in");
	v = sql1("SELECT id FROM tenants WHERE slug = '%s'", fx.slug);
	snprintf(stray, sizeof stray, "enabled=1&tenant_id=%s&slug=%s&frame_origins=", v ? v : "0",
		 fx.slug);
	free(v);
	ok(save_settings(acme, stray, NULL) == 303,
	   "it saves (with stray tenant fields naming the first tenant)");
	d = get_xml(acme, PS, 200, "its settings");
	char *al = xp(d, "string(/page/portal-settings/direct-link)");
	ok(xp_is(d, "string(/page/session/@tenant-slug)", ac.slug) && strstr(al, ac.portal),
	   "it sees its own tenant only");
	free(al);
	xmlFreeDoc(d);
	v = sql1("SELECT frame_origins FROM tenants WHERE slug = '%s'", fx.slug);
	ok(v && strstr(v, "https://www.example.com"),
	   "the first tenant's settings untouched by it");
	free(v);
	hc_free(acme);

	/* Disabling stops every portal session, now and later. */
	struct conf c;
	char err[256];
	struct db *db = NULL;
	if (conf_load(ini, &c, err, sizeof err) == 0 && auth_init(&c) == 0)
		db = db_open(&c, DB_ROLE_SETTINGS, 0, 0);
	ok(db != NULL, "test connects to the database");
	unsigned char raw[32], hash[32];
	char cookie[64], hex[65];
	auth_token_new(raw, cookie);
	auth_token_hash(raw, hash);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", hash[i]);
	v = sql1("INSERT INTO portal_users (tenant_id, customer_id, email) SELECT t.id, "
		 "c.id, 'portal-test@abm.example.com' FROM tenants t JOIN customers c ON "
		 "c.tenant_id = t.id WHERE t.slug = '%s' AND c.name = 'ABM Apartments'",
		 fx.slug);
	free(v);
	v = sql1("INSERT INTO sessions (token_hash, kind, tenant_id, portal_user_id, expires_at) "
		 "SELECT UNHEX('%s'), 'portal', tenant_id, id, NOW(6) + INTERVAL 1 HOUR FROM "
		 "portal_users WHERE tenant_id = %s AND email = 'portal-test@abm.example.com'",
		 hex, fx.tq);
	free(v);
	/* Checked through the real portal: its home answers 200 to a valid
	 * session and sends anyone else to the sign-in page. */
	struct hc *pc = hc_new(base);
	hc_set_cookie_value(pc, "gh_portal", cookie);
	struct hc_resp pr;
	char home[200];
	snprintf(home, sizeof home, "%shome", fx.portal);
	ok(hc_get(pc, home, &pr) == 0 && pr.status == 200,
	   "a portal session is valid while the portal is enabled");
	hc_resp_free(&pr);
	ok(save_settings(admin, "frame_origins=https%3A%2F%2Fwww.example.com", NULL) == 303,
	   "admin disables the portal");
	ok(hc_get(pc, home, &pr) == 0 && pr.status == 303,
	   "the portal session stops working at once");
	hc_resp_free(&pr);
	v = sql1("SELECT COUNT(*) FROM sessions WHERE kind = 'portal' AND tenant_id = %s", fx.tq);
	ok(v && strcmp(v, "0") == 0, "and its row is gone");
	free(v);
	v = sql1("INSERT INTO sessions (token_hash, kind, tenant_id, portal_user_id, expires_at) "
		 "SELECT UNHEX('%s'), 'portal', tenant_id, id, NOW(6) + INTERVAL 1 HOUR FROM "
		 "portal_users WHERE tenant_id = %s AND email = 'portal-test@abm.example.com'",
		 hex, fx.tq);
	free(v);
	ok(hc_get(pc, home, &pr) == 0 && pr.status == 303,
	   "no portal session of a disabled tenant is valid");
	hc_resp_free(&pr);
	hc_free(pc);
	db_close(db);
	d = get_xml(admin, PS, 200, "settings page while disabled");
	ok(xp_is(d, "string(/page/portal-settings/@enabled)", "0"), "the portal shows disabled");
	xmlFreeDoc(d);
	hc_get(admin, PS, &r);
	ok(r.status == 200 && strstr(r.body, "&lt;iframe") == NULL,
	   "no frame code while the portal is off");
	hc_resp_free(&r);
	hc_free(admin);
	hc_free(viewer);
	hc_free(custom);
	hc_free(editor);
}

static size_t discard(char *d, size_t sz, size_t n, void *u)
{
	(void)d;
	(void)u;
	return sz * n;
}

/* Counts the answers that came from a responder (they carry X-Request-Id;
 * nginx's own "try again" page does not). */
static size_t count_rid(char *d, size_t sz, size_t n, void *u)
{
	if (sz * n > 13 && strncasecmp(d, "X-Request-Id:", 13) == 0)
		(*(int *)u)++;
	return sz * n;
}

/* Parallel POSTs with curl multi: returns counts of statuses in hist[600].
 * ready_fd (if >= 0) gets a byte once every request has been sent whole;
 * *from_responder (if set) counts the answers a responder made. */
static void parallel_logins_ex(int n, const char *email_fmt, int distinct_sources, long *hist,
			       const char *probe_path, int *probe_ok, int *probe_total,
			       int ready_fd, int *from_responder)
{
	struct hc **hs = calloc((size_t)n, sizeof *hs);
	char(*bodies)[512] = calloc((size_t)n, sizeof *bodies);
	CURLM *m = curl_multi_init();
	CURL **es = calloc((size_t)n, sizeof *es);
	char(*cookies)[256] = calloc((size_t)n, sizeof *cookies);
	int running = 0;

	for (int i = 0; i < n; i++) {
		char csrf[65], email[128];
		hs[i] = client();
		if (distinct_sources)
			snprintf(hs[i]->source, sizeof hs[i]->source, "127.0.%d.%d", 1 + i / 250,
				 1 + i % 250);
		hc_csrf(hs[i], "/settings/login", csrf);
		snprintf(email, sizeof email, email_fmt, i);
		snprintf(bodies[i], sizeof bodies[i], "csrf=%s&email=%s&password=wrong-password",
			 csrf, email);
		snprintf(cookies[i], sizeof cookies[i], "gh_pre=%s", hc_cookie(hs[i], "gh_pre"));
		CURL *e = es[i] = curl_easy_init();
		char url[256];
		snprintf(url, sizeof url, "%s/settings/login", base);
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, bodies[i]);
		curl_easy_setopt(e, CURLOPT_COOKIE, cookies[i]);
		curl_easy_setopt(e, CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
		if (from_responder) {
			curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, count_rid);
			curl_easy_setopt(e, CURLOPT_HEADERDATA, from_responder);
		}
		if (distinct_sources)
			curl_easy_setopt(e, CURLOPT_INTERFACE, hs[i]->source);
		curl_multi_add_handle(m, e);
	}
	struct hc *probe = client();
	time_t last = 0;
	do {
		curl_multi_perform(m, &running);
		curl_multi_poll(m, NULL, 0, ready_fd >= 0 ? 5 : 50, NULL);
		if (ready_fd >= 0) {
			/* Every body sent (or its answer already in): the
			 * requests are in flight. */
			int sent = 0;
			for (int i = 0; i < n; i++) {
				curl_off_t up = 0;
				curl_easy_getinfo(es[i], CURLINFO_SIZE_UPLOAD_T, &up);
				sent += up >= (curl_off_t)strlen(bodies[i]);
			}
			if (sent == n) {
				if (write(ready_fd, "r", 1) != 1)
					perror("ready");
				close(ready_fd);
				ready_fd = -1;
			}
		}
		/* Meanwhile, other pages must keep answering. */
		if (probe_path && running > 0 && time(NULL) != last) {
			struct hc_resp r;
			last = time(NULL);
			(*probe_total)++;
			if (hc_get(probe, probe_path, &r) == 0 && r.status == 200)
				(*probe_ok)++;
			hc_resp_free(&r);
		}
	} while (running > 0);
	hc_free(probe);
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(m, &left)) != NULL) {
		long st = 0;
		if (msg->msg == CURLMSG_DONE && msg->data.result == CURLE_OK)
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &st);
		hist[st >= 0 && st < 600 ? st : 0]++;
	}
	for (int i = 0; i < n; i++) {
		curl_multi_remove_handle(m, es[i]);
		curl_easy_cleanup(es[i]);
		hc_free(hs[i]);
	}
	curl_multi_cleanup(m);
	free(es);
	free(hs);
	free(bodies);
	free(cookies);
}

static void parallel_logins(int n, const char *email_fmt, int distinct_sources, long *hist,
			    const char *probe_path, int *probe_ok, int *probe_total)
{
	parallel_logins_ex(n, email_fmt, distinct_sources, hist, probe_path, probe_ok, probe_total,
			   -1, NULL);
}

static void test_throttle(void)
{
	struct hc *h = client();
	struct hc_resp r;
	char csrf[65], body[512], b[64], venc[300], ghost[200], fmt[300];
	long hist[600];

	begin("throttle", FX_STAFF, 0);
	urlenc(fx.viewer, venc, sizeof venc);
	snprintf(ghost, sizeof ghost, "ghost@%s.test", fx.slug);
	throttle_reset();
	for (int i = 0; i < 5; i++)
		hc_login(h, fx.viewer, "wrong-password");
	hc_csrf(h, "/settings/login", csrf);
	snprintf(body, sizeof body, "csrf=%s&email=%s&password=" PW, csrf, venc);
	hc_req(h, "POST", "/settings/login", "application/x-www-form-urlencoded", body,
	       "Accept: application/xml", &r);
	xmlDocPtr d = hc_xml(&r);
	ok(r.status == 429 && hc_valid(d), "after 5 failures even the right password gets 429");
	ok(hc_header(&r, "Retry-After", b, sizeof b) && atoi(b) > 0, "with Retry-After: %s", b);
	char *m1 = xp(d, "string(/page/notice)");
	xmlFreeDoc(d);
	hc_resp_free(&r);
	for (int i = 0; i < 5; i++)
		hc_login(h, ghost, "wrong-password");
	hc_csrf(h, "/settings/login", csrf);
	snprintf(body, sizeof body, "csrf=%s&email=ghost%%40%s.test&password=x", csrf, fx.slug);
	hc_req(h, "POST", "/settings/login", "application/x-www-form-urlencoded", body,
	       "Accept: application/xml", &r);
	d = hc_xml(&r);
	char *m2 = xp(d, "string(/page/notice)");
	ok(r.status == 429 && strcmp(m1, m2) == 0,
	   "an unknown account is throttled alike, same message");
	free(m1);
	free(m2);
	xmlFreeDoc(d);
	hc_resp_free(&r);

	/* Spelling the account another way is the same account. */
	hc_csrf(h, "/settings/login", csrf);
	{
		/* viewer@<slug>.test as VIEWER@<SLUG>.TEST */
		char up[300];
		snprintf(up, sizeof up, "%s", venc);
		for (char *c = up; *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		snprintf(body, sizeof body, "csrf=%s&email=%s&password=" PW, csrf, up);
	}
	hc_post(h, "/settings/login", body, &r);
	ok(r.status == 429, "a case variant of a locked account is locked too");
	hc_resp_free(&r);
	snprintf(body, sizeof body, "csrf=%s&email=v%%C3%%ADewer%%40%s.test&password=" PW, csrf,
		 fx.slug);
	hc_post(h, "/settings/login", body, &r);
	ok(r.status == 401,
	   "an accented variant is no account at all (401), not a way round the lock");
	hc_resp_free(&r);

	/* After the wait, one attempt is checked; each failure doubles the wait. */
	free(sql1("UPDATE login_throttle SET locked_until = NULL"));
	hc_csrf(h, "/settings/login", csrf);
	snprintf(body, sizeof body, "csrf=%s&email=%s&password=x", csrf, venc);
	hc_post(h, "/settings/login", body, &r);
	long st1 = r.status;
	hc_resp_free(&r);
	hc_post(h, "/settings/login", body, &r);
	long first = atol(hc_header(&r, "Retry-After", b, sizeof b) ?: "0");
	long st2 = r.status;
	hc_resp_free(&r);
	free(sql1("UPDATE login_throttle SET locked_until = NULL"));
	hc_post(h, "/settings/login", body, &r);
	long st3 = r.status;
	hc_resp_free(&r);
	hc_post(h, "/settings/login", body, &r);
	long second = atol(hc_header(&r, "Retry-After", b, sizeof b) ?: "0");
	hc_resp_free(&r);
	ok(st1 == 401 && st2 == 429 && st3 == 401 && second > first && first > 30,
	   "after each wait one attempt is checked, and the next wait doubles (%ld s, then %ld s)",
	   first, second);
	free(sql1("UPDATE login_throttle SET locked_until = NULL"));
	ok(hc_login(h, fx.viewer, PW) == 303, "after the wait, the right password signs in");

	/* Parallel attempts cannot pass the account limit. */
	throttle_reset();
	memset(hist, 0, sizeof hist);
	/* A format for snprintf: the account's '%' doubled. */
	snprintf(fmt, sizeof fmt, "editor%%%%40%s.test", fx.slug);
	parallel_logins(16, fmt, 0, hist, NULL, NULL, NULL);
	/* Refused by the throttle (429) or, once the hash gate is full, before
	 * any database work (503): never a sixth check. */
	ok(hist[401] == 5 && hist[429] + hist[503] == 11,
	   "16 parallel wrong passwords for one account: 5 checked, 11 refused (%ld, %ld)",
	   hist[401], hist[429] + hist[503]);

	/* The address limit: 20 failures over different accounts. */
	throttle_reset();
	for (int i = 0; i < 20; i++) {
		char e[128];
		snprintf(e, sizeof e, "user%d@%s.test", i, fx.slug);
		hc_login(h, e, "wrong-password");
	}
	ok(hc_login(h, fx.admin, PW) == 429,
	   "after 20 failures from one address, that address is refused");
	struct hc *elsewhere = client();
	snprintf(elsewhere->source, sizeof elsewhere->source, "127.0.0.2");
	ok(hc_login(elsewhere, fx.admin, PW) == 303, "another address still signs in");
	hc_free(elsewhere);
	throttle_reset();
	hc_free(h);
}

static long vm_hwm_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = atol(line + 6);
	if (f)
		fclose(f);
	return kib;
}

static pid_t responder_pid(void)
{
	char path[1024];
	long pid = 0;
	snprintf(path, sizeof path, "%s/run/settings.pid", state);
	FILE *f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return (pid_t)pid;
}

static void test_flood(void)
{
	long hist[600];
	int probe_ok = 0, probe_total = 0;
	pid_t pid = responder_pid();

	throttle_reset();
	memset(hist, 0, sizeof hist);
	/* 200 sign-ins from 200 addresses for 200 accounts: no throttle
	 * applies, so every one reaches the Argon2id gate. */
	parallel_logins(200, "flood%d%%40nowhere.test", 1, hist, "/settings/login", &probe_ok,
			&probe_total);
	long kib = vm_hwm_kib(pid);
	ok(hist[401] + hist[503] == 200 && hist[401] > 0,
	   "200 simultaneous sign-ins: %ld checked (401), %ld told to retry (503), no other status",
	   hist[401], hist[503]);
	ok(probe_total > 0 && probe_ok == probe_total,
	   "other pages kept answering during the flood (%d/%d)", probe_ok, probe_total);
	ok(kib > 0 && kib < 1024 * 1024, "responder peak RSS %ld MiB < 1 GiB", kib / 1024);
	throttle_reset();
}

/* Stops the stack's responder (SIGTERM) and waits for it; 1 if it exited. */
static int stop_stack_responder(void)
{
	pid_t old = responder_pid();
	if (old <= 0)
		return 0;
	kill(old, SIGTERM);
	for (int i = 0; i < 100 && kill(old, 0) == 0; i++)
		usleep(50000);
	return kill(old, 0) != 0;
}

/* Starts our own responder on the stack's socket with config cfg; waits for
 * the socket.  Returns its pid. */
static pid_t start_child(const char *cfg)
{
	char sock[1100], logp[1100];
	struct stat st;
	pid_t child;

	snprintf(sock, sizeof sock, "%s/run/settings.sock", state);
	snprintf(logp, sizeof logp, "%s/log/settings-child.log", state);
	if ((child = fork()) == 0) {
		if (freopen(logp, "a", stderr) == NULL)
			_exit(126);
		execl(env_or("GH_BUILDDIR_BIN", "./gatehouse-settings"), "gatehouse-settings", "-c",
		      cfg, (char *)NULL);
		_exit(127);
	}
	usleep(100000);
	for (int i = 0; i < 100 && stat(sock, &st) != 0; i++)
		usleep(50000);
	return child;
}

static int restart_stack(void)
{
	return shell(
		"GH_BUILDDIR='%s' '%s/scripts/gh-stack' up --port %s --state '%s' >/dev/null 2>&1",
		env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."),
		env_or("GH_TEST_PORT", "18080"), state);
}

static void test_keepalive(void)
{
	long hist[600];
	int served = 0, st = -1;
	struct hc_resp r;
	char two[1100];
	pid_t child;

	/* Two worker threads only, while nginx keeps up to 2 x 8 idle
	 * connections: if an idle kept connection held a thread, new
	 * connections would starve. */
	snprintf(two, sizeof two, "%s/two-threads.ini", state);
	shell("sed -e 's/^threads *=.*/threads = 2/' -e 's/^hash_concurrency *=.*/hash_concurrency "
	      "= 1/' "
	      "-e 's/^hash_queue *=.*/hash_queue = 0/' '%s' > '%s'",
	      ini, two);
	ok(stop_stack_responder(), "the stack's responder stopped");
	child = start_child(two);
	throttle_reset();
	memset(hist, 0, sizeof hist);
	parallel_logins(48, "keep%d%%40nowhere.test", 1, hist, NULL, NULL, NULL);
	ok(hist[401] + hist[503] == 48,
	   "48 parallel sign-ins on 2 threads all answered (%ld 401, %ld 503)", hist[401],
	   hist[503]);
	for (int i = 0; i < 40; i++) {
		struct hc *n = client();
		hc_req(n, "GET", "/settings/login", NULL, NULL, NULL, &r);
		if (r.status == 200)
			served++;
		hc_resp_free(&r);
		hc_free(n);
	}
	ok(served == 40, "with nginx's keepalive pools full, 40 new connections were served (%d)",
	   served);
	kill(child, SIGTERM);
	waitpid(child, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the 2-thread responder stopped cleanly");
	ok(restart_stack() == 0, "the stack's responder is back");
	throttle_reset();

	/* Sign-ins waiting for a hash must never be able to take every thread. */
	char bad[1100];
	snprintf(bad, sizeof bad, "%s/hash-rule.ini", state);
	shell("sed -e 's/^threads *=.*/threads = 6/' -e 's#^listen *=.*#listen = "
	      "/tmp/gh-hash-rule.sock#' '%s' > '%s'",
	      ini, bad);
	ok(shell("'%s' -c '%s' 2>&1 | grep -q 'must be below threads'",
		 env_or("GH_BUILDDIR_BIN", ""), bad) == 0,
	   "a config where waiting sign-ins could take every thread is refused at start-up");
}

static void test_db_restart(void)
{
	struct hc *h = client();
	struct hc_resp r;
	int good = 0;

	begin("database restart", 0, 0);
	ok(hc_login(h, fx.admin, PW) == 303, "signed in before the restart");
	ok(shell("GH_BUILDDIR='%s' '%s/scripts/gh-stack' restart-db --state '%s' >/dev/null 2>&1",
		 env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."), state) == 0,
	   "MariaDB restarted");
	/* More requests than threads, so most workers meet a dead connection. */
	for (int i = 0; i < 60; i++) {
		hc_get(h, PS, &r);
		if (r.status == 200)
			good++;
		hc_resp_free(&r);
	}
	ok(good == 60, "every request after the restart succeeded (%d/60), no responder restart",
	   good);
	ok(save_settings(h, "frame_origins=https%3A%2F%2Fwww.example.com", NULL) == 303,
	   "a transaction works after the restart");
	hc_free(h);
}

/* The Portal Access page memo (http.c memo_answer, sql/033): a page kept
 * is sent again without being built while nothing it shows has changed,
 * and never once something has: each thing a row shows, a row gone, and
 * what the page shows of the session (its tenant's name, the portal's
 * state, the user's permission).  A page that shows a sign-in lock is not
 * kept (the lock ends with time, no write), nor a status filter's view; a
 * change that shows nowhere keeps the page. */
static void test_page_memo(struct hc *a, const char *view, const char *logp)
{
	const char *acme = ac.tq;
	char name[80], ed[200], *v0, *v1;
	struct hc *e = client();
	int locked;

	ok(kept(a, view, logp) && memo_is(a, view, NULL, NULL, "page", logp),
	   "memo: the view again is sent from the memo");
	free(sql1("UPDATE portal_users SET status = 'revoked' WHERE tenant_id = %s AND email = "
		  "'rc3@rcache-test.example.com'",
		  acme));
	ok(memo_is(a, view, "badge status-revoked", NULL, "miss", logp),
	   "memo: a user revoked in SQL shows at once (built again)");
	free(sql1("UPDATE portal_users SET status = 'active', password_hash = 'x' WHERE "
		  "tenant_id = %s AND email = 'rc3@rcache-test.example.com'",
		  acme));
	ok(memo_is(a, view, "badge status-active", "badge status-revoked", "miss", logp),
	   "memo: restored with a password: Active at once");
	ok(kept(a, view, logp), "memo: kept again");
	free(sql1("UPDATE portal_users SET password_hash = 'y' WHERE tenant_id = %s AND email = "
		  "'rc3@rcache-test.example.com'",
		  acme));
	ok(memo_is(a, view, "badge status-active", NULL, "page", logp),
	   "memo: a new password (nothing the page shows) keeps the page");
	free(sql1("UPDATE portal_users SET invite_state = 'bounced' WHERE tenant_id = %s AND "
		  "email = 'rc4@rcache-test.example.com'",
		  acme));
	ok(memo_is(a, view, "(invitation bounced)", NULL, "miss", logp),
	   "memo: an invitation bounced shows at once");

	/* A lock: shown at once, not kept while shown, gone when it ends. */
	free(sql1("UPDATE portal_users SET locked_until = NOW(6) + INTERVAL 3 SECOND WHERE "
		  "tenant_id = %s AND email = 'rc1@rcache-test.example.com'",
		  acme));
	locked = memo_is(a, view, "badge status-locked", NULL, "miss", logp);
	ok(locked && memo_is(a, view, "badge status-locked", NULL, "miss", logp),
	   "memo: a sign-in lock shows at once, and that page is not kept");
	sleep(4);
	ok(memo_is(a, view, NULL, "badge status-locked", "miss", logp),
	   "memo: the lock ended with time: the next page shows it ended");
	ok(kept(a, view, logp), "memo: and is kept again");

	/* A user's customer is not shown in the HTML, but moves the version
	 * (the XML shows it, and a stylesheet may come to). */
	free(sql1("INSERT INTO customers (tenant_id, name, primary_email) SELECT id, 'Memo "
		  "Moving', 'm@memo.example' FROM tenants WHERE slug = '%s'",
		  ac.slug));
	v0 = sql1("SELECT version FROM portal_user_status_versions WHERE tenant_id = %s", acme);
	free(sql1("UPDATE portal_users SET customer_id = (SELECT id FROM customers WHERE "
		  "tenant_id = %s AND name = 'Memo Moving') WHERE tenant_id = %s AND email = "
		  "'rc4@rcache-test.example.com'",
		  acme, acme));
	v1 = sql1("SELECT version FROM portal_user_status_versions WHERE tenant_id = %s", acme);
	ok(v0 && v1 && strcmp(v0, v1) != 0,
	   "memo: a user's customer changed moves the version (%s, %s)", v0 ? v0 : "-",
	   v1 ? v1 : "-");
	free(v0);
	free(v1);
	ok(memo_is(a, view, NULL, NULL, "miss", logp), "memo: so the page is built again");
	free(sql1("DELETE FROM portal_users WHERE tenant_id = %s AND email = "
		  "'rc4@rcache-test.example.com'",
		  acme));
	ok(memo_is(a, view, " of 3<", "rc4@rcache-test.example.com", "miss", logp),
	   "memo: a user deleted in SQL is gone at once");

	/* What the page shows of the session. */
	snprintf(name, sizeof name, "Acme Memo %d", (int)getpid());
	ok(kept(a, view, logp), "memo: kept");
	free(sql1("UPDATE tenants SET company_name = '%s' WHERE slug = '%s'", name, ac.slug));
	ok(memo_is(a, view, name, NULL, "miss", logp),
	   "memo: the company renamed: its new name shows at once");
	free(sql1("UPDATE tenants SET portal_enabled = 1 - portal_enabled WHERE slug = '%s'",
		  ac.slug));
	ok(memo_is(a, view, NULL, NULL, "miss", logp), "memo: the portal switched: built again");
	free(sql1("UPDATE tenants SET portal_enabled = 1 - portal_enabled WHERE slug = '%s'",
		  ac.slug));
	snprintf(ed, sizeof ed, "memo-editor@%s.test", ac.slug);
	ok(ctl_user(ac.slug, ed, "edit_view", "Ed", "Memo") == 0 && hc_login(e, ed, PW) == 303 &&
		   kept(e, view, logp) && memo_is(e, view, NULL, "view-only access", "page", logp),
	   "memo: an editor's page is kept (no view-only note)");
	free(sql1(
		"UPDATE office_user_perms p JOIN office_users u ON u.id = p.user_id SET p.level = "
		"1 WHERE u.email = '%s' AND p.module = 'settings'",
		ed));
	ok(memo_is(e, view, "view-only access", NULL, "miss", logp),
	   "memo: the editor made view-only: the next page says so");

	/* Views whose rows move with time, and XML, are never kept so. */
	ok(kept(a, PA "?status=active", logp) &&
		   memo_is(a, PA "?status=active", NULL, NULL, "hit", logp),
	   "memo: a status filter's view goes through the render cache, not the memo");
	hc_free(e);
}

/* The render cache (fcgi/core/rcache.c) on a responder of our own, whose
 * log tells, request by request, whether a page came from the cache: the
 * same view again is the same page from the cache, each session's page has
 * its own csrf token, a change made behind the responder's back (SQL) is
 * rendered on the very next request, on every page that keeps its HTML, and
 * nothing else is served from it (XML, errors, form posts). */
static void test_render_cache(void)
{
	struct hc *a = client(), *b = client();
	char ta[65] = "", tb[65] = "", rid[64], logp[1100], val[64];
	char *p = NULL;
	pid_t child;
	int st = -1;
	const char *view = PA "?q=rcache-test";
	const char *cust = "/settings/customers?q=Northwind";
	const char *acme;

	begin("render cache", 0, 1);
	acme = ac.tq;
	free(sql1("INSERT INTO portal_users (tenant_id, customer_id, company_name, email) "
		  "SELECT c.tenant_id, c.id, c.name, CONCAT('rc', seq, '@rcache-test.example.com') "
		  "FROM customers c JOIN tenants t ON t.id = c.tenant_id JOIN seq_1_to_3 "
		  "WHERE t.slug = '%s' AND c.name = 'Northwind Storage'",
		  ac.slug));
	ok(stop_stack_responder(), "render cache: the stack's responder stopped");
	snprintf(logp, sizeof logp, "%s/log/settings-child.log", state);
	unlink(logp);
	child = start_child(ini);
	ok(hc_login(a, ac.admin, PW) == 303 && hc_login(b, ac.admin, PW) == 303,
	   "render cache: two sessions of one user");
	ok(hc_csrf(a, PA, ta) == 0 && hc_csrf(b, PA, tb) == 0 && strcmp(ta, tb) != 0,
	   "render cache: each session has its own csrf token");

	ok(kept(a, view, logp), "the same view twice: the second from the cache, the same page");
	p = get_html(a, view, rid);
	ok(p != NULL && strstr(p, "rc1@rcache-test.example.com") != NULL && strstr(p, ta) != NULL &&
		   strstr(p, tb) == NULL && strcmp(cache_of(logp, rid), "page") == 0,
	   "session A's kept page: its rows, A's csrf token, not B's, sent by the page memo "
	   "(not built)");
	free(p);
	ok(kept(b, view, logp), "session B, same view: kept apart");
	p = get_html(b, view, rid);
	ok(p != NULL && strstr(p, tb) != NULL && strstr(p, ta) == NULL,
	   "session B's page holds B's token, never A's");
	free(p);

	/* Changes behind the responder's back: rendered on the next request. */
	free(sql1("UPDATE portal_users SET email = 'rc9@rcache-test.example.com' "
		  "WHERE tenant_id = %s AND email = 'rc2@rcache-test.example.com'",
		  acme));
	ok(fresh(a, view, "rc9@rcache-test.example.com", logp),
	   "an email changed in SQL shows at once");
	p = get_html(a, view, rid);
	ok(p != NULL && strstr(p, "rc2@rcache-test.example.com") == NULL, "the old email is gone");
	free(p);
	ok(kept(a, view, logp), "the new page is kept in its turn");
	free(sql1("UPDATE portal_users SET last_sign_in_at = '2026-11-23 10:00:00' "
		  "WHERE tenant_id = %s AND email = 'rc1@rcache-test.example.com'",
		  acme));
	ok(fresh(a, view, "2026-11-23 10:00 UTC", logp),
	   "a sign-in time (no list-order change) shows at once");
	free(sql1(
		"INSERT INTO portal_users (tenant_id, customer_id, company_name, email) "
		"SELECT tenant_id, customer_id, company_name, 'rc4@rcache-test.example.com' "
		"FROM portal_users WHERE tenant_id = %s AND email = 'rc1@rcache-test.example.com'",
		acme));
	ok(fresh(a, view, " of 4<", logp), "a row added in SQL shows at once (1 - 4 of 4)");

	/* The customers list, the office users list and the portal settings
	 * form keep their HTML too; each change uses a value of this run. */
	snprintf(val, sizeof val, "555-%04d", (int)(getpid() % 10000));
	ok(kept(a, cust, logp), "customers: kept");
	free(sql1("UPDATE customers SET phone = '%s' WHERE name = 'Northwind Storage' "
		  "AND tenant_id = %s",
		  val, acme));
	ok(fresh(a, cust, val, logp), "customers: a phone changed in SQL shows at once");
	/* The phone is in the list's rows only (the session element has the
	 * name): the row data, not the envelope, must change the key. */
	ok(kept(a, "/settings/office-users", logp), "office users: kept");
	free(sql1("UPDATE office_users SET phone = '%s' WHERE email = '%s'", val, ac.admin));
	ok(fresh(a, "/settings/office-users", val, logp),
	   "office users: a phone changed in SQL shows at once");
	snprintf(val, sizeof val, "https://rc%d.example.com", (int)getpid());
	ok(kept(a, PS, logp), "portal settings: kept");
	free(sql1("UPDATE tenants SET frame_origins = '%s' WHERE slug = '%s'", val, ac.slug));
	ok(fresh(a, PS, val, logp), "portal settings: a frame origin changed in SQL shows at once");

	test_page_memo(a, view, logp);

	/* Never from the cache: XML, an error, a form post, other pages. */
	struct hc_resp r;
	int never = 1;
	for (int i = 0; i < 3; i++) {
		hc_get_xml(a, view, &r);
		hc_header(&r, "X-Request-Id", rid, sizeof rid);
		never &= r.status == 200 && strcmp(cache_of(logp, rid), "-") == 0;
		hc_resp_free(&r);
		hc_get(a, PA "?sort=nope", &r);
		hc_header(&r, "X-Request-Id", rid, sizeof rid);
		never &= r.status == 400 && strcmp(cache_of(logp, rid), "-") == 0;
		hc_resp_free(&r);
		hc_get(a, "/settings/", &r);
		hc_header(&r, "X-Request-Id", rid, sizeof rid);
		never &= r.status == 200 && strcmp(cache_of(logp, rid), "-") == 0;
		hc_resp_free(&r);
	}
	ok(never, "XML, a 400 and a page without .memo, three times each: never the cache");
	char form[200];
	snprintf(form, sizeof form, "frame_origins=not+an+origin&csrf=%s", ta);
	hc_post(a, PS, form, &r);
	hc_header(&r, "X-Request-Id", rid, sizeof rid);
	ok(r.status == 422 && strcmp(cache_of(logp, rid), "-") == 0,
	   "a form post re-rendered with errors (422): not the cache");
	hc_resp_free(&r);
	char want[120];
	snprintf(want, sizeof want, " rid=%s form refused: frame_origins: ", rid);
	ok(file_has(logp, want), "the refusal in the log: the request's id, the field, why");
	snprintf(want, sizeof want, "not an origin");
	ok(!file_has(logp, want), "and never what was typed");

	kill(child, SIGTERM);
	waitpid(child, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "render cache: the responder stopped cleanly");
	ok(restart_stack() == 0, "render cache: the stack comes back up");
	hc_free(a);
	hc_free(b);
}

/* nginx's complaints about a responder that closed a connection with a
 * request on it (a request lost in flight) since offset. */
static int lost_in_log(long offset)
{
	char path[1100], line[2048];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/log/nginx-error.log", state);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	fseek(f, offset, SEEK_SET);
	while (fgets(line, sizeof line, f) != NULL)
		n += strstr(line, "prematurely closed") != NULL ||
		     strstr(line, "reset by peer") != NULL;
	fclose(f);
	return n;
}

static long log_size(void)
{
	char path[1100];
	struct stat st;
	snprintf(path, sizeof path, "%s/log/nginx-error.log", state);
	return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

/* SIGTERM: stop the stack's responder, run our own child on its socket,
 * send it requests, SIGTERM it once every one of them is in flight; all
 * must be answered by the responder itself and the child must exit 0
 * within 5 s.  Three rounds.  Then the stack's responder is started
 * again. */
static void test_sigterm(void)
{
	int rounds_ok = 0, exits_ok = 0, lost = 0;
	double worst = 0;
	long off = log_size();

	ok(stop_stack_responder(), "the stack's responder stopped on SIGTERM");
	for (int round = 0; round < 3; round++) {
		struct timespec t0, t1;
		int status = -1, lst = -1, pfd[2];
		pid_t child = start_child(ini), load;
		char b;

		throttle_reset();
		if (pipe(pfd) != 0)
			break;
		/* Slow requests in flight: sign-ins wait for the hash gate. */
		if ((load = fork()) == 0) {
			long hist[600];
			int mine = 0;
			close(pfd[0]);
			memset(hist, 0, sizeof hist);
			parallel_logins_ex(24, "term%d%%40nowhere.test", 1, hist, NULL, NULL, NULL,
					   pfd[1], &mine);
			_exit(hist[401] + hist[503] == 24 && mine == 24 ? 0 : 1);
		}
		close(pfd[1]);
		if (read(pfd[0], &b, 1) != 1)
			diag("round %d: the load never said it was in flight", round);
		close(pfd[0]);
		usleep(20000);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		kill(child, SIGTERM);
		waitpid(child, &status, 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double secs =
			(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (secs > worst)
			worst = secs;
		exits_ok += WIFEXITED(status) && WEXITSTATUS(status) == 0 && secs < 5.0;
		waitpid(load, &lst, 0);
		rounds_ok += WIFEXITED(lst) && WEXITSTATUS(lst) == 0;
	}
	lost = lost_in_log(off);
	ok(exits_ok == 3,
	   "the responder exited 0 on SIGTERM within 5 s, 3 times of 3 (slowest "
	   "%.2f s)",
	   worst);
	ok(rounds_ok == 3,
	   "every request in flight at SIGTERM was answered by the responder, 3 rounds of 3");
	ok(lost == 0, "nginx logged no connection closed under a request (%d)", lost);
	ok(restart_stack() == 0, "the stack comes back up");
	throttle_reset();
}

/* gatehouse-ctl against the test database. */
static void test_ctl(void)
{
	const char *b = env_or("GH_BUILDDIR", ".");
	char ctl[1100];
	struct hc *h = client();

	char slug[64], root[128], roots[300];

	begin("ctl", 0, 0);
	snprintf(slug, sizeof slug, "ctl-%s", stamp);
	snprintf(root, sizeof root, "root@%s.test", slug);
	snprintf(ctl, sizeof ctl, "'%s/gatehouse-ctl' -c '%s'", b, ini);
	ok(shell("'%s/gatehouse-ctl' >/dev/null 2>&1", b) == 2, "ctl without arguments: exit 2");
	ok(shell("%s frobnicate >/dev/null 2>&1", ctl) == 2, "ctl with an unknown command: exit 2");
	ok(shell("%s tenant create 'Bad Slug' X >/dev/null 2>&1", ctl) == 2,
	   "ctl tenant create with a bad slug: exit 2");
	ok(shell("%s user create --tenant %s --super-admin </dev/null >/dev/null 2>&1", ctl,
		 fx.slug) == 2,
	   "ctl user create without --email: exit 2");
	ok(shell("%s user create --tenant %s --email a@b.test --role boss </dev/null >/dev/null "
		 "2>&1",
		 ctl, fx.slug) == 2,
	   "ctl user create with an unknown role: exit 2");
	ok(shell("echo short | %s user create --tenant %s --email weak@%s.test --super-admin "
		 ">/dev/null 2>&1",
		 ctl, fx.slug, fx.slug) == 2 &&
		   count_is("0",
			    "SELECT COUNT(*) FROM office_users WHERE email LIKE 'weak@%s.test'",
			    fx.slug),
	   "ctl refuses a weak password (and makes no user)");
	ok(shell("%s throttle >/dev/null 2>&1", ctl) == 2, "ctl throttle without reset: exit 2");
	/* The responders' account has no DDL grants (as in production);
	 * migrations run as the administrative one. */
	ok(shell("%s migrate --sql-dir '%s/sql' 2>&1 | grep -q 'CREATE command denied'", ctl,
		 env_or("GH_SRCDIR", ".")) == 0,
	   "the application's MariaDB account cannot migrate (no DDL grants)");
	ok(shell("'%s/gatehouse-ctl' -c '%s/gatehouse-admin.ini' migrate --sql-dir '%s/sql' | "
		 "grep -q 'already applied'",
		 b, state, env_or("GH_SRCDIR", ".")) == 0,
	   "migrate again (administrative account): every migration already applied, exit 0");
	{
		/* Harmless: the demo's rows are what they were (the one place a
		 * test reads them is test_demo). */
		char *before = demo_digest();
		ok(shell("%s demo >/dev/null", ctl) == 0, "loading the demo data again: exit 0");
		char *after = demo_digest();
		ok(before && after && strcmp(before, after) == 0,
		   "loading the demo data again is harmless (the demo's rows unchanged: %s)",
		   after ? after : "");
		free(before);
		free(after);
	}
	ok(shell("%s tenant create %s 'Ctl Test Co' >/dev/null", ctl, slug) == 0 &&
		   count_is("1", "SELECT COUNT(*) FROM tenants WHERE slug = '%s'", slug),
	   "ctl tenant create");
	/* The login given in capitals: stored lower-case. */
	snprintf(roots, sizeof roots, "Root@%s.TEST", slug);
	ok(shell("echo 'a-long-enough-secret' | %s user create --tenant %s "
		 "--email %s --super-admin >/dev/null",
		 ctl, slug, roots) == 0,
	   "ctl user create --super-admin (password on stdin)");
	ok(hc_login(h, root, "a-long-enough-secret") == 303, "the new super admin signs in");
	xmlDocPtr d = get_xml(h, "/settings/", 200, "the new super admin's home");
	ok(xp_is(d, "string(/page/session/@settings)", "super") &&
		   xp_is(d, "string(/page/session/@tenant-slug)", slug),
	   "in the new tenant, as super admin");
	xmlFreeDoc(d);
	char *v = sql1("SELECT COUNT(*) FROM office_user_perms p JOIN office_users u ON u.id = "
		       "p.user_id WHERE u.email = '%s'",
		       root);
	ok(v && atoi(v) >= 20, "the role is written as the full permission matrix (%s rows)", v);
	free(v);
	hc_free(h);
}

/* The database down: a clear 503, never SQL; back up, everything works. */
static void test_db_down(void)
{
	struct hc *h = client();
	struct hc_resp r;
	char pidf[1100];
	long pid = 0;

	begin("database down", 0, 0);
	ok(hc_login(h, fx.admin, PW) == 303, "signed in before MariaDB stops");
	snprintf(pidf, sizeof pidf, "%s/run/mariadb.pid", state);
	FILE *f = fopen(pidf, "r");
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	if (pid > 0) {
		kill((pid_t)pid, SIGTERM);
		for (int i = 0; i < 200 && kill((pid_t)pid, 0) == 0; i++)
			usleep(50000);
	}
	ok(pid > 0 && kill((pid_t)pid, 0) != 0, "MariaDB stopped");
	hc_get_xml(h, PS, &r);
	xmlDocPtr d = hc_xml(&r);
	char b[64];
	ok(r.status == 503 && hc_valid(d) && hc_header(&r, "Retry-After", b, sizeof b),
	   "with the database down: 503, schema-valid, Retry-After");
	ok(strstr(r.body, "mysql") == NULL && strstr(r.body, "MariaDB") == NULL &&
		   strstr(r.body, "SELECT") == NULL,
	   "the 503 page says nothing of the database's internals");
	xmlFreeDoc(d);
	hc_resp_free(&r);
	hc_get(h, PS, &r);
	ok(r.status == 503 && strstr(r.body, "<html"), "and as an HTML page");
	hc_resp_free(&r);
	ok(restart_stack() == 0, "the stack comes back (MariaDB started again)");
	hc_get(h, PS, &r);
	ok(r.status == 200, "the same session works again");
	hc_resp_free(&r);
	hc_free(h);
}

/* Names that show something other than they hold are refused (12.7). */
static void test_unseen_characters(void)
{
	struct hc *h = client();
	xmlDocPtr d = NULL;
	long st;

	begin("unseen characters", FX_CUSTOMERS, 0);
	ok(hc_login(h, fx.admin, PW) == 303, "admin signs in");
	/* "Cool " U+202E "Air", and a zero-width space after "ABM". */
	st = post_form(h, "/settings/customers", "/settings/customers/edit",
		       "name=Cool+%E2%80%AEAir", &d, NULL, 0);
	ok(st == 422 && d && hc_valid(d), "a right-to-left override in a name: 422 (%ld)", st);
	ok(d && xp_is(d, "contains(string(/page/form/field[@name='name']/@error), 'U+202E')",
		      "true"),
	   "... with a message naming it");
	xmlFreeDoc(d);
	st = post_form(h, "/settings/customers", "/settings/customers/edit",
		       "name=ABM%E2%80%8B+Twin", NULL, NULL, 0);
	ok(st == 422, "a zero-width space in a name: 422 (%ld)", st);
	char *v = sql1(
		"SELECT COUNT(*) FROM customers WHERE tenant_id = %s AND ((name LIKE "
		"'%%Air' AND name LIKE 'Cool %%' AND name <> 'Cool Air') OR (name LIKE 'ABM%%' "
		"AND name LIKE '%%Twin'))",
		fx.tq);
	ok(v && strcmp(v, "0") == 0, "nothing was saved");
	free(v);
	hc_free(h);
}

static void test_customers(void)
{
	struct hc *h = client(), *viewer = client();
	xmlDocPtr d;
	char *v, path[256], loc[512];

	begin("customers", FX_STAFF | FX_CUSTOMERS, 1);
	ok(hc_login(h, fx.admin, PW) == 303, "admin signs in");
	d = get_xml(h, "/settings/customers", 200, "customers list");
	ok(xp_is(d, "string(/page/customers/list/@sort)", "name") &&
		   xp_is(d, "string(/page/customers/list/rows/customer[1]/name)", "ABM Apartments"),
	   "sorted by name, ascending");
	v = sql1("SELECT COUNT(*) FROM portal_users p JOIN customers c ON c.id = p.customer_id "
		 "JOIN tenants t ON t.id = c.tenant_id WHERE t.slug = '%s' AND c.name = 'Cool Air'",
		 fx.slug);
	ok(v && atoi(v) >= 2 &&
		   xp_is(d,
			 "string(/page/customers/list/rows/customer[name='Cool "
			 "Air']/@portal-users)",
			 v),
	   "the portal users count per customer (%s)", v ? v : "");
	free(v);
	xmlFreeDoc(d);
	d = get_xml(h, "/settings/customers?sort=name&dir=desc", 200,
		    "customers sorted descending");
	ok(xp_is(d, "string(/page/customers/list/rows/customer[1]/name)", "The Loop"),
	   "descending: The Loop first");
	xmlFreeDoc(d);
	d = get_xml(h, "/settings/customers?q=AIR", 200, "customers filtered");
	ok(xp_is(d, "string(/page/customers/list/@total)", "1") &&
		   xp_is(d, "string(/page/customers/list/rows/customer/name)", "Cool Air"),
	   "the filter finds the start of a word, whatever its case");
	xmlFreeDoc(d);
	d = get_xml(h, "/settings/customers?q=%25", 200, "a filter of %");
	ok(xp_is(d, "string(/page/customers/list/@total)", "8"),
	   "%% is punctuation, never a wildcard: it filters nothing");
	xmlFreeDoc(d);
	d = get_xml(h, "/settings/customers?q=A%25r", 200, "a filter of A%r");
	ok(xp_is(d, "string(/page/customers/list/@total)", "0"),
	   "A%%r is the words A then r, not a pattern: no match");
	xmlFreeDoc(d);
	d = get_xml(h, "/settings/customers?sort=phone", 400, "an unknown sort key: 400");
	xmlFreeDoc(d);
	d = get_xml(h, "/settings/customers?per=7", 400,
		    "a page size other than 10/25/50/100: 400");
	xmlFreeDoc(d);

	ok(post_form(h, "/settings/customers/edit", "/settings/customers/edit",
		     "name=Zephyr+Heating&email=Office%40Zephyr.example.com&phone=555-0199&city="
		     "Dayton",
		     NULL, loc, sizeof loc) == 303 &&
		   strcmp(loc, "/settings/customers?done=saved") == 0,
	   "add a customer: 303 to the list");
	v = sql1("SELECT CONCAT(id, '|', primary_email) FROM customers WHERE tenant_id = %s AND "
		 "name = 'Zephyr Heating'",
		 fx.tq);
	ok(v && strstr(v, "|office@zephyr.example.com"), "stored, email normalised (%s)",
	   v ? v : "");
	free(v);
	ok(post_form(h, "/settings/customers/edit", "/settings/customers/edit",
		     "name=Zephyr+Heating", &d, NULL, 0) == 422 &&
		   xp_is(d, "string(/page/form/field[@name='name']/@error)",
			 "Another customer already has this name."),
	   "a duplicate name: 422 with a message");
	xmlFreeDoc(d);
	ok(post_form(h, "/settings/customers/edit", "/settings/customers/edit",
		     "name=&email=not-an-email", &d, NULL, 0) == 422 &&
		   xp_is(d, "count(/page/form/field[@error])", "2"),
	   "a missing name and a bad email: 422, two messages");
	xmlFreeDoc(d);
	/* Renaming a customer renames its portal users' company. */
	v = fx_customer(&fx, "Anderson Windows");
	snprintf(path, sizeof path, "/settings/customers/edit?id=%s", v ? v : "0");
	char fields[256];
	snprintf(fields, sizeof fields, "id=%s&name=Anderson+Windows+%%26+Doors", v ? v : "0");
	free(v);
	ok(post_form(h, path, "/settings/customers/edit", fields, NULL, NULL, 0) == 303,
	   "rename a customer");
	v = sql1("SELECT company_name FROM portal_users WHERE tenant_id = %s AND email = "
		 "'info@andersonwindows.example.com'",
		 fx.tq);
	ok(v && strcmp(v, "Anderson Windows & Doors") == 0, "its portal users follow (%s)", v);
	free(v);
	/* Another tenant's customer: 404. */
	v = fx_customer(&ac, "Northwind Storage");
	snprintf(path, sizeof path, "/settings/customers/edit?id=%s", v ? v : "0");
	d = get_xml(h, path, 404, "another tenant's customer: 404");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&name=Hijacked", v ? v : "0");
	ok(post_form(h, "/settings/customers", "/settings/customers/edit", fields, NULL, NULL, 0) ==
		   404,
	   "saving another tenant's customer: 404");
	free(v);
	ok(hc_login(viewer, fx.viewer, PW) == 303, "viewer signs in");
	ok(post_form(viewer, "/settings/customers", "/settings/customers/edit", "name=Nope", NULL,
		     NULL, 0) == 403,
	   "settings view cannot add customers (403)");
	hc_free(h);
	hc_free(viewer);
}

static void test_portal_users(void)
{
	struct hc *acme = client(), *theirs = client();
	xmlDocPtr d;
	char *v, path[512], fields[1024], loc[512];

	begin("portal users", FX_CUSTOMERS, 1);
	ok(hc_login(acme, ac.admin, PW) == 303, "acme admin signs in");
	d = get_xml(acme, PA, 200, "empty portal users list");
	ok(xp_is(d, "string(/page/portal-access/list/@total)", "0") &&
		   xp_is(d, "string(/page/portal-access/list/@first)", "0") &&
		   xp_is(d, "count(//rows/user)", "0"),
	   "empty: 0 of 0");
	xmlFreeDoc(d);
	char *cid = fx_customer(&ac, "Northwind Storage");
	/* Prefill: the company's primary email, with and without JavaScript. */
	snprintf(path, sizeof path, PA "/edit?customer=%s", cid ? cid : "0");
	d = get_xml(acme, path, 200, "add form for a chosen company");
	ok(xp_is(d, "string(/page/portal-user-edit/user/email)", "ops@northwind.example.com"),
	   "the email starts as the company's primary email");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "customer=%s&email=&prefill=1", cid ? cid : "0");
	ok(post_form(acme, PA "/edit", PA "/edit", fields, &d, NULL, 0) == 200 &&
		   xp_is(d, "string(/page/portal-user-edit/user/email)",
			 "ops@northwind.example.com"),
	   "\"Use company email\" without JavaScript fills it server-side, saves nothing");
	xmlFreeDoc(d);
	v = sql1("SELECT COUNT(*) FROM portal_users WHERE tenant_id = %s AND email = "
		 "'ops@northwind.example.com'",
		 ac.tq);
	ok(v && strcmp(v, "0") == 0, "nothing was saved by the prefill");
	free(v);

	/* The portal is off for acme: the user is added, not invited. */
	snprintf(fields, sizeof fields, "customer=%s&email=+Ops%%40Northwind.Example.com+", cid);
	ok(post_form(acme, PA "/edit", PA "/edit", fields, NULL, loc, sizeof loc) == 303 &&
		   strcmp(loc, PA "?done=added") == 0,
	   "add (email trimmed, lowercased): 303, added");
	d = get_xml(acme, PA, 200, "list with one user");
	ok(xp_is(d, "string(//rows/user[1]/email)", "ops@northwind.example.com") &&
		   xp_is(d, "string(//rows/user[1]/@status)", "not_invited") &&
		   xp_is(d, "string(//rows/user[1]/company)", "Northwind Storage"),
	   "one row: Northwind Storage, Not invited (portal off)");
	ok(xp_is(d, "string(/page/portal-access/list/@first)", "1") &&
		   xp_is(d, "string(/page/portal-access/list/@last)", "1") &&
		   xp_is(d, "string(/page/portal-access/list/@total)", "1"),
	   "1 - 1 of 1");
	char *uid = xp(d, "string(//rows/user[1]/@id)");
	xmlFreeDoc(d);
	v = sql1("SELECT COUNT(*) FROM mail_outbox WHERE tenant_id = %s AND to_addr = "
		 "'ops@northwind.example.com'",
		 ac.tq);
	ok(v && strcmp(v, "0") == 0, "no invitation while the portal is disabled");
	free(v);
	snprintf(fields, sizeof fields, "customer=%s&email=OPS%%40northwind.example.com", cid);
	ok(post_form(acme, PA "/edit", PA "/edit", fields, &d, NULL, 0) == 422 &&
		   xp_is(d, "string(/page/form/field[@name='email']/@error)",
			 "This email already has portal access with your company."),
	   "the same login email again (any case): 422 with a clear message");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields,
		 "customer=%s&email=x%%40northwind.example.com&password=password123", cid);
	ok(post_form(acme, PA "/edit", PA "/edit", fields, &d, NULL, 0) == 422 &&
		   xp_is(d, "string(/page/form/field[@name='password']/@value)", ""),
	   "a common password: 422, never echoed");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "customer=%s&email=not-an-email", cid);
	ok(post_form(acme, PA "/edit", PA "/edit", fields, NULL, NULL, 0) == 422,
	   "a bad email: 422");
	char *their_c = fx_customer(&fx, "ABM Apartments");
	snprintf(fields, sizeof fields, "customer=%s&email=a%%40b.example.com", their_c);
	ok(post_form(acme, PA "/edit", PA "/edit", fields, NULL, NULL, 0) == 422,
	   "another tenant's customer as company: 422");
	snprintf(fields, sizeof fields, "customer=%s&email=a%%40b.example.com&csrf=x", their_c);
	ok(post_form(acme, PA "/edit", PA "/edit", fields, NULL, NULL, 0) == 403,
	   "a second csrf field: 403");
	free(their_c);
	/* Resend while disabled: refused with a message; enabled: a new link. */
	snprintf(fields, sizeof fields, "id=%s", uid);
	ok(post_form(acme, PA, PA "/resend", fields, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "done=off"),
	   "resend while the portal is off sends nothing");
	free(sql1("UPDATE tenants SET portal_enabled = 1 WHERE slug = '%s'", ac.slug));
	ok(post_form(acme, PA, PA "/resend", fields, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "done=resent"),
	   "resend once the portal is on");
	v = sql1("SELECT CONCAT(COUNT(*), '|', MIN(kind), '|', MIN(secret IS NOT NULL OR status = "
		 "'sent')) FROM mail_outbox WHERE tenant_id = %s AND to_addr = "
		 "'ops@northwind.example.com'",
		 ac.tq);
	ok(v && strcmp(v, "1|invitation|1") == 0,
	   "one invitation in the outbox, its token sealed (%s)", v);
	free(v);
	ok(post_form(acme, PA, PA "/resend", fields, NULL, NULL, 0) == 303, "resend again");
	v = sql1("SELECT CONCAT(SUM(used_at IS NULL), '|', COUNT(*)) FROM one_time_tokens t JOIN "
		 "portal_users u ON u.id = t.portal_user_id WHERE u.tenant_id = %s AND u.email = "
		 "'ops@northwind.example.com'",
		 ac.tq);
	ok(v && strcmp(v, "1|2") == 0, "a new link kills the earlier one (live|all = %s)", v);
	free(v);
	v = sql1("SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
		 "'portal_user.resend_invitation' AND target LIKE '%%ops@northwind%%'",
		 ac.tq);
	ok(v && strcmp(v, "2") == 0, "each resend is audited (2)");
	free(v);

	/* Paging, sorting, filtering over 25 users. */
	free(sql1("INSERT INTO portal_users (tenant_id, customer_id, company_name, email) SELECT "
		  "c.tenant_id, c.id, c.name, CONCAT('user', LPAD(seq, 2, '0'), "
		  "'@page.example.com') FROM customers c JOIN tenants t ON t.id = c.tenant_id JOIN "
		  "seq_1_to_24 WHERE t.slug = '%s' AND c.name = 'Northwind Storage'",
		  ac.slug));
	d = get_xml(acme, PA "?sort=email&per=10", 200, "page 1 of 25 by email");
	ok(xp_is(d, "string(/page/portal-access/list/@has-prev)", "0") &&
		   xp_is(d, "string(/page/portal-access/list/@has-next)", "1"),
	   "the first page: a next, no previous");
	{
		xmlDocPtr p2 = follow(acme, d, PA, "query-next", "Next: page 2");
		xmlDocPtr p3 = follow(acme, p2, PA, "query-next", "Next: page 3");
		ok(xp_is(p3, "string(/page/portal-access/list/@first)", "21") &&
			   xp_is(p3, "string(/page/portal-access/list/@last)", "25") &&
			   xp_is(p3, "string(/page/portal-access/list/@has-next)", "0") &&
			   xp_is(p3, "count(//rows/user)", "5"),
		   "last page: 21 - 25 of 25, no next");
		xmlDocPtr back = follow(acme, p3, PA, "query-prev", "Previous: page 2 again");
		ok(xp_is(back, "string(/page/portal-access/list/@first)", "11") &&
			   xp_is(back, "string(//rows/user[1]/email)", "user10@page.example.com"),
		   "Previous shows 11 - 20 again, from user10");
		xmlFreeDoc(back);
		xmlFreeDoc(p2);
		xmlFreeDoc(p3);
	}
	xmlFreeDoc(d);
	d = get_xml(acme, PA "?sort=email&end=1", 200, "the last page");
	ok(xp_is(d, "string(/page/portal-access/list/@first)", "16") &&
		   xp_is(d, "string(/page/portal-access/list/@has-prev)", "1") &&
		   xp_is(d, "string(//rows/user[10]/email)", "user24@page.example.com"),
	   "end=1: the last ten rows, 16 - 25, in order");
	xmlFreeDoc(d);
	d = get_xml(acme, PA "?sort=email&dir=desc", 200, "sorted by email, descending");
	ok(xp_is(d, "string(//rows/user[1]/email)", "user24@page.example.com") &&
		   xp_is(d, "count(//rows/user)", "10"),
	   "descending: user24 first, 10 per page");
	xmlFreeDoc(d);
	d = get_xml(acme, PA "?sort=email&per=25", 200, "25 per page");
	ok(xp_is(d, "count(//rows/user)", "25") &&
		   xp_is(d, "string(//rows/user[1]/email)", "ops@northwind.example.com"),
	   "page size 25: all rows, ascending");
	xmlFreeDoc(d);
	d = get_xml(acme, PA "?q=USER1", 200, "filtered");
	ok(xp_is(d, "string(/page/portal-access/list/@total)", "10"),
	   "USER1 matches 10 (user10..user19)");
	xmlFreeDoc(d);
	d = get_xml(acme, PA "?q=nobody-matches", 200, "a filter with no match");
	ok(xp_is(d, "string(/page/portal-access/list/@total)", "0"), "no match: 0 of 0");
	xmlFreeDoc(d);
	/* Filtered and deep views come from the list-order cache: each change
	 * that moves a row in or out of a view (insert, delete, email or
	 * company change) must show at once. */
	d = get_xml(acme, PA "?q=USER1&sort=email&dir=desc&per=25", 200, "filtered, descending");
	ok(xp_is(d, "string(//rows/user[1]/email)", "user19@page.example.com") &&
		   xp_is(d, "string(//rows/user[10]/email)", "user10@page.example.com") &&
		   xp_is(d, "count(//rows/user)", "10"),
	   "filtered and descending: user19 .. user10");
	xmlFreeDoc(d);
	free(sql1("INSERT INTO portal_users (tenant_id, customer_id, company_name, email) SELECT "
		  "c.tenant_id, c.id, c.name, 'user1x@page.example.com' FROM customers c JOIN "
		  "tenants t ON t.id = c.tenant_id WHERE t.slug = '%s' AND c.name = 'Northwind "
		  "Storage'",
		  ac.slug));
	d = get_xml(acme, PA "?q=USER1", 200, "filtered after an insert");
	ok(xp_is(d, "string(/page/portal-access/list/@total)", "11"),
	   "a new matching user shows at once (11)");
	xmlFreeDoc(d);
	free(sql1("UPDATE portal_users SET email = 'renamed10@page.example.com' WHERE tenant_id = "
		  "%s AND email = 'user10@page.example.com'",
		  ac.tq));
	d = get_xml(acme, PA "?q=USER1", 200, "filtered after an email change");
	ok(xp_is(d, "string(/page/portal-access/list/@total)", "10"),
	   "a user whose email no longer matches leaves at once (10)");
	xmlFreeDoc(d);
	free(sql1("UPDATE portal_users SET company_name = 'Southwind Storage' WHERE tenant_id = %s "
		  "AND email = 'user11@page.example.com'",
		  ac.tq));
	d = get_xml(acme, PA "?q=southwind", 200, "filtered on a changed company");
	ok(xp_is(d, "string(/page/portal-access/list/@total)", "1") &&
		   xp_is(d, "string(//rows/user[1]/email)", "user11@page.example.com"),
	   "a company change shows at once");
	xmlFreeDoc(d);
	free(sql1("DELETE FROM portal_users WHERE tenant_id = %s AND email = "
		  "'user1x@page.example.com'",
		  ac.tq));
	free(sql1("UPDATE portal_users SET email = 'user10@page.example.com' WHERE tenant_id = %s "
		  "AND email = 'renamed10@page.example.com'",
		  ac.tq));
	free(sql1("UPDATE portal_users SET company_name = 'Northwind Storage' WHERE tenant_id = %s "
		  "AND email = 'user11@page.example.com'",
		  ac.tq));
	d = get_xml(acme, PA "?q=USER1", 200, "filtered after a delete");
	ok(xp_is(d, "string(/page/portal-access/list/@total)", "10") &&
		   xp_is(d, "count(//rows/user[email='user1x@page.example.com'])", "0"),
	   "a deleted user leaves at once");
	xmlFreeDoc(d);
	d = get_xml(acme, PA "?sort=email&after=Q&at=9", 400, "a damaged cursor: 400");
	xmlFreeDoc(d);
	d = get_xml(acme, PA "?sort=status", 400, "an unknown sort key: 400");
	xmlFreeDoc(d);
	d = get_xml(acme, PA "?dir=up", 400, "a bad direction: 400");
	xmlFreeDoc(d);

	/* Concurrent adds of one email: one user, clear errors for the rest.
	 * Eight at once may be more than the company's share of the threads
	 * (share.h): those answered 503 with Retry-After are sent again, as a
	 * browser's user would. */
	{
		struct hc *hs[8];
		char bodies[8][512], ck[8][256];
		long st[8] = {0};
		int running = 0, created = 0, refused = 0, again = 0, pending = 8;
		for (int i = 0; i < 8; i++) {
			char csrf[65];
			hs[i] = client();
			hc_login(hs[i], ac.admin, PW);
			hc_csrf(hs[i], PA "/edit", csrf);
			snprintf(bodies[i], sizeof bodies[i],
				 "csrf=%s&customer=%s&email=race%%40northwind.example.com", csrf,
				 cid);
			snprintf(ck[i], sizeof ck[i], "gh_office=%s",
				 hc_cookie(hs[i], "gh_office"));
		}
		for (int round = 0; pending > 0 && round < 30; round++) {
			CURLM *m = curl_multi_init();
			CURL *es[8] = {NULL};
			char url[256];
			snprintf(url, sizeof url, "%s" PA "/edit", base);
			if (round > 0)
				usleep(200000);
			for (int i = 0; i < 8; i++) {
				if (st[i] != 0 && st[i] != 503)
					continue;
				es[i] = curl_easy_init();
				curl_easy_setopt(es[i], CURLOPT_URL, url);
				curl_easy_setopt(es[i], CURLOPT_POSTFIELDS, bodies[i]);
				curl_easy_setopt(es[i], CURLOPT_COOKIE, ck[i]);
				curl_easy_setopt(es[i], CURLOPT_WRITEFUNCTION, discard);
				curl_multi_add_handle(m, es[i]);
			}
			do {
				curl_multi_perform(m, &running);
				curl_multi_poll(m, NULL, 0, 50, NULL);
			} while (running > 0);
			pending = 0;
			for (int i = 0; i < 8; i++) {
				if (es[i] == NULL)
					continue;
				curl_easy_getinfo(es[i], CURLINFO_RESPONSE_CODE, &st[i]);
				again += st[i] == 503;
				pending += st[i] == 503;
				curl_multi_remove_handle(m, es[i]);
				curl_easy_cleanup(es[i]);
			}
			curl_multi_cleanup(m);
		}
		for (int i = 0; i < 8; i++) {
			created += st[i] == 303;
			refused += st[i] == 422;
			hc_free(hs[i]);
		}
		diag("%d answers were 503 (the company's share) and sent again", again);
		v = sql1("SELECT COUNT(*) FROM portal_users WHERE tenant_id = %s AND email = "
			 "'race@northwind.example.com'",
			 ac.tq);
		ok(created == 1 && refused == 7 && v && strcmp(v, "1") == 0,
		   "8 simultaneous adds of one email: 1 created, 7 told it is taken, 1 row");
		free(v);
	}

	/* Another tenant's portal user: 404 everywhere. */
	ok(hc_login(theirs, fx.admin, PW) == 303, "the other tenant's admin signs in");
	snprintf(path, sizeof path, PA "/edit?id=%s", uid);
	d = get_xml(theirs, path, 404, "another tenant's portal user: 404");
	xmlFreeDoc(d);
	snprintf(path, sizeof path, PA "/delete?id=%s", uid);
	d = get_xml(theirs, path, 404, "deleting another tenant's portal user: 404");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s", uid);
	ok(post_form(theirs, PA, PA "/delete", fields, NULL, NULL, 0) == 404,
	   "POST delete of another tenant's user: 404");
	ok(post_form(theirs, PA, PA "/resend", fields, NULL, NULL, 0) == 404,
	   "resend for another tenant's user: 404");

	/* Edit: change the email and set a password: Active. */
	snprintf(fields, sizeof fields,
		 "id=%s&customer=%s&email=ops2%%40northwind.example.com&password=a-long-enough-"
		 "secret",
		 uid, cid);
	ok(post_form(acme, PA "/edit", PA "/edit", fields, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "done=saved"),
	   "edit: new email and a password");
	snprintf(path, sizeof path, PA "/edit?id=%s", uid);
	d = get_xml(acme, path, 200, "the edited user");
	ok(xp_is(d, "string(/page/portal-user-edit/user/email)", "ops2@northwind.example.com") &&
		   xp_is(d, "string(/page/portal-user-edit/user/@status)", "active"),
	   "new email, status Active");
	xmlFreeDoc(d);
	v = sql1("SELECT LEFT(password_hash, 10) FROM portal_users WHERE tenant_id = %s AND email "
		 "= 'ops2@northwind.example.com'",
		 ac.tq);
	ok(v && strcmp(v, "$argon2id$") == 0, "the password is stored as an Argon2id hash only");
	free(v);

	/* Delete two, with confirmation; their sessions end. */
	char *u2 = sql1("SELECT id FROM portal_users WHERE tenant_id = %s AND email = "
			"'user01@page.example.com'",
			ac.tq);
	char deltok[80];
	snprintf(deltok, sizeof deltok, "del-test-%s", ac.slug);
	free(sql1("INSERT INTO sessions (token_hash, kind, tenant_id, portal_user_id, expires_at) "
		  "VALUES (UNHEX(SHA2('%s', 256)), 'portal', %s, %s, NOW(6) + INTERVAL 1 HOUR)",
		  deltok, ac.tq, u2));
	snprintf(path, sizeof path, PA "/delete?id=%s&id=%s", uid, u2);
	d = get_xml(acme, path, 200, "delete confirmation");
	ok(xp_is(d, "string(/page/portal-user-delete/@count)", "2") &&
		   xp_is(d, "count(/page/portal-user-delete/user)", "2") &&
		   xp_is(d, "string(/page/portal-user-delete/user[2]/email)",
			 "user01@page.example.com"),
	   "the confirmation names how many and which");
	xmlFreeDoc(d);
	v = sql1("SELECT COUNT(*) FROM portal_users WHERE id IN (%s, %s)", uid, u2);
	ok(v && strcmp(v, "2") == 0, "nothing deleted before confirming");
	free(v);
	snprintf(fields, sizeof fields, "id=%s&id=%s", uid, u2);
	{
		char body[512];
		struct hc_resp r;
		snprintf(body, sizeof body, "csrf=%064d&%s", 0, fields);
		hc_post(acme, PA "/delete", body, &r);
		ok(r.status == 403, "delete without a valid CSRF token: 403");
		hc_resp_free(&r);
	}
	char *audits = sql1("SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
			    "'portal_user.delete' AND target LIKE '%%user01@page%%'",
			    ac.tq);
	ok(post_form(acme, PA, PA "/delete", fields, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "done=deleted"),
	   "confirmed: deleted, 303 to the list");
	v = sql1("SELECT (SELECT COUNT(*) FROM portal_users WHERE id IN (%s, %s)) + (SELECT "
		 "COUNT(*) FROM sessions WHERE token_hash = UNHEX(SHA2('%s', 256)))",
		 uid, u2, deltok);
	ok(v && strcmp(v, "0") == 0, "both gone, and the deleted user's session with them");
	free(v);
	v = sql1("SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
		 "'portal_user.delete' AND target LIKE '%%user01@page%%'",
		 ac.tq);
	ok(v && audits && atoi(v) == atoi(audits) + 1, "each deletion is audited");
	free(v);
	free(audits);
	free(u2);
	free(uid);
	free(cid);
	hc_free(acme);
	hc_free(theirs);
}

/* The newest message in the SMTP sink for rcpt: its set-password token
 * (quoted-printable undone), into tok[44]; waits up to 15 s. */
static void test_set_password(void)
{
	struct hc *admin = client(), *guest = client();
	char rcpt[128], fields[512], path[256], tok[44], tok2[44], loc[512];
	xmlDocPtr d;
	char *v, sp[200], rl[200], want[240];

	begin("set password", FX_CUSTOMERS, 1);
	snprintf(sp, sizeof sp, "%sset-password", fx.portal);
	snprintf(rl, sizeof rl, "%srequest-link", fx.portal);
	snprintf(rcpt, sizeof rcpt, "invitee-%s@coolair.example.com", stamp);
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in");
	ok(save_settings(admin, "enabled=1&frame_origins=", NULL) == 303, "the portal is on");
	char *cid = fx_customer(&fx, "Cool Air");
	snprintf(fields, sizeof fields, "customer=%s&email=%s", cid, rcpt);
	free(cid);
	ok(post_form(admin, PA "/edit", PA "/edit", fields, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "done=invited"),
	   "add a portal user while the portal is on: invited");
	ok(mail_link(rcpt, "set-password?token=", tok) == 0,
	   "the invitation reaches the SMTP server with a set-password link");
	/* SHA-256 of the token's 32 bytes (base64url in the link). */
	v = sql1("SELECT COUNT(*) FROM one_time_tokens WHERE token_hash = "
		 "UNHEX(SHA2(FROM_BASE64(CONCAT(REPLACE(REPLACE('%s', '-', '+'), '_', '/'), '=')), "
		 "256)) AND used_at IS NULL",
		 tok);
	ok(v && strcmp(v, "1") == 0, "the link's token is stored only as its hash, live");
	free(v);
	v = sql1("SELECT COUNT(*) FROM mail_outbox WHERE to_addr = '%s' AND status = 'sent' AND "
		 "secret IS NULL",
		 rcpt);
	ok(v && strcmp(v, "1") == 0, "the outbox row is sent and its sealed token wiped");
	free(v);

	snprintf(path, sizeof path, "%s?token=%s", sp, tok);
	d = get_xml(guest, path, 200, "the link opens the set-password form");
	ok(xp_is(d, "string(/page/set-password/@state)", "ok") &&
		   xp_is(d, "string(/page/set-password/email)", rcpt),
	   "for the invited email");
	xmlFreeDoc(d);
	/* A portal session of this user ends when the password is set. */
	free(sql1("INSERT INTO sessions (token_hash, kind, tenant_id, portal_user_id, expires_at) "
		  "SELECT UNHEX(SHA2('sp-test', 256)), 'portal', tenant_id, id, NOW(6) + INTERVAL "
		  "1 HOUR FROM portal_users WHERE email = '%s'",
		  rcpt));
	snprintf(fields, sizeof fields, "token=%s&password=portal-secret-1&confirm=portal-secret-2",
		 tok);
	ok(post_form(guest, path, sp, fields, &d, NULL, 0) == 422 &&
		   xp_is(d, "string(/page/form/field[@name='confirm']/@error)",
			 "The two passwords differ."),
	   "two different passwords: 422");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "token=%s&password=password123&confirm=password123", tok);
	ok(post_form(guest, path, sp, fields, NULL, NULL, 0) == 422, "a common password: 422");
	{
		char body[512];
		struct hc_resp r;
		snprintf(body, sizeof body,
			 "csrf=%064d&token=%s&password=portal-secret-1&confirm=portal-secret-1", 0,
			 tok);
		hc_post(guest, sp, body, &r);
		ok(r.status == 403, "without a valid CSRF token: 403");
		hc_resp_free(&r);
	}
	snprintf(fields, sizeof fields, "token=%s&password=portal-secret-1&confirm=portal-secret-1",
		 tok);
	ok(post_form(guest, path, sp, fields, NULL, loc, sizeof loc) == 303 &&
		   strcmp(loc, (snprintf(want, sizeof want, "%s?done=1", sp), want)) == 0,
	   "the password is set: 303");
	v = sql1("SELECT CONCAT(LEFT(password_hash, 10), '|', (SELECT COUNT(*) FROM sessions s "
		 "WHERE s.portal_user_id = p.id)) FROM portal_users p WHERE email = '%s'",
		 rcpt);
	ok(v && strcmp(v, "$argon2id$|0") == 0,
	   "stored as Argon2id; the user's sessions ended (%s)", v ? v : "");
	free(v);
	d = get_xml(guest, path, 410, "the used link: 410");
	ok(xp_is(d, "string(/page/set-password/@state)", "expired"), "it offers a fresh link");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "token=%s&password=portal-secret-2&confirm=portal-secret-2",
		 tok);
	ok(post_form(guest, path, sp, fields, NULL, NULL, 0) == 422,
	   "a used link cannot set a password again");
	snprintf(fields, sizeof fields, "token=%s", tok);
	ok(post_form(guest, path, rl, fields, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "sent=1"),
	   "ask for a fresh link: 303");
	tok2[0] = '\0';
	for (int i = 0; i < 75 && (mail_link(rcpt, "set-password?token=", tok2) != 0 ||
				   strcmp(tok2, tok) == 0);
	     i++)
		usleep(200000);
	ok(tok2[0] && strcmp(tok2, tok) != 0, "a new link arrives by mail");
	snprintf(path, sizeof path, "%s?token=%s", sp, tok2);
	d = get_xml(guest, path, 200, "the new link works");
	xmlFreeDoc(d);
	snprintf(path, sizeof path, "%s?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", sp);
	d = get_xml(guest, path, 404, "an unknown link: 404");
	ok(xp_is(d, "string(/page/set-password/@state)", "invalid"), "says it does not work");
	xmlFreeDoc(d);
	free(sql1("UPDATE tenants SET portal_enabled = 1 WHERE slug = '%s'", ac.slug));
	snprintf(path, sizeof path, "%sset-password?token=%s", ac.portal, tok2);
	d = get_xml(guest, path, 404,
		    "the link under another tenant's address (its portal on): 404");
	xmlFreeDoc(d);
	d = get_xml(guest, "/portal/no-such-tenant/set-password", 404, "an unknown tenant: 404");
	xmlFreeDoc(d);
	/* A permanent SMTP failure shows on the row. */
	char bounce[128];
	snprintf(bounce, sizeof bounce, "bounce-%s@coolair.example.com", stamp);
	cid = fx_customer(&fx, "Cool Air");
	snprintf(fields, sizeof fields, "customer=%s&email=%s", cid, bounce);
	free(cid);
	ok(post_form(admin, PA "/edit", PA "/edit", fields, NULL, NULL, 0) == 303,
	   "invite an address the SMTP server refuses (550)");
	snprintf(path, sizeof path, PA "?q=%s", bounce);
	int bounced = 0;
	for (int i = 0; i < 75 && !bounced; i++) {
		struct hc_resp r;
		hc_get_xml(admin, path, &r);
		bounced = strstr(r.body, "invite-bounced=\"1\"") != NULL;
		hc_resp_free(&r);
		if (!bounced)
			usleep(200000);
	}
	d = get_xml(admin, path, 200, "the bounced user's row");
	/* Still waiting for a password, as the sign-in sees it: Invited, with
	 * the bounce said beside it (issue 12's statuses). */
	ok(bounced && xp_is(d, "string(//rows/user[1]/@status)", "invited") &&
		   xp_is(d, "string(//rows/user[1]/@invite-bounced)", "1"),
	   "the row says Invited, \"invitation bounced\"");
	xmlFreeDoc(d);
	ok(save_settings(admin, "frame_origins=", NULL) == 303, "the portal is turned off");
	snprintf(path, sizeof path, "%s?token=%s", sp, tok2);
	d = get_xml(guest, path, 200, "the link while the portal is off");
	ok(xp_is(d, "string(/page/set-password/@state)", "disabled"),
	   "says the portal is not available");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "token=%s&password=portal-secret-3&confirm=portal-secret-3",
		 tok2);
	ok(post_form(guest, path, sp, fields, NULL, NULL, 0) == 422, "and sets nothing");
	hc_free(admin);
	hc_free(guest);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	mysql_library_init(0, NULL, NULL);
	xmlInitParser();
	test_env();
	char bin[1100];
	snprintf(bin, sizeof bin, "%s/gatehouse-settings", env_or("GH_BUILDDIR", "."));
	setenv("GH_BUILDDIR_BIN", bin, 1);

	snprintf(stamp, sizeof stamp, "%ld%03d", (long)time(NULL), (int)(getpid() % 1000));
	test_demo();
	test_headers();
	test_errors();
	test_signin();
	test_timeouts();
	test_portal_settings();
	test_customers();
	test_unseen_characters();
	test_portal_users();
	test_set_password();
	test_throttle();
	test_keepalive();
	test_flood();
	test_db_restart();
	test_db_down();
	test_ctl();
	test_render_cache();
	test_sigterm();

	xmlCleanupParser();
	curl_global_cleanup();
	return done_testing();
}
