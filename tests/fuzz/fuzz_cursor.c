/* libFuzzer target for the feed's cursor parser (fcgi/feed/cursor.c): any
 * bytes as the ?after= value of a feed request.
 *
 * Invariants: no crash or overread (the input is copied into a buffer of
 * exactly its size); a cursor accepted is 51 characters of base64url and
 * encodes back to exactly the input (one text per cursor: nothing else
 * passes the MAC); and a cursor made from the fuzzer's bytes round-trips.
 *
 * The MAC's key is the secrets key's subkey in the responder (auth.c,
 * tested by tests/unit/test_auth); here a fixed key stands in for it, so
 * the parser is fuzzed alone.
 *
 * Built by tests/fuzz/run-fuzz.sh (target fuzz_cursor) with clang
 * -fsanitize=fuzzer, and by automake (with replay.c) as
 * tests/fuzz/replay_cursor for corpus replay. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_cursor: invariant failed: %s (%s:%d)\n", #c,         \
				__FILE__, __LINE__);                                               \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The subkey the cursor's MAC uses (auth.h's contract: 32 bytes for a
 * purpose). */
void auth_subkey(const char *purpose, unsigned char out[32]);
void auth_subkey(const char *purpose, unsigned char out[32])
{
	static const unsigned char master[32] = "gatehouse fuzz: a fixed test key";

	crypto_generichash(out, 32, (const unsigned char *)purpose, strlen(purpose), master,
			   sizeof master);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size ? size : 1), again[FEED_CURSOR_LEN + 1];
	struct feed_cursor c, d;

	if (in == NULL || sodium_init() < 0)
		return 0;
	memcpy(in, data, size);
	if (feed_cursor_decode(in, size, &c) == 0) {
		CHECK(size == FEED_CURSOR_LEN);
		feed_cursor_encode(&c, again);
		CHECK(memcmp(again, in, size) == 0);
	}
	/* The bytes as a cursor's fields: encoded, then decoded the same. */
	if (size >= 21) {
		memset(&c, 0, sizeof c);
		c.doc = data[0];
		memcpy(&c.tenant, data + 1, 4);
		memcpy(&c.snap, data + 5, 8);
		memcpy(&c.after, data + 13, 8);
		feed_cursor_encode(&c, again);
		CHECK(strlen(again) == FEED_CURSOR_LEN);
		CHECK(feed_cursor_decode(again, FEED_CURSOR_LEN, &d) == 0);
		CHECK(d.doc == c.doc && d.tenant == c.tenant && d.snap == c.snap &&
		      d.after == c.after);
	}
	free(in);
	return 0;
}
