#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "req.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t req_utf8_char(const unsigned char *p, size_t left, unsigned *cp)
{
	size_t n;

	if (left == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, *cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, *cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, *cp = p[0] & 0x07;
	else
		return 0;
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) || *cp > 0x10ffff ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

char *req_utf8_copy(const char *s, const char *(*swap)(unsigned cp), size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), o = 0;
	char *out = malloc(len * 3 + 1);
	const char *r;
	unsigned cp;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = req_utf8_char(p + i, len - i, &cp);
		if ((r = n == 0 ? "\xef\xbf\xbd" : swap(cp)) != NULL) {
			size_t rl = strlen(r);
			memcpy(out + o, r, rl);
			o += rl;
			i++;
		} else {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return out;
}

int req_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned cp;
		size_t n = req_utf8_char(p, (size_t)(end - p), &cp);
		if (n == 0)
			return 0;
		/* C0 controls but tab, LF, CR; DEL; C1 controls; and the XML-
		 * forbidden noncharacters U+FFFE/U+FFFF. */
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff)
			return 0;
		p += n;
	}
	return 1;
}

enum req_result req_urldecode(const char *src, size_t len, char **out, size_t *outlen)
{
	char *buf;
	size_t o = 0;

	*out = NULL;
	if ((buf = malloc(len + 1)) == NULL)
		return REQ_NOMEM;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c == '+')
			buf[o++] = ' ';
		else if (c == '%') {
			int hi, lo;
			if (i + 2 >= len || (hi = hexval((unsigned char)src[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)src[i + 2])) < 0) {
				free(buf);
				return REQ_BAD;
			}
			buf[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	if (!req_utf8_valid(buf, o)) {
		free(buf);
		return REQ_BAD;
	}
	*out = buf;
	if (outlen)
		*outlen = o;
	return REQ_OK;
}

static enum req_result pairs_push(struct req_pairs *p, char *k, char *v, size_t vlen)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct req_pair *nv = realloc(p->v, cap * sizeof *nv);
		if (nv == NULL)
			return REQ_NOMEM;
		p->v = nv;
		p->cap = cap;
	}
	p->v[p->n].key = k;
	p->v[p->n].val = v;
	p->v[p->n].vlen = vlen;
	p->n++;
	return REQ_OK;
}

enum req_result req_parse_urlencoded(const char *s, size_t len, const struct req_limits *lim,
				     struct req_pairs *out)
{
	size_t i = 0;
	size_t count = 0;

	while (i < len) {
		size_t start = i, eq = (size_t)-1, end;
		char *k = NULL, *v = NULL;
		size_t klen, vlen;
		enum req_result rc;

		while (i < len && s[i] != '&') {
			if (s[i] == '=' && eq == (size_t)-1)
				eq = i;
			i++;
		}
		end = i;
		i++; /* skip '&' */
		if (end == start)
			continue;
		if (++count > lim->fields_max)
			return REQ_TOO_LARGE;
		if (eq == (size_t)-1)
			eq = end;
		/* An encoded value is at most three times its decoded size, so
		 * refusing early bounds the work an oversized field can cause. */
		if (eq - start > 3 * 256 || (end - eq) > 3 * lim->field_max + 1)
			return REQ_TOO_LARGE;
		if ((rc = req_urldecode(s + start, eq - start, &k, &klen)) != REQ_OK)
			return rc;
		if (eq < end)
			rc = req_urldecode(s + eq + 1, end - eq - 1, &v, &vlen);
		else
			rc = req_urldecode("", 0, &v, &vlen);
		if (rc != REQ_OK) {
			free(k);
			return rc;
		}
		/* Names are ours: printable ASCII only, so a NUL can never hide in one. */
		if (klen == 0 || klen > 64 || strlen(k) != klen || vlen > lim->field_max ||
		    strlen(v) != vlen) {
			rc = (vlen > lim->field_max) ? REQ_TOO_LARGE : REQ_BAD;
			free(k);
			free(v);
			return rc;
		}
		for (size_t j = 0; j < klen; j++)
			if ((unsigned char)k[j] <= 0x20 || (unsigned char)k[j] >= 0x7f) {
				free(k);
				free(v);
				return REQ_BAD;
			}
		if ((rc = pairs_push(out, k, v, vlen)) != REQ_OK) {
			free(k);
			free(v);
			return rc;
		}
	}
	return REQ_OK;
}

int req_multipart_boundary(const char *ct, char *out, size_t sz)
{
	const char *b;
	size_t n;

	if (ct == NULL || strncasecmp(ct, "multipart/form-data", 19) != 0 ||
	    (b = strstr(ct, "boundary=")) == NULL)
		return -1;
	b += 9;
	if (*b == '"')
		n = strcspn(++b, "\"");
	else
		n = strcspn(b, "; \t");
	if (n == 0 || n > 70 || n >= sz)
		return -1;
	memcpy(out, b, n);
	out[n] = '\0';
	return 0;
}

/* The value of param (name or filename) in a Content-Disposition header
 * h[0..hl): its quoted text into out (size sz).  0, 1 absent, -1 bad. */
static int disposition_param(const char *h, size_t hl, const char *param, char *out, size_t sz)
{
	size_t pl = strlen(param);

	for (size_t i = 0; i + pl + 2 <= hl; i++) {
		size_t j, n = 0;
		/* "; name=" and not "; filename=" for name. */
		if (strncasecmp(h + i, param, pl) != 0 || h[i + pl] != '=' ||
		    (i > 0 && h[i - 1] != ' ' && h[i - 1] != ';'))
			continue;
		if (h[i + pl + 1] != '"')
			return -1;
		for (j = i + pl + 2; j < hl && h[j] != '"'; j++) {
			/* A backslash is itself (an old browser's path), as
			 * browsers send it: they write a quote as %22. */
			if (n + 1 >= sz)
				return -1;
			out[n++] = h[j];
		}
		if (j == hl)
			return -1;
		out[n] = '\0';
		return 0;
	}
	return 1;
}

/* One part's headers h[0..hl): its name (a field name: printable ASCII,
 * 1-64) and, for a file, its file name.  REQ_OK or REQ_BAD. */
static enum req_result part_headers(const char *h, size_t hl, char *name, size_t nsz, char *fname,
				    size_t fsz, int *is_file)
{
	const char *cd = NULL;
	size_t cdl = 0;
	char raw[512];
	int r;

	for (size_t i = 0; i < hl;) {
		const char *e = memchr(h + i, '\n', hl - i);
		size_t l = e ? (size_t)(e - (h + i)) : hl - i;
		if (l >= 20 && strncasecmp(h + i, "Content-Disposition:", 20) == 0) {
			cd = h + i + 20;
			cdl = l - 20;
		}
		i += l + 1;
	}
	if (cd == NULL || disposition_param(cd, cdl, "name", name, nsz) != 0 || name[0] == '\0')
		return REQ_BAD;
	for (const char *p = name; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return REQ_BAD;
	if ((r = disposition_param(cd, cdl, "filename", raw, sizeof raw)) < 0)
		return REQ_BAD;
	*is_file = r == 0;
	if (*is_file) {
		/* The name only: a browser may send a whole path. */
		const char *base = raw + strlen(raw);
		while (base > raw && base[-1] != '/' && base[-1] != '\\')
			base--;
		if (!req_utf8_valid(base, strlen(base)))
			return REQ_BAD;
		snprintf(fname, fsz, "%s", base);
	}
	return REQ_OK;
}

enum req_result req_parse_multipart(const char *body, size_t len, const char *boundary,
				    const struct req_limits *lim, size_t file_max,
				    struct req_pairs *out, char *fname, size_t fname_sz)
{
	char delim[80], name[65];
	size_t dl, count = 0, i;
	int files = 0;

	dl = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	if (fname_sz > 0)
		fname[0] = '\0';
	/* The body starts with the first delimiter (no preamble from a browser). */
	if (len < dl - 2 || memcmp(body, delim + 2, dl - 2) != 0)
		return REQ_BAD;
	i = dl - 2;
	for (;;) {
		const char *hend, *next;
		size_t hs, cs, cl;
		int is_file = 0;
		char *k, *v;
		enum req_result rc;

		if (len - i >= 2 && memcmp(body + i, "--", 2) == 0)
			return REQ_OK; /* the closing delimiter */
		if (len - i < 2 || memcmp(body + i, "\r\n", 2) != 0)
			return REQ_BAD;
		hs = i + 2;
		if ((hend = memmem(body + hs, len - hs, "\r\n\r\n", 4)) == NULL ||
		    (size_t)(hend - body) - hs > 1024)
			return REQ_BAD;
		cs = (size_t)(hend - body) + 4;
		if ((next = memmem(body + cs, len - cs, delim, dl)) == NULL)
			return REQ_BAD;
		cl = (size_t)(next - body) - cs;
		if (++count > lim->fields_max)
			return REQ_TOO_LARGE;
		if ((rc = part_headers(body + hs, (size_t)(hend - body) - hs, name, sizeof name,
				       fname, fname_sz, &is_file)) != REQ_OK)
			return rc;
		if (is_file && ++files > 1)
			return REQ_BAD;
		if (cl > (is_file ? file_max : lim->field_max))
			return REQ_TOO_LARGE;
		if (!is_file && (!req_utf8_valid(body + cs, cl) || memchr(body + cs, '\0', cl)))
			return REQ_BAD;
		k = strdup(name);
		v = malloc(cl + 1);
		if (k == NULL || v == NULL) {
			free(k);
			free(v);
			return REQ_NOMEM;
		}
		memcpy(v, body + cs, cl);
		v[cl] = '\0';
		if ((rc = pairs_push(out, k, v, cl)) != REQ_OK) {
			free(k);
			free(v);
			return rc;
		}
		i = (size_t)(next - body) + dl;
	}
}

static int cookie_octet(unsigned char c)
{
	/* RFC 6265 cookie-octet. */
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
	       (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

static int token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?={}", c) == NULL;
}

enum req_result req_parse_cookies(const char *s, size_t len, const struct req_limits *lim,
				  struct req_pairs *out)
{
	size_t i = 0, count = 0;

	while (i < len) {
		size_t ks, ke, vs, ve;
		int ok = 1;

		while (i < len && (s[i] == ' ' || s[i] == ';'))
			i++;
		ks = i;
		while (i < len && s[i] != '=' && s[i] != ';')
			i++;
		ke = i;
		if (i >= len || s[i] != '=') {
			continue; /* no value: skip */
		}
		i++;
		vs = i;
		while (i < len && s[i] != ';')
			i++;
		ve = i;
		while (ve > vs && s[ve - 1] == ' ')
			ve--;
		if (ve - vs >= 2 && s[vs] == '"' && s[ve - 1] == '"') {
			vs++;
			ve--;
		}
		if (ke == ks || ke - ks > 64 || ve - vs > lim->field_max)
			ok = 0;
		for (size_t j = ks; ok && j < ke; j++)
			ok = token_char((unsigned char)s[j]);
		for (size_t j = vs; ok && j < ve; j++)
			ok = cookie_octet((unsigned char)s[j]);
		if (!ok)
			continue;
		if (++count > lim->fields_max)
			return REQ_TOO_LARGE;
		char *k = strndup(s + ks, ke - ks);
		char *v = strndup(s + vs, ve - vs);
		if (k == NULL || v == NULL || pairs_push(out, k, v, ve - vs) != REQ_OK) {
			free(k);
			free(v);
			return REQ_NOMEM;
		}
	}
	return REQ_OK;
}

const char *req_pairs_get(const struct req_pairs *p, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0)
			return p->v[i].val;
	return NULL;
}

void req_pairs_free(struct req_pairs *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].key);
		free(p->v[i].val);
	}
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}
