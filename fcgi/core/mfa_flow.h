/* The MFA steps that portal users and office users share (the pages differ
 * only in whose session and which table): checking a code at sign-in, the
 * pending key of an enrolment, and turning MFA on. */
#ifndef GH_MFA_FLOW_H
#define GH_MFA_FLOW_H

#include <libxml/tree.h>

#include "db.h"
#include "mfa.h"

/* Checks a TOTP code (one step of tolerance, never a step twice) or an
 * unused recovery code of the user, inside the caller's transaction, and
 * uses it up: MFA_OK, MFA_REPLAY, MFA_BAD, or MFA_ERR (database or key). */
enum mfa_result mfaflow_check(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
			      const char *code);

/* The user's pending key, made now (and stored sealed) if there is none;
 * *enabled when MFA is on already (key untouched then).  Its own
 * transaction. */
enum db_result mfaflow_pending(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
			       unsigned char key[MFA_KEY_BYTES], int *enabled);

/* The enrolment's XML under n: secret (grouped base32), uri (otpauth://),
 * and <qr size path>; -1 on failure.  Wipes its copies of the key. */
int mfaflow_setup_xml(xmlNodePtr n, const char *issuer, const char *account,
		      const unsigned char key[MFA_KEY_BYTES]);

enum mfaflow_enable_result {
	MFAFLOW_ON = 0,  /* on; codes hold the new recovery codes */
	MFAFLOW_WRONG,   /* the code does not match the pending key */
	MFAFLOW_NOTHING, /* no key pending, or MFA is on already */
	MFAFLOW_ERR,
};
/* Turns MFA on with a code from the app for the pending key, and replaces
 * the recovery codes with ten new ones (only their hashes stored), inside
 * the caller's transaction. */
enum mfaflow_enable_result mfaflow_enable(struct db *db, enum db_who who, unsigned tenant_id,
					  unsigned id, const char *code,
					  char codes[MFA_RECOVERY_COUNT][MFA_RECOVERY_LEN + 1]);

/* A sign-in code's refusal, for the code field: replay or wrong. */
const char *mfaflow_refusal(enum mfa_result mr);

/* The new recovery codes, from the POST that turned MFA on to the page that
 * shows them (kept in the request's context, http_ctx: wiped when the
 * request ends). */
struct mfaflow_done {
	int shown;
	char codes[MFA_RECOVERY_COUNT][MFA_RECOVERY_LEN + 1];
};

/* The enrolment's answer: state "done" and the ten recovery codes (shown
 * this once) under n; wipes codes. */
void mfaflow_done_xml(xmlNodePtr n, char codes[MFA_RECOVERY_COUNT][MFA_RECOVERY_LEN + 1]);

struct http;
/* A sign-in's code step, for a page: reserves an attempt on the throttle
 * account throttle_key, opens a transaction and checks form field f (see
 * mfaflow_check).  PAGE_OK: the code is used up and the transaction open;
 * the caller finishes it and settles the attempt (AUTH_SETTLE_OK).  Any
 * other result is the page's answer, nothing left open. */
int mfaflow_verify(struct http *h, enum db_who who, unsigned tenant_id, unsigned id, size_t f,
		   const char *throttle_key);

/* The MFA pages' form: the code from the app (or a recovery code). */
enum { MFAFLOW_F_CODE = 0 };
extern const struct val_field mfaflow_code_form[1];

/* Whose MFA a page works on: the product's table (who), the user of
 * tenant_id, the names the app shows (issuer: the tenant's company;
 * account: the login), and the product's own steps. */
struct mfaflow_user {
	enum db_who who;
	unsigned tenant_id, id;
	const char *issuer, *account;
	/* The audit's actions (the user's own, http_audit_self): MFA turned
	 * on, a sign-in completed by a code, a code refused. */
	const char *enabled_action, *passed_action, *failed_action;
	/* The session, past its last sign-in stage, becomes a signed-in one
	 * with a new token (the one that knew only the password never does). */
	enum db_result (*promote)(struct http *h);
};

/* A sign-in's code step to its end: the code (mfaflow_code_form) checked
 * (mfaflow_verify, on the throttle account throttle_key), then u->promote,
 * its audit entry and the commit; the attempt settled (a refused code
 * audited too).  PAGE_OK: signed in, the caller
 * redirects; any other result is the answer, nothing left open. */
int mfaflow_sign_in(struct http *h, const struct mfaflow_user *u, const char *throttle_key);

/* An enrolment page's state under n: "done" with the recovery codes when
 * the POST has just turned MFA on (h->ctx, a struct mfaflow_done),
 * "enabled" when it is on already, else "setup" with the pending key (made
 * now if there is none); with required (enrolment is the sign-in's next
 * stage) and the form's CSRF token.  PAGE_OK or a failure. */
int mfaflow_enrol_xml(struct http *h, xmlNodePtr n, const struct mfaflow_user *u);

/* An enrolment's POST (mfaflow_code_form: the app's code): MFA turned on
 * (mfaflow_enable), its audit entry and, when enrolment was the sign-in's
 * last stage, u->promote, in one transaction; then the page again (200)
 * with the recovery codes, shown this once.  A wrong code: the form again
 * saying so; no key pending or MFA on already: a redirect to again, to
 * start over. */
int mfaflow_enrol_post(struct http *h, const struct mfaflow_user *u, const char *again);

#endif
