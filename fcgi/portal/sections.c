/* The record sections that differ only in data: /portal/<slug>/invoices,
 * estimates, documents and equipment [?id=N].  One table names each
 * section's kind, permissions and action; one pair of handlers serves them
 * all (the engine is records.c).  Without the section's view permission
 * 403; another customer's record, or one on a site not granted, 404.  Jobs
 * (jobs.c) has a request form of its own. */
#include "config.h"

#include "pages.h"
#include "records.h"

static const struct section {
	const struct page *page;
	struct rec_kind kind;
} sections[] = {
	/* With "Invoices: pay", Pay marks an open invoice "payment
	 * submitted" (the office confirms it when the money arrives). */
	{&page_portal_invoices,
	 {.kind = "invoice",
	  .section = "invoices",
	  .perm = "invoices_view",
	  .act_perm = "invoices_pay",
	  .action = "pay",
	  .from = "open",
	  .to = "payment_pending"}},
	/* With "Estimates: approve", Approve accepts a sent one. */
	{&page_portal_estimates,
	 {.kind = "estimate",
	  .section = "estimates",
	  .perm = "estimates_view",
	  .act_perm = "estimates_approve",
	  .action = "approve",
	  .from = "sent",
	  .to = "approved"}},
	/* The public ones only: one the office keeps private never reaches
	 * the portal. */
	{&page_portal_documents,
	 {.kind = "document", .section = "documents", .perm = "documents_view"}},
	/* The equipment on the customer's sites. */
	{&page_portal_equipment,
	 {.kind = "equipment", .section = "equipment", .perm = "equipment_view"}},
};

/* The kind of the request's page (every page of this file has one). */
static const struct rec_kind *kind_of(const struct http *h)
{
	for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
		if (sections[i].page == h->page)
			return &sections[i].kind;
	return NULL;
}

static enum page_result section_get(struct http *h, xmlNodePtr root)
{
	const struct rec_kind *k = kind_of(h);

	return k != NULL ? records_page_get(h, root, k) : PAGE_ERROR;
}

static enum page_result section_post(struct http *h)
{
	const struct rec_kind *k = kind_of(h);

	return k != NULL ? records_page_post(h, k) : PAGE_ERROR;
}

/* What every section page declares: its stylesheet, who opens it, ?id=N,
 * and that its HTML may be kept (the client's records: no secret). */
#define SECTION_PAGE                                                                               \
	.name = "portal-records", .auth = PAGE_SIGNED_IN, .query = records_query, .nquery = 1,     \
	.get = section_get, .memo = 1
/* A section with an action (pay, approve): its form, in the transaction
 * the core owns (records_move). */
#define SECTION_ACTS                                                                               \
	.methods = HTTP_GET | HTTP_POST, .form = records_form, .nform = 2, .post = section_post,   \
	.txn = 1

const struct page page_portal_invoices = {
	.path = "/portal/*/invoices",
	.title = "Invoices",
	SECTION_PAGE,
	SECTION_ACTS,
};

const struct page page_portal_estimates = {
	.path = "/portal/*/estimates",
	.title = "Estimates",
	SECTION_PAGE,
	SECTION_ACTS,
};

const struct page page_portal_documents = {
	.path = "/portal/*/documents",
	.title = "Documents",
	SECTION_PAGE,
	.methods = HTTP_GET,
};

const struct page page_portal_equipment = {
	.path = "/portal/*/equipment",
	.title = "Equipment",
	SECTION_PAGE,
	.methods = HTTP_GET,
};
