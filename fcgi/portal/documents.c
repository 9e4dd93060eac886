/* /portal/<slug>/documents[?id=N]: the customer's public documents (one the
 * office keeps private never reaches the portal).  Without
 * "Documents: view" 403; another customer's record, or one on a site not
 * granted, 404. */
#include "config.h"

#include "pages.h"
#include "records.h"

static const struct rec_kind kind = {
	.kind = "document",
	.section = "documents",
	.perm = "documents_view",
};

static enum page_result documents_get(struct http *h, xmlNodePtr root)
{
	return records_page_get(h, root, &kind);
}

const struct page page_portal_documents = {
	.path = "/portal/*/documents",
	.name = "portal-records",
	.title = "Documents",
	.methods = HTTP_GET,
	.auth = PAGE_SIGNED_IN,
	.query = records_query,
	.nquery = 1,
	.get = documents_get,
	.memo = 1, /* shows the client's records: no secret */
};
