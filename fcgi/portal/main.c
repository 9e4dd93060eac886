/* gatehouse-portal: the per-tenant direct link, /portal/<tenant-slug>/:
 * sign-in (with MFA), password set and reset, the account pages, a
 * customer's secure token link, and the portal itself. */
#include "config.h"

#include "pages.h"
#include "server.h"

static const struct page *const pages[] = {
	&page_portal_login,
	&page_portal_logout,
	&page_portal_home,
	&page_portal_forgot,
	&page_set_password,
	&page_reset_password,
	&page_request_link,
	&page_portal_mfa,
	&page_portal_mfa_enrol,
	&page_portal_account,
	&page_portal_password,
	&page_portal_sessions,
	&page_portal_time_zone,
	&page_portal_token,
	&page_portal_sites,
	&page_portal_colleagues,
	&page_portal_invoices,
	&page_portal_estimates,
	&page_portal_jobs,
	&page_portal_documents,
	&page_portal_equipment,
	NULL,
};

static const char *const sheets[] = {"error",	   "set-password",	   "portal-login",
				     "portal-home", "portal-forgot",	   "portal-mfa",
				     "portal-mfa-enrol", "portal-account", "portal-sites", "portal-colleagues", "portal-records", NULL};

int main(int argc, char **argv)
{
	return server_main(argc, argv, "gatehouse-portal", SERVER_PORTAL, pages, sheets);
}
