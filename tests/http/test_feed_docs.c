/* The partner feed through nginx (issue 14): every document valid against
 * its schema (xslt/feed/v1/), the scope x document matrix, another
 * tenant's key and cursors, bad parameters named, keyset pages that meet
 * every row once, strong ETags and 304s, no secret in any document, a key
 * in the query string refused and in no log, revoked, expired and rolled
 * keys, the rate limit's 429, and the change log: commit order (a
 * transaction that wrote first and commits last is not skipped), a rolled
 * back write leaves nothing, tombstones, 410 past the kept changes. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlschemas.h>
#include <mysql.h>

#include "common.h"
#include "conf.h"

static struct hc *hc;
static char key[128];   /* every scope */
static char other[128]; /* another tenant's, every scope */

/* ctl's output line "label VALUE": VALUE into v. */
static int ctl_key(const char *slug, const char *scopes, const char *extra, char *k, size_t ksz)
{
	char cmd[1024], line[512];
	FILE *p;
	int found = -1;

	snprintf(cmd, sizeof cmd,
		 "'%s/gatehouse-ctl' -c '%s' key create --tenant %s --name t "
		 "--scopes %s %s 2>/dev/null",
		 env_or("GH_BUILDDIR", "."), ini, slug, scopes, extra ? extra : "");
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, p) != NULL)
		if (strncmp(line, "key:", 4) == 0 && sscanf(line + 4, " %127s", k) == 1)
			found = 0;
	pclose(p);
	(void)ksz;
	return found;
}

/* A generous rate for the test's own keys (the default is 10/s). */
static void unthrottle(const char *k)
{
	free(sql1("UPDATE api_keys SET rate_per_s = 1000, burst = 1000, rate_tokens = 1000 WHERE "
		  "key_id = '%.16s'",
		  k + 4));
}

/* GET path with key k (NULL: none) and extra header lines. */
static long get(const char *k, const char *path, const char *extra, struct hc_resp *r)
{
	char hdr[1024];

	snprintf(hdr, sizeof hdr, "%s%s%s%s", k ? "Authorization: Bearer " : "", k ? k : "",
		 k && extra ? "\n" : "", extra ? extra : "");
	if (hc_req(hc, "GET", path, NULL, NULL, hdr[0] ? hdr : NULL, r) != 0)
		return -1;
	return r->status;
}

/* get()'s status only. */
static long status(const char *k, const char *path, const char *extra)
{
	struct hc_resp r;
	long st = get(k, path, extra, &r);

	hc_resp_free(&r);
	return st;
}

/* Whether d is valid against its root's schema in xslt/feed/v1/. */
static int feed_valid(xmlDocPtr d)
{
	char path[1200];
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr s = NULL;
	xmlSchemaValidCtxtPtr vc = NULL;
	int ok = 0;

	if (d == NULL || xmlDocGetRootElement(d) == NULL)
		return 0;
	snprintf(path, sizeof path, "%s/xslt/feed/v1/%s.xsd", env_or("GH_SRCDIR", "."),
		 (const char *)xmlDocGetRootElement(d)->name);
	if ((pc = xmlSchemaNewParserCtxt(path)) != NULL && (s = xmlSchemaParse(pc)) != NULL &&
	    (vc = xmlSchemaNewValidCtxt(s)) != NULL)
		ok = xmlSchemaValidateDoc(vc, d) == 0;
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(s);
	xmlSchemaFreeParserCtxt(pc);
	return ok;
}

/* GET, parse and validate: the document (caller frees) or NULL. */
static xmlDocPtr doc(const char *k, const char *path, long *status)
{
	struct hc_resp r;
	xmlDocPtr d = NULL;

	*status = get(k, path, NULL, &r);
	d = hc_xml(&r);
	hc_resp_free(&r);
	if (d != NULL && !feed_valid(d)) {
		diag("%s: not valid against its schema", path);
		xmlFreeDoc(d);
		d = NULL;
	}
	return d;
}

static char *xpv(xmlDocPtr d, const char *expr)
{
	return d ? hc_xpath(d, expr) : strdup("");
}

/* The data the documents show: customers with contacts and sites, portal
 * users (one with a password, an MFA secret and a grant), records of each
 * kind.  Markers that must never reach a document: SECRET_. */
static void seed(const struct fx *f)
{
	free(sql1("INSERT INTO customers (tenant_id, name, primary_email, phone, street, city) "
		  "VALUES (%s, 'Alpha & Sons <Ltd>', 'a@alpha.test', '555', '1 Main', "
		  "'Springfield'), "
		  "(%s, 'Beta', 'b@beta.test', '', '', ''), (%s, 'Gamma', 'g@gamma.test', '', '', "
		  "'')",
		  f->tq, f->tq, f->tq));
	free(sql1("INSERT INTO customer_contacts (tenant_id, customer_id, name, email) SELECT "
		  "tenant_id, id, CONCAT('Contact of ', name), 'c@x.test' FROM customers WHERE "
		  "tenant_id = %s",
		  f->tq));
	free(sql1("INSERT INTO sites (tenant_id, customer_id, name, address) SELECT tenant_id, id, "
		  "CONCAT(name, ' HQ'), '1 Site Rd' FROM customers WHERE tenant_id = %s",
		  f->tq));
	free(sql1("INSERT INTO portal_users (tenant_id, customer_id, company_name, email, "
		  "password_hash, mfa_secret) SELECT tenant_id, id, name, CONCAT('u', id, "
		  "'@feed.test'), 'SECRET_HASH_$argon2id$', 'SECRET_MFA' FROM customers WHERE "
		  "tenant_id = %s",
		  f->tq));
	free(sql1("UPDATE portal_users pu JOIN sites s ON s.customer_id = pu.customer_id SET "
		  "pu.all_sites = 0 WHERE pu.tenant_id = %s",
		  f->tq));
	free(sql1(
		"INSERT INTO portal_user_sites (portal_user_id, site_id) SELECT pu.id, s.id FROM "
		"portal_users pu JOIN sites s ON s.customer_id = pu.customer_id WHERE pu.tenant_id "
		"= %s",
		f->tq));
	free(sql1(
		"INSERT INTO customer_records (tenant_id, customer_id, kind, ref, title, rec_date, "
		"amount_cents, status) SELECT c.tenant_id, c.id, k.kind, CONCAT('R-', c.id, "
		"k.kind), "
		"'A record', '2026-11-30', IF(k.kind = 'invoice', 1250, NULL), '' FROM customers c "
		"JOIN (SELECT 'invoice' kind UNION SELECT 'estimate' UNION SELECT 'job' UNION "
		"SELECT "
		"'document' UNION SELECT 'equipment') k WHERE c.tenant_id = %s",
		f->tq));
	free(sql1("UPDATE customers SET portal_token_hash = UNHEX(SHA2('SECRET_TOKEN', 256)) WHERE "
		  "tenant_id = %s",
		  f->tq));
}

static const char *const docs[] = {"portal-users",
				   "customers",
				   "groups",
				   "office-users",
				   "records/invoices",
				   "records/estimates",
				   "records/jobs",
				   "records/documents",
				   "records/equipment",
				   "changes",
				   NULL};
/* The scope each document of docs[] needs. */
static const char *const doc_scope[] = {"portal_users", "customers", "groups",  "office_users",
					"records",      "records",   "records", "records",
					"records",      "changes"};

static void test_documents(const struct fx *f)
{
	char path[256], *v;
	int all = 1, secrets = 0;
	long st;

	for (int i = 0; docs[i] != NULL; i++) {
		struct hc_resp r;
		char ct[128], cc[128], et[128];
		xmlDocPtr d;
		snprintf(path, sizeof path, "/feed/%s/%s", f->slug, docs[i]);
		st = get(key, path, NULL, &r);
		d = hc_xml(&r);
		if (st != 200 || !feed_valid(d) ||
		    strcmp(hc_header(&r, "Content-Type", ct, sizeof ct) ?: "",
			   "application/xml; charset=utf-8") != 0 ||
		    strcmp(hc_header(&r, "Cache-Control", cc, sizeof cc) ?: "",
			   "private, no-cache") != 0 ||
		    hc_header(&r, "ETag", et, sizeof et) == NULL || et[0] != '"') {
			diag("%s: %ld, not valid or headers wrong", path, st);
			all = 0;
		}
		secrets += strstr(r.body, "SECRET_") != NULL || strstr(r.body, "$argon2") != NULL;
		xmlFreeDoc(d);
		hc_resp_free(&r);
	}
	ok(all, "every document: 200, application/xml, private, a strong ETag, valid against "
		"its schema");
	is_int(secrets, 0, "no document holds a password hash, MFA secret or token");

	{
		xmlDocPtr d =
			doc(key, (snprintf(path, sizeof path, "/feed/%s/customers", f->slug), path),
			    &st);
		v = xpv(d, "concat(count(/customers/customer), '|', count(//contact), '|', "
			   "count(//site), '|', /customers/customer[1]/name)");
		is_str(v, "3|3|3|Alpha & Sons <Ltd>",
		       "customers: each with its contact and site, text escaped and back");
		free(v);
		xmlFreeDoc(d);
		d = doc(key, (snprintf(path, sizeof path, "/feed/%s/portal-users", f->slug), path),
			&st);
		v = xpv(d, "concat(count(//portal-user), '|', count(//portal-user[@password-set="
			   "'true' and @mfa-enrolled='true' and @all-sites='false']/site))");
		is_str(v, "3|3", "portal users: password and MFA as flags, their granted sites");
		free(v);
		xmlFreeDoc(d);
		d = doc(key,
			(snprintf(path, sizeof path, "/feed/%s/records/invoices", f->slug), path),
			&st);
		v = xpv(d, "concat(count(//record), '|', count(//record[@kind='invoice']), '|', "
			   "//record[1]/amount-cents, '|', //record[1]/date)");
		is_str(v, "3|3|1250|2026-11-30", "records: one kind, amounts and dates");
		free(v);
		xmlFreeDoc(d);
	}
	snprintf(path, sizeof path, "/feed/%s/records/widgets", f->slug);
	st = status(key, path, NULL);
	is_int(st, 400, "an unknown record kind: 400");
}

/* One key per scope: each opens exactly the documents of its scope; and a
 * customers key without the sites scope sees no sites. */
static void test_matrix(const struct fx *f)
{
	static const char *const scopes[] = {"portal_users", "customers", "groups", "office_users",
					     "records",      "changes",   NULL};
	char k[128], path[256];
	int right = 1, named = 1;

	for (int s = 0; scopes[s] != NULL; s++) {
		if (ctl_key(f->slug, scopes[s], NULL, k, sizeof k) != 0) {
			right = 0;
			continue;
		}
		unthrottle(k);
		for (int i = 0; docs[i] != NULL; i++) {
			struct hc_resp r;
			long st, want = strcmp(doc_scope[i], scopes[s]) == 0 ? 200 : 403;
			snprintf(path, sizeof path, "/feed/%s/%s", f->slug, docs[i]);
			st = get(k, path, NULL, &r);
			if (st != want) {
				diag("key %s on %s: %ld, want %ld", scopes[s], docs[i], st, want);
				right = 0;
			}
			if (st == 403 && strstr(r.body, doc_scope[i]) == NULL)
				named = 0;
			hc_resp_free(&r);
		}
		if (strcmp(scopes[s], "customers") == 0) {
			long st;
			xmlDocPtr d = doc(
				k,
				(snprintf(path, sizeof path, "/feed/%s/customers", f->slug), path),
				&st);
			char *v = xpv(d, "concat(count(//customer), '|', count(//site))");
			is_str(v, "3|0", "customers without the sites scope: no sites");
			free(v);
			xmlFreeDoc(d);
		}
	}
	ok(right, "scope x document: each key opens its scope's documents, 403 elsewhere");
	ok(named, "every 403 names the missing scope");
}

/* Keyset pages: limit=1 walks every portal user once, in id order, each
 * page keeping the first page's change cursor; bad parameters named. */
static void test_paging(const struct fx *f)
{
	char path[512], ids[256] = "", *want, *cur0 = NULL, *after = NULL, *v;
	int pages = 0, same_cursor = 1;
	long st;

	snprintf(path, sizeof path, "/feed/%s/portal-users?limit=1", f->slug);
	for (;;) {
		xmlDocPtr d = doc(key, path, &st);
		if (d == NULL || st != 200 || ++pages > 10)
			break;
		v = xpv(d, "/portal-users/@changes-cursor");
		if (cur0 == NULL)
			cur0 = strdup(v);
		same_cursor &= strcmp(cur0, v) == 0;
		free(v);
		v = xpv(d, "/portal-users/portal-user/@id");
		if (v[0])
			snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s%s",
				 ids[0] ? "," : "", v);
		free(v);
		free(after);
		after = xpv(d, "/portal-users/next/@after");
		if (pages == 1) /* a change between pages: the cursor stays the first page's */
			free(sql1("UPDATE portal_users SET email_reports = 1 - email_reports WHERE "
				  "tenant_id = %s",
				  f->tq));
		xmlFreeDoc(d);
		if (after[0] == '\0')
			break;
		snprintf(path, sizeof path, "/feed/%s/portal-users?limit=1&after=%s", f->slug,
			 after);
	}
	want = sql1("SELECT GROUP_CONCAT(id ORDER BY id) FROM portal_users WHERE tenant_id = %s",
		    f->tq);
	is_str(ids, want ? want : "?", "limit=1: every portal user once, in id order");
	diag("%d pages", pages);
	ok(same_cursor, "every page states the first page's change cursor");
	free(want);
	free(cur0);

	{
		static const struct {
			const char *q, *param;
		} bad[] = {
			{"limit=0", "limit"},
			{"limit=1001", "limit"},
			{"limit=x", "limit"},
			{"after=abc", "after"},
			{"after=AQEAAAABAAAAAAAAAAAAAAAAAAAAAvvWVco9Hx3ULX62-6eOJF4", "after"},
		};
		int named = 1;
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			xmlDocPtr d;
			snprintf(path, sizeof path, "/feed/%s/portal-users?%s", f->slug, bad[i].q);
			d = doc(key, path, &st);
			v = xpv(d, "/error/@parameter");
			if (st != 400 || strcmp(v, bad[i].param) != 0) {
				diag("?%s: %ld, parameter '%s'", bad[i].q, st, v);
				named = 0;
			}
			free(v);
			xmlFreeDoc(d);
		}
		ok(named, "bad limits and cursors (damaged, made up): 400 naming the parameter, "
			  "valid error documents");
	}
	/* A cursor of portal-users used on customers: another document's. */
	snprintf(path, sizeof path, "/feed/%s/portal-users?limit=1", f->slug);
	{
		xmlDocPtr d = doc(key, path, &st);
		char *a = xpv(d, "/portal-users/next/@after");
		xmlFreeDoc(d);
		snprintf(path, sizeof path, "/feed/%s/customers?after=%s", f->slug, a);
		is_int(status(key, path, NULL), 400, "another document's cursor: 400");
		free(a);
	}
	free(after);
}

/* The other tenant: its key on this slug 404, this tenant's cursor on its
 * slug 400. */
static void test_tenants(const struct fx *f, const struct fx *g)
{
	char path[512], *a;
	long st;
	xmlDocPtr d;

	snprintf(path, sizeof path, "/feed/%s/portal-users", f->slug);
	is_int(status(other, path, NULL), 404, "another tenant's key: 404");
	is_int(status(key, "/feed/no-such-tenant-x/portal-users", NULL), 404,
	       "an unknown slug: 404");
	snprintf(path, sizeof path, "/feed/%s/portal-users?limit=1", f->slug);
	d = doc(key, path, &st);
	a = xpv(d, "/portal-users/next/@after");
	xmlFreeDoc(d);
	snprintf(path, sizeof path, "/feed/%s/portal-users?after=%s", g->slug, a);
	is_int(status(other, path, NULL), 400,
	       "this tenant's cursor on another tenant's feed: 400");
	free(a);
}

/* ETags: the same document twice, one tag; If-None-Match: 304 with no
 * body; a change: a new tag. */
static void test_etag(const struct fx *f)
{
	char path[256], e1[128] = "", e2[128] = "", inm[160];
	struct hc_resp r;
	long st;

	snprintf(path, sizeof path, "/feed/%s/groups", f->slug);
	get(key, path, NULL, &r);
	hc_header(&r, "ETag", e1, sizeof e1);
	hc_resp_free(&r);
	get(key, path, NULL, &r);
	hc_header(&r, "ETag", e2, sizeof e2);
	hc_resp_free(&r);
	ok(e1[0] && strcmp(e1, e2) == 0, "the same snapshot twice: the same ETag");
	snprintf(inm, sizeof inm, "If-None-Match: %s", e1);
	st = get(key, path, inm, &r);
	ok(st == 304 && r.len == 0, "If-None-Match: 304, no body");
	hc_resp_free(&r);
	free(sql1("UPDATE portal_groups SET require_mfa = 1 - require_mfa WHERE tenant_id = %s "
		  "AND is_default = 1",
		  f->tq));
	st = get(key, path, inm, &r);
	hc_header(&r, "ETag", e2, sizeof e2);
	ok(st == 200 && strcmp(e1, e2) != 0, "after a change: 200 and a new ETag");
	hc_resp_free(&r);
	if (hc_req(hc, "HEAD", path, NULL, NULL,
		   (snprintf(inm, sizeof inm, "Authorization: Bearer %s", key), inm), &r) == 0) {
		ok(r.status == 200 && hc_header(&r, "ETag", e1, sizeof e1) && strcmp(e1, e2) == 0,
		   "HEAD: 200 and the same ETag");
		hc_resp_free(&r);
	}
	{
		char hdr[300], ce[64] = "";
		snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\nAccept-Encoding: gzip", key);
		st = get(NULL, path, hdr, &r);
		ok(st == 200 && hc_header(&r, "Content-Encoding", ce, sizeof ce) &&
			   strcmp(ce, "gzip") == 0 && r.len > 2 &&
			   (unsigned char)r.body[0] == 0x1f && (unsigned char)r.body[1] == 0x8b,
		   "asked for gzip: nginx compresses the document (%s)", ce);
		hc_resp_free(&r);
	}
	hc_req(hc, "POST", path, "application/x-www-form-urlencoded", "a=b", inm, &r);
	ok(r.status == 405 && hc_header(&r, "Allow", e1, sizeof e1) && strcmp(e1, "GET, HEAD") == 0,
	   "POST: 405, Allow: GET, HEAD");
	hc_resp_free(&r);
}

/* The change log's position now (the last page's next/@after). */
static char *changes_end(const struct fx *f, const char *from, int *n, char **ids)
{
	char path[512];
	long st;
	xmlDocPtr d;
	char *a;

	snprintf(path, sizeof path, "/feed/%s/changes?limit=1000%s%s", f->slug,
		 from ? "&after=" : "", from ? from : "");
	d = doc(key, path, &st);
	a = xpv(d, "/changes/next/@after");
	if (n) {
		char *c = xpv(d, "count(/changes/change)");
		*n = atoi(c);
		free(c);
	}
	if (ids) {
		/* "op resource id;" for each change */
		xmlNodePtr root = d ? xmlDocGetRootElement(d) : NULL;
		char buf[4096] = "";
		for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next) {
			xmlChar *op, *res, *id;
			if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, BAD_CAST "change"))
				continue;
			op = xmlGetProp(c, BAD_CAST "op");
			res = xmlGetProp(c, BAD_CAST "resource");
			id = xmlGetProp(c, BAD_CAST "id");
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s %s %s%s;", op,
				 res, id, c->children ? "+" : "");
			xmlFree(op);
			xmlFree(res);
			xmlFree(id);
		}
		*ids = strdup(buf);
	}
	xmlFreeDoc(d);
	return a;
}

static MYSQL *connect_db(const struct conf *c)
{
	MYSQL *m = mysql_init(NULL);

	if (m != NULL && mysql_real_connect(m, c->db.host[0] ? c->db.host : NULL, c->db.user,
					    c->db.password, c->db.name, c->db.port,
					    c->db.socket[0] ? c->db.socket : NULL, 0) == NULL) {
		diag("connect: %s", mysql_error(m));
		mysql_close(m);
		m = NULL;
	}
	return m;
}

static int q(MYSQL *m, const char *sql)
{
	int rc = mysql_query(m, sql);
	if (rc != 0)
		diag("%s: %s", sql, mysql_error(m));
	return rc;
}

/* Commit order: transaction A writes first and commits last; B writes
 * second and commits first.  The follower that read B's change must still
 * get A's.  And a rolled-back write leaves no change. */
static void test_order(const struct fx *f, const struct conf *c)
{
	MYSQL *a = connect_db(c), *b = connect_db(c);
	char sql[512], *p1, *p2, *c0, *c1, *c2, *ids = NULL, *v;
	int n = -1;

	if (!ok(a && b, "two database sessions")) {
		mysql_close(a);
		mysql_close(b);
		return;
	}
	/* A customer and a portal user: rows that share no lock (two portal
	 * users of a tenant would, through their list's version row). */
	p1 = sql1("SELECT MIN(id) FROM customers WHERE tenant_id = %s", f->tq);
	p2 = sql1("SELECT MAX(id) FROM portal_users WHERE tenant_id = %s", f->tq);
	c0 = changes_end(f, NULL, NULL, NULL);
	snprintf(sql, sizeof sql, "UPDATE customers SET phone = '555-A' WHERE id = %s",
		 p1 ? p1 : "0");
	q(a, "BEGIN");
	q(a, sql);
	snprintf(sql, sizeof sql,
		 "UPDATE portal_users SET email_reports = 1 - email_reports WHERE "
		 "id = %s",
		 p2 ? p2 : "0");
	q(b, sql); /* autocommit */
	c1 = changes_end(f, c0, &n, &ids);
	snprintf(sql, sizeof sql, "update portal-user %s+;", p2 ? p2 : "0");
	ok(n == 1 && ids && strcmp(ids, sql) == 0, "the follower reads B's change (%s)",
	   ids ? ids : "");
	free(ids);
	q(a, "COMMIT");
	v = sql1(
		"SELECT (SELECT MAX(id) FROM feed_changes WHERE tenant_id = %s AND resource = "
		"'customer' AND rid = %s) < (SELECT MAX(id) FROM feed_changes WHERE tenant_id = %s "
		"AND resource = 'portal_user' AND rid = %s)",
		f->tq, p1, f->tq, p2);
	ok(v && strcmp(v, "1") == 0, "A's change row was written before B's (by id it would come "
				     "first)");
	free(v);
	c2 = changes_end(f, c1, &n, &ids);
	snprintf(sql, sizeof sql, "update customer %s+;", p1 ? p1 : "0");
	ok(n == 1 && ids && strcmp(ids, sql) == 0,
	   "after A commits, the follower gets A's change, not skipped (%s)", ids ? ids : "");
	free(ids);

	q(a, "BEGIN");
	snprintf(sql, sizeof sql, "UPDATE customers SET phone = 'Rolled back' WHERE tenant_id = %s",
		 f->tq);
	q(a, sql);
	q(a, "ROLLBACK");
	free(changes_end(f, c2, &n, NULL));
	is_int(n, 0, "a rolled-back write leaves no change");

	/* An insert and a delete: the insert's state is gone by the time it
	 * is read; the delete is a tombstone. */
	snprintf(sql, sizeof sql,
		 "INSERT INTO portal_groups (tenant_id, name, perms) VALUES (%s, 'Short-lived', "
		 "'jobs_view')",
		 f->tq);
	q(b, sql);
	snprintf(sql, sizeof sql,
		 "DELETE FROM portal_groups WHERE name = 'Short-lived' AND "
		 "tenant_id = %s",
		 f->tq);
	q(b, sql);
	free(changes_end(f, c2, &n, &ids));
	v = sql1("SELECT MAX(rid) FROM feed_changes WHERE tenant_id = %s AND resource = 'group'",
		 f->tq);
	snprintf(sql, sizeof sql, "insert group %s;delete group %s;", v ? v : "0", v ? v : "0");
	ok(ids && strcmp(ids, sql) == 0, "insert then delete: both, no state for either (%s)",
	   ids ? ids : "");
	free(ids);
	free(v);

	/* Changes no longer kept: 410.  The tenant's changes made old, then
	 * purged as the daily timer does. */
	free(sql1("UPDATE feed_changes SET at = NOW(6) - INTERVAL 40 DAY WHERE tenant_id = %s",
		  f->tq));
	is_int(shell("'%s/gatehouse-ctl' -c '%s' feed purge --days 30 >/dev/null",
		     env_or("GH_BUILDDIR", "."), ini),
	       0, "gatehouse-ctl feed purge --days 30");
	v = sql1("SELECT COUNT(*) FROM feed_changes WHERE tenant_id = %s", f->tq);
	is_str(v, "0", "the old changes are gone");
	free(v);
	{
		char path[512];
		long st;
		xmlDocPtr d;
		snprintf(path, sizeof path, "/feed/%s/changes?after=%s", f->slug, c0);
		d = doc(key, path, &st);
		v = xpv(d, "/error/@parameter");
		ok(st == 410 && strcmp(v, "after") == 0,
		   "a cursor older than the kept changes: 410 naming after");
		free(v);
		xmlFreeDoc(d);
	}
	/* An empty poll at the end: 304 with its ETag. */
	{
		char path[512], e[128] = "", inm[256];
		struct hc_resp r;
		char *end = changes_end(f, c2, NULL, NULL);
		snprintf(path, sizeof path, "/feed/%s/changes?after=%s", f->slug, end);
		get(key, path, NULL, &r);
		hc_header(&r, "ETag", e, sizeof e);
		hc_resp_free(&r);
		snprintf(inm, sizeof inm, "If-None-Match: %s", e);
		ok(e[0] && status(key, path, inm) == 304, "an empty poll with If-None-Match: 304");
		free(end);
	}
	free(c0);
	free(c1);
	free(c2);
	free(p1);
	free(p2);
	mysql_close(a);
	mysql_close(b);
}

/* Whether any file under dir holds needle. */
static int logged(const char *dir, const char *needle)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	while (d != NULL && !found && (e = readdir(d)) != NULL) {
		char path[1200];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		found = file_has(path, needle);
	}
	if (d != NULL)
		closedir(d);
	return found;
}

static void test_keys(const struct fx *f)
{
	char k[128], path[512], logdir[1100], a[160], old[128];
	struct hc_resp r;
	long st;

	/* A key in the query string: 400 before anything reads it, in no log. */
	snprintf(path, sizeof path, "/feed/%s/portal-users?key=%s", f->slug, key);
	st = get(NULL, path, NULL, &r);
	ok(st == 400 && strstr(r.body, "Authorization") != NULL,
	   "a key in the query string: 400, pointing to the header");
	hc_resp_free(&r);
	snprintf(path, sizeof path, "/feed/%s/portal-users?x=1&access_token=%s", f->slug, key + 4);
	is_int(status(NULL, path, NULL), 400, "as access_token, even without its prefix: 400");
	/* A cursor may hold the letters "ghk_": not a key, not refused as one. */
	snprintf(path, sizeof path,
		 "/feed/%s/portal-users?after=AQoAAAFwAAAghk_AAAAAAAAAAAAAAAAAve1dZFdWObiyScRUgHK",
		 f->slug);
	st = get(key, path, NULL, &r);
	ok(st == 400 && strstr(r.body, "parameter=\"after\"") != NULL,
	   "a cursor holding \"ghk_\": judged as a cursor (400 naming after), not as a key");
	hc_resp_free(&r);
	snprintf(logdir, sizeof logdir, "%s/log", state);
	ok(!logged(logdir, key + 21), "the key's secret is in no log file of the stack");

	/* Missing, unknown: 401 with WWW-Authenticate. */
	snprintf(path, sizeof path, "/feed/%s/portal-users", f->slug);
	st = get(NULL, path, NULL, &r);
	ok(st == 401 && hc_header(&r, "WWW-Authenticate", a, sizeof a) &&
		   strncmp(a, "Bearer", 6) == 0,
	   "no key: 401, WWW-Authenticate: Bearer");
	hc_resp_free(&r);
	snprintf(old, sizeof old, "%s", key);
	old[strlen(old) - 1] = old[strlen(old) - 1] == 'A' ? 'B' : 'A';
	is_int(status(old, path, NULL), 401, "a wrong secret: 401");

	/* Revoked: refused on the very next request. */
	if (ctl_key(f->slug, "portal_users", NULL, k, sizeof k) == 0) {
		unthrottle(k);
		is_int(status(k, path, NULL), 200, "a new key works");
		shell("'%s/gatehouse-ctl' -c '%s' key revoke --tenant %s %.16s >/dev/null",
		      env_or("GH_BUILDDIR", "."), ini, f->slug, k + 4);
		is_int(status(k, path, NULL), 401, "revoked: 401 on the very next request");
	}
	/* Expired. */
	if (ctl_key(f->slug, "portal_users", NULL, k, sizeof k) == 0) {
		unthrottle(k);
		free(sql1("UPDATE api_keys SET expires_at = NOW(6) - INTERVAL 1 SECOND WHERE "
			  "key_id = "
			  "'%.16s'",
			  k + 4));
		is_int(status(k, path, NULL), 401, "expired: 401");
	}
	/* Rolled with a grace: both work; rolled again without: the old one
	 * stops. */
	if (ctl_key(f->slug, "portal_users", NULL, k, sizeof k) == 0) {
		char cmd[1024], line[512], k2[128] = "", k3[128] = "";
		FILE *p;
		unthrottle(k);
		snprintf(cmd, sizeof cmd,
			 "'%s/gatehouse-ctl' -c '%s' key roll --tenant %s --grace-days 1 %.16s",
			 env_or("GH_BUILDDIR", "."), ini, f->slug, k + 4);
		if ((p = popen(cmd, "r")) != NULL) {
			while (fgets(line, sizeof line, p))
				if (strncmp(line, "key:", 4) == 0)
					sscanf(line + 4, " %127s", k2);
			pclose(p);
		}
		ok(status(k, path, NULL) == 200 && status(k2, path, NULL) == 200,
		   "rolled with a day's grace: the old and the new key both work");
		snprintf(cmd, sizeof cmd,
			 "'%s/gatehouse-ctl' -c '%s' key roll --tenant %s --grace-days 0 %.16s",
			 env_or("GH_BUILDDIR", "."), ini, f->slug, k + 4);
		if ((p = popen(cmd, "r")) != NULL) {
			while (fgets(line, sizeof line, p))
				if (strncmp(line, "key:", 4) == 0)
					sscanf(line + 4, " %127s", k3);
			pclose(p);
		}
		ok(status(k2, path, NULL) == 401 && status(k3, path, NULL) == 200,
		   "rolled again with no grace: the previous key stops at once");
	}
	/* The rate limit: burst 2 at 1/s, the third at once: 429. */
	if (ctl_key(f->slug, "portal_users", NULL, k, sizeof k) == 0) {
		int n200 = 0;
		is_int(shell("'%s/gatehouse-ctl' -c '%s' key rate --tenant %s --rate 1 --burst 2 "
			     "%.16s >/dev/null",
			     env_or("GH_BUILDDIR", "."), ini, f->slug, k + 4),
		       0, "gatehouse-ctl key rate: 1 a second, bursts of 2");
		is_int(shell("'%s/gatehouse-ctl' -c '%s' key rate --tenant %s --rate 0 --burst 2 "
			     "%.16s 2>/dev/null",
			     env_or("GH_BUILDDIR", "."), ini, f->slug, k + 4),
		       2, "a rate of 0: usage error");
		for (int i = 0; i < 2; i++)
			n200 += status(k, path, NULL) == 200;
		st = get(k, path, NULL, &r);
		ok(n200 == 2 && st == 429 && hc_header(&r, "Retry-After", a, sizeof a) &&
			   atoi(a) >= 1,
		   "over the key's rate: 429 with Retry-After (%s)", a);
		hc_resp_free(&r);
	}
}

static void test_schemas(void)
{
	struct hc_resp r;
	xmlDocPtr d;

	is_int(get(NULL, "/feed/schema/v1/portal-users.xsd", NULL, &r), 200,
	       "the schemas are served without a key");
	d = hc_xml(&r);
	ok(d && strcmp((const char *)xmlDocGetRootElement(d)->name, "schema") == 0,
	   "as XML Schema documents");
	xmlFreeDoc(d);
	hc_resp_free(&r);
	is_int(status(NULL, "/feed/schema/v1/nothing.xsd", NULL), 404, "an unknown schema: 404");
}

int main(void)
{
	struct fx f, g;
	struct conf app;
	char err[256];

	test_env();
	hc = hc_new(base);
	if (!ok(conf_load(ini, &app, err, sizeof err) == 0, "the stack's config"))
		return done_testing();
	if (!ok(fx_make(&f, "fd", "Feed Docs Co", 0) == 0 &&
			fx_make(&g, "fd-other", "Feed Other Co", 0) == 0,
		"two tenants of this test's own"))
		return done_testing();
	seed(&f);
	if (!ok(ctl_key(f.slug, "portal_users,customers,sites,groups,office_users,records,changes",
			NULL, key, sizeof key) == 0 &&
			ctl_key(g.slug,
				"portal_users,customers,sites,groups,office_users,records,"
				"changes",
				NULL, other, sizeof other) == 0,
		"keys with every scope for both"))
		return done_testing();
	unthrottle(key);
	unthrottle(other);
	test_documents(&f);
	test_matrix(&f);
	test_paging(&f);
	test_tenants(&f, &g);
	test_etag(&f);
	test_order(&f, &app);
	test_keys(&f);
	test_schemas();
	hc_free(hc);
	return done_testing();
}
