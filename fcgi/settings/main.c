/* gatehouse-settings: the office users' settings responder. */
#include "config.h"

#include "pages.h"
#include "server.h"

/* Route table; menu order is table order. */
static const struct page *const pages[] = {
	&page_home,
	&page_portal_settings,
	&page_login,
	&page_logout,
	NULL,
};

static const char *const sheets[] = {
	"error", "login", "home", "portal-access-settings", NULL,
};

int main(int argc, char **argv)
{
	return server_main(argc, argv, "gatehouse-settings", pages, sheets);
}
