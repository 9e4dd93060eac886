/* The Deleted views (issue 15, "People who leave"): the portal users
 * (/settings/client/portal-access/deleted, Settings Edit) and the office
 * users (/settings/office-users/deleted, Super Admins, as their delete)
 * deleted within [people] restore_days, newest first, each with a Restore
 * button.  A restore brings back the login, the customer, group and sites
 * (portal) or the role, permissions and details (office), under the old
 * id, with no password and no session: the portal user is invited again
 * when the portal is on (as an add is), the office user is mailed a
 * set-password link (the office's reset mail).  Past the period, or with
 * the login taken again meanwhile: 409 and nothing restored.  Audited in
 * the restore's transaction (portal_user.undelete, office_user.undelete:
 * portal_user.restore already names a revoked user's access given back). */
#include "config.h"

#include <stdio.h>

#include "invite.h"
#include "pages.h"
#include "xml.h"

#define DELETED_SHOWN 500 /* the newest this many; a restore period holds few */

enum { Q_DONE };
VAL_CHOICE(done_choice, "Unknown notice.", "restored")
static const char *const portal_said[] = {
	"Portal user restored with their group and sites. They have no password yet: an "
	"invitation is on its way when the portal is on.",
};
static const char *const office_said[] = {
	"Office user restored with their role and permissions. They have no password yet: a "
	"link to set one is on its way.",
};
static const struct val_field query[] = {
	[Q_DONE] = {"done", done_choice, 10, 0, "Done"},
};

enum { F_ID };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED, "Deleted user"},
};

struct tombs {
	xmlNodePtr page;
	unsigned n;
};

/* One row; the one past DELETED_SHOWN only says there are more. */
static int add_tomb(void *ctx, const struct db_tombstone *t)
{
	struct tombs *x = ctx;
	xmlNodePtr n;

	if (++x->n > DELETED_SHOWN) {
		xml_attr(x->page, "more", "1");
		return 0;
	}
	n = xml_el(x->page, "deleted");

	xml_attr_int(n, "id", t->id);
	xml_attr_int(n, "user-id", t->user_id);
	if (t->role[0] != '\0')
		xml_attr(n, "role", t->role);
	xml_attr(n, "deleted-at", t->deleted_at);
	xml_attr(n, "until", t->until);
	xml_text_el(n, "name", t->name);
	xml_text_el(n, "email", t->email);
	return 0;
}

static enum page_result list_get(struct http *h, xmlNodePtr root, enum db_who who,
				 const char *const *said)
{
	unsigned days = h->conf->people.restore_days;
	struct tombs x = {NULL, 0};
	enum db_result rc;

	x.page = xml_el(root, who == DB_OFFICE ? "office-deleted" : "portal-deleted");
	xml_attr_int(x.page, "days", days);
	xml_attr_bool(x.page, "editable", h->sess.settings >= DB_PERM_EDIT);
	if ((rc = db_tombstones(h->db, who, h->sess.tenant_id, days, DELETED_SHOWN + 1, add_tomb,
				&x)) != DB_OK)
		return http_db_fail(rc);
	if (h->method == HTTP_GET)
		http_said(h, &h->q[Q_DONE], said);
	return PAGE_OK;
}

static enum page_result portal_get(struct http *h, xmlNodePtr root)
{
	return list_get(h, root, DB_PORTAL, portal_said);
}

static enum page_result office_get(struct http *h, xmlNodePtr root)
{
	return list_get(h, root, DB_OFFICE, office_said);
}

/* Nothing restored: 409 with why (the core rolls back). */
static enum page_result refused(struct http *h, const struct db_restored *r, enum db_result rc)
{
	if (rc == DB_DUP)
		h->error_msg = http_text(h,
					 "%s cannot be restored: the login was given to someone "
					 "else after the delete.",
					 r->email);
	else
		h->error_msg = http_text(h,
					 "%s cannot be restored: the restore period (%u days) has "
					 "ended.",
					 r->email, h->conf->people.restore_days);
	return PAGE_CONFLICT;
}

static enum page_result portal_post(struct http *h)
{
	unsigned id = (unsigned)h->f[F_ID].num;
	struct db_restored r;
	enum db_result rc;
	char target[1100];

	rc = db_portal_tombstone_restore(h->db, h->sess.tenant_id, id, h->conf->people.restore_days,
					 &r);
	if (rc == DB_DUP || (rc == DB_OK && !r.within))
		return refused(h, &r, rc);
	/* Invited as an add is: at once while the portal is on; one revoked
	 * when deleted comes back revoked, and uninvited. */
	if (rc == DB_OK && h->sess.tenant.portal_enabled && r.active)
		rc = invite_enqueue(h->db, h->conf, &h->sess.tenant, r.user_id, r.name, r.email);
	if (rc == DB_OK) {
		snprintf(target, sizeof target, "%s <%s>", r.name, r.email);
		rc = http_audit_on(h, "portal_user.undelete", "portal_user", r.user_id, target,
				   NULL,
				   !r.active                       ? "restored, revoked as it was"
				   : h->sess.tenant.portal_enabled ? "restored, invited"
								   : "restored, not invited");
	}
	return http_done(h, rc, "/settings/client/portal-access/deleted?done=restored");
}

static enum page_result office_post(struct http *h)
{
	unsigned id = (unsigned)h->f[F_ID].num;
	struct db_restored r;
	enum db_result rc;

	rc = db_office_tombstone_restore(h->db, h->sess.tenant_id, id, h->conf->people.restore_days,
					 &r);
	if (rc == DB_DUP || (rc == DB_OK && !r.within))
		return refused(h, &r, rc);
	/* No password: the office's set-password mail ("Forgot password?");
	 * none for one deactivated when deleted, who comes back so. */
	if (rc == DB_OK && r.active)
		rc = invite_enqueue_office_reset(h->db, h->conf, h->sess.tenant_id,
						 h->sess.tenant.company, r.user_id, r.email);
	if (rc == DB_OK)
		rc = http_audit_on(h, "office_user.undelete", "office_user", r.user_id, r.email,
				   NULL, r.active ? r.role : "deactivated as it was");
	return http_done(h, rc, "/settings/office-users/deleted?done=restored");
}

const struct page page_portal_deleted = {
	.path = "/settings/client/portal-access/deleted",
	.name = "portal-deleted",
	.title = "Deleted Portal Users",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_EDIT,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = portal_get,
	.post = portal_post,
	.txn = 1, /* the core begins, commits or rolls back */
};

const struct page page_office_deleted = {
	.path = "/settings/office-users/deleted",
	.name = "office-deleted",
	.title = "Deleted Office Users",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_SUPER,
	.need_edit = DB_PERM_SUPER,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = office_get,
	.post = office_post,
	.txn = 1, /* the core begins, commits or rolls back */
};
