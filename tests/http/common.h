/* Shared by the HTTP test programs (header-only: each program is one file
 * plus client.c, and TAP's counters live in tap.h's statics): the stack's
 * address, XML fetches checked against their schemas, form posts with the
 * page's CSRF token, and links read from the SMTP sink. */
#ifndef GH_TEST_COMMON_H
#define GH_TEST_COMMON_H

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "tap.h"

#define PW "gatehouse-demo"

static char base[128];
static const char *state;
static char ini[1024];

__attribute__((unused)) static struct hc *client(void)
{
	return hc_new(base);
}

__attribute__((unused)) static void throttle_reset(void)
{
	shell("'%s/gatehouse-ctl' -c '%s' throttle reset >/dev/null", env_or("GH_BUILDDIR", "."),
	      ini);
}

/* GET path as XML, check status and schema; returns the doc (caller frees). */
__attribute__((unused)) static xmlDocPtr get_xml(struct hc *h, const char *path, long want, const char *what)
{
	struct hc_resp r;
	xmlDocPtr d = NULL;

	if (hc_get_xml(h, path, &r) != 0) {
		ok(0, "%s: request failed", what);
		return NULL;
	}
	d = hc_xml(&r);
	if (!ok(r.status == want && d != NULL && hc_valid(d), "%s: %ld, schema-valid XML", what,
		want))
		diag("got %ld: %.300s", r.status, r.body);
	hc_resp_free(&r);
	return d;
}

__attribute__((unused)) static char *xp(xmlDocPtr d, const char *e)
{
	return hc_xpath(d, e);
}

__attribute__((unused)) static int xp_is(xmlDocPtr d, const char *e, const char *want)
{
	char *v = xp(d, e);
	int same = strcmp(v, want) == 0;
	if (!same)
		diag("%s = '%s', want '%s'", e, v, want);
	free(v);
	return same;
}

/* The stack under test, from the environment tests/run sets. */
__attribute__((unused)) static void test_env(void)
{
	snprintf(base, sizeof base, "http://127.0.0.1:%s", env_or("GH_TEST_PORT", "18080"));
	state = env_or("GH_TEST_STATE", "tests/out/stack");
	snprintf(ini, sizeof ini, "%s/gatehouse.ini", state);
}

/* POSTs fields (after csrf from page) to path; returns the status, *out the
 * XML answer (caller frees) when asked. */
__attribute__((unused)) static long post_form(struct hc *h, const char *csrf_page, const char *path, const char *fields,
		      xmlDocPtr *out, char *location, size_t locsz)
{
	char csrf[65], body[8192], b[1024];
	struct hc_resp r;
	long st;

	if (hc_csrf(h, csrf_page, csrf) != 0)
		snprintf(csrf, sizeof csrf, "%064d", 0);
	snprintf(body, sizeof body, "csrf=%s&%s", csrf, fields);
	hc_req(h, "POST", path, "application/x-www-form-urlencoded", body,
	       "Accept: application/xml", &r);
	st = r.status;
	if (out)
		*out = hc_xml(&r);
	if (location)
		snprintf(location, locsz, "%s", hc_header(&r, "Location", b, sizeof b) ?: "");
	hc_resp_free(&r);
	return st;
}

/* The newest message to rcpt in the SMTP sink holding marker followed by a
 * 43-character token, within 15 s: the token into tok. */
__attribute__((unused)) static int mail_link(const char *rcpt, const char *marker, char tok[44])
{
	char cmd[1400], line[4096];
	for (int tries = 0; tries < 75; tries++) {
		snprintf(cmd, sizeof cmd, "grep -l -i 'To: .*%s' '%s/mail/new/'* 2>/dev/null | xargs -r ls -t | head -n 1",
			 rcpt, state);
		FILE *p = popen(cmd, "r");
		char path[1024] = "";
		if (p) {
			if (fgets(path, sizeof path, p) == NULL)
				path[0] = '\0';
			pclose(p);
		}
		path[strcspn(path, "\n")] = '\0';
		if (path[0]) {
			FILE *f = fopen(path, "r");
			static char body[1 << 17];
			size_t n = f ? fread(body, 1, sizeof body - 1, f) : 0, o = 0;
			if (f)
				fclose(f);
			body[n] = '\0';
			/* Undo quoted-printable: soft breaks and =3D. */
			for (size_t i = 0; i < n; i++) {
				if (body[i] == '=' && body[i + 1] == '\r' && body[i + 2] == '\n')
					i += 2;
				else if (body[i] == '=' && body[i + 1] == '\n')
					i += 1;
				else if (body[i] == '=' && body[i + 1] == '3' && body[i + 2] == 'D') {
					line[o < sizeof line - 1 ? o++ : o] = '=';
					i += 2;
				} else if (o < sizeof line - 1)
					line[o++] = body[i];
			}
			line[o] = '\0';
			char *t = strstr(line, marker);
			size_t ml = strlen(marker);
			if (t && strspn(t + ml, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") >= 43) {
				memcpy(tok, t + ml, 43);
				tok[43] = '\0';
				return 0;
			}
		}
		usleep(200000);
	}
	return -1;
}

/* oathtool's code for the base32 key (spaces allowed) at "when" (NULL: now). */
__attribute__((unused)) static int oathtool(const char *key, const char *when, char out[16])
{
	char cmd[300], k[64];
	size_t o = 0;
	for (const char *c = key; *c && o < sizeof k - 1; c++)
		if (*c != ' ')
			k[o++] = *c;
	k[o] = '\0';
	snprintf(cmd, sizeof cmd, "oathtool --totp -b %s%s%s%s", when ? "-N '" : "", when ? when : "",
		 when ? "' " : "", k);
	FILE *p = popen(cmd, "r");
	out[0] = '\0';
	if (p == NULL)
		return -1;
	if (fgets(out, 16, p) == NULL)
		out[0] = '\0';
	pclose(p);
	out[strcspn(out, "\n")] = '\0';
	return strlen(out) == 6 ? 0 : -1;
}

/* A tenant of the calling test's own: slug "<prefix>-<n>", company name,
 * and its Super Admin admin@<slug>.test with the demo password; the slug
 * into slug (at least 64 bytes).  0 on success. */
__attribute__((unused)) static int make_tenant(const char *prefix, const char *company, char *slug,
					       size_t slugsz)
{
	const char *b = env_or("GH_BUILDDIR", ".");
	unsigned n = ((unsigned)getpid() * 2654435761u ^ (unsigned)time(NULL)) % 10000000u;

	snprintf(slug, slugsz, "%s-%u", prefix, n);
	if (shell("'%s/gatehouse-ctl' -c '%s' tenant create %s '%s' >/dev/null", b, ini, slug,
		  company) != 0)
		return -1;
	return shell("echo '" PW "' | '%s/gatehouse-ctl' -c '%s' user create --tenant %s --email "
		     "admin@%s.test --super-admin >/dev/null",
		     b, ini, slug, slug) == 0
		       ? 0
		       : -1;
}

/* ---- the portal ---- */

/* A portal user of customer (by name) in tenant demo with the demo password
 * (copied from client@demo.test); returns its id (caller frees). */
__attribute__((unused)) static char *make_user(const char *email, const char *customer)
{
	free(sql1("INSERT INTO portal_users (tenant_id, customer_id, company_name, email, "
		  "password_hash, password_set_at) SELECT pu.tenant_id, c.id, c.name, '%s', "
		  "pu.password_hash, NOW(6) FROM portal_users pu JOIN customers c ON c.tenant_id "
		  "= pu.tenant_id AND c.name = '%s' WHERE pu.email = 'client@demo.test'",
		  email, customer));
	return sql1("SELECT id FROM portal_users WHERE email = '%s'", email);
}

__attribute__((unused)) static void urlenc(const char *in, char *out, size_t sz)
{
	size_t o = 0;
	for (; *in && o + 4 < sz; in++) {
		unsigned char c = (unsigned char)*in;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, sz - o, "%%%02X", c);
	}
	out[o] = '\0';
}

/* Signs in on slug's direct link; returns the status, loc the Location. */
__attribute__((unused)) static long portal_login(struct hc *h, const char *slug, const char *email, const char *pw,
			 char *loc, size_t locsz)
{
	char path[128], fields[600], e[300], p[300];
	snprintf(path, sizeof path, "/portal/%s/", slug);
	urlenc(email, e, sizeof e);
	urlenc(pw, p, sizeof p);
	snprintf(fields, sizeof fields, "email=%s&password=%s", e, p);
	return post_form(h, path, path, fields, NULL, loc, loc ? locsz : 0);
}

__attribute__((unused)) static long status_of(struct hc *h, const char *method, const char *path, const char *body,
		      const char *hdr, char *headers, size_t hsz)
{
	struct hc_resp r;
	long st;
	if (hc_req(h, method, path, body ? "application/x-www-form-urlencoded" : NULL, body, hdr,
		   &r) != 0)
		return -1;
	st = r.status;
	if (headers)
		snprintf(headers, hsz, "%.*s", (int)r.hlen, r.headers ? r.headers : "");
	hc_resp_free(&r);
	return st;
}

__attribute__((unused)) static long get_status(struct hc *h, const char *path)
{
	return status_of(h, "GET", path, NULL, NULL, NULL, 0);
}

/* Whether the first field of query fmt (with arg) is want. */
__attribute__((unused)) static int count_is(const char *want, const char *fmt, const char *arg)
{
	char *v = sql1(fmt, arg);
	int same = v && strcmp(v, want) == 0;
	if (!same)
		diag("count '%s', want '%s'", v ? v : "(null)", want);
	free(v);
	return same;
}

/* ---- the render cache, as a responder's log tells it ---- */

/* GET path as HTML: the body (caller frees) and the X-Request-Id in rid. */
__attribute__((unused)) static char *get_html(struct hc *h, const char *path, char rid[64])
{
	struct hc_resp r;
	char *body = NULL;

	rid[0] = '\0';
	if (hc_get(h, path, &r) != 0)
		return NULL;
	if (r.status == 200 && r.body != NULL)
		body = strdup(r.body);
	hc_header(&r, "X-Request-Id", rid, 64);
	hc_resp_free(&r);
	return body;
}

/* The render cache's word on request rid in the responder's log at logp:
 * "hit", "miss", "-" (not a cached page), or "?" when no line names it. */
__attribute__((unused)) static const char *cache_of(const char *logp, const char *rid)
{
	static char v[8];
	char line[1024], want[80];
	FILE *f = fopen(logp, "r");

	snprintf(v, sizeof v, "?");
	snprintf(want, sizeof want, "rid=%s ", rid);
	while (f != NULL && rid[0] != '\0' && fgets(line, sizeof line, f) != NULL) {
		const char *c;
		if (strstr(line, want) != NULL && (c = strstr(line, " cache=")) != NULL)
			sscanf(c + 7, "%7[a-z?-]", v);
	}
	if (f != NULL)
		fclose(f);
	return v;
}

/* GETs path twice; 1 if the second answer was a render-cache hit with the
 * bytes of the first (a cache with room keeps a page at once). */
__attribute__((unused)) static int kept(struct hc *h, const char *path, const char *logp)
{
	char rid[64];
	char *first, *second;
	int yes;

	first = get_html(h, path, rid);
	second = get_html(h, path, rid);
	yes = first != NULL && second != NULL && strcmp(first, second) == 0 &&
	      strcmp(cache_of(logp, rid), "hit") == 0;
	free(first);
	free(second);
	return yes;
}

/* After a change: the next page shows want (rendered anew, not kept). */
__attribute__((unused)) static int fresh(struct hc *h, const char *path, const char *want, const char *logp)
{
	char rid[64];
	char *p = get_html(h, path, rid);
	int yes = p != NULL && strstr(p, want) != NULL && strcmp(cache_of(logp, rid), "miss") == 0;
	free(p);
	return yes;
}

#endif
