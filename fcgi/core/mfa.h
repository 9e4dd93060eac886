/* Second factor: TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps), recovery
 * codes and the QR code for enrolment.  Pure functions: the caller stores
 * the key (sealed), the last accepted step and the recovery hashes. */
#ifndef GH_MFA_H
#define GH_MFA_H

#include <stddef.h>
#include <time.h>

enum mfa_result {
	MFA_OK = 0,
	MFA_BAD,    /* wrong code, or not 6 digits */
	MFA_REPLAY, /* right code, but its step was already used */
	MFA_ERR,
};

#define MFA_KEY_BYTES 20       /* 160 bits, as RFC 4226 recommends */
#define MFA_B32_LEN 32         /* base32 of MFA_KEY_BYTES, no padding */
#define MFA_B32_GROUPED_LEN 39 /* the same in groups of four: "ABCD EFGH ..." */
#define MFA_DIGITS 6
#define MFA_PERIOD 30
#define MFA_RECOVERY_COUNT 10
#define MFA_RECOVERY_LEN 11 /* "XXXXX-XXXXX" */

/* Starts liboath and derives the recovery-hash key from the app's secrets
 * key (16 to 64 bytes).  Once at start-up, before the other functions; -1
 * on failure.  mfa_free wipes the key. */
int mfa_init(const unsigned char *master, size_t len);
void mfa_free(void);

/* A fresh random TOTP key. */
void mfa_key_new(unsigned char key[MFA_KEY_BYTES]);
/* RFC 4648 base32 without padding, NUL-terminated; -1 if out is too small
 * (a key of MFA_KEY_BYTES needs MFA_B32_LEN + 1). */
int mfa_key_base32(const unsigned char *key, size_t len, char *out, size_t outsz);
/* b32 in groups of four separated by spaces, for typing the key by hand;
 * -1 if out is too small (MFA_B32_GROUPED_LEN + 1 for a key). */
int mfa_b32_group(const char *b32, char *out, size_t outsz);
/* otpauth://totp/Issuer:account?secret=...&issuer=Issuer&algorithm=SHA1&
 * digits=6&period=30, issuer and account percent-encoded; issuer NULL or ""
 * leaves it out.  The text holds the secret: wipe it after use.  -1 if out
 * is too small, and then out is wiped. */
int mfa_otpauth_uri(const char *issuer, const char *account, const unsigned char *key, size_t len,
		    char *out, size_t outsz);

/* Checks a code typed by the user at time now, one step either side.
 * Spaces are ignored; anything but exactly 6 ASCII digits is MFA_BAD.
 * last_step is the step of the last code accepted (-1 if none): a code of
 * that step or an earlier one is MFA_REPLAY.  On MFA_OK *matched_step is
 * the code's step, which the caller stores as the next last_step. */
enum mfa_result mfa_totp_verify(const unsigned char *key, size_t len, const char *code, time_t now,
				long long last_step, long long *matched_step);
/* The code for time t with 6 to 8 digits into out (digits + 1 bytes). */
int mfa_totp_code(const unsigned char *key, size_t len, time_t t, unsigned digits, char *out,
		  size_t outsz);

/* Ten fresh recovery codes, ready to show: "XXXXX-XXXXX" from 31 symbols
 * (no 0, O, 1, I, L), about 50 bits each. */
void mfa_recovery_new(char codes[MFA_RECOVERY_COUNT][MFA_RECOVERY_LEN + 1]);
/* The stored form of a code: keyed BLAKE2b of the code with case, dashes
 * and spaces ignored.  -1 if the input cannot be a code (wrong length or
 * symbol) or mfa_init has not run. */
int mfa_recovery_hash(const char *code, unsigned char out[32]);

/* The QR code of text (ECC level M) as an SVG path "d" drawing its dark
 * modules in unit squares from (0,0), without the quiet zone; *size is the
 * modules per side.  *path is malloc'd, the caller frees it with free().
 * -1 on failure, with *path NULL. */
int mfa_qr_path(const char *text, char **path, int *size);

#endif
