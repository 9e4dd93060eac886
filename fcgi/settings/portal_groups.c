/* /settings/client/portal-groups: portal permission groups (seed 003).
 * The list (with members counted), and add / edit / delete at
 * /settings/client/portal-groups/edit: a name, the permissions, the default
 * group (given to new portal users) and "require MFA" for its members.  The
 * system group "Non-Portal Users" (what a secure token link opens) can be
 * edited but never deleted or made the default; a group with members is
 * not deleted (the page says how many). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "perm.h"
#include "xml.h"

enum { Q_ID, Q_DONE };
VAL_CHOICE(done_choice, "Unknown notice.", "saved", "deleted")
/* What the group's users see of the granted sites' jobs, estimates and
 * invoices (sql/028): all the customer's, or those they are the contact
 * of. */
VAL_CHOICE(visibility_choice, "Records shown is all or own.", "all", "own")
static const char *const said[] = {"Group saved.", "Group deleted."};

static const struct val_field query[] = {
	[Q_ID] = {"id", val_id, 10, 0, "Group"},
	[Q_DONE] = {"done", done_choice, 10, 0, "Done"},
};

enum { F_ID, F_NAME, F_DEFAULT, F_MFA, F_DELETE, F_VISIBILITY, F_PERM0 };
#define GP(k)                                                                                      \
	{                                                                                          \
		"perm_" #k, val_bool, 1, 0, #k                                                     \
	}
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, 0, "Group"},
	[F_NAME] = {"name", val_line, 100, VAL_REQUIRED, "Name"},
	[F_DEFAULT] = {"default", val_bool, 1, 0, "Default group"},
	[F_MFA] = {"require_mfa", val_bool, 1, 0, "Require MFA"},
	[F_DELETE] = {"delete", val_bool, 1, 0, "Delete"},
	/* Absent (an older form): the group keeps what it has. */
	[F_VISIBILITY] = {"visibility", visibility_choice, 3, 0, "Records shown"},
	GP(invoices_view),
	GP(invoices_pay),
	GP(estimates_view),
	GP(estimates_approve),
	GP(jobs_view),
	GP(jobs_request),
	GP(documents_view),
	GP(equipment_view),
	GP(sites_view),
	GP(reports_email),
	GP(manage_colleagues),
};
#undef GP

static void group_xml(xmlNodePtr parent, const struct db_group *g)
{
	xmlNodePtr n = xml_el(parent, "group");
	if (g->id)
		xml_attr_int(n, "id", g->id);
	xml_attr_bool(n, "system", g->is_system);
	xml_attr_bool(n, "default", g->is_default);
	xml_attr_bool(n, "require-mfa", g->require_mfa);
	xml_attr_int(n, "members", g->members);
	xml_attr(n, "visibility", g->own_only ? "own" : "all");
	xml_text_el(n, "name", g->name);
	for (size_t i = 0; i < perm_nportal; i++) {
		xmlNodePtr p = xml_text_el(n, "perm", perm_portal[i].label);
		xml_attr(p, "key", perm_portal[i].key);
		if (perm_portal_has(g->perms, perm_portal[i].key))
			xml_attr(p, "on", "1");
	}
}

static int add_group(void *ctx, const struct db_group *g)
{
	group_xml(ctx, g);
	return 0;
}

static enum page_result groups_get(struct http *h, xmlNodePtr root)
{
	enum db_result rc;
	xmlNodePtr page = xml_el(root, "portal-groups");

	xml_attr_bool(page, "editable", h->sess.settings >= DB_PERM_EDIT);
	if ((rc = db_groups(h->db, h->sess.tenant_id, add_group, page)) != DB_OK)
		return http_db_fail(rc);
	http_said(h, &h->q[Q_DONE], said);
	return PAGE_OK;
}

/* The posted permissions as a SET value. */
static void posted_perms(struct http *h, char *out, size_t outsz)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < perm_nportal; i++)
		if (h->f[F_PERM0 + i].st == VAL_OK && h->f[F_PERM0 + i].num)
			o += (size_t)snprintf(out + o, outsz - o, "%s%s", o ? "," : "",
					      perm_portal[i].key);
}

static enum page_result edit_get(struct http *h, xmlNodePtr root)
{
	struct db_group g;
	enum db_result rc;
	unsigned id = h->method == HTTP_GET
			      ? (h->q[Q_ID].st == VAL_OK ? (unsigned)h->q[Q_ID].num : 0)
			      : (h->f[F_ID].st == VAL_OK ? (unsigned)h->f[F_ID].num : 0);
	xmlNodePtr page;

	memset(&g, 0, sizeof g);
	if (id && (rc = db_group_get(h->db, h->sess.tenant_id, id, &g)) != DB_OK)
		return http_db_fail(rc);
	if (h->method == HTTP_POST) {
		/* A form that comes back shows what was ticked. */
		posted_perms(h, g.perms, sizeof g.perms);
		g.is_default = h->f[F_DEFAULT].st == VAL_OK && h->f[F_DEFAULT].num;
		g.require_mfa = h->f[F_MFA].st == VAL_OK && h->f[F_MFA].num;
		if (h->f[F_VISIBILITY].st == VAL_OK)
			g.own_only = h->f[F_VISIBILITY].num == 1;
	}
	page = xml_el(root, "portal-group-edit");
	xml_attr_bool(page, "editable", h->sess.settings >= DB_PERM_EDIT);
	group_xml(page, &g);
	return PAGE_OK;
}

static enum page_result edit_post(struct http *h)
{
	struct db_group g, old;
	enum db_result rc;
	int editing = h->f[F_ID].st == VAL_OK;
	unsigned id = editing ? (unsigned)h->f[F_ID].num : 0;

	memset(&g, 0, sizeof g);
	memset(&old, 0, sizeof old);
	if (editing && (rc = db_group_get(h->db, h->sess.tenant_id, id, &old)) != DB_OK)
		goto out;
	if (h->f[F_DELETE].st == VAL_OK && h->f[F_DELETE].num) {
		if (!editing)
			return http_bad_request(h, "Nothing to delete.");
		if (old.is_system || old.members > 0) {
			if (old.is_system)
				h->error_msg = http_text(h,
							 "\"%s\" is the system group: it cannot "
							 "be deleted.",
							 old.name);
			else
				h->error_msg = http_text(h,
							 "\"%s\" has %u member%s: move them to "
							 "another group first.",
							 old.name, old.members,
							 old.members == 1 ? "" : "s");
			return PAGE_CONFLICT;
		}
		if ((rc = db_group_delete(h->db, h->sess.tenant_id, id)) == DB_OK)
			rc = http_audit(h, "portal_group.delete", old.name, old.perms, NULL);
		return http_done(h, rc, "/settings/client/portal-groups?done=deleted");
	}
	g.id = id;
	snprintf(g.name, sizeof g.name, "%s", h->f[F_NAME].str);
	posted_perms(h, g.perms, sizeof g.perms);
	g.is_default = h->f[F_DEFAULT].st == VAL_OK && h->f[F_DEFAULT].num;
	g.require_mfa = h->f[F_MFA].st == VAL_OK && h->f[F_MFA].num;
	g.own_only = h->f[F_VISIBILITY].st == VAL_OK ? h->f[F_VISIBILITY].num == 1 : old.own_only;
	/* A token link has no user to be a record's contact: it sees all. */
	if (old.is_system && g.own_only)
		return http_field_error(h, F_VISIBILITY,
					"The system group's secure token links see all records.");
	if (old.is_system && g.is_default)
		return http_field_error(h, F_DEFAULT, "The system group cannot be the default.");
	if (old.is_default && !g.is_default) {
		/* There is always one default: choose another to change it. */
		return http_field_error(h, F_DEFAULT, "Make another group the default instead.");
	}
	if ((rc = db_group_save(h->db, h->sess.tenant_id, &g)) == DB_DUP)
		return http_field_error(h, F_NAME, "There is a group with this name already.");
	if (rc == DB_OK) {
		/* The records shown are part of what the group grants: named
		 * when a group shows its users only their own. */
		const char *was =
			http_text(h, "%s%s", old.perms, old.own_only ? "; own records only" : "");
		const char *now =
			http_text(h, "%s%s", g.perms, g.own_only ? "; own records only" : "");
		rc = http_audit(h, editing ? "portal_group.update" : "portal_group.add", g.name,
				editing ? was : NULL, now);
	}
out:
	return http_done(h, rc, "/settings/client/portal-groups?done=saved");
}

const struct page page_portal_groups = {
	.path = "/settings/client/portal-groups",
	.name = "portal-groups",
	.title = "Portal Permission Groups",
	.methods = HTTP_GET,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(query),
	.get = groups_get,
	.menu_section = "Client",
};

const struct page page_portal_group_edit = {
	.path = "/settings/client/portal-groups/edit",
	.name = "portal-group-edit",
	.title = "Portal Permission Group",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = edit_get,
	.post = edit_post,
	.txn = 1, /* the core begins, commits or rolls back */
};
