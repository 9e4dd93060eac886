/* /portal/<slug>/estimates[?id=N]: the customer's estimates; with
 * "Estimates: approve", Approve accepts a sent one.  Without
 * "Estimates: view" 403; another customer's record, or one on a site not
 * granted, 404. */
#include "config.h"

#include "pages.h"
#include "records.h"

static const struct rec_kind kind = {
	.kind = "estimate",
	.section = "estimates",
	.perm = "estimates_view",
	.act_perm = "estimates_approve",
	.action = "approve",
	.from = "sent",
	.to = "approved",
};

static enum page_result estimates_get(struct http *h, xmlNodePtr root)
{
	return records_page_get(h, root, &kind);
}

static enum page_result estimates_post(struct http *h)
{
	return records_page_post(h, &kind);
}

const struct page page_portal_estimates = {
	.path = "/portal/*/estimates",
	.name = "portal-records",
	.title = "Estimates",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.query = records_query,
	.nquery = 1,
	.form = records_form,
	.nform = 2,
	.get = estimates_get,
	.post = estimates_post,
	.txn = 1,  /* records_move: the core owns the transaction */
	.memo = 1, /* shows the client's records: no secret */
};
