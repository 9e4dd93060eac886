/* gatehouse-mailer: delivers the mail outbox over SMTP with libcurl.
 *
 * Claim, send, record: db_outbox_claim() takes the next due message in a
 * transaction of its own and commits a claim token with a lease
 * ([mail] lease_secs) before any SMTP; the message is sent with the
 * Message-ID it was given when it was queued; the outcome is then written
 * by the claim's holder only.  Any number of mailers can run at once: a
 * claimed message is nobody else's until its lease runs out.  A mailer that
 * dies mid-send loses nothing: the message is due again when the lease
 * ends.  If it died after the server accepted the message but before the
 * outcome was recorded, the message goes out a second time, with the same
 * Message-ID, so the copy can be told apart (at least once, never lost).
 *
 * Outcomes: sent; a temporary failure (no connection, time-out, a 4xx reply)
 * is retried after retry_base_secs * 2^attempts (at most an hour) until the
 * message is retry_hours old; a permanent one (a 5xx reply, a payload that
 * can never render) fails the row at once.  An invitation's fate is copied to
 * its portal user (invite_state 'sent' or 'bounced').
 *
 * SIGTERM/SIGINT arrive through a signalfd, looked at between messages and
 * while idle: the message in flight is finished, then the mailer exits 0.
 * Neither the one-time token nor a message body is ever logged. */
#include "config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "conf.h"
#include "daemon.h"
#include "db.h"
#include "log.h"
#include "mail.h"
#include "smtp.h"
#include "render.h"

#define NAME "gatehouse-mailer"
#define BACKOFF_MAX 3600u
#define ERR_MAX 400      /* mail_outbox.last_error holds 500 characters */
#define DB_PAUSE_MS 1000 /* after a database error, before trying again */
#define TOKEN_MAX 128

enum outcome {
	OUT_SENT,
	OUT_TEMP, /* try again later */
	OUT_PERM, /* fail the message now */
};

enum step {
	STEP_DONE, /* a message was handled (or a deadlock retried): look again now */
	STEP_IDLE, /* nothing due */
	STEP_DB,   /* the database failed: pause */
};

static struct conf conf;
static int sig_fd = -1;

/* ---- one message ---- */

/* Renders, builds and sends m with Message-ID msgid; err says why it
 * failed (never quoting the token). */
static enum outcome deliver(CURL *c, const struct db_mail *m, const char *msgid, char *err,
			    size_t errsz)
{
	unsigned char tok[TOKEN_MAX + 1];
	size_t toklen = 0, rawlen = 0;
	struct mail_body body = {0};
	struct mail_msg msg;
	char *raw = NULL;
	enum mail_result mr;
	enum outcome out = OUT_PERM;

	if (m->secretlen > 0) {
		if (m->secretlen <= AUTH_SEAL_OVERHEAD ||
		    m->secretlen - AUTH_SEAL_OVERHEAD > TOKEN_MAX ||
		    auth_open(m->secret, m->secretlen, tok, TOKEN_MAX) != 0) {
			snprintf(err, errsz,
				 "the sealed token cannot be opened "
				 "(was the secrets key replaced?)");
			goto out;
		}
		toklen = m->secretlen - AUTH_SEAL_OVERHEAD;
		tok[toklen] = '\0';
		/* A token goes into a URL as it is: base64url only. */
		if (strlen((char *)tok) != toklen ||
		    strspn((char *)tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					"0123456789-_") != toklen) {
			snprintf(err, errsz, "the sealed token is not base64url text");
			goto out;
		}
	}
	if ((mr = mail_render(m->kind, m->payload, toklen ? (char *)tok : NULL, &body, err,
			      errsz)) != MAIL_OK) {
		out = mr == MAIL_INVALID ? OUT_PERM : OUT_TEMP;
		goto out;
	}
	msg = (struct mail_msg){
		.from_name = conf.mail.from_name,
		.from_addr = conf.mail.from_address,
		.to = m->to,
		.subject = m->subject,
		.message_id = msgid,
		.date = time(NULL),
		.text = body.text,
		.textlen = body.textlen,
		.html = body.html,
		.htmllen = body.htmllen,
	};
	if ((mr = mail_build(&msg, &raw, &rawlen)) != MAIL_OK) {
		/* from_address was checked by conf_load: the recipient is bad. */
		snprintf(err, errsz, "%s",
			 mr == MAIL_INVALID ? "the recipient address is not usable"
					    : "out of memory");
		out = mr == MAIL_INVALID ? OUT_PERM : OUT_TEMP;
		goto out;
	}
	struct smtp_server srv = {conf.mail.smtp_url, conf.mail.smtp_user, conf.mail.smtp_password,
				  conf.mail.from_address, 0};
	switch (smtp_send(c, &srv, m->to, raw, rawlen, NULL, 0, err, errsz)) {
	case SMTP_SENT: out = OUT_SENT; break;
	case SMTP_PERM: out = OUT_PERM; break;
	default: out = OUT_TEMP; break;
	}
out:
	sodium_memzero(tok, sizeof tok);
	mail_body_free(&body);
	mail_wipe_free(raw, rawlen);
	return out;
}

/* retry_base_secs * 2^attempts, at most an hour. */
static unsigned backoff(unsigned attempts)
{
	unsigned d = conf.mail.retry_base_secs;

	for (unsigned i = 0; i < attempts && d < BACKOFF_MAX; i++)
		d *= 2;
	return d < BACKOFF_MAX ? d : BACKOFF_MAX;
}

/* Claims the next due message, sends it and records the outcome.  m is
 * scratch space (it is large). */
/* An invitation's outcome in its company's audit log, in the transaction
 * that records it: by the system, about the address it went to; a bounce
 * with the server's answer. */
static enum db_result audit_invitation(struct db *db, const struct db_mail *m, const char *action,
				       const char *answer)
{
	struct db_audit a = {
		.tenant_id = m->tenant_id,
		.actor_kind = DB_ACTOR_SYSTEM,
		.actor_email = "",
		.action = action,
		.target = m->to,
		.new_value = answer,
	};

	return db_audit(db, &a);
}

/* Tries at recording an outcome, half a second apart. */
#define RECORD_TRIES 20

/* Writes the outcome of message m under our claim, in one transaction. */
static enum db_result record_outcome(struct db *db, const struct db_mail *m,
				     const unsigned char claim[DB_CLAIM_LEN], enum outcome out,
				     const char *err, int invite)
{
	enum db_result rc;

	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	switch (out) {
	case OUT_SENT:
		rc = db_outbox_sent(db, m->id, claim);
		if (rc == DB_OK && invite && (rc = db_invite_state(db, m->id, "sent")) == DB_OK &&
		    (rc = db_invitation_outcome(db, m->id, NULL)) == DB_OK)
			rc = audit_invitation(db, m, "portal_user.invitation_sent", NULL);
		break;
	case OUT_TEMP: rc = db_outbox_retry(db, m->id, claim, backoff(m->attempts), err); break;
	case OUT_PERM:
	default:
		rc = db_outbox_failed(db, m->id, claim, err);
		if (rc == DB_OK && invite &&
		    (rc = db_invite_state(db, m->id, "bounced")) == DB_OK &&
		    (rc = db_invitation_outcome(db, m->id, err)) == DB_OK)
			rc = audit_invitation(db, m, "portal_user.invitation_bounced", err);
		break;
	}
	if (rc == DB_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}

static enum step process_one(struct db *db, CURL *c, struct db_mail *m)
{
	char err[ERR_MAX] = "", why[ERR_MAX], fresh_id[MAIL_ID_MAX];
	unsigned char claim[DB_CLAIM_LEN];
	enum db_result rc;
	enum outcome out;
	enum step st = STEP_DB;
	int invite;

	randombytes_buf(claim, sizeof claim);
	if (mail_message_id(conf.mail.from_address, fresh_id, sizeof fresh_id) != 0)
		goto out;
	if ((rc = db_outbox_claim(db, claim, conf.mail.lease_secs, fresh_id, m)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			st = STEP_IDLE;
		else if (rc == DB_RETRY)
			st = STEP_DONE;
		goto out;
	}
	invite = strcmp(m->kind, "invitation") == 0;
	out = deliver(c, m, m->message_id, err, sizeof err);
	if (out == OUT_TEMP && m->age_secs >= (long long)conf.mail.retry_hours * 3600) {
		snprintf(why, sizeof why, "gave up after %u attempts in %u hours: %s",
			 m->attempts + 1, conf.mail.retry_hours, err);
		memcpy(err, why, sizeof err);
		out = OUT_PERM;
	}
	/* The outcome is recorded once the message has gone: a connection
	 * lost meanwhile (a cluster node killed: the next connect fails over)
	 * or a deadlock is tried again for a few seconds, so a message sent
	 * is not sent again when its lease ends. */
	for (int i = 0; i < RECORD_TRIES; i++) {
		if ((rc = record_outcome(db, m, claim, out, err, invite)) == DB_OK ||
		    !(rc == DB_LOST || rc == DB_BUSY || rc == DB_RETRY))
			break;
		if (i + 1 == RECORD_TRIES)
			break;
		log_warn("%s: mail %llu: recording its outcome failed (%s): trying again", NAME,
			 (unsigned long long)m->id, db_errmsg(db));
		usleep(500000);
	}
	if (rc != DB_OK) {
		/* The claim stands until its lease ends; then the message is
		 * tried again, with the same Message-ID. */
		log_err("%s: mail %llu (%s): %s as %s, but the outcome could not be recorded "
			"(%s): it is tried again when its lease ends",
			NAME, (unsigned long long)m->id, m->kind,
			out == OUT_SENT ? "sent" : "not sent", m->message_id,
			rc == DB_NOTFOUND ? "the lease had run out and another mailer took it"
					  : db_errmsg(db));
		st = STEP_DONE;
		goto out;
	}
	if (out == OUT_SENT)
		log_info("%s: mail %llu (%s) sent as %s", NAME, (unsigned long long)m->id, m->kind,
			 m->message_id);
	else if (out == OUT_TEMP)
		log_warn("%s: mail %llu (%s): attempt %u failed, next in %u s: %s", NAME,
			 (unsigned long long)m->id, m->kind, m->attempts + 1, backoff(m->attempts),
			 err);
	else
		log_err("%s: mail %llu (%s) failed for good: %s", NAME, (unsigned long long)m->id,
			m->kind, err);
	st = STEP_DONE;
out:
	sodium_memzero(claim, sizeof claim);
	return st;
}

int main(int argc, char **argv)
{
	struct db *db = NULL;
	struct db_mail *m = NULL;
	CURL *c = NULL;
	int rc, stopping = 0;

	if ((rc = daemon_config(argc, argv, NAME, &conf)) != 0)
		return rc;
	if ((sig_fd = daemon_signals(NAME)) < 0)
		return 1;
	rc = 1;
	/* Library set-up, before any thread exists. */
	if (daemon_libs_init(NAME) != 0) {
		close(sig_fd);
		return 1;
	}
	if (render_init(conf.web.xslt_dir, mail_sheets) != 0 || auth_init(&conf) != 0)
		goto out;
	/* Fail at start-up, not on the first message, if the schema is wrong. */
	if ((db = db_open(&conf, DB_ROLE_MAILER, 0, 0)) == NULL)
		goto out;
	if (db_prepare_all(db) != DB_OK) {
		log_err("%s: the database schema does not match; run gatehouse-ctl migrate", NAME);
		goto out;
	}
	if ((m = malloc(sizeof *m)) == NULL || (c = curl_easy_init()) == NULL)
		goto out;
	if (conf.mail.lease_secs < 75)
		log_warn(
			"%s: [mail] lease_secs = %u is shorter than a slow SMTP conversation "
			"(up to 70 s): a message may then be sent twice (with the same Message-ID)",
			NAME, conf.mail.lease_secs);
	log_info("%s: delivering to %s as %s, looking every %u ms", NAME,
		 strchr(conf.mail.smtp_url, '@') ? "(the configured server)" : conf.mail.smtp_url,
		 conf.mail.from_address, conf.mail.poll_ms);

	while (!stopping) {
		enum step st = process_one(db, c, m);
		stopping = daemon_stop_wait(sig_fd,
					    st == STEP_DONE   ? 0
					    : st == STEP_IDLE ? (int)conf.mail.poll_ms
							      : DB_PAUSE_MS,
					    NAME);
	}
	log_info("%s: stopped", NAME);
	rc = 0;
out:
	if (m != NULL)
		sodium_memzero(m, sizeof *m);
	free(m);
	if (c != NULL)
		curl_easy_cleanup(c);
	db_close(db);
	render_free();
	auth_free();
	daemon_libs_end();
	close(sig_fd);
	return rc;
}
