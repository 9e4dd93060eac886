/* /settings/client/portal-access/invite-all: Portal Access Settings'
 * offer, once the portal is on, to invite every portal user never invited
 * (issue 15): each gets an invitation (invite.h) and an audit entry, in
 * one transaction, up to INVITE_ALL_MAX a request (the page offers the
 * rest again). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "pages.h"

#define INVITE_ALL_MAX 2000

static enum page_result invite_all_post(struct http *h)
{
	unsigned *ids = NULL;
	size_t n = 0, done = 0;
	enum db_result rc;
	char to[96];

	if (!h->sess.tenant.portal_enabled) {
		h->error_msg = "The client portal is off: turn it on before inviting anyone.";
		return PAGE_CONFLICT;
	}
	if ((ids = calloc(INVITE_ALL_MAX, sizeof *ids)) == NULL)
		return PAGE_UNAVAILABLE;
	rc = db_portal_users_not_invited_ids(h->db, h->sess.tenant_id, ids, INVITE_ALL_MAX, &n);
	for (; rc == DB_OK && done < n; done++) {
		struct db_portal_user u;
		if ((rc = db_portal_user_get(h->db, h->sess.tenant_id, ids[done], &u)) == DB_OK &&
		    (rc = invite_enqueue(h->db, h->conf, &h->sess.tenant, u.id, u.company,
					 u.email)) == DB_OK)
			rc = http_audit_on(h, "portal_user.invited", "portal_user", u.id, u.email,
					   NULL, "invited with every portal user never invited");
	}
	free(ids);
	snprintf(to, sizeof to, "/settings/client/portal-access-settings?invited=%zu", done);
	return http_done(h, rc, to);
}

const struct page page_portal_invite_all = {
	.path = "/settings/client/portal-access/invite-all",
	.name = "portal-invite-all",
	.title = "Invite every portal user",
	.methods = HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_EDIT,
	.need_edit = DB_PERM_EDIT,
	.post = invite_all_post,
	.txn = 1,
};
