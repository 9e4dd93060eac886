/* What the request core sends: the status, the security headers (CSP,
 * framing, HSTS over HTTPS), the cookies queued, and the page as HTML
 * (through the render cache where the page allows) or XML, or an error
 * document. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_int.h"
#include "rcache.h"
#include "render.h"
#include "xml.h"

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

static const char *security_headers =
	"X-Content-Type-Options: nosniff\r\n"
	"Referrer-Policy: same-origin\r\n"
	"Cache-Control: no-store\r\n"
	"Vary: Accept, Cookie\r\n"
	"Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; "
	"img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors ";

/* The frame-ancestors list: 'none', except where the responder's session
 * step named origins that may frame the answer (the portal: the tenant's
 * listed origins), and then no X-Frame-Options, which would contradict it.
 * The origins were validated (val_origins) and are stored one per line. */
static void frame_policy(const struct http *h, char *out, size_t outsz)
{
	size_t n = 0;
	const char *o;

	if (h->frame_origins == NULL || h->frame_origins[0] == '\0') {
		snprintf(out, outsz,
			 "'none'\r\nX-Frame-Options: DENY\r\n"
			 "Cross-Origin-Opener-Policy: same-origin\r\n");
		return;
	}
	n = (size_t)snprintf(out, outsz, "'self'");
	for (o = h->frame_origins; *o != '\0';) {
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
#define ADD(...)                                                                                   \
	do {                                                                                       \
		int k_ = snprintf(buf + n, sz - n, __VA_ARGS__);                                   \
		if (k_ > 0)                                                                        \
			n = n + (size_t)k_ < sz ? n + (size_t)k_ : sz - 1;                         \
	} while (0)

/* Every answer's headers into buf (sz bytes): the status, the security
 * headers, the cookies queued, the content type (NULL: none); no blank
 * line yet.  Returns their length. */
static size_t head(struct http *h, int status, const char *ctype, char *buf, size_t sz)
{
	char frame[6400];
	size_t n = 0;

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
	/* 401 must name a scheme: ours is the responder's sign-in form. */
	if (status == 401)
		ADD("WWW-Authenticate: Cookie realm=\"Gatehouse\", form-action=\"%s\"\r\n",
		    h->sign_in_form[0] ? h->sign_in_form : "/");
	if (status == 405 && h->allow != NULL)
		ADD("Allow: %s\r\n", h->allow);
	for (int i = 0; i < h->ncookies; i++)
		ADD("Set-Cookie: %s\r\n", h->cookies_out[i]);
	if (ctype != NULL)
		ADD("Content-Type: %s\r\n", ctype);
	return n;
}

void answer(struct http *h, int status, const char *ctype, const void *body, size_t len)
{
	FCGX_Stream *out = h->fr->out;
	char buf[12288];
	size_t sz = sizeof buf, n = head(h, status, ctype, buf, sz);

	ADD("Content-Length: %zu\r\n\r\n", len);
	FCGX_PutStr(buf, (int)n, out);
	if (len > 0 && strcmp(FCGX_GetParam("REQUEST_METHOD", h->fr->envp) ?: "", "HEAD") != 0)
		FCGX_PutStr(body, (int)len, out);
	h->bytes_out = len;
}

void http_stream_start(struct http *h, const char *ctype, const char *filename)
{
	char buf[12288];
	size_t sz = sizeof buf, n = head(h, 200, ctype, buf, sz);

	ADD("Content-Disposition: attachment; filename=\"%s\"\r\n\r\n", filename);
	FCGX_PutStr(buf, (int)n, h->fr->out);
}
#undef ADD

/* The HTML of doc, through the render cache when memo: kept under the
 * page memo's key after its miss (http.c memo_answer: the next such GET is
 * answered without a build) unless the page said it may not be, else
 * under the document's digest.  0, or -1 when rendering failed. */
static int render_for(struct http *h, int memo, const char *sheet, xmlDocPtr doc, xmlChar **buf,
		      int *len)
{
	int hit = 0;

	if (!memo)
		return render_html(sheet, doc, buf, len);
	if (!h->memo_keyed) {
		if (render_page(sheet, doc, buf, len, &hit, h->share_tenant) != 0)
			return -1;
	} else if (render_html(sheet, doc, buf, len) != 0)
		return -1;
	else if (!h->memo_off && h->ncookies == 0)
		rcache_put(h->memo_key, *buf, *len, h->share_tenant);
	h->cache = hit ? "hit" : "miss";
	return 0;
}

void answer_doc(struct http *h, int status, xmlDocPtr doc, const char *sheet)
{
	xmlChar *buf = NULL;
	int len = 0;
	/* A page's own 200 answer to a GET may come from the render cache;
	 * never one that carries what a form action brought back. */
	int memo = status == 200 && h->method == HTTP_GET && h->page != NULL && h->page->memo &&
		   doc == h->doc && !h->carry;

	if (h->want_xml) {
		if (xml_serialise(doc, &buf, &len) == 0) {
			answer(h, status, "application/xml; charset=utf-8", buf, (size_t)len);
			if (h->carry)
				sodium_memzero(buf, (size_t)len);
			xmlFree(buf);
			return;
		}
	} else if (render_for(h, memo, sheet, doc, &buf, &len) == 0) {
		answer(h, status, "text/html; charset=utf-8", buf, (size_t)len);
		if (h->carry)
			sodium_memzero(buf, (size_t)len); /* it holds the typed password */
		xmlFree(buf);
		return;
	}
	xmlFree(buf);
	/* Rendering failed: a fixed plain-text answer, nothing that could leak. */
	static const char msg[] = "Internal Server Error\n";
	h->ncookies = 0;
	answer(h, 500, "text/plain; charset=utf-8", msg, sizeof msg - 1);
}

void answer_error(struct http *h, int status, const char *message)
{
	xmlDocPtr d;
	xmlNodePtr r;

	/* A failure the database called temporary (read-only, a lock or a
	 * statement past its bound, a deadlock) is "try again in a moment",
	 * whichever path the handler took to report it. */
	if (status == 500 && db_transient(h->db)) {
		status = 503;
		message = answer_message(503);
		h->error_msg = NULL;
	}
	d = xml_doc("error");
	if (d == NULL) {
		answer(h, 500, "text/plain; charset=utf-8", "Internal Server Error\n", 22);
		return;
	}
	r = xmlDocGetRootElement(d);
	xml_attr_int(r, "status", status);
	xml_attr(r, "request-id", h->rid);
	xml_text_el(r, "title", status_text(status));
	xml_text_el(r, "message",
		    h->error_msg ? h->error_msg
		    : message    ? message
				 : answer_message(status));
	answer_doc(h, status, d, "error");
	xmlFreeDoc(d);
}

void answer_redirect(struct http *h)
{
	answer(h, 303, NULL, "", 0);
}

const char *answer_message(int status)
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
	case 503:
		return "The service is busy or briefly unavailable. Please try again in a moment.";
	default: return "Something went wrong on our side. It has been logged; please try again.";
	}
}

int answer_status(enum page_result r)
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
