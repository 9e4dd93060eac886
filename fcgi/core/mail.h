/* Mail messages: RFC 2047 header values, quoted-printable and base64 bodies,
 * whole RFC 5322 messages (multipart/alternative, text + HTML), Message-ID and
 * Date, and the rendering of an outbox row's XML payload through
 * xslt/mail/<kind>-text.xsl and xslt/mail/<kind>-html.xsl.  No network and no
 * database here: gatehouse-mailer sends what this module builds.
 *
 * Every line this module writes ends with CRLF and is at most MAIL_LINE_MAX
 * characters long.  Buffers that may hold a one-time link are wiped
 * (sodium_memzero) before they are freed, also when they grow. */
#ifndef GH_MAIL_H
#define GH_MAIL_H

#include <stddef.h>
#include <time.h>

enum mail_result {
	MAIL_OK = 0,
	MAIL_INVALID, /* the input can never make a message (bad address, unknown kind,
			 payload not well-formed): a permanent failure */
	MAIL_ERR,     /* out of memory, or a stylesheet failed: worth another try */
};

#define MAIL_LINE_MAX 998 /* RFC 5322 2.1.1, CRLF not counted */
#define MAIL_WORD_MAX 75  /* RFC 2047 2: the longest encoded-word */
#define MAIL_ID_MAX 200   /* a Message-ID with its brackets (mail_outbox.message_id) */

/* A header value ready to follow "Name: " on a line where used characters
 * (name, colon and space) already stand.  Printable ASCII comes back
 * unchanged (folded at spaces only when longer than 78 columns); anything
 * else becomes RFC 2047 encoded-words "=?UTF-8?B?...?=" of at most
 * MAIL_WORD_MAX characters, each holding whole UTF-8 characters, on lines
 * of at most 76 characters joined by CRLF SP.  Control characters become
 * spaces and invalid UTF-8 becomes U+FFFD, so a value can never start a new
 * header.  Returns NULL when out of memory; the caller frees the result. */
char *mail_hdr_encode(const char *value, size_t used);

/* An address header's value "Display Name <addr>": the name as an atom
 * sequence, a quoted string or encoded-words as it needs; an empty name gives
 * "<addr>".  NULL when out of memory; the caller frees the result. */
char *mail_addr_encode(const char *name, const char *addr, size_t used);

/* 1 if s is an address we can put in a header and an SMTP envelope as it is:
 * printable ASCII without spaces or specials around one "@", at most 254. */
int mail_addr_ok(const char *s);

/* Quoted-printable (RFC 2045 6.7): lines of at most 76 characters, LF or CRLF
 * in the input become CRLF line breaks, trailing white space and a dot at the
 * start of a line are encoded.  *outlen gets the length; the result is also
 * NUL-terminated.  NULL when out of memory; the caller frees the result. */
char *mail_qp_encode(const char *in, size_t len, size_t *outlen);

/* Base64 (RFC 2045 6.8) in lines of 76 characters joined by CRLF.  NULL when
 * out of memory; the caller frees the NUL-terminated result. */
char *mail_b64_encode(const unsigned char *in, size_t len, size_t *outlen);

/* "<32 random hex digits@DOMAIN>" with the domain of from_addr.  Returns -1
 * if out is too small (MAIL_ID_MAX is always enough for a valid address). */
int mail_message_id(const char *from_addr, char *out, size_t outsz);
/* RFC 5322 date-time in UTC: "Tue, 24 Nov 2026 09:05:00 +0000".  -1 if out
 * is too small (32 bytes are enough). */
int mail_date(time_t t, char *out, size_t outsz);

struct mail_msg {
	const char *from_name; /* display name, may be empty */
	const char *from_addr, *to;
	const char *subject;    /* UTF-8 */
	const char *message_id; /* from mail_message_id */
	time_t date;
	const char *text; /* UTF-8, LF or CRLF line ends */
	size_t textlen;
	const char *html;
	size_t htmllen;
};

/* The whole message: headers, then multipart/alternative with the text and
 * the HTML part, each quoted-printable or base64, whichever is shorter.  On
 * MAIL_OK *out holds *len bytes (plus a NUL); the caller frees it with
 * mail_wipe_free(*out, *len).  MAIL_INVALID when an address is not
 * mail_addr_ok(). */
enum mail_result mail_build(const struct mail_msg *m, char **out, size_t *len);

/* sodium_memzero(p, len), then free(p).  Accepts NULL. */
void mail_wipe_free(char *p, size_t len);

/* ---- rendering an outbox row ---- */

/* Stylesheet names for render_init() (relative to the xslt dir): the text
 * and HTML stylesheet of every kind that mail_kind_known() accepts. */
extern const char *const mail_sheets[];
int mail_kind_known(const char *kind);

struct mail_body {
	char *text, *html; /* NUL-terminated */
	size_t textlen, htmllen;
};

/* Renders the payload (the row's XML document, root <mail>) with the kind's
 * two stylesheets.  When token is not NULL, a <secret-link> element holding
 * the payload's <link-base> followed by the token is added to the root first.
 * On MAIL_OK, body holds both parts: free them with mail_body_free().
 * Otherwise err says why (never quoting the token), and body is empty. */
enum mail_result mail_render(const char *kind, const char *payload, const char *token,
			     struct mail_body *body, char *err, size_t errsz);
/* Wipes and frees both parts; accepts NULL and an empty body. */
void mail_body_free(struct mail_body *body);

#endif
