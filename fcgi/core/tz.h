/* Time zones: an instant (UTC) shown as local time in an IANA zone, read
 * from the system's compiled zone files (TZif, RFC 8536; Debian's tzdata in
 * /usr/share/zoneinfo) and their POSIX TZ footer for the years past the
 * last transition.  Not glibc's localtime: that has one zone per process,
 * and pages are shown in each viewer's own zone from many threads. */
#ifndef GH_TZ_H
#define GH_TZ_H

#include <stddef.h>
#include <time.h>

#define TZ_NAME_MAX 64 /* tenants.time_zone is VARCHAR(64) */

struct tz_local {
	int year, mon, mday, hour, min, sec; /* mon 1..12 */
	int wday;                            /* 0 = Sunday */
	long gmtoff;                         /* seconds east of UTC */
	int isdst;
	char abbr[16]; /* "EST", "CEST", "+0530" */
};

/* Loads the list of zone names (zone1970.tab, plus UTC) under dir
 * (NULL: /usr/share/zoneinfo).  Zones themselves are read on first use and
 * kept.  Start-up only; 0 or -1. */
int tz_init(const char *dir);
void tz_free(void);
/* Whether name is a zone of the list (a select offers exactly those). */
int tz_known(const char *name);
/* The list, sorted: for i < tz_count(). */
size_t tz_count(void);
const char *tz_name(size_t i);
/* t in zone (NULL, "" or an unknown name: UTC).  Thread-safe.  Returns 0,
 * or -1 when the zone could not be used and UTC was given instead. */
int tz_convert(const char *zone, time_t t, struct tz_local *out);

/* The parser, for the tests and the fuzz harness: a zone from the bytes of
 * a TZif file; NULL when they are not one.  Free with tz_zone_free. */
struct tz_zone;
struct tz_zone *tz_zone_parse(const unsigned char *buf, size_t len);
void tz_zone_free(struct tz_zone *z);
void tz_zone_local(const struct tz_zone *z, time_t t, struct tz_local *out);

/* The instant a local day begins in zone (NULL, "" or unknown: UTC):
 * midnight, or the day's first existing minute when a transition skips
 * midnight.  y-m-d must be a real date (valid.c's val_date). */
time_t tz_day_start(const char *zone, int y, int m, int d);

/* "2026-12-05T21:35:00Z" (or with fractional seconds) as an instant; -1 if
 * it is not one. */
int tz_parse_utc(const char *iso, time_t *out);

#endif
