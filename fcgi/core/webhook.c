/* Webhook secrets, signatures and address rules (webhook.h). */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "webhook.h"

#define PREFIX "whsec_"

void webhook_secret_new(char out[WEBHOOK_SECRET_LEN + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof raw);
	memcpy(out, PREFIX, 6);
	sodium_bin2base64(out + 6, WEBHOOK_SECRET_LEN + 1 - 6, raw, sizeof raw,
			  sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(raw, sizeof raw);
}

int webhook_sign(const char *secret, const char *msg_id, long long ts, const char *body, size_t len,
		 char out[WEBHOOK_SIG_LEN + 1])
{
	unsigned char key[64], mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	char tsbuf[24];
	size_t klen = 0;
	int rc = -1;

	if (strncmp(secret, PREFIX, 6) == 0)
		secret += 6;
	if (sodium_base642bin(key, sizeof key, secret, strlen(secret), NULL, &klen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    klen < 16)
		goto out;
	snprintf(tsbuf, sizeof tsbuf, "%lld", ts);
	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg_id, strlen(msg_id));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)tsbuf, strlen(tsbuf));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "v1,", 3);
	sodium_bin2base64(out + 3, WEBHOOK_SIG_LEN + 1 - 3, mac, sizeof mac,
			  sodium_base64_VARIANT_ORIGINAL);
	rc = 0;
out:
	sodium_memzero(key, sizeof key);
	sodium_memzero(&st, sizeof st);
	return rc;
}

/* IPv4 a (host order): blocked? */
static int v4_blocked(uint32_t a)
{
	static const struct {
		uint32_t net;
		unsigned bits;
	} nets[] = {
		{0x00000000, 8},  /* "this" network */
		{0x0a000000, 8},  /* private */
		{0x64400000, 10}, /* shared (CGNAT) */
		{0x7f000000, 8},  /* loopback */
		{0xa9fe0000, 16}, /* link-local (cloud metadata lives here) */
		{0xac100000, 12}, /* private */
		{0xc0000000, 24}, /* IETF protocol assignments */
		{0xc0a80000, 16}, /* private */
		{0xc6120000, 15}, /* benchmarking */
		{0xe0000000, 4},  /* multicast */
		{0xf0000000, 4},  /* reserved, broadcast */
	};

	for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++)
		if ((a & (0xffffffffu << (32 - nets[i].bits))) == nets[i].net)
			return 1;
	return 0;
}

int webhook_addr_blocked(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return v4_blocked(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6) {
		const unsigned char *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0,
							0, 0,    0,    0,    0, 0};
		unsigned char zero[15] = {0};
		if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
			return v4_blocked((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
					  (uint32_t)b[14] << 8 | b[15]);
		return memcmp(b, zero, 15) == 0                   /* :: and ::1 */
		       || (b[0] & 0xfe) == 0xfc                   /* unique local */
		       || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* link-local */
		       || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) /* site-local */
		       || b[0] == 0xff                            /* multicast */
		       || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8); /* docs */
	}
	return 1;
}

const char *webhook_url_check(const char *url, int allow_private)
{
	const char *host, *end;
	char h[256];
	size_t n = strlen(url);
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} a;

	if (n == 0 || n > WEBHOOK_URL_MAX)
		return "Enter the endpoint's URL (at most 2000 characters).";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return "The URL may not hold spaces or control characters.";
	if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (allow_private && strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return "The endpoint must be an https:// URL.";
	end = host + strcspn(host, "/?#");
	if (memchr(host, '@', (size_t)(end - host)) != NULL)
		return "The URL may not hold a user name or password.";
	if (end == host || (size_t)(end - host) >= sizeof h)
		return "The URL has no host.";
	memcpy(h, host, (size_t)(end - host));
	h[end - host] = '\0';
	memset(&a, 0, sizeof a);
	if (h[0] == '[') {
		char *close = strchr(h, ']');
		if (close == NULL)
			return "The URL's host is not valid.";
		*close = '\0';
		a.in6.sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, h + 1, &a.in6.sin6_addr) != 1)
			return "The URL's host is not valid.";
	} else {
		char *colon = strchr(h, ':');
		if (colon != NULL)
			*colon = '\0';
		if (h[0] == '\0')
			return "The URL has no host.";
		a.in.sin_family = AF_INET;
		if (inet_pton(AF_INET, h, &a.in.sin_addr) != 1) {
			/* A name: its addresses are checked when a delivery
			 * connects.  "localhost" is refused here already. */
			if (!allow_private &&
			    (strcasecmp(h, "localhost") == 0 ||
			     (strlen(h) > 10 && strcasecmp(h + strlen(h) - 10, ".localhost") == 0)))
				return "The endpoint may not be this server or its private "
				       "network.";
			return NULL;
		}
	}
	if (!allow_private && webhook_addr_blocked(&a.sa))
		return "The endpoint may not be this server or its private network.";
	return NULL;
}
