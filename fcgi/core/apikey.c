#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <strings.h>

#include <sodium.h>

#include "apikey.h"
#include "auth.h"
#include "db.h"

static const char *const scope_names[APIKEY_NSCOPES] = {
	"portal_users", "customers", "sites", "groups",
	"office_users", "records",   "audit", "changes",
};

const char *apikey_scope_name(unsigned i)
{
	return i < APIKEY_NSCOPES ? scope_names[i] : NULL;
}

/* The stored form: BLAKE2b of the secret's bytes under a key of its own. */
static void secret_hash(const unsigned char secret[APIKEY_SECRET_BYTES],
			unsigned char out[APIKEY_HASH_LEN])
{
	unsigned char k[32];

	auth_subkey("gatehouse-api-key", k);
	crypto_generichash(out, APIKEY_HASH_LEN, secret, APIKEY_SECRET_BYTES, k, sizeof k);
	sodium_memzero(k, sizeof k);
}

/* Lowercase base32 (RFC 4648's alphabet): 10 bytes make 16 characters. */
static void base32(const unsigned char in[10], char out[APIKEY_ID_LEN + 1])
{
	static const char a[] = "abcdefghijklmnopqrstuvwxyz234567";

	for (size_t i = 0; i < APIKEY_ID_LEN; i++) {
		size_t bit = i * 5, byte = bit / 8, shift = bit % 8;
		unsigned v = (unsigned)in[byte] << 8 | (byte + 1 < 10 ? in[byte + 1] : 0);
		out[i] = a[(v >> (11 - shift)) & 31];
	}
	out[APIKEY_ID_LEN] = '\0';
}

void apikey_renew(const char *id, char key[APIKEY_LEN + 1], unsigned char hash[APIKEY_HASH_LEN])
{
	unsigned char secret[APIKEY_SECRET_BYTES];
	char text[APIKEY_SECRET_LEN + 1];

	randombytes_buf(secret, sizeof secret);
	sodium_bin2base64(text, sizeof text, secret, sizeof secret,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(key, APIKEY_LEN + 1, APIKEY_PREFIX "%.16s_%s", id, text);
	secret_hash(secret, hash);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(text, sizeof text);
}

void apikey_new(char key[APIKEY_LEN + 1], char id[APIKEY_ID_LEN + 1],
		unsigned char hash[APIKEY_HASH_LEN])
{
	unsigned char rid[10];

	randombytes_buf(rid, sizeof rid);
	base32(rid, id);
	apikey_renew(id, key, hash);
}

int apikey_parse(const char *key, char id[APIKEY_ID_LEN + 1], unsigned char hash[APIKEY_HASH_LEN])
{
	unsigned char secret[APIKEY_SECRET_BYTES];
	char canon[APIKEY_SECRET_LEN + 1];
	const char *end = NULL;
	size_t len = 0;
	int rc = -1;

	if (key == NULL || strlen(key) != APIKEY_LEN || strncmp(key, APIKEY_PREFIX, 4) != 0 ||
	    key[4 + APIKEY_ID_LEN] != '_')
		return -1;
	for (size_t i = 0; i < APIKEY_ID_LEN; i++) {
		char c = key[4 + i];
		if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')))
			return -1;
	}
	if (sodium_base642bin(secret, sizeof secret, key + 5 + APIKEY_ID_LEN, APIKEY_SECRET_LEN,
			      NULL, &len, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != sizeof secret || end != key + APIKEY_LEN)
		goto out;
	/* One text per key: the last character's spare bits must be zero. */
	sodium_bin2base64(canon, sizeof canon, secret, sizeof secret,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (sodium_memcmp(canon, key + 5 + APIKEY_ID_LEN, APIKEY_SECRET_LEN) != 0)
		goto out;
	memcpy(id, key + 4, APIKEY_ID_LEN);
	id[APIKEY_ID_LEN] = '\0';
	secret_hash(secret, hash);
	rc = 0;
out:
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(canon, sizeof canon);
	return rc;
}

int apikey_scopes_parse(const char *names, unsigned *bits)
{
	const char *p = names;

	*bits = 0;
	if (names == NULL || *names == '\0')
		return -1;
	while (*p != '\0') {
		size_t n = strcspn(p, ","), i;
		for (i = 0; i < APIKEY_NSCOPES; i++)
			if (strlen(scope_names[i]) == n && strncmp(p, scope_names[i], n) == 0)
				break;
		if (i == APIKEY_NSCOPES)
			return -1;
		*bits |= 1u << i;
		p += n;
		if (*p == ',' && *++p == '\0')
			return -1;
	}
	return 0;
}

void apikey_scopes_format(unsigned bits, char *out, size_t sz)
{
	size_t o = 0;

	if (sz == 0)
		return;
	out[0] = '\0';
	for (unsigned i = 0; i < APIKEY_NSCOPES; i++)
		if (bits & (1u << i)) {
			int n = snprintf(out + o, sz - o, "%s%s", o ? "," : "", scope_names[i]);
			if (n < 0 || (size_t)n >= sz - o) {
				out[o] = '\0';
				return;
			}
			o += (size_t)n;
		}
}

/* One allow-list entry: its network's bytes, its prefix length (the
 * whole address without one) and family; -1 when it is not an address
 * with an optional /prefix (decimal, no leading zero, within the family). */
static int parse_cidr(const char *s, unsigned char net[16], int *bits, int *v6)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	int max;

	if (n == 0 || n >= sizeof addr)
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	*v6 = strchr(addr, ':') != NULL;
	if (inet_pton(*v6 ? AF_INET6 : AF_INET, addr, net) != 1)
		return -1;
	max = *v6 ? 128 : 32;
	*bits = max;
	if (slash == NULL)
		return 0;
	if (slash[1] == '\0' || strlen(slash + 1) > 3 ||
	    strspn(slash + 1, "0123456789") != strlen(slash + 1) || atoi(slash + 1) > max ||
	    (slash[1] == '0' && slash[2] != '\0'))
		return -1;
	*bits = atoi(slash + 1);
	return 0;
}

int apikey_cidr_ok(const char *s)
{
	unsigned char net[16];
	int bits, v6;

	return parse_cidr(s, net, &bits, &v6);
}

int apikey_allow_list(const char *in, char *out, size_t sz)
{
	char one[64];
	size_t o = 0;

	if (sz == 0)
		return -1;
	out[0] = '\0';
	while (*in != '\0') {
		size_t n;
		in += strspn(in, ", ");
		if ((n = strcspn(in, ", ")) == 0)
			break;
		if (n >= sizeof one || o + n + 2 > sz)
			return -1;
		memcpy(one, in, n);
		one[n] = '\0';
		if (apikey_cidr_ok(one) != 0)
			return -1;
		o += (size_t)snprintf(out + o, sz - o, "%s%s", o ? "," : "", one);
		in += n;
	}
	return 0;
}

/* Whether address a (16 bytes for IPv6, 4 for IPv4) is in the network
 * of one allow-list entry. */
static int in_cidr(const char *entry, const unsigned char *a, int v6)
{
	unsigned char n[16];
	int bits, ev6;

	if (parse_cidr(entry, n, &bits, &ev6) != 0 || ev6 != v6)
		return 0;
	for (int i = 0; bits > 0; i++, bits -= 8) {
		unsigned char mask = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));
		if ((a[i] & mask) != (n[i] & mask))
			return 0;
	}
	return 1;
}

int apikey_addr_allowed(const char *list, const char *addr)
{
	unsigned char a[16];
	char one[64];
	int v6 = strchr(addr, ':') != NULL;

	if (list[0] == '\0')
		return 1;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, a) != 1)
		return 0;
	while (*list != '\0') {
		size_t n = strcspn(list, ",");
		if (n > 0 && n < sizeof one) {
			memcpy(one, list, n);
			one[n] = '\0';
			if (in_cidr(one, a, v6))
				return 1;
		}
		list += n;
		list += *list == ',';
	}
	return 0;
}

/* Tokens this process took from a key's bucket and has not spent yet:
 * one write of the bucket serves several requests.  They are spent within
 * TOKENS_HOLD_MS or lost (never returned), so every process together never
 * spends more than the key's one budget; a process takes a quarter of a
 * second's rate at most (1 for a slow key). */
#define TOKEN_SLOTS 64
#define TOKENS_HOLD_MS 250
#define TOKENS_MAX 64
static struct {
	unsigned id, tokens;
	long long until_ms;
} token_slot[TOKEN_SLOTS];
static pthread_mutex_t token_mu = PTHREAD_MUTEX_INITIALIZER;

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Spends one of key id's held tokens: 1, or 0 when none is held. */
static int token_spend(unsigned id)
{
	long long now = now_ms();
	int ok = 0;

	pthread_mutex_lock(&token_mu);
	for (size_t i = 0; i < TOKEN_SLOTS && !ok; i++)
		if (token_slot[i].id == id && token_slot[i].tokens > 0 &&
		    token_slot[i].until_ms > now) {
			token_slot[i].tokens--;
			ok = 1;
		}
	pthread_mutex_unlock(&token_mu);
	return ok;
}

/* Holds n more tokens of key id (in id's slot, else an empty or spent
 * one, else the one that ends first). */
static void token_hold(unsigned id, unsigned n)
{
	long long now = now_ms();
	size_t best = 0;

	pthread_mutex_lock(&token_mu);
	for (size_t i = 0; i < TOKEN_SLOTS; i++) {
		if (token_slot[i].id == id) {
			best = i;
			break;
		}
		if (token_slot[i].tokens == 0 || token_slot[i].until_ms <= now ||
		    token_slot[i].until_ms < token_slot[best].until_ms)
			best = i;
	}
	if (token_slot[best].id != id || token_slot[best].until_ms <= now)
		token_slot[best].tokens = 0;
	token_slot[best].id = id;
	token_slot[best].tokens += n;
	token_slot[best].until_ms = now + TOKENS_HOLD_MS;
	pthread_mutex_unlock(&token_mu);
}

/* One request's token: a held one, or a batch from the bucket.  DB_OK,
 * DB_NOTFOUND (none: *wait_us), or the database's failure. */
static enum db_result token_take(struct db *db, const struct db_apikey_auth *k, long long *wait_us)
{
	unsigned want = k->rate / 4, got = 0;
	enum db_result rc;

	*wait_us = 0;
	if (token_spend(k->id))
		return DB_OK;
	want = want < 1 ? 1 : want > TOKENS_MAX ? TOKENS_MAX : want;
	if ((rc = db_apikey_take(db, k->id, want, &got, wait_us)) == DB_OK && got > 1)
		token_hold(k->id, got - 1);
	return rc;
}

enum apikey_result apikey_check(struct db *db, const char *authz, const char *addr,
				const char *slug, unsigned need, struct apikey_grant *g,
				unsigned *retry)
{
	long long wait_us = 0;
	char id[APIKEY_ID_LEN + 1];
	unsigned char hash[APIKEY_HASH_LEN];
	struct db_apikey_auth k;
	enum apikey_result r = APIKEY_INVALID;
	enum db_result rc;

	memset(g, 0, sizeof *g);
	*retry = 0;
	if (authz == NULL || strncasecmp(authz, "Bearer ", 7) != 0)
		return APIKEY_MISSING;
	authz += 7;
	authz += strspn(authz, " ");
	if (apikey_parse(authz, id, hash) != 0)
		return APIKEY_INVALID;
	if ((rc = db_apikey_auth(db, id, &k)) == DB_NOTFOUND)
		goto out;
	if (rc != DB_OK) {
		r = APIKEY_UNAVAILABLE;
		goto out;
	}
	/* Both compared, so the time taken does not say which matched. */
	if ((sodium_memcmp(hash, k.hash, sizeof hash) != 0) &
	    (k.prev_len == 0 || sodium_memcmp(hash, k.prev, sizeof hash) != 0))
		goto out;
	if (k.dead)
		goto out;
	if (!apikey_addr_allowed(k.allow, addr)) {
		r = APIKEY_ADDRESS;
		goto out;
	}
	if (strcmp(k.slug, slug) != 0) {
		r = APIKEY_OTHER;
		goto out;
	}
	if (need != 0 && (k.scopes & need) != need) {
		r = APIKEY_SCOPE;
		goto out;
	}
	if ((rc = token_take(db, &k, &wait_us)) == DB_NOTFOUND) {
		*retry = (unsigned)((wait_us + 999999) / 1000000);
		*retry = *retry > 0 ? *retry : 1;
		r = APIKEY_RATE;
		goto out;
	}
	if (rc != DB_OK) {
		r = APIKEY_UNAVAILABLE;
		goto out;
	}
	g->tenant_id = k.tenant_id;
	g->scopes = k.scopes;
	memcpy(g->key_id, id, sizeof g->key_id);
	/* Its last use: once a minute is all that is kept. */
	r = k.used_lately || db_apikey_used(db, k.id, addr) == DB_OK ? APIKEY_OK
								     : APIKEY_UNAVAILABLE;
out:
	sodium_memzero(hash, sizeof hash);
	sodium_memzero(&k, sizeof k);
	return r;
}
