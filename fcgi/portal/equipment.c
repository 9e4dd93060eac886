/* /portal/<slug>/equipment[?id=N]: the customer's equipment on its sites.  Without
 * "Equipment: view" 403; another customer's record, or one on a site not
 * granted, 404. */
#include "config.h"

#include "pages.h"
#include "records.h"

static const struct rec_kind kind = {
	.kind = "equipment",
	.section = "equipment",
	.perm = "equipment_view",
};

static enum page_result equipment_get(struct http *h, xmlNodePtr root)
{
	return records_page_get(h, root, &kind);
}

const struct page page_portal_equipment = {
	.path = "/portal/*/equipment",
	.name = "portal-records",
	.title = "Equipment",
	.methods = HTTP_GET,
	.auth = PAGE_SIGNED_IN,
	.query = records_query,
	.nquery = 1,
	.get = equipment_get,
	.memo = 1, /* shows the client's records: no secret */
};
