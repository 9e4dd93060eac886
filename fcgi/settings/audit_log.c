/* /settings/audit-log: the company's audit trail (issue 15), for Super
 * Admins (the Admin role's settings level): every security-relevant
 * change, sign-in and client action, newest first, filtered by actor,
 * action or kind of action, target and days (in the viewer's zone), paged
 * by cursor (?older=, ?newer=: an entry's time and id), each entry linking
 * to what it is about.  /settings/audit-log/export?as=csv|xml: the same
 * view, every entry of it, as CSV or XML, written as it is read (a page's memory, not
 * the log's size), read in one transaction so that it is one consistent
 * picture. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>

#include "auditlog.h"
#include "list.h"
#include "log.h"
#include "pages.h"
#include "tz.h"
#include "xml.h"

#define EXPORT_BATCH 1000u

/* The kinds of action (an action's first part) the filter offers, with
 * their labels. */
static const char *const categories[] = {
	"portal_user",  "office_user",     "customer", "contact", "site",
	"portal_group", "portal_settings", "portal",   "api_key", "webhook",
	"tenant",       "calendar",        "vehicle",  "audit",   NULL,
};
static const char *const category_labels[] = {
	"Portal users", "Office users",  "Customers",       "Contacts",
	"Sites",        "Portal groups", "Portal settings", "Portal clients' actions",
	"API keys",     "Webhooks",      "Company",         "Calendars",
	"Vehicles",     "The audit log",
};
_Static_assert(sizeof categories / sizeof categories[0] ==
		       sizeof category_labels / sizeof category_labels[0] + 1,
	       "a label for each kind of action");

static const char *category_choice(const char *in, size_t len, struct val_value *out)
{
	return val_choice(categories, "Unknown kind of action.", in, len, out);
}

VAL_CHOICE(per_choice, "Show 25, 50 or 100 entries a page.", "25", "50", "100")
VAL_CHOICE(format_choice, "Export as csv or xml (as=csv, as=xml).", "csv", "xml")

/* An action as written: lowercase words joined by "_" and ".". */
static const char *val_action(const char *in, size_t len, struct val_value *out)
{
	if (len == 0 || strspn(in, "abcdefghijklmnopqrstuvwxyz_.") != len)
		return "Not an action name.";
	return val_line(in, len, out);
}

/* The filter's fields, shared by both pages, first in their tables. */
enum { Q_ACTOR, Q_ACTION, Q_CATEGORY, Q_TARGET, Q_FROM, Q_TO, Q_NFILTER };
#define FILTER_FIELDS                                                                              \
	[Q_ACTOR] = {"actor", val_line, 254, 0, "Actor"},                                          \
	[Q_ACTION] = {"action", val_action, 64, 0, "Action"},                                      \
	[Q_CATEGORY] = {"category", category_choice, 20, 0, "Kind of action"},                     \
	[Q_TARGET] = {"target", val_line, 200, 0, "Target"},                                       \
	[Q_FROM] = {"from", val_date, 10, 0, "From"}, [Q_TO] = {"to", val_date, 10, 0, "To"}

enum { Q_OLDER = Q_NFILTER, Q_NEWER, Q_PER };
static const struct val_field query[] = {
	FILTER_FIELDS,
	[Q_OLDER] = {"older", list_val_time_cursor, LIST_TIME_CURSOR_MAX, 0, "Older"},
	[Q_NEWER] = {"newer", list_val_time_cursor, LIST_TIME_CURSOR_MAX, 0, "Newer"},
	[Q_PER] = {"per", per_choice, 3, 0, "Entries per page"},
};
enum { Q_FORMAT = Q_NFILTER };
static const struct val_field export_query[] = {
	FILTER_FIELDS,
	/* "as", not "format": ?format=xml is every page's XML answer. */
	[Q_FORMAT] = {"as", format_choice, 3, VAL_REQUIRED, "Format"},
};

/* A query value, or "" when absent. */
static const char *qv(const struct http *h, size_t i)
{
	return h->q[i].st == VAL_OK && h->q[i].str != NULL ? h->q[i].str : "";
}

/* The instant day ymd (YYYYMMDD as val_date's num) begins in zone, plus
 * days, as MariaDB's "YYYY-MM-DD HH:MM:SS" in UTC. */
static void day_utc(const char *zone, long long ymd, int days, char out[20])
{
	struct tm tm = {.tm_year = (int)(ymd / 10000) - 1900,
			.tm_mon = (int)(ymd / 100 % 100) - 1,
			.tm_mday = (int)(ymd % 100) + days};
	time_t t;

	timegm(&tm); /* the calendar's next day, month and year */
	t = tz_day_start(zone, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

/* The view's filter from the query (its dates in the viewer's zone, "to"
 * a whole day); NULL, or a message for a 400. */
static const char *read_filter(struct http *h, struct db_audit_filter *f)
{
	memset(f, 0, sizeof *f);
	f->actor = qv(h, Q_ACTOR);
	f->action = qv(h, Q_ACTION);
	f->category = qv(h, Q_CATEGORY);
	f->target = qv(h, Q_TARGET);
	if (h->q[Q_FROM].st == VAL_OK && h->q[Q_TO].st == VAL_OK &&
	    h->q[Q_FROM].num > h->q[Q_TO].num)
		return "The end day comes before the start day.";
	if (h->q[Q_FROM].st == VAL_OK)
		day_utc(h->time_zone, h->q[Q_FROM].num, 0, f->from);
	if (h->q[Q_TO].st == VAL_OK)
		day_utc(h->time_zone, h->q[Q_TO].num, 1, f->to);
	return NULL;
}

/* The filter as a query string (its fields as given), for the pager's
 * and the export's links. */
static void filter_query(const struct http *h, char *out, size_t sz)
{
	out[0] = '\0';
	for (size_t i = 0; i < Q_NFILTER; i++)
		if (h->q[i].st == VAL_OK && h->q[i].raw != NULL && h->q[i].raw[0] != '\0')
			list_param(out, sz, query[i].name, h->q[i].raw);
}

/* ---- the page ---- */

static int dom_part(void *ctx, int element, const char *name, const char *value)
{
	if (element)
		xml_text_el(ctx, name, value);
	else
		xml_attr(ctx, name, value);
	return 0;
}

/* An entry with the export's parts (auditlog.c), and the query of the
 * actor's own entries. */
static int add_entry(void *ctx, const struct db_audit_row *r)
{
	struct list_timepage *p = ctx;
	xmlNodePtr e;

	if (list_timepage_row(p, r->cursor, r->id))
		return 0;
	e = xml_el(p->rows, "entry");
	if (r->actor[0] != '\0') {
		char q[800] = "";
		list_param(q, sizeof q, "actor", r->actor);
		xml_attr(e, "actor-query", q);
	}
	return auditlog_entry_parts(r, dom_part, e);
}

struct walk {
	struct http *h;
	const struct db_audit_filter *f;
	struct list_timepage *p;
};

/* One page's walk from a place (list_timepage_read). */
static int walk(void *ctx, int newer, const char *t, unsigned long long id)
{
	struct walk *w = ctx;

	return (int)db_audit_page(w->h->db, w->h->sess.tenant_id, w->f,
				  newer ? DB_AUDIT_NEWER : DB_AUDIT_OLDER, t, id, w->p->per + 1,
				  add_entry, w->p);
}

static void filter_xml(struct http *h, xmlNodePtr page)
{
	xmlNodePtr n = xml_el(page, "filter"), cats = xml_el(page, "categories");

	for (size_t i = 0; i < Q_NFILTER; i++)
		if (h->q[i].st == VAL_OK && h->q[i].raw != NULL)
			xml_attr(n, query[i].name, h->q[i].raw);
	for (size_t i = 0; categories[i] != NULL; i++)
		xml_attr(xml_text_el(cats, "category", category_labels[i]), "name", categories[i]);
}

static enum page_result audit_get(struct http *h, xmlNodePtr root)
{
	static const unsigned pers[] = {25, 50, 100};
	struct db_audit_filter f;
	struct list_timepage p;
	struct walk w = {h, &f, &p};
	int newer = h->q[Q_NEWER].st == VAL_OK;
	const char *c = newer                        ? h->q[Q_NEWER].str
			: h->q[Q_OLDER].st == VAL_OK ? h->q[Q_OLDER].str
						     : NULL;
	char q[2400];
	unsigned long long count = 0;
	xmlNodePtr page;
	const char *bad;
	enum db_result rc;

	if ((bad = read_filter(h, &f)) != NULL)
		return http_bad_request(h, bad);
	memset(&p, 0, sizeof p);
	p.per = h->q[Q_PER].st == VAL_OK ? pers[h->q[Q_PER].num] : 50;
	page = xml_el(root, "audit-log");
	filter_xml(h, page);
	p.rows = xml_el(page, "entries");
	if ((rc = (enum db_result)list_timepage_read(&p, newer, c, walk, &w)) != DB_OK)
		return http_db_fail(rc);
	/* A newest page that holds the whole view counts it; any other is
	 * counted, up to 1,000. */
	if (list_timepage_whole(&p))
		count = p.n;
	else if ((rc = db_audit_count(h->db, h->sess.tenant_id, &f, &count)) != DB_OK)
		return http_db_fail(rc);
	xml_attr_int(page, "count", (long long)(count > 1000 ? 1000 : count));
	xml_attr(page, "count-exact", count > 1000 ? "0" : "1");
	xml_attr_int(page, "per", p.per);
	filter_query(h, q, sizeof q);
	xml_attr(page, "query", q);
	list_timepage_links(&p, page);
	return PAGE_OK;
}

const struct page page_audit_log = {
	.path = "/settings/audit-log",
	.name = "audit-log",
	.title = "Audit log",
	.methods = HTTP_GET,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_SUPER,
	.need_edit = DB_PERM_SUPER,
	PAGE_QUERY(query),
	.get = audit_get,
	.menu_section = "Security",
	.memo = 1, /* an entry holds no secret (db.h, struct db_audit) */
};

/* ---- the export ---- */

struct export
{
	struct http *h;
	xmlTextWriterPtr w; /* XML; NULL: CSV */
	char last[LIST_TIME_CURSOR_MAX + 1];
	unsigned n;
	int failed;
};

static int put(void *ctx, const char *s, size_t n)
{
	struct export *x = ctx;

	if (x->failed || FCGX_PutStr(s, (int)n, x->h->fr->out) != (int)n)
		return x->failed = 1;
	x->h->bytes_out += n;
	return 0;
}

static int out_write(void *ctx, const char *buf, int len)
{
	return put(ctx, buf, (size_t)len) == 0 ? len : -1;
}

static int export_entry(void *ctx, const struct db_audit_row *r)
{
	struct export *x = ctx;

	x->n++;
	list_time_cursor(x->last, r->cursor, r->id);
	if (x->w != NULL)
		return auditlog_xml_entry(x->w, r) < 0 || x->failed ? 1 : 0;
	return auditlog_csv_entry(r, put, x);
}

/* The document's root: the company, when, and the view exported. */
static void export_root(struct export *x, const char *stamp)
{
	struct http *h = x->h;

	xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL);
	xmlTextWriterStartElement(x->w, BAD_CAST "audit-log");
	xml_w_attr(x->w, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
	xml_w_attr(x->w, "xsi:noNamespaceSchemaLocation", "/feed/schema/v1/audit.xsd");
	xml_w_attr(x->w, "tenant", h->sess.tenant.slug);
	xml_w_attr(x->w, "exported", stamp);
	for (size_t i = 0; i < Q_NFILTER; i++)
		if (h->q[i].st == VAL_OK && h->q[i].raw != NULL)
			xml_w_attr(x->w, export_query[i].name, h->q[i].raw);
}

static enum page_result export_stream(struct http *h)
{
	struct db_audit_filter f;
	struct export x = {.h = h};
	char name[160], stamp[24], last[LIST_TIME_CURSOR_MAX + 1];
	int xml = h->q[Q_FORMAT].num == 1;
	time_t now = time(NULL);
	struct tm tm;
	const char *bad;
	enum db_result rc;

	if ((bad = read_filter(h, &f)) != NULL)
		return http_bad_request(h, bad);
	/* One snapshot for the whole export: every page read in the same
	 * transaction (repeatable read), rolled back at the end. */
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(name, sizeof name, "audit-log-%s-%.4s%.2s%.2s.%s", h->sess.tenant.slug, stamp,
		 stamp + 5, stamp + 8, xml ? "xml" : "csv");
	http_stream_start(h, xml ? "application/xml; charset=utf-8" : "text/csv; charset=utf-8",
			  name);
	if (xml) {
		xmlOutputBufferPtr out = xmlOutputBufferCreateIO(out_write, NULL, &x, NULL);
		if (out == NULL || (x.w = xmlNewTextWriter(out)) == NULL) {
			if (out != NULL)
				xmlOutputBufferClose(out);
			db_rollback(h->db);
			return PAGE_OK; /* the headers are out: the body ends here */
		}
		export_root(&x, stamp);
	} else
		auditlog_csv_header(put, &x);
	/* Newest first, a batch at a time from where the last one ended. */
	last[0] = '\0';
	do {
		char t[21] = "";
		unsigned long long id = last[0] != '\0' ? list_time_cursor_read(last, t) : 0;
		x.n = 0;
		rc = db_audit_page(h->db, h->sess.tenant_id, &f, DB_AUDIT_OLDER, t, id,
				   EXPORT_BATCH, export_entry, &x);
		memcpy(last, x.last, sizeof last);
	} while (rc == DB_OK && !x.failed && x.n == EXPORT_BATCH);
	db_rollback(h->db);
	if (x.w != NULL) {
		/* A document cut short by a failure is left unclosed: a
		 * partner's parser then fails rather than take it whole. */
		if (rc == DB_OK && !x.failed)
			xmlTextWriterEndDocument(x.w);
		xmlFreeTextWriter(x.w);
	}
	if (rc != DB_OK)
		log_err("audit export stopped: %s", db_errmsg(h->db));
	return PAGE_OK;
}

const struct page page_audit_export = {
	.path = "/settings/audit-log/export",
	.name = "audit-log-export",
	.title = "Audit log export",
	.methods = HTTP_GET,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_SUPER,
	.need_edit = DB_PERM_SUPER,
	PAGE_QUERY(export_query),
	.stream = export_stream,
};
