/* /portal/<slug>/sites: the sites the signed-in portal user may see: all
 * of the customer's, or the granted ones (TrackTik); ?id=N one of them.  A
 * group without "Sites: view" gets 403; a site of another customer, or one
 * not granted, is 404. */
#include "config.h"

#include "pages.h"
#include "perm.h"
#include "xml.h"

enum { Q_ID };
static const struct val_field query[] = {
	[Q_ID] = {"id", val_id, 10, 0, "Site"},
};

struct visible {
	xmlNodePtr parent;
	unsigned want; /* 0: all */
	int found;
};

static int add_site(void *ctx, const struct db_site *s)
{
	struct visible *v = ctx;
	if (v->want && s->id != v->want)
		return 0;
	xmlNodePtr n = xml_el(v->parent, "site");
	xml_attr_int(n, "id", s->id);
	if (s->parent_id)
		xml_attr_int(n, "parent", s->parent_id);
	xml_text_el(n, "name", s->name);
	xml_text_el(n, "address", s->address);
	v->found = 1;
	return 0;
}

static enum page_result sites_get(struct http *h, xmlNodePtr root)
{
	struct visible v = {0};
	enum db_result rc;

	if (!perm_portal_has(h->psess.perms, "sites_view"))
		return PAGE_FORBIDDEN;
	v.parent = xml_el(root, "portal-sites");
	v.want = h->q[Q_ID].st == VAL_OK ? (unsigned)h->q[Q_ID].num : 0;
	if ((rc = db_portal_sites(h->db, h->tenant.id, h->psess.customer_id, h->psess.user_id,
				  add_site, &v)) != DB_OK)
		return http_db_fail(rc);
	if (v.want && !v.found)
		return PAGE_NOT_FOUND;
	return PAGE_OK;
}

const struct page page_portal_sites = {
	.path = "/portal/*/sites",
	.name = "portal-sites",
	.title = "Sites",
	.methods = HTTP_GET,
	.auth = PAGE_SIGNED_IN,
	PAGE_QUERY(query),
	.get = sites_get,
	.memo = 1, /* shows the client's records: no secret */
};
