/* /portal/<slug>/mfa/enrol: setting up TOTP.  GET makes (once) a pending
 * key, sealed in the user's row, and shows it as a QR code and as text;
 * POST checks a code from the app against it, turns MFA on, and shows ten
 * recovery codes once (only their hashes are kept).  A user required to use
 * MFA lands here after the password (stage "enrol") and is signed in when
 * it is done; a signed-in user may come from the account page. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mfa.h"
#include "pages.h"
#include "xml.h"

enum { F_CODE };
static const struct val_field form[] = {
	[F_CODE] = {"code", val_line, 32, VAL_REQUIRED, "Code"},
};

struct enrol_done {
	char codes[MFA_RECOVERY_COUNT][MFA_RECOVERY_LEN + 1];
};

static int allowed(const struct http *h)
{
	return h->psess.user_id != 0 &&
	       (strcmp(h->psess.stage, "enrol") == 0 || strcmp(h->psess.stage, "full") == 0);
}

/* The pending key (made now if there is none), inside a transaction. */
static enum db_result pending_key(struct http *h, unsigned char key[MFA_KEY_BYTES], int *enabled)
{
	struct db_portal_auth a;
	unsigned char sealed[MFA_KEY_BYTES + AUTH_SEAL_OVERHEAD];
	enum db_result rc;

	*enabled = 0;
	if ((rc = db_begin(h->db)) != DB_OK)
		return rc;
	if ((rc = db_portal_auth_locked(h->db, h->tenant.id, h->psess.user_id, &a)) != DB_OK)
		goto out;
	if (a.secret_len > 0) {
		*enabled = 1;
		goto out;
	}
	if (a.pending_len == MFA_KEY_BYTES + AUTH_SEAL_OVERHEAD &&
	    auth_open(a.mfa_pending, a.pending_len, key, MFA_KEY_BYTES) == 0)
		goto out;
	mfa_key_new(key);
	rc = DB_ERR;
	if (auth_seal(key, MFA_KEY_BYTES, sealed, sizeof sealed) != 0)
		goto out;
	rc = db_portal_mfa_set_pending(h->db, h->tenant.id, h->psess.user_id, sealed,
				       sizeof sealed);
out:
	sodium_memzero(&a, sizeof a);
	if (rc == DB_OK)
		rc = db_commit(h->db);
	else
		db_rollback(h->db);
	return rc;
}

static enum page_result enrol_get(struct http *h, xmlNodePtr root)
{
	struct enrol_done *done = h->page_ctx;
	unsigned char key[MFA_KEY_BYTES];
	char b32[MFA_B32_LEN + 1], grouped[MFA_B32_GROUPED_LEN + 1], uri[600];
	char *path = NULL;
	int enabled = 0, size = 0;
	enum db_result rc;
	enum page_result r = PAGE_OK;
	xmlNodePtr n, c;

	if (!allowed(h))
		return PAGE_FORBIDDEN;
	n = xml_el(root, "portal-mfa-enrol");
	xml_attr(n, "required", strcmp(h->psess.stage, "enrol") == 0 ? "1" : "0");
	if (done != NULL) {
		xml_attr(n, "state", "done");
		c = xml_el(n, "recovery-codes");
		for (int i = 0; i < MFA_RECOVERY_COUNT; i++)
			xml_text_el(c, "code", done->codes[i]);
		sodium_memzero(done, sizeof *done);
		return PAGE_OK;
	}
	if ((rc = pending_key(h, key, &enabled)) != DB_OK)
		return http_db_fail(rc);
	if (enabled) {
		xml_attr(n, "state", "enabled");
		return PAGE_OK;
	}
	xml_attr(n, "state", "setup");
	if (mfa_key_base32(key, sizeof key, b32, sizeof b32) != 0 ||
	    mfa_b32_group(b32, grouped, sizeof grouped) != 0 ||
	    mfa_otpauth_uri(h->tenant.company, h->psess.email, key, sizeof key, uri, sizeof uri) !=
		    0 ||
	    mfa_qr_path(uri, &path, &size) != 0) {
		r = PAGE_ERROR;
		goto out;
	}
	xml_attr(n, "secret", grouped);
	xml_attr(n, "uri", uri);
	c = xml_el(n, "qr");
	xml_attr_int(c, "size", size);
	xml_attr(c, "path", path);
out:
	free(path);
	sodium_memzero(key, sizeof key);
	sodium_memzero(b32, sizeof b32);
	sodium_memzero(grouped, sizeof grouped);
	sodium_memzero(uri, sizeof uri);
	return r;
}

static enum page_result enrol_post(struct http *h)
{
	static __thread struct enrol_done done;
	unsigned char key[MFA_KEY_BYTES], hashes[MFA_RECOVERY_COUNT][32];
	struct db_portal_auth a;
	long long step = 0;
	enum mfa_result mr = MFA_ERR;
	enum db_result rc;
	int promote = strcmp(h->psess.stage, "enrol") == 0;

	if (!allowed(h))
		return PAGE_FORBIDDEN;
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	if ((rc = db_portal_auth_locked(h->db, h->tenant.id, h->psess.user_id, &a)) != DB_OK)
		goto out;
	if (a.secret_len > 0 || a.pending_len != MFA_KEY_BYTES + AUTH_SEAL_OVERHEAD ||
	    auth_open(a.mfa_pending, a.pending_len, key, sizeof key) != 0) {
		/* On already, or no key shown yet: start over from the page. */
		char to[160];
		db_rollback(h->db);
		sodium_memzero(&a, sizeof a);
		portal_url(h, "mfa/enrol", to, sizeof to);
		return http_redirect(h, to);
	}
	mr = mfa_totp_verify(key, sizeof key, h->f[F_CODE].str, time(NULL), -1, &step);
	sodium_memzero(key, sizeof key);
	sodium_memzero(&a, sizeof a);
	if (mr != MFA_OK) {
		db_rollback(h->db);
		if (mr == MFA_ERR)
			return PAGE_ERROR;
		return http_field_error(h, F_CODE,
					"The code is not correct. Check the time on your phone and "
					"try the code shown now.");
	}
	mfa_recovery_new(done.codes);
	rc = DB_ERR;
	for (int i = 0; i < MFA_RECOVERY_COUNT; i++)
		if (mfa_recovery_hash(done.codes[i], hashes[i]) != 0)
			goto out;
	if ((rc = db_portal_mfa_enable(h->db, h->tenant.id, h->psess.user_id, step)) != DB_OK ||
	    (rc = db_portal_recovery_set(h->db, h->psess.user_id,
					 (const unsigned char(*)[32])hashes, MFA_RECOVERY_COUNT)) !=
		    DB_OK)
		goto out;
	struct db_audit au = {.tenant_id = h->tenant.id,
			      .actor_email = h->psess.email,
			      .action = "portal_user.mfa_enabled",
			      .target = h->psess.email,
			      .request_id = h->rid,
			      .ip = h->addr};
	if ((rc = db_audit(h->db, &au)) != DB_OK)
		goto out;
	/* Enrolment after the password completes the sign-in. */
	if (promote && (rc = portal_session_start(h, h->psess.user_id, h->psess.customer_id,
						  "full")) != DB_OK)
		goto out;
	rc = db_commit(h->db);
out:
	sodium_memzero(hashes, sizeof hashes);
	if (rc != DB_OK) {
		db_rollback(h->db);
		h->ncookies = 0;
		sodium_memzero(&done, sizeof done);
		return http_db_fail(rc);
	}
	/* Shown once, in this answer; never stored in clear. */
	h->page_ctx = &done;
	h->status = 200;
	return PAGE_INVALID;
}

const struct page page_portal_mfa_enrol = {
	.path = "/portal/*/mfa/enrol",
	.name = "portal-mfa-enrol",
	.title = "Set up two-step verification",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_PORTAL_STAGE,
	.form = form,
	.nform = sizeof form / sizeof form[0],
	.get = enrol_get,
	.post = enrol_post,
};
