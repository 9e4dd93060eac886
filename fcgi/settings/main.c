/* gatehouse-settings: the office users' settings responder. */
#include "config.h"

#include "pages.h"
#include "server.h"

/* Route table; menu order is table order. */
static const struct page *const pages[] = {
	&page_home,
	&page_portal_settings,
	&page_portal_access,
	&page_portal_groups,
	&page_portal_group_edit,
	&page_portal_bulk,
	&page_contact_add,
	&page_contact_enable,
	&page_site_add,
	&page_portal_user_edit,
	&page_portal_user_resend,
	&page_portal_user_security,
	&page_portal_user_reset,
	&page_customer_token,
	&page_portal_user_delete,
	&page_customers,
	&page_office_users,
	&page_calendars,
	&page_vehicles,
	&page_office_user_edit,
	&page_office_user_status,
	&page_office_user_delete,
	&page_office_user_test_mail,
	&page_office_user_security,
	&page_office_mfa,
	&page_office_mfa_enrol,
	&page_office_account,
	&page_office_time_zone,
	&page_office_forgot,
	&page_office_reset,
	&page_customer_edit,
	&page_login,
	&page_logout,
	NULL,
};

static const char *const sheets[] = {
	"error", "login", "home", "portal-access-settings", "portal-access", "portal-user-edit",
	"portal-user-delete", "customers", "customer-edit", "office-users", "office-user-edit",
	"office-user-delete", "named-list", "office-mfa", "office-mfa-enrol", "office-account",
	"office-forgot", "office-reset", "office-user-security", "portal-groups", "portal-group-edit", "portal-bulk", "contact-enabled", NULL,
};

int main(int argc, char **argv)
{
	return server_main(argc, argv, "gatehouse-settings", SERVER_SETTINGS, pages, sheets);
}
