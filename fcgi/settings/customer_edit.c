/* /settings/customers/edit: add (no id) or edit (?id=N) a customer.  Editing,
 * the page also lists the customer's portal users (Syncro), each with its
 * status as the portal's sign-in decides it, its invitation state (the
 * ledger, sql/026) and the Portal Access pages' actions, which come back
 * here when asked from here (from=customer): resend the invitation
 * (portal_user_resend.c), revoke or restore access (portal_user_edit.c),
 * delete (portal_user_delete.c), send a password reset
 * (portal_user_reset.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"
#include "xml.h"

enum { Q_ID, Q_DONE };
/* The notices a redirect back here asks for (?done=). */
VAL_CHOICE(done_choice, "Unknown notice.", "rotated", "contact", "enabled", "site", "reset",
	   "user_saved", "resent", "off", "deleted")
static const char *const said[] = {
	"A new secure link is ready; the previous one no longer works.",
	"Contact added.",
	"The contact is a portal user now.",
	"Site added.",
	"A password reset email is on its way to the portal user; earlier reset links no longer "
	"work.",
	"Portal user saved.",
	"A new invitation is on its way; earlier invitation links no longer work.",
	"The Client Portal is off: no invitation was sent.",
	"Portal user deleted.",
};

static const struct val_field query[] = {
	[Q_ID] = {"id", val_id, 10, 0, "Customer"},
	[Q_DONE] = {"done", done_choice, 10, 0, "Done"},
};

enum { F_ID, F_NAME, F_EMAIL, F_PHONE, F_STREET, F_CITY, F_STATE, F_ZIP };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, 0, "Customer"},
	[F_NAME] = {"name", val_line, 200, VAL_REQUIRED, "Name"},
	[F_EMAIL] = {"email", val_email, 254, 0, "Primary email"},
	[F_PHONE] = {"phone", val_line, 40, 0, "Phone"},
	[F_STREET] = {"street", val_line, 200, 0, "Street"},
	[F_CITY] = {"city", val_line, 100, 0, "City"},
	[F_STATE] = {"state", val_line, 100, 0, "State"},
	[F_ZIP] = {"zip", val_line, 20, 0, "ZIP"},
};

/* The customer's secure token link (seed 003): shown to office users who
 * may edit settings (it opens the portal without a password), with whether
 * it works now (only while the customer has no portal users). */
static enum page_result token_link(struct http *h, const struct db_customer *c, xmlNodePtr n)
{
	unsigned char sealed[128], tok[AUTH_COOKIE_LEN + 1];
	char at[24], link[800];
	size_t len = 0;
	enum db_result rc;
	xmlNodePtr t;

	if ((rc = db_customer_token_get(h->db, h->sess.tenant_id, c->id, sealed, sizeof sealed,
					&len, at)) != DB_OK)
		return http_db_fail(rc);
	t = xml_el(n, "token-link");
	xml_attr_bool(t, "active", c->portal_users == 0 && h->sess.tenant.portal_enabled);
	if (len == 0)
		return PAGE_OK;
	xml_attr(t, "created", at);
	if (h->sess.settings < DB_PERM_EDIT)
		return PAGE_OK;
	if (len != AUTH_COOKIE_LEN + AUTH_SEAL_OVERHEAD ||
	    auth_open(sealed, len, tok, AUTH_COOKIE_LEN) != 0)
		return PAGE_ERROR;
	tok[AUTH_COOKIE_LEN] = '\0';
	snprintf(link, sizeof link, "%s/portal/%s/t?token=%s", h->conf->web.base_url,
		 h->sess.tenant.slug, (const char *)tok);
	xml_attr(t, "href", link);
	sodium_memzero(tok, sizeof tok);
	sodium_memzero(link, sizeof link);
	return PAGE_OK;
}

static int add_contact(void *ctx, const struct db_contact *ct)
{
	xmlNodePtr n = xml_el(ctx, "contact");
	xml_attr_int(n, "id", ct->id);
	xml_text_el(n, "name", ct->name);
	xml_text_el(n, "email", ct->email);
	xml_text_el(n, "phone", ct->phone);
	if (ct->portal_user_id) {
		xmlNodePtr u = xml_text_el(n, "portal-user", ct->login);
		xml_attr_int(u, "id", ct->portal_user_id);
	}
	return 0;
}

static int add_site(void *ctx, const struct db_site *st)
{
	xmlNodePtr n = xml_text_el(ctx, "site", st->name);
	xml_attr_int(n, "id", st->id);
	if (st->parent_id)
		xml_attr_int(n, "parent", st->parent_id);
	return 0;
}

/* The customer's portal users as listed, by email: each one's node, for
 * its invitation (the ledger's rows come in the same order). */
struct pu_nodes {
	xmlNodePtr list;
	xmlNodePtr *node;
	unsigned *id;
	size_t n, cap, next;
};

static int add_portal_user(void *ctx, const struct db_colleague *c)
{
	struct pu_nodes *p = ctx;
	xmlNodePtr n = xml_el(p->list, "user");

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		xmlNodePtr *node = realloc(p->node, cap * sizeof *node);
		unsigned *id = node ? realloc(p->id, cap * sizeof *id) : NULL;
		if (node != NULL)
			p->node = node;
		if (id == NULL)
			return -1;
		p->id = id;
		p->cap = cap;
	}
	p->node[p->n] = n;
	p->id[p->n++] = c->id;
	xml_attr_int(n, "id", c->id);
	xml_attr(n, "status", c->status);
	xml_text_el(n, "email", c->email);
	xml_text_el(n, "name", c->name);
	xml_text_el(n, "group", c->group);
	xml_text_el(n, "last-sign-in", c->last_sign_in);
	return 0;
}

static void not_invited(xmlNodePtr user)
{
	xml_attr(xml_el(user, "invitation"), "state", "not_invited");
}

/* A user's latest invitation onto its node; the users passed over have
 * none: not invited. */
static int add_invitation(void *ctx, unsigned user_id, const struct db_invitation *i)
{
	struct pu_nodes *p = ctx;
	xmlNodePtr n;

	while (p->next < p->n && p->id[p->next] != user_id)
		not_invited(p->node[p->next++]);
	/* A user added between the two reads is not listed. */
	if (p->next == p->n)
		return 0;
	n = xml_el(p->node[p->next++], "invitation");
	xml_attr(n, "state", i->state);
	xml_attr(n, "queued", i->queued);
	xml_attr(n, "expires", i->expires);
	if (i->sent[0])
		xml_attr(n, "sent", i->sent);
	if (i->reminded[0])
		xml_attr(n, "reminded", i->reminded);
	if (i->accepted[0])
		xml_attr(n, "accepted", i->accepted);
	if (i->bounced[0]) {
		xml_attr(n, "bounced", i->bounced);
		xml_text_el(n, "answer", i->answer);
	}
	return 0;
}

/* The customer's portal users with their invitations. */
static enum db_result portal_users_xml(struct http *h, xmlNodePtr page, unsigned id)
{
	struct pu_nodes p = {.list = xml_el(page, "portal-users")};
	enum db_result rc;

	if ((rc = db_colleagues(h->db, h->sess.tenant_id, id, add_portal_user, &p)) == DB_OK &&
	    (rc = db_customer_invitations(h->db, h->sess.tenant_id, id, add_invitation, &p)) ==
		    DB_OK)
		while (p.next < p.n)
			not_invited(p.node[p.next++]);
	free(p.node);
	free(p.id);
	return rc;
}

/* The customer's contacts, and the groups one may be enabled in. */
static enum page_result contacts_xml(struct http *h, xmlNodePtr page, unsigned id)
{
	enum db_result rc;
	xmlNodePtr n;

	if ((rc = portal_users_xml(h, page, id)) != DB_OK)
		return http_db_fail(rc);
	n = xml_el(page, "contacts");
	if ((rc = db_contacts(h->db, h->sess.tenant_id, id, add_contact, n)) != DB_OK)
		return http_db_fail(rc);
	n = xml_el(page, "groups");
	if ((rc = settings_group_options(h, n, 0)) != DB_OK)
		return http_db_fail(rc);
	n = xml_el(page, "sites");
	if ((rc = db_sites(h->db, h->sess.tenant_id, id, add_site, n)) != DB_OK)
		return http_db_fail(rc);
	http_said(h, &h->q[Q_DONE], said);
	return PAGE_OK;
}

static enum page_result ce_get(struct http *h, xmlNodePtr root)
{
	struct db_customer c;
	enum db_result rc;
	unsigned id = 0;
	xmlNodePtr page, n;

	if (h->method == HTTP_GET && h->q[Q_ID].st == VAL_OK)
		id = (unsigned)h->q[Q_ID].num;
	else if (h->method == HTTP_POST && h->f[F_ID].st == VAL_OK)
		id = (unsigned)h->f[F_ID].num;
	memset(&c, 0, sizeof c);
	if (id && (rc = db_customer_get(h->db, h->sess.tenant_id, id, &c)) != DB_OK)
		return http_db_fail(rc);
	page = xml_el(root, "customer-edit");
	xml_attr_bool(page, "editable", h->sess.settings >= DB_PERM_EDIT);
	xml_attr_bool(page, "portal-enabled", h->sess.tenant.portal_enabled);
	n = xml_el(page, "customer");
	if (id)
		xml_attr_int(n, "id", c.id);
	xml_attr_int(n, "portal-users", c.portal_users);
	xml_text_el(n, "name", c.name);
	xml_text_el(n, "email", c.email);
	xml_text_el(n, "phone", c.phone);
	xml_text_el(n, "street", c.street);
	xml_text_el(n, "city", c.city);
	xml_text_el(n, "state", c.state);
	xml_text_el(n, "zip", c.zip);
	if (id) {
		enum page_result r = token_link(h, &c, n);
		return r == PAGE_OK ? contacts_xml(h, page, id) : r;
	}
	return PAGE_OK;
}

static const char *opt(const struct val_value *v)
{
	return v->st == VAL_OK ? v->str : "";
}

static enum page_result ce_post(struct http *h)
{
	struct db_customer c, old;
	enum db_result rc;
	char before[400], after[400], target[32];

	memset(&c, 0, sizeof c);
	c.id = h->f[F_ID].st == VAL_OK ? (unsigned)h->f[F_ID].num : 0;
	snprintf(c.name, sizeof c.name, "%s", h->f[F_NAME].str);
	snprintf(c.email, sizeof c.email, "%s", opt(&h->f[F_EMAIL]));
	snprintf(c.phone, sizeof c.phone, "%s", opt(&h->f[F_PHONE]));
	snprintf(c.street, sizeof c.street, "%s", opt(&h->f[F_STREET]));
	snprintf(c.city, sizeof c.city, "%s", opt(&h->f[F_CITY]));
	snprintf(c.state, sizeof c.state, "%s", opt(&h->f[F_STATE]));
	snprintf(c.zip, sizeof c.zip, "%s", opt(&h->f[F_ZIP]));
	if (c.id) {
		if ((rc = db_customer_get(h->db, h->sess.tenant_id, c.id, &old)) != DB_OK)
			goto out;
		rc = db_customer_update(h->db, h->sess.tenant_id, &c);
		snprintf(before, sizeof before, "%s <%s>", old.name, old.email);
	} else {
		rc = db_customer_add(h->db, h->sess.tenant_id, &c, &c.id);
		before[0] = '\0';
	}
	if (rc == DB_DUP)
		return http_field_error(h, F_NAME, "Another customer already has this name.");
	if (rc != DB_OK)
		goto out;
	snprintf(after, sizeof after, "%s <%s>", c.name, c.email);
	snprintf(target, sizeof target, "customer %u", c.id);
	rc = http_audit(h, before[0] ? "customer.update" : "customer.add", target,
			before[0] ? before : NULL, after);
out:
	return http_done(h, rc, "/settings/customers?done=saved");
}

const struct page page_customer_edit = {
	.path = "/settings/customers/edit",
	.name = "customer-edit",
	.title = "Customer",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = ce_get,
	.post = ce_post,
	.txn = 1, /* the core begins, commits or rolls back */
};
