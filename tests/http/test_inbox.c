/* HTTP tests of the office's inbox (issue 15; fcgi/settings/inbox.c,
 * sql/029) against the real stack: a client's Pay, Approve and Request
 * service in the portal each make an item the office sees with the client,
 * the time and a link to the record, counted in the menu ("Inbox (N)",
 * "99+" past 99); the filter by state and kind; the pages (a cursor each
 * way); Mark handled for one item and for ticked ones, audited; the roles
 * (View sees, Edit marks), CSRF, bad input and another tenant's items
 * (404).  Each test makes a tenant of its own (common.h, fx_make).  Every
 * XML answer is schema-checked. */
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

#define INBOX "/settings/inbox"

static struct fx fx, other;
static char *cid, *puid, *inv, *est, *job;

#define P(rest) fxp(&fx, rest)

/* The menu's count on d ("" when none shown). */
static int menu_count_is(xmlDocPtr d, const char *want)
{
	return xp_is(d, "string(//menu/section/item[@id='inbox']/@count)", want);
}

/* A record of the demo's ABM Apartments of kind in status (caller frees). */
static char *abm_record(const struct fx *f, const char *kind, const char *status)
{
	return sql1("SELECT MIN(r.id) FROM customer_records r JOIN customers c ON c.id = "
		    "r.customer_id WHERE r.tenant_id = %s AND c.name = 'ABM Apartments' AND "
		    "r.kind = '%s' AND r.status = '%s' AND r.site_id IS NOT NULL",
		    f->tq, kind, status);
}

/* The tenant: the demo's staff, customers, records and client, the client's
 * group granted the three actions. */
static int setup(struct fx *f, const char *prefix)
{
	if (fx_make(f, prefix, "Inbox Field Services",
		    FX_STAFF | FX_CUSTOMERS | FX_RECORDS | FX_PORTAL_ON) != 0)
		return -1;
	free(sql1("UPDATE portal_groups g JOIN portal_users u ON u.group_id = g.id SET g.perms = "
		  "'invoices_view,invoices_pay,estimates_view,estimates_approve,jobs_view,jobs_"
		  "request,sites_view' WHERE u.tenant_id = %s AND u.email = '%s'",
		  f->tq, f->client));
	return 0;
}

/* The client's three actions, then the office's view of them. */
static void test_items(void)
{
	struct hc *u = client(), *a = client();
	char body[400], want[400], day[16], path[300], *v, *html;
	time_t t = time(NULL);
	struct tm tm;
	xmlDocPtr d;

	if (!ok(setup(&fx, "inbox") == 0, "a tenant of its own"))
		goto out;
	cid = fx_customer(&fx, "ABM Apartments");
	puid = sql1("SELECT id FROM portal_users WHERE tenant_id = %s AND email = '%s'", fx.tq,
		    fx.client);
	inv = abm_record(&fx, "invoice", "open");
	est = abm_record(&fx, "estimate", "sent");
	ok(hc_login(a, fx.admin, PW) == 303, "the Super Admin signs in");
	d = get_xml(a, INBOX, 200, "the empty inbox");
	ok(xp_is(d, "count(//inbox/items/item)", "0") && xp_is(d, "string(//inbox/@count)", "0") &&
		   xp_is(d, "string(//inbox/@state)", "open"),
	   "nothing open");
	ok(menu_count_is(d, "") &&
		   xp_is(d, "string(//menu/section[item/@id='inbox']/@label)", "Client"),
	   "the menu's Inbox, in Client, counts nothing");
	xmlFreeDoc(d);

	ok(portal_login(u, fx.slug, fx.client, PW, NULL, 0) == 303, "the client signs in");
	snprintf(body, sizeof body, "action=pay&id=%s", inv);
	ok(post_form(u, P("home"), P("invoices"), body, NULL, NULL, 0) == 303, "Pay: 303");
	d = get_xml(a, INBOX, 200, "the inbox after Pay");
	ok(menu_count_is(d, "1"), "the menu counts 1");
	xmlFreeDoc(d);
	snprintf(body, sizeof body, "action=approve&id=%s", est);
	ok(post_form(u, P("home"), P("estimates"), body, NULL, NULL, 0) == 303, "Approve: 303");
	gmtime_r(&t, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	snprintf(body, sizeof body, "action=request&date=%s&description=Noisy+fan", day);
	ok(post_form(u, P("home"), P("jobs"), body, NULL, NULL, 0) == 303, "Request service: 303");
	job = sql1("SELECT MAX(id) FROM customer_records WHERE customer_id = %s AND kind = 'job'",
		   cid);
	/* An action refused makes no item. */
	snprintf(body, sizeof body, "action=pay&id=%s", inv);
	ok(post_form(u, P("home"), P("invoices"), body, NULL, NULL, 0) == 409,
	   "paying it again: 409");
	ok(count_is("3", "SELECT COUNT(*) FROM office_inbox WHERE tenant_id = %s", fx.tq),
	   "three items written, none for the refused action");

	d = get_xml(a, INBOX, 200, "the inbox with three items");
	ok(xp_is(d, "count(//inbox/items/item)", "3") && xp_is(d, "string(//inbox/@count)", "3"),
	   "three open items");
	ok(xp_is(d, "string(//inbox/items/item[1]/@kind)", "job_request") &&
		   xp_is(d, "string(//inbox/items/item[2]/@kind)", "estimate_approve") &&
		   xp_is(d, "string(//inbox/items/item[3]/@kind)", "invoice_pay"),
	   "newest first: the request, the approval, the payment");
	ok(xp_is(d, "string(//inbox/items/item[3]/customer)", "ABM Apartments") &&
		   xp_is(d, "string(//inbox/items/item[3]/email)", fx.client) &&
		   xp_is(d, "string(//inbox/items/item[3]/@portal-user-id)", puid) &&
		   xp_is(d, "string(//inbox/items/item[3]/@customer-id)", cid),
	   "each names the client: the customer and the portal user");
	v = xp(d, "string(//inbox/items/item[3]/@when)");
	ok(strncmp(v, day, 10) == 0 && v[strlen(v) - 1] == 'Z', "and the time (%s, UTC)", v);
	free(v);
	ok(xp_is(d, "string(//inbox/items/item[3]/@record-id)", inv) &&
		   xp_is(d, "string(//inbox/items/item[3]/status)", "payment_pending"),
	   "the payment's record, payment pending");
	v = sql1("SELECT ref FROM customer_records WHERE id = %s", inv);
	snprintf(want, sizeof want, "/settings/customers/edit?id=%s&record=%s", cid, v);
	ok(xp_is(d, "string(//inbox/items/item[3]/@href)", want),
	   "links to the customer's page with the ref");
	free(v);
	v = sql1("SELECT ref FROM customer_records WHERE id = %s", job);
	ok(xp_is(d, "string(//inbox/items/item[1]/ref)", v) && strncmp(v, "REQ-", 4) == 0 &&
		   xp_is(d, "string(//inbox/items/item[1]/status)", "requested"),
	   "the request's record, REQ-<id>, requested");
	free(v);
	ok(menu_count_is(d, "3"), "the menu counts 3");
	xmlFreeDoc(d);
	/* The link opens. */
	v = sql1("SELECT ref FROM customer_records WHERE id = %s", inv);
	snprintf(path, sizeof path, "/settings/customers/edit?id=%s&record=%s", cid, v);
	free(v);
	ok(get_status(a, path) == 200, "the link opens the customer's page");
	/* In HTML, the menu says it. */
	{
		struct hc_resp r;
		ok(hc_req(a, "GET", "/settings/customers", NULL, NULL, NULL, &r) == 0 &&
			   r.status == 200 && r.body != NULL &&
			   strstr(r.body, "Inbox <span class=\"nav-count\">(3)</span>") != NULL,
		   "every settings page's menu shows Inbox (3)");
		hc_resp_free(&r);
		html = NULL;
	}

	/* The filter. */
	d = get_xml(a, INBOX "?kind=invoice_pay", 200, "only payments");
	ok(xp_is(d, "count(//inbox/items/item)", "1") &&
		   xp_is(d, "string(//inbox/items/item/@kind)", "invoice_pay") &&
		   xp_is(d, "string(//inbox/@kind)", "invoice_pay"),
	   "kind=invoice_pay: the payment alone");
	xmlFreeDoc(d);
	d = get_xml(a, INBOX "?state=handled", 200, "handled");
	ok(xp_is(d, "count(//inbox/items/item)", "0"), "state=handled: none yet");
	xmlFreeDoc(d);
	d = get_xml(a, INBOX "?state=all&kind=job_request", 200, "all requests");
	ok(xp_is(d, "count(//inbox/items/item)", "1"), "state=all&kind=job_request: the request");
	xmlFreeDoc(d);
	ok(get_status(a, INBOX "?state=closed") == 400, "an unknown state: 400");
	ok(get_status(a, INBOX "?kind=refund") == 400, "an unknown kind: 400");
	ok(get_status(a, INBOX "?older=2026") == 400, "a damaged cursor: 400");
out:
	(void)html;
	hc_free(u);
	hc_free(a);
}

/* Roles, CSRF, another tenant's ids, Mark handled for one and ticked. */
static void test_handle(void)
{
	struct hc *a = client(), *e = client(), *vw = client(), *o = client();
	char body[400], loc[400], *ids[3], *oid = NULL, *n0, *n1;
	xmlDocPtr d;

	if (!ok(inv != NULL && job != NULL, "handle: the items of the first test"))
		goto out;
	ids[0] = sql1("SELECT id FROM office_inbox WHERE record_id = %s", job);
	ids[1] = sql1("SELECT id FROM office_inbox WHERE record_id = %s", est);
	ids[2] = sql1("SELECT id FROM office_inbox WHERE record_id = %s", inv);
	ok(hc_login(a, fx.admin, PW) == 303 && hc_login(e, fx.editor, PW) == 303 &&
		   hc_login(vw, fx.viewer, PW) == 303,
	   "admin, editor and viewer sign in");

	/* View: sees, cannot mark. */
	d = get_xml(vw, INBOX, 200, "the viewer's inbox");
	ok(xp_is(d, "count(//inbox/items/item)", "3") &&
		   xp_is(d, "string(//inbox/@editable)", "0") && menu_count_is(d, "3"),
	   "a viewer sees the three items, the count, and may not mark them");
	xmlFreeDoc(d);
	snprintf(body, sizeof body, "one=%s", ids[0]);
	ok(post_form(vw, INBOX, INBOX, body, NULL, NULL, 0) == 403, "a viewer's Mark handled: 403");
	/* CSRF. */
	{
		struct hc_resp r;
		ok(hc_req(e, "POST", INBOX, "application/x-www-form-urlencoded", body,
			  "Accept: application/xml", &r) == 0 &&
			   r.status == 403,
		   "without the CSRF token: 403");
		hc_resp_free(&r);
	}
	ok(count_is("3",
		    "SELECT COUNT(*) FROM office_inbox WHERE tenant_id = %s AND handled_at IS "
		    "NULL",
		    fx.tq),
	   "nothing handled by those");

	/* Another tenant's item. */
	if (ok(setup(&other, "inbox-other") == 0, "another tenant")) {
		struct hc *u = client();
		char *oinv = abm_record(&other, "invoice", "open");
		ok(portal_login(u, other.slug, other.client, PW, NULL, 0) == 303 &&
			   (snprintf(body, sizeof body, "action=pay&id=%s", oinv),
			    post_form(u, fxp(&other, "home"), fxp(&other, "invoices"), body, NULL,
				      NULL, 0) == 303),
		   "its client pays an invoice");
		oid = sql1("SELECT id FROM office_inbox WHERE record_id = %s", oinv);
		free(oinv);
		hc_free(u);
		ok(hc_login(o, other.admin, PW) == 303, "its admin signs in");
		d = get_xml(o, INBOX, 200, "the other tenant's inbox");
		ok(xp_is(d, "count(//inbox/items/item)", "1") && menu_count_is(d, "1"),
		   "it sees its own item only");
		xmlFreeDoc(d);
		d = get_xml(a, INBOX "?state=all", 200, "this tenant's inbox");
		ok(xp_is(d, "count(//inbox/items/item)", "3"), "and this tenant sees none of it");
		xmlFreeDoc(d);
		snprintf(body, sizeof body, "one=%s", oid ? oid : "0");
		ok(post_form(e, INBOX, INBOX, body, NULL, NULL, 0) == 404,
		   "marking another tenant's item: 404");
		snprintf(body, sizeof body, "item=%s&item=%s", ids[1], oid ? oid : "0");
		ok(post_form(e, INBOX, INBOX, body, NULL, NULL, 0) == 404,
		   "ticking one of ours and another tenant's: 404");
		ok(count_is("3",
			    "SELECT COUNT(*) FROM office_inbox WHERE tenant_id = %s AND handled_at "
			    "IS NULL",
			    fx.tq) &&
			   count_is(
				   "1",
				   "SELECT COUNT(*) FROM office_inbox WHERE id = %s AND handled_at "
				   "IS NULL",
				   oid ? oid : "0"),
		   "nothing half-written: every item still open");
	}
	ok(post_form(e, INBOX, INBOX, "state=open", NULL, NULL, 0) == 422, "nothing ticked: 422");
	ok(post_form(e, INBOX, INBOX, "one=abc", NULL, NULL, 0) == 422, "a bad id: 422");

	/* One. */
	n0 = sql1("SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
		  "'inbox.handle'",
		  fx.tq);
	snprintf(body, sizeof body, "one=%s&item=%s&state=open", ids[0], ids[1]);
	ok(post_form(e, INBOX, INBOX, body, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, INBOX "?done=handled") != NULL,
	   "the editor marks the request handled: 303 to the inbox (%s)", loc);
	n1 = sql1("SELECT COUNT(*) FROM office_inbox WHERE id = %s AND handled_at IS NOT NULL AND "
		  "handled_by_email = '%s'",
		  ids[0], fx.editor);
	ok(n1 != NULL && strcmp(n1, "1") == 0 &&
		   count_is("2",
			    "SELECT COUNT(*) FROM office_inbox WHERE tenant_id = %s AND handled_at "
			    "IS NULL",
			    fx.tq),
	   "that one alone is handled, by the editor (its own button, not the ticks)");
	free(n1);
	n1 = sql1("SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
		  "'inbox.handle' AND target LIKE 'job_request REQ-%%' AND target_kind = "
		  "'customer' AND old_value = 'open' AND new_value = 'handled'",
		  fx.tq);
	ok(n1 != NULL && atoi(n1) == 1 && n0 != NULL && atoi(n0) == 0,
	   "audited: inbox.handle, the item, on the customer");
	free(n1);
	d = get_xml(e, INBOX "?done=handled", 200, "after one");
	ok(xp_is(d, "count(//inbox/items/item)", "2") && menu_count_is(d, "2") &&
		   xp_is(d, "string(//notice)", "Marked handled."),
	   "two open items left, the menu counts 2, the notice says so");
	xmlFreeDoc(d);

	/* Ticked. */
	snprintf(body, sizeof body, "item=%s&item=%s&state=all&kind=", ids[1], ids[2]);
	ok(post_form(e, INBOX, INBOX, body, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "state=all") != NULL,
	   "the editor marks the two ticked: 303, back to the view (%s)", loc);
	ok(count_is("0",
		    "SELECT COUNT(*) FROM office_inbox WHERE tenant_id = %s AND handled_at IS NULL",
		    fx.tq),
	   "all handled");
	ok(count_is("3",
		    "SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
		    "'inbox.handle'",
		    fx.tq),
	   "an audit entry each");
	d = get_xml(a, INBOX, 200, "the inbox, all handled");
	ok(xp_is(d, "count(//inbox/items/item)", "0") && menu_count_is(d, ""),
	   "nothing open: the menu shows no count");
	xmlFreeDoc(d);
	d = get_xml(a, INBOX "?state=handled", 200, "the handled");
	ok(xp_is(d, "count(//inbox/items/item)", "3") &&
		   xp_is(d, "count(//inbox/items/item[@handled='1'])", "3") &&
		   xp_is(d, "string(//inbox/items/item[1]/handled-by)", fx.editor) &&
		   xp_is(d, "string-length(//inbox/items/item[1]/@handled-at)", "20"),
	   "state=handled: the three, with who and when");
	xmlFreeDoc(d);
	/* Again: nothing changes, nothing audited. */
	snprintf(body, sizeof body, "one=%s", ids[2]);
	ok(post_form(e, INBOX, INBOX, body, NULL, loc, sizeof loc) == 303 &&
		   strstr(loc, "done=already") != NULL,
	   "marking a handled item again: 303, already handled");
	ok(count_is("3",
		    "SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
		    "'inbox.handle'",
		    fx.tq),
	   "and no entry for it");
	d = get_xml(e, INBOX "?done=already", 200, "after a repeat");
	ok(xp_is(d, "string(//notice/@kind)", "info") &&
		   xp_is(d, "string(//notice)", "Already handled: nothing to do."),
	   "the inbox says there was nothing to do");
	xmlFreeDoc(d);
	for (int i = 0; i < 3; i++)
		free(ids[i]);
	free(n0);
out:
	free(oid);
	hc_free(a);
	hc_free(e);
	hc_free(vw);
	hc_free(o);
}

/* Pages of 25 by cursor both ways, and the menu's cap. */
static void test_pages(void)
{
	struct hc *a = client();
	char path[300], *older, *newer, *first;
	xmlDocPtr d, d2, d3;

	if (!ok(inv != NULL, "pages: the tenant of the first test"))
		goto out;
	/* 30 open items, a second apart, the newest now. */
	free(sql1(
		"INSERT INTO office_inbox (tenant_id, record_id, customer_id, portal_user_id, "
		"portal_user_email, kind, created_at) SELECT %s, %s, %s, NULL, 'gone@example.com', "
		"'invoice_pay', NOW(6) - INTERVAL seq SECOND FROM seq_1_to_30",
		fx.tq, inv, cid));
	ok(hc_login(a, fx.admin, PW) == 303, "pages: signed in");
	d = get_xml(a, INBOX "?per=25", 200, "the first page");
	ok(xp_is(d, "count(//inbox/items/item)", "25") &&
		   xp_is(d, "string(//inbox/@count)", "30") &&
		   xp_is(d, "string(//inbox/@newer)", "") && menu_count_is(d, "30"),
	   "25 of 30, no newer page, the menu counts 30");
	ok(xp_is(d, "string(//inbox/items/item[1]/email)", "gone@example.com") &&
		   xp_is(d, "string(//inbox/items/item[1]/@portal-user-id)", ""),
	   "an item whose user is gone still names them");
	first = xp(d, "string(//inbox/items/item[1]/@id)");
	older = xp(d, "string(//inbox/@older)");
	snprintf(path, sizeof path, INBOX "?per=25&older=%s", older);
	d2 = get_xml(a, path, 200, "the older page");
	ok(xp_is(d2, "count(//inbox/items/item)", "5") && xp_is(d2, "string(//inbox/@older)", ""),
	   "the last 5, no older page");
	newer = xp(d2, "string(//inbox/@newer)");
	snprintf(path, sizeof path, INBOX "?per=25&newer=%s", newer);
	d3 = get_xml(a, path, 200, "back to the newer page");
	ok(xp_is(d3, "count(//inbox/items/item)", "25") &&
		   xp_is(d3, "string(//inbox/items/item[1]/@id)", first),
	   "back: the same first page, newest first");
	xmlFreeDoc(d);
	xmlFreeDoc(d2);
	xmlFreeDoc(d3);
	free(first);
	free(older);
	free(newer);
	/* Past 99 the menu says 99+. */
	free(sql1(
		"INSERT INTO office_inbox (tenant_id, record_id, customer_id, portal_user_id, "
		"portal_user_email, kind, created_at) SELECT %s, %s, %s, NULL, 'gone@example.com', "
		"'job_request', NOW(6) - INTERVAL 1 HOUR - INTERVAL seq SECOND FROM seq_1_to_80",
		fx.tq, inv, cid));
	d = get_xml(a, INBOX "?kind=job_request", 200, "110 open items");
	ok(menu_count_is(d, "99+") && xp_is(d, "string(//inbox/@count)", "80"),
	   "the menu says 99+; the view counts its own (80)");
	xmlFreeDoc(d);
	/* The menu's count is kept (sql/029's triggers): items gone by any
	 * way are counted out. */
	free(sql1("DELETE FROM office_inbox WHERE tenant_id = %s AND kind = 'job_request' AND "
		  "portal_user_email = 'gone@example.com'",
		  fx.tq));
	d = get_xml(a, INBOX, 200, "the 80 deleted");
	ok(menu_count_is(d, "30") && xp_is(d, "string(//inbox/@count)", "30"),
	   "80 items deleted: the menu counts the 30 left");
	xmlFreeDoc(d);
	/* An item outlives its record, as an audit entry would. */
	free(sql1(
		"INSERT INTO customer_records (tenant_id, customer_id, kind, ref, title, rec_date, "
		"status) VALUES (%s, %s, 'job', 'GONE-1', 'Gone', CURDATE(), 'requested')",
		fx.tq, cid));
	free(sql1("INSERT INTO office_inbox (tenant_id, record_id, customer_id, portal_user_email, "
		  "kind) SELECT tenant_id, id, customer_id, 'gone@example.com', 'job_request' FROM "
		  "customer_records WHERE tenant_id = %s AND ref = 'GONE-1'",
		  fx.tq));
	free(sql1("DELETE FROM customer_records WHERE tenant_id = %s AND ref = 'GONE-1'", fx.tq));
	d = get_xml(a, INBOX "?kind=job_request", 200, "an item whose record is gone");
	ok(xp_is(d, "count(//inbox/items/item)", "1") &&
		   xp_is(d, "string(//inbox/items/item/ref)", "") && menu_count_is(d, "31"),
	   "an item whose record was deleted stays, its record's fields empty, and counted");
	xmlFreeDoc(d);
	ok(count_is(
		   "1",
		   "SELECT c.open_items = (SELECT COUNT(*) FROM office_inbox i WHERE i.tenant_id = "
		   "c.tenant_id AND i.handled_at IS NULL) FROM office_inbox_counts c WHERE "
		   "c.tenant_id = %s",
		   fx.tq),
	   "the kept count is the items' count");
out:
	hc_free(a);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	xmlInitParser();
	test_env();
	throttle_reset();

	test_items();
	test_handle();
	test_pages();

	free(cid);
	free(puid);
	free(inv);
	free(est);
	free(job);
	xmlCleanupParser();
	curl_global_cleanup();
	return done_testing();
}
