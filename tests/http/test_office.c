/* HTTP tests of office users and of authorization on every settings route
 * (issue 5), against the real stack.  The route table below is the
 * specification: each route's minimum Settings level for GET and POST, and
 * the exact answer when allowed (with no query, and the table's body),
 * written here independently of the page table in fcgi/settings/; the test
 * fails if the responder has a route the table does not name.  Each test
 * makes a tenant of its own (common.h, fx_make). */
#include "config.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "common.h"
#include "tap.h"

#define OU "/settings/office-users"

enum lv { NONE = 0, VIEW = 1, EDIT = 2, SUPER = 3, NO = 9 /* method not served */ };

/* When allowed, a route answers one status: the page (200), a redirect
 * (303: a saved form; the MFA code page sends a user without a pending
 * code on), or, since the table sends no query and a body without the
 * required fields, the form's errors (422) or a bad request (400: a
 * confirmation page without the ids it confirms; a form whose errors have
 * no page to show them on).  Refused: 403; a method not served: 405. */
static const struct route {
	const char *path;
	int get, post;        /* minimum level, or NO */
	long get_ok, post_ok; /* the answer when allowed */
	const char *body;     /* what a POST sends besides csrf (harmless when allowed) */
} routes[] = {
	{"/settings/", NONE, NO, 200, 0, NULL},
	{"/settings/client/portal-access-settings", VIEW, EDIT, 200, 303,
	 "enabled=1&frame_origins=http%3A%2F%2Flocalhost%3A18081"},
	{"/settings/client/portal-access", VIEW, NO, 200, 0, NULL},
	{"/settings/client/portal-access/edit", VIEW, EDIT, 200, 422, "customer=0"},
	{"/settings/client/portal-access/resend", NO, EDIT, 0, 422, "x=1"},
	{"/settings/client/portal-access/delete", EDIT, EDIT, 400, 422, "x=1"},
	/* deleted users within [people] restore_days; a restore without its id */
	{"/settings/client/portal-access/deleted", EDIT, EDIT, 200, 422, "x=1"},
	{"/settings/client/portal-access/security", NO, EDIT, 0, 422, "x=1"},
	{"/settings/client/portal-access/send-reset", NO, EDIT, 0, 422, "x=1"},
	{"/settings/client/portal-access/view-as", NO, EDIT, 0, 422, "x=1"},
	/* every never-invited user invited (the table's tenant has none; its
	 * portal is on by then: the settings' row above) */
	{"/settings/client/portal-access/invite-all", NO, EDIT, 0, 303, "x=1"},
	/* an import without its file: the form's error; a job without its id */
	{"/settings/client/portal-access/import", EDIT, EDIT, 200, 422, "x=1"},
	/* the choices (nobody ticked: every user of the view); no action: 422 */
	{"/settings/client/portal-access/bulk-action", EDIT, EDIT, 200, 422, "x=1"},
	{"/settings/client/portal-access/job", EDIT, EDIT, 400, 400, "x=1"},
	{"/settings/client/portal-access/job/report", EDIT, NO, 400, 0, NULL},
	{"/settings/client/portal-groups", VIEW, NO, 200, 0, NULL},
	{"/settings/client/portal-groups/edit", VIEW, EDIT, 200, 422, "x=1"},
	/* nothing ticked: the form's error */
	{"/settings/inbox", VIEW, EDIT, 200, 422, "x=1"},
	{"/settings/customers", VIEW, NO, 200, 0, NULL},
	{"/settings/customers/edit", VIEW, EDIT, 200, 422, "x=1"},
	{"/settings/customers/token", NO, EDIT, 0, 422, "x=1"},
	{"/settings/customers/enable-portal", EDIT, EDIT, 400, 422, "x=1"},
	{"/settings/customers/contacts", NO, EDIT, 0, 422, "x=1"},
	{"/settings/customers/contacts/enable", NO, EDIT, 0, 400, "x=1"},
	{"/settings/customers/sites", NO, EDIT, 0, 422, "x=1"},
	{"/settings/calendars", VIEW, EDIT, 200, 422, "name="},
	{"/settings/vehicles", VIEW, EDIT, 200, 422, "name="},
	{"/settings/api-keys", SUPER, SUPER, 200, 422, "x=1"},
	{"/settings/webhooks", SUPER, SUPER, 200, 422, "x=1"},
	{"/settings/audit-log", SUPER, NO, 200, 0, NULL},
	/* without the format it must have: a bad request */
	{"/settings/audit-log/export", SUPER, NO, 400, 0, NULL},
	{OU, SUPER, NO, 200, 0, NULL},
	{OU "/edit", SUPER, SUPER, 200, 422, "x=1"},
	{OU "/status", NO, SUPER, 0, 422, "x=1"},
	{OU "/delete", SUPER, SUPER, 400, 422, "x=1"},
	{OU "/deleted", SUPER, SUPER, 200, 422, "x=1"},
	{OU "/test-mail", NO, SUPER, 0, 422, "x=1"},
	/* GET: the confirmation of an MFA reset */
	{OU "/security", SUPER, SUPER, 400, 400, "x=1"},
	/* GET and POST without the user's id: no page to show */
	{OU "/sessions", SUPER, SUPER, 400, 400, "x=1"},
	/* Two-step verification and one's own account: every signed-in
	 * user's own, whatever their settings level. */
	{"/settings/mfa", NONE, NONE, 303, 303, "x=1"},
	{"/settings/mfa/enrol", NONE, NONE, 200, 422, "x=1"},
	{"/settings/account", NONE, NONE, 200, 422, "x=1"},
	{"/settings/account/time-zone", NO, NONE, 0, 303, "x=1"},
	{"/settings/account/sessions", NO, NONE, 0, 422, "x=1"},
	/* Every signed-in user may sign out (tested last, separately) and
	 * anyone may see the sign-in page and ask for a password reset. */
	{"/settings/logout", NO, NONE, 0, 303, NULL},
	{"/settings/login", -1, -1, 0, 0, NULL},
	{"/settings/forgot", -1, -1, 0, 0, NULL},
	{"/settings/reset", -1, -1, 0, 0, NULL},
};
#define NROUTES (sizeof routes / sizeof routes[0])

static char stamp[32];
static struct fx fx; /* the running test's tenant */

/* Makes the running test's tenant (fx) with the parts in what: one check. */
static int begin(const char *test, unsigned what)
{
	int made = fx_make(&fx, "office", "Office Field Services", what) == 0;
	return ok(made, "%s: a tenant of its own (%s)", test, fx.slug);
}

/* The number of pages the settings responder serves (&page_... lines in
 * its page table), to catch a route the table above forgets. */
static int served_routes(void)
{
	char path[1100], line[256];
	int n = 0, in = 0;
	/* The responder's one list of pages: a line each. */
	snprintf(path, sizeof path, "%s/fcgi/settings/pages.def", env_or("GH_SRCDIR", "."));
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	(void)in;
	while (fgets(line, sizeof line, f))
		n += strncmp(line, "PAGE(", 5) == 0;
	fclose(f);
	return n;
}

static long req(struct hc *h, const char *method, const char *path, const char *body)
{
	struct hc_resp r;
	long st;
	if (hc_req(h, method, path, body ? "application/x-www-form-urlencoded" : NULL, body,
		   "Accept: application/xml", &r) != 0)
		return -1;
	st = r.status;
	hc_resp_free(&r);
	return st;
}

/* POST path with the session's CSRF token and body. */
static long post_csrf(struct hc *h, const char *body_rest, const char *path)
{
	char csrf[65], body[2048];
	if (hc_csrf(h, "/settings/", csrf) != 0)
		return -1;
	snprintf(body, sizeof body, "csrf=%s%s%s", csrf, body_rest ? "&" : "",
		 body_rest ? body_rest : "");
	return req(h, "POST", path, body);
}

/* The id of the tenant's calendar called name (caller frees). */
static char *calendar(const char *slug, const char *name)
{
	return sql1("SELECT c.id FROM calendars c JOIN tenants t ON t.id = c.tenant_id WHERE "
		    "t.slug = '%s' AND c.name = '%s'",
		    slug, name);
}

/* An office user added by admin (of tenant slug) through the edit page,
 * with the tenant's Service Calendar; returns the POST status. */
static long add_user_in(struct hc *admin, const char *slug, const char *email, const char *role,
			const char *perms)
{
	char fields[2048], *cal = calendar(slug, "Service Calendar");
	snprintf(fields, sizeof fields,
		 "email=%s&password=Office-pass-%s&role=%s&first=T&last=User&street=1+Main&"
		 "city=Springfield&state=IL&zip=62701&country=United+States&screen=settings&"
		 "calendar=%s%s%s",
		 email, stamp, role, cal ? cal : "0", perms ? "&" : "", perms ? perms : "");
	free(cal);
	return post_form(admin, OU "/edit", OU "/edit", fields, NULL, NULL, 0);
}

static long add_user(struct hc *admin, const char *email, const char *role, const char *perms)
{
	return add_user_in(admin, fx.slug, email, role, perms);
}

static long get_status_xml(struct hc *h, const char *path)
{
	return req(h, "GET", path, NULL);
}

/* An audit entry of action for target exists. */
static int count_is_str(const char *action, const char *target)
{
	char *v = sql1("SELECT COUNT(*) > 0 FROM audit_log WHERE action = '%s' AND target = '%s'",
		       action, target);
	int yes = v && strcmp(v, "1") == 0;
	free(v);
	return yes;
}

static char *user_id(const char *email)
{
	return sql1("SELECT id FROM office_users WHERE email = '%s'", email);
}

static void test_authz(void)
{
	static const struct who {
		const char *email; /* NULL: created below */
		int level;
		const char *role, *perms;
	} whos[] = {
		{fx.admin, SUPER, NULL, NULL},
		{fx.editor, EDIT, NULL, NULL},
		{fx.viewer, VIEW, NULL, NULL},
		{fx.custom, NONE, NULL, NULL},
		/* customised matrices */
		{NULL, EDIT, "customize", "perm_settings=2&perm_scheduling=1"},
		{NULL, VIEW, "customize", "perm_settings=1&perm_customer=2&perm_map=1"},
		{NULL, SUPER, "customize", "perm_settings=3"},
		{NULL, NONE, "customize", "perm_scheduling=2&perm_reports=2"},
	};
	struct hc *admin = client(), *anon = client();
	char email[128];
	int n = served_routes();

	begin("authz", FX_STAFF | FX_CALENDARS);
	ok(n == (int)NROUTES, "the table names every route the settings responder serves (%d, %zu)",
	   n, NROUTES);
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in");
	for (size_t w = 0; w < sizeof whos / sizeof whos[0]; w++) {
		const struct who *u = &whos[w];
		struct hc *h = client();
		int bad = 0;
		char pw[64];
		if (u->email == NULL) {
			snprintf(email, sizeof email, "authz%zu-%s@office.test", w, stamp);
			ok(add_user(admin, email, u->role, u->perms) == 303, "admin adds %s (%s)",
			   email, u->perms);
			snprintf(pw, sizeof pw, "Office-pass-%s", stamp);
		} else {
			snprintf(email, sizeof email, "%s", u->email);
			snprintf(pw, sizeof pw, "%s", PW);
		}
		if (!ok(hc_login(h, email, pw) == 303, "%s signs in", email)) {
			hc_free(h);
			continue;
		}
		for (size_t i = 0; i < NROUTES; i++) {
			const struct route *r = &routes[i];
			if (r->get == -1 || strcmp(r->path, "/settings/logout") == 0)
				continue;
			long g = req(h, "GET", r->path, NULL), p = post_csrf(h, r->body, r->path);
			long wg = r->get == NO ? 405 : u->level >= r->get ? r->get_ok : 403;
			long wp = r->post == NO ? 405 : u->level >= r->post ? r->post_ok : 403;
			if (g != wg || p != wp) {
				bad++;
				diag("%s: %s GET %ld (want %ld), POST %ld (want %ld)", email,
				     r->path, g, wg, p, wp);
			}
		}
		ok(bad == 0, "%s (settings level %d): every route answers as the table says", email,
		   u->level);
		ok(post_csrf(h, NULL, "/settings/logout") == 303, "%s may sign out", email);
		hc_free(h);
	}
	/* Without a session: every page sends GET to the sign-in page, POST 401. */
	int bad = 0;
	for (size_t i = 0; i < NROUTES; i++) {
		const struct route *r = &routes[i];
		if (r->get == -1)
			continue;
		struct hc_resp resp;
		long g = r->get == NO ? 405 : (hc_get(anon, r->path, &resp), resp.status);
		if (r->get != NO)
			hc_resp_free(&resp);
		long p = req(anon, "POST", r->path, "x=1");
		if (g != (r->get == NO ? 405 : 303) || p != (r->post == NO ? 405 : 401)) {
			bad++;
			diag("anonymous: %s GET %ld, POST %ld", r->path, g, p);
		}
	}
	ok(bad == 0, "without a session: GET 303 to sign-in, POST 401, on every route");
	hc_free(admin);
	hc_free(anon);
}

static void test_users(void)
{
	struct hc *admin = client(), *u = client(), *lim = client();
	char email[128], path[256], fields[1024], loc[512], pw[64];
	char *id, *v;
	xmlDocPtr d;

	struct fx other;
	char venc[300];

	begin("users", FX_STAFF | FX_CALENDARS);
	ok(fx_make(&other, "office-other", "Other Field Services", FX_NORTHWIND) == 0,
	   "users: another tenant, with its own Service Calendar");
	urlenc(fx.viewer, venc, sizeof venc);
	snprintf(pw, sizeof pw, "Office-pass-%s", stamp);
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in");
	d = get_xml(admin, OU, 200, "the office users list");
	ok(d && xp_is(d, "count(//rows/user)", "5"),
	   "lists the tenant's five users (admin, editor, viewer, custom, inactive)");
	xmlFreeDoc(d);
	static const char *const sorts[] = {"email", "first", "last", "role", "status"};
	int sorted = 1;
	for (size_t i = 0; i < 5; i++)
		for (int desc = 0; desc < 2; desc++) {
			snprintf(path, sizeof path, OU "?sort=%s&dir=%s", sorts[i],
				 desc ? "desc" : "asc");
			struct hc_resp r;
			hc_get_xml(admin, path, &r);
			sorted &= r.status == 200;
			hc_resp_free(&r);
		}
	ok(sorted, "sorts by each column, both ways");
	d = get_xml(admin, OU "?sort=last&dir=desc&per=25", 200, "sorted by last name, descending");
	v = xp(d, "string(//rows/user[1]/last)");
	char *v2 = xp(d, "string(//rows/user[5]/last)");
	ok(strcmp(v, "Viewer") == 0 && strcmp(v2, "Admin") == 0,
	   "in that order ('%s' first, '%s' last: Viewer .. Admin)", v, v2);
	free(v);
	free(v2);
	xmlFreeDoc(d);
	d = get_xml(admin, OU "?q=Vera+View", 200, "filtered by a full name");
	ok(xp_is(d, "count(//rows/user)", "1") && xp_is(d, "string(//rows/user/email)", fx.viewer),
	   "finds Vera Viewer");
	xmlFreeDoc(d);
	ok(get_status_xml(admin, OU "?sort=phone") == 400, "an unknown sort key: 400");

	/* Add: uniqueness, required fields, tombstones. */
	snprintf(email, sizeof email, "office-%s%%40office.test", stamp);
	char plain[128];
	snprintf(plain, sizeof plain, "office-%s@office.test", stamp);
	ok(post_form(admin, OU "/edit", OU "/edit",
		     "email=x%40office.test&role=view_only&street=a&city=b&state=c&zip=d&country=e",
		     &d, NULL, 0) == 422 &&
		   d &&
		   xp_is(d, "string(//form/field[@name='password']/@error)",
			 "A new office user needs a password."),
	   "adding without a password: 422");
	xmlFreeDoc(d);
	ok(add_user(admin, venc, "view_only", NULL) == 422, "a login already in use: 422");
	snprintf(fields, sizeof fields,
		 "email=%s&password=%s&role=view_only&first=T&last=U&street=&city=b&state=c&zip=d&"
		 "country=e",
		 email, pw);
	ok(post_form(admin, OU "/edit", OU "/edit", fields, NULL, NULL, 0) == 422,
	   "the address is required: 422");
	ok(add_user(admin, email, "edit_view", NULL) == 303, "admin adds an Edit & View user");
	id = user_id(plain);
	ok(id && *id, "the user exists (id %s)", id ? id : "");
	ok(hc_login(u, plain, pw) == 303, "the new user signs in (new users are Active)");
	ok(post_csrf(u, "enabled=1&frame_origins=http%3A%2F%2Flocalhost%3A18081",
		     "/settings/client/portal-access-settings") == 303,
	   "with Settings Edit they may save module settings");

	/* The default login screen: Customer lands on the customers list. */
	{
		char le[128], lp[128], *c0 = calendar(fx.slug, "Service Calendar");
		struct hc *l = client();
		struct hc_resp lr;
		char lb[600], csrf[65], body[700];
		snprintf(le, sizeof le, "landing-%s%%40office.test", stamp);
		snprintf(lp, sizeof lp, "landing-%s@office.test", stamp);
		snprintf(fields, sizeof fields,
			 "email=%s&password=%s&role=view_only&street=1&city=b&state=c&zip=d&"
			 "country=e&screen=customer&calendar=%s",
			 le, pw, c0);
		ok(post_form(admin, OU "/edit", OU "/edit", fields, NULL, NULL, 0) == 303,
		   "a user whose default screen is Customer");
		hc_csrf(l, "/settings/login", csrf);
		snprintf(body, sizeof body, "csrf=%s&email=%s&password=%s", csrf, le, pw);
		hc_post(l, "/settings/login", body, &lr);
		ok(lr.status == 303 && strcmp(hc_header(&lr, "Location", lb, sizeof lb) ?: "",
					      "/settings/customers") == 0,
		   "lands on the customers list after sign-in (%s)", lb);
		hc_resp_free(&lr);
		free(c0);
		hc_free(l);
	}

	/* A change of permissions takes effect on the next request. */
	char *dcal = calendar(fx.slug, "Delivery Schedule"),
	     *acal0 = calendar(other.slug, "Service Calendar");
	snprintf(path, sizeof path, OU "/edit?id=%s", id);
	snprintf(fields, sizeof fields,
		 "id=%s&email=%s&role=view_only&first=T&last=U&street=1&city=b&state=c&zip=d&"
		 "country=e&screen=settings",
		 id, email);
	ok(post_form(admin, path, OU "/edit", fields, &d, NULL, 0) == 303,
	   "View Only (Scheduling View) without a calendar: saved (viewing needs none)");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields,
		 "id=%s&email=%s&role=edit_view&first=T&last=U&street=1&city=b&state=c&zip=d&"
		 "country=e&screen=settings",
		 id, email);
	ok(post_form(admin, path, OU "/edit", fields, &d, NULL, 0) == 422 && d &&
		   xp_is(d, "string(//form/field[@name='calendar']/@error)",
			 "Scheduling at Edit needs at least one calendar to schedule on."),
	   "Edit & View (Scheduling Edit) without a calendar: 422");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields,
		 "id=%s&email=%s&role=view_only&first=T&last=U&street=1&city=b&state=c&zip=d&"
		 "country=e&calendar=%s",
		 id, email, acal0);
	ok(post_form(admin, path, OU "/edit", fields, NULL, NULL, 0) == 422,
	   "another tenant's calendar: 422");
	snprintf(fields, sizeof fields,
		 "id=%s&email=%s&role=view_only&first=T&last=U&street=1&city=b&state=c&zip=d&"
		 "country=e&screen=settings&calendar=%s&vehicles=chosen&notify_job_added=1&notify_"
		 "mobile_user=1",
		 id, email, dcal);
	ok(post_form(admin, path, OU "/edit", fields, NULL, loc, sizeof loc) == 303,
	   "admin makes them View Only");
	ok(post_csrf(u, "enabled=1", "/settings/client/portal-access-settings") == 403,
	   "their very next POST is 403");
	ok(count_is_str("office_user.update", plain), "the change is audited");
	d = get_xml(admin, path, 200, "the user's page again");
	ok(d && xp_is(d, "string(//calendars/item[@selected='1'])", "Delivery Schedule") &&
		   xp_is(d, "string(//vehicles/@all)", "0") &&
		   xp_is(d, "count(//vehicles/item[@selected])", "0") &&
		   xp_is(d, "count(//notifications/notify[@on])", "2"),
	   "keeps the calendar, no vehicles on the map, two notifications");
	xmlFreeDoc(d);
	free(dcal);
	free(acal0);

	/* The calendars and vehicles lists. */
	char vname[64];
	snprintf(vname, sizeof vname, "name=Truck+%s", stamp);
	ok(post_form(admin, "/settings/vehicles", "/settings/vehicles", vname, NULL, loc,
		     sizeof loc) == 303 &&
		   strstr(loc, "done=added"),
	   "admin adds a vehicle");
	ok(post_form(admin, "/settings/vehicles", "/settings/vehicles", vname, NULL, NULL, 0) ==
		   422,
	   "a second one of that name: 422");
	d = get_xml(admin, "/settings/vehicles", 200, "the vehicles");
	snprintf(fields, sizeof fields, "count(//item[. = 'Truck %s'])", stamp);
	v = xp(d, "string(//item[starts-with(., 'Truck 1')]/@id)");
	ok(xp_is(d, fields, "1") && *v, "lists it");
	xmlFreeDoc(d);
	char *vid = sql1("SELECT id FROM vehicles WHERE name = 'Truck %s'", stamp);
	snprintf(fields, sizeof fields, "delete=%s&confirm=1", vid);
	ok(post_form(admin, "/settings/vehicles", "/settings/vehicles", fields, NULL, loc,
		     sizeof loc) == 303 &&
		   strstr(loc, "done=removed&n=1"),
	   "and removes it once confirmed");
	free(vid);
	free(v);
	{
		struct hc *viewer = client();
		hc_login(viewer, fx.viewer, PW);
		ok(get_status_xml(viewer, "/settings/calendars") == 200 &&
			   post_form(viewer, "/settings/calendars", "/settings/calendars", "name=X",
				     NULL, NULL, 0) == 403,
		   "a view-only user sees the calendars, cannot change them");
		hc_free(viewer);
	}

	/* Enable All re-renders Customize with every module at its top level. */
	snprintf(path, sizeof path, OU "/edit?id=%s", id);
	snprintf(fields, sizeof fields,
		 "id=%s&email=%s&role=view_only&street=1&city=b&state=c&zip=d&country=e&enable_all="
		 "1",
		 id, email);
	ok(post_form(admin, path, OU "/edit", fields, &d, NULL, 0) == 200 && d && hc_valid(d) &&
		   xp_is(d, "string(//user/@role)", "customize") &&
		   xp_is(d, "string(//module[@key='settings']/@level)", "3") &&
		   xp_is(d, "string(//module[@key='map']/@level)", "1") &&
		   xp_is(d, "string(//module[@key='reports']/@level)", "2") &&
		   xp_is(d, "string(//module[@key='scheduling']/@level)", "2"),
	   "Enable All: Map View, Settings Super Admin, everything else Edit (nothing saved)");
	xmlFreeDoc(d);

	/* No escalation: a Super Admin without Scheduling cannot grant it. */
	char lemail[128], lplain[128];
	snprintf(lemail, sizeof lemail, "limited-%s%%40office.test", stamp);
	snprintf(lplain, sizeof lplain, "limited-%s@office.test", stamp);
	ok(add_user(admin, lemail, "customize", "perm_settings=3") == 303,
	   "admin adds a Super Admin with no other module");
	ok(hc_login(lim, lplain, pw) == 303, "who signs in");
	char e2[128];
	snprintf(e2, sizeof e2, "esc-%s%%40office.test", stamp);
	ok(add_user(lim, e2, "admin", NULL) == 422,
	   "they cannot create an Admin (more than they have): 422");
	ok(add_user(lim, e2, "customize", "perm_settings=2&perm_scheduling=1") == 422,
	   "nor grant Scheduling View under Customize: 422");
	ok(add_user(lim, e2, "customize", "perm_settings=2") == 303,
	   "but can grant what they have");
	char *lid = user_id(lplain);
	snprintf(path, sizeof path, OU "/edit?id=%s", lid);
	snprintf(fields, sizeof fields,
		 "id=%s&email=%s&role=admin&street=1&city=b&state=c&zip=d&country=e", lid, lemail);
	ok(post_form(lim, path, OU "/edit", fields, &d, NULL, 0) == 422,
	   "nobody changes their own role: 422");
	xmlFreeDoc(d);

	/* Deactivate: sessions end at once, sign-in refused; reactivate. */
	struct hc *e = client();
	char *eid = sql1("SELECT id FROM office_users WHERE email = 'esc-%s@office.test'", stamp);
	char eplain[128];
	snprintf(eplain, sizeof eplain, "esc-%s@office.test", stamp);
	ok(hc_login(e, eplain, pw) == 303 && get_status_xml(e, "/settings/") == 200,
	   "the third user signs in");
	snprintf(fields, sizeof fields, "id=%s&active=0", eid);
	ok(post_form(admin, OU, OU "/status", fields, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "deactivated"),
	   "admin deactivates them");
	ok(get_status_xml(e, "/settings/") == 401, "their session ended at once");
	ok(hc_login(e, eplain, pw) == 401, "and they cannot sign in");
	snprintf(fields, sizeof fields, "id=%s&active=1", eid);
	ok(post_form(admin, OU, OU "/status", fields, NULL, NULL, 0) == 303 &&
		   hc_login(e, eplain, pw) == 303,
	   "reactivated, they sign in again");
	char *aid = user_id(fx.admin);
	snprintf(fields, sizeof fields, "id=%s&active=0", aid);
	ok(post_form(admin, OU, OU "/status", fields, NULL, NULL, 0) == 409,
	   "nobody deactivates themselves: 409");

	/* Delete: the login becomes a tombstone. */
	snprintf(path, sizeof path, OU "/delete?id=%s&id=%s", eid, id);
	d = get_xml(admin, path, 200, "the delete confirmation");
	ok(xp_is(d, "string(/page/office-user-delete/@count)", "2"), "names both users");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&id=%s", eid, id);
	ok(post_form(admin, path, OU "/delete", fields, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "done=deleted&n=2"),
	   "admin deletes them (%s)", loc);
	d = get_xml(admin, loc, 200, "the list after the delete");
	ok(xp_is(d, "string(//notice[@kind='success'])",
		 "2 office users deleted. Restore them under Deleted office users while the "
		 "restore period lasts; after it their logins can never be used again."),
	   "the notice counts them: 2 office users deleted");
	xmlFreeDoc(d);
	ok(get_status_xml(e, "/settings/") == 401, "the deleted user's session ended");
	ok(add_user(admin, e2, "view_only", NULL) == 422,
	   "their login can never be added again: 422");
	snprintf(fields, sizeof fields, "id=%s", aid);
	ok(post_form(admin, OU, OU "/delete", fields, NULL, NULL, 0) == 409,
	   "nobody deletes themselves: 409");

	/* Two Super Admins demoting each other at once: one stays. */
	char s1[128], s2[128], s1p[128], s2p[128];
	snprintf(s1, sizeof s1, "sa1-%s%%40other.test", stamp);
	snprintf(s2, sizeof s2, "sa2-%s%%40other.test", stamp);
	snprintf(s1p, sizeof s1p, "sa1-%s@other.test", stamp);
	snprintf(s2p, sizeof s2p, "sa2-%s@other.test", stamp);
	struct hc *acme = client();
	ok(hc_login(acme, other.admin, PW) == 303 &&
		   add_user_in(acme, other.slug, s1, "admin", NULL) == 303 &&
		   add_user_in(acme, other.slug, s2, "admin", NULL) == 303,
	   "the other tenant's admin adds two more Super Admins");
	char *i1 = user_id(s1p), *i2 = user_id(s2p), *ia = user_id(other.admin);
	free(sql1("UPDATE office_users SET active = 0 WHERE id = %s", ia));
	struct hc *a1 = client(), *a2 = client();
	ok(hc_login(a1, s1p, pw) == 303 && hc_login(a2, s2p, pw) == 303,
	   "both sign in (the first admin is inactive)");
	char f1[512], f2[512], *acal = calendar(other.slug, "Service Calendar");
	snprintf(
		f1, sizeof f1,
		"id=%s&email=%s&role=view_only&street=1&city=b&state=c&zip=d&country=e&calendar=%s",
		i2, s2, acal);
	snprintf(
		f2, sizeof f2,
		"id=%s&email=%s&role=view_only&street=1&city=b&state=c&zip=d&country=e&calendar=%s",
		i1, s1, acal);
	free(acal);
	pid_t pid = fork();
	if (pid == 0) {
		long st = post_form(a2, OU "/edit", OU "/edit", f2, NULL, NULL, 0);
		_exit(st == 303 ? 0 : st == 422 ? 1 : 2);
	}
	long st1 = post_form(a1, OU "/edit", OU "/edit", f1, NULL, NULL, 0);
	int ws = 0;
	waitpid(pid, &ws, 0);
	v = sql1(
		"SELECT COUNT(*) FROM office_users u JOIN office_user_perms p ON p.user_id = u.id "
		"AND p.module = 'settings' AND p.level = 3 WHERE u.tenant_id = %s AND u.active = 1",
		other.tq);
	ok(v && strcmp(v, "1") == 0 && ((st1 == 303) + (WEXITSTATUS(ws) == 0)) == 1,
	   "they demote each other at the same moment: one wins, one active Super Admin is left "
	   "(%s; %ld, %d)",
	   v ? v : "", st1, WEXITSTATUS(ws));
	free(v);
	free(i1);
	free(i2);
	free(ia);
	free(eid);
	free(lid);
	free(aid);
	free(id);
	hc_free(acme);
	hc_free(a1);
	hc_free(a2);
	hc_free(e);
	hc_free(admin);
	hc_free(u);
	hc_free(lim);
}

/* The Email tab: the user's own SMTP connection, the OAuth2 providers the
 * operator has not configured, "Send test mail" to the stack's SMTP sink
 * and to a closed port, and a login never sent without TLS. */
/* The list is read by key from the sort's index and, for a filter, the
 * words index (sql/019_list_search.sql): every change shows on the next
 * request, whoever makes it (the app or a DBA's SQL, through the
 * triggers), in every order. */
static void test_list_cache(void)
{
	struct hc *admin = client();
	struct fx other;
	char q[256], path[384], b[128], benc[160];
	char *v;
	xmlDocPtr d;

	begin("cache", FX_CALENDARS);
	ok(fx_make(&other, "office-other", "Other Field Services", 0) == 0,
	   "cache: another tenant, for a row to move to");
	ok(hc_login(admin, fx.admin, PW) == 303, "cache: admin signs in");
	snprintf(q, sizeof q, OU "?q=cache-%s-", stamp);
	d = get_xml(admin, q, 200, "cache: a filtered view with no match");
	ok(d && xp_is(d, "string(//list/@total)", "0"), "cache: 0 of 0");
	xmlFreeDoc(d);

	snprintf(b, sizeof b, "cache-%s-b@office.test", stamp);
	snprintf(benc, sizeof benc, "cache-%s-b%%40office.test", stamp);
	ok(add_user(admin, benc, "view_only", NULL) == 303, "cache: a user added through the app");
	free(sql1("UPDATE office_users SET first_name = 'Bea' WHERE email = '%s'", b));
	d = get_xml(admin, q, 200, "cache: the same view");
	ok(d && xp_is(d, "string(//list/@total)", "1") && xp_is(d, "string(//rows/user/email)", b),
	   "cache: shows the new user at once");
	xmlFreeDoc(d);

	free(sql1("INSERT INTO office_users (tenant_id, email, password_hash, role, first_name, "
		  "last_name) SELECT id, 'cache-%s-a@office.test', 'x', 'admin', 'Ann', 'Zimmer' "
		  "FROM tenants WHERE slug = '%s'",
		  stamp, fx.slug));
	d = get_xml(admin, q, 200, "cache: after a row inserted by SQL");
	v = d ? xp(d, "string(//rows/user[1]/email)") : NULL;
	ok(d && xp_is(d, "string(//list/@total)", "2") && v && strstr(v, "-a@"),
	   "cache: 2 of 2, by login: a first");
	free(v);
	xmlFreeDoc(d);

	static const struct {
		const char *view, *first, *name;
	} orders[] = {
		{"&dir=desc", "-b@", "login, descending: b first"},
		{"&sort=first", "-a@", "first name: Ann first"},
		{"&sort=first&dir=desc", "-b@", "first name, descending: Bea first"},
		{"&sort=role", "-b@", "role: View Only before Admin"},
		{"&sort=role&dir=desc", "-a@", "role, descending: Admin first"},
	};
	for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++) {
		snprintf(path, sizeof path, "%s%s", q, orders[i].view);
		d = get_xml(admin, path, 200, orders[i].name);
		v = d ? xp(d, "string(//rows/user[1]/email)") : NULL;
		ok(v && strstr(v, orders[i].first), "cache: %s (%s)", orders[i].name, v ? v : "");
		free(v);
		xmlFreeDoc(d);
	}

	/* A change of a sorted column moves the row. */
	free(sql1(
		"UPDATE office_users SET first_name = 'Zed' WHERE email = 'cache-%s-a@office.test'",
		stamp));
	snprintf(path, sizeof path, "%s&sort=first", q);
	d = get_xml(admin, path, 200, "cache: first names after a rename");
	v = d ? xp(d, "string(//rows/user[1]/email)") : NULL;
	ok(v && strstr(v, "-b@"), "cache: renamed Zed, Bea comes first (%s)", v ? v : "");
	free(v);
	xmlFreeDoc(d);
	free(sql1("UPDATE office_users SET active = 0 WHERE email = '%s'", b));
	snprintf(path, sizeof path, "%s&sort=status", q);
	d = get_xml(admin, path, 200, "cache: by status after a deactivation");
	v = d ? xp(d, "string(//rows/user[1]/email)") : NULL;
	ok(v && strstr(v, "-a@") && xp_is(d, "string(//rows/user[2]/@status)", "inactive"),
	   "cache: the active one first, then the deactivated (%s)", v ? v : "");
	free(v);
	xmlFreeDoc(d);

	snprintf(path, sizeof path, "%s&end=1", q);
	d = get_xml(admin, path, 200, "cache: the last page");
	ok(d && xp_is(d, "string(//list/@first)", "1") && xp_is(d, "count(//rows/user)", "2"),
	   "cache: the last page is the only one: 1 - 2");
	xmlFreeDoc(d);

	/* A change the column's collation calls no change ('Strasse' and
	 * 'Straße' are equal under utf8mb4_unicode_ci) can still move a row
	 * in or out of a filter: it bumps the version too. */
	free(sql1("UPDATE office_users SET last_name = 'Strasse' WHERE email = '%s'", b));
	d = get_xml(admin, OU "?q=Stra%C3%9Fe", 200, "cache: filtered by 'Straße'");
	ok(d && xp_is(d, "string(//list/@total)", "0"), "cache: 'Strasse' does not match it");
	xmlFreeDoc(d);
	free(sql1("UPDATE office_users SET last_name = 'Straße' WHERE email = '%s'", b));
	d = get_xml(admin, OU "?q=Stra%C3%9Fe", 200, "cache: the same view after the rename");
	ok(d && xp_is(d, "string(//list/@total)", "1"), "cache: 'Straße' matches at once");
	xmlFreeDoc(d);

	/* A row moved to another tenant (a DBA's doing) moves its count. */
	free(sql1("UPDATE office_users SET tenant_id = %s WHERE email = 'cache-%s-a@office.test'",
		  other.tq, stamp));
	v = sql1("SELECT SUM((SELECT n FROM office_user_counts c WHERE c.tenant_id = t.id) = "
		 "(SELECT COUNT(*) FROM office_users u WHERE u.tenant_id = t.id)) FROM tenants t "
		 "WHERE t.slug IN ('%s', '%s')",
		 fx.slug, other.slug);
	ok(v && strcmp(v, "2") == 0, "cache: after a move between tenants both counts are right");
	free(v);
	d = get_xml(admin, q, 200, "cache: this tenant's view after the move");
	ok(d && xp_is(d, "string(//list/@total)", "1"), "cache: the moved row left the view");
	xmlFreeDoc(d);

	/* The order held has one row; 25 more arrive: page 3 is page 3, not
	 * the held order's last page. */
	free(sql1(
		"INSERT INTO office_users (tenant_id, email, password_hash, role, first_name, "
		"last_name) SELECT t.id, CONCAT('cache-%s-m', LPAD(seq, 2, '0'), '@office.test'), "
		"'x', 'view_only', 'M', 'M' FROM tenants t JOIN seq_1_to_25 WHERE t.slug = '%s'",
		stamp, fx.slug));
	d = get_xml(admin, q, 200, "cache: page 1 after 25 rows arrived");
	{
		xmlDocPtr p2 = follow(admin, d, OU, "query-next", "cache: Next");
		xmlDocPtr p3 = follow(admin, p2, OU, "query-next", "cache: Next again");
		ok(p3 && xp_is(p3, "string(//list/@first)", "21") &&
			   xp_is(p3, "string(//list/@total)", "26") &&
			   xp_is(p3, "count(//rows/user)", "6"),
		   "cache: page 3 of 26 (6 rows)");
		xmlFreeDoc(p2);
		xmlFreeDoc(p3);
	}
	xmlFreeDoc(d);

	free(sql1("DELETE FROM office_users WHERE email LIKE 'cache-%s-%%'", stamp));
	d = get_xml(admin, q, 200, "cache: after the rows are deleted");
	ok(d && xp_is(d, "string(//list/@total)", "0"), "cache: gone at once");
	xmlFreeDoc(d);
	v = sql1("SELECT (SELECT n FROM office_user_counts c WHERE c.tenant_id = t.id) = "
		 "(SELECT COUNT(*) FROM office_users u WHERE u.tenant_id = t.id) FROM tenants t "
		 "WHERE t.slug = '%s'",
		 fx.slug);
	ok(v && strcmp(v, "1") == 0, "cache: the kept count equals a COUNT(*)");
	free(v);
	hc_free(admin);
}

static void test_mail(void)
{
	struct hc *admin = client();
	char email[128], plain[128], path[256], fields[1500], loc[512], *id, *v;
	int sink = atoi(env_or("GH_TEST_PORT", "18080")) + 1000;
	xmlDocPtr d;

	begin("mail", FX_CALENDARS);
	ok(hc_login(admin, fx.admin, PW) == 303, "admin signs in");
	snprintf(email, sizeof email, "mailer-%s%%40office.test", stamp);
	snprintf(plain, sizeof plain, "mailer-%s@office.test", stamp);
	ok(add_user(admin, email, "view_only", NULL) == 303, "a user to give a mail connection");
	id = user_id(plain);
	char *cal = calendar(fx.slug, "Service Calendar");
	snprintf(path, sizeof path, OU "/edit?id=%s", id);
#define BASEF "id=%s&email=%s&role=view_only&street=1&city=b&state=c&zip=d&country=e&calendar=%s"
	d = get_xml(admin, path, 200, "the user's page");
	ok(xp_is(d, "string(//mail/@provider)", "default") &&
		   xp_is(d, "string(//mail/@google)", "0") &&
		   xp_is(d, "string(//mail/@office365)", "0"),
	   "the company's mail by default; Google and Office 365 not configured");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, BASEF "&mail=google", id, email, cal);
	long gst = post_form(admin, path, OU "/edit", fields, &d, NULL, 0);
	v = d ? xp(d, "string(//form/field[@name='mail']/@error)") : strdup("");
	ok(gst == 422 && strstr(v, "google_client_id"),
	   "choosing Google says what the operator must configure: 422");
	free(v);
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields,
		 BASEF "&mail=smtp&smtp_host=127.0.0.1&smtp_port=%d&smtp_security=none&smtp_user="
		       "bob&smtp_password=pw-secret-1",
		 id, email, cal, sink);
	ok(post_form(admin, path, OU "/edit", fields, NULL, NULL, 0) == 422,
	   "a login without STARTTLS or TLS: 422 (a password is never sent in clear)");
	snprintf(fields, sizeof fields,
		 BASEF "&mail=smtp&smtp_host=127.0.0.1&smtp_port=%d&smtp_security=none", id, email,
		 cal, sink);
	ok(post_form(admin, path, OU "/edit", fields, NULL, NULL, 0) == 303,
	   "an SMTP connection to the stack's sink is saved");
	snprintf(fields, sizeof fields, "id=%s", id);
	ok(post_form(admin, path, OU "/test-mail", fields, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "done=tested"),
	   "Send test mail: 303 back to the user's page (%s)", loc);
	d = get_xml(admin, loc, 200, "the user's page after the test");
	v = xp(d, "string(//mail/last-test)");
	ok(xp_is(d, "string(//mail/last-test/@ok)", "1") && strstr(v, "The server answered: 250"),
	   "the test went, with the server's answer (%s)", v);
	free(v);
	v = xp(d, "string(/page/notice[@kind='success'])");
	ok(strncmp(v, "Test mail: Sent to ", 19) == 0 && strstr(v, "250"),
	   "the outcome is a notice at the top of the page (%s)", v);
	free(v);
	xmlFreeDoc(d);
	char cmd[1200];
	snprintf(cmd, sizeof cmd,
		 "grep -l 'test of your outgoing mail' '%s/mail/new/'* 2>/dev/null | xargs -r grep "
		 "-l -i 'To: .*%s' | grep -q .",
		 state, plain);
	ok(shell("%s", cmd) == 0, "the test message is in the SMTP sink");
	/* A closed port. */
	snprintf(fields, sizeof fields,
		 BASEF "&mail=smtp&smtp_host=127.0.0.1&smtp_port=1&smtp_security=none", id, email,
		 cal);
	ok(post_form(admin, path, OU "/edit", fields, NULL, NULL, 0) == 303,
	   "a connection to a closed port is saved");
	snprintf(fields, sizeof fields, "id=%s", id);
	ok(post_form(admin, path, OU "/test-mail", fields, NULL, loc, sizeof loc) == 303,
	   "Send test mail: 303");
	d = get_xml(admin, loc, 200, "the user's page after the failed test");
	v = xp(d, "string(//mail/last-test)");
	ok(xp_is(d, "string(//mail/last-test/@ok)", "0") && strncmp(v, "Not sent: ", 10) == 0,
	   "the page says it was not sent, and why (%s)", v);
	free(v);
	v = xp(d, "string(/page/notice[@kind='error'])");
	ok(strncmp(v, "Test mail: Not sent: ", 21) == 0, "as an error notice at the top (%s)", v);
	free(v);
	xmlFreeDoc(d);
	/* A login: STARTTLS is required, and the sink offers none. */
	snprintf(fields, sizeof fields,
		 BASEF "&mail=smtp&smtp_host=127.0.0.1&smtp_port=%d&smtp_security=starttls&smtp_"
		       "user=bob&smtp_password=pw-secret-1",
		 id, email, cal, sink);
	ok(post_form(admin, path, OU "/edit", fields, NULL, NULL, 0) == 303,
	   "a connection with a login is saved");
	v = sql1("SELECT CONCAT(LENGTH(smtp_password), '|', LOCATE('pw-secret-1', smtp_password)) "
		 "FROM office_users WHERE id = %s",
		 id);
	ok(v && strcmp(v, "51|0") == 0, "its password is stored sealed, not in clear (%s)",
	   v ? v : "");
	free(v);
	d = get_xml(admin, path, 200, "the page");
	ok(xp_is(d, "string(//mail/@has-password)", "1") && xp_is(d, "count(//form)", "0"),
	   "says a password is stored, never shows it");
	xmlFreeDoc(d);
	ok(post_form(admin, path, OU "/test-mail", fields, NULL, NULL, 0) == 303, "Send test mail");
	d = get_xml(admin, path, 200, "the page after it");
	v = xp(d, "string(//mail/last-test)");
	ok(xp_is(d, "string(//mail/last-test/@ok)", "0") && strstr(v, "Not sent"),
	   "refused: the sink offers no STARTTLS, and the login is never sent without it (%s)", v);
	free(v);
	xmlFreeDoc(d);
#undef BASEF
	free(id);
	free(cal);
	hc_free(admin);
}

/* Office users' two-step verification: enrol with oathtool, sign in with a
 * code (not the same one twice), required at the next sign-in, reset. */
static void test_office_mfa(void)
{
	struct hc *admin = client(), *u = client();
	char email[128], plain[128], pw[64], key[64], code[16], fields[256], path[256], loc[512];
	char *id, *v;
	xmlDocPtr d;

	snprintf(pw, sizeof pw, "Office-pass-%s", stamp);
	snprintf(email, sizeof email, "mfa-%s%%40office.test", stamp);
	snprintf(plain, sizeof plain, "mfa-%s@office.test", stamp);
	begin("office MFA", FX_CALENDARS);
	ok(hc_login(admin, fx.admin, PW) == 303 && add_user(admin, email, "view_only", NULL) == 303,
	   "admin adds a user");
	id = user_id(plain);
	ok(hc_login(u, plain, pw) == 303, "who signs in");
	d = get_xml(u, "/settings/mfa/enrol", 200, "their enrolment page");
	v = xp(d, "string(/page/office-mfa-enrol/@secret)");
	snprintf(key, sizeof key, "%s", v);
	free(v);
	ok(strlen(key) == 39 && xp_is(d, "string(/page/office-mfa-enrol/@state)", "setup"),
	   "shows a key and a QR code");
	xmlFreeDoc(d);
	ok(oathtool(key, NULL, code) == 0, "oathtool computes a code");
	snprintf(fields, sizeof fields, "code=%s", code);
	ok(post_form(u, "/settings/mfa/enrol", "/settings/mfa/enrol", fields, &d, NULL, 0) == 200 &&
		   d && hc_valid(d) && xp_is(d, "count(//recovery-codes/code)", "10"),
	   "the code turns MFA on: ten recovery codes, shown once");
	xmlFreeDoc(d);
	ok(post_form(u, "/settings/", "/settings/logout", "x=1", NULL, NULL, 0) == 303,
	   "signs out");
	ok(hc_login(u, plain, pw) == 303 && get_status_xml(u, "/settings/") == 401,
	   "the password alone does not open settings (401 as XML)");
	struct hc_resp r;
	hc_get(u, "/settings/client/portal-access", &r);
	char b[600];
	ok(r.status == 303 &&
		   strcmp(hc_header(&r, "Location", b, sizeof b) ?: "", "/settings/mfa") == 0,
	   "any page sends them to the code page");
	hc_resp_free(&r);
	ok(post_form(u, "/settings/mfa", "/settings/mfa", fields, NULL, NULL, 0) == 422,
	   "the enrolment's code again is refused (replay)");
	ok(oathtool(key, "now + 30 seconds", code) == 0, "oathtool's next code");
	snprintf(fields, sizeof fields, "code=%s", code);
	ok(post_form(u, "/settings/mfa", "/settings/mfa", fields, NULL, loc, sizeof loc) == 303 &&
		   get_status_xml(u, "/settings/") == 200,
	   "is accepted and signs in");
	snprintf(path, sizeof path, OU "/edit?id=%s", id);
	d = get_xml(admin, path, 200, "the user's page for the admin");
	ok(xp_is(d, "string(//user/@mfa-enabled)", "1"), "says MFA is on");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&action=reset", id);
	ok(post_form(admin, path, OU "/security", fields, &d, NULL, 0) == 200 && d && hc_valid(d) &&
		   xp_is(d, "string(/page/office-user-security/@action)", "reset") &&
		   get_status_xml(u, "/settings/") == 200,
	   "Reset MFA without confirm=1: the confirmation page (200), nothing reset");
	xmlFreeDoc(d);
	d = get_xml(admin, path, 200, "the user's page again");
	ok(xp_is(d, "string(//user/@mfa-enabled)", "1"), "MFA is still on");
	xmlFreeDoc(d);
	{
		char cpath[256];
		snprintf(cpath, sizeof cpath, OU "/security?id=%s&action=reset", id);
		d = get_xml(admin, cpath, 200, "the reset's confirmation page");
		ok(xp_is(d, "string(//office-user-security/user/email)", plain), "names the user");
		xmlFreeDoc(d);
	}
	snprintf(fields, sizeof fields, "id=%s&action=reset&confirm=1", id);
	ok(post_form(admin, path, OU "/security", fields, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "done=mfa-reset") && get_status_xml(u, "/settings/") == 401,
	   "confirmed, the admin resets MFA: the user's session ends");
	d = get_xml(admin, loc, 200, "the user's page after the reset");
	v = d ? xp(d, "string(//notice[@kind='success'])") : strdup("");
	ok(strncmp(v, "Two-step verification reset", 27) == 0, "a notice says MFA was reset (%s)",
	   v);
	free(v);
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&action=require", id);
	ok(post_form(admin, path, OU "/security", fields, NULL, NULL, 0) == 303, "and requires it");
	hc_clear_cookies(u);
	ok(hc_login(u, plain, pw) == 303, "the user signs in");
	hc_get(u, "/settings/", &r);
	ok(r.status == 303 &&
		   strcmp(hc_header(&r, "Location", b, sizeof b) ?: "", "/settings/mfa/enrol") == 0,
	   "and must enrol before anything else");
	hc_resp_free(&r);
	d = get_xml(u, "/settings/mfa/enrol", 200, "the enrolment (required)");
	v = xp(d, "string(/page/office-mfa-enrol/@secret)");
	snprintf(key, sizeof key, "%s", v);
	free(v);
	ok(xp_is(d, "string(/page/office-mfa-enrol/@required)", "1"), "says it is required");
	xmlFreeDoc(d);
	oathtool(key, NULL, code);
	snprintf(fields, sizeof fields, "code=%s", code);
	ok(post_form(u, "/settings/mfa/enrol", "/settings/mfa/enrol", fields, NULL, NULL, 0) ==
			   200 &&
		   get_status_xml(u, "/settings/") == 200,
	   "enrolling completes the sign-in");
	ok(count_is_str("office_user.mfa_reset", plain), "the reset is audited");
	free(id);
	hc_free(admin);
	hc_free(u);
}

/* ---- issue 12 ---- */

/* The opening tag (up to 4 KiB) of the element at the n-th occurrence
 * (from 0) of needle in html, into out; 0 when there is none. */
static int tag_at(const char *html, const char *needle, int n, char *out, size_t outsz)
{
	const char *a = html, *lt, *gt;
	for (int i = 0; a != NULL && i <= n; i++)
		if ((a = strstr(i == 0 ? a : a + 1, needle)) == NULL)
			return 0;
	for (lt = a; lt > html && *lt != '<'; lt--)
		;
	if ((gt = strchr(a, '>')) == NULL)
		return 0;
	snprintf(out, outsz, "%.*s", (int)(gt - lt + 1), lt);
	return 1;
}

/* The value="..." of the input named name in html ("" when none or no
 * value); caller frees. */
static char *input_value(const char *html, const char *name)
{
	char needle[80], tag[4096];
	const char *v, *e;
	snprintf(needle, sizeof needle, "name=\"%s\"", name);
	for (int i = 0; tag_at(html, needle, i, tag, sizeof tag); i++) {
		if (strncmp(tag, "<input", 6) != 0)
			continue;
		if ((v = strstr(tag, " value=\"")) == NULL)
			return strdup("");
		v += 8;
		e = strchr(v, '"');
		return strndup(v, e ? (size_t)(e - v) : strlen(v));
	}
	return strdup("");
}

/* POSTs fields (after the session's csrf) to path as a browser does (HTML);
 * returns the status, the body in *html (caller frees) and the request id. */
static long post_html(struct hc *h, const char *path, const char *fields, char **html, char rid[64])
{
	char csrf[65], body[8192];
	struct hc_resp r;
	long st;

	*html = NULL;
	rid[0] = '\0';
	if (hc_csrf(h, "/settings/", csrf) != 0)
		return -1;
	snprintf(body, sizeof body, "csrf=%s&%s", csrf, fields);
	if (hc_post(h, path, body, &r) != 0)
		return -1;
	st = r.status;
	*html = r.body ? strdup(r.body) : strdup("");
	hc_header(&r, "X-Request-Id", rid, 64);
	hc_resp_free(&r);
	return st;
}

/* Item 3: the add form's defaults (View Only, no calendar ticked, every
 * vehicle, the company's address, Settings first) save as shown. */
static void test_defaults(void)
{
	struct hc *admin = client();
	char fields[2048], plain[128], enc[7][300], *v;
	static const char *const keys[7] = {"street",  "city",   "state", "zip",
					    "country", "screen", "role"};
	xmlDocPtr d;

	begin("defaults", FX_CALENDARS);
	ok(hc_login(admin, fx.admin, PW) == 303, "defaults: admin signs in");
	d = get_xml(admin, OU "/edit", 200, "defaults: the add form");
	ok(xp_is(d, "string(//office-user-edit/user/@role)", "view_only") &&
		   xp_is(d, "count(//calendars/item[@selected])", "0") &&
		   xp_is(d, "string(//vehicles/@all)", "1"),
	   "defaults: View Only, no calendar ticked, every vehicle");
	for (size_t i = 0; i < 7; i++) {
		char e[120];
		snprintf(e, sizeof e,
			 i < 6 ? "string(//office-user-edit/user/%s)"
			       : "string(//office-user-edit/user/@%s)",
			 keys[i]);
		v = xp(d, e);
		urlenc(v, enc[i], sizeof enc[i]);
		free(v);
	}
	xmlFreeDoc(d);
	snprintf(plain, sizeof plain, "defaults-%s@office.test", stamp);
	snprintf(fields, sizeof fields,
		 "email=defaults-%s%%40office.test&password=Office-pass-%s&street=%s&city=%s&state="
		 "%s&"
		 "zip=%s&country=%s&screen=%s&role=%s&vehicles=all&mail=default&smtp_port=587&"
		 "smtp_security=starttls",
		 stamp, stamp, enc[0], enc[1], enc[2], enc[3], enc[4], enc[5], enc[6]);
	ok(post_form(admin, OU "/edit", OU "/edit", fields, &d, NULL, 0) == 303,
	   "defaults: the form saved as shown adds the user (303)");
	if (d != NULL) {
		v = xp(d, "string(//form/field[@error]/@error)");
		diag("error: %s", v);
		free(v);
	}
	xmlFreeDoc(d);
	v = sql1("SELECT CONCAT(u.role, '|', p.level, '|', (SELECT COUNT(*) FROM "
		 "office_user_calendars c WHERE c.user_id = u.id)) FROM office_users u JOIN "
		 "office_user_perms p ON p.user_id = u.id AND p.module = 'scheduling' WHERE "
		 "u.email = '%s'",
		 plain);
	ok(v && strcmp(v, "view_only|1|0") == 0,
	   "defaults: View Only, Scheduling View, no calendar (%s)", v ? v : "");
	free(v);
	hc_free(admin);
}

/* Item 4: an in-form action (Enable All, Show its permissions) brings the
 * form back with everything typed, the passwords too, into the inputs'
 * values only: not into a notice, the log or the render cache. */
static void test_carry(void)
{
	struct hc *admin = client();
	char pw[64], spw[64], fields[2048], rid[64], logp[1100], tag[4096], *html, *v;
	xmlDocPtr d;
	long st;

	snprintf(pw, sizeof pw, "Typed-secret-%s", stamp);
	snprintf(spw, sizeof spw, "Smtp-typed-%s", stamp);
	snprintf(logp, sizeof logp, "%s/log/settings.log", state);
	begin("carry", FX_CALENDARS);
	ok(hc_login(admin, fx.admin, PW) == 303, "carry: admin signs in");
	/* The login is still empty (required): an action shows no error. */
	snprintf(fields, sizeof fields,
		 "email=&password=%s&role=view_only&first=Typed&street=1&city=b&state=c&zip=d&"
		 "country=e&mail=smtp&smtp_host=mail.example.com&smtp_port=587&"
		 "smtp_security=starttls&smtp_user=bob&smtp_password=%s&enable_all=1",
		 pw, spw);
	st = post_form(admin, OU "/edit", OU "/edit", fields, &d, NULL, 0);
	ok(st == 200 && d && hc_valid(d) && xp_is(d, "string(/page/form/@carry)", "1") &&
		   xp_is(d, "string(//user/@role)", "customize") &&
		   xp_is(d, "string(//module[@key='settings']/@level)", "3"),
	   "carry: Enable All with the login still empty: 200, Customize, every module up (%ld)",
	   st);
	v = d ? xp(d, "string(/page/form/field[@name='password']/@value)") : strdup("");
	ok(strcmp(v, pw) == 0, "carry: the typed password comes back in the form (%s)", v);
	free(v);
	v = d ? xp(d, "string(/page/form/field[@name='smtp_password']/@value)") : strdup("");
	ok(strcmp(v, spw) == 0, "carry: so does the SMTP password");
	free(v);
	ok(d && xp_is(d, "count(/page/form/field[@error])", "0") &&
		   xp_is(d, "count(/page/notice)", "0"),
	   "carry: no field error, no notice");
	xmlFreeDoc(d);

	/* As a browser sees it: the inputs' values. */
	st = post_html(admin, OU "/edit", fields, &html, rid);
	v = input_value(html, "password");
	ok(st == 200 && strcmp(v, pw) == 0,
	   "carry: HTML: the password input holds what was typed (%ld)", st);
	free(v);
	v = input_value(html, "smtp_password");
	ok(strcmp(v, spw) == 0, "carry: HTML: so does the SMTP password input");
	free(v);
	v = input_value(html, "first");
	ok(strcmp(v, "Typed") == 0, "carry: HTML: and the other fields");
	free(v);
	ok(tag_at(html, "name=\"perm_settings\"", 0, tag, sizeof tag) &&
		   strstr(tag, "disabled") == NULL,
	   "carry: HTML: the matrix is editable (Customize)");
	ok(strstr(html, "notice") == NULL || strstr(strstr(html, "notice"), pw) == NULL,
	   "carry: HTML: the password is in no notice");
	free(html);
	usleep(200000);
	ok(strcmp(cache_of(logp, rid), "-") == 0,
	   "carry: the answer never goes through the render cache (%s)", cache_of(logp, rid));
	ok(shell("grep -q -F -e '%s' -e '%s' '%s'", pw, spw, logp) != 0,
	   "carry: neither password is in the responder's log");

	/* Without JavaScript the role's permissions come with a button. */
	snprintf(fields, sizeof fields,
		 "email=carry-%s%%40office.test&password=%s&role=customize&street=1&city=b&state=c&"
		 "zip=d&country=e&show_role=1",
		 stamp, pw);
	st = post_form(admin, OU "/edit", OU "/edit", fields, &d, NULL, 0);
	v = d ? xp(d, "string(/page/form/field[@name='password']/@value)") : strdup("");
	ok(st == 200 && xp_is(d, "string(//user/@role)", "customize") &&
		   xp_is(d, "string(//module[@key='settings']/@level)", "1") && strcmp(v, pw) == 0,
	   "carry: Show its permissions: Customize from View Only's levels, the password kept "
	   "(%ld)",
	   st);
	free(v);
	xmlFreeDoc(d);

	/* A save that fails is no form action: secrets still never come back. */
	snprintf(fields, sizeof fields,
		 "email=not-an-email&password=%s&role=view_only&street=1&city=b&state=c&zip=d&"
		 "country=e",
		 pw);
	st = post_form(admin, OU "/edit", OU "/edit", fields, &d, NULL, 0);
	ok(st == 422 && d && xp_is(d, "string(/page/form/field[@name='password']/@value)", "") &&
		   xp_is(d, "count(/page/form/@carry)", "0"),
	   "carry: a 422 does not echo the password (%ld)", st);
	xmlFreeDoc(d);
	hc_free(admin);
}

/* Item 20: one form in three sections (tabs without JavaScript: in-page
 * links); the module matrix editable only for Customize, a read-only
 * summary for a preset role, whose permissions the server derives itself. */
static void test_form(void)
{
	struct hc *admin = client();
	char path[256], tag[4096], rid[64], fields[2048], *html, *id, *v;
	int disabled = 0, enabled = 0;
	xmlDocPtr d;

	begin("form", FX_STAFF | FX_CALENDARS);
	ok(hc_login(admin, fx.admin, PW) == 303, "form: admin signs in");
	d = get_xml(admin, OU "/edit", 200, "form: the add form");
	ok(d && xp_is(d, "count(//module) * 3 = count(//module/preset)", "true") &&
		   xp_is(d, "string(//module[@key='settings']/preset[@role='admin']/@level)",
			 "3") &&
		   xp_is(d, "string(//module[@key='map']/preset[@role='view_only']/@level-name)",
			 "Map View"),
	   "form: each module says what each preset role gives it");
	xmlFreeDoc(d);

	id = user_id(fx.viewer);
	snprintf(path, sizeof path, OU "/edit?id=%s", id);
	free(id);
	html = get_html(admin, path, rid);
	if (html == NULL)
		html = strdup("");
	ok(strstr(html, "href=\"#general\"") && strstr(html, "href=\"#permissions\"") &&
		   strstr(html, "href=\"#mail-tab\""),
	   "form: a tab bar of in-page links to General, Permissions and Email");
	ok(tag_at(html, "id=\"general\"", 0, tag, sizeof tag) && !strstr(tag, "hidden") &&
		   tag_at(html, "id=\"permissions\"", 0, tag, sizeof tag) &&
		   !strstr(tag, "hidden") && tag_at(html, "id=\"mail-tab\"", 0, tag, sizeof tag) &&
		   !strstr(tag, "hidden") && tag_at(html, "id=\"ou-form\"", 0, tag, sizeof tag) &&
		   strstr(html, "</form>"),
	   "form: one form, every section on the page (no JavaScript needed)");
	for (int i = 0; tag_at(html, "name=\"perm_", i, tag, sizeof tag); i++)
		if (strncmp(tag, "<select", 7) == 0)
			strstr(tag, "disabled=") ? disabled++ : enabled++;
	ok(disabled == 22 && enabled == 0,
	   "form: View Only: no module select can be posted (%d disabled, %d enabled)", disabled,
	   enabled);
	ok(tag_at(html, "data-role-panel=\"customize\"", 0, tag, sizeof tag) &&
		   strstr(tag, "hidden") &&
		   tag_at(html, "data-role-panel=\"view_only\"", 0, tag, sizeof tag) &&
		   !strstr(tag, "hidden") &&
		   tag_at(html, "data-role-panel=\"admin\"", 0, tag, sizeof tag) &&
		   strstr(tag, "hidden"),
	   "form: View Only's summary shows, the matrix and the other roles' summaries do not");
	ok(strstr(html, "<dt>Map View</dt><dd>Map</dd>") != NULL,
	   "form: the summary says what the role grants (Map View: Map)");
	free(html);

	id = user_id(fx.custom);
	snprintf(path, sizeof path, OU "/edit?id=%s", id);
	free(id);
	html = get_html(admin, path, rid);
	if (html == NULL)
		html = strdup("");
	disabled = enabled = 0;
	for (int i = 0; tag_at(html, "name=\"perm_", i, tag, sizeof tag); i++)
		if (strncmp(tag, "<select", 7) == 0)
			strstr(tag, "disabled=") ? disabled++ : enabled++;
	ok(enabled == 22 && tag_at(html, "data-role-panel=\"customize\"", 0, tag, sizeof tag) &&
		   !strstr(tag, "hidden"),
	   "form: Customize: the matrix shows, every module editable (%d)", enabled);
	free(html);

	/* A preset role's levels are the server's, whatever is posted. */
	char *cal = calendar(fx.slug, "Service Calendar");
	snprintf(fields, sizeof fields,
		 "email=tamper-%s%%40office.test&password=Office-pass-%s&role=view_only&street=1&"
		 "city=b&state=c&zip=d&country=e&calendar=%s&perm_settings=3&perm_scheduling=2&"
		 "perm_reports=2",
		 stamp, stamp, cal);
	ok(post_form(admin, OU "/edit", OU "/edit", fields, NULL, NULL, 0) == 303,
	   "form: View Only posted with a forged matrix: saved");
	v = sql1(
		"SELECT GROUP_CONCAT(p.module, '=', p.level ORDER BY p.module) FROM office_users u "
		"JOIN office_user_perms p ON p.user_id = u.id AND p.module IN ('settings', "
		"'scheduling', 'reports') WHERE u.email = 'tamper-%s@office.test'",
		stamp);
	ok(v && strcmp(v, "reports=0,scheduling=1,settings=1") == 0,
	   "form: with View Only's levels, not the forged ones (%s)", v ? v : "");
	free(v);

	/* Customize saved where the matrix was not on the page. */
	snprintf(fields, sizeof fields,
		 "email=nomatrix-%s%%40office.test&password=Office-pass-%s&role=customize&street=1&"
		 "city=b&state=c&zip=d&country=e&calendar=%s",
		 stamp, stamp, cal);
	ok(post_form(admin, OU "/edit", OU "/edit", fields, &d, NULL, 0) == 422 && d &&
		   xp_is(d, "string(//form/field[@name='role']/@error)",
			 "Set each module's access under Permissions, then save.") &&
		   xp_is(d, "string(//module[@key='scheduling']/@level)", "1"),
	   "form: Customize without a matrix: 422, the matrix shown from View Only's levels");
	xmlFreeDoc(d);
	free(cal);
	hc_free(admin);
}

/* Item 19: removing calendars asks first, and the notice counts them. */
static void test_remove_confirm(void)
{
	struct hc *admin = client();
	char fields[512], loc[512], path[300], *a, *b, *v;
	xmlDocPtr d;

	begin("remove", FX_CALENDARS);
	ok(hc_login(admin, fx.admin, PW) == 303, "remove: admin signs in");
	snprintf(fields, sizeof fields, "name=Cal+A+%s", stamp);
	ok(post_form(admin, "/settings/calendars", "/settings/calendars", fields, NULL, loc,
		     sizeof loc) == 303,
	   "remove: a calendar added");
	d = get_xml(admin, loc, 200, "remove: the list after the add");
	ok(xp_is(d, "string(/page/notice)", "Calendar added."), "remove: 'Calendar added.'");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "name=Cal+B+%s", stamp);
	post_form(admin, "/settings/calendars", "/settings/calendars", fields, NULL, NULL, 0);
	a = sql1("SELECT id FROM calendars WHERE name = 'Cal A %s'", stamp);
	b = sql1("SELECT id FROM calendars WHERE name = 'Cal B %s'", stamp);
	snprintf(fields, sizeof fields, "delete=%s&delete=%s", a, b);
	ok(post_form(admin, "/settings/calendars", "/settings/calendars", fields, &d, NULL, 0) ==
			   200 &&
		   d && hc_valid(d) && xp_is(d, "string(/page/named-list/@confirm)", "2"),
	   "remove: without confirm=1 the confirmation comes back (200), naming 2");
	xmlFreeDoc(d);
	v = sql1("SELECT COUNT(*) FROM calendars WHERE name LIKE 'Cal _ %s'", stamp);
	ok(v && strcmp(v, "2") == 0, "remove: nothing removed yet");
	free(v);
	snprintf(path, sizeof path, "/settings/calendars?remove=%s&remove=%s", a, b);
	d = get_xml(admin, path, 200, "remove: the confirmation page");
	ok(xp_is(d, "string(/page/named-list/@confirm)", "2") &&
		   xp_is(d, "count(//item[@remove='1'])", "2"),
	   "remove: it lists the two ticked calendars");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "delete=%s&delete=%s&confirm=1", a, b);
	ok(post_form(admin, "/settings/calendars", "/settings/calendars", fields, NULL, loc,
		     sizeof loc) == 303 &&
		   strstr(loc, "done=removed&n=2"),
	   "remove: confirmed, both go (%s)", loc);
	d = get_xml(admin, loc, 200, "remove: the list after");
	ok(xp_is(d, "string(/page/notice)", "2 calendars removed.") &&
		   xp_is(d, "count(//item[starts-with(., 'Cal ')])", "0"),
	   "remove: '2 calendars removed.'");
	xmlFreeDoc(d);
	free(a);
	free(b);
	hc_free(admin);
}

/* Item 6 (a, b): a changed password ends the user's other sessions,
 * whoever changes it; /settings/account changes one's own. */
static void test_own_password(void)
{
	struct hc *admin = client(), *c1 = client(), *c2 = client(), *c3 = client(), *cu = client();
	char email[128], plain[128], pw[64], pw2[64], pw3[64], fields[1024], path[256], loc[512];
	char rid[64], *id, *html, *v;
	xmlDocPtr d;

	snprintf(email, sizeof email, "ownpw-%s%%40office.test", stamp);
	snprintf(plain, sizeof plain, "ownpw-%s@office.test", stamp);
	snprintf(pw, sizeof pw, "Office-pass-%s", stamp);
	snprintf(pw2, sizeof pw2, "Second-pass-%s", stamp);
	snprintf(pw3, sizeof pw3, "Third-pass-%s", stamp);
	begin("own password", FX_STAFF | FX_CALENDARS);
	ok(hc_login(admin, fx.admin, PW) == 303 &&
		   add_user(admin, email, "customize", "perm_settings=3") == 303,
	   "ownpw: a Super Admin to change their own password");
	id = user_id(plain);
	ok(hc_login(c1, plain, pw) == 303 && hc_login(c2, plain, pw) == 303,
	   "ownpw: they sign in twice");
	snprintf(path, sizeof path, OU "/edit?id=%s", id);
	snprintf(
		fields, sizeof fields,
		"id=%s&email=%s&password=%s&role=customize&perm_settings=3&street=1&city=b&state=c&"
		"zip=d&country=e",
		id, email, pw2);
	ok(post_form(c1, path, OU "/edit", fields, NULL, NULL, 0) == 303,
	   "ownpw: they set a new password on their own edit page");
	ok(get_status_xml(c2, "/settings/") == 401, "ownpw: their other session ended");
	ok(get_status_xml(c1, "/settings/") == 200, "ownpw: this one goes on");

	/* /settings/account */
	ok(hc_login(c3, plain, pw2) == 303, "account: a second session again");
	d = get_xml(c1, "/settings/account", 200, "account: the page");
	ok(xp_is(d, "string(/page/office-account/@email)", plain), "account: names the user");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "current=wrong-password-1&password=%s&confirm=%s", pw3,
		 pw3);
	ok(post_form(c1, "/settings/account", "/settings/account", fields, &d, NULL, 0) == 422 &&
		   d &&
		   xp_is(d, "string(//form/field[@name='current']/@error)",
			 "This is not your current password.") &&
		   xp_is(d, "string(//form/field[@name='current']/@value)", ""),
	   "account: a wrong current password: 422 (not echoed)");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "current=%s&password=%s&confirm=%s-x", pw2, pw3, pw3);
	ok(post_form(c1, "/settings/account", "/settings/account", fields, NULL, NULL, 0) == 422,
	   "account: two different new passwords: 422");
	snprintf(fields, sizeof fields, "current=%s&password=short&confirm=short", pw2);
	ok(post_form(c1, "/settings/account", "/settings/account", fields, NULL, NULL, 0) == 422,
	   "account: a password under 10 characters: 422");
	snprintf(fields, sizeof fields, "current=%s&password=password123&confirm=password123", pw2);
	ok(post_form(c1, "/settings/account", "/settings/account", fields, NULL, NULL, 0) == 422,
	   "account: a common password: 422");
	ok(get_status_xml(c3, "/settings/") == 200, "account: nothing changed so far");
	snprintf(fields, sizeof fields, "current=%s&password=%s&confirm=%s", pw2, pw3, pw3);
	ok(post_form(c1, "/settings/account", "/settings/account", fields, NULL, loc, sizeof loc) ==
			   303 &&
		   strcmp(loc, "/settings/account?done=password") == 0,
	   "account: the right current password: 303 (%s)", loc);
	ok(get_status_xml(c3, "/settings/") == 401 && get_status_xml(c1, "/settings/") == 200,
	   "account: the other session ended, this one goes on");
	ok(hc_login(c2, plain, pw2) == 401 && hc_login(c2, plain, pw3) == 303,
	   "account: the old password fails, the new one signs in");
	ok(count_is_str("office_user.change_password", plain), "account: the change is audited");
	v = sql1("SELECT password_hash LIKE '$argon2id$%%' FROM office_users WHERE id = %s", id);
	ok(v && strcmp(v, "1") == 0, "account: stored as Argon2id");
	free(v);
	snprintf(fields, sizeof fields,
		 "id=%s&email=%s&password=%s&role=customize&perm_settings=3&"
		 "street=1&city=b&state=c&zip=d&country=e",
		 id, email, pw);
	ok(post_form(admin, path, OU "/edit", fields, NULL, NULL, 0) == 303 &&
		   get_status_xml(c1, "/settings/") == 401 &&
		   get_status_xml(c2, "/settings/") == 401,
	   "ownpw: another Super Admin's change ends every session of theirs");

	/* Every signed-in user has the page and the header's link. */
	ok(hc_login(cu, fx.custom, PW) == 303, "account: a user with no settings access signs in");
	html = get_html(cu, "/settings/account", rid);
	ok(html != NULL && strstr(html, "name=\"current\""),
	   "account: they open their account page");
	free(html);
	html = get_html(cu, "/settings/", rid);
	ok(html != NULL && strstr(html, "href=\"/settings/account\""),
	   "account: the header links to it");
	free(html);
	free(id);
	hc_free(admin);
	hc_free(c1);
	hc_free(c2);
	hc_free(c3);
	hc_free(cu);
}

/* POSTs "Forgot password?" for email (URL-encoded) without a session;
 * returns the status and the Location in loc. */
static long forgot(const char *email, char *loc, size_t locsz)
{
	struct hc *a = client();
	char fields[300];
	long st;
	snprintf(fields, sizeof fields, "email=%s", email);
	st = post_form(a, "/settings/forgot", "/settings/forgot", fields, NULL, loc, locsz);
	hc_free(a);
	return st;
}

static char *outbox_count(const char *to)
{
	return sql1(
		"SELECT COUNT(*) FROM mail_outbox WHERE kind = 'office-reset' AND to_addr = '%s'",
		to);
}

/* Item 6 (c): "Forgot password?" on the office sign-in. */
/* Where office users are signed in (issue 15): one's own sessions on the
 * account page, one ended, the others ended; a Super Admin's view of
 * another user's, one ended, then all; another user's session not one's
 * own to end; an editor refused; another company's user not found; each
 * ending audited. */
static void test_sessions(void)
{
	struct hc *admin = client(), *me2 = client(), *me3 = client(), *e1 = client(),
		  *e2 = client();
	char path[256], fields[256], *eid, *sid, *esid, *gid, *v;
	struct fx g;
	xmlDocPtr d;

	begin("sessions", FX_STAFF);
	ok(fx_make(&g, "sessions-other", "Other Sessions Co", 0) == 0, "sessions: another company");
	ok(hc_login(admin, fx.admin, PW) == 303 && hc_login(me2, fx.admin, PW) == 303 &&
		   hc_login(me3, fx.admin, PW) == 303 && hc_login(e1, fx.editor, PW) == 303 &&
		   hc_login(e2, fx.editor, PW) == 303,
	   "sessions: the Super Admin three times, the editor twice");
	d = get_xml(admin, "/settings/account", 200, "sessions: the account page");
	ok(d && xp_is(d, "count(//office-account/sessions/session)", "3") &&
		   xp_is(d, "count(//office-account/sessions/session[@current = '1'])", "1"),
	   "sessions: three of one's own, this one marked");
	sid = d ? xp(d, "string(//office-account/sessions/session[not(@current)][1]/@id)") : NULL;
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "op=end&session=%s", sid ? sid : "0");
	ok(post_form(admin, "/settings/account", "/settings/account/sessions", fields, NULL, NULL,
		     0) == 303,
	   "sessions: one of the others signed out (303)");
	v = sql1("SELECT COUNT(*) FROM sessions WHERE id = %s", sid ? sid : "0");
	ok(v && strcmp(v, "0") == 0 && get_status_xml(admin, "/settings/") == 200,
	   "sessions: that session is gone, this one goes on");
	free(v);
	free(sid);
	eid = user_id(fx.editor);
	esid = sql1("SELECT id FROM sessions WHERE office_user_id = %s LIMIT 1", eid ? eid : "0");
	snprintf(fields, sizeof fields, "op=end&session=%s", esid ? esid : "0");
	ok(post_form(admin, "/settings/account", "/settings/account/sessions", fields, NULL, NULL,
		     0) == 404,
	   "sessions: the editor's session is not one's own to end here: 404");
	v = sql1("SELECT COUNT(*) FROM sessions WHERE office_user_id = %s", eid ? eid : "0");
	ok(v && strcmp(v, "2") == 0, "sessions: ... both of the editor's stay");
	free(v);
	ok(post_form(admin, "/settings/account", "/settings/account/sessions", "op=others", NULL,
		     NULL, 0) == 303 &&
		   get_status_xml(me2, "/settings/") == 401 &&
		   get_status_xml(me3, "/settings/") == 401 &&
		   get_status_xml(admin, "/settings/") == 200,
	   "sessions: 'Sign out other sessions' ends the others, not this one");

	snprintf(path, sizeof path, OU "/sessions?id=%s", eid ? eid : "0");
	d = get_xml(admin, path, 200, "sessions: the editor's sessions, as the Super Admin");
	ok(d && xp_is(d, "count(//office-user-sessions/sessions/session)", "2") &&
		   xp_is(d, "count(//office-user-sessions/sessions/session[@current])", "0") &&
		   xp_is(d, "string(//office-user-sessions/user/email)", fx.editor),
	   "sessions: two, none of them the viewer's");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&op=end&session=%s", eid ? eid : "0",
		 esid ? esid : "0");
	ok(post_form(admin, path, OU "/sessions", fields, NULL, NULL, 0) == 303,
	   "sessions: one of them signed out");
	v = sql1("SELECT COUNT(*) FROM sessions WHERE office_user_id = %s", eid ? eid : "0");
	ok(v && strcmp(v, "1") == 0, "sessions: one left");
	free(v);
	snprintf(fields, sizeof fields, "id=%s&op=all", eid ? eid : "0");
	ok(post_form(admin, path, OU "/sessions", fields, NULL, NULL, 0) == 303 &&
		   get_status_xml(e1, "/settings/") == 401 &&
		   get_status_xml(e2, "/settings/") == 401,
	   "sessions: 'Sign out everywhere' ends the editor's every session");
	ok(hc_login(e1, fx.editor, PW) == 303 && get_status_xml(e1, path) == 403,
	   "sessions: the editor (not a Super Admin) may not see the page: 403");
	gid = user_id(g.admin);
	snprintf(path, sizeof path, OU "/sessions?id=%s", gid ? gid : "0");
	ok(get_status_xml(admin, path) == 404, "sessions: another company's user: 404");
	v = sql1("SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action IN "
		 "('office_user.session_ended', 'office_user.sessions_ended')",
		 fx.tq);
	ok(v && strcmp(v, "4") == 0, "sessions: each ending audited (%s)", v ? v : "none");
	free(v);
	free(eid);
	free(esid);
	free(gid);
	hc_free(admin);
	hc_free(me2);
	hc_free(me3);
	hc_free(e1);
	hc_free(e2);
}

static void test_forgot(void)
{
	struct hc *admin = client(), *u = client(), *anon = client();
	char e[6][128], p[6][128], loc[512] = "", loc2[512] = "", tok[44], path[256], fields[600],
				   b[600];
	char pw[64], npw[64], *ids[6], *v, *h1, *h2;
	static const char *const who[6] = {"fa", "fb", "fc", "fd", "fe", "ff"};
	xmlDocPtr d;

	snprintf(pw, sizeof pw, "Office-pass-%s", stamp);
	snprintf(npw, sizeof npw, "Reset-pass-%s", stamp);
	begin("forgot", FX_CALENDARS);
	ok(hc_login(admin, fx.admin, PW) == 303, "forgot: admin signs in");
	for (int i = 0; i < 6; i++) {
		snprintf(e[i], sizeof e[i], "%s-%s%%40office.test", who[i], stamp);
		snprintf(p[i], sizeof p[i], "%s-%s@office.test", who[i], stamp);
		add_user(admin, e[i], "view_only", NULL);
		ids[i] = user_id(p[i]);
	}
	ok(ids[0] && *ids[0] && ids[5] && *ids[5], "forgot: six users to ask for");
	d = get_xml(anon, "/settings/login", 200, "forgot: the sign-in page");
	xmlFreeDoc(d);
	{
		char rid[64], *html = get_html(anon, "/settings/login", rid);
		ok(html && strstr(html, "href=\"/settings/forgot\">Forgot password?</a>"),
		   "forgot: the sign-in page has \"Forgot password?\"");
		free(html);
	}
	d = get_xml(anon, "/settings/forgot", 200, "forgot: the form");
	ok(xp_is(d, "string(/page/office-forgot/@state)", "form"), "forgot: asks for an email");
	xmlFreeDoc(d);

	/* The same answer for an unknown email, with nothing queued. */
	ok(forgot("nobody-here%40office.test", loc, sizeof loc) == 303 &&
		   forgot(e[0], loc2, sizeof loc2) == 303 && strcmp(loc, loc2) == 0 &&
		   strcmp(loc, "/settings/forgot?sent=1") == 0,
	   "forgot: unknown and known emails get the same 303 (%s, %s)", loc, loc2);
	v = outbox_count("nobody-here@office.test");
	ok(v && strcmp(v, "0") == 0, "forgot: nothing is queued for an unknown email");
	free(v);
	d = get_xml(anon, loc, 200, "forgot: the answer page");
	ok(xp_is(d, "string(/page/office-forgot/@state)", "sent") &&
		   xp_is(d, "string(/page/office-forgot/@valid-minutes)", "60"),
	   "forgot: 'check your email', valid 60 minutes");
	xmlFreeDoc(d);

	/* The link from the mail. */
	ok(mail_link(p[0], "/settings/reset?token=", tok) == 0,
	   "forgot: the mail arrives with a reset link");
	v = sql1("SELECT CONCAT(COUNT(*), '|', SUM(expires_at BETWEEN NOW(6) + INTERVAL 59 MINUTE "
		 "AND "
		 "NOW(6) + INTERVAL 61 MINUTE), '|', SUM(token_hash = '%s')) FROM "
		 "office_reset_tokens "
		 "WHERE office_user_id = %s AND used_at IS NULL",
		 tok, ids[0]);
	ok(v && strcmp(v, "1|1|0") == 0, "forgot: one live link, an hour, stored hashed (%s)",
	   v ? v : "");
	free(v);
	v = sql1("SELECT COUNT(*) FROM mail_outbox WHERE payload LIKE '%%%s%%' OR secret LIKE "
		 "'%%%s%%'",
		 tok, tok);
	ok(v && strcmp(v, "0") == 0, "forgot: the token is in the outbox only sealed");
	free(v);
	ok(shell("grep -l -i 'To: .*%s' '%s/mail/new/'* | xargs grep -l 'text/html' | xargs grep "
		 "-q 'Choose a new password'",
		 p[0], state) == 0,
	   "forgot: the mail has text and HTML parts");
	ok(hc_login(u, p[0], pw) == 303 && get_status_xml(u, "/settings/") == 200,
	   "forgot: the user has a session");
	/* MFA on (a stand-in key: only whether one is set matters here). */
	free(sql1("UPDATE office_users SET mfa_secret = 'sealed-key-stand-in' WHERE id = %s",
		  ids[0]));
	snprintf(path, sizeof path, "/settings/reset?token=%s", tok);
	d = get_xml(anon, path, 200, "forgot: the reset page");
	ok(xp_is(d, "string(/page/office-reset/@state)", "ok") &&
		   xp_is(d, "string(/page/office-reset/email)", p[0]),
	   "forgot: the link opens the form for the user");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "token=%s&password=%s&confirm=%s-x", tok, npw, npw);
	ok(post_form(anon, path, "/settings/reset", fields, NULL, NULL, 0) == 422,
	   "forgot: two different passwords: 422");
	snprintf(fields, sizeof fields, "token=%s&password=short&confirm=short", tok);
	ok(post_form(anon, path, "/settings/reset", fields, NULL, NULL, 0) == 422,
	   "forgot: a short password: 422");
	snprintf(fields, sizeof fields, "token=%s&password=%s&confirm=%s", tok, npw, npw);
	ok(post_form(anon, path, "/settings/reset", fields, NULL, loc, sizeof loc) == 303 &&
		   strcmp(loc, "/settings/login?reset=1") == 0,
	   "forgot: the new password is set: 303 to the sign-in (%s)", loc);
	ok(get_status_xml(u, "/settings/") == 401, "forgot: every session of theirs ended");
	d = get_xml(anon, loc, 200, "forgot: the sign-in page after");
	v = xp(d, "string(/page/notice[@kind='success'])");
	ok(strstr(v, "Your password is changed") != NULL,
	   "forgot: it says the password is changed");
	free(v);
	xmlFreeDoc(d);
	ok(get_status(anon, path) == 410, "forgot: the link works once (410 after)");
	ok(hc_login(u, p[0], pw) == 401, "forgot: the old password fails");
	snprintf(fields, sizeof fields, "email=%s&password=%s", e[0], npw);
	hc_clear_cookies(u);
	ok(post_form(u, "/settings/login", "/settings/login", fields, NULL, b, sizeof b) == 303 &&
		   strcmp(b, "/settings/mfa") == 0,
	   "forgot: the new one works, and MFA still asks for its code (%s)", b);
	v = sql1("SELECT mfa_secret IS NOT NULL FROM office_users WHERE id = %s", ids[0]);
	ok(v && strcmp(v, "1") == 0, "forgot: MFA stays on");
	free(v);
	ok(count_is_str("office_user.reset_password", p[0]), "forgot: the reset is audited");

	/* A deactivated user: no mail, and a link made before is refused. */
	ok(forgot(e[1], loc, sizeof loc) == 303 &&
		   mail_link(p[1], "/settings/reset?token=", tok) == 0,
	   "forgot: a link for the second user");
	free(sql1("UPDATE office_users SET active = 0 WHERE id = %s", ids[1]));
	h1 = sql1("SELECT password_hash FROM office_users WHERE id = %s", ids[1]);
	snprintf(path, sizeof path, "/settings/reset?token=%s", tok);
	d = get_xml(anon, path, 403, "forgot: a deactivated user's link");
	ok(xp_is(d, "string(/page/office-reset/@state)", "inactive"),
	   "forgot: says the account is deactivated");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "token=%s&password=%s&confirm=%s", tok, npw, npw);
	ok(post_form(anon, path, "/settings/reset", fields, NULL, NULL, 0) == 422,
	   "forgot: and refuses it: 422");
	h2 = sql1("SELECT password_hash FROM office_users WHERE id = %s", ids[1]);
	ok(h1 && h2 && strcmp(h1, h2) == 0, "forgot: the password is unchanged");
	free(h1);
	free(h2);
	v = outbox_count(p[1]);
	ok(forgot(e[1], loc, sizeof loc) == 303 &&
		   count_is(v,
			    "SELECT COUNT(*) FROM mail_outbox WHERE "
			    "kind = 'office-reset' AND to_addr = '%s'",
			    p[1]),
	   "forgot: a deactivated user gets no mail (the same answer)");
	free(v);

	/* An expired link, an unknown one, a deleted user's. */
	ok(forgot(e[2], loc, sizeof loc) == 303 &&
		   mail_link(p[2], "/settings/reset?token=", tok) == 0,
	   "forgot: a link for the third user");
	free(sql1("UPDATE office_reset_tokens SET expires_at = NOW(6) - INTERVAL 1 SECOND WHERE "
		  "office_user_id = %s",
		  ids[2]));
	snprintf(path, sizeof path, "/settings/reset?token=%s", tok);
	d = get_xml(anon, path, 410, "forgot: an expired link");
	ok(xp_is(d, "string(/page/office-reset/@state)", "expired"), "forgot: says it expired");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "token=%s&password=%s&confirm=%s", tok, npw, npw);
	ok(post_form(anon, path, "/settings/reset", fields, NULL, NULL, 0) == 422 &&
		   hc_login(u, p[2], npw) == 401,
	   "forgot: and sets nothing");
	ok(get_status(anon, "/settings/reset?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") ==
		   404,
	   "forgot: an unknown link: 404");
	ok(forgot(e[3], loc, sizeof loc) == 303 &&
		   mail_link(p[3], "/settings/reset?token=", tok) == 0,
	   "forgot: a link for the fourth user");
	snprintf(fields, sizeof fields, "id=%s", ids[3]);
	ok(post_form(admin, OU, OU "/delete", fields, NULL, NULL, 0) == 303,
	   "forgot: who is deleted");
	snprintf(path, sizeof path, "/settings/reset?token=%s", tok);
	ok(get_status(anon, path) == 404, "forgot: their link is gone: 404");

	/* Throttled per login: 5 mails, then the same answer and no mail. */
	for (int i = 0; i < 6; i++)
		forgot(e[4], loc, sizeof loc);
	ok(strcmp(loc, "/settings/forgot?sent=1") == 0 &&
		   count_is("5",
			    "SELECT COUNT(*) FROM mail_outbox WHERE kind = 'office-reset' AND "
			    "to_addr = '%s'",
			    p[4]),
	   "forgot: six requests for one login queue five mails, all answered alike");
	v = sql1("SELECT COUNT(*) FROM office_reset_tokens WHERE office_user_id = %s AND used_at "
		 "IS NULL",
		 ids[4]);
	ok(v && strcmp(v, "1") == 0, "forgot: a new link ends the earlier ones (one live)");
	free(v);
	/* A changed password ends a live link too. */
	ok(forgot(e[5], loc, sizeof loc) == 303 &&
		   mail_link(p[5], "/settings/reset?token=", tok) == 0,
	   "forgot: a link for the sixth user");
	hc_clear_cookies(u);
	snprintf(fields, sizeof fields, "current=%s&password=%s&confirm=%s", pw, npw, npw);
	ok(hc_login(u, p[5], pw) == 303 && post_form(u, "/settings/account", "/settings/account",
						     fields, NULL, NULL, 0) == 303,
	   "forgot: who then changes their password on their account page");
	snprintf(path, sizeof path, "/settings/reset?token=%s", tok);
	ok(get_status(anon, path) == 410, "forgot: the link died with the change (410)");
	throttle_reset();
	for (int i = 0; i < 6; i++)
		free(ids[i]);
	hc_free(admin);
	hc_free(u);
	hc_free(anon);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	xmlInitParser();
	test_env();
	snprintf(stamp, sizeof stamp, "%ld%03d", (long)time(NULL), (int)(getpid() % 1000));
	throttle_reset();
	test_authz();
	test_users();
	test_list_cache();
	test_mail();
	test_office_mfa();
	test_defaults();
	test_carry();
	test_form();
	test_remove_confirm();
	test_own_password();
	throttle_reset();
	test_sessions();
	throttle_reset();
	test_forgot();
	throttle_reset();
	xmlCleanupParser();
	curl_global_cleanup();
	return done_testing();
}
