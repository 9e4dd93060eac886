#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common_passwords.h"
#include "tz.h"
#include "valid.h"

static const char *trim(const char *in, size_t *len)
{
	while (*len > 0 && (*in == ' ' || *in == '\t')) {
		in++;
		(*len)--;
	}
	while (*len > 0 && (in[*len - 1] == ' ' || in[*len - 1] == '\t'))
		(*len)--;
	return in;
}

/* The next code point of s[0..len) at *i (advanced), or -1 for a byte that
 * does not start a well-formed UTF-8 sequence (req.c refuses those in
 * requests; this keeps the validators safe on any input). */
static long next_cp(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char c = s[*i];
	size_t n = c < 0x80             ? 1
		   : (c & 0xe0) == 0xc0 ? 2
		   : (c & 0xf0) == 0xe0 ? 3
		   : (c & 0xf8) == 0xf0 ? 4
					: 0;
	long cp = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;

	if (n == 0 || *i + n > len)
		return -1;
	for (size_t k = 1; k < n; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[*i + k] & 0x3f);
	}
	*i += n;
	return cp;
}

/* Characters a name or login must not hold, because they change how the
 * text around them is shown without being seen themselves: a right-to-left
 * override makes "gpj.exe" read "exe.jpg", a zero-width space makes two
 * names that look the same differ.  (Zero-width joiner and non-joiner are
 * kept inside words, where Persian, Indic scripts and emoji need them.) */
static const char *shown_text_check(const char *in, size_t len)
{
	static const char *const bidi = "Remove the text-direction control characters (such as "
					"U+202E right-to-left override): they change how the text "
					"is shown without being seen.";
	static const char *const invisible = "Remove the invisible characters (such as U+200B "
					     "zero-width space or U+FEFF): two names that look the "
					     "same must be the same.";
	const unsigned char *s = (const unsigned char *)in;
	long prev = ' ';

	for (size_t i = 0; i < len;) {
		long cp = next_cp(s, len, &i);
		if (cp < 0)
			return "Use valid UTF-8 text.";
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			return "Remove the control characters.";
		if (cp == 0x061c || cp == 0x200e || cp == 0x200f ||
		    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			return bidi;
		if (cp == 0x00ad || cp == 0x034f || cp == 0x115f || cp == 0x1160 || cp == 0x17b4 ||
		    cp == 0x17b5 || cp == 0x180e || cp == 0x200b ||
		    (cp >= 0x2060 && cp <= 0x2064) || cp == 0x3164 || cp == 0xfeff ||
		    cp == 0xffa0 || (cp >= 0xfff0 && cp <= 0xfff8) ||
		    (cp >= 0xe0000 && cp <= 0xe0fff))
			return invisible;
		if (cp == 0x200c || cp == 0x200d) {
			/* Only between two visible characters. */
			size_t j = i;
			long next = j < len ? next_cp(s, len, &j) : ' ';
			if (prev == ' ' || next == ' ' || next == 0x200c || next == 0x200d)
				return invisible;
		}
		prev = cp;
	}
	return NULL;
}

const char *val_line(const char *in, size_t len, struct val_value *out)
{
	const char *why;

	in = trim(in, &len);
	if (memchr(in, '\n', len) || memchr(in, '\r', len) || memchr(in, '\t', len))
		return "Use a single line.";
	if ((why = shown_text_check(in, len)) != NULL)
		return why;
	if ((out->str = strndup(in, len)) == NULL)
		return "Out of memory.";
	return NULL;
}

/* A pragmatic RFC 5321 check: dot-atom local part, a host name of LDH labels
 * with a dot; no quoted local parts, IP literals or internationalised names. */
const char *val_email(const char *in, size_t len, struct val_value *out)
{
	const char *at;
	size_t local, i, label = 0;

	in = trim(in, &len);
	if (len == 0)
		return "Enter an email address.";
	if (len > 254)
		return "An email address has at most 254 characters.";
	if ((at = memchr(in, '@', len)) == NULL || memchr(at + 1, '@', len - (size_t)(at - in) - 1))
		return "Enter an email address like name@example.com.";
	local = (size_t)(at - in);
	if (local == 0 || local > 64 || in[0] == '.' || in[local - 1] == '.')
		return "Enter an email address like name@example.com.";
	for (i = 0; i < local; i++) {
		unsigned char c = (unsigned char)in[i];
		if (!(isalnum(c) || strchr("!#$%&'*+/=?^_`{|}~.-", c)) ||
		    (c == '.' && in[i + 1] == '.'))
			return "Enter an email address like name@example.com.";
	}
	const char *d = at + 1;
	size_t dlen = len - local - 1;
	if (dlen < 3 || memchr(d, '.', dlen) == NULL)
		return "Enter an email address like name@example.com.";
	for (i = 0; i < dlen; i++) {
		unsigned char c = (unsigned char)d[i];
		if (c == '.') {
			if (label == 0 || d[i - 1] == '-')
				return "Enter an email address like name@example.com.";
			label = 0;
		} else if (isalnum(c) || (c == '-' && label > 0)) {
			if (++label > 63)
				return "Enter an email address like name@example.com.";
		} else
			return "Enter an email address like name@example.com.";
	}
	if (label == 0 || d[dlen - 1] == '-')
		return "Enter an email address like name@example.com.";
	if ((out->str = strndup(in, len)) == NULL)
		return "Out of memory.";
	for (i = 0; out->str[i]; i++)
		out->str[i] = (char)tolower((unsigned char)out->str[i]);
	return NULL;
}

static int pwcmp(const void *a, const void *b)
{
	return strcasecmp(a, *(const char *const *)b);
}

int val_password_common(const char *pw)
{
	return bsearch(pw, val_common_pw, sizeof val_common_pw / sizeof val_common_pw[0],
		       sizeof val_common_pw[0], pwcmp) != NULL;
}

/* Counts code points, not bytes: "10 characters" means what a person sees. */
static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

const char *val_password(const char *in, size_t len, struct val_value *out)
{
	if (utf8_chars(in, len) < VAL_PASSWORD_MIN)
		return "Use at least 10 characters.";
	if (len > VAL_PASSWORD_MAX)
		return "Use at most 128 bytes.";
	if (val_password_common(in))
		return "This password is too common; choose another.";
	if ((out->str = strndup(in, len)) == NULL)
		return "Out of memory.";
	return NULL;
}

const char *val_secret(const char *in, size_t len, struct val_value *out)
{
	if (len == 0)
		return "This field is required.";
	if ((out->str = strndup(in, len)) == NULL)
		return "Out of memory.";
	return NULL;
}

const char *val_bool(const char *in, size_t len, struct val_value *out)
{
	static const char *yes[] = {"1", "on", "true", "yes"}, *no[] = {"0", "off", "false", "no"};

	for (size_t i = 0; i < 4; i++) {
		if (strlen(yes[i]) == len && strncasecmp(in, yes[i], len) == 0) {
			out->num = 1;
			return NULL;
		}
		if (strlen(no[i]) == len && strncasecmp(in, no[i], len) == 0) {
			out->num = 0;
			return NULL;
		}
	}
	return "Choose on or off.";
}

const char *val_uint(const char *in, size_t len, struct val_value *out)
{
	long long v = 0;

	if (len == 0 || len > 15)
		return "Enter a whole number.";
	for (size_t i = 0; i < len; i++) {
		if (in[i] < '0' || in[i] > '9')
			return "Enter a whole number.";
		v = v * 10 + (in[i] - '0');
	}
	out->num = v;
	return NULL;
}

const char *val_id(const char *in, size_t len, struct val_value *out)
{
	if (val_uint(in, len, out) != NULL || out->num < 1 || out->num > 4294967295LL)
		return "Not a valid id.";
	return NULL;
}

/* ISO 8601 calendar date YYYY-MM-DD, years 2000..2099 (what the portal's
 * forms ask for); num holds YYYYMMDD, str the date as given. */
const char *val_date(const char *in, size_t len, struct val_value *out)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (len != 10 || in[4] != '-' || in[7] != '-')
		return "Give a date as YYYY-MM-DD.";
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (in[i] < '0' || in[i] > '9'))
			return "Give a date as YYYY-MM-DD.";
	y = (in[0] - '0') * 1000 + (in[1] - '0') * 100 + (in[2] - '0') * 10 + (in[3] - '0');
	m = (in[5] - '0') * 10 + (in[6] - '0');
	d = (in[8] - '0') * 10 + (in[9] - '0');
	if (y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && y % 4 != 0)) /* 2000 is a leap year; 2100 is out of range */
		return "Not a date in the calendar.";
	if ((out->str = strndup(in, len)) == NULL)
		return "Out of memory.";
	out->num = (long long)y * 10000 + m * 100 + d;
	return NULL;
}

const char *val_hex64(const char *in, size_t len, struct val_value *out)
{
	if (len != 64)
		return "Malformed token.";
	for (size_t i = 0; i < len; i++)
		if (!((in[i] >= '0' && in[i] <= '9') || (in[i] >= 'a' && in[i] <= 'f')))
			return "Malformed token.";
	if ((out->str = strndup(in, len)) == NULL)
		return "Out of memory.";
	return NULL;
}

/* A list cursor (list.h): base64url without padding; list.c decodes it. */
const char *val_cursor(const char *in, size_t len, struct val_value *out)
{
	if (len == 0)
		return "This page's link is damaged: go back to the first page.";
	for (size_t i = 0; i < len; i++)
		if (!((in[i] >= 'A' && in[i] <= 'Z') || (in[i] >= 'a' && in[i] <= 'z') ||
		      (in[i] >= '0' && in[i] <= '9') || in[i] == '-' || in[i] == '_'))
			return "This page's link is damaged: go back to the first page.";
	if ((out->str = strndup(in, len)) == NULL)
		return "Out of memory.";
	return NULL;
}

/* Only our own absolute paths: "//host" or "/\host" would leave the site. */
const char *val_localpath(const char *in, size_t len, struct val_value *out)
{
	if (len < 10 || strncmp(in, "/settings/", 10) != 0)
		return "Not a local address.";
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)in[i] <= 0x20 || in[i] == '\\' || (unsigned char)in[i] >= 0x7f)
			return "Not a local address.";
	if (strstr(in, "//") != NULL || strstr(in, "/..") != NULL)
		return "Not a local address.";
	if ((out->str = strndup(in, len)) == NULL)
		return "Out of memory.";
	return NULL;
}

const char *val_format(const char *in, size_t len, struct val_value *out)
{
	if (len == 3 && memcmp(in, "xml", 3) == 0)
		out->num = 1;
	else if (len == 4 && memcmp(in, "html", 4) == 0)
		out->num = 0;
	else
		return "Use format=xml or format=html.";
	return NULL;
}

static int host_label_char(unsigned char c)
{
	return isalnum(c) || c == '-';
}

const char *val_origin_one(const char *in, size_t len, char *out, size_t outsz)
{
	const char *bad = "Use scheme://host[:port] with http or https, and no path.";
	size_t slen, i, hs, he;
	long port = -1;

	if (len > 260)
		return "An origin has at most 260 characters.";
	if (len > 8 && strncasecmp(in, "https://", 8) == 0)
		slen = 8;
	else if (len > 7 && strncasecmp(in, "http://", 7) == 0)
		slen = 7;
	else
		return bad;
	hs = slen;
	if (in[hs] == '[') {
		/* IPv6 literal: hex digits, colons and dots inside brackets. */
		for (he = hs + 1; he < len && in[he] != ']'; he++)
			if (!isxdigit((unsigned char)in[he]) && in[he] != ':' && in[he] != '.')
				return bad;
		if (he >= len || he == hs + 1)
			return bad;
		he++;
	} else {
		size_t label = 0;
		for (he = hs; he < len && in[he] != ':' && in[he] != '/'; he++) {
			unsigned char c = (unsigned char)in[he];
			if (c == '.') {
				if (label == 0 || in[he - 1] == '-')
					return bad;
				label = 0;
			} else if (host_label_char(c) && !(c == '-' && label == 0)) {
				if (++label > 63)
					return bad;
			} else
				return bad;
		}
		if (he == hs || label == 0 || in[he - 1] == '-')
			return bad;
	}
	i = he;
	if (i < len && in[i] == ':') {
		port = 0;
		if (++i >= len)
			return bad;
		for (; i < len && isdigit((unsigned char)in[i]); i++) {
			port = port * 10 + (in[i] - '0');
			if (port > 65535)
				return "A port is a number from 1 to 65535.";
		}
		if (port == 0)
			return "A port is a number from 1 to 65535.";
	}
	if (i < len && in[i] == '/' && i + 1 == len)
		i++; /* one trailing slash is harmless: browsers send origins without it */
	if (i != len)
		return bad;
	size_t sl = slen - 3;
	if ((port == 443 && sl == 5) || (port == 80 && sl == 4))
		port = -1;
	int n = snprintf(out, outsz, "%.*s://%.*s", (int)sl, in, (int)(he - hs), in + hs);
	if (n < 0 || (size_t)n >= outsz)
		return bad;
	if (port > 0 &&
	    snprintf(out + n, outsz - (size_t)n, ":%ld", port) >= (int)(outsz - (size_t)n))
		return bad;
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return NULL;
}

/* One origin per line (spaces and commas also separate); duplicates collapse;
 * the normalised list is stored newline-separated in out->str. */
const char *val_tz(const char *in, size_t len, struct val_value *out)
{
	char name[TZ_NAME_MAX];

	in = trim(in, &len);
	if (len == 0 || len >= sizeof name)
		return "Choose a time zone from the list.";
	memcpy(name, in, len);
	name[len] = '\0';
	if (!tz_known(name))
		return "Choose a time zone from the list.";
	if ((out->str = strdup(name)) == NULL)
		return "Out of memory.";
	return NULL;
}

const char *val_origins(const char *in, size_t len, struct val_value *out)
{
	char one[300];
	char *acc;
	size_t used = 0, count = 0, line = 1, i = 0;

	if ((acc = malloc(len * 2 + 1)) == NULL)
		return "Out of memory.";
	acc[0] = '\0';
	while (i < len) {
		size_t s;
		const char *err;
		while (i < len && strchr(" ,\t\r\n", in[i])) {
			if (in[i] == '\n')
				line++;
			i++;
		}
		if (i >= len)
			break;
		s = i;
		while (i < len && !strchr(" ,\t\r\n", in[i]))
			i++;
		if ((err = val_origin_one(in + s, i - s, one, sizeof one)) != NULL) {
			snprintf(out->msg, sizeof out->msg, "Line %zu: %s", line, err);
			free(acc);
			return out->msg;
		}
		/* Skip duplicates. */
		int dup = 0;
		for (char *p = acc; *p && !dup;) {
			size_t l = strcspn(p, "\n");
			dup = (l == strlen(one) && strncmp(p, one, l) == 0);
			p += l + (p[l] == '\n');
		}
		if (dup)
			continue;
		if (++count > VAL_ORIGINS_MAX) {
			free(acc);
			return "At most 20 origins.";
		}
		used += (size_t)snprintf(acc + used, len * 2 + 1 - used, "%s%s", used ? "\n" : "",
					 one);
	}
	out->str = acc;
	return NULL;
}

const char *val_choice(const char *const *choices, const char *msg, const char *in, size_t len,
		       struct val_value *out)
{
	for (size_t i = 0; choices[i] != NULL; i++)
		if (strlen(choices[i]) == len && memcmp(choices[i], in, len) == 0) {
			out->num = (long long)i;
			if ((out->str = strdup(choices[i])) == NULL)
				return "Out of memory.";
			return NULL;
		}
	return msg;
}

static const char *validate(const struct val_field *fd, const char *in, size_t len,
			    struct val_value *out)
{
	return fd->fn(in, len, out);
}

const char *val_file(const char *in, size_t len, struct val_value *out)
{
	(void)in;
	out->num = (long long)len;
	return NULL;
}

size_t val_run(const struct val_field *tab, size_t n, const struct req_pairs *in,
	       struct val_value *out)
{
	size_t errors = 0;

	memset(out, 0, n * sizeof *out);
	for (size_t f = 0; f < n; f++) {
		const char *raw = NULL;
		size_t rawlen = 0, seen = 0;

		for (size_t i = 0; in != NULL && i < in->n; i++)
			if (strcmp(in->v[i].key, tab[f].name) == 0) {
				raw = in->v[i].val;
				rawlen = in->v[i].vlen;
				seen++;
			}
		out[f].raw = raw;
		if ((tab[f].flags & VAL_MULTI) && seen > 0) {
			if (seen > 100 ||
			    (out[f].nums = calloc(seen, sizeof *out[f].nums)) == NULL) {
				out[f].st = VAL_INVALID;
				out[f].error = "Too many values.";
				errors++;
				continue;
			}
			out[f].st = VAL_OK;
			for (size_t i = 0; in != NULL && i < in->n; i++) {
				struct val_value one;
				if (strcmp(in->v[i].key, tab[f].name) != 0)
					continue;
				memset(&one, 0, sizeof one);
				if (in->v[i].vlen > tab[f].maxlen ||
				    (out[f].error = validate(&tab[f], in->v[i].val, in->v[i].vlen,
							     &one)) != NULL) {
					free(one.str);
					if (out[f].error == NULL)
						out[f].error = "Too long.";
					else if (out[f].error == one.msg) {
						/* one goes out of scope: its words stay. */
						memcpy(out[f].msg, one.msg, sizeof out[f].msg);
						out[f].error = out[f].msg;
					}
					out[f].st = VAL_INVALID;
					break;
				}
				free(one.str);
				/* A repeated value (a double-ticked row) counts once. */
				size_t k;
				for (k = 0; k < out[f].nnums && out[f].nums[k] != one.num; k++)
					;
				if (k == out[f].nnums)
					out[f].nums[out[f].nnums++] = one.num;
			}
		} else if (seen > 1) {
			out[f].st = VAL_INVALID;
			out[f].error = "Submitted more than once.";
		} else if (raw == NULL || rawlen == 0) {
			out[f].st = VAL_ABSENT;
			if (tab[f].flags & VAL_REQUIRED)
				out[f].error = "This field is required.", out[f].st = VAL_INVALID;
		} else if (strlen(raw) != rawlen && tab[f].fn != val_file) {
			/* The parser refuses NUL; this guards other callers. */
			out[f].st = VAL_INVALID;
			out[f].error = "Invalid characters.";
		} else if (rawlen > tab[f].maxlen) {
			out[f].st = VAL_INVALID;
			out[f].error = "Too long.";
		} else if ((out[f].error = validate(&tab[f], raw, rawlen, &out[f])) != NULL) {
			out[f].st = VAL_INVALID;
			free(out[f].str);
			out[f].str = NULL;
		} else
			out[f].st = VAL_OK;
		if (out[f].st == VAL_INVALID)
			errors++;
	}
	return errors;
}

void val_values_free(struct val_value *out, size_t n)
{
	if (out == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		/* Values may be passwords: wiped, not just freed. */
		if (out[i].str != NULL)
			explicit_bzero(out[i].str, strlen(out[i].str));
		free(out[i].str);
		free(out[i].nums);
		out[i].str = NULL;
		out[i].nums = NULL;
	}
}
