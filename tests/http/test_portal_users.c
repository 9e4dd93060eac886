/* HTTP tests of issue 12's portal-user items against the real stack, each in
 * a tenant of its own made for the run (gatehouse-ctl), so nothing here
 * depends on, or disturbs, the demo data:
 *   1  the status the sign-in enforces (Not invited, Invited, Active,
 *      Revoked, Locked) on the Portal Access list, the edit page and the
 *      portal's Colleagues page; the filter by status (kept in every link,
 *      through the list-order cache: fresh after a change made by the
 *      office, in SQL, by a sign-in lock and by a lock simply running out;
 *      the render cache still keeping the page); sql/016 run again (sql/033's
 *      trigger left whole);
 *   2  changing the company leaves the login email alone; the company's
 *      email only on request;
 *   5  adding a user offers the chosen company's sites and saves the choice
 *      (checked: the company's own sites only, 422 otherwise);
 *  21  the customer's page lists its portal users and sends a password
 *      reset (the portal's own mail), refused for a revoked user and while
 *      the portal is off, 404 for another tenant's user;
 *  19  counted notices (delete, bulk enable), the delete confirmation's
 *      Cancel back to the same view, "Select all on this page" without
 *      JavaScript.
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
#include "list.h"
#include "tap.h"

#define PA "/settings/client/portal-access"
#define CE "/settings/customers/edit"

static char stamp[32], slug[64], tenant_q[160], admin_email[128], viewer_email[128];
static char cool[16], abm[16], campus[16], wa[16], wb[16], showroom[16], tower[16];
static char portal_pw[64];
static char settings_log[1200];
static struct hc *adm;
static struct fx other; /* another tenant: its sites and users stay out of reach */

/* An id (or the first field) of a query, into out (16 bytes). */
static void id_of(char out[16], const char *fmt, const char *arg)
{
	char *v = sql1(fmt, arg);
	snprintf(out, 16, "%s", v ? v : "0");
	free(v);
}

static void ctl(const char *args, const char *stdin_text)
{
	shell("%s'%s/gatehouse-ctl' -c '%s' %s >/dev/null 2>&1", stdin_text ? stdin_text : "",
	      env_or("GH_BUILDDIR", "."), ini, args);
}

/* The login email of a role in this run: <role>-<stamp>@coolair.example.com. */
static void user_email(char *out, size_t sz, const char *role)
{
	snprintf(out, sz, "%s-%s@coolair.example.com", role, stamp);
}

static char *user_id(const char *email)
{
	return sql1("SELECT id FROM portal_users WHERE email = '%s'", email);
}

/* Adds a portal user of customer through the add form; pw NULL for none;
 * extra: more fields.  Returns the status. */
static long add_user(const char *email, const char *customer, const char *pw, const char *extra)
{
	char fields[2048], e[300];
	urlenc(email, e, sizeof e);
	snprintf(fields, sizeof fields, "customer=%s&email=%s%s%s%s%s", customer, e,
		 pw ? "&password=" : "", pw ? pw : "", extra ? "&" : "", extra ? extra : "");
	return post_form(adm, PA "/edit", PA "/edit", fields, NULL, NULL, 0);
}

static long set_portal(int on)
{
	return post_form(adm, "/settings/client/portal-access-settings",
			 "/settings/client/portal-access-settings",
			 on ? "enabled=1&frame_origins=" : "frame_origins=", NULL, NULL, 0);
}

/* The statuses of the rows of path, "email=status" joined by ","; caller frees. */
static char *statuses(const char *path)
{
	xmlDocPtr d = get_xml(adm, path, 200, path);
	char *v = xp(d, "string(count(//rows/user))"), *out = NULL;
	size_t n = (size_t)atoi(v), len = 0;
	free(v);
	out = calloc(1, 4096);
	for (size_t i = 1; out && i <= n; i++) {
		char e[80];
		snprintf(e, sizeof e, "string(//rows/user[%zu]/email)", i);
		char *em = xp(d, e);
		snprintf(e, sizeof e, "string(//rows/user[%zu]/@status)", i);
		char *st = xp(d, e);
		len += (size_t)snprintf(out + len, 4096 - len, "%s%.*s=%s", i > 1 ? "," : "",
					(int)strcspn(em, "-"), em, st);
		free(em);
		free(st);
	}
	xmlFreeDoc(d);
	return out;
}

static int same(const char *got, const char *want, const char *what)
{
	int yes = got != NULL && strcmp(got, want) == 0;
	if (!yes)
		diag("%s: got '%s', want '%s'", what, got ? got : "(null)", want);
	return yes;
}

/* How many row checkboxes of an HTML list page are ticked, and how many
 * there are. */
static void ticked(const char *html, int *on, int *all)
{
	const char *p = html;
	*on = *all = 0;
	while (p && (p = strstr(p, "<input type=\"checkbox\" name=\"id\"")) != NULL) {
		const char *end = strchr(p, '>');
		(*all)++;
		if (end) {
			char tag[600];
			snprintf(tag, sizeof tag, "%.*s", (int)(end - p), p);
			*on += strstr(tag, " checked") != NULL;
		}
		p = end;
	}
}

/* ------------------------------------------------------------ set-up */

static void setup(void)
{
	char args[600], in[200], path[300];

	snprintf(stamp, sizeof stamp, "%ld%03d", (long)time(NULL), (int)(getpid() % 1000));
	snprintf(slug, sizeof slug, "pus%s", stamp);
	snprintf(tenant_q, sizeof tenant_q, "(SELECT id FROM tenants WHERE slug = '%s')", slug);
	snprintf(admin_email, sizeof admin_email, "admin-%s@status.test", stamp);
	snprintf(viewer_email, sizeof viewer_email, "viewer-%s@status.test", stamp);
	snprintf(portal_pw, sizeof portal_pw, "Portal-pass-%s", stamp);
	snprintf(settings_log, sizeof settings_log, "%s/log/settings.log", state);

	snprintf(args, sizeof args, "tenant create %s 'Demo Field Services'", slug);
	ctl(args, NULL);
	snprintf(in, sizeof in, "echo '%s' | ", PW);
	snprintf(args, sizeof args, "user create --tenant %s --email %s --super-admin", slug,
		 admin_email);
	ctl(args, in);
	snprintf(args, sizeof args, "user create --tenant %s --email %s --role view_only", slug,
		 viewer_email);
	ctl(args, in);
	throttle_reset();
	adm = client();
	ok(hc_login(adm, admin_email, PW) == 303, "a tenant of its own: its admin signs in");
	ok(set_portal(1) == 303, "its Client Portal is switched on");
	ok(post_form(adm, "/settings/customers", CE,
		     "name=Cool+Air&email=service%40coolair.example.com", NULL, NULL, 0) == 303 &&
		   post_form(adm, "/settings/customers", CE,
			     "name=ABM+Apartments&email=office%40abm.example.com", NULL, NULL,
			     0) == 303,
	   "customers Cool Air and ABM Apartments");
	snprintf(path, sizeof path,
		 "SELECT id FROM customers WHERE tenant_id = %s AND name = '%%s'", tenant_q);
	id_of(cool, path, "Cool Air");
	id_of(abm, path, "ABM Apartments");
	/* Sites: Cool Air Campus with three sub-sites; ABM Tower. */
	char f[300];
	snprintf(f, sizeof f, "customer=%s&name=Cool+Air+Campus", cool);
	post_form(adm, CE, "/settings/customers/sites", f, NULL, NULL, 0);
	snprintf(path, sizeof path, "SELECT id FROM sites WHERE customer_id = %s AND name = '%%s'",
		 cool);
	id_of(campus, path, "Cool Air Campus");
	const char *subs[] = {"Warehouse+A", "Warehouse+B", "Showroom"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(f, sizeof f, "customer=%s&name=%s&parent=%s", cool, subs[i], campus);
		post_form(adm, CE, "/settings/customers/sites", f, NULL, NULL, 0);
	}
	id_of(wa, path, "Warehouse A");
	id_of(wb, path, "Warehouse B");
	id_of(showroom, path, "Showroom");
	snprintf(f, sizeof f, "customer=%s&name=ABM+Tower", abm);
	post_form(adm, CE, "/settings/customers/sites", f, NULL, NULL, 0);
	snprintf(path, sizeof path, "SELECT id FROM sites WHERE customer_id = %s AND name = '%%s'",
		 abm);
	id_of(tower, path, "ABM Tower");
	ok(atoi(campus) && atoi(wa) && atoi(wb) && atoi(showroom) && atoi(tower),
	   "sites: Cool Air Campus (Warehouse A, Warehouse B, Showroom), ABM Tower");
	ok(fx_make(&other, "pus-other", "Other Field Services", FX_CUSTOMERS | FX_RECORDS) == 0,
	   "another tenant, with the demo's customers, sites and portal users");
}

/* ------------------------------------------------------------ item 1 */

static char e_new[128], e_inv[128], e_act[128], e_rev[128], e_lock[128];
static char *id_new, *id_inv, *id_act, *id_rev, *id_lock;

static void test_status(void)
{
	char path[600], fields[1200], e[300];
	xmlDocPtr d;
	char *v;

	user_email(e_new, sizeof e_new, "new");
	user_email(e_inv, sizeof e_inv, "inv");
	user_email(e_act, sizeof e_act, "act");
	user_email(e_rev, sizeof e_rev, "rev");
	user_email(e_lock, sizeof e_lock, "lock");

	/* Five users, one in each state. */
	ok(set_portal(0) == 303 && add_user(e_new, cool, NULL, NULL) == 303 && set_portal(1) == 303,
	   "a user added while the portal was off (never invited)");
	ok(add_user(e_inv, cool, NULL, NULL) == 303, "a user invited, no password yet");
	ok(add_user(e_act, cool, portal_pw, NULL) == 303, "a user with a password");
	ok(add_user(e_rev, cool, portal_pw, NULL) == 303, "a user with a password, to revoke");
	ok(add_user(e_lock, cool, portal_pw, NULL) == 303, "a user with a password, to lock out");
	id_new = user_id(e_new);
	id_inv = user_id(e_inv);
	id_act = user_id(e_act);
	id_rev = user_id(e_rev);
	id_lock = user_id(e_lock);
	urlenc(e_rev, e, sizeof e);
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s&status=revoked", id_rev, cool,
		 e);
	ok(post_form(adm, PA, PA "/edit", fields, NULL, NULL, 0) == 303, "revoke one (edit page)");
	/* Five wrong passwords pause the account's sign-in (auth.c). */
	struct hc *p = client();
	int fails = 0;
	for (int i = 0; i < 5; i++)
		fails += portal_login(p, slug, e_lock, "wrong-password-1", NULL, 0) == 401;
	ok(fails == 5 && portal_login(p, slug, e_lock, portal_pw, NULL, 0) == 429,
	   "five wrong passwords: even the right one now gets 429");

	v = statuses(PA "?sort=email");
	ok(same(v, "act=active,inv=invited,lock=locked,new=not_invited,rev=revoked", "statuses"),
	   "the list shows what the sign-in enforces: Active, Invited, Locked, Not invited, "
	   "Revoked");
	free(v);
	{
		char rid[64], *h = get_html(adm, PA "?sort=email", rid);
		ok(h && strstr(h, "class=\"badge status-revoked\">Revoked</span>") &&
			   strstr(h, "class=\"badge status-locked\">Locked</span>") &&
			   strstr(h, "class=\"badge status-not_invited\">Not invited</span>"),
		   "as labelled badges: Revoked, Locked, Not invited");
		ok(h && strstr(h, "<select id=\"list-status\" name=\"status\">") &&
			   strstr(h, "<option value=\"locked\">Locked</option>"),
		   "the filter bar has a status select (a GET form: no JavaScript needed)");
		free(h);
	}
	/* The sign-in agrees with the list. */
	ok(portal_login(p, slug, e_rev, portal_pw, NULL, 0) == 403 &&
		   portal_login(p, slug, e_act, portal_pw, NULL, 0) == 303,
	   "signing in: the revoked user refused (403), the active one in (303)");
	hc_free(p);

	/* The filter by status, one view per status. */
	static const struct {
		const char *status, *want;
	} views[] = {
		{"not_invited", "new=not_invited"}, {"invited", "inv=invited"},
		{"active", "act=active"},           {"revoked", "rev=revoked"},
		{"locked", "lock=locked"},
	};
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
		snprintf(path, sizeof path, PA "?status=%s", views[i].status);
		v = statuses(path);
		ok(same(v, views[i].want, path), "status=%s finds exactly %s", views[i].status,
		   views[i].want);
		free(v);
	}
	snprintf(path, sizeof path, PA "?q=%s&status=revoked&sort=email&dir=desc&per=25", stamp);
	d = get_xml(adm, path, 200, "a text filter and a status together");
	ok(xp_is(d, "string(//list/@facet)", "revoked") && xp_is(d, "string(//list/@total)", "1") &&
		   xp_is(d, "string(//rows/user[1]/@id)", id_rev),
	   "both apply: 1 of 1, the revoked user");
	v = xp(d, "string(//list/@query)");
	ok(strstr(v, "status=revoked") && strstr(v, "per=25"), "kept across paging: %s", v);
	free(v);
	v = xp(d, "string(//list/column[@key='company']/@query)");
	ok(strstr(v, "status=revoked") && strstr(v, "sort=company"), "and sorting: %s", v);
	free(v);
	v = xp(d, "string(//list/@query-clear)");
	ok(!strstr(v, "status=") && !strstr(v, "q="), "Clear filter drops it with q: %s", v);
	free(v);
	xmlFreeDoc(d);
	{
		char rid[64], *h = get_html(adm, path, rid);
		ok(h &&
			   strstr(h, "<option value=\"revoked\" "
				     "selected=\"selected\">Revoked</option>") &&
			   strstr(h, "<input type=\"hidden\" name=\"status\" value=\"revoked\">"),
		   "the select shows it, the page-size form keeps it");
		free(h);
	}
	d = get_xml(adm, PA "?status=bounced", 400, "an unknown status: 400");
	xmlFreeDoc(d);

	/* The edit page says the same. */
	snprintf(path, sizeof path, PA "/edit?id=%s", id_lock);
	d = get_xml(adm, path, 200, "the locked user's edit page");
	ok(xp_is(d, "string(//user/@status)", "locked") &&
		   xp_is(d, "number(//user/security/@locked-seconds) > 0", "true"),
	   "the edit page: Locked, the lock's seconds left");
	xmlFreeDoc(d);
	snprintf(path, sizeof path, PA "/edit?id=%s", id_rev);
	d = get_xml(adm, path, 200, "the revoked user's edit page");
	ok(xp_is(d, "string(//user/@status)", "revoked"), "the edit page: Revoked");
	xmlFreeDoc(d);

	/* Fresh after every kind of change: the office's unlock... */
	snprintf(fields, sizeof fields, "id=%s&action=unlock", id_lock);
	ok(post_form(adm, PA, PA "/security", fields, NULL, NULL, 0) == 303, "the office unlocks");
	v = statuses(PA "?status=locked&sort=email");
	ok(same(v, "", "locked"), "status=locked: nobody any more");
	free(v);
	v = statuses(PA "?status=active&sort=email");
	ok(same(v, "act=active,lock=active", "active"), "status=active: the unlocked user too");
	free(v);
	/* ... a lock made in SQL (the key as auth.c makes it), which then
	 * simply runs out: no write tells the list, the order's lifetime does. */
	free(sql1("INSERT INTO login_throttle (key_hash, window_start, attempts, locked_until, "
		  "portal_user_id) VALUES (UNHEX(SHA2(CONCAT('account', CHAR(0), 'portal-user:', "
		  "%s), 256)), NOW(6), 5, NOW(6) + INTERVAL 3 SECOND, %s) ON DUPLICATE KEY UPDATE "
		  "locked_until = VALUES(locked_until), portal_user_id = VALUES(portal_user_id)",
		  id_act, id_act));
	v = statuses(PA "?status=locked&sort=email");
	ok(same(v, "act=locked", "locked"), "a lock for 3 s: status=locked finds it at once");
	free(v);
	v = statuses(PA "?status=active&sort=email");
	ok(same(v, "lock=active", "active"), "and status=active no longer");
	free(v);
	p = client();
	ok(portal_login(p, slug, e_act, portal_pw, NULL, 0) == 429,
	   "the sign-in refuses that account too (the same key)");
	hc_free(p);
	usleep(3300000);
	v = statuses(PA "?status=locked&sort=email");
	ok(same(v, "", "locked"), "3 s later, with no write since: status=locked is empty");
	free(v);
	v = statuses(PA "?status=active&sort=email");
	ok(same(v, "act=active,lock=active", "active"), "and status=active has the user again");
	free(v);

	/* ... and sql/016 run again (re-runnable), naming the user of a throttle
	 * row made before it existed: the lock shows. */
	free(sql1("DELETE FROM login_throttle WHERE portal_user_id = %s", id_act));
	free(sql1("INSERT INTO login_throttle (key_hash, window_start, attempts, locked_until) "
		  "VALUES (UNHEX(SHA2(CONCAT('account', CHAR(0), 'portal-user:', %s), 256)), "
		  "NOW(6), 5, NOW(6) + INTERVAL 10 MINUTE)",
		  id_inv));
	v = statuses(PA "?status=locked&sort=email");
	ok(same(v, "", "locked"), "a throttle row that names no user: no lock shown");
	free(v);
	free(sql1("DELETE FROM schema_version WHERE version = 16"));
	/* Migrations run as the administrative account (the application's
	 * has no DDL grants). */
	ok(shell("'%s/gatehouse-ctl' -c '%s/gatehouse-admin.ini' migrate --sql-dir '%s/sql' "
		 ">/dev/null 2>&1",
		 env_or("GH_BUILDDIR", "."), state, env_or("GH_SRCDIR", ".")) == 0,
	   "sql/016 runs again without error");
	v = statuses(PA "?status=locked&sort=email");
	ok(same(v, "inv=locked", "locked"),
	   "an older throttle row's lock shows once 016 names its user");
	free(v);
	{
		/* 016 run again leaves sql/033's trigger (the page memo's) whole. */
		char *v0 = sql1("SELECT version FROM portal_user_status_versions WHERE tenant_id = "
				"(SELECT tenant_id FROM portal_users WHERE id = %s)",
				id_inv);
		free(sql1("UPDATE portal_users SET last_sign_in_at = NOW(6) WHERE id = %s",
			  id_inv));
		char *v1 = sql1("SELECT version FROM portal_user_status_versions WHERE tenant_id = "
				"(SELECT tenant_id FROM portal_users WHERE id = %s)",
				id_inv);
		ok(v0 && v1 && strtoull(v1, NULL, 10) > strtoull(v0, NULL, 10),
		   "after 016 again, a sign-in still moves the page memo's version (%s, %s)",
		   v0 ? v0 : "-", v1 ? v1 : "-");
		free(v0);
		free(v1);
	}
	throttle_reset();
	v = statuses(PA "?status=locked&sort=email");
	ok(same(v, "", "locked"), "gatehouse-ctl throttle reset: no lock left");
	free(v);

	/* The render cache keeps a status view, and a change made behind the
	 * responder's back (SQL) is on the very next one. */
	ok(kept(adm, PA "?status=revoked", settings_log),
	   "the render cache keeps a status view (second view a hit, same bytes)");
	free(sql1("UPDATE portal_users SET status = 'active' WHERE id = %s", id_rev));
	ok(fresh(adm, PA "?status=revoked", "No match for the filter.", settings_log),
	   "restored in SQL: the next view is rendered anew, and empty");
	free(sql1("UPDATE portal_users SET status = 'revoked' WHERE id = %s", id_rev));
	{
		/* The same document as the kept one: a hit is right here. */
		char rid[64], *h = get_html(adm, PA "?status=revoked", rid);
		ok(h && strstr(h, e_rev), "revoked again in SQL: back at once");
		free(h);
	}
}

/* The portal's Colleagues page: the same statuses. */
static void test_colleagues(void)
{
	char boss[128], gname[64], fields[600], e[300], path[200];
	xmlDocPtr d;
	char *gid;
	struct hc *b = client();

	snprintf(gname, sizeof gname, "Site admins %s", stamp);
	free(sql1("INSERT INTO portal_groups (tenant_id, name, perms) SELECT id, '%s', "
		  "'invoices_view,manage_colleagues' FROM tenants WHERE slug = '%s'",
		  gname, slug));
	gid = sql1("SELECT id FROM portal_groups WHERE name = '%s'", gname);
	user_email(boss, sizeof boss, "boss");
	snprintf(fields, sizeof fields, "group=%s", gid ? gid : "0");
	ok(add_user(boss, cool, portal_pw, fields) == 303,
	   "a Cool Air user who manages colleagues");
	ok(portal_login(b, slug, boss, portal_pw, NULL, 0) == 303, "who signs in to the portal");
	snprintf(path, sizeof path, "/portal/%s/colleagues", slug);
	d = get_xml(b, path, 200, "the Colleagues page");
	snprintf(e, sizeof e, "string(//colleague[email='%s']/@status)", e_new);
	ok(xp_is(d, e, "not_invited"), "a colleague never invited: Not invited (not Active)");
	snprintf(e, sizeof e, "string(//colleague[email='%s']/@status)", e_inv);
	ok(xp_is(d, e, "invited"), "one invited: Invited");
	snprintf(e, sizeof e, "string(//colleague[email='%s']/@status)", e_rev);
	ok(xp_is(d, e, "revoked"), "one revoked: Revoked");
	snprintf(e, sizeof e, "string(//colleague[email='%s']/@access)", e_rev);
	ok(xp_is(d, e, "revoked"), "and what Restore acts on says so");
	xmlFreeDoc(d);
	{
		char rid[64];
		char *h = get_html(b, path, rid);
		ok(h && strstr(h, ">Not invited</td>") && strstr(h, ">Revoked</td>"),
		   "the page reads Not invited and Revoked");
		free(h);
	}
	free(gid);
	hc_free(b);
}

/* ------------------------------------------------------------ item 2 */

static void test_company_change(void)
{
	char fields[1200], e[300], path[300], rid[64];
	xmlDocPtr d;
	char *v, *h;

	urlenc(e_act, e, sizeof e);
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s", id_act, abm, e);
	ok(post_form(adm, PA, PA "/edit", fields, NULL, NULL, 0) == 303,
	   "the company changed on the edit page (Cool Air to ABM Apartments), Save");
	v = sql1("SELECT CONCAT(email, '|', company_name) FROM portal_users WHERE id = %s", id_act);
	char want[300];
	snprintf(want, sizeof want, "%s|ABM Apartments", e_act);
	ok(same(v, want, "after"), "the login email is unchanged, the company changed");
	free(v);
	snprintf(path, sizeof path, PA "/edit?id=%s", id_act);
	h = get_html(adm, path, rid);
	ok(h && strstr(h, "<select id=\"customer\" name=\"customer\" required") &&
		   !strstr(h, "data-fills"),
	   "the edit page's company select fills nothing in (no data-fills for app.js)");
	ok(h && strstr(h, "class=\"btn btn-small btn-prefill\" data-fill-from=\"customer\" "
			  "data-fill=\"email\">Use company email</button>"),
	   "the company's email is a button of its own, shown with or without JavaScript");
	free(h);
	h = get_html(adm, PA "/edit", rid);
	ok(h && strstr(h, "data-fills=\"email\""),
	   "adding, choosing a company still fills in an empty email (app.js)");
	free(h);
	/* Without JavaScript: the button re-renders with the company's email;
	 * nothing is saved until Save. */
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s&prefill=1", id_act, cool, e);
	ok(post_form(adm, PA, PA "/edit", fields, &d, NULL, 0) == 200 &&
		   xp_is(d, "string(//user/email)", "service@coolair.example.com") &&
		   xp_is(d, "string(//user/@email-from-company)", "1"),
	   "\"Use company email\": the form again with Cool Air's email in the field (200)");
	xmlFreeDoc(d);
	v = sql1("SELECT email FROM portal_users WHERE id = %s", id_act);
	ok(same(v, e_act, "email"), "and nothing saved");
	free(v);
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s&choose=1", id_act, cool, e);
	ok(post_form(adm, PA, PA "/edit", fields, &d, NULL, 0) == 200 &&
		   xp_is(d, "string(//user/@email-from-company)", "") &&
		   xp_is(d, "string(/page/form/field[@name='email']/@value)", e_act) &&
		   xp_is(d, "string(//sites/@customer)", cool),
	   "\"Choose company\" shows Cool Air's sites and keeps the email as it was");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s", id_act, cool, e);
	ok(post_form(adm, PA, PA "/edit", fields, NULL, NULL, 0) == 303, "back to Cool Air");
	v = sql1("SELECT email FROM portal_users WHERE id = %s", id_act);
	ok(same(v, e_act, "email"), "the login email never changed");
	free(v);
}

/* ------------------------------------------------------------ item 5 */

static void test_add_sites(void)
{
	char path[300], fields[1200], email[128], e[300];
	xmlDocPtr d;
	char *v, *id;

	snprintf(path, sizeof path, PA "/edit?customer=%s", cool);
	d = get_xml(adm, path, 200, "the add form for Cool Air");
	ok(xp_is(d, "string(//sites/@customer)", cool) && xp_is(d, "string(//sites/@all)", "1") &&
		   xp_is(d, "count(//sites/site)", "4") &&
		   xp_is(d, "count(//sites/site[@parent])", "3"),
	   "adding offers Cool Air's sites: the master site and its 3 sub-sites, all by default");
	xmlFreeDoc(d);
	d = get_xml(adm, PA "/edit", 200, "the add form, no company chosen");
	ok(xp_is(d, "count(//sites)", "0"), "no company chosen: no sites yet");
	xmlFreeDoc(d);
	/* Without JavaScript: "Choose company" re-renders with its sites. */
	snprintf(fields, sizeof fields, "customer=%s&email=&choose=1", abm);
	ok(post_form(adm, PA "/edit", PA "/edit", fields, &d, NULL, 0) == 200 &&
		   xp_is(d, "string(//sites/@customer)", abm) &&
		   xp_is(d, "string(//sites/site)", "ABM Tower") &&
		   xp_is(d, "string(//user/email)", "office@abm.example.com"),
	   "\"Choose company\" (no JavaScript): ABM's sites, and its email in the empty field");
	xmlFreeDoc(d);
	v = sql1("SELECT COUNT(*) FROM portal_users WHERE email = 'office@abm.example.com'");
	ok(same(v, "0", "count"), "nothing saved");
	free(v);
	/* A form action loses nothing typed (item 4): the password too. */
	snprintf(fields, sizeof fields,
		 "customer=%s&email=&password=Typed-Before-Choosing-7&choose=1", abm);
	ok(post_form(adm, PA "/edit", PA "/edit", fields, &d, NULL, 0) == 200 &&
		   xp_is(d, "string(/page/form/@carry)", "1") &&
		   xp_is(d, "string(/page/form/field[@name='password']/@value)",
			 "Typed-Before-Choosing-7"),
	   "\"Choose company\" brings the typed password back in its field");
	xmlFreeDoc(d);
	{
		char csrf[65], body[600];
		struct hc_resp r;
		hc_csrf(adm, PA "/edit", csrf);
		snprintf(body, sizeof body, "csrf=%s&%s", csrf, fields);
		hc_post(adm, PA "/edit", body, &r);
		ok(r.status == 200 && r.body &&
			   strstr(r.body, "value=\"Typed-Before-Choosing-7\"") != NULL,
		   "... in the HTML form's password input");
		hc_resp_free(&r);
	}

	/* Two chosen sites: exactly those. */
	user_email(email, sizeof email, "sites");
	urlenc(email, e, sizeof e);
	snprintf(fields, sizeof fields, "customer=%s&email=%s&sites=chosen&site=%s&site=%s", cool,
		 e, wa, showroom);
	ok(post_form(adm, PA "/edit", PA "/edit", fields, NULL, NULL, 0) == 303,
	   "add with two chosen sites: 303");
	id = user_id(email);
	v = sql1("SELECT CONCAT(pu.all_sites, '|', (SELECT GROUP_CONCAT(s.name ORDER BY s.name) "
		 "FROM portal_user_sites x JOIN sites s ON s.id = x.site_id WHERE x.portal_user_id "
		 "= pu.id)) FROM portal_users pu WHERE pu.id = %s",
		 id ? id : "0");
	ok(same(v, "0|Showroom,Warehouse A", "sites"), "saved: only Showroom and Warehouse A");
	free(v);
	snprintf(path, sizeof path, PA "/edit?id=%s", id ? id : "0");
	d = get_xml(adm, path, 200, "the new user's edit page");
	ok(xp_is(d, "string(//sites/@all)", "0") &&
		   xp_is(d, "count(//sites/site[@granted])", "2") &&
		   xp_is(d, "string(//sites/site[@granted][1])", "Showroom") &&
		   xp_is(d, "string(//sites/site[@granted][2])", "Warehouse A"),
	   "the edit page shows the same: chosen, Warehouse A and Showroom");
	xmlFreeDoc(d);
	v = sql1("SELECT COUNT(*) FROM audit_log WHERE action = 'portal_user.add' AND target LIKE "
		 "'%%%s%%(chosen sites)'",
		 email);
	ok(same(v, "1", "audit"), "audited with the sites chosen");
	free(v);
	free(id);

	/* Another company's site, another tenant's site, a bad choice: 422,
	 * nothing saved. */
	user_email(email, sizeof email, "badsite");
	urlenc(email, e, sizeof e);
	snprintf(fields, sizeof fields, "customer=%s&email=%s&sites=chosen&site=%s&site=%s", cool,
		 e, wa, tower);
	ok(post_form(adm, PA "/edit", PA "/edit", fields, &d, NULL, 0) == 422 &&
		   xp_is(d, "string(/page/form/field[@name='site']/@error)",
			 "Choose among this customer's sites.") &&
		   xp_is(d, "string(//sites/@all)", "0") &&
		   xp_is(d, "count(//sites/site[@granted])", "1"),
	   "a site of ABM for a Cool Air user: 422 with a message, the choice shown again");
	xmlFreeDoc(d);
	char *other_site = sql1("SELECT MIN(id) FROM sites WHERE tenant_id = %s", other.tq);
	snprintf(fields, sizeof fields, "customer=%s&email=%s&sites=chosen&site=%s", cool, e,
		 other_site ? other_site : "0");
	free(other_site);
	ok(post_form(adm, PA "/edit", PA "/edit", fields, NULL, NULL, 0) == 422,
	   "another tenant's site: 422");
	snprintf(fields, sizeof fields, "customer=%s&email=%s&sites=some", cool, e);
	ok(post_form(adm, PA "/edit", PA "/edit", fields, &d, NULL, 0) == 422 &&
		   xp_is(d, "string(/page/form/field[@name='sites']/@error)",
			 "Choose all sites or the chosen ones."),
	   "sites neither all nor chosen: 422");
	xmlFreeDoc(d);
	v = sql1("SELECT COUNT(*) FROM portal_users WHERE email = '%s'", email);
	ok(same(v, "0", "count"), "none of them was saved (the user's transaction)");
	free(v);
	snprintf(fields, sizeof fields, "customer=%s&email=%s&sites=all&site=%s", cool, e, wa);
	ok(post_form(adm, PA "/edit", PA "/edit", fields, NULL, NULL, 0) == 303, "all sites: 303");
	v = sql1("SELECT all_sites FROM portal_users WHERE email = '%s'", email);
	ok(same(v, "1", "all"), "saved as all sites");
	free(v);
}

/* ------------------------------------------------------------ item 21 */

static void test_customer_page(void)
{
	char path[300], fields[600], loc[512], tok[44], e[300], desk[128];
	xmlDocPtr d;
	char *v, *h, rid[64];
	struct hc *viewer = client();

	user_email(desk, sizeof desk, "desk");
	urlenc(desk, e, sizeof e);
	snprintf(fields, sizeof fields, "customer=%s&name=Front+Desk&email=%s", cool, e);
	ok(post_form(adm, CE, "/settings/customers/contacts", fields, NULL, NULL, 0) == 303,
	   "a contact of Cool Air");
	char *ct = sql1("SELECT id FROM customer_contacts WHERE email = '%s'", desk);
	char *g = sql1("SELECT id FROM portal_groups WHERE tenant_id = %s AND is_default = 1",
		       tenant_q);
	snprintf(fields, sizeof fields, "contact=%s&group=%s", ct ? ct : "0", g ? g : "0");
	ok(post_form(adm, CE, "/settings/customers/contacts/enable", fields, NULL, NULL, 0) == 303,
	   "enabled as a portal user");
	free(ct);
	free(g);

	snprintf(path, sizeof path, CE "?id=%s", cool);
	d = get_xml(adm, path, 200, "Cool Air's page");
	char x[300];
	snprintf(x, sizeof x, "string(//portal-users/user[email='%s']/@status)", e_rev);
	ok(xp_is(d, x, "revoked"), "lists its portal users: the revoked one Revoked");
	snprintf(x, sizeof x, "string(//portal-users/user[email='%s']/@status)", e_new);
	ok(xp_is(d, x, "not_invited"), "the one never invited Not invited");
	snprintf(x, sizeof x, "string(//portal-users/user[email='%s']/name)", desk);
	ok(xp_is(d, x, "Front Desk"), "the contact's name beside its user");
	snprintf(x, sizeof x, "string(//portal-users/user[email='%s']/group)", desk);
	ok(xp_is(d, x, "Customers"), "and the group");
	snprintf(x, sizeof x, "string-length(//portal-users/user[email='%s']/last-sign-in) = 20",
		 e_act);
	ok(xp_is(d, x, "true"), "and the last sign-in of one who signed in");
	snprintf(x, sizeof x, "count(//portal-users/user[email='boss-%s@coolair.example.com'])",
		 stamp);
	ok(xp_is(d, "count(//portal-users/user) > 6", "true") && xp_is(d, x, "1"),
	   "every user of the customer");
	xmlFreeDoc(d);
	h = get_html(adm, path, rid);
	snprintf(x, sizeof x, "<a href=\"/settings/client/portal-access/edit?id=%s\">%s</a>",
		 id_act, e_act);
	ok(h && strstr(h, x), "each links to the user's edit page");
	snprintf(x, sizeof x,
		 "<input type=\"hidden\" name=\"id\" value=\"%s\"><button type=\"submit\" "
		 "class=\"btn btn-small\" aria-label=\"Send password reset to %s\">Send "
		 "password reset</button>",
		 id_act, e_act);
	ok(h && strstr(h, "action=\"/settings/client/portal-access/send-reset\"") && strstr(h, x),
	   "with a \"Send password reset\" button (a POST form)");
	free(h);

	/* Send: the portal's reset mail, one transaction, audited. */
	snprintf(fields, sizeof fields, "id=%s", id_act);
	snprintf(path, sizeof path, CE "?id=%s&done=reset", cool);
	ok(post_form(adm, CE, PA "/send-reset", fields, NULL, loc, sizeof loc) == 303 &&
		   same(loc, path, "location"),
	   "Send password reset: 303 back to the customer's page");
	v = sql1("SELECT CONCAT((SELECT COUNT(*) FROM mail_outbox WHERE kind = 'reset' AND "
		 "to_addr = '%s'), '|', (SELECT COUNT(*) FROM one_time_tokens WHERE portal_user_id "
		 "= "
		 "%s AND purpose = 'reset_password' AND used_at IS NULL), '|', (SELECT COUNT(*) "
		 "FROM "
		 "audit_log WHERE action = 'portal_user.reset_sent' AND target LIKE '%%%s%%'))",
		 e_act, id_act, e_act);
	ok(same(v, "1|1|1", "mail|token|audit"),
	   "a reset mail queued, a live reset link, an audit entry");
	free(v);
	d = get_xml(adm, path, 200, "the customer's page after");
	ok(xp_is(d, "string(/page/notice[@kind='success'])",
		 "A password reset email is on its way to the portal user; earlier reset links no "
		 "longer work."),
	   "says it is on its way");
	xmlFreeDoc(d);
	ok(mail_link(e_act, "reset?token=", tok) == 0, "the mail arrives with its link");
	snprintf(path, sizeof path, "/portal/%s/reset?token=%s", slug, tok);
	{
		struct hc *u = client();
		d = get_xml(u, path, 200, "the reset link");
		ok(xp_is(d, "string(/page/set-password/@purpose)", "reset"),
		   "which opens the portal's password reset");
		xmlFreeDoc(d);
		hc_free(u);
	}

	/* Refused: revoked, portal off; another tenant's user; no CSRF; view only. */
	snprintf(fields, sizeof fields, "id=%s", id_rev);
	ok(post_form(adm, CE, PA "/send-reset", fields, &d, NULL, 0) == 409 &&
		   xp_is(d, "contains(string(/error/message), 'revoked')", "true"),
	   "a revoked user: 409, saying so");
	xmlFreeDoc(d);
	ok(set_portal(0) == 303, "(the portal off)");
	snprintf(fields, sizeof fields, "id=%s", id_act);
	ok(post_form(adm, CE, PA "/send-reset", fields, &d, NULL, 0) == 409 &&
		   xp_is(d, "contains(string(/error/message), 'Client Portal is off')", "true"),
	   "the portal off: 409, saying so");
	xmlFreeDoc(d);
	ok(set_portal(1) == 303, "(the portal on again)");
	v = sql1(
		"SELECT COUNT(*) FROM mail_outbox WHERE kind = 'reset' AND to_addr IN ('%s', '%s')",
		e_act, e_rev);
	ok(same(v, "1", "mails"), "neither queued a mail");
	free(v);
	char *theirs = sql1("SELECT id FROM portal_users WHERE tenant_id = %s AND email = '%s'",
			    other.tq, other.client);
	snprintf(fields, sizeof fields, "id=%s", theirs ? theirs : "0");
	free(theirs);
	ok(post_form(adm, CE, PA "/send-reset", fields, NULL, NULL, 0) == 404,
	   "another tenant's user: 404");
	{
		struct hc_resp r;
		snprintf(fields, sizeof fields, "id=%s", id_act);
		hc_req(adm, "POST", PA "/send-reset", "application/x-www-form-urlencoded", fields,
		       "Accept: application/xml", &r);
		ok(r.status == 403, "no CSRF token: 403");
		hc_resp_free(&r);
	}
	ok(hc_login(viewer, viewer_email, PW) == 303, "a view-only office user signs in");
	snprintf(fields, sizeof fields, "id=%s", id_act);
	ok(post_form(viewer, CE, PA "/send-reset", fields, NULL, NULL, 0) == 403, "view only: 403");
	snprintf(path, sizeof path, CE "?id=%s", cool);
	h = get_html(viewer, path, rid);
	ok(h && strstr(h, e_act) && !strstr(h, "Send password reset"),
	   "who sees the users but no button");
	free(h);
	v = sql1("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'reset' AND to_addr = '%s'", e_act);
	ok(same(v, "1", "mails"), "still one reset mail");
	free(v);
	hc_free(viewer);
}

/* ------------------------------------------------------------ issue 15 */

/* ABM Apartments' portal users, one in each invitation state, made by the
 * add form and the ledger moved as the mailer, a reminder, the user or
 * the clock would (SQL on portal_invitations: its triggers keep the
 * users' rows, sql/028). */
static char i_new[128], i_inv[128], i_rem[128], i_acc[128], i_exp[128], i_bnc[128];
static char *ii_new, *ii_inv, *ii_rem, *ii_acc, *ii_exp, *ii_bnc;

static void invitation_users(void)
{
	user_email(i_new, sizeof i_new, "abm-new");
	user_email(i_inv, sizeof i_inv, "abm-inv");
	user_email(i_rem, sizeof i_rem, "abm-rem");
	user_email(i_acc, sizeof i_acc, "abm-acc");
	user_email(i_exp, sizeof i_exp, "abm-exp");
	user_email(i_bnc, sizeof i_bnc, "abm-bnc");
	ok(set_portal(0) == 303 && add_user(i_new, abm, NULL, NULL) == 303 && set_portal(1) == 303,
	   "invitations: a user never invited");
	ok(add_user(i_inv, abm, NULL, NULL) == 303 && add_user(i_rem, abm, NULL, NULL) == 303 &&
		   add_user(i_acc, abm, NULL, NULL) == 303 &&
		   add_user(i_exp, abm, NULL, NULL) == 303 &&
		   add_user(i_bnc, abm, NULL, NULL) == 303,
	   "invitations: five users invited");
	ii_new = user_id(i_new);
	ii_inv = user_id(i_inv);
	ii_rem = user_id(i_rem);
	ii_acc = user_id(i_acc);
	ii_exp = user_id(i_exp);
	ii_bnc = user_id(i_bnc);
	free(sql1("UPDATE portal_invitations SET sent_at = NOW(6) WHERE portal_user_id IN (%s, "
		  "%s, %s, %s, %s)",
		  ii_inv, ii_rem, ii_acc, ii_exp, ii_bnc));
	free(sql1("UPDATE portal_invitations SET reminders = 1, reminded_at = NOW(6) WHERE "
		  "portal_user_id = %s",
		  ii_rem));
	free(sql1("UPDATE portal_invitations SET accepted_at = NOW(6) WHERE portal_user_id = %s",
		  ii_acc));
	free(sql1("UPDATE portal_invitations SET expires_at = NOW(6) - INTERVAL 1 HOUR WHERE "
		  "portal_user_id = %s",
		  ii_exp));
	free(sql1("UPDATE portal_invitations SET bounced_at = NOW(6), bounce_answer = '550 5.1.1 "
		  "no such user' WHERE portal_user_id = %s",
		  ii_bnc));
	char *v = sql1("SELECT GROUP_CONCAT(inv_state ORDER BY email) FROM portal_users WHERE "
		       "customer_id = %s",
		       abm);
	/* By email: acc, bnc, exp, inv, new, rem. */
	ok(same(v, "3,4,5,1,0,2", "inv_state"),
	   "invitations: each user's row keeps its state (accepted, bounced, expired, invited, "
	   "not invited, reminded)");
	free(v);
}

/* The customer's page lists its users with their invitation state and the
 * Portal Access actions, each back to the page. */
static void test_customer_users(void)
{
	char path[300], fields[600], loc[512], x[400], rid[64], e[300];
	xmlDocPtr d;
	char *h;
	struct hc *viewer = client();

	invitation_users();
	snprintf(path, sizeof path, CE "?id=%s", abm);
	d = get_xml(adm, path, 200, "ABM's page");
	static const struct {
		const char *email, *state;
	} * w, want[] = {{i_new, "not_invited"}, {i_inv, "invited"}, {i_rem, "reminded"},
			 {i_acc, "accepted"},    {i_exp, "expired"}, {i_bnc, "bounced"}};
	int all = 1;
	for (w = want; w < want + 6; w++) {
		snprintf(x, sizeof x, "string(//portal-users/user[email='%s']/invitation/@state)",
			 w->email);
		if (!xp_is(d, x, w->state))
			all = 0;
	}
	ok(all, "the customer's page: each user's invitation state");
	snprintf(x, sizeof x,
		 "string-length(//portal-users/user[email='%s']/invitation/@sent) = 20 and "
		 "string-length(//portal-users/user[email='%s']/invitation/@expires) = 20",
		 i_inv, i_inv);
	ok(xp_is(d, x, "true"), "invited: when sent and when it expires");
	snprintf(x, sizeof x, "string(//portal-users/user[email='%s']/invitation/answer)", i_bnc);
	ok(xp_is(d, x, "550 5.1.1 no such user"), "bounced: the server's answer");
	ok(xp_is(d, "count(//portal-users/user) = 6", "true"), "every user of ABM, no other's");
	xmlFreeDoc(d);
	h = get_html(adm, path, rid);
	snprintf(x, sizeof x, "<a href=\"/settings/client/portal-access/edit?id=%s\">%s</a>",
		 ii_inv, i_inv);
	ok(h && strstr(h, x), "each links to the user's page");
	ok(h && strstr(h, "class=\"badge invitation-state invitation-bounced\">Bounced</span>") &&
		   strstr(h,
			  "class=\"badge invitation-state invitation-reminded\">Reminded</span>"),
	   "the states as labelled badges");
	ok(h && strstr(h, "action=\"/settings/client/portal-access/resend\"") &&
		   strstr(h, "<input type=\"hidden\" name=\"from\" value=\"customer\">") &&
		   strstr(h, "Revoke access") && strstr(h, "portal-access/delete?id="),
	   "with Resend invitation, Revoke access and Delete");
	free(h);

	/* Resend: a new invitation, audited, back to the page. */
	snprintf(fields, sizeof fields, "id=%s&from=customer", ii_exp);
	snprintf(path, sizeof path, CE "?id=%s&done=resent", abm);
	ok(post_form(adm, CE, PA "/resend", fields, NULL, loc, sizeof loc) == 303 &&
		   same(loc, path, "location"),
	   "Resend invitation: 303 back to the customer's page");
	ok(count_is("2", "SELECT COUNT(*) FROM portal_invitations WHERE portal_user_id = %s",
		    ii_exp) &&
		   count_is("1", "SELECT inv_state FROM portal_users WHERE id = %s", ii_exp),
	   "a new invitation: the expired user is invited again");
	ok(count_is("1",
		    "SELECT COUNT(*) FROM audit_log WHERE action = 'portal_user.resend_invitation' "
		    "AND target LIKE '%%%s%%'",
		    i_exp),
	   "audited");
	d = get_xml(adm, path, 200, "the page after resending");
	ok(xp_is(d, "string(/page/notice[@kind='success'])",
		 "A new invitation is on its way; earlier invitation links no longer work."),
	   "which says so");
	xmlFreeDoc(d);

	/* Revoke, then restore: the status only (reports kept), audited. */
	free(sql1("UPDATE portal_users SET email_reports = 1 WHERE id = %s", ii_acc));
	urlenc(i_acc, e, sizeof e);
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s&status=revoked&from=customer",
		 ii_acc, abm, e);
	snprintf(path, sizeof path, CE "?id=%s&done=user_saved", abm);
	ok(post_form(adm, CE, PA "/edit", fields, NULL, loc, sizeof loc) == 303 &&
		   same(loc, path, "location"),
	   "Revoke access: 303 back to the customer's page");
	ok(count_is("revoked", "SELECT status FROM portal_users WHERE id = %s", ii_acc) &&
		   count_is("1", "SELECT email_reports FROM portal_users WHERE id = %s", ii_acc),
	   "revoked, its report mails as they were");
	ok(count_is("1",
		    "SELECT COUNT(*) FROM audit_log WHERE action = 'portal_user.revoke' AND target "
		    "= "
		    "'%s'",
		    i_acc),
	   "audited as a revoke");
	snprintf(path, sizeof path, CE "?id=%s", abm);
	h = get_html(adm, path, rid);
	snprintf(x, sizeof x, "aria-label=\"Restore access of %s\">Restore access</button>", i_acc);
	ok(h && strstr(h, x), "the page now offers Restore access");
	free(h);
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s&status=active&from=customer",
		 ii_acc, abm, e);
	ok(post_form(adm, CE, PA "/edit", fields, NULL, NULL, 0) == 303 &&
		   count_is("active", "SELECT status FROM portal_users WHERE id = %s", ii_acc),
	   "Restore access: active again");
	snprintf(fields, sizeof fields, "id=%s&customer=%s&email=%s&status=revoked&from=nowhere",
		 ii_acc, abm, e);
	ok(post_form(adm, CE, PA "/edit", fields, NULL, NULL, 0) == 422 &&
		   count_is("active", "SELECT status FROM portal_users WHERE id = %s", ii_acc),
	   "a from that is not customer: 422, nothing changed");

	/* Delete: the confirmation names the user and goes back to the page. */
	snprintf(path, sizeof path, PA "/delete?id=%s&from=customer", ii_bnc);
	d = get_xml(adm, path, 200, "delete from the customer's page");
	snprintf(x, sizeof x, CE "?id=%s", abm);
	ok(xp_is(d, "string(//portal-user-delete/@back)", x) &&
		   xp_is(d, "string(//keep[@name='from']/@value)", "customer"),
	   "the confirmation's Cancel goes back to the customer's page, and so will the delete");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&from=customer", ii_bnc);
	snprintf(path, sizeof path, CE "?id=%s&done=deleted", abm);
	ok(post_form(adm, CE, PA "/delete", fields, NULL, loc, sizeof loc) == 303 &&
		   same(loc, path, "location"),
	   "Delete: 303 back to the customer's page");
	ok(count_is("0", "SELECT COUNT(*) FROM portal_users WHERE id = %s", ii_bnc),
	   "the user is gone");
	ok(count_is("1",
		    "SELECT COUNT(*) FROM audit_log WHERE action = 'portal_user.delete' AND target "
		    "LIKE '%%%s%%'",
		    i_bnc),
	   "audited");

	/* Another tenant's user: 404; no CSRF: 403; view only: 403, no buttons. */
	char *theirs = sql1("SELECT id FROM portal_users WHERE tenant_id = %s AND email = '%s'",
			    other.tq, other.client);
	snprintf(fields, sizeof fields, "id=%s&from=customer", theirs ? theirs : "0");
	ok(post_form(adm, CE, PA "/resend", fields, NULL, NULL, 0) == 404,
	   "resend another tenant's user: 404");
	snprintf(path, sizeof path, PA "/delete?id=%s&from=customer", theirs ? theirs : "0");
	ok(status_of(adm, "GET", path, NULL, "Accept: application/xml", NULL, 0) == 404,
	   "delete another tenant's user: 404");
	ok(post_form(adm, CE, PA "/delete", fields, NULL, NULL, 0) == 404 &&
		   count_is("1", "SELECT COUNT(*) FROM portal_users WHERE id = %s", theirs),
	   "and its POST: 404, the user still there");
	free(theirs);
	{
		struct hc_resp r;
		snprintf(fields, sizeof fields, "id=%s&from=customer", ii_inv);
		hc_req(adm, "POST", PA "/resend", "application/x-www-form-urlencoded", fields,
		       "Accept: application/xml", &r);
		ok(r.status == 403, "resend without the CSRF token: 403");
		hc_resp_free(&r);
	}
	ok(hc_login(viewer, viewer_email, PW) == 303, "a view-only office user signs in");
	ok(post_form(viewer, CE, PA "/resend", fields, NULL, NULL, 0) == 403,
	   "view only: resend 403");
	ok(count_is("1", "SELECT COUNT(*) FROM portal_invitations WHERE portal_user_id = %s",
		    ii_inv),
	   "none of those sent an invitation");
	snprintf(path, sizeof path, CE "?id=%s", abm);
	h = get_html(viewer, path, rid);
	ok(h && strstr(h, i_inv) && strstr(h, "Reminded") && !strstr(h, "Resend invitation") &&
		   !strstr(h, "Revoke access"),
	   "who sees the users and their invitations but no action");
	free(h);
	hc_free(viewer);
}

/* The Portal Access list's filter by invitation state, beside the status
 * filter, kept in the list's links. */
static void test_invitation_filter(void)
{
	static const struct {
		const char *key, *emails;
	} want[] = {{"not_invited", "abm=not_invited"},
		    {"invited", "abm=invited,abm=invited"},
		    {"reminded", "abm=invited"},
		    {"accepted", "abm=active"},
		    {"expired", ""},
		    {"bounced", ""}};
	char path[400], *v, *h, rid[64];
	xmlDocPtr d;

	/* What test_customer_users left: new (not invited), inv (invited),
	 * rem (reminded), acc (accepted, no password: Invited's status ...
	 * restored), exp (invited again), bnc deleted. */
	free(sql1("UPDATE portal_users SET password_hash = 'x' WHERE id = %s", ii_acc));
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		snprintf(path, sizeof path, PA "?sort=email&q=abm&invitation=%s", want[i].key);
		v = statuses(path);
		ok(same(v, want[i].emails, want[i].key), "the invitation filter %s: %s",
		   want[i].key, want[i].emails[0] ? want[i].emails : "none");
		free(v);
	}
	d = get_xml(adm, PA "?sort=email&q=abm&invitation=invited", 200, "invited");
	snprintf(path, sizeof path, "string(//rows/user[1]/email)");
	ok(xp_is(d, path, i_exp) && xp_is(d, "string(//list/@facet2-name)", "invitation") &&
		   xp_is(d, "string(//list/@facet2)", "invited"),
	   "invited: the users whose link is good (the one invited again after expiring too)");
	ok(xp_is(d, "contains(string(//list/@query), 'invitation=invited')", "true") &&
		   xp_is(d, "contains(string(//list/@query-clear), 'invitation=')", "false"),
	   "the filter is kept in the list's links and dropped by Clear filter");
	xmlFreeDoc(d);
	v = statuses(PA "?sort=email&q=abm&invitation=invited&status=active");
	ok(same(v, "", "invited and active"), "with the status filter too: both must hold");
	free(v);
	v = statuses(PA "?sort=email&q=abm&invitation=not_invited&status=not_invited");
	ok(same(v, "abm=not_invited", "not invited twice"), "not invited and Not invited: one");
	free(v);
	/* An invitation whose link ends with time (no write: the clock,
	 * played on the user's copy of the end): no longer Invited at once,
	 * Expired once the hourly sweep ran. */
	free(sql1("UPDATE portal_users SET inv_expires = NOW(6) - INTERVAL 1 MINUTE WHERE id = %s",
		  ii_inv));
	ok(count_is("1", "SELECT inv_state FROM portal_users WHERE id = %s", ii_inv),
	   "(its row still says invited)");
	v = statuses(PA "?sort=email&q=abm&invitation=invited");
	ok(same(v, "abm=invited", "invited after expiry"),
	   "an invitation ended: no longer listed as Invited");
	free(v);
	ctl("invitations remind", NULL);
	v = statuses(PA "?sort=email&q=abm&invitation=expired");
	ok(same(v, "abm=invited", "expired"), "and Expired after gatehouse-ctl invitations remind");
	free(v);
	ok(count_is("5", "SELECT inv_state FROM portal_users WHERE id = %s", ii_inv),
	   "its row says expired (5)");
	ok(count_is(
		   "1",
		   "SELECT COUNT(*) FROM audit_log WHERE action = 'portal_user.invitation_expired' "
		   "AND target_id = %s AND actor_kind = 'system' AND new_value = 'expired'",
		   ii_inv),
	   "with an audit entry of the system's");
	ok(get_status(adm, PA "?invitation=lost") == 400, "an unknown invitation state: 400");
	h = get_html(adm, PA "?invitation=reminded", rid);
	ok(h && strstr(h, "<select id=\"list-invitation\" name=\"invitation\">") &&
		   strstr(h, "<option value=\"reminded\" selected=\"selected\">Reminded</option>"),
	   "the filter bar has an invitation select, the current state chosen");
	free(h);
	d = get_xml(adm, PA "?invitation=bounced&q=abm", 200, "bounced none");
	ok(xp_is(d, "string(//list/@total)", "0"), "bounced: none left (deleted)");
	xmlFreeDoc(d);
}

/* ------------------------------------------------------------ item 19 */

static void test_flash_and_select(void)
{
	char emails[3][128], ids[3][16], path[800], fields[1200], loc[1024], rid[64];
	xmlDocPtr d;
	char *h, *v;
	int on, all;

	for (int i = 0; i < 3; i++) {
		char role[16];
		snprintf(role, sizeof role, "del%c", 'a' + i);
		user_email(emails[i], sizeof emails[i], role);
		add_user(emails[i], abm, NULL, NULL);
		id_of(ids[i], "SELECT id FROM portal_users WHERE email = '%s'", emails[i]);
	}
	/* Select all on this page, without JavaScript. */
	snprintf(path, sizeof path, PA "?q=del&status=invited&sort=email&dir=desc");
	h = get_html(adm, path, rid);
	ticked(h ? h : "", &on, &all);
	ok(all == 3 && on == 0, "the list of three: none ticked (%d of %d)", on, all);
	ok(h && strstr(h,
		       "<button type=\"submit\" class=\"btn btn-small\" name=\"select\" "
		       "value=\"all\" formaction=\"/settings/client/portal-access\">Select all on "
		       "this page</button>"),
	   "a \"Select all on this page\" submit button (for browsers without JavaScript)");
	ok(h && strstr(h,
		       "<form id=\"portal-users-form\" class=\"list-form\" method=\"get\" "
		       "action=\"/settings/client/portal-access/delete\"><input type=\"hidden\" "
		       "name=\"sort\" value=\"email\"><input type=\"hidden\" name=\"dir\" "
		       "value=\"desc\"><input type=\"hidden\" name=\"q\" value=\"del\"><input "
		       "type=\"hidden\" name=\"status\" value=\"invited\"><input type=\"hidden\" "
		       "name=\"per\" value=\"10\">"),
	   "the list's form carries its view (sort, dir, q, status, per)");
	free(h);
	snprintf(path, sizeof path,
		 PA "?sort=email&dir=desc&q=del&status=invited&per=10&select=all&id=%s", ids[0]);
	h = get_html(adm, path, rid);
	ticked(h ? h : "", &on, &all);
	ok(all == 3 && on == 3, "what it sends: the same page, every row ticked (%d of %d)", on,
	   all);
	free(h);
	d = get_xml(adm, PA "?select=some", 400, "select other than all: 400");
	xmlFreeDoc(d);

	/* The confirmation: Cancel goes back to the same view, on the same
	 * page (its cursor, from the list's Next link). */
	{
		char cur[LIST_CURSOR_MAX], want[1024], html[1400];
		struct list_view lv;
		const char *key[1] = {emails[1]};
		size_t len[1] = {strlen(emails[1])};

		/* A cursor as the list makes them (list.c): after the second
		 * user, in the email order descending. */
		memset(&lv, 0, sizeof lv);
		lv.sort = 1;
		lv.desc = 1;
		ok(list_cursor(&lv, key, len, 1, cur) == 0, "a cursor of the view's order");
		snprintf(path, sizeof path,
			 PA "/delete?sort=email&dir=desc&q=del&status=invited&per=25&after=%s&at=11"
			    "&id=%s&id=%s",
			 cur, ids[0], ids[1]);
		snprintf(want, sizeof want,
			 PA "?sort=email&dir=desc&q=del&status=invited&per=25&after=%s&at=11", cur);
		d = get_xml(adm, path, 200, "the delete confirmation from a filtered view");
		ok(xp_is(d, "string(//portal-user-delete/@back)", want) &&
			   xp_is(d, "count(//keep)", "7"),
		   "Cancel: the list with the same sort, filter, status, page size and page");
		xmlFreeDoc(d);
		h = get_html(adm, path, rid);
		snprintf(html, sizeof html,
			 "<a class=\"btn\" href=\"" PA "?sort=email&amp;dir=desc&amp;q=del&amp;"
			 "status=invited&amp;per=25&amp;after=%s&amp;at=11\">Cancel</a>",
			 cur);
		ok(h && strstr(h, html) &&
			   strstr(h, "<input type=\"hidden\" name=\"status\" value=\"invited\">"),
		   "the Cancel link, and the view in the form's hidden fields");
		free(h);
	}
	d = get_xml(adm, PA "/delete?sort=bogus&id=1", 400, "a bad view: 400");
	xmlFreeDoc(d);

	/* Delete two: a counted notice, the same view. */
	snprintf(fields, sizeof fields,
		 "sort=email&dir=desc&q=del&status=invited&per=25&id=%s&id=%s", ids[0], ids[1]);
	ok(post_form(adm, PA, PA "/delete", fields, NULL, loc, sizeof loc) == 303 &&
		   same(loc, PA "?sort=email&dir=desc&q=del&status=invited&per=25&done=deleted&n=2",
			"location"),
	   "delete two: back to the same view");
	d = get_xml(adm, loc, 200, "the list after");
	ok(xp_is(d, "string(/page/notice[@kind='success'])", "2 portal users deleted.") &&
		   xp_is(d, "string(//list/@facet)", "invited") &&
		   xp_is(d, "string(//list/@filter)", "del"),
	   "\"2 portal users deleted.\", the view as it was");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s", ids[2]);
	ok(post_form(adm, PA, PA "/delete", fields, NULL, loc, sizeof loc) == 303, "delete one");
	d = get_xml(adm, loc, 200, "the list after");
	ok(xp_is(d, "string(/page/notice[@kind='success'])", "1 portal user deleted."),
	   "\"1 portal user deleted.\" (singular)");
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "sort=bogus&id=%s", id_new);
	ok(post_form(adm, PA, PA "/delete", fields, NULL, NULL, 0) == 400, "a bad view: 400");
	v = sql1("SELECT COUNT(*) FROM portal_users WHERE id = %s", id_new);
	ok(same(v, "1", "count"), "and nothing deleted");
	free(v);

	/* Enable portal access in bulk: counted notices. */
	ok(post_form(adm, "/settings/customers", CE, "name=The+Loop", NULL, NULL, 0) == 303 &&
		   post_form(adm, "/settings/customers", CE,
			     "name=Anderson+Windows&email=info%40andersonwindows.example.com", NULL,
			     NULL, 0) == 303,
	   "customers The Loop (no email) and Anderson Windows");
	char loop[16], anderson[16], q[300];
	snprintf(q, sizeof q, "SELECT id FROM customers WHERE tenant_id = %s AND name = '%%s'",
		 tenant_q);
	id_of(loop, q, "The Loop");
	id_of(anderson, q, "Anderson Windows");
	char *g = sql1("SELECT id FROM portal_groups WHERE tenant_id = %s AND is_default = 1",
		       tenant_q);
	snprintf(fields, sizeof fields, "id=%s&id=%s&group=%s", loop, anderson, g ? g : "0");
	ok(post_form(adm, "/settings/customers", "/settings/customers/enable-portal", fields, &d,
		     NULL, 0) == 200 &&
		   xp_is(d, "string(/page/notice[1])", "1 portal user added and invited.") &&
		   xp_is(d, "string(/page/notice[2])", "1 customer skipped: no primary email."),
	   "bulk enable: \"1 portal user added and invited.\", \"1 customer skipped: no primary "
	   "email.\"");
	xmlFreeDoc(d);
	ok(post_form(adm, "/settings/customers", "/settings/customers/enable-portal", fields, &d,
		     NULL, 0) == 200 &&
		   xp_is(d, "string(/page/notice[1])", "No portal user was added.") &&
		   xp_is(d, "string(/page/notice[3])",
			 "1 customer skipped: the email has portal access already."),
	   "again: nothing added, each skip counted");
	xmlFreeDoc(d);
	free(g);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	xmlInitParser();
	test_env();
	setup();
	test_status();
	test_colleagues();
	test_company_change();
	test_add_sites();
	test_customer_page();
	test_customer_users();
	test_invitation_filter();
	test_flash_and_select();
	hc_free(adm);
	free(id_new);
	free(id_inv);
	free(id_act);
	free(id_rev);
	free(id_lock);
	free(ii_new);
	free(ii_inv);
	free(ii_rem);
	free(ii_acc);
	free(ii_exp);
	free(ii_bnc);
	xmlCleanupParser();
	curl_global_cleanup();
	return done_testing();
}
