/* The portal responder's pages (/portal/<tenant-slug>/...), one file each. */
#ifndef GH_PORTAL_PAGES_H
#define GH_PORTAL_PAGES_H

#include "http.h"

extern const struct page page_portal_login;
extern const struct page page_portal_logout;
extern const struct page page_portal_home;
extern const struct page page_portal_forgot;
extern const struct page page_set_password;
extern const struct page page_reset_password;
extern const struct page page_request_link;
extern const struct page page_portal_mfa;
extern const struct page page_portal_mfa_enrol;
extern const struct page page_portal_account;
extern const struct page page_portal_password;
extern const struct page page_portal_sessions;
extern const struct page page_portal_time_zone;
extern const struct page page_portal_token;
extern const struct page page_portal_sites;
extern const struct page page_portal_colleagues;
extern const struct page page_portal_invoices;
extern const struct page page_portal_estimates;
extern const struct page page_portal_jobs;
extern const struct page page_portal_documents;
extern const struct page page_portal_equipment;

/* The tenant of the request's slug into t (portal pages have it loaded by
 * the core already; this copies it). */
enum page_result portal_tenant(struct http *h, struct db_tenant *t);

/* Starts a portal session: a new token, its row (stage "full", "mfa" or
 * "enrol"; the last two live 10 minutes), and the cookie.  Ends the
 * request's earlier portal session, if any, so a token never survives a
 * sign-in (session fixation).  user_id 0 with customer_id: a secure token
 * link's session.  Signs the user's sign-in time when stage is "full". */
enum db_result portal_session_start(struct http *h, unsigned user_id, unsigned customer_id,
				    const char *stage);

/* "/portal/<slug>/<rest>" into out. */
void portal_url(const struct http *h, const char *rest, char *out, size_t outsz);

#endif
