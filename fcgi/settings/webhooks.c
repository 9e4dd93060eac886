/* /settings/webhooks: the tenant's webhook endpoints (Super Admins only,
 * issue 14).  Add one (URL, the events it wants): its signing secret is
 * shown on the answer to that POST and never again, and kept sealed with
 * the secrets key (gatehouse-hooks must read it back to sign).  Disable or
 * enable one; delete one (?delete=ID asks first); ?log=ID shows its last
 * deliveries.  https only, and never an address of this server's own
 * network, unless [webhooks] allow_private (a dev stack). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "pages.h"
#include "webhook.h"
#include "xml.h"

enum { Q_DONE, Q_LOG, Q_DELETE };
enum { DONE_DELETED, DONE_DISABLED, DONE_ENABLED };
VAL_CHOICE(done_choice, "Unknown notice.", "deleted", "disabled", "enabled")
static const struct val_field query[] = {
	[Q_DONE] = {"done", done_choice, 10, 0, "Done"},
	[Q_LOG] = {"log", val_id, 10, 0, "Endpoint"},
	[Q_DELETE] = {"delete", val_id, 10, 0, "Endpoint"},
};

VAL_CHOICE(op_choice, "Unknown action.", "create", "disable", "enable", "delete")
enum { OP_CREATE, OP_DISABLE, OP_ENABLE, OP_DELETE };
#define NEVENTS 5
enum { F_OP, F_URL, F_ID, F_CONFIRM, F_EVENT0 };
static const struct val_field form[] = {
	[F_OP] = {"op", op_choice, 10, VAL_REQUIRED, "Action"},
	[F_URL] = {"url", val_line, WEBHOOK_URL_MAX, 0, "Endpoint URL"},
	[F_ID] = {"id", val_id, 10, 0, "Endpoint"},
	[F_CONFIRM] = {"confirm", val_bool, 1, 0, "Confirm"},
	/* One box an event, in the order of webhooks.events (sql/023). */
	[F_EVENT0 + 0] = {"event_portal_user", val_bool, 1, 0, "Portal users"},
	[F_EVENT0 + 1] = {"event_customer", val_bool, 1, 0, "Customers, contacts and sites"},
	[F_EVENT0 + 2] = {"event_group", val_bool, 1, 0, "Portal permission groups"},
	[F_EVENT0 + 3] = {"event_office_user", val_bool, 1, 0, "Office users"},
	[F_EVENT0 + 4] = {"event_record", val_bool, 1, 0, "Records"},
};
static const char *const event_names[NEVENTS] = {"portal_user", "customer", "group", "office_user",
						 "record"};

/* What the creating POST hands to its render: the secret, shown once. */
struct created {
	char secret[WEBHOOK_SECRET_LEN + 1];
	unsigned id;
};

struct hooks {
	xmlNodePtr parent;
	unsigned ask; /* the endpoint a deletion asks about, 0: none */
	int found;
};

static int add_hook(void *ctx, const struct db_webhook *w)
{
	struct hooks *hs = ctx;
	xmlNodePtr e = xml_el(hs->parent, "endpoint");

	xml_attr_int(e, "id", w->id);
	xml_attr(e, "enabled", w->enabled ? "1" : "0");
	xml_attr(e, "created", w->created_at);
	if (w->failing_since[0])
		xml_attr(e, "failing-since", w->failing_since);
	xml_attr_int(e, "pending", w->pending);
	xml_attr_int(e, "failed", w->failed);
	xml_text_el(e, "url", w->url);
	xml_text_el(e, "events", w->events);
	xml_text_el(e, "created-by", w->created_by);
	if (w->disabled_reason[0])
		xml_text_el(e, "disabled-reason", w->disabled_reason);
	if (hs->ask == w->id) {
		xml_attr(e, "delete", "1");
		hs->found = 1;
	}
	return 0;
}

static int add_delivery(void *ctx, const struct db_webhook_delivery *d)
{
	xmlNodePtr e = xml_el(ctx, "delivery");

	xml_attr_int(e, "id", (long long)d->id);
	xml_attr_int(e, "seq", (long long)d->seq);
	xml_attr(e, "resource", d->resource);
	xml_attr_int(e, "rid", d->rid);
	xml_attr(e, "op", d->op);
	xml_attr(e, "status", d->status);
	xml_attr_int(e, "attempts", d->attempts);
	if (d->first_at[0])
		xml_attr(e, "first-at", d->first_at);
	if (d->last_at[0])
		xml_attr(e, "last-at", d->last_at);
	if (d->code != 0)
		xml_attr_int(e, "code", d->code);
	if (d->error[0])
		xml_text_el(e, "error", d->error);
	return 0;
}

static enum page_result hooks_get(struct http *h, xmlNodePtr root)
{
	static const char *const said[] = {"Endpoint deleted.",
					   "Endpoint disabled: its events wait.",
					   "Endpoint enabled: its waiting events are sent."};
	struct created *made = http_ctx(h, sizeof *made);
	struct hooks hs = {NULL, 0, 0};
	xmlNodePtr page = xml_el(root, "webhooks"), names = xml_el(page, "event-names");
	enum db_result rc;

	for (unsigned i = 0; i < NEVENTS; i++) {
		xmlNodePtr s = xml_text_el(names, "event", form[F_EVENT0 + i].label);
		xml_attr(s, "name", event_names[i]);
	}
	hs.parent = page;
	if (h->method == HTTP_GET && h->q[Q_DELETE].st == VAL_OK)
		hs.ask = (unsigned)h->q[Q_DELETE].num;
	else if (h->method == HTTP_POST && h->f[F_OP].num == OP_DELETE && h->f[F_ID].st == VAL_OK)
		hs.ask = (unsigned)h->f[F_ID].num;
	if ((rc = db_webhook_list(h->db, h->sess.tenant_id, add_hook, &hs)) != DB_OK)
		return http_db_fail(rc);
	if (hs.ask != 0)
		xml_attr_int(page, "confirm", hs.found);
	if (h->method == HTTP_GET && h->q[Q_LOG].st == VAL_OK) {
		xmlNodePtr log = xml_el(page, "log");
		xml_attr_int(log, "endpoint", h->q[Q_LOG].num);
		if ((rc = db_webhook_log(h->db, h->sess.tenant_id, (unsigned)h->q[Q_LOG].num,
					 add_delivery, log)) != DB_OK)
			return http_db_fail(rc);
	}
	if (made != NULL && made->secret[0] != '\0') {
		xmlNodePtr c = xml_text_el(page, "created", made->secret);
		xml_attr_int(c, "id", made->id);
	}
	if (h->method == HTTP_GET)
		http_said(h, &h->q[Q_DONE], said);
	return PAGE_OK;
}

static enum page_result create(struct http *h)
{
	struct created *made = http_ctx(h, sizeof *made);
	char events[120] = "";
	unsigned char sealed[WEBHOOK_SECRET_LEN + AUTH_SEAL_OVERHEAD];
	const char *why = NULL;
	enum db_result rc;

	if (made == NULL)
		return PAGE_UNAVAILABLE;
	if (h->f[F_URL].st != VAL_OK ||
	    (why = webhook_url_check(h->f[F_URL].str, h->conf->hooks.allow_private)) != NULL)
		return http_field_error(
			h, F_URL, h->f[F_URL].st != VAL_OK ? "Enter the endpoint's URL." : why);
	for (unsigned i = 0; i < NEVENTS; i++)
		if (h->f[F_EVENT0 + i].st == VAL_OK && h->f[F_EVENT0 + i].num)
			snprintf(events + strlen(events), sizeof events - strlen(events), "%s%s",
				 events[0] ? "," : "", event_names[i]);
	if (events[0] == '\0')
		return http_field_error(h, F_EVENT0, "Choose the events to send.");
	webhook_secret_new(made->secret);
	if (auth_seal((const unsigned char *)made->secret, WEBHOOK_SECRET_LEN, sealed,
		      sizeof sealed) != 0) {
		sodium_memzero(made, sizeof *made);
		return PAGE_ERROR;
	}
	if ((rc = db_begin(h->db)) == DB_OK &&
	    (rc = db_webhook_add(h->db, h->sess.tenant_id, h->f[F_URL].str, events, sealed,
				 sizeof sealed, h->sess.email, &made->id)) == DB_OK &&
	    (rc = http_audit(h, "webhook.create", h->f[F_URL].str, NULL, events)) == DB_OK)
		rc = db_commit(h->db);
	if (rc != DB_OK) {
		db_rollback(h->db);
		sodium_memzero(made, sizeof *made);
		return http_db_fail(rc);
	}
	h->status = 201;
	http_notice(h, "success",
		    "Endpoint added. Copy its signing secret now: it is shown only this once.");
	return PAGE_INVALID;
}

/* The endpoint's id if it is the tenant's (else 0). */
struct find {
	unsigned id;
	int found;
};

static int find_hook(void *ctx, const struct db_webhook *w)
{
	struct find *f = ctx;

	f->found |= w->id == f->id;
	return 0;
}

static enum page_result hooks_post(struct http *h)
{
	struct find f = {0, 0};
	unsigned id;
	enum db_result rc;

	if (h->f[F_OP].num == OP_CREATE)
		return create(h);
	if (h->f[F_ID].st != VAL_OK)
		return http_bad_request(h, "Which endpoint?");
	id = f.id = (unsigned)h->f[F_ID].num;
	if ((rc = db_webhook_list(h->db, h->sess.tenant_id, find_hook, &f)) != DB_OK)
		return http_db_fail(rc);
	if (!f.found)
		return PAGE_NOT_FOUND;
	if (h->f[F_OP].num == OP_DELETE && (h->f[F_CONFIRM].st != VAL_OK || !h->f[F_CONFIRM].num)) {
		h->status = 200; /* not confirmed: the question, nothing deleted */
		return PAGE_INVALID;
	}
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	switch (h->f[F_OP].num) {
	case OP_DELETE:
		if ((rc = db_webhook_delete(h->db, h->sess.tenant_id, id)) == DB_OK)
			rc = http_audit(h, "webhook.delete", http_text(h, "%u", id), NULL, NULL);
		return http_txn_end(h, rc, "/settings/webhooks?done=deleted");
	case OP_DISABLE:
		if ((rc = db_webhook_enable(h->db, h->sess.tenant_id, id, 0,
					    http_text(h, "disabled by %s", h->sess.email))) ==
		    DB_OK)
			rc = http_audit(h, "webhook.disable", http_text(h, "%u", id), NULL, NULL);
		return http_txn_end(h, rc, "/settings/webhooks?done=disabled");
	default:
		if ((rc = db_webhook_enable(h->db, h->sess.tenant_id, id, 1, "")) == DB_OK)
			rc = http_audit(h, "webhook.enable", http_text(h, "%u", id), NULL, NULL);
		return http_txn_end(h, rc, "/settings/webhooks?done=enabled");
	}
}

const struct page page_webhooks = {
	.path = "/settings/webhooks",
	.name = "webhooks",
	.title = "Webhooks",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_SUPER,
	.need_edit = DB_PERM_SUPER,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = hooks_get,
	.post = hooks_post,
	.menu_section = "Integrations",
};
