/* Feed cursors (cursor.h): version, document, tenant, snapshot seq and
 * position, MACed with keyed BLAKE2b (a subkey of the secrets key). */
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "auth.h"
#include "cursor.h"

#define CURSOR_VERSION 1
#define BODY 22
#define MAC 16

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void mac(const unsigned char *body, unsigned char out[MAC])
{
	unsigned char key[32];

	auth_subkey("feed-cursor", key);
	crypto_generichash(out, MAC, body, BODY, key, sizeof key);
	sodium_memzero(key, sizeof key);
}

void feed_cursor_encode(const struct feed_cursor *c, char out[FEED_CURSOR_LEN + 1])
{
	unsigned char raw[BODY + MAC];

	raw[0] = CURSOR_VERSION;
	raw[1] = (unsigned char)c->doc;
	raw[2] = (unsigned char)(c->tenant >> 24);
	raw[3] = (unsigned char)(c->tenant >> 16);
	raw[4] = (unsigned char)(c->tenant >> 8);
	raw[5] = (unsigned char)c->tenant;
	put64(raw + 6, c->snap);
	put64(raw + 14, c->after);
	mac(raw, raw + BODY);
	sodium_bin2base64(out, FEED_CURSOR_LEN + 1, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int feed_cursor_decode(const char *in, size_t len, struct feed_cursor *c)
{
	unsigned char raw[BODY + MAC], want[MAC];
	size_t n = 0;
	int rc = -1;

	memset(c, 0, sizeof *c);
	if (len != FEED_CURSOR_LEN ||
	    sodium_base642bin(raw, sizeof raw, in, len, NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != sizeof raw)
		goto out;
	mac(raw, want);
	if (sodium_memcmp(want, raw + BODY, MAC) != 0 || raw[0] != CURSOR_VERSION)
		goto out;
	c->doc = raw[1];
	c->tenant =
		(unsigned)raw[2] << 24 | (unsigned)raw[3] << 16 | (unsigned)raw[4] << 8 | raw[5];
	c->snap = get64(raw + 6);
	c->after = get64(raw + 14);
	rc = 0;
out:
	return rc;
}
