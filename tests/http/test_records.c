/* HTTP tests of the client portal's record sections (fcgi/portal/records.c
 * and a file per section) against the real stack: the records `gatehouse-ctl
 * demo` gives a customer; what a group grants, as a table (each permission x
 * each portal route -> status, and the home's menu); sites granted or not
 * (visible / 404); other customers' records and private documents (404); and
 * the actions Pay, Approve and Request service.  Each test makes a tenant of
 * its own (common.h, fx_make: the demo's customers and records under this
 * run's names), so none depends on another's leftovers or on the demo.
 * Every XML answer is schema-checked. */
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

static char stamp[32];
static struct fx fx;            /* the running test's tenant */
static char *cid, *group, *uid; /* its customer Records Co, group and portal user */
static char email[128];
static char *site_m, *site[3]; /* a master site and its three sub-sites */

#define P(rest) fxp(&fx, rest)

/* A record of this run's customer (site_id "NULL": customer-wide); returns
 * its id (caller frees). */
static char *record(const char *kind, const char *ref, const char *site_id, const char *status,
		    int pub)
{
	free(sql1(
		"INSERT INTO customer_records (tenant_id, customer_id, site_id, kind, ref, title, "
		"rec_date, amount_cents, status, public) SELECT tenant_id, id, %s, '%s', '%s-%s', "
		"'Test %s', CURDATE(), 12345, '%s', %d FROM customers WHERE id = %s",
		site_id, kind, ref, stamp, kind, status, pub, cid));
	return sql1("SELECT id FROM customer_records WHERE customer_id = %s AND ref = '%s-%s'", cid,
		    ref, stamp);
}

/* A tenant for the test called what: the demo's customers and records
 * (the other customers a test must not reach), and Records Co with a master
 * site, three sub-sites, an empty group and a portal user in it.  The
 * caller checks the result: 0 when all of it was made. */
static int setup(const char *what)
{
	if (fx_make(&fx, "records", "Records Field Services",
		    FX_CUSTOMERS | FX_RECORDS | FX_PORTAL_ON) != 0)
		return -1;
	free(sql1("INSERT INTO customers (tenant_id, name) VALUES (%s, 'Records Co')", fx.tq));
	cid = fx_customer(&fx, "Records Co");
	free(sql1("INSERT INTO sites (tenant_id, customer_id, name) SELECT tenant_id, id, 'Plant' "
		  "FROM customers WHERE id = %s",
		  cid));
	site_m = sql1("SELECT id FROM sites WHERE customer_id = %s AND name = 'Plant'", cid);
	for (int i = 0; i < 3; i++) {
		free(sql1("INSERT INTO sites (tenant_id, customer_id, parent_id, name) SELECT "
			  "tenant_id, customer_id, id, 'Hall %c' FROM sites WHERE id = %s",
			  "ABC"[i], site_m));
		site[i] = sql1("SELECT id FROM sites WHERE customer_id = %s AND name = 'Hall %c'",
			       cid, "ABC"[i]);
	}
	free(sql1("INSERT INTO portal_groups (tenant_id, name, perms) VALUES (%s, 'Records', '')",
		  fx.tq));
	group = sql1("SELECT id FROM portal_groups WHERE tenant_id = %s AND name = 'Records'",
		     fx.tq);
	snprintf(email, sizeof email, "records-%s@records.example.com", stamp);
	uid = fx_portal_user(&fx, email, "Records Co");
	free(sql1("UPDATE portal_users SET group_id = %s WHERE id = %s", group ? group : "0",
		  uid ? uid : "0"));
	int made = cid && atoi(cid) > 0 && site_m && atoi(site_m) > 0 && site[2] &&
		   atoi(site[2]) > 0 && group && atoi(group) > 0 && uid && atoi(uid) > 0;
	if (!made)
		diag("%s: the tenant %s is not whole", what, fx.slug);
	return made ? 0 : -1;
}

/* Frees what setup read (the tenant stays: nothing needs it gone). */
static void done(void)
{
	free(cid);
	free(group);
	free(uid);
	free(site_m);
	for (int i = 0; i < 3; i++)
		free(site[i]);
	cid = group = uid = site_m = site[0] = site[1] = site[2] = NULL;
}

/* Whether the comma-separated set holds key. */
static int perm_in(const char *set, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = set; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, key, n) == 0)
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

static int perm_count(const char *set)
{
	int n = *set != '\0';
	for (; *set; set++)
		n += *set == ',';
	return n;
}

static void set_perms(const char *perms)
{
	free(sql1("UPDATE portal_groups SET perms = '%s' WHERE id = %s", perms, group));
}

/* The demo's records (as `gatehouse-ctl demo` loads them, in a tenant of
 * this test's own): its client (ABM Apartments, the default group) sees
 * every section with them, never a private document or another customer's
 * record. */
static void test_demo(void)
{
	static const struct {
		const char *path, *count;
	} secs[] = {{"invoices", "4"},
		    {"estimates", "2"},
		    {"jobs", "3"},
		    {"documents", "2"},
		    {"equipment", "3"}};
	struct hc *u = client();
	char path[200], want[200], *v;
	xmlDocPtr d;

	if (!ok(setup("demo records") == 0, "demo records: a tenant of its own, with them"))
		goto out;
	ok(portal_login(u, fx.slug, fx.client, PW, NULL, 0) == 303,
	   "its client (ABM Apartments) signs in");
	for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++) {
		snprintf(path, sizeof path, "%s%s", fx.portal, secs[i].path);
		d = get_xml(u, path, 200, secs[i].path);
		ok(xp_is(d, "count(//portal-records/record)", secs[i].count),
		   "%s: the %s demo records", secs[i].path, secs[i].count);
		xmlFreeDoc(d);
		struct hc_resp r;
		ok(hc_req(u, "GET", path, NULL, NULL, NULL, &r) == 0 && r.status == 200 && r.body &&
			   strstr(r.body, "<table") != NULL,
		   "%s: the HTML page has its table", secs[i].path);
		hc_resp_free(&r);
	}
	d = get_xml(u, P("documents"), 200, "documents");
	ok(xp_is(d, "count(//record[title='Internal cost sheet'])", "0"),
	   "the private document is not listed");
	xmlFreeDoc(d);
	v = sql1("SELECT r.id FROM customer_records r JOIN customers c ON c.id = r.customer_id "
		 "WHERE c.tenant_id = %s AND c.name = 'ABM Apartments' AND r.title = 'Internal "
		 "cost sheet'",
		 fx.tq);
	snprintf(path, sizeof path, "%sdocuments?id=%s", fx.portal, v);
	ok(status_of(u, "GET", path, NULL, "Accept: application/xml", NULL, 0) == 404,
	   "nor opens: 404");
	free(v);
	v = sql1(
		"SELECT MIN(r.id) FROM customer_records r JOIN customers c ON c.id = r.customer_id "
		"WHERE c.tenant_id = %s AND c.name = 'Cool Air' AND r.kind = 'invoice'",
		fx.tq);
	snprintf(path, sizeof path, "%sinvoices?id=%s", fx.portal, v);
	ok(status_of(u, "GET", path, NULL, "Accept: application/xml", NULL, 0) == 404,
	   "another customer's invoice: 404");
	free(v);
	d = get_xml(u, P("home"), 200, "the home");
	snprintf(path, sizeof path, "%sinvoices", fx.portal);
	snprintf(want, sizeof want, "%sequipment", fx.portal);
	ok(xp_is(d, "string(//section[@key='invoices_view']/@href)", path) &&
		   xp_is(d, "string(//section[@key='equipment_view']/@href)", want),
	   "the home links the sections");
	xmlFreeDoc(d);
out:
	done();
	hc_free(u);
}

/* Each permission x each portal route.  The rules come from the issue, not
 * from the server: a section's GET needs its view permission; Pay needs
 * Invoices view and pay, Approve Estimates view and approve, Request
 * service Jobs view and request; Sites needs Sites view, Colleagues Manage
 * colleagues.  A route that forgets its check fails a row. */
static void test_route_table(void)
{
	static const struct {
		const char *method, *path, *view, *act;
	} routes[] = {
		{"GET", "invoices", "invoices_view", NULL},
		{"GET", "estimates", "estimates_view", NULL},
		{"GET", "jobs", "jobs_view", NULL},
		{"GET", "documents", "documents_view", NULL},
		{"GET", "equipment", "equipment_view", NULL},
		{"GET", "sites", "sites_view", NULL},
		{"GET", "colleagues", "manage_colleagues", NULL},
		{"POST", "invoices", "invoices_view", "invoices_pay"},
		{"POST", "estimates", "estimates_view", "estimates_approve"},
		{"POST", "jobs", "jobs_view", "jobs_request"},
	};
	static const char *const rows[] = {
		"",
		"invoices_view",
		"invoices_pay",
		"estimates_view",
		"estimates_approve",
		"jobs_view",
		"jobs_request",
		"documents_view",
		"equipment_view",
		"sites_view",
		"reports_email",
		"manage_colleagues",
		"invoices_view,invoices_pay",
		"estimates_view,estimates_approve",
		"jobs_view,jobs_request",
		"invoices_view,invoices_pay,estimates_view,estimates_approve,jobs_view,jobs_"
		"request,"
		"documents_view,equipment_view,sites_view,reports_email,manage_colleagues",
	};
	struct hc *u = client();
	char *inv = NULL, *est = NULL;
	char path[200], body[400], day[16];
	int bad = 0;
	time_t now = time(NULL) + 86400;
	struct tm tm;

	if (!ok(setup("route table") == 0, "route table: a tenant of its own"))
		goto out;
	inv = record("invoice", "RT-INV", "NULL", "open", 1);
	est = record("estimate", "RT-EST", "NULL", "sent", 1);
	gmtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	set_perms("");
	ok(portal_login(u, fx.slug, email, PW, NULL, 0) == 303, "the table's user signs in");
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		set_perms(rows[r]);
		for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
			int has_view = perm_in(rows[r], routes[i].view);
			int has_act = routes[i].act == NULL || perm_in(rows[r], routes[i].act);
			long want, got;
			snprintf(path, sizeof path, "%s%s", fx.portal, routes[i].path);
			if (strcmp(routes[i].method, "GET") == 0) {
				want = has_view ? 200 : 403;
				got = status_of(u, "GET", path, NULL, "Accept: application/xml",
						NULL, 0);
			} else {
				free(sql1("UPDATE customer_records SET status = IF(kind = "
					  "'invoice', 'open', 'sent') WHERE id IN (%s, %s)",
					  inv, est));
				if (strcmp(routes[i].path, "invoices") == 0)
					snprintf(body, sizeof body, "action=pay&id=%s", inv);
				else if (strcmp(routes[i].path, "estimates") == 0)
					snprintf(body, sizeof body, "action=approve&id=%s", est);
				else
					snprintf(body, sizeof body,
						 "action=request&date=%s&description=Route+table",
						 day);
				want = has_view && has_act ? 303 : 403;
				got = post_form(u, P("home"), path, body, NULL, NULL, 0);
			}
			if (got != want) {
				diag("perms '%s': %s %s -> %ld, want %ld", rows[r],
				     routes[i].method, routes[i].path, got, want);
				bad++;
			}
		}
		/* The home lists exactly the granted permissions. */
		xmlDocPtr d = get_xml(u, P("home"), 200, "home");
		char want_n[8];
		snprintf(want_n, sizeof want_n, "%d", perm_count(rows[r]));
		if (!xp_is(d, "count(//sections/section)", want_n))
			bad++;
		for (size_t i = 0; i < 7; i++) {
			char e[160];
			snprintf(e, sizeof e, "count(//section[@key='%s'][@href])", routes[i].view);
			if (!xp_is(d, e, perm_in(rows[r], routes[i].view) ? "1" : "0"))
				bad++;
		}
		xmlFreeDoc(d);
	}
	ok(bad == 0,
	   "%zu permission sets x %zu routes (and the home's menu): every status as the rules say",
	   sizeof rows / sizeof rows[0], sizeof routes / sizeof routes[0]);
out:
	free(inv);
	free(est);
	done();
	hc_free(u);
}

/* TrackTik: a user granted some sub-sites sees only those sites' records;
 * customer-wide records and the master's need all sites. */
static void test_sites(void)
{
	struct hc *u = client();
	char *r[5] = {NULL}, path[200], body[300];
	xmlDocPtr d;

	if (!ok(setup("sites") == 0, "sites: a tenant of its own"))
		goto out;
	set_perms("invoices_view,invoices_pay,sites_view");
	r[0] = record("invoice", "S-A", site[0], "open", 1);
	r[1] = record("invoice", "S-B", site[1], "open", 1);
	r[2] = record("invoice", "S-C", site[2], "open", 1);
	r[3] = record("invoice", "S-M", site_m, "open", 1);
	r[4] = record("invoice", "S-W", "NULL", "open", 1);
	ok(portal_login(u, fx.slug, email, PW, NULL, 0) == 303, "the user signs in");
	d = get_xml(u, P("invoices"), 200, "all sites: invoices");
	ok(xp_is(d, "count(//record)", "5"),
	   "with all sites: every invoice, customer-wide ones too");
	xmlFreeDoc(d);
	free(sql1("UPDATE portal_users SET all_sites = 0 WHERE id = %s", uid));
	free(sql1(
		"INSERT INTO portal_user_sites (portal_user_id, site_id) VALUES (%s, %s), (%s, %s)",
		uid, site[0], uid, site[2]));
	d = get_xml(u, P("invoices"), 200, "two of three sub-sites: invoices");
	char e1[120], e2[120];
	snprintf(e1, sizeof e1, "count(//record[ref='S-A-%s' and site='Hall A'])", stamp);
	snprintf(e2, sizeof e2, "count(//record[ref='S-C-%s' and site='Hall C'])", stamp);
	ok(xp_is(d, "count(//record)", "2") && xp_is(d, e1, "1") && xp_is(d, e2, "1"),
	   "granted Hall A and Hall C: exactly their invoices");
	xmlFreeDoc(d);
	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof path, "%sinvoices?id=%s", fx.portal, r[i]);
		long st = status_of(u, "GET", path, NULL, "Accept: application/xml", NULL, 0);
		ok(st == (i == 0 || i == 2 ? 200 : 404), "invoice on %s: %ld",
		   (const char *[]){"Hall A", "Hall B", "Hall C", "the master site", "no site"}[i],
		   st);
	}
	snprintf(body, sizeof body, "action=pay&id=%s", r[1]);
	ok(post_form(u, P("home"), P("invoices"), body, NULL, NULL, 0) == 404,
	   "paying Hall B's invoice: 404");
	ok(count_is("open", "SELECT status FROM customer_records WHERE id = %s", r[1]),
	   "and it stays open");
out:
	for (int i = 0; i < 5; i++)
		free(r[i]);
	done();
	hc_free(u);
}

/* Pay, Approve, Request service: one change and its audit entry each;
 * a second attempt is a conflict; bad input a clear error. */
static void test_actions(void)
{
	struct hc *u = client();
	char *inv = NULL, *est = NULL, *paid = NULL, body[400], loc[300], want[200], day[16],
	     past[16], *v;
	time_t t = time(NULL);
	struct tm tm;

	if (!ok(setup("actions") == 0, "actions: a tenant of its own"))
		goto out;
	set_perms("invoices_view,invoices_pay,estimates_view,estimates_approve,jobs_view,jobs_"
		  "request");
	inv = record("invoice", "A-INV", site[0], "open", 1);
	paid = record("invoice", "A-PAID", site[0], "paid", 1);
	est = record("estimate", "A-EST", site[0], "sent", 1);
	ok(portal_login(u, fx.slug, email, PW, NULL, 0) == 303, "the user signs in");

	snprintf(body, sizeof body, "action=pay&id=%s", inv);
	ok(post_form(u, P("home"), P("invoices"), body, NULL, loc, sizeof loc) == 303, "Pay: 303");
	snprintf(want, sizeof want, "%sinvoices?id=%s", fx.portal, inv);
	ok(strstr(loc, want) != NULL, "to the invoice");
	ok(count_is("payment_pending", "SELECT status FROM customer_records WHERE id = %s", inv),
	   "which is now payment submitted");
	ok(count_is("1",
		    "SELECT COUNT(*) FROM audit_log WHERE action = 'portal.invoice_pay' AND target "
		    "= 'invoice %s'",
		    inv),
	   "with an audit entry");
	ok(post_form(u, P("home"), P("invoices"), body, NULL, NULL, 0) == 409,
	   "paying it again: 409");
	snprintf(body, sizeof body, "action=pay&id=%s", paid);
	ok(post_form(u, P("home"), P("invoices"), body, NULL, NULL, 0) == 409,
	   "paying a paid invoice: 409");
	snprintf(body, sizeof body, "action=approve&id=%s", inv);
	ok(post_form(u, P("home"), P("invoices"), body, NULL, NULL, 0) == 400,
	   "an unknown action: 400");
	ok(post_form(u, P("home"), P("invoices"), "action=pay", NULL, NULL, 0) == 422,
	   "no invoice id: 422");
	ok(post_form(u, P("home"), P("invoices"), "action=pay&id=abc", NULL, NULL, 0) == 422,
	   "a bad id: 422");
	snprintf(body, sizeof body, "action=approve&id=%s", est);
	ok(post_form(u, P("home"), P("estimates"), body, NULL, NULL, 0) == 303, "Approve: 303");
	ok(count_is("approved", "SELECT status FROM customer_records WHERE id = %s", est),
	   "the estimate is approved");
	ok(post_form(u, P("home"), P("estimates"), body, NULL, NULL, 0) == 409,
	   "approving it again: 409");
	{
		struct hc_resp r;
		snprintf(body, sizeof body, "action=approve&id=%s", est);
		ok(hc_req(u, "POST", P("estimates"), "application/x-www-form-urlencoded", body,
			  "Accept: application/xml", &r) == 0 &&
			   r.status == 403,
		   "without the CSRF token: 403");
		hc_resp_free(&r);
	}

	/* Request service. */
	gmtime_r(&t, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	t -= 2 * 86400;
	gmtime_r(&t, &tm);
	strftime(past, sizeof past, "%Y-%m-%d", &tm);
	xmlDocPtr d = get_xml(u, P("jobs"), 200, "jobs with Request service");
	ok(xp_is(d, "count(//request/site)", "4") &&
		   xp_is(d, "string(//request/@site-required)", "0"),
	   "the request form offers the four sites; all-sites users may leave it out");
	xmlFreeDoc(d);
	snprintf(body, sizeof body, "action=request&site=%s&date=%s&description=Noisy+fan", site[1],
		 past);
	ok(post_form(u, P("home"), P("jobs"), body, &d, NULL, 0) == 422 &&
		   xp_is(d, "string(//form/field[@name='date']/@error)",
			 "Choose today or a later day."),
	   "a date in the past: 422, with the reason");
	xmlFreeDoc(d);
	snprintf(body, sizeof body, "action=request&site=%s&date=2026-02-30&description=Noisy+fan",
		 site[1]);
	ok(post_form(u, P("home"), P("jobs"), body, NULL, NULL, 0) == 422, "no such date: 422");
	snprintf(body, sizeof body, "action=request&site=%s&date=%s&description=", site[1], day);
	ok(post_form(u, P("home"), P("jobs"), body, NULL, NULL, 0) == 422, "no description: 422");
	v = sql1("SELECT MIN(s.id) FROM sites s WHERE s.tenant_id = %s AND s.customer_id <> %s",
		 fx.tq, cid);
	snprintf(body, sizeof body, "action=request&site=%s&date=%s&description=Noisy+fan", v, day);
	ok(post_form(u, P("home"), P("jobs"), body, NULL, NULL, 0) == 404,
	   "another customer's site: 404");
	free(v);
	ok(count_is("0",
		    "SELECT COUNT(*) FROM customer_records WHERE customer_id = %s AND kind = 'job'",
		    cid),
	   "none of those made a job");
	snprintf(body, sizeof body,
		 "action=request&site=%s&date=%s&description=Noisy+fan+%%3Cb%%3E", site[1], day);
	ok(post_form(u, P("home"), P("jobs"), body, NULL, loc, sizeof loc) == 303,
	   "a request: 303");
	v = sql1("SELECT id FROM customer_records WHERE customer_id = %s AND kind = 'job'", cid);
	snprintf(want, sizeof want, "REQ-%s", v);
	ok(count_is(want, "SELECT ref FROM customer_records WHERE id = %s", v) &&
		   count_is("requested", "SELECT status FROM customer_records WHERE id = %s", v),
	   "a job REQ-<id>, requested");
	snprintf(want, sizeof want, "%sjobs?id=%s", fx.portal, v);
	d = get_xml(u, want, 200, "the request");
	ok(xp_is(d, "string(//record/detail)", "Noisy fan <b>") &&
		   xp_is(d, "string(//record/site)", "Hall B"),
	   "shows what was asked, on Hall B");
	xmlFreeDoc(d);
	ok(count_is("1",
		    "SELECT COUNT(*) FROM audit_log WHERE action = 'portal.job_request' AND target "
		    "= 'job %s'",
		    v),
	   "with an audit entry");
	free(v);
	/* A user restricted to some sites must name one of them. */
	free(sql1("UPDATE portal_users SET all_sites = 0 WHERE id = %s", uid));
	free(sql1("INSERT INTO portal_user_sites (portal_user_id, site_id) VALUES (%s, %s)", uid,
		  site[0]));
	d = get_xml(u, P("jobs"), 200, "jobs, restricted");
	ok(xp_is(d, "count(//request/site)", "1") &&
		   xp_is(d, "string(//request/@site-required)", "1"),
	   "a restricted user is offered only the granted site, and must choose it");
	xmlFreeDoc(d);
	snprintf(body, sizeof body, "action=request&date=%s&description=Anywhere", day);
	ok(post_form(u, P("home"), P("jobs"), body, NULL, NULL, 0) == 422, "no site: 422");
	snprintf(body, sizeof body, "action=request&site=%s&date=%s&description=Hall+C", site[2],
		 day);
	ok(post_form(u, P("home"), P("jobs"), body, NULL, NULL, 0) == 404,
	   "a site not granted: 404");
out:
	free(inv);
	free(paid);
	free(est);
	done();
	hc_free(u);
}

/* The record pages keep their HTML (the render cache, fcgi/core/rcache.c;
 * the portal responder's log tells each request's word): a second view is
 * a hit with the same bytes, and a record changed behind the responder's
 * back (SQL) is rendered anew on the very next request. */
static void test_render_cache(void)
{
	struct hc *u = client();
	char logp[1100], path[200], want[100];
	char *inv = NULL;

	if (!ok(setup("render cache") == 0, "render cache: a tenant of its own"))
		goto out;
	set_perms("invoices_view,invoices_pay,sites_view");
	inv = record("invoice", "RC-INV", site[0], "open", 1);
	ok(portal_login(u, fx.slug, email, PW, NULL, 0) == 303, "render cache: the user signs in");
	snprintf(logp, sizeof logp, "%s/log/portal.log", state);
	ok(kept(u, P("invoices"), logp), "invoices: the second view from the cache, the same page");
	free(sql1("UPDATE customer_records SET title = 'Changed %s' WHERE id = %s", stamp, inv));
	snprintf(want, sizeof want, "Changed %s", stamp);
	ok(fresh(u, P("invoices"), want, logp), "invoices: a title changed in SQL shows at once");
	snprintf(path, sizeof path, "%sinvoices?id=%s", fx.portal, inv);
	ok(kept(u, path, logp), "one invoice: kept");
	free(sql1("UPDATE customer_records SET status = 'paid' WHERE id = %s", inv));
	ok(fresh(u, path, ">Paid<", logp), "one invoice: paid in SQL shows at once");
	ok(kept(u, P("sites"), logp), "sites: kept");
	ok(kept(u, P("home"), logp), "home: kept");
	set_perms("invoices_view");
	ok(fresh(u, P("home"), "Invoices", logp),
	   "home: the group losing Sites is rendered anew at once");
out:
	free(inv);
	done();
	hc_free(u);
}

/* A group's records shown (sql/028): "own records only" shows a user the
 * jobs, estimates and invoices they are the contact of (lists, record
 * pages, actions), and documents as before; the other level, all of them.
 * The level is set on the group's form by an office admin (audited; a
 * viewer may not, nor may a form without its CSRF token), and a request
 * for service makes its requester the job's contact. */
static void test_own_records(void)
{
	struct hc *u = client(), *adm = client(), *viewer = client();
	char *mine = NULL, *theirs = NULL, *est = NULL, *doc = NULL, *other = NULL, *v = NULL;
	char path[200], body[600], day[16];
	time_t t = time(NULL);
	struct tm tm;
	xmlDocPtr d;

	if (!ok(setup("own records") == 0, "own records: a tenant of its own"))
		goto out;
	set_perms("invoices_view,invoices_pay,estimates_view,jobs_view,jobs_request,"
		  "documents_view");
	mine = record("invoice", "O-MINE", site[0], "open", 1);
	theirs = record("invoice", "O-THEIRS", site[0], "open", 1);
	est = record("estimate", "O-EST", site[1], "sent", 1);
	doc = record("document", "O-DOC", site[0], "", 1);
	free(sql1("UPDATE customer_records SET contact_portal_user_id = %s WHERE id = %s", uid,
		  mine));
	/* The other user of the customer is the contact of theirs. */
	other = fx_portal_user(&fx, "other-own@records.example.com", "Records Co");
	free(sql1("UPDATE customer_records SET contact_portal_user_id = %s WHERE id = %s", other,
		  theirs));
	ok(portal_login(u, fx.slug, email, PW, NULL, 0) == 303, "own records: the user signs in");
	d = get_xml(u, P("invoices"), 200, "all records: invoices");
	ok(xp_is(d, "count(//record)", "2"), "all the customer's records: both invoices");
	xmlFreeDoc(d);

	ok(hc_login(adm, fx.admin, PW) == 303, "the office admin signs in");
	ok(ctl_user(fx.slug, fx.viewer, "view_only", "Vera", "Viewer") == 0 &&
		   hc_login(viewer, fx.viewer, PW) == 303,
	   "a view-only office user signs in");
	snprintf(path, sizeof path, "/settings/client/portal-groups/edit?id=%s", group);
	d = get_xml(adm, path, 200, "the group's form");
	ok(xp_is(d, "string(//portal-group-edit/group/@visibility)", "all"),
	   "the group shows all records by default");
	xmlFreeDoc(d);
	snprintf(body, sizeof body,
		 "id=%s&name=Records&perm_invoices_view=1&perm_invoices_pay=1&perm_estimates_view=1"
		 "&perm_jobs_view=1&perm_jobs_request=1&perm_documents_view=1&visibility=own",
		 group);
	ok(post_form(viewer, path, "/settings/client/portal-groups/edit", body, NULL, NULL, 0) ==
		   403,
	   "a viewer may not change it: 403");
	{
		struct hc_resp r;
		char nocsrf[700];
		snprintf(nocsrf, sizeof nocsrf, "csrf=%064d&%s", 0, body);
		ok(hc_req(adm, "POST", "/settings/client/portal-groups/edit",
			  "application/x-www-form-urlencoded", nocsrf, "Accept: application/xml",
			  &r) == 0 &&
			   r.status == 403,
		   "without the CSRF token: 403");
		hc_resp_free(&r);
	}
	ok(count_is("all", "SELECT visibility FROM portal_groups WHERE id = %s", group),
	   "neither changed it");
	snprintf(body + strlen(body) - 3, 8, "bad");
	ok(post_form(adm, path, "/settings/client/portal-groups/edit", body, NULL, NULL, 0) == 422,
	   "a level that is not all or own: 422");
	snprintf(body + strlen(body) - 3, 8, "own");
	ok(post_form(adm, path, "/settings/client/portal-groups/edit", body, NULL, NULL, 0) == 303,
	   "the admin sets own records only: 303");
	ok(count_is("own", "SELECT visibility FROM portal_groups WHERE id = %s", group),
	   "the group shows own records only");
	ok(count_is("1",
		    "SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
		    "'portal_group.update' AND target = 'Records' AND new_value LIKE '%%own "
		    "records only'",
		    fx.tq),
	   "audited as a group change, naming the level");
	snprintf(path, sizeof path, "/settings/client/portal-groups/edit?id=%s", group);
	d = get_xml(adm, path, 200, "the group's form again");
	ok(xp_is(d, "string(//portal-group-edit/group/@visibility)", "own"),
	   "the form shows own records only");
	xmlFreeDoc(d);
	/* The system group's token links have no user to be a contact. */
	v = sql1("SELECT id FROM portal_groups WHERE tenant_id = %s AND is_system = 1", fx.tq);
	snprintf(body, sizeof body,
		 "id=%s&name=Non-Portal+Users&perm_invoices_view=1&visibility=own", v);
	ok(post_form(adm, path, "/settings/client/portal-groups/edit", body, NULL, NULL, 0) ==
			   422 &&
		   count_is("all", "SELECT visibility FROM portal_groups WHERE id = %s", v),
	   "the system group cannot show own records only: 422");
	free(v);
	/* Another tenant's group: 404 (the demo's default group is in the
	 * shared tenant of another fixture: any group not this tenant's). */
	v = sql1("SELECT MIN(id) FROM portal_groups WHERE tenant_id <> %s", fx.tq);
	snprintf(path, sizeof path, "/settings/client/portal-groups/edit?id=%s", v);
	ok(status_of(adm, "GET", path, NULL, "Accept: application/xml", NULL, 0) == 404,
	   "another tenant's group: 404");
	free(v);
	v = NULL;

	d = get_xml(u, P("invoices"), 200, "own records: invoices");
	snprintf(path, sizeof path, "string(//record/ref)");
	snprintf(body, sizeof body, "O-MINE-%s", stamp);
	ok(xp_is(d, "count(//record)", "1") && xp_is(d, path, body),
	   "own records only: the invoice the user is the contact of, not the other's");
	xmlFreeDoc(d);
	snprintf(path, sizeof path, "%sinvoices?id=%s", fx.portal, theirs);
	ok(status_of(u, "GET", path, NULL, "Accept: application/xml", NULL, 0) == 404,
	   "the other's invoice does not open: 404");
	snprintf(body, sizeof body, "action=pay&id=%s", theirs);
	ok(post_form(u, P("home"), P("invoices"), body, NULL, NULL, 0) == 404,
	   "nor can it be paid: 404");
	d = get_xml(u, P("estimates"), 200, "own records: estimates");
	ok(xp_is(d, "count(//record)", "0"), "an estimate without a contact: not shown");
	xmlFreeDoc(d);
	d = get_xml(u, P("documents"), 200, "own records: documents");
	ok(xp_is(d, "count(//record)", "1"), "documents: shown as for all records");
	xmlFreeDoc(d);

	/* A request for service: its requester is the contact, and sees it. */
	gmtime_r(&t, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	snprintf(body, sizeof body, "action=request&site=%s&date=%s&description=Own+job", site[0],
		 day);
	ok(post_form(u, P("home"), P("jobs"), body, NULL, NULL, 0) == 303, "a request: 303");
	v = sql1("SELECT id FROM customer_records WHERE customer_id = %s AND kind = 'job'", cid);
	ok(count_is(uid, "SELECT contact_portal_user_id FROM customer_records WHERE id = %s", v),
	   "the job's contact is its requester");
	d = get_xml(u, P("jobs"), 200, "own records: jobs");
	ok(xp_is(d, "count(//record)", "1"), "which the requester sees");
	xmlFreeDoc(d);

	/* The other level again: all of them. */
	free(sql1("UPDATE portal_groups SET visibility = 'all' WHERE id = %s", group));
	d = get_xml(u, P("invoices"), 200, "all records again: invoices");
	ok(xp_is(d, "count(//record)", "2"), "all records: both invoices again");
	xmlFreeDoc(d);
out:
	free(mine);
	free(theirs);
	free(est);
	free(doc);
	free(other);
	free(v);
	done();
	hc_free(u);
	hc_free(adm);
	hc_free(viewer);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	xmlInitParser();
	test_env();
	snprintf(stamp, sizeof stamp, "%ld%03d", (long)time(NULL), (int)(getpid() % 1000));
	throttle_reset();

	test_demo();
	test_route_table();
	test_sites();
	test_actions();
	test_render_cache();
	test_own_records();

	xmlCleanupParser();
	curl_global_cleanup();
	return done_testing();
}
