/* libFuzzer target for the time-zone parsers (fcgi/core/tz.c): a TZif zone
 * file with its POSIX TZ footer, a POSIX TZ string alone, and the ISO
 * instants pages carry.  The first byte picks the parser.
 *
 * Invariants: no crash or overread (each input is copied into a buffer of
 * exactly its size); a zone that parses converts any instant to a local time
 * whose fields are in range, with an offset within a day and an
 * abbreviation of printable ASCII; an ISO instant that parses prints back
 * as itself (seconds precision).
 *
 * Built by tests/fuzz/run-fuzz.sh (target fuzz_tz) with clang -fsanitize=fuzzer,
 * and by automake (with replay.c) as tests/fuzz/replay_tz for corpus replay. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tz.h"
#include "lib/testonly.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_tz: invariant failed: %s (%s:%d)\n", #c, __FILE__,   \
				__LINE__);                                                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static void check_local(const struct tz_local *l)
{
	CHECK(l->mon >= 1 && l->mon <= 12 && l->mday >= 1 && l->mday <= 31);
	CHECK(l->hour >= 0 && l->hour <= 23 && l->min >= 0 && l->min <= 59);
	CHECK(l->sec >= 0 && l->sec <= 59 && l->wday >= 0 && l->wday <= 6);
	CHECK(l->gmtoff > -27 * 3600 && l->gmtoff < 27 * 3600);
	for (const char *a = l->abbr; *a; a++)
		CHECK(*a > 0x20 && *a < 0x7f);
}

static void zone_walk(const struct tz_zone *z)
{
	static const time_t at[] = {-2208988800, -1,         0,          1,          1700000000,
				    1796506507,  2147483647, 4102444800, 32503680000};
	struct tz_local l;

	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		tz_zone_local(z, at[i], &l);
		check_local(&l);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf;
	struct tz_zone *z;

	if (size < 1)
		return 0;
	if ((buf = malloc(size)) == NULL)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		if ((z = tz_zone_parse(buf, size - 1)) != NULL)
			zone_walk(z);
		tz_zone_free(z);
		break;
	case 1:
		if ((z = tz_zone_posix((const char *)buf)) != NULL)
			zone_walk(z);
		tz_zone_free(z);
		break;
	default: {
		time_t t;
		if (tz_parse_utc((const char *)buf, &t) == 0) {
			struct tz_local l;
			char back[40];
			tz_convert(NULL, t, &l);
			check_local(&l);
			snprintf(back, sizeof back, "%04d-%02d-%02dT%02d:%02d:%02dZ", l.year, l.mon,
				 l.mday, l.hour, l.min, l.sec);
			/* A leap second (:60) rolls over; anything else prints back. */
			CHECK(strncmp((const char *)buf, back, 17) == 0 || buf[17] == '6' ||
			      strlen((const char *)buf) < 20);
		}
	}
	}
	free(buf);
	return 0;
}
