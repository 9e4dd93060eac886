/* /portal/<slug>/invoices[?id=N]: the customer's invoices; with "Invoices: pay",
 * Pay marks an open invoice "payment submitted" (the office confirms it
 * when the money arrives).  Without
 * "Invoices: view" 403; another customer's record, or one on a site not
 * granted, 404. */
#include "config.h"

#include "pages.h"
#include "records.h"

static const struct rec_kind kind = {
	.kind = "invoice",
	.section = "invoices",
	.perm = "invoices_view",
	.act_perm = "invoices_pay",
	.action = "pay",
	.from = "open",
	.to = "payment_pending",
};

static enum page_result invoices_get(struct http *h, xmlNodePtr root)
{
	return records_page_get(h, root, &kind);
}

static enum page_result invoices_post(struct http *h)
{
	return records_page_post(h, &kind);
}

const struct page page_portal_invoices = {
	.path = "/portal/*/invoices",
	.name = "portal-records",
	.title = "Invoices",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.query = records_query,
	.nquery = 1,
	.form = records_form,
	.nform = 2,
	.get = invoices_get,
	.post = invoices_post,
	.txn = 1,  /* records_move: the core owns the transaction */
	.memo = 1, /* shows the client's records: no secret */
};
