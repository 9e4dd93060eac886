#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "tz.h"

#define TZ_FILE_MAX (256 * 1024) /* the largest zone file is under 4 KiB */
#define TZ_TYPES_MAX 256
#define TZ_TRANS_MAX 4096

/* ---- civil dates (Howard Hinnant's algorithms, proleptic Gregorian) ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return mdays[m - 1] + (m == 2 && leap(y));
}

static int64_t floordiv(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* ---- POSIX TZ rules (the footer) ---- */

enum rule_kind { RULE_JULIAN1, RULE_JULIAN0, RULE_MONTH };

struct rule {
	enum rule_kind kind;
	int day, week, mon; /* Jn / n: day; Mm.w.d: mon, week, day (weekday) */
	long time;          /* seconds after local midnight (may be negative or > 24 h) */
};

struct posix {
	char std[16], dst[16];
	long std_off, dst_off; /* seconds east of UTC */
	int has_dst;
	struct rule start, end;
};

struct ttype {
	long gmtoff;
	int isdst;
	char abbr[16];
};

struct tz_zone {
	size_t ntrans, ntypes;
	int64_t *trans;
	unsigned char *idx;
	struct ttype *types;
	int has_footer;
	struct posix footer;
};

/* A zone name in a TZ string: letters, or <...> with +, - and digits. */
static const char *p_name(const char *s, char *out, size_t sz)
{
	size_t n = 0;

	if (*s == '<') {
		s++;
		while (*s && *s != '>') {
			if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
			      (*s >= '0' && *s <= '9') || *s == '+' || *s == '-') ||
			    n + 1 >= sz)
				return NULL;
			out[n++] = *s++;
		}
		if (*s != '>')
			return NULL;
		s++;
	} else {
		while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) {
			if (n + 1 >= sz)
				return NULL;
			out[n++] = *s++;
		}
	}
	out[n] = '\0';
	return n >= 3 ? s : NULL;
}

/* ":mm" or ":ss" (00-59) at s, if there: its value into *v; past it, or s
 * itself when there is no ':'; NULL when malformed. */
static const char *p_sixty(const char *s, long *v)
{
	if (*s != ':')
		return s;
	s++;
	if (!(s[0] >= '0' && s[0] <= '5' && s[1] >= '0' && s[1] <= '9'))
		return NULL;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return s + 2;
}

/* [+-]hh[:mm[:ss]] as seconds; hours up to maxh. */
static const char *p_time(const char *s, long *out, int maxh)
{
	long sign = 1, h = 0, m = 0, sec = 0;
	int digits = 0;
	const char *t;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	while (*s >= '0' && *s <= '9' && digits < 3) {
		h = h * 10 + (*s++ - '0');
		digits++;
	}
	if (digits == 0 || h > maxh)
		return NULL;
	/* Seconds only after minutes. */
	if ((t = p_sixty(s, &m)) == NULL || (t != s && (t = p_sixty(t, &sec)) == NULL))
		return NULL;
	*out = sign * (h * 3600 + m * 60 + sec);
	return t;
}

static const char *p_num(const char *s, int *out, int lo, int hi)
{
	int n = 0, digits = 0;

	while (*s >= '0' && *s <= '9' && digits < 4) {
		n = n * 10 + (*s++ - '0');
		digits++;
	}
	if (digits == 0 || n < lo || n > hi)
		return NULL;
	*out = n;
	return s;
}

static const char *p_rule(const char *s, struct rule *r)
{
	if (*s == 'J') {
		r->kind = RULE_JULIAN1;
		s = p_num(s + 1, &r->day, 1, 365);
	} else if (*s == 'M') {
		r->kind = RULE_MONTH;
		if ((s = p_num(s + 1, &r->mon, 1, 12)) == NULL || *s++ != '.' ||
		    (s = p_num(s, &r->week, 1, 5)) == NULL || *s++ != '.')
			return NULL;
		s = p_num(s, &r->day, 0, 6);
	} else {
		r->kind = RULE_JULIAN0;
		s = p_num(s, &r->day, 0, 365);
	}
	if (s == NULL)
		return NULL;
	r->time = 7200;
	if (*s == '/')
		s = p_time(s + 1, &r->time, 167);
	return s;
}

static int posix_parse(const char *s, struct posix *p)
{
	long off;

	memset(p, 0, sizeof *p);
	if ((s = p_name(s, p->std, sizeof p->std)) == NULL || (s = p_time(s, &off, 24)) == NULL)
		return -1;
	p->std_off = -off; /* POSIX counts west of Greenwich */
	if (*s == '\0')
		return 0;
	if ((s = p_name(s, p->dst, sizeof p->dst)) == NULL)
		return -1;
	p->has_dst = 1;
	p->dst_off = p->std_off + 3600;
	if (*s != ',' && *s != '\0') {
		if ((s = p_time(s, &off, 24)) == NULL)
			return -1;
		p->dst_off = -off;
	}
	if (*s == '\0') {
		/* No rule: the US rule, as glibc assumes. */
		p->start = (struct rule){RULE_MONTH, 0, 2, 3, 7200};
		p->end = (struct rule){RULE_MONTH, 0, 1, 11, 7200};
		return 0;
	}
	if (*s++ != ',' || (s = p_rule(s, &p->start)) == NULL || *s++ != ',' ||
	    (s = p_rule(s, &p->end)) == NULL)
		return -1;
	return *s == '\0' ? 0 : -1;
}

/* The local midnight (as days since the epoch) of a rule's day in year y,
 * plus the rule's time: seconds since the epoch in the rule's local time. */
static int64_t rule_local(const struct rule *r, int64_t y)
{
	int64_t day;

	switch (r->kind) {
	case RULE_JULIAN1: /* 1..365, February 29 never counted */
		day = days_from_civil(y, 1, 1) + r->day - 1 + (leap(y) && r->day >= 60);
		break;
	case RULE_JULIAN0: /* 0..365, February 29 counted */
		day = days_from_civil(y, 1, 1) + r->day;
		break;
	default: {
		int64_t first = days_from_civil(y, r->mon, 1);
		int wday1 = (int)((first % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
		int d = 1 + (r->day - wday1 + 7) % 7 + (r->week - 1) * 7;
		int dim = month_days(y, r->mon);
		while (d > dim)
			d -= 7;
		day = first + d - 1;
	}
	}
	return day * 86400 + r->time;
}

static void posix_local(const struct posix *p, int64_t t, int *isdst, long *off, const char **abbr)
{
	*isdst = 0;
	*off = p->std_off;
	*abbr = p->std;
	if (!p->has_dst)
		return;
	int64_t y;
	int m, d;
	civil_from_days(floordiv(t + p->std_off, 86400), &y, &m, &d);
	/* Transitions in UTC: the start is given in standard time, the end in
	 * daylight time. */
	int64_t start = rule_local(&p->start, y) - p->std_off;
	int64_t end = rule_local(&p->end, y) - p->dst_off;
	int in = start < end ? (t >= start && t < end) : !(t >= end && t < start);
	if (in) {
		*isdst = 1;
		*off = p->dst_off;
		*abbr = p->dst;
	}
}

/* ---- TZif ---- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

void tz_zone_free(struct tz_zone *z)
{
	if (z == NULL)
		return;
	free(z->trans);
	free(z->idx);
	free(z->types);
	free(z);
}

/* A header's six counts (isutcnt, isstdcnt, leapcnt, timecnt, typecnt,
 * charcnt) within bounds; the size of the data block behind it (times of
 * tsize bytes) into *body.  -1 for a bad header. */
static int tzif_counts(const unsigned char *p, size_t left, size_t tsize, uint32_t cnt[6],
		       size_t *body)
{
	if (left < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	for (int i = 0; i < 6; i++)
		cnt[i] = be32(p + 20 + 4 * i);
	if (cnt[3] > TZ_TRANS_MAX || cnt[4] == 0 || cnt[4] > TZ_TYPES_MAX || cnt[5] > 1024 ||
	    cnt[2] > 1024 || cnt[0] > cnt[4] || cnt[1] > cnt[4])
		return -1;
	*body = cnt[3] * tsize + cnt[3] + cnt[4] * 6 + cnt[5] + cnt[2] * (tsize + 4) + cnt[1] +
		cnt[0];
	return left - 44 < *body ? -1 : 0;
}

/* The transitions, their types and the types (offset, DST, abbreviation)
 * of a data block at p into z; -1 if they contradict themselves. */
static int tzif_body(struct tz_zone *z, const unsigned char *p, size_t tsize, const uint32_t cnt[6])
{
	const unsigned char *chars;

	z->ntrans = cnt[3];
	z->ntypes = cnt[4];
	if ((z->trans = calloc(z->ntrans + 1, sizeof *z->trans)) == NULL ||
	    (z->idx = calloc(z->ntrans + 1, 1)) == NULL ||
	    (z->types = calloc(z->ntypes, sizeof *z->types)) == NULL)
		return -1;
	for (size_t i = 0; i < z->ntrans; i++, p += tsize) {
		z->trans[i] = tsize == 8 ? be64(p) : (int32_t)be32(p);
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			return -1;
	}
	for (size_t i = 0; i < z->ntrans; i++) {
		if (*p >= z->ntypes)
			return -1;
		z->idx[i] = *p++;
	}
	chars = p + z->ntypes * 6;
	for (size_t i = 0; i < z->ntypes; i++, p += 6) {
		int32_t off = (int32_t)be32(p);
		unsigned ai = p[5];
		size_t n = 0;
		if (off < -25 * 3600 || off > 26 * 3600 || p[4] > 1 || ai >= cnt[5])
			return -1;
		z->types[i].gmtoff = off;
		z->types[i].isdst = p[4];
		while (ai + n < cnt[5] && chars[ai + n] != '\0' &&
		       n + 1 < sizeof z->types[i].abbr) {
			unsigned char c = chars[ai + n];
			z->types[i].abbr[n++] = (char)(c > 0x20 && c < 0x7f ? c : '?');
		}
		z->types[i].abbr[n] = '\0';
	}
	return 0;
}

/* The footer "\n<TZ string>\n" at p, for the time after the last
 * transition; a bad or missing one leaves the zone without it. */
static void tzif_footer(struct tz_zone *z, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *nl;
	char footer[128];
	size_t n;

	if (end - p < 2 || *p != '\n' || (nl = memchr(p + 1, '\n', (size_t)(end - p - 1))) == NULL)
		return;
	n = (size_t)(nl - p - 1);
	if (n == 0 || n >= sizeof footer)
		return;
	memcpy(footer, p + 1, n);
	footer[n] = '\0';
	if (memchr(footer, '\0', n) == NULL && posix_parse(footer, &z->footer) == 0)
		z->has_footer = 1;
}

/* Returns the zone (caller frees with tz_zone_free), or NULL.  Version 1
 * data comes first; with version 2 or later it is skipped for the 64-bit
 * block and the footer that follow. */
struct tz_zone *tz_zone_parse(const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf, *end = buf + len;
	struct tz_zone *z = NULL;
	uint32_t cnt[6];
	size_t body;
	int v2;

	if (len < 44 || memcmp(buf, "TZif", 4) != 0)
		return NULL;
	v2 = buf[4] >= '2';
	if (tzif_counts(p, (size_t)(end - p), 4, cnt, &body) != 0)
		return NULL;
	if (v2) {
		p += 44 + body;
		if (tzif_counts(p, (size_t)(end - p), 8, cnt, &body) != 0)
			return NULL;
	}
	if ((z = calloc(1, sizeof *z)) == NULL || tzif_body(z, p + 44, v2 ? 8 : 4, cnt) != 0) {
		tz_zone_free(z);
		return NULL;
	}
	if (v2)
		tzif_footer(z, p + 44 + body, end);
	return z;
}

static void fill(int64_t t, long off, int isdst, const char *abbr, struct tz_local *out)
{
	int64_t lt = t + off, days = floordiv(lt, 86400), secs = lt - days * 86400, y;

	civil_from_days(days, &y, &out->mon, &out->mday);
	out->year = (int)y;
	out->hour = (int)(secs / 3600);
	out->min = (int)(secs % 3600 / 60);
	out->sec = (int)(secs % 60);
	out->wday = (int)((days % 7 + 11) % 7);
	out->gmtoff = off;
	out->isdst = isdst;
	snprintf(out->abbr, sizeof out->abbr, "%s", abbr);
}

void tz_zone_local(const struct tz_zone *z, time_t t, struct tz_local *out)
{
	const struct ttype *ty;

	if (z->ntrans == 0 || (int64_t)t >= z->trans[z->ntrans - 1]) {
		if (z->has_footer) {
			int isdst;
			long off;
			const char *abbr;
			posix_local(&z->footer, t, &isdst, &off, &abbr);
			fill(t, off, isdst, abbr, out);
			return;
		}
		ty = z->ntrans ? &z->types[z->idx[z->ntrans - 1]] : &z->types[0];
	} else if ((int64_t)t < z->trans[0]) {
		ty = &z->types[0]; /* RFC 8536 3.2: type 0 before the first transition */
	} else {
		size_t lo = 0, hi = z->ntrans - 1; /* trans[lo] <= t < trans[hi] */
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (z->trans[mid] <= (int64_t)t)
				lo = mid;
			else
				hi = mid;
		}
		ty = &z->types[z->idx[lo]];
	}
	fill(t, ty->gmtoff, ty->isdst, ty->abbr, out);
}

/* ---- the zones of this system ---- */

static char base_dir[512];
static char **names;
static size_t nnames;

struct cached {
	char name[TZ_NAME_MAX];
	struct tz_zone *z; /* NULL: could not be read (UTC is shown) */
};
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct cached *cache;
static size_t ncache, capcache;

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_name(const char *n)
{
	char **grown;

	if (nnames % 64 == 0) {
		if ((grown = realloc(names, (nnames + 64) * sizeof *names)) == NULL)
			return -1;
		names = grown;
	}
	if ((names[nnames] = strdup(n)) == NULL)
		return -1;
	nnames++;
	return 0;
}

int tz_init(const char *dir)
{
	char path[700], line[1024];
	FILE *f;

	tz_free();
	snprintf(base_dir, sizeof base_dir, "%s", dir ? dir : "/usr/share/zoneinfo");
	if (add_name("UTC") != 0)
		return -1;
	snprintf(path, sizeof path, "%s/zone1970.tab", base_dir);
	if ((f = fopen(path, "r")) == NULL) {
		log_warn("tz: %s: %s: only UTC is offered", path, strerror(errno));
		return 0;
	}
	/* country-codes TAB coordinates TAB TZ [TAB comments] */
	while (fgets(line, sizeof line, f) != NULL) {
		char *tab1, *tab2, *nameend;
		if (line[0] == '#' || (tab1 = strchr(line, '\t')) == NULL ||
		    (tab2 = strchr(tab1 + 1, '\t')) == NULL)
			continue;
		nameend = tab2 + 1 + strcspn(tab2 + 1, "\t\r\n");
		*nameend = '\0';
		if (strlen(tab2 + 1) < TZ_NAME_MAX && strstr(tab2 + 1, "..") == NULL &&
		    tab2[1] != '/' && add_name(tab2 + 1) != 0) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	qsort(names, nnames, sizeof *names, cmp_name);
	return 0;
}

void tz_free(void)
{
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	names = NULL;
	nnames = 0;
	pthread_mutex_lock(&cache_mu);
	for (size_t i = 0; i < ncache; i++)
		tz_zone_free(cache[i].z);
	free(cache);
	cache = NULL;
	ncache = capcache = 0;
	pthread_mutex_unlock(&cache_mu);
}

int tz_known(const char *name)
{
	return name != NULL && bsearch(&name, names, nnames, sizeof *names, cmp_name) != NULL;
}

size_t tz_count(void)
{
	return nnames;
}

const char *tz_name(size_t i)
{
	return i < nnames ? names[i] : NULL;
}

static struct tz_zone *read_zone(const char *name)
{
	char path[700];
	unsigned char *buf = NULL;
	struct tz_zone *z = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "%s/%s", base_dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		goto out;
	if (fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size > TZ_FILE_MAX ||
	    (buf = malloc((size_t)st.st_size)) == NULL)
		goto out;
	if ((n = read(fd, buf, (size_t)st.st_size)) == st.st_size)
		z = tz_zone_parse(buf, (size_t)n);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	if (z == NULL)
		log_warn("tz: cannot use the zone file %s: times shown in UTC", path);
	return z;
}

/* The zone called name, read once and kept (NULL: UTC).  Zones are never
 * changed once made, so they are read without the lock. */
static const struct tz_zone *zone(const char *name)
{
	const struct tz_zone *z = NULL;
	size_t i;

	if (name == NULL || name[0] == '\0' || strcmp(name, "UTC") == 0 || !tz_known(name))
		return NULL;
	pthread_mutex_lock(&cache_mu);
	for (i = 0; i < ncache; i++)
		if (strcmp(cache[i].name, name) == 0) {
			z = cache[i].z;
			goto out;
		}
	if (ncache == capcache) {
		size_t cap = capcache ? capcache * 2 : 16;
		struct cached *g = realloc(cache, cap * sizeof *g);
		if (g == NULL)
			goto out;
		cache = g;
		capcache = cap;
	}
	snprintf(cache[ncache].name, sizeof cache[0].name, "%s", name);
	z = cache[ncache].z = read_zone(name);
	ncache++;
out:
	pthread_mutex_unlock(&cache_mu);
	return z;
}

int tz_convert(const char *name, time_t t, struct tz_local *out)
{
	const struct tz_zone *z = zone(name);

	if (z == NULL) {
		fill(t, 0, 0, "UTC", out);
		return name == NULL || name[0] == '\0' || strcmp(name, "UTC") == 0 ? 0 : -1;
	}
	tz_zone_local(z, t, out);
	return 0;
}

time_t tz_day_start(const char *zone, int y, int m, int d)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	time_t wall = timegm(&tm), t = wall;
	struct tz_local l;

	/* The offset at a guess, then at the instant it gives: a transition
	 * between the two moves it once more at most. */
	for (int i = 0; i < 3; i++) {
		tz_convert(zone, t, &l);
		t = wall - l.gmtoff;
	}
	/* Midnight skipped by a transition (a day that begins at 01:00):
	 * the instant found is then on the day before. */
	tz_convert(zone, t, &l);
	if (l.mday != d) {
		time_t next = t;
		for (int step = 0; step < 4 * 60 && l.mday != d; step++) {
			next += 60;
			tz_convert(zone, next, &l);
		}
		t = next;
	}
	return t;
}

int tz_parse_utc(const char *s, time_t *out)
{
	int v[6], lens[6] = {4, 2, 2, 2, 2, 2};
	const char seps[6] = {'-', '-', 'T', ':', ':', '\0'};

	if (s == NULL)
		return -1;
	for (int i = 0; i < 6; i++) {
		v[i] = 0;
		for (int k = 0; k < lens[i]; k++, s++) {
			if (*s < '0' || *s > '9')
				return -1;
			v[i] = v[i] * 10 + (*s - '0');
		}
		if (i < 5 && *s++ != seps[i])
			return -1;
	}
	if (*s == '.') /* fractional seconds: dropped */
		for (s++; *s >= '0' && *s <= '9'; s++)
			;
	/* A day past its month's end (02-30, 04-31) is no instant: it would
	 * name one of the next month (found by fuzz_tz). */
	if (*s != 'Z' || s[1] != '\0' || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > month_days(v[0], v[1]) || v[3] > 23 || v[4] > 59 || v[5] > 60)
		return -1;
	*out = (time_t)(days_from_civil(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5]);
	return 0;
}
