/* /portal/<slug>/mfa: the second step of a sign-in with MFA on.  The
 * session (stage "mfa") has passed the password; a TOTP code (one step of
 * tolerance, never the same step twice) or an unused recovery code makes it
 * a signed-in session with a new token.  Wrong codes count against the same
 * throttle as wrong passwords. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "mfa.h"
#include "pages.h"
#include "xml.h"

enum { F_CODE };
static const struct val_field form[] = {
	[F_CODE] = {"code", val_line, 32, VAL_REQUIRED, "Code"},
};

/* Where a session of another stage belongs. */
static enum page_result elsewhere(struct http *h)
{
	char to[160];
	portal_url(h, strcmp(h->psess.stage, "enrol") == 0 ? "mfa/enrol" : "home", to, sizeof to);
	return http_redirect(h, to);
}

static enum page_result mfa_get(struct http *h, xmlNodePtr root)
{
	if (strcmp(h->psess.stage, "mfa") != 0)
		return elsewhere(h);
	xmlNodePtr n = xml_el(root, "portal-mfa");
	xml_attr(n, "email", h->psess.email);
	return PAGE_OK;
}

/* Checks the code inside the caller's transaction: MFA_OK, MFA_REPLAY or
 * MFA_BAD (MFA_ERR on a database or key failure). */
static enum mfa_result check_code(struct http *h, const char *code)
{
	struct db_portal_auth a;
	unsigned char key[128], rh[32];
	long long step = 0;
	enum mfa_result mr = MFA_ERR;

	if (db_portal_auth_locked(h->db, h->tenant.id, h->psess.user_id, &a) != DB_OK)
		goto out;
	if (a.secret_len <= AUTH_SEAL_OVERHEAD ||
	    auth_open(a.mfa_secret, a.secret_len, key, sizeof key) != 0)
		goto out;
	mr = mfa_totp_verify(key, a.secret_len - AUTH_SEAL_OVERHEAD, code, time(NULL), a.last_step,
			     &step);
	if (mr == MFA_OK) {
		enum db_result rc = db_portal_mfa_step(h->db, h->psess.user_id, step);
		mr = rc == DB_OK ? MFA_OK : rc == DB_NOTFOUND ? MFA_REPLAY : MFA_ERR;
	} else if (mr == MFA_BAD && mfa_recovery_hash(code, rh) == 0) {
		enum db_result rc = db_portal_recovery_use(h->db, h->psess.user_id, rh);
		mr = rc == DB_OK ? MFA_OK : rc == DB_NOTFOUND ? MFA_BAD : MFA_ERR;
	}
out:
	sodium_memzero(key, sizeof key);
	sodium_memzero(&a, sizeof a);
	return mr;
}

static enum page_result mfa_post(struct http *h)
{
	char key[64], to[160];
	enum auth_result arc;
	enum mfa_result mr;
	enum db_result rc;
	long long retry = 0;

	if (strcmp(h->psess.stage, "mfa") != 0)
		return elsewhere(h);
	snprintf(key, sizeof key, "mfa:%u", h->psess.user_id);
	if ((arc = auth_throttle_reserve(h->db, key, h->addr, &retry)) == AUTH_LOCKED)
		return http_throttled(h, "Too many wrong codes", retry);
	if (arc != AUTH_OK)
		return PAGE_UNAVAILABLE;
	if ((rc = db_begin(h->db)) != DB_OK) {
		auth_throttle_settle(h->db, key, h->addr, AUTH_SETTLE_UNCHECKED);
		return http_db_fail(rc);
	}
	mr = check_code(h, h->f[F_CODE].str);
	if (mr != MFA_OK) {
		db_rollback(h->db);
		auth_throttle_settle(h->db, key, h->addr,
				     mr == MFA_ERR ? AUTH_SETTLE_UNCHECKED : AUTH_SETTLE_FAILED);
		if (mr == MFA_ERR)
			return PAGE_ERROR;
		log_info("rid=%s portal MFA code refused", h->rid);
		return http_field_error(h, F_CODE,
					mr == MFA_REPLAY
						? "This code was used already. Wait for the next one."
						: "The code is not correct.");
	}
	/* The stage changes with a new token: the one that knew only the
	 * password never becomes a signed-in session. */
	if ((rc = portal_session_start(h, h->psess.user_id, h->psess.customer_id, "full")) !=
	    DB_OK) {
		db_rollback(h->db);
		auth_throttle_settle(h->db, key, h->addr, AUTH_SETTLE_UNCHECKED);
		return http_db_fail(rc);
	}
	portal_url(h, "home", to, sizeof to);
	if ((rc = db_commit(h->db)) != DB_OK) {
		h->ncookies = 0;
		return http_db_fail(rc);
	}
	auth_throttle_settle(h->db, key, h->addr, AUTH_SETTLE_OK);
	return http_redirect(h, to);
}

const struct page page_portal_mfa = {
	.path = "/portal/*/mfa",
	.name = "portal-mfa",
	.title = "Two-step verification",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_PORTAL_STAGE,
	.form = form,
	.nform = sizeof form / sizeof form[0],
	.get = mfa_get,
	.post = mfa_post,
};
