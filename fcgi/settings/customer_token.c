/* /settings/customers/token: makes (or replaces) a customer's secure token
 * link.  Only the hash is looked up; the sealed copy lets editors copy the
 * link again.  The old token stops working at once, and so do the sessions
 * it opened. */
#include "config.h"

#include <stdio.h>

#include "pages.h"

enum { F_ID };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED, "Customer"},
};

static enum page_result token_post(struct http *h)
{
	unsigned id = (unsigned)h->f[F_ID].num;
	unsigned char hash[32], sealed[AUTH_COOKIE_LEN + AUTH_SEAL_OVERHEAD];
	char where[128];
	struct db_customer c;
	enum db_result rc;

	snprintf(where, sizeof where, "/settings/customers/edit?id=%u&done=rotated", id);
	rc = auth_token_sealed(hash, sealed) == 0 ? db_begin(h->db) : DB_ERR;
	if (rc != DB_OK)
		return http_db_fail(rc);
	if ((rc = db_customer_get(h->db, h->sess.tenant_id, id, &c)) != DB_OK ||
	    (rc = db_customer_token_set(h->db, h->sess.tenant_id, id, hash, sealed,
					sizeof sealed)) != DB_OK ||
	    (rc = db_portal_sessions_delete_customer(h->db, id)) != DB_OK)
		goto out;
	rc = http_audit(h, "customer.portal_token_rotated", c.name, NULL, NULL);
out:
	sodium_memzero(sealed, sizeof sealed);
	return http_txn_end(h, rc, where);
}

const struct page page_customer_token = {
	.path = "/settings/customers/token",
	.name = "customer-token",
	.title = "Secure token link",
	.methods = HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	PAGE_FORM(form),
	.post = token_post,
};
