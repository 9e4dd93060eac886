/* Request parsing: percent-decoding, UTF-8 checks, urlencoded forms, cookies. */
#ifndef GH_REQ_H
#define GH_REQ_H

#include <stddef.h>

enum req_result {
	REQ_OK = 0,
	REQ_BAD,       /* malformed escape, invalid UTF-8, control character: 400 */
	REQ_TOO_LARGE, /* too many fields or a field too long: 413 */
	REQ_NOMEM,
};

struct req_limits {
	size_t body_max;   /* bytes of request body */
	size_t fields_max; /* pairs per query string or body */
	size_t field_max;  /* bytes of one decoded value */
};

struct req_pair {
	char *key; /* NUL-terminated, owned by the pairs list */
	char *val; /* NUL-terminated, owned by the pairs list */
	size_t vlen;
};

struct req_pairs {
	struct req_pair *v;
	size_t n, cap;
};

/* Decode application/x-www-form-urlencoded text ('+' is a space).  *out is
 * allocated; the caller frees it with free(). */
enum req_result req_urldecode(const char *src, size_t len, char **out, size_t *outlen);

/* Length (1-4) of the UTF-8 character at p, its code point in *cp; 0 if the
 * bytes there are not one (overlong forms, surrogates and values past
 * U+10FFFF included).  The one decoder: the XML builder and mail use it too. */
size_t req_utf8_char(const unsigned char *p, size_t left, unsigned *cp);

/* A copy of s in which each byte that starts no UTF-8 character becomes
 * U+FFFD, and each character for which swap(cp) names a replacement (at
 * most 3 bytes) has that in place of its first byte (its other bytes, if
 * any, then start no character: U+FFFD each); swap NULL keeps it whole.
 * *outlen (when not NULL) gets the copy's length.  NULL if out of memory;
 * the caller frees the copy. */
char *req_utf8_copy(const char *s, const char *(*swap)(unsigned cp), size_t *outlen);

/* Nonzero when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or code
 * points past U+10FFFF) without NUL or C0/DEL controls other than tab, LF, CR. */
int req_utf8_valid(const char *s, size_t len);

/* Parse "a=1&b=2" into out (appending).  Empty segments are skipped. */
enum req_result req_parse_urlencoded(const char *s, size_t len, const struct req_limits *lim,
				     struct req_pairs *out);

/* The boundary of a "multipart/form-data; boundary=..." Content-Type
 * (quoted or not, 1-70 characters) into out (size >= 71): 0, or -1 when
 * ct is not that. */
int req_multipart_boundary(const char *ct, char *out, size_t sz);

/* Parse a multipart/form-data body (RFC 7578) with boundary into out
 * (appending): each part's name and content as a pair.  A text part is
 * checked as a urlencoded value is (UTF-8, field_max); the one file part
 * allowed (a part with a filename) may hold any bytes, up to file_max, and
 * its file name (UTF-8, path dropped, at most fname_sz - 1 bytes) goes to
 * fname.  Parts count against fields_max. */
enum req_result req_parse_multipart(const char *body, size_t len, const char *boundary,
				    const struct req_limits *lim, size_t file_max,
				    struct req_pairs *out, char *fname, size_t fname_sz);

/* Parse a Cookie header.  Malformed pairs are skipped rather than refused: other
 * applications on the same host may set cookies we cannot vouch for. */
enum req_result req_parse_cookies(const char *s, size_t len, const struct req_limits *lim,
				  struct req_pairs *out);

/* First value for key, or NULL.  The pointer lives as long as the list. */
const char *req_pairs_get(const struct req_pairs *p, const char *key);

/* Frees the pairs' contents (not p itself); accepts NULL. */
void req_pairs_free(struct req_pairs *p);

#endif
