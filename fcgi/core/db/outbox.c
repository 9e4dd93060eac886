/* The mail outbox: queued in the caller's transaction (invite.c), claimed,
 * sent and settled by the mailer (statements: stmt_outbox.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

enum db_result db_outbox_enqueue(struct db *db, unsigned tenant_id, const char *kind,
				 const char *to, const char *subject, const char *payload,
				 const unsigned char *secret, size_t secretlen,
				 const char *message_id, uint64_t *id)
{
	struct db_args a = DB_ARGS();
	enum db_result rc;

	db_arg_uint(&a, tenant_id);
	db_arg_str(&a, kind);
	db_arg_str(&a, to);
	db_arg_str(&a, subject);
	db_arg_str(&a, payload);
	if (secret == NULL || secretlen == 0)
		db_arg_null(&a);
	else
		db_arg_blob(&a, secret, secretlen);
	db_arg_str(&a, message_id);
	if ((rc = db_exec(db, DBQ_OUTBOX_ENQUEUE, &a)) == DB_OK && id != NULL)
		*id = a.insert_id;
	return rc;
}

static void mail_cols(struct db_cols *c, struct db_mail *m)
{
	db_col_u64(c, &m->id);
	db_col_uint(c, &m->tenant_id);
	db_col_str(c, m->kind, sizeof m->kind);
	db_col_str(c, m->to, sizeof m->to);
	db_col_str(c, m->subject, sizeof m->subject);
	db_col_str(c, m->payload, sizeof m->payload);
	db_col_blob(c, m->secret, sizeof m->secret, &m->secretlen);
	db_col_uint(c, &m->attempts);
	db_col_ll(c, &m->age_secs);
	db_col_str(c, m->message_id, sizeof m->message_id);
}

/* A claim is its own short transaction, committed before any SMTP. */
enum db_result db_outbox_claim(struct db *db, const unsigned char claim[DB_CLAIM_LEN],
			       unsigned lease_secs, const char *message_id, struct db_mail *m)
{
	struct db_args a = DB_ARGS();
	struct db_cols c = DB_COLS();
	enum db_result rc;

	memset(m, 0, sizeof *m);
	mail_cols(&c, m);
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = db_one(db, DBQ_OUTBOX_CLAIM, NULL, &c)) != DB_OK)
		goto fail;
	if (m->message_id[0] == '\0')
		snprintf(m->message_id, sizeof m->message_id, "%s", message_id);
	db_arg_blob(&a, claim, DB_CLAIM_LEN);
	db_arg_uint(&a, lease_secs);
	db_arg_str(&a, m->message_id);
	db_arg_u64(&a, m->id);
	if ((rc = db_exec(db, DBQ_OUTBOX_LEASE, &a)) != DB_OK)
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return rc;
}

/* Runs outcome statement q, whose last two parameters are (id, claim) after
 * what a holds: DB_NOTFOUND when the claim is no longer ours. */
static enum db_result outcome(struct db *db, enum db_stmt q, struct db_args *a, uint64_t id,
			      const unsigned char *claim)
{
	db_arg_u64(a, id);
	db_arg_blob(a, claim, DB_CLAIM_LEN);
	return db_exec1(db, q, a);
}

enum db_result db_outbox_sent(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN])
{
	struct db_args a = DB_ARGS();

	return outcome(db, DBQ_OUTBOX_SENT, &a, id, claim);
}

enum db_result db_outbox_retry(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN],
			       unsigned delay_secs, const char *error)
{
	struct db_args a = DB_ARGS();

	db_arg_uint(&a, delay_secs);
	db_arg_str(&a, error);
	return outcome(db, DBQ_OUTBOX_RETRY, &a, id, claim);
}

enum db_result db_outbox_failed(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN],
				const char *error)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, error);
	return outcome(db, DBQ_OUTBOX_FAILED, &a, id, claim);
}

enum db_result db_invite_state(struct db *db, uint64_t mail_id, const char *state)
{
	struct db_args a = DB_ARGS();

	db_arg_str(&a, state);
	db_arg_u64(&a, mail_id);
	return db_exec(db, DBQ_INVITE_STATE, &a);
}
