/* libFuzzer target for the MFA module's input parsing (fcgi/core/mfa.c):
 * the code a user types (mfa_totp_verify: digits, inner spaces) and a
 * recovery code (mfa_recovery_hash: case, dashes and spaces ignored).
 *
 * Invariants: no crash or overread (each input is copied into a buffer of
 * exactly its size plus the NUL); a code accepted by the verifier is six
 * ASCII digits once spaces are dropped, and is the real code of its step; a
 * recovery code that hashes hashes the same as its upper-cased, dash-free
 * form, and an input that cannot be a code is refused.
 *
 * Built by tests/fuzz/run-fuzz.sh (target fuzz_mfa) with clang -fsanitize=fuzzer,
 * and by automake (with replay.c) as tests/fuzz/replay_mfa for corpus replay. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "mfa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_mfa: invariant failed: %s (%s:%d)\n", #c, __FILE__,  \
				__LINE__);                                                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static const unsigned char key[MFA_KEY_BYTES] = "12345678901234567890";
static const time_t now = 1111111109; /* an RFC 6238 test time */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char *s = malloc(size + 1);
	unsigned char h1[32], h2[32];
	long long step = -1;

	if (!ready) {
		static const unsigned char master[32] = {1};
		CHECK(sodium_init() >= 0 && mfa_init(master, sizeof master) == 0);
		ready = 1;
	}
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (mfa_totp_verify(key, sizeof key, s, now, -1, &step) == MFA_OK) {
		char digits[8], want[8];
		size_t n = 0;
		for (const char *p = s; *p; p++) {
			if (*p == ' ')
				continue;
			CHECK(*p >= '0' && *p <= '9' && n < 6);
			digits[n++] = *p;
		}
		digits[n] = '\0';
		CHECK(n == 6);
		CHECK(step >= now / MFA_PERIOD - 1 && step <= now / MFA_PERIOD + 1);
		CHECK(mfa_totp_code(key, sizeof key, (time_t)(step * MFA_PERIOD), 6, want,
				    sizeof want) == 0);
		CHECK(strcmp(digits, want) == 0);
		/* Replay: the same step again is refused. */
		CHECK(mfa_totp_verify(key, sizeof key, s, now, step, NULL) == MFA_REPLAY);
	}

	if (mfa_recovery_hash(s, h1) == 0) {
		/* The canonical form hashes the same. */
		char canon[64];
		size_t n = 0;
		for (const char *p = s; *p; p++) {
			if (*p == '-' || *p == ' ')
				continue;
			CHECK(n < sizeof canon - 1);
			canon[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		}
		canon[n] = '\0';
		CHECK(n == 10);
		CHECK(mfa_recovery_hash(canon, h2) == 0 && memcmp(h1, h2, 32) == 0);
	}
	free(s);
	return 0;
}
