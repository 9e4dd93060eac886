/* webhook.c: Standard Webhooks signatures (the scheme's own reference
 * vector), fresh secrets, endpoint URLs, and the addresses a delivery may
 * not connect to.  And the feed's cursors (fcgi/feed/cursor.c): round
 * trips, and every damaged or foreign one refused. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "conf.h"
#include "cursor.h"
#include "tap.h"
#include "webhook.h"

static int blocked(const char *addr)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} a;

	memset(&a, 0, sizeof a);
	if (strchr(addr, ':')) {
		a.in6.sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &a.in6.sin6_addr);
	} else {
		a.in.sin_family = AF_INET;
		inet_pton(AF_INET, addr, &a.in.sin_addr);
	}
	return webhook_addr_blocked(&a.sa);
}

static void test_sign(void)
{
	char sig[WEBHOOK_SIG_LEN + 1], s1[WEBHOOK_SECRET_LEN + 1], s2[WEBHOOK_SECRET_LEN + 1];
	const char *body = "{\"test\": 2432232314}";

	/* The reference vector of the Standard Webhooks specification. */
	ok(webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
			1614265330, body, strlen(body), sig) == 0 &&
		   strcmp(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=") == 0,
	   "the Standard Webhooks reference signature (%s)", sig);
	ok(webhook_sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
			1614265330, body, strlen(body), sig) == 0 &&
		   strcmp(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=") == 0,
	   "the same without the whsec_ prefix");
	webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		     1614265331, body, strlen(body), sig);
	ok(strcmp(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=") != 0,
	   "another timestamp: another signature");
	is_int(webhook_sign("whsec_not base64!", "m", 1, "x", 1, sig), -1,
	       "a secret that is not base64: refused");
	is_int(webhook_sign("whsec_AAAA", "m", 1, "x", 1, sig), -1,
	       "a secret under 16 bytes: refused");
	webhook_secret_new(s1);
	webhook_secret_new(s2);
	ok(strlen(s1) == WEBHOOK_SECRET_LEN && strncmp(s1, "whsec_", 6) == 0 && strcmp(s1, s2) != 0,
	   "fresh secrets: whsec_ and 32 random bytes, never the same (%s)", s1);
	ok(webhook_sign(s1, "m", 1, "x", 1, sig) == 0 && strlen(sig) == WEBHOOK_SIG_LEN,
	   "a fresh secret signs");
}

static void test_addresses(void)
{
	static const char *const no[] = {"127.0.0.1",
					 "10.1.2.3",
					 "172.16.0.1",
					 "172.31.255.255",
					 "192.168.1.1",
					 "169.254.169.254",
					 "100.64.0.1",
					 "0.0.0.0",
					 "224.0.0.1",
					 "255.255.255.255",
					 "::1",
					 "::",
					 "fe80::1",
					 "fc00::1",
					 "fd12:3456::1",
					 "::ffff:127.0.0.1",
					 "::ffff:10.0.0.1",
					 "64:ff9b::a9fe:a9fe",
					 "ff02::1",
					 NULL};
	static const char *const yes[] = {
		"93.184.216.34",        "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
		"::ffff:93.184.216.34", NULL};
	int bad = 0;

	for (int i = 0; no[i] != NULL; i++)
		if (!blocked(no[i])) {
			diag("%s is not blocked", no[i]);
			bad++;
		}
	is_int(bad, 0,
	       "loopback, private, link-local, CGNAT, multicast, mapped and NAT64 forms "
	       "of them: blocked");
	bad = 0;
	for (int i = 0; yes[i] != NULL; i++)
		if (blocked(yes[i])) {
			diag("%s is blocked", yes[i]);
			bad++;
		}
	is_int(bad, 0, "public addresses (and their neighbours) are not");
}

static void test_urls(void)
{
	ok(webhook_url_check("https://hooks.example.com/in?x=1", 0) == NULL, "https with a name");
	ok(webhook_url_check("https://93.184.216.34:8443/in", 0) == NULL,
	   "https with a public address");
	ok(webhook_url_check("http://hooks.example.com/in", 0) != NULL, "http: refused");
	ok(webhook_url_check("http://127.0.0.1:9/in", 1) == NULL,
	   "http to loopback in a dev stack");
	ok(webhook_url_check("https://127.0.0.1/in", 0) != NULL, "loopback: refused");
	ok(webhook_url_check("https://[::1]/in", 0) != NULL, "IPv6 loopback: refused");
	ok(webhook_url_check("https://169.254.169.254/latest/meta-data", 0) != NULL,
	   "the cloud metadata address: refused");
	ok(webhook_url_check("https://localhost/in", 0) != NULL, "localhost: refused");
	ok(webhook_url_check("https://a.localhost/in", 0) != NULL, "*.localhost: refused");
	ok(webhook_url_check("https://user:pw@example.com/in", 0) != NULL, "credentials: refused");
	ok(webhook_url_check("https://exa mple.com/", 0) != NULL, "a space: refused");
	ok(webhook_url_check("https:///x", 0) != NULL, "no host: refused");
	ok(webhook_url_check("ftp://example.com/", 1) != NULL, "ftp: refused");
	ok(webhook_url_check("", 0) != NULL, "empty: refused");
}

static void test_cursor(void)
{
	struct feed_cursor c = {.doc = 10, .tenant = 4000000001u, .snap = 77, .after = 1ull << 40},
			   d;
	char t[FEED_CURSOR_LEN + 1], bad[FEED_CURSOR_LEN + 1];
	int refused = 0;

	feed_cursor_encode(&c, t);
	ok(strlen(t) == FEED_CURSOR_LEN && feed_cursor_decode(t, strlen(t), &d) == 0 &&
		   d.doc == c.doc && d.tenant == c.tenant && d.snap == c.snap && d.after == c.after,
	   "a cursor round-trips (%s)", t);
	for (size_t i = 0; i < FEED_CURSOR_LEN; i++) {
		memcpy(bad, t, sizeof bad);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		refused += feed_cursor_decode(bad, FEED_CURSOR_LEN, &d) != 0;
	}
	is_int(refused, FEED_CURSOR_LEN, "any one character changed: refused");
	ok(feed_cursor_decode(t, FEED_CURSOR_LEN - 1, &d) != 0 &&
		   feed_cursor_decode("", 0, &d) != 0 && feed_cursor_decode("!!", 2, &d) != 0,
	   "short, empty, or not base64url: refused");
}

int main(void)
{
	struct conf c;
	char dir[] = "/tmp/gh-webhook-XXXXXX", path[64];
	FILE *f;
	unsigned char key[32];

	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return 1;
	/* A secrets key of the test's own (the cursor's MAC). */
	snprintf(path, sizeof path, "%s/key", dir);
	memset(key, 0x42, sizeof key);
	memset(&c, 0, sizeof c);
	if ((f = fopen(path, "wb")) == NULL || fwrite(key, 1, sizeof key, f) != sizeof key)
		return 1;
	fclose(f);
	snprintf(c.sec.key_file, sizeof c.sec.key_file, "%s", path);
	c.sec.hash_concurrency = 1;
	if (!ok(auth_init(&c) == 0, "auth_init with a key file"))
		return done_testing();
	test_sign();
	test_addresses();
	test_urls();
	test_cursor();
	auth_free();
	unlink(path);
	rmdir(dir);
	return done_testing();
}
