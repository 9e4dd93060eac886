/* /settings/customers/enable-portal: bulk "Enable portal access" (seed 003).
 * GET with the ticked customers shows them and a permission group; POST
 * creates, in one transaction, a portal user for each customer's primary
 * email (skipping customers without one, and those whose email has portal
 * access already), invites them while the portal is on, and answers with
 * what happened to each customer. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "invite.h"
#include "pages.h"
#include "xml.h"

enum { Q_ID };
static const struct val_field query[] = {
	[Q_ID] = {"id", val_id, 10, VAL_REQUIRED | VAL_MULTI, "Customers"},
};

enum { F_ID, F_GROUP };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED | VAL_MULTI, "Customers"},
	[F_GROUP] = {"group", val_id, 10, VAL_REQUIRED, "Permission group"},
};

#define BULK_MAX 100 /* VAL_MULTI's limit */

struct outcome {
	unsigned id;
	char name[801], email[255];
	const char *result; /* invited, added, skipped-no-email, skipped-exists */
};

struct bulk {
	int shown; /* the report is ready: the page shows it */
	size_t n;
	struct outcome o[BULK_MAX];
};

/* Each outcome's notice, in this order: "n portal user(s) <what>" and the
 * like, the count and the noun agreeing.  The first two are the added. */
static const struct {
	const char *result, *kind, *one, *many, *what;
} outcomes[] = {
	{"invited", "success", "portal user", "portal users", "added and invited."},
	{"added", "success", "portal user", "portal users",
	 "added (not invited: the Client Portal is off)."},
	{"skipped-no-email", "info", "customer", "customers", "skipped: no primary email."},
	{"skipped-exists", "info", "customer", "customers",
	 "skipped: the email has portal access already."},
};
#define NOUTCOMES (sizeof outcomes / sizeof outcomes[0])

/* What the POST did, counted, as notices above the report. */
static void done_notices(struct http *h, const struct bulk *done)
{
	size_t n[NOUTCOMES] = {0};
	char msg[200];

	for (size_t i = 0; i < done->n; i++)
		for (size_t k = 0; k < NOUTCOMES; k++)
			n[k] += strcmp(done->o[i].result, outcomes[k].result) == 0;
	for (size_t k = 0; k < NOUTCOMES; k++) {
		if (k == 2 && n[0] + n[1] == 0)
			http_notice(h, "info", "No portal user was added.");
		if (n[k] == 0)
			continue;
		snprintf(msg, sizeof msg, "%zu %s %s", n[k],
			 n[k] == 1 ? outcomes[k].one : outcomes[k].many, outcomes[k].what);
		http_notice(h, outcomes[k].kind, msg);
	}
}

static enum page_result bulk_get(struct http *h, xmlNodePtr root)
{
	struct bulk *done = h->ctx != NULL && ((struct bulk *)h->ctx)->shown ? h->ctx : NULL;
	const struct val_value *ids = h->method == HTTP_GET ? &h->q[Q_ID] : &h->f[F_ID];
	struct db_customer c;
	enum db_result rc;
	xmlNodePtr page = xml_el(root, "portal-bulk"), n;

	xml_attr(page, "state", done ? "done" : "confirm");
	xml_attr_bool(page, "portal-enabled", h->sess.tenant.portal_enabled);
	if (done != NULL) {
		done_notices(h, done);
		for (size_t i = 0; i < done->n; i++) {
			n = xml_el(page, "customer");
			xml_attr_int(n, "id", done->o[i].id);
			xml_attr(n, "result", done->o[i].result);
			xml_text_el(n, "name", done->o[i].name);
			xml_text_el(n, "email", done->o[i].email);
		}
		return PAGE_OK;
	}
	for (size_t i = 0; i < ids->nnums; i++) {
		if ((rc = db_customer_get(h->db, h->sess.tenant_id, (unsigned)ids->nums[i], &c)) !=
		    DB_OK)
			return http_db_fail(rc);
		n = xml_el(page, "customer");
		xml_attr_int(n, "id", c.id);
		xml_text_el(n, "name", c.name);
		xml_text_el(n, "email", c.email);
	}
	n = xml_el(page, "groups");
	if ((rc = settings_group_options(h, n, 0)) != DB_OK)
		return http_db_fail(rc);
	return PAGE_OK;
}

static enum page_result bulk_post(struct http *h)
{
	struct bulk *done = http_ctx(h, sizeof *done);
	const struct val_value *ids = &h->f[F_ID];
	struct db_group g;
	struct db_customer c;
	enum db_result rc;
	unsigned uid;
	char target[1100];

	if (done == NULL)
		return PAGE_ERROR;
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	if ((rc = settings_group_chosen(h, (unsigned)h->f[F_GROUP].num, &g)) == DB_NOTFOUND) {
		db_rollback(h->db);
		return http_field_error(h, F_GROUP, "Choose one of your permission groups.");
	}
	for (size_t i = 0; rc == DB_OK && i < ids->nnums && i < BULK_MAX; i++) {
		struct outcome *o = &done->o[done->n++];
		if ((rc = db_customer_get(h->db, h->sess.tenant_id, (unsigned)ids->nums[i], &c)) !=
		    DB_OK)
			break;
		o->id = c.id;
		snprintf(o->name, sizeof o->name, "%s", c.name);
		snprintf(o->email, sizeof o->email, "%s", c.email);
		if (c.email[0] == '\0') {
			o->result = "skipped-no-email";
			continue;
		}
		rc = db_portal_user_add(h->db, h->sess.tenant_id, c.id, c.name, c.email, NULL,
					&uid);
		if (rc == DB_DUP) {
			o->result = "skipped-exists";
			rc = DB_OK;
			continue;
		}
		if (rc != DB_OK ||
		    (rc = db_portal_access_set(h->db, h->sess.tenant_id, uid, g.id, 1, 0)) != DB_OK)
			break;
		if (h->sess.tenant.portal_enabled &&
		    (rc = invite_enqueue(h->db, h->conf, &h->sess.tenant, uid, c.name, c.email)) !=
			    DB_OK)
			break;
		o->result = h->sess.tenant.portal_enabled ? "invited" : "added";
		snprintf(target, sizeof target, "%s <%s>", c.name, c.email);
		rc = http_audit(h, "portal_user.bulk_add", target, NULL, g.name);
	}
	if (rc == DB_OK)
		rc = db_commit(h->db);
	if (rc != DB_OK) {
		db_rollback(h->db);
		return http_db_fail(rc);
	}
	/* The report, in this answer. */
	done->shown = 1;
	h->status = 200;
	return PAGE_INVALID;
}

const struct page page_portal_bulk = {
	.path = "/settings/customers/enable-portal",
	.name = "portal-bulk",
	.title = "Enable portal access",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_EDIT,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = bulk_get,
	.post = bulk_post,
};
