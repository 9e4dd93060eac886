/* The settings responder's pages, one file each. */
#ifndef GH_SETTINGS_PAGES_H
#define GH_SETTINGS_PAGES_H

#include "http.h"

extern const struct page page_login;
extern const struct page page_logout;
extern const struct page page_home;
extern const struct page page_portal_settings;
extern const struct page page_portal_access;
extern const struct page page_portal_user_edit;
extern const struct page page_portal_user_resend;
extern const struct page page_portal_user_delete;
extern const struct page page_customers;
extern const struct page page_customer_edit;

/* Writes a set-password token and the invitation's outbox row for a portal
 * user, inside the caller's transaction (invite.c). */
enum db_result invite_enqueue(struct http *h, unsigned user_id, const char *company,
			      const char *email);

#endif
