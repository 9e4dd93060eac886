/* Helpers only the tests need, kept out of the production library
 * (libgatehouse): what the responders never call does not ship with them.
 * Each is written against the library's public interface, and each file
 * links on its own: tests/lib/req_count.c, mail_decode.c, tz_posix.c. */
#ifndef GH_TESTONLY_H
#define GH_TESTONLY_H

#include <stddef.h>

#include "req.h"
#include "tz.h"

/* How many pairs are called key (req_pairs_get gives the first). */
size_t req_pairs_count(const struct req_pairs *p, const char *key);

/* Quoted-printable decoded (RFC 2045 6.7: soft line breaks removed, =XX
 * decoded, a malformed '=' kept, CRLF kept): the inverse of mail_qp_encode,
 * to read back what the mailer sends.  NULL when out of memory; the caller
 * frees the NUL-terminated result; *outlen (when not NULL) its length. */
char *mail_qp_decode(const char *in, size_t len, size_t *outlen);

/* Base64 decoded, ignoring white space and line breaks: the inverse of
 * mail_b64_encode.  NULL when in is not base64 (or out of memory); the
 * caller frees the result, NUL-terminated for convenience. */
unsigned char *mail_b64_decode(const char *in, size_t len, size_t *outlen);

/* A POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0") as a zone, the way
 * production meets one: as the footer of a TZif file (the file is made
 * here, with no transitions, and read by tz_zone_parse).  NULL when the
 * string is not a valid TZ string (or is over 127 bytes, more than a
 * footer may hold).  Free with tz_zone_free. */
struct tz_zone *tz_zone_posix(const char *s);

#endif
