/* The MFA steps portal and office users share (see mfa_flow.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "http.h"
#include "log.h"
#include "mfa_flow.h"
#include "xml.h"

const struct val_field mfaflow_code_form[1] = {
	[MFAFLOW_F_CODE] = {"code", val_line, 32, VAL_REQUIRED, "Code"},
};

enum mfa_result mfaflow_check(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
			      const char *code)
{
	struct db_mfa_auth a;
	unsigned char key[128], rh[32];
	long long step = 0;
	enum mfa_result mr = MFA_ERR;
	enum db_result rc;

	if (db_mfa_auth_locked(db, who, tenant_id, id, &a) != DB_OK)
		goto out;
	if (a.secret_len <= AUTH_SEAL_OVERHEAD ||
	    auth_open(a.mfa_secret, a.secret_len, key, sizeof key) != 0)
		goto out;
	mr = mfa_totp_verify(key, a.secret_len - AUTH_SEAL_OVERHEAD, code, time(NULL), a.last_step,
			     &step);
	if (mr == MFA_OK) {
		/* Recorded under the row lock: a racing twin finds the step used. */
		rc = db_mfa_step(db, who, id, step);
		mr = rc == DB_OK ? MFA_OK : rc == DB_NOTFOUND ? MFA_REPLAY : MFA_ERR;
	} else if (mr == MFA_BAD && mfa_recovery_hash(code, rh) == 0) {
		rc = db_mfa_recovery_use(db, who, id, rh);
		mr = rc == DB_OK ? MFA_OK : rc == DB_NOTFOUND ? MFA_BAD : MFA_ERR;
	}
out:
	sodium_memzero(key, sizeof key);
	sodium_memzero(&a, sizeof a);
	return mr;
}

enum db_result mfaflow_pending(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
			       unsigned char key[MFA_KEY_BYTES], int *enabled)
{
	struct db_mfa_auth a;
	unsigned char sealed[MFA_KEY_BYTES + AUTH_SEAL_OVERHEAD];
	enum db_result rc;

	*enabled = 0;
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = db_mfa_auth_locked(db, who, tenant_id, id, &a)) != DB_OK)
		goto out;
	if (a.secret_len > 0) {
		*enabled = 1;
		goto out;
	}
	if (a.pending_len == sizeof sealed &&
	    auth_open(a.mfa_pending, a.pending_len, key, MFA_KEY_BYTES) == 0)
		goto out;
	mfa_key_new(key);
	rc = DB_ERR;
	if (auth_seal(key, MFA_KEY_BYTES, sealed, sizeof sealed) != 0)
		goto out;
	rc = db_mfa_set_pending(db, who, tenant_id, id, sealed, sizeof sealed);
out:
	sodium_memzero(&a, sizeof a);
	if (rc == DB_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	return rc;
}

int mfaflow_setup_xml(xmlNodePtr n, const char *issuer, const char *account,
		      const unsigned char key[MFA_KEY_BYTES])
{
	char b32[MFA_B32_LEN + 1], grouped[MFA_B32_GROUPED_LEN + 1], uri[600];
	char *path = NULL;
	int size = 0, rc = -1;
	xmlNodePtr c;

	if (mfa_key_base32(key, MFA_KEY_BYTES, b32, sizeof b32) != 0 ||
	    mfa_b32_group(b32, grouped, sizeof grouped) != 0 ||
	    mfa_otpauth_uri(issuer, account, key, MFA_KEY_BYTES, uri, sizeof uri) != 0 ||
	    mfa_qr_path(uri, &path, &size) != 0)
		goto out;
	xml_attr(n, "secret", grouped);
	xml_attr(n, "uri", uri);
	c = xml_el(n, "qr");
	xml_attr_int(c, "size", size);
	xml_attr(c, "path", path);
	rc = 0;
out:
	free(path);
	sodium_memzero(b32, sizeof b32);
	sodium_memzero(grouped, sizeof grouped);
	sodium_memzero(uri, sizeof uri);
	return rc;
}

enum mfaflow_enable_result mfaflow_enable(struct db *db, enum db_who who, unsigned tenant_id,
					  unsigned id, const char *code,
					  char codes[MFA_RECOVERY_COUNT][MFA_RECOVERY_LEN + 1])
{
	unsigned char key[MFA_KEY_BYTES], hashes[MFA_RECOVERY_COUNT][32];
	struct db_mfa_auth a;
	long long step = 0;
	enum mfaflow_enable_result r = MFAFLOW_ERR;
	enum mfa_result mr;

	if (db_mfa_auth_locked(db, who, tenant_id, id, &a) != DB_OK)
		goto out;
	if (a.secret_len > 0 || a.pending_len != MFA_KEY_BYTES + AUTH_SEAL_OVERHEAD ||
	    auth_open(a.mfa_pending, a.pending_len, key, sizeof key) != 0) {
		r = MFAFLOW_NOTHING;
		goto out;
	}
	/* The enrolment's first code: any step in the window (none used yet). */
	mr = mfa_totp_verify(key, sizeof key, code, time(NULL), -1, &step);
	if (mr != MFA_OK) {
		r = mr == MFA_ERR ? MFAFLOW_ERR : MFAFLOW_WRONG;
		goto out;
	}
	mfa_recovery_new(codes);
	for (int i = 0; i < MFA_RECOVERY_COUNT; i++)
		if (mfa_recovery_hash(codes[i], hashes[i]) != 0)
			goto out;
	if (db_mfa_enable(db, who, tenant_id, id, step) != DB_OK ||
	    db_mfa_recovery_set(db, who, id, (const unsigned char(*)[32])hashes,
				MFA_RECOVERY_COUNT) != DB_OK)
		goto out;
	r = MFAFLOW_ON;
out:
	if (r != MFAFLOW_ON)
		sodium_memzero(codes, sizeof(char[MFA_RECOVERY_COUNT][MFA_RECOVERY_LEN + 1]));
	sodium_memzero(key, sizeof key);
	sodium_memzero(hashes, sizeof hashes);
	sodium_memzero(&a, sizeof a);
	return r;
}

const char *mfaflow_refusal(enum mfa_result mr)
{
	return mr == MFA_REPLAY ? "This code was used already. Wait for the next one."
				: "The code is not correct.";
}

void mfaflow_done_xml(xmlNodePtr n, char codes[MFA_RECOVERY_COUNT][MFA_RECOVERY_LEN + 1])
{
	xmlNodePtr c;

	xml_attr(n, "state", "done");
	c = xml_el(n, "recovery-codes");
	for (int i = 0; i < MFA_RECOVERY_COUNT; i++)
		xml_text_el(c, "code", codes[i]);
	sodium_memzero(codes, sizeof(char[MFA_RECOVERY_COUNT][MFA_RECOVERY_LEN + 1]));
}

int mfaflow_verify(struct http *h, enum db_who who, unsigned tenant_id, unsigned id, size_t f,
		   const char *throttle_key)
{
	enum auth_result arc;
	enum mfa_result mr;
	enum db_result rc;
	long long retry = 0;

	if ((arc = auth_throttle_reserve(h->db, throttle_key, h->addr, &retry)) == AUTH_LOCKED)
		return http_throttled(h, "Too many wrong codes", retry);
	if (arc != AUTH_OK)
		return PAGE_UNAVAILABLE;
	if ((rc = db_begin(h->db)) != DB_OK) {
		auth_throttle_settle(h->db, throttle_key, h->addr, AUTH_SETTLE_UNCHECKED);
		return http_db_fail(rc);
	}
	mr = mfaflow_check(h->db, who, tenant_id, id, h->f[f].str);
	if (mr == MFA_OK)
		return PAGE_OK;
	db_rollback(h->db);
	/* A wrong code counts like a wrong password; our own failure does not. */
	auth_throttle_settle(h->db, throttle_key, h->addr,
			     mr == MFA_ERR ? AUTH_SETTLE_UNCHECKED : AUTH_SETTLE_FAILED);
	if (mr == MFA_ERR)
		return PAGE_ERROR;
	log_info("MFA code refused");
	return http_field_error(h, f, mfaflow_refusal(mr));
}

/* The user's own entry (http_audit_self). */
static enum db_result audit(struct http *h, const struct mfaflow_user *u, const char *action,
			    const char *detail)
{
	return http_audit_self(h, u->tenant_id,
			       u->who == DB_OFFICE ? DB_ACTOR_OFFICE : DB_ACTOR_PORTAL, u->id,
			       u->account, action, detail);
}

int mfaflow_sign_in(struct http *h, const struct mfaflow_user *u, const char *throttle_key)
{
	enum page_result r;
	enum db_result rc;

	if ((r = mfaflow_verify(h, u->who, u->tenant_id, u->id, MFAFLOW_F_CODE, throttle_key)) !=
	    PAGE_OK) {
		/* A wrong code or a locked account: nothing is open now, the
		 * entry is a statement of its own. */
		if ((r == PAGE_INVALID || r == PAGE_THROTTLED) &&
		    audit(h, u, u->failed_action,
			  r == PAGE_THROTTLED ? "too many wrong codes" : "wrong code") != DB_OK)
			log_warn("refused MFA code not audited");
		return r;
	}
	if ((rc = u->promote(h)) != DB_OK || (rc = audit(h, u, u->passed_action, NULL)) != DB_OK ||
	    (rc = db_commit(h->db)) != DB_OK) {
		db_rollback(h->db);
		h->ncookies = 0;
		/* Our failure, not the user's: the attempt is given back. */
		auth_throttle_settle(h->db, throttle_key, h->addr, AUTH_SETTLE_UNCHECKED);
		return http_db_fail(rc);
	}
	auth_throttle_settle(h->db, throttle_key, h->addr, AUTH_SETTLE_OK);
	return PAGE_OK;
}

int mfaflow_enrol_xml(struct http *h, xmlNodePtr n, const struct mfaflow_user *u)
{
	struct mfaflow_done *done = h->ctx;
	unsigned char key[MFA_KEY_BYTES];
	int enabled = 0;
	enum db_result rc;
	enum page_result r = PAGE_OK;

	xml_attr(n, "required", h->stage == SIGN_IN_ENROL ? "1" : "0");
	xml_attr(n, "csrf", h->csrf);
	if (done != NULL && done->shown) {
		mfaflow_done_xml(n, done->codes);
		return PAGE_OK;
	}
	if ((rc = mfaflow_pending(h->db, u->who, u->tenant_id, u->id, key, &enabled)) != DB_OK)
		return http_db_fail(rc);
	if (enabled) {
		xml_attr(n, "state", "enabled");
		return PAGE_OK;
	}
	xml_attr(n, "state", "setup");
	if (mfaflow_setup_xml(n, u->issuer, u->account, key) != 0)
		r = PAGE_ERROR;
	sodium_memzero(key, sizeof key);
	return r;
}

int mfaflow_enrol_post(struct http *h, const struct mfaflow_user *u, const char *again)
{
	struct mfaflow_done *done = http_ctx(h, sizeof *done);
	enum mfaflow_enable_result er;
	enum db_result rc;

	if (done == NULL)
		return PAGE_ERROR;
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	er = mfaflow_enable(h->db, u->who, u->tenant_id, u->id, h->f[MFAFLOW_F_CODE].str,
			    done->codes);
	if (er != MFAFLOW_ON) {
		db_rollback(h->db);
		if (er == MFAFLOW_NOTHING) /* on already, or no key shown yet */
			return http_redirect(h, again);
		if (er == MFAFLOW_ERR)
			return PAGE_ERROR;
		return http_field_error(h, MFAFLOW_F_CODE,
					"The code is not correct. Check the time on your phone and "
					"try the code shown now.");
	}
	rc = audit(h, u, u->enabled_action, NULL);
	/* Enrolment after the password completes the sign-in. */
	if (rc == DB_OK && h->stage == SIGN_IN_ENROL)
		rc = u->promote(h);
	if (rc != DB_OK || (rc = db_commit(h->db)) != DB_OK) {
		db_rollback(h->db);
		h->ncookies = 0;
		sodium_memzero(done, sizeof *done);
		return http_db_fail(rc);
	}
	/* Shown once, in this answer; never stored in clear. */
	done->shown = 1;
	h->status = 200;
	return PAGE_INVALID;
}
