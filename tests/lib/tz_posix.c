/* tz_zone_posix: see testonly.h.  The string becomes the footer of a TZif
 * version 2 file (RFC 8536) with no transitions and one local time type, a
 * sentinel that no TZ string can name ('%' is not allowed in an
 * abbreviation): tz_zone_parse keeps the footer only if it parses, and a
 * zone that answers with the sentinel has none. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testonly.h"

#define SENTINEL_ABBR "%none%"
#define SENTINEL_OFF (26L * 3600 - 1) /* the most a TZif type may hold */

static unsigned char *put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return p + 4;
}

/* A header (version 2; typecnt 1, charcnt nchars) and its data block: the
 * one type and its abbreviation. */
static unsigned char *block(unsigned char *p)
{
	static const char abbr[] = SENTINEL_ABBR;

	memcpy(p, "TZif2", 5);
	memset(p + 5, 0, 15);
	p += 20;
	p = put32(p, 0);           /* isutcnt */
	p = put32(p, 0);           /* isstdcnt */
	p = put32(p, 0);           /* leapcnt */
	p = put32(p, 0);           /* timecnt */
	p = put32(p, 1);           /* typecnt */
	p = put32(p, sizeof abbr); /* charcnt */
	p = put32(p, (uint32_t)SENTINEL_OFF);
	*p++ = 0; /* isdst */
	*p++ = 0; /* abbreviation index */
	memcpy(p, abbr, sizeof abbr);
	return p + sizeof abbr;
}

struct tz_zone *tz_zone_posix(const char *s)
{
	unsigned char file[2 * (44 + 6 + sizeof SENTINEL_ABBR) + 2 + 128], *p = file;
	size_t n = strlen(s);
	struct tz_zone *z;
	struct tz_local l;

	if (n > 127 || strchr(s, '\n') != NULL)
		return NULL;
	p = block(p); /* version 1 data, skipped by a version 2 reader */
	p = block(p);
	*p++ = '\n';
	memcpy(p, s, n);
	p += n;
	*p++ = '\n';
	if ((z = tz_zone_parse(file, (size_t)(p - file))) == NULL)
		return NULL;
	tz_zone_local(z, 0, &l);
	if (l.gmtoff == SENTINEL_OFF && strcmp(l.abbr, SENTINEL_ABBR) == 0) {
		tz_zone_free(z); /* the footer did not parse */
		return NULL;
	}
	return z;
}
