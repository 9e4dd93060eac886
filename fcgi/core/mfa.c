/* TOTP through liboath, recovery codes through libsodium, the enrolment QR
 * code through libqrencode.  Nothing here touches the database: the caller
 * stores what these functions return. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <oath.h>
#include <qrencode.h>
#include <sodium.h>

#include "mfa.h"

/* 31 symbols: the digits and capitals without 0/O, 1/I/L, which readers
 * confuse when copying a code from paper. */
static const char recovery_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
#define RECOVERY_SYMBOLS 10

static unsigned char recovery_key[crypto_generichash_KEYBYTES];
static int recovery_ready, oath_ready;

int mfa_init(const unsigned char *master, size_t len)
{
	if (master == NULL || len < crypto_generichash_KEYBYTES_MIN ||
	    len > crypto_generichash_KEYBYTES_MAX)
		return -1;
	if (sodium_init() < 0)
		return -1;
	if (!oath_ready && oath_init() != OATH_OK)
		return -1;
	oath_ready = 1;
	/* Its own key, derived under its own context string, so a recovery
	 * hash can never be mistaken for a CSRF token or any other MAC made
	 * from the same secrets key. */
	crypto_generichash(recovery_key, sizeof recovery_key,
			   (const unsigned char *)"gatehouse-mfa-recovery", 22, master, len);
	recovery_ready = 1;
	return 0;
}

void mfa_free(void)
{
	sodium_memzero(recovery_key, sizeof recovery_key);
	recovery_ready = 0;
	if (oath_ready)
		oath_done();
	oath_ready = 0;
}

void mfa_key_new(unsigned char key[MFA_KEY_BYTES])
{
	randombytes_buf(key, MFA_KEY_BYTES);
}

/* liboath's RFC 4648 encoder, without its '=' padding (authenticator apps
 * and otpauth URIs take the bare alphabet). */
int mfa_key_base32(const unsigned char *key, size_t len, char *out, size_t outsz)
{
	char *enc = NULL;
	size_t enclen = 0, n;
	int rc = -1;

	if (out == NULL || (key == NULL && len > 0) || len > (SIZE_MAX - 5) / 8 ||
	    outsz < (len * 8 + 4) / 5 + 1)
		return -1;
	if (len == 0) {
		out[0] = '\0';
		return 0;
	}
	if (oath_base32_encode((const char *)key, len, &enc, &enclen) != OATH_OK || enc == NULL)
		goto out;
	for (n = 0; n < enclen && enc[n] != '='; n++)
		;
	if (n + 1 > outsz)
		goto out;
	memcpy(out, enc, n);
	out[n] = '\0';
	rc = 0;
out:
	if (enc != NULL) {
		sodium_memzero(enc, enclen); /* it spells the key */
		free(enc);
	}
	return rc;
}

int mfa_b32_group(const char *b32, char *out, size_t outsz)
{
	size_t n, o = 0;

	if (b32 == NULL || out == NULL)
		return -1;
	n = strlen(b32);
	if (outsz < n + (n > 0 ? (n - 1) / 4 : 0) + 1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = ' ';
		out[o++] = b32[i];
	}
	out[o] = '\0';
	return 0;
}

/* Bounded appending for the URI: the first thing that does not fit marks
 * the whole result as failed, so no caller checks each step. */
struct mfa_buf {
	char *p;
	size_t n, sz;
	int over;
};

static void buf_put(struct mfa_buf *b, const char *s, size_t len)
{
	if (b->over || len >= b->sz - b->n) {
		b->over = 1;
		return;
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

static void buf_puts(struct mfa_buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

/* RFC 3986: everything but the unreserved characters is escaped, so ':'
 * in an issuer cannot split the label and '&' cannot end a parameter. */
static void buf_escape(struct mfa_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3];

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			buf_put(b, s, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		buf_put(b, e, 3);
	}
}

int mfa_otpauth_uri(const char *issuer, const char *account, const unsigned char *key, size_t len,
		    char *out, size_t outsz)
{
	struct mfa_buf b = {out, 0, outsz, 0};
	int has_issuer = issuer != NULL && issuer[0] != '\0';
	int rc = -1;

	if (out == NULL || outsz == 0)
		return -1;
	out[0] = '\0';
	if (account == NULL || key == NULL || len == 0)
		return -1;
	buf_puts(&b, "otpauth://totp/");
	if (has_issuer) {
		buf_escape(&b, issuer);
		buf_puts(&b, ":");
	}
	buf_escape(&b, account);
	buf_puts(&b, "?secret=");
	/* Straight into out, so the secret's text has no second copy. */
	if (b.over || mfa_key_base32(key, len, b.p + b.n, b.sz - b.n) != 0)
		goto out;
	b.n += strlen(b.p + b.n);
	if (has_issuer) {
		buf_puts(&b, "&issuer=");
		buf_escape(&b, issuer);
	}
	buf_puts(&b, "&algorithm=SHA1&digits=6&period=30");
	rc = b.over ? -1 : 0;
out:
	/* A cut-off URI may still hold part of the secret. */
	if (rc != 0)
		sodium_memzero(out, outsz);
	return rc;
}

int mfa_totp_code(const unsigned char *key, size_t len, time_t t, unsigned digits, char *out,
		  size_t outsz)
{
	if (key == NULL || len == 0 || out == NULL || t < 0 || digits < 6 || digits > 8 ||
	    outsz < digits + 1)
		return -1;
	if (oath_totp_generate((const char *)key, len, t, MFA_PERIOD, OATH_TOTP_DEFAULT_START_TIME,
			       digits, out) != OATH_OK) {
		sodium_memzero(out, outsz);
		return -1;
	}
	return 0;
}

/* Keeps exactly six ASCII digits, dropping spaces (apps show "123 456").
 * Digits from other scripts, signs and anything else make it malformed. */
static int code_normalise(const char *code, char out[MFA_DIGITS + 1])
{
	size_t n = 0;

	if (code == NULL)
		return -1;
	for (; *code != '\0'; code++) {
		if (*code == ' ')
			continue;
		if (*code < '0' || *code > '9' || n == MFA_DIGITS)
			return -1;
		out[n++] = *code;
	}
	out[n] = '\0';
	return n == MFA_DIGITS ? 0 : -1;
}

enum mfa_result mfa_totp_verify(const unsigned char *key, size_t len, const char *code, time_t now,
				long long last_step, long long *matched_step)
{
	char given[MFA_DIGITS + 1], want[MFA_DIGITS + 1];
	enum mfa_result rc = MFA_ERR;
	long long step, best = -1;
	int replayed = 0;

	if (key == NULL || len == 0 || now < 0)
		return MFA_ERR;
	if (code_normalise(code, given) != 0) {
		rc = MFA_BAD;
		goto out;
	}
	step = (long long)now / MFA_PERIOD;
	/* All three steps are always computed and compared in constant time,
	 * so the answer's timing says nothing about which step matched.  The
	 * newest matching step wins, so that a chance collision with an old
	 * step can only make replays harder. */
	for (long long s = step - 1; s <= step + 1; s++) {
		if (s < 0)
			continue;
		if (mfa_totp_code(key, len, (time_t)(s * MFA_PERIOD), MFA_DIGITS, want,
				  sizeof want) != 0)
			goto out;
		if (sodium_memcmp(want, given, MFA_DIGITS) != 0)
			continue;
		if (s > last_step)
			best = s;
		else
			replayed = 1;
	}
	if (best >= 0) {
		if (matched_step != NULL)
			*matched_step = best;
		rc = MFA_OK;
	} else {
		rc = replayed ? MFA_REPLAY : MFA_BAD;
	}
out:
	sodium_memzero(given, sizeof given);
	sodium_memzero(want, sizeof want);
	return rc;
}

void mfa_recovery_new(char codes[MFA_RECOVERY_COUNT][MFA_RECOVERY_LEN + 1])
{
	for (int i = 0; i < MFA_RECOVERY_COUNT; i++) {
		char *c = codes[i];
		for (int j = 0; j < RECOVERY_SYMBOLS; j++)
			c[j < 5 ? j : j + 1] = recovery_alphabet[randombytes_uniform(
				sizeof recovery_alphabet - 1)];
		c[5] = '-';
		c[MFA_RECOVERY_LEN] = '\0';
	}
}

/* A fast keyed hash rather than Argon2: a code carries about 50 bits, far
 * beyond online guessing under the sign-in throttle, and without the key
 * (which lives in the secrets file, not the database) a stolen table gives
 * nothing to test guesses against.  Being unsalted, the hash can be looked
 * up by equality, so checking a code costs one query and not ten slow
 * hashes that anyone could trigger. */
int mfa_recovery_hash(const char *code, unsigned char out[32])
{
	char norm[RECOVERY_SYMBOLS];
	size_t n = 0;
	int rc = -1;

	if (code == NULL || !recovery_ready)
		return -1;
	for (; *code != '\0'; code++) {
		char c = *code;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (n == sizeof norm || strchr(recovery_alphabet, c) == NULL)
			goto out;
		norm[n++] = c;
	}
	if (n != sizeof norm)
		goto out;
	crypto_generichash(out, 32, (const unsigned char *)norm, sizeof norm, recovery_key,
			   sizeof recovery_key);
	rc = 0;
out:
	sodium_memzero(norm, sizeof norm);
	return rc;
}

int mfa_qr_path(const char *text, char **path, int *size)
{
	QRcode *qr = NULL;
	char *p = NULL;
	size_t runs = 0, cap, n = 0;
	int rc = -1, w = 0;

	if (path == NULL || size == NULL)
		return -1;
	*path = NULL;
	*size = 0;
	if (text == NULL)
		return -1;
	if ((qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
		goto out;
	w = qr->width;
#define DARK(x, y) (qr->data[(size_t)(y) * (size_t)w + (size_t)(x)] & 1)
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (DARK(x, y) && (x == 0 || !DARK(x - 1, y)))
				runs++;
	/* The longest run is "M176 176h177v1h-177z", 20 characters. */
	cap = runs * 24 + 1;
	if ((p = malloc(cap)) == NULL)
		goto out;
	p[0] = '\0';
	for (int y = 0; y < w; y++) {
		int x = 0;
		while (x < w) {
			int x0;
			if (!DARK(x, y)) {
				x++;
				continue;
			}
			for (x0 = x; x < w && DARK(x, y); x++)
				;
			n += (size_t)snprintf(p + n, cap - n, "M%d %dh%dv1h-%dz", x0, y, x - x0,
					      x - x0);
		}
	}
#undef DARK
	*path = p;
	*size = w;
	p = NULL;
	rc = 0;
out:
	/* The modules spell out the secret in the URI: wipe them too. */
	if (qr != NULL) {
		sodium_memzero(qr->data, (size_t)w * (size_t)w);
		QRcode_free(qr);
	}
	free(p);
	return rc;
}
