/* The settings responder's pages, one file each. */
#ifndef GH_SETTINGS_PAGES_H
#define GH_SETTINGS_PAGES_H

#include "http.h"
#include "invite.h"
#include "list.h"

extern const struct page page_login;
extern const struct page page_logout;
extern const struct page page_home;
extern const struct page page_portal_settings;
extern const struct page page_portal_access;
extern const struct page page_portal_user_edit;
extern const struct page page_portal_user_resend;
extern const struct page page_portal_user_security;
extern const struct page page_customer_token;
extern const struct page page_portal_user_delete;
extern const struct page page_customers;
extern const struct page page_portal_groups;
extern const struct page page_portal_group_edit;
extern const struct page page_portal_bulk;
extern const struct page page_contact_add;
extern const struct page page_contact_enable;
extern const struct page page_site_add;
extern const struct page page_office_users;
extern const struct page page_calendars;
extern const struct page page_vehicles;
extern const struct page page_office_user_edit;
extern const struct page page_office_user_status;
extern const struct page page_office_user_delete;
extern const struct page page_office_user_test_mail;
extern const struct page page_office_user_security;
extern const struct page page_office_mfa;
extern const struct page page_office_mfa_enrol;
extern const struct page page_office_account;
extern const struct page page_office_time_zone;
extern const struct page page_office_forgot;
extern const struct page page_office_reset;
extern const struct page page_customer_edit;
extern const struct page page_portal_user_reset;

/* The Portal Access list's view (list engine fields and the status filter),
 * which the pages that leave it (the delete confirmation) carry along and
 * link back with: the first PORTAL_ACCESS_NVIEW fields of their query. */
#define PORTAL_ACCESS_VIEW_FIELDS                                                          \
	LIST_QUERY_FIELDS, {"status", val_line, 16, 0, "Status"}
#define PORTAL_ACCESS_NVIEW (LIST_NQUERY + 1)
/* Reads the view from v[0..PORTAL_ACCESS_NVIEW); NULL or a message for a 400. */
const char *portal_access_view(const struct val_value *v, struct list_view *lv);
/* "/settings/client/portal-access?<the view, page included>[&extra]" into out. */
void portal_access_href(char *out, size_t sz, const struct list_view *lv, const char *extra);



#endif
