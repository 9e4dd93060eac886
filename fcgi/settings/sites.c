/* /settings/customers/sites: adds a site to a customer (TrackTik), either a
 * master site or a sub-site of one of its master sites. */
#include "config.h"

#include <stdio.h>

#include "pages.h"

enum { F_CUSTOMER, F_NAME, F_ADDRESS, F_PARENT };
static const struct val_field form[] = {
	[F_CUSTOMER] = {"customer", val_id, 10, VAL_REQUIRED, "Customer"},
	[F_NAME] = {"name", val_line, 200, VAL_REQUIRED, "Site name"},
	[F_ADDRESS] = {"address", val_line, 300, 0, "Address"},
	[F_PARENT] = {"parent", val_id, 10, 0, "Master site"},
};

static enum page_result site_post(struct http *h)
{
	unsigned cid = (unsigned)h->f[F_CUSTOMER].num;
	struct db_customer c;
	char where[128];
	enum db_result rc;

	snprintf(where, sizeof where, "/settings/customers/edit?id=%u&done=site", cid);
	if ((rc = db_customer_get(h->db, h->sess.tenant_id, cid, &c)) != DB_OK)
		goto out;
	rc = db_site_add(h->db, h->sess.tenant_id, cid,
			 h->f[F_PARENT].st == VAL_OK ? (unsigned)h->f[F_PARENT].num : 0,
			 h->f[F_NAME].str, h->f[F_ADDRESS].st == VAL_OK ? h->f[F_ADDRESS].str : "");
	if (rc == DB_NOTFOUND || rc == DB_DUP) {
		h->error_msg =
			rc == DB_DUP ? "The customer has a site of this name already."
				     : "The master site must be a top-level site of this customer.";
		return PAGE_CONFLICT;
	}
	if (rc == DB_OK)
		rc = http_audit(h, "site.add", c.name, NULL, h->f[F_NAME].str);
out:
	return http_done(h, rc, where);
}

const struct page page_site_add = {
	.path = "/settings/customers/sites",
	.name = "site-add",
	.title = "Add site",
	.methods = HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_EDIT,
	.need_edit = DB_PERM_EDIT,
	PAGE_FORM(form),
	.post = site_post,
	.txn = 1, /* the core begins, commits or rolls back */
};
