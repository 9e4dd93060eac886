/* /settings/: the signed-in landing page; lists what this user may open. */
#include "config.h"

#include "pages.h"
#include "xml.h"

static enum page_result home_get(struct http *h, xmlNodePtr root)
{
	(void)h;
	xml_el(root, "home");
	return PAGE_OK;
}

const struct page page_home = {
	.path = "/settings/",
	.name = "home",
	.title = "Settings",
	.methods = HTTP_GET,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_NONE,
	.get = home_get,
};
