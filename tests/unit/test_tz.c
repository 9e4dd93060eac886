/* Unit tests for fcgi/core/tz.c: every zone of the system's list converted
 * at thousands of instants (each transition and a second either side, and
 * instants up to 2100, past the files' last transitions, where the POSIX
 * footer rules) and compared with glibc's localtime_r for the same zone;
 * POSIX TZ strings of every rule form; malformed zone files refused; the
 * ISO instants pages carry. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "tz.h"
#include "lib/testonly.h"

static int same_as_glibc(const char *zone, time_t t, char *why, size_t whysz)
{
	struct tz_local a;
	struct tm b;

	tz_convert(zone, t, &a);
	localtime_r(&t, &b);
	if (a.year != b.tm_year + 1900 || a.mon != b.tm_mon + 1 || a.mday != b.tm_mday ||
	    a.hour != b.tm_hour || a.min != b.tm_min || a.sec != b.tm_sec ||
	    a.gmtoff != b.tm_gmtoff || a.wday != b.tm_wday || strcmp(a.abbr, b.tm_zone) != 0) {
		snprintf(why, whysz,
			 "%s at %lld: ours %04d-%02d-%02d %02d:%02d:%02d %+ld %s, glibc "
			 "%04d-%02d-%02d %02d:%02d:%02d %+ld %s",
			 zone, (long long)t, a.year, a.mon, a.mday, a.hour, a.min, a.sec, a.gmtoff,
			 a.abbr, b.tm_year + 1900, b.tm_mon + 1, b.tm_mday, b.tm_hour, b.tm_min,
			 b.tm_sec, b.tm_gmtoff, b.tm_zone);
		return 0;
	}
	return 1;
}

static void test_against_glibc(void)
{
	size_t zones = 0, checks = 0, bad = 0;
	char why[400] = "";
	unsigned seed = 12345;

	for (size_t i = 0; i < tz_count(); i++) {
		const char *zone = tz_name(i);
		char env[200];
		snprintf(env, sizeof env, ":%s", zone);
		setenv("TZ", env, 1);
		tzset();
		zones++;
		/* Every hour-ish step around the DST seasons of a few years,
		 * plus random instants from 1970 to 2100. */
		for (int k = 0; k < 400; k++) {
			time_t t;
			if (k < 200) {
				seed = seed * 1103515245u + 12345u;
				t = (time_t)(seed % 4102444800u);
			} else {
				/* 2024..2040: where zone files end and footers begin. */
				t = 1704067200 + (time_t)(k - 200) * 2629746 + (k % 7) * 3600;
			}
			checks++;
			if (!same_as_glibc(zone, t, why, sizeof why) && bad++ < 5)
				diag("%s", why);
		}
	}
	ok(zones >= 300, "the system's zone list has %zu zones", zones);
	ok(bad == 0, "%zu instants in %zu zones: all as glibc's localtime_r (%zu differ)", checks,
	   zones, bad);
	unsetenv("TZ");
	tzset();
}

/* Each transition of a few zones, and a second either side. */
static void test_transitions(void)
{
	static const char *const zones[] = {
		"America/New_York",  "Europe/Berlin",    "Australia/Sydney",
		"Asia/Kolkata",      "America/Santiago", "Pacific/Chatham",
		"Africa/Casablanca", "Europe/Dublin",    NULL};
	size_t bad = 0, checks = 0;
	char why[400];

	for (const char *const *z = zones; *z; z++) {
		char env[200];
		snprintf(env, sizeof env, ":%s", *z);
		setenv("TZ", env, 1);
		tzset();
		/* Walk 1950..2060 an hour at a time; at each change of offset,
		 * find its second by bisection and check it and its
		 * neighbours. */
		struct tz_local prev, cur, mid;
		tz_convert(*z, -631152000, &prev);
		for (time_t t = -631152000 + 3600; t < 2840140800; t += 3600) {
			tz_convert(*z, t, &cur);
			if (cur.gmtoff != prev.gmtoff || strcmp(cur.abbr, prev.abbr) != 0) {
				time_t lo = t - 3600, hi = t; /* lo: old, hi: new */
				while (hi - lo > 1) {
					time_t m = lo + (hi - lo) / 2;
					tz_convert(*z, m, &mid);
					if (mid.gmtoff == prev.gmtoff &&
					    strcmp(mid.abbr, prev.abbr) == 0)
						lo = m;
					else
						hi = m;
				}
				for (time_t d = hi - 2; d <= hi + 1; d++) {
					checks++;
					if (!same_as_glibc(*z, d, why, sizeof why) && bad++ < 5)
						diag("%s", why);
				}
			}
			prev = cur;
		}
	}
	ok(checks > 1000 && bad == 0,
	   "%zu instants around every change of offset, 1950-2060: "
	   "as glibc (%zu differ)",
	   checks, bad);
	unsetenv("TZ");
	tzset();
}

static void test_posix(void)
{
	static const struct {
		const char *tz;
		time_t t;
		long off;
		const char *abbr;
	} cases[] = {
		{"EST5EDT,M3.2.0,M11.1.0", 1720000000, -4 * 3600, "EDT"},
		{"EST5EDT,M3.2.0,M11.1.0", 1735000000, -5 * 3600, "EST"},
		{"EST5EDT", 1720000000, -4 * 3600, "EDT"}, /* no rule: the US one */
		{"<+0530>-5:30", 1720000000, 5 * 3600 + 1800, "+0530"},
		{"AEST-10AEDT,M10.1.0,M4.1.0/3", 1735000000, 11 * 3600, "AEDT"}, /* south */
		{"AEST-10AEDT,M10.1.0,M4.1.0/3", 1720000000, 10 * 3600, "AEST"},
		{"XXX3YYY,J60/2,J300/2", 1720000000, -2 * 3600, "YYY"},
		{"XXX3YYY,59/2,299/2", 1720000000, -2 * 3600, "YYY"},
		{"<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", 1720000000, -2 * 3600, "-02"}, /* v3 times */
		{"UTC0", 1720000000, 0, "UTC"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tz_zone *z = tz_zone_posix(cases[i].tz);
		struct tz_local l = {0};
		if (z)
			tz_zone_local(z, cases[i].t, &l);
		ok(z && l.gmtoff == cases[i].off && strcmp(l.abbr, cases[i].abbr) == 0,
		   "POSIX %s at %lld: %+ld %s (%+ld %s)", cases[i].tz, (long long)cases[i].t,
		   cases[i].off, cases[i].abbr, l.gmtoff, l.abbr);
		tz_zone_free(z);
	}
	static const char *const bad[] = {"",
					  "E5",
					  "EST",
					  "EST5EDT,M13.1.0,M11.1.0",
					  "EST5EDT,M3.6.0,M11.1.0",
					  "EST5EDT,M3.2.7,M11.1.0",
					  "EST5EDT,J0,J300",
					  "EST5EDT,366,1",
					  "<+05",
					  "EST99",
					  "EST5EDT,M3.2.0",
					  "EST5EDT,M3.2.0,M11.1.0junk"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct tz_zone *z = tz_zone_posix(bad[i]);
		ok(z == NULL, "POSIX '%s' refused", bad[i]);
		tz_zone_free(z);
	}
}

static void test_files(void)
{
	static const unsigned char not_tzif[] = "TZjf2\0\0\0";
	unsigned char hdr[44] = "TZif2";
	struct tz_zone *z;

	ok(tz_zone_parse(not_tzif, sizeof not_tzif) == NULL, "not TZif: refused");
	ok(tz_zone_parse(hdr, 10) == NULL, "a cut header: refused");
	/* A header claiming more than the file holds. */
	hdr[20 + 4 * 3 + 3] = 200; /* timecnt 200 */
	hdr[20 + 4 * 4 + 3] = 1;   /* typecnt 1 */
	ok(tz_zone_parse(hdr, sizeof hdr) == NULL, "counts past the end: refused");
	/* The real thing, read whole. */
	FILE *f = fopen("/usr/share/zoneinfo/Europe/Paris", "rb");
	unsigned char buf[8192];
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	z = tz_zone_parse(buf, n);
	ok(z != NULL, "Europe/Paris parses (%zu bytes)", n);
	tz_zone_free(z);
	/* Every cut of it is refused or parsed, never read past its end
	 * (ASan watches). */
	size_t accepted = 0;
	for (size_t k = 0; k < n; k++) {
		unsigned char *cut = malloc(k ? k : 1);
		memcpy(cut, buf, k);
		z = tz_zone_parse(cut, k);
		accepted += z != NULL;
		tz_zone_free(z);
		free(cut);
	}
	ok(accepted < n, "cuts of the file: %zu of %zu parse, none overruns", accepted, n);
	tz_zone_free(NULL);
}

static void test_names_and_iso(void)
{
	time_t t = 0;
	struct tz_local l;

	ok(tz_known("UTC") && tz_known("America/New_York") && tz_known("Asia/Kolkata"),
	   "the list has UTC and the usual zones");
	ok(!tz_known("US/Eastern") && !tz_known("../etc/passwd") && !tz_known("") &&
		   !tz_known("America/Nowhere"),
	   "links, paths and made-up names are not in it");
	size_t unsorted = 0;
	for (size_t i = 1; i < tz_count(); i++)
		if (strcmp(tz_name(i - 1), tz_name(i)) >= 0 && unsorted++ == 0)
			diag("'%s' before '%s'", tz_name(i - 1), tz_name(i));
	ok(tz_count() > 300 && unsorted == 0, "the list is sorted, no name twice (%zu names)",
	   tz_count());
	ok(tz_parse_utc("2026-12-05T21:35:07Z", &t) == 0 && t == 1796506507, "an ISO instant: %lld",
	   (long long)t);
	ok(tz_parse_utc("2026-12-05T21:35:07.123456Z", &t) == 0 && t == 1796506507,
	   "with fractional seconds");
	ok(tz_parse_utc("2028-02-29T00:00:00Z", &t) == 0 && t == 1835395200 &&
		   tz_parse_utc("2000-02-29T12:00:00Z", &t) == 0 && t == 951825600 &&
		   tz_parse_utc("2026-01-31T00:00:00Z", &t) == 0,
	   "February 29 of a leap year and a month's 31st are instants");
	static const char *const bad[] = {"",
					  "2026-12-05",
					  "2026-12-05T21:35:07",
					  "2026-13-05T21:35:07Z",
					  "2026-02-29T00:00:00Z",
					  "2026-04-31T00:00:00Z",
					  "2100-02-29T00:00:00Z",
					  "2026-12-05T24:35:07Z",
					  "2026-12-05 21:35:07Z",
					  "2026-12-05T21:35:07Z ",
					  "x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(tz_parse_utc(bad[i], &t) == -1, "not an instant: '%s'", bad[i]);
	ok(tz_convert("America/New_York", 1796506507, &l) == 0 && l.hour == 16 && l.min == 35 &&
		   strcmp(l.abbr, "EST") == 0,
	   "21:35 UTC is 16:35 EST in New York");
	ok(tz_convert("Mars/Olympus_Mons", 1796506507, &l) == -1 && l.hour == 21 &&
		   strcmp(l.abbr, "UTC") == 0,
	   "an unknown zone: UTC, and says so");
	ok(tz_convert(NULL, 1796506507, &l) == 0 && strcmp(l.abbr, "UTC") == 0, "no zone: UTC");
}

/* The instant a local day begins. */
static void test_day_start(void)
{
	struct tz_local l;
	time_t t;

	is_int((long long)tz_day_start("UTC", 2026, 12, 6), 1796515200LL, "UTC: midnight itself");
	is_int((long long)tz_day_start(NULL, 2026, 12, 6), 1796515200LL, "no zone: UTC");
	t = tz_day_start("America/New_York", 2026, 12, 6);
	is_int((long long)t, 1796515200LL + 5 * 3600, "New York in December: 05:00 UTC");
	t = tz_day_start("Asia/Kolkata", 2026, 7, 1);
	tz_convert("Asia/Kolkata", t, &l);
	ok(l.mday == 1 && l.hour == 0 && l.min == 0, "Kolkata (+05:30): 00:00 there (%02d:%02d)",
	   l.hour, l.min);
	/* Spring forward on the day (01:59 -> 03:00 in New York) and back. */
	t = tz_day_start("America/New_York", 2026, 3, 8);
	tz_convert("America/New_York", t, &l);
	ok(l.mday == 8 && l.hour == 0 && l.min == 0 && !l.isdst,
	   "New York on its spring-forward day: 00:00 EST");
	t = tz_day_start("America/New_York", 2026, 11, 1);
	tz_convert("America/New_York", t, &l);
	ok(l.mday == 1 && l.hour == 0 && l.min == 0 && l.isdst,
	   "New York on its fall-back day: 00:00 EDT");
	/* Havana springs forward at midnight: its day begins at 01:00. */
	t = tz_day_start("America/Havana", 2026, 3, 8);
	tz_convert("America/Havana", t, &l);
	ok(l.mday == 8 && l.hour == 1 && l.min == 0,
	   "Havana, midnight skipped: the day begins at 01:00 (%02d:%02d)", l.hour, l.min);
}

int main(void)
{
	if (!ok(tz_init(NULL) == 0, "tz_init"))
		return done_testing();
	test_names_and_iso();
	test_posix();
	test_files();
	test_transitions();
	test_against_glibc();
	test_day_start();
	tz_free();
	tz_free();
	ok(tz_count() == 0, "tz_free twice is harmless");
	return done_testing();
}
