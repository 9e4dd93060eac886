/* The audit trail on the stack (issue 15): sign-ins (office and portal:
 * success, failure, refusal, the lockout; an unknown login never written
 * down as typed), sign-outs, each entry with its actor's kind, its target
 * and the request's id and address; Settings > Audit log for Super Admins
 * only: newest first, the filters (actor, action, kind of action, target,
 * days in the viewer's zone), cursor paging both ways through a view of
 * 60 entries, a capped count, another company's entries never shown, bad
 * filters 400; the CSV and XML exports of a view (3,000 entries, more than
 * one batch), quoting and formulas in CSV, the XML against its schema;
 * gatehouse-ctl audit purge with its own entry per batch; the partner
 * feed's audit document (scope, paging, entries younger than 10 s held
 * back). */
#include "config.h"

#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define AL "/settings/audit-log"

/* The newest entry of tenant f with action: "actor|kind|target_kind|
 * target_id|new|request_id|ip" (caller frees; NULL when none). */
static char *newest(const struct fx *f, const char *action)
{
	return sql1("SELECT CONCAT_WS('|', actor_email, actor_kind, target_kind, "
		    "COALESCE(target_id, 0), COALESCE(new_value, ''), request_id, ip) FROM "
		    "audit_log WHERE tenant_id = %s AND action = '%s' ORDER BY id DESC LIMIT 1",
		    f->tq, action);
}

static long count_where(const struct fx *f, const char *cond)
{
	char *v = sql1("SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND %s", f->tq, cond);
	long n = v ? atol(v) : -1;

	free(v);
	return n;
}

/* d against xslt/feed/v1/audit.xsd (the feed's <audit>, the export's
 * <audit-log>): 0 when valid. */
static int audit_invalid(xmlDocPtr d)
{
	char path[1200];
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr s = NULL;
	xmlSchemaValidCtxtPtr vc = NULL;
	int rc = -1;

	snprintf(path, sizeof path, "%s/xslt/feed/v1/audit.xsd", env_or("GH_SRCDIR", "."));
	if ((pc = xmlSchemaNewParserCtxt(path)) != NULL)
		s = xmlSchemaParse(pc);
	if (s != NULL && (vc = xmlSchemaNewValidCtxt(s)) != NULL && d != NULL)
		rc = xmlSchemaValidateDoc(vc, d);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(s);
	xmlSchemaFreeParserCtxt(pc);
	return rc;
}

/* A POST's request id (X-Request-Id) and status. */
static long post_rid(struct hc *h, const char *csrf_page, const char *path, const char *fields,
		     char rid[17])
{
	char csrf[65], body[2048], b[64];
	struct hc_resp r;
	long st;

	if (hc_csrf(h, csrf_page, csrf) != 0)
		snprintf(csrf, sizeof csrf, "%064d", 0);
	snprintf(body, sizeof body, "csrf=%s&%s", csrf, fields);
	if (hc_req(h, "POST", path, "application/x-www-form-urlencoded", body, NULL, &r) != 0)
		return -1;
	st = r.status;
	snprintf(rid, 17, "%s", hc_header(&r, "X-Request-Id", b, sizeof b) ?: "");
	hc_resp_free(&r);
	return st;
}

static void test_sign_ins(const struct fx *f)
{
	struct hc *h = client(), *p = client();
	char rid[17], want[200], body[600], *v;
	char *uid = sql1("SELECT id FROM office_users WHERE email = '%s'", f->admin);
	long before;

	throttle_reset();
	snprintf(body, sizeof body, "email=%s&password=wrong-password-1", f->admin);
	ok(post_rid(h, "/settings/login", "/settings/login", body, rid) == 401,
	   "office: a wrong password: 401");
	v = newest(f, "office_user.sign_in_failed");
	snprintf(want, sizeof want, "%s|office|office_user|%s|wrong password|%s|127.0.0.1",
		 f->admin, uid ? uid : "?", rid);
	ok(v && strcmp(v, want) == 0, "office: audited: the account, the reason, the request (%s)",
	   v ? v : "none");
	free(v);
	snprintf(body, sizeof body, "email=%s&password=%s", f->inactive, PW);
	post_rid(h, "/settings/login", "/settings/login", body, rid);
	v = newest(f, "office_user.sign_in_failed");
	ok(v && strstr(v, f->inactive) && strstr(v, "|account inactive|"),
	   "office: a deactivated account's right password: audited as such (%s)", v ? v : "none");
	free(v);
	before = count_where(f, "action LIKE 'office_user.sign_in%'");
	ok(post_rid(h, "/settings/login", "/settings/login",
		    "email=nobody-at-all%40nowhere.test&password=x", rid) == 401 &&
		   count_where(f, "action LIKE 'office_user.sign_in%'") == before,
	   "office: an unknown login names no company: nothing written to this one");
	throttle_reset();
	ok(hc_login(h, f->admin, PW) == 303, "office: signed in");
	v = newest(f, "office_user.sign_in");
	snprintf(want, sizeof want, "%s|office|office_user|%s||", f->admin, uid ? uid : "?");
	ok(v && strncmp(v, want, strlen(want)) == 0, "office: the sign-in audited (%s)",
	   v ? v : "none");
	free(v);
	ok(post_rid(h, "/settings/", "/settings/logout", "x=1", rid) == 303, "office: signed out");
	v = newest(f, "office_user.sign_out");
	ok(v && strstr(v, rid) && strncmp(v, f->admin, strlen(f->admin)) == 0,
	   "office: the sign-out audited with its request (%s)", v ? v : "none");
	free(v);

	/* The portal: the tenant is the link's, so an unknown login is
	 * written down too, but never as typed. */
	ok(portal_login(p, f->slug, f->client, "wrong-password-1", NULL, 0) == 401,
	   "portal: a wrong password: 401");
	v = newest(f, "portal_user.sign_in_failed");
	ok(v && strncmp(v, f->client, strlen(f->client)) == 0 &&
		   strstr(v, "|portal|portal_user|") && strstr(v, "|wrong password|"),
	   "portal: audited with the portal user as actor (%s)", v ? v : "none");
	free(v);
	ok(portal_login(p, f->slug, "typed-secret-ABC@nowhere.test", "x", NULL, 0) == 401,
	   "portal: an unknown login: 401");
	v = newest(f, "portal_user.sign_in_failed");
	ok(v && strncmp(v, "|portal||0|unknown login|", 25) == 0,
	   "portal: audited as 'unknown login', the typed text nowhere (%s)", v ? v : "none");
	free(v);
	is_int(count_where(f, "CONCAT_WS(' ', actor_email, target, new_value) LIKE "
			      "'%typed-secret-ABC%'"),
	       0, "portal: no entry holds what was typed");
	throttle_reset();
	ok(portal_login(p, f->slug, f->client, PW, NULL, 0) == 303, "portal: signed in");
	v = newest(f, "portal_user.sign_in");
	ok(v && strncmp(v, f->client, strlen(f->client)) == 0 && strstr(v, "|portal|portal_user|"),
	   "portal: the sign-in audited (%s)", v ? v : "none");
	free(v);
	snprintf(body, sizeof body, "/portal/%s/logout", f->slug);
	{
		char home[160];
		snprintf(home, sizeof home, "/portal/%s/home", f->slug);
		ok(post_rid(p, home, body, "x=1", rid) == 303, "portal: signed out");
	}
	v = newest(f, "portal_user.sign_out");
	ok(v && strstr(v, rid), "portal: the sign-out audited (%s)", v ? v : "none");
	free(v);
	/* The lockout: the tenant's threshold of wrong passwords in a row. */
	throttle_reset();
	for (int i = 0; i < 7; i++)
		portal_login(p, f->slug, f->client, "wrong-password-2", NULL, 0);
	v = newest(f, "portal_user.locked");
	ok(v && strstr(v, "wrong password; locked for"), "portal: the lockout audited (%s)",
	   v ? v : "none");
	free(v);
	ok(count_where(f, "action = 'portal_user.sign_in_refused'") > 0,
	   "portal: attempts while locked audited as refused");
	throttle_reset();
	free(sql1("UPDATE portal_users SET locked_until = NULL WHERE email = '%s'", f->client));
	free(uid);
	hc_free(h);
	hc_free(p);
}

/* The newest entry of f with action, waited for up to 15 s (the mailer's). */
static char *wait_for(const struct fx *f, const char *action, const char *target)
{
	for (int i = 0; i < 75; i++) {
		char *v = sql1("SELECT CONCAT_WS('|', actor_kind, target, COALESCE(new_value, '')) "
			       "FROM audit_log WHERE tenant_id = %s AND action = '%s' AND target = "
			       "'%s' ORDER BY id DESC LIMIT 1",
			       f->tq, action, target);
		if (v != NULL && v[0] != '\0')
			return v;
		free(v);
		usleep(200000);
	}
	return NULL;
}

/* Invitations as the mailer delivers them: sent, or bounced with the SMTP
 * server's answer, each
 * in the transaction that records the outcome; the sink refuses the
 * reserved domain bounce.invalid, as anyone may try in the browser. */
static void test_invitations(const struct fx *f)
{
	struct hc *h = client();
	char good[160], bad[160], body[200], *id, *v;

	snprintf(good, sizeof good, "invited-%s@audit.example", f->slug);
	snprintf(bad, sizeof bad, "%s@bounce.invalid", f->slug);
	free(sql1(
		"INSERT INTO portal_users (tenant_id, customer_id, company_name, email) SELECT "
		"%s, id, name, '%s' FROM customers WHERE tenant_id = %s AND name = 'Cool Air' "
		"UNION ALL SELECT %s, id, name, '%s' FROM customers WHERE tenant_id = %s AND name "
		"= 'Cool Air'",
		f->tq, good, f->tq, f->tq, bad, f->tq));
	throttle_reset();
	ok(hc_login(h, f->admin, PW) == 303, "invitations: signed in");
	for (int i = 0; i < 2; i++) {
		id = sql1("SELECT id FROM portal_users WHERE email = '%s'", i ? bad : good);
		snprintf(body, sizeof body, "id=%s", id ? id : "0");
		ok(post_form(h, "/settings/client/portal-access",
			     "/settings/client/portal-access/resend", body, NULL, NULL, 0) == 303,
		   "invitations: %s invited", i ? "an address that bounces" : "an address");
		free(id);
	}
	v = wait_for(f, "portal_user.invitation_sent", good);
	ok(v && strncmp(v, "system|", 7) == 0,
	   "invitations: the delivery audited, by the system (%s)", v ? v : "none");
	free(v);
	v = wait_for(f, "portal_user.invitation_bounced", bad);
	ok(v && strncmp(v, "system|", 7) == 0 && strstr(v, "55"),
	   "invitations: the bounce audited with the server's answer (%s)", v ? v : "none");
	free(v);

	/* The ledger on each user's page (sql/026). */
	for (int i = 0; i < 2; i++) {
		char path[160];
		xmlDocPtr d;
		id = sql1("SELECT id FROM portal_users WHERE email = '%s'", i ? bad : good);
		snprintf(path, sizeof path, "/settings/client/portal-access/edit?id=%s",
			 id ? id : "0");
		free(id);
		d = get_xml(h, path, 200,
			    i ? "ledger: the bounced user's page" : "ledger: the page");
		if (i == 0)
			ok(d && xp_is(d, "count(//user/invitations/invitation)", "1") &&
				   xp_is(d, "string(//invitation/@state)", "invited") &&
				   xp_is(d, "boolean(//invitation/@sent)", "true") &&
				   xp_is(d, "boolean(//invitation/@expires)", "true"),
			   "ledger: invited, with when it was sent and when its link expires");
		else
			ok(d && xp_is(d, "string(//invitation/@state)", "bounced") &&
				   xp_is(d, "contains(//invitation/answer, '550 5.1.1')", "true"),
			   "ledger: bounced, with the server's answer");
		xmlFreeDoc(d);
	}
	/* Accepted: the link sets a password. */
	{
		char tok[44], path[300], fields[300];
		struct hc *g = client();
		xmlDocPtr d;
		ok(mail_link(good, "set-password?token=", tok) == 0,
		   "ledger: the invitation arrived");
		snprintf(path, sizeof path, "%sset-password", f->portal);
		snprintf(fields, sizeof fields,
			 "token=%s&password=Ledger-pass-42&confirm=Ledger-pass-42", tok);
		{
			char get[300];
			snprintf(get, sizeof get, "%s?token=%s", path, tok);
			ok(post_form(g, get, path, fields, NULL, NULL, 0) == 303,
			   "ledger: a password set through it");
		}
		id = sql1("SELECT id FROM portal_users WHERE email = '%s'", good);
		snprintf(path, sizeof path, "/settings/client/portal-access/edit?id=%s",
			 id ? id : "0");
		free(id);
		d = get_xml(h, path, 200, "ledger: the page after");
		ok(d && xp_is(d, "string(//invitation/@state)", "accepted") &&
			   xp_is(d, "boolean(//invitation/@accepted)", "true"),
		   "ledger: accepted, and when");
		xmlFreeDoc(d);
		hc_free(g);
	}
	hc_free(h);
}

/* A new portal user of f's Cool Air, invited by h, the invitation sent
 * (the ledger says so, within 15 s): its id (caller frees). */
static char *invited_user(const struct fx *f, struct hc *h, const char *email)
{
	char body[64], *id, *v = NULL;

	free(sql1(
		"INSERT INTO portal_users (tenant_id, customer_id, company_name, email) SELECT %s, "
		"id, name, '%s' FROM customers WHERE tenant_id = %s AND name = 'Cool Air'",
		f->tq, email, f->tq));
	id = sql1("SELECT id FROM portal_users WHERE email = '%s'", email);
	snprintf(body, sizeof body, "id=%s", id ? id : "0");
	post_form(h, "/settings/client/portal-access", "/settings/client/portal-access/resend",
		  body, NULL, NULL, 0);
	for (int i = 0; i < 75; i++) {
		free(v);
		v = sql1("SELECT COUNT(*) FROM portal_invitations WHERE portal_user_id = %s AND "
			 "sent_at "
			 "IS NOT NULL",
			 id ? id : "0");
		if (v && strcmp(v, "1") == 0)
			break;
		usleep(200000);
	}
	free(v);
	return id;
}

static int remind(void)
{
	return shell("'%s/gatehouse-ctl' -c '%s' invitations remind >/dev/null",
		     env_or("GH_BUILDDIR", "."), ini);
}

static long reminders_of(const char *id)
{
	char *v =
		sql1("SELECT reminders FROM portal_invitations WHERE portal_user_id = %s ORDER BY "
		     "id DESC LIMIT 1",
		     id ? id : "0");
	long n = v ? atol(v) : -1;

	free(v);
	return n;
}

/* Reminders (gatehouse-ctl invitations remind): the first after
 * remind_days (3), the second within remind_before_days (1) of the link's
 * end, no third; each a new link (the last one dead), mailed "Reminder:",
 * counted in the ledger and audited; none while the company has them off
 * (its Portal Access Settings).  And the settings' offer to invite every
 * portal user never invited. */
static void test_reminders(const struct fx *f)
{
	struct hc *h = client(), *g = client();
	char email[160], email2[160], tok[44], tok2[44], path[300], *id, *id2, *v;
	xmlDocPtr d;

	throttle_reset();
	ok(hc_login(h, f->admin, PW) == 303, "reminders: signed in");
	snprintf(email, sizeof email, "remind-%s@audit.example", f->slug);
	snprintf(email2, sizeof email2, "quiet-%s@audit.example", f->slug);
	id = invited_user(f, h, email);
	ok(mail_link(email, "set-password?token=", tok) == 0, "reminders: the invitation arrived");
	is_int(remind(), 0, "reminders: a run the day it was sent");
	is_int(reminders_of(id), 0, "reminders: ... reminds nobody");
	free(sql1("UPDATE portal_invitations SET sent_at = NOW(6) - INTERVAL 4 DAY WHERE "
		  "portal_user_id = %s",
		  id));
	is_int(remind(), 0, "reminders: a run 4 days after it was sent");
	is_int(reminders_of(id), 1, "reminders: ... sends the first reminder");
	for (int i = 0; i < 75 && (mail_link(email, "set-password?token=", tok2) != 0 ||
				   strcmp(tok2, tok) == 0);
	     i++)
		usleep(200000);
	ok(strcmp(tok2, tok) != 0, "reminders: it arrived, with a new link");
	v = sql1("SELECT COUNT(*) FROM mail_outbox WHERE to_addr = '%s' AND subject LIKE "
		 "'Reminder: %%'",
		 email);
	ok(v && strcmp(v, "1") == 0, "reminders: its subject says Reminder");
	free(v);
	snprintf(path, sizeof path, "%sset-password?token=%s", f->portal, tok);
	d = get_xml(g, path, 410, "reminders: the first link: 410");
	ok(d && xp_is(d, "string(/page/set-password/@state)", "expired"),
	   "reminders: the first link works no more (replaced)");
	xmlFreeDoc(d);
	v = newest(f, "portal_user.invitation_reminded");
	ok(v && strstr(v, "|system|portal_user|") && strstr(v, "|reminder 1|"),
	   "reminders: audited, by the system (%s)", v ? v : "none");
	free(v);
	is_int(remind(), 0, "reminders: another run at once");
	is_int(reminders_of(id), 1, "reminders: ... no second yet");
	free(sql1("UPDATE portal_invitations SET expires_at = NOW(6) + INTERVAL 12 HOUR WHERE "
		  "portal_user_id = %s",
		  id));
	remind();
	is_int(reminders_of(id), 2, "reminders: 12 hours before its end, the second");
	remind();
	is_int(reminders_of(id), 2, "reminders: and no third");
	snprintf(path, sizeof path, "/settings/client/portal-access/edit?id=%s", id);
	d = get_xml(h, path, 200, "reminders: the user's page");
	ok(d && xp_is(d, "string(//invitation/@reminders)", "2") &&
		   xp_is(d, "boolean(//invitation/@reminded)", "true"),
	   "reminders: the ledger shows two, and the last one's time");
	xmlFreeDoc(d);

	/* The company's switch. */
	id2 = invited_user(f, h, email2);
	free(sql1("UPDATE portal_invitations SET sent_at = NOW(6) - INTERVAL 4 DAY WHERE "
		  "portal_user_id = %s",
		  id2));
	ok(post_form(h, "/settings/client/portal-access-settings",
		     "/settings/client/portal-access-settings", "enabled=1&time_zone=UTC", NULL,
		     NULL, 0) == 303,
	   "reminders: switched off on Portal Access Settings (the box left unticked)");
	remind();
	is_int(reminders_of(id2), 0, "reminders: off: none");
	ok(post_form(h, "/settings/client/portal-access-settings",
		     "/settings/client/portal-access-settings",
		     "enabled=1&reminders=1&time_zone=UTC", NULL, NULL, 0) == 303,
	   "reminders: and on again");
	remind();
	is_int(reminders_of(id2), 1, "reminders: on: the first");
	v = newest(f, "portal_settings.update");
	ok(v && strstr(v, "reminders=1"), "reminders: the switch is in the settings' audit entry");
	free(v);

	/* Invite them all. */
	free(sql1(
		"INSERT INTO portal_users (tenant_id, customer_id, company_name, email) SELECT %s, "
		"c.id, c.name, CONCAT('all-', s.seq, '-%s@audit.example') FROM customers c JOIN "
		"seq_1_to_3 s WHERE c.tenant_id = %s AND c.name = 'Cool Air'",
		f->tq, f->slug, f->tq));
	d = get_xml(h, "/settings/client/portal-access-settings", 200,
		    "invite all: Portal Access Settings");
	v = d ? xp(d, "string(//portal-settings/@not-invited)") : NULL;
	ok(v && atol(v) >= 3, "invite all: the page counts those never invited (%s)", v ? v : "");
	xmlFreeDoc(d);
	{
		char loc[200], want[64];
		long n = v ? atol(v) : 0;
		snprintf(want, sizeof want, "invited=%ld", n);
		ok(post_form(h, "/settings/client/portal-access-settings",
			     "/settings/client/portal-access/invite-all", "x=1", NULL, loc,
			     sizeof loc) == 303 &&
			   strstr(loc, want),
		   "invite all: every one of them invited (%s)", loc);
		d = get_xml(h, "/settings/client/portal-access-settings", 200,
			    "invite all: the page after");
		ok(d && xp_is(d, "string(//portal-settings/@not-invited)", "0"),
		   "invite all: none left");
		xmlFreeDoc(d);
		ok(count_where(f, "action = 'portal_user.invited'") == n,
		   "invite all: each audited (%ld)", n);
	}
	free(v);
	free(id);
	free(id2);
	hc_free(h);
	hc_free(g);
}

/* "View as this client": an editor opens the portal as the client sees
 * it, read-only (every POST but the end, and the MFA pages, 403), with the
 * viewer named; the client's own password, sign-in time and sessions
 * untouched; start and end audited as the editor's; the end back to the
 * user's page; a viewer refused, another company's user not found, a
 * revoked user 409, an expired view signed out. */
static void test_view_as(const struct fx *f, const struct fx *g)
{
	struct hc *ed = client(), *vw = client(), *o = client();
	char fields[200], path[300], loc[300], want[300], *cid, *before, *after, *v;
	struct hc_resp r;
	xmlDocPtr d;

	throttle_reset();
	ok(hc_login(ed, f->editor, PW) == 303 && hc_login(vw, f->viewer, PW) == 303 &&
		   hc_login(o, g->admin, PW) == 303,
	   "view as: an editor, a viewer, another company's Super Admin");
	cid = sql1("SELECT id FROM portal_users WHERE email = '%s'", f->client);
	before = sql1(
		"SELECT CONCAT_WS('|', password_hash, COALESCE(last_sign_in_at, '-'), (SELECT "
		"COUNT(*) FROM sessions WHERE portal_user_id = %s AND viewed_by IS NULL)) FROM "
		"portal_users WHERE id = %s",
		cid ? cid : "0", cid ? cid : "0");
	snprintf(fields, sizeof fields, "id=%s", cid ? cid : "0");
	snprintf(path, sizeof path, "/settings/client/portal-access/edit?id=%s", cid ? cid : "0");
	ok(post_form(vw, path, "/settings/client/portal-access/view-as", fields, NULL, NULL, 0) ==
		   403,
	   "view as: a viewer (settings View) may not: 403");
	ok(post_form(o, "/settings/", "/settings/client/portal-access/view-as", fields, NULL, NULL,
		     0) == 404,
	   "view as: another company's portal user: 404");
	ok(post_form(ed, path, "/settings/client/portal-access/view-as", fields, NULL, loc,
		     sizeof loc) == 303 &&
		   strcmp(loc, fxp(f, "home")) == 0,
	   "view as: 303 to the portal's home (%s)", loc);
	d = get_xml(ed, fxp(f, "home"), 200, "view as: the portal's home");
	ok(d && xp_is(d, "string(//portal-session/@viewed-by)", f->editor) &&
		   xp_is(d, "string(//portal-session/@email)", f->client) &&
		   xp_is(d, "boolean(//portal-session/@view-ends)", "true"),
	   "view as: the client's portal, the viewer and the end named");
	v = d ? xp(d, "string(//portal-session/@csrf)") : NULL;
	snprintf(fields, sizeof fields, "csrf=%s&time_zone=UTC", v ? v : "");
	free(v);
	xmlFreeDoc(d);
	if (hc_req(ed, "POST", fxp(f, "account/time-zone"), "application/x-www-form-urlencoded",
		   fields, NULL, &r) == 0) {
		ok(r.status == 403 && strstr(r.body, "read-only"),
		   "view as: a change (time zone) refused: 403, read-only");
		hc_resp_free(&r);
	}
	is_int(get_status(ed, fxp(f, "mfa/enrol")), 403,
	       "view as: the MFA enrolment (a key made on GET) refused: 403");
	v = newest(f, "portal_user.view_as_start");
	snprintf(want, sizeof want, "%s|office|portal_user|%s|read-only, 15 minutes|", f->editor,
		 cid ? cid : "?");
	ok(v && strncmp(v, want, strlen(want)) == 0,
	   "view as: the start audited as the editor's (%s)", v ? v : "none");
	free(v);
	{
		char home[160], out[160];
		snprintf(home, sizeof home, "%s", fxp(f, "home"));
		snprintf(out, sizeof out, "%s", fxp(f, "logout"));
		ok(post_form(ed, home, out, "x=1", NULL, loc, sizeof loc) == 303 &&
			   strstr(loc, "/settings/client/portal-access/edit?id=") &&
			   strstr(loc, "done=viewed"),
		   "view as: ending it leads back to the user's page (%s)", loc);
	}
	v = newest(f, "portal_user.view_as_end");
	ok(v && strncmp(v, f->editor, strlen(f->editor)) == 0 && strstr(v, "|office|portal_user|"),
	   "view as: the end audited as the editor's (%s)", v ? v : "none");
	free(v);
	v = sql1(
		"SELECT COUNT(*) FROM sessions WHERE viewed_by IS NOT NULL AND portal_user_id = %s",
		cid ? cid : "0");
	ok(v && strcmp(v, "0") == 0, "view as: its session is gone");
	free(v);
	after = sql1(
		"SELECT CONCAT_WS('|', password_hash, COALESCE(last_sign_in_at, '-'), (SELECT "
		"COUNT(*) FROM sessions WHERE portal_user_id = %s AND viewed_by IS NULL)) FROM "
		"portal_users WHERE id = %s",
		cid ? cid : "0", cid ? cid : "0");
	ok(before && after && strcmp(before, after) == 0,
	   "view as: the client's password, last sign-in and own sessions untouched");
	/* Its 15 minutes over: signed out. */
	snprintf(fields, sizeof fields, "id=%s", cid ? cid : "0");
	post_form(ed, path, "/settings/client/portal-access/view-as", fields, NULL, NULL, 0);
	free(sql1("UPDATE sessions SET expires_at = NOW(6) - INTERVAL 1 SECOND WHERE viewed_by IS "
		  "NOT NULL AND portal_user_id = %s",
		  cid ? cid : "0"));
	is_int(get_status(ed, fxp(f, "home")), 303,
	       "view as: past its end, the portal asks to sign in");
	free(sql1("UPDATE portal_users SET status = 'revoked' WHERE id = %s", cid ? cid : "0"));
	ok(post_form(ed, path, "/settings/client/portal-access/view-as", fields, NULL, NULL, 0) ==
		   409,
	   "view as: a revoked user: 409, nothing to view");
	free(sql1("UPDATE portal_users SET status = 'active' WHERE id = %s", cid ? cid : "0"));
	free(cid);
	free(before);
	free(after);
	hc_free(ed);
	hc_free(vw);
	hc_free(o);
}

/* Entries of this test's own: n of them for tenant f, one a second back
 * from now - 1 hour, action act, actor "bulk-<i>@...", target "T<i>". */
static void add_entries(const struct fx *f, int n, const char *act)
{
	free(sql1(
		"INSERT INTO audit_log (tenant_id, actor_kind, actor_email, action, target, "
		"new_value, created_at) SELECT %s, 'office', CONCAT('bulk-', seq, '@audit.test'), "
		"'%s', CONCAT('T', seq), CONCAT('value ', seq), NOW(6) - INTERVAL 1 HOUR - "
		"INTERVAL seq SECOND FROM seq_1_to_%d",
		f->tq, act, n));
}

/* The ids shown on a page, in order, comma-separated (caller frees). */
static char *ids_of(xmlDocPtr d)
{
	char *s = NULL;
	size_t len = 0;
	char *n = d ? xp(d, "count(//entries/entry)") : NULL;
	int k = n ? atoi(n) : 0;

	free(n);
	for (int i = 1; i <= k; i++) {
		char e[64], *v;
		snprintf(e, sizeof e, "string(//entries/entry[%d]/@id)", i);
		v = xp(d, e);
		s = realloc(s, len + strlen(v) + 2);
		len += (size_t)sprintf(s + len, "%s%s", i > 1 ? "," : "", v);
		free(v);
	}
	return s ? s : strdup("");
}

static xmlDocPtr page(struct hc *h, const char *query, const char *what)
{
	char path[2400];

	snprintf(path, sizeof path, AL "%s%s", query[0] ? "?" : "", query);
	return get_xml(h, path, 200, what);
}

static void test_page(const struct fx *f, const struct fx *g)
{
	struct hc *h = client(), *ed = client(), *o = client();
	xmlDocPtr d, d2, d3;
	char q[600], *a, *b, *c, *v;

	throttle_reset();
	ok(hc_login(h, f->admin, PW) == 303 && hc_login(ed, f->editor, PW) == 303 &&
		   hc_login(o, g->admin, PW) == 303,
	   "page: a Super Admin, an editor, another company's Super Admin signed in");
	is_int(get_status(ed, AL), 403, "page: an editor (settings Edit) gets 403");
	is_int(get_status(ed, AL "/export?as=csv"), 403, "page: ... and no export");
	add_entries(f, 60, "test.bulk");
	add_entries(g, 5, "test.bulk");
	d = page(h, "", "page: the newest entries");
	ok(d && xp_is(d, "boolean(//entries/entry[1][@action != 'test.bulk'])", "true"),
	   "page: newest first: the latest sign-in above the entries of an hour ago");
	ok(d && xp_is(d, "count(//entries/entry)", "50") &&
		   xp_is(d, "boolean(//audit-log/@older)", "true") &&
		   xp_is(d, "boolean(//audit-log/@newer)", "false"),
	   "page: 50 a page, an older page, no newer one");
	ok(d && xp_is(d, "count(//categories/category)", "14"), "page: 14 kinds of action offered");
	xmlFreeDoc(d);

	/* The 60 test entries, 25 a page: 25, 25, 10, and back. */
	d = page(h, "action=test.bulk&per=25", "page: action=test.bulk");
	ok(d && xp_is(d, "string(//audit-log/@count)", "60") &&
		   xp_is(d, "string(//audit-log/@count-exact)", "1") &&
		   xp_is(d, "count(//entries/entry)", "25") &&
		   xp_is(d, "string(//entries/entry[1]/target)", "T1") &&
		   xp_is(d, "string(//entries/entry[25]/target)", "T25"),
	   "page: the filter's 60 entries counted, the newest 25 first (T1..T25)");
	a = ids_of(d);
	v = d ? xp(d, "string(//audit-log/@older)") : NULL;
	snprintf(q, sizeof q, "action=test.bulk&per=25&older=%s", v ? v : "");
	free(v);
	d2 = page(h, q, "page: older");
	b = ids_of(d2);
	ok(d2 && xp_is(d2, "string(//entries/entry[1]/target)", "T26") &&
		   xp_is(d2, "boolean(//audit-log/@newer)", "true"),
	   "page: the next 25 older (T26...), with a newer link");
	v = d2 ? xp(d2, "string(//audit-log/@older)") : NULL;
	snprintf(q, sizeof q, "action=test.bulk&per=25&older=%s", v ? v : "");
	free(v);
	d3 = page(h, q, "page: the oldest");
	ok(d3 && xp_is(d3, "count(//entries/entry)", "10") &&
		   xp_is(d3, "string(//entries/entry[10]/target)", "T60") &&
		   xp_is(d3, "boolean(//audit-log/@older)", "false"),
	   "page: the last 10, no older link");
	v = d3 ? xp(d3, "string(//audit-log/@newer)") : NULL;
	snprintf(q, sizeof q, "action=test.bulk&per=25&newer=%s", v ? v : "");
	free(v);
	xmlFreeDoc(d3);
	d3 = page(h, q, "page: newer, from the oldest");
	c = ids_of(d3);
	ok(strcmp(c, b) == 0, "page: newer from the last page is the middle page again");
	v = d3 ? xp(d3, "string(//audit-log/@newer)") : NULL;
	snprintf(q, sizeof q, "action=test.bulk&per=25&newer=%s", v ? v : "");
	free(v);
	xmlFreeDoc(d3);
	free(c);
	d3 = page(h, q, "page: newer again");
	c = ids_of(d3);
	ok(strcmp(c, a) == 0 && d3 && xp_is(d3, "boolean(//audit-log/@newer)", "false"),
	   "page: and then the first page, with no newer link");
	free(a);
	free(b);
	free(c);
	xmlFreeDoc(d);
	xmlFreeDoc(d2);
	xmlFreeDoc(d3);

	/* Each filter. */
	d = page(h, "actor=bulk-7%40audit.test", "page: by actor");
	ok(d && xp_is(d, "string(//audit-log/@count)", "1") &&
		   xp_is(d, "string(//entries/entry/target)", "T7"),
	   "page: by actor: that actor's entry only");
	xmlFreeDoc(d);
	d = page(h, "target=T42", "page: by target");
	ok(d && xp_is(d, "string(//audit-log/@count)", "1") &&
		   xp_is(d, "string(//entries/entry/new)", "value 42"),
	   "page: by target");
	xmlFreeDoc(d);
	d = page(h, "category=office_user", "page: by kind of action");
	ok(d &&
		   xp_is(d, "count(//entries/entry[not(starts-with(@action, 'office_user.'))])",
			 "0") &&
		   xp_is(d, "boolean(//entries/entry[@action = 'office_user.sign_in'])", "true"),
	   "page: by kind: office users' actions only, the sign-ins among them");
	ok(d && xp_is(d,
		      "boolean(//entries/entry[@target-kind = 'office_user' and @target-id > 0])",
		      "true"),
	   "page: an entry about an office user links to it (target-kind, target-id)");
	xmlFreeDoc(d);
	d = page(h, "category=office_user&action=office_user.sign_out", "page: two filters");
	ok(d && xp_is(d, "count(//entries/entry[@action != 'office_user.sign_out'])", "0") &&
		   xp_is(d, "boolean(//entries/entry)", "true") &&
		   xp_is(d, "string(//audit-log/@count) = count(//entries/entry)", "true"),
	   "page: two filters together: both hold, and the count is theirs");
	xmlFreeDoc(d);
	{
		time_t now = time(NULL), back = now - 2 * 3600;
		struct tm tm;
		char today[11], since[11], tomorrow[11];
		gmtime_r(&now, &tm);
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
		/* The entries are an hour old: yesterday's when run just after
		 * midnight, so the range starts on the day of two hours ago. */
		gmtime_r(&back, &tm);
		strftime(since, sizeof since, "%Y-%m-%d", &tm);
		now += 2 * 86400;
		gmtime_r(&now, &tm);
		strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &tm);
		/* The viewer's zone is the company's (UTC for this one). */
		snprintf(q, sizeof q, "action=test.bulk&from=%s&to=%s", since, today);
		d = page(h, q, "page: today");
		ok(d && xp_is(d, "string(//audit-log/@count)", "60"),
		   "page: from two hours ago's day to today: the hour-old entries are there");
		xmlFreeDoc(d);
		snprintf(q, sizeof q, "action=test.bulk&from=%s", tomorrow);
		d = page(h, q, "page: from the day after tomorrow");
		ok(d && xp_is(d, "string(//audit-log/@count)", "0") &&
			   xp_is(d, "count(//entries/entry)", "0"),
		   "page: from a later day: none");
		xmlFreeDoc(d);
		snprintf(q, sizeof q, AL "?from=%s&to=%s", tomorrow, today);
		is_int(get_status(h, q), 400, "page: to before from: 400");
	}
	is_int(get_status(h, AL "?category=nothing"), 400, "page: an unknown kind: 400");
	is_int(get_status(h, AL "?action=DROP%20TABLE"), 400, "page: a malformed action: 400");
	is_int(get_status(h, AL "?older=2026-x"), 400, "page: a damaged cursor: 400");
	is_int(get_status(h, AL "?per=7"), 400, "page: 7 a page: 400");
	{
		xmlDocPtr od =
			get_xml(o, AL "?action=test.bulk", 200, "page: as the other company");
		ok(od && xp_is(od, "string(//audit-log/@count)", "5"),
		   "page: each company sees its own entries only (5, not 65)");
		xmlFreeDoc(od);
	}
	{
		struct hc_resp r;
		if (hc_get(h, AL "?target=T42", &r) == 0) {
			ok(r.status == 200 && strstr(r.body, "value 42") &&
				   strstr(r.body,
					  "/settings/audit-log/export?target=T42&amp;as=csv"),
			   "page: the HTML shows the entry and exports this view");
			hc_resp_free(&r);
		}
	}
	hc_free(h);
	hc_free(ed);
	hc_free(o);
}

struct counted {
	long lines, bom, header;
};

static void test_export(const struct fx *f)
{
	struct hc *h = client();
	struct hc_resp r;
	char b[256];

	throttle_reset();
	ok(hc_login(h, f->admin, PW) == 303, "export: signed in");
	add_entries(f, 3000, "test.export");
	{
		xmlDocPtr d = page(h, "action=test.export", "export: the view's page");
		ok(d && xp_is(d, "string(//audit-log/@count)", "1000") &&
			   xp_is(d, "string(//audit-log/@count-exact)", "0"),
		   "page: 3,000 entries counted as more than 1,000");
		xmlFreeDoc(d);
	}
	free(sql1(
		"INSERT INTO audit_log (tenant_id, actor_email, action, target, new_value) VALUES "
		"(%s, 'q@audit.test', 'test.quote', 'Smith, \"Jr\"', '=HYPERLINK(\"x\")')",
		f->tq));
	if (hc_get(h, AL "/export?action=test.export&as=csv", &r) == 0) {
		long lines = 0;
		for (size_t i = 0; i < r.len; i++)
			lines += r.body[i] == '\n';
		ok(r.status == 200 && strcmp(hc_header(&r, "Content-Type", b, sizeof b) ?: "",
					     "text/csv; charset=utf-8") == 0,
		   "export: CSV, 200");
		ok(strstr(hc_header(&r, "Content-Disposition", b, sizeof b) ?: "",
			  "attachment; filename=\"audit-log-") != NULL,
		   "export: a download named for the company (%s)", b);
		ok(r.len > 3 && memcmp(r.body,
				       "\xEF\xBB\xBF"
				       "time (UTC),actor kind,",
				       25) == 0,
		   "export: the byte order mark, then the header line");
		is_int(lines, 3001, "export: 3,000 entries (three batches) and the header");
		ok(strstr(r.body, ",test.export,,,T1,,value 1,,\r\n") != NULL &&
			   strstr(r.body, ",T3000,,value 3000,") != NULL,
		   "export: newest (T1) to oldest (T3000), fields in order");
		ok(strstr(r.body, "T1,") < strstr(r.body, "T3000,"), "export: newest first");
		hc_resp_free(&r);
	}
	if (hc_get(h, AL "/export?action=test.quote&as=csv", &r) == 0) {
		ok(r.status == 200 && strstr(r.body, ",\"Smith, \"\"Jr\"\"\",") &&
			   strstr(r.body, ",\"'=HYPERLINK(\"\"x\"\")\","),
		   "export: quotes doubled in a quoted field; a formula shown as text ('=)");
		hc_resp_free(&r);
	}
	if (hc_get(h, AL "/export?action=test.export&as=xml", &r) == 0) {
		xmlDocPtr d = hc_xml(&r);
		char *n = d ? xp(d, "count(/audit-log/entry)") : NULL;
		int valid = audit_invalid(d);
		ok(r.status == 200 && n && strcmp(n, "3000") == 0,
		   "export: XML, the same 3,000 entries (%s)", n ? n : "none");
		ok(valid == 0, "export: valid against xslt/feed/v1/audit.xsd");
		ok(d && xp_is(d, "string(/audit-log/@action)", "test.export") &&
			   xp_is(d, "string(/audit-log/@tenant)", f->slug),
		   "export: the document names the company and the view");
		free(n);
		xmlFreeDoc(d);
		hc_resp_free(&r);
	}
	is_int(get_status(h, AL "/export?as=pdf"), 400, "export: an unknown format: 400");
	hc_free(h);
}

static void test_purge(const struct fx *f, const struct fx *g)
{
	char cmd[1600], *v;

	free(sql1("INSERT INTO audit_log (tenant_id, actor_email, action, target, created_at) "
		  "SELECT t.id, 'old@audit.test', 'test.old', CONCAT('old ', seq), NOW(6) - "
		  "INTERVAL 500 DAY FROM seq_1_to_7 JOIN tenants t ON t.slug IN ('%s', '%s')",
		  f->slug, g->slug));
	free(sql1("INSERT INTO audit_log (tenant_id, actor_email, action, target, created_at) "
		  "VALUES (%s, 'recent@audit.test', 'test.recent', 'kept', NOW(6) - INTERVAL 399 "
		  "DAY)",
		  f->tq));
	snprintf(cmd, sizeof cmd, "'%s/gatehouse-ctl' -c '%s' audit purge --days 0 2>/dev/null",
		 env_or("GH_BUILDDIR", "."), ini);
	is_int(shell("%s", cmd), 2, "purge: --days 0 is a usage error");
	snprintf(cmd, sizeof cmd, "'%s/gatehouse-ctl' -c '%s' audit purge >/dev/null",
		 env_or("GH_BUILDDIR", "."), ini);
	is_int(shell("%s", cmd), 0, "purge: gatehouse-ctl audit purge ([audit] retain_days 400)");
	is_int(count_where(f, "action = 'test.old'"), 0, "purge: the 500-day-old entries are gone");
	is_int(count_where(g, "action = 'test.old'"), 0, "purge: ... the other company's too");
	is_int(count_where(f, "action = 'test.recent'"), 1, "purge: a 399-day-old one is kept");
	v = sql1("SELECT CONCAT_WS('|', actor_kind, actor_email, new_value) FROM audit_log WHERE "
		 "tenant_id = %s AND action = 'audit.purge' ORDER BY id DESC LIMIT 1",
		 f->tq);
	ok(v && strcmp(v, "system||7 entries older than 400 days removed") == 0,
	   "purge: audited in each company, by the system, with the count (%s)", v ? v : "none");
	free(v);
	is_int(count_where(g, "action = 'audit.purge'"), 1, "purge: one entry in the other too");
}

static void test_feed(const struct fx *f)
{
	char cmd[1600], out[4096] = "", authz[200], path[300], *k;
	struct hc *h = client();
	struct hc_resp r;
	FILE *p;

	snprintf(cmd, sizeof cmd,
		 "'%s/gatehouse-ctl' -c '%s' key create --tenant %s --name audit --scopes audit",
		 env_or("GH_BUILDDIR", "."), ini, f->slug);
	if ((p = popen(cmd, "r")) != NULL) {
		size_t n = fread(out, 1, sizeof out - 1, p);
		out[n] = '\0';
		pclose(p);
	}
	k = strstr(out, "ghk_");
	if (!ok(k != NULL, "feed: a key with the audit scope"))
		goto out;
	k[strcspn(k, " \r\n")] = '\0';
	free(sql1("UPDATE api_keys SET rate_per_s = 1000, burst = 1000, rate_tokens = 1000 WHERE "
		  "tenant_id = %s",
		  f->tq));
	free(sql1("INSERT INTO audit_log (tenant_id, actor_email, action, target) VALUES (%s, "
		  "'young@audit.test', 'test.young', 'just now')",
		  f->tq));
	snprintf(authz, sizeof authz, "Authorization: Bearer %s", k);
	snprintf(path, sizeof path, "/feed/%s/audit?limit=1000", f->slug);
	if (hc_req(h, "GET", path, NULL, NULL, authz, &r) == 0) {
		xmlDocPtr d = hc_xml(&r);
		ok(r.status == 200 && audit_invalid(d) == 0,
		   "feed: the audit document, valid against its schema");
		ok(d && xp_is(d, "count(/audit/entry[@action = 'test.young'])", "0") &&
			   xp_is(d, "boolean(/audit/entry[@action = 'test.bulk'])", "true"),
		   "feed: entries of the last 10 s held back, older ones there");
		ok(d && xp_is(d, "string(/audit/next/@more)", "true"),
		   "feed: a full page says there is more");
		ok(d && xp_is(d,
			      "count(/audit/entry[number(@id) <= "
			      "number(preceding-sibling::entry[1]/@id)])",
			      "0"),
		   "feed: oldest first, by id");
		xmlFreeDoc(d);
		hc_resp_free(&r);
	}
	/* Following <next> to the end: every entry once. */
	{
		long seen = 0, pages = 0;
		char next[400];
		snprintf(next, sizeof next, "/feed/%s/audit?limit=1000", f->slug);
		while (pages < 20 && hc_req(h, "GET", next, NULL, NULL, authz, &r) == 0) {
			xmlDocPtr d = hc_xml(&r);
			char *n = d ? xp(d, "count(/audit/entry)") : NULL, *more, *href;
			pages++;
			seen += n ? atol(n) : 0;
			more = d ? xp(d, "string(/audit/next/@more)") : NULL;
			href = d ? xp(d, "string(/audit/next/@href)") : NULL;
			snprintf(next, sizeof next, "%s", href ? href : "");
			int last = !more || strcmp(more, "true") != 0;
			free(n);
			free(more);
			free(href);
			xmlFreeDoc(d);
			hc_resp_free(&r);
			if (last)
				break;
		}
		is_int(seen, count_where(f, "created_at < NOW(6) - INTERVAL 10 SECOND"),
		       "feed: followed to the end, each entry older than 10 s exactly once");
	}
	snprintf(cmd, sizeof cmd,
		 "'%s/gatehouse-ctl' -c '%s' key create --tenant %s --name nope --scopes groups",
		 env_or("GH_BUILDDIR", "."), ini, f->slug);
	if ((p = popen(cmd, "r")) != NULL) {
		size_t n = fread(out, 1, sizeof out - 1, p);
		out[n] = '\0';
		pclose(p);
	}
	if ((k = strstr(out, "ghk_")) != NULL) {
		k[strcspn(k, " \r\n")] = '\0';
		snprintf(authz, sizeof authz, "Authorization: Bearer %s", k);
		snprintf(path, sizeof path, "/feed/%s/audit", f->slug);
		is_int(status_of(h, "GET", path, NULL, authz, NULL, 0), 403,
		       "feed: a key without the audit scope: 403");
	}
out:
	hc_free(h);
}

int main(void)
{
	struct fx f, g;

	test_env();
	if (!ok(fx_make(&f, "audit", "Audit Field Services",
			FX_STAFF | FX_CUSTOMERS | FX_PORTAL_ON) == 0 &&
			fx_make(&g, "audit-other", "Other Audit Services", 0) == 0,
		"two companies of this test's own"))
		return done_testing();
	test_sign_ins(&f);
	test_invitations(&f);
	test_view_as(&f, &g);
	test_reminders(&f);
	test_page(&f, &g);
	test_export(&f);
	test_purge(&f, &g);
	test_feed(&f);
	return done_testing();
}
