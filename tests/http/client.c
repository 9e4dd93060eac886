#include "config.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"

const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

struct hc *hc_new(const char *base)
{
	struct hc *h = calloc(1, sizeof *h);
	if (h == NULL || (h->c = curl_easy_init()) == NULL) {
		free(h);
		return NULL;
	}
	snprintf(h->base, sizeof h->base, "%s", base);
	return h;
}

void hc_free(struct hc *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->c);
	free(h);
}

void hc_resp_free(struct hc_resp *r)
{
	if (r == NULL)
		return;
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof *r);
}

struct buf {
	char **p;
	size_t *len;
};

static size_t on_data(char *d, size_t sz, size_t n, void *u)
{
	struct buf *b = u;
	char *np = realloc(*b->p, *b->len + sz * n + 1);
	if (np == NULL)
		return 0;
	memcpy(np + *b->len, d, sz * n);
	*b->len += sz * n;
	np[*b->len] = '\0';
	*b->p = np;
	return sz * n;
}

static size_t on_header(char *d, size_t sz, size_t n, void *u)
{
	struct buf *b = u;
	/* A new status line starts a new header block (after 100-continue). */
	if (sz * n > 5 && strncmp(d, "HTTP/", 5) == 0)
		*b->len = 0;
	return on_data(d, sz, n, u);
}

void hc_set_cookie_value(struct hc *h, const char *name, const char *value)
{
	int i;
	for (i = 0; i < h->njar; i++)
		if (strcmp(h->jar[i].name, name) == 0)
			break;
	if (value == NULL || *value == '\0') {
		if (i < h->njar)
			h->jar[i] = h->jar[--h->njar];
		return;
	}
	if (i == h->njar) {
		if (h->njar == HC_MAX_COOKIES)
			return;
		h->njar++;
	}
	snprintf(h->jar[i].name, sizeof h->jar[i].name, "%s", name);
	snprintf(h->jar[i].value, sizeof h->jar[i].value, "%s", value);
}

const char *hc_cookie(struct hc *h, const char *name)
{
	for (int i = 0; i < h->njar; i++)
		if (strcmp(h->jar[i].name, name) == 0)
			return h->jar[i].value;
	return NULL;
}

void hc_clear_cookies(struct hc *h)
{
	h->njar = 0;
}

/* Takes Set-Cookie lines from the response into the jar (Max-Age=0 deletes). */
static void absorb_cookies(struct hc *h, const struct hc_resp *r)
{
	const char *p = r->headers;
	while (p && (p = strcasestr(p, "\nSet-Cookie: ")) != NULL) {
		char name[32] = "", value[128] = "";
		p += 13;
		if (sscanf(p, "%31[^=]=%127[^;\r\n]", name, value) < 1)
			continue;
		const char *eol = strchr(p, '\n');
		const char *ma = strcasestr(p, "Max-Age=0");
		if (ma != NULL && (eol == NULL || ma < eol))
			value[0] = '\0';
		hc_set_cookie_value(h, name, value);
	}
}

/* The request ids of every answer from the settings and portal
 * responders (hc_audit_missing). */
static char (*rids)[17];
static size_t nrids, caprids;

static void note_request(const char *path, const struct hc_resp *r)
{
	char rid[64];

	if ((strncmp(path, "/settings/", 10) != 0 && strncmp(path, "/portal/", 8) != 0) ||
	    hc_header(r, "X-Request-Id", rid, sizeof rid) == NULL || strlen(rid) != 16)
		return;
	if (nrids == caprids) {
		size_t cap = caprids ? caprids * 2 : 1024;
		char(*n)[17] = realloc(rids, cap * sizeof *rids);
		if (n == NULL)
			return;
		rids = n;
		caprids = cap;
	}
	memcpy(rids[nrids++], rid, 17);
}

static int cmp_rid(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

size_t hc_requests_noted(void)
{
	return nrids;
}

size_t hc_audit_missing(char *out, size_t sz)
{
	static const char *const logs[] = {"settings.log", "portal.log"};
	const char *st = env_or("GH_TEST_STATE", "tests/out/stack");
	size_t missing = 0, o = 0;
	char line[4096];

	out[0] = '\0';
	qsort(rids, nrids, sizeof *rids, cmp_rid);
	for (size_t i = 0; i < 2; i++) {
		char path[1200];
		FILE *f;
		snprintf(path, sizeof path, "%s/log/%s", st, logs[i]);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof line, f) != NULL) {
			const char *r = strstr(line, " rid="), *p;
			char rid[17];
			if (strstr(line, " audit=missing") == NULL || r == NULL ||
			    strlen(r + 5) < 16)
				continue;
			memcpy(rid, r + 5, 16);
			rid[16] = '\0';
			if (bsearch(rid, rids, nrids, sizeof *rids, cmp_rid) == NULL)
				continue;
			missing++;
			p = strstr(line, " path=");
			if (o < sz)
				o += (size_t)snprintf(
					out + o, sz - o, "%s%.*s (%s)", missing > 1 ? "; " : "",
					p ? (int)strcspn(p + 6, " ") : 1, p ? p + 6 : "?", rid);
		}
		fclose(f);
	}
	return missing;
}

int hc_req(struct hc *h, const char *method, const char *path, const char *ctype, const char *body,
	   const char *hdr, struct hc_resp *r)
{
	char url[1024], ck[1024] = "", ct[128];
	struct curl_slist *hs = NULL;
	struct buf bb = {&r->body, &r->len}, hb = {&r->headers, &r->hlen};
	CURLcode rc;

	memset(r, 0, sizeof *r);
	snprintf(url, sizeof url, "%s%s", h->base, path);
	curl_easy_reset(h->c);
	curl_easy_setopt(h->c, CURLOPT_URL, url);
	curl_easy_setopt(h->c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h->c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h->c, CURLOPT_WRITEDATA, &bb);
	curl_easy_setopt(h->c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h->c, CURLOPT_HEADERDATA, &hb);
	curl_easy_setopt(h->c, CURLOPT_TIMEOUT, 20L);
	if (h->source[0])
		curl_easy_setopt(h->c, CURLOPT_INTERFACE, h->source);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h->c, CURLOPT_NOBODY, 1L);
	if (body != NULL) {
		curl_easy_setopt(h->c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h->c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	if (ctype != NULL) {
		snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
		hs = curl_slist_append(hs, ct);
	} else if (body != NULL)
		hs = curl_slist_append(hs, "Content-Type:");
	hs = curl_slist_append(hs, "Expect:");
	/* Several header lines, one per '\n'. */
	for (const char *p = hdr; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[1024];
		snprintf(line, sizeof line, "%.*s", (int)n, p);
		hs = curl_slist_append(hs, line);
		p = nl ? nl + 1 : NULL;
	}
	for (int i = 0; i < h->njar; i++) {
		size_t l = strlen(ck);
		snprintf(ck + l, sizeof ck - l, "%s%s=%s", l ? "; " : "", h->jar[i].name,
			 h->jar[i].value);
	}
	if (ck[0])
		curl_easy_setopt(h->c, CURLOPT_COOKIE, ck);
	curl_easy_setopt(h->c, CURLOPT_HTTPHEADER, hs);
	rc = curl_easy_perform(h->c);
	curl_slist_free_all(hs);
	if (rc != CURLE_OK)
		return -1;
	curl_easy_getinfo(h->c, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->body == NULL)
		r->body = calloc(1, 1);
	absorb_cookies(h, r);
	note_request(path, r);
	return 0;
}

int hc_get(struct hc *h, const char *path, struct hc_resp *r)
{
	return hc_req(h, "GET", path, NULL, NULL, NULL, r);
}

int hc_get_xml(struct hc *h, const char *path, struct hc_resp *r)
{
	return hc_req(h, "GET", path, NULL, NULL, "Accept: application/xml", r);
}

int hc_post(struct hc *h, const char *path, const char *body, struct hc_resp *r)
{
	return hc_req(h, "POST", path, "application/x-www-form-urlencoded", body, NULL, r);
}

const char *hc_header(const struct hc_resp *r, const char *name, char *buf, size_t sz)
{
	const char *p = r->headers;
	size_t nl = strlen(name);

	while (p && *p) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			size_t l = strcspn(v, "\r\n");
			snprintf(buf, sz, "%.*s", (int)l, v);
			return buf;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return NULL;
}

const char *hc_set_cookie(const struct hc_resp *r, const char *name, char *buf, size_t sz)
{
	const char *p = r->headers;
	char pat[64];
	snprintf(pat, sizeof pat, "\nSet-Cookie: %s=", name);
	if (p == NULL || (p = strcasestr(p, pat)) == NULL)
		return NULL;
	p += 13;
	snprintf(buf, sz, "%.*s", (int)strcspn(p, "\r\n"), p);
	return buf;
}

xmlDocPtr hc_xml(const struct hc_resp *r)
{
	if (r->body == NULL || r->len == 0)
		return NULL;
	return xmlReadMemory(r->body, (int)r->len, "resp.xml", NULL,
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

char *hc_xpath(xmlDocPtr d, const char *expr)
{
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr o;
	char *s;

	if (d == NULL)
		return strdup("");
	ctx = xmlXPathNewContext(d);
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	xmlChar *v = o ? xmlXPathCastToString(o) : NULL;
	s = strdup(v ? (const char *)v : "");
	xmlFree(v);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return s;
}

static xmlSchemaPtr load_schema(const char *name)
{
	static struct {
		char name[64];
		xmlSchemaPtr s;
	} cache[16];
	char path[1024];
	for (int i = 0; i < 16; i++) {
		if (strcmp(cache[i].name, name) == 0)
			return cache[i].s;
		if (cache[i].name[0] == '\0') {
			snprintf(path, sizeof path, "%s/xslt/schema/%s.xsd",
				 env_or("GH_SRCDIR", "."), name);
			xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
			cache[i].s = pc ? xmlSchemaParse(pc) : NULL;
			xmlSchemaFreeParserCtxt(pc);
			snprintf(cache[i].name, sizeof cache[i].name, "%s", name);
			return cache[i].s;
		}
	}
	return NULL;
}

int hc_valid(xmlDocPtr d)
{
	xmlNodePtr root;
	xmlChar *name = NULL;
	xmlSchemaPtr s;
	int ok = 0;

	if (d == NULL || (root = xmlDocGetRootElement(d)) == NULL)
		return 0;
	if (xmlStrcmp(root->name, BAD_CAST "error") == 0)
		s = load_schema("error");
	else {
		name = xmlGetProp(root, BAD_CAST "name");
		s = name ? load_schema((const char *)name) : NULL;
	}
	if (s != NULL) {
		xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(s);
		ok = vc && xmlSchemaValidateDoc(vc, d) == 0;
		xmlSchemaFreeValidCtxt(vc);
	}
	xmlFree(name);
	return ok;
}

int hc_csrf(struct hc *h, const char *path, char out[65])
{
	struct hc_resp r;
	xmlDocPtr d;
	char *v;

	out[0] = '\0';
	if (hc_get_xml(h, path, &r) != 0)
		return -1;
	d = hc_xml(&r);
	/* The sign-in form's own token wins over a session's. */
	v = hc_xpath(d, "string((/page/login/@csrf | /page/set-password/@csrf | "
			"/page/portal-login/@csrf | /page/portal-forgot/@csrf | "
			"/page/office-forgot/@csrf | /page/office-reset/@csrf)[1])");
	if (*v == '\0') {
		free(v);
		v = hc_xpath(d, "string((/page/session/@csrf | /page/portal-session/@csrf)[1])");
	}
	snprintf(out, 65, "%s", v);
	free(v);
	xmlFreeDoc(d);
	hc_resp_free(&r);
	return out[0] ? 0 : -1;
}

static void urlenc(const char *in, char *out, size_t sz)
{
	size_t o = 0;
	for (; *in && o + 4 < sz; in++) {
		unsigned char c = (unsigned char)*in;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-_.~", c))
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, sz - o, "%%%02X", c);
	}
	out[o] = '\0';
}

long hc_login(struct hc *h, const char *email, const char *pw)
{
	char csrf[65], body[1024], e[300], p[300];
	struct hc_resp r;
	long st;

	if (hc_csrf(h, "/settings/login", csrf) != 0)
		return -1;
	urlenc(email, e, sizeof e);
	urlenc(pw, p, sizeof p);
	snprintf(body, sizeof body, "csrf=%s&email=%s&password=%s", csrf, e, p);
	if (hc_post(h, "/settings/login", body, &r) != 0)
		return -1;
	st = r.status;
	hc_resp_free(&r);
	return st;
}

/* The mariadb client's answer to a statement that lost a deadlock or a lock
 * wait on its first line: nothing of the script ran, so it may be run again. */
static int sql_retriable(const char *line)
{
	return (strncmp(line, "ERROR 1213 ", 11) == 0 || strncmp(line, "ERROR 1205 ", 11) == 0) &&
	       strstr(line, " at line 1:") != NULL;
}

/* Runs cmd; the first line of its answer goes to line.  Returns 1 when
 * there was one, 0 when none, -1 when cmd could not run. */
static int sql_run(const char *cmd, char *line, size_t sz)
{
	char rest[4096];
	FILE *p;
	int got;

	line[0] = '\0';
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	got = fgets(line, (int)sz, p) != NULL;
	while (fgets(rest, sizeof rest, p) != NULL)
		;
	pclose(p);
	line[strcspn(line, "\r\n")] = '\0';
	return got;
}

char *sql1(const char *fmt, ...)
{
	char q[4096], cmd[8192], line[4096];
	va_list ap;
	char *out = NULL;

	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	/* Test-only: the statement is ours, passed on stdin to the mariadb client. */
	snprintf(cmd, sizeof cmd, "GH_BUILDDIR='%s' '%s/scripts/gh-stack' sql --state '%s' -- -N",
		 env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."),
		 env_or("GH_TEST_STATE", "tests/out/stack"));
	char tmp[] = "/tmp/gh-sql-XXXXXX";
	int fd = mkstemp(tmp);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "w");
	fputs(q, f);
	fclose(f);
	snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " < '%s' 2>&1", tmp);
	/* A test's write stands for the mailer, a user or the clock, which
	 * the stack's own processes race (the mailer recording a send while
	 * the test accepts the same invitation): like them, it is tried again
	 * when InnoDB picks it as a deadlock's victim. */
	int got = 0;
	for (int i = 0; i < 10; i++) {
		if ((got = sql_run(cmd, line, sizeof line)) != 1 || !sql_retriable(line))
			break;
		fprintf(stderr, "# sql1: %s: trying again\n", line);
		usleep(100000);
	}
	if (strncmp(line, "ERROR ", 6) == 0)
		fprintf(stderr, "# sql1: %s\n", line);
	if (got == 1) {
		char *tab = strchr(line, '\t');
		if (tab)
			*tab = '\0';
		out = strdup(line);
	}
	unlink(tmp);
	return out;
}

int shell(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
