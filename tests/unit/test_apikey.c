/* Unit tests of partner API keys (fcgi/core/apikey.c): a new key's shape
 * (prefix, id, secret; what secret scanners match); parsing gives back its
 * id and the same stored form, and refuses every other shape; the stored
 * form depends on the secret and on the secrets key (another key file,
 * another hash); scope names both ways; CIDR entries. */
#include "config.h"

#include <regex.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apikey.h"
#include "auth.h"
#include "conf.h"
#include "tap.h"

/* auth_init with a key file of 32 bytes of c. */
static int init_with(unsigned char c)
{
	char path[] = "/tmp/gh-apikey-XXXXXX";
	unsigned char k[32];
	struct conf conf;
	int fd = mkstemp(path), rc;

	memset(k, c, sizeof k);
	if (fd < 0 || write(fd, k, sizeof k) != (ssize_t)sizeof k)
		return -1;
	close(fd);
	memset(&conf, 0, sizeof conf);
	snprintf(conf.sec.key_file, sizeof conf.sec.key_file, "%s", path);
	conf.sec.hash_concurrency = 1;
	rc = auth_init(&conf);
	unlink(path);
	return rc;
}

static void test_shape(void)
{
	char key[APIKEY_LEN + 1], id[APIKEY_ID_LEN + 1], id2[APIKEY_ID_LEN + 1];
	char key2[APIKEY_LEN + 1];
	unsigned char h[32], h2[32], other[32];
	regex_t re;

	apikey_new(key, id, h);
	is_int(strlen(key), 64, "a key is 64 characters");
	regcomp(&re, "^ghk_[a-z2-7]{16}_[A-Za-z0-9_-]{43}$", REG_EXTENDED | REG_NOSUB);
	ok(regexec(&re, key, 0, NULL, 0) == 0, "ghk_, a base32 id, _, a base64url secret (id %s)",
	   id);
	regfree(&re);
	ok(strncmp(key + 4, id, 16) == 0, "the id is the key's second part");
	ok(apikey_parse(key, id2, h2) == 0 && strcmp(id, id2) == 0 && memcmp(h, h2, 32) == 0,
	   "parsing gives back the id and the stored form");
	apikey_new(key2, id2, other);
	ok(strcmp(id, id2) != 0 && memcmp(h, other, 32) != 0, "two keys share neither id nor hash");
	/* One character of the secret changed: another stored form. */
	memcpy(key2, key, sizeof key);
	key2[40] = key2[40] == 'A' ? 'B' : 'A';
	ok(apikey_parse(key2, id2, h2) == 0 && memcmp(h, h2, 32) != 0,
	   "another secret, another stored form");
	/* The same key under another secrets key: another stored form. */
	auth_free();
	init_with(0x5a);
	ok(apikey_parse(key, id2, h2) == 0 && memcmp(h, h2, 32) != 0,
	   "the stored form is keyed by the secrets key");
	auth_free();
	init_with(0x11);
	ok(apikey_parse(key, id2, h2) == 0 && memcmp(h, h2, 32) == 0,
	   "the same secrets key again: the same stored form");
	/* Rolling: the same id, a new secret. */
	apikey_renew(id, key2, other);
	ok(strncmp(key2, key, 4 + APIKEY_ID_LEN + 1) == 0 && strcmp(key2, key) != 0 &&
		   apikey_parse(key2, id2, h2) == 0 && strcmp(id2, id) == 0 &&
		   memcmp(h2, other, 32) == 0 && memcmp(h2, h, 32) != 0,
	   "a renewed key keeps its id, with a new secret and stored form");
	sodium_memzero(key, sizeof key);
}

static void test_refused(void)
{
	char good[APIKEY_LEN + 1], id[APIKEY_ID_LEN + 1], bad[128];
	unsigned char h[32];
	static const struct {
		int at;
		char c;
		const char *what;
	} muts[] = {
		{0, 'G', "a capital prefix"},       {3, '-', "another separator after ghk"},
		{5, 'A', "a capital in the id"},    {6, '1', "a 1 in the id (not base32)"},
		{20, '-', "no _ after the id"},     {30, '+', "a + in the secret"},
		{30, '=', "padding in the secret"},
	};

	apikey_new(good, id, h);
	ok(apikey_parse(NULL, id, h) == -1, "NULL is refused");
	ok(apikey_parse("", id, h) == -1, "an empty key is refused");
	snprintf(bad, sizeof bad, "%.63s", good);
	ok(apikey_parse(bad, id, h) == -1, "a character short is refused");
	snprintf(bad, sizeof bad, "%sA", good);
	ok(apikey_parse(bad, id, h) == -1, "a character long is refused");
	snprintf(bad, sizeof bad, "Bearer %s", good);
	ok(apikey_parse(bad, id, h) == -1, "with its scheme still on it, refused");
	for (size_t i = 0; i < sizeof muts / sizeof muts[0]; i++) {
		memcpy(bad, good, sizeof good);
		bad[muts[i].at] = muts[i].c;
		ok(apikey_parse(bad, id, h) == -1, "refused: %s", muts[i].what);
	}
	/* The last of 43 characters carries 4 bits and 2 spare ones: a text
	 * whose spare bits are set decodes to the same secret, and is still
	 * refused (one text per key). */
	{
		static const char b64[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		int v = (int)(strchr(b64, good[63]) - b64);
		memcpy(bad, good, sizeof good);
		bad[63] = b64[v | 1];
		ok(v % 4 == 0 && apikey_parse(bad, id, h) == -1,
		   "the secret's spare bits set: refused");
	}
}

static void test_scopes(void)
{
	unsigned bits;
	char out[200];

	ok(apikey_scopes_parse("portal_users,customers", &bits) == 0 &&
		   bits == (APIKEY_PORTAL_USERS | APIKEY_CUSTOMERS),
	   "two scopes");
	apikey_scopes_format(bits, out, sizeof out);
	is_str(out, "portal_users,customers", "and back");
	ok(apikey_scopes_parse("changes,audit,records,office_users,groups,sites,customers,"
			       "portal_users",
			       &bits) == 0 &&
		   bits == 0xff,
	   "all eight in any order");
	apikey_scopes_format(bits, out, sizeof out);
	is_str(out, "portal_users,customers,sites,groups,office_users,records,audit,changes",
	       "formatted in the column's order");
	ok(apikey_scopes_parse("portal_user", &bits) == -1, "an unknown scope is refused");
	ok(apikey_scopes_parse("", &bits) == -1, "no scope is refused");
	ok(apikey_scopes_parse("customers,", &bits) == -1, "a trailing comma is refused");
	ok(apikey_scopes_parse(",customers", &bits) == -1, "a leading comma is refused");
	ok(apikey_scopes_parse("customers,,sites", &bits) == -1, "an empty name is refused");
	apikey_scopes_format(0xff, out, 20);
	ok(strlen(out) < 20, "a short buffer stays terminated (%s)", out);
	is_str(apikey_scope_name(7), "changes", "scope 7 is changes");
	ok(apikey_scope_name(8) == NULL, "there is no scope 8");
}

static void test_cidr(void)
{
	static const char *const good[] = {"192.0.2.1",     "192.0.2.0/24",    "0.0.0.0/0", "::1",
					   "2001:db8::/32", "2001:db8::1/128", "10.0.0.0/8"};
	static const char *const bad[] = {"",
					  "/24",
					  "192.0.2.1/",
					  "192.0.2.1/33",
					  "192.0.2/24",
					  "2001:db8::/129",
					  "192.0.2.1/024",
					  "192.0.2.1/2x",
					  "example.com",
					  "192.0.2.1 ",
					  "::1/-1"};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ok(apikey_cidr_ok(good[i]) == 0, "CIDR '%s' accepted", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(apikey_cidr_ok(bad[i]) != 0, "CIDR '%s' refused", bad[i]);
}

static void test_allow_list(void)
{
	char out[64];

	ok(apikey_allow_list("", out, sizeof out) == 0 && out[0] == '\0',
	   "an empty list: any address");
	ok(apikey_allow_list(" 192.0.2.0/24, 2001:db8::/32 ,10.0.0.1", out, sizeof out) == 0,
	   "entries separated by commas and spaces");
	is_str(out, "192.0.2.0/24,2001:db8::/32,10.0.0.1", "stored comma-separated");
	ok(apikey_allow_list("192.0.2.0/24,10.0.0.0/33", out, sizeof out) == -1,
	   "one bad entry refuses the list");
	ok(apikey_allow_list("192.0.2.0/24,192.0.2.0/24,192.0.2.0/24", out, 20) == -1,
	   "a list that does not fit is refused");
}

static void test_allowed(void)
{
	static const struct {
		const char *list, *addr;
		int want;
	} c[] = {
		{"", "203.0.113.9", 1},
		{"192.0.2.0/24", "192.0.2.77", 1},
		{"192.0.2.0/24", "192.0.3.1", 0},
		{"192.0.2.128/25", "192.0.2.127", 0},
		{"192.0.2.128/25", "192.0.2.200", 1},
		{"10.0.0.0/8,192.0.2.5", "192.0.2.5", 1},
		{"10.0.0.0/8,192.0.2.5", "192.0.2.6", 0},
		{"0.0.0.0/0", "198.51.100.1", 1},
		{"2001:db8::/32", "2001:db8:ffff::1", 1},
		{"2001:db8::/32", "2001:db9::1", 0},
		{"2001:db8::/32", "192.0.2.1", 0},
		{"192.0.2.0/24", "::ffff:192.0.2.1", 0},
		{"::1", "::1", 1},
		{"192.0.2.0/24", "not-an-address", 0},
		{"bogus,192.0.2.0/24", "192.0.2.1", 1},
		{"bogus", "192.0.2.1", 0},
	};

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		ok(apikey_addr_allowed(c[i].list, c[i].addr) == c[i].want, "'%s' %s '%s'",
		   c[i].addr, c[i].want ? "is in" : "is not in", c[i].list);
}

int main(void)
{
	if (!ok(init_with(0x11) == 0, "auth_init with a key file"))
		return done_testing();
	test_shape();
	test_refused();
	test_scopes();
	test_cidr();
	test_allowed();
	test_allow_list();
	auth_free();
	return done_testing();
}
