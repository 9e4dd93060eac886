/* HTTP tests of office users and of authorization on every settings route
 * (issue 5), against the real stack.  The route table below is the
 * specification: each route's minimum Settings level for GET and POST,
 * written here independently of the page table in fcgi/settings/, and the
 * test fails if the responder has a route the table does not name. */
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

static const struct route {
	const char *path;
	int get, post;    /* minimum level, or NO */
	const char *body; /* what a POST sends besides csrf (harmless when allowed) */
} routes[] = {
	{"/settings/", NONE, NO, NULL},
	{"/settings/client/portal-access-settings", VIEW, EDIT,
	 "enabled=1&frame_origins=http%3A%2F%2Flocalhost%3A18081"},
	{"/settings/client/portal-access", VIEW, NO, NULL},
	{"/settings/client/portal-access/edit", VIEW, EDIT, "customer=0"},
	{"/settings/client/portal-access/resend", NO, EDIT, "x=1"},
	{"/settings/client/portal-access/delete", EDIT, EDIT, "x=1"},
	{"/settings/client/portal-access/security", NO, EDIT, "x=1"},
	{"/settings/client/portal-access/send-reset", NO, EDIT, "x=1"},
	{"/settings/client/portal-groups", VIEW, NO, NULL},
	{"/settings/client/portal-groups/edit", VIEW, EDIT, "x=1"},
	{"/settings/customers", VIEW, NO, NULL},
	{"/settings/customers/edit", VIEW, EDIT, "x=1"},
	{"/settings/customers/token", NO, EDIT, "x=1"},
	{"/settings/customers/enable-portal", EDIT, EDIT, "x=1"},
	{"/settings/customers/contacts", NO, EDIT, "x=1"},
	{"/settings/customers/contacts/enable", NO, EDIT, "x=1"},
	{"/settings/customers/sites", NO, EDIT, "x=1"},
	{"/settings/calendars", VIEW, EDIT, "name="},
	{"/settings/vehicles", VIEW, EDIT, "name="},
	{OU, SUPER, NO, NULL},
	{OU "/edit", SUPER, SUPER, "x=1"},
	{OU "/status", NO, SUPER, "x=1"},
	{OU "/delete", SUPER, SUPER, "x=1"},
	{OU "/test-mail", NO, SUPER, "x=1"},
	{OU "/security", NO, SUPER, "x=1"},
	/* Two-step verification: every signed-in user's own. */
	{"/settings/mfa", NONE, NONE, "x=1"},
	{"/settings/mfa/enrol", NONE, NONE, "x=1"},
	/* Every signed-in user may sign out (tested last, separately) and
	 * anyone may see the sign-in page. */
	{"/settings/logout", NO, NONE, NULL},
	{"/settings/login", -1, -1, NULL},
};
#define NROUTES (sizeof routes / sizeof routes[0])

static char stamp[32];

/* The number of pages the settings responder serves (&page_... lines in
 * its page table), to catch a route the table above forgets. */
static int served_routes(void)
{
	char path[1100], line[256];
	int n = 0, in = 0;
	snprintf(path, sizeof path, "%s/fcgi/settings/main.c", env_or("GH_SRCDIR", "."));
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f)) {
		if (strstr(line, "pages[] = {"))
			in = 1;
		else if (in && strstr(line, "};"))
			break;
		else if (in && strstr(line, "&page_"))
			n++;
	}
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
	snprintf(body, sizeof body, "csrf=%s%s%s", csrf, body_rest ? "&" : "", body_rest ? body_rest : "");
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
	return add_user_in(admin, "demo", email, role, perms);
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
		{"admin@demo.test", SUPER, NULL, NULL},
		{"editor@demo.test", EDIT, NULL, NULL},
		{"viewer@demo.test", VIEW, NULL, NULL},
		{"custom@demo.test", NONE, NULL, NULL},
		/* customised matrices */
		{NULL, EDIT, "customize", "perm_settings=2&perm_scheduling=1"},
		{NULL, VIEW, "customize", "perm_settings=1&perm_customer=2&perm_map=1"},
		{NULL, SUPER, "customize", "perm_settings=3"},
		{NULL, NONE, "customize", "perm_scheduling=2&perm_reports=2"},
	};
	struct hc *admin = client(), *anon = client();
	char email[128];
	int n = served_routes();

	ok(n == (int)NROUTES, "the table names every route the settings responder serves (%d, %zu)",
	   n, NROUTES);
	ok(hc_login(admin, "admin@demo.test", PW) == 303, "admin signs in");
	for (size_t w = 0; w < sizeof whos / sizeof whos[0]; w++) {
		const struct who *u = &whos[w];
		struct hc *h = client();
		int bad = 0;
		char pw[64];
		if (u->email == NULL) {
			snprintf(email, sizeof email, "authz%zu-%s@demo.test", w, stamp);
			ok(add_user(admin, email, u->role, u->perms) == 303, "admin adds %s (%s)", email,
			   u->perms);
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
			long wg = r->get == NO ? 405 : u->level >= r->get ? 200 : 403;
			/* Allowed: the page, a redirect (the MFA pages send a
			 * signed-in user on), or a 400/404 for the empty query. */
			int gok = wg == 200 ? (g == 200 || g == 303 || g == 400 || g == 404) : g == wg;
			int pok = r->post == NO		 ? p == 405
				  : u->level >= r->post ? (p != 403 && p > 0 && p < 500)
							: p == 403;
			if (!gok || !pok) {
				bad++;
				diag("%s: %s GET %ld (want %ld), POST %ld (want %s)", email, r->path, g, wg, p,
				     r->post == NO		   ? "405"
				     : u->level >= r->post ? "allowed"
							   : "403");
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
	free(sql1("DELETE FROM office_users WHERE email LIKE 'authz%%-%s@demo.test'", stamp));
	hc_free(admin);
	hc_free(anon);
}

static void test_users(void)
{
	struct hc *admin = client(), *u = client(), *lim = client();
	char email[128], path[256], fields[1024], loc[512], pw[64];
	char *id, *v;
	xmlDocPtr d;

	snprintf(pw, sizeof pw, "Office-pass-%s", stamp);
	ok(hc_login(admin, "admin@demo.test", PW) == 303, "admin signs in");
	d = get_xml(admin, OU, 200, "the office users list");
	ok(d && xp_is(d, "string(count(//rows/user) >= 5)", "true"), "lists the demo users");
	xmlFreeDoc(d);
	static const char *const sorts[] = {"email", "first", "last", "role", "status"};
	int sorted = 1;
	for (size_t i = 0; i < 5; i++)
		for (int desc = 0; desc < 2; desc++) {
			snprintf(path, sizeof path, OU "?sort=%s&dir=%s", sorts[i], desc ? "desc" : "asc");
			struct hc_resp r;
			hc_get_xml(admin, path, &r);
			sorted &= r.status == 200;
			hc_resp_free(&r);
		}
	ok(sorted, "sorts by each column, both ways");
	d = get_xml(admin, OU "?sort=last&dir=desc&per=25", 200, "sorted by last name, descending");
	v = xp(d, "string(//rows/user[1]/last)");
	char *v2 = xp(d, "string(//rows/user[2]/last)");
	ok(strcmp(v, v2) >= 0, "in that order ('%s' then '%s')", v, v2);
	free(v);
	free(v2);
	xmlFreeDoc(d);
	d = get_xml(admin, OU "?q=Vera+View", 200, "filtered by a full name");
	ok(xp_is(d, "count(//rows/user)", "1") && xp_is(d, "string(//rows/user/email)", "viewer@demo.test"),
	   "finds Vera Viewer");
	xmlFreeDoc(d);
	ok(get_status_xml(admin, OU "?sort=phone") == 400, "an unknown sort key: 400");

	/* Add: uniqueness, required fields, tombstones. */
	snprintf(email, sizeof email, "office-%s%%40demo.test", stamp);
	char plain[128];
	snprintf(plain, sizeof plain, "office-%s@demo.test", stamp);
	ok(post_form(admin, OU "/edit", OU "/edit", "email=x%40demo.test&role=view_only&street=a&city=b&state=c&zip=d&country=e", &d, NULL, 0) == 422 &&
		   d && xp_is(d, "string(//form/field[@name='password']/@error)", "A new office user needs a password."),
	   "adding without a password: 422");
	xmlFreeDoc(d);
	ok(add_user(admin, "viewer%40demo.test", "view_only", NULL) == 422, "a login already in use: 422");
	snprintf(fields, sizeof fields, "email=%s&password=%s&role=view_only&first=T&last=U&street=&city=b&state=c&zip=d&country=e", email, pw);
	ok(post_form(admin, OU "/edit", OU "/edit", fields, NULL, NULL, 0) == 422, "the address is required: 422");
	ok(add_user(admin, email, "edit_view", NULL) == 303, "admin adds an Edit & View user");
	id = user_id(plain);
	ok(id && *id, "the user exists (id %s)", id ? id : "");
	ok(hc_login(u, plain, pw) == 303, "the new user signs in (new users are Active)");
	ok(post_csrf(u, "enabled=1&frame_origins=http%3A%2F%2Flocalhost%3A18081",
		     "/settings/client/portal-access-settings") == 303,
	   "with Settings Edit they may save module settings");

	/* The default login screen: Customer lands on the customers list. */
	{
		char le[128], lp[128], *c0 = calendar("demo", "Service Calendar");
		struct hc *l = client();
		struct hc_resp lr;
		char lb[600], csrf[65], body[700];
		snprintf(le, sizeof le, "landing-%s%%40demo.test", stamp);
		snprintf(lp, sizeof lp, "landing-%s@demo.test", stamp);
		snprintf(fields, sizeof fields, "email=%s&password=%s&role=view_only&street=1&city=b&state=c&zip=d&country=e&screen=customer&calendar=%s", le, pw, c0);
		ok(post_form(admin, OU "/edit", OU "/edit", fields, NULL, NULL, 0) == 303, "a user whose default screen is Customer");
		hc_csrf(l, "/settings/login", csrf);
		snprintf(body, sizeof body, "csrf=%s&email=%s&password=%s", csrf, le, pw);
		hc_post(l, "/settings/login", body, &lr);
		ok(lr.status == 303 && strcmp(hc_header(&lr, "Location", lb, sizeof lb) ?: "", "/settings/customers") == 0,
		   "lands on the customers list after sign-in (%s)", lb);
		hc_resp_free(&lr);
		free(sql1("DELETE FROM office_users WHERE email = '%s'", lp));
		free(c0);
		hc_free(l);
	}

	/* A change of permissions takes effect on the next request. */
	char *dcal = calendar("demo", "Delivery Schedule"), *acal0 = calendar("acme", "Service Calendar");
	snprintf(path, sizeof path, OU "/edit?id=%s", id);
	snprintf(fields, sizeof fields, "id=%s&email=%s&role=view_only&first=T&last=U&street=1&city=b&state=c&zip=d&country=e&screen=settings", id, email);
	ok(post_form(admin, path, OU "/edit", fields, &d, NULL, 0) == 422 && d &&
		   xp_is(d, "string(//form/field[@name='calendar']/@error)", "Scheduling needs at least one calendar."),
	   "View Only (Scheduling View) without a calendar: 422");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&email=%s&role=view_only&first=T&last=U&street=1&city=b&state=c&zip=d&country=e&calendar=%s", id, email, acal0);
	ok(post_form(admin, path, OU "/edit", fields, NULL, NULL, 0) == 422, "another tenant's calendar: 422");
	snprintf(fields, sizeof fields, "id=%s&email=%s&role=view_only&first=T&last=U&street=1&city=b&state=c&zip=d&country=e&screen=settings&calendar=%s&vehicles=chosen&notify_job_added=1&notify_mobile_user=1", id, email, dcal);
	ok(post_form(admin, path, OU "/edit", fields, NULL, loc, sizeof loc) == 303, "admin makes them View Only");
	ok(post_csrf(u, "enabled=1", "/settings/client/portal-access-settings") == 403,
	   "their very next POST is 403");
	ok(count_is_str("office_user.update", plain), "the change is audited");
	d = get_xml(admin, path, 200, "the user's page again");
	ok(d && xp_is(d, "string(//calendars/item[@selected='1'])", "Delivery Schedule") &&
		   xp_is(d, "string(//vehicles/@all)", "0") && xp_is(d, "count(//vehicles/item[@selected])", "0") &&
		   xp_is(d, "count(//notifications/notify[@on])", "2"),
	   "keeps the calendar, no vehicles on the map, two notifications");
	xmlFreeDoc(d);
	free(dcal);
	free(acal0);

	/* The calendars and vehicles lists. */
	char vname[64];
	snprintf(vname, sizeof vname, "name=Truck+%s", stamp);
	ok(post_form(admin, "/settings/vehicles", "/settings/vehicles", vname, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "done=added"), "admin adds a vehicle");
	ok(post_form(admin, "/settings/vehicles", "/settings/vehicles", vname, NULL, NULL, 0) == 422,
	   "a second one of that name: 422");
	d = get_xml(admin, "/settings/vehicles", 200, "the vehicles");
	snprintf(fields, sizeof fields, "count(//item[. = 'Truck %s'])", stamp);
	v = xp(d, "string(//item[starts-with(., 'Truck 1')]/@id)");
	ok(xp_is(d, fields, "1") && *v, "lists it");
	xmlFreeDoc(d);
	char *vid = sql1("SELECT id FROM vehicles WHERE name = 'Truck %s'", stamp);
	snprintf(fields, sizeof fields, "delete=%s", vid);
	ok(post_form(admin, "/settings/vehicles", "/settings/vehicles", fields, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "done=deleted"), "and removes it");
	free(vid);
	free(v);
	{
		struct hc *viewer = client();
		hc_login(viewer, "viewer@demo.test", PW);
		ok(get_status_xml(viewer, "/settings/calendars") == 200 &&
			   post_form(viewer, "/settings/calendars", "/settings/calendars", "name=X", NULL, NULL, 0) == 403,
		   "a view-only user sees the calendars, cannot change them");
		hc_free(viewer);
	}

	/* Enable All re-renders Customize with every module at its top level. */
	snprintf(path, sizeof path, OU "/edit?id=%s", id);
	snprintf(fields, sizeof fields, "id=%s&email=%s&role=view_only&street=1&city=b&state=c&zip=d&country=e&enable_all=1", id, email);
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
	snprintf(lemail, sizeof lemail, "limited-%s%%40demo.test", stamp);
	snprintf(lplain, sizeof lplain, "limited-%s@demo.test", stamp);
	ok(add_user(admin, lemail, "customize", "perm_settings=3") == 303, "admin adds a Super Admin with no other module");
	ok(hc_login(lim, lplain, pw) == 303, "who signs in");
	char e2[128];
	snprintf(e2, sizeof e2, "esc-%s%%40demo.test", stamp);
	ok(add_user(lim, e2, "admin", NULL) == 422, "they cannot create an Admin (more than they have): 422");
	ok(add_user(lim, e2, "customize", "perm_settings=2&perm_scheduling=1") == 422,
	   "nor grant Scheduling View under Customize: 422");
	ok(add_user(lim, e2, "customize", "perm_settings=2") == 303, "but can grant what they have");
	char *lid = user_id(lplain);
	snprintf(path, sizeof path, OU "/edit?id=%s", lid);
	snprintf(fields, sizeof fields, "id=%s&email=%s&role=admin&street=1&city=b&state=c&zip=d&country=e", lid, lemail);
	ok(post_form(lim, path, OU "/edit", fields, &d, NULL, 0) == 422, "nobody changes their own role: 422");
	xmlFreeDoc(d);

	/* Deactivate: sessions end at once, sign-in refused; reactivate. */
	struct hc *e = client();
	char *eid = sql1("SELECT id FROM office_users WHERE email = 'esc-%s@demo.test'", stamp);
	char eplain[128];
	snprintf(eplain, sizeof eplain, "esc-%s@demo.test", stamp);
	ok(hc_login(e, eplain, pw) == 303 && get_status_xml(e, "/settings/") == 200, "the third user signs in");
	snprintf(fields, sizeof fields, "id=%s&active=0", eid);
	ok(post_form(admin, OU, OU "/status", fields, NULL, loc, sizeof loc) == 303 && strstr(loc, "deactivated"),
	   "admin deactivates them");
	ok(get_status_xml(e, "/settings/") == 401, "their session ended at once");
	ok(hc_login(e, eplain, pw) == 401, "and they cannot sign in");
	snprintf(fields, sizeof fields, "id=%s&active=1", eid);
	ok(post_form(admin, OU, OU "/status", fields, NULL, NULL, 0) == 303 && hc_login(e, eplain, pw) == 303,
	   "reactivated, they sign in again");
	char *aid = user_id("admin@demo.test");
	snprintf(fields, sizeof fields, "id=%s&active=0", aid);
	ok(post_form(admin, OU, OU "/status", fields, NULL, NULL, 0) == 409, "nobody deactivates themselves: 409");

	/* Delete: the login becomes a tombstone. */
	snprintf(path, sizeof path, OU "/delete?id=%s&id=%s", eid, id);
	d = get_xml(admin, path, 200, "the delete confirmation");
	ok(xp_is(d, "string(/page/office-user-delete/@count)", "2"), "names both users");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&id=%s", eid, id);
	ok(post_form(admin, path, OU "/delete", fields, NULL, loc, sizeof loc) == 303, "admin deletes them");
	ok(get_status_xml(e, "/settings/") == 401, "the deleted user's session ended");
	ok(add_user(admin, e2, "view_only", NULL) == 422, "their login can never be added again: 422");
	snprintf(fields, sizeof fields, "id=%s", aid);
	ok(post_form(admin, OU, OU "/delete", fields, NULL, NULL, 0) == 409, "nobody deletes themselves: 409");

	/* Two Super Admins demoting each other at once: one stays. */
	char s1[128], s2[128], s1p[128], s2p[128];
	snprintf(s1, sizeof s1, "sa1-%s%%40acme.test", stamp);
	snprintf(s2, sizeof s2, "sa2-%s%%40acme.test", stamp);
	snprintf(s1p, sizeof s1p, "sa1-%s@acme.test", stamp);
	snprintf(s2p, sizeof s2p, "sa2-%s@acme.test", stamp);
	struct hc *acme = client();
	ok(hc_login(acme, "admin@acme.test", PW) == 303 &&
		   add_user_in(acme, "acme", s1, "admin", NULL) == 303 &&
		   add_user_in(acme, "acme", s2, "admin", NULL) == 303,
	   "acme's admin adds two more Super Admins");
	char *i1 = user_id(s1p), *i2 = user_id(s2p), *ia = user_id("admin@acme.test");
	free(sql1("UPDATE office_users SET active = 0 WHERE id = %s", ia));
	struct hc *a1 = client(), *a2 = client();
	ok(hc_login(a1, s1p, pw) == 303 && hc_login(a2, s2p, pw) == 303, "both sign in (the first admin is inactive)");
	char f1[512], f2[512], *acal = calendar("acme", "Service Calendar");
	snprintf(f1, sizeof f1, "id=%s&email=%s&role=view_only&street=1&city=b&state=c&zip=d&country=e&calendar=%s", i2, s2, acal);
	snprintf(f2, sizeof f2, "id=%s&email=%s&role=view_only&street=1&city=b&state=c&zip=d&country=e&calendar=%s", i1, s1, acal);
	free(acal);
	pid_t pid = fork();
	if (pid == 0) {
		long st = post_form(a2, OU "/edit", OU "/edit", f2, NULL, NULL, 0);
		_exit(st == 303 ? 0 : st == 422 ? 1 : 2);
	}
	long st1 = post_form(a1, OU "/edit", OU "/edit", f1, NULL, NULL, 0);
	int ws = 0;
	waitpid(pid, &ws, 0);
	v = sql1("SELECT COUNT(*) FROM office_users u JOIN office_user_perms p ON p.user_id = u.id AND p.module = 'settings' AND p.level = 3 WHERE u.tenant_id = (SELECT id FROM tenants WHERE slug = 'acme') AND u.active = 1");
	ok(v && strcmp(v, "1") == 0 && ((st1 == 303) + (WEXITSTATUS(ws) == 0)) == 1,
	   "they demote each other at the same moment: one wins, one active Super Admin is left (%s; %ld, %d)",
	   v ? v : "", st1, WEXITSTATUS(ws));
	free(v);
	free(sql1("UPDATE office_users SET active = 1 WHERE id = %s", ia));
	free(sql1("DELETE FROM office_users WHERE id IN (%s, %s)", i1, i2));
	free(i1);
	free(i2);
	free(ia);
	free(sql1("DELETE FROM office_users WHERE email = '%s'", lplain));
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
/* The list is served from the list-order cache: every change shows on the
 * next request, whoever makes it (the app or a DBA's SQL, through the
 * triggers of sql/013_office_user_versions.sql), in every order. */
static void test_list_cache(void)
{
	struct hc *admin = client();
	char q[256], path[384], b[128], benc[160];
	char *v;
	xmlDocPtr d;

	ok(hc_login(admin, "admin@demo.test", PW) == 303, "cache: admin signs in");
	snprintf(q, sizeof q, OU "?q=cache-%s-", stamp);
	d = get_xml(admin, q, 200, "cache: a filtered view with no match");
	ok(d && xp_is(d, "string(//list/@total)", "0"), "cache: 0 of 0");
	xmlFreeDoc(d);

	snprintf(b, sizeof b, "cache-%s-b@demo.test", stamp);
	snprintf(benc, sizeof benc, "cache-%s-b%%40demo.test", stamp);
	ok(add_user(admin, benc, "view_only", NULL) == 303, "cache: a user added through the app");
	free(sql1("UPDATE office_users SET first_name = 'Bea' WHERE email = '%s'", b));
	d = get_xml(admin, q, 200, "cache: the same view");
	ok(d && xp_is(d, "string(//list/@total)", "1") &&
		   xp_is(d, "string(//rows/user/email)", b),
	   "cache: shows the new user at once");
	xmlFreeDoc(d);

	free(sql1("INSERT INTO office_users (tenant_id, email, password_hash, role, first_name, "
		  "last_name) SELECT id, 'cache-%s-a@demo.test', 'x', 'admin', 'Ann', 'Zimmer' "
		  "FROM tenants WHERE slug = 'demo'",
		  stamp));
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
	free(sql1("UPDATE office_users SET first_name = 'Zed' WHERE email = 'cache-%s-a@demo.test'",
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

	snprintf(path, sizeof path, "%s&page=9", q);
	d = get_xml(admin, path, 200, "cache: a page past the end");
	ok(d && xp_is(d, "string(//list/@page)", "1") && xp_is(d, "count(//rows/user)", "2"),
	   "cache: shows the last page");
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
	free(sql1("UPDATE office_users SET tenant_id = (SELECT id FROM tenants WHERE slug = "
		  "'acme') WHERE email = 'cache-%s-a@demo.test'",
		  stamp));
	v = sql1("SELECT SUM((SELECT n FROM office_user_counts c WHERE c.tenant_id = t.id) = "
		 "(SELECT COUNT(*) FROM office_users u WHERE u.tenant_id = t.id)) FROM tenants t "
		 "WHERE t.slug IN ('demo', 'acme')");
	ok(v && strcmp(v, "2") == 0, "cache: after a move between tenants both counts are right");
	free(v);
	d = get_xml(admin, q, 200, "cache: the demo view after the move");
	ok(d && xp_is(d, "string(//list/@total)", "1"), "cache: the moved row left the view");
	xmlFreeDoc(d);

	/* The order held has one row; 25 more arrive: page 3 is page 3, not
	 * the held order's last page. */
	free(sql1("INSERT INTO office_users (tenant_id, email, password_hash, role, first_name, "
		  "last_name) SELECT t.id, CONCAT('cache-%s-m', LPAD(seq, 2, '0'), '@demo.test'), "
		  "'x', 'view_only', 'M', 'M' FROM tenants t JOIN seq_1_to_25 WHERE t.slug = 'demo'",
		  stamp));
	snprintf(path, sizeof path, "%s&page=3", q);
	d = get_xml(admin, path, 200, "cache: page 3 after 25 rows arrived");
	ok(d && xp_is(d, "string(//list/@page)", "3") && xp_is(d, "string(//list/@total)", "26") &&
		   xp_is(d, "count(//rows/user)", "6"),
	   "cache: page 3 of 26 (6 rows), as asked");
	xmlFreeDoc(d);

	free(sql1("DELETE FROM office_users WHERE email LIKE 'cache-%s-%%'", stamp));
	d = get_xml(admin, q, 200, "cache: after the rows are deleted");
	ok(d && xp_is(d, "string(//list/@total)", "0"), "cache: gone at once");
	xmlFreeDoc(d);
	v = sql1("SELECT (SELECT n FROM office_user_counts c WHERE c.tenant_id = t.id) = "
		 "(SELECT COUNT(*) FROM office_users u WHERE u.tenant_id = t.id) FROM tenants t "
		 "WHERE t.slug = 'demo'");
	ok(v && strcmp(v, "1") == 0, "cache: the kept count equals a COUNT(*)");
	free(v);
	hc_free(admin);
}

static void test_mail(void)
{
	struct hc *admin = client();
	char email[128], plain[128], path[256], fields[1500], *id, *v;
	int sink = atoi(env_or("GH_TEST_PORT", "18080")) + 1000;
	xmlDocPtr d;

	ok(hc_login(admin, "admin@demo.test", PW) == 303, "admin signs in");
	snprintf(email, sizeof email, "mailer-%s%%40demo.test", stamp);
	snprintf(plain, sizeof plain, "mailer-%s@demo.test", stamp);
	ok(add_user(admin, email, "view_only", NULL) == 303, "a user to give a mail connection");
	id = user_id(plain);
	char *cal = calendar("demo", "Service Calendar");
	snprintf(path, sizeof path, OU "/edit?id=%s", id);
#define BASEF "id=%s&email=%s&role=view_only&street=1&city=b&state=c&zip=d&country=e&calendar=%s"
	d = get_xml(admin, path, 200, "the user's page");
	ok(xp_is(d, "string(//mail/@provider)", "default") && xp_is(d, "string(//mail/@google)", "0") &&
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
	snprintf(fields, sizeof fields, BASEF "&mail=smtp&smtp_host=127.0.0.1&smtp_port=%d&smtp_security=none&smtp_user=bob&smtp_password=pw-secret-1", id, email, cal, sink);
	ok(post_form(admin, path, OU "/edit", fields, NULL, NULL, 0) == 422,
	   "a login without STARTTLS or TLS: 422 (a password is never sent in clear)");
	snprintf(fields, sizeof fields, BASEF "&mail=smtp&smtp_host=127.0.0.1&smtp_port=%d&smtp_security=none", id, email, cal, sink);
	ok(post_form(admin, path, OU "/edit", fields, NULL, NULL, 0) == 303, "an SMTP connection to the stack's sink is saved");
	snprintf(fields, sizeof fields, "id=%s", id);
	ok(post_form(admin, path, OU "/test-mail", fields, NULL, NULL, 0) == 303, "Send test mail: 303");
	d = get_xml(admin, path, 200, "the user's page after the test");
	v = xp(d, "string(//mail/last-test)");
	ok(xp_is(d, "string(//mail/last-test/@ok)", "1") && strstr(v, "The server answered: 250"),
	   "the test went, with the server's answer (%s)", v);
	free(v);
	xmlFreeDoc(d);
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "grep -l 'test of your outgoing mail' '%s/mail/new/'* 2>/dev/null | xargs -r grep -l -i 'To: .*%s' | grep -q .", state, plain);
	ok(shell("%s", cmd) == 0, "the test message is in the SMTP sink");
	/* A closed port. */
	snprintf(fields, sizeof fields, BASEF "&mail=smtp&smtp_host=127.0.0.1&smtp_port=1&smtp_security=none", id, email, cal);
	ok(post_form(admin, path, OU "/edit", fields, NULL, NULL, 0) == 303, "a connection to a closed port is saved");
	snprintf(fields, sizeof fields, "id=%s", id);
	ok(post_form(admin, path, OU "/test-mail", fields, NULL, NULL, 0) == 303, "Send test mail: 303");
	d = get_xml(admin, path, 200, "the user's page after the failed test");
	v = xp(d, "string(//mail/last-test)");
	ok(xp_is(d, "string(//mail/last-test/@ok)", "0") && strncmp(v, "Not sent: ", 10) == 0,
	   "the page says it was not sent, and why (%s)", v);
	free(v);
	xmlFreeDoc(d);
	/* A login: STARTTLS is required, and the sink offers none. */
	snprintf(fields, sizeof fields, BASEF "&mail=smtp&smtp_host=127.0.0.1&smtp_port=%d&smtp_security=starttls&smtp_user=bob&smtp_password=pw-secret-1", id, email, cal, sink);
	ok(post_form(admin, path, OU "/edit", fields, NULL, NULL, 0) == 303, "a connection with a login is saved");
	v = sql1("SELECT CONCAT(LENGTH(smtp_password), '|', LOCATE('pw-secret-1', smtp_password)) FROM office_users WHERE id = %s", id);
	ok(v && strcmp(v, "51|0") == 0, "its password is stored sealed, not in clear (%s)", v ? v : "");
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
	free(sql1("DELETE FROM office_users WHERE id = %s", id));
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
	snprintf(email, sizeof email, "mfa-%s%%40demo.test", stamp);
	snprintf(plain, sizeof plain, "mfa-%s@demo.test", stamp);
	ok(hc_login(admin, "admin@demo.test", PW) == 303 && add_user(admin, email, "view_only", NULL) == 303,
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
	ok(post_form(u, "/settings/mfa/enrol", "/settings/mfa/enrol", fields, &d, NULL, 0) == 200 && d &&
		   hc_valid(d) && xp_is(d, "count(//recovery-codes/code)", "10"),
	   "the code turns MFA on: ten recovery codes, shown once");
	xmlFreeDoc(d);
	ok(post_form(u, "/settings/", "/settings/logout", "x=1", NULL, NULL, 0) == 303, "signs out");
	ok(hc_login(u, plain, pw) == 303 && get_status_xml(u, "/settings/") == 401,
	   "the password alone does not open settings (401 as XML)");
	struct hc_resp r;
	hc_get(u, "/settings/client/portal-access", &r);
	char b[600];
	ok(r.status == 303 && strcmp(hc_header(&r, "Location", b, sizeof b) ?: "", "/settings/mfa") == 0,
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
	ok(post_form(admin, path, OU "/security", fields, NULL, NULL, 0) == 303 &&
		   get_status_xml(u, "/settings/") == 401,
	   "the admin resets MFA: the user's session ends");
	snprintf(fields, sizeof fields, "id=%s&action=require", id);
	ok(post_form(admin, path, OU "/security", fields, NULL, NULL, 0) == 303, "and requires it");
	hc_clear_cookies(u);
	ok(hc_login(u, plain, pw) == 303, "the user signs in");
	hc_get(u, "/settings/", &r);
	ok(r.status == 303 && strcmp(hc_header(&r, "Location", b, sizeof b) ?: "", "/settings/mfa/enrol") == 0,
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
	ok(post_form(u, "/settings/mfa/enrol", "/settings/mfa/enrol", fields, NULL, NULL, 0) == 200 &&
		   get_status_xml(u, "/settings/") == 200,
	   "enrolling completes the sign-in");
	ok(count_is_str("office_user.mfa_reset", plain), "the reset is audited");
	free(sql1("DELETE FROM office_users WHERE id = %s", id));
	free(id);
	hc_free(admin);
	hc_free(u);
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
	throttle_reset();
	xmlCleanupParser();
	curl_global_cleanup();
	return done_testing();
}
