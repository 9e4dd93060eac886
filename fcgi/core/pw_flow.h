/* The password steps that portal users and office users share (the pages
 * differ only in whose account, which table and which throttle key): the
 * two password forms, a sign-in's check, changing one's own password, a new
 * password hashed before the transaction, and what a mailed link's pages
 * answer. */
#ifndef GH_PW_FLOW_H
#define GH_PW_FLOW_H

#include "http.h"

/* The password forms of both products, by field index: changing one's own
 * (the current password, then the new one twice) and setting one through a
 * mailed link (the link's token, then the new one twice). */
enum {
	PWFLOW_F_CURRENT = 0,
	PWFLOW_F_TOKEN = 0,
	PWFLOW_F_PASSWORD,
	PWFLOW_F_CONFIRM,
	PWFLOW_NFIELDS
};
extern const struct val_field pwflow_change_form[PWFLOW_NFIELDS];
extern const struct val_field pwflow_link_form[PWFLOW_NFIELDS];
/* "Forgot password?": the form's email, and the query's sent=1 that the
 * answer redirects to. */
enum { PWFLOW_F_EMAIL = 0 };
extern const struct val_field pwflow_forgot_form[1];
enum { PWFLOW_Q_SENT = 0 };
extern const struct val_field pwflow_forgot_query[1];

/* The login as typed into out (at most outsz - 1 bytes), ASCII letters
 * lowercased.  Returns 0 when it holds anything but printable ASCII: no
 * account then, since the database's accent-folding collation must not let
 * "\xc3\xa1dmin@..." reach admin@... under a throttle key of its own. */
int pwflow_login_lower(const char *in, char *out, size_t outsz);

/* A password form's answer when the hash gate is full: 503, Retry-After and
 * a notice. */
enum page_result pwflow_busy(struct http *h);

/* A sign-in's password check: an attempt reserved on the throttle account
 * key and the address, pw checked against hash (NULL: an unknown account,
 * or one that may not sign in, checked against the dummy: the same cost and
 * answer), the attempt settled.  PAGE_OK, or the answer: 429, 401 with the
 * one message for every failure, 503.  *lock_if_fails (may be NULL): as
 * auth_throttle_reserve_ex, the moment to tell the account's owner. */
enum page_result pwflow_sign_in(struct http *h, const char *key, const char *hash, const char *pw,
				long long *lock_if_fails);

/* The new password of a form (PWFLOW_F_PASSWORD, given again as
 * PWFLOW_F_CONFIRM) hashed into hash, before any transaction (60 ms is too
 * long to hold row locks): PAGE_OK, the form again saying the two differ,
 * or busy (hash wiped).  The caller wipes hash. */
enum page_result pwflow_new_hash(struct http *h, char hash[AUTH_HASH_LEN]);

/* Changing one's own password (pwflow_change_form) for user id of tenant_id
 * (who: which table): the current password checked as at sign-in, its
 * guesses counted on the sign-in's throttle account key, then the new one
 * hashed as pwflow_new_hash does.  PAGE_OK with hash filled (the caller
 * wipes it), or the answer. */
enum page_result pwflow_change(struct http *h, enum db_who who, unsigned tenant_id, unsigned id,
			       const char *key, char hash[AUTH_HASH_LEN]);

/* The "Forgot password?" page's element name under root: its CSRF token
 * (bound to the pre-session cookie of cookie_path, as the sign-in form's),
 * state ("disabled" when not open, "sent" after the redirect, else "form")
 * and how long a link lives. */
void pwflow_forgot_xml(struct http *h, xmlNodePtr root, const char *name, const char *cookie_path,
		       int open, int valid_minutes);

/* A "Forgot password?" request counted on throttle account key and the
 * address, so that nobody can flood an inbox: PAGE_OK to send; past the
 * limit the same redirect to where as when a mail goes (nothing to learn);
 * 503 when the count failed. */
enum page_result pwflow_forgot_counted(struct http *h, const char *key, const char *where);

/* A GET of a mailed link's page: a dead link (state "invalid", "expired" or
 * "inactive": a deactivated user's) is an error to caches and crawlers too
 * (404, 410, 403). */
void pwflow_link_status(struct http *h, const char *state);

#endif
