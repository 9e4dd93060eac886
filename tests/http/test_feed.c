/* Partner API keys on the stack (issue 14, part 1): gatehouse-ctl key
 * create prints a key once and stores only its id and the secret's keyed
 * hash (computed here again from the stack's secrets key); no column holds
 * the key's text; list shows each key's status; expiry, scopes and the
 * allow-list are checked; revoke ends a key of the tenant only, once. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "apikey.h"
#include "auth.h"
#include "common.h"
#include "conf.h"

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
	ok(strstr(out, id) && strstr(out, "\tactive\t") && strstr(out, "Accounting sync"),
	   "the key is listed, active");
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

	is_int(ctl(out, sizeof out, "key revoke --tenant %s %s", g.slug, id), 1,
	       "another tenant cannot revoke it");
	is_int(ctl(out, sizeof out, "key revoke --tenant %s %s", f.slug, id), 0, "revoke succeeds");
	is_int(ctl(out, sizeof out, "key revoke --tenant %s %s", f.slug, id), 1,
	       "revoking it again: no active key");
	is_int(ctl(out, sizeof out, "key list --tenant %s", f.slug), 0, "listed again");
	ok(strstr(out, id) && strstr(out, "\trevoked\t"), "as revoked");
	auth_free();
	return done_testing();
}
