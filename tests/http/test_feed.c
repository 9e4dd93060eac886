/* Partner API keys on the stack (issue 14, part 1): gatehouse-ctl key
 * create prints a key once and stores only its id and the secret's keyed
 * hash (computed here again from the stack's secrets key); no column holds
 * the key's text; list shows each key's status; expiry, scopes and the
 * allow-list are checked; roll gives a key a new secret (the old one kept
 * for a grace period); revoke ends a key of the tenant only, once.  And
 * the same through Settings > Integrations > API keys (/settings/api-keys):
 * Super Admins only, the key shown on the creating answer and never again,
 * bad input refused with nothing written, revocation asked first, another
 * tenant's key 404, CSRF required, both audited.  And the feed's door,
 * apikey_check, against the database as the feed responder's role: the
 * Bearer header, secrets current and rolled (within and past the grace),
 * revoked and expired keys, scopes, allow-lists, another tenant's slug, and
 * the last use it records, and the rate limit two connections share. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <sodium.h>

#include "apikey.h"
#include "auth.h"
#include "common.h"
#include "conf.h"
#include "db.h"

/* Runs gatehouse-ctl with args; its standard output into out (up to sz),
 * its exit code returned. */
static int ctl(char *out, size_t sz, const char *fmt, ...)
{
	char args[1024], cmd[2048];
	va_list ap;
	FILE *p;
	size_t n = 0;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof cmd, "'%s/gatehouse-ctl' -c '%s' %s 2>/dev/null",
		 env_or("GH_BUILDDIR", "."), ini, args);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	if (out != NULL && sz > 0) {
		n = fread(out, 1, sz - 1, p);
		out[n] = '\0';
	} else {
		char sink[256];
		while (fread(sink, 1, sizeof sink, p) > 0)
			;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The value after "label" on its line of ctl's output, into v. */
static int field(const char *out, const char *label, char *v, size_t sz)
{
	const char *p = strstr(out, label);
	size_t n;

	if (p == NULL)
		return -1;
	p += strlen(label);
	p += strspn(p, " ");
	n = strcspn(p, "\n");
	snprintf(v, sz, "%.*s", (int)n, p);
	return 0;
}

#define AK "/settings/api-keys"

/* A feed request's status, with one extra header line. */
static long feed_status(const char *path, const char *hdr)
{
	struct hc *c = client();
	struct hc_resp r;
	long st = -1;

	if (hc_req(c, "GET", path, NULL, NULL, hdr, &r) == 0) {
		st = r.status;
		hc_resp_free(&r);
	}
	hc_free(c);
	return st;
}

static long count_keys(const struct fx *f)
{
	char *v = sql1("SELECT COUNT(*) FROM api_keys WHERE tenant_id = %s", f->tq);
	long n = v ? atol(v) : -1;
	free(v);
	return n;
}

static void test_page(void)
{
	struct fx f, g;
	struct hc *h = client(), *ed = client(), *other = client();
	char key[128] = "", id[32] = "", pid[APIKEY_ID_LEN + 1], hex[65], body[512], *v;
	unsigned char hash[APIKEY_HASH_LEN];
	xmlDocPtr d = NULL;
	struct hc_resp r;
	long st, before;

	ok(fx_make(&f, "keys", "Keys Field Services", FX_STAFF) == 0 &&
		   fx_make(&g, "keys-other", "Other Keys Services", 0) == 0,
	   "page: two tenants, the first with its staff");
	ok(hc_login(h, f.admin, PW) == 303 && hc_login(ed, f.editor, PW) == 303 &&
		   hc_login(other, g.admin, PW) == 303,
	   "page: a Super Admin, an editor, another tenant's Super Admin");
	d = get_xml(h, AK, 200, "page: the Super Admin's keys");
	ok(d && xp_is(d, "count(//api-keys/key)", "0") &&
		   xp_is(d, "count(//api-keys/scope-names/scope)", "8"),
	   "page: no keys yet, eight scopes offered");
	xmlFreeDoc(d);
	if (hc_get_xml(ed, AK, &r) == 0) {
		ok(r.status == 403, "page: an editor (not Super Admin) gets 403 (%ld)", r.status);
		hc_resp_free(&r);
	}

	st = post_form(h, AK, AK,
		       "op=create&name=Accounting+sync&scope_portal_users=1&scope_changes=1&allow="
		       "192.0.2.0%2F24%2C+2001%3Adb8%3A%3A%2F32",
		       &d, NULL, 0);
	ok(st == 201 && d && hc_valid(d), "page: create answers 201 with schema-valid XML (%ld)",
	   st);
	if (d != NULL) {
		char *k = xp(d, "string(//api-keys/created)"),
		     *i = xp(d, "string(//api-keys/created/@id)");
		snprintf(key, sizeof key, "%s", k);
		snprintf(id, sizeof id, "%s", i);
		free(k);
		free(i);
		ok(xp_is(d, "string(//notice[@kind='success'])",
			 "Key created. Copy it now: it is shown only this once."),
		   "page: a notice says it is shown once");
	}
	xmlFreeDoc(d);
	ok(apikey_parse(key, pid, hash) == 0 && strcmp(pid, id) == 0,
	   "page: the answer holds the key (ghk_%s_...)", id);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	v = sql1("SELECT CONCAT_WS('|', LOWER(HEX(secret_hash)), scopes, allow_cidrs, created_by) "
		 "FROM api_keys WHERE key_id = '%s' AND tenant_id = %s",
		 id, f.tq);
	ok(v && strncmp(v, hex, 64) == 0 && strstr(v, "|portal_users,changes|") &&
		   strstr(v, "|192.0.2.0/24,2001:db8::/32|") && strstr(v, f.admin),
	   "page: stored: the keyed hash, the scopes, the allow-list, who made it");
	free(v);
	d = get_xml(h, AK, 200, "page: the keys afterwards");
	ok(d && xp_is(d, "count(//api-keys/created)", "0") &&
		   xp_is(d, "count(//api-keys/key)", "1") &&
		   xp_is(d, "string(//api-keys/key/@status)", "active"),
	   "page: listed, active, and the key is not shown again");
	ok(d && xp_is(d, "string(//api-keys/key/@rate)", "10") &&
		   xp_is(d, "string(//api-keys/key/@burst)", "50"),
	   "page: with the default rate limit, 10 a second, bursts of 50");
	xmlFreeDoc(d);

	/* A rate limit chosen when the key is made, then changed on its own
	 * form; the feed holds the key to it. */
	{
		char key3[128] = "", id3[32] = "", *k, *i, loc[256] = "", url[256], authz[160];
		st = post_form(h, AK, AK, "op=create&name=Dispatch&scope_groups=1&rate=4&burst=6",
			       &d, NULL, 0);
		k = d ? xp(d, "string(//api-keys/created)") : NULL;
		i = d ? xp(d, "string(//api-keys/created/@id)") : NULL;
		snprintf(key3, sizeof key3, "%s", k ? k : "");
		snprintf(id3, sizeof id3, "%s", i ? i : "");
		free(k);
		free(i);
		ok(st == 201 && d &&
			   xp_is(d, "string(//api-keys/key[@id=//created/@id]/@rate)", "4") &&
			   xp_is(d, "string(//api-keys/key[@id=//created/@id]/@burst)", "6"),
		   "limit: made with 4 a second, bursts of 6 (%ld)", st);
		xmlFreeDoc(d);
		snprintf(url, sizeof url, AK "?limit=%s", id3);
		d = get_xml(h, url, 200, "limit: the rate limit's form");
		ok(d && xp_is(d, "string(//api-keys/@limit)", "1") &&
			   xp_is(d, "string(//api-keys/key[@edit-limit='1']/@id)", id3),
		   "limit: it names the key");
		xmlFreeDoc(d);
		if (hc_get(h, url, &r) == 0) {
			ok(r.status == 200 && strstr(r.body, "name=\"rate\"") &&
				   strstr(r.body, "value=\"4\"") && strstr(r.body, "value=\"6\""),
			   "limit: the HTML form holds the key's figures");
			hc_resp_free(&r);
		}
		d = get_xml(h, AK "?limit=aaaaaaaaaaaaaaaa", 200, "limit: an unknown key's form");
		ok(d && xp_is(d, "string(//api-keys/@limit)", "0"),
		   "limit: ... says there is none");
		xmlFreeDoc(d);
		snprintf(body, sizeof body, "op=limit&key=%s&rate=0&burst=3", id3);
		st = post_form(h, AK, AK, body, &d, NULL, 0);
		ok(st == 422 && d && hc_valid(d) && xp_is(d, "string(//api-keys/@limit)", "1"),
		   "limit: a rate of 0: 422, the form again (%ld)", st);
		xmlFreeDoc(d);
		snprintf(body, sizeof body, "op=limit&key=%s&rate=2", id3);
		st = post_form(h, AK, AK, body, NULL, NULL, 0);
		ok(st == 422, "limit: no burst: 422 (%ld)", st);
		v = sql1("SELECT CONCAT(rate_per_s, '/', burst) FROM api_keys WHERE key_id = '%s'",
			 id3);
		ok(v && strcmp(v, "4/6") == 0, "limit: neither changed it (%s)", v ? v : "");
		free(v);
		snprintf(body, sizeof body, "op=limit&key=%s&rate=1&burst=2", id3);
		st = post_form(other, AK, AK, body, NULL, NULL, 0);
		ok(st == 404, "limit: another tenant's Super Admin: 404 (%ld)", st);
		st = post_form(h, AK, AK, body, NULL, loc, sizeof loc);
		ok(st == 303 && strstr(loc, "done=limited"), "limit: saved, 303 (%ld %s)", st, loc);
		d = get_xml(h, AK "?done=limited", 200, "limit: the keys after it");
		snprintf(url, sizeof url, "string(//api-keys/key[@id='%s']/@rate)", id3);
		ok(d && xp_is(d, url, "1") &&
			   xp_is(d, "string(//notice[@kind='success'])",
				 "Rate limit saved: it holds from the key's next request on."),
		   "limit: listed with its new rate, and a notice says so");
		xmlFreeDoc(d);
		v = sql1("SELECT CONCAT(rate_per_s, '/', burst) FROM api_keys WHERE key_id = '%s'",
			 id3);
		ok(v && strcmp(v, "1/2") == 0, "limit: stored, 1 a second, bursts of 2 (%s)",
		   v ? v : "");
		free(v);
		/* The feed: two at once, the third over the limit. */
		snprintf(authz, sizeof authz, "Authorization: Bearer %s", key3);
		snprintf(url, sizeof url, "/feed/%s/groups", f.slug);
		{
			long s3[3] = {0, 0, 0};
			for (int j = 0; j < 3; j++)
				s3[j] = feed_status(url, authz);
			ok(s3[0] == 200 && s3[1] == 200 && s3[2] == 429,
			   "limit: the feed holds the key to it: 200, 200, then 429 (%ld %ld %ld)",
			   s3[0], s3[1], s3[2]);
		}
	}
	if (hc_get(h, AK, &r) == 0) {
		ok(r.status == 200 && strstr(r.body, key + 5 + APIKEY_ID_LEN) == NULL &&
			   strstr(r.body, id) != NULL,
		   "page: the HTML lists its id, never its secret");
		hc_resp_free(&r);
	}

	before = count_keys(&f);
	st = post_form(h, AK, AK, "op=create&name=No+scopes", NULL, NULL, 0);
	ok(st == 422, "page: no scope: 422 (%ld)", st);
	st = post_form(h, AK, AK, "op=create&name=&scope_sites=1", NULL, NULL, 0);
	ok(st == 422, "page: no name: 422 (%ld)", st);
	st = post_form(h, AK, AK, "op=create&name=Old&scope_sites=1&expires=2001-01-01", NULL, NULL,
		       0);
	ok(st == 422, "page: an expiry in the past: 422 (%ld)", st);
	st = post_form(h, AK, AK, "op=create&name=Net&scope_sites=1&allow=10.0.0.0%2F33", NULL,
		       NULL, 0);
	ok(st == 422, "page: a bad range: 422 (%ld)", st);
	st = post_form(h, AK, AK, "op=create&name=Bad&scope_sites=1&expires=2099-02-30", NULL, NULL,
		       0);
	ok(st == 422, "page: a date that does not exist: 422 (%ld)", st);
	ok(count_keys(&f) == before, "page: none of those wrote a key");
	st = post_form(h, AK, AK, "op=create&name=Fast&scope_sites=1&rate=0", NULL, NULL, 0);
	ok(st == 422, "page: a rate of 0: 422 (%ld)", st);
	st = post_form(h, AK, AK, "op=create&name=Fast&scope_sites=1&burst=65536", NULL, NULL, 0);
	ok(st == 422, "page: a burst over 65535: 422 (%ld)", st);
	ok(count_keys(&f) == before, "page: none of those wrote a key");
	snprintf(body, sizeof body, "op=create&name=Forged&scope_sites=1");
	hc_req(h, "POST", AK, "application/x-www-form-urlencoded", body, NULL, &r);
	ok(r.status == 403 && count_keys(&f) == before, "page: without the CSRF token: 403 (%ld)",
	   r.status);
	hc_resp_free(&r);

	/* Rolling: a new secret shown once, the old one kept two days. */
	{
		char key2[128] = "", *k;
		unsigned char h2[APIKEY_HASH_LEN];
		char hex2[65];
		snprintf(body, sizeof body, "op=roll&key=%s&grace=2", id);
		st = post_form(h, AK, AK, body, &d, NULL, 0);
		k = d ? xp(d, "string(//api-keys/created)") : NULL;
		snprintf(key2, sizeof key2, "%s", k ? k : "");
		free(k);
		ok(st == 201 && d && hc_valid(d) &&
			   xp_is(d, "string(//notice[@kind='success'])",
				 "Key rolled: the old key works 2 more days. Copy the new one now: "
				 "it is shown only this once."),
		   "page: roll answers 201 with the new key and says how long the old one works");
		xmlFreeDoc(d);
		ok(apikey_parse(key2, pid, h2) == 0 && strcmp(pid, id) == 0 &&
			   strcmp(key2, key) != 0,
		   "page: the new key keeps the key id, with another secret");
		sodium_bin2hex(hex2, sizeof hex2, h2, sizeof h2);
		v = sql1("SELECT CONCAT_WS('|', LOWER(HEX(secret_hash)), LOWER(HEX(prev_hash)), "
			 "DATEDIFF(prev_until, NOW())) FROM api_keys WHERE key_id = '%s'",
			 id);
		ok(v && strncmp(v, hex2, 64) == 0 && strncmp(v + 65, hex, 64) == 0 &&
			   strcmp(v + 130, "2") == 0,
		   "page: stored: the new hash, the old one as the previous, for 2 days (%s)",
		   v ? v + 130 : "");
		free(v);
		snprintf(body, sizeof body, "op=roll&key=%s&grace=9", id);
		st = post_form(h, AK, AK, body, NULL, NULL, 0);
		v = sql1("SELECT LOWER(HEX(secret_hash)) FROM api_keys WHERE key_id = '%s'", id);
		ok(st == 422 && v && strcmp(v, hex2) == 0,
		   "page: a grace of 9 days: 422, nothing rolled (%ld)", st);
		free(v);
		st = post_form(other, AK, AK, body, NULL, NULL, 0);
		snprintf(body, sizeof body, "op=roll&key=%s&grace=1", id);
		st = post_form(other, AK, AK, body, NULL, NULL, 0);
		ok(st == 404, "page: another tenant's Super Admin cannot roll it: 404 (%ld)", st);
		memcpy(key, key2, sizeof key);
	}

	snprintf(body, sizeof body, AK "?revoke=%s", id);
	d = get_xml(h, body, 200, "page: the revocation's question");
	ok(d && xp_is(d, "string(//api-keys/@confirm)", "1") &&
		   xp_is(d, "string(//api-keys/key[@revoke='1']/@id)", id),
	   "page: it names the key");
	xmlFreeDoc(d);
	snprintf(body, sizeof body, "op=revoke&key=%s", id);
	st = post_form(h, AK, AK, body, NULL, NULL, 0);
	v = sql1("SELECT revoked_at IS NULL FROM api_keys WHERE key_id = '%s'", id);
	ok(st == 200 && v && strcmp(v, "1") == 0,
	   "page: a revocation without confirm=1 is the question again, nothing revoked (%ld)", st);
	free(v);
	snprintf(body, sizeof body, "op=revoke&key=%s&confirm=1", id);
	st = post_form(other, AK, AK, body, NULL, NULL, 0);
	v = sql1("SELECT revoked_at IS NULL FROM api_keys WHERE key_id = '%s'", id);
	ok(st == 404 && v && strcmp(v, "1") == 0,
	   "page: another tenant's Super Admin: 404, still active (%ld)", st);
	free(v);
	{
		char loc[256] = "";
		st = post_form(h, AK, AK, body, NULL, loc, sizeof loc);
		ok(st == 303 && strstr(loc, "done=revoked"),
		   "page: confirmed: revoked, 303 (%ld %s)", st, loc);
	}
	d = get_xml(h, AK "?done=revoked", 200, "page: after the revocation");
	{
		char xq[96];
		snprintf(xq, sizeof xq, "string(//api-keys/key[@id='%s']/@status)", id);
		ok(d && xp_is(d, xq, "revoked"), "page: listed as revoked");
	}
	ok(d && xp_is(d, "string(//notice[@kind='success'])",
		      "Key revoked: it opens nothing from now on."),
	   "page: with a notice");
	xmlFreeDoc(d);
	st = post_form(h, AK, AK, body, NULL, NULL, 0);
	ok(st == 404, "page: revoking it again: 404 (%ld)", st);
	v = sql1("SELECT GROUP_CONCAT(action ORDER BY id) FROM audit_log WHERE tenant_id = %s AND "
		 "action LIKE 'api_key.%%'",
		 f.tq);
	ok(v && strcmp(v, "api_key.create,api_key.create,api_key.rate,api_key.roll,"
			  "api_key.revoke") == 0,
	   "page: each audited (%s)", v ? v : "");
	free(v);
	hc_free(h);
	hc_free(ed);
	hc_free(other);
}

/* A fresh key of tenant f made through the ctl tool: its text into key. */
static int ctl_key(const struct fx *f, const char *args, char *key, size_t sz)
{
	char out[2048];

	if (ctl(out, sizeof out, "key create --tenant %s --name Door %s", f->slug, args) != 0)
		return -1;
	return field(out, "\nkey:", key, sz);
}

static void test_door(const struct conf *app)
{
	struct fx f, g;
	struct db *db;
	char k1[128], k2[128], k3[128], k4[128], k5[128], authz[200], out[2048], old[128];
	struct apikey_grant t;
	unsigned retry = 0;
	char *tid, *v;

	ok(fx_make(&f, "door", "Door Field Services", 0) == 0 &&
		   fx_make(&g, "door-other", "Other Door Services", 0) == 0,
	   "door: two tenants");
	ok(ctl_key(&f, "--scopes portal_users,changes", k1, sizeof k1) == 0 &&
		   ctl_key(&f, "--scopes customers --allow 192.0.2.0/24,2001:db8::/32", k2,
			   sizeof k2) == 0 &&
		   ctl_key(&f, "--scopes customers --expires 2001-01-01", k3, sizeof k3) == 0 &&
		   ctl_key(&f, "--scopes customers", k4, sizeof k4) == 0 &&
		   ctl_key(&g, "--scopes customers", k5, sizeof k5) == 0,
	   "door: keys made (one limited by address, one expired, one of the other tenant)");
	if (!ok((db = db_open(app, DB_ROLE_FEED, 0, 0)) != NULL,
		"door: connected with the feed responder's statements"))
		return;
	tid = sql1("SELECT id FROM tenants WHERE slug = '%s'", f.slug);

#define CHECK(hdr, addr, slug, need) apikey_check(db, hdr, addr, slug, need, &t, &retry)
	snprintf(authz, sizeof authz, "Bearer %s", k1);
	is_int(CHECK(authz, "127.0.0.1", f.slug, APIKEY_PORTAL_USERS), APIKEY_OK,
	       "door: the key, its tenant, a scope it has: OK");
	ok(tid && t.tenant_id == (unsigned)atoi(tid) && t.scopes != 0,
	   "door: ... and the key's tenant");
	v = sql1("SELECT CONCAT(last_used_ip, '|', last_used_at > NOW() - INTERVAL 1 MINUTE) FROM "
		 "api_keys WHERE key_id = '%.16s'",
		 k1 + 4);
	ok(v && strcmp(v, "127.0.0.1|1") == 0, "door: its last use is recorded (%s)", v ? v : "");
	free(v);
	snprintf(authz, sizeof authz, "bearer   %s", k1);
	is_int(CHECK(authz, "127.0.0.1", f.slug, 0), APIKEY_OK,
	       "door: the scheme in any case, spaces after it");
	is_int(CHECK(NULL, "127.0.0.1", f.slug, 0), APIKEY_MISSING, "door: no header: missing");
	is_int(CHECK("Basic dXNlcjpwdw==", "127.0.0.1", f.slug, 0), APIKEY_MISSING,
	       "door: another scheme: missing");
	is_int(CHECK(k1, "127.0.0.1", f.slug, 0), APIKEY_MISSING,
	       "door: the key without Bearer: "
	       "missing");
	snprintf(authz, sizeof authz, "Bearer %s", k1);
	authz[40] = authz[40] == 'A' ? 'B' : 'A';
	is_int(CHECK(authz, "127.0.0.1", f.slug, 0), APIKEY_INVALID,
	       "door: a wrong secret: invalid");
	is_int(CHECK("Bearer ghk_aaaaaaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		     "127.0.0.1", f.slug, 0),
	       APIKEY_INVALID, "door: an unknown key id: invalid");
	snprintf(authz, sizeof authz, "Bearer %s", k1);
	is_int(CHECK(authz, "127.0.0.1", f.slug, APIKEY_CUSTOMERS), APIKEY_SCOPE,
	       "door: a scope it lacks: scope");
	is_int(CHECK(authz, "127.0.0.1", g.slug, APIKEY_PORTAL_USERS), APIKEY_OTHER,
	       "door: another tenant's slug: other");
	snprintf(authz, sizeof authz, "Bearer %s", k5);
	is_int(CHECK(authz, "127.0.0.1", f.slug, APIKEY_CUSTOMERS), APIKEY_OTHER,
	       "door: the other tenant's key on this tenant: other");
	snprintf(authz, sizeof authz, "Bearer %s", k2);
	is_int(CHECK(authz, "192.0.2.9", f.slug, APIKEY_CUSTOMERS), APIKEY_OK,
	       "door: from an allowed range: OK");
	is_int(CHECK(authz, "2001:db8::7", f.slug, APIKEY_CUSTOMERS), APIKEY_OK,
	       "door: from an allowed IPv6 range: OK");
	is_int(CHECK(authz, "198.51.100.1", f.slug, APIKEY_CUSTOMERS), APIKEY_ADDRESS,
	       "door: from elsewhere: address");
	snprintf(authz, sizeof authz, "Bearer %s", k3);
	is_int(CHECK(authz, "127.0.0.1", f.slug, APIKEY_CUSTOMERS), APIKEY_INVALID,
	       "door: an expired key: invalid");

	/* Rolled with two days of grace: both secrets open it; with none, only
	 * the new one. */
	snprintf(old, sizeof old, "Bearer %s", k4);
	ctl(out, sizeof out, "key roll --tenant %s --grace-days 2 %.16s", f.slug, k4 + 4);
	field(out, "\nkey:", k4, sizeof k4);
	snprintf(authz, sizeof authz, "Bearer %s", k4);
	ok(CHECK(authz, "127.0.0.1", f.slug, APIKEY_CUSTOMERS) == APIKEY_OK &&
		   CHECK(old, "127.0.0.1", f.slug, APIKEY_CUSTOMERS) == APIKEY_OK,
	   "door: rolled with grace: the new secret and the old one open it");
	free(sql1("UPDATE api_keys SET prev_until = NOW(6) - INTERVAL 1 SECOND WHERE key_id = "
		  "'%.16s'",
		  k4 + 4));
	is_int(CHECK(old, "127.0.0.1", f.slug, APIKEY_CUSTOMERS), APIKEY_INVALID,
	       "door: the grace over: the old secret no more");
	ctl(out, sizeof out, "key revoke --tenant %s %.16s", f.slug, k4 + 4);
	is_int(CHECK(authz, "127.0.0.1", f.slug, APIKEY_CUSTOMERS), APIKEY_INVALID,
	       "door: revoked: invalid on the very next check");

	/* The rate limit: 1 a second, a burst of 3, one budget for two
	 * connections (two responder processes). */
	{
		struct db *db2 = db_open(app, DB_ROLE_FEED, 0, 0);
		int first = 0;
		snprintf(authz, sizeof authz, "Bearer %s", k2);
		free(sql1(
			"UPDATE api_keys SET rate_per_s = 1, burst = 3, rate_tokens = 3, rate_at = "
			"NOW(6) WHERE key_id = '%.16s'",
			k2 + 4));
		for (int i = 0; i < 3; i++)
			first += apikey_check(i % 2 ? db2 : db, authz, "192.0.2.1", f.slug,
					      APIKEY_CUSTOMERS, &t, &retry) == APIKEY_OK;
		is_int(first, 3, "rate: a burst of 3 through two connections");
		is_int(apikey_check(db2, authz, "192.0.2.1", f.slug, APIKEY_CUSTOMERS, &t, &retry),
		       APIKEY_RATE,
		       "rate: the fourth at once, on either connection: over the limit");
		ok(retry == 1, "rate: ... with a retry after 1 s (%u)", retry);
		usleep(1100000);
		is_int(CHECK(authz, "192.0.2.1", f.slug, APIKEY_CUSTOMERS), APIKEY_OK,
		       "rate: a second later, a token again");
		is_int(CHECK(authz, "192.0.2.1", f.slug, APIKEY_CUSTOMERS), APIKEY_RATE,
		       "rate: and no more");
		snprintf(authz, sizeof authz, "Bearer %s", k1);
		is_int(CHECK(authz, "127.0.0.1", f.slug, APIKEY_PORTAL_USERS), APIKEY_OK,
		       "rate: another key has its own budget");
		db_close(db2);
	}
#undef CHECK
	free(tid);
	db_close(db);
}

int main(void)
{
	struct fx f, g;
	struct conf app;
	char out[4096], key[128], id[32], pid[APIKEY_ID_LEN + 1], err[256], *v;
	unsigned char hash[APIKEY_HASH_LEN];
	char hex[2 * APIKEY_HASH_LEN + 1];

	test_env();
	if (!ok(conf_load(ini, &app, err, sizeof err) == 0 && auth_init(&app) == 0,
		"the stack's config and secrets key"))
		return done_testing();
	ok(fx_make(&f, "feed", "Feed Field Services", 0) == 0 &&
		   fx_make(&g, "feed-other", "Other Field Services", 0) == 0,
	   "two tenants of this test's own");

	is_int(ctl(out, sizeof out,
		   "key create --tenant %s --name 'Accounting sync' --scopes "
		   "portal_users,customers --expires 2099-12-31 --allow "
		   "192.0.2.0/24,2001:db8::/32",
		   f.slug),
	       0, "key create succeeds");
	ok(field(out, "key:", key, sizeof key) == 0 && field(out, "key id:", id, sizeof id) == 0,
	   "it prints the key and its id");
	ok(strlen(key) == APIKEY_LEN && strncmp(key, "ghk_", 4) == 0 &&
		   strncmp(key + 4, id, APIKEY_ID_LEN) == 0,
	   "the key is ghk_<id>_<secret> (%s)", id);
	ok(strstr(out, "shown this once") != NULL, "and says it is shown once");
	ok(apikey_parse(key, pid, hash) == 0, "the printed key parses");
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	v = sql1("SELECT LOWER(HEX(secret_hash)) FROM api_keys WHERE key_id = '%s'", id);
	ok(v && strcmp(v, hex) == 0, "the database holds the secret's keyed hash");
	free(v);
	v = sql1("SELECT COUNT(*) FROM api_keys WHERE key_id = '%s' AND CONCAT_WS('|', name, "
		 "scopes, HEX(secret_hash), allow_cidrs, created_by) LIKE '%%%s%%'",
		 id, key + 5 + APIKEY_ID_LEN);
	ok(v && strcmp(v, "0") == 0, "and never the key's secret");
	free(v);
	v = sql1("SELECT CONCAT_WS('|', t.slug, k.scopes, k.allow_cidrs, k.expires_at) FROM "
		 "api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.key_id = '%s'",
		 id);
	ok(v && strstr(v, f.slug) && strstr(v, "portal_users,customers") &&
		   strstr(v, "192.0.2.0/24,2001:db8::/32") && strstr(v, "2099-12-31 23:59:59"),
	   "tenant, scopes, allow-list and the end of the expiry day stored (%s)", v ? v : "");
	free(v);

	is_int(ctl(out, sizeof out, "key list --tenant %s", f.slug), 0, "key list succeeds");
	ok(strstr(out, id) && strstr(out, "\tactive\t") && strstr(out, "Accounting sync") &&
		   strstr(out, "\t10/s burst 50\n"),
	   "the key is listed, active, with its rate limit");
	is_int(ctl(out, sizeof out, "key rate --tenant %s --rate 10 --burst 50 %s", f.slug, id), 0,
	       "key rate with the figures it has already: done, not 'no such key'");
	ok(strstr(out, key + 5 + APIKEY_ID_LEN) == NULL, "the list never shows the secret");
	is_int(ctl(out, sizeof out, "key list --tenant %s", g.slug), 0, "the other tenant's list");
	ok(strstr(out, id) == NULL, "does not show it");

	is_int(ctl(NULL, 0, "key create --tenant %s --name x --scopes portal_user", f.slug), 2,
	       "an unknown scope: usage error");
	is_int(ctl(NULL, 0, "key create --tenant %s --name x --scopes sites --expires 2099-13-01",
		   f.slug),
	       2, "a bad expiry date: usage error");
	is_int(ctl(NULL, 0, "key create --tenant %s --name x --scopes sites --allow 10.0.0.0/33",
		   f.slug),
	       2, "a bad CIDR: usage error");
	is_int(ctl(NULL, 0, "key create --tenant no-such-tenant-x --name x --scopes sites"), 1,
	       "an unknown tenant: error");
	v = sql1("SELECT COUNT(*) FROM api_keys WHERE tenant_id = %s", f.tq);
	ok(v && strcmp(v, "1") == 0, "none of those stored a key");
	free(v);
	is_int(ctl(out, sizeof out,
		   "key create --tenant %s --name Old --scopes changes "
		   "--expires 2001-01-01",
		   f.slug),
	       0, "a key that expired long ago");
	is_int(ctl(out, sizeof out, "key list --tenant %s", f.slug), 0, "listed");
	ok(strstr(out, "\texpired\tOld\t") != NULL, "as expired");

	{
		char key2[128], pid2[APIKEY_ID_LEN + 1];
		unsigned char h2[APIKEY_HASH_LEN];
		is_int(ctl(out, sizeof out, "key roll --tenant %s --grace-days 0 %s", f.slug, id),
		       0, "key roll succeeds");
		ok(field(out, "\nkey:", key2, sizeof key2) == 0 &&
			   apikey_parse(key2, pid2, h2) == 0 && strcmp(pid2, id) == 0 &&
			   strcmp(key2, key) != 0,
		   "it prints a new key of the same id");
		sodium_bin2hex(hex, sizeof hex, h2, sizeof h2);
		v = sql1(
			"SELECT CONCAT(LOWER(HEX(secret_hash)), '|', prev_hash IS NULL, prev_until "
			"IS NULL) FROM api_keys WHERE key_id = '%s'",
			id);
		ok(v && strncmp(v, hex, 64) == 0 && strcmp(v + 64, "|11") == 0,
		   "the new hash stored; with no grace the old one ends at once");
		free(v);
		is_int(ctl(NULL, 0, "key roll --tenant %s --grace-days 8 %s", f.slug, id), 2,
		       "a grace of 8 days: usage error");
		is_int(ctl(NULL, 0, "key roll --tenant %s %s", g.slug, id), 1,
		       "another tenant cannot roll it");
	}
	is_int(ctl(out, sizeof out, "key revoke --tenant %s %s", g.slug, id), 1,
	       "another tenant cannot revoke it");
	is_int(ctl(out, sizeof out, "key revoke --tenant %s %s", f.slug, id), 0, "revoke succeeds");
	is_int(ctl(out, sizeof out, "key revoke --tenant %s %s", f.slug, id), 1,
	       "revoking it again: no active key");
	is_int(ctl(out, sizeof out, "key list --tenant %s", f.slug), 0, "listed again");
	ok(strstr(out, id) && strstr(out, "\trevoked\t"), "as revoked");
	test_page();
	test_door(&app);
	auth_free();
	return done_testing();
}
