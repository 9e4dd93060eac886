/* The feed's documents, written row by row as the database hands them over
 * (feed.h).  A resource's element opens at its own row (part 0) and stays
 * open for its nested rows (sites, contacts, permissions), which follow it;
 * the next resource or the page's end closes it.  The schemas
 * (xslt/feed/v1/) say the same shapes; tests/http/test_feed_docs.c checks
 * every document against them.  Never a secret: the rows hold none. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "xml.h"

static const char *const resource_names[] = {
	[DB_FEED_PORTAL_USER] = "portal-user",
	[DB_FEED_CUSTOMER] = "customer",
	[DB_FEED_GROUP] = "group",
	[DB_FEED_OFFICE_USER] = "office-user",
	[DB_FEED_RECORD] = "record",
};
static const char *const op_names[] = {
	[DB_FEED_INSERT] = "insert",
	[DB_FEED_UPDATE] = "update",
	[DB_FEED_DELETE] = "delete",
};

const char *feed_resource_name(unsigned r)
{
	return r >= DB_FEED_PORTAL_USER && r <= DB_FEED_RECORD ? resource_names[r] : "";
}

void feed_close(struct feed *f)
{
	if (f->open_id != 0)
		xmlTextWriterEndElement(f->w);
	f->open_id = 0;
}

/* An element with text only when the text is not empty. */
static void text_if(xmlTextWriterPtr w, const char *name, const char *text)
{
	if (text[0] != '\0')
		xml_w_text(w, name, text);
}

/* A resource's row (part 0): the previous one closed, this one opened,
 * unless a change asked for another id.  0 when the row is to be written. */
static int open_resource(struct feed *f, unsigned id, const char *name)
{
	feed_close(f);
	if (f->only_id != 0 && id != f->only_id)
		return -1;
	if (feed_begin(f) != 0)
		return -1;
	xmlTextWriterStartElement(f->w, BAD_CAST name);
	xml_w_attr_uint(f->w, "id", id);
	f->open_id = id;
	f->last_id = id;
	f->rows++;
	f->found = 1;
	return 0;
}

static void portal_user(struct feed *f, const struct db_feed_portal_user *u)
{
	xmlTextWriterPtr w;

	if (u->part != 0) { /* a granted site */
		if (f->open_id == u->id) {
			xmlTextWriterStartElement(f->w, BAD_CAST "site");
			xml_w_attr_uint(f->w, "id", u->customer_id);
			xmlTextWriterEndElement(f->w);
		}
		return;
	}
	if (open_resource(f, u->id, "portal-user") != 0)
		return;
	w = f->w;
	xml_w_attr_uint(w, "customer-id", u->customer_id);
	if (u->group_id != 0)
		xml_w_attr_uint(w, "group-id", u->group_id);
	xml_w_attr(w, "access", u->access);
	xml_w_attr(w, "invitation", u->invitation);
	xml_w_attr_bool(w, "password-set", u->password_set);
	xml_w_attr_bool(w, "mfa-required", u->mfa_required);
	xml_w_attr_bool(w, "mfa-enrolled", u->mfa_enrolled);
	xml_w_attr_bool(w, "all-sites", u->all_sites);
	xml_w_attr_bool(w, "email-reports", u->email_reports);
	xml_w_text(w, "email", u->email);
	xml_w_text(w, "company", u->company);
	text_if(w, "locked-until", u->locked_until);
	text_if(w, "time-zone", u->time_zone);
	xml_w_text(w, "created-at", u->created_at);
}

static void customer(struct feed *f, const struct db_feed_customer *c)
{
	xmlTextWriterPtr w;

	if (c->part != 0) {
		/* Sites only for a key that may read them. */
		if (f->open_id != c->id || (c->part == 2 && !(f->key.scopes & APIKEY_SITES)))
			return;
		w = f->w;
		xmlTextWriterStartElement(w, BAD_CAST(c->part == 1 ? "contact" : "site"));
		xml_w_attr_uint(w, "id", c->rid);
		if (c->link != 0)
			xml_w_attr_uint(w, c->part == 1 ? "portal-user-id" : "parent-id", c->link);
		xml_w_text(w, "name", c->name);
		if (c->part == 1) {
			xml_w_text(w, "email", c->email);
			xml_w_text(w, "phone", c->phone);
		} else
			xml_w_text(w, "address", c->email);
		xmlTextWriterEndElement(w);
		return;
	}
	if (open_resource(f, c->id, "customer") != 0)
		return;
	w = f->w;
	xml_w_text(w, "name", c->name);
	xml_w_text(w, "email", c->email);
	xml_w_text(w, "phone", c->phone);
	xml_w_text(w, "street", c->street);
	xml_w_text(w, "city", c->city);
	xml_w_text(w, "state", c->state);
	xml_w_text(w, "zip", c->zip);
	xml_w_text(w, "created-at", c->created_at);
}

static void group(struct feed *f, const struct db_feed_group *g)
{
	char perms[sizeof g->perms], *save = NULL;

	if (open_resource(f, g->id, "group") != 0)
		return;
	xml_w_attr_bool(f->w, "system", g->system);
	xml_w_attr_bool(f->w, "default", g->is_default);
	xml_w_attr_bool(f->w, "mfa-required", g->require_mfa);
	xml_w_text(f->w, "name", g->name);
	memcpy(perms, g->perms, sizeof perms);
	for (char *p = strtok_r(perms, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save))
		xml_w_text(f->w, "permission", p);
}

static void office_user(struct feed *f, const struct db_feed_office_user *u)
{
	xmlTextWriterPtr w;

	if (u->part != 0) { /* a module's level */
		if (f->open_id == u->id) {
			xmlTextWriterStartElement(f->w, BAD_CAST "permission");
			xml_w_attr(f->w, "module", u->email);
			xml_w_attr_uint(f->w, "level", (unsigned)u->level);
			xmlTextWriterEndElement(f->w);
		}
		return;
	}
	if (open_resource(f, u->id, "office-user") != 0)
		return;
	w = f->w;
	xml_w_attr(w, "role", u->role);
	xml_w_attr_bool(w, "active", u->active);
	xml_w_attr_bool(w, "mfa-required", u->mfa_required);
	xml_w_attr_bool(w, "mfa-enrolled", u->mfa_enrolled);
	xml_w_text(w, "email", u->email);
	xml_w_text(w, "first-name", u->first_name);
	xml_w_text(w, "last-name", u->last_name);
	xml_w_text(w, "phone", u->phone);
	text_if(w, "time-zone", u->time_zone);
	xml_w_text(w, "created-at", u->created_at);
}

static void record(struct feed *f, const struct db_feed_record *r)
{
	char date[11];
	xmlTextWriterPtr w;

	if (open_resource(f, r->id, "record") != 0)
		return;
	w = f->w;
	xml_w_attr(w, "kind", r->kind);
	xml_w_attr_uint(w, "customer-id", r->customer_id);
	if (r->site_id != 0)
		xml_w_attr_uint(w, "site-id", r->site_id);
	xml_w_attr_bool(w, "public", r->public_);
	xml_w_text(w, "ref", r->ref);
	xml_w_text(w, "title", r->title);
	xml_w_text(w, "detail", r->detail);
	snprintf(date, sizeof date, "%.10s", r->date);
	xml_w_text(w, "date", date);
	if (r->has_amount) {
		char amount[24];
		snprintf(amount, sizeof amount, "%lld", r->amount_cents);
		xml_w_text(w, "amount-cents", amount);
	}
	text_if(w, "status", r->status);
	text_if(w, "changed-by", r->changed_by);
	text_if(w, "changed-at", r->changed_at);
}

int feed_row(void *ctx, const void *row)
{
	struct feed *f = ctx;

	switch (f->res) {
	case DB_FEED_PORTAL_USER: portal_user(f, row); break;
	case DB_FEED_CUSTOMER: customer(f, row); break;
	case DB_FEED_GROUP: group(f, row); break;
	case DB_FEED_OFFICE_USER: office_user(f, row); break;
	case DB_FEED_RECORD: record(f, row); break;
	default: return 1;
	}
	/* A client gone: stop reading rows nobody will see. */
	return f->failed;
}

/* The page of changes, collected first (the state of each is read with
 * statements of its own, which must not run inside another's fetch). */
struct change_list {
	struct db_feed_change *v;
	size_t n, cap;
};

static int collect(void *ctx, const struct db_feed_change *c)
{
	struct change_list *l = ctx;

	if (l->n == l->cap)
		return 1;
	l->v[l->n++] = *c;
	return 0;
}

/* The scope a change's resource needs. */
static unsigned resource_scope(unsigned res)
{
	static const unsigned scope[] = {
		[DB_FEED_PORTAL_USER] = APIKEY_PORTAL_USERS,
		[DB_FEED_CUSTOMER] = APIKEY_CUSTOMERS,
		[DB_FEED_GROUP] = APIKEY_GROUPS,
		[DB_FEED_OFFICE_USER] = APIKEY_OFFICE_USERS,
		[DB_FEED_RECORD] = APIKEY_RECORDS,
	};
	return res >= DB_FEED_PORTAL_USER && res <= DB_FEED_RECORD ? scope[res] : 0;
}

enum db_result feed_write_change(struct feed *f, const struct db_feed_change *c)
{
	struct feed_cursor cur = {.doc = FEED_CHANGES, .tenant = f->key.tenant_id, .after = c->seq};
	char text[FEED_CURSOR_LEN + 1];
	enum db_result rc = DB_OK;

	xmlTextWriterStartElement(f->w, BAD_CAST "change");
	xml_w_attr_uint(f->w, "seq", c->seq);
	xml_w_attr(f->w, "op", op_names[c->op]);
	xml_w_attr(f->w, "resource", feed_resource_name(c->resource));
	xml_w_attr_uint(f->w, "id", c->id);
	xml_w_attr(f->w, "at", c->at);
	feed_cursor_encode(&cur, text);
	xml_w_attr(f->w, "cursor", text);
	if (c->op != DB_FEED_DELETE) {
		f->res = c->resource;
		f->only_id = c->id;
		rc = c->resource == DB_FEED_RECORD
			     ? db_feed_records(f->db, f->key.tenant_id, NULL, c->id - 1, 1,
					       feed_row, f)
			     : db_feed_page(f->db, c->resource, f->key.tenant_id, c->id - 1, 1,
					    feed_row, f);
		feed_close(f);
		f->only_id = 0;
	}
	xmlTextWriterEndElement(f->w);
	return rc;
}

enum db_result feed_write_changes(struct feed *f)
{
	struct change_list l = {.cap = f->limit};
	unsigned rows = 0;
	enum db_result rc;

	if ((l.v = calloc(l.cap, sizeof *l.v)) == NULL)
		return DB_ERR;
	rc = db_feed_changes(f->db, f->key.tenant_id, f->after.after, f->limit, collect, &l);
	for (size_t i = 0; rc == DB_OK && i < l.n && !f->failed; i++) {
		const struct db_feed_change *c = &l.v[i];
		if (c->resource < DB_FEED_PORTAL_USER || c->resource > DB_FEED_RECORD ||
		    c->op < DB_FEED_INSERT || c->op > DB_FEED_DELETE)
			rc = DB_ERR;
		else if (f->key.scopes & resource_scope(c->resource)) {
			rc = feed_write_change(f, c);
			rows++;
		}
		if (rc == DB_OK)
			f->after.after = c->seq;
	}
	free(l.v);
	f->rows = rows;
	return f->failed ? DB_ERR : rc;
}
