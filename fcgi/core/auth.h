/* Passwords, session tokens, CSRF tokens and sign-in throttling. */
#ifndef GH_AUTH_H
#define GH_AUTH_H

#include <sodium.h>
#include <stddef.h>

#include "conf.h"
#include "db.h"

enum auth_result {
	AUTH_OK = 0,
	AUTH_FAIL,   /* wrong password, unknown account, bad token */
	AUTH_BUSY,   /* too many hashes waiting: answer 503 */
	AUTH_LOCKED, /* throttled: answer 429 */
	AUTH_ERR,
};

#define AUTH_TOKEN_BYTES 32
#define AUTH_COOKIE_LEN 43 /* base64url of 32 bytes, no padding */
#define AUTH_CSRF_LEN 64   /* hex */
#define AUTH_HASH_LEN crypto_pwhash_STRBYTES

/* Loads the secrets key file and sizes the hash gate.  Start-up only. */
int auth_init(const struct conf *c);
void auth_free(void);

/* Argon2id (interactive limits) through a gate that admits at most
 * auth_hash_slots(hash_concurrency) hashes at once, in order of arrival, and
 * lets at most hash_queue more wait; the hashes run on threads of the lowest
 * priority (SCHED_IDLE), so they never take the CPU pages need. */
unsigned auth_hash_slots(unsigned configured);
/* Whether a hash asked for now would be refused (AUTH_BUSY).  A sign-in
 * looks first, so that in a flood a refusal costs no database work: the
 * answer is only a hint (the gate itself decides), but a cheap one. */
int auth_gate_full(void);
enum auth_result auth_password_hash(const char *pw, char out[AUTH_HASH_LEN]);
/* hash NULL checks against a fixed dummy so that an unknown account costs
 * the same time as a known one; the result is then always AUTH_FAIL. */
enum auth_result auth_password_verify(const char *hash, const char *pw);
/* The same hashing cost without the gate: for the ctl tool. */
int auth_password_hash_direct(const char *pw, char out[AUTH_HASH_LEN]);

/* A fresh random token: raw bytes and its cookie text (NUL-terminated). */
void auth_token_new(unsigned char raw[AUTH_TOKEN_BYTES], char cookie[AUTH_COOKIE_LEN + 1]);
/* Decodes a cookie value; -1 if malformed. */
int auth_token_parse(const char *cookie, unsigned char raw[AUTH_TOKEN_BYTES]);
/* SHA-256 of the token, the only form stored. */
void auth_token_hash(const unsigned char raw[AUTH_TOKEN_BYTES], unsigned char out[32]);

/* CSRF token bound to a secret cookie value (the session token, or the
 * pre-session cookie on the sign-in form): keyed BLAKE2b, hex. */
void auth_csrf(const char *purpose, const unsigned char *bind, size_t len,
	       char out[AUTH_CSRF_LEN + 1]);
int auth_csrf_ok(const char *purpose, const unsigned char *bind, size_t len, const char *given);

/* Seals msg with a key derived from the secrets key (XSalsa20-Poly1305):
 * out gets nonce || ciphertext, AUTH_SEAL_OVERHEAD + len bytes. */
#define AUTH_SEAL_OVERHEAD (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
int auth_seal(const unsigned char *msg, size_t len, unsigned char *out, size_t outsz);
/* Opens what auth_seal made; -1 if forged or damaged.  out holds len -
 * AUTH_SEAL_OVERHEAD bytes. */
int auth_open(const unsigned char *in, size_t len, unsigned char *out, size_t outsz);

/* A 32-byte key for purpose (a fixed label), derived from the secrets key:
 * each use of the secret gets its own.  Call after auth_init; the caller
 * wipes it. */
void auth_subkey(const char *purpose, unsigned char out[32]);

/* The stored form (auth_token_hash) of a token given as its cookie text; -1
 * when malformed or NULL.  No copy of the raw token is kept. */
int auth_token_digest(const char *cookie, unsigned char out[32]);
/* A fresh token: its cookie text and its stored form (the raw bytes wiped). */
void auth_token_fresh(char cookie[AUTH_COOKIE_LEN + 1], unsigned char hash[32]);
/* A fresh token for a one-time link: its stored form, and its cookie text
 * sealed (auth_seal) for the outbox row, which the mailer opens; -1 if
 * sealing failed.  Nothing is kept in clear. */
int auth_token_sealed(unsigned char hash[32],
		      unsigned char sealed[AUTH_COOKIE_LEN + AUTH_SEAL_OVERHEAD]);

/* Throttling.  Before checking a password, reserve an attempt against the
 * account and the address (counted atomically in the database, so parallel
 * attempts cannot pass the limit); afterwards settle it.  AUTH_LOCKED sets
 * *retry_after in seconds. */
#define AUTH_LIMIT_ACCOUNT 5
#define AUTH_LIMIT_ADDR 20
#define AUTH_WINDOW_SECS 900
enum auth_result auth_throttle_reserve(struct db *db, const char *account, const char *addr,
				       long long *retry_after);
/* The same; *lock_if_fails is the lock (seconds) this attempt sets on the
 * account if it fails and is the one that reaches the limit, else 0: the
 * moment to tell the account's owner. */
enum auth_result auth_throttle_reserve_ex(struct db *db, const char *account, const char *addr,
					  long long *retry_after, long long *lock_if_fails);
/* The account's lock (seconds left, 0 if none) and failures in the window:
 * for display, without locking. */
enum auth_result auth_throttle_state(struct db *db, const char *account, long long *locked_secs,
				     unsigned *failures);
/* Lifts the account's lock and forgets its failures (an admin's unlock). */
enum auth_result auth_throttle_unlock(struct db *db, const char *account);
/* The throttle account name of a portal user (id) or, for no such user, of
 * the email tried in the tenant: one portal user's failures count together
 * however the login is spelt. */
void auth_portal_account(unsigned user_id, unsigned tenant_id, const char *email, char *out,
			 size_t outsz);
enum auth_settle {
	AUTH_SETTLE_FAILED,    /* wrong password: the attempt counts */
	AUTH_SETTLE_OK,        /* signed in: the account's count is cleared */
	AUTH_SETTLE_UNCHECKED, /* never checked (gate full, database error): given back */
};
enum auth_result auth_throttle_settle(struct db *db, const char *account, const char *addr,
				      enum auth_settle how);
/* The password check of an attempt reserved already on account and addr:
 * pw against hash (NULL for an unknown account, or one that may not sign
 * in: checked against the dummy, the same cost, always a failure), then
 * the attempt settled.  AUTH_OK (the account's failures forgotten; AUTH_ERR
 * if that failed), AUTH_FAIL (the failure counted) or AUTH_BUSY (the hash
 * gate was full or the hash failed: the attempt given back). */
enum auth_result auth_throttle_verify(struct db *db, const char *account, const char *addr,
				      const char *hash, const char *pw);

#endif
