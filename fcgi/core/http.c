#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "log.h"
#include "pool.h"
#include "render.h"
#include "xml.h"

/* Fields the core itself accepts on every page. */
static const struct val_field core_query[] = {
	{"format", val_format, 4, 0, "Format"},
};
static const struct val_field core_form[] = {
	{"csrf", val_hex64, 64, VAL_REQUIRED, "Form token"},
};

static const char *status_text(int s)
{
	switch (s) {
	case 200: return "OK";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

void http_notice(struct http *h, const char *kind, const char *text)
{
	if (h->nnotices >= 4)
		return;
	snprintf(h->notice_kind[h->nnotices], sizeof h->notice_kind[0], "%s", kind);
	snprintf(h->notice_text[h->nnotices], sizeof h->notice_text[0], "%s", text);
	h->nnotices++;
}

void http_set_cookie(struct http *h, const char *name, const char *value, const char *path,
		     long long max_age, const char *samesite)
{
	if (h->ncookies >= HTTP_MAX_COOKIES)
		return;
	int none = strcmp(samesite, "None") == 0;
	/* SameSite=None needs Secure; browsers treat http://127.0.0.1 and
	 * localhost as secure, so the dev stack works too. */
	snprintf(h->cookies_out[h->ncookies++], sizeof h->cookies_out[0],
		 "%s=%s; Path=%s; Max-Age=%lld; HttpOnly;%s SameSite=%s%s", name, value, path,
		 max_age, h->conf->sec.cookie_secure || none ? " Secure;" : "", samesite,
		 none ? "; Partitioned" : "");
}

static int portal_page(const struct http *h)
{
	return h->page != NULL && h->page->auth >= PAGE_PORTAL_PUBLIC;
}

void http_portal_path(const struct http *h, char *out, size_t outsz)
{
	snprintf(out, outsz, "/portal/%s/", h->slug);
}

enum page_result http_redirect(struct http *h, const char *path)
{
	snprintf(h->location, sizeof h->location, "%s", path);
	return PAGE_REDIRECT;
}

enum db_result http_audit(struct http *h, const char *action, const char *target,
			  const char *old_value, const char *new_value)
{
	struct db_audit a = {
		.tenant_id = h->sess.tenant_id,
		.actor_id = h->sess.user_id,
		.actor_email = h->sess.email,
		.action = action,
		.target = target,
		.old_value = old_value,
		.new_value = new_value,
		.request_id = h->rid,
		.ip = h->addr,
	};
	return db_audit(h->db, &a);
}

void http_pre_csrf(struct http *h, const char *cookie_path, char out[AUTH_CSRF_LEN + 1])
{
	const char *pre = req_pairs_get(&h->cookies, HTTP_COOKIE_PRE);
	unsigned char raw[AUTH_TOKEN_BYTES];
	char cookie[AUTH_COOKIE_LEN + 1];

	if (pre == NULL || auth_token_parse(pre, raw) != 0) {
		auth_token_new(raw, cookie);
		http_set_cookie(h, HTTP_COOKIE_PRE, cookie, cookie_path, 3600,
				portal_page(h) ? "None" : "Strict");
		sodium_memzero(cookie, sizeof cookie);
	}
	auth_csrf("pre", raw, sizeof raw, out);
	sodium_memzero(raw, sizeof raw);
}

enum page_result http_throttled(struct http *h, const char *what, long long retry)
{
	char msg[200];
	long long min = (retry + 59) / 60;

	snprintf(msg, sizeof msg, "%s. Try again in %lld minute%s.", what, min, min == 1 ? "" : "s");
	http_notice(h, "error", msg);
	h->retry_after = retry;
	return PAGE_THROTTLED;
}

enum page_result http_bad_request(struct http *h, const char *msg)
{
	h->error_msg = msg;
	return PAGE_BAD_REQUEST;
}

enum page_result http_field_error(struct http *h, size_t f, const char *msg)
{
	h->f[f].st = VAL_INVALID;
	h->f[f].error = msg;
	h->form_errors++;
	return PAGE_INVALID;
}

enum page_result http_txn_end(struct http *h, enum db_result rc, const char *location)
{
	if (rc == DB_OK && (rc = db_commit(h->db)) == DB_OK)
		return http_redirect(h, location);
	db_rollback(h->db); /* a failed commit has already rolled back: harmless */
	return http_db_fail(rc);
}

enum page_result http_db_fail(enum db_result rc)
{
	switch (rc) {
	case DB_NOTFOUND: return PAGE_NOT_FOUND;
	case DB_LOST:
	case DB_BUSY:
	case DB_RETRY: return PAGE_UNAVAILABLE;
	default: return PAGE_ERROR;
	}
}

static const char *security_headers =
	"X-Content-Type-Options: nosniff\r\n"
	"Referrer-Policy: same-origin\r\n"
	"Cache-Control: no-store\r\n"
	"Vary: Accept, Cookie\r\n"
	"Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; "
	"img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors ";

/* The frame-ancestors list: 'none', except on a portal page of a known
 * tenant, which the tenant's listed origins may frame (and no
 * X-Frame-Options, which would contradict it).  The origins were
 * validated (val_origins) and are stored one per line. */
static void frame_policy(const struct http *h, char *out, size_t outsz)
{
	size_t n = 0;
	const char *o;

	if (!h->have_tenant || !portal_page(h) || h->tenant.frame_origins[0] == '\0') {
		snprintf(out, outsz, "'none'\r\nX-Frame-Options: DENY\r\n"
				     "Cross-Origin-Opener-Policy: same-origin\r\n");
		return;
	}
	n = (size_t)snprintf(out, outsz, "'self'");
	for (o = h->tenant.frame_origins; *o != '\0';) {
		size_t len = strcspn(o, "\r\n");
		/* Room for the space, the origin and the final CRLF; an origin
		 * that does not fit is left out whole, never cut. */
		if (len > 0 && n + 1 + len + 3 <= outsz) {
			out[n++] = ' ';
			for (size_t i = 0; i < len; i++) {
				char c = o[i];
				out[n++] = (c > 0x20 && c < 0x7f && c != ';' && c != ',') ? c : '?';
			}
		}
		o += len;
		o += strspn(o, "\r\n");
	}
	snprintf(out + n, outsz - n, "\r\n");
}

/* nginx passes HTTPS=on for a request that came over TLS (fastcgi_param
 * HTTPS $https if_not_empty). */
static int https(const struct http *h)
{
	const char *v = FCGX_GetParam("HTTPS", h->fr->envp);
	return v != NULL && strcasecmp(v, "on") == 0;
}

/* Headers are formatted with snprintf: libfcgi's own printf knows no %zu or
 * %lld. */
static void send(struct http *h, int status, const char *ctype, const void *body, size_t len)
{
	FCGX_Stream *out = h->fr->out;
	char buf[12288], frame[6400];
	size_t n = 0;

#define ADD(...)                                                                           \
	do {                                                                               \
		int k_ = snprintf(buf + n, sizeof buf - n, __VA_ARGS__);                  \
		if (k_ > 0)                                                                \
			n = n + (size_t)k_ < sizeof buf ? n + (size_t)k_ : sizeof buf - 1; \
	} while (0)
	h->status = status;
	frame_policy(h, frame, sizeof frame);
	ADD("Status: %d %s\r\n%s%sX-Request-Id: %s\r\n", status, status_text(status),
	    security_headers, frame, h->rid);
	if (status == 303)
		ADD("Location: %s\r\n", h->location);
	/* HSTS only over HTTPS (nginx's $https): sent over plain http it would
	 * be ignored at best, and pin a dev host to https at worst. */
	if (h->conf->sec.hsts_max_age > 0 && https(h))
		ADD("Strict-Transport-Security: max-age=%u\r\n", h->conf->sec.hsts_max_age);
	if (status == 503 && h->retry_after <= 0)
		h->retry_after = 5;
	if ((status == 429 || status == 503) && h->retry_after > 0)
		ADD("Retry-After: %lld\r\n", h->retry_after);
	/* 401 must name a scheme: ours is the sign-in form. */
	if (status == 401)
		ADD("WWW-Authenticate: Cookie realm=\"Gatehouse\", form-action=\"/settings/login\"\r\n");
	if (status == 405 && h->allow != NULL)
		ADD("Allow: %s\r\n", h->allow);
	for (int i = 0; i < h->ncookies; i++)
		ADD("Set-Cookie: %s\r\n", h->cookies_out[i]);
	if (ctype != NULL)
		ADD("Content-Type: %s\r\n", ctype);
	ADD("Content-Length: %zu\r\n\r\n", len);
#undef ADD
	FCGX_PutStr(buf, (int)n, out);
	if (len > 0 && strcmp(FCGX_GetParam("REQUEST_METHOD", h->fr->envp) ?: "", "HEAD") != 0)
		FCGX_PutStr(body, (int)len, out);
	h->bytes_out = len;
}

/* Serialises doc as XML or renders it with stylesheet sheet, and sends it. */
static void send_doc(struct http *h, int status, xmlDocPtr doc, const char *sheet)
{
	xmlChar *buf = NULL;
	int len = 0, hit = 0;
	/* A page's own 200 answer to a GET may come from the render cache;
	 * never one that carries what a form action brought back. */
	int memo = status == 200 && h->method == HTTP_GET && h->page != NULL && h->page->memo &&
		   doc == h->doc && !h->carry;

	if (h->want_xml) {
		if (xml_serialise(doc, &buf, &len) == 0) {
			send(h, status, "application/xml; charset=utf-8", buf, (size_t)len);
			if (h->carry)
				sodium_memzero(buf, (size_t)len);
			xmlFree(buf);
			return;
		}
	} else if ((memo ? render_page(sheet, doc, &buf, &len, &hit)
			 : render_html(sheet, doc, &buf, &len)) == 0) {
		if (memo)
			h->cache = hit ? "hit" : "miss";
		send(h, status, "text/html; charset=utf-8", buf, (size_t)len);
		if (h->carry)
			sodium_memzero(buf, (size_t)len); /* it holds the typed password */
		xmlFree(buf);
		return;
	}
	xmlFree(buf);
	/* Rendering failed: a fixed plain-text answer, nothing that could leak. */
	static const char msg[] = "Internal Server Error\n";
	h->ncookies = 0;
	send(h, 500, "text/plain; charset=utf-8", msg, sizeof msg - 1);
}

static const char *default_message(int status);

static void send_error(struct http *h, int status, const char *message)
{
	xmlDocPtr d;
	xmlNodePtr r;

	/* A failure the database called temporary (read-only, a lock or a
	 * statement past its bound, a deadlock) is "try again in a moment",
	 * whichever path the handler took to report it. */
	if (status == 500 && db_transient(h->db)) {
		status = 503;
		message = default_message(503);
		h->error_msg = NULL;
	}
	d = xml_doc("error");
	if (d == NULL) {
		send(h, 500, "text/plain; charset=utf-8", "Internal Server Error\n", 22);
		return;
	}
	r = xmlDocGetRootElement(d);
	xml_attr_int(r, "status", status);
	xml_attr(r, "request-id", h->rid);
	xml_text_el(r, "title", status_text(status));
	xml_text_el(r, "message", h->error_msg ? h->error_msg : message);
	send_doc(h, status, d, "error");
	xmlFreeDoc(d);
}

static const char *default_message(int status)
{
	switch (status) {
	case 400: return "The request was malformed. Check the address and try again.";
	case 401: return "Please sign in to continue.";
	case 403: return "You do not have permission to do this.";
	case 404: return "The page you asked for does not exist.";
	case 405: return "This address does not accept that kind of request.";
	case 409: return "The change would break a rule, so nothing was changed.";
	case 422: return "Some of what was sent is not valid.";
	case 413: return "The form you sent is too large.";
	case 415: return "Forms must be sent as application/x-www-form-urlencoded.";
	case 429: return "Too many attempts. Please wait and try again.";
	case 503: return "The service is busy or briefly unavailable. Please try again in a moment.";
	default: return "Something went wrong on our side. It has been logged; please try again.";
	}
}

static void build_menu(struct http *h, xmlNodePtr root)
{
	xmlNodePtr menu = xml_el(root, "menu"), sec = NULL;
	const char *cur = NULL;

	for (const struct page *const *p = h->pages; *p != NULL; p++) {
		const struct page *pg = *p;
		if (pg->menu_section == NULL || h->sess.settings < pg->need_view)
			continue;
		if (cur == NULL || strcmp(cur, pg->menu_section) != 0) {
			sec = xml_el(menu, "section");
			xml_attr(sec, "label", pg->menu_section);
			cur = pg->menu_section;
		}
		xmlNodePtr it = xml_el(sec, "item");
		xml_attr(it, "id", pg->name);
		xml_attr(it, "href", pg->path);
		xml_attr(it, "label", pg->title);
		if (pg == h->page)
			xml_attr(it, "current", "1");
	}
}

static const char *perm_name(int level)
{
	static const char *names[] = {"none", "view", "edit", "super"};
	return level >= 0 && level <= 3 ? names[level] : "none";
}

/* Builds the page document: envelope, then the handler's content, then the
 * notices and the echoed form inserted ahead of the content. */
static enum page_result build_page(struct http *h, xmlNodePtr *rootp)
{
	xmlNodePtr root, first, n;
	enum page_result r;

	if ((h->doc = xml_doc("page")) == NULL)
		return PAGE_ERROR;
	root = *rootp = xmlDocGetRootElement(h->doc);
	xml_attr(root, "name", h->page->name);
	/* Stylesheets do not read the request id (the X-Request-Id header
	 * carries it): left out of the HTML's document, it would make every
	 * page's render-cache key unique. */
	if (h->want_xml)
		xml_attr(root, "request-id", h->rid);
	xml_attr(root, "base-url", h->conf->web.base_url);
	/* The zone dates are shown in: the viewer's own, else the tenant's. */
	if (portal_page(h) && h->have_tenant)
		xml_attr(root, "tz", h->portal_in && h->psess.time_zone[0] ? h->psess.time_zone
									   : h->tenant.time_zone);
	else if (h->signed_in)
		xml_attr(root, "tz", h->sess.time_zone[0] ? h->sess.time_zone
							  : h->sess.tenant.time_zone);
	if (h->signed_in) {
		n = xml_el(root, "session");
		xml_attr_int(n, "user-id", h->sess.user_id);
		xml_attr(n, "email", h->sess.email);
		xml_attr(n, "first-name", h->sess.first);
		xml_attr(n, "last-name", h->sess.last);
		xml_attr(n, "csrf", h->csrf);
		xml_attr(n, "settings", perm_name(h->sess.settings));
		xml_attr(n, "tenant-slug", h->sess.tenant.slug);
		xml_attr(n, "tenant-name", h->sess.tenant.company);
		/* No menu while MFA is owed: nothing else opens yet. */
		if (strcmp(h->sess.stage, "full") == 0)
			build_menu(h, root);
	}
	if (portal_page(h) && h->have_tenant) {
		char link[700];
		n = xml_el(root, "portal");
		xml_attr(n, "slug", h->tenant.slug);
		xml_attr(n, "company-name", h->tenant.company);
		snprintf(link, sizeof link, "%s/portal/%s/", h->conf->web.base_url,
			 h->tenant.slug);
		xml_attr(n, "direct-link", link);
		xml_attr(n, "enabled", h->tenant.portal_enabled ? "1" : "0");
		if (h->portal_in) {
			n = xml_el(root, "portal-session");
			xml_attr(n, "stage", h->psess.stage);
			xml_attr(n, "email", h->psess.email);
			xml_attr(n, "company", h->psess.company);
			xml_attr(n, "csrf", h->csrf);
			xml_attr(n, "kind", h->psess.user_id ? "user" : "token");
			xml_attr(n, "mfa", h->psess.mfa_enabled ? "1" : "0");
		}
	}
	first = xmlGetLastChild(root);
	if ((r = h->page->get(h, root)) != PAGE_OK)
		return r;
	/* The first node the handler added. */
	first = first ? first->next : root->children;
	if (first == NULL)
		first = xml_el(root, h->page->name);
	for (int i = 0; i < h->nnotices; i++) {
		n = xmlNewDocNode(h->doc, NULL, BAD_CAST "notice", NULL);
		xml_attr(n, "kind", h->notice_kind[i]);
		xmlAddPrevSibling(first, n);
		char *c = xml_clean(h->notice_text[i]);
		if (c != NULL) {
			xmlAddChild(n, xmlNewDocText(h->doc, BAD_CAST c)); /* escaped on output */
			free(c);
		}
	}
	/* A POST that comes back as a page echoes what was entered: never a
	 * secret, except in an in-form action's re-render of the same form
	 * (h->carry), which must lose nothing typed and shows no errors. */
	if (h->method == HTTP_POST && h->page->form != NULL) {
		xmlNodePtr form = xmlNewDocNode(h->doc, NULL, BAD_CAST "form", NULL);
		xmlAddPrevSibling(first, form);
		if (h->carry)
			xml_attr(form, "carry", "1");
		for (size_t i = 0; i < h->page->nform; i++) {
			const struct val_field *fd = &h->page->form[i];
			xmlNodePtr fe = xml_el(form, "field");
			xml_attr(fe, "name", fd->name);
			xml_attr(fe, "value", ((fd->flags & VAL_SECRET) && !h->carry) ||
						      h->f[i].raw == NULL
					      ? ""
					      : h->f[i].raw);
			if (h->f[i].st == VAL_INVALID && !h->carry)
				xml_attr(fe, "error", h->f[i].error);
		}
	}
	return PAGE_OK;
}

static int read_body(struct http *h, char **body, size_t *len)
{
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", h->fr->envp);
	unsigned long long n = 0;
	char *end;

	*body = NULL;
	*len = 0;
	if (cl != NULL && *cl != '\0') {
		n = strtoull(cl, &end, 10);
		if (*end != '\0')
			return 400;
	}
	if (n > h->conf->lim.body_max)
		return 413;
	if ((*body = malloc(n + 1)) == NULL)
		return 500;
	if (n > 0 && FCGX_GetStr(*body, (int)n, h->fr->in) != (int)n) {
		free(*body);
		*body = NULL;
		return 400;
	}
	(*body)[n] = '\0';
	*len = n;
	return 0;
}

static int req_status(enum req_result r)
{
	return r == REQ_TOO_LARGE ? 413 : r == REQ_NOMEM ? 500 : 400;
}

static int result_status(enum page_result r)
{
	switch (r) {
	case PAGE_OK: return 200;
	case PAGE_REDIRECT: return 303;
	case PAGE_INVALID: return 422;
	case PAGE_BAD_REQUEST: return 400;
	case PAGE_UNAUTHORIZED: return 401;
	case PAGE_FORBIDDEN: return 403;
	case PAGE_NOT_FOUND: return 404;
	case PAGE_CONFLICT: return 409;
	case PAGE_THROTTLED: return 429;
	case PAGE_BUSY:
	case PAGE_UNAVAILABLE: return 503;
	default: return 500;
	}
}

static void load_session(struct http *h, int *db_down)
{
	const char *tok = req_pairs_get(&h->cookies, HTTP_COOKIE_OFFICE);
	unsigned char raw[AUTH_TOKEN_BYTES];
	enum db_result rc;

	if (tok == NULL || auth_token_parse(tok, raw) != 0)
		return;
	auth_token_hash(raw, h->token_hash);
	sodium_memzero(raw, sizeof raw);
	rc = db_session_office(h->db, h->token_hash, h->conf->sec.session_idle_min, &h->sess);
	if (rc == DB_LOST || rc == DB_BUSY || rc == DB_RETRY) {
		*db_down = 1;
		return;
	}
	if (rc != DB_OK)
		return;
	h->signed_in = 1;
	auth_csrf("office", h->token_hash, sizeof h->token_hash, h->csrf);
	/* Touching on every request would make each page view a write. */
	if (h->sess.seen_secs >= 60)
		db_session_touch(h->db, h->sess.id);
}

/* Portal pages: the slug's tenant (0 if unknown, -1 if the database is
 * down), then the portal session of that tenant, if the cookie names one. */
static int load_portal(struct http *h)
{
	const char *tok = req_pairs_get(&h->cookies, HTTP_COOKIE_PORTAL);
	unsigned char raw[AUTH_TOKEN_BYTES];
	enum db_result rc;

	if ((rc = db_tenant_by_slug(h->db, h->slug, &h->tenant)) != DB_OK)
		return rc == DB_NOTFOUND ? 0 : -1;
	h->have_tenant = 1;
	if (tok == NULL || auth_token_parse(tok, raw) != 0)
		return 1;
	auth_token_hash(raw, h->token_hash);
	sodium_memzero(raw, sizeof raw);
	rc = db_session_portal(h->db, h->token_hash, h->tenant.id, h->conf->sec.session_idle_min,
			       &h->psess);
	if (rc == DB_LOST || rc == DB_BUSY || rc == DB_RETRY)
		return -1;
	if (rc != DB_OK)
		return 1;
	h->portal_in = 1;
	auth_csrf("portal", h->token_hash, sizeof h->token_hash, h->csrf);
	if (h->psess.seen_secs >= 60)
		db_session_touch(h->db, h->psess.id);
	return 1;
}

/* Exact match, except that a "*" segment in a page's path matches one path
 * segment of a tenant slug's alphabet ([a-z0-9-], 1..63), copied to slug. */
static int path_match(const char *pat, const char *path, char *slug, size_t slugsz)
{
	while (*pat && *path) {
		if (*pat == '*') {
			size_t n = 0;
			while (path[n] && path[n] != '/') {
				char c = path[n];
				if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') ||
				    n + 1 >= slugsz)
					return 0;
				slug[n] = c;
				n++;
			}
			if (n == 0)
				return 0;
			slug[n] = '\0';
			pat++;
			path += n;
			continue;
		}
		if (*pat++ != *path++)
			return 0;
	}
	return *pat == '\0' && *path == '\0';
}

static const struct page *find_page(const struct page *const *pages, const char *path, char *slug,
				    size_t slugsz)
{
	for (const struct page *const *p = pages; *p != NULL; p++)
		if (path_match((*p)->path, path, slug, slugsz))
			return *p;
	return NULL;
}

static int want_xml_accept(const char *accept)
{
	return accept != NULL && strstr(accept, "application/xml") != NULL &&
	       strstr(accept, "text/html") == NULL;
}

/* Runs the request; returns nothing, always answers. */
static void dispatch(struct http *h)
{
	const char *m = FCGX_GetParam("REQUEST_METHOD", h->fr->envp);
	const char *qs = FCGX_GetParam("QUERY_STRING", h->fr->envp);
	struct req_limits lim = {h->conf->lim.body_max, h->conf->lim.fields_max,
				 h->conf->lim.field_max};
	struct val_value coreq[1], coref[1];
	xmlNodePtr root;
	enum page_result r;
	enum req_result rr;
	int st, db_down = 0;
	char *body = NULL;
	size_t blen;

	memset(coreq, 0, sizeof coreq);
	memset(coref, 0, sizeof coref);
	h->want_xml = want_xml_accept(FCGX_GetParam("HTTP_ACCEPT", h->fr->envp));
	if (m != NULL && (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0))
		h->method = HTTP_GET;
	else if (m != NULL && strcmp(m, "POST") == 0)
		h->method = HTTP_POST;

	/* The query first: ?format=xml must shape even the error pages. */
	if (qs != NULL && (rr = req_parse_urlencoded(qs, strlen(qs), &lim, &h->query)) != REQ_OK) {
		send_error(h, req_status(rr), default_message(req_status(rr)));
		return;
	}
	if (val_run(core_query, 1, &h->query, coreq) > 0) {
		send_error(h, 400, "Unknown format: use format=xml or format=html.");
		return;
	}
	if (coreq[0].st == VAL_OK)
		h->want_xml = (int)coreq[0].num;

	if ((h->page = find_page(h->pages, h->path, h->slug, sizeof h->slug)) == NULL) {
		send_error(h, 404, default_message(404));
		return;
	}
	if (h->method == 0 || !(h->page->methods & h->method)) {
		h->allow = h->page->methods == HTTP_POST		  ? "POST"
			   : (h->page->methods & HTTP_POST) ? "GET, HEAD, POST"
							    : "GET, HEAD";
		send_error(h, 405, default_message(405));
		return;
	}
	if (h->method == HTTP_POST) {
		const char *ct = FCGX_GetParam("CONTENT_TYPE", h->fr->envp);
		if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0 ||
		    (ct[33] != '\0' && ct[33] != ';')) {
			send_error(h, 415, default_message(415));
			return;
		}
		if ((st = read_body(h, &body, &blen)) != 0) {
			send_error(h, st, default_message(st));
			return;
		}
		rr = req_parse_urlencoded(body, blen, &lim, &h->form);
		sodium_memzero(body, blen); /* it may hold a password */
		free(body);
		if (rr != REQ_OK) {
			send_error(h, req_status(rr), default_message(req_status(rr)));
			return;
		}
	}
	const char *ck = FCGX_GetParam("HTTP_COOKIE", h->fr->envp);
	if (ck != NULL && req_parse_cookies(ck, strlen(ck), &lim, &h->cookies) != REQ_OK) {
		send_error(h, 400, "Too many cookies.");
		return;
	}
	if (portal_page(h)) {
		int pr = load_portal(h);
		if (pr < 0)
			db_down = 1;
		else if (pr == 0) {
			send_error(h, 404, "There is no client portal at this address.");
			return;
		}
	} else
		load_session(h, &db_down);
	if (db_down) {
		h->retry_after = 5;
		send_error(h, 503, default_message(503));
		return;
	}
	if (h->page->auth == PAGE_OFFICE && h->signed_in && strcmp(h->sess.stage, "full") != 0) {
		/* Past the password, MFA still owed: nothing else opens. */
		if (h->method == HTTP_GET && !h->want_xml) {
			http_redirect(h, strcmp(h->sess.stage, "mfa") == 0 ? "/settings/mfa"
									  : "/settings/mfa/enrol");
			send(h, 303, NULL, "", 0);
		} else
			send_error(h, 401, "Finish signing in with your two-step verification code.");
		return;
	}
	if (h->page->auth == PAGE_OFFICE || h->page->auth == PAGE_OFFICE_STAGE) {
		if (!h->signed_in) {
			if (h->method == HTTP_GET && !h->want_xml) {
				char next[600];
				snprintf(next, sizeof next, "/settings/login?next=%s", h->path);
				http_redirect(h, next);
				send(h, 303, NULL, "", 0);
			} else
				send_error(h, 401, default_message(401));
			return;
		}
		int need = h->method == HTTP_POST ? h->page->need_edit : h->page->need_view;
		if (h->sess.settings < need) {
			send_error(h, 403, h->method == HTTP_POST
						   ? "Your access to settings is view-only."
						   : "You do not have access to this page.");
			return;
		}
	}

	if (h->page->auth == PAGE_PORTAL || h->page->auth == PAGE_PORTAL_STAGE) {
		int full = h->portal_in && strcmp(h->psess.stage, "full") == 0;
		if (!h->portal_in || (h->page->auth == PAGE_PORTAL && !full)) {
			if (h->method == HTTP_GET && !h->want_xml) {
				char to[128];
				http_portal_path(h, to, sizeof to);
				http_redirect(h, to);
				send(h, 303, NULL, "", 0);
			} else
				send_error(h, 401, "Please sign in to the client portal to continue.");
			return;
		}
	}

	h->q = calloc(h->page->nquery + 1, sizeof *h->q);
	h->f = calloc(h->page->nform + 1, sizeof *h->f);
	if (h->q == NULL || h->f == NULL) {
		send_error(h, 500, default_message(500));
		return;
	}
	/* A page's query table describes its GET; a POST carries its fields
	 * in the body (its form table). */
	if (h->method == HTTP_GET &&
	    val_run(h->page->query, h->page->nquery, &h->query, h->q) > 0) {
		char msg[200];
		for (size_t i = 0; i < h->page->nquery; i++)
			if (h->q[i].st == VAL_INVALID) {
				snprintf(msg, sizeof msg, "Invalid parameter %s: %s",
					 h->page->query[i].name, h->q[i].error);
				break;
			}
		send_error(h, 400, msg);
		return;
	}

	if (h->method == HTTP_POST) {
		/* CSRF before anything else looks at the form: a forged POST
		 * learns nothing and changes nothing. */
		int ok = 0;
		val_run(core_form, 1, &h->form, coref);
		if (coref[0].st == VAL_OK) {
			if (h->page->auth == PAGE_OFFICE || h->page->auth == PAGE_OFFICE_STAGE)
				ok = auth_csrf_ok("office", h->token_hash, sizeof h->token_hash,
						  coref[0].str);
			else if (h->page->auth == PAGE_PORTAL ||
				 h->page->auth == PAGE_PORTAL_STAGE)
				ok = auth_csrf_ok("portal", h->token_hash, sizeof h->token_hash,
						  coref[0].str);
			else {
				const char *pre = req_pairs_get(&h->cookies, HTTP_COOKIE_PRE);
				unsigned char raw[AUTH_TOKEN_BYTES];
				ok = pre != NULL && auth_token_parse(pre, raw) == 0 &&
				     auth_csrf_ok("pre", raw, sizeof raw, coref[0].str);
				sodium_memzero(raw, sizeof raw);
			}
		}
		val_values_free(coref, 1);
		if (!ok && h->page->auth == PAGE_PORTAL_PUBLIC &&
		    req_pairs_get(&h->cookies, HTTP_COOKIE_PRE) == NULL) {
			/* No cookie at all: the browser refuses storage here
			 * (a third-party frame).  The page comes back offering
			 * the portal in a tab of its own instead of failing
			 * silently. */
			h->cookie_refused = 1;
			http_notice(h, "error", "Your browser did not keep the cookie that signing "
						"in needs, as some do inside a frame on another site. "
						"Open the portal in a new tab to sign in.");
			if (build_page(h, &root) != PAGE_OK) {
				send_error(h, 500, default_message(500));
				return;
			}
			send_doc(h, 403, h->doc, h->page->name);
			return;
		}
		if (!ok) {
			send_error(h, 403, "The form has expired or did not come from this site. "
					   "Reload the page and try again.");
			return;
		}
		h->form_errors = val_run(h->page->form, h->page->nform, &h->form, h->f);
		if (h->page->action != NULL && h->page->get != NULL && h->page->action(h)) {
			/* An in-form action: the form again, as typed, whatever
			 * is still invalid in it; nothing is saved.  The pool's
			 * memory of this request (the document, the result
			 * tree) is wiped when it ends: it holds the secrets. */
			h->carry = 1;
			pool_wipe();
			if ((r = build_page(h, &root)) != PAGE_OK) {
				send_error(h, result_status(r), default_message(result_status(r)));
				return;
			}
			send_doc(h, 200, h->doc, h->page->name);
			return;
		}
		r = h->form_errors > 0 ? PAGE_INVALID : h->page->post(h);
		if (r == PAGE_REDIRECT) {
			send(h, 303, NULL, "", 0);
			return;
		}
		if (r == PAGE_INVALID || r == PAGE_UNAUTHORIZED || r == PAGE_THROTTLED ||
		    r == PAGE_BUSY) {
			/* Re-render the form with the messages and entered values
			 * (a handler may ask for 200: a re-render that is no error). */
			int status = r == PAGE_INVALID && h->status ? h->status : result_status(r);
			if (h->page->get == NULL) {
				/* A POST-only action has no form of its own to show
				 * again: an error page naming the first bad field. */
				char msg[300];
				snprintf(msg, sizeof msg, "%s", default_message(status));
				for (size_t i = 0; i < h->page->nform; i++)
					if (h->f[i].st == VAL_INVALID) {
						snprintf(msg, sizeof msg, "%s: %s", h->page->form[i].label,
							 h->f[i].error);
						break;
					}
				send_error(h, status, msg);
				return;
			}
			if ((r = build_page(h, &root)) != PAGE_OK) {
				send_error(h, result_status(r), default_message(result_status(r)));
				return;
			}
			send_doc(h, status, h->doc, h->page->name);
			return;
		}
		send_error(h, result_status(r), default_message(result_status(r)));
		return;
	}

	if ((r = build_page(h, &root)) != PAGE_OK) {
		if (r == PAGE_REDIRECT)
			send(h, 303, NULL, "", 0);
		else
			send_error(h, result_status(r), default_message(result_status(r)));
		return;
	}
	/* A page may answer with another status (a dead link: 404 or 410). */
	send_doc(h, h->status ? h->status : 200, h->doc, h->page->name);
}

/* Wipes the field values a carried form echoed (http.h, carry) before
 * the document is freed. */
static void wipe_carried(struct http *h)
{
	xmlNodePtr root = h->doc != NULL ? xmlDocGetRootElement(h->doc) : NULL;

	for (xmlNodePtr n = root != NULL ? root->children : NULL; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "form") != 0)
			continue;
		for (xmlNodePtr f = n->children; f != NULL; f = f->next) {
			xmlAttrPtr a = xmlHasProp(f, BAD_CAST "value");
			for (xmlNodePtr t = a != NULL ? a->children : NULL; t != NULL; t = t->next)
				if (t->content != NULL)
					sodium_memzero(t->content, (size_t)xmlStrlen(t->content));
		}
	}
}

/* A request id for logs and error pages: unique and unguessable enough to
 * quote, without a getrandom() call per request (splitmix64 over a
 * per-thread random start). */
static void request_id(char out[17])
{
	static __thread uint64_t state;
	uint64_t z;

	if (state == 0)
		randombytes_buf(&state, sizeof state);
	z = (state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	snprintf(out, 17, "%016llx", (unsigned long long)z);
}

static void copy_printable(char *out, size_t sz, const char *in)
{
	size_t o = 0;

	for (; in != NULL && *in && o + 1 < sz; in++)
		out[o++] = ((unsigned char)*in >= 0x20 && (unsigned char)*in < 0x7f) ? *in : '?';
	out[o] = '\0';
}

void http_handle(FCGX_Request *fr, const struct conf *c, struct db *db,
		 const struct page *const *pages)
{
	struct http h;
	struct timespec t0, t1;
	char sink[4096];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&h, 0, sizeof h);
	h.fr = fr;
	h.conf = c;
	h.db = db;
	h.pages = pages;
	request_id(h.rid);
	h.path = FCGX_GetParam("DOCUMENT_URI", fr->envp);
	if (h.path == NULL)
		h.path = FCGX_GetParam("SCRIPT_NAME", fr->envp);
	if (h.path == NULL)
		h.path = "/";
	h.addr = FCGX_GetParam("REMOTE_ADDR", fr->envp);
	if (h.addr == NULL)
		h.addr = "";
	/* Stored (sessions.user_agent VARCHAR(255)) and logged: printable
	 * ASCII only, clipped, so no client can make a write fail or forge a
	 * log line. */
	copy_printable(h.ua_buf, sizeof h.ua_buf, FCGX_GetParam("HTTP_USER_AGENT", fr->envp));
	copy_printable(h.path_log, sizeof h.path_log, h.path);
	h.ua = h.ua_buf;
	db_transient_clear(db);

	dispatch(&h);

	/* Drain what the client sent and we did not read, so a kept
	 * connection stays in step. */
	while (FCGX_GetStr(sink, sizeof sink, fr->in) > 0)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info("rid=%s addr=%s method=%s path=%s status=%d bytes=%zu user=%u ms=%.2f cache=%s",
		 h.rid, h.addr, FCGX_GetParam("REQUEST_METHOD", fr->envp) ?: "-", h.path_log,
		 h.status, h.bytes_out, h.signed_in ? h.sess.user_id : 0,
		 (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
		 h.cache ? h.cache : "-");
	if (h.page != NULL) {
		val_values_free(h.q, h.page->nquery);
		val_values_free(h.f, h.page->nform);
	}
	free(h.q);
	free(h.f);
	req_pairs_free(&h.query);
	for (size_t i = 0; i < h.form.n; i++)
		sodium_memzero(h.form.v[i].val, h.form.v[i].vlen);
	req_pairs_free(&h.form);
	sodium_memzero(h.cookies_out, sizeof h.cookies_out);
	req_pairs_free(&h.cookies);
	if (h.carry)
		wipe_carried(&h);
	xmlFreeDoc(h.doc);
	sodium_memzero(h.token_hash, sizeof h.token_hash);
}
