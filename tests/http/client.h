/* A small HTTP client for the stack tests: libcurl with our own cookie jar,
 * XML parsing, XPath and schema validation. */
#ifndef GH_TEST_CLIENT_H
#define GH_TEST_CLIENT_H

#include <curl/curl.h>
#include <libxml/tree.h>
#include <stddef.h>

struct hc_resp {
	long status;
	char *body;
	size_t len;
	char *headers; /* raw header block of the final response */
	size_t hlen;
};

#define HC_MAX_COOKIES 8
struct hc {
	CURL *c;
	char base[128];
	char source[32]; /* local address to bind, "" for default */
	struct {
		char name[32], value[128];
	} jar[HC_MAX_COOKIES];
	int njar;
};

/* A client for base (e.g. "http://127.0.0.1:18080"); free with hc_free. */
struct hc *hc_new(const char *base);
void hc_free(struct hc *h);
void hc_resp_free(struct hc_resp *r);

/* method "GET"/"POST"/...; ctype NULL for none; hdr extra header lines (several
 * separated by '\n') or NULL. */
int hc_req(struct hc *h, const char *method, const char *path, const char *ctype, const char *body,
	   const char *hdr, struct hc_resp *r);
int hc_get(struct hc *h, const char *path, struct hc_resp *r);
/* Every request that changes the database writes an audit entry (issue
 * 15), and the responders' request log says audit=missing of one that did
 * not: how many answers of the settings and portal responders this
 * program had, and how many of them say audit=missing in the stack's logs
 * (their paths and request ids into out, up to sz). */
size_t hc_requests_noted(void);
size_t hc_audit_missing(char *out, size_t sz);
int hc_get_xml(struct hc *h, const char *path, struct hc_resp *r);
int hc_post(struct hc *h, const char *path, const char *body, struct hc_resp *r);

/* Value of the first response header called name (case-insensitive) in buf. */
const char *hc_header(const struct hc_resp *r, const char *name, char *buf, size_t sz);
/* Full Set-Cookie line for cookie name, or NULL. */
const char *hc_set_cookie(const struct hc_resp *r, const char *name, char *buf, size_t sz);
const char *hc_cookie(struct hc *h, const char *name);
void hc_set_cookie_value(struct hc *h, const char *name, const char *value);
void hc_clear_cookies(struct hc *h);

/* Parses the body as XML (NULL if it is not). Free with xmlFreeDoc. */
xmlDocPtr hc_xml(const struct hc_resp *r);
/* String value of an XPath expression; "" when absent. Caller frees. */
char *hc_xpath(xmlDocPtr d, const char *expr);
/* Validates d against xslt/schema/<root's page name>.xsd (or error.xsd);
 * returns 1 if valid. */
int hc_valid(xmlDocPtr d);

/* Signs in: returns the final status of the POST (303 on success). */
long hc_login(struct hc *h, const char *email, const char *pw);
/* The CSRF token of the signed-in page at path (from ?format=xml). */
int hc_csrf(struct hc *h, const char *path, char out[65]);

/* Runs `scripts/gh-stack sql` on the test stack and returns the first field
 * of the first row (caller frees), or NULL. */
char *sql1(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs a shell command with the test env; returns its exit status. */
int shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

const char *env_or(const char *name, const char *dflt);

#endif
