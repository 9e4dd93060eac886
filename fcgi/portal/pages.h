/* The portal responder's pages (/portal/<tenant-slug>/..., listed in
 * pages.def), and what several of them share. */
#ifndef GH_PORTAL_PAGES_H
#define GH_PORTAL_PAGES_H

#include "http.h"

/* The route table (main.c, from pages.def) and the responder: its name,
 * its sign-in rules (session.c). */
extern const struct page *const portal_pages[];
extern const struct responder portal_responder;

/* One extern per line of pages.def. */
#define PAGE(file, symbol) extern const struct page symbol;
#include "pages.def"
#undef PAGE

/* The tenant of the request's slug into t (portal pages have it loaded by
 * the core already; this copies it). */
enum page_result portal_tenant(struct http *h, struct db_tenant *t);

/* Starts a portal session: a new token, its row (stage "full", "mfa" or
 * "enrol"; the last two live 10 minutes), and the cookie.  Ends the
 * request's earlier portal session, if any, so a token never survives a
 * sign-in (session fixation).  user_id 0 with customer_id: a secure token
 * link's session.  Signs the user's sign-in time when stage is "full". */
enum db_result portal_session_start(struct http *h, unsigned user_id, unsigned customer_id,
				    enum sign_in stage);

/* The audit entry for a change by the signed-in portal user. */
enum db_result portal_audit(struct http *h, const char *action, const char *target,
			    const char *old_value, const char *new_value);

/* The signed-in portal user's MFA, for mfa_flow.c's steps. */
struct mfaflow_user;
void portal_mfa_user(struct http *h, struct mfaflow_user *u);

/* "/portal/<slug>/<rest>" into out. */
void portal_url(const struct http *h, const char *rest, char *out, size_t outsz);

#endif
