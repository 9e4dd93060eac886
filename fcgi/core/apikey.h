/* Partner API keys (issue 14): the key's text, its stored form, its scopes
 * and its address allow-list.
 *
 * A key is "ghk_" + a 16-character key id (lowercase base32 of 80 random
 * bits, shown in lists and logs) + "_" + the secret (base64url of 256
 * random bits): a fixed prefix that secret scanners recognise, an id to
 * name it by, and a secret that is shown once.  Only the secret's keyed
 * BLAKE2b (a key derived from the secrets key: a stolen database alone
 * cannot check a guess) is stored; 256 random bits need no slow hash. */
#ifndef GH_APIKEY_H
#define GH_APIKEY_H

#include <stddef.h>

#define APIKEY_PREFIX "ghk_"
#define APIKEY_ID_LEN 16
#define APIKEY_SECRET_BYTES 32
#define APIKEY_SECRET_LEN 43
#define APIKEY_LEN (4 + APIKEY_ID_LEN + 1 + APIKEY_SECRET_LEN)
#define APIKEY_HASH_LEN 32

/* What a key may read (a SET column of api_keys, in this order). */
enum apikey_scope {
	APIKEY_PORTAL_USERS = 1u << 0,
	APIKEY_CUSTOMERS = 1u << 1,
	APIKEY_SITES = 1u << 2,
	APIKEY_GROUPS = 1u << 3,
	APIKEY_OFFICE_USERS = 1u << 4,
	APIKEY_RECORDS = 1u << 5,
	APIKEY_AUDIT = 1u << 6,
	APIKEY_CHANGES = 1u << 7,
};
#define APIKEY_NSCOPES 8

/* A fresh key: its text (shown once), its id and the stored form of its
 * secret.  After auth_init.  The caller wipes key. */
void apikey_new(char key[APIKEY_LEN + 1], char id[APIKEY_ID_LEN + 1],
		unsigned char hash[APIKEY_HASH_LEN]);

/* A new secret for the key id (rolling a key): its text and stored form.
 * After auth_init.  The caller wipes key. */
void apikey_renew(const char *id, char key[APIKEY_LEN + 1], unsigned char hash[APIKEY_HASH_LEN]);

/* The id and the stored form of the secret of a key as given (a Bearer
 * token); -1 when it is not a key's shape.  No copy of the secret stays. */
int apikey_parse(const char *key, char id[APIKEY_ID_LEN + 1], unsigned char hash[APIKEY_HASH_LEN]);

/* Scope names ("portal_users,customers", as the SET column and the ctl
 * tool write them) to bits; -1 on an unknown or empty name.  And back:
 * the names of bits, comma-separated, into out (always terminated). */
int apikey_scopes_parse(const char *names, unsigned *bits);
void apikey_scopes_format(unsigned bits, char *out, size_t sz);
const char *apikey_scope_name(unsigned i); /* i < APIKEY_NSCOPES */

/* An allow-list entry: an IPv4 or IPv6 address with an optional /prefix
 * (CIDR). 0 when valid. */
int apikey_cidr_ok(const char *s);
/* An allow-list as typed (entries separated by commas or spaces) into its
 * stored form, comma-separated, in out; -1 when an entry is not one or it
 * does not fit. */
int apikey_allow_list(const char *in, char *out, size_t sz);

/* Whether addr (IPv4 or IPv6 text) is in the allow-list (CIDR entries,
 * comma-separated; an empty list allows any address).  0 for a malformed
 * address or entry. */
int apikey_addr_allowed(const char *list, const char *addr);

/* A feed request's key, checked (the feed responder's one door). */
enum apikey_result {
	APIKEY_OK = 0,
	APIKEY_MISSING,     /* no Authorization: Bearer header: 401 */
	APIKEY_INVALID,     /* not a key, unknown, wrong secret, revoked or expired: 401 */
	APIKEY_ADDRESS,     /* from an address outside its allow-list: 403 */
	APIKEY_SCOPE,       /* without the scope the resource needs: 403 */
	APIKEY_OTHER,       /* another tenant's slug in the path: 404 */
	APIKEY_RATE,        /* over its rate limit: 429 after *retry seconds */
	APIKEY_UNAVAILABLE, /* the database did not answer: 503 */
};
struct db;
/* What a key that passed may read. */
struct apikey_grant {
	unsigned tenant_id; /* the key's tenant */
	unsigned scopes;    /* enum apikey_scope bits */
	char key_id[APIKEY_ID_LEN + 1];
};
/* Checks the Authorization header authz (NULL: none) of a request from
 * addr for the tenant slug and the scope bit need (0: any), and takes one
 * of the key's tokens (its rate limit); on APIKEY_OK, *g is what the key
 * may read and its use is noted; on APIKEY_RATE, *retry is the whole
 * seconds until a token.  The secret is compared in constant time, the
 * current one and, while its grace lasts, the previous one. */
enum apikey_result apikey_check(struct db *db, const char *authz, const char *addr,
				const char *slug, unsigned need, struct apikey_grant *g,
				unsigned *retry);

#endif
