/* What several portal pages share: the tenant, session start, URLs. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "mfa_flow.h"
#include "pages.h"

enum page_result portal_tenant(struct http *h, struct db_tenant *t)
{
	if (!h->have_tenant)
		return PAGE_NOT_FOUND;
	memcpy(t, &h->tenant, sizeof *t);
	return PAGE_OK;
}

enum db_result portal_audit(struct http *h, const char *action, const char *target,
			    const char *old_value, const char *new_value)
{
	struct db_audit a = {
		.tenant_id = h->tenant.id,
		.actor_kind = DB_ACTOR_PORTAL,
		.actor_id = h->psess.user_id, /* 0: a customer's token link */
		.actor_email = h->psess.email,
		.action = action,
		.target = target,
		.old_value = old_value,
		.new_value = new_value,
	};
	return http_audit_entry(h, &a);
}

void portal_url(const struct http *h, const char *rest, char *out, size_t outsz)
{
	snprintf(out, outsz, "/portal/%s/%s", h->slug, rest);
}

enum db_result portal_session_start(struct http *h, unsigned user_id, unsigned customer_id,
				    enum sign_in stage)
{
	unsigned char hash[32];
	char cookie[AUTH_COOKIE_LEN + 1], path[128];
	int full = stage == SIGN_IN_FULL;
	unsigned minutes = full ? h->conf->sec.session_abs_hours * 60 : 10;
	enum db_result rc;

	if (h->portal_in && (rc = db_session_delete(h->db, h->token_hash)) != DB_OK)
		return rc;
	auth_token_fresh(cookie, hash);
	rc = db_portal_session_insert(h->db, hash, h->tenant.id, user_id, customer_id,
				      http_sign_in_name(stage), minutes, h->addr, h->ua);
	sodium_memzero(hash, sizeof hash);
	if (rc == DB_OK && full && user_id != 0)
		rc = db_portal_user_signed_in(h->db, user_id);
	if (rc == DB_OK) {
		http_portal_path(h, path, sizeof path);
		http_set_cookie(h, HTTP_COOKIE_PORTAL, cookie, path, (long long)minutes * 60,
				"None");
		/* The sign-in form's cookie has done its job. */
		if (req_pairs_get(&h->cookies, HTTP_COOKIE_PRE) != NULL)
			http_set_cookie(h, HTTP_COOKIE_PRE, "", path, 0, "None");
		if (db_purge(h->db, h->conf->sec.session_idle_min) != DB_OK)
			log_warn("purge failed");
	}
	sodium_memzero(cookie, sizeof cookie);
	return rc;
}

/* The session, past its last sign-in stage (an MFA code, an enrolment),
 * becomes a signed-in one with a new token. */
static enum db_result promote(struct http *h)
{
	return portal_session_start(h, h->psess.user_id, h->psess.customer_id, SIGN_IN_FULL);
}

void portal_mfa_user(struct http *h, struct mfaflow_user *u)
{
	*u = (struct mfaflow_user){.who = DB_PORTAL,
				   .tenant_id = h->tenant.id,
				   .id = h->psess.user_id,
				   .issuer = h->tenant.company,
				   .account = h->psess.email,
				   .enabled_action = "portal_user.mfa_enabled",
				   .passed_action = "portal_user.sign_in_mfa",
				   .failed_action = "portal_user.mfa_failed",
				   .promote = promote};
}
