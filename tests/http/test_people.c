/* People who leave (issue 15) on the stack, in tenants of the test's own:
 * a deleted portal user kept as a tombstone, listed under Portal Access >
 * Deleted (Edit level; View and other tenants refused), restored with its
 * id, customer, group and sites, no password and no session, invited again
 * (the mail in the sink), audited; a deleted office user likewise (Super
 * Admins only), back with its role, permissions and calendars, its login
 * unburned, a set-password link mailed; CSRF, bad and other tenants' ids,
 * the period over, the login taken again meanwhile (409, nothing
 * written); gatehouse-ctl people purge (audited as the system; an office
 * login stays burned); gatehouse-ctl dormant (the warning mail once, a
 * sign-in forgets it, then deactivation; a company's last Super Admin
 * kept); the Office Users list's Last sign-in and its filter "signed in:
 * never / over 90 days", its statement's plan on its index. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "db.h"
#include "db/stmt.h"

#define PA "/settings/client/portal-access"
#define PD PA "/deleted"
#define OU "/settings/office-users"
#define OD OU "/deleted"

/* Runs the SQL that fmt makes (cat, common.h), then frees it: 0 on success. */
__attribute__((format(printf, 1, 2))) static int sqlf(const char *fmt, ...)
{
	va_list ap;
	char *q = NULL;
	int n, rc = -1;

	va_start(ap, fmt);
	n = vasprintf(&q, fmt, ap);
	va_end(ap);
	if (n >= 0)
		rc = sql_run(q);
	free(q);
	return rc;
}

static char *q1(const char *fmt, const char *a, const char *b)
{
	return sql1(fmt, a, b);
}

static long count_of(const char *fmt, const char *a, const char *b)
{
	char *v = q1(fmt, a, b);
	long n = v ? atol(v) : -1;

	free(v);
	return n;
}

/* The newest audit entry of f with action about target_id:
 * "actor_kind|actor|target_kind|new" (caller frees; NULL: none). */
static char *audit_of(const struct fx *f, const char *action, const char *target_id)
{
	return sql1(
		"SELECT CONCAT_WS('|', actor_kind, actor_email, target_kind, "
		"COALESCE(new_value, '')) FROM audit_log WHERE tenant_id = %s AND action = '%s' "
		"AND target_id = %s ORDER BY id DESC LIMIT 1",
		f->tq, action, target_id);
}

/* A message to rcpt whose text holds marker in the sink within 15 s. */
static int mail_has(const char *rcpt, const char *marker)
{
	for (int tries = 0; tries < 75; tries++) {
		if (shell("grep -l -i 'To: .*%s' '%s/mail/new/'* 2>/dev/null | xargs -r grep -l "
			  "-F '%s' >/dev/null 2>&1",
			  rcpt, state, marker) == 0)
			return 1;
		usleep(200000);
	}
	return 0;
}

/* How many messages to rcpt the sink holds. */
static long mails_to(const char *rcpt)
{
	char cmd[1200], out[32] = "";
	FILE *p;

	snprintf(cmd, sizeof cmd, "grep -l -i 'To: .*%s' '%s/mail/new/'* 2>/dev/null | wc -l", rcpt,
		 state);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	if (fgets(out, sizeof out, p) == NULL)
		out[0] = '\0';
	pclose(p);
	return atol(out);
}

static int ctl(const char *cfg, const char *args)
{
	return shell("'%s/gatehouse-ctl' -c '%s' %s >/dev/null", env_or("GH_BUILDDIR", "."), cfg,
		     args);
}

static long post(struct hc *h, const char *page, const char *path, const char *fields,
		 xmlDocPtr *out)
{
	return post_form(h, page, path, fields, out, NULL, 0);
}

/* The tombstone id of email in f (caller frees; NULL: none). */
static char *tomb_of(const struct fx *f, const char *table, const char *email)
{
	return sql1("SELECT id FROM %s WHERE tenant_id = %s AND email = '%s' ORDER BY id DESC "
		    "LIMIT 1",
		    table, f->tq, email);
}

static void test_portal(const struct fx *f, const struct fx *g)
{
	struct hc *adm = client(), *ed = client(), *vw = client(), *pc = client(), *og = client();
	char body[300], path[300], *uid, *tid, *gid, *v;
	xmlDocPtr d;

	throttle_reset();
	ok(hc_login(adm, f->admin, PW) == 303 && hc_login(ed, f->editor, PW) == 303 &&
		   hc_login(vw, f->viewer, PW) == 303 && hc_login(og, g->admin, PW) == 303,
	   "portal: admin, editor, viewer and the other company's admin signed in");
	uid = sql1("SELECT id FROM portal_users WHERE tenant_id = %s AND email = '%s'", f->tq,
		   f->client);
	/* Not the default group, two chosen sites, a session of its own. */
	gid = sql1("SELECT id FROM portal_groups WHERE tenant_id = %s AND is_system = 1", f->tq);
	ok(sqlf("UPDATE portal_users SET group_id = %s, all_sites = 0 WHERE id = %s;\n"
		"INSERT INTO portal_user_sites (portal_user_id, site_id) SELECT %s, s.id "
		"FROM sites s WHERE s.tenant_id = %s AND s.name IN ('North Wing', "
		"'South Wing');\n",
		gid, uid, uid, f->tq) == 0,
	   "portal: the client has the system group and two chosen sites");
	ok(portal_login(pc, f->slug, f->client, PW, NULL, 0) == 303,
	   "portal: the client signed in");

	snprintf(body, sizeof body, "id=%s", uid);
	ok(post(ed, PA, PA "/delete", body, NULL) == 303, "portal: the editor deletes the client");
	ok(count_of("SELECT COUNT(*) FROM portal_users WHERE id = %s%s", uid, "") == 0 &&
		   count_of("SELECT COUNT(*) FROM sessions WHERE portal_user_id = %s%s", uid, "") ==
			   0,
	   "portal: the user and its session are gone");
	tid = tomb_of(f, "portal_user_tombstones", f->client);
	ok(tid != NULL && *tid, "portal: a tombstone kept");

	d = get_xml(ed, PD "?format=xml", 200, "portal: Deleted as the editor");
	snprintf(path, sizeof path, "/page/portal-deleted/deleted[@id='%s']/email",
		 tid ? tid : "0");
	ok(d && xp_is(d, path, f->client), "portal: ... lists the deleted client");
	snprintf(path, sizeof path, "/page/portal-deleted/deleted[@id='%s']/@user-id",
		 tid ? tid : "0");
	ok(d && xp_is(d, path, uid), "portal: ... with its old id");
	ok(d && xp_is(d, "/page/portal-deleted/@days", "30"), "portal: ... within 30 days");
	xmlFreeDoc(d);
	ok(get_status(vw, PD) == 403, "portal: Deleted refused to a viewer (403)");
	snprintf(body, sizeof body, "id=%s", tid ? tid : "0");
	ok(post(vw, PA, PD, body, NULL) == 403, "portal: a viewer's restore refused (403)");
	d = get_xml(og, PD "?format=xml", 200, "portal: the other company's Deleted");
	ok(d && xp_is(d, "count(/page/portal-deleted/deleted)", "0"),
	   "portal: ... shows none of this company's");
	xmlFreeDoc(d);
	ok(post(og, PD, PD, body, NULL) == 404, "portal: the other company's restore of it: 404");
	ok(status_of(ed, "POST", PD, body, NULL, NULL, 0) == 403,
	   "portal: a restore without the CSRF token: 403");
	ok(post(ed, PD, PD, "id=abc", NULL) == 422, "portal: a bad id: 422");
	ok(post(ed, PD, PD, "id=999999999", NULL) == 404, "portal: an unknown id: 404");
	ok(count_of("SELECT COUNT(*) FROM portal_users WHERE id = %s%s", uid, "") == 0,
	   "portal: ... none of them restored anything");

	ok(post(ed, PD, PD, body, NULL) == 303, "portal: the editor restores the client");
	v = sql1("SELECT CONCAT_WS('|', email, customer_id = (SELECT id FROM customers WHERE "
		 "tenant_id = %s AND name = 'ABM Apartments'), group_id = %s, all_sites, "
		 "password_hash IS NULL, status) FROM portal_users WHERE id = %s",
		 f->tq, gid, uid);
	snprintf(path, sizeof path, "%s|1|1|0|1|active", f->client);
	ok(v && strcmp(v, path) == 0,
	   "portal: back under its id, customer and group, no password (%s)", v ? v : "none");
	free(v);
	ok(count_of("SELECT COUNT(*) FROM portal_user_sites WHERE portal_user_id = %s%s", uid,
		    "") == 2,
	   "portal: ... with its two sites");
	ok(count_of("SELECT COUNT(*) FROM sessions WHERE portal_user_id = %s%s", uid, "") == 0,
	   "portal: ... and no session");
	ok(count_of("SELECT COUNT(*) FROM portal_user_tombstones WHERE id = %s%s", tid, "") == 0,
	   "portal: the tombstone is gone");
	v = audit_of(f, "portal_user.undelete", uid);
	snprintf(path, sizeof path, "office|%s|portal_user|restored, invited", f->editor);
	ok(v && strcmp(v, path) == 0, "portal: the restore audited (%s)", v ? v : "none");
	free(v);
	ok(mail_has(f->client, "set-password?token="), "portal: a fresh invitation in the sink");
	ok(portal_login(pc, f->slug, f->client, PW, NULL, 0) != 303,
	   "portal: the old password does not sign in");
	d = get_xml(ed, PA "?format=xml&q=client", 200, "portal: Portal Access after the restore");
	snprintf(path, sizeof path, "/page/portal-access/list/rows/user[@id='%s']/@status", uid);
	ok(d && xp_is(d, path, "invited"), "portal: ... shows it as Invited");
	xmlFreeDoc(d);
	free(tid);

	{
		char *st;
		/* The other company's portal is off: restored, not invited. */
		v = sql1("SELECT id FROM portal_users WHERE tenant_id = %s AND email = "
			 "'info@andersonwindows.example.com'",
			 g->tq);
		snprintf(body, sizeof body, "id=%s", v ? v : "0");
		ok(post(og, PA, PA "/delete", body, NULL) == 303, "portal off: a user deleted");
		tid = tomb_of(g, "portal_user_tombstones", "info@andersonwindows.example.com");
		snprintf(body, sizeof body, "id=%s", tid ? tid : "0");
		ok(post(og, PD, PD, body, NULL) == 303, "portal off: ... and restored");
		st = sql1("SELECT invite_state FROM portal_users WHERE id = %s", v ? v : "0");
		ok(st && strcmp(st, "none") == 0, "portal off: ... not invited (%s)",
		   st ? st : "none");
		free(st);
		st = audit_of(g, "portal_user.undelete", v ? v : "0");
		ok(st && strstr(st, "|restored, not invited") != NULL,
		   "portal off: ... audited as such");
		free(st);
		free(v);
		free(tid);
	}
	/* The login taken again meanwhile: 409, nothing written. */
	v = sql1("SELECT id FROM portal_users WHERE tenant_id = %s AND email = "
		 "'manager@theloop.example.com'",
		 f->tq);
	snprintf(body, sizeof body, "id=%s", v ? v : "0");
	free(v);
	ok(post(adm, PA, PA "/delete", body, NULL) == 303, "retaken: manager deleted");
	tid = tomb_of(f, "portal_user_tombstones", "manager@theloop.example.com");
	v = sql1("SELECT id FROM customers WHERE tenant_id = %s AND name = 'The Loop'", f->tq);
	snprintf(body, sizeof body,
		 "customer=%s&email=manager%%40theloop.example.com&group=&sites=all", v ? v : "0");
	free(v);
	ok(post(adm, PA "/edit", PA "/edit", body, NULL) == 303,
	   "retaken: the login given to a new user");
	snprintf(body, sizeof body, "id=%s", tid ? tid : "0");
	ok(post(adm, PD, PD, body, &d) == 409, "retaken: the restore answers 409");
	ok(d != NULL, "retaken: with a page saying why");
	xmlFreeDoc(d);
	ok(count_of("SELECT COUNT(*) FROM portal_user_tombstones WHERE id = %s%s", tid, "") == 1,
	   "retaken: the tombstone is kept");

	/* The period over: not listed, not restorable, then purged. */
	ok(sqlf("UPDATE portal_user_tombstones SET deleted_at = NOW(6) - INTERVAL 31 DAY "
		"WHERE id = %s;\n",
		tid) == 0,
	   "expired: deleted 31 days ago");
	d = get_xml(adm, PD "?format=xml", 200, "expired: Deleted");
	snprintf(path, sizeof path, "count(/page/portal-deleted/deleted[@id='%s'])", tid);
	ok(d && xp_is(d, path, "0"), "expired: ... no longer lists it");
	xmlFreeDoc(d);
	ok(post(adm, PD, PD, body, NULL) == 409, "expired: its restore answers 409");
	ok(ctl(ini, "people purge") == 0, "purge: gatehouse-ctl people purge");
	ok(count_of("SELECT COUNT(*) FROM portal_user_tombstones WHERE id = %s%s", tid, "") == 0,
	   "purge: the expired tombstone is gone");
	v = sql1("SELECT CONCAT_WS('|', actor_kind, target) FROM audit_log WHERE tenant_id = %s "
		 "AND action = 'portal_user.purge' ORDER BY id DESC LIMIT 1",
		 f->tq);
	ok(v && strcmp(v, "system|manager@theloop.example.com") == 0,
	   "purge: audited as the system (%s)", v ? v : "none");
	free(v);
	free(tid);
	free(uid);
	free(gid);
	hc_free(adm);
	hc_free(ed);
	hc_free(vw);
	hc_free(pc);
	hc_free(og);
}

static void test_office(const struct fx *f, const struct fx *g)
{
	struct hc *adm = client(), *ed = client(), *og = client(), *cu = client(), *anon = client();
	char body[300], path[300], tok[44], *uid, *tid, *v, *perms, *gt;
	xmlDocPtr d;

	throttle_reset();
	ok(hc_login(adm, f->admin, PW) == 303 && hc_login(og, g->admin, PW) == 303 &&
		   hc_login(cu, f->custom, PW) == 303,
	   "office: admin, custom user and the other company's admin signed in");
	ok(hc_login(ed, f->editor, PW) == 303, "office: the editor signed in");
	uid = sql1("SELECT id FROM office_users WHERE email = '%s'", f->editor);
	ok(count_of("SELECT COUNT(*) FROM office_users WHERE id = %s AND last_sign_in_at > NOW(6) "
		    "- INTERVAL 1 MINUTE%s",
		    uid, "") == 1,
	   "office: the sign-in is the editor's Last sign-in");
	perms = sql1("SELECT GROUP_CONCAT(module, '=', level ORDER BY module) FROM "
		     "office_user_perms WHERE user_id = %s",
		     uid);
	ok(sqlf("UPDATE office_users SET mfa_required = 1, mail_provider = 'smtp', smtp_host = "
		"'smtp.example.com', smtp_user = 'eddie', smtp_password = 'sealed-stand-in' "
		"WHERE id = %s;\n",
		uid) == 0,
	   "office: the editor must use MFA and has an SMTP connection with a password");
	snprintf(body, sizeof body, "id=%s", uid);
	ok(post(adm, OU, OU "/delete", body, NULL) == 303, "office: the admin deletes the editor");
	ok(count_of("SELECT COUNT(*) FROM office_login_tombstones WHERE email = '%s'%s", f->editor,
		    "") == 1,
	   "office: the login burned, as before");
	tid = tomb_of(f, "office_user_tombstones", f->editor);
	ok(tid && *tid, "office: a tombstone kept");
	d = get_xml(adm, OD "?format=xml", 200, "office: Deleted as the admin");
	snprintf(path, sizeof path, "/page/office-deleted/deleted[@id='%s']/@role",
		 tid ? tid : "0");
	ok(d && xp_is(d, path, "edit_view"), "office: ... lists the editor with its role");
	xmlFreeDoc(d);
	ok(get_status(cu, OD) == 403, "office: Deleted refused to a non-Super Admin (403)");
	snprintf(body, sizeof body, "id=%s", tid ? tid : "0");
	ok(post(cu, OU, OD, body, NULL) == 403, "office: ... and its restore (403)");
	ok(post(og, OD, OD, body, NULL) == 404, "office: the other company's restore of it: 404");
	ok(status_of(adm, "POST", OD, body, NULL, NULL, 0) == 403,
	   "office: a restore without the CSRF token: 403");
	ok(post(adm, OD, OD, "id=0", NULL) == 422, "office: a bad id: 422");

	ok(post(adm, OD, OD, body, NULL) == 303, "office: the admin restores the editor");
	v = sql1("SELECT CONCAT_WS('|', role, first_name, active, password_hash = '') FROM "
		 "office_users WHERE id = %s",
		 uid);
	ok(v && strcmp(v, "edit_view|Eddie|1|1") == 0,
	   "office: back under its id, role and name, no password (%s)", v ? v : "none");
	free(v);
	v = sql1("SELECT GROUP_CONCAT(module, '=', level ORDER BY module) FROM office_user_perms "
		 "WHERE user_id = %s",
		 uid);
	ok(v && perms && strcmp(v, perms) == 0, "office: ... with the same permissions");
	free(v);
	ok(count_of("SELECT COUNT(*) FROM office_user_calendars WHERE user_id = %s%s", uid, "") ==
		   2,
	   "office: ... and calendars");
	v = sql1("SELECT CONCAT_WS('|', mfa_required, mail_provider, smtp_host, smtp_user, "
		 "smtp_password IS NULL, mfa_secret IS NULL) FROM office_users WHERE id = %s",
		 uid);
	ok(v && strcmp(v, "1|smtp|smtp.example.com|eddie|1|1") == 0,
	   "office: ... MFA still required, the SMTP connection without its password (%s)",
	   v ? v : "none");
	free(v);
	ok(count_of("SELECT COUNT(*) FROM sessions WHERE office_user_id = %s%s", uid, "") == 0,
	   "office: ... and no session");
	ok(count_of("SELECT COUNT(*) FROM office_login_tombstones WHERE email = '%s'%s", f->editor,
		    "") == 0,
	   "office: the login is free again");
	v = audit_of(f, "office_user.undelete", uid);
	snprintf(path, sizeof path, "office|%s|office_user|edit_view", f->admin);
	ok(v && strcmp(v, path) == 0, "office: the restore audited (%s)", v ? v : "none");
	free(v);
	ok(mail_link(f->editor, "/settings/reset?token=", tok) == 0,
	   "office: a set-password link in the sink");
	throttle_reset();
	ok(hc_login(anon, f->editor, PW) == 401, "office: the old password does not sign in");
	snprintf(path, sizeof path, "/settings/reset?token=%s", tok);
	snprintf(body, sizeof body, "token=%s&password=restored-Pass-42&confirm=restored-Pass-42",
		 tok);
	ok(post(anon, path, "/settings/reset", body, NULL) == 303,
	   "office: the link sets a new password");
	hc_clear_cookies(anon);
	ok(hc_login(anon, f->editor, "restored-Pass-42") == 303,
	   "office: the restored user signs in with it");
	free(tid);

	/* Taken again (by a Super Admin of another company through
	 * gatehouse-ctl, which knows no tombstones): 409. */
	snprintf(body, sizeof body, "id=%s", uid);
	ok(post(adm, OU, OU "/delete", body, NULL) == 303, "retaken: the editor deleted again");
	tid = tomb_of(f, "office_user_tombstones", f->editor);
	ok(sqlf("DELETE FROM office_login_tombstones WHERE email = '%s';\n", f->editor) == 0 &&
		   ctl_user(g->slug, f->editor, "view_only", "Other", "Person") == 0,
	   "retaken: the login made in the other company");
	snprintf(body, sizeof body, "id=%s", tid ? tid : "0");
	ok(post(adm, OD, OD, body, NULL) == 409, "retaken: the restore answers 409");
	ok(count_of("SELECT COUNT(*) FROM office_user_tombstones WHERE id = %s%s", tid, "") == 1,
	   "retaken: the tombstone is kept");

	/* The period over: 409, then purged with the login still burned. */
	v = sql1("SELECT id FROM office_users WHERE email = '%s'", f->viewer);
	snprintf(body, sizeof body, "id=%s", v ? v : "0");
	ok(post(adm, OU, OU "/delete", body, NULL) == 303, "expired: the viewer deleted");
	free(tid);
	tid = tomb_of(f, "office_user_tombstones", f->viewer);
	ok(sqlf("UPDATE office_user_tombstones SET deleted_at = NOW(6) - INTERVAL 31 DAY "
		"WHERE id = %s;\n",
		tid) == 0,
	   "expired: deleted 31 days ago");
	snprintf(body, sizeof body, "id=%s", tid ? tid : "0");
	ok(post(adm, OD, OD, body, NULL) == 409, "expired: its restore answers 409");
	ok(ctl(ini, "people purge") == 0, "purge: gatehouse-ctl people purge");
	ok(count_of("SELECT COUNT(*) FROM office_user_tombstones WHERE id = %s%s", tid, "") == 0,
	   "purge: the expired tombstone is gone");
	ok(count_of("SELECT COUNT(*) FROM office_login_tombstones WHERE email = '%s'%s", f->viewer,
		    "") == 1,
	   "purge: its login stays burned");
	gt = sql1("SELECT CONCAT_WS('|', actor_kind, target) FROM audit_log WHERE tenant_id = %s "
		  "AND action = 'office_user.purge' AND target = '%s'",
		  f->tq, f->viewer);
	snprintf(path, sizeof path, "system|%s", f->viewer);
	ok(gt && strcmp(gt, path) == 0, "purge: audited as the system (%s)", gt ? gt : "none");
	free(gt);
	free(v);
	free(tid);
	free(uid);
	free(perms);
	hc_free(adm);
	hc_free(ed);
	hc_free(og);
	hc_free(cu);
	hc_free(anon);
}

/* EXPLAIN of statement q with its parameters' literals in order: the index
 * its first table (office_users u) is read by, into key ("" if none). */
static void plan_key(enum db_stmt q, const char *const *lit, size_t n, char key[96])
{
	const char *sql = db_stmts[q].sql;
	char *text = strdup("EXPLAIN FORMAT=JSON "), *v, *k;
	size_t used = 0;

	key[0] = '\0';
	for (const char *c = sql; *c != '\0'; c++) {
		if (*c == '?' && used < n)
			text = cat(text, "%s", lit[used++]);
		else
			text = cat(text, "%c", *c);
	}
	if (used != n || n != db_stmts[q].params) {
		diag("%s: %zu literals for %u parameters", db_stmts[q].name, n, db_stmts[q].params);
		free(text);
		return;
	}
	v = sql1("%s", text);
	if (v != NULL && (k = strstr(v, "\"key\": \"")) != NULL)
		sscanf(k + 8, "%95[^\"]", key);
	else
		diag("no plan: %.300s", v ? v : "(null)");
	free(v);
	free(text);
}

static void test_list(const struct fx *g)
{
	struct hc *h = client();
	char path[400], *tid, key[96];
	xmlDocPtr d;

	throttle_reset();
	ok(hc_login(h, g->admin, PW) == 303, "list: the admin signed in");
	d = get_xml(h, OU "?format=xml", 200, "list: Office Users");
	snprintf(path, sizeof path, "string-length(//rows/user[email='%s']/last-sign-in) > 0",
		 g->admin);
	ok(d && xp_is(d, path, "true"), "list: the admin's Last sign-in shown");
	snprintf(path, sizeof path, "//rows/user[email='%s']/last-sign-in", g->viewer);
	ok(d && xp_is(d, path, ""), "list: the viewer never signed in: empty");
	xmlFreeDoc(d);
	d = get_xml(h, OU "?format=xml&signin=never", 200, "list: signed in never");
	snprintf(path, sizeof path, "count(//rows/user[email='%s'])", g->viewer);
	ok(d && xp_is(d, path, "1"), "list: ... lists the viewer");
	snprintf(path, sizeof path, "count(//rows/user[email='%s'])", g->admin);
	ok(d && xp_is(d, path, "0"), "list: ... not the admin");
	ok(d && xp_is(d, "string(//list/@facet)", "never") &&
		   xp_is(d, "string(//list/@facet-name)", "signin"),
	   "list: ... the filter kept in the list's links");
	ok(d && xp_is(d, "count(//rows/user[last-sign-in != ''])", "0"),
	   "list: ... every row never signed in");
	xmlFreeDoc(d);
	ok(sqlf("UPDATE office_users SET last_sign_in_at = NOW(6) - INTERVAL 100 DAY WHERE "
		"email = '%s';\n",
		g->custom) == 0,
	   "list: the custom user last signed in 100 days ago");
	d = get_xml(h, OU "?format=xml&signin=over90&sort=first&dir=desc", 200,
		    "list: signed in over 90 days ago, by first name down");
	snprintf(path, sizeof path, "//rows/user[email='%s']/email", g->custom);
	ok(d && xp_is(d, "count(//rows/user)", "1") && xp_is(d, path, g->custom),
	   "list: ... only the custom user");
	xmlFreeDoc(d);
	d = get_xml(h, OU "?format=xml&signin=never&q=viewer", 200, "list: never, with a filter");
	snprintf(path, sizeof path, "//rows/user/email");
	ok(d && xp_is(d, "count(//rows/user)", "1") && xp_is(d, path, g->viewer),
	   "list: ... the viewer alone");
	xmlFreeDoc(d);
	ok(get_status(h, OU "?signin=sometimes") == 400, "list: an unknown signin: 400");

	/* A mass delete: the newest 500 of 501 shown, and more said. */
	ok(sqlf("INSERT INTO portal_user_tombstones (tenant_id, user_id, customer_id, "
		"company_name, email, deleted_at) SELECT c.tenant_id, 4000000000 - seq, c.id, "
		"c.name, CONCAT('gone', seq, '@mass.example'), NOW(6) - INTERVAL seq SECOND "
		"FROM seq_1_to_501 JOIN customers c ON c.tenant_id = %s AND c.name = 'The "
		"Loop';\n",
		g->tq) == 0,
	   "deleted: 501 portal users deleted in the other company");
	d = get_xml(h, PD "?format=xml", 200, "deleted: the page of 501");
	ok(d && xp_is(d, "count(//deleted)", "500") &&
		   xp_is(d, "string(/page/portal-deleted/@more)", "1") &&
		   xp_is(d, "string(//deleted[1]/email)", "gone1@mass.example"),
	   "deleted: the newest 500, and more said");
	xmlFreeDoc(d);
	ok(sqlf("DELETE FROM portal_user_tombstones WHERE email LIKE '%%@mass.example';\n") == 0,
	   "deleted: the mass delete's tombstones removed");

	/* The filter's walks read office_users_tenant_signin. */
	tid = sql1("SELECT id FROM tenants WHERE slug = '%s'", g->slug);
	{
		const char *plain[] = {tid, "NULL", "NULL", "11"};
		const char *walk[] = {tid,   "NULL", "NULL", "0",   "0",
				      "'%'", "'%'",  "'%'",  "'%'", "11"};
		const char *cnt[] = {tid, "1001"};
		plan_key(DBQ_OU_NEVER_PLAIN_EMAIL_ASC, plain, 4, key);
		ok(strcmp(key, "office_users_tenant_signin") == 0,
		   "plan: never, a plain page, by office_users_tenant_signin (%s)", key);
		plan_key(DBQ_OU_OLD_PLAIN_EMAIL_DESC, plain, 4, key);
		ok(strcmp(key, "office_users_tenant_signin") == 0,
		   "plan: over 90 days, a plain page, by office_users_tenant_signin (%s)", key);
		plan_key(DBQ_OU_OLD_WALK_EMAIL_ASC, walk, 10, key);
		ok(strcmp(key, "office_users_tenant_signin") == 0,
		   "plan: over 90 days, filtered, by office_users_tenant_signin (%s)", key);
		plan_key(DBQ_OU_COUNT_NEVER, cnt, 2, key);
		ok(strcmp(key, "office_users_tenant_signin") == 0,
		   "plan: never's count by office_users_tenant_signin (%s)", key);
	}
	free(tid);
	hc_free(h);
}

/* gatehouse-ctl dormant --tenant (only this test's company: the stack may
 * hold others' long-idle users) with both dormant_days at 30 (a config of
 * its own: the stack's has them off). */
static void test_dormant(const struct fx *f)
{
	char cfg[1200], run[200], *uid, *oid, *sid;
	struct hc *pc = client();
	long before;

	snprintf(cfg, sizeof cfg, "%s/dormant.ini", state);
	ok(shell("cp '%s' '%s' && printf '\\n[portal]\\ndormant_days = 30\\n[office]\\n"
		 "dormant_days = 30\\n' >> '%s'",
		 ini, cfg, cfg) == 0,
	   "dormant: a config with dormant_days 30");
	snprintf(run, sizeof run, "dormant --tenant %s", f->slug);
	ok(ctl(ini, run) == 0, "dormant: off in the stack's config: nothing to do");
	ok(shell("'%s/gatehouse-ctl' -c '%s' dormant --tenant no-such-company >/dev/null 2>&1",
		 env_or("GH_BUILDDIR", "."), cfg) == 1,
	   "dormant: an unknown company: exit 1");
	ok(shell("'%s/gatehouse-ctl' -c '%s' dormant now >/dev/null 2>&1",
		 env_or("GH_BUILDDIR", "."), ini) == 2 &&
		   shell("'%s/gatehouse-ctl' -c '%s' people >/dev/null 2>&1",
			 env_or("GH_BUILDDIR", "."), ini) == 2 &&
		   shell("'%s/gatehouse-ctl' -c '%s' people purge --all >/dev/null 2>&1",
			 env_or("GH_BUILDDIR", "."), ini) == 2,
	   "ctl: bad arguments to dormant and people print the usage (exit 2)");
	uid = sql1("SELECT id FROM portal_users WHERE tenant_id = %s AND email = '%s'", f->tq,
		   f->client);
	oid = sql1("SELECT id FROM office_users WHERE email = '%s'", f->custom);
	sid = sql1("SELECT id FROM office_users WHERE email = '%s'", f->admin);
	/* Make everything else of the stack recent: only ours are due. */
	ok(sqlf("UPDATE portal_users SET password_hash = (SELECT password_hash FROM "
		"office_users WHERE id = %s), status = 'active', last_sign_in_at = NOW(6) "
		"- INTERVAL 25 DAY WHERE id = %s;\n"
		"UPDATE office_users SET last_sign_in_at = NOW(6) - INTERVAL 25 DAY WHERE id "
		"IN (%s, %s);\n",
		sid, uid, oid, sid) == 0,
	   "dormant: the client, the custom user and the admin last signed in 25 days ago");
	before = mails_to(f->client);
	ok(ctl(cfg, run) == 0, "dormant: a run");
	ok(count_of("SELECT COUNT(*) FROM portal_users WHERE id = %s AND dormant_warned_at IS NOT "
		    "NULL AND status = 'active'%s",
		    uid, "") == 1,
	   "dormant: the client warned, still active");
	ok(mail_has(f->client, "will be deactivated in a week"),
	   "dormant: the client's warning mail");
	ok(mail_has(f->custom, "office account"), "dormant: the custom user's warning mail");
	ok(count_of("SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
		    "'portal_user.dormant_warned' AND actor_kind = 'system' AND target_id = %s",
		    f->tq, uid) == 1,
	   "dormant: the warning audited as the system");
	ok(ctl(cfg, run) == 0, "dormant: a second run");
	ok(count_of("SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
		    "'portal_user.dormant_warned' AND target_id = %s",
		    f->tq, uid) == 1,
	   "dormant: ... warns nobody twice");
	usleep(1500000);
	ok(mails_to(f->client) == before + 1, "dormant: one warning mail in all");
	ok(portal_login(pc, f->slug, f->client, PW, NULL, 0) == 303,
	   "dormant: the client signs in");
	ok(count_of("SELECT COUNT(*) FROM portal_users WHERE id = %s AND dormant_warned_at IS "
		    "NULL%s",
		    uid, "") == 1,
	   "dormant: ... which forgets the warning");
	/* Warned 8 days ago, not signed in for 31: deactivated. */
	ok(sqlf("UPDATE portal_users SET last_sign_in_at = NOW(6) - INTERVAL 31 DAY, "
		"dormant_warned_at = NOW(6) - INTERVAL 8 DAY WHERE id = %s;\n"
		"UPDATE office_users SET last_sign_in_at = NOW(6) - INTERVAL 31 DAY, "
		"dormant_warned_at = NOW(6) - INTERVAL 8 DAY WHERE id IN (%s, %s);\n",
		uid, oid, sid) == 0,
	   "dormant: all three warned 8 days ago, 31 days without a sign-in");
	ok(ctl(cfg, run) == 0, "dormant: a run a week after the warning");
	ok(count_of("SELECT COUNT(*) FROM portal_users WHERE id = %s AND status = 'revoked'%s", uid,
		    "") == 1 &&
		   count_of("SELECT COUNT(*) FROM sessions WHERE portal_user_id = %s%s", uid, "") ==
			   0,
	   "dormant: the client's access revoked, its session ended");
	ok(count_of("SELECT COUNT(*) FROM office_users WHERE id = %s AND active = 0%s", oid, "") ==
		   1,
	   "dormant: the custom user deactivated");
	ok(count_of("SELECT COUNT(*) FROM office_users WHERE id = %s AND active = 1%s", sid, "") ==
		   1,
	   "dormant: the company's last Super Admin kept");
	ok(count_of(
		   "SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
		   "'office_user.dormant_deactivated' AND actor_kind = 'system' AND target_id = %s",
		   f->tq, oid) == 1 &&
		   count_of("SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
			    "'portal_user.dormant_revoked' AND target_id = %s",
			    f->tq, uid) == 1,
	   "dormant: both deactivations audited as the system");
	ok(sqlf("UPDATE office_users SET last_sign_in_at = NOW(6), dormant_warned_at = NULL "
		"WHERE id = %s;\n",
		sid) == 0,
	   "dormant: the admin recent again");
	shell("rm -f '%s'", cfg);
	free(uid);
	free(oid);
	free(sid);
	hc_free(pc);
}

/* A revoked portal user and a deactivated office user, deleted and
 * restored: back revoked or deactivated, and mailed nothing. */
static void test_restore_revoked(const struct fx *f, const struct fx *o)
{
	struct hc *adm = client(), *oa = client();
	char body[100], *uid, *tid, *oid, *v;
	long mails;

	ok(hc_login(adm, f->admin, PW) == 303 && hc_login(oa, o->admin, PW) == 303,
	   "revoked: the admins signed in");
	ok(sqlf("INSERT INTO portal_users (tenant_id, customer_id, company_name, email, status) "
		"SELECT tenant_id, id, name, 'revoked@people.example', 'revoked' FROM customers "
		"WHERE tenant_id = %s AND name = 'Cool Air';\n",
		f->tq) == 0,
	   "revoked: a revoked portal user");
	uid = sql1("SELECT id FROM portal_users WHERE tenant_id = %s AND email = "
		   "'revoked@people.example'",
		   f->tq);
	snprintf(body, sizeof body, "id=%s", uid ? uid : "0");
	ok(post(adm, PA, PA "/delete", body, NULL) == 303, "revoked: deleted");
	tid = tomb_of(f, "portal_user_tombstones", "revoked@people.example");
	snprintf(body, sizeof body, "id=%s", tid ? tid : "0");
	ok(post(adm, PD, PD, body, NULL) == 303, "revoked: restored");
	ok(count_of("SELECT COUNT(*) FROM portal_users WHERE id = %s AND status = 'revoked'%s",
		    uid ? uid : "0", "") == 1 &&
		   count_of("SELECT COUNT(*) FROM portal_invitations WHERE portal_user_id = %s%s",
			    uid ? uid : "0", "") == 0,
	   "revoked: back revoked, and not invited");
	v = audit_of(f, "portal_user.undelete", uid ? uid : "0");
	ok(v && strstr(v, "revoked as it was") != NULL, "revoked: the entry says so (%s)",
	   v ? v : "none");
	free(v);

	oid = sql1("SELECT id FROM office_users WHERE email = '%s' AND active = 0", o->inactive);
	mails = count_of("SELECT COUNT(*) FROM mail_outbox WHERE to_addr = '%s'%s", o->inactive,
			 "");
	snprintf(body, sizeof body, "id=%s", oid ? oid : "0");
	ok(post(oa, OU, OU "/delete", body, NULL) == 303, "deactivated: the office user deleted");
	free(tid);
	tid = tomb_of(o, "office_user_tombstones", o->inactive);
	snprintf(body, sizeof body, "id=%s", tid ? tid : "0");
	ok(post(oa, OD, OD, body, NULL) == 303, "deactivated: restored");
	ok(count_of("SELECT COUNT(*) FROM office_users WHERE id = %s AND active = 0%s",
		    oid ? oid : "0", "") == 1 &&
		   count_of("SELECT COUNT(*) FROM mail_outbox WHERE to_addr = '%s'%s", o->inactive,
			    "") == mails,
	   "deactivated: back deactivated, and mailed no link");
	free(uid);
	free(tid);
	free(oid);
	hc_free(adm);
	hc_free(oa);
}

int main(void)
{
	struct fx f, g, o;

	test_env();
	if (!ok(fx_make(&f, "people", "People Field Services",
			FX_STAFF | FX_CUSTOMERS | FX_CALENDARS | FX_RECORDS | FX_PORTAL_ON) == 0 &&
			fx_make(&g, "people-other", "Other People Services",
				FX_STAFF | FX_CUSTOMERS) == 0 &&
			fx_make(&o, "people-office", "Office People Services",
				FX_STAFF | FX_CALENDARS) == 0,
		"three companies of this test's own"))
		return done_testing();
	test_portal(&f, &g);
	test_office(&o, &g);
	test_list(&g);
	test_dormant(&f);
	test_restore_revoked(&f, &o);
	return done_testing();
}
