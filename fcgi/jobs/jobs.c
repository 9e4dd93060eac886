/* gatehouse-jobs: runs the background jobs the settings pages start
 * (sql/030): an import's check and run (Portal Access > Import) and the
 * Portal Access list's bulk actions.
 *
 * Claim, then one item at a time.  A job is claimed with a lease
 * ([jobs] lease_secs) renewed by every item; each item is one transaction
 * that makes its change, writes its audit entry and its line of the
 * report, and moves the job's count, so a worker killed half way loses
 * nothing and repeats nothing: once the lease runs out, the next claim
 * goes on after the last committed item.  An import's check writes
 * nothing but its report, in transactions of CHECK_BATCH lines.
 *
 * SIGTERM/SIGINT through a signalfd, looked at between items: the item in
 * flight is finished, then the worker exits 0 (the job is taken again when
 * its lease ends). */
#include "config.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "csv.h"
#include "daemon.h"
#include "db.h"
#include "invite.h"
#include "log.h"
#include "pimport.h"

#define NAME "gatehouse-jobs"
#define DB_PAUSE_MS 1000
#define CHECK_BATCH 200
#define JOBS_CLAIMS_MAX 5 /* claims without progress before a job fails */

enum step { STEP_DONE, STEP_IDLE, STEP_DB, STEP_STOP };

static struct conf conf;
static int sig_fd = -1;

struct run {
	struct db *db;
	struct db_job *j;
	unsigned char token[16];
	const unsigned char *input;
	size_t len;
};

/* Ends the job (done, or failed with why). */
static enum step finish(struct run *r, const char *state, const char *why)
{
	if (db_job_finish(r->db, r->j->id, r->token, state, why) != DB_OK) {
		log_warn("%s: job %llu: could not be marked %s: %s", NAME,
			 (unsigned long long)r->j->id, state, db_errmsg(r->db));
		return STEP_DB;
	}
	log_info("%s: job %llu (%s %s%s) %s after %u of %u%s%s", NAME, (unsigned long long)r->j->id,
		 r->j->kind, r->j->phase, r->j->action[0] ? r->j->action : "", state, r->j->done,
		 r->j->total, why[0] ? ": " : "", why);
	return STEP_DONE;
}

/* A failure that may pass (a deadlock, a lost connection, a busy
 * server): the item is tried again, not reported (JOBS_CLAIMS_MAX bounds
 * how often). */
static int transient(enum db_result rc)
{
	return rc == DB_RETRY || rc == DB_LOST || rc == DB_BUSY;
}

/* The item's report line after a change the database refused for good
 * (a duplicate, a value it will not take): the change rolled back, the
 * line says so in a transaction of its own, and the job goes on. */
static enum db_result item_failed(struct run *r, unsigned done, unsigned n, const char *subject,
				  enum db_result why)
{
	enum db_result rc;
	const char *msg = why == DB_DUP ? "Not done: another change took its place meanwhile."
					: "Not done: the database refused it.";

	db_rollback(r->db);
	if (transient(why))
		return why;
	log_warn("%s: job %llu item %u not done: %s", NAME, (unsigned long long)r->j->id, n,
		 db_errmsg(r->db));
	if ((rc = db_begin(r->db)) == DB_OK &&
	    (rc = db_job_item(r->db, r->j, r->token, conf.jobs.lease_secs, done, n, "error",
			      subject, msg)) == DB_OK)
		rc = db_commit(r->db);
	return rc;
}

/* An import: the check in batches, or the run a line at a time. */
static enum step run_import(struct run *r)
{
	struct csv_table t;
	struct db_tenant tenant;
	struct pimport p;
	char buf[300], subject[300], msg[600];
	enum db_job_outcome out;
	enum db_result rc = DB_OK;
	enum step st = STEP_DB;
	int apply = strcmp(r->j->phase, "run") == 0;
	const char *bad;
	size_t i;

	memset(&p, 0, sizeof p);
	if (csv_parse((const char *)r->input, r->len, conf.jobs.max_rows + 1, 2000, &t) != CSV_OK)
		return finish(r, "failed", "The file can no longer be read.");
	p.db = r->db;
	p.conf = &conf;
	p.tenant = &tenant;
	p.job = r->j;
	p.t = &t;
	if ((bad = pimport_header(&p, buf, sizeof buf)) != NULL) {
		st = finish(r, "failed", bad);
		goto out;
	}
	if (pimport_prepare(&p) != 0 ||
	    (rc = db_tenant_get(r->db, r->j->tenant_id, &tenant)) != DB_OK)
		goto out;
	for (i = (size_t)r->j->done + 1; i < t.nrows;) {
		size_t end = i + (apply ? 1 : CHECK_BATCH);
		int open = 1;
		if ((rc = db_begin(r->db)) != DB_OK)
			goto out;
		for (; i < end && i < t.nrows; i++) {
			rc = pimport_row(&p, i, apply, &out, subject, sizeof subject, msg,
					 sizeof msg);
			if (rc != DB_OK) {
				if (!apply ||
				    (rc = item_failed(r, (unsigned)i, (unsigned)t.rows[i].line,
						      subject, rc)) != DB_OK)
					goto fail;
				open = 0;
				continue;
			}
			if ((rc = db_job_item(r->db, r->j, r->token, conf.jobs.lease_secs,
					      (unsigned)i, (unsigned)t.rows[i].line,
					      db_job_outcomes[out], subject, msg)) != DB_OK)
				goto fail;
		}
		if (open && (rc = db_commit(r->db)) != DB_OK)
			goto fail;
		r->j->done = (unsigned)(i - 1);
		if (daemon_stop_wait(sig_fd, 0, NAME)) {
			st = STEP_STOP;
			goto out;
		}
	}
	st = finish(r, "done", "");
	goto out;
fail:
	db_rollback(r->db);
	log_warn("%s: job %llu stopped at item %zu: %s", NAME, (unsigned long long)r->j->id, i,
		 rc == DB_NOTFOUND ? "another worker has it" : db_errmsg(r->db));
out:
	pimport_free(&p);
	csv_free(&t);
	return st;
}

/* What a bulk item did, for its report line and audit entry. */
struct bulk_item {
	const char *out;                     /* done, skip, error */
	const char *action, *before, *after; /* the audit entry's; action NULL: none */
	char msg[300];
};

/* An item left as it is, and why. */
static enum db_result skip(struct bulk_item *it, const char *why)
{
	snprintf(it->msg, sizeof it->msg, "%s", why);
	return DB_OK;
}

/* The job's action on user u, whose group and access are as read: the
 * change, or why none (it->out skip). */
static enum db_result bulk_act(struct run *r, const struct db_tenant *t,
			       const struct db_portal_user *u, unsigned gid, int active,
			       int reports, struct bulk_item *it)
{
	const char *act = r->j->action;
	unsigned long long gone = 0;
	int want = strcmp(act, "restore") == 0;

	it->out = "skip";
	if (strcmp(act, "resend") == 0) {
		if (!active ||
		    (strcmp(u->status, "not_invited") != 0 && strcmp(u->status, "invited") != 0))
			return skip(it, !active ? "Access is revoked: no invitation sent."
						: "Has set a password: no invitation needed.");
		if (!t->portal_enabled)
			return skip(it, "Not sent: the Client Portal is off.");
		it->action = "portal_user.resend";
		snprintf(it->msg, sizeof it->msg, "Invitation sent.");
		return invite_enqueue(r->db, &conf, t, u->id, u->company, u->email);
	}
	if (want || strcmp(act, "revoke") == 0) {
		if (active == want)
			return skip(it,
				    want ? "Has access already." : "Access is revoked already.");
		it->action = want ? "portal_user.restore" : "portal_user.revoke";
		it->before = want ? "revoked" : "active", it->after = want ? "active" : "revoked";
		snprintf(it->msg, sizeof it->msg, want ? "Access restored." : "Access revoked.");
		return db_portal_access_set(r->db, t->id, u->id, gid, want, reports);
	}
	if (strcmp(act, "group") == 0) {
		if (gid == r->j->arg)
			return skip(it, "In that group already.");
		it->action = "portal_user.group";
		snprintf(it->msg, sizeof it->msg, "Group changed.");
		return db_portal_access_set(r->db, t->id, u->id, r->j->arg, active, reports);
	}
	if (strcmp(act, "delete") == 0) {
		it->action = "portal_user.delete";
		snprintf(it->msg, sizeof it->msg, "Deleted.");
		return db_portal_user_delete(r->db, t->id, u->id, &gone);
	}
	it->out = "error";
	return skip(it, "Unknown action.");
}

/* One bulk item: the action on portal user id with its audit entry, in
 * the caller's transaction; subject (always set) names the user. */
static enum db_result bulk_one(struct run *r, const struct db_tenant *t, unsigned id,
			       struct bulk_item *it, char *subject, size_t ssz)
{
	struct db_portal_user u;
	unsigned gid = 0;
	int active = 1, reports = 0;
	char target[1100];
	enum db_result rc;

	memset(it, 0, sizeof *it);
	it->out = "skip";
	snprintf(subject, ssz, "#%u", id);
	if ((rc = db_portal_user_get(r->db, t->id, id, &u)) == DB_NOTFOUND) {
		snprintf(it->msg, sizeof it->msg, "No longer exists.");
		return DB_OK;
	}
	if (rc != DB_OK)
		return rc;
	snprintf(subject, ssz, "%s", u.email);
	if ((rc = db_portal_access_get(r->db, t->id, id, &gid, &active, &reports)) != DB_OK ||
	    (rc = bulk_act(r, t, &u, gid, active, reports, it)) != DB_OK || it->action == NULL)
		return rc;
	it->out = "done";
	snprintf(target, sizeof target, "%s <%s>", u.company, u.email);
	struct db_audit a = {
		.tenant_id = t->id,
		.actor_kind = DB_ACTOR_OFFICE,
		.actor_id = r->j->office_user_id,
		.actor_email = r->j->actor_email,
		.action = it->action,
		.target_kind = strcmp(it->action, "portal_user.delete") == 0 ? NULL : "portal_user",
		.target_id = id,
		.target = target,
		.old_value = it->before,
		.new_value = it->after,
		.request_id = r->j->request_id,
		.ip = r->j->ip,
	};
	return db_audit(r->db, &a);
}

/* A bulk action: the ids in the input, one transaction each. */
static enum step run_bulk(struct run *r)
{
	struct db_tenant t;
	struct bulk_item it;
	char subject[300];
	enum db_result rc;
	unsigned n;

	if ((rc = db_tenant_get(r->db, r->j->tenant_id, &t)) != DB_OK)
		return STEP_DB;
	for (n = r->j->done + 1; n <= r->j->total && (size_t)n * 4 <= r->len; n++) {
		const unsigned char *b = r->input + (size_t)(n - 1) * 4;
		unsigned id = (unsigned)b[0] | (unsigned)b[1] << 8 | (unsigned)b[2] << 16 |
			      (unsigned)b[3] << 24;
		if ((rc = db_begin(r->db)) != DB_OK)
			return STEP_DB;
		rc = bulk_one(r, &t, id, &it, subject, sizeof subject);
		if (rc != DB_OK)
			rc = item_failed(r, n, n, subject, rc);
		else if ((rc = db_job_item(r->db, r->j, r->token, conf.jobs.lease_secs, n, n,
					   it.out, subject, it.msg)) == DB_OK)
			rc = db_commit(r->db);
		if (rc != DB_OK) {
			db_rollback(r->db);
			log_warn("%s: job %llu stopped at item %u: %s", NAME,
				 (unsigned long long)r->j->id, n,
				 rc == DB_NOTFOUND ? "another worker has it" : db_errmsg(r->db));
			return STEP_DB;
		}
		r->j->done = n;
		if (daemon_stop_wait(sig_fd, 0, NAME))
			return STEP_STOP;
	}
	return finish(r, "done", "");
}

static enum step process_one(struct db *db, struct db_job *j, unsigned char *input, size_t sz)
{
	struct run r = {.db = db, .j = j, .input = input};
	enum db_result rc;
	enum step st;

	randombytes_buf(r.token, sizeof r.token);
	memset(j, 0, sizeof *j);
	if ((rc = db_job_claim(db, conf.jobs.lease_secs, r.token, j, input, sz, &r.len)) ==
	    DB_NOTFOUND)
		return STEP_IDLE;
	if (rc != DB_OK) {
		log_warn("%s: claiming a job: %s", NAME, db_errmsg(db));
		return STEP_DB;
	}
	log_info("%s: job %llu (%s %s%s%s, tenant %u) from item %u of %u, claim %u", NAME,
		 (unsigned long long)j->id, j->kind, j->phase, j->action[0] ? " " : "", j->action,
		 j->tenant_id, j->done + 1, j->total, j->claims);
	/* The same item failed every time it was tried (or killed its
	 * worker): the job ends rather than being taken again for ever. */
	if (j->claims > JOBS_CLAIMS_MAX)
		return finish(&r, "failed",
			      "Stopped: the next item could not be done after several tries. "
			      "What is done is in the report.");
	st = strcmp(j->kind, "import") == 0 ? run_import(&r) : run_bulk(&r);
	return st;
}

int main(int argc, char **argv)
{
	struct db *db = NULL;
	struct db_job *j = NULL;
	unsigned char *input = NULL;
	size_t sz;
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
	/* The input: an import's file, or 4 bytes per portal user of a bulk
	 * action on a whole list (a MEDIUMBLOB holds 16 MiB). */
	sz = conf.jobs.max_bytes > (1u << 24) ? conf.jobs.max_bytes : (1u << 24);
	if ((j = malloc(sizeof *j)) == NULL || (input = malloc(sz)) == NULL)
		goto out;
	if ((db = db_open(&conf, DB_ROLE_JOBS | DB_ROLE_SETTINGS, 0, 0)) == NULL)
		goto out;
	if (db_prepare_all(db) != DB_OK) {
		log_err("%s: the database schema does not match; run gatehouse-ctl migrate", NAME);
		goto out;
	}
	log_info("%s: running jobs, looking every %u ms", NAME, conf.jobs.poll_ms);
	while (!stopping) {
		enum step st;
		do
			st = process_one(db, j, input, sz);
		while (st == STEP_DONE && !(stopping = daemon_stop_wait(sig_fd, 0, NAME)));
		if (st == STEP_STOP)
			break;
		if (!stopping)
			stopping = daemon_stop_wait(
				sig_fd, st == STEP_DB ? DB_PAUSE_MS : (int)conf.jobs.poll_ms, NAME);
	}
	log_info("%s: stopped", NAME);
	rc = 0;
out:
	free(j);
	free(input);
	db_close(db);
	daemon_libs_end();
	close(sig_fd);
	return rc;
}
