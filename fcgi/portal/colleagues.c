/* /portal/<slug>/colleagues: the customer's own admin (a portal user whose
 * group grants "Manage colleagues") invites, revokes and restores portal
 * users of the same customer, choosing only groups that grant no more than
 * their own, and acting only on colleagues whose group grants no more.  A
 * group that shows all the customer's records grants more than one that
 * shows its users only their own (sql/028). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "invite.h"
#include "pages.h"
#include "perm.h"
#include "xml.h"

enum { F_ACTION, F_EMAIL, F_GROUP, F_ID };
static const struct val_field form[] = {
	[F_ACTION] = {"action", val_line, 8, VAL_REQUIRED, "Action"},
	[F_EMAIL] = {"email", val_email, 254, 0, "Email"},
	[F_GROUP] = {"group", val_id, 10, 0, "Permission group"},
	[F_ID] = {"id", val_id, 10, 0, "Colleague"},
};

/* Whether every permission of set is also in mine. */
static int within(const char *set, const char *mine)
{
	for (size_t i = 0; i < perm_nportal; i++)
		if (perm_portal_has(set, perm_portal[i].key) &&
		    !perm_portal_has(mine, perm_portal[i].key))
			return 0;
	return 1;
}

/* The tenant's groups that show only their users' own records.  Past the
 * first 256 such groups a group is taken to show all, which only makes
 * the rule stricter. */
struct own_groups {
	unsigned id[256];
	size_t n;
};

static int note_own(void *p, const struct db_group *g)
{
	struct own_groups *o = p;
	if (g->own_only && o->n < sizeof o->id / sizeof o->id[0])
		o->id[o->n++] = g->id;
	return 0;
}

static int group_own(const struct own_groups *o, unsigned id)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->id[i] == id)
			return 1;
	return 0;
}

/* Whether a group (perms, own: shows own records only) grants no more
 * than the session's (mine, me_own). */
static int grants_within(const char *perms, int own, const char *mine, int me_own)
{
	return within(perms, mine) && (own || !me_own);
}

struct ctx {
	struct http *h;
	xmlNodePtr parent;
	int me_own;
	struct own_groups og;
};

static int add_colleague(void *p, const struct db_colleague *c)
{
	struct ctx *x = p;
	xmlNodePtr n = xml_el(x->parent, "colleague");
	xml_attr_int(n, "id", c->id);
	/* status: as the sign-in decides it (pstatus.h), so a colleague never
	 * invited is not shown as Active; access: what Revoke / Restore acts on. */
	xml_attr(n, "status", c->status);
	xml_attr(n, "access", c->active ? "active" : "revoked");
	xml_attr_bool(n, "manageable",
		      c->id != x->h->psess.user_id &&
			      grants_within(c->perms, group_own(&x->og, c->group_id),
					    x->h->psess.perms, x->me_own));
	xml_text_el(n, "email", c->email);
	xml_text_el(n, "group", c->group);
	return 0;
}

static int add_group(void *p, const struct db_group *g)
{
	struct ctx *x = p;
	if (g->is_system || !grants_within(g->perms, g->own_only, x->h->psess.perms, x->me_own))
		return 0;
	xmlNodePtr n = xml_text_el(x->parent, "group", g->name);
	xml_attr_int(n, "id", g->id);
	return 0;
}

static enum page_result coll_get(struct http *h, xmlNodePtr root)
{
	struct ctx *x;
	enum page_result r = PAGE_OK;
	enum db_result rc;
	xmlNodePtr page;
	char url[160];

	if (h->psess.user_id == 0 || !perm_portal_has(h->psess.perms, "manage_colleagues"))
		return PAGE_FORBIDDEN;
	/* About 1 KiB: off the worker's stack (freed below). */
	if ((x = calloc(1, sizeof *x)) == NULL)
		return PAGE_ERROR;
	x->h = h;
	if ((rc = db_portal_user_own_only(h->db, h->tenant.id, h->psess.user_id, &x->me_own)) !=
		    DB_OK ||
	    (rc = db_groups(h->db, h->tenant.id, note_own, &x->og)) != DB_OK) {
		r = http_db_fail(rc);
		goto out;
	}
	page = xml_el(root, "portal-colleagues");
	portal_url(h, "colleagues", url, sizeof url);
	xml_attr(page, "action", url);
	xml_attr(page, "csrf", h->csrf);
	x->parent = xml_el(page, "colleagues");
	if ((rc = db_colleagues(h->db, h->tenant.id, h->psess.customer_id, add_colleague, x)) !=
	    DB_OK) {
		r = http_db_fail(rc);
		goto out;
	}
	x->parent = xml_el(page, "groups");
	if ((rc = db_groups(h->db, h->tenant.id, add_group, x)) != DB_OK)
		r = http_db_fail(rc);
out:
	free(x);
	return r;
}

struct find {
	unsigned id;
	struct db_colleague c;
	int found;
};

static int find_one(void *p, const struct db_colleague *c)
{
	struct find *f = p;
	if (c->id == f->id) {
		f->c = *c;
		f->found = 1;
	}
	return 0;
}

static enum page_result coll_post(struct http *h)
{
	const char *action = h->f[F_ACTION].str;
	struct db_group g;
	struct find f;
	enum db_result rc;
	unsigned uid;
	int me_own = 0;
	char to[160], company[801];

	if (h->psess.user_id == 0 || !perm_portal_has(h->psess.perms, "manage_colleagues"))
		return PAGE_FORBIDDEN;
	portal_url(h, "colleagues", to, sizeof to);
	if ((rc = db_portal_user_own_only(h->db, h->tenant.id, h->psess.user_id, &me_own)) != DB_OK)
		goto out;
	snprintf(company, sizeof company, "%s", h->psess.company);
	if (strcmp(action, "invite") == 0) {
		if (h->f[F_EMAIL].st != VAL_OK || h->f[F_GROUP].st != VAL_OK)
			return http_bad_request(h, "Give the colleague's email and a group.");
		rc = db_group_get(h->db, h->tenant.id, (unsigned)h->f[F_GROUP].num, &g);
		if (rc == DB_NOTFOUND ||
		    (rc == DB_OK && (g.is_system || !grants_within(g.perms, g.own_only,
								   h->psess.perms, me_own)))) {
			h->error_msg = "You can give a colleague only a group that grants no more "
				       "than yours.";
			return PAGE_FORBIDDEN;
		}
		if (rc == DB_OK)
			rc = db_portal_user_add(h->db, h->tenant.id, h->psess.customer_id, company,
						h->f[F_EMAIL].str, NULL, &uid);
		if (rc == DB_DUP) {
			h->error_msg = "This email has portal access already.";
			return PAGE_CONFLICT;
		}
		if (rc == DB_OK)
			rc = db_portal_access_set(h->db, h->tenant.id, uid, g.id, 1, 0);
		if (rc == DB_OK)
			rc = invite_enqueue(h->db, h->conf, &h->tenant, uid, company,
					    h->f[F_EMAIL].str);
	} else if (strcmp(action, "revoke") == 0 || strcmp(action, "restore") == 0) {
		memset(&f, 0, sizeof f);
		f.id = h->f[F_ID].st == VAL_OK ? (unsigned)h->f[F_ID].num : 0;
		if ((rc = db_colleagues(h->db, h->tenant.id, h->psess.customer_id, find_one, &f)) !=
		    DB_OK)
			goto out;
		if (!f.found) {
			return PAGE_NOT_FOUND; /* not a colleague: another customer's, or none */
		}
		memset(&g, 0, sizeof g);
		if (f.c.group_id &&
		    (rc = db_group_get(h->db, h->tenant.id, f.c.group_id, &g)) != DB_OK)
			goto out;
		if (f.id == h->psess.user_id ||
		    !grants_within(f.c.perms, g.own_only, h->psess.perms, me_own)) {
			h->error_msg = "You can act only on colleagues whose group grants no more "
				       "than yours.";
			return PAGE_FORBIDDEN;
		}
		rc = db_portal_access_set(h->db, h->tenant.id, f.id, f.c.group_id,
					  strcmp(action, "restore") == 0, 0);
	} else {
		return http_bad_request(h, "Unknown action: use invite, revoke or restore.");
	}
	if (rc == DB_OK)
		rc = portal_audit(h,
				  strcmp(action, "invite") == 0   ? "portal_user.colleague_invite"
				  : strcmp(action, "revoke") == 0 ? "portal_user.colleague_revoke"
								  : "portal_user.colleague_restore",
				  strcmp(action, "invite") == 0 ? h->f[F_EMAIL].str : f.c.email,
				  NULL, NULL);
out:
	return http_done(h, rc, to);
}

const struct page page_portal_colleagues = {
	.path = "/portal/*/colleagues",
	.name = "portal-colleagues",
	.title = "Colleagues",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	PAGE_FORM(form),
	.get = coll_get,
	.post = coll_post,
	.txn = 1, /* the core begins, commits or rolls back */
};
