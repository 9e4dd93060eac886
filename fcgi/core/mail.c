#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <sodium.h>

#include "mail.h"
#include "req.h"
#include "render.h"
#include "xml.h"

/* RFC 2047 2: a line holding an encoded-word is at most 76 characters. */
#define HDR_WORD_LINE 76
/* RFC 5322 2.1.1: the line length we aim for (78) and the hard limit. */
#define HDR_SOFT_LINE 78
#define B64_LINE 76
#define QP_LINE 76

/* ---- a growing buffer ---- */

/* Message parts may carry a one-time link: a buffer that grows is copied
 * and the old block wiped, never realloc()ed behind our back. */
struct buf {
	char *p;
	size_t len, cap;
	int oom;
};

static void buf_add(struct buf *b, const void *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = malloc(cap)) == NULL) {
			b->oom = 1;
			return;
		}
		if (b->p != NULL) {
			memcpy(p, b->p, b->len);
			sodium_memzero(b->p, b->cap);
			free(b->p);
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_fmt(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_fmt(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	/* Only short header lines go through here. */
	if (n < 0 || (size_t)n >= sizeof tmp)
		b->oom = 1;
	else
		buf_add(b, tmp, (size_t)n);
}

/* Hands the buffer over: the caller frees the result (NULL if out of
 * memory, in which case the buffer is freed here). */
static char *buf_take(struct buf *b, size_t *len)
{
	if (b->oom) {
		mail_wipe_free(b->p, b->cap);
		b->p = NULL;
		return NULL;
	}
	if (b->p == NULL)
		buf_add(b, "", 0);
	if (len)
		*len = b->len;
	return b->oom ? NULL : b->p;
}

void mail_wipe_free(char *p, size_t len)
{
	if (p == NULL)
		return;
	sodium_memzero(p, len);
	free(p);
}

/* ---- RFC 2047 header values ---- */

/* Length of the UTF-8 character at p (1-4), or 0 if the bytes there are
 * not one. */
static size_t utf8_len(const unsigned char *p, size_t left)
{
	unsigned cp;
	return req_utf8_char(p, left, &cp);
}

/* Printable ASCII that no reader could take for an encoded-word. */
static int plain_ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e || (p[0] == '=' && p[1] == '?'))
			return 0;
	return 1;
}

/* What an encoded-word may carry (req_utf8_copy: invalid UTF-8 as U+FFFD):
 * control characters as spaces. */
static const char *ctrl_space(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f ? " " : NULL;
}

/* Appends s as encoded-words starting at column col; returns the column
 * after the last word. */
static size_t put_words(struct buf *b, const char *s, size_t len, size_t col)
{
	static const char pre[] = "=?UTF-8?B?", post[] = "?=";
	const size_t over = sizeof pre - 1 + sizeof post - 1;
	size_t i = 0;

	while (i < len) {
		size_t room = HDR_WORD_LINE - col, w, chunk = 0;
		char b64[MAIL_WORD_MAX + 1];

		if (room > MAIL_WORD_MAX)
			room = MAIL_WORD_MAX;
		/* Whole 4-character groups: 3 bytes each. */
		w = room > over ? (room - over) / 4 * 3 : 0;
		if (w < 4) {
			/* Not even one character fits here: fold first. */
			buf_add(b, "\r\n ", 3);
			col = 1;
			continue;
		}
		while (i + chunk < len) {
			size_t n = utf8_len((const unsigned char *)s + i + chunk, len - i - chunk);
			if (n == 0)
				n = 1; /* cannot happen after req_utf8_copy */
			if (chunk + n > w)
				break;
			chunk += n;
		}
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s + i, chunk,
				  sodium_base64_VARIANT_ORIGINAL);
		buf_add(b, pre, sizeof pre - 1);
		buf_str(b, b64);
		buf_add(b, post, sizeof post - 1);
		col += over + strlen(b64);
		i += chunk;
		if (i < len) {
			buf_add(b, "\r\n ", 3);
			col = 1;
		}
	}
	return col;
}

/* Appends printable ASCII, folding before a space when a line would pass 78
 * columns.  Returns the column after it, or (size_t)-1 if some word alone
 * would pass the hard limit (then nothing was appended worth keeping). */
static size_t put_ascii(struct buf *b, const char *s, size_t col)
{
	size_t i = 0, len = strlen(s);

	while (i < len) {
		size_t j = i;
		while (j < len && s[j] == ' ')
			j++;
		while (j < len && s[j] != ' ')
			j++;
		if (col + (j - i) > HDR_SOFT_LINE && i > 0) {
			buf_add(b, "\r\n", 2);
			col = 0;
		}
		if (col + (j - i) > MAIL_LINE_MAX)
			return (size_t)-1;
		buf_add(b, s + i, j - i);
		col += j - i;
		i = j;
	}
	return col;
}

/* Appends value at column col in the form it needs; returns the new column
 * or (size_t)-1 when out of memory. */
static size_t put_value(struct buf *b, const char *value, size_t col)
{
	size_t len, start = b->len, c;
	char *clean;

	if (plain_ascii(value)) {
		if ((c = put_ascii(b, value, col)) != (size_t)-1)
			return c;
		/* A word too long for a line: encoded-words can be folded. */
		b->len = start;
		if (b->p != NULL)
			b->p[start] = '\0';
	}
	if ((clean = req_utf8_copy(value, ctrl_space, &len)) == NULL)
		return (size_t)-1;
	c = put_words(b, clean, len, col);
	sodium_memzero(clean, len);
	free(clean);
	return c;
}

char *mail_hdr_encode(const char *value, size_t used)
{
	struct buf b = {0};

	if (used > HDR_WORD_LINE - 16) {
		/* A long header name: start the value on its own line. */
		buf_add(&b, "\r\n ", 3);
		used = 1;
	}
	if (put_value(&b, value, used) == (size_t)-1)
		b.oom = 1;
	return buf_take(&b, NULL);
}

/* RFC 5322 atext, plus the space between atoms. */
static int atom_text(const char *s)
{
	if (*s == '\0' || *s == ' ')
		return 0;
	for (; *s; s++)
		if (strchr("()<>[]:;@\\,.\"", *s) != NULL)
			return 0;
	return 1;
}

char *mail_addr_encode(const char *name, const char *addr, size_t used)
{
	struct buf b = {0};
	size_t col = used;

	if (name != NULL && *name != '\0') {
		if (plain_ascii(name) && atom_text(name)) {
			buf_str(&b, name);
			col += strlen(name);
		} else if (plain_ascii(name)) {
			buf_add(&b, "\"", 1);
			for (const char *p = name; *p; p++) {
				if (*p == '"' || *p == '\\')
					buf_add(&b, "\\", 1);
				buf_add(&b, p, 1);
			}
			buf_add(&b, "\"", 1);
			col = b.len + used;
		} else if ((col = put_value(&b, name, col)) == (size_t)-1)
			b.oom = 1;
		if (col + strlen(addr) + 3 > HDR_SOFT_LINE) {
			buf_add(&b, "\r\n", 2);
			col = 0;
		}
		buf_add(&b, " ", 1);
	}
	buf_add(&b, "<", 1);
	buf_str(&b, addr);
	buf_add(&b, ">", 1);
	return buf_take(&b, NULL);
}

int mail_addr_ok(const char *s)
{
	const char *at = strrchr(s, '@');
	size_t len = strlen(s);

	if (len < 3 || len > 254 || at == NULL || at == s || at[1] == '\0')
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>()[],;:\\\"", *p) != NULL ||
		    (*p == '@' && (const char *)p != at))
			return 0;
	return 1;
}

/* ---- body encodings ---- */

char *mail_qp_encode(const char *in, size_t len, size_t *outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = {0};
	size_t col = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		char tok[3];
		size_t n;
		int eol_next, literal;

		if (c == '\r' && i + 1 < len && in[i + 1] == '\n')
			continue; /* the LF makes the line break */
		if (c == '\n') {
			buf_add(&b, "\r\n", 2);
			col = 0;
			continue;
		}
		eol_next = i + 1 == len || in[i + 1] == '\n' ||
			   (in[i + 1] == '\r' && i + 2 < len && in[i + 2] == '\n');
		/* Trailing white space would be stripped in transit. */
		literal =
			((c == ' ' || c == '\t') && !eol_next) || (c >= 33 && c <= 126 && c != '=');
		n = literal ? 1 : 3;
		/* Room for the soft break's "=" at the end of a line. */
		if (col + n > QP_LINE - 1) {
			buf_add(&b, "=\r\n", 3);
			col = 0;
		}
		/* A lone dot at the start of a line means something to SMTP. */
		if (c == '.' && col == 0)
			literal = 0, n = 3;
		if (literal)
			tok[0] = (char)c;
		else {
			tok[0] = '=';
			tok[1] = hex[c >> 4];
			tok[2] = hex[c & 15];
		}
		buf_add(&b, tok, n);
		col += n;
	}
	return buf_take(&b, outlen);
}

char *mail_b64_encode(const unsigned char *in, size_t len, size_t *outlen)
{
	size_t enc = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *flat = malloc(enc);
	struct buf b = {0};

	if (flat == NULL)
		return NULL;
	sodium_bin2base64(flat, enc, in, len, sodium_base64_VARIANT_ORIGINAL);
	for (size_t i = 0, n = strlen(flat); i < n; i += B64_LINE) {
		if (i > 0)
			buf_add(&b, "\r\n", 2);
		buf_add(&b, flat + i, n - i < B64_LINE ? n - i : B64_LINE);
	}
	mail_wipe_free(flat, enc);
	return buf_take(&b, outlen);
}

/* ---- Message-ID, Date ---- */

int mail_message_id(const char *from_addr, char *out, size_t outsz)
{
	unsigned char rnd[16];
	char hex[sizeof rnd * 2 + 1];
	const char *at = strrchr(from_addr, '@');
	int n;

	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	n = snprintf(out, outsz, "<%s@%s>", hex,
		     at != NULL && at[1] ? at + 1 : "gatehouse.invalid");
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int mail_date(time_t t, char *out, size_t outsz)
{
	/* Not strftime: the names must be English whatever the locale. */
	static const char day[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char mon[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	int n;

	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	n = snprintf(out, outsz, "%s, %02d %s %04d %02d:%02d:%02d +0000", day[tm.tm_wday],
		     tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		     tm.tm_sec);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/* ---- the whole message ---- */

/* Appends one header line "name: value\r\n" with the value encoded. */
static void put_header(struct buf *b, const char *name, const char *value, int address,
		       const char *addr)
{
	size_t used = strlen(name) + 2;
	char *v = address ? mail_addr_encode(value, addr, used) : mail_hdr_encode(value, used);

	if (v == NULL) {
		b->oom = 1;
		return;
	}
	buf_str(b, name);
	buf_add(b, ": ", 2);
	buf_str(b, v);
	buf_add(b, "\r\n", 2);
	free(v);
}

/* One body part, in whichever transfer encoding is shorter. */
static void put_part(struct buf *b, const char *boundary, const char *type, const char *body,
		     size_t len)
{
	size_t qlen = 0, blen = 0;
	char *q = mail_qp_encode(body, len, &qlen);
	char *b64 = NULL;

	if (q == NULL) {
		b->oom = 1;
		return;
	}
	/* Base64 is 4/3 of the input plus line breaks; QP grows by 3 per
	 * non-ASCII byte, so mostly non-Latin text goes out as base64. */
	if (qlen > len / 3 * 4 + len / 57 * 2 + 8 &&
	    (b64 = mail_b64_encode((const unsigned char *)body, len, &blen)) == NULL) {
		mail_wipe_free(q, qlen);
		b->oom = 1;
		return;
	}
	buf_fmt(b, "\r\n--%s\r\nContent-Type: %s; charset=UTF-8\r\n", boundary, type);
	buf_fmt(b, "Content-Transfer-Encoding: %s\r\n\r\n", b64 ? "base64" : "quoted-printable");
	if (b64 != NULL)
		buf_add(b, b64, blen);
	else
		buf_add(b, q, qlen);
	mail_wipe_free(q, qlen);
	mail_wipe_free(b64, blen);
}

enum mail_result mail_build(const struct mail_msg *m, char **out, size_t *len)
{
	struct buf b = {0};
	char date[40], boundary[48], hex[25];
	unsigned char rnd[12];

	*out = NULL;
	*len = 0;
	if (!mail_addr_ok(m->from_addr) || !mail_addr_ok(m->to) || m->message_id == NULL ||
	    strlen(m->message_id) >= MAIL_ID_MAX || strpbrk(m->message_id, "\r\n") != NULL)
		return MAIL_INVALID;
	if (mail_date(m->date, date, sizeof date) != 0)
		return MAIL_INVALID;
	/* "=_" cannot occur in quoted-printable or base64 text, so the
	 * boundary never collides with a part. */
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	snprintf(boundary, sizeof boundary, "=_gh_%s", hex);

	buf_fmt(&b, "Date: %s\r\n", date);
	put_header(&b, "From", m->from_name ? m->from_name : "", 1, m->from_addr);
	buf_fmt(&b, "To: %s\r\n", m->to);
	put_header(&b, "Subject", m->subject ? m->subject : "", 0, NULL);
	buf_fmt(&b, "Message-ID: %s\r\n", m->message_id);
	buf_str(&b, "MIME-Version: 1.0\r\n");
	/* RFC 3834: no auto-replies (vacation notices) to a robot. */
	buf_str(&b, "Auto-Submitted: auto-generated\r\n");
	buf_fmt(&b, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n", boundary);
	buf_str(&b, "\r\nThis is a message in MIME format: a text and an HTML version.\r\n");
	put_part(&b, boundary, "text/plain", m->text ? m->text : "", m->text ? m->textlen : 0);
	put_part(&b, boundary, "text/html", m->html ? m->html : "", m->html ? m->htmllen : 0);
	buf_fmt(&b, "\r\n--%s--\r\n", boundary);
	if ((*out = buf_take(&b, len)) == NULL)
		return MAIL_ERR;
	return MAIL_OK;
}

/* ---- rendering ---- */

/* Every kind of mail: each has xslt/mail/<kind>-text.xsl and -html.xsl. */
static const char *const kinds[] = {"invitation",       "reset",   "lockout", "office-reset",
				    "webhook-disabled", "dormant", NULL};
const char *const mail_sheets[] = {"mail/invitation-text",
				   "mail/invitation-html",
				   "mail/reset-text",
				   "mail/reset-html",
				   "mail/lockout-text",
				   "mail/lockout-html",
				   "mail/office-reset-text",
				   "mail/office-reset-html",
				   "mail/webhook-disabled-text",
				   "mail/webhook-disabled-html",
				   "mail/dormant-text",
				   "mail/dormant-html",
				   NULL};

int mail_kind_known(const char *kind)
{
	for (size_t i = 0; kinds[i] != NULL; i++)
		if (strcmp(kinds[i], kind) == 0)
			return 1;
	return 0;
}

/* The first child element of n called name, or NULL. */
static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST name) == 0)
			return c;
	return NULL;
}

/* Wipes the text held by n's children (the secret link) before the
 * document is freed. */
static void wipe_text(xmlNodePtr n)
{
	for (xmlNodePtr c = n ? n->children : NULL; c != NULL; c = c->next)
		if (c->content != NULL)
			sodium_memzero(c->content, (size_t)xmlStrlen(c->content));
}

/* Renders doc with the named stylesheet into *out (freed with xmlFree()). */
static int render_part(const char *kind, const char *suffix, xmlDocPtr doc, char **out, size_t *len)
{
	char name[64];
	xmlChar *res = NULL;
	int n = 0;

	snprintf(name, sizeof name, "mail/%s-%s", kind, suffix);
	if (render_html(name, doc, &res, &n) != 0 || res == NULL || n < 0) {
		xmlFree(res);
		return -1;
	}
	*out = (char *)res;
	*len = (size_t)n;
	return 0;
}

enum mail_result mail_render(const char *kind, const char *payload, const char *token,
			     struct mail_body *body, char *err, size_t errsz)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root, secret = NULL;
	xmlChar *base = NULL;
	struct buf link = {0};
	enum mail_result rc = MAIL_INVALID;

	memset(body, 0, sizeof *body);
	err[0] = '\0';
	if (!mail_kind_known(kind)) {
		/* Quoted only when plain ASCII: last_error must stay valid UTF-8. */
		snprintf(err, errsz, "unknown mail kind '%.40s': no stylesheets for it",
			 plain_ascii(kind) ? kind : "(not ASCII)");
		goto out;
	}
	if ((doc = xml_parse(payload, strlen(payload))) == NULL) {
		snprintf(err, errsz, "the payload is not a well-formed XML document");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || xmlStrcmp(root->name, BAD_CAST "mail") != 0) {
		snprintf(err, errsz, "the payload's root element is not \"mail\"");
		goto out;
	}
	if (token != NULL) {
		if ((base = xmlNodeGetContent(child(root, "link-base"))) == NULL) {
			snprintf(err, errsz,
				 "the mail has a token but its payload no link-base element");
			goto out;
		}
		buf_str(&link, (const char *)base);
		buf_str(&link, token);
		if (link.oom || (secret = xml_text_el(root, "secret-link", link.p)) == NULL) {
			snprintf(err, errsz, "out of memory");
			rc = MAIL_ERR;
			goto out;
		}
	}
	if (render_part(kind, "text", doc, &body->text, &body->textlen) != 0 ||
	    render_part(kind, "html", doc, &body->html, &body->htmllen) != 0) {
		snprintf(err, errsz, "the stylesheets of mail kind '%s' failed (see the log)",
			 kind);
		mail_body_free(body);
		rc = MAIL_ERR;
		goto out;
	}
	rc = MAIL_OK;
out:
	wipe_text(secret);
	xmlFree(base);
	mail_wipe_free(link.p, link.cap);
	xmlFreeDoc(doc);
	return rc;
}

void mail_body_free(struct mail_body *body)
{
	if (body == NULL)
		return;
	if (body->text != NULL) {
		sodium_memzero(body->text, body->textlen);
		xmlFree(body->text);
	}
	if (body->html != NULL) {
		sodium_memzero(body->html, body->htmllen);
		xmlFree(body->html);
	}
	memset(body, 0, sizeof *body);
}
