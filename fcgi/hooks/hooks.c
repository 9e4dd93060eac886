/* gatehouse-hooks: pushes the partner feed's changes to the tenants'
 * webhook endpoints (Settings > Integrations > Webhooks), signed per the
 * Standard Webhooks scheme.
 *
 * Queue, claim, post, record.  Each round first queues, for every enabled
 * endpoint, one delivery per new change of its events (the change log of
 * sql/022, numbered in commit order), then delivers what is due: a
 * delivery is claimed in a transaction of its own with a lease
 * ([webhooks] lease_secs) before the POST, and its outcome is written by
 * the claim's holder only, as the mailer does (fcgi/mailer/mailer.c).
 * Several workers may run.  A worker killed mid-batch loses nothing: its
 * claims run out and are taken again; a POST that reached the endpoint
 * just before the kill is sent again with the same webhook-id (at least
 * once; receivers drop duplicates by that id).
 *
 * The body is <event> holding the <change> element of the change feed
 * (xslt/feed/v1/event.xsd).  A failed delivery is tried again after 1, 60,
 * 360, 1440, 3600, then 7200 times retry_base_secs (5 s: 5 s, 5 min, 30
 * min, 2 h, 5 h, 10 h), until it is give_up_hours old; an endpoint that
 * has failed every delivery that long is disabled and its Super Admins
 * are mailed.  Deliveries connect only to public addresses (checked on
 * the address actually connected to, after DNS), https only, no
 * redirects, unless [webhooks] allow_private (a dev stack).
 *
 * SIGTERM/SIGINT through a signalfd, looked at between deliveries: the one
 * in flight is finished, then the worker exits 0. */
#include "config.h"

#include <curl/curl.h>
#include <libxml/xmlwriter.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "conf.h"
#include "daemon.h"
#include "db.h"
#include "feed.h"
#include "invite.h"
#include "log.h"
#include "webhook.h"
#include "xml.h"

#define NAME "gatehouse-hooks"
#define ERR_MAX 290 /* webhook_deliveries.last_error holds 300 */
#define DB_PAUSE_MS 1000

enum outcome { OUT_DONE, OUT_TEMP, OUT_PERM };
enum step { STEP_DONE, STEP_IDLE, STEP_DB };

static struct conf conf;
static int sig_fd = -1;

/* ---- the event's body ---- */

static const char *const type_op[] = {"", "created", "updated", "deleted"};

/* The event's XML for j: *out (freed with xmlBufferFree).  DB_OK, or the
 * database's failure (reading the resource's state). */
static enum db_result event_xml(struct db *db, const struct db_hook_job *j, xmlBufferPtr *out)
{
	struct feed f;
	struct db_feed_change c = {
		.seq = j->seq, .resource = j->resource, .id = j->rid, .op = j->op};
	char id[48], type[40];
	xmlBufferPtr b = xmlBufferCreate();
	enum db_result rc = DB_ERR;

	*out = NULL;
	if (b == NULL || j->resource < 1 || j->resource > 5 || j->op < 1 || j->op > 3)
		goto out;
	memset(&f, 0, sizeof f);
	f.db = db;
	f.key.tenant_id = j->tenant_id;
	f.key.scopes = ~0u; /* the endpoint's events chose already */
	f.limit = 1;
	snprintf(f.slug, sizeof f.slug, "%s", j->slug);
	snprintf(c.at, sizeof c.at, "%s", j->at);
	if ((f.w = xmlNewTextWriterMemory(b, 0)) == NULL)
		goto out;
	snprintf(id, sizeof id, "evt_%u_%llu", j->tenant_id, (unsigned long long)j->seq);
	snprintf(type, sizeof type, "%s.%s", feed_resource_name(j->resource), type_op[j->op]);
	xmlTextWriterStartDocument(f.w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(f.w, BAD_CAST "event");
	xmlTextWriterWriteAttribute(f.w, BAD_CAST "xmlns:xsi",
				    BAD_CAST "http://www.w3.org/2001/XMLSchema-instance");
	xml_w_attr(f.w, "xsi:noNamespaceSchemaLocation",
		   "/feed/schema/" FEED_SCHEMA_VERSION "/event.xsd");
	xml_w_attr(f.w, "id", id);
	xml_w_attr(f.w, "type", type);
	xml_w_attr(f.w, "tenant", j->slug);
	rc = feed_write_change(&f, &c);
	xmlTextWriterEndDocument(f.w);
	xmlFreeTextWriter(f.w);
	if (rc == DB_OK) {
		*out = b;
		b = NULL;
	}
out:
	xmlBufferFree(b);
	return rc;
}

/* ---- the POST ---- */

/* The socket for a connection: refused (CURL_SOCKET_BAD) to a blocked
 * address; checked here, on the address resolved, so a name that points
 * inside (DNS rebinding included) is refused as a literal one is. */
static curl_socket_t open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
	(void)ctx;
	if (purpose != CURLSOCKTYPE_IPCXN ||
	    (!conf.hooks.allow_private && webhook_addr_blocked(&a->addr)))
		return CURL_SOCKET_BAD;
	return socket(a->family, a->socktype, a->protocol);
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* POSTs body to the endpoint, signed; *code: the answer's status (0: none). */
static enum outcome post(CURL *c, const struct db_hook_job *j, const char *secret,
			 const xmlBufferPtr body, unsigned *code, char *err, size_t errsz)
{
	char msg_id[40], h_id[64], h_ts[64], h_sig[WEBHOOK_SIG_LEN + 32], sig[WEBHOOK_SIG_LEN + 1];
	char cerr[CURL_ERROR_SIZE] = "";
	long long ts = (long long)time(NULL);
	long status = 0;
	struct curl_slist *hs = NULL;
	CURLcode rc;
	const char *data = (const char *)xmlBufferContent(body);
	size_t len = (size_t)xmlBufferLength(body);

	*code = 0;
	/* The delivery's id: the same on every attempt, so a receiver drops
	 * a repeat. */
	snprintf(msg_id, sizeof msg_id, "msg_%llu", (unsigned long long)j->id);
	if (webhook_sign(secret, msg_id, ts, data, len, sig) != 0) {
		snprintf(err, errsz, "the signing secret cannot be read");
		return OUT_PERM;
	}
	snprintf(h_id, sizeof h_id, "webhook-id: %s", msg_id);
	snprintf(h_ts, sizeof h_ts, "webhook-timestamp: %lld", ts);
	snprintf(h_sig, sizeof h_sig, "webhook-signature: %s", sig);
	hs = curl_slist_append(hs, "Content-Type: application/xml; charset=utf-8");
	hs = curl_slist_append(hs, h_id);
	hs = curl_slist_append(hs, h_ts);
	hs = curl_slist_append(hs, h_sig);
	hs = curl_slist_append(hs, "Expect:");
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, j->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
			 conf.hooks.allow_private ? "http,https" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)conf.hooks.timeout_secs);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)conf.hooks.timeout_secs);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Gatehouse-Webhooks/1");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	rc = curl_easy_perform(c);
	curl_slist_free_all(hs);
	if (rc != CURLE_OK) {
		snprintf(err, errsz, "%s",
			 rc == CURLE_COULDNT_CONNECT && !conf.hooks.allow_private
				 ? "could not connect (or the address is a private one)"
				 : (cerr[0] ? cerr : curl_easy_strerror(rc)));
		return OUT_TEMP;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	*code = (unsigned)status;
	if (status >= 200 && status < 300)
		return OUT_DONE;
	snprintf(err, errsz, "the endpoint answered %ld", status);
	return OUT_TEMP;
}

/* The wait before attempt n + 1 (n >= 1 made so far). */
static unsigned backoff(unsigned n)
{
	static const unsigned mult[] = {1, 60, 360, 1440, 3600, 7200};
	unsigned i = n == 0 ? 0 : n - 1;

	return conf.hooks.retry_base_secs * mult[i < 6 ? i : 5];
}

/* The tenant's Super Admins, collected before they are mailed (no
 * statement may run inside another's rows). */
#define ADMINS_MAX 20
struct admins {
	char email[ADMINS_MAX][255], company[801];
	unsigned n;
};

static int collect_admin(void *ctx, const char *email, const char *company)
{
	struct admins *a = ctx;

	if (a->n < ADMINS_MAX && strlen(email) < sizeof a->email[0]) {
		snprintf(a->email[a->n++], sizeof a->email[0], "%s", email);
		snprintf(a->company, sizeof a->company, "%s", company);
	}
	return 0;
}

/* Tells the tenant's Super Admins that j's endpoint was disabled. */
static enum db_result notify_admins(struct db *db, const struct db_hook_job *j, const char *reason)
{
	struct admins *a = calloc(1, sizeof *a);
	enum db_result rc;

	if (a == NULL)
		return DB_ERR;
	rc = db_hooks_admins(db, j->tenant_id, collect_admin, a);
	for (unsigned i = 0; rc == DB_OK && i < a->n; i++)
		rc = invite_enqueue_webhook_disabled(db, &conf, j->tenant_id, a->company,
						     a->email[i], j->url, conf.hooks.give_up_hours,
						     reason);
	free(a);
	return rc;
}

/* The outcome of j, by the claim's holder, and the endpoint's health, in
 * one transaction. */
static enum db_result record(struct db *db, const struct db_hook_job *j, const unsigned char *claim,
			     enum outcome out, unsigned code, const char *err)
{
	int disabled = 0;
	enum db_result rc;

	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if (out == OUT_DONE)
		rc = db_hooks_done(db, j->id, claim, code);
	else if (out == OUT_TEMP)
		rc = db_hooks_retry(db, j->id, claim, backoff(j->attempts), code, err);
	else
		rc = db_hooks_failed(db, j->id, claim, code, err);
	if (rc == DB_OK)
		rc = db_hooks_health(db, j->tenant_id, j->webhook_id, out == OUT_DONE,
				     conf.hooks.give_up_hours * 3600u, err, &disabled);
	if (rc == DB_OK && disabled) {
		rc = notify_admins(db, j, err);
		if (rc == DB_OK)
			log_warn("%s: endpoint %u of tenant %u failed for %u hours: disabled, "
				 "its Super Admins mailed",
				 NAME, j->webhook_id, j->tenant_id, conf.hooks.give_up_hours);
	}
	if (rc == DB_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	return rc;
}

/* Claims the next due delivery, posts it and records the outcome. */
static enum step process_one(struct db *db, CURL *c, struct db_hook_job *j)
{
	unsigned char claim[DB_CLAIM_LEN], secret[WEBHOOK_SECRET_LEN + 1];
	char err[ERR_MAX] = "";
	xmlBufferPtr body = NULL;
	unsigned code = 0;
	enum outcome out = OUT_PERM;
	enum db_result rc;
	enum step st = STEP_DB;

	randombytes_buf(claim, sizeof claim);
	memset(secret, 0, sizeof secret);
	if ((rc = db_hooks_claim(db, claim, conf.hooks.lease_secs, j)) != DB_OK) {
		st = rc == DB_NOTFOUND ? STEP_IDLE : rc == DB_RETRY ? STEP_DONE : STEP_DB;
		goto out;
	}
	if (j->sealed_len <= AUTH_SEAL_OVERHEAD ||
	    j->sealed_len - AUTH_SEAL_OVERHEAD > WEBHOOK_SECRET_LEN ||
	    auth_open(j->sealed, j->sealed_len, secret, WEBHOOK_SECRET_LEN) != 0)
		snprintf(err, sizeof err,
			 "the signing secret cannot be opened (was the secrets "
			 "key replaced?)");
	else if ((rc = event_xml(db, j, &body)) != DB_OK) {
		out = OUT_TEMP;
		snprintf(err, sizeof err, "the change's resource could not be read");
	} else
		out = post(c, j, (const char *)secret, body, &code, err, sizeof err);
	if (out == OUT_TEMP && j->age_secs + (long long)backoff(j->attempts) >
				       (long long)conf.hooks.give_up_hours * 3600) {
		char why[ERR_MAX];
		snprintf(why, sizeof why, "gave up after %u attempts: %s", j->attempts, err);
		memcpy(err, why, sizeof err);
		out = OUT_PERM;
	}
	if ((rc = record(db, j, claim, out, code, err)) != DB_OK) {
		log_err("%s: delivery %llu: %s, but the outcome could not be recorded (%s): it "
			"is tried again when its lease ends",
			NAME, (unsigned long long)j->id, out == OUT_DONE ? "delivered" : "failed",
			rc == DB_NOTFOUND ? "another worker took it" : db_errmsg(db));
		st = STEP_DONE;
		goto out;
	}
	if (out == OUT_DONE)
		log_info("%s: delivery %llu (endpoint %u, change %llu) delivered: %u", NAME,
			 (unsigned long long)j->id, j->webhook_id, (unsigned long long)j->seq,
			 code);
	else
		log_warn("%s: delivery %llu (endpoint %u) attempt %u %s: %s", NAME,
			 (unsigned long long)j->id, j->webhook_id, j->attempts,
			 out == OUT_TEMP ? "failed, tried again later" : "failed for good", err);
	st = STEP_DONE;
out:
	xmlBufferFree(body);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(claim, sizeof claim);
	return st;
}

int main(int argc, char **argv)
{
	struct db *db = NULL;
	struct db_hook_job *j = NULL;
	CURL *c = NULL;
	int rc, stopping = 0;

	if ((rc = daemon_config(argc, argv, NAME, &conf)) != 0)
		return rc;
	if ((sig_fd = daemon_signals(NAME)) < 0)
		return 1;
	rc = 1;
	if (daemon_libs_init(NAME) != 0) {
		close(sig_fd);
		return 1;
	}
	if (auth_init(&conf) != 0)
		goto out;
	if ((db = db_open(&conf, DB_ROLE_HOOKS, 0, 0)) == NULL)
		goto out;
	if (db_prepare_all(db) != DB_OK) {
		log_err("%s: the database schema does not match; run gatehouse-ctl migrate", NAME);
		goto out;
	}
	if ((j = malloc(sizeof *j)) == NULL || (c = curl_easy_init()) == NULL)
		goto out;
	log_info("%s: delivering webhooks, looking every %u ms%s", NAME, conf.hooks.poll_ms,
		 conf.hooks.allow_private ? " (private addresses and http allowed)" : "");
	while (!stopping) {
		unsigned queued = 0;
		enum step st;
		if (db_hooks_queue(db, &queued) != DB_OK)
			log_warn("%s: queueing: %s", NAME, db_errmsg(db));
		else if (queued > 0)
			log_info("%s: %u deliveries queued", NAME, queued);
		do
			st = process_one(db, c, j);
		while (st == STEP_DONE && !(stopping = daemon_stop_wait(sig_fd, 0, NAME)));
		if (!stopping)
			stopping = daemon_stop_wait(
				sig_fd, st == STEP_DB ? DB_PAUSE_MS : (int)conf.hooks.poll_ms,
				NAME);
	}
	log_info("%s: stopped", NAME);
	rc = 0;
out:
	if (j != NULL)
		sodium_memzero(j, sizeof *j);
	free(j);
	if (c != NULL)
		curl_easy_cleanup(c);
	db_close(db);
	auth_free();
	daemon_libs_end();
	close(sig_fd);
	return rc;
}
