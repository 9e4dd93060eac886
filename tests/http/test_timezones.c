/* Dates and times in the viewer's time zone (issue 12.17): the tenant's,
 * chosen in Portal Access Settings, by default; a portal user's own when
 * they choose one on their account page.  This file makes its own tenant,
 * customer and portal user. */
#include "config.h"

#include <time.h>

#include "common.h"

static struct fx fx;
static char slug[64], admin[128], client_email[128];

static void setup(void)
{
	ok(fx_make(&fx, "tz", "Zone Field Services", 0) == 0, "a tenant of our own");
	snprintf(slug, sizeof slug, "%s", fx.slug);
	snprintf(admin, sizeof admin, "%s", fx.admin);
	snprintf(client_email, sizeof client_email, "client@%s.example.com", slug);
	free(sql1("UPDATE tenants SET portal_enabled = 1 WHERE slug = '%s'", slug));
	free(sql1("INSERT INTO customers (tenant_id, name, primary_email) SELECT id, 'Cool Air', "
		  "'office@coolair.example.com' FROM tenants WHERE slug = '%s'",
		  slug));
	free(sql1("INSERT INTO portal_users (tenant_id, customer_id, company_name, email, "
		  "password_hash, password_set_at, last_sign_in_at) SELECT t.id, c.id, c.name, "
		  "'%s', (SELECT password_hash FROM office_users WHERE email = '%s'), "
		  "NOW(6), '2026-01-15 17:00:00' FROM tenants t JOIN customers c ON c.tenant_id = "
		  "t.id WHERE t.slug = '%s'",
		  client_email, admin, slug));
	char *v = sql1("SELECT COUNT(*) FROM portal_users WHERE email = '%s'", client_email);
	ok(v && strcmp(v, "1") == 0, "a customer and a portal user who last signed in at "
				     "2026-01-15 17:00 UTC");
	free(v);
}

static char *html(struct hc *h, const char *path)
{
	struct hc_resp r;
	char *b = NULL;
	if (hc_get(h, path, &r) == 0 && r.status == 200 && r.body)
		b = strdup(r.body);
	hc_resp_free(&r);
	return b ? b : strdup("");
}

static void test_tenant_zone(void)
{
	struct hc *h = client();
	xmlDocPtr d;
	char *b, fields[200], list[300];
	long st;

	ok(hc_login(h, admin, PW) == 303, "the tenant's admin signs in");
	d = get_xml(h, "/settings/client/portal-access-settings", 200, "Portal Access Settings");
	ok(xp_is(d, "string(/page/@tz)", "UTC") &&
		   xp_is(d, "string(/page/portal-settings/time-zone)", "UTC"),
	   "a new tenant's zone is UTC, and the page says so");
	ok(xp_is(d,
		 "count(/page/portal-settings/time-zones/zone[. = 'America/New_York']) = 1 and "
		 "count(/page/portal-settings/time-zones/zone) > 300",
		 "true"),
	   "the zones offered: the IANA list");
	xmlFreeDoc(d);
	snprintf(list, sizeof list, "/settings/client/portal-access?q=%s", client_email);
	b = html(h, list);
	ok(strstr(b, "2026-01-15 17:00 UTC") != NULL, "the list shows the last sign-in in UTC");
	free(b);

	st = post_form(h, "/settings/client/portal-access-settings",
		       "/settings/client/portal-access-settings",
		       "enabled=1&frame_origins=&time_zone=Mars%2FOlympus_Mons", &d, NULL, 0);
	ok(st == 422 && d && hc_valid(d) &&
		   xp_is(d, "string(/page/form/field[@name='time_zone']/@error)",
			 "Choose a time zone from the list."),
	   "a zone that is not on the list: 422 with a message (%ld)", st);
	xmlFreeDoc(d);
	st = post_form(h, "/settings/client/portal-access-settings",
		       "/settings/client/portal-access-settings",
		       "enabled=1&frame_origins=&time_zone=..%2F..%2Fetc%2Fpasswd", NULL, NULL, 0);
	ok(st == 422, "nor a path (%ld)", st);

	snprintf(fields, sizeof fields, "enabled=1&frame_origins=&time_zone=America%%2FNew_York");
	st = post_form(h, "/settings/client/portal-access-settings",
		       "/settings/client/portal-access-settings", fields, NULL, NULL, 0);
	ok(st == 303, "the tenant's zone set to America/New_York (%ld)", st);
	d = get_xml(h, "/settings/client/portal-access", 200, "the Portal Access list");
	ok(xp_is(d, "string(/page/@tz)", "America/New_York"), "pages now carry the zone");
	xmlFreeDoc(d);
	b = html(h, list);
	ok(strstr(b, ">2026-01-15 12:00 EST</time>") != NULL &&
		   strstr(b, "datetime=\"2026-01-15T17:00:00Z\"") != NULL,
	   "17:00 UTC in January is shown as 12:00 EST (the instant kept in datetime)");
	free(b);
	free(sql1("UPDATE portal_users SET last_sign_in_at = '2026-07-01 16:00:00' WHERE email = "
		  "'%s'",
		  client_email));
	b = html(h, list);
	ok(strstr(b, ">2026-07-01 12:00 EDT</time>") != NULL,
	   "16:00 UTC in July is 12:00 EDT: summer time follows the zone's rules");
	free(b);
	char *v = sql1("SELECT new_value FROM audit_log WHERE action = 'tenant.time_zone' AND "
		       "target = '%s' ORDER BY id DESC LIMIT 1",
		       slug);
	ok(v && strcmp(v, "America/New_York") == 0, "the change is audited");
	free(v);
	/* A form from before the zone existed leaves it as it is. */
	st = post_form(h, "/settings/client/portal-access-settings",
		       "/settings/client/portal-access-settings", "enabled=1&frame_origins=", NULL,
		       NULL, 0);
	d = get_xml(h, "/settings/client/portal-access-settings", 200, "settings again");
	ok(st == 303 && xp_is(d, "string(/page/portal-settings/time-zone)", "America/New_York"),
	   "a save without the field keeps the zone");
	xmlFreeDoc(d);
	hc_free(h);
}

static void test_own_zone(void)
{
	struct hc *c = client();
	char path[200], acct[200];
	xmlDocPtr d;
	long st;
	char *b;

	ok(portal_login(c, slug, client_email, PW, NULL, 0) == 303, "the client signs in");
	snprintf(acct, sizeof acct, "/portal/%s/account", slug);
	d = get_xml(c, acct, 200, "the client's account page");
	ok(xp_is(d, "string(/page/@tz)", "America/New_York") &&
		   xp_is(d, "string(/page/portal-account/time-zone/@own)", "") &&
		   xp_is(d, "string(/page/portal-account/time-zone/@tenant)", "America/New_York"),
	   "a client sees the company's zone until they choose their own");
	xmlFreeDoc(d);
	snprintf(path, sizeof path, "/portal/%s/account/time-zone", slug);
	st = post_form(c, acct, path, "time_zone=Asia%2FKolkata", NULL, NULL, 0);
	ok(st == 303, "the client chooses Asia/Kolkata (%ld)", st);
	d = get_xml(c, acct, 200, "the account page again");
	ok(xp_is(d, "string(/page/@tz)", "Asia/Kolkata"), "their pages carry their own zone");
	xmlFreeDoc(d);
	b = html(c, acct);
	ok(strstr(b, " IST</time>") != NULL, "their sessions are shown in IST");
	free(b);
	st = post_form(c, acct, path, "time_zone=Nowhere", NULL, NULL, 0);
	ok(st == 422, "a zone off the list: 422 (%ld)", st);
	st = post_form(c, acct, path, "time_zone=", NULL, NULL, 0);
	d = get_xml(c, acct, 200, "after choosing the company's zone");
	ok(st == 303 && xp_is(d, "string(/page/@tz)", "America/New_York"),
	   "choosing the company's zone again follows the tenant");
	xmlFreeDoc(d);
	hc_free(c);
}

/* An office user's own zone, on their account page. */
static void test_office_own_zone(void)
{
	struct hc *h = client();
	xmlDocPtr d;
	char list[300], *b;
	long st;

	ok(hc_login(h, admin, PW) == 303, "the admin signs in again");
	d = get_xml(h, "/settings/account", 200, "the admin's account page");
	ok(xp_is(d, "string(/page/office-account/time-zone/@own)", "") &&
		   xp_is(d, "string(/page/office-account/time-zone/@tenant)", "America/New_York"),
	   "the office user follows the tenant's zone until they choose");
	xmlFreeDoc(d);
	st = post_form(h, "/settings/account", "/settings/account/time-zone",
		       "time_zone=Europe%2FBerlin", NULL, NULL, 0);
	ok(st == 303, "the admin chooses Europe/Berlin (%ld)", st);
	snprintf(list, sizeof list, "/settings/client/portal-access?q=%s", client_email);
	d = get_xml(h, list, 200, "the list, as the admin");
	ok(xp_is(d, "string(/page/@tz)", "Europe/Berlin"), "their pages carry their zone");
	xmlFreeDoc(d);
	free(sql1("UPDATE portal_users SET last_sign_in_at = '2026-07-01 16:00:00' WHERE email = "
		  "'%s'",
		  client_email));
	b = html(h, list);
	ok(strstr(b, ">2026-07-01 18:00 CEST</time>") != NULL,
	   "16:00 UTC in July shows as 18:00 CEST to them");
	free(b);
	st = post_form(h, "/settings/account", "/settings/account/time-zone", "time_zone=Mars",
		       NULL, NULL, 0);
	ok(st == 422, "a zone off the list: 422 (%ld)", st);
	st = post_form(h, "/settings/account", "/settings/account/time-zone", "time_zone=", NULL,
		       NULL, 0);
	d = get_xml(h, list, 200, "after choosing the company's zone");
	ok(st == 303 && xp_is(d, "string(/page/@tz)", "America/New_York"),
	   "the company's zone again");
	xmlFreeDoc(d);
	hc_free(h);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	xmlInitParser();
	test_env();
	throttle_reset();
	setup();
	test_tenant_zone();
	test_own_zone();
	test_office_own_zone();
	xmlCleanupParser();
	curl_global_cleanup();
	return done_testing();
}
