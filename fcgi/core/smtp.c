/* One SMTP conversation through libcurl (see smtp.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp.h"

#define CONNECT_SECS 10L
#define SEND_SECS 60L /* a whole SMTP conversation; bounds a stop in flight */

struct upload {
	const char *p;
	size_t len, off;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb, left = u->len - u->off;

	if (n > left)
		n = left;
	memcpy(dst, u->p + u->off, n);
	u->off += n;
	return n;
}

/* What the server said: the refusal (a 4xx or 5xx reply line) that ended the
 * transfer, for the error and the outcome (a later success clears it: curl
 * falls back from a refused EHLO to HELO), and the last reply but the 221
 * that answers QUIT.  Only what the server says is looked at: what we send
 * (AUTH carries the password, DATA a token) never is. */
struct replies {
	char line[160], last[160];
	long code;
};

static void copy_line(char *out, size_t outsz, const char *data, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < size && o + 1 < outsz; i++) {
		unsigned char ch = (unsigned char)data[i];
		if (ch == '\r' || ch == '\n')
			break;
		out[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	out[o] = '\0';
}

static int debug_cb(CURL *c, curl_infotype type, char *data, size_t size, void *arg)
{
	struct replies *r = arg;

	(void)c;
	if (type != CURLINFO_HEADER_IN || size < 3)
		return 0;
	if (strncmp(data, "221", 3) != 0)
		copy_line(r->last, sizeof r->last, data, size);
	if (data[0] != '4' && data[0] != '5') {
		if (strncmp(data, "221", 3) != 0) {
			r->line[0] = '\0';
			r->code = 0;
		}
		return 0;
	}
	copy_line(r->line, sizeof r->line, data, size);
	r->code = strtol(r->line, NULL, 10);
	return 0;
}

/* The transfer's options: the server, its TLS and login, the envelope,
 * the message to upload (u), the bounds, and where the server's replies
 * (r) and curl's error (ebuf) go. */
static void set_options(CURL *c, const struct smtp_server *s, const char *from,
			struct curl_slist *rcpt, struct upload *u, char *ebuf, struct replies *r)
{
	int login = s->user != NULL && s->user[0] != '\0';

	/* Reset keeps the connection cache: the next message to the same
	 * server reuses an open connection. */
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, s->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
	/* smtps:// is TLS from the first byte; smtp:// upgrades with STARTTLS
	 * whenever the server offers it, and must when we authenticate: a
	 * password is never sent in clear because someone stripped STARTTLS. */
	if (strncmp(s->url, "smtp://", 7) == 0)
		curl_easy_setopt(c, CURLOPT_USE_SSL,
				 login || s->require_tls ? (long)CURLUSESSL_ALL
							 : (long)CURLUSESSL_TRY);
	if (login) {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->password ? s->password : "");
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_SECS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, SEND_SECS);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	/* The debug callback sees the server's replies only with VERBOSE on;
	 * it prints nothing itself. */
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, r);
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
}

enum smtp_outcome smtp_send(CURL *c, const struct smtp_server *s, const char *to, const char *msg,
			    size_t len, char *reply, size_t replysz, char *err, size_t errsz)
{
	struct upload u = {msg, len, 0};
	struct replies r = {"", "", 0};
	struct curl_slist *rcpt = NULL;
	char from[300], addr[300], ebuf[CURL_ERROR_SIZE] = "", dummy[1];
	long code = 0;
	CURLcode rc;
	enum smtp_outcome out = SMTP_TEMP;

	if (err == NULL) {
		err = dummy;
		errsz = sizeof dummy;
	}
	err[0] = '\0';
	if (reply != NULL && replysz > 0)
		reply[0] = '\0';
	snprintf(from, sizeof from, "<%s>", s->from);
	snprintf(addr, sizeof addr, "<%s>", to);
	if ((rcpt = curl_slist_append(NULL, addr)) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	set_options(c, s, from, rcpt, &u, ebuf, &r);
	rc = curl_easy_perform(c);
	if (reply != NULL && replysz > 0)
		snprintf(reply, replysz, "%s", r.last);
	if (rc == CURLE_OK) {
		out = SMTP_SENT;
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	/* After a refusal curl may still exchange QUIT/221: the refusal's own
	 * code is the one that counts. */
	if (r.code >= 400)
		code = r.code;
	snprintf(err, errsz, "%s%s%s%s", ebuf[0] ? ebuf : curl_easy_strerror(rc),
		 r.line[0] ? " (server: " : "", r.line, r.line[0] ? ")" : "");
	/* A 5xx refuses this message for good.  A refused login is the
	 * config's fault and would fail every message alike: keep them. */
	out = code >= 500 && rc != CURLE_LOGIN_DENIED ? SMTP_PERM : SMTP_TEMP;
out:
	curl_slist_free_all(rcpt);
	return out;
}
