/* Webhooks (issue 14): signing secrets, signatures per the Standard
 * Webhooks scheme (https://www.standardwebhooks.com/), and which endpoint
 * URLs and addresses a delivery may reach. */
#ifndef GH_WEBHOOK_H
#define GH_WEBHOOK_H

#include <stddef.h>
#include <sys/socket.h>

#define WEBHOOK_SECRET_LEN 50 /* "whsec_" + base64 of 32 random bytes */
#define WEBHOOK_SIG_LEN 47    /* "v1," + base64 of an HMAC-SHA256 */
#define WEBHOOK_URL_MAX 2000

/* A new signing secret (shown once to the admin, stored sealed).  The
 * caller wipes it. */
void webhook_secret_new(char out[WEBHOOK_SECRET_LEN + 1]);

/* The signature of a message: "v1," + base64(HMAC-SHA256(key, id "." ts
 * "." body)), the key being the secret's base64 part decoded ("whsec_"
 * may be left out).  -1 when the secret is not of that form. */
int webhook_sign(const char *secret, const char *msg_id, long long ts, const char *body, size_t len,
		 char out[WEBHOOK_SIG_LEN + 1]);

/* Whether url may be an endpoint: https (http too when allow_private),
 * a host, no credentials, at most WEBHOOK_URL_MAX bytes, and no literal
 * address that webhook_addr_blocked refuses (unless allow_private).
 * NULL, or why not (a static message). */
const char *webhook_url_check(const char *url, int allow_private);

/* Whether a delivery must not connect to sa: loopback, private,
 * link-local, shared (CGNAT), multicast, reserved or unspecified
 * addresses, IPv4 ones inside IPv6 included.  A webhook must not become a
 * way into the host's own network. */
int webhook_addr_blocked(const struct sockaddr *sa);

#endif
