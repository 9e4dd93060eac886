/* gatehouse-portal: the per-tenant direct link, /portal/<tenant-slug>/.
 * So far the set-password link of the invitation mail and its "send me a
 * fresh link" page; sign-in and the portal itself come next. */
#include "config.h"

#include "pages.h"
#include "server.h"

static const struct page *const pages[] = {
	&page_set_password,
	&page_request_link,
	NULL,
};

static const char *const sheets[] = {"error", "set-password", NULL};

int main(int argc, char **argv)
{
	return server_main(argc, argv, "gatehouse-portal", SERVER_PORTAL, pages, sheets);
}
