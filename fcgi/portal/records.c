/* The record sections' engine: what a portal session may see of its
 * customer's records, and the status moves its group allows. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "perm.h"
#include "records.h"
#include "xml.h"

const struct val_field records_query[] = {
	[RECORDS_ID] = {"id", val_id, 10, 0, "Record"},
};
const size_t records_nquery = sizeof records_query / sizeof records_query[0];

const struct val_field records_form[] = {
	[RECORDS_ACTION] = {"action", val_line, 16, VAL_REQUIRED, "Action"},
	[RECORDS_FORM_ID] = {"id", val_id, 10, VAL_REQUIRED, "Record"},
};
const size_t records_nform = sizeof records_form / sizeof records_form[0];

struct rec_ctx {
	xmlNodePtr parent;
	int found;
	char status[81]; /* of the last record seen */
};

static int add_record(void *p, const struct db_record *r)
{
	struct rec_ctx *x = p;
	xmlNodePtr n = xml_el(x->parent, "record");
	char amount[32];

	xml_attr_int(n, "id", r->id);
	if (r->status[0])
		xml_attr(n, "status", r->status);
	xml_attr(n, "date", r->date);
	if (r->amount_cents >= 0) {
		snprintf(amount, sizeof amount, "%lld.%02lld", r->amount_cents / 100,
			 r->amount_cents % 100);
		xml_attr(n, "amount", amount);
	}
	if (r->site_id)
		xml_attr_int(n, "site-id", r->site_id);
	xml_text_el(n, "ref", r->ref);
	xml_text_el(n, "title", r->title);
	xml_text_el(n, "site", r->site);
	if (r->detail[0])
		xml_text_el(n, "detail", r->detail);
	x->found = 1;
	snprintf(x->status, sizeof x->status, "%s", r->status);
	return 0;
}

int records_may_act(const struct http *h, const struct rec_kind *k)
{
	return k->act_perm != NULL && h->psess.user_id != 0 &&
	       perm_portal_has(h->psess.perms, k->act_perm);
}

enum page_result records_get(struct http *h, xmlNodePtr root, const struct rec_kind *k,
			     unsigned only_id)
{
	struct rec_ctx x = {0};
	enum db_result rc;
	xmlNodePtr page;
	char url[160];

	if (!perm_portal_has(h->psess.perms, k->perm))
		return PAGE_FORBIDDEN;
	page = xml_el(root, "portal-records");
	xml_attr(page, "section", k->section);
	portal_url(h, k->section, url, sizeof url);
	xml_attr(page, "href", url);
	if (only_id)
		xml_attr(page, "one", "1");
	if (records_may_act(h, k)) {
		xml_attr(page, "action", k->action);
		xml_attr(page, "csrf", h->csrf);
	}
	x.parent = page;
	if ((rc = db_portal_records(h->db, h->tenant.id, h->psess.customer_id, h->psess.user_id,
				    k->kind, only_id, add_record, &x)) != DB_OK)
		return http_db_fail(rc);
	if (only_id && !x.found)
		return PAGE_NOT_FOUND;
	return PAGE_OK;
}

static int seen(void *p, const struct db_record *r)
{
	struct rec_ctx *x = p;
	x->found = 1;
	snprintf(x->status, sizeof x->status, "%s", r->status);
	return 0;
}

enum page_result records_move(struct http *h, const struct rec_kind *k, unsigned id)
{
	struct rec_ctx x = {0};
	enum db_result rc;
	char to[200], target[48];

	if (!perm_portal_has(h->psess.perms, k->perm) || !records_may_act(h, k))
		return PAGE_FORBIDDEN;
	/* Visible to this session (its customer, a granted site)? */
	if ((rc = db_portal_records(h->db, h->tenant.id, h->psess.customer_id, h->psess.user_id,
				    k->kind, id, seen, &x)) != DB_OK)
		goto out;
	if (!x.found)
		return PAGE_NOT_FOUND;
	rc = db_record_status(h->db, h->tenant.id, h->psess.customer_id, id, k->kind, k->from,
			      k->to, h->psess.email);
	if (rc == DB_NOTFOUND) {
		h->error_msg = "This record has changed in the meantime; reload it to "
			       "see where it stands.";
		return PAGE_CONFLICT;
	}
	if (rc == DB_OK) {
		char action[64];
		snprintf(action, sizeof action, "portal.%s_%s", k->kind, k->action);
		snprintf(target, sizeof target, "%s %u", k->kind, id);
		rc = portal_audit(h, action, target, k->from, k->to);
		/* The office's inbox item (sql/029), in the same transaction. */
		if (rc == DB_OK)
			rc = db_inbox_add(h->db, h->tenant.id, id, h->psess.customer_id,
					  h->psess.user_id, h->psess.email,
					  action + sizeof "portal." - 1);
	}
out:
	snprintf(to, sizeof to, "/portal/%s/%s?id=%u", h->slug, k->section, id);
	return http_done(h, rc, to);
}

enum page_result records_page_get(struct http *h, xmlNodePtr root, const struct rec_kind *k)
{
	const struct val_value *id = &h->q[RECORDS_ID];
	return records_get(h, root, k, id->st == VAL_OK ? (unsigned)id->num : 0);
}

enum page_result records_page_post(struct http *h, const struct rec_kind *k)
{
	if (k->action == NULL || strcmp(h->f[RECORDS_ACTION].str, k->action) != 0)
		return http_bad_request(h, "Unknown action for this page.");
	return records_move(h, k, (unsigned)h->f[RECORDS_FORM_ID].num);
}
