/* The password steps portal and office users share (see pw_flow.h). */
#include "config.h"

#include <string.h>

#include "auth.h"
#include "log.h"
#include "pw_flow.h"
#include "xml.h"

const struct val_field pwflow_change_form[PWFLOW_NFIELDS] = {
	[PWFLOW_F_CURRENT] = {"current", val_secret, 1024, VAL_REQUIRED | VAL_SECRET,
			      "Current password"},
	[PWFLOW_F_PASSWORD] = {"password", val_password, 1024, VAL_REQUIRED | VAL_SECRET,
			       "New password"},
	[PWFLOW_F_CONFIRM] = {"confirm", val_secret, 1024, VAL_REQUIRED | VAL_SECRET,
			      "Repeat the new password"},
};

const struct val_field pwflow_link_form[PWFLOW_NFIELDS] = {
	[PWFLOW_F_TOKEN] = {"token", val_line, 64, VAL_REQUIRED, "Link"},
	[PWFLOW_F_PASSWORD] = {"password", val_password, 1024, VAL_REQUIRED | VAL_SECRET,
			       "New password"},
	[PWFLOW_F_CONFIRM] = {"confirm", val_secret, 1024, VAL_REQUIRED | VAL_SECRET,
			      "Repeat the password"},
};

const struct val_field pwflow_forgot_form[1] = {
	[PWFLOW_F_EMAIL] = {"email", val_email, 254, VAL_REQUIRED, "Email"},
};

const struct val_field pwflow_forgot_query[1] = {
	[PWFLOW_Q_SENT] = {"sent", val_bool, 1, 0, "Sent"},
};

int pwflow_login_lower(const char *in, char *out, size_t outsz)
{
	int ascii = 1;
	size_t i;

	for (i = 0; in[i] && i < outsz - 1; i++) {
		unsigned char c = (unsigned char)in[i];
		ascii &= c > 0x20 && c < 0x7f;
		out[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	out[i] = '\0';
	return ascii;
}

enum page_result pwflow_busy(struct http *h)
{
	http_notice(h, "error", "The service is busy. Please try again in a moment.");
	h->retry_after = 2;
	return PAGE_BUSY;
}

enum page_result pwflow_sign_in(struct http *h, const char *key, const char *hash, const char *pw,
				long long *lock_if_fails)
{
	enum auth_result arc;
	long long retry = 0;

	arc = auth_throttle_reserve_ex(h->db, key, h->addr, &retry, lock_if_fails);
	if (arc == AUTH_LOCKED)
		return http_throttled(h, "Too many sign-in attempts", retry);
	if (arc != AUTH_OK)
		return PAGE_UNAVAILABLE;
	arc = auth_throttle_verify(h->db, key, h->addr, hash, pw);
	if (arc == AUTH_BUSY)
		return pwflow_busy(h);
	if (arc == AUTH_FAIL) {
		log_info("sign-in failed");
		http_notice(h, "error", "The email or password is incorrect.");
		return PAGE_UNAUTHORIZED;
	}
	return arc == AUTH_OK ? PAGE_OK : PAGE_UNAVAILABLE;
}

/* Whether the new password was typed the same twice. */
static int confirmed(const struct http *h)
{
	return strcmp(h->f[PWFLOW_F_PASSWORD].str, h->f[PWFLOW_F_CONFIRM].str) == 0;
}

/* The new password hashed (its confirmation checked already). */
static enum page_result hash_new(struct http *h, char hash[AUTH_HASH_LEN])
{
	enum auth_result arc = auth_password_hash(h->f[PWFLOW_F_PASSWORD].str, hash);

	if (arc == AUTH_OK)
		return PAGE_OK;
	sodium_memzero(hash, AUTH_HASH_LEN);
	return arc == AUTH_BUSY ? pwflow_busy(h) : PAGE_ERROR;
}

enum page_result pwflow_new_hash(struct http *h, char hash[AUTH_HASH_LEN])
{
	if (!confirmed(h))
		return http_field_error(h, PWFLOW_F_CONFIRM, "The two passwords differ.");
	return hash_new(h, hash);
}

enum page_result pwflow_change(struct http *h, enum db_who who, unsigned tenant_id, unsigned id,
			       const char *key, char hash[AUTH_HASH_LEN])
{
	struct db_mfa_auth a;
	enum auth_result arc;
	enum db_result rc;
	long long retry = 0;

	if (!confirmed(h))
		return http_field_error(h, PWFLOW_F_CONFIRM, "The two passwords differ.");
	if ((arc = auth_throttle_reserve(h->db, key, h->addr, &retry)) == AUTH_LOCKED)
		return http_throttled(h, "Too many wrong passwords", retry);
	if (arc != AUTH_OK)
		return PAGE_UNAVAILABLE;
	if ((rc = db_mfa_auth_locked(h->db, who, tenant_id, id, &a)) != DB_OK) {
		auth_throttle_settle(h->db, key, h->addr, AUTH_SETTLE_UNCHECKED);
		return http_db_fail(rc);
	}
	arc = auth_throttle_verify(h->db, key, h->addr, a.hash[0] ? a.hash : NULL,
				   h->f[PWFLOW_F_CURRENT].str);
	sodium_memzero(&a, sizeof a);
	if (arc == AUTH_BUSY)
		return pwflow_busy(h);
	if (arc == AUTH_FAIL)
		return http_field_error(h, PWFLOW_F_CURRENT, "This is not your current password.");
	if (arc != AUTH_OK)
		return PAGE_UNAVAILABLE;
	return hash_new(h, hash);
}

void pwflow_forgot_xml(struct http *h, xmlNodePtr root, const char *name, const char *cookie_path,
		       int open, int valid_minutes)
{
	const struct val_value *q = &h->q[PWFLOW_Q_SENT];
	int sent = h->method == HTTP_GET && q->st == VAL_OK && q->num;
	char csrf[AUTH_CSRF_LEN + 1];
	xmlNodePtr n;

	http_pre_csrf(h, cookie_path, csrf);
	n = xml_el(root, name);
	xml_attr(n, "csrf", csrf);
	xml_attr(n, "state", !open ? "disabled" : sent ? "sent" : "form");
	xml_attr_int(n, "valid-minutes", valid_minutes);
}

enum page_result pwflow_forgot_counted(struct http *h, const char *key, const char *where)
{
	enum auth_result arc;
	long long retry = 0;

	if ((arc = auth_throttle_reserve(h->db, key, h->addr, &retry)) == AUTH_LOCKED) {
		log_info("reset mail throttled");
		return http_redirect(h, where);
	}
	return arc == AUTH_OK ? PAGE_OK : PAGE_UNAVAILABLE;
}

void pwflow_link_status(struct http *h, const char *state)
{
	if (h->method != HTTP_GET)
		return;
	h->status = strcmp(state, "invalid") == 0    ? 404
		    : strcmp(state, "expired") == 0  ? 410
		    : strcmp(state, "inactive") == 0 ? 403
						     : 0;
}
