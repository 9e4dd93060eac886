/* gatehouse-portal: the per-tenant direct link, /portal/<tenant-slug>/:
 * sign-in (with MFA), password set and reset, the account pages, a
 * customer's secure token link, and the portal itself. */
#include "config.h"

#include "pages.h"
#include "server.h"

/* The route table, from pages.def. */
const struct page *const portal_pages[] = {
#define PAGE(file, symbol) &symbol,
#include "pages.def"
#undef PAGE
	NULL,
};

int main(int argc, char **argv)
{
	return server_main(argc, argv, &portal_responder);
}
