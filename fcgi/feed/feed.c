/* The feed's requests (feed.h): path, key, share, parameters, the change
 * log's head, ETag, then the document.  Every answer is XML, errors
 * included (<error status="..." parameter="...">), with the request id. */
#include "config.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auditlog.h"
#include "feed.h"
#include "http.h"
#include "log.h"
#include "share.h"
#include "xml.h"

const struct feed_doc_def feed_docs[FEED__COUNT] = {
	[FEED_PORTAL_USERS] = {"portal-users", "portal-users", APIKEY_PORTAL_USERS,
			       DB_FEED_PORTAL_USER, NULL},
	[FEED_CUSTOMERS] = {"customers", "customers", APIKEY_CUSTOMERS, DB_FEED_CUSTOMER, NULL},
	[FEED_GROUPS] = {"groups", "groups", APIKEY_GROUPS, DB_FEED_GROUP, NULL},
	[FEED_OFFICE_USERS] = {"office-users", "office-users", APIKEY_OFFICE_USERS,
			       DB_FEED_OFFICE_USER, NULL},
	[FEED_INVOICES] = {"records/invoices", "records", APIKEY_RECORDS, DB_FEED_RECORD,
			   "invoice"},
	[FEED_ESTIMATES] = {"records/estimates", "records", APIKEY_RECORDS, DB_FEED_RECORD,
			    "estimate"},
	[FEED_JOBS] = {"records/jobs", "records", APIKEY_RECORDS, DB_FEED_RECORD, "job"},
	[FEED_DOCUMENTS] = {"records/documents", "records", APIKEY_RECORDS, DB_FEED_RECORD,
			    "document"},
	[FEED_EQUIPMENT] = {"records/equipment", "records", APIKEY_RECORDS, DB_FEED_RECORD,
			    "equipment"},
	[FEED_CHANGES] = {"changes", "changes", APIKEY_CHANGES, 0, NULL},
	[FEED_AUDIT] = {"audit", "audit", APIKEY_AUDIT, 0, NULL},
};

/* The schemas served at /feed/schema/v1/<name>.xsd, read at start-up from
 * [web] xslt_dir/feed/v1/ (feed_init). */
static const char *const schema_names[] = {
	"feed",    "portal-users", "customers", "groups", "office-users", "records",
	"changes", "error",        "event",     "audit",  NULL,
};
static struct {
	char *text;
	size_t len;
} schemas[sizeof schema_names / sizeof schema_names[0]];

int feed_init(const struct conf *c)
{
	for (size_t i = 0; schema_names[i] != NULL; i++) {
		char path[1200];
		FILE *fp;
		long n = -1;

		snprintf(path, sizeof path, "%s/feed/" FEED_SCHEMA_VERSION "/%s.xsd",
			 c->web.xslt_dir, schema_names[i]);
		if ((fp = fopen(path, "rb")) != NULL && fseek(fp, 0, SEEK_END) == 0 &&
		    (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0 &&
		    (schemas[i].text = malloc((size_t)n)) != NULL &&
		    fread(schemas[i].text, 1, (size_t)n, fp) == (size_t)n)
			schemas[i].len = (size_t)n;
		if (fp != NULL)
			fclose(fp);
		if (schemas[i].len == 0) {
			log_err("gatehouse-feed: cannot read %s", path);
			return -1;
		}
	}
	return 0;
}

static const char *status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 410: return "Gone";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

static int out_write(void *ctx, const char *buf, int len)
{
	struct feed *f = ctx;

	if (f->failed || FCGX_PutStr(buf, len, f->fr->out) != len) {
		f->failed = 1;
		return -1;
	}
	f->bytes_out += (size_t)len;
	return len;
}

/* The status line and the headers every answer has; extra (NULL: none)
 * is more header lines, each ending in CRLF. */
static void headers(struct feed *f, int status, const char *extra)
{
	f->status = status;
	FCGX_FPrintF(f->fr->out,
		     "Status: %d %s\r\n"
		     "Content-Type: application/xml; charset=utf-8\r\n"
		     "Cache-Control: private, no-cache\r\n"
		     "X-Content-Type-Options: nosniff\r\n"
		     "X-Request-Id: %s\r\n"
		     "%s\r\n",
		     status, status_text(status), f->rid, extra ? extra : "");
}

/* A writer onto the answer's body; NULL if out of memory. */
static xmlTextWriterPtr body_writer(struct feed *f)
{
	xmlOutputBufferPtr out = xmlOutputBufferCreateIO(out_write, NULL, f, NULL);
	xmlTextWriterPtr w;

	if (out == NULL)
		return NULL;
	if ((w = xmlNewTextWriter(out)) == NULL)
		xmlOutputBufferClose(out);
	return w;
}

/* The schema reference on a document's root. */
static void schema_attrs(xmlTextWriterPtr w, const char *name)
{
	char loc[96];

	snprintf(loc, sizeof loc, "/feed/schema/" FEED_SCHEMA_VERSION "/%s.xsd", name);
	xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:xsi",
				    BAD_CAST "http://www.w3.org/2001/XMLSchema-instance");
	xml_w_attr(w, "xsi:noNamespaceSchemaLocation", loc);
}

/* An error answer: <error status="..." [parameter="..."]>msg</error>.
 * extra: more headers (WWW-Authenticate, Retry-After, Allow). */
static void answer_error(struct feed *f, int status, const char *param, const char *msg,
			 const char *extra)
{
	xmlTextWriterPtr w;

	headers(f, status, extra);
	if (f->head_only || (w = body_writer(f)) == NULL)
		return;
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "error");
	schema_attrs(w, "error");
	xml_w_attr_uint(w, "status", (unsigned)status);
	if (param != NULL)
		xml_w_attr(w, "parameter", param);
	xml_w_attr(w, "request-id", f->rid);
	xmlTextWriterWriteString(w, BAD_CAST msg);
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
}

int feed_begin(struct feed *f)
{
	const struct feed_doc_def *d = &feed_docs[f->doc];
	char extra[96], cur[FEED_CURSOR_LEN + 1];
	struct feed_cursor c = {.doc = FEED_CHANGES, .tenant = f->key.tenant_id};

	if (f->w != NULL)
		return 0;
	if (f->etag[0] != '\0')
		snprintf(extra, sizeof extra, "ETag: %s\r\n", f->etag);
	else
		extra[0] = '\0';
	headers(f, 200, extra);
	if ((f->w = body_writer(f)) == NULL) {
		f->failed = 1;
		return -1;
	}
	xmlTextWriterStartDocument(f->w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(f->w, BAD_CAST d->root);
	schema_attrs(f->w, d->root);
	xml_w_attr(f->w, "tenant", f->slug);
	if (d->kind != NULL)
		xml_w_attr(f->w, "kind", d->kind);
	if (f->doc != FEED_CHANGES && f->doc != FEED_AUDIT) {
		/* Follow the change log from here: no change missed, and
		 * none that this snapshot does not already reflect lost. */
		c.after = f->snap;
		feed_cursor_encode(&c, cur);
		xml_w_attr(f->w, "changes-cursor", cur);
	}
	return f->failed ? -1 : 0;
}

/* <next after="..." href="..."/>: where the next page begins. */
static void write_next(struct feed *f, const struct feed_cursor *c, const char *more)
{
	char cur[FEED_CURSOR_LEN + 1], href[256];

	feed_cursor_encode(c, cur);
	snprintf(href, sizeof href, "/feed/%s/%s?after=%s&limit=%u", f->slug,
		 feed_docs[f->doc].path, cur, f->limit);
	xmlTextWriterStartElement(f->w, BAD_CAST "next");
	xml_w_attr(f->w, "after", cur);
	xml_w_attr(f->w, "href", href);
	if (more != NULL)
		xml_w_attr(f->w, "more", more);
	xmlTextWriterEndElement(f->w);
}

/* A key in the URL: refused before anything else reads it.  Parameter
 * names partners' tools use for keys, and any value that begins as ours. */
static int key_in_query(const struct req_pairs *q)
{
	static const char *const names[] = {"key",   "api_key", "apikey", "access_token",
					    "token", "bearer",  "auth",   NULL};

	for (size_t i = 0; i < q->n; i++) {
		for (size_t k = 0; names[k] != NULL; k++)
			if (strcasecmp(q->v[i].key, names[k]) == 0)
				return 1;
		/* A value that is a key (a cursor may hold "ghk_", never
		 * at its start). */
		if (strncmp(q->v[i].val, APIKEY_PREFIX, strlen(APIKEY_PREFIX)) == 0)
			return 1;
	}
	return 0;
}

/* /feed/<slug>/<doc>: the slug and the document, or FEED_NONE. */
static enum feed_doc route(struct feed *f)
{
	const char *p = f->path + 6, *slash = strchr(p, '/'); /* after "/feed/" */
	size_t n = slash ? (size_t)(slash - p) : 0;

	if (slash == NULL || n == 0 || n >= sizeof f->slug)
		return FEED_NONE;
	memcpy(f->slug, p, n);
	f->slug[n] = '\0';
	for (int d = 1; d < FEED__COUNT; d++)
		if (strcmp(slash + 1, feed_docs[d].path) == 0)
			return (enum feed_doc)d;
	return FEED_NONE;
}

/* GET /feed/schema/v1/<name>.xsd: public, cacheable. */
static void answer_schema(struct feed *f)
{
	const char *p = f->path + strlen("/feed/schema/" FEED_SCHEMA_VERSION "/");

	for (size_t i = 0; schema_names[i] != NULL; i++) {
		size_t n = strlen(schema_names[i]);
		if (strncmp(p, schema_names[i], n) != 0 || strcmp(p + n, ".xsd") != 0 ||
		    schemas[i].len == 0)
			continue;
		f->status = 200;
		FCGX_FPrintF(f->fr->out,
			     "Status: 200 OK\r\nContent-Type: application/xml; charset=utf-8\r\n"
			     "Cache-Control: public, max-age=3600\r\nX-Request-Id: %s\r\n\r\n",
			     f->rid);
		if (!f->head_only)
			out_write(f, schemas[i].text, (int)schemas[i].len);
		return;
	}
	answer_error(f, 404, NULL, "No such schema.", NULL);
}

/* The key: 401, 403, 404, 429 or 503 as apikey_check decides. */
static int admit(struct feed *f)
{
	char extra[160];
	unsigned retry = 0;
	const char *authz = FCGX_GetParam("HTTP_AUTHORIZATION", f->fr->envp);

	switch (apikey_check(f->db, authz, f->addr, f->slug, feed_docs[f->doc].scope, &f->key,
			     &retry)) {
	case APIKEY_OK: return 0;
	case APIKEY_MISSING:
		answer_error(f, 401, NULL, "An API key is needed: Authorization: Bearer <key>.",
			     "WWW-Authenticate: Bearer realm=\"gatehouse\"\r\n");
		return -1;
	case APIKEY_INVALID:
		answer_error(f, 401, NULL, "The API key is not valid, revoked or expired.",
			     "WWW-Authenticate: Bearer realm=\"gatehouse\", "
			     "error=\"invalid_token\"\r\n");
		return -1;
	case APIKEY_ADDRESS:
		answer_error(f, 403, NULL, "This key may not be used from this address.", NULL);
		return -1;
	case APIKEY_SCOPE:
		snprintf(extra, sizeof extra, "This key lacks the scope %s.",
			 apikey_scope_name((unsigned)__builtin_ctz(feed_docs[f->doc].scope)));
		answer_error(f, 403, NULL, extra, NULL);
		return -1;
	case APIKEY_OTHER: answer_error(f, 404, NULL, "Not found.", NULL); return -1;
	case APIKEY_RATE:
		snprintf(extra, sizeof extra, "Retry-After: %u\r\n", retry);
		answer_error(f, 429, NULL, "Over this key's rate limit: try again later.", extra);
		return -1;
	default:
		answer_error(f, 503, NULL, "Try again in a moment.", "Retry-After: 5\r\n");
		return -1;
	}
}

/* ?after= and ?limit=: a cursor of this tenant and document, 1..1000. */
static int parameters(struct feed *f)
{
	static const struct val_field tab[] = {
		{"after", val_cursor, FEED_CURSOR_LEN + 8, 0, "after"},
		{"limit", val_uint, 8, 0, "limit"},
	};
	struct val_value v[2];
	int rc = -1;

	memset(v, 0, sizeof v);
	val_run(tab, 2, &f->query, v);
	f->limit = FEED_LIMIT_DEFAULT;
	if (v[1].st == VAL_INVALID ||
	    (v[1].st == VAL_OK && (v[1].num < 1 || v[1].num > FEED_LIMIT_MAX))) {
		answer_error(f, 400, "limit", "limit: a whole number from 1 to 1000.", NULL);
		goto out;
	}
	if (v[1].st == VAL_OK)
		f->limit = (unsigned)v[1].num;
	if (v[0].st == VAL_INVALID ||
	    (v[0].st == VAL_OK &&
	     (feed_cursor_decode(v[0].str, strlen(v[0].str), &f->after) != 0 ||
	      f->after.tenant != f->key.tenant_id || f->after.doc != (unsigned)f->doc ||
	      (f->doc != FEED_CHANGES && f->doc != FEED_AUDIT && f->after.after > UINT32_MAX)))) {
		answer_error(f, 400, "after",
			     "after: not a cursor of this feed (take it from a page's <next>).",
			     NULL);
		goto out;
	}
	f->have_after = v[0].st == VAL_OK;
	rc = 0;
out:
	val_values_free(v, 2);
	return rc;
}

/* The change log's head, every committed change numbered first. */
static int head(struct feed *f)
{
	enum db_result rc = db_feed_head(f->db, f->key.tenant_id, &f->head);

	if (rc == DB_OK && f->head.pending &&
	    (rc = db_feed_stamp(f->db, f->key.tenant_id)) == DB_OK)
		rc = db_feed_head(f->db, f->key.tenant_id, &f->head);
	if (rc != DB_OK) {
		answer_error(f, 503, NULL, "Try again in a moment.", "Retry-After: 2\r\n");
		return -1;
	}
	return 0;
}

/* The strong ETag: what the document depends on (its position, size and
 * scopes, and the change log's head, which moves with every change of a
 * fed resource). */
static void make_etag(struct feed *f)
{
	unsigned char h[16];
	char in[256], hex[33];
	int n = snprintf(in, sizeof in, "%s|%d|%u|%u|%u|%llu|%llu|%llu|%u", FEED_SCHEMA_VERSION,
			 f->doc, f->key.tenant_id, f->key.scopes, f->limit,
			 (unsigned long long)f->head.seq, (unsigned long long)f->snap,
			 (unsigned long long)(f->have_after ? f->after.after : 0), f->have_after);

	crypto_generichash(h, sizeof h, (const unsigned char *)in, (size_t)n, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(f->etag, sizeof f->etag, "\"%s\"", hex);
}

static int not_modified(struct feed *f)
{
	const char *inm = FCGX_GetParam("HTTP_IF_NONE_MATCH", f->fr->envp);
	char extra[96];

	if (inm == NULL || (strstr(inm, f->etag) == NULL && strcmp(inm, "*") != 0))
		return 0;
	snprintf(extra, sizeof extra, "ETag: %s\r\n", f->etag);
	f->status = 304;
	FCGX_FPrintF(f->fr->out,
		     "Status: 304 Not Modified\r\nCache-Control: private, no-cache\r\n"
		     "X-Request-Id: %s\r\n%s\r\n",
		     f->rid, extra);
	return 1;
}

/* A snapshot's page: its rows as they come, then <next> while a full page
 * came (a shorter one is the last). */
static void snapshot(struct feed *f)
{
	const struct feed_doc_def *d = &feed_docs[f->doc];
	unsigned after = f->have_after ? (unsigned)f->after.after : 0;
	enum db_result rc;

	f->res = d->resource;
	rc = d->resource == DB_FEED_RECORD ? db_feed_records(f->db, f->key.tenant_id, d->kind,
							     after, f->limit, feed_row, f)
					   : db_feed_page(f->db, d->resource, f->key.tenant_id,
							  after, f->limit, feed_row, f);
	if (rc != DB_OK && f->w == NULL) {
		answer_error(f, 503, NULL, "Try again in a moment.", "Retry-After: 2\r\n");
		return;
	}
	if (rc != DB_OK || feed_begin(f) != 0)
		return; /* begun: the document stays unfinished, which a parser sees */
	feed_close(f);
	if (f->rows == f->limit) {
		struct feed_cursor c = {.doc = (unsigned)f->doc,
					.tenant = f->key.tenant_id,
					.snap = f->snap,
					.after = f->last_id};
		write_next(f, &c, NULL);
	}
	xmlTextWriterEndDocument(f->w);
}

static void changes(struct feed *f)
{
	struct feed_cursor c = {.doc = FEED_CHANGES, .tenant = f->key.tenant_id};
	uint64_t after = f->have_after ? f->after.after : f->head.floor;

	if (after < f->head.floor || after > f->head.seq) {
		answer_error(f, 410, "after",
			     "after: these changes are no longer kept: take a new snapshot.", NULL);
		return;
	}
	f->after.after = after;
	if (feed_begin(f) != 0)
		return;
	if (feed_write_changes(f) != DB_OK)
		return;           /* unfinished document */
	c.after = f->after.after; /* moved to the last change written */
	write_next(f, &c, f->after.after < f->head.seq ? "true" : "false");
	xmlTextWriterEndDocument(f->w);
}

static int audit_row(void *ctx, const struct db_audit_row *r)
{
	struct feed *f = ctx;

	if (feed_begin(f) != 0)
		return 1;
	f->rows++;
	f->last_audit = r->id;
	return auditlog_xml_entry(f->w, r) < 0 || f->failed ? 1 : 0;
}

/* The audit trail, oldest first by id, its entries as they come; <next>
 * always (more="true" after a full page): a partner keeps its cursor and
 * polls from there.  No ETag: new entries do not move the change log's
 * head, which the others' hang on. */
static void audit(struct feed *f)
{
	struct feed_cursor c = {.doc = FEED_AUDIT, .tenant = f->key.tenant_id};
	enum db_result rc;

	f->last_audit = f->have_after ? f->after.after : 0;
	rc = db_audit_feed(f->db, f->key.tenant_id, f->last_audit, f->limit, audit_row, f);
	if (rc != DB_OK && f->w == NULL) {
		answer_error(f, 503, NULL, "Try again in a moment.", "Retry-After: 2\r\n");
		return;
	}
	if (rc != DB_OK || feed_begin(f) != 0)
		return; /* begun: the document stays unfinished, which a parser sees */
	c.after = f->last_audit;
	write_next(f, &c, f->rows == f->limit ? "true" : "false");
	xmlTextWriterEndDocument(f->w);
}

/* Everything after the key: parameters, head, ETag, the document. */
static void serve(struct feed *f)
{
	if (parameters(f) != 0)
		return;
	if (f->doc == FEED_AUDIT) {
		if (f->head_only)
			headers(f, 200, NULL);
		else
			audit(f);
		return;
	}
	if (head(f) != 0)
		return;
	f->snap = f->doc != FEED_CHANGES && f->have_after ? f->after.snap : f->head.seq;
	make_etag(f);
	if (not_modified(f))
		return;
	if (f->head_only) {
		char extra[96];
		snprintf(extra, sizeof extra, "ETag: %s\r\n", f->etag);
		headers(f, 200, extra);
		return;
	}
	if (f->doc == FEED_CHANGES)
		changes(f);
	else
		snapshot(f);
}

static void request(struct feed *f)
{
	const char *m = FCGX_GetParam("REQUEST_METHOD", f->fr->envp);
	const char *qs = FCGX_GetParam("QUERY_STRING", f->fr->envp);
	struct req_limits lim = {f->conf->lim.body_max, f->conf->lim.fields_max,
				 f->conf->lim.field_max};

	f->method = m;
	f->head_only = m != NULL && strcmp(m, "HEAD") == 0;
	if (m == NULL || (strcmp(m, "GET") != 0 && !f->head_only)) {
		answer_error(f, 405, NULL, "Only GET and HEAD.", "Allow: GET, HEAD\r\n");
		return;
	}
	if (qs != NULL && req_parse_urlencoded(qs, strlen(qs), &lim, &f->query) != REQ_OK) {
		answer_error(f, 400, NULL, "Malformed query string.", NULL);
		return;
	}
	/* Before the key is looked at: a key in a URL is in someone's
	 * history or proxy log already, and is never written to ours. */
	if (key_in_query(&f->query)) {
		answer_error(f, 400, NULL,
			     "API keys go in the Authorization header, never in the URL. Roll "
			     "this key now: it may have been logged on the way.",
			     NULL);
		return;
	}
	if (strncmp(f->path, "/feed/schema/" FEED_SCHEMA_VERSION "/", 16) == 0) {
		answer_schema(f);
		return;
	}
	if (strncmp(f->path, "/feed/", 6) != 0 || (f->doc = route(f)) == FEED_NONE) {
		const char *slash = strchr(f->path + 6, '/');
		if (slash != NULL && strncmp(slash, "/records/", 9) == 0)
			answer_error(
				f, 400, "kind",
				"kind: one of invoices, estimates, jobs, documents, equipment.",
				NULL);
		else
			answer_error(f, 404, NULL, "No such feed.", NULL);
		return;
	}
	if (admit(f) != 0)
		return;
	if (share_enter(f->key.tenant_id) != SHARE_OK) {
		answer_error(f, 503, NULL, "Too many requests of this company at once: try again.",
			     "Retry-After: 1\r\n");
		return;
	}
	f->share_tenant = f->key.tenant_id;
	serve(f);
}

void feed_handle(FCGX_Request *fr, const struct conf *c, struct db *db, const struct responder *r)
{
	struct feed f;
	struct timespec t0, t1;
	char sink[4096];

	(void)r;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&f, 0, sizeof f);
	f.fr = fr;
	f.conf = c;
	f.db = db;
	http_request_id(f.rid);
	log_request(f.rid);
	if ((f.path = FCGX_GetParam("DOCUMENT_URI", fr->envp)) == NULL)
		f.path = "/";
	if ((f.addr = FCGX_GetParam("REMOTE_ADDR", fr->envp)) == NULL)
		f.addr = "";
	/* The path only: the query string could hold a key sent by mistake. */
	http_printable(f.path_log, sizeof f.path_log, f.path);
	db_transient_clear(db);
	request(&f);
	share_leave(f.share_tenant);
	if (f.w != NULL) {
		xmlFreeTextWriter(f.w);
		f.w = NULL;
	}
	if (db_in_txn(db))
		db_rollback(db);
	while (FCGX_GetStr(sink, sizeof sink, fr->in) > 0)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info("addr=%s method=%s path=%s status=%d bytes=%zu key=%s rows=%u ms=%.2f", f.addr,
		 f.method ? f.method : "-", f.path_log, f.status, f.bytes_out,
		 f.key.key_id[0] ? f.key.key_id : "-", f.rows,
		 (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	log_request(NULL);
	req_pairs_free(&f.query);
	sodium_memzero(&f.key, sizeof f.key);
}
